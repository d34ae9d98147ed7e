"""Detention of detected entrants with finite places (sim/detention.py, mechanism f)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from sim import detention
from sim.model import SmugglingModel
from sim.scenario import load_scenario
from sim.scenario.rows import AgencyRow

SMALL_PATH = Path(__file__).parent / "fixtures" / "scenario_small" / "scenario.yaml"


def _state(days=(30.0,), places=(10.0,), of_edge=(0, -1), memory_days=20.0):
    return detention.DetentionState(np.array(days), np.array(places), np.array(of_edge), memory_days)


def test_places_fill_and_the_rest_go_on_at_once():
    st = _state()
    rng = np.random.default_rng(0)
    # 12 detected agents of 1 person on edge 0, 10 places: 10 held 30 days, 2 released
    held = st.admit(np.zeros(12, dtype=np.int64), 1, day=5, rng=rng)
    assert sorted(held.tolist()) == [0, 0] + [30] * 10
    assert st.occupancy.tolist() == [10.0]
    # the next day nobody gets a place
    assert st.admit(np.zeros(3, dtype=np.int64), 1, day=6, rng=rng).tolist() == [0, 0, 0]
    st.release(34)
    assert st.occupancy.tolist() == [10.0]
    st.release(35)  # those held on day 5 leave on day 35
    assert st.occupancy.tolist() == [0.0]
    assert st.admit(np.zeros(1, dtype=np.int64), 1, day=36, rng=rng).tolist() == [30]


def test_places_count_persons_not_agents_and_only_the_detected_are_held():
    st = _state(places=(10.0,))
    rng = np.random.default_rng(0)
    # agents of 4 persons: 10 places take 2 agents (8 persons)
    held = st.admit(np.zeros(4, dtype=np.int64), 4, day=0, rng=rng, detected=np.array([True, True, True, False]))
    assert int((held > 0).sum()) == 2 and held[3] == 0
    assert st.occupancy.tolist() == [8.0]
    # a segment without a detaining jurisdiction holds nobody
    assert _state().admit(np.array([1, 1]), 1, day=0, rng=rng).tolist() == [0, 0]


def test_the_reported_held_share_starts_at_one_and_follows_the_places():
    st = _state(places=(10.0,))
    assert st.held_share.tolist() == [1.0]
    st.admit(np.zeros(20, dtype=np.int64), 1, day=0, rng=np.random.default_rng(0))
    # both smoothed from 0 with the same weight: the ratio is today's 10 / 20
    assert st.held_share.tolist() == pytest.approx([0.5])


def test_planning_cost_is_time_value_days_detection_and_held_share():
    st = _state(days=(75.0,), places=(700.0,), of_edge=(0, -1))
    cost = detention.planning_cost_eur(st, np.array([0.5, 0.9]), np.array([0.2, 0.0]), time_value_eur_per_day=10.0)
    # 10 EUR/day x 75 days x 0.5 detected x 0.8 not returned x share 1; the other segment has no detention
    assert cost.tolist() == pytest.approx([300.0, 0.0])


def test_a_detaining_jurisdiction_needs_places():
    with pytest.raises(ValueError, match="detention_places"):
        _state(days=(30.0,), places=(0.0,))


@pytest.mark.parametrize(
    ("extra", "field"),
    [({"detention_days": 30.0}, "detention_places"),
     ({"detention_days": 30.0, "detention_places": 100.0, "side": "prevent"}, "detention_days"),
     ({"detention_days": 600.0, "detention_places": 100.0}, "detention_days")],
)
def test_agency_rows_reject_half_or_misplaced_detention(extra, field):
    row = dict(agency="Bulgarian border police", country_iso2="BG", side="detect", target_type="edge",
               target="Edirne->Svilengrad", effort=0.5, effort_low=0.2, effort_high=1.5)
    with pytest.raises(ValidationError, match=field):
        AgencyRow(**(row | extra))


def _with_detention(days: float, places: float, enabled: bool = True):
    sc = load_scenario(SMALL_PATH)
    rows = tuple(r.model_copy(update={"detention_days": days, "detention_places": places})
                 if r.target == "Edirne->Svilengrad" else r for r in sc.agencies)
    return sc.with_overrides(agencies=rows, parameters={"detention": {"enabled": enabled}})


def test_in_the_model_the_detected_are_held_and_migrants_plan_with_it():
    m = SmugglingModel(_with_detention(75.0, 1e5), 3)
    for _ in range(m.start_day + 60):
        m.step()
        m.check_invariants()
    st = m.detention
    assert st is not None and st.occupancy.sum() > 0, "nobody held in 60 days: the test says nothing"
    e = int(np.flatnonzero(st.of_edge >= 0)[0])
    m._replan()
    J_on = m.J.copy()
    saved, m.detention = m.detention, None  # the same day without the rule
    m._replan()
    m.detention = saved
    assert np.all(J_on >= m.J - 1e-6)
    src = int(m.net.src[e])
    assert np.any(J_on[src] > m.J[src] + 1.0)


def test_switched_off_nobody_is_held():
    m = SmugglingModel(_with_detention(75.0, 1e5, enabled=False), 3)
    assert m.detention is None


def test_switched_on_without_a_detaining_row_the_model_runs_and_nobody_pays():
    # the small fixture's agencies.csv has no detention columns: switched on, nothing detains
    sc = load_scenario(SMALL_PATH).with_overrides(parameters={"detention": {"enabled": True}})
    m = SmugglingModel(sc, 3)  # raised IndexError in planning_cost_eur (no jurisdiction to index)
    assert len(m.detention.days) == 0
    cost = detention.planning_cost_eur(m.detention, m.odds.detect, m.odds.return_, 15.0)
    assert cost.shape == (m.net.n_edges,) and not cost.any()


def test_a_stay_shorter_than_a_day_is_rejected():
    # round(0.5) == 0: the agent went on at once but its place was booked for a day already released
    with pytest.raises(ValueError, match="at least a day"):
        _state(days=(0.5,))
    row = dict(agency="Bulgarian border police", country_iso2="BG", side="detect", target_type="edge",
               target="Edirne->Svilengrad", effort=0.5, effort_low=0.2, effort_high=1.5, detention_places=100.0)
    with pytest.raises(ValidationError, match="detention_days"):
        AgencyRow(**(row | {"detention_days": 0.5}))


def test_a_held_migrant_arrives_detention_days_later_and_occupancy_counts_its_persons():
    days = 300  # longer than the 120 days run: nobody is released, every held agent is still on the calendar
    m = SmugglingModel(_with_detention(float(days), 1e5), 3)
    log = []
    admit = m.detention.admit

    def spy(edges, persons_per_agent, day, rng, detected=None):
        held = admit(edges, persons_per_agent, day, rng, detected=detected)
        log.append((day, np.asarray(edges).copy(), held.copy()))
        return held

    m.detention.admit = spy
    for _ in range(m.start_day + 60):
        m.step()
    expected = {}
    for day, edges, held in log:
        assert set(held.tolist()) <= {0, days}
        travel = np.maximum(1, np.round(m.net.travel_days[edges])).astype(int)
        for k in (day + travel - 1 + held)[held > 0].tolist():  # the day an unheld one arrives, + days
            expected[k] = expected.get(k, 0) + 1
    assert expected, "nobody held: the test says nothing"
    dst = set(m.net.dst[m.detention.of_edge >= 0].tolist())
    on_calendar = {k: int(np.isin(m.migrants.node[np.concatenate(v)], list(dst)).sum())
                   for k, v in m.calendar.items() if v and k >= days}
    assert {k: n for k, n in on_calendar.items() if n} == expected
    assert m.detention.occupancy.sum() == m.persons_per_agent * sum(expected.values())


def test_the_invariants_check_the_places_against_the_held():
    m = SmugglingModel(_with_detention(30.0, 40.0), 3)  # 10 agents of 4 persons: the places fill
    for _ in range(m.start_day + 40):
        m.step()
        m.check_invariants()  # releases on day 30 onwards keep occupancy = the held not yet released
    assert m.detention.occupancy.sum() > 0, "nobody held: the test says nothing"
    m.detention.occupancy[0] += m.persons_per_agent  # a place taken by nobody (the leak of a 0-day stay)
    with pytest.raises(AssertionError, match="taken by nobody"):
        m.check_invariants()


def test_detention_columns_round_trip_through_the_resolved_scenario(tmp_path):
    from sim.scenario.resolved import RESOLVED_YAML, resolved_files

    sc = _with_detention(75.0, 700.0)
    for rel, text in resolved_files(sc).items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    header = (tmp_path / "scenario.resolved" / "agencies.csv").read_text().splitlines()[0]
    assert header.endswith(",note,detention_days,detention_places")
    again = load_scenario(tmp_path / RESOLVED_YAML)
    assert [(r.detention_days, r.detention_places) for r in again.agencies] == \
        [(r.detention_days, r.detention_places) for r in sc.agencies]
    assert again.parameters.detention.enabled and again.scenario_hash() == sc.scenario_hash()
    # unused, the columns are left out and the hash is the one of a table without them
    plain = load_scenario(SMALL_PATH)
    assert resolved_files(plain)["scenario.resolved/agencies.csv"].splitlines()[0].endswith(",policy,note")


def test_fractional_days_are_whole_days_in_the_stay_and_in_planning_alike():
    st = _state(days=(2.6,), places=(10.0,))
    assert st.admit(np.zeros(1, dtype=np.int64), 1, day=0, rng=np.random.default_rng(0)).tolist() == [3]
    cost = detention.planning_cost_eur(_state(days=(2.6,), places=(10.0,)), np.array([1.0, 0.0]), np.zeros(2), 10.0)
    assert cost.tolist() == pytest.approx([30.0, 0.0])


# ---- dated changes: detention_change events ----------------------------------------------------

def _change(**kw):
    from sim.scenario.rows import EventRow

    row = dict(start="2012-03-01", full_effect="2012-03-01", kind="detention_change", target_type="edge",
               target="Edirne->Svilengrad")
    return EventRow(**(row | kw))


def test_a_dated_change_applies_from_its_day_and_keeps_the_stays_already_begun():
    st = detention.DetentionState(np.array([30.0]), np.array([10.0]), np.array([0]), 20.0,
                                  changes=[(5, 0, 3.0, 4.0)])
    rng = np.random.default_rng(0)
    st.release(4)
    assert st.admit(np.zeros(2, dtype=np.int64), 1, day=4, rng=rng).tolist() == [30, 30]
    st.release(5)
    assert (st.days.tolist(), st.places.tolist()) == ([3.0], [4.0])
    # 2 held (from day 4, to day 34) against 4 places: 2 more get a place, for the new 3 days
    assert sorted(st.admit(np.zeros(3, dtype=np.int64), 1, day=5, rng=rng).tolist()) == [0, 3, 3]
    st.release(8)
    assert st.occupancy.tolist() == [2.0]  # the day-4 stays still run to day 34
    # a change dated before day 0 applies at once; one on a jurisdiction that does not detain is refused
    assert detention.DetentionState(np.array([30.0]), np.array([10.0]), np.array([0]), 20.0,
                                    changes=[(-3, 0, 9.0, None)]).days.tolist() == [9.0]
    with pytest.raises(ValueError, match="does not detain"):
        detention.DetentionState(np.array([0.0]), np.array([0.0]), np.array([0]), 20.0, changes=[(1, 0, 9.0, None)])
    with pytest.raises(ValueError, match="at least a day"):
        detention.DetentionState(np.array([30.0]), np.array([10.0]), np.array([0]), 20.0, changes=[(1, 0, 0.4, None)])


@pytest.mark.parametrize(("kw", "field"), [
    ({}, "detention_days"),  # sets nothing
    ({"detention_days": 10, "magnitude": 2}, "magnitude"),
    ({"detention_days": 10, "end": "2012-06-01"}, "end"),
    ({"detention_days": 10, "kind": "fence"}, "detention_days"),
    ({"detention_days": 0.5}, "detention_days"),
])
def test_detention_change_rows_reject_what_they_cannot_mean(kw, field):
    with pytest.raises(ValidationError, match=field):
        _change(**kw)


def test_in_the_model_a_detention_change_moves_days_and_places_on_its_date():
    sc = _with_detention(75.0, 700.0)
    sc = sc.with_overrides(events=sc.events + (_change(detention_days=6, start="2012-03-01", full_effect="2012-03-01"),
                                               _change(detention_places=50.0, start="2012-04-01",
                                                       full_effect="2012-04-01", target_type="agency",
                                                       target="Bulgarian border police")))
    m = SmugglingModel(sc, 3)
    assert (m.detention.days.tolist(), m.detention.places.tolist()) == ([75.0], [700.0])
    seen = {}
    while m.date <= date(2012, 4, 2):
        today = m.date
        m.step()
        m.check_invariants()
        seen[today] = (float(m.detention.days[0]), float(m.detention.places[0]))
    assert seen[date(2012, 2, 29)] == (75.0, 700.0)
    assert seen[date(2012, 3, 1)] == (6.0, 700.0)
    assert seen[date(2012, 4, 1)] == (6.0, 50.0)


def test_the_scenario_check_names_a_detention_change_on_a_row_that_does_not_detain(tmp_path):
    import shutil

    from sim.scenario import ScenarioError

    root = tmp_path / "s"
    shutil.copytree(SMALL_PATH.parent, root)
    ev = root / "tables" / "events.csv"
    lines = ev.read_text().splitlines()
    assert lines[0] == "start,full_effect,end,kind,target_type,target,description,source_quality"
    lines = [lines[0] + ",magnitude,effort,detention_days,detention_places"] + [ln + ",,,," for ln in lines[1:]]
    lines.append("2012-03-01,2012-03-01,,detention_change,edge,Edirne->Svilengrad,,,,,6,")
    ev.write_text("\n".join(lines) + "\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(root / "scenario.yaml")
    msg = str(err.value)
    assert f"events.csv:{len(lines)}" in msg and "target" in msg and "does not detain" in msg, msg

def _agency_wide_change(tmp_path, bulgaria_detains: bool):
    """The small scenario with detention columns (Greece detains on Edirne->Orestiada, 30 days), a second,
    non-detaining Bulgarian row, and a detention_change (6 days, before the warm-up) naming the whole Bulgarian
    agency; its Edirne->Svilengrad row detains (75 days) if ``bulgaria_detains``. Returns the scenario
    folder and the event's line in events.csv."""
    import shutil

    root = tmp_path / "s"
    shutil.copytree(SMALL_PATH.parent, root)
    ag = root / "tables" / "agencies.csv"
    lines = ag.read_text().splitlines()
    held = {"Edirne->Orestiada": "30,500", "Edirne->Svilengrad": "75,700" if bulgaria_detains else ","}
    lines = [lines[0] + ",detention_days,detention_places"] + [
        ln + "," + held.get(ln.split(",")[4], ",") for ln in lines[1:]]
    lines.append("Bulgarian border police,BG,detect,edge,Svilengrad->Sofia,1.0,0.5,2.0,,,,")
    ag.write_text("\n".join(lines) + "\n")
    ev = root / "tables" / "events.csv"
    lines = ev.read_text().splitlines()
    lines = [lines[0] + ",magnitude,effort,detention_days,detention_places"] + [ln + ",,,," for ln in lines[1:]]
    lines.append("2011-06-01,2011-06-01,,detention_change,agency,Bulgarian border police,,,,,6,")
    ev.write_text("\n".join(lines) + "\n")
    return root, len(lines)


