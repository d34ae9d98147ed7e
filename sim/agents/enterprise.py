"""Smuggler enterprises: small, flexible groups selling passage at a market node (DESIGN step 7).

An enterprise is based at one market node and sells passage on one or more of the segments leaving
it, at one service level (0 basic, 1 standard, 2 premium). Its capacity grows with its members; its
price moves towards filling its seats; it pays variable costs per person carried and fixed costs per
member and per unit of enforcement effort around it (bribes, lost boats); it is arrested with a
daily hazard that grows with enforcement on its node and segments and falls with its size; it
exits on arrest or when its cash runs out; it hires when cash allows and, once large enough, serves
more segments; it partners with the enterprise at the next node to which it hands over enough
customers, and partners' customers get a package discount. Nothing here says "consolidate under
enforcement": any consolidation must come out of these rules.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa
import numpy as np

if TYPE_CHECKING:
    from sim.parameters import EnterpriseParameters, SupplyParameters

__all__ = ["SmugglerEnterprise", "ServiceLevel"]

ServiceLevel = ("basic", "standard", "premium")


class SmugglerEnterprise(mesa.Agent):
    """One smuggling enterprise.

    Parameters
    ----------
    model : mesa.Model
        The model the agent belongs to (Mesa's registry only: the enterprise never reads it).
    params : sim.parameters.EnterpriseParameters
    home : int
        Market node index.
    segments : list of int
        Edge indices served (all leave ``home``).
    service_level : int
        0 basic, 1 standard, 2 premium.
    price_eur : dict of int to float
        Standard-level price per person (EUR) per segment; the offer price is this times the
        service-level factor.
    cash_eur : float
        Starting cash (EUR).

    Attributes
    ----------
    members : int
        Persons in the enterprise (1 for a new entrant).
    cash_eur : float
    reputation : float
        0-1, moving average of the share of its customers who got across.
    partners : set of int
        ``unique_id`` of partner enterprises (consecutive segments).
    age_days : int
    arrested : bool
    active_from : int
        Model day from which it sells (a spin-off's set-up lag, mechanisms note (b)); 0 for the
        enterprises of the first day.
    carried : dict of int to float
        Persons carried per segment (its experience there, mechanisms note (b)).
    revenue_recent, losses_recent : float
        Revenue and value lost to enforcement (customers prevented or returned, at price), EUR,
        exponentially weighted over ``supply.loss_memory_days``.
    """

    def __init__(self, model: mesa.Model, params: EnterpriseParameters, home: int, segments: list[int],
                 service_level: int, price_eur: dict[int, float], cash_eur: float, *,
                 supply: SupplyParameters | None = None, active_from: int = 0,
                 carried: dict[int, float] | None = None):
        super().__init__(model)
        self.p = params
        self.supply = supply if supply is not None and supply.enabled else None
        self.active_from = int(active_from)
        self.carried: dict[int, float] = dict(carried or {})
        self.revenue_recent = 0.0
        self.losses_recent = 0.0
        self.home = home
        self.segments = list(segments)
        self.service_level = int(service_level)
        self.price_eur = dict(price_eur)
        self.members = 1
        self.cash_eur = float(cash_eur)
        self.reputation = params.initial_reputation
        self.partners: set[int] = set()
        self.age_days = 0
        self.arrested = False
        self.sold_today = 0.0  # persons
        self.sold_persons = 0.0
        self.capacity_today = 0.0  # persons
        self.utilisation = params.initial_utilisation
        self.handovers: dict[int, float] = {}
        self.package_sales = 0.0

    # --- capacity and offers -------------------------------------------------------------
    def departures_per_day(self) -> float:
        """Expected departures per day on each segment served."""
        p = self.p
        return (p.departures_per_week + p.capacity_per_member * (self.members - 1)) / 7.0

    def offer_price(self, edge: int) -> float:
        """Offer price per person (EUR) on ``edge`` at the enterprise's service level."""
        return self.price_eur[edge] * self.p.service_price_factor[self.service_level]

    def draw_capacity(self, seats: int, persons_per_agent: int, rng: np.random.Generator,
                      factor: float = 1.0) -> int:
        """Seats (agents) on one segment today: Poisson departures times ``seats`` per departure.

        ``factor`` multiplies the expected departures (the sea weather, :mod:`sim.weather`).
        """
        deps = rng.poisson(self.departures_per_day() * factor)  # x * 1.0 == x: no weather, same draws
        persons = deps * seats
        self.capacity_today += persons
        return int(math.floor(persons / persons_per_agent + rng.random()))

    # --- sales and outcomes ---------------------------------------------------------------
    def record_sale(self, persons: float, revenue_eur: float, base_fee_eur: float,
                    package_persons: float = 0.0, edge: int | None = None, cost_factor: float = 1.0) -> None:
        """Cash in a sale of ``persons`` seats for ``revenue_eur`` in all (EUR).

        Cash grows by the revenue less the variable cost (``variable_cost_share`` times the
        segment's ``base_fee_eur``) of every person carried; ``package_persons`` of them bought as
        a partner's package. ``cost_factor`` multiplies the variable cost (experience on the segment,
        :func:`sim.enterprises.experience`). With the supply mechanism on and ``edge`` given, the
        persons are added to its experience on the segment and the revenue to its recent revenue.
        """
        if self.supply is not None and edge is not None:
            self.carried[edge] = self.carried.get(edge, 0.0) + persons
            self.revenue_recent += revenue_eur
        self.cash_eur += revenue_eur - persons * self.p.variable_cost_share * base_fee_eur * cost_factor
        self.sold_today += persons
        self.sold_persons += persons
        self.package_sales += package_persons

    def record_losses(self, value_eur: float) -> None:
        """Add the value of customers prevented or returned (EUR) to the recent losses."""
        self.losses_recent += value_eur

    def record_outcome(self, success_share: float) -> None:
        """Update reputation with the share of a departure's customers who got across."""
        w = self.p.reputation_memory
        self.reputation = (1 - w) * self.reputation + w * success_share

    # --- daily step (called in this order by sim.enterprises.step_enterprises) -------------
    def pay_and_risk(self, effort: float, rng: np.random.Generator) -> str | None:
        """Age a day, pay fixed and enforcement costs, face arrest; ``"arrest"``, ``"ruin"`` or None.

        Parameters
        ----------
        effort : float
            Enforcement effort on its node and segments (:func:`sim.enforcement.enterprise_effort`).
        rng : numpy.random.Generator
        """
        p = self.p
        self.age_days += 1
        self.cash_eur -= self.members * p.fixed_cost_eur_per_member_day + p.enforcement_cost_eur_per_day * effort
        hazard = (p.arrest_hazard_base + p.arrest_hazard_per_effort * effort) / self.members**p.size_protection
        if rng.random() < hazard:
            self.arrested = True
            return "arrest"
        if self.cash_eur < 0:
            return "ruin"
        return None

    def pay_and_lose(self, fixed_cost_eur: float, arrested_members: int, organiser_taken: bool) -> str | None:
        """Consolidation (d): age a day, pay ``fixed_cost_eur``, lose arrested members; ``"arrest"``, ``"ruin"`` or None.

        The costs and the arrest come from :mod:`sim.consolidation`, computed for all enterprises at
        once by :func:`sim.enterprises.step_enterprises`. An arrest that takes the organiser (or the
        last member) ends the enterprise.
        """
        self.age_days += 1
        self.cash_eur -= fixed_cost_eur
        if arrested_members > 0:
            if organiser_taken or arrested_members >= self.members:
                self.arrested = True
                return "arrest"
            self.members -= arrested_members
        if self.cash_eur < 0:
            return "ruin"
        return None

    def hire(self) -> None:
        """Hire one member when cash per member allows it."""
        p = self.p
        if self.cash_eur > p.hire_cash_eur * self.members and self.members < p.max_members:
            self.members += 1
            self.cash_eur -= p.hire_cost_share * p.hire_cash_eur

    def wants_more_segments(self) -> bool:
        """Large enough for its segments to serve one more."""
        return self.members >= self.p.members_per_segment * len(self.segments)

    def adjust_prices(self, base_fee_eur: np.ndarray, kept: float = 1.0) -> None:
        """Move prices towards filling seats, within a floor and a cap; start a new sales day.

        Parameters
        ----------
        base_fee_eur : ndarray of float, shape (E,)
            Base fee of every edge (EUR).
        kept : float
            Share of each fare the seller expects to keep, in [0, 1] (payment on success with its
            break-even floor, :func:`sim.consolidation.kept_share`); below 1 the floor is divided by it,
            up to the cap (0: the cap), and enforced every day. 1 (the default): the floor of the rule without it.
        """
        p = self.p
        if self.capacity_today > 0:
            u = min(1.0, self.sold_today / self.capacity_today)
            w = p.utilisation_memory
            self.utilisation = (1 - w) * self.utilisation + w * u
        if self.utilisation > p.raise_price_utilisation:
            factor = 1.0 + p.price_adjustment
        elif self.utilisation < p.cut_price_utilisation:
            factor = 1.0 - p.price_adjustment
        else:
            factor = 1.0
        if factor != 1.0 or kept < 1.0:
            for e in self.segments:
                # the offer (price times the service-level factor) never falls below variable cost
                base = base_fee_eur[e]
                floor = (p.price_floor_margin * p.variable_cost_share * base + p.price_floor_eur) / p.service_price_factor[self.service_level]
                cap = p.price_cap_factor * base + p.price_cap_eur
                if kept < 1.0:  # break-even per paying customer, bounded by the cap
                    floor = max(floor, cap if kept <= 0.0 else min(floor / kept, cap))
                self.price_eur[e] = max(floor, min(self.price_eur[e] * factor, cap))
        self.sold_today = 0.0
        self.capacity_today = 0.0

    def age_handovers(self) -> list[int]:
        """Decay remembered hand-overs; the enterprises now handed enough customers to be partners.

        Returns
        -------
        list of int
            ``unique_id`` of enterprises, not yet partners, whose remembered hand-overs reach
            ``partnership_min_volume`` (persons).
        """
        p = self.p
        ready: list[int] = []
        if self.handovers:
            decay = math.exp(-1.0 / p.handover_memory_days)
            for k in list(self.handovers):
                v = self.handovers[k] * decay
                if v >= p.partnership_min_volume and k not in self.partners:
                    ready.append(k)
                if v < p.handover_forget_persons:
                    del self.handovers[k]
                else:
                    self.handovers[k] = v
        return ready
