"""SmugglingModel: the agent-based model of smuggling routes and hubs (DESIGN sections 2-4).

One step is one day. Each day, in this order: (1) timeline events, (2) demand spawns migrants at
origins, (3) agencies put effort on edges and nodes, (4) markets: waiting migrants choose a segment
and an offer and enterprises fill their seats, (5) group crossings, (6) arrivals, (7) enterprises,
(8) hubs, (9) vulnerability of migrants stuck without money, (10) observation. ``step()`` does no
I/O; :mod:`sim.metrics` turns the model's accumulators into tables.

Migrants act only at events (a market round at the node where they wait, an arrival); a calendar
keeps arrivals by day and the markets of all nodes are processed in one vectorised pass.
All randomness comes from ``self.rng`` (``mesa.Model(rng=seed)``).
"""

from __future__ import annotations

import calendar as _calendar
from collections import defaultdict
from datetime import date, timedelta

import mesa
import numpy as np

from sim.agents.enforcement import EnforcementAgency, TimelineEvent, resolve_target
from sim.agents.enterprise import SmugglerEnterprise
from sim.agents.hub import Hub
from sim.agents.migrant import Migrants, MigrantState, MigrantView
from sim.choice import cost_to_go, edge_cost
from sim.crossing import cross_groups, detection_probability, effort_probability
from sim.labels import MODES, ROUTE_TYPES, text
from sim.market import market_round
from sim.network import RouteNetwork, haversine_km

__all__ = ["SmugglingModel"]

SEA = MODES.index("sea")
#: service level of travelling without a smuggler: standard (its death and prevention factors are 1)
SELF_TRAVEL_LEVEL = 1
_S = MigrantState


