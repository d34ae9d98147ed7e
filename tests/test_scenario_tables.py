"""Sanity tests of the reference scenario's tables (scenarios/tables/*.csv) and route graph.

Graph checks use networkx on the tables directly (no model code): connectivity from every
origin to destinations, Frontex labels only on EU-entry edges, the rules of scenarios/README.md
for distances, times, fees and death risks, and the names used by agencies and events.
"""

import math
import re
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from sim import observed

REPO = Path(__file__).resolve().parents[1]
TABLES = REPO / "scenarios" / "tables"

#: EU-28 member states in 2014 (ISO2). Croatia joined on 2013-07-01.
EU28 = set(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE GB".split()
)
KINDS = {"origin", "hub", "transit", "departure", "arrival", "exit", "destination"}
COLUMNS = {
    "nodes": ["name", "country_iso2", "lat", "lon", "kind", "note"],
    "segments": [
        "source", "target", "mode", "distance_km", "travel_days", "base_fee_eur", "death_risk",
        "frontex_route", "frontex_type", "border", "labelled_from", "note", "first_reported", "closed_from",
        "vessel_eur",
    ],
    "origin_groups": [
        "origin_group", "budget_median_eur", "budget_sigma", "female_share", "minor_share",
        "risk_tolerance_mean", "note",
    ],
    "destinations": ["origin_group", "destination", "weight", "note"],
    "demand": ["month", "origin_group", "origin", "persons_detected"],
    "agencies": [
        "agency", "country_iso2", "side", "target_type", "target", "effort", "effort_low",
        "effort_high", "policy", "note", "detention_days", "detention_places",
    ],
    "events": [
        "start", "full_effect", "end", "kind", "target_type", "target", "description",
        "source_quality", "magnitude", "effort", "detention_days", "detention_places",
    ],
    "nationality_origins": ["nat_iso3", "origin_group", "origin", "weight", "note"],
}
ROAD_FACTOR = {"land": 1.3, "sea": 1.0, "air": 1.0}
#: EUR per km of the ``desert`` class (scenarios/README.md, "Fees"); ``eu_land`` edges without a
#: range pay it plus EUR 100 for the border.
DESERT_RATE = 338 / 1930
#: Press ranges (EUR per person) used for 2012-2014 fees that ``smuggling_fees.csv`` has no row
#: for, as cited in scenarios/README.md ("Checks of the graph against 2012-2014 sources").
PRESS_FEES = {
    ("Patras", "Rome"): (500, 1000),  # hidden in lorries at Patras, Kathimerini, 2015
    ("Budapest", "Vienna"): (400, 600),  # car, Hungary to western Europe, July 2014-February 2015
}


def _read(name):
    return pd.read_csv(TABLES / f"{name}.csv", keep_default_na=False, na_values=[""])


def _kinds(kind):
    return set(kind.split(";"))


def _gc_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(
        math.radians(lon2 - lon1) / 2
    ) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def t():
    return {name: _read(name) for name in COLUMNS}


@pytest.fixture(scope="module")
def graph(t):
    g = nx.DiGraph()
    for r in t["nodes"].itertuples(index=False):
        g.add_node(r.name, country=r.country_iso2, kinds=_kinds(r.kind), lat=r.lat, lon=r.lon)
    for r in t["segments"].itertuples(index=False):
        g.add_edge(r.source, r.target, **r._asdict())
    return g


@pytest.fixture(scope="module")
def segs(t, graph):
    s = t["segments"].copy()
    s["src_c"] = s.source.map(lambda n: graph.nodes[n]["country"])
    s["dst_c"] = s.target.map(lambda n: graph.nodes[n]["country"])
    s["labelled"] = s.frontex_route.notna()
    return s


def test_columns_exactly_as_architecture(t):
    for name, cols in COLUMNS.items():
        assert list(t[name].columns) == cols, name


