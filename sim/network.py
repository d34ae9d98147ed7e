"""The route graph built from a scenario's tables.

Nodes are places (origins, hubs, transit stops, departure points, EU arrival points, exits,
destinations); edges are segments. Distances are in km (great-circle times a road factor, see the
scenario README), times in days, fees in EUR per person, ``death_risk`` is the probability that a
crossing group has a fatal incident. Only edges that enter the EU carry a Frontex route and type.

:class:`RouteNetwork` keeps the ``networkx.DiGraph`` for drawing and analysis, and flat numpy arrays of
the same edges for the vectorised market and crossing phases.

Market nodes are hubs and departure points: migrants buy passage there from enterprises. Leaving
any other node, migrants travel on their own at the segment's base fee. Each departure point also
gets a *retreat* edge back to each hub that feeds it (land, same time, a tenth of the fee, never
labelled) so that migrants stranded by enforcement can reroute; these are marked ``retreat=True``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import networkx as nx
import numpy as np

from sim.labels import MODES, text

__all__ = ["RouteNetwork", "build_graph", "node_kinds", "haversine_km", "upstream_markets"]



def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km (WGS84 mean radius 6371.0088 km).

    Examples
    --------
    >>> round(float(haversine_km(0, 0, 0, 1)), 1)
    111.2
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dl = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(a))


def node_kinds(row) -> frozenset[str]:
    """The set of kinds of a node row (``kind`` may be ``"hub;origin"`` or a collection)."""
    k = row.kind
    if isinstance(k, str):
        return frozenset(s.strip() for s in k.split(";") if s.strip())
    return frozenset(str(getattr(x, "value", x)) for x in k)


def build_graph(scenario) -> nx.DiGraph:
    """Build the route graph of a scenario.

    Parameters
    ----------
    scenario : sim.scenario.Scenario
        A validated scenario (its ``nodes`` and ``segments`` rows).

    Returns
    -------
    networkx.DiGraph
        Node attributes: ``country``, ``lat``, ``lon`` (degrees WGS84), ``kinds`` (frozenset),
        ``market`` (bool). Edge attributes: the segment columns plus ``retreat`` (bool).
    """
    G = nx.DiGraph(name=scenario.name)
    for row in scenario.nodes:
        kinds = node_kinds(row)
        G.add_node(
            row.name,
            country=row.country_iso2,
            lat=float(row.lat),
            lon=float(row.lon),
            kinds=kinds,
            market=bool(kinds & {"hub", "departure"}),
        )
    for s in scenario.segments:
        G.add_edge(
            s.source,
            s.target,
            mode=text(s.mode),
            distance_km=float(s.distance_km),
            travel_days=float(s.travel_days),
            base_fee_eur=float(s.base_fee_eur),
            death_risk=float(s.death_risk),
            frontex_route=text(s.frontex_route),
            frontex_type=text(s.frontex_type),
            border=text(s.border),
            labelled_from=s.labelled_from,
            first_reported=s.first_reported,
            closed_from=s.closed_from,
            vessel_eur=float(s.vessel_eur or 0.0),
            retreat=False,
        )
    retreat_share = scenario.parameters.network.retreat_fee_share
    for n, data in list(G.nodes(data=True)):
        if "departure" not in data["kinds"]:
            continue
        for p in sorted(G.predecessors(n)):
            if "hub" in G.nodes[p]["kinds"] and not G.has_edge(n, p):
                e = G.edges[p, n]
                G.add_edge(
                    n, p, mode="land", distance_km=e["distance_km"], travel_days=e["travel_days"],
                    base_fee_eur=round(retreat_share * e["base_fee_eur"], 2), death_risk=0.0, frontex_route="",
                    frontex_type="", border="", labelled_from=None, first_reported=None, closed_from=None, vessel_eur=0.0, retreat=True,
                )
    return G


def _ordinal(value) -> int:
    """Day ordinal of an optional date (a ``date`` or an ISO string); 0 for None (always)."""
    if value is None:
        return 0
    return value.toordinal() if isinstance(value, date) else date.fromisoformat(str(value)).toordinal()


@dataclass
class RouteNetwork:
    """Flat arrays of the route graph for vectorised phases.

    Attributes
    ----------
    graph : networkx.DiGraph
    nodes : list of str, length N
    src, dst : ndarray of int, shape (E,)
    mode : ndarray of int, shape (E,), index into ``MODES``
    travel_days, base_fee_eur, death_risk, distance_km : ndarray of float, shape (E,)
    route_type : ndarray of int, shape (E,); index into ``route_types`` or -1 (unlabelled)
    labelled_from : ndarray of int, shape (E,); day ordinal from which the label applies (0 = always)
    first_reported : ndarray of int, shape (E,); day ordinal a source first reports the service (0 = before
        any run; :func:`sim.enterprises.seed_enterprises` sells on the first day only those reported by then)
    closed_from : ndarray of int, shape (E,); day ordinal from which no migrant can travel the segment (0 = never;
        :meth:`open_on`)
    vessel_eur : ndarray of float, shape (E,); capital a seller needs before it first sells the segment (EUR; 0 =
        none; charged with ``supply.vessel_capital``, :func:`sim.supply.vessel_cost_eur`)
    route_types : list of (route, type)
    is_market : ndarray of bool, shape (N,)
    smuggled : ndarray of bool, shape (E,); sold by enterprises (leaves a market node, not by air)
    has_border : ndarray of bool, shape (E,); crosses an international border
    is_forward : ndarray of bool, shape (E,); leads out of a strongly connected component of the graph
        without retreat edges, so that no sequence of segments can come back to its start (the cycles
        of the reference graph are among EU cities and on the Balkan loop that the intra-EU return
        edge Budapest->Sofia closes; elsewhere the graph is acyclic)
    """

    graph: nx.DiGraph
    nodes: list[str]
    index: dict[str, int]
    src: np.ndarray
    dst: np.ndarray
    mode: np.ndarray
    travel_days: np.ndarray
    base_fee_eur: np.ndarray
    death_risk: np.ndarray
    distance_km: np.ndarray
    route_type: np.ndarray
    labelled_from: np.ndarray
    route_types: list[tuple[str, str]]
    edge_names: list[str]
    edge_index: dict[tuple[str, str], int]
    is_market: np.ndarray
    is_retreat: np.ndarray
    smuggled: np.ndarray
    has_border: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    kinds: list[frozenset[str]]
    is_forward: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    out_edges: list[np.ndarray] = field(default_factory=list)
    first_reported: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    closed_from: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    vessel_eur: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @classmethod
    def from_scenario(cls, scenario, route_types: list[tuple[str, str]]) -> RouteNetwork:
        """Build the arrays from a scenario; ``route_types`` fixes the label order."""
        G = build_graph(scenario)
        nodes = list(G.nodes)
        index = {n: i for i, n in enumerate(nodes)}
        edges = list(G.edges(data=True))
        rt_index = {rt: i for i, rt in enumerate(route_types)}
        E = len(edges)
        src = np.array([index[u] for u, _, _ in edges], dtype=np.int64)
        dst = np.array([index[v] for _, v, _ in edges], dtype=np.int64)
        mode = np.array([MODES.index(d["mode"]) for _, _, d in edges], dtype=np.int64)
        rtype = np.full(E, -1, dtype=np.int64)
        lf = np.zeros(E, dtype=np.int64)
        for i, (_, _, d) in enumerate(edges):
            if d["frontex_route"]:
                rtype[i] = rt_index[(d["frontex_route"], d["frontex_type"])]
                lf[i] = _ordinal(d["labelled_from"])
        is_market = np.array([G.nodes[n]["market"] for n in nodes], dtype=bool)
        retreat = np.array([d["retreat"] for _, _, d in edges], dtype=bool)
        smuggled = is_market[src] & (mode != MODES.index("air")) & ~retreat
        net = cls(
            graph=G,
            nodes=nodes,
            index=index,
            src=src,
            dst=dst,
            mode=mode,
            travel_days=np.array([d["travel_days"] for _, _, d in edges], dtype=float),
            base_fee_eur=np.array([d["base_fee_eur"] for _, _, d in edges], dtype=float),
            death_risk=np.array([d["death_risk"] for _, _, d in edges], dtype=float),
            distance_km=np.array([d["distance_km"] for _, _, d in edges], dtype=float),
            route_type=rtype,
            labelled_from=lf,
            route_types=list(route_types),
            edge_names=[f"{u}->{v}" for u, v, _ in edges],
            edge_index={(u, v): i for i, (u, v, _) in enumerate(edges)},
            is_market=is_market,
            is_retreat=retreat,
            smuggled=smuggled,
            has_border=np.array([bool(d["border"]) for _, _, d in edges], dtype=bool),
            lat=np.array([G.nodes[n]["lat"] for n in nodes]),
            lon=np.array([G.nodes[n]["lon"] for n in nodes]),
            kinds=[G.nodes[n]["kinds"] for n in nodes],
        )
        net.out_edges = [np.flatnonzero(src == i) for i in range(len(nodes))]
        net.first_reported = np.array([_ordinal(d["first_reported"]) for _, _, d in edges], dtype=np.int64)
        net.closed_from = np.array([_ordinal(d["closed_from"]) for _, _, d in edges], dtype=np.int64)
        net.vessel_eur = np.array([d["vessel_eur"] for _, _, d in edges], dtype=float)
        ahead = nx.DiGraph()
        ahead.add_nodes_from(range(len(nodes)))
        ahead.add_edges_from((int(u), int(v)) for u, v, r in zip(src, dst, retreat, strict=True) if not r)
        component = np.zeros(len(nodes), dtype=np.int64)
        for c, members in enumerate(nx.strongly_connected_components(ahead)):
            component[list(members)] = c
        net.is_forward = (component[src] != component[dst]) & ~retreat
        return net

    @property
    def n_nodes(self) -> int:
        return len(self.nodes)

    @property
    def n_edges(self) -> int:
        return len(self.src)

    def labelled_on(self, day_ordinal: int) -> np.ndarray:
        """Route/type index of each edge on a day (-1 where unlabelled then), shape (E,)."""
        return np.where(self.labelled_from <= day_ordinal, self.route_type, -1)

    def open_on(self, day_ordinal: int) -> np.ndarray:
        """Whether each edge can be travelled on a day (False from its ``closed_from``), shape (E,) bool."""
        closed = self.closed_from if len(self.closed_from) else np.zeros(self.n_edges, dtype=np.int64)
        return (closed == 0) | (closed > day_ordinal)

    def nodes_of_kind(self, kind: str) -> np.ndarray:
        """Indices of nodes having ``kind``."""
        return np.array([i for i, k in enumerate(self.kinds) if kind in k], dtype=np.int64)


def upstream_markets(net) -> np.ndarray:
    """``up[a, b] = 1`` where a smuggled, non-retreat segment leads from node a to node b (a != b).

    The markets one segment upstream of a market (the hub that feeds a departure point), whose
    members recruit for it with ``supply.upstream_recruit_weight``. Shape (N, N), float.
    """
    up = np.zeros((net.n_nodes, net.n_nodes))
    fwd = net.smuggled & ~net.is_retreat
    up[net.src[fwd], net.dst[fwd]] = 1.0
    np.fill_diagonal(up, 0.0)
    return up
