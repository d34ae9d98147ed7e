"""Tests of sim.io: atomic results folders, exact columns, manifest hashes."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from sim import io, validation
from sim.scenario import load_scenario

TINY = Path(__file__).parent / "fixtures" / "scenario_tiny" / "scenario.yaml"
START = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(TINY)


def fake_tables() -> dict[str, pd.DataFrame]:
    """Two replicates of every table, with DESIGN section 6 columns (plus one extra column)."""
    seeds = {0: 111, 1: 222}
    reps = [(r, s) for r, s in seeds.items()]

    def per_rep(rows):
        return pd.DataFrame([{"replicate": r, "seed": s, **row} for r, s in reps for row in rows])

    tables = {
        "detections_monthly": per_rep(
            [
                {"route": "Eastern Mediterranean", "type": "Sea", "origin_group": "Syria",
                 "month": "2014-07", "detections": 40, "scratch": 1},
                {"route": "Eastern Mediterranean", "type": "Land", "origin_group": "Syria",
                 "month": "2014-08", "detections": 5, "scratch": 1},
            ]
        ),
        "crossings_by_edge": per_rep(
            [{"month": "2014-07", "edge": "Izmir->Mytilene", "frontex_route": "Eastern Mediterranean",
              "frontex_type": "Sea", "attempts": 60, "prevented": 10, "detections": 40,
              "undetected": 9, "first_entries": 45, "deaths": 1}]
        ),
        "hubs": per_rep(
            [{"date": "2014-07-07", "node": "Izmir", "kind": "hub", "throughput": 50, "queue": 3,
              "reputation": 0.4, "price_index": 1.1, "enterprises": 2}]
        ),
        "enterprises": per_rep(
            [{"date": "2014-07-07", "node": "Izmir", "enterprises": 2, "hhi": 0.5,
              "mean_members": 3.0, "mean_segments": 1.0, "partnerships": 0, "package_share": 0.0}]
        ),
        "prices": per_rep(
            [{"month": "2014-07", "segment": "Izmir->Mytilene", "service_level": "basic",
              "price_mean_eur": 1200.0, "sold": 50}]
        ),
        "exploitation": per_rep(
            [{"year": 2014, "node": "Istanbul", "sex": "female", "minor": False, "cases": 1,
              "classification": "trafficking"}]
        ),
        "deaths_monthly": per_rep([{"route": "Eastern Mediterranean", "month": "2014-07", "deaths": 1}]),
        "enforcement": per_rep(
            [{"month": "2014-07", "agency": "Bulgarian border police", "target": "Edirne->Svilengrad",
              "side": "detect", "policy": "adaptive", "effort": 0.5, "surge": 0.3}]
        ),
        "detention": per_rep(
            [{"month": "2014-07", "agency": "Bulgarian border police", "target": "Edirne->Svilengrad",
              "places": 700.0, "held": 700.0, "admitted": 260.0, "no_place": 40.0}]
        ),
    }  # fmt: skip
    tables["detections_by_route"] = validation.detections_by_route(tables["detections_monthly"])
    tables["deaths_by_route"] = validation.deaths_by_route(tables["deaths_monthly"])
    return tables


def run_info(**extra):
    return {
        "root_seed": 42,
        "replicate_seeds": [111, 222],
        "start_time": START,
        "end_time": datetime(2026, 3, 4, 5, 6, 9, tzinfo=UTC),
        "wall_seconds": 2.0,
        **extra,
    }


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


EXPECTED_FILES = {
    "manifest.json",
    "detections_by_route.csv",
    "detections_monthly.parquet",
    "crossings_by_edge.parquet",
    "deaths_by_route.csv",
    "hubs.parquet",
    "enterprises.parquet",
    "prices.parquet",
    "exploitation.csv",
    "enforcement.parquet",
    "detention.parquet",
    "summary.txt",
    "figures/route_map.png",
    "figures/detections_by_route.png",
    "figures/monthly_series.png",
    "figures/enforcement.png",
    "scenario.resolved.yaml",
    *(f"scenario.resolved/{t}.csv" for t in (
        "nodes", "segments", "origin_groups", "destinations", "demand", "agencies", "events")),
}


def listing(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_write_results_complete_folder_with_exact_columns(tmp_path, scenario):
    out = io.write_results(tmp_path, scenario, fake_tables(), run_info(), summary="hello\n")
    assert out == tmp_path / "tiny" / "20260304T050607Z-s42"
    assert [p.name for p in (tmp_path / "tiny").iterdir()] == [out.name]  # no temp folder left
    assert listing(out) == EXPECTED_FILES
    for file_name, (_, columns) in io.TABLE_FILES.items():
        path = out / file_name
        frame = pd.read_csv(path) if file_name.endswith(".csv") else pd.read_parquet(path)
        assert list(frame.columns) == columns, file_name
    monthly = pd.read_parquet(out / "detections_monthly.parquet")
    assert list(monthly.columns) == [
        "replicate", "seed", "route", "type", "origin_group", "month", "detections"
    ]  # fmt: skip
    assert monthly["seed"].tolist() == [111, 111, 222, 222]
    assert (out / "summary.txt").read_text() == "hello\n"


def test_deaths_csv_leaves_observed_blank_where_none(tmp_path, scenario):
    out = io.write_results(tmp_path, scenario, fake_tables(), run_info(), summary="")
    lines = (out / "deaths_by_route.csv").read_text().splitlines()
    assert lines[0] == "route,observed_2014,simulated_mean,simulated_p05,simulated_p95"
    black_sea = next(line for line in lines if line.startswith("Black Sea,"))
    assert black_sea.split(",")[1] == ""
    assert next(line for line in lines if line.startswith("Central")).split(",")[1] == "3126"
    assert lines[-1].startswith("Total,3318,")  # IOM 2014 over the routes with a figure
    by_route = (out / "detections_by_route.csv").read_text().splitlines()
    assert by_route[-1].startswith("Total,,283532")


def test_csv_floats_are_written_to_ten_significant_digits(tmp_path, scenario):
    tables = fake_tables()
    tables["detections_by_route"].loc[0, "simulated_p95"] = 51419.59999999999  # a percentile's noise
    tables["detections_by_route"].loc[0, "relative_error"] = -0.1616673698026531
    out = io.write_results(tmp_path, scenario, tables, run_info(), summary="")
    row = (out / "detections_by_route.csv").read_text().splitlines()[1].split(",")
    assert row[2] == "170664"  # observed 2014, a count: no ".0"
    assert row[5:] == ["51419.6", "-0.1616673698"]
    frame = pd.read_csv(out / "detections_by_route.csv")
    assert frame.loc[0, "simulated_p95"] == pytest.approx(51419.59999999999, rel=1e-10)


def test_manifest_hashes_seeds_and_versions(tmp_path, scenario):
    out = io.write_results(
        tmp_path, scenario, fake_tables(), run_info(processes=2, command=["run", "x"])
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["run_id"] == out.name
    assert manifest["scenario"] == "tiny"
    expected_hash = hashlib.sha256(scenario.canonical_json().encode()).hexdigest()
    assert manifest["scenario_hash"] == expected_hash == scenario.scenario_hash()
    assert manifest["scenario_files"]["scenario.yaml"] == sha(TINY)
    assert manifest["scenario_files"]["tables/nodes.csv"] == sha(TINY.parent / "tables/nodes.csv")
    assert set(manifest["files"]) == EXPECTED_FILES - {"manifest.json"}
    for name, digest in manifest["files"].items():
        assert sha(out / name) == digest, name
    assert manifest["root_seed"] == 42
    assert manifest["replicate_seeds"] == [111, 222] and manifest["replicates"] == 2
    assert manifest["persons_per_agent"] == 1
    assert manifest["processes"] == 2 and manifest["command"] == ["run", "x"]
    assert set(manifest["packages"]) == {
        "routesim", "mesa", "numpy", "pandas", "networkx", "pyarrow", "python"
    }  # fmt: skip
    assert manifest["packages"]["mesa"].startswith("3.5")
    assert manifest["git_commit"] is None or re.fullmatch(r"[0-9a-f]{40}", manifest["git_commit"])
    assert manifest["git_dirty"] in (None, True, False)
    assert manifest["start_time"] == "2026-03-04T05:06:07+00:00"
    assert manifest["end_time"] == "2026-03-04T05:06:09+00:00"
    assert manifest["wall_seconds"] == 2.0
    assert 0 < manifest["writing_seconds"] < 600  # the figures drawn, measured here, not passed in
    assert manifest["scenario_resolved_sha256"] == sha(out / "scenario.resolved.yaml")


def test_resolved_scenario_reloads_with_the_same_hash(tmp_path, scenario):
    changed = scenario.with_overrides(persons_per_agent=7, parameters={"choice": {"reputation_weight": 0.25}})
    out = io.write_results(tmp_path, changed, fake_tables(), run_info(), summary="")
    again = load_scenario(out / "scenario.resolved.yaml")
    assert again.scenario_hash() == changed.scenario_hash() != scenario.scenario_hash()
    assert again.persons_per_agent == 7 and again.parameters.choice.reputation_weight == 0.25


def test_run_id_is_unique(tmp_path, scenario):
    first = io.write_results(tmp_path, scenario, fake_tables(), run_info(), summary="")
    second = io.write_results(tmp_path, scenario, fake_tables(), run_info(), summary="")
    assert first.name == "20260304T050607Z-s42"
    assert second.name == "20260304T050607Z-s42-2"
    assert json.loads((second / "manifest.json").read_text())["run_id"] == second.name


def test_git_commit_none_outside_a_repository(tmp_path):
    assert io.git_commit(tmp_path) is None
    assert io.git_dirty(tmp_path) is None


@pytest.mark.parametrize("error", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_failure_midway_leaves_nothing(tmp_path, scenario, monkeypatch, error):
    def broken(figures, folder):
        Path(folder).mkdir(parents=True)
        (Path(folder) / "route_map.png").write_bytes(b"half")
        raise error

    monkeypatch.setattr(io.atomic, "write_figures", broken)
    with pytest.raises(type(error)):
        io.write_results(tmp_path, scenario, fake_tables(), run_info(), summary="")
    assert list((tmp_path / "tiny").iterdir()) == []


def test_failure_writing_a_table_leaves_nothing(tmp_path, scenario, monkeypatch):
    real = pd.DataFrame.to_parquet
    calls = []

    def flaky(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError("no space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", flaky)
    with pytest.raises(OSError, match="no space"):
        io.write_results(tmp_path, scenario, fake_tables(), run_info(), summary="")
    assert list((tmp_path / "tiny").iterdir()) == []


def test_missing_column_raises_before_creating_anything(tmp_path, scenario):
    tables = fake_tables()
    tables["hubs"] = tables["hubs"].drop(columns=["reputation"])
    del tables["prices"]
    with pytest.raises(ValueError, match="reputation") as err:
        io.write_results(tmp_path / "out", scenario, tables, run_info(), summary="")
    assert "prices" in str(err.value)
    assert not (tmp_path / "out").exists()


def test_make_run_id_converts_to_utc():
    from datetime import timedelta, timezone

    cet = datetime(2026, 1, 1, 1, 30, 0, tzinfo=timezone(timedelta(hours=1)))
    assert io.make_run_id(cet, 5) == "20260101T003000Z-s5"


class _Drawn:
    """A figure stand-in: writes ``payload`` as its PNG, or fails."""

    def __init__(self, payload: bytes | None) -> None:
        self.payload = payload

    def savefig(self, path, dpi, format):
        if self.payload is None:
            raise OSError("disk full")
        Path(path).write_bytes(self.payload)


def test_write_figures_replaces_all_or_none(tmp_path):
    folder = tmp_path / "figures"
    assert io.write_figures({"a": _Drawn(b"A1"), "b": _Drawn(b"B1")}, folder) == [folder / "a.png",
                                                                                 folder / "b.png"]
    with pytest.raises(OSError, match="disk full"):
        io.write_figures({"a": _Drawn(b"A2"), "b": _Drawn(None)}, folder)
    assert sorted(p.name for p in folder.iterdir()) == ["a.png", "b.png"]  # no temporary left
    assert (folder / "a.png").read_bytes() == b"A1"  # the old figure kept
    io.write_figures({"a": _Drawn(b"A3")}, folder)
    assert (folder / "a.png").read_bytes() == b"A3" and (folder / "a.png").stat().st_mode & 0o044


def test_write_csv_files_replaces_all_or_none(tmp_path):
    good = pd.DataFrame({"x": [1, 2]})

    class Broken(pd.DataFrame):
        def to_csv(self, *args, **kwargs):
            raise OSError("no space left on device")

    io.write_csv_files(tmp_path, {"a.csv": good, "b.csv": good})
    with pytest.raises(OSError, match="no space"):
        io.write_csv_files(tmp_path, {"a.csv": good.assign(x=[3, 4]), "b.csv": Broken(good)})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"]
    assert (tmp_path / "a.csv").read_text() == "x\n1\n2\n"
    with pytest.raises(OSError, match="not a folder"):
        io.write_csv_files(tmp_path / "missing", {"a.csv": good})
