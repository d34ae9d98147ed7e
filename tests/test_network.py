"""Route network built from the tiny scenario: retreat edges, smuggled flags, labels over time."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from conftest import with_segment

from sim.network import MODES, RouteNetwork, build_graph
from sim.observed import ROUTE_TYPES


def network(scenario) -> RouteNetwork:
    return RouteNetwork.from_scenario(scenario, list(ROUTE_TYPES))


def edges_where(net: RouteNetwork, mask: np.ndarray) -> set[str]:
    return {net.edge_names[e] for e in np.flatnonzero(mask)}


def test_retreat_edges_from_departure_points_to_feeding_hubs(tiny_scenario):
    net = network(tiny_scenario)
    # departure points: Izmir (fed by the hub Istanbul) and Edirne (fed by Istanbul)
    assert edges_where(net, net.is_retreat) == {"Izmir->Istanbul", "Edirne->Istanbul"}
    assert net.n_edges == len(tiny_scenario.segments) + 2
    G = build_graph(tiny_scenario)
    for a, b, fee in (("Izmir", "Istanbul", 50.0), ("Edirne", "Istanbul", 100.0)):
        e = net.edge_index[(a, b)]
        forward = G.edges[b, a]
        assert net.mode[e] == MODES.index("land")
        assert net.base_fee_eur[e] == pytest.approx(0.1 * fee)
        assert net.travel_days[e] == forward["travel_days"]
        assert net.death_risk[e] == 0.0
        assert not net.has_border[e]


def test_retreat_edges_are_never_labelled(tiny_scenario):
    net = network(tiny_scenario)
    assert (net.route_type[net.is_retreat] == -1).all()
    for day in (date(2000, 1, 1), date(2012, 6, 1), date(2030, 1, 1)):
        assert (net.labelled_on(day.toordinal())[net.is_retreat] == -1).all()


def test_no_retreat_where_the_reverse_segment_exists(tiny_scenario):
    """A real Izmir->Istanbul segment replaces the retreat edge; it is not flagged as retreat."""
    seg = next(s for s in tiny_scenario.segments if s.edge == "Istanbul->Izmir")
    back = seg.model_copy(update={"source": "Izmir", "target": "Istanbul", "base_fee_eur": 70.0})
    sc = tiny_scenario.with_overrides(segments=[*tiny_scenario.segments, back])
    net = network(sc)
    assert edges_where(net, net.is_retreat) == {"Edirne->Istanbul"}
    e = net.edge_index[("Izmir", "Istanbul")]
    assert net.base_fee_eur[e] == 70.0
    # it leaves a market node by land: enterprises sell it
    assert net.smuggled[e]


def test_smuggled_edges_leave_market_nodes_not_by_air_and_not_retreat(tiny_scenario):
    net = network(tiny_scenario)
    assert edges_where(net, net.smuggled) == {
        "Istanbul->Izmir", "Istanbul->Edirne", "Izmir->Lesvos", "Edirne->Orestiada",
    }
    # Athens is a hub but its segments are flights; Damascus and Lesvos are not market nodes
    for name in ("Athens->Berlin", "Athens->Oslo", "Damascus->Istanbul", "Lesvos->Athens"):
        assert not net.smuggled[net.edge_names.index(name)]
    assert not (net.smuggled & net.is_retreat).any()
    market = {net.nodes[i] for i in np.flatnonzero(net.is_market)}
    assert market == {"Istanbul", "Izmir", "Edirne", "Athens"}


def test_route_types_of_eu_entry_edges(tiny_scenario):
    net = network(tiny_scenario)
    labelled = {net.edge_names[e]: net.route_types[net.route_type[e]]
                for e in np.flatnonzero(net.route_type >= 0)}
    assert labelled == {
        "Izmir->Lesvos": ("Eastern Mediterranean", "Sea"),
        "Edirne->Orestiada": ("Eastern Mediterranean", "Land"),
    }


def test_labelled_on_respects_labelled_from(tiny_scenario):
    start = date(2012, 7, 1)
    net = network(with_segment(tiny_scenario, "Edirne->Orestiada", labelled_from=start))
    evros = net.edge_index[("Edirne", "Orestiada")]
    aegean = net.edge_index[("Izmir", "Lesvos")]
    land = ROUTE_TYPES.index(("Eastern Mediterranean", "Land"))
    sea = ROUTE_TYPES.index(("Eastern Mediterranean", "Sea"))
    before = net.labelled_on(start.toordinal() - 1)
    on = net.labelled_on(start.toordinal())
    after = net.labelled_on(date(2013, 1, 1).toordinal())
    assert before[evros] == -1
    assert on[evros] == land and after[evros] == land
    # an edge without labelled_from is labelled on every day
    assert before[aegean] == on[aegean] == sea
    assert net.labelled_on(date(1990, 1, 1).toordinal())[aegean] == sea
    # only the two EU-entry edges are ever labelled
    assert (after >= 0).sum() == 2
    assert (before >= 0).sum() == 1


def test_nodes_of_kind_and_out_edges(tiny_scenario):
    net = network(tiny_scenario)
    dep = {net.nodes[i] for i in net.nodes_of_kind("departure")}
    assert dep == {"Izmir", "Edirne"}
    ist = net.index["Istanbul"]
    assert {net.edge_names[e] for e in net.out_edges[ist]} == {"Istanbul->Izmir", "Istanbul->Edirne"}
    assert all((net.src[net.out_edges[i]] == i).all() for i in range(net.n_nodes))


def test_forward_edges_cannot_lead_back(tiny_scenario):
    """An edge is forward when it leaves a strongly connected component of the graph without retreat
    edges: the Turkish hubs' segments are forward, retreat edges never, and segments inside a cycle
    of EU cities never (there the closer-only rule keeps migrants from wandering)."""
    import networkx as nx

    net = RouteNetwork.from_scenario(tiny_scenario, ROUTE_TYPES)
    names = net.edge_names
    assert not net.is_forward[net.is_retreat].any()
    G = nx.DiGraph([(int(u), int(v)) for u, v, r in zip(net.src, net.dst, net.is_retreat, strict=True) if not r])
    for e in range(net.n_edges):
        if net.is_retreat[e]:
            continue
        # forward exactly when no path leads from the edge's end back to its start
        back = nx.has_path(G, int(net.dst[e]), int(net.src[e]))
        assert net.is_forward[e] == (not back), names[e]
    assert net.is_forward[net.edge_index[("Izmir", "Lesvos")]]
    assert net.is_forward[net.edge_index[("Edirne", "Orestiada")]]


def test_reference_graph_has_cycles_only_inside_the_eu_and_the_balkans():
    from pathlib import Path

    from sim.scenario import load_scenario

    sc = load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "baseline_2014.yaml")
    net = RouteNetwork.from_scenario(sc, ROUTE_TYPES)
    inner = ~net.is_forward & ~net.is_retreat
    on_cycles = {net.nodes[n] for e in np.flatnonzero(inner) for n in (net.src[e], net.dst[e])}
    # the cycles: among EU destination cities, and the Balkan loop that the intra-EU return edge
    # Budapest->Sofia closes (Sofia, Kalotina, Dimitrovgrad, Belgrade, Serbia-Hungary, Budapest)
    assert {"Munich", "Berlin", "Sofia", "Belgrade", "Budapest"} <= on_cycles
    assert not on_cycles & {"Istanbul", "Izmir", "Edirne", "Tripoli", "Zuwara", "Agadez", "Athens", "Tangier"}
    # every segment out of Turkey is forward: the Aegean and the land border are both open choices
    for a, b in [("Istanbul", "Izmir"), ("Istanbul", "Edirne"), ("Edirne", "Svilengrad"), ("Cesme", "Chios")]:
        assert net.is_forward[net.edge_index[(a, b)]], (a, b)
    assert not net.is_forward[net.edge_index[("Munich", "Berlin")]]


def test_first_reported_is_a_day_ordinal_and_zero_when_empty(tiny_scenario):
    reported = date(2014, 7, 1)
    net = network(with_segment(tiny_scenario, "Izmir->Lesvos", first_reported=reported))
    aegean = net.edge_index[("Izmir", "Lesvos")]
    assert net.first_reported.shape == (net.n_edges,)
    assert net.first_reported[aegean] == reported.toordinal()
    others = np.delete(np.arange(net.n_edges), aegean)
    assert (net.first_reported[others] == 0).all()  # retreat edges too: never reported later


def test_first_reported_round_trips_through_the_resolved_scenario(tmp_path, tiny_scenario):
    """A results folder's resolved scenario keeps first_reported (same hash); unused, the column is left out of it
    and out of the hash, as before it existed."""
    from sim.scenario import load_scenario
    from sim.scenario.resolved import RESOLVED_YAML, resolved_files

    plain = resolved_files(tiny_scenario)["scenario.resolved/segments.csv"].splitlines()[0]
    assert plain.endswith(",labelled_from,note")
    sc = with_segment(tiny_scenario, "Izmir->Lesvos", first_reported=date(2012, 6, 1))
    assert sc.scenario_hash() != tiny_scenario.scenario_hash()
    for rel, text in resolved_files(sc).items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    again = load_scenario(tmp_path / RESOLVED_YAML)
    assert {s.edge: s.first_reported for s in again.segments if s.first_reported} == {"Izmir->Lesvos": date(2012, 6, 1)}
    assert again.scenario_hash() == sc.scenario_hash()


def test_open_on_closes_a_segment_from_its_closed_from(tiny_scenario):
    closed = date(2013, 7, 8)
    net = network(with_segment(tiny_scenario, "Athens->Berlin", closed_from=closed))
    flight = net.edge_index[("Athens", "Berlin")]
    assert net.open_on(closed.toordinal() - 1).all()
    on = net.open_on(closed.toordinal())
    assert not on[flight] and on.sum() == net.n_edges - 1
    assert network(tiny_scenario).open_on(date(2100, 1, 1).toordinal()).all()  # empty: never closed
