"""Tests of scenario overlays: ``extends``, deep merge, table ``patches``, errors and the variants."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import textwrap
from pathlib import Path

import pytest

from sim.cli import main
from sim.parameters import Parameters
from sim.runner import run_replicate
from sim.scenario import ScenarioError, load_scenario

FIXTURES = Path(__file__).parent / "fixtures"
TINY = FIXTURES / "scenario_tiny"
REPO = Path(__file__).parent.parent
BASELINE = REPO / "scenarios" / "baseline_2014.yaml"
VARIANTS = REPO / "scenarios" / "variants"


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the tiny scenario in ``tmp/base``; the cwd is ``tmp``, so files show as ``base/...``."""
    shutil.copytree(TINY, tmp_path / "base")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "base" / "scenario.yaml"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return [str(p) for p in info.value.problems]


# ---- merge and patches --------------------------------------------------------------------------


def test_overlay_merges_keys_and_patches_rows(tiny):
    base = load_scenario(tiny)
    over = write(tiny.parent.parent / "variants" / "v.yaml", """
        extends: ../base/scenario.yaml
        name: v
        parameters:
          choice: {cost_scale_eur: 900.0}
        patches:
          agencies:
            - match: {agency: Turkish coast guard}
              scale: {effort: 1.5}
            - match: {target: Athens}
              set: {policy: adaptive, note: changed}
          events:
            - remove: {kind: fence}
            - add:
                - {start: 2012-05-01, full_effect: 2012-06-01, kind: hub_crackdown,
                   target_type: node, target: Istanbul}
    """)
    sc = load_scenario(over)
    assert sc.name == "v" and sc.start == base.start and sc.description == base.description
    # deep merge: the base's other parameters survive
    assert sc.parameters.choice.reputation_weight == base.parameters.choice.reputation_weight == 3.0
    assert sc.parameters.choice.cost_scale_eur == 900.0
    assert sc.parameters.demand.undetected_share == 0.1
    assert [a.effort for a in sc.agencies] == [1.5, 1.5, 0.5]
    assert sc.agencies[2].policy == "adaptive" and sc.agencies[2].note == "changed"
    assert [e.kind for e in sc.events] == ["patrol_surge", "border_patrol", "hub_crackdown"]
    assert sc.events[-1].start == dt.date(2012, 5, 1)
    assert sc.nodes == base.nodes and sc.demand == base.demand
    assert sc.scenario_hash() != base.scenario_hash()


def test_table_paths_resolve_against_the_file_that_names_them(tiny):
    other = tiny.parent.parent / "variants" / "tables" / "events.csv"
    other.parent.mkdir(parents=True)
    other.write_text((tiny.parent / "tables" / "events.csv").read_text().splitlines()[0] + "\n")
    write(tiny.parent.parent / "variants" / "mid.yaml", "extends: ../base/scenario.yaml\nname: mid\n")
    deep = write(tiny.parent.parent / "variants" / "deeper" / "v.yaml", """
        extends: ../mid.yaml
        name: deep
        tables:
          events: ../tables/events.csv
    """)
    sc = load_scenario(deep)
    assert sc.events == ()
    assert len(sc.nodes) == 9
    paths = sc.table_paths()
    assert paths["events"].resolve() == other.resolve()
    assert paths["nodes"].resolve() == (tiny.parent / "tables" / "nodes.csv").resolve()


def test_an_overlay_of_nothing_has_the_base_hash(tiny):
    over = write(tiny.parent / "same.yaml", "extends: scenario.yaml\n")
    assert load_scenario(over).scenario_hash() == load_scenario(tiny).scenario_hash()


def test_an_absolute_extends_path_is_taken_as_it_is(tiny, tmp_path):
    """A probe kept elsewhere may name its base by absolute path (scenarios/README.md, "Paths")."""
    over = write(tmp_path / "elsewhere" / "probe.yaml", f"extends: {tiny.resolve()}\n")
    assert load_scenario(over).scenario_hash() == load_scenario(tiny).scenario_hash()


# ---- errors: file and line of the overlay or of the base -----------------------------------------


def test_cycle_of_extends_is_an_error(tiny):
    write(tiny.parent / "a.yaml", "extends: b.yaml\nname: a\n")
    write(tiny.parent / "b.yaml", "name: b\nextends: a.yaml\n")
    (msg,) = problems(tiny.parent / "a.yaml")
    assert msg.startswith("base/b.yaml:2:10: extends: extends makes a cycle: base/a.yaml -> base/b.yaml -> base/a.yaml"), msg


