"""The EMA Workbench adapter (issue 11, item 5): levers and uncertainties reach the scenario, and two
experiments on the tiny fixture give the outcomes of direct runs. Skipped without the extra ``ema``."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import numpy as np
import pytest

ema_workbench = pytest.importorskip(
    "ema_workbench", reason='optional extra "ema" not installed (pip install -e ".[ema]")')

from sim.ema import OUTCOMES, ema_model  # noqa: E402
from sim.runner import replicate_seeds, run_replicate  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402
from sim.sensitivity import sample_outputs  # noqa: E402

TINY = Path(__file__).parent / "fixtures" / "scenario_tiny" / "scenario.yaml"


@pytest.fixture(scope="module")
def model():
    return ema_model(load_scenario(TINY), parameters=["choice.cost_scale_eur", "crossing.max_attempts"],
                     persons_per_agent=20, seed=5)


def test_uncertainties_levers_and_outcomes(model):
    unc = {u.name: u for u in model.uncertainties}
    assert list(unc) == ["choice__cost_scale_eur", "crossing__max_attempts"]
    assert (unc["choice__cost_scale_eur"].lower_bound, unc["choice__cost_scale_eur"].upper_bound) == (200.0, 3000.0)
    assert isinstance(unc["crossing__max_attempts"], ema_workbench.IntegerParameter)
    assert [lever.name for lever in model.levers] == [
        "magnitude_0_patrol_surge", "magnitude_1_fence", "magnitude_2_border_patrol",
        "effort_turkish_coast_guard", "effort_greek_border_police", "effort_hellenic_police_athens"]
    assert [o.name for o in model.outcomes] == list(OUTCOMES)
    assert pickle.loads(pickle.dumps(model.function)).seeds == model.function.seeds  # for process pools


def test_levers_and_uncertainties_reach_the_scenario(model):
    run = model.function
    base = run.scenario
    sc = run.scenario_for({"choice__cost_scale_eur": 900.0, "crossing__max_attempts": 4.4,
                           "magnitude_1_fence": 0.5, "effort_greek_border_police": 2.0,
                           "effort_turkish_coast_guard": 1.0})
    assert sc.parameters.choice.cost_scale_eur == 900.0 and sc.parameters.crossing.max_attempts == 4
    assert [e.magnitude for e in sc.events[:3]] == [1.0, 0.5, 1.0]
    (change,) = sc.events[3:]  # a factor of 1 adds no row
    assert (change.kind, change.target_type, change.target, change.magnitude) == (
        "effort_change", "agency", "Greek border police", 2.0)
    assert change.start == base.dates()[0]  # from the first simulated day
    assert run.scenario_for({}) == base


def test_two_experiments_on_the_tiny_fixture(model):
    experiments, outcomes = ema_workbench.perform_experiments(
        model, scenarios=2, policies=1, uncertainty_sampling_kwargs={"rng": 3}, lever_sampling_kwargs={"rng": 4})
    assert len(experiments) == 2 and set(outcomes) == set(OUTCOMES)
    assert all(len(v) == 2 and np.all(v >= 0) for v in outcomes.values())
    assert outcomes["detections_total"].min() > 0
    assert outcomes["detections_total"] == pytest.approx(
        sum(outcomes[k] for k in OUTCOMES if k.startswith("detections_") and k != "detections_total"))
    # each experiment is the direct run of its scenario on the model's seed, outcomes in 2012
    run = model.function
    assert run.year == 2012 and run.seeds == replicate_seeds(5, 1)
    for i, row in experiments.iterrows():
        sc = run.scenario_for(row.to_dict())
        direct = sample_outputs(run_replicate(sc, run.seeds[0]), 2012)
        assert outcomes["detections_total"][i] == direct["detections:Total"]
        assert outcomes["detections_eastern_mediterranean"][i] == direct.get("detections:Eastern Mediterranean", 0.0)


def test_bad_arguments_are_errors():
    sc = load_scenario(TINY)
    with pytest.raises(ValueError, match="unknown agency"):
        ema_model(sc, agencies=["Turkish coastguard"])
    with pytest.raises(ValueError, match="no event row"):
        ema_model(sc, events=[7])
    with pytest.raises(ValueError, match="effort_range"):
        ema_model(sc, effort_range=(1.0, 1.0))
    m = ema_model(sc, parameters=[], events=[], agencies=[], effort_from=dt.date(2012, 3, 1))
    assert not list(m.uncertainties) and not list(m.levers)
