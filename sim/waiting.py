"""Waiting at hubs for better conditions: a reference-dependent decision to take part in the market.

A migrant at a hub (a node of kind ``hub``: a city where people can stay and work, such as Istanbul)
compares what the journey on from here is worth today with what its origin group has come to expect
of it. Today's value is the group's utility-to-go ``V[g, n, d]`` (logit units: minus the perceived
cost-to-go over ``choice.cost_scale_eur``, plus hub reputation ahead; :meth:`SmugglingModel._replan`).
The expectation ``R[g, n, d]`` is a slow average of ``V`` with half-life
``waiting.expectation_halflife_days``: the word of mouth about what the way on from a hub costs, which
follows a change only slowly. During the burn-in it equals ``V`` (the groups' experience of the
conditions the run starts from). A migrant with tolerance ``t`` (EUR, drawn at departure, gamma with mean
``waiting.tolerance_eur`` and shape ``waiting.tolerance_shape``) stays out of today's market when

    V[g, n, d] < R[g, n, d] - (t + w * time_value_eur_per_day) / cost_scale_eur,

and waits (``vulnerability.max_wait_days`` still sends it home). Waiting has its daily cost: with the
break-even rule (``waiting.break_even``, :func:`tolerance_today`) ``w`` is the days the migrant has waited
at its node and ``time_value_eur_per_day`` is ``choice.time_value_eur_per_day`` (EUR/day), so it stops
waiting once the wait has cost what it waits out; without it ``w`` counts as 0. After a closure the expectation falls towards the new value; each
waiting migrant goes on once the gap has shrunk below its tolerance of the day, so the flow resumes over
months rather than at once. Departure points, transit nodes and
origins are not hubs: there a migrant always takes part, unless the node is also of kind hub (the
model tests ``"hub" in kinds``). A migrant who has not left its origin never waits, even at a
``hub;origin`` node such as Cairo; and held-back migrants are left out of the queue that enterprise
entry and spin-offs read (both in :class:`sim.model.SmugglingModel`).

Anchors: the reference point of prospect theory (Kahneman and Tversky 1979, Econometrica 47:263-291);
fragmented journeys and transit stays of months to years (Collyer 2007, Antipode 39:668-690;
Icduygu 2005, transit migration in Turkey; Brekke and Brochmann 2015, J. Refugee Studies 28:145-162,
"stuck in transit"); mechanisms note (a): "waiting stays an option at its daily cost" and "most lost
Evros flow never reappeared (Eastern Med 37,224 in 2012, 24,798 in 2013): migrants without a known
option must wait, not all go home".

Parameters (defaults, prior ranges, units and sources): :class:`sim.parameters.WaitingParameters`.
Pure functions of arrays; no model.

Examples
--------
The expectation follows a fall in value with the half-life; a migrant with a tolerance of 1 logit
unit waits while the gap is wider than that.

>>> import numpy as np
>>> R = np.array([0.0]); V = np.array([-3.0])
>>> R = update_expectation(R, V, days=30.0, halflife_days=30.0)
>>> float(R[0])
-1.5
>>> bool(defer(V, R, tolerance=np.array([1.0]))[0])
True
"""

from __future__ import annotations

import numpy as np

__all__ = ["defer", "draw_tolerance_eur", "group_values", "held_back", "split_held_back", "tolerance_today",
           "update_expectation"]


def update_expectation(R: np.ndarray | None, V: np.ndarray, days: float, halflife_days: float) -> np.ndarray:
    """Move the expectation ``R`` towards today's value ``V`` over ``days`` (exponential smoothing).

    Parameters
    ----------
    R : ndarray of float, shape (G, N, D), or None
        The expectation so far (logit units); None starts it at ``V``.
    V : ndarray of float, shape (G, N, D)
        Today's utility-to-go (logit units); ``-inf`` where a destination cannot be reached.
    days : float
        Days since the last update (>= 0).
    halflife_days : float
        Half-life of the expectation (days, > 0).

    Returns
    -------
    ndarray of float, shape (G, N, D)
        ``V + (R - V) * 0.5 ** (days / halflife_days)``; ``V`` where either is not finite (a way
        that opens or closes altogether is known at once).
    """
    V = np.asarray(V, dtype=float)
    if R is None:
        return V.copy()
    keep = 0.5 ** (float(days) / float(halflife_days))
    both = np.isfinite(R) & np.isfinite(V)
    with np.errstate(invalid="ignore"):
        out = np.where(both, V + (R - V) * keep, V)
    return out


def defer(V: np.ndarray, R: np.ndarray, tolerance: np.ndarray) -> np.ndarray:
    """Which migrants stay out of today's market: today's value below expectation minus tolerance.

    Parameters
    ----------
    V, R : ndarray of float, shape (W,)
        Each migrant's utility-to-go today and its group's expectation of it, at its node and for its
        destination (logit units).
    tolerance : ndarray of float, shape (W,)
        Each migrant's tolerance (logit units, >= 0).

    Returns
    -------
    ndarray of bool, shape (W,)
        True where the migrant waits; False where either value is not finite.
    """
    ok = np.isfinite(V) & np.isfinite(R)
    out = np.zeros(len(V), dtype=bool)
    out[ok] = V[ok] < R[ok] - tolerance[ok]
    return out


def group_values(Jr_group: np.ndarray | None, Jr: np.ndarray, n_groups: int) -> np.ndarray:
    """Each origin group's utility-to-go: its own (route awareness on) or the shared one for all.

    Parameters
    ----------
    Jr_group : ndarray of float, shape (G, N, D), or None
        Per-group utility-to-go (logit units), None when route awareness is off.
    Jr : ndarray of float, shape (N, D)
        The shared utility-to-go (logit units).
    n_groups : int
        G.

    Returns
    -------
    ndarray of float, shape (G, N, D)
        ``Jr_group``, or a read-only broadcast of ``Jr``.
    """
    return Jr_group if Jr_group is not None else np.broadcast_to(Jr, (n_groups,) + Jr.shape)


