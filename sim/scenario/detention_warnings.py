"""Detaining borders that can hold no one at a run's ``persons_per_agent``: warnings, not errors
(mechanism f, :mod:`sim.detention`)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from sim.scenario.problems import Problem
from sim.scenario.rows import TABLE_COLUMNS, AgencyRow, EventRow

__all__ = ["detention_warnings"]


def detention_warnings(
    agencies: Sequence[AgencyRow], persons_per_agent: int, detention_enabled: bool, files: Mapping[str, str],
    events: Sequence[EventRow] = (),
) -> list[Problem]:
    """Detaining borders that can hold no one at this ``persons_per_agent``: warnings, not errors.

    Detention (f) holds whole agents while places are free (:mod:`sim.detention`): an agency row whose
    ``detention_places`` are fewer than ``persons_per_agent`` cannot take even one agent, so its
    detection costs no time however few are detected. The places a ``detention_change`` event sets
    from its ``full_effect`` are checked the same way.

    Parameters
    ----------
    agencies : sequence of AgencyRow
    persons_per_agent : int
    detention_enabled : bool
        ``detention.enabled``; off, nothing detains and nothing is reported.
    files : mapping
        Table name to the file name shown.
    events : sequence of EventRow, optional
        The scenario's events (their ``detention_change`` rows with ``detention_places``).

    Returns
    -------
    list of Problem
        One per such row, at its ``detention_places`` cell (saying until when, if a later change
        raises the places), and one per such change of a detaining row, at the event's cell.
    """
    if not detention_enabled:
        return []
    out: list[Problem] = []
    for i, a in enumerate(agencies):
        if a.detention_days is None or a.detention_places is None:
            continue
        changes = sorted(((k, ev) for k, ev in enumerate(events)
                          if ev.changes_detention_of(a) and ev.detention_places is not None),
                         key=lambda c: c[1].full_effect)  # stable: the order sim.detention applies them in
        spells = [("agencies", i, a, None)] + [("events", k, ev, ev.full_effect) for k, ev in changes]
        for n, (table, k, row, since) in enumerate(spells):
            places = row.detention_places
            if places >= persons_per_agent:
                continue
            until = spells[n + 1][3] if n + 1 < len(spells) else None
            column = TABLE_COLUMNS[table].index("detention_places") + 1
            file, line, col = row.where("detention_places", files.get(table, table), column)
            when = ("" if since is None else f" from {since}") + ("" if until is None else f" until {until}")
            out.append(Problem(
                file, line, col, f"{table}[{k}].detention_places",
                f"{a.agency} ({a.target}): detention_places {places:g} are fewer than persons_per_agent "
                f"{persons_per_agent}: one agent is more persons than the places, so this border holds no one"
                f"{when} (detention holds whole agents; use persons_per_agent <= {math.floor(places)})",
            ))
    return out
