"""Hubs as market places with memory: reputation as a slow stock, and its uses (mechanisms note (c)).

A market hub's reputation ``R`` (0-1) follows the signal ``S`` with a long time scale ``tau`` (days):

.. math::

    R \\leftarrow R + (S - R) / \\tau, \\qquad
    S = w_T \\frac{T}{\\sum_{\\mathrm{region}} T} + w_E \\frac{n_E}{\\sum_{\\mathrm{region}} n_E} + w_Q Q

with ``T`` the hub's throughput (persons per day, smoothed), ``n_E`` the enterprises present, ``Q``
the smoothed share of journeys sold there that got across, and weights summing to one. Shares are
taken within the hub's region (the market nodes of its kind near it), so that ``S`` does not scale
with ``persons_per_agent`` and a region's hubs compete. ``R`` acts on (i) the choice between
substitutable next markets, worth ``reputation_value_eur * R`` (EUR); (ii) where entrants and
relocating enterprises settle (:func:`sim.relocation.relocate`), a logit on
``enterprise_location_weight * R + ln(queue per seat)``;
(iii) hub information in :mod:`sim.awareness`. One switch turns all of them off.

The old rule renormalised reputation daily by the region's maximum and was fed by traffic the graph
decides, so switching it off changed nothing; here ``R`` remembers over ``tau`` (180-1,095 days) and
acts where a region offers hubs at similar cost.

Sources: Arthur 1989 (Economic Journal 99:116-131: increasing returns and lock-in); Campana and
Gelsthorpe 2021 (EJCPR 27:5-21: smugglers chosen by reputation in physical and online communities);
Icduygu and Toktas 2002 (International Migration 40(6):25-54); RRGraphs' traffic-weighted city
quality (Hinsch and Bijak).

Parameters (defaults, prior ranges, units and sources): :class:`sim.parameters.HubReputationParameters`; its
``enabled`` field is the mechanism's ablation switch. The kernels take plain numbers, so the module
does not import the parameter table.

Examples
--------
>>> import numpy as np
>>> same = np.ones((2, 2), dtype=bool)
>>> S = reputation_signal(np.array([30.0, 10.0]), np.array([3.0, 1.0]), np.array([0.9, 0.5]), same,
...                       throughput_weight=0.5, enterprise_weight=0.3, success_weight=0.2)
>>> S.round(3).tolist()
[0.78, 0.3]
>>> reputation_step(np.array([0.5]), np.array([1.0]), timescale_days=100.0).tolist()
[0.505]
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "choose_location",
    "location_probabilities",
    "next_market_value_eur",
    "region_share",
    "reputation_signal",
    "reputation_step",
]



def region_share(values: np.ndarray, same_region: np.ndarray) -> np.ndarray:
    """Each hub's share of its region's total, ``v[h] / sum_{k in region(h)} v[k]`` (0 where the total is 0).

    Parameters
    ----------
    values : ndarray of float, shape (H,)
        Non-negative (throughput in persons per day, enterprises present, ...).
    same_region : ndarray of bool, shape (H, H)
        ``same_region[h, k]``: hub k is in h's region (the diagonal is True). Regions may overlap.

    Returns
    -------
    ndarray of float, shape (H,)

    Examples
    --------
    Hub 1 is in both 0's and 2's regions, 0 and 2 are not in each other's:

    >>> same = np.array([[1, 1, 0], [1, 1, 1], [0, 1, 1]], dtype=bool)
    >>> region_share(np.array([2.0, 2.0, 4.0]), same).round(3).tolist()
    [0.5, 0.25, 0.667]
    """
    v = np.asarray(values, dtype=float)
    tot = np.asarray(same_region, dtype=float) @ v
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(tot > 0, v / np.where(tot > 0, tot, 1.0), 0.0)


def reputation_signal(
    throughput: np.ndarray,
    enterprises: np.ndarray,
    success_share: np.ndarray,
    same_region: np.ndarray,
    *,
    throughput_weight: float,
    enterprise_weight: float,
    success_weight: float,
) -> np.ndarray:
    """Signal ``S`` (0-1) towards which reputation moves: weighted regional shares and success share.

    Parameters
    ----------
    throughput : ndarray of float, shape (H,)
        Persons per day (smoothed) buying passage at each hub.
    enterprises : ndarray of float, shape (H,)
        Enterprises present (or their seats sold, persons).
    success_share : ndarray of float, shape (H,)
        Smoothed share (0-1) of journeys sold at the hub that got across.
    same_region : ndarray of bool, shape (H, H)
    throughput_weight, enterprise_weight, success_weight : float
        Non-negative; normalised to sum to 1.

    Returns
    -------
    ndarray of float, shape (H,)

    Raises
    ------
    ValueError
        If the weights are negative or all zero.
    """
    w = np.array([throughput_weight, enterprise_weight, success_weight], dtype=float)
    if (w < 0).any() or w.sum() <= 0:
        raise ValueError(f"reputation weights must be >= 0 and not all 0, got {w.tolist()}")
    w = w / w.sum()
    return (w[0] * region_share(throughput, same_region) + w[1] * region_share(enterprises, same_region)
            + w[2] * np.clip(np.asarray(success_share, dtype=float), 0.0, 1.0))


def reputation_step(R: np.ndarray, S: np.ndarray, timescale_days: float | np.ndarray,
                    dt_days: float = 1.0) -> np.ndarray:
    """One day of the slow stock, ``R + (S - R) * dt / tau``.

    Parameters
    ----------
    R, S : ndarray of float, shape (H,)
    timescale_days : float
        ``tau`` (days), at least ``dt_days``.
    dt_days : float

    Returns
    -------
    ndarray of float, shape (H,)
        In [0, 1] when R and S are.

    Raises
    ------
    ValueError
        If ``timescale_days < dt_days``.

    Examples
    --------
    With S = 0 the stock halves in about ``tau ln 2`` days:

    >>> R = np.array([1.0])
    >>> for _ in range(69):
    ...     R = reputation_step(R, np.zeros(1), 100.0)
    >>> round(float(R[0]), 2)
    0.5
    """
    if np.any(np.asarray(timescale_days) < dt_days):
        raise ValueError(f"timescale_days must be >= dt_days, got {timescale_days}")
    R = np.asarray(R, dtype=float)
    return R + (np.asarray(S, dtype=float) - R) * (dt_days / timescale_days)


def next_market_value_eur(reputation_next: np.ndarray, value_eur: float) -> np.ndarray:
    """EUR-equivalent worth of reaching a next market hub of reputation ``R``: ``value_eur * R``.

    Divided by the logit scale it is the utility term for the choice between substitutable next
    markets (subtract it from the generalised cost of the segment that leads there).

    Examples
    --------
    >>> next_market_value_eur(np.array([0.2, 0.8]), 1500.0).tolist()
    [300.0, 1200.0]
    """
    return value_eur * np.asarray(reputation_next, dtype=float)


def location_probabilities(reputation: np.ndarray, queue_per_seat: np.ndarray, weight: float,
                           floor: float) -> np.ndarray:
    """Where an entrant or a relocating enterprise settles: logit on ``weight * R + ln(max(q, floor))``.

    Parameters
    ----------
    reputation : ndarray of float, shape (k,)
        Candidate hubs' reputation.
    queue_per_seat : ndarray of float, shape (k,)
        Persons waiting per seat offered per day (customers the enterprise would find).
    weight : float
        ``enterprise_location_weight``.
    floor : float

    Returns
    -------
    ndarray of float, shape (k,)
        Probabilities (sum 1).

    Examples
    --------
    Equal queues: the odds are ``exp(weight * (R1 - R0))``.

    >>> location_probabilities(np.array([0.0, 1.0]), np.array([2.0, 2.0]), np.log(3.0), 0.01).round(3).tolist()
    [0.25, 0.75]
    """
    u = weight * np.asarray(reputation, dtype=float) + np.log(np.maximum(np.asarray(queue_per_seat, dtype=float), floor))
    u = u - u.max()
    w = np.exp(u)
    return w / w.sum()


def choose_location(reputation: np.ndarray, queue_per_seat: np.ndarray, weight: float, floor: float,
                    rng: np.random.Generator) -> int:
    """Draw a position from :func:`location_probabilities`."""
    p = location_probabilities(reputation, queue_per_seat, weight, floor)
    return int(rng.choice(len(p), p=p))
