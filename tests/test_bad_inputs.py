"""Bad inputs of issue 13, each with the smallest input that showed it (docs/bad-inputs.md).

CLI tests call ``sim.cli.main(argv)`` in-process and write only under ``tmp_path``: a refused input
exits 2 with ``file:line`` messages, no traceback and no results folder.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim import io, runner
from sim.cli import main
from sim.scenario import (
    ScenarioError,
    load_scenario,
    no_spawn_problem,
    stranded_demand,
    unreachable_demand,
)

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "fixtures" / "scenario_tiny"


def tiny_copy(tmp_path: Path, yaml=None, **tables: tuple[str, str]) -> Path:
    """A copy of the tiny scenario; ``yaml(text) -> text`` edits the YAML, ``table=(old, new)`` a CSV."""
    folder = tmp_path / "sc"
    shutil.copytree(TINY, folder)
    path = folder / "scenario.yaml"
    if yaml is not None:
        path.write_text(yaml(path.read_text()))
    for table, (old, new) in tables.items():
        csv = folder / "tables" / f"{table}.csv"
        text = csv.read_text()
        assert old in text, (table, old)
        csv.write_text(text.replace(old, new))
    return path


def refused(path: Path, tmp_path: Path, capsys, *extra: str) -> list[str]:
    """Run the CLI on ``path``; assert the refusal contract; return the stderr lines."""
    out = tmp_path / "results"
    code = main(["run", str(path), "--out", str(out), "--no-progress", *extra])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert not out.exists() or not any(out.rglob("*"))
    return [line for line in err.splitlines() if line.strip()]


def at_file_line(lines: list[str], name: str) -> list[str]:
    """The lines of the form ``...name:LINE...``."""
    return [line for line in lines if re.search(re.escape(name) + r":\d+", line)]


# ---- 1. YAML merge keys ----------------------------------------------------------------------------


def test_merge_key_in_parameters_is_supported(tmp_path):
    path = tiny_copy(tmp_path, lambda t: t.replace(
        "  choice:\n    reputation_weight: 3.0", "  choice:\n    <<: {reputation_weight: 2.0}"))
    assert load_scenario(path).parameters.choice.reputation_weight == 2.0


def test_merge_key_with_an_anchor_and_a_list_is_supported(tmp_path):
    path = tiny_copy(tmp_path, lambda t: t.replace(
        "  choice:\n    reputation_weight: 3.0",
        "  choice:\n    <<: [&b {reputation_weight: 2.0}, {service_weight: 0.5}]"))
    choice = load_scenario(path).parameters.choice
    assert (choice.reputation_weight, choice.service_weight) == (2.0, 0.5)


def test_merge_key_in_tables_is_supported(tmp_path):
    path = tiny_copy(tmp_path, lambda t: t.replace(
        "tables:\n  nodes: tables/nodes.csv\n  segments: tables/segments.csv",
        "tables:\n  <<: {nodes: tables/nodes.csv, segments: tables/segments.csv}"))
    assert len(load_scenario(path).segments) == 9


def test_merged_bad_value_is_reported_at_its_line(tmp_path, capsys):
    path = tiny_copy(tmp_path, lambda t: t.replace(
        "  choice:\n    reputation_weight: 3.0", "  choice:\n    <<: {reputation_weight: -2.0}"))
    lines = refused(path, tmp_path, capsys)
    assert len(lines) == 1 and re.search(r"scenario\.yaml:21:29: parameters\.choice\.reputation_weight: "
                                         r"Input should be greater than or equal to 0", lines[0]), lines


def test_merge_of_a_scalar_is_reported_at_file_line(tmp_path, capsys):
    path = tiny_copy(tmp_path, lambda t: t.replace(
        "  choice:\n    reputation_weight: 3.0", "  choice:\n    <<: 3"))
    lines = refused(path, tmp_path, capsys)
    assert len(lines) == 1 and at_file_line(lines, "scenario.yaml") and "merging" in lines[0]


# ---- 2. booleans in numeric fields -----------------------------------------------------------------


@pytest.mark.parametrize(("old", "new", "line", "field"), [
    ("persons_per_agent: 1", "persons_per_agent: true", 7, "persons_per_agent"),
    ("burn_in_days: 30", "burn_in_days: false", 6, "burn_in_days"),
    ("undetected_share: 0.1", "undetected_share: true", 19, "parameters.demand.undetected_share"),
    ("reputation_weight: 3.0", "reputation_weight: false", 21, "parameters.choice.reputation_weight"),
])
def test_boolean_in_a_numeric_field_is_an_error(old, new, line, field, tmp_path, capsys):
    path = tiny_copy(tmp_path, lambda t: t.replace(old, new))
    lines = refused(path, tmp_path, capsys)
    assert len(lines) == 1, lines
    assert re.search(rf"scenario\.yaml:{line}:\d+: {re.escape(field)}: expected an? (integer|number), "
                     r"got the boolean (true|false)$", lines[0]), lines


# ---- YAML tags: plain data only ---------------------------------------------------------------------


@pytest.mark.parametrize("tagged", [
    "seed: !!python/object/apply:os.system ['echo pwned']",
    "seed: !!int 42",
    "seed: !custom 42",
])
def test_yaml_tags_are_rejected_at_file_line(tagged, tmp_path, capsys):
    path = tiny_copy(tmp_path, lambda t: t.replace("seed: 42", tagged))
    lines = refused(path, tmp_path, capsys)
    assert len(lines) == 1 and re.search(r"scenario\.yaml:8:7: YAML tag '.+' not allowed", lines[0]), lines
    assert "pwned" not in capsys.readouterr().out


# ---- 3. empty tables the model needs ----------------------------------------------------------------


@pytest.mark.parametrize("table", ["segments", "nodes", "demand", "origin_groups", "destinations"])
def test_header_only_needed_table_is_an_error_naming_the_file(table, tmp_path, capsys):
    path = tiny_copy(tmp_path)
    csv = path.parent / "tables" / f"{table}.csv"
    csv.write_text(csv.read_text().splitlines()[0] + "\n")
    lines = refused(path, tmp_path, capsys)
    assert any(f"{table}.csv:2: {table}: no rows" in line for line in lines), lines


def test_header_only_segments_with_node_agencies(tmp_path, capsys):
    """The issue's input: no segments, agencies that target only nodes (events emptied too)."""
    path = tiny_copy(tmp_path)
    tables = path.parent / "tables"
    for name in ("segments", "events"):
        (tables / f"{name}.csv").write_text((tables / f"{name}.csv").read_text().splitlines()[0] + "\n")
    agencies = (tables / "agencies.csv").read_text().splitlines()
    (tables / "agencies.csv").write_text("\n".join([agencies[0], agencies[3]]) + "\n")
    lines = refused(path, tmp_path, capsys)
    assert len(lines) == 1 and lines[0].endswith(
        "segments.csv:2: segments: no rows: the model needs at least one row in segments"), lines


