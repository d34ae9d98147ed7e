"""``routesim calibrate``: a tiny budget on a shortened small fixture (determinism, resume, outputs)."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import calibrate, cli, observed

SMALL = Path(__file__).resolve().parent / "fixtures" / "scenario_small" / "scenario.yaml"


@pytest.fixture(scope="module")
def short_small(tmp_path_factory):
    """The small fixture cut to 2013-01..2013-03 (tables by absolute path), 30 burn-in days."""
    folder = tmp_path_factory.mktemp("scenario")
    text = SMALL.read_text(encoding="utf-8")
    text = text.replace("start: 2012-01-01", "start: 2013-01-01")
    text = text.replace("end: 2013-12-31", "end: 2013-03-31")
    text = text.replace("burn_in_days: 60", "burn_in_days: 30")
    text = text.replace(": tables/", f": {SMALL.parent / 'tables'}/")
    path = folder / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _calibrate(scenario, out, budget):
    return cli.main(["calibrate", str(scenario), "--budget", str(budget), "--replicates", "1",
                     "--persons-per-agent", "20", "--seed", "5", "--window", "2013-01", "2013-03",
                     "--out", str(out), "--no-progress"])


def _folders(out):
    return sorted(p for p in (out / "small" / "calibration").iterdir() if not p.name.startswith("."))


def test_calibrate_is_deterministic_resumable_and_writes_its_folder(short_small, tmp_path, capsys):
    # resumed: 2 trials, then the same command with budget 3 runs only the third
    resumed = tmp_path / "resumed"
    assert _calibrate(short_small, resumed, 2) == 0
    assert _calibrate(short_small, resumed, 3) == 0
    assert "3 trials (2 resumed)" in capsys.readouterr().out
    fresh = tmp_path / "fresh"
    assert _calibrate(short_small, fresh, 3) == 0

    a = pd.read_parquet(_folders(resumed)[-1] / "trials.parquet").drop(columns="seconds")
    b = pd.read_parquet(_folders(fresh)[-1] / "trials.parquet").drop(columns="seconds")
    assert len(b) == 3 and (b.state == "COMPLETE").all()
    pd.testing.assert_frame_equal(a, b)  # same seed and budget: same trials, resumed or not
    params = [c for c in b.columns if c.startswith("param:")]
    specs = calibrate.fitted_specs()
    assert params == [f"param:{s.name}" for s in specs]
    for s in specs:  # within bounds, and the trials differ
        assert b[f"param:{s.name}"].between(s.low, s.high).all()
    assert b[params].drop_duplicates().shape[0] == 3
    # trial 0 is the scenario's own values
    from sim.scenario import load_scenario

    own = calibrate.scenario_values(load_scenario(short_small), specs)
    assert {s.name: b.loc[0, f"param:{s.name}"] for s in specs} == pytest.approx(own)
    # the window (2013-01..2013-03) holds C1 and the monthly term, not C2/C3
    assert {"term:C1", "term:M"} <= set(b.columns) and "term:C2" not in b.columns
    np.testing.assert_allclose(b["loss"], b["term:C1"] + b["term:M"])
    assert any(c.startswith("logratio:2013:Central Mediterranean/Sea") for c in b.columns)

    folder = _folders(fresh)[-1]
    info = json.loads((folder / "calibration.json").read_text())
    assert info["window"] == ["2013-01", "2013-03"] and info["seed"] == 5
    assert set(info["targets"]["left_out"]) == {"C2", "C3"}
    best = b.loc[b["loss"].idxmin()]
    assert info["best_loss"] == pytest.approx(best["loss"])
    for entry in info["fitted"]:
        assert entry["best"] == pytest.approx(best[f"param:{entry['name']}"])
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["optuna"] and manifest["calibration_seed"] == 5 and manifest["budget"] == 3
    assert set(manifest["files"]) >= {"trials.parquet", "best_scenario.yaml", "calibration.json",
                                      "figures/convergence.png", "trials.sqlite3"}
    overlay = (folder / "best_scenario.yaml").read_text()
    assert "extends: " in overlay and "parameters:" in overlay


def test_loss_terms_hand_computed():
    """One pair observed 900, simulated 400 (C1 = |ln(500/1000)| with weight 1), ARD 5/9."""
    obs = observed.ObservedTables(
        monthly=pd.DataFrame({"year": 2013, "month": [1], "route": "Black Sea", "type": "Sea",
                              "detections": [900]}))
    target = calibrate.targets(obs, ("2013-01", "2013-01"), ["2013-01"])
    assert set(target["left_out"]) == {"C2", "C3"}
    tables = {"detections_monthly": pd.DataFrame({"replicate": [0, 1], "route": "Black Sea",
                                                  "type": "Sea", "month": "2013-01",
                                                  "detections": [300.0, 500.0]}),
              "deaths_monthly": pd.DataFrame(columns=["replicate", "route", "month", "deaths"])}
    terms = calibrate.loss_terms(tables, target, obs, [0, 1])
    assert terms["term:C1"] == pytest.approx(abs(np.log(500 / 1000)))
    assert terms["logratio:2013:Black Sea/Sea"] == pytest.approx(np.log(500 / 1000))
    assert terms["term:M"] == pytest.approx(500 / 900)
    assert terms["loss"] == pytest.approx(terms["term:C1"] + terms["term:M"])


def test_convergence_figure_names_the_calibration_in_a_footer(tiny_scenario, tmp_path, saved_figures):
    from conftest import assert_footer_names_the_folder

    from sim import io, runner

    settings = calibrate.CalibrationSettings(window=("2013-01", "2013-03"), budget=5, replicates=2,
                                             seed=5)
    trials = pd.DataFrame({"number": [0, 1, 2], "state": ["COMPLETE", "FAIL", "COMPLETE"],
                           "loss": [2.0, np.nan, 1.5]})
    result = calibrate.CalibrationResult(
        trials=trials, best_values={}, best_loss=1.5, specs=[], targets={}, settings=settings,
        optuna_version="4", wall_seconds=1.0, extra={"best_trial": 2, "observed_source": "shipped"})
    folder = io.write_calibration(tmp_path, tiny_scenario, result,
                                  {"replicate_seeds": runner.replicate_seeds(5, 2)})
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["run_id"] == folder.name and manifest["replicates"] == 2
    text = assert_footer_names_the_folder(saved_figures["convergence"], manifest)
    assert text.startswith("calibration | scenario tiny |")
    assert "2 replicates per trial" in text and "1 person per agent" in text
    assert "2 trials complete, budget 5, calibration seed 5, window 2013-01..2013-03" in text
    assert "trials.parquet" in text and "observed data: Frontex" in text
