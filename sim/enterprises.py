"""Enterprises as a population: entry, exit, growth and partnerships (DESIGN step 7).

One place for what happens to the set of :class:`sim.agents.enterprise.SmugglerEnterprise`
agents: the initial enterprises of each market node, new entrants where queues exceed capacity
(recruited towards unserved or wanted segments), exit on arrest or ruin, growth into more segments,
and partnerships between enterprises that hand each other enough customers. The agent itself keeps
its own books (costs, arrest, hiring, prices). Nothing here says "consolidate under enforcement":
any consolidation must come out of these rules.
"""

from __future__ import annotations

import numpy as np

from sim.agents.enterprise import SmugglerEnterprise
from sim.enforcement import enterprise_effort

__all__ = ["EnterpriseRegistry", "enter", "new_enterprise", "seed_enterprises", "step_enterprises"]


class EnterpriseRegistry:
    """The enterprises in the market, by home node and by id.

    Parameters
    ----------
    market_nodes : iterable of int
        Market node indices.

    Attributes
    ----------
    at : dict of int to list of SmugglerEnterprise
        Enterprises based at each market node, in order of entry.
    by_id : dict of int to SmugglerEnterprise
    exits : dict of str to int
        Exits so far by reason (``"arrest"``, ``"ruin"``).
    """

    def __init__(self, market_nodes):
        self.at: dict[int, list[SmugglerEnterprise]] = {int(n): [] for n in market_nodes}
        self.by_id: dict[int, SmugglerEnterprise] = {}
        self.exits = {"arrest": 0, "ruin": 0}

    def add(self, ent: SmugglerEnterprise) -> None:
        """Register a new enterprise at its home node."""
        self.at[ent.home].append(ent)
        self.by_id[ent.unique_id] = ent

    def remove(self, ent: SmugglerEnterprise, reason: str) -> None:
        """Take an enterprise out of the market (``reason`` "arrest" or "ruin"); partners forget it."""
        self.exits[reason] += 1
        self.at[ent.home].remove(ent)
        del self.by_id[ent.unique_id]
        for k in ent.partners:
            other = self.by_id.get(k)
            if other is not None:
                other.partners.discard(ent.unique_id)
        ent.remove()

    def market_price(self, edge: int, source: int, base_fee_eur: float, markup: float) -> float:
        """Mean standard-level price (EUR per person) of the offers on ``edge``, or the base fee times ``markup``.

        Parameters
        ----------
        edge : int
        source : int
            The edge's source node (where it is sold).
        base_fee_eur : float
        markup : float
            ``enterprises.markup``.
        """
        prices = [ent.price_eur[edge] for ent in self.at.get(source, ()) if edge in ent.price_eur]
        if prices:
            return float(np.mean(prices))
        return float(base_fee_eur * markup)


def _price(reg: EnterpriseRegistry, net, edge: int, markup: float) -> float:
    return reg.market_price(edge, int(net.src[edge]), net.base_fee_eur[edge], markup)


def new_enterprise(model, reg: EnterpriseRegistry, net, params, node: int, candidates: list[int],
                   rng: np.random.Generator, prefer: int | None = None) -> SmugglerEnterprise:
    """A new small enterprise at ``node`` selling one segment (or two), at one service level.

    Parameters
    ----------
    model : mesa.Model
        Only to register the agent with Mesa.
    reg : EnterpriseRegistry
    net : sim.network.RouteNetwork
    params : sim.parameters.EnterpriseParameters
    node : int
    candidates : list of int
        Smuggled segments leaving ``node``.
    rng : numpy.random.Generator
    prefer : int, optional
        Its first segment; drawn from ``candidates`` if None.

    Returns
    -------
    SmugglerEnterprise
    """
    p = params
    first = prefer if prefer is not None else candidates[int(rng.integers(len(candidates)))]
    segs = [first]
    others = [e for e in candidates if e != first]
    if others and rng.random() < p.second_segment_probability:
        segs.append(others[int(rng.integers(len(others)))])
    shares = np.asarray(p.service_level_shares)
    level = int(rng.choice(3, p=shares / shares.sum()))
    jitter = p.entry_price_jitter
    prices = {e: float(_price(reg, net, e, p.markup) * rng.uniform(1.0 - jitter, 1.0 + jitter)) for e in segs}
    ent = SmugglerEnterprise(model, p, node, segs, level, prices, p.initial_cash_eur)
    reg.add(ent)
    return ent


