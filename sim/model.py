"""SmugglingModel: the model's state and its daily schedule (DESIGN sections 2-4).

One step is one day; :meth:`SmugglingModel.step` runs DESIGN section 3 in order, each step in the
module named after it: (1) timeline events and (3) agencies' effort, :mod:`sim.enforcement`;
(2) demand, :mod:`sim.spawning`; (4) markets, :mod:`sim.market` with :mod:`sim.choice`; (5) group
crossings and word of mouth, :mod:`sim.crossing`; (6) arrivals; (7) enterprises,
:mod:`sim.enterprises`; (8) hubs, :mod:`sim.hubs`; (9) stuck migrants work, :mod:`sim.vulnerability`;
(10) observation, :mod:`sim.metrics`. The model holds the state those modules read and write, and
does no I/O.

Migrants act only at events (a market round at the node where they wait, an arrival); a calendar
keeps arrivals by day and the markets of all nodes are processed in one vectorised pass.
All randomness comes from ``self.rng`` (``mesa.Model(rng=seed)``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import mesa
import numpy as np

from sim import awareness as aw
from sim import (
    crossing,
    detention,
    enterprises,
    hubs,
    market,
    metrics,
    rationing,
    relocation,
    spawning,
    vulnerability,
    waiting,
    weather,
)
from sim.agencies import build_enforcement
from sim.agents.hub import Hub
from sim.agents.migrant import Migrants, MigrantState, MigrantView  # noqa: F401 (MigrantView: return type)
from sim.choice import cost_to_go, edge_cost
from sim.corridors import corridor_keys, path_size_utility
from sim.dates import month_calendar, to_date
from sim.enforcement import EnforcementState, crossing_odds, effort_lists
from sim.following import following_utility
from sim.labels import MODES, ROUTE_TYPES
from sim.network import RouteNetwork
from sim.registry import EnterpriseRegistry
from sim.route_knowledge import group_plan_costs_to_go

__all__ = ["SmugglingModel"]

SEA = MODES.index("sea")
_S = MigrantState


class SmugglingModel(mesa.Model):
    """The routesim model, built from a scenario and a seed only.

    Parameters
    ----------
    scenario : sim.scenario.Scenario
        A validated scenario.
    seed : int
        Seed of the model's numpy Generator (``mesa.Model(rng=seed)``).

    Attributes
    ----------
    spec : Scenario
        The scenario (``mesa.Model.scenario`` is Mesa's own object, so ours has another name).
    params : sim.parameters.Parameters
    net : sim.network.RouteNetwork
    migrants : sim.agents.migrant.Migrants
    enforcement : sim.enforcement.EnforcementState
        Today's effort and yesterday's sightings.
    odds : sim.enforcement.CrossingOdds
        Today's crossing probabilities per edge.
    enterprises : sim.registry.EnterpriseRegistry
    hubs : dict of int to sim.agents.hub.Hub
    day : int
        Model day of the next step (0 = first burn-in day).
    n_days_total : int
        Burn-in plus reported days.
    persons_per_agent : int
    detections, edge_stats, agency_surge, detention_persons, price_sum, price_sold, exploitation_cases, hub_rows, enterprise_rows, crossing_log
        What is observed, by month or by week (:func:`sim.metrics.start_accumulators`).

    Examples
    --------
    >>> from sim.scenario import load_scenario          # doctest: +SKIP
    >>> m = SmugglingModel(load_scenario("scenarios/baseline_2014.yaml"), seed=1)  # doctest: +SKIP
    >>> m.run()                                          # doctest: +SKIP
    """

    def __init__(self, scenario, seed: int):
        super().__init__(rng=int(seed))
        self.spec = scenario
        self.params = p = scenario.parameters
        self.persons_per_agent = int(scenario.persons_per_agent)
        start, end = to_date(scenario.start), to_date(scenario.end)
        self.first_date = start - timedelta(days=int(scenario.burn_in_days))
        self.start_date, self.end_date = start, end
        self.start_day = int(scenario.burn_in_days)
        self.n_days_total = (end - self.first_date).days + 1
        self.day = 0
        self.net = net = RouteNetwork.from_scenario(scenario, list(ROUTE_TYPES))
        E, N = net.n_edges, net.n_nodes
        self.months, self.month_of_day, self.days_in_month = month_calendar(self.first_date, self.n_days_total)

        # population and demand (step 2)
        self.population = pop = spawning.build_population(scenario, net)
        self.groups, self.destinations, self.destination_names = pop.groups, pop.destinations, pop.destination_names
        self.group_risk = pop.risk_mean
        self.demand_pairs, self.demand_rate, self.demand_lead_days, self.demand_rate_daily = spawning.demand_schedule(
            scenario, net, pop.groups, self.first_date, self.n_days_total, self.month_of_day[self.start_day],
            p.demand, self.persons_per_agent)

        # migrants and their calendar of arrivals
        self.migrants = Migrants(capacity=1 << 16)
        self.waiting = np.zeros(0, dtype=np.int64)
        self._deferred = np.zeros(0, dtype=np.int64)  # migrants held back at hubs today (waiting, e)
        self.calendar: dict[int, list[np.ndarray]] = defaultdict(list)

        # enforcement (steps 1 and 3): agencies and events share one target resolver
        self.enforcement = EnforcementState(net.src, N)
        self.agencies, self.events = build_enforcement(self, scenario, net, self.first_date)

        # hubs at market nodes (step 8) and their enterprises (step 7)
        self.hubs: dict[int, Hub] = {
            int(n): Hub(self, p.hubs, int(n), "hub" if "hub" in net.kinds[n] else "departure")
            for n in np.flatnonzero(net.is_market)
        }
        hubs.assign_regions(list(self.hubs.values()), net.lat, net.lon, p.hubs.region_radius_km)
        self.enterprises = EnterpriseRegistry(self.hubs)
        self.desired = np.zeros(E)  # unconstrained demand per edge today (agents)
        enterprises.seed_enterprises(self, self.enterprises, net, p.enterprises, self.rng, supply_params=p.supply,
                                     first_day_ordinal=self.first_date.toordinal())
        self.capacity_persons = np.zeros(E)  # seats offered per edge today (persons)
        self._queues = None  # rationing: smoothed (queue, seats a day) per edge (persons), choice.queue_in_planning
        self._upstream = enterprises.upstream_markets(net)  # supply (b): who recruits for a market
        self.detention = detention.from_agencies(scenario.agencies, self.agencies, E, p.choice.information_halflife_days,
                                                 scenario.events, self.first_date) \
            if p.detention.enabled else None  # detention with finite places (f), with its dated changes

        # mechanisms: route awareness (a) and hub reputation (c) (each None/off when switched off)
        self.hub_list = list(self.hubs.values())
        self.same_region = hubs.same_region_matrix(self.hub_list)
        self._relocation_candidates = relocation.region_candidates(self.hub_list)  # supply (b), reputation (c)
        self.awareness: aw.RouteAwareness | None = None
        if p.awareness.enabled:
            region = aw.region_partition([{g.node for g in h.region} for h in self.hub_list], N)
            self.awareness = aw.RouteAwareness(len(self.groups), net.smuggled, region, net.src, p.awareness)
        self.information: np.ndarray | None = None  # hub information I (N, E), awareness (a)
        self.Jr_group: np.ndarray | None = None
        self.path_size: np.ndarray | None = None  # path-size term (E, D) of the next-step choice, None when off
        # waiting at hubs: the groups' slow expectation R (G, N, D) of the utility-to-go, None when off
        self.expectation: np.ndarray | None = None
        self.value_to_go: np.ndarray | None = None  # the (G, N, D) value it follows
        self._expectation_day = 0
        self.is_hub = np.array(["hub" in k for k in net.kinds], dtype=bool)
        self._advertised = np.zeros(E, dtype=bool)

        # perceived failure per edge and today's probabilities
        self._update_enforcement()
        self.perceived_failure = self.odds.failure()
        self.info_weight = 1.0 - 0.5 ** (1.0 / p.choice.information_halflife_days)
        self._replan()

        # accumulators (all months incl. burn-in; metrics keeps the reported ones)
        metrics.start_accumulators(self)
        self.running = True

    @property
    def current_date(self) -> date:
        """Calendar date of the next step."""
        return self.first_date + timedelta(days=self.day)

    @property
    def date(self) -> date:
        """Calendar date of the next step, as a :class:`datetime.date` (the same as ``current_date``)."""
        return self.current_date

    def snapshot(self) -> dict:
        """The model's state as named tables in persons (see :func:`sim.snapshot.snapshot`)."""
        from sim.snapshot import snapshot

        return snapshot(self)

    def __repr__(self) -> str:
        """The date, persons by state and the last day's detections (:func:`sim.snapshot.describe`)."""
        from sim.snapshot import describe

        return describe(self)

    # ------------------------------------------------------------------ the daily steps
    def _update_enforcement(self) -> None:
        """Steps 1 and 3: agencies' effort and events' strength -> today's crossing probabilities."""
        st = self.enforcement
        st.new_day()
        if self.detention is not None:  # (f): places freed today
            self.detention.release(self.day)
        for agency in self.agencies:
            agency.step(st, self.params, self.day, self.start_day)
        for ev in self.events:
            s = ev.strength(self.day)
            if s > 0:
                st.apply_effect(ev.effect, s * ev.magnitude, ev.edges, ev.nodes)
        self.odds = crossing_odds(self.net, st, self.params.crossing, self.current_date.toordinal())
        # where effort falls on enterprises: on a crossing's sellers with consolidation (d), else at its source
        self._arrest_node, self._effort_lists = effort_lists(st, self.params.consolidation.enabled)

    def _replan(self) -> None:
        """Perceived costs-to-go (N, D) from prices, risks and perceived failure, and the utility-to-go."""
        net, cp, ep = self.net, self.params.choice, self.params.enterprises
        price = np.where(net.smuggled, [self.enterprises.market_price(e, int(net.src[e]), net.base_fee_eur[e], ep.markup)
                                        if net.smuggled[e] else 0.0 for e in range(net.n_edges)], net.base_fee_eur)
        cost = edge_cost(price, net.travel_days, self.odds.incident, self.perceived_failure,
                         time_value_eur_per_day=cp.time_value_eur_per_day, risk_value_eur=cp.risk_value_eur,
                         prevention_penalty_eur=cp.prevention_penalty_eur, risk_tolerance=float(np.mean(self.group_risk)))
        cost = np.where(net.open_on(self.current_date.toordinal()), cost, np.inf)  # closed_from: no way
        rep = hubs.reputation_by_node(self.hubs, net.n_nodes)
        hp = self.params.hub_reputation
        if hp.enabled and hp.planning_toll:  # the old rule: every market on a path costs (1 - R) x value
            cost = cost + hubs.reputation_value_cost_eur(net, rep, hp.reputation_value_eur)
        if cp.queue_in_planning and self._queues is not None:  # rationing: the expected wait for a seat
            cost = cost + rationing.wait_cost_eur(*self._queues, net.smuggled, cp.time_value_eur_per_day, cp.retreat_after_wait_days)
        if self.detention is not None:  # (f): the expected days held
            cost = cost + detention.planning_cost_eur(self.detention, self.odds.detect, self.odds.return_, cp.time_value_eur_per_day)
        # a hard minimum (vanishing logit scale): a soft minimum over a graph with cycles rewards loops;
        # without retreat edges: a departure point must not look farther than the hub feeding it
        keep = ~net.is_retreat
        self.J = cost_to_go(net.src[keep], net.dst[keep], cost[keep, None], net.n_nodes, self.destinations, scale=1e-6)
        if cp.path_size_weight > 0:  # the options of one corridor share one option's weight (stop 28)
            keys = corridor_keys(net.src, net.dst, cost, self.J, self.odds.labelled, keep, self.destinations)
            self.path_size = path_size_utility(net.src, keys, cp.path_size_weight)
        ahead = hubs.reputation_to_go(net, cost, self.J, rep, hp, cp)
        self.Jr = -self.J / cp.cost_scale_eur + ahead
        if self.awareness is not None:  # awareness (a): per-group costs-to-go over what each group knows
            self.information = aw.hub_information(rep, net.is_market, net.src, net.dst,
                                                  self.params.awareness.hub_info_strength)
            extra = self.awareness.planning_cost_eur(self.information, cp.cost_scale_eur)
            ap = self.params.awareness  # rho > 0: a way (partly) as well known as its least-known segment
            Jg = group_plan_costs_to_go(net.src[keep], net.dst[keep], cost[keep], extra[:, keep], cp.cost_scale_eur,
                                        ap.utility_floor, net.n_nodes, self.destinations, ap.corridor_correlation)
            self.Jr_group = -Jg / cp.cost_scale_eur + ahead
        wp = self.params.waiting
        if wp.enabled:  # waiting at hubs: each group's value (its own with awareness), and its slow expectation
            self.value_to_go = V = waiting.group_values(self.Jr_group, self.Jr, len(self.groups))
            # during the burn-in the expectation is today's value (the groups' experience of the
            # conditions the run starts from), then it follows with its half-life
            self.expectation = waiting.update_expectation(None if self.day < self.start_day else self.expectation, V,
                                                          self.day - self._expectation_day, wp.expectation_halflife_days)
            self._expectation_day = self.day

    def _spawn(self) -> None:
        """Step 2: new migrants at origins from the monthly demand schedule."""
        new = spawning.spawn(self.demand_rate_daily[self.day], self.demand_pairs, self.population,
                             self.params.demand.risk_tolerance_concentration, self.rng)
        if new is not None:
            ids = self.migrants.add(len(new.group), **vars(new), day=self.day)
            wp = self.params.waiting
            if wp.enabled:
                self.migrants.wait_tolerance_eur[ids] = waiting.draw_tolerance_eur(len(ids), wp.tolerance_eur,
                                                                                   wp.tolerance_shape, self.rng)
            self.waiting = np.concatenate([self.waiting, ids])

    def _markets(self) -> None:
        """Step 4: every waiting migrant takes part in a market round at its node (then 5 and 9)."""
        mig, p = self.migrants, self.params
        W = self.waiting
        if len(W):  # give up after waiting too long
            too_long = (self.day - mig.wait_since[W]) > p.vulnerability.max_wait_days
            if too_long.any():
                self._terminate(W[too_long], _S.RETURNED)
                W = W[~too_long]
        deferred = W[:0]
        if p.waiting.enabled and len(W):  # waiting at hubs: stay out while the way on is worth less than expected
            deferred, W = waiting.split_held_back(W, self.value_to_go, self.expectation, self.is_hub, mig.group[W],
                                                  mig.node[W], mig.destination[W],
                                                  waiting.tolerance_today(mig.wait_tolerance_eur[W], self.day - mig.wait_since[W],
                                                                          p.choice.time_value_eur_per_day,
                                                                          p.choice.cost_scale_eur, p.waiting.break_even),
                                                  has_left=mig.state[W] != _S.AT_ORIGIN)
        ep = p.enterprises
        offers = market.build_offers(self.net, self.enterprises.at, p.choice.self_travel_reputation,
                                     (ep.seats_land, ep.seats_sea, ep.seats_air), self.persons_per_agent, self.rng,
                                     day=self.day, open_edges=self.net.open_on(self.current_date.toordinal()),
                                     departure_factor=weather.departure_factors(self.net.mode, self.current_date,
                                                                                ep.sea_weather_amplitude,
                                                                                ep.sea_weather_worst_day))
        if self.enterprises.heirs and len(W):  # consolidation (d): an heir serves its predecessor's customers
            mig.package_partner[W] = self.enterprises.resolve(mig.package_partner[W])
        sold = offers.enterprise >= 0
        self.capacity_persons = np.bincount(offers.edge[sold], weights=offers.capacity[sold],
                                            minlength=self.net.n_edges) * self.persons_per_agent
        self._advertised = np.zeros(self.net.n_edges, dtype=bool)
        self._advertised[offers.edge[sold]] = True
        extra = None
        if p.hub_reputation.enabled and not p.hub_reputation.planning_ahead:  # (c): the market an offer leads to
            extra = hubs.offer_reputation_utility(self.net, self.hubs, offers.edge, p.hub_reputation.reputation_value_eur,
                                                  p.choice.cost_scale_eur)
        res = market.run_market(W, mig, offers, net=self.net, perceived_failure=self.perceived_failure,
                                p_incident=self.odds.incident, J=self.J, Jr=self.Jr, day=self.day, params=p, rng=self.rng,
                                Jr_group=self.Jr_group, path_size=self.path_size,
                                awareness=None if self.awareness is None else self.awareness.A,
                                information=self.information, extra_utility=extra, group_utility=self._following())
        self.desired = res.desired
        got = res.bought >= 0
        movers, opt = W[got], res.bought[got]
        stay = W[~got]
        if p.choice.queue_in_planning:  # rationing: what the queues and seats looked like today
            self._queues = rationing.record_market(self._queues, self.desired * self.persons_per_agent,
                                                   self.capacity_persons, mig.node[stay], self.net.src,
                                                   self.persons_per_agent, p.choice.information_halflife_days)
        # no way on from here at all: go home; no offer on the way today: wait for one
        lost = ~np.isfinite(self.J[mig.node[stay], mig.destination[stay]])
        if lost.any():
            self._terminate(stay[lost], _S.RETURNED)
        broke_mask = ~lost & res.any_allowed[~got] & (res.cheapest[~got] > mig.budget_eur[stay])
        self.waiting = stay[~lost & ~broke_mask]
        self._deferred = deferred  # held back today: not demand for the entry queue (step 7)
        if len(deferred):
            self.waiting = np.concatenate([self.waiting, deferred])
        if broke_mask.any():
            self._work(stay[broke_mask], res.cheapest[~got][broke_mask])
        if len(movers):
            month = self.month_of_day[self.day]
            paid = market.buy(movers, opt, res.package[got], offers, mig, self.enterprises.by_id, self.net,
                              ep.package_discount, self.persons_per_agent, self.price_sum[month], self.price_sold[month])
            hubs.record_departures(self.hubs, self.net.src[offers.edge[opt]], self.persons_per_agent, self.net.n_nodes)
            self._cross(movers, opt, offers, paid)

    def _cross(self, ids: np.ndarray, opt: np.ndarray, offers: market.Offers, paid: np.ndarray) -> None:
        """Step 5: crossing outcomes for today's movers, by group; word of mouth; who goes where."""
        net, mig, rng, K = self.net, self.migrants, self.rng, self.persons_per_agent
        cp, ep, odds = self.params.crossing, self.params.enterprises, self.odds
        edge, lvl = offers.edge[opt], offers.level[opt]
        # groups: departures of one option, chunked by seats (enterprises) or group size (self-travel)
        group, g_opt, g_edge, g_lvl = crossing.departure_groups(
            opt, edge, lvl, net.mode[edge], offers.enterprise[opt] >= 0, (ep.seats_land, ep.seats_sea, ep.seats_air),
            (cp.group_size_land, cp.group_size_sea, cp.group_size_air), K, rng)
        labelled = odds.labelled[edge] >= 0
        g_prevent = odds.prevent[g_edge] * np.asarray(cp.service_prevention_factor)[g_lvl]
        if self.params.supply.enabled:  # supply (b): experienced enterprises are prevented less
            g_prevent = g_prevent * enterprises.offer_experience(offers.sellers, offers.edge, g_opt)
        out = crossing.cross_groups(
            group,
            p_prevent=np.clip(g_prevent, 0, 1),
            p_incident=np.clip(odds.incident[g_edge] * np.asarray(cp.service_death_factor)[g_lvl], 0, 1),
            fatality_share=cp.fatality_share, fatality_beta_a=cp.fatality_beta_a,
            p_detect=odds.detect[edge], p_return=odds.return_[edge],
            rescue_detects=labelled & (net.mode[edge] == SEA), rng=rng,
        )
        first_entry = out.passed & labelled & ~mig.in_eu[ids]
        metrics.record_crossings(self, ids, edge, out, labelled, first_entry)
        if self.awareness is not None:  # awareness (a): co-nationals' onward passages
            self.awareness.record(mig.group[ids[out.passed]], edge[out.passed], K)
        # enterprise reputation from the share of their customers who got across; supply (b): value lost
        # consolidation (d), payment on success: the guarantor gives failed movers their share back
        con = self.params.consolidation
        mig.budget_eur[ids] += self.enterprises.record_departures(
            offers.sellers, offers.price, opt, offers.enterprise[opt] >= 0, out.passed, out.prevented | out.returned, K,
            paid_eur=paid, guarantee_share=con.guarantee_share if con.enabled else 0.0)
        self.perceived_failure = crossing.word_of_mouth(self.perceived_failure, edge, out.prevented | out.returned,
                                                        self.odds.failure(), self.info_weight)
        # who goes where
        if out.died.any():
            self._terminate(ids[out.died], _S.DEAD)
        failed = ids[out.prevented | out.returned]
        if len(failed):
            mig.attempts[failed] += 1
            give_up = failed[mig.attempts[failed] >= cp.max_attempts]
            retry = failed[mig.attempts[failed] < cp.max_attempts]
            if len(give_up):
                self._terminate(give_up, _S.RETURNED)
            mig.state[retry] = _S.IN_TRANSIT
            self.calendar[self.day + 1].append(retry)  # back at the edge's source tomorrow
        passed = ids[out.passed]
        if len(passed):
            # attempts count failures at the current border: a crossing made resets them
            mig.attempts[passed[net.has_border[edge[out.passed]]]] = 0
            mig.in_eu[ids[first_entry]] = True
            mig.state[passed] = _S.IN_TRANSIT
            mig.node[passed] = net.dst[edge[out.passed]]
            arrive = self.day + np.maximum(1, np.round(net.travel_days[edge[out.passed]])).astype(np.int64) - 1
            if self.detention is not None:  # (f): the detected are held while places are free
                arrive += self.detention.admit(edge[out.passed], K, self.day, rng, detected=out.detected[out.passed])
                metrics.record_detention(self)
            for d in np.unique(arrive):
                self.calendar[int(d)].append(passed[arrive == d])

    def _arrivals(self) -> None:
        """Step 6: migrants reaching a node today join its queue or end the journey."""
        todays = self.calendar.pop(self.day, None)
        if not todays:
            return
        ids = np.concatenate(todays)
        mig = self.migrants
        at_dest = self.destinations[mig.destination[ids]] == mig.node[ids]
        if at_dest.any():
            self._terminate(ids[at_dest], _S.ARRIVED)
        rest = ids[~at_dest]
        # back from work at its origin, a migrant who has not left is still AT_ORIGIN (waiting, e)
        mig.state[rest] = np.where(mig.state[rest] == _S.AT_ORIGIN, _S.AT_ORIGIN, _S.WAITING)
        mig.wait_since[rest] = self.day
        self.waiting = np.concatenate([self.waiting, rest])

    def _work(self, ids: np.ndarray, target_eur: np.ndarray) -> None:
        """Step 9: migrants without money for any option work until they can pay, facing exploitation."""
        vp, mig = self.params.vulnerability, self.migrants
        out = vulnerability.work(ids, target_eur, mig.budget_eur, mig.female, mig.minor, vp, self.rng)
        if len(out.hopeless):
            self._terminate(out.hopeless, _S.RETURNED)
        year = self.current_date.year
        for i, cls in zip(out.exploited, out.classes, strict=True):
            self.exploitation_cases.append((year, int(mig.node[i]), int(mig.female[i]), int(mig.minor[i]), cls))
        if len(out.exploited):
            self._terminate(out.exploited, _S.EXPLOITED)
        ok, days = out.working, out.days
        mig.budget_eur[ok] += days * vp.daily_wage_eur
        mig.state[ok] = np.where(mig.state[ok] == _S.AT_ORIGIN, _S.AT_ORIGIN, _S.WAITING)  # not left yet: still at origin
        for d in np.unique(days):
            self.calendar[self.day + int(d)].append(ok[days == d])

    def _terminate(self, ids: np.ndarray, state: MigrantState) -> None:
        self.migrants.state[ids] = state
        self.migrants.end_day[ids] = self.day

    def _enterprises(self) -> None:
        """Step 7: enterprises act; entry where queues exceed capacity."""
        P, reg = self.params, self.enterprises
        p = P.enterprises
        N = self.net.n_nodes
        q = np.bincount(self.migrants.node[self.waiting], minlength=N) * self.persons_per_agent
        # waiting (e): those who held back today refuse to buy, so they do not call for new enterprises
        q_entry = q - np.bincount(self.migrants.node[self._deferred], minlength=N) * self.persons_per_agent
        hp, location = P.hub_reputation, None
        if P.supply.enabled:  # supply (b): where an enterprise with nothing left to try at home moves
            location = relocation.location_today(self._relocation_candidates, hubs.reputation_by_node(self.hubs, N), q_entry,
                                           self.capacity_persons, self.net.src,
                                           hp.enterprise_location_weight if hp.enabled else 0.0, hp.queue_floor_per_seat)
        enterprises.step_enterprises(reg, self.net, self._effort_lists, p, self.rng, supply_params=P.supply,
                                     consolidation_params=P.consolidation, desired=self.desired, location=location)
        if P.supply.enabled:  # supply (b): spin-offs through members, with a cost and a lag
            enterprises.spin_off(self, reg, self.net, self.desired * self.persons_per_agent, self.capacity_persons,
                                 self._arrest_node, p, P.supply, self.day, self.rng, queue_persons=q_entry,
                                 upstream=self._upstream, effort_lists=self._effort_lists)
        else:
            enterprises.enter(self, reg, self.net, q_entry, self.desired, p, self.rng)
        for n, h in self.hubs.items():
            h.queue = int(q[n])
            h.enterprises = len(reg.at[n])

    def _following(self) -> np.ndarray | None:
        """Following co-nationals (issue 9 item 5): (G, E) utility from awareness's smoothed passages, or None."""
        w, net = self.params.awareness.following_weight, self.net
        if self.awareness is None or w <= 0:
            return None
        return following_utility(self.awareness.s, net.src, net.n_nodes, w, net.is_retreat)

    def _learn(self) -> None:
        """Route awareness (a) from today's passages; hubs (step 8) with reputation (c) as a slow stock."""
        if self.awareness is not None:
            self.awareness.step(self._advertised)
            if self.day == self.start_day - 1 and self.params.awareness.burn_in_start:  # the note's start (a)
                self.awareness.end_burn_in()
        hp = self.params.hub_reputation
        tau = hp.burn_in_timescale_days if self.day < self.start_day else hp.timescale_days
        hubs.step_hubs(self.hubs, hp, hubs.success_shares(self.hub_list, self.enterprises.at) if hp.enabled else None,
                       self.same_region, tau, hp.departure_timescale_days)

    def _observe(self) -> None:
        """Step 10: data collection (:func:`sim.metrics.observe`)."""
        metrics.observe(self)

    # ------------------------------------------------------------------ step and run
    def step(self) -> None:
        """Advance one day (DESIGN section 3 order)."""
        self._update_enforcement()          # 1 timeline, 3 enforcement
        self._spawn()                       # 2 demand
        if self.day % self.params.choice.replan_interval_days == 0:
            self._replan()
        self._markets()                     # 4 markets (+5 crossings, 9 stuck migrants work)
        self._arrivals()                    # 6 arrivals
        self._enterprises()                 # 7 enterprises
        self._learn()                       # 4-8 route awareness and hub reputation (mechanisms a, c)
        self._observe()                     # 10 observation
        self.day += 1
        if self.day >= self.n_days_total:
            self.running = False

    def run(self, progress=None) -> None:
        """Run burn-in and the reported period.

        Parameters
        ----------
        progress : callable, optional
            Called as ``progress(days_done, days_total)`` after each day.
        """
        while self.running:
            self.step()
            if progress is not None:
                progress(self.day, self.n_days_total)

    def migrant(self, i: int) -> MigrantView:
        """One migrant agent's state as a read-only record with names (:func:`sim.snapshot.migrant_view`).

        Raises
        ------
        IndexError
            If there is no such agent.
        """
        from sim.snapshot import migrant_view

        return migrant_view(self, i)

    def check_invariants(self) -> None:
        """Raise AssertionError if an accounting invariant is broken (:func:`sim.metrics.check_invariants`)."""
        metrics.check_invariants(self)
