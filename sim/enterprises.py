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

from sim import consolidation, relocation, supply
from sim.agents.enterprise import SmugglerEnterprise
from sim.enforcement import enterprise_effort
from sim.network import upstream_markets
from sim.registry import EnterpriseRegistry, _price

__all__ = ["EnterpriseRegistry", "enter", "entry_deterrence_factor", "experience", "new_enterprise", "offer_experience",
           "seed_enterprises", "spin_off", "step_enterprises", "upstream_markets"]


def experience(ent: SmugglerEnterprise, edge: int) -> float:
    """Cost and prevention multiplier from ``ent``'s experience on ``edge`` (supply (b)); 1 with it off.

    :func:`sim.supply.experience_factor` of the persons it has carried there.
    """
    sp = ent.supply
    if sp is None:
        return 1.0
    return supply.experience_factor_of(ent.carried.get(edge, 0.0), sp.experience_scale_persons, sp.progress_ratio)


def offer_experience(sellers: list, edges: np.ndarray, options: np.ndarray) -> np.ndarray:
    """:func:`experience` of the seller of each offer in ``options`` on its edge (1 for self-travel).

    Parameters
    ----------
    sellers : list
        Seller of each offer (None for self-travel), as in :class:`sim.market.Offers`.
    edges : ndarray of int, shape (O,)
    options : ndarray of int, shape (n,)
        Offer indices.

    Returns
    -------
    ndarray of float, shape (n,)
    """
    uo, inv = np.unique(options, return_inverse=True)
    xp = np.array([experience(sellers[o], int(edges[o])) if sellers[o] is not None else 1.0 for o in uo])
    return xp[inv]