def test_a_detention_change_naming_an_agency_changes_its_detaining_rows_only(tmp_path):
    root, _ = _agency_wide_change(tmp_path, bulgaria_detains=True)
    sc = load_scenario(root / "scenario.yaml")  # the non-detaining Bulgarian row is no error
    bulgarian = [a for a in sc.agencies if a.agency == "Bulgarian border police"]
    assert [a.detention_days is None for a in bulgarian] == [False, True]
    m = SmugglingModel(sc.with_overrides(parameters={"detention": {"enabled": True}}), 3)
    held = {sc.agencies[i].target: d for i, d in zip(m.detention.agency_index, m.detention.days.tolist(),
                                                     strict=True)}
    assert held == {"Edirne->Orestiada": 30.0, "Edirne->Svilengrad": 6.0}  # before day 0 (warm-up): at once


def test_a_detention_change_naming_an_agency_none_of_whose_rows_detains_is_refused(tmp_path):
    from sim.scenario import ScenarioError

    root, line = _agency_wide_change(tmp_path, bulgaria_detains=False)
    with pytest.raises(ScenarioError) as err:
        load_scenario(root / "scenario.yaml")
    msg = str(err.value)
    assert f"events.csv:{line}:6: " in msg and "target" in msg, msg
    assert "'Bulgarian border police' does not detain (no detention_days on any of its 2 rows" in msg, msg


