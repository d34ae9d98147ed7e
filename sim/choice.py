"""Route and offer choice: pure functions of (options, weights, rng), no model.

Migrants choose the next segment and an offer by a multinomial logit over a generalised cost in
EUR-equivalent (:func:`edge_cost`, :func:`offer_utility`): the price, the time and risk of the
segment, the expected cost of failed attempts, and the perceived cost-to-go from the segment's end
to the migrant's destination. :func:`cost_to_go` is a soft minimum (log-sum) with a logit scale;
the model calls it with a vanishing scale, i.e. a hard minimum (a soft minimum over a graph with
cycles rewards loops), and recomputes it every ``choice.replan_interval_days`` from what migrants
perceive (word of mouth about prevention and returns, current prices). Utilities are in logit
units: cost divided by ``cost_scale_eur``.

Examples
--------
Two routes from node 0 to the destination 2: directly (cost 300) or via 1 (100 + 100).

>>> import numpy as np
>>> src = np.array([0, 0, 1]); dst = np.array([2, 1, 2])
>>> cost = np.array([[300.0], [100.0], [100.0]])
>>> J = cost_to_go(src, dst, cost, n_nodes=3, destinations=np.array([2]), scale=1e-9)
>>> J[:, 0].round(6).tolist()
[200.0, 100.0, 0.0]
"""

from __future__ import annotations

import numpy as np

# numpy sums up to this many terms one after the other (pairwise summation above it)
_PAIRWISE_BLOCK = 8

__all__ = ["cost_to_go", "edge_cost", "group_costs_to_go", "logit_choice", "offer_utility", "soft_min"]


def soft_min(values: np.ndarray, scale: float, axis: int = 0) -> np.ndarray:
    """Smooth minimum ``-scale * log(sum(exp(-values / scale)))`` along ``axis``.

    Parameters
    ----------
    values : ndarray of float
        Costs (EUR); ``inf`` marks missing options.
    scale : float
        Logit scale (EUR); as it tends to 0 the result tends to the minimum.
    axis : int
        Axis to reduce.

    Returns
    -------
    ndarray of float
        ``values`` reduced along ``axis``; ``inf`` where every entry is ``inf``.

    Examples
    --------
    >>> float(soft_min(np.array([1.0, np.inf]), 1.0))
    1.0
    """
    m = np.min(values, axis=axis, keepdims=True)
    finite = np.isfinite(m)
    shifted = np.where(finite, values - np.where(finite, m, 0.0), np.inf)
    with np.errstate(divide="ignore"):
        s = np.log(np.sum(np.exp(-shifted / scale), axis=axis, keepdims=True))
    out = np.where(finite, m - scale * s, np.inf)
    return np.squeeze(out, axis=axis)


def edge_cost(
    price_eur: np.ndarray,
    travel_days: np.ndarray,
    death_prob: np.ndarray,
    failure_prob: np.ndarray,
    *,
    time_value_eur_per_day: float,
    risk_value_eur: float,
    prevention_penalty_eur: float,
    risk_tolerance: float | np.ndarray = 0.5,
) -> np.ndarray:
    """Generalised cost of using a segment once successfully (EUR-equivalent).

    With failure probability ``q`` per attempt (prevented, or detected and returned), the expected
    number of attempts is ``1 / (1 - q)``; each attempt costs the price, the time and the risk, and
    each failure adds ``prevention_penalty_eur``.

    Parameters
    ----------
    price_eur, travel_days, death_prob, failure_prob : ndarray, shape (E,) or broadcastable
        Price per person (EUR), travel time (days), probability of death per crossing, and the
        perceived probability that an attempt fails.
    time_value_eur_per_day, risk_value_eur, prevention_penalty_eur : float
        Weights, see :class:`sim.parameters.ChoiceParameters`.
    risk_tolerance : float or ndarray
        0 (averse) to 1 (indifferent to death risk).

    Returns
    -------
    ndarray of float
        Cost per successful use, EUR-equivalent; ``inf`` where ``failure_prob >= 1``.

    Examples
    --------
    >>> float(edge_cost(np.array(100.0), np.array(2.0), np.array(0.0), np.array(0.5),
    ...       time_value_eur_per_day=10, risk_value_eur=0, prevention_penalty_eur=50))
    290.0
    """
    q = np.clip(failure_prob, 0.0, 1.0)
    per_attempt = price_eur + time_value_eur_per_day * travel_days + risk_value_eur * (
        1.0 - risk_tolerance
    ) * death_prob
    with np.errstate(divide="ignore", invalid="ignore"):
        attempts = np.where(q < 1.0, 1.0 / (1.0 - q), np.inf)
    return per_attempt * attempts + prevention_penalty_eur * (attempts - 1.0)


