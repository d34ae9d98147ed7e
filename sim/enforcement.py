"""Enforcement: today's effort on edges and nodes and what it does to crossings (DESIGN steps 1, 3).

Timeline events (:class:`sim.agents.enforcement.TimelineEvent`) and agencies
(:class:`sim.agents.enforcement.EnforcementAgency`) both act through one :class:`EnforcementState`:
dimensionless effort on the non-EU side (``prevent``) and the EU side (``detect``) of each edge, a
physical ``barrier``, an added return probability, a death-risk multiplier and arrest effort on
nodes (enterprises' arrest hazard and costs). Both name their targets in the same way and resolve
them with the one :func:`resolve_target`. :func:`crossing_odds` maps the day's effort to the
probabilities of DESIGN step 5 with the global parameters ``crossing.*``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.crossing import detection_probability, effort_probability
from sim.labels import MODES

__all__ = ["CrossingOdds", "EnforcementState", "crossing_odds", "effort_lists", "enterprise_effort", "resolve_target"]

SEA = MODES.index("sea")


def resolve_target(net, target_type: str, target: str) -> tuple[np.ndarray, np.ndarray]:
    """Edges and nodes named by an agency's or an event's target (the one rule for both).

    Parameters
    ----------
    net : sim.network.RouteNetwork
    target_type : {"edge", "node", "route"}
    target : str
        ``"A->B"``, a node name, or ``"Route/Type"``.

    Returns
    -------
    edges : ndarray of int
        For a node: the border-crossing segments leaving it (a coast guard stops boats, not
        buses; a crackdown on a hub acts on its crossings, not on domestic travel); for a route:
        every edge carrying that label.
    nodes : ndarray of int
        The node itself for a node target, else empty.

    Raises
    ------
    KeyError
        If the target does not exist (the scenario loader checks this first).
    """
    if target_type == "edge":
        a, b = (s.strip() for s in target.split("->"))
        return np.array([net.edge_index[(a, b)]]), np.zeros(0, dtype=np.int64)
    if target_type == "node":
        n = net.index[target]
        edges = net.out_edges[n][~net.is_retreat[net.out_edges[n]]]
        return edges[net.has_border[edges]], np.array([n])
    route, typ = target.rsplit("/", 1)
    rt = net.route_types.index((route, typ))
    return np.flatnonzero(net.route_type == rt), np.zeros(0, dtype=np.int64)


class EnforcementState:
    """Today's enforcement effort, and what agencies saw yesterday.

    Parameters
    ----------
    src : ndarray of int, shape (E,)
        Source node of each edge.
    n_nodes : int

    Attributes
    ----------
    prevent, detect : ndarray of float, shape (E,)
        Non-EU-side and EU-side effort (dimensionless).
    barrier, return_add : ndarray of float, shape (E,)
        P(a group is stopped by a barrier); added P(returned | detected).
    death_mult : ndarray of float, shape (E,)
        Multiplier on death risk.
    arrest_node : ndarray of float, shape (N,)
        Effort on enterprises' arrest hazard at each node, the rule before consolidation (d): an
        edge or route target's arrest effort goes to its source nodes.
    arrest_at_node, arrest_edge : ndarray of float, shape (N,) and (E,)
        The same effort as consolidation (d) places it: node targets on their nodes, and an edge or
        route target's on the enterprises that sell those crossings, not on every enterprise at
        their source (a Greek surge on the Evros arrests the guides who cross it, not the smugglers
        in Edirne who sell the Bulgarian crossing).
    seen_det_yesterday, seen_prev_yesterday : ndarray of float, shape (E,)
        Persons detected, and crossings prevented, per edge yesterday (what adaptive agencies see).
    seen_det, seen_prev : ndarray of float, shape (E,)
        The same, accumulating today.
    """

    def __init__(self, src: np.ndarray, n_nodes: int):
        E = len(src)
        self.src = src
        self.prevent = np.zeros(E)
        self.detect = np.zeros(E)
        self.barrier = np.zeros(E)
        self.return_add = np.zeros(E)
        self.death_mult = np.ones(E)
        self.arrest_node = np.zeros(n_nodes)
        self.arrest_at_node = np.zeros(n_nodes)
        self.arrest_edge = np.zeros(E)
        self.seen_det_yesterday = np.zeros(E)
        self.seen_prev_yesterday = np.zeros(E)
        self.seen_det = np.zeros(E)
        self.seen_prev = np.zeros(E)

    def new_day(self) -> None:
        """No effort yet today; today's sightings become yesterday's."""
        for a in (self.prevent, self.detect, self.arrest_node, self.arrest_at_node, self.arrest_edge, self.barrier,
                  self.return_add):
            a[:] = 0.0
        self.death_mult[:] = 1.0
        self.seen_det_yesterday, self.seen_det = self.seen_det, self.seen_det_yesterday
        self.seen_prev_yesterday, self.seen_prev = self.seen_prev, self.seen_prev_yesterday
        self.seen_det[:] = 0.0
        self.seen_prev[:] = 0.0

    def add_standing(self, side: str, edges: np.ndarray, nodes: np.ndarray, effort: float) -> None:
        """Add an agency's standing ``effort`` on its edges (on its ``side``) and nodes."""
        np.add.at(self.prevent if side == "prevent" else self.detect, edges, effort)
        np.add.at(self.arrest_node, nodes, effort)
        np.add.at(self.arrest_at_node, nodes, effort)

    def apply_effect(self, eff, strength: float, edges: np.ndarray, nodes: np.ndarray) -> None:
        """Add an enforcement effect at ``strength`` (0-1) on ``edges`` and ``nodes``.

        Used by timeline events and by adaptive agencies' surges.

        Parameters
        ----------
        eff : sim.parameters.EventEffect
            The effect at full strength.
        strength : float
            The ramp's strength (0-1) times the event's magnitude (>= 0). Efforts scale with it;
            a barrier's probability too, up to 1; the death-risk multiplier's distance from 1 too,
            down to a multiplier of 0. The added return probability is clipped in :func:`crossing_odds`.
        edges, nodes : ndarray of int
            Targets. The arrest effort goes once to each node among ``nodes`` and the target
            edges' source nodes (``arrest_node``: a crackdown on a hub is one crackdown, however
            many segments leave it). As consolidation (d) places it: with target nodes, once to
            each of them (``arrest_at_node``); with edges only (an edge or route target), to the
            sellers of each target edge (``arrest_edge``).
        """
        s, e = strength, edges
        self.prevent[e] += s * eff.prevention_effort
        self.barrier[e] = 1 - (1 - self.barrier[e]) * (1 - min(1.0, s * eff.barrier))
        self.detect[e] += s * eff.detection_effort
        self.return_add[e] += s * eff.return_probability
        self.death_mult[e] *= max(0.0, 1 + s * (eff.death_risk_multiplier - 1))
        self.arrest_node[np.union1d(nodes, self.src[e]).astype(np.int64)] += s * eff.arrest_effort
        if len(nodes):  # consolidation (d): a node target (a hub crackdown) on the enterprises based there
            self.arrest_at_node[np.unique(np.asarray(nodes, dtype=np.int64))] += s * eff.arrest_effort
        else:  # an edge or route target on the enterprises that sell those crossings
            self.arrest_edge[e] += s * eff.arrest_effort