def test_missing_base_is_reported_at_the_extends_line(tiny):
    over = write(tiny.parent / "v.yaml", "name: v\nextends: nowhere.yaml\n")
    assert problems(over) == ["base/v.yaml:2:10: extends: file not found: base/nowhere.yaml"]


def test_patch_matching_no_row_is_an_error_at_its_line(tiny):
    over = write(tiny.parent / "v.yaml", """
        extends: scenario.yaml
        patches:
          agencies:
            - match: {agency: Libyan coast guard}
              scale: {effort: 2.0}
          events:
            - remove: {kind: fence, target: Nowhere->Else}
    """)
    assert problems(over) == [
        "base/v.yaml:4:7: patches.agencies[0].match: matches no row of agencies (agency='Libyan coast guard')",
        "base/v.yaml:7:7: patches.events[0].remove: matches no row of events "
        "(kind='fence', target='Nowhere->Else')",
    ]


def test_bad_patches_are_reported_in_the_overlay(tiny):
    over = write(tiny.parent / "v.yaml", """
        extends: scenario.yaml
        patches:
          agencies:
            - remove: {agency: Turkish coast guard}
              scale: {effort: 2.0}
          evnts: []
    """)
    got = problems(over)
    assert len(got) == 2, got
    assert got[0].startswith("base/v.yaml:5:14: patches.agencies[0].scale: scale goes with match, not with remove"), got
    assert got[1].startswith("base/v.yaml:6:3: patches.evnts: unknown key 'evnts' (did you mean 'events'?)"), got


def test_unknown_column_of_a_patch_is_reported_at_its_key(tiny):
    over = write(tiny.parent / "v.yaml", """
        extends: scenario.yaml
        patches:
          agencies:
            - match: {agenzy: Turkish coast guard}
              scale: {effort: 2.0}
    """)
    got = problems(over)
    assert got == ["base/v.yaml:4:15: patches.agencies[0].match.agenzy: unknown column 'agenzy' of agencies; "
                   "columns: agency, country_iso2, side, target_type, target, effort, effort_low, effort_high, "
                   "policy, note, detention_days, detention_places"], got


def test_patched_cells_are_validated_at_their_key_in_the_overlay(tiny):
    over = write(tiny.parent / "v.yaml", """
        extends: scenario.yaml
        patches:
          agencies:
            - match: {agency: Turkish coast guard}
              scale: {effort: 3.0}
          events:
            - add:
                - {start: 2012-05-01, full_effect: 2012-04-01, kind: hub_crackdown,
                   target_type: node, target: Atlantis}
    """)
    got = problems(over)
    assert "base/v.yaml:5:23: agencies[0].effort: effort 3.0 outside its prior range [0.5, 2.0]" in got, got
    assert any(m.startswith("base/v.yaml:8:44: events[3].full_effect: full_effect 2012-04-01 is before start") for m in got), got


def test_cross_table_problem_of_an_added_row_is_in_the_overlay(tiny):
    over = write(tiny.parent / "v.yaml", """
        extends: scenario.yaml
        patches:
          agencies:
            - add:
                - {agency: X, country_iso2: GR, side: detect, target_type: node, target: Atlantis,
                   effort: 1, effort_low: 0, effort_high: 2}
    """)
    (msg,) = problems(over)
    assert msg.startswith("base/v.yaml:5:82: agencies[3].target: unknown node 'Atlantis'"), msg


def test_problems_in_the_base_name_the_base_file(tiny):
    text = tiny.read_text().replace("persons_per_agent: 1", "persons_per_agent: 0")
    tiny.write_text(text)
    over = write(tiny.parent.parent / "v.yaml", "extends: base/scenario.yaml\nname: v\nseed: -1\n")
    got = problems(over)
    assert len(got) == 2, got
    assert any(m.startswith("v.yaml:3:7: seed: ") for m in got), got
    assert any(m.startswith("base/scenario.yaml:7:20: persons_per_agent: ") for m in got), got


