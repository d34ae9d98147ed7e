"""Matching at market nodes: migrants' choices against enterprises' capacity.

A market round (DESIGN step 4) is a logit choice among the offers a migrant can afford, followed by
rationing: where an offer is chosen by more migrants than it has seats today, a random subset gets
the seats and the others choose again among the offers that still have seats. :func:`build_offers`
lists the day's offers (self-travel on segments nobody sells, enterprises' offers on the others),
:func:`run_market` lets every waiting migrant choose among a window of the offers at its node
(utility from :func:`sim.choice.offer_utility` plus the cost-to-go beyond), and :func:`buy` books
the purchases (budgets, enterprises' sales, hand-overs and packages). Functions of arrays, the
enterprises and an ``rng``; no model.

Examples
--------
Three migrants want offer 0, which has one seat; offer 1 has plenty.

>>> import numpy as np
>>> rng = np.random.default_rng(1)
>>> kept = ration(np.array([0, 0, 0]), np.array([1, 5]), rng)
>>> int(kept.sum())
1
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.awareness import awareness_utility, effective_awareness
from sim.choice import logit_choice, offer_utility
from sim.enterprises import experience

__all__ = ["Offers", "RoundResult", "build_offers", "buy", "market_round", "ration", "run_market"]

#: service level of travelling without a smuggler: standard (its death and prevention factors are 1)
SELF_TRAVEL_LEVEL = 1

#: a width class gets a utility matrix of its own (not padded to the widest class) when padding
#: would add more than this many cells; a speed setting only: the choices are the same either way
_OWN_BLOCK_WASTED_CELLS = 2048


def ration(chosen: np.ndarray, capacity: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Keep at most ``capacity[o]`` random choosers of each option ``o``.

    Parameters
    ----------
    chosen : ndarray of int, shape (W,)
        Option chosen by each chooser, -1 for none.
    capacity : ndarray of int, shape (O,)
        Seats (agents) left on each option; a negative value means unlimited.
    rng : numpy.random.Generator
        The model's generator.

    Returns
    -------
    ndarray of bool, shape (W,)
        True where the chooser gets a seat.
    """
    W = len(chosen)
    kept = np.zeros(W, dtype=bool)
    has = chosen >= 0
    if not has.any():
        return kept
    idx = np.flatnonzero(has)
    opt = chosen[idx]
    key = rng.random(len(idx))
    order = np.lexsort((key, opt))
    opt_sorted = opt[order]
    first = np.concatenate(([0], np.flatnonzero(opt_sorted[1:] != opt_sorted[:-1]) + 1))
    run_start = np.repeat(first, np.diff(first, append=len(opt_sorted)))
    rank = np.arange(len(opt_sorted)) - run_start
    cap = capacity[opt_sorted]
    ok = (cap < 0) | (rank < cap)
    kept[idx[order[ok]]] = True
    return kept


