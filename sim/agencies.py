"""The scenario's enforcement: its agencies and timeline events, built from its tables (DESIGN steps 1 and 3).

One agency (:class:`sim.agents.enforcement.EnforcementAgency`) per row of ``agencies.csv``, in order,
and one timeline event (:class:`sim.agents.enforcement.TimelineEvent`) per row of ``events.csv``,
except ``effort_change`` rows, which become dated changes of the standing effort of the agencies they
target, and ``detention_change`` rows, which :func:`sim.detention.from_agencies` schedules. Agencies and events share one target resolver (:func:`sim.enforcement.resolve_target`).
"""

from __future__ import annotations

import numpy as np

from sim.agents.enforcement import EnforcementAgency, TimelineEvent
from sim.dates import model_day
from sim.enforcement import resolve_target
from sim.labels import EventKind, text

__all__ = ["build_enforcement"]


def build_enforcement(model, scenario, net, first_date) -> tuple[list[EnforcementAgency], list[TimelineEvent]]:
    """The scenario's agencies (one per row of its agencies table, in order) and timeline events.

    Agencies and events share one target resolver (:func:`resolve_target`). An
    ``effort_change`` event becomes a dated change of the standing effort of the agency rows it
    targets, not an event of its own.

    Parameters
    ----------
    model : mesa.Model
    scenario : sim.scenario.Scenario
    net : sim.network.RouteNetwork
    first_date : datetime.date
        The first (burn-in) day of the model, day 0.

    Returns
    -------
    agencies : list of EnforcementAgency
    events : list of TimelineEvent
    """
    agencies = []
    for a in scenario.agencies:
        edges, nodes = resolve_target(net, text(a.target_type), a.target)
        agencies.append(EnforcementAgency(model, a.agency, text(a.side), edges, nodes, a.effort,
                                          policy=text(a.policy), target=a.target))
    events = []
    for ev in scenario.events:
        days = {k: model_day(getattr(ev, k), first_date) for k in ("start", "full_effect", "end")}
        if ev.kind is EventKind.DETENTION_CHANGE:  # a dated change of detention (f): sim.detention.from_agencies
            continue
        if ev.kind is EventKind.EFFORT_CHANGE:  # moves the standing effort of the agency rows it targets
            ramp = TimelineEvent(text(ev.kind), **days, edges=np.zeros(0, np.int64), nodes=np.zeros(0, np.int64),
                                 effect=None, description=ev.description or "", magnitude=ev.magnitude)
            for row, agency in zip(scenario.agencies, agencies, strict=True):
                if ev.changes_effort_of(row):
                    agency.effort_changes.append((ramp, ev.effort, ev.magnitude))
            continue
        edges, nodes = resolve_target(net, text(ev.target_type), ev.target)
        events.append(TimelineEvent(
            kind=text(ev.kind), **days, edges=edges, nodes=nodes,
            effect=getattr(scenario.parameters.events, text(ev.kind)), description=ev.description or "",
            magnitude=ev.magnitude,
        ))
    return agencies, events