def test_the_detention_table_counts_places_held_admitted_and_no_place_in_persons():
    """Month by month, from a log of every admit: persons given a place, detected entrants (not returned)
    who found none, and those still held at the month's last day (a place is taken from the day of
    admission until the stay ends)."""
    from sim.metrics import collect_tables

    sc = _with_detention(30.0, 40.0).with_overrides(end="2012-04-30")  # agents of 4 persons, 10 fit
    m = SmugglingModel(sc, 3)
    K, log = m.persons_per_agent, []
    admit = m.detention.admit

    def spy(edges, persons_per_agent, day, rng, detected=None):
        held = admit(edges, persons_per_agent, day, rng, detected=detected)
        det = np.ones(len(edges), bool) if detected is None else np.asarray(detected)
        log.append((day, det & (m.detention.of_edge[np.asarray(edges)] >= 0), held.copy()))
        return held

    m.detention.admit = spy
    m.run()
    month = {d: m.months[m.month_of_day[d]] for d in range(m.n_days_total)}
    last = {month[d]: d for d in range(m.n_days_total)}
    expected = {name: [0, 0, 0] for name in m.months[m.month_of_day[m.start_day]:]}
    for day, there, held in log:
        if month[day] in expected:
            expected[month[day]][1] += K * int((held > 0).sum())
            expected[month[day]][2] += K * int((there & (held == 0)).sum())
        for name, end in last.items():  # held at the month's end: admitted by then, not yet released
            if name in expected and day <= end < day + 30:
                expected[name][0] += K * int((held > 0).sum())
    table = collect_tables(m)["detention"]
    assert list(table.columns) == ["month", "agency", "target", "places", "held", "admitted", "no_place"]
    assert table["month"].tolist() == list(expected)  # one row a month for the one detaining row
    assert set(table["agency"]) == {"Bulgarian border police"} and set(table["target"]) == {"Edirne->Svilengrad"}
    assert (table["places"] == 40.0).all()
    got = {r.month: [r.held, r.admitted, r.no_place] for r in table.itertuples()}
    assert got == expected
    assert table["admitted"].sum() > 0 and table["no_place"].sum() > 0, "places never full: the test says little"
    assert (table["held"] <= table["places"]).all()