@dataclass
class CrossingOdds:
    """Today's probabilities per edge, shape (E,) each (DESIGN step 5).

    Attributes
    ----------
    prevent : P(a group is stopped on the non-EU side).
    detect : P(a crosser is detected on the EU side); 0 on edges without a Frontex label today.
    return_ : P(returned to the last non-EU node | detected).
    incident : P(a crossing group has a fatal incident).
    labelled : index of the edge's (route, type) label today, -1 if none.
    """

    prevent: np.ndarray
    detect: np.ndarray
    return_: np.ndarray
    incident: np.ndarray
    labelled: np.ndarray

    def failure(self) -> np.ndarray:
        """P(an attempt fails: prevented, or detected and returned), per edge."""
        return self.prevent + (1 - self.prevent) * (1 - self.incident) * self.detect * self.return_


def crossing_odds(net, state: EnforcementState, cp, day_ordinal: int) -> CrossingOdds:
    """Map today's effort to crossing probabilities.

    Parameters
    ----------
    net : sim.network.RouteNetwork
    state : EnforcementState
    cp : sim.parameters.CrossingParameters
    day_ordinal : int
        ``date.toordinal()`` of today (labels of new crossings start on a date).

    Returns
    -------
    CrossingOdds
    """
    pp = effort_probability(state.prevent, cp.prevention_per_effort)
    prevent = 1 - (1 - pp) * (1 - state.barrier)
    labelled = net.labelled_on(day_ordinal)
    base = np.where(net.mode == SEA, cp.base_detection_sea, cp.base_detection_land)
    detect = np.where(labelled >= 0, detection_probability(base, state.detect, cp.detection_per_effort), 0.0)
    return_ = np.clip(np.where(net.mode == SEA, cp.return_sea, cp.return_land) + state.return_add, 0, 1)
    incident = np.clip(net.death_risk * cp.death_risk_scale * state.death_mult, 0, 1)
    return CrossingOdds(prevent, detect, return_, incident, labelled)


