"""Tests of sim.results.load: a results folder read back with dates as dates and counts as integers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sim import results, runner
from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "fixtures" / "scenario_tiny" / "scenario.yaml"


@pytest.fixture
def cli_fake(monkeypatch):
    from test_cli import FakeModel, fake_collect

    monkeypatch.setattr(runner, "_new_model", FakeModel)
    monkeypatch.setattr(runner, "_collect_tables", fake_collect)


def test_load_run_folder_types(tmp_path, cli_fake):
    assert main(["run", str(TINY), "--replicates", "2", "--out", str(tmp_path), "--no-progress"]) == 0
    (folder,) = (tmp_path / "tiny").iterdir()
    tables = results.load(folder)
    assert {"detections_monthly", "crossings_by_edge", "detections_by_route", "hubs",
            "exploitation"} <= set(tables)
    monthly = tables["detections_monthly"]
    assert pd.api.types.is_datetime64_any_dtype(monthly["month"])
    assert monthly["month"].min() == pd.Timestamp("2014-01-01")
    assert monthly["detections"].dtype == "int64"
    assert monthly["replicate"].dtype == "int64" and monthly["seed"].dtype == "int64"
    assert pd.api.types.is_datetime64_any_dtype(tables["hubs"]["date"])
    by_route = tables["detections_by_route"]
    assert str(by_route["observed_2014"].dtype) in ("int64", "Int64")
    assert by_route["simulated_mean"].dtype == "float64"  # a mean stays a float
    assert not by_route["type"].isna().any()  # the Total row has type ""
    assert results.load_manifest(folder)["status"] == "complete"


def test_load_comparison_folder(tmp_path, cli_fake):
    assert main(["compare", str(TINY), str(TINY), "--replicates", "2", "--out", str(tmp_path),
                 "--no-progress"]) == 0
    (folder,) = (tmp_path / "tiny" / "compare").iterdir()
    tables = results.load(folder)
    assert {"comparison", "per_replicate", "monthly_difference",
            "arms/base/detections_monthly"} <= set(tables)
    comparison = tables["comparison"]
    assert comparison["year"].dtype == "int64" and comparison["replicates"].dtype == "int64"
    assert (comparison.loc[comparison["route"] == "Total", "type"] == "").all()
    assert pd.api.types.is_datetime64_any_dtype(tables["monthly_difference"]["month"])


def test_load_refuses_a_folder_without_manifest(tmp_path):
    with pytest.raises(FileNotFoundError, match="manifest"):
        results.load(tmp_path)