def test_without_a_detaining_row_the_detention_table_is_empty_and_written_with_its_schema(tmp_path):
    import pandas as pd

    from sim import io, results
    from sim.runner import run_replicate

    sc = load_scenario(SMALL_PATH).with_overrides(end="2012-01-31", parameters={"detention": {"enabled": True}})
    columns = io.TABLE_FILES["detention.parquet"][1]
    for enabled in (True, False):
        table = run_replicate(sc.with_overrides(parameters={"detention": {"enabled": enabled}}), 3)["detention"]
        assert len(table) == 0 and list(table.columns) == columns
    io.write_parquet(table, tmp_path / "detention.parquet", "detention")
    back = pd.read_parquet(tmp_path / "detention.parquet")
    assert list(back.columns) == columns and len(back) == 0
    (tmp_path / "manifest.json").write_text("{}")
    assert list(results.load(tmp_path)["detention"].columns) == columns


def test_a_border_with_fewer_places_than_persons_per_agent_is_warned_once(capsys):
    from sim.cli.checks import preflight

    # 40 places, agents of 50 persons: not one agent fits, so the border holds no one
    held = _state(places=(40.0,)).admit(np.zeros(3, dtype=np.int64), 50, day=0, rng=np.random.default_rng(0))
    assert held.tolist() == [0, 0, 0]
    sc = _with_detention(75.0, 40.0).with_overrides(persons_per_agent=50)
    (w,) = [w for w in sc.warnings if "detention" in w.field]
    assert w.field == "agencies[9].detention_places" and w.line == 11 and w.file.endswith("agencies.csv")
    assert "Bulgarian border police" in w.message and "detention_places 40 " in w.message
    assert "persons_per_agent 50" in w.message and "holds no one" in w.message
    assert preflight(sc, allow_stranded=False) == []
    err = capsys.readouterr().err
    assert err.count("warning: agencies[9].detention_places") == 1, err
    # one agent fits: no warning; detention switched off: nothing detains, no warning
    assert not [w for w in _with_detention(75.0, 40.0).with_overrides(persons_per_agent=40).warnings
                if "detention" in w.field]
    assert not [w for w in _with_detention(75.0, 40.0, enabled=False).with_overrides(persons_per_agent=50).warnings
                if "detention" in w.field]