def test_nodes(t):
    nodes = t["nodes"]
    assert len(nodes) >= 60
    assert nodes.name.is_unique
    assert not nodes.name.str.contains("->").any()
    assert nodes.kind.map(lambda k: _kinds(k) <= KINDS).all()
    assert nodes.country_iso2.str.fullmatch(r"[A-Z]{2}").all()
    assert nodes.lat.between(-90, 90).all() and nodes.lon.between(-180, 180).all()
    places = observed.places()
    hubs = set(places[places.kind.map(lambda k: "hub" in _kinds(k))].name)
    assert hubs <= set(nodes.name)
    # shipped places keep their coordinates and country
    merged = places.merge(nodes, on="name", suffixes=("_p", "_n"))
    assert (merged.lat_p == merged.lat_n).all() and (merged.lon_p == merged.lon_n).all()
    assert (merged.country_iso2_p == merged.country_iso2_n).all()
    # an added place says where it comes from
    added = nodes[~nodes.name.isin(places.name)]
    assert added.note.str.contains("added").all()


def test_substitutable_market_hubs(t, graph):
    regions = {
        "Turkey": ["Istanbul", "Izmir", "Van", "Gaziantep"],
        "Libya": ["Sabha", "Tripoli", "Benghazi"],
        "Sahara": ["Agadez", "Gao", "Tamanrasset"],
        "Balkans": ["Skopje", "Belgrade", "Zagreb"],
        "Morocco": ["Oujda", "Rabat"],
    }
    for region, hubs in regions.items():
        for h in hubs:
            assert "hub" in graph.nodes[h]["kinds"], (region, h)
            assert graph.out_degree(h) >= 1, (region, h)
    # the carrying hub is a choice: e.g. from Bamako both Agadez and Gao lead on
    assert nx.has_path(graph, "Bamako", "Agadez") and nx.has_path(graph, "Bamako", "Gao")
    assert nx.has_path(graph, "Aleppo", "Istanbul") and nx.has_path(graph, "Aleppo", "Izmir")
    # Libya can be reached from the Sahara through Sabha and from the east through Benghazi
    assert graph.has_edge("Kufra", "Sabha") and graph.has_edge("Kufra", "Benghazi")


def test_segments_reference_known_nodes_and_are_unique(t, graph):
    s = t["segments"]
    names = set(t["nodes"].name)
    assert set(s.source) <= names and set(s.target) <= names
    assert not s.duplicated(["source", "target"]).any()
    assert (s.source != s.target).all()
    assert set(s["mode"]) <= {"land", "sea", "air"}
    # every node is used by some segment
    assert set(s.source) | set(s.target) == names


def test_every_origin_reaches_a_destination_through_markets(t, graph):
    dests = {n for n, d in graph.nodes(data=True) if "destination" in d["kinds"]}
    markets = {n for n, d in graph.nodes(data=True) if d["kinds"] & {"hub", "departure"}}
    for origin in t["demand"].origin.unique():
        reach = nx.descendants(graph, origin)
        assert reach & dests, origin
        # a path to a destination passes at least one market node (or starts at one)
        d = sorted(reach & dests)[0]
        path = nx.shortest_path(graph, origin, d)
        assert set(path) & markets, (origin, path)


def test_group_destinations_reachable_from_the_groups_origins(t, graph):
    dst = t["destinations"]
    for group, sub in t["demand"].groupby("origin_group"):
        rows = dst[dst.origin_group == group]
        if rows.empty:
            rows = dst[dst.origin_group == "*"]
        for origin in sub.origin.unique():
            for d in rows.destination:
                assert nx.has_path(graph, origin, d), (group, origin, d)


def test_frontex_labels_only_on_eu_entry_edges(segs):
    entry = segs[~segs.src_c.isin(EU28) & segs.dst_c.isin(EU28)]
    # each EU-entry edge has a label and a border
    assert entry.labelled.all(), entry[~entry.labelled][["source", "target"]]
    assert entry.frontex_type.notna().all() and entry.border.notna().all()
    # each labelled edge is an EU entry (2014 membership)
    assert segs[segs.labelled].index.isin(entry.index).all()
    # labels are canonical pairs; all ten pairs appear
    pairs = set(zip(entry.frontex_route, entry.frontex_type, strict=True))
    assert pairs == set(observed.ROUTE_TYPES)
    # border names the two countries of a labelled edge
    assert (entry.border == entry.src_c + "-" + entry.dst_c).all()


