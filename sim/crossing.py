"""Group crossing outcomes (DESIGN section 3, step 5).

A crossing is drawn per group (a boat, a truck, a convoy): the whole group is *prevented* on the
non-EU side or not; the group has a fatal *incident* or not, and then a share of it dies. On a
labelled EU-entry edge each surviving person is *detected* or not (survivors of a sea incident are
rescued, hence detected), and a detected person is *returned* to the edge's non-EU side or goes on.
A detection is an event counted on the edge's Frontex route and type; an attempt that is detected,
returned and made again counts again.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> out = cross_groups(np.array([0, 0, 1]), p_prevent=np.array([1.0, 0.0]),
...                    p_incident=np.array([0.0, 0.0]), fatality_share=0.3, fatality_beta_a=2.0,
...                    p_detect=np.array([1.0, 1.0, 1.0]), p_return=np.zeros(3),
...                    rescue_detects=np.zeros(3, dtype=bool), rng=rng)
>>> out.prevented.tolist(), out.detected.tolist()
([True, True, False], [False, False, True])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CrossingOutcome", "cross_groups", "departure_groups", "detection_probability", "effort_probability",
           "form_groups", "word_of_mouth"]


@dataclass(frozen=True)
class CrossingOutcome:
    """Per-mover outcome arrays, each of shape (M,) and dtype bool.

    ``prevented``: stopped on the non-EU side (no detection). ``died``: died in an incident.
    ``detected``: detected on the EU side (one detection event). ``returned``: detected and sent back
    to the edge's source. ``passed``: reached the edge's target (detected or not). Exactly one of
    prevented, died, returned, passed is true for each mover.
    """

    prevented: np.ndarray
    died: np.ndarray
    detected: np.ndarray
    returned: np.ndarray
    passed: np.ndarray


def effort_probability(effort: np.ndarray | float, k: float) -> np.ndarray:
    """Probability ``1 - exp(-k * effort)`` of an enforcement effort.

    Parameters
    ----------
    effort : ndarray or float
        Effort (dimensionless, >= 0).
    k : float
        Effectiveness per unit of effort.

    Returns
    -------
    ndarray of float in [0, 1)

    Examples
    --------
    >>> round(float(effort_probability(1.0, np.log(2))), 6)
    0.5
    """
    return 1.0 - np.exp(-k * np.asarray(effort, dtype=float))


def detection_probability(base: np.ndarray | float, effort: np.ndarray | float, k: float) -> np.ndarray:
    """EU-side detection probability: ``1 - (1 - base) * exp(-k * effort)``.

    Examples
    --------
    >>> float(detection_probability(0.5, 0.0, 1.0))
    0.5
    """
    return 1.0 - (1.0 - np.asarray(base, dtype=float)) * np.exp(-k * np.asarray(effort, dtype=float))


def cross_groups(
    group: np.ndarray,
    *,
    p_prevent: np.ndarray,
    p_incident: np.ndarray,
    fatality_share: float,
    fatality_beta_a: float,
    p_detect: np.ndarray,
    p_return: np.ndarray,
    rescue_detects: np.ndarray,
    rng: np.random.Generator,
) -> CrossingOutcome:
    """Draw the crossing outcome of M movers in G groups.

    Parameters
    ----------
    group : ndarray of int, shape (M,)
        Group index (0..G-1) of each mover.
    p_prevent, p_incident : ndarray of float, shape (G,)
        Per group: probability of being prevented; probability of a fatal incident.
    fatality_share : float
        Mean share of a group that dies in an incident; the share is drawn per group from
        Beta(a, a * (1 - s) / s), whose mean is s.
    fatality_beta_a : float
        The first shape parameter a of that Beta distribution (its spread).
    p_detect, p_return : ndarray of float, shape (M,)
        Per mover: probability of detection on the EU side (0 on unlabelled edges), and of being
        returned once detected.
    rescue_detects : ndarray of bool, shape (M,)
        True where survivors of an incident are rescued and hence detected (labelled sea edges).
    rng : numpy.random.Generator
        The model's generator.

    Returns
    -------
    CrossingOutcome
    """
    G = len(p_prevent)
    M = len(group)
    prevented_g = rng.random(G) < p_prevent
    incident_g = (~prevented_g) & (rng.random(G) < p_incident)
    a = fatality_beta_a
    b = a * (1.0 - fatality_share) / max(fatality_share, 1e-9)
    share_g = np.where(incident_g, rng.beta(a, max(b, 1e-9), size=G), 0.0)
    prevented = prevented_g[group]
    u = rng.random((3, M))
    died = (~prevented) & (u[0] < share_g[group])
    survived = ~prevented & ~died
    forced = incident_g[group] & rescue_detects
    detected = survived & (forced | (u[1] < p_detect))
    returned = detected & ~forced & (u[2] < p_return)
    passed = survived & ~returned
    return CrossingOutcome(prevented, died, detected, returned, passed)


def form_groups(option: np.ndarray, size: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Travel groups: the buyers of one option, in random order, chunked by group size.

    Parameters
    ----------
    option : ndarray of int, shape (M,)
        Option (offer) bought by each mover.
    size : ndarray of int, shape (M,)
        Group size (agents) of each mover's option: seats per departure of an enterprise, or
        the size of a self-organised group; at least 1.
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of int, shape (M,)
        Group index (0..G-1) of each mover.

    Examples
    --------
    >>> g = form_groups(np.array([0, 0, 0, 1]), np.array([2, 2, 2, 5]), np.random.default_rng(0))
    >>> sorted(np.bincount(g).tolist())
    [1, 1, 2]
    """
    key = rng.random(len(option))
    order = np.lexsort((key, option))
    o_sorted = option[order]
    first = np.concatenate(([0], np.flatnonzero(o_sorted[1:] != o_sorted[:-1]) + 1))
    rank = np.arange(len(order)) - np.repeat(first, np.diff(first, append=len(order)))
    chunk = rank // size[order]
    gkey = np.empty(len(option), dtype=np.int64)
    gkey[order] = o_sorted * 1_000_000 + chunk
    _, group = np.unique(gkey, return_inverse=True)
    return group