def cost_to_go(
    src: np.ndarray,
    dst: np.ndarray,
    cost: np.ndarray,
    n_nodes: int,
    destinations: np.ndarray,
    scale: float,
    max_iter: int = 200,
    tol: float = 1e-3,
) -> np.ndarray:
    """Soft-minimum cost from every node to every destination (value iteration).

    Parameters
    ----------
    src, dst : ndarray of int, shape (E,)
        Edge endpoints (node indices).
    cost : ndarray of float, shape (E, D) or (E, 1)
        Cost of each edge (EUR-equivalent), per destination or shared.
    n_nodes : int
        Number of nodes N.
    destinations : ndarray of int, shape (D,)
        Node index of each destination; its own cost-to-go is 0.
    scale : float
        Logit scale (EUR).
    max_iter : int
        Iteration cap (the graph's path length is far below it).
    tol : float
        Convergence threshold on the largest change (EUR).

    Returns
    -------
    ndarray of float, shape (N, D)
        Cost-to-go; ``inf`` where a destination cannot be reached.
    """
    n_dest = len(destinations)
    J = np.full((n_nodes, n_dest), np.inf)
    J[destinations, np.arange(n_dest)] = 0.0
    order = np.argsort(src, kind="stable")
    s_sorted = src[order]
    starts = np.flatnonzero(np.r_[True, s_sorted[1:] != s_sorted[:-1]])
    nodes_with_out = s_sorted[starts]
    cost = np.broadcast_to(cost, (len(src), n_dest))[order]
    d_sorted = dst[order]
    is_dest = np.zeros((n_nodes, n_dest), dtype=bool)
    is_dest[destinations, np.arange(n_dest)] = True
    degree = np.diff(np.r_[starts, len(src)])
    # Each node's out-edges are reduced position by position (the j-th out-edge of every node at once,
    # nodes by decreasing degree so that those with a j-th edge come first): a few calls on (K, D)
    # slices instead of np.*.reduceat's one inner loop per (node, destination). The sum is the one
    # np.add.reduceat computes, bit for bit: the first term plus the sequential sum (from -0.0) of the
    # others, numpy's pairwise summation below its block of 8; wider nodes keep reduceat.
    if len(src) == 0 or degree.max() - 1 >= _PAIRWISE_BLOCK:
        return _cost_to_go_reduceat(J, cost, d_sorted, starts, nodes_with_out, is_dest, scale, max_iter, tol)
    by_degree = np.argsort(-degree, kind="stable")
    K = len(starts)
    counts = [int(np.count_nonzero(degree > j)) for j in range(int(degree.max()))]
    perm = np.concatenate([starts[by_degree[:c]] + j for j, c in enumerate(counts)])
    offsets = np.r_[0, np.cumsum(counts)]
    cost = cost[perm]
    d_perm = d_sorted[perm]
    nodes = nodes_with_out[by_degree]
    seg_of = np.concatenate([np.arange(c) for c in counts])
    blocks = [(c, slice(int(offsets[j]), int(offsets[j + 1]))) for j, c in enumerate(counts)][1:]
    finite_J = np.isfinite(J)
    for _ in range(max_iter):
        vals = J[d_perm]  # (E, D), position-major
        vals += cost
        m = vals[:K].copy()  # (K, D)
        for c, sl in blocks:
            np.minimum(m[:c], vals[sl], out=m[:c])
        finite_m = np.isfinite(m)
        # exp(-(vals - m) / scale) where the minimum is finite, else 0, in place of vals
        # (-(x) / s is x / (-s) exactly)
        ex = vals
        ex -= np.where(finite_m, m, 0.0)[seg_of]
        with np.errstate(invalid="ignore", over="ignore"):
            np.divide(ex, -scale, out=ex)
            _exp_in_place(ex)
        ex[~finite_m[seg_of]] = 0.0
        rest = np.full((K, n_dest), -0.0)
        for c, sl in blocks:
            np.add(rest[:c], ex[sl], out=rest[:c])
        ssum = ex[:K] + rest
        with np.errstate(divide="ignore"):
            newJ_rows = np.where(finite_m, m - scale * np.log(np.maximum(ssum, 1e-300)), np.inf)
        newJ = np.full_like(J, np.inf)
        newJ[nodes] = newJ_rows
        newJ[is_dest] = 0.0
        finite_new = np.isfinite(newJ)
        both = finite_new & finite_J
        with np.errstate(invalid="ignore"):
            delta = np.max(np.abs(newJ - J), where=both, initial=0.0)
        changed = np.any(finite_new != finite_J)
        J, finite_J = newJ, finite_new
        if not changed and delta < tol:
            break
    return J


