"""Enforcement levers (issue 11, item 2): an event's ``magnitude`` and dated ``effort_change`` events.

- the magnitude multiplies an event's effect (hand-computed, on the effort arrays and in a model);
- an ``effort_change`` moves the targeted agencies' standing effort from its date and not before
  (seeded runs of the small fixture: every table identical before the date);
- bad values are errors naming the file, line and field; a CLI run of them exits 2;
- a scenario without the new columns loads, hashes and is written back as before.
"""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.enforcement import EnforcementState
from sim.model import SmugglingModel
from sim.parameters import EventEffect
from sim.runner import run_replicate
from sim.scenario import ScenarioError, load_scenario
from sim.scenario.resolved import resolved_files
from sim.scenario.rows import OPTIONAL_COLUMNS, TABLE_COLUMNS

FIXTURES = Path(__file__).parent / "fixtures"
TINY = FIXTURES / "scenario_tiny"
SMALL = FIXTURES / "scenario_small"
VARIANT = Path(__file__).parent.parent / "scenarios" / "variants" / "libyan_coast_guard_x2_from_2014.yaml"
HEADER = "start,full_effect,end,kind,target_type,target,description,source_quality"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return [str(p) for p in info.value.problems]


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the tiny scenario in ``tmp/base``; the cwd is ``tmp``, so files show as ``base/...``."""
    shutil.copytree(TINY, tmp_path / "base")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "base" / "scenario.yaml"


def set_events(scenario: Path, rows: list[str], header: str = HEADER) -> Path:
    path = scenario.parent / "tables" / "events.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


# ---- magnitude: the effect times the magnitude ---------------------------------------------------


def test_magnitude_multiplies_each_effect_by_hand():
    eff = EventEffect(prevention_effort=1.5, barrier=0.6, detection_effort=3.0, return_probability=0.3,
                      death_risk_multiplier=0.5, arrest_effort=1.0)
    st = EnforcementState(np.array([0, 1]), 3)
    st.apply_effect(eff, 0.5 * 2.0, np.array([0]), np.zeros(0, np.int64))  # half-way up the ramp, magnitude 2
    assert (st.prevent[0], st.barrier[0], st.detect[0], st.return_add[0], st.death_mult[0]) == pytest.approx(
        (1.5, 0.6, 3.0, 0.3, 0.5))
    assert st.arrest_node.tolist() == [1.0, 0.0, 0.0]  # the edge's source node, once
    assert (st.prevent[1], st.detect[1], st.death_mult[1]) == (0.0, 0.0, 1.0)  # not a target
    st.new_day()
    st.apply_effect(eff, 1.0 * 3.0, np.array([1]), np.array([2]))  # full strength, magnitude 3
    # efforts x3; barrier 0.6 x 3 capped at 1; death multiplier 1 + 3 (0.5 - 1) = -0.5 floored at 0
    assert (st.prevent[1], st.barrier[1], st.detect[1], st.return_add[1], st.death_mult[1]) == pytest.approx(
        (4.5, 1.0, 9.0, 0.9, 0.0))
    assert st.arrest_node.tolist() == [0.0, 3.0, 3.0]
    st.new_day()
    st.apply_effect(eff, 0.0, np.array([0]), np.zeros(0, np.int64))  # magnitude 0: no effect
    assert (st.prevent[0], st.barrier[0], st.detect[0], st.death_mult[0]) == (0.0, 0.0, 0.0, 1.0)


def _em_sea_detect_in_april(scenario) -> tuple[float, float]:
    """Detection effort and death multiplier on Izmir->Lesvos (Eastern Mediterranean/Sea) on 2012-04-02."""
    model = SmugglingModel(scenario, seed=1)
    while model.current_date < dt.date(2012, 4, 2):
        model.step()
    edge = model.net.edge_index[("Izmir", "Lesvos")]
    return model.enforcement.detect[edge], model.enforcement.death_mult[edge]


def test_magnitude_scales_an_event_in_the_model(tiny):
    # the tiny fixture's border_patrol on Eastern Mediterranean/Sea (2012-03-01 to 2012-06-30) is the
    # only detection effort on Izmir->Lesvos; border_patrol: detection 0.5, death multiplier 0.9
    rows = (TINY / "tables" / "events.csv").read_text().splitlines()
    assert rows[3].startswith("2012-03-01,2012-03-01,2012-06-30,border_patrol,route,Eastern Mediterranean/Sea")
    sc = load_scenario(tiny)
    set_events(tiny, [r + "," for r in rows[1:3]] + [rows[3] + ",2.5"], HEADER + ",magnitude")
    doubled = load_scenario(tiny)
    assert [e.magnitude for e in doubled.events] == [1.0, 1.0, 2.5]
    assert _em_sea_detect_in_april(sc) == pytest.approx((0.5, 0.9))
    assert _em_sea_detect_in_april(doubled) == pytest.approx((2.5 * 0.5, 1 + 2.5 * (0.9 - 1)))


# ---- effort_change: on its date and not before --------------------------------------------------


@pytest.fixture(scope="module")
def small_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, pd.DataFrame]]:
    """The small fixture (2012-2013 cut to 2013-03) and two variants, seed 11, 20 persons per agent."""
    root = tmp_path_factory.mktemp("levers")
    shutil.copytree(SMALL, root / "small")
    write(root / "x2.yaml", """
        extends: small/scenario.yaml
        name: x2
        patches:
          events:
            - add:
                - {start: 2013-01-01, full_effect: 2013-01-01, kind: effort_change, target_type: agency,
                   target: Libyan coast guard, magnitude: 2}
    """)
    write(root / "set.yaml", """
        extends: small/scenario.yaml
        name: set
        patches:
          events:
            - add:
                - {start: 2013-01-01, full_effect: 2013-01-31, kind: effort_change, target_type: node,
                   target: Tripoli, effort: 0.8}
    """)
    out = {}
    for name, path in (("base", root / "small" / "scenario.yaml"), ("x2", root / "x2.yaml"), ("set", root / "set.yaml")):
        sc = load_scenario(path).with_overrides(end=dt.date(2013, 3, 31), persons_per_agent=20)
        out[name] = run_replicate(sc, seed=11)
    return out


def _libya_effort(tables) -> pd.DataFrame:
    e = tables["enforcement"]
    e = e[e["agency"] == "Libyan coast guard"]
    return e.assign(month=e["month"].astype(str).str.slice(0, 7)).pivot(index="month", columns="target", values="effort")


def test_effort_change_doubles_the_agency_from_its_date_and_not_before(small_runs):
    base, x2 = _libya_effort(small_runs["base"]), _libya_effort(small_runs["x2"])
    assert (base == 0.2).all().all()
    before, after = x2.index < "2013-01", x2.index >= "2013-01"
    assert (x2[before] == 0.2).all().all() and np.allclose(x2[after], 0.4) and after.sum() == 3
    # the same seed: everything before the date is identical, and the doubled coast guard changes 2013
    for table in ("detections_monthly", "crossings_by_edge", "deaths_monthly"):
        a, b = small_runs["base"][table], small_runs["x2"][table]
        month = a["month"].astype(str).str.slice(0, 7)
        pd.testing.assert_frame_equal(a[month < "2013-01"].reset_index(drop=True),
                                      b[b["month"].astype(str).str.slice(0, 7) < "2013-01"].reset_index(drop=True))
    prevented = {k: small_runs[k]["crossings_by_edge"] for k in ("base", "x2")}
    libya = {k: v[v["edge"].str.startswith(("Tripoli->", "Zuwara->", "Sabratha->", "Garabulli->"))
                  & (v["month"].astype(str).str.slice(0, 7) >= "2013-01")]["prevented"].sum()
             for k, v in prevented.items()}
    assert libya["x2"] > libya["base"] > 0


def test_effort_change_sets_one_target_along_its_ramp(small_runs):
    eff = _libya_effort(small_runs["set"])
    assert (eff[["Zuwara", "Sabratha", "Garabulli"]] == 0.2).all().all()
    tripoli = eff["Tripoli"]
    assert (tripoli[tripoli.index < "2013-01"] == 0.2).all()
    # January: the ramp from 0.2 (Jan 1) to 0.8 (Jan 31), mean 0.2 + 0.6 * mean(0, 1/30, ..., 30/30) = 0.5
    assert tripoli["2013-01"] == pytest.approx(0.5)
    assert tripoli["2013-02"] == pytest.approx(0.8) and tripoli["2013-03"] == pytest.approx(0.8)


def test_effort_changes_chain_in_order_and_stop_at_their_end(tiny):
    set_events(tiny, [
        "2012-03-01,2012-03-01,,effort_change,agency,Turkish coast guard,,,2,",
        "2012-05-01,2012-05-01,2012-05-31,effort_change,edge,Izmir->Lesvos,,,1,0.5",
    ], HEADER + ",magnitude,effort")
    model = SmugglingModel(load_scenario(tiny), seed=1)
    (agency,) = [a for a in model.agencies if a.name == "Turkish coast guard"]
    day = {d: (d - model.first_date).days for d in (dt.date(2012, 2, 29), dt.date(2012, 3, 1),
                                                      dt.date(2012, 5, 15), dt.date(2012, 6, 1))}
    assert [agency.effort_on(d) for d in day.values()] == [1.0, 2.0, 0.5, 2.0]
    assert [a.effort_on(d) for a in model.agencies if a is not agency for d in day.values()] == [1.5] * 4 + [0.5] * 4


def test_the_variant_is_one_row_and_changes_only_2014():
    text = VARIANT.read_text(encoding="utf-8")
    assert text.count("kind: effort_change") == 1
    sc = load_scenario(VARIANT)
    (change,) = [e for e in sc.events if e.kind == "effort_change"]
    assert (change.start, change.full_effect, change.end) == (dt.date(2014, 1, 1), dt.date(2014, 1, 1), None)
    assert sum(change.changes_effort_of(a) for a in sc.agencies) == 4
    assert {a.effort for a in sc.agencies if change.changes_effort_of(a)} == {0.2}


# ---- bad values: file, line and field -----------------------------------------------------------


def test_bad_magnitude_and_effort_in_the_csv_name_file_line_and_field(tiny):
    set_events(tiny, [
        "2012-08-02,2012-08-15,,patrol_surge,edge,Edirne->Orestiada,,,-1,",
        "2012-08-01,2012-12-15,,fence,edge,Edirne->Orestiada,,,twice,",
        "2012-03-01,2012-03-01,,border_patrol,route,Eastern Mediterranean/Sea,,,1,0.5",
        "2012-03-01,2012-03-01,,effort_change,agency,Turkish coastguard,,,2,",
        "2012-03-01,2012-03-01,,effort_change,edge,Istanbul->Izmir,,,2,",
        "2012-03-01,2012-03-01,,effort_change,agency,Greek border police,,,10,",
        "2012-03-01,2012-03-01,,fence,agency,Greek border police,,,1,",
        "2012-03-01,2012-03-01,,effort_change,node,Athens,,,1,11",
    ], HEADER + ",magnitude,effort")
    got = problems(tiny)
    f = "base/tables/events.csv"
    expected = [
        f"{f}:2:9: events[0].magnitude: Input should be greater than or equal to 0",
        f"{f}:3:9: events[1].magnitude: Input should be a valid number, unable to parse string as a number",
        f"{f}:4:10: events[2].effort: effort is set by effort_change events only, not by border_patrol",
        f"{f}:5:6: events[3].target: no agency 'Turkish coastguard' in agencies (did you mean 'Turkish coast guard'?)",
        f"{f}:6:6: events[4].target: no agency row targets edge 'Istanbul->Izmir'",
        f"{f}:7:9: events[5].magnitude: takes the effort of 'Greek border police' on 'Eastern Mediterranean/Land' "
        "to 15, above 10",
        f"{f}:8:5: events[6].target_type: only an effort_change or detention_change event targets an agency, not fence",
        f"{f}:9:10: events[7].effort: Input should be less than or equal to 10",
    ]
    assert len(got) == len(expected), got
    for msg, want in zip(got, expected, strict=True):
        assert msg.startswith(want), (msg, want)


def test_bad_magnitude_in_an_overlay_is_reported_at_its_key(tiny):
    over = write(tiny.parent.parent / "v.yaml", """
        extends: base/scenario.yaml
        name: v
        patches:
          events:
            - add:
                - {start: 2014-01-01, full_effect: 2014-01-01, kind: effort_change, target_type: agency,
                   target: Turkish coast guard, magnitude: -2}
            - match: {kind: fence}
              set: {magnitude: none}
    """)
    assert problems(over) == [
        "v.yaml:7:52: events[3].magnitude: Input should be greater than or equal to 0 (got '-2')",
        "v.yaml:9:24: events[1].magnitude: Input should be a valid number, unable to parse string as a number "
        "(got 'none')",
    ]


def test_cli_exits_2_on_a_bad_magnitude(tiny, capsys):
    set_events(tiny, ["2012-08-02,2012-08-15,,patrol_surge,edge,Edirne->Orestiada,,,-0.5"], HEADER + ",magnitude")
    assert main(["run", str(tiny), "--out", "out"]) == 2
    err = capsys.readouterr().err
    assert "base/tables/events.csv:2:9: events[0].magnitude: Input should be greater than or equal to 0" in err
    assert "Traceback" not in err and not Path("out").exists()


def test_effort_without_magnitude_column_is_a_header_error(tiny):
    set_events(tiny, ["2012-08-02,2012-08-15,,patrol_surge,edge,Edirne->Orestiada,,,"], HEADER + ",effort")
    (msg,) = problems(tiny)
    assert msg.startswith("base/tables/events.csv:1: events: missing column(s) magnitude; expected the header "
                          f"{HEADER},magnitude,effort")
    assert "may be left out, from the end: detention_places, detention_days, effort, magnitude" in msg


# ---- without the new columns: as before ---------------------------------------------------------


def test_optional_columns_come_last():
    for table, optional in OPTIONAL_COLUMNS.items():
        assert TABLE_COLUMNS[table][-len(optional):] == tuple(optional)


def test_columns_at_their_defaults_change_nothing(tiny):
    before = load_scenario(tiny)
    rows = (tiny.parent / "tables" / "events.csv").read_text().splitlines()
    set_events(tiny, [r + ",1," for r in rows[1:]], HEADER + ",magnitude,effort")
    after = load_scenario(tiny)
    assert after.scenario_hash() == before.scenario_hash()
    assert after.events == before.events
    header = resolved_files(after)["scenario.resolved/events.csv"].splitlines()[0]
    assert header == HEADER  # written back without the unused optional columns


def test_the_resolved_variant_loads_with_the_same_hash(tmp_path):
    sc = load_scenario(VARIANT)
    for rel, content in resolved_files(sc).items():
        write(tmp_path / rel, content)
    again = load_scenario(tmp_path / "scenario.resolved.yaml")
    assert "magnitude" in (tmp_path / "scenario.resolved" / "events.csv").read_text().splitlines()[0]
    assert again.scenario_hash() == sc.scenario_hash()