def test_exits_and_intra_eu_moves_carry_no_label(segs):
    for a, b in [("Idomeni", "Gevgelija"), ("Kalotina", "Dimitrovgrad"), ("Patras", "Rome")]:
        row = segs[(segs.source == a) & (segs.target == b)]
        assert len(row) == 1 and not row.labelled.iloc[0], (a, b)
    intra = segs[segs.src_c.isin(EU28) & segs.dst_c.isin(EU28)]
    assert not intra.labelled.any()
    outside = segs[~segs.src_c.isin(EU28) & ~segs.dst_c.isin(EU28)]
    assert not outside.labelled.any()
    assert segs[segs.src_c.isin(EU28) & ~segs.dst_c.isin(EU28)].labelled.sum() == 0


def test_specific_labels(segs):
    lab = segs.set_index(["source", "target"])
    assert tuple(lab.loc[("Edirne", "Orestiada"), ["frontex_route", "frontex_type", "border"]]) == (
        "Eastern Mediterranean", "Land", "TR-GR")  # Evros counts Land
    assert tuple(lab.loc[("Edirne", "Svilengrad"), ["frontex_route", "border"]]) == (
        "Eastern Mediterranean", "TR-BG")
    assert lab.loc[("Horgos", "Roszke"), "frontex_route"] == "Western Balkan"
    assert lab.loc[("Sid", "Tovarnik"), "labelled_from"] == "2013-07-01"
    assert segs.labelled_from.dropna().tolist() == ["2013-07-01"]
    assert tuple(lab.loc[("Mersin", "Reggio Calabria"), ["frontex_route", "mode"]]) == (
        "Central Mediterranean", "sea")
    # the cargo ships from Mersin: first reported in July 2014 (Frontex via EUobserver, 6 Jan 2015),
    # the only service not sold on a 2012 run's first day
    assert segs.first_reported.dropna().tolist() == ["2014-07-01"]
    assert lab.loc[("Mersin", "Reggio Calabria"), "first_reported"] == "2014-07-01"
    # the flight Syrians took to Egypt closes on 8 July 2013 (Egypt's visa requirement); the only closure
    assert segs.closed_from.dropna().tolist() == ["2013-07-08"]
    assert lab.loc[("Damascus", "Cairo"), "closed_from"] == "2013-07-08"
    assert lab.loc[("Alexandria", "Augusta"), "frontex_route"] == "Central Mediterranean"
    assert lab.loc[("Tangier", "Ceuta"), "frontex_type"] == "Land"
    assert lab.loc[("Kakavia", "Ioannina"), "frontex_route"] == "Circular route from Albania to Greece"


def test_minor_routes_are_minimal_chains(segs):
    counts = segs[segs.labelled].groupby("frontex_route").size()
    assert counts["Black Sea"] == 1
    assert counts["Circular route from Albania to Greece"] == 1
    assert counts["Eastern Borders"] == 2
    assert counts["Western African"] == 2


def test_distance_and_travel_time_rules(segs, graph):
    for r in segs.itertuples(index=False):
        a, b = graph.nodes[r.source], graph.nodes[r.target]
        km = _gc_km(a["lat"], a["lon"], b["lat"], b["lon"]) * ROAD_FACTOR[r.mode]
        assert r.distance_km == round(km), (r.source, r.target)
        assert r.travel_days >= 1 and float(r.travel_days).is_integer()
        if r.mode == "air":
            assert r.travel_days == 1
    # the slowest speed (desert, 250 km/day) bounds every land edge
    land = segs[segs["mode"] == "land"]
    assert (land.travel_days <= land.distance_km.map(lambda d: max(1, math.ceil(d / 250)))).all()


