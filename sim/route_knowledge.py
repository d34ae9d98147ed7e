"""Corridor knowledge: the way beyond the next segment is known as a whole (issue 9, a rule on trial).

Route awareness (``sim/awareness.py``) gives each origin group ``g`` an effective awareness ``Aeff[g, e]``
of each segment. Until this rule, the group's plan (its costs-to-go) charged every little-known segment on
a way ``-mu ln Aeff`` (``mu`` the logit scale, EUR): the chance of knowing a way was the *product* of the
chances of knowing its segments, as if each segment were heard of independently. A way of five segments
each known to a third of the group then costs ``5 mu ln 3``, and a long way through Greece and the Balkans
loses to a one-segment cargo ship the group hardly knows (docs/experiments.md, "Stop 32").

Word of mouth tells of routes ("from Istanbul to Edirne, across the river, then to Athens"), so what a
group knows of a way is correlated along it. This rule takes the other limit, perfect correlation: a way is
known as well as its least-known segment, and its planning cost is ``mu max_e (-ln Aeff[g, e])`` (the
bottleneck) instead of the sum. The choice at a node still weighs the option itself by its own
``ln Aeff`` (``sim.market``), so the market sees *the next segment, plus the least-known segment beyond it*.

The bottleneck of the cheapest way is not a shortest-path problem; it is computed exactly up to a grid of
awareness levels: for each level ``t_k`` (logit units) the shortest ways over the segments with
``-ln Aeff <= t_k`` are found, and

.. math::

    W_g(n) = \\min_k \\left( J_{g,k}(n) + \\mu t_k \\right),

which rounds each way's bottleneck up to the next level of :data:`LEVELS` (an overestimate of at most one
grid step); the least costs come from :func:`sim.choice.group_costs_to_go` (the product rule's solver at
a vanishing logit scale), once per distinct column of costs. Between the two limits,
``awareness.corridor_correlation`` rho charges a way ``mu (rho max_e u_e + (1 - rho) sum_e u_e)``
(``u = -ln Aeff``), computed on the same grid with the segments' own ``(1 - rho) mu u`` added to their
costs. Pure functions of numpy arrays; the model calls :func:`group_plan_costs_to_go` at each replan,
which keeps the product rule's code at rho = 0.

Sources: the product rule is the hard-minimum limit of the mechanisms note's
``W_g(n) = -mu ln sum_e Aeff exp(-(c_e + W_g(head e)) / mu)`` (Cascetta 2009, sec. 3.5, implicit
availability); knowledge that travels in bundles: in Routes and Rumours (Hinsch and Bijak 2023) agents who
meet exchange what they know of many links at once, so what a group knows of the links of one way is
correlated. The perfect-correlation limit is an assumption of this rule (no estimate exists).
"""

from __future__ import annotations

import numpy as np

from sim.choice import group_costs_to_go

__all__ = ["LEVELS", "corridor_costs_to_go", "group_plan_costs_to_go"]

#: Awareness levels of the grid (``Aeff``; the last is replaced by the utility floor, which admits every
#: segment). A numerical grid, not a model number: finer levels change the bottleneck by less than one step.
LEVELS: tuple[float, ...] = (1.0, 0.8, 0.6, 0.45, 0.3, 0.2, 0.1, 0.05, 0.02, 0.01, 0.003, 1e-3, 1e-4, 0.0)