def group_costs_to_go(
    src: np.ndarray,
    dst: np.ndarray,
    cost: np.ndarray,
    extra: np.ndarray,
    n_nodes: int,
    destinations: np.ndarray,
    scale: float,
) -> np.ndarray:
    """Each origin group's cost-to-go over its own edge costs, in one pass of :func:`cost_to_go`.

    The shared edge cost plus each group's extra cost (route awareness (a): what a segment the group
    hardly knows costs it) gives one cost column per (group, destination); one value iteration
    computes them all.

    Parameters
    ----------
    src, dst : ndarray of int, shape (E,)
        Edge endpoints (node indices).
    cost : ndarray of float, shape (E,)
        Edge cost shared by all groups (EUR-equivalent).
    extra : ndarray of float, shape (G, E)
        Each group's extra cost on each edge (EUR-equivalent).
    n_nodes : int
        Number of nodes N.
    destinations : ndarray of int, shape (D,)
        Node index of each destination.
    scale : float
        Logit scale (EUR), as in :func:`cost_to_go`.

    Returns
    -------
    ndarray of float, shape (G, N, D)
        Cost-to-go of each group (EUR-equivalent); ``inf`` where a destination cannot be reached.

    Examples
    --------
    Group 1 finds the direct edge 500 EUR dearer and goes via node 1 instead.

    >>> src = np.array([0, 0, 1]); dst = np.array([2, 1, 2])
    >>> extra = np.array([[0.0, 0.0, 0.0], [500.0, 0.0, 0.0]])
    >>> J = group_costs_to_go(src, dst, np.array([150.0, 100.0, 100.0]), extra, 3, np.array([2]), 1e-9)
    >>> J[:, 0, 0].round(6).tolist()
    [150.0, 200.0]
    """
    G, D = extra.shape[0], len(destinations)
    J = cost_to_go(src, dst, np.repeat((cost[None, :] + extra).T, D, axis=1), n_nodes, np.tile(destinations, G),
                   scale=scale)
    return J.reshape(n_nodes, G, D).transpose(1, 0, 2)


def _exp_in_place(x: np.ndarray) -> None:
    """``x[...] = np.exp(x)``, bit for bit, faster when many entries are far below -700.

    numpy's vectorised exp slows down several times on arguments whose result underflows (most of
    the entries in :func:`cost_to_go`: every edge that is not the cheapest, at a vanishing scale).
    Those are computed at -700 and multiplied by 0; the few between -746 and -700 (results below
    the smallest normal number) are computed apart; below -746 the exp is exactly 0.
    """
    tiny = x < -700.0
    mid = tiny & (x >= -746.0)
    x_mid = x[mid] if mid.any() else None
    np.maximum(x, -700.0, out=x)
    np.exp(x, out=x)
    np.multiply(x, ~tiny, out=x)
    if x_mid is not None:
        x[mid] = np.exp(x_mid)


def _cost_to_go_reduceat(J, cost, d_sorted, starts, nodes_with_out, is_dest, scale, max_iter, tol):
    """The value iteration of :func:`cost_to_go` with ``np.*.reduceat`` (nodes of out-degree above 8)."""
    reps = np.diff(np.r_[starts, len(cost)])
    for _ in range(max_iter):
        vals = cost + J[d_sorted]  # (E, D)
        m = np.minimum.reduceat(vals, starts, axis=0)  # (K, D)
        m_rep = np.repeat(m, reps, axis=0)
        finite = np.isfinite(m_rep)
        with np.errstate(invalid="ignore", over="ignore"):
            ex = np.where(finite, np.exp(-(vals - np.where(finite, m_rep, 0.0)) / scale), 0.0)
        ssum = np.add.reduceat(ex, starts, axis=0)
        with np.errstate(divide="ignore"):
            newJ_rows = np.where(np.isfinite(m), m - scale * np.log(np.maximum(ssum, 1e-300)), np.inf)
        newJ = np.full_like(J, np.inf)
        newJ[nodes_with_out] = newJ_rows
        newJ[is_dest] = 0.0
        both = np.isfinite(newJ) & np.isfinite(J)
        delta = np.max(np.abs(newJ[both] - J[both])) if both.any() else 0.0
        changed = np.any(np.isfinite(newJ) != np.isfinite(J))
        J = newJ
        if not changed and delta < tol:
            break
    return J