def test_cli_reports_a_broken_overlay_with_exit_2_and_writes_nothing(tiny, tmp_path, capsys):
    over = write(tiny.parent / "v.yaml", """
        extends: scenario.yaml
        patches:
          events:
            - remove: {kind: naval_operation}
    """)
    out = tmp_path / "out"
    assert main(["run", str(over), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert re.search(r"base/v\.yaml:4:7: patches\.events\[0\]\.remove: matches no row", err), err
    assert not out.exists()


# ---- the shipped variants ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


def _changes(variant, baseline):
    """Rows of agencies and events that differ from the reference scenario."""
    def rows(sc, table):
        return [r.model_dump() for r in getattr(sc, table)]

    out = {}
    for table in ("agencies", "events"):
        a, b = rows(baseline, table), rows(variant, table)
        out[table] = ([r for r in a if r not in b], [r for r in b if r not in a])
    return out


VARIANT_FILES = sorted(VARIANTS.glob("*.yaml"))


def test_at_least_four_short_variants_are_shipped():
    assert len(VARIANT_FILES) >= 4
    for path in VARIANT_FILES:
        text = path.read_text(encoding="utf-8")
        assert re.search(r"^extends: \.\./baseline_2014\.yaml$", text, re.M), path
        assert len(text.splitlines()) <= 15, path
    assert not list(VARIANTS.rglob("*.csv"))  # no copied tables


@pytest.mark.parametrize("path", VARIANT_FILES, ids=lambda p: p.stem)
def test_variant_changes_what_it_says_and_runs_a_few_days(path, baseline):
    sc = load_scenario(path)
    assert sc.name == path.stem
    assert sc.nodes == baseline.nodes and sc.demand == baseline.demand
    segments = sc.segments
    if sc.name == "maghreb_flights":  # three flights added after the reference's segments, nothing else changed
        added = segments[len(baseline.segments):]
        assert [(s.edge, s.mode, s.base_fee_eur) for s in added] == [
            ("Algiers->Istanbul", "air", 283), ("Casablanca->Istanbul", "air", 365), ("Tunis->Istanbul", "air", 235)]
        segments = segments[:len(baseline.segments)]
    changed = [(a.edge, a.closed_from) for a, b in zip(segments, baseline.segments, strict=True) if a != b]
    if sc.name == "no_egypt_visa_2013":  # the one segment it patches: no visa requirement for Syrians in Egypt
        assert changed == [("Damascus->Cairo", None)]
    else:
        assert not changed
    removed_agencies, added_agencies = _changes(sc, baseline)["agencies"]
    removed_events, added_events = _changes(sc, baseline)["events"]
    expected = {
        "no_mare_nostrum": lambda: removed_events == [r.model_dump() for r in baseline.events
                                                      if r.kind == "search_and_rescue"] and not added_events,
        "no_evros_fence": lambda: [(r["kind"], r["target"]) for r in removed_events] == [("fence", "Edirne->Orestiada")]
                                  and not added_events,
        "libyan_coast_guard_x2": lambda: len(added_agencies) == 4 and all(
            a["effort"] == 2 * r["effort"] for a, r in zip(added_agencies, removed_agencies, strict=True)),
        "libyan_coast_guard_x2_from_2014": lambda: not removed_agencies and not added_agencies and not removed_events
                                                   and [(r["kind"], r["target"], r["start"], r["magnitude"])
                                                        for r in added_events]
                                                   == [("effort_change", "Libyan coast guard", dt.date(2014, 1, 1), 2.0)],
        "agadez_crackdown_2013": lambda: not removed_events and [(r["kind"], r["target"], r["start"]) for r in added_events]
                                         == [("hub_crackdown", "Agadez", dt.date(2013, 1, 1))],
        "no_slovenian_border_checks": lambda: not added_agencies and not removed_events and not added_events
                                              and [(r["agency"], r["side"], r["target"]) for r in removed_agencies]
                                              == [("Croatian and Slovenian police at the Slovenian border (exit and entry checks)", "prevent", f"Zagreb->{c}")
                                                  for c in ("Vienna", "Munich", "Milan")],
    }
    if sc.name in expected:
        assert expected[sc.name](), _changes(sc, baseline)
    short = sc.with_overrides(start=dt.date(2013, 1, 1), end=dt.date(2013, 1, 4), burn_in_days=2, persons_per_agent=1000)
    tables = run_replicate(short, seed=1)
    months = set(tables["detections_monthly"]["month"].astype(str).str.slice(0, 7))
    assert months <= {"2013-01"}, months


# ---- a partial event effect keeps the kind's other defaults --------------------------------------


def test_partial_event_effect_keeps_the_kinds_defaults(tiny):
    """Issue 8's notes: ``events: {patrol_surge: {return_probability: 0.5}}`` used to set the kind's
    other effects to EventEffect's zeros (no detection effort, no prevention, no arrest)."""
    defaults = Parameters().events
    over = write(tiny.parent / "v.yaml", """
        extends: scenario.yaml
        name: v
        parameters:
          events:
            patrol_surge: {return_probability: 0.5}
            search_and_rescue: {death_risk_multiplier: 0.7}
    """)
    events = load_scenario(over).parameters.events
    assert events.patrol_surge == defaults.patrol_surge.model_copy(update={"return_probability": 0.5})
    assert events.patrol_surge.detection_effort == 3.0 and events.patrol_surge.arrest_effort == 1.0
    assert events.search_and_rescue.detection_effort == defaults.search_and_rescue.detection_effort == 2.0
    assert events.fence == defaults.fence  # a kind not written keeps its defaults, as before
    # written in the base file itself, and through with_overrides, the same
    text = tiny.read_text() + "  events:\n    patrol_surge:\n      return_probability: 0.5\n"
    tiny.write_text(text)
    assert load_scenario(tiny).parameters.events.patrol_surge == events.patrol_surge
    sc = load_scenario(TINY / "scenario.yaml").with_overrides(parameters={"events": {"patrol_surge": {"return_probability": 0.5}}})
    assert sc.parameters.events.patrol_surge == events.patrol_surge


def test_bad_value_of_a_partial_event_effect_is_reported_at_its_line(tiny):
    over = write(tiny.parent / "v.yaml", """
        extends: scenario.yaml
        name: v
        parameters:
          events:
            fence: {barrier: 1.5}
            patrol_surge: {bogus: 1}
    """)
    got = problems(over)
    assert len(got) == 2, got
    assert got[0].startswith("base/v.yaml:5:22: parameters.events.fence.barrier: Input should be less than or equal to 1")
    assert got[1].startswith("base/v.yaml:6:20: parameters.events.patrol_surge.bogus: unknown key 'bogus'")


# ---- the mechanism ablations of issue 9 are overlays too --------------------------------------------

ABLATIONS = Path(__file__).resolve().parents[1] / "scenarios" / "ablations"
MECHANISMS = ("awareness", "supply", "hub_reputation", "consolidation", "waiting", "detention")


@pytest.mark.parametrize("path", sorted(ABLATIONS.glob("*.yaml")), ids=lambda p: p.stem)
def test_each_ablation_switches_off_what_its_name_says_and_nothing_else(path, baseline):
    sc = load_scenario(path)
    assert sc.name == path.stem
    off = MECHANISMS if sc.name == "no_mechanisms" else (sc.name.removeprefix("no_"),)
    for m in MECHANISMS:
        assert getattr(sc.parameters, m).enabled is (m not in off), m
    rest = {k: v for k, v in sc.parameters.model_dump().items() if k not in MECHANISMS}
    assert rest == {k: v for k, v in baseline.parameters.model_dump().items() if k not in MECHANISMS}
    assert sc.agencies == baseline.agencies and sc.events == baseline.events and sc.segments == baseline.segments


# ablations of one rule inside a mechanism: the file's stem and the one parameter it switches off
PART_ABLATIONS = {"no_break_even": ("waiting", "break_even", False), "no_vessel_capital": ("supply", "vessel_capital", False),
                  "no_payment_on_success": ("consolidation", "guarantee_share", 0.0),
                  "no_guarantee_floor": ("consolidation", "guarantee_floor", False)}


def test_there_is_one_ablation_per_mechanism_and_one_for_all():
    assert {p.stem for p in ABLATIONS.glob("*.yaml")} == ({f"no_{m}" for m in MECHANISMS} | {"no_mechanisms"}
                                                          | set(PART_ABLATIONS))


@pytest.mark.parametrize("stem", sorted(PART_ABLATIONS))
def test_an_ablation_of_one_rule_switches_off_only_that_rule(stem, baseline):
    from sim.parameters import parameter_specs

    group, field, off = PART_ABLATIONS[stem]
    sc = load_scenario(ABLATIONS / f"{stem}.yaml")
    got = {s.name: s.default for s in parameter_specs(sc.parameters)}
    base = {s.name: s.default for s in parameter_specs(baseline.parameters)}
    changed = {k: v for k, v in got.items() if v != base[k]}
    assert changed == {f"{group}.{field}": off} and type(changed[f"{group}.{field}"]) is type(off)
    assert base[f"{group}.{field}"] == (True if isinstance(off, bool) else 1.0)


# ---- the calibrated overlay of issue 10 ------------------------------------------------------------

CALIBRATED = REPO / "scenarios" / "baseline_2014_calibrated.yaml"


def test_the_calibrated_overlay_sets_only_fitted_parameters_inside_their_bounds(baseline):
    from sim.parameters import parameter_specs

    sc = load_scenario(CALIBRATED)
    assert sc.name == "baseline_2014_calibrated"
    assert re.search(r"^extends: baseline_2014\.yaml$", CALIBRATED.read_text(encoding="utf-8"), re.M)
    specs = {s.name: s for s in parameter_specs()}  # bounds and kinds (the built-in defaults)
    got = {s.name: s.default for s in parameter_specs(sc.parameters)}
    base = {s.name: s.default for s in parameter_specs(baseline.parameters)}
    changed = {k: v for k, v in got.items() if v != base[k]}
    assert len(changed) == sum(str(s.kind) == "fitted" for s in specs.values()) == 15, changed
    for name, value in changed.items():
        assert str(specs[name].kind) == "fitted", name
        assert float(specs[name].low) <= value <= float(specs[name].high), (name, value)
    assert sc.agencies == baseline.agencies and sc.events == baseline.events
    assert sc.segments == baseline.segments and sc.demand == baseline.demand


# ---- messages: allowed keys, did you mean, one report per patched value ----------------------------


def test_unknown_key_lists_extends_and_patches_among_the_allowed(tiny):
    over = write(tiny.parent / "v.yaml", """
        extends: scenario.yaml
        burn_in_dayz: 3
        extend: x
    """)
    got = problems(over)
    assert got[0].startswith("base/v.yaml:2:1: burn_in_dayz: unknown key 'burn_in_dayz' (did you mean "
                             "'burn_in_days'?); allowed: name,"), got
    assert got[0].endswith(", extends, patches"), got
    assert got[1].startswith("base/v.yaml:3:1: extend: unknown key 'extend' (did you mean 'extends'?)"), got


def test_misspelled_event_kind_gets_a_did_you_mean(tiny):
    over = write(tiny.parent / "v.yaml", """
        extends: scenario.yaml
        patches:
          events:
            - add:
                - {start: 2012-05-01, full_effect: 2012-05-01, kind: hub_crackdwn,
                   target_type: node, target: Athens}
    """)
    (msg,) = problems(over)
    assert msg.startswith("base/v.yaml:5:62: events[3].kind: Input should be 'patrol_surge'"), msg
    assert msg.endswith("(got 'hub_crackdwn'); did you mean 'hub_crackdown'?"), msg


def test_patch_matching_no_row_suggests_a_close_value_only(tiny):
    over = write(tiny.parent / "v.yaml", """
        extends: scenario.yaml
        patches:
          agencies:
            - match: {agency: Turkish coastguard}
              scale: {effort: 2.0}
            - match: {agency: Libyan coast guard, side: prevent}
              scale: {effort: 2.0}
    """)
    assert problems(over) == [
        "base/v.yaml:4:7: patches.agencies[0].match: matches no row of agencies "
        "(agency='Turkish coastguard') (did you mean agency='Turkish coast guard'?)",
        # another agency is not a typo of this one: no hint
        "base/v.yaml:6:7: patches.agencies[1].match: matches no row of agencies "
        "(agency='Libyan coast guard', side='prevent')",
    ]


def test_a_bad_set_value_is_reported_once_for_all_the_rows_it_is_set_in(tiny):
    over = write(tiny.parent / "v.yaml", """
        extends: scenario.yaml
        patches:
          agencies:
            - match: {country_iso2: GR}
              set: {effort: lots}
    """)
    (msg,) = problems(over)
    assert msg.startswith("base/v.yaml:5:21: agencies[1].effort: Input should be a valid number"), msg
    assert msg.endswith("(got 'lots') (the same in the 2 rows this value is set in: agencies[1], "
                        "agencies[2])"), msg