def test_the_detention_table_gives_each_month_the_places_of_that_month_after_a_dated_change():
    """A detention_change of the places shows in detention.parquet from its month on, not back to the
    first month (the month's places are those of its last day, as ``held``)."""
    from sim.metrics import collect_tables

    sc = _with_detention(30.0, 700.0).with_overrides(end="2012-04-30")
    sc = sc.with_overrides(events=sc.events + (_change(detention_places=50.0, start="2012-04-01",
                                                       full_effect="2012-04-01"),))
    m = SmugglingModel(sc, 3)
    m.run()
    table = collect_tables(m)["detention"]
    assert dict(zip(table["month"], table["places"], strict=True)) == {
        "2012-01": 700.0, "2012-02": 700.0, "2012-03": 700.0, "2012-04": 50.0}


def test_the_places_warning_follows_the_dated_changes_of_the_places():
    """A detention_change that cuts the places below persons_per_agent is warned of at its own cell; a
    row whose places a change raises above it is warned of until that date only."""
    sc = _with_detention(75.0, 700.0)
    cut = _change(detention_places=30.0, start="2012-04-01", full_effect="2012-04-01")
    warned = [w for w in sc.with_overrides(events=sc.events + (cut,), persons_per_agent=40).warnings
              if "detention" in w.field]
    assert [w.field for w in warned] == [f"events[{len(sc.events)}].detention_places"], warned
    assert "detention_places 30 " in warned[0].message and "from 2012-04-01" in warned[0].message
    # 40 places at first, 900 from May 2012: the row is warned of, until that date
    sc = _with_detention(75.0, 40.0)
    raise_ = _change(detention_places=900.0, start="2012-05-01", full_effect="2012-05-01")
    (w,) = [w for w in sc.with_overrides(events=sc.events + (raise_,), persons_per_agent=50).warnings
            if "detention" in w.field]
    assert w.field == "agencies[9].detention_places" and "until 2012-05-01" in w.message, w.message
