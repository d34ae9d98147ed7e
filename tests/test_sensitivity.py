"""Tests of ``routesim sensitivity`` (SALib Morris on the small fixture) and of sample bookkeeping."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

import sim.parameters
from sim import runner, sensitivity
from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "fixtures" / "scenario_small"
TINY = ROOT / "tests" / "fixtures" / "scenario_tiny" / "scenario.yaml"
NAMES = ["choice.reputation_weight", "choice.time_value_eur_per_day"]

needs_specs = pytest.mark.skipif(
    not hasattr(sim.parameters, "parameter_specs"),
    reason="sim.parameters.parameter_specs (helper house-core) not available yet",
)


def _small_one_month(tmp_path: Path) -> Path:
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    yaml = folder / "scenario.yaml"
    yaml.write_text(yaml.read_text().replace("end: 2013-12-31", "end: 2012-01-31"))
    return yaml


@needs_specs
def test_morris_small_budget_on_the_small_fixture(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["sensitivity", str(_small_one_month(tmp_path)), "--method", "morris",
                 "--budget", "6", "--parameters", *NAMES, "--seed", "3", "--out", str(out),
                 "--no-progress"]) == 0
    assert "mu_star" in capsys.readouterr().out
    (folder,) = (out / "small" / "sensitivity").iterdir()
    samples = pd.read_csv(folder / "samples.csv")
    outputs = pd.read_csv(folder / "outputs.csv")
    indices = pd.read_csv(folder / "indices.csv")
    assert len(samples) == 6  # 2 trajectories x (2 parameters + 1)
    assert samples["sample"].tolist() == outputs["sample"].tolist() == list(range(6))
    specs = {s.name: s for s in sim.parameters.parameter_specs()}
    for name in NAMES:
        assert samples[name].between(specs[name].low, specs[name].high).all()
        assert samples[name].nunique() > 1
    assert set(indices["parameter"]) == set(NAMES)
    assert {"mu", "mu_star", "sigma", "mu_star_conf"} <= set(indices.columns)
    total = indices[indices["output"] == "detections:Total"]
    assert len(total) == 2 and (total["mu_star"] >= 0).all() and total["mu_star"].notna().all()
    assert (folder / "figures" / "sensitivity.png").stat().st_size > 0
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["method"] == "morris" and manifest["sample_points"] == 6


@needs_specs
def test_unknown_parameter_is_an_error(tmp_path, capsys):
    assert main(["sensitivity", str(TINY), "--parameters", "choice.no_such_thing",
                 "--out", str(tmp_path)]) == 2
    assert "unknown parameter(s): choice.no_such_thing" in capsys.readouterr().err


# ---- bookkeeping with a fake model whose output is a known function of the sample -------------------


@dataclass(frozen=True)
class Spec:
    name: str
    default: float
    low: float
    high: float
    kind: str = "prior"


class EchoModel:
    """Detections = 1000 x the value of parameter ``a`` carried in the scenario's description."""

    def __init__(self, scenario, seed):
        self.a = json.loads(scenario.description)["a"]

    def run(self, progress=None):
        pass


def echo_collect(model):
    return {
        "detections_monthly": pd.DataFrame({"route": ["Black Sea"], "type": ["Sea"],
                                            "origin_group": ["X"], "month": ["2012-03"],
                                            "detections": [1000.0 * model.a]}),
        "crossings_by_edge": pd.DataFrame({"month": ["2012-03"], "frontex_route": ["Black Sea"],
                                           "deaths": [0.0]}),
    }


def _echo(scenario, values):
    return scenario.model_copy(update={"description": json.dumps(values)})


@pytest.fixture
def echo(monkeypatch, tiny_scenario):
    monkeypatch.setattr(runner, "_new_model", EchoModel)
    monkeypatch.setattr(runner, "_collect_tables", echo_collect)
    return tiny_scenario


def test_outputs_stay_with_their_samples_on_worker_processes(echo):
    specs = [Spec("a", 1.0, 0.0, 1.0), Spec("b", 1.0, 0.0, 1.0)]
    result = sensitivity.run_sensitivity(
        echo, "morris", 9, 1, specs=specs, apply=_echo, progress=False,
        executor=runner.ExecutorSpec("processes", 2),
    )
    assert (result.outputs["detections:Total"] == 1000 * result.samples["a"]).all()
    a = result.indices[result.indices["output"] == "detections:Total"].set_index("parameter")
    assert a.loc["a", "mu_star"] == pytest.approx(1000.0)  # a linear effect of slope 1000
    assert a.loc["b", "mu_star"] == pytest.approx(0.0)


def test_a_missing_run_is_an_error_not_a_shift(echo, monkeypatch):
    real = runner.run_jobs
    monkeypatch.setattr(runner, "run_jobs", lambda jobs, *a, **k: real(jobs, *a, **k)[:-1])
    with pytest.raises(ValueError, match="sample 5 has no output"):
        sensitivity.run_sensitivity(echo, "morris", 6, 1, specs=[Spec("a", 1.0, 0.0, 1.0),
                                                                 Spec("b", 1.0, 0.0, 1.0)],
                                    apply=_echo, progress=False)


def test_sensitivity_figure_names_the_analysis_in_a_footer(echo, tmp_path, saved_figures):
    from conftest import assert_footer_names_the_folder

    from sim import io

    specs = [Spec("a", 1.0, 0.0, 1.0), Spec("b", 1.0, 0.0, 1.0)]
    result = sensitivity.run_sensitivity(echo, "morris", 6, 1, specs=specs, apply=_echo,
                                         replicates=2, progress=False)
    folder = io.write_sensitivity(tmp_path, result, {"processes": 1})
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["run_id"] == folder.name and manifest["replicates"] == 2
    text = assert_footer_names_the_folder(saved_figures["sensitivity"], manifest)
    assert text.startswith("sensitivity analysis | scenario tiny |")
    assert "2 replicates per sample point" in text and "method morris, 6 sample points" in text
    assert "indices.csv" in text


@needs_specs
def test_cli_states_the_runs_before_running_and_when_budget_is_exceeded(tmp_path, capsys):
    """The plan (sample points x replicates) is printed before anything runs; a budget below what
    the method takes is named. An unwritable --out stops the command before any run."""
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    assert main(["sensitivity", str(TINY), "--method", "morris", "--budget", "2", "--replicates",
                 "2", "--parameters", *NAMES, "--out", str(blocker)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == ("routesim sensitivity tiny: morris over 2 parameter(s), 6 sample points x 2 "
                      "replicate(s) = 12 model runs (more than --budget 2: the fewest morris takes "
                      "for 2 parameters; vary fewer with --parameters)")
    assert main(["sensitivity", str(TINY), "--budget", "9", "--parameters", *NAMES,
                 "--out", str(blocker)]) == 2
    assert capsys.readouterr().err.splitlines()[0].endswith("= 9 model runs")