def test_fees_inside_the_observed_ranges(segs):
    fees = observed.smuggling_fees().set_index("segment")
    lab = segs.set_index(["source", "target"])

    def inside(edges, segment):
        lo, hi = fees.loc[segment, "low_eur"], fees.loc[segment, "high_eur"]
        for e in edges:
            assert lo <= lab.loc[e, "base_fee_eur"] <= hi, (e, segment)

    libya = [(d, a) for d in ("Zuwara", "Sabratha", "Garabulli")
             for a in ("Lampedusa", "Pozzallo", "Augusta", "Valletta")]
    inside(libya, "Libya to Italy (sea)")
    inside([("Bodrum", "Kos"), ("Ayvalik", "Mytilene"), ("Cesme", "Chios"), ("Kusadasi", "Samos")],
           "Turkey to Greek islands (Aegean)")
    # the Serbia-Hungary range of smuggling_fees.csv is 2016 (after the fence): 2012-2014 fees
    # follow the eu_land rule, as every EU-entry land crossing without a range of the period
    for e in [("Horgos", "Roszke"), ("Subotica", "Roszke"), ("Sid", "Tovarnik"), ("Edirne", "Svilengrad")]:
        assert lab.loc[e, "base_fee_eur"] == round(DESERT_RATE * lab.loc[e, "distance_km"] + 100), e
    for e, (lo, hi) in PRESS_FEES.items():
        assert lo <= lab.loc[e, "base_fee_eur"] <= hi, e
    # Budapest->Vienna: not the 2015 row "Budapest to Austria (car)" (EUR 750) but the midpoint of
    # EUR 400-600, car trips from Hungary to western Europe, 2014-2015 (press; scenarios/README.md,
    # check 5), below the 2015 figure
    assert lab.loc[("Budapest", "Vienna"), "base_fee_eur"] == (400 + 600) / 2
    assert lab.loc[("Budapest", "Vienna"), "base_fee_eur"] < fees.loc["Budapest to Austria (car)", "low_eur"]
    inside([("Nador", "Almeria"), ("Tangier", "Tarifa")], "Morocco to Spain (Strait or Alboran)")
    inside([("Nouadhibou", "Las Palmas"), ("Tarfaya", "Las Palmas")], "Morocco to Canary Islands")
    inside([("Mersin", "Reggio Calabria")], "Mersin to Italy (cargo ship)")
    chain = [("Agadez", "Dirkou"), ("Dirkou", "Al Qatrun"), ("Al Qatrun", "Sabha")]
    total = sum(lab.loc[e, "base_fee_eur"] for e in chain)
    assert fees.loc["Agadez to Sabha", "low_eur"] <= total <= fees.loc["Agadez to Sabha", "high_eur"]
    # whole legs
    wa = lab.loc[("Bamako", "Agadez"), "base_fee_eur"] + total
    assert fees.loc["West Africa to Libya (whole leg)", "low_eur"] <= wa
    assert wa <= fees.loc["West Africa to Libya (whole leg)", "high_eur"]
    horn = lab.loc[("Asmara", "Khartoum"), "base_fee_eur"] + lab.loc[("Khartoum", "Kufra"), "base_fee_eur"]
    lo, hi = fees.loc["Horn of Africa to Libya via Khartoum", ["low_eur", "high_eur"]]
    assert lo <= horn <= hi
    assert (segs.base_fee_eur > 0).all()


def test_death_risk_priors(segs):
    assert segs.death_risk.between(0, 1, inclusive="left").all()
    sea = segs[(segs["mode"] == "sea") & segs.labelled]
    cm = sea[(sea.frontex_route == "Central Mediterranean") & (sea.source != "Mersin")]
    aegean = sea[sea.frontex_route == "Eastern Mediterranean"]
    assert cm.death_risk.min() > aegean.death_risk.max()
    desert = segs[segs.note.str.startswith("desert")]
    assert len(desert) >= 8 and (desert.death_risk > 0).all()
    land = segs[(segs["mode"] == "land") & ~segs.note.str.startswith("desert")]
    assert land.death_risk.max() <= 0.002
    assert (segs[segs["mode"] == "air"].death_risk == 0).all()


