"""Route and offer choice: pure functions of (options, weights, rng), no model.

Migrants choose the next segment and an offer by a multinomial logit over a generalised cost in
EUR-equivalent: the price, the time and risk of the segment, the expected cost of failed attempts, and
the perceived cost-to-go from the segment's end to the migrant's destination. Costs-to-go are a
*soft minimum* (log-sum) over the graph, so that every reasonable path keeps some probability, and
they are recomputed every few days from what migrants perceive (word of mouth about prevention and
returns, current prices). Utilities are in logit units: cost divided by ``cost_scale_eur``.

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

__all__ = ["cost_to_go", "edge_cost", "logit_choice", "soft_min"]


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
    for _ in range(max_iter):
        vals = cost + J[d_sorted]  # (E, D)
        m = np.minimum.reduceat(vals, starts, axis=0)  # (K, D)
        m_rep = np.repeat(m, np.diff(np.r_[starts, len(vals)]), axis=0)
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
    w = np.exp(np.where(ok, utility - np.where(np.isfinite(top), top, 0.0), -np.inf))
    cum = np.cumsum(w, axis=1)
    total = cum[:, -1]
    # inverse-CDF draw: one uniform per chooser (cheaper than a Gumbel draw per option)
    r = rng.random(W) * total
    choice = np.minimum((cum <= r[:, None]).sum(axis=1), M - 1)
    choice[total <= 0] = -1
    return choice