def _to_date(v) -> date | None:
    if v is None or v == "":
        return None
    if isinstance(v, date):
        return v
    return date.fromisoformat(str(v))


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
    day : int
        Model day of the next step (0 = first burn-in day).
    n_days_total : int
        Burn-in plus reported days.
    persons_per_agent : int

    Examples
    --------
    >>> from sim.scenario import load_scenario          # doctest: +SKIP
    >>> m = SmugglingModel(load_scenario("scenarios/baseline_2014.yaml"), seed=1)  # doctest: +SKIP
    >>> m.run()                                          # doctest: +SKIP
    """

    def __init__(self, scenario, seed: int):
        super().__init__(rng=int(seed))
        self.spec = scenario
        self.params = scenario.parameters
        self.persons_per_agent = int(scenario.persons_per_agent)
        start = _to_date(scenario.start)
        end = _to_date(scenario.end)
        self.first_date = start - timedelta(days=int(scenario.burn_in_days))
        self.start_date, self.end_date = start, end
        self.start_day = int(scenario.burn_in_days)
        self.n_days_total = (end - self.first_date).days + 1
        self.day = 0
        self.net = RouteNetwork.from_scenario(scenario, list(ROUTE_TYPES))
        net = self.net
        E, N = net.n_edges, net.n_nodes

        # calendar months
        months: list[str] = []
        self.month_of_day = np.zeros(self.n_days_total, dtype=np.int64)
        self.days_in_month: list[int] = []
        for d in range(self.n_days_total):
            dt = self.first_date + timedelta(days=d)
            key = f"{dt.year:04d}-{dt.month:02d}"
            if not months or months[-1] != key:
                months.append(key)
                self.days_in_month.append(_calendar.monthrange(dt.year, dt.month)[1])
            self.month_of_day[d] = len(months) - 1
        self.months = months
        n_months = len(months)

        # origin groups and destinations
        self.groups = [g.origin_group for g in scenario.origin_groups]
        gidx = {g: i for i, g in enumerate(self.groups)}
        og = scenario.origin_groups
        self.group_budget_median = np.array([g.budget_median_eur for g in og], dtype=float)
        self.group_budget_sigma = np.array([g.budget_sigma for g in og], dtype=float)
        self.group_female = np.array([g.female_share for g in og], dtype=float)
        self.group_minor = np.array([g.minor_share for g in og], dtype=float)
        self.group_risk = np.array([g.risk_tolerance_mean for g in og], dtype=float)
        dest_names = sorted({r.destination for r in scenario.destinations}, key=lambda n: net.index[n])
        self.destinations = np.array([net.index[n] for n in dest_names], dtype=np.int64)
        self.destination_names = dest_names
        D = len(dest_names)
        dpos = {n: i for i, n in enumerate(dest_names)}
        default = np.zeros(D)
        per_group = np.zeros((len(self.groups), D))
        has_rows = np.zeros(len(self.groups), dtype=bool)
        for r in scenario.destinations:
            if r.origin_group == "*":
                default[dpos[r.destination]] += r.weight
            elif r.origin_group in gidx:
                per_group[gidx[r.origin_group], dpos[r.destination]] += r.weight
                has_rows[gidx[r.origin_group]] = True
        per_group[~has_rows] = default
        self.destination_prob = per_group / per_group.sum(axis=1, keepdims=True)
        self.dest_index_of_node = np.full(N, -1, dtype=np.int64)
        self.dest_index_of_node[self.destinations] = np.arange(D)

        # demand: agents per day per (origin, group) pair, by month
        pairs: dict[tuple[int, int], int] = {}
        rows = []
        for r in scenario.demand:
            key = (net.index[r.origin], gidx[r.origin_group])
            pairs.setdefault(key, len(pairs))
            rows.append((str(r.month)[:7], pairs[key], float(r.persons_detected)))
        self.demand_pairs = np.array(list(pairs.keys()), dtype=np.int64).reshape(-1, 2)
        rate = np.zeros((n_months, len(pairs)))
        mpos = {m: i for i, m in enumerate(months)}
        scale = (1.0 + self.params.demand.undetected_share) / self.persons_per_agent
        for m, p, persons in rows:
            if m in mpos:
                rate[mpos[m], p] += persons * scale / self.days_in_month[mpos[m]]
        first_reported = self.month_of_day[self.start_day]
        rate[:first_reported] = rate[first_reported]  # burn-in driven by the first month's demand
        self.demand_rate = rate

        # migrants and their calendar
        self.migrants = Migrants(capacity=1 << 16)
        self.waiting = np.zeros(0, dtype=np.int64)
        self.calendar: dict[int, list[np.ndarray]] = defaultdict(list)

        # enforcement
        self.prevent_effort = np.zeros(E)
        self.detect_effort = np.zeros(E)
        self.arrest_effort_node = np.zeros(N)
        self.barrier = np.zeros(E)
        self.return_add = np.zeros(E)
        self.death_mult = np.ones(E)
        # what agencies saw yesterday per edge (persons): detections, and crossings prevented
        self.seen_yesterday_det = np.zeros(E)
        self.seen_yesterday_prev = np.zeros(E)
        self._seen_det = np.zeros(E)
        self._seen_prev = np.zeros(E)
        self.agencies: list[EnforcementAgency] = []
        for a in scenario.agencies:
            edges, nodes = resolve_target(net, text(a.target_type), a.target)
            if len(nodes) and text(a.side) == "prevent":
                # a coast guard or border guard at a place stops crossings, not domestic travel
                edges = edges[net.has_border[edges]]
            self.agencies.append(EnforcementAgency(self, a.agency, text(a.side), edges, nodes, a.effort,
                                                   policy=text(a.policy), target=a.target))
        ev_params = self.params.events
        self.events: list[TimelineEvent] = []
        for ev in scenario.events:
            s, f, e = _to_date(ev.start), _to_date(ev.full_effect), _to_date(ev.end)
            edges, nodes = resolve_target(net, text(ev.target_type), ev.target)
            self.events.append(TimelineEvent(
                kind=text(ev.kind),
                start=(s - self.first_date).days,
                full_effect=(f - self.first_date).days,
                end=None if e is None else (e - self.first_date).days,
                edges=edges, nodes=nodes, effect=getattr(ev_params, text(ev.kind)),
                description=ev.description or "",
            ))

        # hubs at market nodes
        self.hubs: dict[int, Hub] = {}
        for n in np.flatnonzero(net.is_market):
            kind = "hub" if "hub" in net.kinds[n] else "departure"
            self.hubs[int(n)] = Hub(self, int(n), kind)
        hub_list = list(self.hubs.values())
        hub_nodes = np.array([g.node for g in hub_list], dtype=np.int64)
        for h in hub_list:
            dist = haversine_km(net.lat[h.node], net.lon[h.node], net.lat[hub_nodes], net.lon[hub_nodes])
            h.region = [g for g, dk in zip(hub_list, dist, strict=True) if g.kind == h.kind and dk <= self.params.hubs.region_radius_km]

        # enterprises
        self.enterprises_at: dict[int, list[SmugglerEnterprise]] = {n: [] for n in self.hubs}
        self.enterprise_by_id: dict[int, SmugglerEnterprise] = {}
        self.enterprise_exits = {"arrest": 0, "ruin": 0}
        self.enterprise_entries = 0
        self.desired = np.zeros(E)  # unconstrained demand per edge today (agents)
        p_ent = self.params.enterprises
        for n in self.hubs:
            segs = [int(e) for e in net.out_edges[n] if net.smuggled[e]]
            if not segs:
                continue
            for _ in range(p_ent.initial_per_market):
                self._new_enterprise(n, segs)
            for e in segs:  # every segment sold by someone at the start
                if not any(e in ent.price_eur for ent in self.enterprises_at[n]):
                    self._new_enterprise(n, segs, prefer=e)

        # perceived failure per edge and probabilities of today
        self._update_enforcement()
        self.perceived_failure = self._true_failure()
        self.info_weight = 1.0 - 0.5 ** (1.0 / self.params.choice.information_halflife_days)
        self.J = None
        self._replan()

        # accumulators (all months incl. burn-in; metrics keeps the reported ones)
        RT, G = len(ROUTE_TYPES), len(self.groups)
        self.detections = np.zeros((n_months, RT, G))
        self.agency_surge = np.zeros((n_months, len(self.agencies)))  # monthly mean surge (0-1)
        self.edge_stats = np.zeros((n_months, E, 7))  # attempts, prevented, detections, undetected, first_entries, deaths, moved
        self.price_sum = np.zeros((n_months, E, 3))
        self.price_sold = np.zeros((n_months, E, 3))
        self.exploitation_cases: list[tuple[int, int, int, int, str]] = []  # year, node, female, minor, class
        self.hub_rows: list[tuple] = []
        self.enterprise_rows: list[tuple] = []
        self.crossing_log: list[tuple[np.ndarray, np.ndarray, int, np.ndarray]] = []
        self._snap_sold: dict[int, float] = {}
        self.running = True

    # ------------------------------------------------------------------ helpers
    @property
    def current_date(self) -> date:
        """Calendar date of the next step."""
        return self.first_date + timedelta(days=self.day)

    def _new_enterprise(self, node: int, candidates: list[int], prefer: int | None = None) -> SmugglerEnterprise:
        rng = self.rng
        p = self.params.enterprises
        first = prefer if prefer is not None else candidates[int(rng.integers(len(candidates)))]
        segs = [first]
        others = [e for e in candidates if e != first]
        if others and rng.random() < p.second_segment_probability:
            segs.append(others[int(rng.integers(len(others)))])
        shares = np.asarray(p.service_level_shares)
        level = int(rng.choice(3, p=shares / shares.sum()))
        jitter = p.entry_price_jitter
        prices = {e: float(self.market_price(e) * rng.uniform(1.0 - jitter, 1.0 + jitter)) for e in segs}
        ent = SmugglerEnterprise(self, node, segs, level, prices, p.initial_cash_eur)
        self.enterprises_at[node].append(ent)
        self.enterprise_by_id[ent.unique_id] = ent
        return ent

    def remove_enterprise(self, ent: SmugglerEnterprise, reason: str) -> None:
        """Take an enterprise out of the market (arrest or ruin)."""
        self.enterprise_exits[reason] += 1
        self.enterprises_at[ent.home].remove(ent)
        del self.enterprise_by_id[ent.unique_id]
        for k in ent.partners:
            other = self.enterprise_by_id.get(k)
            if other is not None:
                other.partners.discard(ent.unique_id)
        ent.remove()

    def market_price(self, edge: int) -> float:
        """Mean standard-level price (EUR per person) of the offers on ``edge``, or its base fee times the markup."""
        prices = [ent.price_eur[edge] for ent in self.enterprises_at.get(int(self.net.src[edge]), ()) if edge in ent.price_eur]
        if prices:
            return float(np.mean(prices))
        return float(self.net.base_fee_eur[edge] * self.params.enterprises.markup)

    def enterprise_effort(self, ent: SmugglerEnterprise) -> float:
        """Enforcement effort an enterprise faces: on its node, plus on its segments (non-EU side, and a quarter of the EU side)."""
        segs = ent.segments
        prevent = sum(self._prevent_list[e] for e in segs) / len(segs)
        detect = sum(self._detect_list[e] for e in segs) / len(segs)
        return self._arrest_list[ent.home] + prevent + self.params.enterprises.eu_side_effort_weight * detect

    def _true_failure(self) -> np.ndarray:
        """Probability that an attempt fails (prevented, or detected and returned), per edge, today."""
        return self.p_prevent + (1 - self.p_prevent) * (1 - self.p_incident) * self.p_detect * self.p_return

    # ------------------------------------------------------------------ phases
    def apply_effect(self, eff, strength: float, edges: np.ndarray, nodes: np.ndarray) -> None:
        """Add an enforcement effect at ``strength`` (0-1) to today's effort on ``edges`` and ``nodes``.

        Used by timeline events and by adaptive agencies' surges.

        Parameters
        ----------
        eff : sim.parameters.EventEffect
            The effect at full strength.
        strength : float
            0-1.
        edges, nodes : ndarray of int
            Targets; the arrest effort also goes to every target edge's source node.
        """
        s, e = strength, edges
        self.prevent_effort[e] += s * eff.prevention_effort
        self.barrier[e] = 1 - (1 - self.barrier[e]) * (1 - s * eff.barrier)
        self.detect_effort[e] += s * eff.detection_effort
        self.return_add[e] += s * eff.return_probability
        self.death_mult[e] *= 1 + s * (eff.death_risk_multiplier - 1)
        self.arrest_effort_node[nodes] += s * eff.arrest_effort
        np.add.at(self.arrest_effort_node, self.net.src[e], s * eff.arrest_effort)

    def _update_enforcement(self) -> None:
        """Steps 1 and 3: events' strength and agencies' effort -> today's crossing probabilities."""
        net = self.net
        cp = self.params.crossing
        self.prevent_effort[:] = 0.0
        self.detect_effort[:] = 0.0
        self.arrest_effort_node[:] = 0.0
        self.barrier[:] = 0.0
        self.return_add[:] = 0.0
        self.death_mult[:] = 1.0
        self.seen_yesterday_det, self._seen_det = self._seen_det, self.seen_yesterday_det
        self.seen_yesterday_prev, self._seen_prev = self._seen_prev, self.seen_yesterday_prev
        self._seen_det[:] = 0.0
        self._seen_prev[:] = 0.0
        for agency in self.agencies:
            agency.step()
        for ev in self.events:
            s = ev.strength(self.day)
            if s <= 0:
                continue
            self.apply_effect(ev.effect, s, ev.edges, ev.nodes)
        pp = effort_probability(self.prevent_effort, cp.prevention_per_effort)
        self.p_prevent = 1 - (1 - pp) * (1 - self.barrier)
        self.labelled = net.labelled_on(self.first_date.toordinal() + self.day)
        base = np.where(net.mode == SEA, cp.base_detection_sea, cp.base_detection_land)
        self.p_detect = np.where(self.labelled >= 0, detection_probability(base, self.detect_effort, cp.detection_per_effort), 0.0)
        self.p_return = np.clip(np.where(net.mode == SEA, cp.return_sea, cp.return_land) + self.return_add, 0, 1)
        self.p_incident = np.clip(net.death_risk * cp.death_risk_scale * self.death_mult, 0, 1)
        # plain lists: the enterprises' per-agent arithmetic is faster on floats than numpy scalars
        self._prevent_list = self.prevent_effort.tolist()
        self._detect_list = self.detect_effort.tolist()
        self._arrest_list = self.arrest_effort_node.tolist()

    def _replan(self) -> None:
        """Recompute perceived costs-to-go (N, D) from prices, risks and perceived failure."""
        net = self.net
        cp = self.params.choice
        price = np.where(net.smuggled, [self.market_price(e) if net.smuggled[e] else 0.0 for e in range(net.n_edges)], net.base_fee_eur)
        cost = edge_cost(price, net.travel_days, self.p_incident, self.perceived_failure,
                         time_value_eur_per_day=cp.time_value_eur_per_day, risk_value_eur=cp.risk_value_eur,
                         prevention_penalty_eur=cp.prevention_penalty_eur, risk_tolerance=float(np.mean(self.group_risk)))
        # a hard minimum (no logit scale): a soft minimum over a graph with cycles rewards loops
        # without retreat edges: a departure point must not look farther than the hub feeding it
        keep = ~net.is_retreat
        self.J = cost_to_go(net.src[keep], net.dst[keep], cost[keep, None], net.n_nodes, self.destinations,
                            scale=1e-6)
        # the market hub a migrant expects to reach next: the first market node on the cheapest path
        N, D = self.J.shape
        via = cost[:, None] + self.J[net.dst]  # (E, D)
        succ = np.full((N, D), -1, dtype=np.int64)
        best = np.full((N, D), np.inf)
        for e in range(net.n_edges):
            if net.is_retreat[e]:
                continue
            better = via[e] < best[net.src[e]]
            best[net.src[e], better] = via[e, better]
            succ[net.src[e], better] = net.dst[e]
        rep = np.array([self.hubs[n].reputation if n in self.hubs else 0.0 for n in range(N)])
        market = net.is_market[:, None]
        ahead = np.where(market, rep[:, None], np.zeros((N, D)))
        cols = np.arange(D)[None, :]
        for _ in range(N):
            new = np.where(market, rep[:, None], np.where(succ >= 0, ahead[np.maximum(succ, 0), cols], 0.0))
            if np.array_equal(new, ahead):
                break
            ahead = new
        self.reputation_ahead = ahead
        self.Jr = -self.J / cp.cost_scale_eur + cp.reputation_weight * ahead

    def _spawn(self) -> None:
        """Step 2: new migrants at origins from the monthly demand schedule."""
        rate = self.demand_rate[self.month_of_day[self.day]]
        if not rate.any():
            return
        rng = self.rng
        n = np.floor(rate + rng.random(len(rate))).astype(np.int64)
        total = int(n.sum())
        if total == 0:
            return
        pair = np.repeat(np.arange(len(rate)), n)
        origin = self.demand_pairs[pair, 0]
        group = self.demand_pairs[pair, 1]
        cum = np.cumsum(self.destination_prob[group], axis=1)
        dest = np.minimum((rng.random(total)[:, None] > cum).sum(axis=1), cum.shape[1] - 1)
        budget = self.group_budget_median[group] * np.exp(self.group_budget_sigma[group] * rng.standard_normal(total))
        m = np.clip(self.group_risk[group], 0.01, 0.99)
        c = self.params.demand.risk_tolerance_concentration
        risk = rng.beta(c * m, c * (1 - m))
        female = rng.random(total) < self.group_female[group]
        minor = rng.random(total) < self.group_minor[group]
        ids = self.migrants.add(total, group=group, origin=origin, destination=dest, budget_eur=budget,
                                risk_tolerance=risk, female=female, minor=minor, day=self.day)
        self.waiting = np.concatenate([self.waiting, ids])

    def _offers(self):
        """Today's options per node: self-travel on unsold segments, enterprises' offers on sold ones.

        Returns arrays sorted by node: node, edge, price (EUR), level, reputation, capacity (agents;
        -1 unlimited), enterprise id (-1 for self-travel), plus slot start and count per node.
        """
        net = self.net
        rng = self.rng
        rows: list[tuple] = [
            (net.src[e], e, net.base_fee_eur[e], SELF_TRAVEL_LEVEL, self.params.choice.self_travel_reputation, -1, -1)
            for e in np.flatnonzero(~net.smuggled)
        ]
        self._offer_objs: list[SmugglerEnterprise | None] = [None] * len(rows)
        for n, ents in self.enterprises_at.items():
            for ent in ents:
                for e in ent.segments:
                    rows.append((n, e, ent.offer_price(e), ent.service_level, ent.reputation,
                                 ent.draw_capacity(e, rng), ent.unique_id))
                    self._offer_objs.append(ent)
        node, edge, price, level, rep, cap, ent_id = (list(c) for c in zip(*rows, strict=True))
        node = np.array(node, dtype=np.int64)
        # offers grouped by node, in a random order within the node (migrants who compare only
        # some of them take a random window of this order)
        order = np.lexsort((rng.random(len(node)), node))
        arrs = [np.asarray(a)[order] for a in (node, edge, price, level, rep, cap, ent_id)]
        self._offer_objs = [self._offer_objs[i] for i in order]
        counts = np.bincount(arrs[0], minlength=net.n_nodes)
        starts = np.r_[0, np.cumsum(counts)[:-1]]
        return (*arrs, starts, counts)

    def _markets(self):
        """Step 4: every waiting migrant takes part in a market round at its node."""
        net, mig, rng = self.net, self.migrants, self.rng
        cp, vp = self.params.choice, self.params.vulnerability
        W = self.waiting
        # give up after waiting too long
        if len(W):
            too_long = (self.day - mig.wait_since[W]) > vp.max_wait_days
            if too_long.any():
                self._terminate(W[too_long], _S.RETURNED)
                W = W[~too_long]
        o_node, o_edge, o_price, o_level, o_rep, o_cap, o_ent, starts, counts = self._offers()
        bought = np.full(len(W), -1, dtype=np.int64)
        cheapest = np.full(len(W), np.inf)
        any_finite = np.zeros(len(W), dtype=bool)
        self.desired[:] = 0.0
        pkg_all = np.zeros(len(W), dtype=bool)
        if len(W):
            wn = mig.node[W]
            dest = mig.destination[W]
            width = np.minimum(counts[wn], cp.offers_considered)
            width_class = np.where(width > 0, np.ceil(np.log2(np.maximum(width, 1))).astype(int), -1)
            window = rng.integers(0, np.maximum(counts[wn], 1))  # start of each migrant's window
            disc = self.params.enterprises.package_discount
            # per-offer parts of the utility, once a day (the per-migrant parts are added below):
            # u = K_o - (1 - risk tolerance) * R_o + Jr[dst_o, d] (+ package bonus), see choice.edge_cost
            svc_death = np.asarray(self.params.crossing.service_death_factor)
            svc_prev = np.asarray(self.params.crossing.service_prevention_factor)
            q = np.clip(self.perceived_failure[o_edge] * svc_prev[o_level], 0, 0.999)
            att = 1.0 / (1.0 - q)
            scale = cp.cost_scale_eur
            K_o = (-((o_price + cp.time_value_eur_per_day * net.travel_days[o_edge]) * att
                     + cp.prevention_penalty_eur * (att - 1.0)) / scale
                   + cp.service_weight * o_level + cp.enterprise_reputation_weight * o_rep)
            R_o = cp.risk_value_eur * self.p_incident[o_edge] * svc_death[o_level] * att / scale
            P_o = disc * o_price * att / scale
            o_dst = net.dst[o_edge]
            Jr_o = self.Jr[o_dst]  # (O, D) cost-to-go and next hub's reputation, in utility units
            # segments a migrant may take: those that bring it closer to its destination, and those
            # that lead forward in the graph (no way back to where it is: the choice between the
            # Aegean and the land border stays open even when one of them is the cheaper)
            closer_o = (self.J[o_dst] < self.J[o_node]) | (
                net.is_forward[o_edge][:, None] & np.isfinite(self.J[o_dst]))  # (O, D)
            retreat_o = net.is_retreat[o_edge]
            first = np.full(len(W), -1, dtype=np.int64)
            for wc in np.unique(width_class):
                if wc < 0:
                    continue
                sel = np.flatnonzero(width_class == wc)
                ids = W[sel]
                d = dest[sel][:, None]
                M = 1 << wc
                n_here = counts[wn[sel]][:, None]
                exists = np.arange(M)[None, :] < width[sel][:, None]
                slot = starts[wn[sel]][:, None] + (window[sel][:, None] + np.arange(M)[None, :]) % n_here
                slot = np.where(exists, slot, 0)
                u = K_o[slot] - (1.0 - mig.risk_tolerance[ids])[:, None] * R_o[slot] + Jr_o[slot, d]
                price = o_price[slot]
                partner = mig.package_partner[ids]
                has_partner = partner >= 0
                pkg = np.zeros(slot.shape, dtype=bool)
                if has_partner.any():
                    pkg[has_partner] = o_ent[slot[has_partner]] == partner[has_partner][:, None]
                    u = u + np.where(pkg, P_o[slot], 0.0)
                    price = price * np.where(pkg, 1 - disc, 1.0)
                # only segments that bring the migrant closer to its destination or lead forward
                # (no wandering in circles through logit noise), or a retreat for those who failed
                # or waited two weeks at the departure point
                may_retreat = (mig.attempts[ids] > 0) | ((self.day - mig.wait_since[ids]) >= cp.retreat_after_wait_days)
                allowed = np.where(retreat_o[slot], may_retreat[:, None], closer_o[slot, d])
                finite = exists & allowed & np.isfinite(u)
                afford = finite & (price <= mig.budget_eur[ids][:, None])
                any_finite[sel] = finite.any(axis=1)
                cheapest[sel] = np.where(finite, price, np.inf).min(axis=1)
                opt = np.where(exists, slot, -1)
                got, wish = market_round(u, afford, opt, o_cap, rng, return_first=True)
                bought[sel] = got
                first[sel] = wish
                hit = got >= 0
                if hit.any() and has_partner.any():
                    col = np.argmax(opt[hit] == got[hit][:, None], axis=1)
                    pkg_all[sel[hit]] = pkg[np.flatnonzero(hit), col]
            # what migrants wanted before rationing: the entry signal for enterprises
            wanted = first[first >= 0]
            np.add.at(self.desired, o_edge[wanted], 1.0)
        # outcomes of the round
        movers = W[bought >= 0]
        opt_m = bought[bought >= 0]
        pkg_m = pkg_all[bought >= 0]
        stay = W[bought < 0]
        # no way on from here at all: go home; no offer on the way today: wait for one
        lost = ~np.isfinite(self.J[mig.node[stay], mig.destination[stay]])
        if lost.any():
            self._terminate(stay[lost], _S.RETURNED)
        broke_mask = ~lost & any_finite[bought < 0] & (cheapest[bought < 0] > mig.budget_eur[stay])
        broke = stay[broke_mask]
        self.waiting = stay[~lost & ~broke_mask]
        if len(broke):
            self._work(broke, cheapest[bought < 0][broke_mask])
        if len(movers):
            self._buy(movers, opt_m, pkg_m, o_edge, o_price, o_level, o_ent)
            self._cross(movers, opt_m, o_edge, o_level, o_ent)

    def _buy(self, ids, opt, pkg, o_edge, o_price, o_level, o_ent):
        mig, K = self.migrants, self.persons_per_agent
        disc = self.params.enterprises.package_discount
        price = o_price[opt] * np.where(pkg, 1 - disc, 1.0)
        mig.budget_eur[ids] -= price
        month = self.month_of_day[self.day]
        edge = o_edge[opt]
        lvl = o_level[opt]
        sold = o_ent[opt] >= 0
        np.add.at(self.price_sum[month], (edge[sold], lvl[sold]), price[sold] * K)
        np.add.at(self.price_sold[month], (edge[sold], lvl[sold]), K)
        # enterprises: sales, hand-overs, packages
        uo, inv = np.unique(opt, return_inverse=True)
        persons = np.bincount(inv) * K
        revenue = np.bincount(inv, weights=price) * K
        pk = np.bincount(inv, weights=pkg.astype(float)) * K
        for j, o in enumerate(uo):
            ent = self._offer_objs[o]
            if ent is None:
                continue
            ent.record_sale(int(o_edge[o]), persons[j], revenue[j], pk[j])
        prev = mig.last_enterprise[ids]
        new = o_ent[opt]
        link = (prev >= 0) & (new >= 0)
        if link.any():
            pairs, cnt = np.unique(np.stack([prev[link], new[link]], axis=1), axis=0, return_counts=True)
            for (a, b), c in zip(pairs, cnt, strict=True):
                ent = self.enterprise_by_id.get(int(a))
                if ent is not None:
                    ent.handovers[int(b)] = ent.handovers.get(int(b), 0.0) + c * K
        mig.last_enterprise[ids] = np.where(new >= 0, new, -1)
        # package partner at the next node
        partner = np.full(len(ids), -1, dtype=np.int64)
        for j, o in enumerate(uo):
            ent = self._offer_objs[o]
            if ent is None or not ent.partners:
                continue
            nxt = int(self.net.dst[o_edge[o]])
            for k in sorted(ent.partners):
                other = self.enterprise_by_id.get(k)
                if other is not None and other.home == nxt:
                    partner[inv == j] = k
                    break
        mig.package_partner[ids] = partner
        nodes = self.net.src[edge]
        dep = np.bincount(nodes, minlength=self.net.n_nodes) * K
        for n in np.flatnonzero(dep):
            h = self.hubs.get(int(n))
            if h is not None:
                h.departed_today += dep[n]

    def _cross(self, ids, opt, o_edge, o_level, o_ent):
        """Step 5: crossing outcomes for today's movers, by group."""
        net, mig, rng, K = self.net, self.migrants, self.rng, self.persons_per_agent
        cp, ep = self.params.crossing, self.params.enterprises
        edge = o_edge[opt]
        lvl = o_level[opt]
        # groups: departures of one option, chunked by seats (enterprises) or group size (self-travel)
        seats = np.array([ep.seats_land, ep.seats_sea, ep.seats_air])[net.mode[edge]]
        gsize = np.array([cp.group_size_land, cp.group_size_sea, cp.group_size_air])[net.mode[edge]]
        size = np.where(o_ent[opt] >= 0, seats, gsize)
        size = np.maximum(1, np.round(size / K)).astype(np.int64)
        key = rng.random(len(ids))
        order = np.lexsort((key, opt))
        o_sorted = opt[order]
        first = np.r_[0, np.flatnonzero(o_sorted[1:] != o_sorted[:-1]) + 1]
        rank = np.arange(len(order)) - np.repeat(first, np.diff(np.r_[first, len(order)]))
        chunk = rank // size[order]
        gkey = np.empty(len(ids), dtype=np.int64)
        gkey[order] = o_sorted * 1_000_000 + chunk
        ug, group = np.unique(gkey, return_inverse=True)
        g_edge = np.zeros(len(ug), dtype=np.int64)
        g_lvl = np.zeros(len(ug), dtype=np.int64)
        g_edge[group] = edge
        g_lvl[group] = lvl
        svc_death = np.asarray(cp.service_death_factor)
        svc_prev = np.asarray(cp.service_prevention_factor)
        labelled = self.labelled[edge] >= 0
        out = cross_groups(
            group,
            p_prevent=np.clip(self.p_prevent[g_edge] * svc_prev[g_lvl], 0, 1),
            p_incident=np.clip(self.p_incident[g_edge] * svc_death[g_lvl], 0, 1),
            fatality_share=cp.fatality_share,
            fatality_beta_a=cp.fatality_beta_a,
            p_detect=self.p_detect[edge],
            p_return=self.p_return[edge],
            rescue_detects=labelled & (net.mode[edge] == SEA),
            rng=rng,
        )
        month = self.month_of_day[self.day]
        st = self.edge_stats[month]
        first_entry = out.passed & labelled & ~mig.in_eu[ids]
        undetected = out.passed & labelled & ~out.detected
        for col, mask in enumerate((np.ones(len(ids), bool), out.prevented, out.detected, undetected, first_entry, out.died)):
            np.add.at(st[:, col], edge[mask], K)
        np.add.at(st[:, 6], edge, K)
        np.add.at(self._seen_det, edge[out.detected], K)
        np.add.at(self._seen_prev, edge[out.prevented], K)
        det = out.detected
        if det.any():
            np.add.at(self.detections[month], (self.labelled[edge[det]], mig.group[ids[det]]), K)
        logged = net.has_border[edge]
        if logged.any():
            self.crossing_log.append((ids[logged].astype(np.int32), edge[logged].astype(np.int16), self.day, det[logged]))
        # enterprise reputation from the share of their customers who got across
        has_ent = o_ent[opt] >= 0
        if has_ent.any():
            uo, inv = np.unique(opt[has_ent], return_inverse=True)
            succ = np.bincount(inv, weights=out.passed[has_ent].astype(float)) / np.bincount(inv)
            for o, s in zip(uo, succ, strict=True):
                ent = self._offer_objs[o]
                if ent is not None and ent.unique_id in self.enterprise_by_id:
                    ent.record_outcome(float(s))
        # perceived failure: word of mouth about today's attempts
        att = np.bincount(edge, minlength=net.n_edges).astype(float)
        fail = np.bincount(edge, weights=(out.prevented | out.returned).astype(float), minlength=net.n_edges)
        tried = att > 0
        w = self.info_weight
        # word of mouth from today's attempts; where nobody tried, news drifts towards the
        # current probability (so a route abandoned after bad luck is not shunned forever)
        news = self._true_failure()
        news[tried] = fail[tried] / att[tried]
        self.perceived_failure = (1 - w) * self.perceived_failure + w * news
        # state changes
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
            crossed = passed[net.has_border[edge[out.passed]]]
            mig.attempts[crossed] = 0
            mig.in_eu[ids[first_entry]] = True
            mig.state[passed] = _S.IN_TRANSIT
            mig.node[passed] = net.dst[edge[out.passed]]
            hop = np.maximum(1, np.round(net.travel_days[edge[out.passed]])).astype(np.int64)
            arrive = self.day + hop - 1
            for d in np.unique(arrive):
                self.calendar[int(d)].append(passed[arrive == d])

    def _arrivals(self):
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
        mig.state[rest] = _S.WAITING
        mig.wait_since[rest] = self.day
        self.waiting = np.concatenate([self.waiting, rest])

    def _work(self, ids, target_eur):
        """Step 9: migrants without money for any option work until they can pay, facing exploitation."""
        vp = self.params.vulnerability
        mig, rng = self.migrants, self.rng
        need = np.maximum(target_eur - mig.budget_eur[ids], 0)
        days = np.ceil(need / vp.daily_wage_eur) if vp.daily_wage_eur > 0 else np.full(len(ids), np.inf)
        days = np.maximum(days, 1)
        hopeless = days > vp.max_wait_days
        if hopeless.any():
            self._terminate(ids[hopeless], _S.RETURNED)
        ids, days = ids[~hopeless], days[~hopeless].astype(np.int64)
        if not len(ids):
            return
        h = vp.exploitation_hazard * np.where(mig.female[ids], vp.female_factor, 1.0) * np.where(mig.minor[ids], vp.minor_factor, 1.0)
        p = 1 - (1 - np.minimum(h, 1.0)) ** days
        exploited = rng.random(len(ids)) < p
        if exploited.any():
            ex = ids[exploited]
            means = rng.random(len(ex)) < vp.means_share
            year = self.current_date.year
            for i, mns in zip(ex, means, strict=True):
                minor = bool(mig.minor[i])
                cls = "trafficking" if (minor or mns) else "labour exploitation (not trafficking)"
                self.exploitation_cases.append((year, int(mig.node[i]), int(mig.female[i]), int(minor), cls))
            self._terminate(ex, _S.EXPLOITED)
        ok = ids[~exploited]
        mig.budget_eur[ok] += days[~exploited] * vp.daily_wage_eur
        mig.state[ok] = _S.WAITING
        for d in np.unique(days[~exploited]):
            self.calendar[self.day + int(d)].append(ok[days[~exploited] == d])

    def _terminate(self, ids, state: MigrantState):
        self.migrants.state[ids] = state
        self.migrants.end_day[ids] = self.day

    def _enterprises(self):
        """Step 7: enterprises act; entry where queues exceed capacity."""
        p = self.params.enterprises
        for ents in list(self.enterprises_at.values()):
            for ent in list(ents):
                ent.step()
        # entry
        K = self.persons_per_agent
        q = np.bincount(self.migrants.node[self.waiting], minlength=self.net.n_nodes) * K
        for n, h in self.hubs.items():
            h.queue = int(q[n])
            segs = [int(e) for e in self.net.out_edges[n] if self.net.smuggled[e]]
            if not segs or q[n] == 0:
                h.enterprises = len(self.enterprises_at[n])
                continue
            seats = (p.seats_land, p.seats_sea, p.seats_air)
            cap_persons = max(1.0, sum(ent.departures_per_day() * seats[self.net.mode[e]]
                                       for ent in self.enterprises_at[n] for e in ent.segments))
            ratio = q[n] / cap_persons
            if ratio > p.entry_queue_per_seat:
                k = min(p.max_entrants_per_day, int(self.rng.poisson(p.entry_rate_per_day * np.log1p(ratio))))
                wish = self.desired[segs]
                served = {e for ent in self.enterprises_at[n] for e in ent.segments}
                unserved = [e for e in segs if e not in served]
                for _ in range(k):
                    r = self.rng.random()
                    if unserved and r < p.entry_prefer_unserved:  # a gap in the market: nobody sells it
                        prefer = unserved[int(self.rng.integers(len(unserved)))]
                    elif wish.sum() > 0 and r < p.entry_prefer_wanted:
                        prefer = segs[int(np.argmax(wish))]
                    else:
                        prefer = None
                    self._new_enterprise(n, segs, prefer)
                    self.enterprise_entries += 1
            h.enterprises = len(self.enterprises_at[n])

    def _observe(self):
        """Step 10: agencies' surges (monthly means); weekly snapshots of hubs and enterprises in the reported period."""
        d = self.day
        month = self.month_of_day[d]
        self.agency_surge[month] += np.array([a.surge for a in self.agencies]) / self.days_in_month[month]
        if d < self.start_day or (d - self.start_day) % 7 != 0:
            return
        date_s = self.current_date.isoformat()
        for n, h in self.hubs.items():
            ents = self.enterprises_at[n]
            pi = [ent.offer_price(e) / max(self.net.base_fee_eur[e], 1.0) for ent in ents for e in ent.segments]
            h.price_index = float(np.mean(pi)) if pi else float("nan")
            self.hub_rows.append((date_s, self.net.nodes[n], h.kind, h.throughput, h.queue, h.reputation, h.price_index, len(ents)))
            sold = np.array([ent.sold_persons - self._snap_sold.get(ent.unique_id, 0.0) for ent in ents])
            for ent in ents:
                self._snap_sold[ent.unique_id] = ent.sold_persons
            total = sold.sum() if len(sold) else 0.0
            hhi = float(((sold / total) ** 2).sum()) if total > 0 else float("nan")
            pkg = sum(ent.package_sales for ent in ents)
            allsold = sum(ent.sold_persons for ent in ents)
            self.enterprise_rows.append((
                date_s, self.net.nodes[n], len(ents), hhi,
                float(np.mean([e.members for e in ents])) if ents else float("nan"),
                float(np.mean([len(e.segments) for e in ents])) if ents else float("nan"),
                sum(len(e.partners) for e in ents),
                float(pkg / allsold) if allsold > 0 else float("nan"),
            ))

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
        for h in self.hubs.values():        # 8 hubs
            h.step()
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
        """One migrant agent's state as a read-only record with names (for inspection and teaching).

        Parameters
        ----------
        i : int
            Agent index, 0 <= i < len(model.migrants).

        Raises
        ------
        IndexError
            If there is no such agent.
        """
        mig, net = self.migrants, self.net
        if not 0 <= i < len(mig):
            raise IndexError(f"no migrant {i}: there are {len(mig)}")
        history = [
            (net.edge_names[int(e)], int(d), bool(det))
            for ids, edges, d, dets in self.crossing_log
            for e, det in zip(edges[ids == i], dets[ids == i], strict=True)
        ]
        return MigrantView(
            unique_id=i, state=MigrantState(int(mig.state[i])), origin_group=self.groups[mig.group[i]],
            origin=net.nodes[mig.origin[i]], destination=self.destination_names[mig.destination[i]],
            node=net.nodes[mig.node[i]], budget_eur=float(mig.budget_eur[i]),
            risk_tolerance=float(mig.risk_tolerance[i]), female=bool(mig.female[i]), minor=bool(mig.minor[i]),
            attempts=int(mig.attempts[i]), days_waiting=int(self.day - mig.wait_since[i]),
            crossing_history=history,
        )

    # ------------------------------------------------------------------ checks
    def check_invariants(self) -> None:
        """Raise AssertionError if an accounting invariant is broken (used by the tests every step).

        Checks: every migrant is in exactly one valid state; waiting migrants are WAITING or
        AT_ORIGIN and listed once; no negative budget, enterprise cash or queue; detections by
        route equal the detected crossings of labelled edges.
        """
        mig = self.migrants
        st = mig.state
        assert st.min(initial=0) >= 0 and st.max(initial=0) < len(MigrantState)
        w = self.waiting
        assert len(np.unique(w)) == len(w), "a migrant waits twice"
        assert np.isin(st[w], [_S.WAITING, _S.AT_ORIGIN]).all(), "a listed waiter is not waiting"
        in_cal = np.concatenate([np.concatenate(v) for v in self.calendar.values() if v] or [np.zeros(0, np.int64)])
        assert len(np.intersect1d(w, in_cal)) == 0, "a migrant both waits and travels"
        assert len(np.unique(in_cal)) == len(in_cal), "a migrant travels twice"
        active = np.flatnonzero(np.isin(st, [_S.WAITING, _S.AT_ORIGIN, _S.IN_TRANSIT]))
        assert len(active) == len(w) + len(in_cal), "an active migrant is neither waiting nor travelling"
        assert (mig.budget_eur >= -1e-6).all(), "negative budget"
        for ents in self.enterprises_at.values():
            for ent in ents:
                assert ent.cash_eur >= 0, "negative enterprise cash"
        for h in self.hubs.values():
            assert h.queue >= 0
        by_route = self.detections.sum(axis=2).sum(axis=0)
        by_edge = self.edge_stats[:, :, 2].sum(axis=0)
        lab = self.net.route_type
        sums = np.bincount(lab[lab >= 0], weights=by_edge[lab >= 0], minlength=len(ROUTE_TYPES))
        assert np.allclose(by_route, sums), "detections by route differ from detected crossings of labelled edges"
        assert by_edge[lab < 0].sum() == 0, "a detection on an unlabelled edge"