def departure_groups(option: np.ndarray, edge: np.ndarray, level: np.ndarray, mode: np.ndarray,
                     by_enterprise: np.ndarray, seats: tuple[float, float, float],
                     group_size: tuple[float, float, float], persons_per_agent: int,
                     rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Today's movers in travel groups (:func:`form_groups`), and each group's option, edge and service level.

    The buyers of one option leave in groups of an enterprise's seats per departure, or of the size
    of a self-organised group, by the mode of the edge (in agents: persons over
    ``persons_per_agent``, rounded, at least 1).

    Parameters
    ----------
    option, edge, level : ndarray of int, shape (M,)
        Option (offer) bought by each mover, its edge and its service level.
    mode : ndarray of int, shape (M,)
        Mode (index into :data:`sim.labels.MODES`: land, sea, air) of each mover's edge.
    by_enterprise : ndarray of bool, shape (M,)
        The option is an enterprise's offer (else self-organised travel).
    seats, group_size : tuple of 3 float
        Seats per departure of an enterprise and size of a self-organised group, by mode (persons).
    persons_per_agent : int
    rng : numpy.random.Generator

    Returns
    -------
    group : ndarray of int, shape (M,)
        Group index (0..G-1) of each mover.
    g_option, g_edge, g_level : ndarray of int, shape (G,)
        Each group's option, edge and service level.

    Examples
    --------
    >>> g, g_opt, g_edge, g_lvl = departure_groups(
    ...     np.array([0, 0, 0, 1]), np.array([5, 5, 5, 6]), np.zeros(4, int), np.array([1, 1, 1, 0]),
    ...     np.array([True, True, True, False]), (10.0, 2.0, 10.0), (3.0, 3.0, 3.0), 1, np.random.default_rng(0))
    >>> sorted(np.bincount(g).tolist()), sorted(g_edge.tolist())
    ([1, 1, 2], [5, 5, 6])
    """
    size = np.where(by_enterprise, np.array(seats)[mode], np.array(group_size)[mode])
    group = form_groups(option, np.maximum(1, np.round(size / persons_per_agent)).astype(np.int64), rng)
    g_option, g_edge, g_level = (np.zeros(group.max() + 1, dtype=np.int64) for _ in range(3))
    g_option[group], g_edge[group], g_level[group] = option, edge, level
    return group, g_option, g_edge, g_level


def word_of_mouth(perceived: np.ndarray, edge: np.ndarray, failed: np.ndarray, current: np.ndarray,
                  weight: float) -> np.ndarray:
    """Perceived failure per edge after today's attempts (DESIGN step 4, word of mouth).

    Parameters
    ----------
    perceived : ndarray of float, shape (E,)
        Perceived P(an attempt fails) before today.
    edge : ndarray of int, shape (M,)
        Edge of each of today's attempts.
    failed : ndarray of bool, shape (M,)
        Attempt prevented or returned.
    current : ndarray of float, shape (E,)
        Today's true P(failure); the news where nobody tried (so that a route abandoned after bad
        luck is not shunned forever).
    weight : float
        Daily weight of news (from ``choice.information_halflife_days``).

    Returns
    -------
    ndarray of float, shape (E,)

    Examples
    --------
    >>> word_of_mouth(np.array([0.5, 0.5]), np.array([0, 0]), np.array([True, False]),
    ...               np.array([0.0, 0.1]), 0.5).tolist()
    [0.5, 0.3]
    """
    n_edges = len(perceived)
    att = np.bincount(edge, minlength=n_edges).astype(float)
    fail = np.bincount(edge, weights=failed.astype(float), minlength=n_edges)
    tried = att > 0
    news = current.copy()
    news[tried] = fail[tried] / att[tried]
    return (1 - weight) * perceived + weight * news