def test_origin_groups(t):
    og = t["origin_groups"]
    groups = set(observed.nationality_groups().origin_group) - {"Other and unknown"}
    assert set(og.origin_group) == groups and len(og) == 14
    assert (og.budget_median_eur > 0).all() and og.budget_sigma.between(0, 2).all()
    for col in ("female_share", "minor_share", "risk_tolerance_mean"):
        assert og[col].between(0, 1).all(), col
    b = og.set_index("origin_group").budget_median_eur
    assert b["Syria"] > b["West and Central Africa"] and b["Iraq and Iran"] > b["West and Central Africa"]
    assert set(t["demand"].origin_group) == groups


def test_destinations(t, graph):
    dst = t["destinations"]
    assert (dst.origin_group == "*").any()
    assert set(dst.origin_group) - {"*"} <= set(t["origin_groups"].origin_group)
    assert dst.destination.map(lambda n: "destination" in graph.nodes[n]["kinds"]).all()
    assert (dst.weight > 0).all()
    assert not dst.duplicated(["origin_group", "destination"]).any()
    default = dst[dst.origin_group == "*"].set_index("destination").weight
    asylum = pd.read_csv(REPO / "sim" / "data" / "asylum_applicants_2014.csv").set_index("country_iso2")
    assert default.sum() == pytest.approx(asylum.applicants_2014.drop("EU").sum())
    assert default["Munich"] + default["Berlin"] == pytest.approx(asylum.loc["DE", "applicants_2014"])
    albania = dst[dst.origin_group == "Albania"].set_index("destination").weight
    assert albania.idxmax() == "Athens"


def test_agencies_targets_exist_and_efforts_in_range(t, graph):
    ag = t["agencies"]
    assert set(ag.side) <= {"prevent", "detect"}
    assert (ag.effort_low <= ag.effort).all() and (ag.effort <= ag.effort_high).all()
    assert ag.effort_high.le(10).all() and ag.effort_low.ge(0).all()
    for r in ag.itertuples(index=False):
        _assert_target(graph, r.target_type, r.target)
    libya = ag[ag.agency == "Libyan coast guard"]
    assert sorted(libya.target) == ["Garabulli", "Sabratha", "Tripoli", "Zuwara"]
    assert (libya.side == "prevent").all() and (libya.target_type == "node").all()
    # prevent acts on the departure side, in the agency's own country: the non-EU side of a
    # crossing, or an EU port before an intra-EU move that Frontex does not count (Patras);
    # detect acts on EU-entry targets
    for r in ag.itertuples(index=False):
        if r.side == "prevent":
            assert r.target_type in {"node", "edge"}, r
            if r.target_type == "node":
                src = r.target
                crossings = [(u, v) for u, v, d in graph.out_edges(src, data=True) if pd.notna(d["border"])]
            else:
                src, dst = r.target.split("->")
                crossings = [(src, dst)]
            assert graph.nodes[src]["country"] == r.country_iso2, r
            if r.country_iso2 in EU28:
                assert all(pd.isna(graph.edges[e]["frontex_route"]) for e in crossings), r
        elif r.target_type == "edge":
            a, b = r.target.split("->")
            assert pd.notna(graph.edges[a, b]["frontex_route"]), r.target  # an EU-entry edge


def test_patras_stowaways_are_enforced_and_priced():
    """Patras->Rome: intra-EU (no label), but not free and not unguarded (issue 9, item 7)."""
    segs = _read("segments").set_index(["source", "target"])
    ag = _read("agencies")
    assert pd.isna(segs.loc[("Patras", "Rome"), "frontex_route"])
    assert segs.loc[("Patras", "Rome"), "base_fee_eur"] >= 500
    patras = ag[(ag.target == "Patras") & (ag.side == "prevent")]
    assert len(patras) == 1 and patras.effort.iloc[0] > 0


def test_romania_hungary_border_is_smuggled_and_enforced():
    """Constanta->Budapest crosses the Romania-Hungary border, checked in 2012-2014 (Romania outside
    Schengen): a priced smuggled crossing with a prevent-side agency, no Frontex label (issue 9, item 7)."""
    segs = _read("segments").set_index(["source", "target"])
    ag = _read("agencies")
    assert ("Constanta", "Budapest") not in segs.index
    ro_hu = segs[segs.border == "RO-HU"]
    assert list(ro_hu.index) == [("Nadlac", "Nagylak")]
    e = ro_hu.iloc[0]
    assert pd.isna(e.frontex_route)
    assert e.base_fee_eur == round(DESERT_RATE * e.distance_km + 100)
    nadlac = ag[(ag.target == "Nadlac") & (ag.side == "prevent")]
    assert len(nadlac) == 1 and nadlac.effort.iloc[0] > 0