def effort_lists(state: EnforcementState, consolidation: bool) -> tuple[np.ndarray, tuple[list, list, list]]:
    """Today's effort on enterprises, placed by the rule in force, as :func:`enterprise_effort` reads it.

    Parameters
    ----------
    state : EnforcementState
        Today's effort (after agencies and events have acted).
    consolidation : bool
        ``consolidation.enabled``. On (d): an event's arrest effort on a crossing falls on the
        enterprises that sell it (``prevent + arrest_edge`` per segment, ``arrest_at_node`` per
        node). Off, the rule before it: on every enterprise at the crossing's source (``prevent``
        per segment, ``arrest_node`` per node).

    Returns
    -------
    arrest_node : ndarray of float, shape (N,)
        Arrest effort (dimensionless) on the enterprises based at each node (the state's own array).
    lists : tuple of three lists of float
        Per-segment non-EU-side effort (length E), per-segment EU-side effort (length E) and
        per-node arrest effort (length N), as plain lists: the enterprises' per-agent arithmetic is
        faster on floats than on numpy scalars.
    """
    if consolidation:
        arrest_node, seg = state.arrest_at_node, state.prevent + state.arrest_edge
    else:
        arrest_node, seg = state.arrest_node, state.prevent
    return arrest_node, (seg.tolist(), state.detect.tolist(), arrest_node.tolist())


def enterprise_effort(home: int, segments: list[int], prevent: list[float], detect: list[float],
                      arrest_node: list[float], eu_side_weight: float) -> float:
    """Enforcement effort an enterprise faces (dimensionless).

    The effort on its node, plus the mean non-EU-side effort on its segments, plus
    ``eu_side_weight`` times their mean EU-side effort. With consolidation (d) on, the model passes
    as ``prevent`` the non-EU-side effort plus the events' arrest effort aimed at each segment
    (:attr:`EnforcementState.arrest_edge`), and as ``arrest_node`` ``arrest_at_node``. The effort arrays come as plain lists
    (per-agent arithmetic on floats is faster than on numpy scalars).
    """
    if len(segments) == 1:  # most enterprises: sum([x]) / 1 is 0.0 + x
        e = segments[0]
        return arrest_node[home] + (0.0 + prevent[e]) + eu_side_weight * (0.0 + detect[e])
    prevent_mean = sum(prevent[e] for e in segments) / len(segments)
    detect_mean = sum(detect[e] for e in segments) / len(segments)
    return arrest_node[home] + prevent_mean + eu_side_weight * detect_mean
