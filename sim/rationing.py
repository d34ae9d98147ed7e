"""Rationing in planning: the expected wait for a seat at a market, as a cost in the costs-to-go.

When more migrants want a crossing than its sellers have seats, the rest wait at the market and,
after ``choice.retreat_after_wait_days``, may go back to the hub. Without this rule the costs-to-go
ignore it: a crossing that sells nothing looks as cheap as one with free seats, so migrants keep
planning their way to a market where nobody sells, wait, go back, and plan the same way again (in
one stop-19 run, 86,220 trips Istanbul -> Edirne in 2013 and 82,860 back).

With the rule, each smuggled segment's cost gains ``time_value_eur_per_day x w[e]``, where ``w[e]``
is the expected wait in days for a seat, read from a slowly updated record of what the market looked
like (word of mouth, half-life ``choice.information_halflife_days``):

    w[e] = min(cap, wanted[e] / seats[e])     where seats[e] > 0,
    w[e] = cap                                where seats[e] = 0 and wanted[e] > 0,
    w[e] = 0                                  where nobody wanted e,

with ``wanted`` the persons whose first wish was ``e`` in today's market round (they stand in the
queue; every waiting migrant takes part in every round, so the daily count is the queue), ``seats``
the persons' seats offered on ``e`` that day, both smoothed, and ``cap = retreat_after_wait_days``
(a migrant who finds no seat waits that long, then may go back). No new number: the time value and
the cap are the choice parameters already in use. Switch: ``choice.queue_in_planning`` (False: the
rule before it).

Anchor: queueing at a single server, Little's law (L = lambda W; Little 1961, Operations Research
9:383-387), read as W = L / service rate with the queue L and the seats a day as the rate.

Pure functions of arrays; no model.

Examples
--------
>>> import numpy as np
>>> expected_wait_days(np.array([30.0, 5.0, 0.0, 8.0]), np.array([10.0, 10.0, 0.0, 0.0]), cap_days=14).tolist()
[3.0, 0.5, 0.0, 14.0]
"""

from __future__ import annotations

import numpy as np

from sim.awareness import smooth_passages

__all__ = ["expected_wait_days", "queue_today", "record_market", "wait_cost_eur"]


def expected_wait_days(wanted_persons: np.ndarray, seats_persons: np.ndarray, cap_days: float) -> np.ndarray:
    """Expected days in the queue for a seat on each segment (queue over seats a day, capped).

    Parameters
    ----------
    wanted_persons : ndarray of float, shape (E,)
        Persons in the queue for each segment (first wishes in a market round), >= 0.
    seats_persons : ndarray of float, shape (E,)
        Seats offered a day on each segment (persons), >= 0.
    cap_days : float
        The longest wait counted (days, >= 0): ``choice.retreat_after_wait_days``.

    Returns
    -------
    ndarray of float, shape (E,)
        Days, in [0, cap_days]; ``cap_days`` where persons want a segment nobody sells.
    """
    wanted = np.asarray(wanted_persons, dtype=float)
    seats = np.asarray(seats_persons, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(seats > 0, wanted / np.where(seats > 0, seats, 1.0), np.where(wanted > 0, np.inf, 0.0))
    return np.minimum(w, float(cap_days))


def wait_cost_eur(wanted_persons: np.ndarray, seats_persons: np.ndarray, smuggled: np.ndarray,
                  time_value_eur_per_day: float, cap_days: float) -> np.ndarray:
    """The expected wait's cost on each smuggled segment (EUR; 0 on the others).

    Parameters
    ----------
    wanted_persons, seats_persons : ndarray of float, shape (E,)
        Smoothed queue and seats a day (persons).
    smuggled : ndarray of bool, shape (E,)
        Segments sold by enterprises (the others are never rationed).
    time_value_eur_per_day : float
        ``choice.time_value_eur_per_day``.
    cap_days : float
        ``choice.retreat_after_wait_days``.

    Returns
    -------
    ndarray of float, shape (E,), >= 0

    Examples
    --------
    >>> wait_cost_eur(np.array([20.0, 20.0]), np.array([0.0, 0.0]), np.array([True, False]),
    ...               time_value_eur_per_day=15.0, cap_days=14).tolist()
    [210.0, 0.0]
    """
    w = expected_wait_days(wanted_persons, seats_persons, cap_days)
    return np.where(np.asarray(smuggled, dtype=bool), float(time_value_eur_per_day) * w, 0.0)


def queue_today(wanted_persons: np.ndarray, seats_persons: np.ndarray, stuck_nodes: np.ndarray, src: np.ndarray,
                persons_per_agent: float) -> np.ndarray:
    """Today's queue per segment (persons): first wishes, or, on a segment nobody sells, those stuck at its market.

    A segment nobody sells has no offer, so nobody wishes for it in the round; its queue is then the
    persons still waiting at its source after the round (they found nothing, and some of them came for it).

    Parameters
    ----------
    wanted_persons : ndarray of float, shape (E,)
        Persons whose first wish in today's round was the segment.
    seats_persons : ndarray of float, shape (E,)
        Seats offered today (persons).
    stuck_nodes : ndarray of int, shape (S,)
        Node of each migrant agent still waiting after the round.
    src : ndarray of int, shape (E,)
        Source node of each segment.
    persons_per_agent : float

    Returns
    -------
    ndarray of float, shape (E,)

    Examples
    --------
    >>> queue_today(np.array([3.0, 0.0]), np.array([5.0, 0.0]), np.array([0, 0]), np.array([0, 0]), 10).tolist()
    [3.0, 20.0]
    """
    src = np.asarray(src)
    stuck = np.bincount(np.asarray(stuck_nodes, dtype=np.int64), minlength=int(src.max()) + 1 if len(src) else 0)
    stuck = stuck.astype(float) * float(persons_per_agent)
    return np.where(np.asarray(seats_persons) > 0, np.asarray(wanted_persons, dtype=float), stuck[src])


def record_market(state: tuple[np.ndarray, np.ndarray] | None, wanted_persons: np.ndarray, seats_persons: np.ndarray,
                  stuck_nodes: np.ndarray, src: np.ndarray, persons_per_agent: float,
                  halflife_days: float) -> tuple[np.ndarray, np.ndarray]:
    """The smoothed record (queue, seats a day) after today's market round.

    Today's queue is :func:`queue_today`; both are smoothed by
    :func:`sim.awareness.smooth_passages` (the same exponential smoother as word of mouth).

    Parameters
    ----------
    state : tuple of two ndarray of float, shape (E,), or None
        The record so far (None: start at today).
    wanted_persons, seats_persons, stuck_nodes, src, persons_per_agent
        As in :func:`queue_today`.
    halflife_days : float
        Half-life of the record (days, > 0): ``choice.information_halflife_days``.

    Returns
    -------
    tuple of two ndarray of float, shape (E,)
        Smoothed queue and seats a day (persons).
    """
    q = queue_today(wanted_persons, seats_persons, stuck_nodes, src, persons_per_agent)
    seats = np.asarray(seats_persons, dtype=float)
    if state is None:
        return q, seats.copy()
    return (smooth_passages(state[0], q, halflife_days), smooth_passages(state[1], seats, halflife_days))