# ---- 4. unreachable (origin, destination) pairs -----------------------------------------------------


def reversed_oslo(tmp_path: Path) -> Path:
    return tiny_copy(tmp_path, segments=("Athens,Oslo,air", "Oslo,Athens,air"))


def test_unreachable_pair_is_named(tmp_path):
    sc = load_scenario(reversed_oslo(tmp_path))
    problems = unreachable_demand(sc)
    assert [str(p).split(": ", 2)[2] for p in problems] == [
        "no path from 'Damascus' to destination 'Oslo' (origin group 'Syria', 25% of its demand) in segments"]
    assert problems[0].line == 2
    assert stranded_demand(sc) == [{"origin": "Damascus", "origin_group": "Syria", "destination": "Oslo",
                                    "persons_detected": 92.5}]  # (100 + 120 + 150) / 4


def test_unreachable_pair_refuses_the_run(tmp_path, capsys):
    lines = refused(reversed_oslo(tmp_path), tmp_path, capsys)
    assert at_file_line(lines, "demand.csv") and "'Damascus' to destination 'Oslo'" in lines[0]
    assert "--allow-stranded" in lines[-1]


def test_every_unreachable_pair_is_reported(tmp_path):
    sc = load_scenario(tiny_copy(tmp_path, segments=("Damascus,Istanbul,land", "Istanbul,Damascus,land")))
    assert {p.message.split("'")[3] for p in unreachable_demand(sc)} == {"Berlin", "Oslo"}