def _segments(net, node: int) -> list[int]:
    return [int(e) for e in net.out_edges[node] if net.smuggled[e]]


def seed_enterprises(model, reg: EnterpriseRegistry, net, params, rng: np.random.Generator) -> None:
    """The enterprises of the first day: ``initial_per_market`` per market node, and every segment sold."""
    for n in reg.at:
        segs = _segments(net, n)
        if not segs:
            continue
        for _ in range(params.initial_per_market):
            new_enterprise(model, reg, net, params, n, segs, rng)
        for e in segs:  # every segment sold by someone at the start
            if not any(e in ent.price_eur for ent in reg.at[n]):
                new_enterprise(model, reg, net, params, n, segs, rng, prefer=e)


def step_enterprises(reg: EnterpriseRegistry, net, effort_lists: tuple[list, list, list], params,
                     rng: np.random.Generator) -> None:
    """Each enterprise's day, in order of node and entry: costs and arrest, exit, hiring, growth,
    prices, partnerships.

    Parameters
    ----------
    reg : EnterpriseRegistry
    net : sim.network.RouteNetwork
    effort_lists : (prevent, detect, arrest_node)
        Today's enforcement effort as plain lists (:class:`sim.enforcement.EnforcementState`).
    params : sim.parameters.EnterpriseParameters
    rng : numpy.random.Generator
    """
    prevent, detect, arrest = effort_lists
    p = params
    for ents in list(reg.at.values()):
        for ent in list(ents):
            effort = enterprise_effort(ent.home, ent.segments, prevent, detect, arrest, p.eu_side_effort_weight)
            exit_reason = ent.pay_and_risk(effort, rng)
            if exit_reason is not None:
                reg.remove(ent, exit_reason)
                continue
            ent.hire()
            if ent.wants_more_segments():
                unserved = [e for e in net.out_edges[ent.home] if net.smuggled[e] and e not in ent.price_eur]
                if unserved:
                    e = int(unserved[int(rng.integers(len(unserved)))])
                    ent.segments.append(e)
                    ent.price_eur[e] = _price(reg, net, e, p.markup)
            ent.adjust_prices(net.base_fee_eur)
            for k in ent.age_handovers():
                other = reg.by_id.get(k)
                if other is not None:
                    ent.partners.add(k)
                    other.partners.add(ent.unique_id)


def enter(model, reg: EnterpriseRegistry, net, queue: np.ndarray, desired: np.ndarray, params,
          rng: np.random.Generator) -> None:
    """New enterprises where the queue exceeds the daily capacity (DESIGN step 7, entry).

    At a market node whose queue (persons) exceeds ``entry_queue_per_seat`` times the persons its
    enterprises can carry a day, Poisson(``entry_rate_per_day`` * log(1 + ratio)) new enterprises
    enter (at most ``max_entrants_per_day``), each starting on a segment nobody sells
    (``entry_prefer_unserved``), the one most wanted today (``entry_prefer_wanted``) or any.

    Parameters
    ----------
    model : mesa.Model
        Only to register new agents with Mesa.
    reg : EnterpriseRegistry
    net : sim.network.RouteNetwork
    queue : ndarray of int, shape (N,)
        Persons waiting at each node.
    desired : ndarray of float, shape (E,)
        Migrants (agents) who wanted each edge today before rationing.
    params : sim.parameters.EnterpriseParameters
    rng : numpy.random.Generator
    """
    p = params
    seats = (p.seats_land, p.seats_sea, p.seats_air)
    for n in reg.at:
        segs = _segments(net, n)
        if not segs or queue[n] == 0:
            continue
        cap_persons = max(1.0, sum(ent.departures_per_day() * seats[net.mode[e]]
                                   for ent in reg.at[n] for e in ent.segments))
        ratio = queue[n] / cap_persons
        if ratio <= p.entry_queue_per_seat:
            continue
        k = min(p.max_entrants_per_day, int(rng.poisson(p.entry_rate_per_day * np.log1p(ratio))))
        wish = desired[segs]
        served = {e for ent in reg.at[n] for e in ent.segments}
        unserved = [e for e in segs if e not in served]
        for _ in range(k):
            r = rng.random()
            if unserved and r < p.entry_prefer_unserved:  # a gap in the market: nobody sells it
                prefer = unserved[int(rng.integers(len(unserved)))]
            elif wish.sum() > 0 and r < p.entry_prefer_wanted:
                prefer = segs[int(np.argmax(wish))]
            else:
                prefer = None
            new_enterprise(model, reg, net, p, n, segs, rng, prefer)