def held_back(value: np.ndarray, expectation: np.ndarray, is_hub: np.ndarray, group: np.ndarray, node: np.ndarray,
              destination: np.ndarray, tolerance: np.ndarray) -> np.ndarray:
    """Which of W waiting migrants stay out of today's market: at a hub, and :func:`defer` says so.

    Parameters
    ----------
    value, expectation : ndarray of float, shape (G, N, D)
        Groups' utility-to-go today (:func:`group_values`) and their expectation of it (logit units).
    is_hub : ndarray of bool, shape (N,)
        Nodes of kind ``hub``.
    group, node, destination : ndarray of int, shape (W,)
        Each migrant's origin group, node and destination index.
    tolerance : ndarray of float, shape (W,)
        Each migrant's tolerance (logit units).

    Returns
    -------
    ndarray of bool, shape (W,)
    """
    return is_hub[node] & defer(value[group, node, destination], expectation[group, node, destination], tolerance)


def split_held_back(ids: np.ndarray, value: np.ndarray, expectation: np.ndarray, is_hub: np.ndarray,
                    group: np.ndarray, node: np.ndarray, destination: np.ndarray, tolerance: np.ndarray,
                    has_left: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Today's waiting migrants split into those held back (:func:`held_back`) and those who take part.

    Only a migrant who has left its origin can be held back: at an origin that is also a hub, one
    who has not left yet always takes part.

    Parameters
    ----------
    ids : ndarray of int, shape (W,)
        The waiting migrants (agent indices).
    value, expectation, is_hub, group, node, destination, tolerance
        As in :func:`held_back`.
    has_left : ndarray of bool, shape (W,)
        The migrant has left its origin (its state is not ``AT_ORIGIN``).

    Returns
    -------
    held : ndarray of int
        Migrants who stay out of today's market, in the order of ``ids``.
    taking_part : ndarray of int
        The others, in the order of ``ids``.

    Examples
    --------
    >>> V = np.zeros((1, 2, 1)); R = np.full((1, 2, 1), 5.0)
    >>> held, rest = split_held_back(np.array([7, 8, 9]), V, R, np.array([True, False]), np.zeros(3, int),
    ...                              np.array([0, 0, 1]), np.zeros(3, int), np.ones(3), np.array([True, False, True]))
    >>> held.tolist(), rest.tolist()
    ([7], [8, 9])
    """
    wait = held_back(value, expectation, is_hub, group, node, destination, tolerance) & has_left
    return ids[wait], ids[~wait]


def tolerance_today(tolerance_eur: np.ndarray, days_waited: np.ndarray, time_value_eur_per_day: float,
                    cost_scale_eur: float, break_even: bool = True) -> np.ndarray:
    """Each waiting migrant's tolerance today (logit units): its own, plus what its wait has cost so far.

    With the break-even rule a migrant who has waited ``w`` days at its node tolerates a way on that much
    dearer than expected by its own tolerance plus ``w`` days of waiting at ``choice.time_value_eur_per_day``:
    it stops waiting once what the wait has cost equals the shortfall it waits out. This is the break-even
    rule of the ski-rental problem, the best deterministic strategy when one does not know how long a bad
    spell lasts (Karlin, Manasse, Rudolph and Sleator 1988, Algorithmica 3:79-119): it never pays more than
    twice what foresight would. Without it (``waiting.break_even`` false, the ablation) the tolerance is
    fixed, and a group whose way on has become dearer than its tolerance waits until its expectation
    has followed the value down.

    Parameters
    ----------
    tolerance_eur : ndarray of float, shape (W,)
        Each migrant's own tolerance (EUR-equivalent, drawn at departure).
    days_waited : ndarray of int, shape (W,)
        Days each has waited at its node (>= 0).
    time_value_eur_per_day : float
        EUR-equivalent cost of one day waiting (``choice.time_value_eur_per_day``).
    cost_scale_eur : float
        The logit scale (EUR, > 0).
    break_even : bool
        Add the cost of the wait so far (the rule); False leaves the tolerance fixed.

    Returns
    -------
    ndarray of float, shape (W,)
        Tolerance in logit units.

    Examples
    --------
    >>> tolerance_today(np.array([500.0, 500.0]), np.array([0, 100]), 15.0, 1000.0).tolist()
    [0.5, 2.0]
    >>> tolerance_today(np.array([500.0]), np.array([100]), 15.0, 1000.0, break_even=False).tolist()
    [0.5]
    """
    t = np.asarray(tolerance_eur, dtype=float)
    if break_even:
        t = t + float(time_value_eur_per_day) * np.maximum(np.asarray(days_waited, dtype=float), 0.0)
    return t / float(cost_scale_eur)


def draw_tolerance_eur(n: int, mean_eur: float, shape: float, rng: np.random.Generator) -> np.ndarray:
    """Tolerances of ``n`` new migrants: gamma with mean ``mean_eur`` and shape ``shape`` (EUR).

    Parameters
    ----------
    n : int
    mean_eur : float
        Mean tolerance (EUR-equivalent, >= 0).
    shape : float
        Gamma shape (> 0; 1 is exponential, larger is less spread).
    rng : numpy.random.Generator
        The model's generator.

    Returns
    -------
    ndarray of float, shape (n,)
    """
    return rng.gamma(shape, mean_eur / shape, n)
