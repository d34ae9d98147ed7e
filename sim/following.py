"""Following co-nationals: cumulative causation in the next-segment choice (issue 9, item 5).

Each option's utility gets a term for the share of one's origin group who recently went on from the
same node by that segment:

.. math::

    u_{\\mathrm{follow}}[g, e] = w \\, \\frac{s[g, e]}{\\sum_{e' : \\mathrm{src}(e') = \\mathrm{src}(e)} s[g, e']}

the sum over the segments out of the same node that lead on (a retreat, the way back for those who failed
or waited long, is nobody's example to follow: it gets no term and its passages are not in the sum), and
``s`` the smoothed onward passages of route awareness (:class:`sim.awareness.RouteAwareness`,
persons per day, half-life ``awareness.wom_memory_days``) and ``w`` ``awareness.following_weight``
(logit units per unit share; 0 is the ablation). Awareness decides whether an option is known at all;
this term makes the way most of one's co-nationals took from here the more attractive one (a herd or
network effect), so a dominant crossing keeps its customers for a while after it becomes worse, and a
new one gains them only as co-nationals succeed there. With two equal options the shares lock in on one
of them once ``w > 2`` (the slope of the logit at an even split is ``w / 2``).

Sources: Massey 1990 (Population Index 56:3-26: cumulative causation); Epstein 2008 (Journal of Ethnic
and Migration Studies 34:567-583: herd and network effects in migrants' decisions); Bauer, Epstein and
Gang 2007 (Research in Labor Economics 26:199-229); issue 9, item 5. No estimate of ``w`` for route
choice exists: its range is an assumption.

Examples
--------
At node 0, three quarters of the group went on by segment 0, one quarter by segment 1; segment 2 leaves
node 1:

>>> import numpy as np
>>> following_utility(np.array([[3.0, 1.0, 5.0]]), src=np.array([0, 0, 1]), n_nodes=2, weight=2.0).tolist()
[[1.5, 0.5, 2.0]]

Segment 1 is the way back from node 0: it gets nothing, and segment 0 has all of node 0's share:

>>> following_utility(np.array([[3.0, 1.0, 5.0]]), src=np.array([0, 0, 1]), n_nodes=2, weight=2.0,
...                   retreat=np.array([False, True, False])).tolist()
[[2.0, 0.0, 2.0]]
"""

from __future__ import annotations

import numpy as np

from sim.awareness import regional_share

__all__ = ["following_utility"]


def following_utility(s: np.ndarray, src: np.ndarray, n_nodes: int, weight: float,
                      retreat: np.ndarray | None = None) -> np.ndarray:
    """Utility ``w * share`` of each segment for each group (logit units).

    Parameters
    ----------
    s : ndarray of float, shape (G, E)
        Smoothed onward passages of group g on segment e (persons per day).
    src : ndarray of int, shape (E,)
        Source node of each segment.
    n_nodes : int
    weight : float
        ``w`` (logit units per unit share), non-negative.
    retreat : ndarray of bool, shape (E,), optional
        Retreat segments (:attr:`sim.network.RouteNetwork.is_retreat`): left out of the shares, term 0.

    Returns
    -------
    ndarray of float, shape (G, E)
        In ``[0, w]``; 0 where the group passed nothing from the segment's source, and on retreats.

    Raises
    ------
    ValueError
        If ``weight`` is negative.
    """
    if weight < 0:
        raise ValueError(f"following weight must be >= 0, got {weight}")
    region = np.asarray(src)
    if retreat is not None:
        region = np.where(np.asarray(retreat, dtype=bool), -1, region)
    return weight * regional_share(s, region, n_nodes)
