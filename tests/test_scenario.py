"""Tests of sim.scenario: schema, YAML and CSV loading, error locations, cross-table checks, hashing."""

from __future__ import annotations

import datetime as dt
import pickle
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from sim.parameters import Parameters
from sim.scenario import (
    FRONTEX_PAIRS,
    REQUIRED_TABLES,
    TABLE_COLUMNS,
    EventKind,
    NodeKind,
    Problem,
    Scenario,
    ScenarioError,
    SegmentRow,
    load_scenario,
    parse_edge,
    parse_route,
)

FIXTURES = Path(__file__).parent / "fixtures"
TINY = FIXTURES / "scenario_tiny"
REPO = Path(__file__).parent.parent
BASELINE = REPO / "scenarios" / "baseline_2014.yaml"


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the tiny scenario; the cwd is its parent, so files show as ``tiny/...``."""
    dest = tmp_path / "tiny"
    shutil.copytree(TINY, dest)
    monkeypatch.chdir(tmp_path)
    return dest / "scenario.yaml"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return [str(p) for p in info.value.problems]


# ---- a valid scenario -------------------------------------------------------------------------


def test_tiny_scenario_loads_with_rows_in_file_order(tiny: Path) -> None:
    sc = load_scenario(tiny)
    assert sc.name == "tiny"
    assert (sc.start, sc.end, sc.burn_in_days, sc.persons_per_agent, sc.seed) == (
        dt.date(2012, 1, 1), dt.date(2012, 12, 31), 30, 1, 42,
    )
    assert [n.name for n in sc.nodes][:3] == ["Damascus", "Istanbul", "Izmir"]
    assert len(sc.segments) == 9 and sc.segments[3].edge == "Izmir->Lesvos"
    assert sc.segments[3].label == ("Eastern Mediterranean", "Sea")
    assert sc.segments[0].label is None and sc.segments[0].frontex_route is None
    assert sc.segments[0].labelled_from is None and sc.segments[0].note is None  # empty cells
    assert sc.segments[3].line == 5  # header is line 1
    assert sc.events[1].description == "Evros fence, completed mid-December"  # quoted comma
    assert sc.events[0].kind is EventKind.PATROL_SURGE and sc.events[0].end is None
    assert sc.demand[2].first_day == dt.date(2012, 3, 1)
    assert sc.source_path == tiny.absolute()
    assert sc.parameters == Parameters()  # the fixture sets defaults explicitly


def test_node_kinds_and_dates(tiny: Path) -> None:
    sc = load_scenario(tiny)
    assert sc.node_kinds("Izmir") == {NodeKind.HUB, NodeKind.DEPARTURE}
    assert sc.node_kinds("Athens") == {"hub", "transit"}
    assert sc.nodes[2].is_market and not sc.nodes[0].is_market
    with pytest.raises(KeyError, match="Atlantis"):
        sc.node_kinds("Atlantis")
    assert sc.dates() == (dt.date(2011, 12, 2), dt.date(2012, 1, 1), dt.date(2012, 12, 31))


def test_table_paths_are_absolute(tiny: Path) -> None:
    paths = load_scenario(tiny).table_paths()
    assert set(paths) == set(REQUIRED_TABLES)
    assert paths["segments"] == tiny.parent.absolute() / "tables" / "segments.csv"
    assert all(p.is_absolute() and p.is_file() for p in paths.values())


def test_scenario_is_frozen(tiny: Path) -> None:
    sc = load_scenario(tiny)
    with pytest.raises(ValidationError):
        sc.persons_per_agent = 5  # type: ignore[misc]
    with pytest.raises(ValidationError):
        sc.nodes[0].lat = 0.0  # type: ignore[misc]


def test_no_stays_a_string(tiny: Path) -> None:
    """YAML 1.1 loaders turn NO (Norway) into False; ours keeps it a string, in YAML and CSV."""
    edit(tiny, "name: tiny", "name: no")
    edit(tiny, "description: Tiny scenario", "description: NO")
    edit(tiny, "description: NO for tests (Damascus to Berlin or Oslo via Istanbul and Athens)",
         "description: NO")
    sc = load_scenario(tiny)
    assert sc.name == "no"
    assert sc.description == "NO"
    assert [n.country_iso2 for n in sc.nodes if n.name == "Oslo"] == ["NO"]


def test_yaml_defaults_apply(tiny: Path) -> None:
    edit(tiny, "burn_in_days: 30\npersons_per_agent: 1\nseed: 42\n", "")
    text = tiny.read_text()
    tiny.write_text(text[: text.index("parameters:")])
    sc = load_scenario(tiny)
    assert (sc.burn_in_days, sc.persons_per_agent, sc.seed) == (90, 1, 0)
    assert sc.parameters == Parameters()


def test_nationality_origins_is_optional_and_must_exist(tiny: Path) -> None:
    edit(tiny, "  events: tables/events.csv\n",
         "  events: tables/events.csv\n  nationality_origins: tables/nationality_origins.csv\n")
    assert problems(tiny) == [
        "tiny/scenario.yaml:17:24: tables.nationality_origins: file not found: "
        "tiny/tables/nationality_origins.csv"
    ]
    nat = tiny.parent / "tables" / "nationality_origins.csv"
    nat.write_text("nat_iso3,origin_group,origin,weight,note\nSYR,Syria,Damascus,,\n")
    sc = load_scenario(tiny)
    assert sc.table_paths()["nationality_origins"].name == "nationality_origins.csv"
    assert [(r.nat_iso3, r.origin) for r in sc.nationality_origins] == [("SYR", "Damascus")]
    assert load_scenario(TINY / "scenario.yaml").nationality_origins == ()
    # provenance only: not part of the hash
    assert sc.scenario_hash() == load_scenario(TINY / "scenario.yaml").scenario_hash()
    append(nat, "SY,Syria,Istanbul,,")
    append(nat, "SYR,Syria,Damascus,,")
    append(nat, "SYR,Iraq,Baghdad,,")
    assert problems(tiny) == [
        "tiny/tables/nationality_origins.csv:3:1: nationality_origins[1].nat_iso3: "
        "expected an ISO 3166-1 alpha-3 code in capitals, e.g. 'SYR' (got 'SY')",
        "tiny/tables/nationality_origins.csv:4:3: nationality_origins[2].origin: "
        "duplicate row for 'SYR' and 'Damascus' (first at line 2)",
        "tiny/tables/nationality_origins.csv:5:2: nationality_origins[3].origin_group: "
        "unknown origin group 'Iraq': not in origin_groups",
        "tiny/tables/nationality_origins.csv:5:2: nationality_origins[3].origin_group: "
        "nationality 'SYR' is in origin group 'Syria' at line 2",
        "tiny/tables/nationality_origins.csv:5:3: nationality_origins[3].origin: "
        "unknown node 'Baghdad': not in nodes",
    ]


# ---- YAML errors ------------------------------------------------------------------------------


def test_unknown_top_level_key_reports_its_line_and_column(tiny: Path) -> None:
    edit(tiny, "seed: 42\n", "seed: 42\npersons: 3\n")
    (msg,) = problems(tiny)
    assert msg.startswith("tiny/scenario.yaml:9:1: persons: unknown key 'persons'")
    assert "did you mean 'persons_per_agent'?" in msg


def test_unknown_key_inside_parameters_reports_its_line_and_column(tiny: Path) -> None:
    edit(tiny, "    reputation_weight: 3.0\n", "    reputation_weight: 3.0\n    reputaton_weight: 0.0\n")
    (msg,) = problems(tiny)
    assert msg.startswith(
        "tiny/scenario.yaml:22:5: parameters.choice.reputaton_weight: unknown key 'reputaton_weight' "
        "(did you mean 'reputation_weight'?)"
    )


def test_unknown_parameter_group_is_reported(tiny: Path) -> None:
    edit(tiny, "parameters:\n", "parameters:\n  markets:\n    size: 3\n")
    (msg,) = problems(tiny)
    assert msg.startswith("tiny/scenario.yaml:18:3: parameters.markets: unknown key 'markets'")


def test_bad_yaml_value_points_at_the_value(tiny: Path) -> None:
    edit(tiny, "undetected_share: 0.1", "undetected_share: 0.9")
    edit(tiny, "persons_per_agent: 1", "persons_per_agent: 0")
    assert problems(tiny) == [
        "tiny/scenario.yaml:7:20: persons_per_agent: Input should be greater than or equal to 1 (got 0)",
        "tiny/scenario.yaml:19:23: parameters.demand.undetected_share: "
        "Input should be less than or equal to 0.3 (got 0.9); allowed: 0 <= value <= 0.3",
    ]


def test_an_out_of_bounds_parameter_names_its_whole_range(tiny: Path) -> None:
    """Pydantic names only the bound broken; the message gives both (a newcomer's request, stop 30)."""
    edit(tiny, "undetected_share: 0.1", "undetected_share: -0.2")
    (msg,) = problems(tiny)
    assert msg == ("tiny/scenario.yaml:19:23: parameters.demand.undetected_share: "
                   "Input should be greater than or equal to 0 (got -0.2); allowed: 0 <= value <= 0.3"), msg


def test_scenario_name_end_and_dates(tiny: Path) -> None:
    edit(tiny, "name: tiny", "name: Tiny 2014")
    edit(tiny, "end: 2012-12-31", "end: 2011-12-31")
    edit(tiny, "start: 2012-01-01", "start: 1/1/2012")
    got = problems(tiny)
    assert got[0] == "tiny/scenario.yaml:2:7: name: expected lower-case letters, digits, '_' and '-' only (got 'Tiny 2014')"
    assert got[1].startswith("tiny/scenario.yaml:4:8: start: expected an ISO date YYYY-MM-DD")
    assert len(got) == 2  # end cannot be compared with an invalid start


def test_end_must_follow_start(tiny: Path) -> None:
    edit(tiny, "end: 2012-12-31", "end: 2012-01-01")
    assert problems(tiny) == ["tiny/scenario.yaml:5:6: end: end 2012-01-01 must be after start 2012-01-01"]


def test_missing_required_keys(tiny: Path) -> None:
    edit(tiny, "start: 2012-01-01\n", "")
    edit(tiny, "  demand: tables/demand.csv\n", "")
    assert problems(tiny) == [
        "tiny/scenario.yaml:1:1: start: a value is required",
        "tiny/scenario.yaml:8:1: tables.demand: a value is required",
    ]


def test_missing_scenario_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert problems(tmp_path / "nope.yaml") == ["nope.yaml: file not found"]


def test_yaml_syntax_error_reports_its_line(tiny: Path) -> None:
    edit(tiny, "seed: 42", "seed: [42")
    (msg,) = problems(tiny)
    # reported at the bracket that is never closed, with the line where the parser stopped
    assert msg.startswith("tiny/scenario.yaml:8:7: YAML syntax error: the bracket opened here is not closed"), msg
    assert "(the parser stopped at line 9)" in msg


@pytest.mark.parametrize(
    ("old", "new", "where", "words"),
    [
        # an unclosed quote: the parser gives up at the end of the file; the quote's line is named
        ('description: Tiny', 'description: "Tiny', "3:14", "a quoted value opened here is never closed"),
        # a key that lost its colon: the parser gives up at the next line; the key's line is named
        ("seed: 42", "seed 42", "8:1", "a key without ':' after it"),
        # a mapping's key that lost its colon: the error shows at the next line, with the hint
        ("  demand:\n    undetected", "  demand\n    undetected", "19:21", "a ':' where no key can start: the line above may lack the ':'"),
        # one space too few
        ("  segments: tables", " segments: tables", "11:2", "this line's indentation does not match"),
        ("  segments: tables", "\tsegments: tables", "11:1", "a tab character"),
        ("seed: 42", "seed: 42\t", "8:9", "a tab character, which YAML does not allow here"),  # not indentation
        # a backslash escape in double quotes, not an unclosed quote
        ("description: Tiny", 'description: "C:\\Users"\nx: Tiny', "3:19", "a backslash in a double-quoted"),
        # a quote that ends early: text follows it
        ("description: Tiny", "description: 'it's Tiny'\nx: Tiny", "3:18", "text where none can follow"),
        ("seed: 42", "seed: 42\n- 43", "9:1", "a list item ('- ...') inside a mapping"),
        ("seed: 42", "seed: [42]]", "8:11", "a closing bracket without its opening one"),
    ],
)
def test_yaml_syntax_error_names_the_line_to_mend_in_plain_words(
    tiny: Path, old: str, new: str, where: str, words: str
) -> None:
    edit(tiny, old, new)
    (msg,) = problems(tiny)
    assert msg.startswith(f"tiny/scenario.yaml:{where}: YAML syntax error: {words}"), msg


def test_duplicate_yaml_key_is_an_error(tiny: Path) -> None:
    edit(tiny, "seed: 42", "seed: 42\nseed: 43")
    (msg,) = problems(tiny)
    assert msg.startswith("tiny/scenario.yaml:9:1: YAML syntax error") and "duplicate key" in msg


@pytest.mark.parametrize(("text", "what"), [("", "empty"), ("- a\n- b\n", "a list"), ("3\n", "a number"), ("NO\n", "a string")])
def test_scenario_must_be_a_mapping(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, what: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.yaml").write_text(text)
    assert problems(tmp_path / "s.yaml") == [f"s.yaml:1:1: a scenario file must be a mapping of keys, this one is {what}"]


# ---- CSV errors -------------------------------------------------------------------------------


def test_bad_number_in_csv_reports_file_row_column_and_field(tiny: Path) -> None:
    edit(tiny.parent / "tables" / "segments.csv", "Istanbul,Edirne,land,230,", "Istanbul,Edirne,land,23o,")
    assert problems(tiny) == [
        "tiny/tables/segments.csv:4:4: segments[2].distance_km: "
        "Input should be a valid number, unable to parse string as a number (got '23o')"
    ]


def test_out_of_bounds_number_in_csv(tiny: Path) -> None:
    edit(tiny.parent / "tables" / "segments.csv", "15,1,1000,0.002,", "15,1,1000,1.5,")
    assert problems(tiny) == [
        "tiny/tables/segments.csv:5:7: segments[3].death_risk: Input should be less than or equal to 1 (got '1.5')"
    ]


def test_empty_required_cell_and_nan(tiny: Path) -> None:
    nodes = tiny.parent / "tables" / "nodes.csv"
    edit(nodes, "Istanbul,TR,41.01,28.98,hub,", "Istanbul,TR,,28.98,hub,")
    edit(nodes, "Edirne,TR,41.68,26.56,", "Edirne,TR,nan,26.56,")
    got = problems(tiny)
    assert got[0] == "tiny/tables/nodes.csv:3:3: nodes[1].lat: a value is required (the cell is empty)"
    assert got[1].startswith("tiny/tables/nodes.csv:5:3: nodes[3].lat: Input should be a finite number")
    assert len(got) == 2  # segments to Istanbul and Edirne are not reported as unknown nodes


def test_enums_in_csv(tiny: Path) -> None:
    tables = tiny.parent / "tables"
    edit(tables / "nodes.csv", "Athens,GR,37.98,23.73,hub;transit,", "Athens,GR,37.98,23.73,hub;market,")
    edit(tables / "segments.csv", "Athens,Berlin,air,", "Athens,Berlin,plane,")
    edit(tables / "agencies.csv", "TR,prevent,edge,", "TR,stop,edge,")
    edit(tables / "events.csv", ",patrol_surge,", ",surge,")
    got = problems(tiny)
    assert [g.split(": ")[0:2] for g in got] == [
        ["tiny/tables/nodes.csv:8:5", "nodes[6].kind[1]"],
        ["tiny/tables/segments.csv:9:3", "segments[7].mode"],
        ["tiny/tables/agencies.csv:2:3", "agencies[0].side"],
        ["tiny/tables/events.csv:2:4", "events[0].kind"],
    ]
    assert "(got 'market')" in got[0] and "'land', 'sea' or 'air'" in got[1]


def test_agency_policy_is_timeline_by_default_and_checked(tiny: Path) -> None:
    sc = load_scenario(tiny)
    assert {a.policy for a in sc.agencies} == {"timeline"}  # empty cells
    tables = tiny.parent / "tables"
    edit(tables / "agencies.csv", "Izmir->Lesvos,1.0,0.5,2.0,,", "Izmir->Lesvos,1.0,0.5,2.0,reactive,")
    assert problems(tiny) == [
        "tiny/tables/agencies.csv:2:9: agencies[0].policy: Input should be 'timeline' or 'adaptive' (got 'reactive')"
    ]
    edit(tables / "agencies.csv", "2.0,reactive,", "2.0,adaptive,")
    assert load_scenario(tiny).agencies[0].policy == "adaptive"


def test_frontex_labels_are_canonical_and_paired(tiny: Path) -> None:
    seg = tiny.parent / "tables" / "segments.csv"
    edit(seg, "Eastern Mediterranean,Sea,TR-GR", "Eastern Med,Sea,TR-GR")
    edit(seg, "Eastern Mediterranean,Land,TR-GR", "Eastern Mediterranean,,TR-GR")
    edit(seg, "Lesvos,Athens,sea,330,1,60,0,,,,,", "Lesvos,Athens,sea,330,1,60,0,Central Mediterranean,Land,GR-GR,,")
    edit(seg, "Orestiada,Athens,land,700,2,200,0,,,,,", "Orestiada,Athens,land,700,2,200,0,,,,2013-07-01,")
    got = problems(tiny)
    assert got[0].startswith("tiny/tables/segments.csv:5:8: segments[3].frontex_route: Input should be 'Central Mediterranean'")
    assert got[1] == ("tiny/tables/segments.csv:6:9: segments[4].frontex_type: "
                      "frontex_route and frontex_type are given together or not at all")
    assert got[2] == "tiny/tables/segments.csv:7:9: segments[5].frontex_type: Frontex reports no pair 'Central Mediterranean/Land'"
    assert got[3] == "tiny/tables/segments.csv:8:11: segments[6].labelled_from: labelled_from needs frontex_route and frontex_type"
    # events and agencies that target the broken labels are not reported a second time
    assert len(got) == 4


def test_event_dates_must_be_ordered(tiny: Path) -> None:
    edit(tiny.parent / "tables" / "events.csv", "2012-08-02,2012-08-15,,", "2012-08-02,2012-08-01,2012-07-01,")
    edit(tiny.parent / "tables" / "events.csv", "2012-03-01,2012-03-01,2012-06-30", "2012-03-01,2012-03-01,2012-02-30")
    assert problems(tiny) == [
        "tiny/tables/events.csv:2:2: events[0].full_effect: full_effect 2012-08-01 is before start 2012-08-02",
        "tiny/tables/events.csv:2:3: events[0].end: end 2012-07-01 is before full_effect 2012-08-01",
        "tiny/tables/events.csv:4:3: events[2].end: Input should be a valid date or datetime, "
        "day value is outside expected range (got '2012-02-30')",
    ]


def test_agency_effort_within_its_prior(tiny: Path) -> None:
    edit(tiny.parent / "tables" / "agencies.csv", "Izmir->Lesvos,1.0,0.5,2.0", "Izmir->Lesvos,3.0,0.5,2.0")
    assert problems(tiny) == [
        "tiny/tables/agencies.csv:2:6: agencies[0].effort: effort 3.0 outside its prior range [0.5, 2.0]"
    ]


def test_missing_table_file_points_at_the_yaml_line(tiny: Path) -> None:
    (tiny.parent / "tables" / "segments.csv").unlink()
    assert problems(tiny) == [
        "tiny/scenario.yaml:11:13: tables.segments: file not found: tiny/tables/segments.csv"
    ]  # and no flood of 'no segment' errors from agencies and events


def test_bad_header_names_missing_and_unexpected_columns(tiny: Path) -> None:
    edit(tiny.parent / "tables" / "segments.csv", "distance_km,travel_days", "distance,travel_days")
    edit(tiny.parent / "tables" / "demand.csv", "month,origin_group,origin", "origin_group,month,origin")
    (tiny.parent / "tables" / "events.csv").write_text("")
    got = problems(tiny)
    assert got[0] == ("tiny/tables/segments.csv:1: segments: missing column(s) distance_km; "
                      "unexpected column(s) 'distance'; expected the header " + ",".join(TABLE_COLUMNS["segments"])
                      + " (the last column(s) may be left out, from the end: vessel_eur, closed_from, first_reported)")
    assert got[1].startswith("tiny/tables/demand.csv:1: demand: columns out of order; expected the header month,")
    assert got[2].startswith("tiny/tables/events.csv:1: events: empty file; expected the header start,")
    assert len(got) == 3


def test_wrong_number_of_cells(tiny: Path) -> None:
    append(tiny.parent / "tables" / "demand.csv", "2012-04,Syria,Damascus")
    assert problems(tiny) == [
        "tiny/tables/demand.csv:5: demand[3]: expected 4 cells (month,origin_group,origin,persons_detected), found 3"
    ]


def test_blank_lines_are_skipped_and_line_numbers_stay_exact(tiny: Path) -> None:
    demand = tiny.parent / "tables" / "demand.csv"
    append(demand, "")
    append(demand, ",,,")
    append(demand, "2012-04,Syria,Damascus,-1")
    assert problems(tiny) == [
        "tiny/tables/demand.csv:7:4: demand[3].persons_detected: Input should be greater than or equal to 0 (got '-1')"
    ]


def test_multiline_cell_keeps_the_row_start_line(tiny: Path) -> None:
    events = tiny.parent / "tables" / "events.csv"
    edit(events, "Operation Aspida,press", '"Operation Aspida,\nsecond line",press')
    append(events, "2012-09-01,2012-09-01,,fence,edge,Istanbul->Athens,x,y")
    assert problems(tiny) == [
        "tiny/tables/events.csv:6:6: events[3].target: no segment 'Istanbul->Athens' in segments (did you mean 'Istanbul->Edirne'?)"
    ]


# ---- cross-table checks -----------------------------------------------------------------------


def test_cross_table_errors_point_at_row_and_column(tiny: Path) -> None:
    t = tiny.parent / "tables"
    append(t / "nodes.csv", "Izmir,TR,38.4,27.1,hub,")  # line 11: duplicate
    append(t / "segments.csv", "Izmir,Chios,sea,10,1,900,0.002,Eastern Mediterranean,Sea,TR-GR,,")  # 11
    append(t / "segments.csv", "Izmir,Lesvos,sea,15,1,1000,0.002,Eastern Mediterranean,Sea,TR-GR,,")  # 12
    append(t / "origin_groups.csv", "Syria,4000,0.5,0.2,0.2,0.5,")  # line 3: duplicate
    append(t / "destinations.csv", "Syria,Athens,1,")  # 5: kind hub;transit
    append(t / "destinations.csv", "Syrians,Berlin,1,")  # 6: unknown group
    append(t / "demand.csv", "2012-04,Syria,Istanbul,10")  # 5: not an origin
    append(t / "demand.csv", "2012-03,Syria,Damascus,5")  # 6: duplicate month
    append(t / "agencies.csv", "Greek police,GR,detect,edge,Athens->Lesvos,1,0,2,,")  # 5: no segment
    append(t / "agencies.csv", "Libyan coast guard,LY,prevent,route,Central Mediterranean/Sea,1,0,2,,")  # 6
    append(t / "events.csv", "2013-01-01,2013-01-01,,hub_crackdown,node,Istambul,x,y")  # 5
    assert problems(tiny) == [
        "tiny/tables/nodes.csv:11:1: nodes[9].name: duplicate node 'Izmir' (first at line 4)",
        "tiny/tables/segments.csv:11:2: segments[9].target: unknown node 'Chios': not in nodes",
        "tiny/tables/segments.csv:12:2: segments[10].target: duplicate segment 'Izmir->Lesvos' (first at line 5)",
        "tiny/tables/origin_groups.csv:3:1: origin_groups[1].origin_group: duplicate origin group 'Syria' (first at line 2)",
        "tiny/tables/destinations.csv:5:2: destinations[3].destination: node 'Athens' has kind 'hub;transit', expected 'destination'",
        "tiny/tables/destinations.csv:6:1: destinations[4].origin_group: unknown origin group 'Syrians': "
        "not in origin_groups (did you mean 'Syria'?)",
        "tiny/tables/demand.csv:5:3: demand[3].origin: node 'Istanbul' has kind 'hub', expected 'origin'",
        "tiny/tables/demand.csv:6:3: demand[4].origin: duplicate demand row for 2012-03 'Syria' 'Damascus' (first at line 4)",
        "tiny/tables/agencies.csv:5:5: agencies[3].target: no segment 'Athens->Lesvos' in segments (did you mean 'Lesvos->Athens'?)",
        "tiny/tables/agencies.csv:6:5: agencies[4].target: no segment carries the label 'Central Mediterranean/Sea'",
        "tiny/tables/events.csv:5:6: events[3].target: unknown node 'Istambul': not in nodes (did you mean 'Istanbul'?)",
    ]


def test_demand_groups_need_destinations(tiny: Path) -> None:
    t = tiny.parent / "tables"
    edit(t / "destinations.csv", "*,Berlin,1,default\n", "")
    append(t / "origin_groups.csv", "Iraq,4000,0.5,0.2,0.2,0.5,")
    append(t / "nodes.csv", "Baghdad,IQ,33.31,44.36,origin,")
    append(t / "demand.csv", "2012-01,Iraq,Baghdad,10")
    assert problems(tiny) == [
        "tiny/tables/demand.csv:5:2: demand[3].origin_group: origin group 'Iraq' has no rows in "
        "destinations and there is no '*' default"
    ]


def test_destination_weights_must_not_all_be_zero(tiny: Path) -> None:
    t = tiny.parent / "tables"
    edit(t / "destinations.csv", "Syria,Berlin,3,", "Syria,Berlin,0,")
    edit(t / "destinations.csv", "Syria,Oslo,1,", "Syria,Oslo,0,")
    assert problems(tiny) == [
        "tiny/tables/destinations.csv:2:3: destinations[0].weight: weights of origin group 'Syria' sum to 0"
    ]


def test_all_problems_are_reported_at_once(tiny: Path) -> None:
    edit(tiny, "seed: 42", "seed: -1\ncolour: red")
    edit(tiny, "    reputation_weight: 3.0", "    reputation_weight: lots")
    t = tiny.parent / "tables"
    edit(t / "nodes.csv", "Lesvos,GR,39.10", "Lesvos,GR,139.10")
    edit(t / "segments.csv", "Istanbul,Izmir,land,480,1,50,0", "Istanbul,Izmir,land,480,1,50,-0.1")
    append(t / "segments.csv", "Izmir,Samos,sea,10,1,900,0.002,Eastern Mediterranean,Sea,TR-GR,,")
    (t / "agencies.csv").unlink()
    got = problems(tiny)
    assert [g.split(": ")[0] for g in got] == [
        "tiny/scenario.yaml:8:7",
        "tiny/scenario.yaml:9:1",
        "tiny/scenario.yaml:16:13",
        "tiny/scenario.yaml:22:24",
        "tiny/tables/nodes.csv:6:3",
        "tiny/tables/segments.csv:3:7",
        "tiny/tables/segments.csv:11:2",
    ]
    with pytest.raises(ScenarioError) as info:
        load_scenario(tiny)
    assert str(info.value) == "\n".join(got)


def test_paths_outside_the_cwd_are_absolute(tiny: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    other.mkdir()
    monkeypatch.chdir(other)
    edit(tiny, "seed: 42", "seed: -1")
    (msg,) = problems(tiny)
    assert msg.startswith(f"{tiny.absolute()}:8:7: seed:")


def test_direct_construction_runs_the_cross_checks(tiny: Path) -> None:
    sc = load_scenario(tiny)
    bad = SegmentRow(source="Izmir", target="Chios", mode="sea", distance_km=10, travel_days=1,
                     base_fee_eur=900, death_risk=0.01)
    data = {k: getattr(sc, k) for k in Scenario.model_fields}
    data["segments"] = (*sc.segments, bad)
    with pytest.raises(ScenarioError) as info:
        Scenario.model_validate(data)
    (p,) = info.value.problems
    assert (p.file, p.line, p.column) == ("tiny/tables/segments.csv", None, 2)
    assert str(p) == "tiny/tables/segments.csv: segments[9].target: unknown node 'Chios': not in nodes"


# ---- hashing and changed copies -----------------------------------------------------------------


def test_canonical_json_is_stable_and_free_of_paths(tiny: Path, tmp_path: Path) -> None:
    a = load_scenario(tiny)
    b = load_scenario(tiny)
    assert a.canonical_json() == b.canonical_json()
    assert a.scenario_hash() == b.scenario_hash() and len(a.scenario_hash()) == 64
    moved = tmp_path / "moved"
    shutil.copytree(tiny.parent, moved)
    # key order and comments do not matter; defaults written out or left out do not matter
    text = (moved / "scenario.yaml").read_text()
    text = "# reordered\nseed: 42\n" + text.replace("seed: 42\n", "").replace("  demand:\n    undetected_share: 0.1\n", "")
    (moved / "scenario.yaml").write_text(text)
    c = load_scenario(moved / "scenario.yaml")
    assert c.scenario_hash() == a.scenario_hash()
    js = a.canonical_json()
    assert "tiny/" not in js and str(tmp_path) not in js and "source_path" not in js
    assert '"Oslo"' in js and '"undetected_share":0.1' in js


def test_hash_changes_with_a_parameter_and_a_table_cell(tiny: Path) -> None:
    base = load_scenario(tiny).scenario_hash()
    edit(tiny, "undetected_share: 0.1", "undetected_share: 0.2")
    changed_param = load_scenario(tiny).scenario_hash()
    assert changed_param != base
    edit(tiny.parent / "tables" / "demand.csv", "2012-03,Syria,Damascus,150", "2012-03,Syria,Damascus,151")
    assert load_scenario(tiny).scenario_hash() not in (base, changed_param)


def test_with_overrides_returns_a_validated_copy(tiny: Path) -> None:
    sc = load_scenario(tiny)
    fast = sc.with_overrides(persons_per_agent=100)
    assert fast.persons_per_agent == 100 and sc.persons_per_agent == 1
    assert fast.scenario_hash() != sc.scenario_hash()
    no_fence = sc.with_overrides(events=[e for e in sc.events if e.kind is not EventKind.FENCE])
    assert [e.kind for e in no_fence.events] == ["patrol_surge", "border_patrol"]
    ablation = sc.with_overrides(parameters={"choice": {"reputation_weight": 0.0}})
    assert ablation.parameters.choice.reputation_weight == 0.0
    assert ablation.parameters.choice.cost_scale_eur == sc.parameters.choice.cost_scale_eur
    assert ablation.parameters.demand == sc.parameters.demand
    replaced = sc.with_overrides(parameters=Parameters())
    assert replaced.parameters == Parameters()
    assert sc.with_overrides().scenario_hash() == sc.scenario_hash()


def test_with_overrides_rejects_bad_values_with_locations(tiny: Path) -> None:
    sc = load_scenario(tiny)
    with pytest.raises(ScenarioError) as info:
        sc.with_overrides(persons_per_agent=0, parameters={"choice": {"bogus": 1}}, colour="red")
    assert [str(p) for p in info.value.problems] == [
        "tiny/scenario.yaml: colour: unknown key 'colour'; allowed: " + ", ".join(Scenario.model_fields)
    ]
    with pytest.raises(ScenarioError) as info:
        sc.with_overrides(persons_per_agent=0, parameters={"choice": {"bogus": 1}})
    assert [p.field for p in info.value.problems] == ["persons_per_agent", "parameters.choice.bogus"]
    with pytest.raises(ScenarioError) as info:
        sc.with_overrides(events=[{**sc.events[0].model_dump(), "target": "Izmir->Athens"}])
    (p,) = info.value.problems
    assert (p.file, p.column, p.field) == ("tiny/tables/events.csv", 6, "events[0].target")
    with pytest.raises(ScenarioError) as info:
        sc.with_overrides(nodes=sc.nodes[1:])  # drops Damascus, an endpoint and the demand origin
    assert {p.field for p in info.value.problems} == {"segments[0].source", "demand[0].origin",
                                                       "demand[1].origin", "demand[2].origin"}


def test_pickle_round_trip_for_process_executors(tiny: Path) -> None:
    sc = load_scenario(tiny)
    again = pickle.loads(pickle.dumps(sc))
    assert again == sc and again.scenario_hash() == sc.scenario_hash()
    assert again.segments[3].line == 5 and again.node_kinds("Izmir") == {"hub", "departure"}


# ---- small pieces ----------------------------------------------------------------------------


def test_problem_and_error_formatting() -> None:
    p = Problem("a/b.csv", 3, 4, "segments[1].mode", "bad")
    assert str(p) == "a/b.csv:3:4: segments[1].mode: bad"
    assert str(Problem("a/b.csv", 3, None, "segments", "bad")) == "a/b.csv:3: segments: bad"
    err = ScenarioError([p, Problem("x.yaml", None, None, "", "file not found")])
    assert str(err) == "a/b.csv:3:4: segments[1].mode: bad\nx.yaml: file not found"
    again = pickle.loads(pickle.dumps(err))
    assert again.problems == err.problems and not isinstance(err, ValueError)


def test_parse_route_and_edge() -> None:
    assert parse_route("Circular route from Albania to Greece/Land") == FRONTEX_PAIRS[6]
    assert len(set(FRONTEX_PAIRS)) == 10
    for bad in ("Central Mediterranean", "Central Med/Sea", "Western Balkan/Sea"):
        with pytest.raises(ValueError):
            parse_route(bad)
    assert parse_edge(" A -> B ") == ("A", "B")
    for bad in ("A", "A->", "A->B->C"):
        with pytest.raises(ValueError):
            parse_edge(bad)


@given(st.lists(st.sampled_from(list(NodeKind)), min_size=1, max_size=7))
def test_node_kind_is_unique_and_ordered_whatever_the_input(kinds: list[NodeKind]) -> None:
    from sim.scenario import NodeRow

    row = NodeRow(name="X", country_iso2="GR", lat=0, lon=0, kind=";".join(kinds))
    assert set(row.kind) == set(kinds)
    assert list(row.kind) == sorted(set(kinds), key=list(NodeKind).index)


# ---- the reference scenario -------------------------------------------------------------------


@pytest.mark.skipif(not BASELINE.exists(), reason="scenarios/baseline_2014.yaml not written yet")
def test_reference_scenario_loads() -> None:
    sc = load_scenario(BASELINE)
    assert sc.name == "baseline_2014"
    assert sc.dates()[1:] == (dt.date(2012, 1, 1), dt.date(2014, 12, 31))
    assert sc.nodes and sc.segments and sc.demand and sc.events
    labels = {s.label for s in sc.segments if s.label is not None}
    assert labels == set(FRONTEX_PAIRS)  # every reported route/type pair has an edge
    assert all(p.is_file() for p in sc.table_paths().values())


NATIONALITY_ORIGINS = REPO / "scenarios" / "tables" / "nationality_origins.csv"


@pytest.mark.skipif(not (BASELINE.exists() and NATIONALITY_ORIGINS.exists()), reason="not written yet")
def test_reference_nationality_origins_are_valid(tmp_path: Path) -> None:
    """The demand builder's placement table agrees with the reference nodes and origin groups."""
    text = BASELINE.read_text(encoding="utf-8")
    if "nationality_origins:" not in text:
        text = text.replace("  events: tables/events.csv\n",
                            "  events: tables/events.csv\n  nationality_origins: tables/nationality_origins.csv\n")
    text = text.replace(": tables/", f": {BASELINE.parent.absolute().as_posix()}/tables/")
    (tmp_path / "baseline.yaml").write_text(text, encoding="utf-8")
    sc = load_scenario(tmp_path / "baseline.yaml")
    assert sc.nationality_origins
    assert sc.scenario_hash() == load_scenario(BASELINE).scenario_hash()


def test_broken_fixture_reports_every_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    """tests/fixtures/scenario_broken, also used by the CLI tests (exit status 2)."""
    monkeypatch.chdir(FIXTURES / "scenario_broken")
    got = problems(Path("scenario.yaml"))
    assert got == [
        "scenario.yaml:5:20: persons_per_agent: Input should be greater than or equal to 1 (got 0)",
        "scenario.yaml:16:5: parameters.choice.reputation_wieght: unknown key 'reputation_wieght' "
        "(did you mean 'reputation_weight'?); allowed: " + ", ".join(Parameters.model_fields["choice"].annotation.model_fields),
        "tables/segments.csv:4:4: segments[2].distance_km: "
        "Input should be a valid number, unable to parse string as a number (got '23o')",
    ]


def test_impossible_yaml_date_is_reported_at_its_position(tiny: Path) -> None:
    text = tiny.read_text(encoding="utf-8")
    end_line = next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("end:"))
    value = text.splitlines()[end_line - 1].split(":", 1)[1].strip()
    edit(tiny, f"end: {value}", "end: 2012-02-30")
    got = problems(tiny)
    assert len(got) == 1
    assert got[0].startswith(f"tiny/scenario.yaml:{end_line}:6: end: Input should be a valid date")
    assert "(got '2012-02-30')" in got[0]


def test_reversed_prior_range_is_named(tiny: Path) -> None:
    edit(tiny.parent / "tables" / "agencies.csv", "Izmir->Lesvos,1.0,0.5,2.0", "Izmir->Lesvos,1.0,2.5,0.5")
    assert problems(tiny) == [
        "tiny/tables/agencies.csv:2:7: agencies[0].effort_low: prior range reversed: effort_low 2.5 > effort_high 0.5"
    ]


def test_non_utf8_table_names_the_line(tiny: Path) -> None:
    nodes = tiny.parent / "tables" / "nodes.csv"
    lines = nodes.read_bytes().count(b"\n")
    with nodes.open("ab") as fh:
        fh.write(b"Bad\xe9,GR,1,1,hub,\n")
    got = problems(tiny)
    assert got[0].startswith(f"tiny/tables/nodes.csv:{lines + 1}: nodes: not UTF-8 text")


def test_first_reported_only_on_a_segment_enterprises_sell(tiny: Path) -> None:
    """``first_reported`` (segments.csv, optional last column) changes who sells a segment on the first day: on a
    segment nobody sells (by air, or from a place that is no market) it would change nothing, an error; a date after
    the scenario's end is no error (the reference table serves shorter scenarios too)."""
    seg = tiny.parent / "tables" / "segments.csv"
    lines = seg.read_text(encoding="utf-8").splitlines()

    def write(dates: dict[str, str]) -> None:
        seg.write_text("\n".join([lines[0] + ",first_reported"] + [
            ln + "," + dates.get("->".join(ln.split(",")[:2]), "") for ln in lines[1:]]) + "\n", encoding="utf-8")

    fine = {"Izmir->Lesvos": "2012-06-01", "Istanbul->Izmir": "2030-01-01"}
    write({**fine, "Damascus->Istanbul": "2012-06-01", "Athens->Berlin": "2012-06-01"})
    got = problems(tiny)
    assert [g.split(": ")[0:2] for g in got] == [["tiny/tables/segments.csv:2:13", "segments[0].first_reported"],
                                                  ["tiny/tables/segments.csv:9:13", "segments[7].first_reported"]]
    assert "'Damascus' (origin) is no market" in got[0] and "nobody sells an air segment" in got[1], got
    write(fine)
    sc = load_scenario(tiny)
    assert {s.edge: s.first_reported for s in sc.segments if s.first_reported} == {
        "Istanbul->Izmir": dt.date(2030, 1, 1), "Izmir->Lesvos": dt.date(2012, 6, 1)}


def test_vessel_eur_only_on_a_segment_enterprises_sell(tiny: Path) -> None:
    """``vessel_eur`` (segments.csv, optional last column): the capital a seller needs for the segment; on a
    segment nobody sells (by air, or from a place that is no market) an error, and a negative value too."""
    seg = tiny.parent / "tables" / "segments.csv"
    lines = seg.read_text(encoding="utf-8").splitlines()

    def write(values: dict[str, str]) -> None:
        seg.write_text("\n".join([lines[0] + ",first_reported,closed_from,vessel_eur"] + [
            ln + ",,," + values.get("->".join(ln.split(",")[:2]), "") for ln in lines[1:]]) + "\n", encoding="utf-8")

    write({"Izmir->Lesvos": "-1", "Damascus->Istanbul": "1000", "Athens->Berlin": "1000"})
    got = problems(tiny)
    assert [g.split(": ")[0:2] for g in got] == [["tiny/tables/segments.csv:2:15", "segments[0].vessel_eur"],
                                                  ["tiny/tables/segments.csv:5:15", "segments[3].vessel_eur"],
                                                  ["tiny/tables/segments.csv:9:15", "segments[7].vessel_eur"]], got
    write({"Izmir->Lesvos": "188000"})
    sc = load_scenario(tiny)
    assert {s.edge: s.vessel_eur for s in sc.segments if s.vessel_eur} == {"Izmir->Lesvos": 188000.0}


def test_a_value_outside_its_prior_range_is_a_warning_at_its_line(tiny: Path) -> None:
    """Allowed by the validation bounds (0-20) but outside the prior range (0-6, routesim
    parameters): the scenario loads, with a warning at the file and line of the value, kept by
    with_overrides unless the parameters change."""
    edit(tiny, "reputation_weight: 3.0", "reputation_weight: 10")
    sc = load_scenario(tiny)
    (w,) = [w for w in sc.warnings if w.field.startswith("parameters.")]
    assert (w.file, w.line, w.field) == ("tiny/scenario.yaml", 21, "parameters.choice.reputation_weight")
    assert w.message.startswith("10 lies outside its prior range 0 to 6 utility per reputation unit (allowed by")
    assert sc.with_overrides(persons_per_agent=5).warnings == sc.warnings
    assert not [w for w in sc.with_overrides(parameters={"choice": {}}).warnings if w.field.startswith("parameters.")]
    edit(tiny, "reputation_weight: 10", "reputation_weight: 6")  # the range is closed
    assert not [w for w in load_scenario(tiny).warnings if w.field.startswith("parameters.")]


def test_prior_range_warnings_see_tuple_items_quoted_numbers_and_keep_the_digits(tiny: Path) -> None:
    """Each item of a tuple parameter is checked against its own range, at its line; a quoted number
    (the model reads it as a number) is checked too; the value is printed as written, so 6.0000001
    is not shown as 6 beside a range ending at 6."""
    edit(tiny, "reputation_weight: 3.0", "reputation_weight: '6.0000001'\n  crossing:\n"
               "    service_death_factor:\n      - 1.4\n      - 1.0\n      - 0.1")
    sc = load_scenario(tiny)
    got = {w.field: (w.line, w.message.split(" (")[0]) for w in sc.warnings if w.field.startswith("parameters.")}
    assert got == {
        "parameters.choice.reputation_weight": (21, "6.0000001 lies outside its prior range 0 to 6 utility per reputation unit"),
        "parameters.crossing.service_death_factor[2]": (26, "0.1 lies outside its prior range 0.2 to 0.8"),
    }


@pytest.mark.parametrize(("raw", "words"), [
    (b"description: a\x07b", "tiny/scenario.yaml:3: YAML error: character #x0007 (a control character) is not allowed"),
    ("description: caf\u00e9".encode("latin-1"), "tiny/scenario.yaml:3: not UTF-8 text: byte 0xe9 cannot be read"),
])
def test_a_control_character_or_a_non_utf8_byte_is_reported_at_its_line(tiny: Path, raw: bytes, words: str) -> None:
    text = tiny.read_bytes()
    old = b"description: Tiny scenario for tests (Damascus to Berlin or Oslo via Istanbul and Athens)"
    assert old in text
    tiny.write_bytes(text.replace(old, raw, 1))
    (msg,) = problems(tiny)
    assert msg.startswith(words), msg