def test_reachable_fixture_has_no_unreachable_pair(tiny_scenario):
    assert unreachable_demand(tiny_scenario) == []
    assert stranded_demand(tiny_scenario) == []


def test_allow_stranded_runs_and_records_the_stranded_demand(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(runner, "run_ensemble", _fake_ensemble)
    out = tmp_path / "results"
    code = main(["run", str(reversed_oslo(tmp_path)), "--out", str(out), "--no-progress", "--allow-stranded"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert re.search(r"demand\.csv:2: warning: .*'Oslo'.*counted as stranded", err)
    (manifest,) = out.rglob("manifest.json")
    import json

    assert json.loads(manifest.read_text())["stranded_demand"][0]["destination"] == "Oslo"


def _fake_ensemble(scenario, root_seed, replicates, progress=False, processes=1, **options):
    """Empty tables of the right columns: the CLI's plumbing without the simulation."""
    tables = {}
    for _file, (table, columns) in io.TABLE_FILES.items():
        if table not in ("detections_by_route", "deaths_by_route"):
            tables[table] = pd.DataFrame({c: [] for c in columns})
    tables["deaths_monthly"] = pd.DataFrame({c: [] for c in ("replicate", "seed", "route", "month", "deaths")})
    return tables


# ---- 5. nobody spawned -------------------------------------------------------------------------------


@pytest.mark.parametrize("edit", [
    {"yaml": lambda t: t.replace("start: 2012-01-01", "start: 2012-06-01")},  # demand Jan-Mar only
    {"demand": ("Damascus,100\n2012-02,Syria,Damascus,120\n2012-03,Syria,Damascus,150",
                "Damascus,0\n2012-02,Syria,Damascus,0\n2012-03,Syria,Damascus,0")},
])
def test_run_that_spawns_nobody_is_refused(edit, tmp_path, capsys):
    path = tiny_copy(tmp_path, **edit)
    assert no_spawn_problem(load_scenario(path)) is not None
    lines = refused(path, tmp_path, capsys)
    assert len(lines) == 1 and "demand.csv: demand: no migrant would be spawned" in lines[0], lines


def test_fixture_spawns(tiny_scenario):
    assert no_spawn_problem(tiny_scenario) is None


# ---- 6. one fixed schema per output table ------------------------------------------------------------


def test_empty_and_normal_runs_read_together(tiny_scenario, tmp_path):
    pads = pytest.importorskip("pyarrow.dataset")
    normal = runner.run_replicate(tiny_scenario.with_overrides(persons_per_agent=20), 1)
    empty = runner.run_replicate(
        tiny_scenario.with_overrides(persons_per_agent=20, start=dt.date(2013, 1, 1), end=dt.date(2013, 1, 31)), 1)
    assert len(empty["detections_monthly"]) == 0 and len(normal["detections_monthly"]) > 0
    for table in ("detections_monthly", "crossings_by_edge", "prices", "deaths_monthly", "exploitation"):
        for name, tables in (("normal", normal), ("empty", empty)):
            (tmp_path / table).mkdir(exist_ok=True)
            io.write_parquet(tables[table], tmp_path / table / f"{name}.parquet", table)
        data = pads.dataset(tmp_path / table, format="parquet").to_table()
        assert data.schema.equals(io.TABLE_SCHEMAS[table]), table
        assert data.num_rows == len(normal[table])


# ---- 7. implausible geography -----------------------------------------------------------------------


def test_distance_hundred_times_too_long_is_a_warning(tmp_path, capsys):
    path = tiny_copy(tmp_path, segments=("Izmir,Lesvos,sea,15,", "Izmir,Lesvos,sea,1500,"))
    sc = load_scenario(path)  # warnings do not stop a load
    (w,) = sc.warnings
    assert w.line == 5 and w.field == "segments[3].distance_km" and "Izmir->Lesvos" in w.message


def test_swapped_coordinates_are_warned_at_a_short_segment(tmp_path):
    path = tiny_copy(tmp_path, nodes=("Athens,GR,37.98,23.73", "Athens,GR,23.73,37.98"))
    warnings = load_scenario(path).warnings
    edges = {w.message.split(":")[0] for w in warnings if w.field.startswith("segments")}
    assert "Lesvos->Athens" in edges  # 330 km of ferry; the swapped Athens is ~2,000 km from Lesvos


def test_place_far_outside_the_region_is_warned(tmp_path):
    path = tiny_copy(tmp_path, nodes=("Berlin,DE,52.52,13.40", "Berlin,DE,-52.52,13.40"))
    warnings = load_scenario(path).warnings
    assert any(w.field == "nodes[7].lat" and w.line == 9 and "'Berlin'" in w.message for w in warnings)


def test_geography_warnings_are_printed_by_the_cli(tmp_path, capsys):
    path = tiny_copy(tmp_path, lambda t: t.replace("start: 2012-01-01", "start: 2012-06-01"),
                     segments=("Izmir,Lesvos,sea,15,", "Izmir,Lesvos,sea,2600,"))
    lines = refused(path, tmp_path, capsys)  # refused for another reason: no demand in the period
    assert any(re.search(r"segments\.csv:5: warning: segments\[3\]\.distance_km: Izmir->Lesvos", x) for x in lines)


def test_shipped_scenarios_have_no_geography_warnings(tiny_scenario):
    assert tiny_scenario.warnings == ()
    assert load_scenario(ROOT / "scenarios" / "baseline_2014.yaml").warnings == ()


# ---- 10. figures headless whatever MPLBACKEND says -----------------------------------------------------


@pytest.mark.parametrize("backend", ["module://matplotlib_inline_not_installed.backend_inline", "nosuch"])
def test_figures_are_written_whatever_mplbackend_says(backend, tmp_path):
    code = (
        "import sys; from pathlib import Path; import pandas as pd\n"
        "from sim import io, plots\n"
        "fig = plots.monthly_series(pd.DataFrame({'replicate': [0], 'seed': [1], 'route': "
        "['Eastern Mediterranean'], 'type': ['Sea'], 'origin_group': ['Syria'], 'month': ['2014-01'], "
        "'detections': [5.0]}))\n"
        f"print(io.write_figures({{'m': fig}}, Path({str(tmp_path)!r})))\n"
    )
    env = {**os.environ, "MPLBACKEND": backend}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "m.png").stat().st_size > 1000


def test_scenario_error_is_not_raised_for_the_fixture(tiny_scenario):
    assert isinstance(tiny_scenario.warnings, tuple)
    with pytest.raises(ScenarioError):
        tiny_scenario.with_overrides(segments=[])


def test_every_test_named_in_the_bad_inputs_table_exists():
    """docs/bad-inputs.md: each row names a test that backs it; the names must not go stale."""
    import ast

    text = (ROOT / "docs" / "bad-inputs.md").read_text()
    named = re.findall(r"`(test_\w+\.py)::(test_\w+)`(?:, `::(test_\w+)`)?(?:, `::(test_\w+)`)?", text)
    assert len(named) >= 25
    for file, *tests in named:
        tree = ast.parse((ROOT / "tests" / file).read_text())
        defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        for test in filter(None, tests):
            assert test in defined, f"{file}::{test}"