def market_round(
    utility: np.ndarray,
    affordable: np.ndarray,
    option_of: np.ndarray,
    capacity: np.ndarray,
    rng: np.random.Generator,
    rounds: int = 2,
    return_first: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Choose and ration, repeating for those who lost their seat.

    Parameters
    ----------
    utility : ndarray of float, shape (W, M)
        Utility of each chooser's M option slots (logit units).
    affordable : ndarray of bool, shape (W, M)
        Slot exists and is within the chooser's budget.
    option_of : ndarray of int, shape (W, M)
        Global option id behind each slot (-1 for padding).
    capacity : ndarray of int, shape (O,)
        Seats (agents) per global option today; negative = unlimited. Not modified.
    rng : numpy.random.Generator
        The model's generator.
    rounds : int
        Choice rounds; a chooser without a seat after the last round waits.
    return_first : bool
        Also return the first round's choices (what migrants wanted before rationing).

    Returns
    -------
    bought : ndarray of int, shape (W,)
        Global option id bought by each chooser, or -1 (waits: no affordable option or no seat).
    first : ndarray of int, shape (W,), only with ``return_first``
        Global option id chosen in the first round, or -1.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> u = np.array([[1.0, 0.0]] * 4); a = np.ones((4, 2), dtype=bool)
    >>> got = market_round(u, a, np.array([[0, 1]] * 4), np.array([2, 1]), rng)
    >>> sorted(np.bincount(got[got >= 0], minlength=2).tolist())
    [1, 2]
    """
    W = utility.shape[0]
    bought = np.full(W, -1, dtype=np.int64)
    left = capacity.astype(np.int64).copy()
    active = np.arange(W)
    first = np.full(W, -1, dtype=np.int64)
    for r in range(rounds):
        if len(active) == 0:
            break
        opts = option_of[active]
        avail = affordable[active] & (opts >= 0)
        cap_slot = np.where(opts >= 0, left[np.maximum(opts, 0)], 0)
        avail &= cap_slot != 0
        col = logit_choice(utility[active], avail, rng)
        chosen = np.where(col >= 0, opts[np.arange(len(active)), np.maximum(col, 0)], -1)
        if r == 0:
            first[active] = chosen
        kept = ration(chosen, left, rng)
        got = active[kept]
        bought[got] = chosen[kept]
        counts = np.bincount(chosen[kept], minlength=len(left))
        left = np.where(left < 0, left, left - counts)
        # those who chose nothing cannot do better in another round
        active = active[(~kept) & (chosen >= 0)]
    return (bought, first) if return_first else bought


@dataclass
class Offers:
    """Today's O offers, sorted by node (random order within a node).

    Attributes
    ----------
    node, edge : ndarray of int, shape (O,)
    price : ndarray of float, shape (O,)
        EUR per person.
    level : ndarray of int, shape (O,)
        Service level.
    reputation : ndarray of float, shape (O,)
    capacity : ndarray of int, shape (O,)
        Seats (agents) today; -1 unlimited (self-travel).
    enterprise : ndarray of int, shape (O,)
        Seller's ``unique_id``; -1 for self-travel.
    starts, counts : ndarray of int, shape (N,)
        First offer and number of offers at each node.
    sellers : list
        The seller of each offer (a ``SmugglerEnterprise``), None for self-travel.
    """

    node: np.ndarray
    edge: np.ndarray
    price: np.ndarray
    level: np.ndarray
    reputation: np.ndarray
    capacity: np.ndarray
    enterprise: np.ndarray
    starts: np.ndarray
    counts: np.ndarray
    sellers: list


def build_offers(net, enterprises_at: dict, self_travel_reputation: float, seats_by_mode: tuple[int, int, int],
                 persons_per_agent: int, rng: np.random.Generator, day: int = 0,
                 open_edges: np.ndarray | None = None, departure_factor: np.ndarray | None = None) -> Offers:
    """Today's options per node: self-travel on unsold segments, enterprises' offers on sold ones.

    Parameters
    ----------
    net : sim.network.RouteNetwork
    enterprises_at : dict of int to list of SmugglerEnterprise
        Enterprises by home node; each draws today's capacity on each of its segments.
    self_travel_reputation : float
        ``choice.self_travel_reputation``.
    seats_by_mode : (int, int, int)
        Seats per departure by mode index (``enterprises.seats_land``, ``seats_sea``, ``seats_air``).
    persons_per_agent : int
    rng : numpy.random.Generator
    day : int
        Today (model day): an enterprise still in its set-up lag (``active_from > day``) offers nothing.
    open_edges : ndarray of bool, shape (E,), optional
        Edges that can be travelled today (:meth:`sim.network.RouteNetwork.open_on`); nothing is offered
        on the others. None: every edge.
    departure_factor : ndarray of float, shape (E,), optional
        Multiplier of each edge's expected departures today (the sea weather,
        :func:`sim.weather.departure_factors`). None: 1 everywhere.

    Returns
    -------
    Offers
    """
    own = np.flatnonzero(~net.smuggled)  # self-travel on the segments nobody sells
    n_own = len(own)
    node, edge, price = net.src[own].tolist(), own.tolist(), net.base_fee_eur[own].tolist()
    level, rep = [SELF_TRAVEL_LEVEL] * n_own, [self_travel_reputation] * n_own
    cap, ent_id = [-1] * n_own, [-1] * n_own
    sellers: list = [None] * n_own
    seats_of_edge = [seats_by_mode[m] for m in net.mode.tolist()]
    for n, ents in enterprises_at.items():
        for ent in ents:
            if ent.active_from > day:
                continue
            for e in ent.segments:
                f = 1.0 if departure_factor is None else float(departure_factor[e])
                cap.append(ent.draw_capacity(seats_of_edge[e], persons_per_agent, rng, f))
                price.append(ent.offer_price(e))
            k = len(ent.segments)
            node += [n] * k
            edge += ent.segments
            level += [ent.service_level] * k
            rep += [ent.reputation] * k
            ent_id += [ent.unique_id] * k
            sellers += [ent] * k
    node = np.array(node, dtype=np.int64)
    if open_edges is not None and not open_edges.all():  # closed segments (closed_from): no offer
        keep = np.asarray(open_edges)[np.asarray(edge, dtype=np.int64)]
        node, edge, price, level, rep, cap, ent_id = (np.asarray(a)[keep] for a in (node, edge, price, level, rep, cap,
                                                                                       ent_id))
        sellers = [x for x, k in zip(sellers, keep, strict=True) if k]
    # offers grouped by node, in a random order within the node (migrants who compare only
    # some of them take a random window of this order)
    order = np.lexsort((rng.random(len(node)), node))
    arrs = [np.asarray(a)[order] for a in (node, edge, price, level, rep, cap, ent_id)]
    counts = np.bincount(arrs[0], minlength=net.n_nodes)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    return Offers(*arrs, starts=starts, counts=counts, sellers=[sellers[i] for i in order])


@dataclass
class RoundResult:
    """Outcome of a market round for W waiting migrants.

    Attributes
    ----------
    bought : ndarray of int, shape (W,)
        Offer bought, -1 for none.
    package : ndarray of bool, shape (W,)
        Bought as a partner's package (at the discount).
    cheapest : ndarray of float, shape (W,)
        Price of the cheapest allowed offer (EUR), inf if none.
    any_allowed : ndarray of bool, shape (W,)
        Some offer was allowed (affordable or not).
    desired : ndarray of float, shape (E,)
        Migrants (agents) whose first choice, before rationing, was each edge.
    """

    bought: np.ndarray
    package: np.ndarray
    cheapest: np.ndarray
    any_allowed: np.ndarray
    desired: np.ndarray


def run_market(W: np.ndarray, mig, offers: Offers, *, net, perceived_failure: np.ndarray,
               p_incident: np.ndarray, J: np.ndarray, Jr: np.ndarray, day: int, params,
               rng: np.random.Generator, Jr_group: np.ndarray | None = None,
               awareness: np.ndarray | None = None, information: np.ndarray | None = None,
               extra_utility: np.ndarray | None = None, path_size: np.ndarray | None = None,
               group_utility: np.ndarray | None = None) -> RoundResult:
    """Step 4: every waiting migrant takes part in a market round at its node.

    A migrant compares a random window of at most ``choice.offers_considered`` offers at its node,
    among those that bring it closer to its destination or lead forward in the graph (or a retreat
    segment, once it failed a crossing, with ``choice.retreat_after_failure``, or waited
    ``choice.retreat_after_wait_days``), within its budget, by utility :func:`sim.choice.offer_utility`
    plus ``Jr`` (cost-to-go and the next hub's reputation, logit units) at the segment's end; then
    :func:`market_round`.

    Parameters
    ----------
    W : ndarray of int, shape (W,)
        Waiting migrants (agent indices).
    mig : sim.agents.migrant.Migrants
    offers : Offers
    net : sim.network.RouteNetwork
    perceived_failure, p_incident : ndarray of float, shape (E,)
    J, Jr : ndarray of float, shape (N, D)
        Cost-to-go (EUR) and utility-to-go (logit units) to each destination.
    day : int
    params : sim.parameters.Parameters
    rng : numpy.random.Generator
    Jr_group : ndarray of float, shape (G, N, D), optional
        Utility-to-go per origin group (awareness (a)); replaces ``Jr`` (the "closer" filter keeps ``J``).
    awareness : ndarray of float, shape (G, E), optional
        Route awareness ``A``; with ``information`` (N, E), each slot's utility gets
        ``ln(max(Aeff, awareness.utility_floor))`` (:func:`sim.awareness.awareness_utility`).
    information : ndarray of float, shape (N, E), optional
        Hub information ``I`` (:func:`sim.awareness.hub_information`).
    extra_utility : ndarray of float, shape (O,), optional
        Utility added to each offer (hub reputation of its end, mechanisms note (c)).
    path_size : ndarray of float, shape (E, D), optional
        Path-size term of each segment towards each destination (:func:`sim.corridors.path_size_utility`).
    group_utility : ndarray of float, shape (G, E), optional
        Utility of each segment for each origin group (:func:`sim.following.following_utility`); None: none.

    Returns
    -------
    RoundResult
    """
    cp = params.choice
    o_node, o_edge, o_price, o_level, o_ent = offers.node, offers.edge, offers.price, offers.level, offers.enterprise
    starts, counts = offers.starts, offers.counts
    bought = np.full(len(W), -1, dtype=np.int64)
    cheapest = np.full(len(W), np.inf)
    any_finite = np.zeros(len(W), dtype=bool)
    desired = np.zeros(net.n_edges)
    pkg_all = np.zeros(len(W), dtype=bool)
    if not len(W):
        return RoundResult(bought, pkg_all, cheapest, any_finite, desired)
    wn = mig.node[W]
    dest = mig.destination[W]
    width = np.minimum(counts[wn], cp.offers_considered)
    width_class = np.where(width > 0, np.ceil(np.log2(np.maximum(width, 1))).astype(int), -1)
    window = rng.integers(0, np.maximum(counts[wn], 1))  # start of each migrant's window
    disc = params.enterprises.package_discount
    # per-offer parts of the utility, once a day (the per-migrant parts are added below)
    K_o, R_o, P_o = offer_utility(
        o_price, net.travel_days[o_edge], perceived_failure[o_edge],
        np.asarray(params.crossing.service_prevention_factor)[o_level], p_incident[o_edge],
        np.asarray(params.crossing.service_death_factor)[o_level], o_level, offers.reputation,
        cp=cp, package_discount=disc,
    )
    o_dst = net.dst[o_edge]
    Jr_o = Jr[o_dst]  # (O, D) cost-to-go and next hub's reputation, in utility units
    # segments a migrant may take: those that bring it closer to its destination, and those
    # that lead forward in the graph (no way back to where it is: the choice between the
    # Aegean and the land border stays open even when one of them is the cheaper)
    closer_o = (J[o_dst] < J[o_node]) | (net.is_forward[o_edge][:, None] & np.isfinite(J[o_dst]))  # (O, D)
    retreat_o = net.is_retreat[o_edge]
    first = np.full(len(W), -1, dtype=np.int64)
    # The utilities of the migrants at nodes with offers, in as few matrices as pay: a width class
    # whose padding to the widest class would waste many cells (``_OWN_BLOCK_WASTED_CELLS``: the
    # large classes of a fine run) gets a matrix as wide as its own width; the other classes share
    # one matrix as wide as the widest of them (a coarse run: few rows, where the fixed cost of each
    # numpy call dominates). Each class then chooses on its own columns, in order of class. Every
    # cell is computed as it would be in its class's own matrix, so the choices and the random draws
    # are the same whatever the blocks.

    def utilities(rows: np.ndarray, M: int):
        ids = W[rows]
        d = dest[rows][:, None]
        n_here = counts[wn[rows]][:, None]
        exists = np.arange(M)[None, :] < width[rows][:, None]
        slot = starts[wn[rows]][:, None] + (window[rows][:, None] + np.arange(M)[None, :]) % n_here
        slot = np.where(exists, slot, 0)
        if Jr_group is None:
            u = K_o[slot] - (1.0 - mig.risk_tolerance[ids])[:, None] * R_o[slot] + Jr_o[slot, d]
        else:
            grp = mig.group[ids][:, None]
            u = K_o[slot] - (1.0 - mig.risk_tolerance[ids])[:, None] * R_o[slot] + Jr_group[grp, o_dst[slot], d]
        if awareness is not None:
            aeff = effective_awareness(awareness[mig.group[ids][:, None], o_edge[slot]],
                                       information[wn[rows][:, None], o_edge[slot]])
            u = u + awareness_utility(aeff, params.awareness.utility_floor)
        if extra_utility is not None:
            u = u + extra_utility[slot]
        if group_utility is not None:
            u = u + group_utility[mig.group[ids][:, None], o_edge[slot]]
        if path_size is not None:
            u = u + path_size[o_edge[slot], d]
        price = o_price[slot]
        partner = mig.package_partner[ids]
        has_partner = partner >= 0
        pkg = np.zeros(slot.shape, dtype=bool)
        if has_partner.any():  # (adding 0.0 and multiplying by 1.0 elsewhere change nothing)
            pkg[has_partner] = o_ent[slot[has_partner]] == partner[has_partner][:, None]
            u = u + np.where(pkg, P_o[slot], 0.0)
            price = price * np.where(pkg, 1 - disc, 1.0)
        # only segments that bring the migrant closer to its destination or lead forward
        # (no wandering in circles through logit noise), or a retreat for those who failed
        # (with choice.retreat_after_failure) or waited long enough at the departure point
        failed = (mig.attempts[ids] > 0) & cp.retreat_after_failure
        may_retreat = failed | ((day - mig.wait_since[ids]) >= cp.retreat_after_wait_days)
        allowed = np.where(retreat_o[slot], may_retreat[:, None], closer_o[slot, d])
        finite = exists & allowed & np.isfinite(u)
        afford = finite & (price <= mig.budget_eur[ids][:, None])
        any_finite[rows] = finite.any(axis=1)
        cheapest[rows] = np.where(finite, price, np.inf).min(axis=1)
        return u, afford, np.where(exists, slot, -1), pkg, has_partner

    rows = np.flatnonzero(width_class >= 0)
    if len(rows):
        row_class = width_class[rows]
        classes, n_rows = np.unique(row_class, return_counts=True)
        widest = 1 << int(classes.max())
        own = {int(wc) for wc, n in zip(classes, n_rows, strict=True) if n * (widest - (1 << int(wc))) > _OWN_BLOCK_WASTED_CELLS}
        blocks = {}  # class -> (block arrays, positions of the class's rows in the block)
        shared = [int(wc) for wc in classes if int(wc) not in own]
        if shared:
            in_shared = np.isin(row_class, shared)
            arrays = utilities(rows[in_shared], 1 << max(shared))
            shared_class = row_class[in_shared]
            for wc in shared:
                blocks[wc] = (arrays, np.flatnonzero(shared_class == wc))
        for wc in own:
            k = np.flatnonzero(row_class == wc)
            blocks[wc] = (utilities(rows[k], 1 << wc), np.arange(len(k)))
        for wc in classes:
            (u, afford, opt, pkg, has_partner), k = blocks[int(wc)]
            sel = rows[row_class == wc]
            m = 1 << int(wc)
            opt_c = opt[k, :m]
            got, wish = market_round(u[k, :m], afford[k, :m], opt_c, offers.capacity, rng, return_first=True)
            bought[sel] = got
            first[sel] = wish
            hit = got >= 0
            if hit.any() and has_partner[k].any():
                col = np.argmax(opt_c[hit] == got[hit][:, None], axis=1)
                pkg_all[sel[hit]] = pkg[k[hit], col]
    # what migrants wanted before rationing: the entry signal for enterprises
    wanted = first[first >= 0]
    np.add.at(desired, o_edge[wanted], 1.0)
    return RoundResult(bought, pkg_all, cheapest, any_finite, desired)


def buy(ids: np.ndarray, opt: np.ndarray, pkg: np.ndarray, offers: Offers, mig, enterprises_by_id: dict,
        net, package_discount: float, persons_per_agent: int, price_sum: np.ndarray,
        price_sold: np.ndarray) -> np.ndarray:
    """Book today's purchases: budgets, prices paid, enterprises' sales, hand-overs and packages.

    Parameters
    ----------
    ids : ndarray of int, shape (B,)
        Buyers (agent indices).
    opt : ndarray of int, shape (B,)
        Offer each bought.
    pkg : ndarray of bool, shape (B,)
        Bought as a partner's package (at ``package_discount``).
    offers : Offers
    mig : sim.agents.migrant.Migrants
    enterprises_by_id : dict of int to SmugglerEnterprise
    net : sim.network.RouteNetwork
    package_discount : float
    persons_per_agent : int
    price_sum, price_sold : ndarray of float, shape (E, 3)
        This month's sums of prices paid (EUR) and persons sold, by edge and service level (added to).

    Returns
    -------
    ndarray of float, shape (B,)
        The fare each buyer paid (EUR per person, after any package discount).
    """
    K = persons_per_agent
    o_edge, o_ent = offers.edge, offers.enterprise
    price = offers.price[opt] * np.where(pkg, 1 - package_discount, 1.0)
    mig.budget_eur[ids] -= price
    edge = o_edge[opt]
    lvl = offers.level[opt]
    sold = o_ent[opt] >= 0
    np.add.at(price_sum, (edge[sold], lvl[sold]), price[sold] * K)
    np.add.at(price_sold, (edge[sold], lvl[sold]), K)
    # enterprises: sales, hand-overs, packages
    uo, inv = np.unique(opt, return_inverse=True)
    persons = np.bincount(inv) * K
    revenue = np.bincount(inv, weights=price) * K
    pk = np.bincount(inv, weights=pkg.astype(float)) * K
    for j, o in enumerate(uo):
        ent = offers.sellers[o]
        if ent is None:
            continue
        e = int(o_edge[o])
        ent.record_sale(persons[j], revenue[j], net.base_fee_eur[e], pk[j], edge=e, cost_factor=experience(ent, e))
    prev = mig.last_enterprise[ids]
    new = o_ent[opt]
    link = (prev >= 0) & (new >= 0)
    if link.any():
        # (from, to) pairs in lexicographic order: one int64 key per pair (ids are >= 0)
        span = int(new[link].max()) + 1
        keys, cnt = np.unique(prev[link] * span + new[link], return_counts=True)
        for a, b, c in zip((keys // span).tolist(), (keys % span).tolist(), cnt, strict=True):
            ent = enterprises_by_id.get(a)
            if ent is not None:
                ent.handovers[b] = ent.handovers.get(b, 0.0) + c * K
    mig.last_enterprise[ids] = np.where(new >= 0, new, -1)
    # package partner at the next node
    partner_of = np.full(len(uo), -1, dtype=np.int64)  # per offer bought
    for j, (o, nxt) in enumerate(zip(uo.tolist(), net.dst[o_edge[uo]].tolist(), strict=True)):
        ent = offers.sellers[o]
        if ent is None or not ent.partners:
            continue
        for k in sorted(ent.partners):
            other = enterprises_by_id.get(k)
            if other is not None and other.home == nxt:
                partner_of[j] = k
                break
    mig.package_partner[ids] = partner_of[inv]
    return price
