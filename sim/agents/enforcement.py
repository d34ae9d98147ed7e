"""Enforcement agencies and the timeline of enforcement events (DESIGN steps 1 and 3).

An :class:`EnforcementAgency` has a jurisdiction (edges, nodes or a Frontex route) on one side of
the border: ``prevent`` (non-EU side: stops groups before they cross, no detection) or ``detect``
(EU side). Each day it puts its standing baseline effort on its jurisdiction. With policy
"timeline" that is all: only the timeline's events change the effort. With policy "adaptive" the
agency also reacts to what it sees (DESIGN step 3: "move effort towards targets with rising
detections after a lag, within budget"): when its detections (or, on the non-EU side, the crossings
it prevented) over a recent window, seen with a lag, rise above their reference level, it deploys a
surge of its own whose full strength is a ``patrol_surge`` event (see
:class:`sim.parameters.EnforcementParameters`). Effort is dimensionless; the model maps it to
probabilities with global parameters (``crossing.prevention_per_effort``, ``detection_per_effort``)
and to enterprises' arrest hazard and costs.

A :class:`TimelineEvent` (from ``enforcement_events.csv``) ramps linearly from 0 at ``start`` to full
strength at ``full_effect`` and stops after ``end``; its effect per kind is a parameter
(:class:`sim.parameters.EventParameters`), never an observed outcome, times the event's
``magnitude`` (1 unless the scenario says otherwise). An ``effort_change`` event has no effect of its
own: it moves the standing effort of the agencies it targets along the same ramp
(:meth:`EnforcementAgency.effort_on`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

if TYPE_CHECKING:
    from sim.enforcement import EnforcementState
    from sim.parameters import EventEffect, Parameters

__all__ = ["EnforcementAgency", "TimelineEvent"]


class EnforcementAgency(mesa.Agent):
    """A border, coast guard or police agency with a standing effort on its jurisdiction.

    Parameters
    ----------
    model : mesa.Model
        The model the agent belongs to (Mesa's registry only: the agency never reads it).
    name : str
    side : {"prevent", "detect"}
    edges, nodes : ndarray of int
        Jurisdiction, from :func:`sim.enforcement.resolve_target` (for a node: the border-crossing
        segments leaving it); the node itself carries the effort into enterprises' arrest hazard
        and costs.
    effort : float
        Standing baseline effort (dimensionless; prior range in the scenario's agencies table).
    policy : {"timeline", "adaptive"}
        Whether the agency also reacts to rising detections (``_adapt``).
    target : str
        The scenario's name of the jurisdiction (``A->B``, a node or ``Route/Type``), for the outputs.

    Raises
    ------
    ValueError
        For an unknown policy.
    """

    #: dated changes of the standing effort (set per agency by the model; none by default)
    effort_changes: list[tuple[TimelineEvent, float | None, float]] | tuple[()] = ()

    def __init__(self, model: mesa.Model, name: str, side: str, edges: np.ndarray,
                 nodes: np.ndarray, effort: float, policy: str = "timeline", target: str = ""):
        if policy not in ("timeline", "adaptive"):
            raise ValueError(f"unknown policy {policy!r}; expected 'timeline' or 'adaptive'")
        super().__init__(model)
        self.name = name
        self.side = side
        self.edges = edges
        self.nodes = nodes
        self.effort = float(effort)
        self.policy = policy
        self.target = target
        #: dated changes of the standing effort, applied in order: ``(ramp, effort, factor)``, the
        #: effort moving along the ramp's strength to ``effort`` (None: the effort before) x ``factor``
        self.effort_changes = []
        #: strength (0-1) of the agency's own reactive surge (adaptive policy only)
        self.surge = 0.0
        #: persons seen on the jurisdiction per day, oldest first (adaptive policy only)
        self.seen: list[float] = []
        #: reference level of ``seen`` (persons per day), None until the first full window
        self.reference: float | None = None
        self._last_day = -1

    def step(self, state: EnforcementState, params: Parameters, day: int, start_day: int) -> None:
        """Put today's effort on the jurisdiction's edges and nodes; an adaptive agency adds its surge.

        Parameters
        ----------
        state : sim.enforcement.EnforcementState
            Today's effort (written) and yesterday's sightings (read).
        params : sim.parameters.Parameters
        day : int
            Model day.
        start_day : int
            First reported day (the end of the burn-in).
        """
        state.add_standing(self.side, self.edges, self.nodes, self.effort_on(day))
        if self.policy != "adaptive":
            return
        seen = state.seen_det_yesterday if self.side == "detect" else state.seen_prev_yesterday
        self._adapt(seen, params.enforcement, day, start_day)
        if self.surge <= 0.0:
            return
        state.apply_effect(params.events.patrol_surge, self.surge, self.edges, self.nodes)

    def effort_on(self, day: int) -> float:
        """Standing effort on model day ``day``, after the dated ``effort_changes``.

        Each change, in order, moves the effort ``e`` so far to ``(1 - s) e + s e_new`` with ``s`` its
        ramp's strength that day and ``e_new`` its effort (``e`` when it sets none) times its factor;
        before its start and after its end it changes nothing.

        Examples
        --------
        >>> agency = EnforcementAgency.__new__(EnforcementAgency)
        >>> agency.effort = 0.2
        >>> agency.effort_on(400)
        0.2
        >>> agency.effort_changes = []
        >>> ramp = TimelineEvent("effort_change", 10, 20, None, np.zeros(0, int), np.zeros(0, int), None)
        >>> agency.effort_changes.append((ramp, None, 2.0))
        >>> [round(agency.effort_on(d), 3) for d in (9, 10, 15, 20, 400)]
        [0.2, 0.2, 0.3, 0.4, 0.4]
        """
        effort = self.effort
        for ramp, new, factor in self.effort_changes:
            s = ramp.strength(day)
            if s > 0.0:
                effort += s * ((effort if new is None else new) * factor - effort)
        return effort

    def _adapt(self, seen: np.ndarray, p, day: int, start_day: int) -> None:
        """Move the surge towards what the lagged rise of detections asks for (DESIGN step 3).

        The agency sees yesterday's detections (EU side) or prevented crossings (non-EU side) on its
        edges, in persons. ``recent`` is their mean over ``window_days`` ending ``lag_days`` ago; the
        reference follows ``recent`` with a half-life of ``reference_halflife_days``. The wanted
        surge is ``(recent / reference - 1) / (full_response_ratio - 1)``, clipped to 0-1; the surge
        moves towards it with time constant ``escalation_days`` going up, ``standdown_days`` going down.
        """
        if day == self._last_day:  # the model also sets today's effort once while it is built
            return
        self._last_day = day
        self.seen.append(float(seen[self.edges].sum()))
        need = p.lag_days + p.window_days
        if len(self.seen) > need:
            del self.seen[0]
        if len(self.seen) < need:
            return
        recent = sum(self.seen[: p.window_days]) / p.window_days
        if self.reference is None:
            if day < start_day:
                return  # the burn-in fills the routes; agencies judge rises against its end
            # the standing level: the last window before the reported period starts
            self.reference = sum(self.seen[-p.window_days:]) / p.window_days
        w = 1.0 - 0.5 ** (1.0 / p.reference_halflife_days)
        self.reference = (1 - w) * self.reference + w * recent
        ratio = recent / max(self.reference, p.min_signal_per_day)
        wanted = min(1.0, max(0.0, (ratio - 1.0) / (p.full_response_ratio - 1.0)))
        tau = p.escalation_days if wanted > self.surge else p.standdown_days
        self.surge += (wanted - self.surge) / tau


@dataclass
class TimelineEvent:
    """An enforcement event with its ramp and resolved targets.

    Attributes
    ----------
    kind : str
    start, full_effect : int
        Model days; the strength is 0 before ``start``, 1 from ``full_effect``, linear between.
    end : int or None
        Last model day with an effect (None: stays).
    edges, nodes : ndarray of int
    effect : sim.parameters.EventEffect or None
        The kind's effect at full strength (None for an ``effort_change``, which has none).
    description : str
    magnitude : float
        Multiplier of the effect (>= 0; 1: the kind's effect as the parameters give it).
    """

    kind: str
    start: int
    full_effect: int
    end: int | None
    edges: np.ndarray
    nodes: np.ndarray
    effect: EventEffect | None
    description: str = ""
    magnitude: float = 1.0

    def strength(self, day: int) -> float:
        """Strength (0-1) on model day ``day``.

        Examples
        --------
        >>> from sim.parameters import EventEffect
        >>> ev = TimelineEvent("fence", 10, 20, 30, np.array([0]), np.array([], int), EventEffect())
        >>> [ev.strength(d) for d in (9, 10, 15, 20, 30, 31)]
        [0.0, 0.0, 0.5, 1.0, 1.0, 0.0]
        """
        if day < self.start or (self.end is not None and day > self.end):
            return 0.0
        if day >= self.full_effect or self.full_effect == self.start:
            return 1.0
        return (day - self.start) / (self.full_effect - self.start)