def _assert_target(graph, target_type, target):
    if target_type == "edge":
        a, _, b = target.partition("->")
        assert graph.has_edge(a, b), target
    elif target_type == "node":
        assert target in graph, target
    elif target_type == "route":
        route, _, typ = target.rpartition("/")
        assert (route, typ) in set(observed.ROUTE_TYPES), target
    else:
        raise AssertionError(target_type)


def test_events_are_the_observed_events_up_to_2014(t, graph):
    ev = t["events"]
    src = observed.enforcement_events()
    src = src[src.start <= "2014-12-31"].reset_index(drop=True)
    # the shared events first, unchanged; then only the documented pre-2012 enclave fences,
    # Bulgaria's containment plan of November 2013 (issue 9, item 6: no agency adaptive, every
    # documented reaction an event; Human Rights Watch 2014) and the three dated detention changes
    shared = ev.iloc[: len(src)].reset_index(drop=True)
    pd.testing.assert_frame_equal(shared[list(src.columns)].astype(str), src.astype(str))
    assert (shared.magnitude.astype(float) == 1.0).all()  # the shared events at the size they have
    extra = ev.iloc[len(src):]
    fences = extra[extra.kind == "fence"]
    assert set(fences.target) == {"Tangier->Ceuta", "Nador->Melilla"} and (fences.start < "2012-01-01").all()
    changes = extra[extra.kind == "detention_change"]  # stop 22: dated detention, docs/detention-sources.md
    assert changes[["start", "target"]].astype(str).values.tolist() == [
        ["2012-08-04", "Edirne->Orestiada"], ["2012-09-28", "Edirne->Orestiada"], ["2014-01-20", "Edirne->Svilengrad"]]
    assert changes.description.str.contains("docs/detention-sources.md").all()
    assert (changes.start == changes.full_effect).all() and changes.end.isna().all()
    plan = extra[~extra.kind.isin(["fence", "detention_change"])]
    assert plan[["start", "kind", "target"]].astype(str).values.tolist() == [
        ["2013-11-06", "patrol_surge", "Edirne->Svilengrad"]]
    assert "Human Rights Watch 2014" in plan.description.iloc[0]
    # its size against Aspida's, on which patrol_surge is sized: 1,500 officers / 1,881 (scenarios/README.md)
    assert float(plan.magnitude.iloc[0]) == 0.8 and "1,500 police officers" in plan.description.iloc[0]
    assert (fences.magnitude.astype(float) == 1.0).all()
    for r in ev.itertuples(index=False):
        _assert_target(graph, r.target_type, r.target)


def test_names_in_every_table_exist(t, graph):
    names = set(graph.nodes)
    assert set(t["demand"].origin) <= names
    origins = {n for n, d in graph.nodes(data=True) if "origin" in d["kinds"]}
    assert set(t["demand"].origin) <= origins
    assert set(t["destinations"].destination) <= names
    assert set(t["nationality_origins"].origin) <= origins


def test_baseline_yaml_fields():
    text = (REPO / "scenarios" / "baseline_2014.yaml").read_text()
    top = dict(re.findall(r"^([a-z_]+):[ ]*(.*)$", text, flags=re.M))
    assert top["name"] == "baseline_2014"
    assert top["start"] == "2012-01-01" and top["end"] == "2014-12-31"
    assert top["burn_in_days"] == "90" and top["persons_per_agent"] == "1"
    assert top["seed"] == "20140101"
    assert "parameters" not in top
    tables = dict(re.findall(r"^  ([a-z_]+): (tables/\S+)$", text, flags=re.M))
    for name in ("nodes", "segments", "origin_groups", "destinations", "demand", "agencies", "events"):
        assert tables[name] == f"tables/{name}.csv"
        assert (REPO / "scenarios" / tables[name]).is_file()
