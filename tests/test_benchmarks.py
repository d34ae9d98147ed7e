"""Smoke tests of benchmarks/bench_model.py and benchmarks/reference_mesa.py on the tiny scenario.

No timing assertions: these check that the benchmark's functions run, return what the README
documents, and that timing the phases does not change the model's results.
"""

from __future__ import annotations

import doctest
import importlib.util
import json
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
TINY_PATH = TESTS / "fixtures" / "scenario_tiny" / "scenario.yaml"
BENCH_DIR = TESTS.parent / "benchmarks"


def _load(name: str):
    if str(BENCH_DIR) not in sys.path:
        sys.path.insert(0, str(BENCH_DIR))
    spec = importlib.util.spec_from_file_location(name, BENCH_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():
    return _load("bench_model")


@pytest.fixture(scope="module")
def tiny_point(bench):
    return bench.run_point(TINY_PATH, 1)


def test_smoke_run_point_reports_every_key(tiny_point, bench):
    r = tiny_point
    for key in ("wall_s", "peak_rss_mb", "migrants", "person_days", "person_days_per_s", "phases"):
        assert key in r
    assert r["migrants"] > 0 and r["person_days"] > 0
    assert r["peak_rss_mb"] >= r["baseline_rss_mb"] > 0
    assert r["phases_missing"] == []
    assert list(r["phases"]) == list(bench.PHASE_ORDER)
    assert all(s >= 0 for s in r["phases"].values())
    # exclusive phase times add up to the wall time (rounding aside)
    assert sum(r["phases"].values()) == pytest.approx(r["wall_s"], abs=0.02)
    assert r["waiting_agent_days"] > 0 and r["market_cells"] >= r["waiting_agent_days"] // 2


def test_market_counter_is_removed_after_a_run(tiny_point):
    import sim.choice
    import sim.market

    # the counter wraps the market_round that sim.market's run_market calls, and puts it back
    assert sim.market.market_round.__module__ == "sim.market"
    assert sim.market.market_round.__name__ == "market_round"
    assert sim.market.logit_choice is sim.choice.logit_choice


def test_phase_wrappers_do_not_change_results(tiny_point, bench):
    plain = bench.run_point(TINY_PATH, 1, phases=False)
    assert plain["migrants"] == tiny_point["migrants"]
    assert plain["person_days"] == tiny_point["person_days"]


def test_smoke_reference_model_runs_and_counts(bench):
    r = bench.run_reference_point(TINY_PATH, 1)
    assert r["model"] == "reference_mesa"
    assert r["migrants"] > 0 and r["person_days"] > 0
    assert sum(r["states"].values()) == r["migrants"]  # every agent accounted for once
    again = bench.run_reference_point(TINY_PATH, 1)
    assert (again["person_days"], again["detections"]) == (r["person_days"], r["detections"])


def test_smoke_benchmark_in_subprocesses(bench, tmp_path):
    # one point of ours and the reference, each in its own subprocess (a few seconds)
    rc = bench.main(["--scenario", str(TINY_PATH), "--points", "20", "--out", str(tmp_path), "--json"])
    assert rc == 0
    result = json.loads((tmp_path / "bench.json").read_text())
    for key in ("wall_s", "peak_rss_mb", "migrants", "person_days_per_s", "phases", "reference_ratio", "scaling"):
        assert result[key] is not None
    keys = ("persons_per_agent", "migrants", "wall_s", "peak_rss_mb", "cpu_s")
    assert result["scaling"] == [{k: result["headline"][k] for k in keys}]
    assert result["source"]["same_code_in_every_run"] is True
    assert result["reference"]["model"] == "reference_mesa" and result["headline"]["persons_per_agent"] == 20
    assert result["reference_ratio"] == pytest.approx(
        result["person_days_per_s"] / result["reference"]["person_days_per_s"], abs=0.006)
    assert (tmp_path / "scaling.png").stat().st_size > 0


def test_subprocess_failure_is_reported(bench, tmp_path):
    r = bench.run_in_subprocess(tmp_path / "missing.yaml", 1, timeout_s=120)
    assert r["persons_per_agent"] == 1 and r["error"].startswith("exit")


def test_scaling_fit_and_clock_doctests(bench):
    pts = [{"migrants": 1000, "wall_s": 1.0, "peak_rss_mb": 100.0},
           {"migrants": 10000, "wall_s": 100.0, "peak_rss_mb": 200.0}]
    fit = bench.scaling_fit(pts)
    assert fit["wall_exponent"] == pytest.approx(2.0) and fit["no_worse_than_linear"] is False
    assert bench.scaling_fit(pts[:1])["no_worse_than_linear"] is None
    assert doctest.testmod(bench).failed == 0
