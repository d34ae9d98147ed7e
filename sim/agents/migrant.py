"""Migrants: a vectorised agent population.

A migrant agent stands for ``persons_per_agent`` persons travelling together through the same
decisions. At full scale (one agent per person) the reference scenario has about 470,000 of them, so
they are stored column-wise (one numpy array per state variable, one row per agent) rather than as
``mesa.Agent`` objects: the architecture rules of DESIGN section 4 (migrants act at events, market
nodes process their queues in batches with numpy) need their state in arrays, and an object per
person would cost memory and a Python call per decision. Every state variable of DESIGN section 2 is a
column; :meth:`sim.model.SmugglingModel.migrant` returns one migrant as a read-only record
(:class:`MigrantView`) for inspection and teaching.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

__all__ = ["MigrantState", "Migrants", "MigrantView"]


class MigrantState(IntEnum):
    """Where a migrant is in the journey. ARRIVED, RETURNED, DEAD and EXPLOITED are terminal."""

    AT_ORIGIN = 0
    WAITING = 1
    IN_TRANSIT = 2
    ARRIVED = 3
    RETURNED = 4
    DEAD = 5
    EXPLOITED = 6



_COLUMNS: dict[str, tuple[type, object]] = {
    "state": (np.int8, 0),
    "group": (np.int16, -1),  # origin group index
    "origin": (np.int32, -1),  # node index
    "destination": (np.int32, -1),  # destination index (into model.destinations)
    "node": (np.int32, -1),  # current node, or the node being travelled to
    "budget_eur": (np.float64, 0.0),  # per person
    "risk_tolerance": (np.float32, 0.5),
    "female": (np.bool_, False),
    "minor": (np.bool_, False),
    "attempts": (np.int16, 0),  # failed attempts (prevented or returned)
    "wait_since": (np.int32, 0),  # model day since when waiting at `node`
    "spawn_day": (np.int32, 0),
    "end_day": (np.int32, -1),  # day a terminal state was reached
    "in_eu": (np.bool_, False),  # has entered the EU
    "package_partner": (np.int32, -1),  # enterprise id giving a package price at `node`
    "last_enterprise": (np.int32, -1),
    "wait_tolerance_eur": (np.float32, 0.0),  # waiting at hubs (sim/waiting.py): drawn only when switched on
}


@dataclass(frozen=True)
class MigrantView:
    """One migrant's state (read-only), with names rather than indices."""

    unique_id: int
    state: MigrantState
    origin_group: str
    origin: str
    destination: str
    node: str
    budget_eur: float
    risk_tolerance: float
    female: bool
    minor: bool
    attempts: int
    days_waiting: int
    crossing_history: list[tuple[str, int, bool]]


class Migrants:
    """Column store of migrant agents with amortised O(1) append.

    Attributes are numpy arrays of length :attr:`n` (views into larger buffers): ``state``
    (:class:`MigrantState` values), ``group``, ``origin``, ``destination``, ``node``, ``budget_eur``
    (EUR per person), ``risk_tolerance`` (0-1), ``female``, ``minor``, ``attempts``, ``wait_since``
    (model day), ``spawn_day``, ``end_day`` (-1 while not terminal), ``in_eu``, ``package_partner``,
    ``last_enterprise``.

    Examples
    --------
    >>> m = Migrants()
    >>> ids = m.add(3, group=np.zeros(3, int), origin=np.zeros(3, int), destination=np.zeros(3, int),
    ...             budget_eur=np.full(3, 100.0), risk_tolerance=np.full(3, .5),
    ...             female=np.zeros(3, bool), minor=np.zeros(3, bool), day=0)
    >>> ids.tolist(), m.n
    ([0, 1, 2], 3)
    """

    def __init__(self, capacity: int = 1024):
        self.n = 0
        self._cap = max(16, capacity)
        self._buf = {k: np.full(self._cap, fill, dtype=dt) for k, (dt, fill) in _COLUMNS.items()}

    def __len__(self) -> int:
        return self.n

    def __getattr__(self, name):
        buf = self.__dict__.get("_buf")
        if buf is not None and name in buf:
            return buf[name][: self.n]
        raise AttributeError(name)

    def _grow(self, need: int) -> None:
        if need <= self._cap:
            return
        new = max(need, 2 * self._cap)
        for k, (dt, fill) in _COLUMNS.items():
            b = np.full(new, fill, dtype=dt)
            b[: self.n] = self._buf[k][: self.n]
            self._buf[k] = b
        self._cap = new

    def add(self, count: int, *, group, origin, destination, budget_eur, risk_tolerance, female, minor, day):
        """Append ``count`` migrants at their origin; return their ids, shape (count,)."""
        self._grow(self.n + count)
        sl = slice(self.n, self.n + count)
        b = self._buf
        b["state"][sl] = MigrantState.AT_ORIGIN
        b["group"][sl] = group
        b["origin"][sl] = origin
        b["node"][sl] = origin
        b["destination"][sl] = destination
        b["budget_eur"][sl] = budget_eur
        b["risk_tolerance"][sl] = risk_tolerance
        b["female"][sl] = female
        b["minor"][sl] = minor
        b["spawn_day"][sl] = day
        b["wait_since"][sl] = day
        ids = np.arange(self.n, self.n + count)
        self.n += count
        return ids

    def count_by_state(self) -> dict[MigrantState, int]:
        """Agents per state (every agent is in exactly one)."""
        counts = np.bincount(self.state, minlength=len(MigrantState))
        return {s: int(counts[s]) for s in MigrantState}
