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
(:class:`sim.parameters.EventParameters`), never an observed outcome.
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
        state.add_standing(self.side, self.edges, self.nodes, self.effort)
        if self.policy != "adaptive":
            return
        seen = state.seen_det_yesterday if self.side == "detect" else state.seen_prev_yesterday
        self._adapt(seen, params.enforcement, day, start_day)
        if self.surge <= 0.0:
            return
        state.apply_effect(params.events.patrol_surge, self.surge, self.edges, self.nodes)

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
    effect : sim.parameters.EventEffect
    description : str
    """

    kind: str
    start: int
    full_effect: int
    end: int | None
    edges: np.ndarray
    nodes: np.ndarray
    effect: EventEffect
    description: str = ""

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
