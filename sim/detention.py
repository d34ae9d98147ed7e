"""Detention of detected entrants with finite places (mechanism f): a border's cost that saturates.

On an EU-side jurisdiction whose agency detains (``detention_days`` and ``detention_places`` in the
scenario's ``agencies.csv``), a detected entrant who is not returned is held for ``detention_days``
before going on, if a place is free; once the places are full the rest are released at once. The
places empty as the held are released. Each day, in random order:

    held_today = min(detected_today, places - occupancy)

Migrants plan with the time the border is expected to cost them: each segment of a detaining
jurisdiction costs

    time_value_eur_per_day x detention_days x P(detect) x (1 - P(return)) x h

where ``h`` is the share of the detected who were held, as word of mouth reports it (smoothed with
``choice.information_halflife_days``; 1 before anyone was detected: the policy is known).

Why: before autumn 2013 Bulgaria held apprehended entrants for months (about 60-90 days; AFP 30 Aug
2013, Reuters Sep 2013) in about 700 places (Busmantsi 400, Lyubimets 300; Global Detention Project),
while Greece's Evros detention (Fylakio, 375 places, 450 held in December 2010; Human Rights Watch 2011,
The EU's Dirty Hands) took about 100 arrests a day and had to release most within days. The same rule
saturates Bulgaria's places once its detected entrants who are not returned pass about 280 a month (700
places / 75 days; its crossings, of which only these are held, must be more): in September 2013 more than 2,000
were detained and new open centres were opened (Bordermonitoring Bulgaria; The Sofia Globe 26 Sep
2013). Frontex links detention length to route choice (FRAN Q3 2012, Q1 2013). Collected with figures
and addresses in ``docs/detention-sources.md``.

Dated changes: a scenario's ``detention_change`` events set a jurisdiction's days or places from their
``full_effect`` date (:class:`DetentionState`'s ``changes``); the reference's three, with their sources,
are in ``docs/detention-sources.md`` (the Evros 7 days before August 2012, then 180 days in 855 and
1,412 places; Bulgaria 6 days from 20 January 2014).

Switch: ``detention.enabled`` (False: detection costs no time). Without a ``detention_days`` value an
agency does not detain. Pure functions and a small state; no model.

Examples
--------
>>> import numpy as np
>>> st = DetentionState(np.array([30.0, 0.0]), np.array([10.0, 0.0]), np.array([0, -1, 1]), memory_days=20.0)
>>> held = st.admit(np.array([0, 0, 0]), persons_per_agent=4, day=0, rng=np.random.default_rng(1))
>>> held.tolist().count(30), st.occupancy.tolist()
(2, [8.0, 0.0])
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from sim.awareness import smoothing_weight
from sim.dates import model_day
from sim.labels import EventKind

__all__ = ["DetentionState", "from_agencies", "planning_cost_eur"]


class DetentionState:
    """Places, occupancy and the reported held share of each detaining jurisdiction.

    Parameters
    ----------
    days : ndarray of float, shape (A,)
        Days a held entrant stays (0: the jurisdiction does not detain); rounded to whole days, which
        both the stay and the planning cost use.
    places : ndarray of float, shape (A,)
        Detention places (persons).
    jurisdiction_of_edge : ndarray of int, shape (E,)
        Index (0..A-1) of the detaining jurisdiction of each segment, -1 where none.
    memory_days : float
        Half-life (days) of the word-of-mouth record of the held share (``choice.information_halflife_days``).
    changes : sequence of (int, int, float or None, float or None), optional
        Dated changes ``(model day, jurisdiction, days, places)`` (None: unchanged), from the scenario's
        ``detention_change`` events; each applies from the start of its day (:meth:`release`), one dated
        before day 0 at once. Those already held keep their stay; places below the occupancy admit no one
        until enough are released.
    agency_index : ndarray of int, shape (A,), optional
        Index of each jurisdiction's row in the scenario's agencies table (default 0..A-1), to name it
        in the output tables.

    Attributes
    ----------
    occupancy : ndarray of float, shape (A,)
        Persons held now.
    admitted_today, no_place_today : ndarray of float, shape (A,)
        Persons given a place, and detected entrants (not returned) who found none, at the last
        :meth:`admit` (zeros before the first).

    Raises
    ------
    ValueError
        If a jurisdiction detains (days > 0) without places or for less than a day (a stay that rounds
        to 0 days would take a place that is never freed), a change sets fewer than one day or no places
        or changes a jurisdiction that does not detain, or an index is out of range.

    Examples
    --------
    >>> st = DetentionState(np.array([30.0]), np.array([10.0]), np.array([0]), 20.0, changes=[(5, 0, 3.0, None)])
    >>> st.days.tolist(); st.release(5); st.days.tolist(), st.places.tolist()
    [30.0]
    ([3.0], [10.0])
    """

    def __init__(self, days: np.ndarray, places: np.ndarray, jurisdiction_of_edge: np.ndarray, memory_days: float,
                 changes=(), agency_index: np.ndarray | None = None):
        self.days = np.asarray(days, dtype=float)
        self.places = np.asarray(places, dtype=float)
        self.of_edge = np.asarray(jurisdiction_of_edge, dtype=np.int64)
        if ((self.days > 0) & ~(self.places > 0)).any():
            raise ValueError("a detaining jurisdiction (detention_days > 0) needs detention_places > 0")
        if ((self.days > 0) & (self.days < 1)).any():
            raise ValueError("a detaining jurisdiction holds at least a day (detention_days >= 1)")
        self.days = np.round(self.days)
        if ((self.of_edge >= len(self.days)) | (self.of_edge < -1)).any():
            raise ValueError("jurisdiction index out of range")
        A = len(self.days)
        self.agency_index = np.arange(A) if agency_index is None else np.asarray(agency_index, dtype=np.int64)
        if len(self.agency_index) != A:
            raise ValueError("one agency index per jurisdiction")
        #: persons held now, per jurisdiction
        self.occupancy = np.zeros(A)
        #: persons given a place, and detected who found none, at the last admit (the output tables')
        self.admitted_today = np.zeros(A)
        self.no_place_today = np.zeros(A)
        #: smoothed persons detected and held a day (word of mouth), per jurisdiction
        self.detected = np.zeros(A)
        self.held = np.zeros(A)
        self._release: dict[int, np.ndarray] = defaultdict(lambda: np.zeros(A))
        self._weight = smoothing_weight(memory_days)
        self._changes = sorted(((int(d), int(j), dd, pp) for d, j, dd, pp in changes), key=lambda c: c[0])
        for _, j, dd, pp in self._changes:
            if not 0 <= j < A or self.days[j] <= 0:
                raise ValueError(f"a detention change names jurisdiction {j}, which does not detain")
            if (dd is not None and round(dd) < 1) or (pp is not None and not pp > 0):
                raise ValueError("a detention change holds at least a day (days >= 1) in places > 0")
        self._apply_changes(-1)
        #: the most that may be held until the next release: the places, or more after a cut of the places
        #: (those held keep their stay; nobody is admitted until the occupancy is below the places)
        self.ceiling = self.places.copy()

    def _apply_changes(self, day: int) -> None:
        """Apply the dated changes due by ``day`` (model day), in date order."""
        while self._changes and self._changes[0][0] <= day:
            _, j, dd, pp = self._changes.pop(0)
            if dd is not None:
                self.days[j] = float(round(dd))
            if pp is not None:
                self.places[j] = float(pp)

    @property
    def held_share(self) -> np.ndarray:
        """Reported share of the detected who were held, shape (A,); 1 before anyone was detected."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.detected > 0, self.held / np.where(self.detected > 0, self.detected, 1.0), 1.0)

    def pending(self, day: int) -> np.ndarray:
        """Persons still held on ``day`` by jurisdiction (their places are freed on a later day), shape (A,)."""
        return sum((v for d, v in self._release.items() if d > day), np.zeros(len(self.days)))

    def release(self, day: int) -> None:
        """Apply the detention changes due by ``day``, and free the places of those whose detention ends on it."""
        self._apply_changes(day)
        out = self._release.pop(day, None)
        if out is not None:
            self.occupancy = np.maximum(0.0, self.occupancy - out)
        self.ceiling = np.maximum(self.places, self.occupancy)

    def admit(self, edges: np.ndarray, persons_per_agent: int, day: int, rng: np.random.Generator,
              detected: np.ndarray | None = None) -> np.ndarray:
        """Hold today's detected entrants (one agent per element of ``edges``) while places are free.

        Parameters
        ----------
        edges : ndarray of int, shape (M,)
            Segment each agent that got across crossed.
        persons_per_agent : int
        day : int
            Today (model day).
        rng : numpy.random.Generator
            The model's generator (who among today's detected gets a place).
        detected : ndarray of bool, shape (M,), optional
            Which of them were detected (None: all).

        Returns
        -------
        ndarray of int, shape (M,)
            Days each agent is held (0: released at once, or no detention there).
        """
        out = np.zeros(len(edges), dtype=np.int64)
        a = self.of_edge[np.asarray(edges, dtype=np.int64)]
        if detected is not None:
            a = np.where(detected, a, -1)
        K = float(persons_per_agent)
        seen = np.zeros(len(self.days))
        held = np.zeros(len(self.days))
        for j in np.unique(a[a >= 0]):
            if self.days[j] <= 0:
                continue
            idx = np.flatnonzero(a == j)
            free = int(max(0.0, self.places[j] - self.occupancy[j]) // K)
            take = idx if free >= len(idx) else rng.permutation(idx)[:free]
            stay = int(self.days[j])
            out[take] = stay
            seen[j] = len(idx) * K
            held[j] = len(take) * K
            self.occupancy[j] += held[j]
            self._release[day + stay][j] += held[j]
        self.detected = self.detected + self._weight * (seen - self.detected)
        self.held = self.held + self._weight * (held - self.held)
        self.admitted_today, self.no_place_today = held, seen - held
        return out


def planning_cost_eur(state: DetentionState, p_detect: np.ndarray, p_return: np.ndarray,
                      time_value_eur_per_day: float) -> np.ndarray:
    """Expected detention as a cost on each segment (EUR), shape (E,); 0 where nobody detains.

    ``time_value x days x P(detect) x (1 - P(return)) x held_share`` of the segment's jurisdiction.

    Parameters
    ----------
    state : DetentionState
    p_detect, p_return : ndarray of float, shape (E,)
        Today's crossing odds (:class:`sim.enforcement.CrossingOdds`).
    time_value_eur_per_day : float
        ``choice.time_value_eur_per_day``.

    Returns
    -------
    ndarray of float, shape (E,), >= 0
    """
    j = state.of_edge  # -1 (no detaining jurisdiction) picks the appended 0: works with none at all
    days = np.append(state.days, 0.0)[j]
    share = np.append(state.held_share, 0.0)[j]
    return time_value_eur_per_day * days * np.asarray(p_detect) * (1.0 - np.asarray(p_return)) * share


def from_agencies(rows, agencies, n_edges: int, memory_days: float, events=(), first_date=None) -> DetentionState:
    """The detaining jurisdictions of a scenario: one per agency row with ``detention_days``.

    Parameters
    ----------
    rows : sequence of sim.scenario.rows.AgencyRow
        The scenario's agencies table.
    agencies : sequence of sim.agents.enforcement.EnforcementAgency
        The model's agencies, one per row, in order (their ``edges`` are the jurisdiction).
    n_edges : int
    memory_days : float
        ``choice.information_halflife_days``.
    events : sequence of sim.scenario.rows.EventRow, optional
        The scenario's events; its ``detention_change`` rows change the rows they target from their
        ``full_effect`` date (a row that does not detain is skipped: one naming an agency changes that
        agency's detaining rows; the scenario check reports a change that reaches no detaining row, or
        that names a non-detaining row by its target).
    first_date : datetime.date, optional
        Model day 0 (needed with ``detention_change`` events).

    Returns
    -------
    DetentionState
        Where two detaining rows cover one segment, the first row's jurisdiction holds there.
    """
    days, places, index, jurisdiction = [], [], [], {}
    of_edge = np.full(n_edges, -1, dtype=np.int64)
    for i, (row, agency) in enumerate(zip(rows, agencies, strict=True)):
        if row.detention_days is None:
            continue
        j = jurisdiction[i] = len(days)
        index.append(i)
        days.append(row.detention_days)
        places.append(row.detention_places)
        e = np.asarray(agency.edges, dtype=np.int64)
        of_edge[e[of_edge[e] < 0]] = j
    changes = [(model_day(ev.full_effect, first_date), jurisdiction[i], ev.detention_days, ev.detention_places)
               for ev in events if ev.kind is EventKind.DETENTION_CHANGE
               for i, row in enumerate(rows) if i in jurisdiction and ev.changes_detention_of(row)]
    return DetentionState(np.array(days, dtype=float), np.array(places, dtype=float), of_edge, memory_days, changes,
                          agency_index=np.array(index, dtype=np.int64))