def new_enterprise(model, reg: EnterpriseRegistry, net, params, node: int, candidates: list[int],
                   rng: np.random.Generator, prefer: int | None = None, *, supply_params=None,
                   level: int | None = None, active_from: int = 0,
                   carried: dict[int, float] | None = None) -> SmugglerEnterprise:
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
    supply_params : sim.parameters.SupplyParameters, optional
        The supply mechanism's parameters (experience on its segments); None or disabled: no experience.
    level : int, optional
        Service level (a spin-off keeps its parent's); drawn from ``service_level_shares`` if None.
    active_from : int
        Model day from which it sells (set-up lag).
    carried : dict of int to float, optional
        Experience it starts with (persons carried per segment).

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
    if level is None:
        shares = np.asarray(p.service_level_shares)
        level = int(rng.choice(3, p=shares / shares.sum()))
    jitter = p.entry_price_jitter
    prices = {e: float(_price(reg, net, e, p.markup) * rng.uniform(1.0 - jitter, 1.0 + jitter)) for e in segs}
    ent = SmugglerEnterprise(model, p, node, segs, level, prices, p.initial_cash_eur, supply=supply_params,
                             active_from=active_from, carried=carried)
    reg.add(ent)
    return ent


def _segments(net, node: int) -> list[int]:
    return [int(e) for e in net.out_edges[node] if net.smuggled[e]]


def seed_enterprises(model, reg: EnterpriseRegistry, net, params, rng: np.random.Generator,
                     supply_params=None, first_day_ordinal: int | None = None) -> None:
    """The enterprises of the first day: ``initial_per_market`` per market node, and every segment sold,
    except a service a source first reports after the first day (``first_reported`` in ``segments.csv``,
    :attr:`sim.network.RouteNetwork.first_reported`; ``first_day_ordinal`` is ``date.toordinal()`` of
    day 0, None: every segment sold). Only the market opens such a service later (growth, exploration,
    relocation, a spin-off; with supply (b) off, growth or entry): when it opens is the model's, not an input."""
    reported = net.first_reported if len(net.first_reported) else np.zeros(net.n_edges, dtype=np.int64)
    for n in reg.at:
        segs = _segments(net, n)
        if first_day_ordinal is not None:
            segs = [e for e in segs if reported[e] <= first_day_ordinal]
        if not segs:
            continue
        for _ in range(params.initial_per_market):
            new_enterprise(model, reg, net, params, n, segs, rng, supply_params=supply_params)
        for e in segs:  # every segment sold by someone at the start
            if not any(e in ent.price_eur for ent in reg.at[n]):
                new_enterprise(model, reg, net, params, n, segs, rng, prefer=e, supply_params=supply_params)


def step_enterprises(reg: EnterpriseRegistry, net, effort_lists: tuple[list, list, list], params,
                     rng: np.random.Generator, *, supply_params=None, consolidation_params=None,
                     desired: np.ndarray | None = None, location: relocation.Location | None = None) -> None:
    """Each enterprise's day, in order of node and entry: costs and arrest, exit, hiring, growth,
    prices, partnerships.

    With the supply mechanism on (``supply_params.enabled``), growth into more segments is
    NarcoLogic's exploration (:func:`sim.supply.exploration_probability`) instead of "large enough,
    add an unserved segment". With the consolidation mechanism on, costs and arrest follow
    :mod:`sim.consolidation` (vectorised over the enterprises), an arrest takes some members and ends
    the enterprise only if it takes the organiser, and an exiting enterprise's heir takes over its
    customers, segments and some members (:func:`_take_over`). Enforcement effort is not divided
    among the enterprises at a place: each faces the effort on its node and segments.

    Parameters
    ----------
    reg : EnterpriseRegistry
    net : sim.network.RouteNetwork
    effort_lists : (prevent, detect, arrest_node)
        Today's enforcement effort as plain lists (:class:`sim.enforcement.EnforcementState`).
    params : sim.parameters.EnterpriseParameters
    rng : numpy.random.Generator
    supply_params : sim.parameters.SupplyParameters, optional
    consolidation_params : sim.parameters.ConsolidationParameters, optional
    desired : ndarray of float, shape (E,), optional
        Agents who wanted each edge today (the expected margin of a segment explored).
    location : sim.relocation.Location, optional
        Supply on: where an enterprise with nothing left to try at home relocates; None: it stays.
    """
    prevent, detect, arrest = effort_lists
    p = params
    sp = supply_params if supply_params is not None and supply_params.enabled else None
    cp = consolidation_params if consolidation_params is not None and consolidation_params.enabled else None
    ents = [ent for ents in reg.at.values() for ent in ents]
    efforts = [enterprise_effort(ent.home, ent.segments, prevent, detect, arrest, p.eu_side_effort_weight)
               for ent in ents]
    if cp is not None and ents:
        members = np.array([ent.members for ent in ents], dtype=float)
        eff = np.asarray(efforts)
        cost = consolidation.fixed_cost_eur(members, eff, per_member_eur=p.fixed_cost_eur_per_member_day,
                                            per_effort_eur=p.enforcement_cost_eur_per_day,
                                            scale_exponent=cp.protection_scale_exponent)
        k = np.array([sum(ent.carried.values()) for ent in ents])
        hazard = consolidation.arrest_hazard(eff, members, k, base=p.arrest_hazard_base,
                                             per_effort=p.arrest_hazard_per_effort,
                                             size_exponent=cp.arrest_size_exponent,
                                             experience_scale=cp.experience_hazard_scale_persons,
                                             experience_exponent=cp.experience_hazard_exponent)
        hit = rng.random(len(ents)) < hazard
        removed = np.zeros(len(ents), dtype=np.int64)
        organiser = np.zeros(len(ents), dtype=bool)
        if hit.any():
            removed[hit], organiser[hit] = consolidation.arrest_outcome(members[hit], cp.arrest_member_share, rng)
    decay = np.exp(-1.0 / sp.loss_memory_days) if sp is not None else 1.0
    explore = np.zeros(len(ents))
    if sp is not None and ents:  # supply (b): who is over its loss tolerance today
        explore = supply.exploration_probability(np.array([ent.losses_recent for ent in ents]),
                                                 np.array([ent.revenue_recent for ent in ents]),
                                                 sp.loss_tolerance, sp.explore_prob_per_month)
    for i, ent in enumerate(ents):
        if ent.unique_id not in reg.by_id:
            continue
        if cp is None:
            exit_reason = ent.pay_and_risk(efforts[i], rng)
        else:
            exit_reason = ent.pay_and_lose(float(cost[i]), int(removed[i]), bool(organiser[i]))
        if exit_reason is not None:
            if cp is not None:
                _take_over(reg, ent, cp, p, rng)
            reg.remove(ent, exit_reason)
            continue
        ent.hire()
        if sp is None:
            if ent.wants_more_segments():
                unserved = [e for e in net.out_edges[ent.home] if net.smuggled[e] and e not in ent.price_eur]
                if unserved:
                    e = int(unserved[int(rng.integers(len(unserved)))])
                    ent.segments.append(e)
                    ent.price_eur[e] = _price(reg, net, e, p.markup)
        else:
            if explore[i] > 0:
                _explore(reg, ent, net, p, float(explore[i]), desired, rng, location, arrest, sp)
            ent.revenue_recent *= decay
            ent.losses_recent *= decay
        # consolidation (d), payment on success: the price floor covers the cost per paying customer
        kept = (consolidation.kept_share(cp.guarantee_share, ent.reputation)
                if cp is not None and cp.guarantee_share > 0 and cp.guarantee_floor else 1.0)
        ent.adjust_prices(net.base_fee_eur, kept)
        for k_id in ent.age_handovers():
            other = reg.by_id.get(k_id)
            if other is not None:
                ent.partners.add(k_id)
                other.partners.add(ent.unique_id)


def _explore(reg: EnterpriseRegistry, ent: SmugglerEnterprise, net, p, prob: float, desired, rng,
             location: relocation.Location | None = None, arrest_node=None, supply_params=None) -> None:
    """Supply (b), NarcoLogic's expansion: with probability ``prob`` (over its loss tolerance), add the untried
    segment of best expected margin; with none left at home, :func:`sim.relocation.relocate`.

    A segment that needs a vessel (:func:`sim.supply.vessel_cost_eur`) is tried only if the enterprise can pay
    it, and it pays it; with only such segments left untried and none it can pay, it is as if nothing were
    left to try (it may relocate)."""
    if rng.random() >= prob:
        return
    untried = [int(e) for e in net.out_edges[ent.home] if net.smuggled[e] and e not in ent.price_eur]
    affordable = [e for e in untried if supply.vessel_cost_eur(net.vessel_eur, e, supply_params) <= ent.cash_eur]
    if not affordable:  # nothing left to try at home, or only services needing a vessel it cannot pay
        if location is not None:
            relocation.relocate(reg, ent, net, p, location, desired, arrest_node, supply_params, rng)
        return
    j = supply.choose_new_segment(relocation.segment_margins(reg, net, p, affordable, desired), rng)
    if j >= 0:
        e = affordable[j]
        ent.cash_eur -= supply.vessel_cost_eur(net.vessel_eur, e, supply_params)
        ent.segments.append(e)
        ent.price_eur[e] = _price(reg, net, e, p.markup)


def _take_over(reg: EnterpriseRegistry, ent: SmugglerEnterprise, cp, p, rng: np.random.Generator) -> None:
    """Consolidation (d): a partner at the node, else maybe the largest firm there, takes over ``ent``.

    With ``open_takeover_prob`` > 0 the largest firm at the node takes over first with that
    probability, regardless of partnership (:func:`sim.consolidation.heir`).

    The heir takes the exiting enterprise's customers (package partners are re-pointed through
    :meth:`EnterpriseRegistry.resolve`), its segments (with their prices and experience) and
    Binomial(members, ``takeover_member_share``) of its members (up to ``max_members``).
    """
    others = [o for o in reg.at[ent.home] if o is not ent]
    if not others:
        return
    is_partner = np.array([o.unique_id in ent.partners for o in others])
    members = np.array([o.members for o in others], dtype=float)
    j = consolidation.heir(is_partner, members, cp.takeover_prob, rng, cp.open_takeover_prob)
    if j < 0:
        return
    h = others[j]
    reg.heirs[ent.unique_id] = h.unique_id
    reg.takeovers += 1
    for e in ent.segments:
        if e not in h.price_eur:
            h.segments.append(e)
            h.price_eur[e] = ent.price_eur[e]
        h.carried[e] = max(h.carried.get(e, 0.0), ent.carried.get(e, 0.0))
    h.members = min(p.max_members, h.members + consolidation.members_taken_over(ent.members, cp.takeover_member_share, rng))


def spin_off(model, reg: EnterpriseRegistry, net, wanted_persons: np.ndarray, capacity_persons: np.ndarray,
             node_effort: np.ndarray, params, supply_params, day: int, rng: np.random.Generator,
             queue_persons: np.ndarray | None = None, upstream: np.ndarray | None = None,
             effort_lists: tuple[list, list, list] | None = None) -> int:
    """Supply (b): new enterprises founded by members of enterprises at the market, where migrants wanted more than the capacity.

    Per smuggled segment ``e`` leaving a market node ``m``: Poisson(:func:`sim.supply.spinoff_rate`) spin-offs, with
    recruiters ``M`` the members of enterprises based at ``m`` or partnered with one there plus
    ``upstream_recruit_weight`` times those at the markets with a segment into ``m``, and the excess infinite on a
    segment nobody sells while persons wait at ``m``; each spin-off's parent is drawn by members among the
    enterprises at ``m``, partnered with one there or upstream, founded only if the parent can pay
    :func:`sim.supply.entry_cost_eur` at the node's arrest effort. The spin-off sells ``e`` at its parent's service
    level after a gamma set-up lag (:func:`sim.supply.draw_setup_days`) and starts with ``inherit_experience`` of
    its parent's experience there. With ``entry_deterrence_weight`` > 0 the rate is first multiplied by the share of
    would-be founders not deterred by enforcement (:func:`entry_deterrence_factor`).

    Parameters
    ----------
    model : mesa.Model
        Only to register new agents with Mesa.
    reg : EnterpriseRegistry
    net : sim.network.RouteNetwork
    wanted_persons, capacity_persons : ndarray of float, shape (E,)
        Persons who chose each edge in the first market round today, and the seats offered (persons).
    node_effort : ndarray of float, shape (N,)
        Arrest effort at each node.
    params : sim.parameters.EnterpriseParameters
    supply_params : sim.parameters.SupplyParameters
    day : int
        Today (model day).
    rng : numpy.random.Generator
    queue_persons : ndarray of float, shape (N,), optional
        Persons waiting at each node (a gap in the market where nobody sells); zeros if None.
    upstream : ndarray of float, shape (N, N), optional
        :func:`upstream_markets` of ``net`` (a fixed property of the graph: pass it to avoid
        rebuilding it every day).
    effort_lists : (prevent, detect, arrest_node), optional
        Today's enforcement effort (as for :func:`step_enterprises`); only read by the deterrence of
        entry (none on the segments if None).

    Returns
    -------
    int
        Spin-offs founded today.
    """
    sp = supply_params
    if queue_persons is None:
        queue_persons = np.zeros(net.n_nodes)
    ents = [ent for ents in reg.at.values() for ent in ents]
    if not ents:
        return 0
    pos = {ent.unique_id: i for i, ent in enumerate(ents)}
    home = np.array([ent.home for ent in ents], dtype=np.int64)
    members = np.array([ent.members for ent in ents], dtype=float)
    # partnerships as (i, j) positions, i < j, in the order of ents and of their partner sets
    partner_ids = [k for ent in ents for k in ent.partners]
    owner = np.repeat(np.arange(len(ents)), [len(ent.partners) for ent in ents])
    other = np.array([pos.get(k, -1) for k in partner_ids], dtype=np.int64)
    keep = other > owner
    pairs = np.stack([owner[keep], other[keep]], axis=1).astype(np.int64).reshape(-1, 2)
    M = supply.recruiters_at(home, members, pairs, net.n_nodes)
    # recruiters one segment upstream (the hub that feeds a departure point)
    up = upstream_markets(net) if upstream is None else upstream
    here = np.bincount(home, weights=members, minlength=net.n_nodes)
    M = M + sp.upstream_recruit_weight * (here @ up)
    seg = np.flatnonzero(net.smuggled & net.is_market[net.src])
    x = supply.excess_demand(wanted_persons[seg], capacity_persons[seg])
    # a gap in the market: nobody sells the segment while persons wait at its market
    gap = (capacity_persons[seg] <= 0) & (queue_persons[net.src[seg]] > 0)
    x = np.where(gap, np.inf, x)
    rate = supply.spinoff_rate(M[net.src[seg]], x, sp.spinoff_rate_per_member_day)
    if sp.entry_deterrence_weight > 0:  # off (0) by default: no arithmetic, the rule before it
        rate = rate * entry_deterrence_factor(reg, net, seg, rate, wanted_persons, np.isinf(x), node_effort,
                                              effort_lists, params, sp)
    n = supply.draw_spinoffs(rate, rng)
    founded = 0
    for e, k in zip(seg[n > 0], n[n > 0], strict=True):
        node = int(net.src[e])
        cand = [i for i, ent in enumerate(ents) if ent.home == node or up[ent.home, node] > 0
                or any(ents[pos[q]].home == node for q in ent.partners if q in pos)]
        if not cand:
            continue
        local = np.array([ents[i].home == node or any(ents[pos[q]].home == node for q in ents[i].partners if q in pos)
                          for i in cand])
        parents = supply.draw_parents(members[cand] * np.where(local, 1.0, sp.upstream_recruit_weight), int(k), rng)
        cost = float(supply.entry_cost_eur(node_effort[node], sp.entry_cost_eur, sp.entry_cost_per_effort))
        cost += supply.vessel_cost_eur(net.vessel_eur, int(e), sp)  # a ship first, where the segment needs one
        cash = np.array([ents[i].cash_eur for i in cand])
        funded, cash = supply.fund_entries(cash, parents, cost)
        for i, c in zip(cand, cash, strict=True):
            ents[i].cash_eur = float(c)
        lags = supply.draw_setup_days(int(funded.sum()), sp.setup_days, sp.setup_shape, rng)
        for par, lag in zip(parents[funded], lags, strict=True):
            parent = ents[cand[par]]
            inherit = float(supply.inherited_experience(parent.carried.get(int(e), 0.0), sp.inherit_experience))
            new_enterprise(model, reg, net, params, node, [int(e)], rng, prefer=int(e), supply_params=sp,
                           level=parent.service_level, active_from=day + 1 + int(lag),
                           carried={int(e): inherit} if inherit > 0 else None)
            founded += 1
    reg.spinoffs += founded
    return founded


def entry_deterrence_factor(reg: EnterpriseRegistry, net, seg: np.ndarray, rate: np.ndarray,
                            wanted_persons: np.ndarray, open_gap: np.ndarray, node_effort: np.ndarray,
                            effort_lists: tuple[list, list, list] | None, params, supply_params) -> np.ndarray:
    """Supply (b), deterrence of entry: the share of would-be founders on each segment who still start.

    :func:`sim.supply.entry_deterrence` for a new one-member enterprise without experience on the
    segment: its effort is the one it would face there (:func:`sim.enforcement.enterprise_effort`),
    its daily arrest hazard ``h0 + h1 E`` (:func:`sim.consolidation.arrest_hazard` at one member,
    where the size and experience terms are 1), its stake the entry cost at the node's arrest effort
    (:func:`sim.supply.entry_cost_eur`), its daily enforcement cost ``f_E E``; its margin
    :func:`sim.supply.founder_margin_eur` at the market price, as one more seller of the persons who
    wanted the segment today (its full capacity where the excess is infinite: nobody sells while
    persons wait).

    Parameters
    ----------
    reg : EnterpriseRegistry
    net : sim.network.RouteNetwork
    seg : ndarray of int, shape (K,)
        Segments considered (smuggled, leaving a market).
    rate : ndarray of float, shape (K,)
        Spin-off rates before deterrence (spin-offs per day; only segments with a positive rate
        are evaluated).
    wanted_persons : ndarray of float, shape (E,)
        Persons who wanted each segment today, before rationing (persons per day).
    open_gap : ndarray of bool, shape (K,)
        Infinite excess demand on the segment.
    node_effort : ndarray of float, shape (N,)
        Arrest effort at each node (dimensionless, as :func:`sim.enforcement.enterprise_effort`).
    effort_lists : (prevent, detect, arrest_node) or None
        Today's effort per edge (prevent, detect) and node (arrest_node), dimensionless; None:
        the node's arrest effort only.
    params : sim.parameters.EnterpriseParameters
        Arrest hazard, enforcement and variable cost, markup, seats and departures.
    supply_params : sim.parameters.SupplyParameters
        Entry cost and ``entry_deterrence_weight``.

    Returns
    -------
    ndarray of float, shape (K,)
        In [0, 1]; 1 where the rate is 0.

    Notes
    -----
    No doctest: it needs a registry and a network; ``tests/test_mechanisms_wired.py`` runs it on
    the tiny scenario, and its kernels :func:`sim.supply.founder_margin_eur` and
    :func:`sim.supply.entry_deterrence` have hand-computed examples.
    """
    p, sp = params, supply_params
    f = np.ones(len(seg))
    act = np.flatnonzero(rate > 0)
    if not len(act):
        return f
    es = seg[act]
    nodes = net.src[es]
    node_eff = np.asarray(node_effort, dtype=float)[nodes]
    if effort_lists is None:
        eff = node_eff
    else:  # the effort a one-segment enterprise at the segment's market faces
        prevent, detect, arrest_node = effort_lists
        eff = np.array([enterprise_effort(int(n), [int(e)], prevent, detect, arrest_node, p.eu_side_effort_weight)
                        for n, e in zip(nodes, es, strict=True)])
    one = np.ones(len(es))
    hazard = consolidation.arrest_hazard(eff, one, np.zeros(len(es)), base=p.arrest_hazard_base,
                                         per_effort=p.arrest_hazard_per_effort, size_exponent=0.0,
                                         experience_scale=1.0, experience_exponent=0.0)
    stake = supply.entry_cost_eur(node_eff, sp.entry_cost_eur, sp.entry_cost_per_effort)
    cost = consolidation.fixed_cost_eur(one, eff, per_member_eur=0.0, per_effort_eur=p.enforcement_cost_eur_per_day,
                                        scale_exponent=1.0)
    sellers = np.zeros(len(net.src), dtype=np.int64)
    for ents in reg.at.values():
        for ent in ents:
            sellers[ent.segments] += 1
    price = np.array([_price(reg, net, int(e), p.markup) for e in es])
    seats = np.array((p.seats_land, p.seats_sea, p.seats_air), dtype=float)[net.mode[es]]
    capacity = p.departures_per_week / 7.0 * seats
    wanted = np.where(open_gap[act], np.inf, np.asarray(wanted_persons, dtype=float)[es])
    margin = supply.founder_margin_eur(price, p.variable_cost_share * net.base_fee_eur[es], wanted, sellers[es], capacity)
    f[act] = supply.entry_deterrence(hazard, stake, cost, margin, sp.entry_deterrence_weight)
    return f


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