def corridor_costs_to_go(src: np.ndarray, dst: np.ndarray, cost: np.ndarray, unknown: np.ndarray,
                         cost_scale_eur: float, utility_floor: float, n_nodes: int,
                         destinations: np.ndarray, correlation: float = 1.0) -> np.ndarray:
    """Each group's cost-to-go with a way's awareness cost (partly) that of its least-known segment.

    A way's awareness cost is ``mu (rho max_e u_e + (1 - rho) sum_e u_e)``, ``u = -ln Aeff`` and ``rho``
    the correlation of knowledge along the way: 1, a corridor (the bottleneck); 0, independent segments
    (the product rule, :func:`sim.choice.group_costs_to_go` with the awareness cost as extra).

    Parameters
    ----------
    src, dst : ndarray of int, shape (E,)
    cost : ndarray of float, shape (E,)
        Edge cost shared by all groups (EUR-equivalent, ``inf``: closed).
    unknown : ndarray of float, shape (G, E)
        ``-ln max(Aeff, utility_floor)`` of each group and segment (logit units, >= 0).
    cost_scale_eur : float
        Logit scale mu (EUR per logit unit).
    utility_floor : float
        Floor of Aeff; the last level of the grid, which admits every segment.
    n_nodes : int
    destinations : ndarray of int, shape (D,)
    correlation : float, default 1
        rho in [0, 1].

    Returns
    -------
    ndarray of float, shape (G, N, D)
        ``min_k (J_{g,k} + rho mu t_k)``, ``J_{g,k}`` the least cost over the segments with
        ``u <= t_k`` of ``cost + (1 - rho) mu u`` (EUR-equivalent); ``inf`` where a destination cannot be
        reached.

    Raises
    ------
    ValueError
        If ``correlation`` is outside [0, 1].

    Examples
    --------
    Two ways from node 0 to 2: two segments each known to a third of the group, or one known to a
    tenth. With the product rule the first is charged ``2 mu ln 3`` (2.20 mu), nearly the second's
    ``mu ln 10`` (2.30 mu); as a corridor it is charged ``mu ln 3``, rounded up to the grid's 0.3.

    >>> src = np.array([0, 1, 0]); dst = np.array([1, 2, 2])
    >>> unknown = -np.log(np.array([[1 / 3, 1 / 3, 0.1]]))
    >>> W = corridor_costs_to_go(src, dst, np.array([100.0, 100.0, 100.0]), unknown, 1000.0, 1e-6, 3,
    ...                          np.array([2]))
    >>> round(float(W[0, 0, 0]), 1), round(200 + 1000 * float(-np.log(0.3)), 1)
    (1404.0, 1404.0)
    """
    if not 0.0 <= correlation <= 1.0:
        raise ValueError(f"corridor_costs_to_go: correlation must be in [0, 1], got {correlation}")
    unknown = np.asarray(unknown, dtype=float)
    t = -np.log(np.maximum(np.array(LEVELS, dtype=float), utility_floor))  # (K,) ascending
    t[-1] = max(t[-1], float(unknown.max(initial=0.0)))
    G, E = unknown.shape
    allowed = unknown[:, None, :] <= t[None, :, None] + 1e-12  # (G, K, E)
    each = np.asarray(cost, dtype=float)[None, :] + (1.0 - correlation) * cost_scale_eur * unknown  # (G, E)
    cols = np.where(allowed, each[:, None, :], np.inf).reshape(G * len(t), E)
    # many (group, level) pairs have the same costs: solve each column once
    # (each distinct column is one "group" of the product rule's solver, with no shared cost)
    sets, which = np.unique(cols, axis=0, return_inverse=True)
    J = group_costs_to_go(src, dst, np.zeros(E), sets, n_nodes, destinations, scale=1e-6)[which.ravel()]
    J = J.reshape(G, len(t), n_nodes, len(destinations)) + correlation * cost_scale_eur * t[None, :, None, None]
    return J.min(axis=1)


def group_plan_costs_to_go(src: np.ndarray, dst: np.ndarray, cost: np.ndarray, awareness_cost_eur: np.ndarray,
                           cost_scale_eur: float, utility_floor: float, n_nodes: int, destinations: np.ndarray,
                           correlation: float) -> np.ndarray:
    """Each group's costs-to-go with awareness's planning cost, by the rule ``correlation`` selects.

    At rho = 0 the product rule: each segment's ``awareness_cost_eur`` added to its cost
    (:func:`sim.choice.group_costs_to_go`, the rule before stop 33, bit for bit); above 0
    :func:`corridor_costs_to_go`.

    Parameters
    ----------
    src, dst : ndarray of int, shape (E,)
    cost : ndarray of float, shape (E,)
        Shared edge cost (EUR-equivalent).
    awareness_cost_eur : ndarray of float, shape (G, E)
        ``-cost_scale_eur ln max(Aeff, utility_floor)`` (:func:`sim.awareness.awareness_cost_eur`), EUR.
    cost_scale_eur, utility_floor : float
    n_nodes : int
    destinations : ndarray of int, shape (D,)
    correlation : float
        rho in [0, 1] (``awareness.corridor_correlation``).

    Returns
    -------
    ndarray of float, shape (G, N, D)
        EUR-equivalent; ``inf`` where a destination cannot be reached.
    """
    if correlation == 0:
        return group_costs_to_go(src, dst, cost, awareness_cost_eur, n_nodes, destinations, scale=1e-6)
    return corridor_costs_to_go(src, dst, cost, awareness_cost_eur / cost_scale_eur, cost_scale_eur, utility_floor,
                                n_nodes, destinations, correlation=correlation)
