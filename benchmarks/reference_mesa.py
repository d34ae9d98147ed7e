"""An idiomatic-Mesa reference of routesim's movement rules, for the benchmark's ``reference_ratio``.

Migrants are ``mesa.Agent`` objects, every one of them activated every day with
``model.agents_by_type[Migrant].shuffle_do("step")`` -- the textbook Mesa way, and what DESIGN
section 4 rules out for the real model. It shares with :class:`sim.model.SmugglingModel` what
moves people:

- the same route graph (:class:`sim.network.RouteNetwork`, built by :func:`sim.network.build_graph`
  from the scenario, retreat edges included) and the same Frontex route labels;
- the same demand table and rule: agents per day per (origin, origin group) from the monthly
  ``persons_detected`` times ``(1 + undetected_share) / persons_per_agent``, burn-in at the first
  reported month's rate, a random rounding per pair and day; the same destination weights, budgets
  (log-normal), risk tolerance (beta), by origin group;
- the same enforcement: agencies' standing effort (:class:`sim.agents.enforcement.EnforcementAgency`
  agents) and the timeline events (:class:`sim.agents.enforcement.TimelineEvent` ramps), mapped to
  prevention, detection, return and death probabilities with the same formulas and parameters;
- the same route choice: a logit (:func:`sim.choice.logit_choice`) over the generalised cost
  (:func:`sim.choice.edge_cost`) plus the cost-to-go (:func:`sim.choice.cost_to_go`, hard minimum
  over the graph without retreat edges, recomputed every ``replan_interval_days``), over the
  segments that bring the migrant closer, retreat edges only after a failure or two weeks' wait;
- the same crossing outcomes (:func:`sim.crossing.cross_groups`: prevented, incident and deaths,
  detection, rescue on labelled sea edges, return), the same ``max_attempts`` and
  ``max_wait_days``, travel times rounded to whole days.

What it simplifies (it is a yardstick for speed, not a model to validate):

- no smuggler enterprises and no market: every segment costs a fixed price (``base_fee_eur`` times
  ``enterprises.markup`` where smugglers sell it, the base fee elsewhere), with unlimited seats; no
  service levels, no enterprise reputation, no packages;
- no hubs: no hub reputation term in the utility;
- perceived failure is today's true failure probability (no word-of-mouth memory);
- each agent crosses as its own group (``persons_per_agent`` persons) instead of boats and convoys
  filled from an offer's customers;
- a migrant who cannot afford any closer segment earns the daily wage and waits (no exploitation);
- no weekly snapshots and no result tables; it counts detections and terminal states only.

Examples
--------
>>> from sim.scenario import load_scenario  # doctest: +SKIP
>>> m = ReferenceModel(load_scenario("scenarios/baseline_2014.yaml").with_overrides(persons_per_agent=20), 1)  # doctest: +SKIP
>>> m.run(); m.person_days()  # doctest: +SKIP
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from enum import IntEnum

import mesa
import numpy as np

from sim.agents.enforcement import EnforcementAgency, TimelineEvent
from sim.choice import cost_to_go, edge_cost, logit_choice
from sim.crossing import cross_groups, detection_probability, effort_probability
from sim.enforcement import EnforcementState, resolve_target
from sim.network import MODES, RouteNetwork
from sim.observed import ROUTE_TYPES
from sim.spawning import build_population, demand_rates

__all__ = ["Migrant", "ReferenceModel", "State"]

SEA = MODES.index("sea")


class State(IntEnum):
    """Where a reference migrant is. ARRIVED, RETURNED and DEAD are terminal."""

    WAITING = 1
    IN_TRANSIT = 2
    ARRIVED = 3
    RETURNED = 4
    DEAD = 5


def _val(v) -> str:
    return "" if v is None else str(getattr(v, "value", v))


def _to_date(v) -> date | None:
    if v is None or v == "":
        return None
    return v if isinstance(v, date) else date.fromisoformat(str(v))


class Migrant(mesa.Agent):
    """A migrant agent (``persons_per_agent`` persons) that decides for itself every day.

    Attributes
    ----------
    node : int
        Current node, or the node being travelled to.
    destination : int
        Index into ``model.destinations``.
    budget_eur : float
        Per person.
    risk_tolerance : float
        0-1.
    attempts : int
        Failed crossing attempts.
    wait_since, spawn_day : int
        Model days.
    travel_left : int
        Days until arrival at ``node`` (0: there).
    """

    def __init__(self, model: ReferenceModel, node: int, destination: int, budget_eur: float,
                 risk_tolerance: float):
        super().__init__(model)
        self.node = node
        self.destination = destination
        self.budget_eur = budget_eur
        self.risk_tolerance = risk_tolerance
        self.attempts = 0
        self.wait_since = model.day
        self.spawn_day = model.day
        self.travel_left = 0
        self.state = State.WAITING

    def step(self) -> None:
        """Travel on, or choose a segment at the current node and cross it."""
        m = self.model
        if self.travel_left > 0:
            self.travel_left -= 1
            if self.travel_left == 0:
                self._arrive()
            return
        if m.day - self.wait_since > m.max_wait_days:
            self._finish(State.RETURNED)
            return
        net = m.net
        edges = net.out_edges[self.node]
        dest_node = m.destinations[self.destination]
        J = m.J[:, self.destination]
        dst = net.dst[edges]
        price = m.price_eur[edges]
        cost = edge_cost(price, net.travel_days[edges], m.p_incident[edges], m.failure[edges],
                         time_value_eur_per_day=m.cp.time_value_eur_per_day, risk_value_eur=m.cp.risk_value_eur,
                         prevention_penalty_eur=m.cp.prevention_penalty_eur, risk_tolerance=self.risk_tolerance)
        utility = -(cost + J[dst]) / m.cp.cost_scale_eur
        may_retreat = self.attempts > 0 or (m.day - self.wait_since) >= 14
        allowed = np.where(net.is_retreat[edges], may_retreat, J[dst] < J[self.node])
        finite = allowed & np.isfinite(utility)
        if not finite.any():
            self._finish(State.RETURNED)  # no way on from here
            return
        afford = finite & (price <= self.budget_eur)
        col = int(logit_choice(utility[None, :], afford[None, :], m.rng)[0])
        if col < 0:
            self.budget_eur += m.daily_wage_eur  # works a day, tries again tomorrow
            return
        e = int(edges[col])
        self.budget_eur -= float(price[col])
        self._cross(e, dest_node)

    def _cross(self, e: int, dest_node: int) -> None:
        m = self.model
        net = m.net
        labelled = m.labelled[e] >= 0
        out = cross_groups(
            np.zeros(1, dtype=np.int64),
            p_prevent=m.p_prevent[e:e + 1],
            p_incident=m.p_incident[e:e + 1],
            fatality_share=m.crp.fatality_share,
            fatality_beta_a=m.crp.fatality_beta_a,
            p_detect=m.p_detect[e:e + 1],
            p_return=m.p_return[e:e + 1],
            rescue_detects=np.array([labelled and net.mode[e] == SEA]),
            rng=m.rng,
        )
        if out.detected[0]:
            m.detections[m.labelled[e]] += m.persons_per_agent
        if out.died[0]:
            self._finish(State.DEAD)
        elif out.prevented[0] or out.returned[0]:
            self.attempts += 1
            if self.attempts >= m.crp.max_attempts:
                self._finish(State.RETURNED)
        else:
            self.node = int(net.dst[e])
            self.state = State.IN_TRANSIT
            self.travel_left = max(1, round(float(net.travel_days[e]))) - 1
            if self.travel_left == 0:
                self._arrive()

    def _arrive(self) -> None:
        m = self.model
        if m.destinations[self.destination] == self.node:
            self._finish(State.ARRIVED)
            return
        self.state = State.WAITING
        self.wait_since = m.day

    def _finish(self, state: State) -> None:
        m = self.model
        m.finished[state] += 1
        m.finished_days += m.day - self.spawn_day
        self.remove()


class ReferenceModel(mesa.Model):
    """Idiomatic-Mesa reference of the movement rules, built from ``(scenario, seed)``.

    Parameters
    ----------
    scenario : sim.scenario.Scenario
    seed : int
        Given to ``mesa.Model(rng=seed)``.

    Attributes
    ----------
    migrants_created : int
        Migrant agents created.
    detections : ndarray of float, shape (len(ROUTE_TYPES),)
        Persons detected per Frontex route and type, whole run.
    finished : dict of State to int
        Agents per terminal state (removed from the model).
    """

    def __init__(self, scenario, seed: int):
        super().__init__(rng=int(seed))
        params = self.spec_params = scenario.parameters
        self.cp, self.crp = params.choice, params.crossing
        self.persons_per_agent = int(scenario.persons_per_agent)
        self.max_wait_days = params.vulnerability.max_wait_days
        self.daily_wage_eur = params.vulnerability.daily_wage_eur
        start, end = _to_date(scenario.start), _to_date(scenario.end)
        self.first_date = start - timedelta(days=int(scenario.burn_in_days))
        self.n_days_total = (end - self.first_date).days + 1
        self.day = 0
        self.net = net = RouteNetwork.from_scenario(scenario, list(ROUTE_TYPES))

        # months and demand (agents per day per (origin, group) pair)
        months: list[str] = []
        self.month_of_day = np.zeros(self.n_days_total, dtype=np.int64)
        days_in_month: list[int] = []
        for d in range(self.n_days_total):
            dt = self.first_date + timedelta(days=d)
            key = f"{dt.year:04d}-{dt.month:02d}"
            if not months or months[-1] != key:
                months.append(key)
                days_in_month.append(calendar.monthrange(dt.year, dt.month)[1])
            self.month_of_day[d] = len(months) - 1
        pop = build_population(scenario, net)
        self.budget_median, self.budget_sigma, self.risk_mean = pop.budget_median_eur, pop.budget_sigma, pop.risk_mean
        self.destinations, self.destination_prob = pop.destinations, pop.destination_prob
        self.demand_pairs, self.demand_rate = demand_rates(
            scenario, net, pop.groups, months, days_in_month, self.month_of_day[int(scenario.burn_in_days)],
            params.demand.undetected_share, self.persons_per_agent)

        # fixed prices: what enterprises charge at the start (markup times the base fee)
        self.price_eur = np.where(net.smuggled, net.base_fee_eur * params.enterprises.markup, net.base_fee_eur)

        # enforcement
        N = net.n_nodes
        self.enforcement = st = EnforcementState(net.src, N)  # arrays reset in place: the aliases hold
        self.prevent_effort, self.detect_effort, self.arrest_effort_node = st.prevent, st.detect, st.arrest_node
        self.barrier, self.return_add, self.death_mult = st.barrier, st.return_add, st.death_mult
        for a in scenario.agencies:
            edges, nodes = resolve_target(net, _val(a.target_type), a.target)
            EnforcementAgency(self, a.agency, _val(a.side), edges, nodes, a.effort)
        self.events: list[TimelineEvent] = []
        for ev in scenario.events:
            s, f, e = _to_date(ev.start), _to_date(ev.full_effect), _to_date(ev.end)
            edges, nodes = resolve_target(net, _val(ev.target_type), ev.target)
            self.events.append(TimelineEvent(
                kind=_val(ev.kind), start=(s - self.first_date).days, full_effect=(f - self.first_date).days,
                end=None if e is None else (e - self.first_date).days, edges=edges, nodes=nodes,
                effect=getattr(params.events, _val(ev.kind)),
            ))

        self.detections = np.zeros(len(ROUTE_TYPES))
        self.finished = {s: 0 for s in (State.ARRIVED, State.RETURNED, State.DEAD)}
        self.finished_days = 0
        self.migrants_created = 0
        self._update_enforcement()
        self._replan()
        self.running = True

    def _update_enforcement(self) -> None:
        """Agencies' and events' effort today -> crossing probabilities (as in SmugglingModel)."""
        net, cp = self.net, self.crp
        for a in (self.prevent_effort, self.detect_effort, self.arrest_effort_node, self.barrier, self.return_add):
            a[:] = 0.0
        self.death_mult[:] = 1.0
        for agency in self.agents_by_type[EnforcementAgency]:
            agency.step(self.enforcement, self.spec_params, self.day, 0)
        for ev in self.events:
            s = ev.strength(self.day)
            if s <= 0:
                continue
            eff, e = ev.effect, ev.edges
            self.prevent_effort[e] += s * eff.prevention_effort
            self.barrier[e] = 1 - (1 - self.barrier[e]) * (1 - s * eff.barrier)
            self.detect_effort[e] += s * eff.detection_effort
            self.return_add[e] += s * eff.return_probability
            self.death_mult[e] *= 1 + s * (eff.death_risk_multiplier - 1)
        pp = effort_probability(self.prevent_effort, cp.prevention_per_effort)
        self.p_prevent = 1 - (1 - pp) * (1 - self.barrier)
        self.labelled = net.labelled_on(self.first_date.toordinal() + self.day)
        base = np.where(net.mode == SEA, cp.base_detection_sea, cp.base_detection_land)
        self.p_detect = np.where(self.labelled >= 0,
                                 detection_probability(base, self.detect_effort, cp.detection_per_effort), 0.0)
        self.p_return = np.clip(np.where(net.mode == SEA, cp.return_sea, cp.return_land) + self.return_add, 0, 1)
        self.p_incident = np.clip(net.death_risk * cp.death_risk_scale * self.death_mult, 0, 1)
        self.failure = self.p_prevent + (1 - self.p_prevent) * (1 - self.p_incident) * self.p_detect * self.p_return

    def _replan(self) -> None:
        """Costs-to-go (N, D) at the fixed prices and today's failure probabilities."""
        net, cp = self.net, self.cp
        cost = edge_cost(self.price_eur, net.travel_days, self.p_incident, self.failure,
                         time_value_eur_per_day=cp.time_value_eur_per_day, risk_value_eur=cp.risk_value_eur,
                         prevention_penalty_eur=cp.prevention_penalty_eur,
                         risk_tolerance=float(np.mean(self.risk_mean)))
        keep = ~net.is_retreat
        self.J = cost_to_go(net.src[keep], net.dst[keep], cost[keep, None], net.n_nodes, self.destinations,
                            scale=1e-6)

    def _spawn(self) -> None:
        """New migrant agents at origins from the monthly demand."""
        rate = self.demand_rate[self.month_of_day[self.day]]
        rng = self.rng
        n = np.floor(rate + rng.random(len(rate))).astype(np.int64)
        for pair in np.flatnonzero(n):
            origin, g = self.demand_pairs[pair]
            for _ in range(int(n[pair])):
                dest = int(rng.choice(len(self.destinations), p=self.destination_prob[g]))
                budget = float(self.budget_median[g] * np.exp(self.budget_sigma[g] * rng.standard_normal()))
                m = min(max(self.risk_mean[g], 0.01), 0.99)
                Migrant(self, int(origin), dest, budget, float(rng.beta(4 * m, 4 * (1 - m))))
                self.migrants_created += 1

    def step(self) -> None:
        """One day: enforcement, demand, replanning, then every migrant acts (shuffled)."""
        self._update_enforcement()
        if self.day % self.cp.replan_interval_days == 0:
            self._replan()
        self._spawn()
        if Migrant in self.agents_by_type:
            self.agents_by_type[Migrant].shuffle_do("step")
        self.day += 1
        if self.day >= self.n_days_total:
            self.running = False

    def run(self) -> None:
        """Run burn-in and the reported period."""
        while self.running:
            self.step()

    def person_days(self) -> int:
        """Person-days: spawn to terminal state or the last day run (as :func:`sim.metrics.person_days`)."""
        live = sum(self.day - a.spawn_day for a in self.agents_by_type.get(Migrant, ()))
        return int(self.finished_days + live) * self.persons_per_agent

    def state_counts(self) -> dict[str, int]:
        """Agents per state: terminal ones from the tallies, active ones from the live agents."""
        counts = {s.name.lower(): n for s, n in self.finished.items()}
        live = list(self.agents_by_type.get(Migrant, ()))
        counts["waiting"] = sum(1 for a in live if a.travel_left == 0)
        counts["in_transit"] = sum(1 for a in live if a.travel_left > 0)
        return counts
