"""Route awareness by word of mouth: who knows which crossing (DESIGN step 4, mechanisms note (a)).

Migrants of an origin group ``g`` know a segment ``e`` only as well as word of mouth lets them.
Awareness ``A[g, e]`` (0-1, the share of the group that would consider ``e``) follows a Bass (1969)
adoption hazard fed by the recent onward passages of co-nationals, and decays without them:

.. math::

    s[g, e] &\\leftarrow s + w_s (x[g, e] - s), \\quad w_s = 1 - 2^{-1/h_s}

    F[g, e] &= s[g, e] / \\textstyle\\sum_{e' \\in r(e)} s[g, e']

    \\lambda &= p (1 + a \\cdot \\mathrm{advertised}[e]) + q F[g, e]

    A &\\leftarrow A + (1 - A)(1 - e^{-\\lambda}) - A (1 - 2^{-1/h_A})

with ``x`` the persons of group ``g`` who passed ``e`` today (onward passages only: returns and
deaths do not count), ``r(e)`` the segments leaving the same market region as ``e``, ``p`` the
innovation rate, ``a`` the advert factor (an enterprise at the segment's source sells it), ``q`` the
imitation rate, ``h_s`` the word-of-mouth memory and ``h_A`` the forgetting half-life (days). A hub's
reputation ``R[m]`` gives information ``I[m, e] = strength * R[m]`` on the segments within one link of
it, and the choice sees ``Aeff = 1 - (1 - A)(1 - I)``: an option perceived with probability ``Aeff``
enters a logit as ``utility + ln Aeff`` (implicit availability, Cascetta 2009, sec. 3.5).

Everything is fed by persons or shares, never agent counts, so ``persons_per_agent`` does not change
the curves. With ``F`` equal to ``A`` (the aware take the new crossing) the uptake is the Bass curve,
whose adoption peaks at ``T* = ln(q/p) / (p + q)`` days, when ``A`` is about one half.

Pure functions of numpy arrays; the model holds the state ``s`` (G, E) and ``A`` (G, E).

Sources: Bass 1969 (Management Science 15:215-227); Hinsch and Bijak 2019, 2023 (Routes and Rumours:
knowledge of links spreads by contact and exploration); Flee's awareness levels (Suleimenova et al.
2017); Cascetta 2009, *Transportation Systems Analysis*, sec. 3.5.

Parameters (defaults, prior ranges, units and sources): :class:`sim.parameters.AwarenessParameters`; its
``enabled`` field is the mechanism's ablation switch. The kernels take plain numbers, so the module
does not import the parameter table.

Examples
--------
One group, one region with an old crossing (0, everyone knows it) and a new one (1, nobody yet):

>>> import numpy as np
>>> A = np.array([[1.0, 0.0]])
>>> F = regional_share(np.array([[10.0, 0.0]]), region_of_edge=np.array([0, 0]), n_regions=1)
>>> A = awareness_step(A, F, advertised=np.array([False, True]), innovation_per_day=1e-3,
...                    imitation_per_day=0.02, advert_factor=1.0, forgetting_halflife_days=365.0)
>>> A.round(5).tolist()
[[0.9981, 0.002]]
>>> round(bass_half_time(1e-4, 0.01), 1)
456.0
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "RouteAwareness",
    "awareness_cost_eur",
    "awareness_step",
    "awareness_utility",
    "bass_half_time",
    "effective_awareness",
    "hub_information",
    "initial_awareness",
    "planning_information",
    "region_partition",
    "regional_share",
    "smooth_passages",
    "smoothing_weight",
]



def bass_half_time(innovation_per_day: float, imitation_per_day: float) -> float:
    """Time of peak adoption of the Bass model, ``ln(q/p) / (p + q)`` (days).

    At that time the adopted share is ``(1 - p/q) / 2``, about one half when ``q >> p``.

    Parameters
    ----------
    innovation_per_day, imitation_per_day : float
        ``p`` and ``q`` (1/day), both > 0.

    Returns
    -------
    float
        Days from a share of 0 to the peak of the adoption rate.

    Raises
    ------
    ValueError
        If ``p`` or ``q`` is not positive.

    Examples
    --------
    >>> round(bass_half_time(4e-4, 0.02))
    192
    """
    p, q = float(innovation_per_day), float(imitation_per_day)
    if p <= 0 or q <= 0:
        raise ValueError(f"bass_half_time needs p > 0 and q > 0, got p={p}, q={q}")
    return float(np.log(q / p) / (p + q))


def smoothing_weight(halflife_days: float) -> float:
    """Daily weight ``1 - 2**(-1/h)`` of an exponential smoother with half-life ``h`` days.

    Raises
    ------
    ValueError
        If ``halflife_days`` is not positive.

    Examples
    --------
    >>> smoothing_weight(1.0)
    0.5
    """
    if halflife_days <= 0:
        raise ValueError(f"half-life must be positive, got {halflife_days}")
    return float(1.0 - 0.5 ** (1.0 / halflife_days))


def smooth_passages(s: np.ndarray, persons_today: np.ndarray, memory_days: float) -> np.ndarray:
    """Smoothed onward passages per day: ``s + w (x - s)``, ``w = 1 - 2**(-1/memory_days)``.

    Parameters
    ----------
    s : ndarray of float, shape (G, E)
        Smoothed persons per day of group g passing segment e (the state).
    persons_today : ndarray of float, shape (G, E)
        Persons (not agents: multiply agent counts by ``persons_per_agent``) of group g who passed
        e today and went on (returns and deaths do not count).
    memory_days : float
        Half-life of the smoother (days).

    Returns
    -------
    ndarray of float, shape (G, E)
        The new ``s`` (a new array).

    Examples
    --------
    >>> smooth_passages(np.zeros((1, 2)), np.array([[4.0, 0.0]]), memory_days=1.0).tolist()
    [[2.0, 0.0]]
    """
    w = smoothing_weight(memory_days)
    return s + w * (np.asarray(persons_today, dtype=float) - s)


def regional_share(s: np.ndarray, region_of_edge: np.ndarray, n_regions: int) -> np.ndarray:
    """Share ``F[g, e]`` of group g's smoothed passages out of e's market region that took e.

    Parameters
    ----------
    s : ndarray of float, shape (G, E)
        Smoothed passages (persons per day).
    region_of_edge : ndarray of int, shape (E,)
        Market region of each segment's source, 0 <= r < ``n_regions`` (a node outside every
        market region is a region of its own); -1 leaves the segment out (its share is 0).
    n_regions : int
        Number of regions.

    Returns
    -------
    ndarray of float, shape (G, E)
        Shares in [0, 1]; 0 where the group passed nothing in the region.

    Examples
    --------
    >>> regional_share(np.array([[3.0, 1.0, 5.0]]), np.array([0, 0, 1]), 2).tolist()
    [[0.75, 0.25, 1.0]]
    """
    s = np.asarray(s, dtype=float)
    r = np.asarray(region_of_edge)
    keep = r >= 0
    G = s.shape[0]
    tot = np.zeros((G, n_regions))
    np.add.at(tot.T, r[keep], s[:, keep].T)
    denom = np.where(keep[None, :], tot[:, np.maximum(r, 0)], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        F = np.where(denom > 0, s / np.where(denom > 0, denom, 1.0), 0.0)
    return np.clip(F, 0.0, 1.0)


def awareness_step(
    A: np.ndarray,
    F: np.ndarray,
    advertised: np.ndarray,
    *,
    innovation_per_day: float,
    imitation_per_day: float,
    advert_factor: float,
    forgetting_halflife_days: float,
    dt_days: float = 1.0,
) -> np.ndarray:
    """One Bass-form update of awareness: uptake ``(1 - A)(1 - exp(-lam))``, forgetting ``A (1 - 2**(-dt/h))``.

    Parameters
    ----------
    A : ndarray of float, shape (G, E)
        Awareness (0-1).
    F : ndarray of float, shape (G, E)
        Share of co-nationals' recent regional passages that took the segment (:func:`regional_share`).
    advertised : ndarray of bool, shape (E,) or (G, E)
        An enterprise at the segment's source sells it.
    innovation_per_day, imitation_per_day : float
        ``p`` and ``q`` (1/day).
    advert_factor : float
        Innovation multiplier for advertised segments (``lam = p (1 + a adv) + q F``).
    forgetting_halflife_days : float
        Half-life of awareness without news (days).
    dt_days : float
        Length of the step (days).

    Returns
    -------
    ndarray of float, shape (G, E)
        New awareness, in [0, 1] (a convex combination of the old value and 1).

    Raises
    ------
    ValueError
        If the forgetting half-life is not positive.

    Examples
    --------
    Forgetting alone halves awareness in one half-life:

    >>> A = np.array([[0.8]])
    >>> for _ in range(10):
    ...     A = awareness_step(A, np.zeros((1, 1)), np.zeros(1, bool), innovation_per_day=0.0,
    ...                        imitation_per_day=0.0, advert_factor=0.0, forgetting_halflife_days=10.0)
    >>> round(float(A[0, 0]), 6)
    0.4
    """
    if forgetting_halflife_days <= 0:
        raise ValueError(f"forgetting half-life must be positive, got {forgetting_halflife_days}")
    A = np.asarray(A, dtype=float)
    adv = np.asarray(advertised, dtype=float)
    lam = innovation_per_day * (1.0 + advert_factor * adv) + imitation_per_day * np.asarray(F, dtype=float)
    gain = 1.0 - np.exp(-lam * dt_days)
    loss = 1.0 - 0.5 ** (dt_days / forgetting_halflife_days)
    return np.clip(A + (1.0 - A) * gain - A * loss, 0.0, 1.0)


def initial_awareness(used_persons: np.ndarray, initial: float) -> np.ndarray:
    """Awareness at the end of the burn-in: 1 where the group used the segment, else ``initial``.

    Parameters
    ----------
    used_persons : ndarray of float, shape (G, E)
        Persons of group g who passed e during the burn-in.
    initial : float
        Awareness of an unused segment (share).

    Returns
    -------
    ndarray of float, shape (G, E)

    Examples
    --------
    >>> initial_awareness(np.array([[5.0, 0.0]]), 0.01).tolist()
    [[1.0, 0.01]]
    """
    return np.where(np.asarray(used_persons) > 0, 1.0, float(initial))


def hub_information(
    reputation: np.ndarray,
    is_market: np.ndarray,
    src: np.ndarray,
    dst: np.ndarray,
    strength: float,
) -> np.ndarray:
    """Information ``I[m, e] = strength * R[m]`` a market hub gives on segments within one link of it.

    A segment is within one link of market ``m`` if it leaves ``m`` or leaves a node that a segment
    out of ``m`` reaches (the crossings beyond the departure point a hub feeds). Where several
    paths reach a segment the largest value counts.

    Parameters
    ----------
    reputation : ndarray of float, shape (N,)
        Hub reputation R (0-1) per node (ignored off markets).
    is_market : ndarray of bool, shape (N,)
    src, dst : ndarray of int, shape (E,)
        Segment endpoints.
    strength : float
        0-1.

    Returns
    -------
    ndarray of float, shape (N, E)
        ``I``, zero in rows of non-market nodes and for segments out of reach.

    Examples
    --------
    Market 0 feeds node 1, which has crossings 1->2 and 1->3; node 2 is not a market.

    >>> info = hub_information(np.array([0.5, 0.0, 0.9, 0.0]), np.array([True, False, False, False]),
    ...                     np.array([0, 1, 1]), np.array([1, 2, 3]), strength=0.4)
    >>> info.round(3).tolist()[0]
    [0.2, 0.2, 0.2]
    >>> float(info[2].sum())
    0.0
    """
    src = np.asarray(src)
    dst = np.asarray(dst)
    N, E = len(reputation), len(src)
    reach = np.zeros((N, E), dtype=bool)
    reach[src, np.arange(E)] = True  # segments leaving each node
    near = np.zeros((N, N), dtype=bool)
    near[src, dst] = True  # next nodes
    # one link further: segment e leaves a node that a segment out of m reaches, near[m, src[e]]
    # (the product near @ reach with reach[n, e] = (src[e] == n))
    reach = reach | near[:, src]
    val = strength * np.where(np.asarray(is_market, dtype=bool), np.clip(reputation, 0.0, 1.0), 0.0)
    return np.where(reach, val[:, None], 0.0)


def planning_information(info: np.ndarray) -> np.ndarray:
    """Information on each segment from the best-informed market (for costs-to-go planned from afar).

    Parameters
    ----------
    info : ndarray of float, shape (N, E)
        :func:`hub_information`.

    Returns
    -------
    ndarray of float, shape (E,)
        ``max_m I[m, e]``.
    """
    return info.max(axis=0) if info.size else np.zeros(info.shape[1])


def effective_awareness(A: np.ndarray, info: np.ndarray) -> np.ndarray:
    """``Aeff = 1 - (1 - A)(1 - I)``: known from co-nationals or from the hub (broadcasting).

    Examples
    --------
    >>> float(effective_awareness(np.array(0.5), np.array(0.2)))
    0.6
    """
    return 1.0 - (1.0 - np.asarray(A, dtype=float)) * (1.0 - np.asarray(info, dtype=float))


def awareness_utility(Aeff: np.ndarray, floor: float) -> np.ndarray:
    """Logit term ``ln(max(Aeff, floor))`` (implicit availability, Cascetta 2009, sec. 3.5).

    Examples
    --------
    >>> awareness_utility(np.array([1.0, 0.0]), 1e-6).round(3).tolist()
    [0.0, -13.816]
    """
    return np.log(np.maximum(np.asarray(Aeff, dtype=float), floor))


def awareness_cost_eur(Aeff: np.ndarray, cost_scale_eur: float, floor: float) -> np.ndarray:
    """The same term as an EUR-equivalent cost, ``-cost_scale_eur * ln(max(Aeff, floor))``.

    Added to a segment's generalised cost, it gives per-group costs-to-go ``W_g`` in which a
    little-known crossing looks as far as its logit weight says (the hard-minimum limit of the
    note's ``W_g(n) = -mu ln sum_e Aeff exp(-(c_e + W_g(head e)) / mu)``).

    Parameters
    ----------
    Aeff : ndarray of float, shape (G, E)
    cost_scale_eur : float
        Logit scale of the choice (EUR).
    floor : float

    Returns
    -------
    ndarray of float, shape (G, E)
        EUR, >= 0.

    Examples
    --------
    >>> awareness_cost_eur(np.array([1.0, np.exp(-1)]), 700.0, 1e-6).round(6).tolist()
    [-0.0, 700.0]
    """
    return -cost_scale_eur * awareness_utility(Aeff, floor)


def region_partition(region_sets: list[set[int]], n_nodes: int) -> np.ndarray:
    """Partition of the nodes into market regions: connected components of overlapping regions.

    Parameters
    ----------
    region_sets : list of set of int
        For each market node, the nodes of its region (``sim.agents.hub.Hub.region``, itself included).
    n_nodes : int

    Returns
    -------
    ndarray of int, shape (N,)
        Region index of each node; a node in no region is a region of its own.

    Examples
    --------
    >>> region_partition([{0, 1}, {1, 2}, {4}], 5).tolist()
    [0, 0, 0, 1, 2]
    """
    parent = list(range(n_nodes))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for nodes in region_sets:
        nodes = sorted(nodes)
        for b in nodes[1:]:
            ra, rb = find(nodes[0]), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    roots = [find(a) for a in range(n_nodes)]
    _, idx = np.unique(roots, return_inverse=True)
    return idx.astype(np.int64)


class RouteAwareness:
    """The state of route awareness in a model: ``A`` and ``s`` (G, E) and today's passages.

    Parameters
    ----------
    n_groups : int
        Origin groups G.
    aware : ndarray of bool, shape (E,)
        Segments subject to awareness (smuggled ones); the others are always known (A = 1).
    region_of_node : ndarray of int, shape (N,)
        Market region of each node (:func:`region_partition`).
    src : ndarray of int, shape (E,)
    params : sim.parameters.AwarenessParameters

    Attributes
    ----------
    A : ndarray of float, shape (G, E)
        Awareness, starting at ``params.initial`` on aware segments (the burn-in builds it up).
    s : ndarray of float, shape (G, E)
        Smoothed onward passages (persons per day).
    today : ndarray of float, shape (G, E)
        Today's onward passages (persons), cleared by :meth:`step`.
    used : ndarray of float, shape (G, E)
        Passages (persons) since the run began, for :meth:`end_burn_in`.
    """

    def __init__(self, n_groups: int, aware: np.ndarray, region_of_node: np.ndarray, src: np.ndarray, params):
        self.p = params
        self.aware = np.asarray(aware, dtype=bool)
        E = len(self.aware)
        self.region_of_edge = np.where(self.aware, np.asarray(region_of_node)[np.asarray(src)], -1)
        self.n_regions = int(np.max(region_of_node)) + 1 if len(region_of_node) else 0
        self.A = np.where(self.aware[None, :], float(params.initial), 1.0) * np.ones((n_groups, E))
        self.s = np.zeros((n_groups, E))
        self.today = np.zeros((n_groups, E))
        self.used = np.zeros((n_groups, E))

    def end_burn_in(self) -> None:
        """The note's start: ``A`` is 1 on the segments each group used in the burn-in, ``initial`` elsewhere.

        Called once, at the end of the burn-in (``awareness.burn_in_start``); :func:`initial_awareness` on the
        persons each group carried on each segment so far (:attr:`used`). Segments not subject to
        awareness stay at 1.
        """
        self.A = np.where(self.aware[None, :], initial_awareness(self.used, self.p.initial), 1.0)

    def record(self, group: np.ndarray, edge: np.ndarray, persons: float) -> None:
        """Add onward passages: one agent of ``persons`` persons per element (group, edge)."""
        np.add.at(self.today, (group, edge), persons)
        np.add.at(self.used, (group, edge), persons)

    def step(self, advertised: np.ndarray) -> None:
        """One day: smooth the passages, update ``A`` on aware segments (:func:`awareness_step`)."""
        p = self.p
        self.s = smooth_passages(self.s, self.today, p.wom_memory_days)
        self.today[:] = 0.0
        F = regional_share(self.s, self.region_of_edge, self.n_regions)
        new = awareness_step(self.A, F, advertised, innovation_per_day=p.innovation_per_day,
                             imitation_per_day=p.imitation_per_day, advert_factor=p.advert_factor,
                             forgetting_halflife_days=p.forgetting_halflife_days)
        self.A = np.where(self.aware[None, :], new, 1.0)

    def planning_cost_eur(self, info: np.ndarray, cost_scale_eur: float) -> np.ndarray:
        """Per-group extra cost (G, E) of little-known segments for the costs-to-go (:func:`awareness_cost_eur`)."""
        return awareness_cost_eur(effective_awareness(self.A, planning_information(info)[None, :]),
                                  cost_scale_eur, self.p.utility_floor)