def logit_choice(
    utility: np.ndarray, available: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Draw one option per row from a multinomial logit (inverse CDF of the softmax).

    Parameters
    ----------
    utility : ndarray of float, shape (W, M)
        Systematic utility (logit units) of each of M options for each of W choosers.
    available : ndarray of bool, shape (W, M)
        Which options each chooser can take (within budget, with capacity, existing).
    rng : numpy.random.Generator
        The model's generator.

    Returns
    -------
    ndarray of int, shape (W,)
        Column index of the chosen option, or -1 where no option is available.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> u = np.zeros((10000, 2)); u[:, 0] = np.log(3.0)
    >>> c = logit_choice(u, np.ones_like(u, dtype=bool), rng)
    >>> bool(abs((c == 0).mean() - 0.75) < 0.02)
    True
    """
    W, M = utility.shape
    if W == 0:
        return np.zeros(0, dtype=np.int64)
    ok = available & np.isfinite(utility)
    top = np.max(np.where(ok, utility, -np.inf), axis=1, keepdims=True)
    # exp(0) * False is exp(-inf): 0.0, without numpy's slow path for exp(-inf) on every unavailable cell
    w = np.exp(np.where(ok, utility - np.where(np.isfinite(top), top, 0.0), 0.0)) * ok
    cum = np.cumsum(w, axis=1)
    total = cum[:, -1]
    # inverse-CDF draw: one uniform per chooser (cheaper than a Gumbel draw per option)
    r = rng.random(W) * total
    choice = np.minimum((cum <= r[:, None]).sum(axis=1), M - 1)
    choice[total <= 0] = -1
    return choice


def offer_utility(
    price_eur: np.ndarray,
    travel_days: np.ndarray,
    failure_prob: np.ndarray,
    prevention_factor: np.ndarray,
    death_prob: np.ndarray,
    death_factor: np.ndarray,
    level: np.ndarray,
    reputation: np.ndarray,
    *,
    cp,
    package_discount: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Utility of O offers (logit units), split into the parts a market round combines per migrant.

    The cost part is :func:`edge_cost` divided by ``cost_scale_eur``, written so that the risk term
    (which depends on the migrant's risk tolerance ``r``) stays apart: for a migrant,

        u = fixed - (1 - r) * risk  (+ package, if the offer is its partner's package)

    equals ``-edge_cost(price, travel_days, death_prob * death_factor, q, risk_tolerance=r) /
    cost_scale_eur + service_weight * level + enterprise_reputation_weight * reputation`` with
    ``q = min(failure_prob * prevention_factor, 0.999)`` (a near-certain failure is costly but
    finite, so that a blocked crossing's offers keep a utility). The market round adds the
    cost-to-go beyond the segment.

    Parameters
    ----------
    price_eur, travel_days : ndarray of float, shape (O,)
        Offer price per person (EUR) and the segment's travel time (days).
    failure_prob, prevention_factor : ndarray of float, shape (O,)
        Perceived P(an attempt fails) on the segment, and the service level's multiplier of it.
    death_prob, death_factor : ndarray of float, shape (O,)
        P(a fatal incident) on the segment, and the service level's multiplier of it.
    level : ndarray of int, shape (O,)
        Service level (0 basic, 1 standard, 2 premium).
    reputation : ndarray of float, shape (O,)
        The seller's reputation (0-1).
    cp : sim.parameters.ChoiceParameters
    package_discount : float
        ``enterprises.package_discount``.

    Returns
    -------
    fixed : ndarray of float, shape (O,)
        Utility without the risk term.
    risk : ndarray of float, shape (O,)
        Risk term for a migrant with risk tolerance 0.
    package : ndarray of float, shape (O,)
        Utility of the package discount.

    Examples
    --------
    >>> from sim.parameters import ChoiceParameters
    >>> one = np.array([1.0])
    >>> fixed, risk, pkg = offer_utility(np.array([700.0]), one, np.array([0.0]), one, np.array([0.0]),
    ...                                  one, np.array([0]), np.array([0.0]),
    ...                                  cp=ChoiceParameters(), package_discount=0.1)
    >>> round(float(fixed[0]), 6)  # -(700 + 15 * 1) / 700
    -1.021429
    """
    q = np.clip(failure_prob * prevention_factor, 0, 0.999)
    att = 1.0 / (1.0 - q)
    scale = cp.cost_scale_eur
    fixed = (-((price_eur + cp.time_value_eur_per_day * travel_days) * att
               + cp.prevention_penalty_eur * (att - 1.0)) / scale
             + cp.service_weight * level + cp.enterprise_reputation_weight * reputation)
    risk = cp.risk_value_eur * death_prob * death_factor * att / scale
    package = package_discount * price_eur * att / scale
    return fixed, risk, package
