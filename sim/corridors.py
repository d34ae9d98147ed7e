"""Corridors and the path-size term of the next-segment choice (stop 28; ``choice.path_size_weight``).

The market's logit over the segments leaving a node gives each segment one option's weight, so at equal
utility a route with four departure points (the Aegean from Istanbul) draws four times what a route with one
(the Evros) draws. A segment's *corridor* towards a destination is the (route, type) label of the first
EU-entry crossing on it or on the cheapest way on (:func:`corridor_keys`); the path-size term ``-w ln m``
(:func:`path_size_utility`), m the segments of one corridor at the node, lets them share one option's
weight (the path-size logit, Ben-Akiva and Bierlaire 1999). Pure functions of arrays; the model computes the
term at each replan and the market adds it to each option's utility.
"""

from __future__ import annotations

import numpy as np

__all__ = ["corridor_keys", "path_size_utility"]



def corridor_keys(src: np.ndarray, dst: np.ndarray, cost: np.ndarray, J: np.ndarray, label: np.ndarray,
                  usable: np.ndarray, destinations: np.ndarray, max_steps: int = 64) -> np.ndarray:
    """Each segment's corridor towards each destination: the label of the first EU-entry crossing on it.

    The corridor of segment ``e`` towards destination ``d`` is ``label[e]`` if ``e`` is itself labelled,
    else the label of the first labelled segment on the cheapest way on from ``e``'s end to ``d`` (the
    segment minimising ``cost[e'] + J[dst[e'], d]`` at each node, among ``usable`` segments).

    Parameters
    ----------
    src, dst : ndarray of int, shape (E,)
    cost : ndarray of float, shape (E,)
        Generalised cost of each segment (EUR; ``inf``: closed).
    J : ndarray of float, shape (N, D)
        Cost-to-go (EUR).
    label : ndarray of int, shape (E,)
        Index of the segment's (route, type) label, -1 if none.
    usable : ndarray of bool, shape (E,)
        Segments the cheapest way on may use (the model passes the non-retreat ones).
    destinations : ndarray of int, shape (D,)
        Node of each destination: the way on ends there (a destination with segments out of it is not
        left again).
    max_steps : int
        Bound on the number of segments followed (longer than any cheapest path of the graph).

    Returns
    -------
    ndarray of int, shape (E, D)
        The corridor's label index, -1 where no labelled segment lies ahead or ``d`` cannot be reached.

    Examples
    --------
    From node 0: two ways to node 1 and on to destination 3 through the crossing 1->3 (label 0), and one
    way through the crossing 2->3 (label 1).

    >>> src = np.array([0, 0, 0, 1, 2]); dst = np.array([1, 1, 2, 3, 3])
    >>> cost = np.array([10.0, 20.0, 10.0, 100.0, 150.0])
    >>> J = np.array([[110.0], [100.0], [150.0], [0.0]])
    >>> corridor_keys(src, dst, cost, J, np.array([-1, -1, -1, 0, 1]), np.ones(5, bool), np.array([3]))[:, 0].tolist()
    [0, 0, 1, 0, 1]
    """
    src, dst, label = np.asarray(src), np.asarray(dst), np.asarray(label)
    N, D = J.shape
    E = len(src)
    best = np.full((N, D), np.inf)
    succ = np.full((N, D), -1, dtype=np.int64)
    for e in np.flatnonzero(np.asarray(usable) & np.isfinite(cost)):
        v = cost[e] + J[dst[e]]
        better = v < best[src[e]]
        best[src[e]] = np.where(better, v, best[src[e]])
        succ[src[e]] = np.where(better, e, succ[src[e]])
    succ[np.asarray(destinations), np.arange(D)] = -1  # the way on stops at the destination
    cols = np.arange(D)[None, :]
    has = succ >= 0
    s = np.where(has, succ, 0)
    lab_s = np.where(has, label[s], -1)
    nxt = np.where(has, dst[s], 0)
    ahead = np.full((N, D), -1, dtype=np.int64)  # label of the first labelled segment from each node on
    for _ in range(max_steps):
        new = np.where(lab_s >= 0, lab_s, np.where(has, ahead[nxt, cols], -1))
        if np.array_equal(new, ahead):
            break
        ahead = new
    keys = np.where(label[:, None] >= 0, label[:, None], ahead[dst])
    return np.where(np.isfinite(J[dst]) & np.isfinite(np.asarray(cost))[:, None], keys, -1).reshape(E, D)


def path_size_utility(src: np.ndarray, keys: np.ndarray, weight: float) -> np.ndarray:
    """The path-size term of the choice between next segments: ``-weight ln m``.

    ``m`` is the number of segments leaving the same node in the same corridor towards the same
    destination (:func:`corridor_keys`); a segment without a corridor (-1) counts alone. With weight 1 the
    segments of one corridor share the weight of one option in the logit (the path-size logit of
    Ben-Akiva and Bierlaire 1999, with the corridor as the shared part): four Aegean departure points
    no longer draw four times what one land crossing draws at equal utility.

    Parameters
    ----------
    src : ndarray of int, shape (E,)
    keys : ndarray of int, shape (E, D)
    weight : float
        The path-size weight (logit units per unit of ln m, >= 0).

    Returns
    -------
    ndarray of float, shape (E, D)
        Utility (logit units) to add to an option on each segment, for each destination.

    Examples
    --------
    >>> keys = np.array([[0], [0], [1], [-1]])
    >>> path_size_utility(np.array([0, 0, 0, 0]), keys, 1.0)[:, 0].round(4).tolist()
    [-0.6931, -0.6931, -0.0, -0.0]
    """
    src = np.asarray(src)
    E, D = keys.shape
    m = np.ones((E, D))
    for n in np.unique(src):
        out = np.flatnonzero(src == n)
        if len(out) < 2:
            continue
        k = keys[out]  # (o, D)
        same = (k[:, None, :] == k[None, :, :]) & (k[:, None, :] >= 0)  # (o, o, D)
        m[out] = np.maximum(same.sum(axis=1), 1)
    return -float(weight) * np.log(m)
