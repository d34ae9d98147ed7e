"""sim.app without a browser: scenario variants from the controls, the model's settings, chart data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sim.app import NO_AGENCY, AppModel, app_parameters, settings_text, variant
from sim.scenario import load_scenario

SCENARIO = Path(__file__).parent / "fixtures" / "scenario_small" / "scenario.yaml"


@pytest.fixture(scope="module")
def small():
    return load_scenario(SCENARIO).with_overrides(persons_per_agent=20)


def test_variant_switches_events_and_scales_one_agency(small):
    v = variant(small, events_on=[True, False], agency="Bulgarian border police", effort_scale=0.5)
    assert [e.kind for e in v.events] == [small.events[0].kind]
    before = {a.agency: a.effort for a in small.agencies}
    after = {a.agency: a.effort for a in v.agencies}
    assert after["Bulgarian border police"] == pytest.approx(0.5 * before["Bulgarian border police"])
    assert {k: x for k, x in after.items() if k != "Bulgarian border police"} == {
        k: x for k, x in before.items() if k != "Bulgarian border police"}
    with pytest.raises(KeyError, match="no agency"):
        variant(small, agency="Nobody")


def test_reset_values_round_trip(small):
    m = AppModel(base=small, seed="11", agency="Greek border police", effort_scale=2.0, event_1=False,
                 scenario=object())  # Mesa passes its own scenario object on a Reset: ignored
    assert m._seed == 11 and len(m.events) == 1
    assert [a.effort for a in m.agencies if a.name == "Greek border police"] == [2.0]
    params = app_parameters(small, m.settings)
    # the controls show what the model was built with
    assert params["seed"]["value"] == "11"
    assert params["agency"]["value"] == "Greek border police"
    assert params["effort_scale"]["value"] == 2.0
    assert params["event_0"]["value"] is True and params["event_1"]["value"] is False
    text = settings_text(m)
    assert "seed: 11" in text and "events in force: 1 of 2 (off: fence:" in text
    # a seed that is not a number falls back to the scenario's
    assert AppModel(base=small, seed="x")._seed == small.seed
    assert app_parameters(small)["agency"]["value"] == NO_AGENCY


def test_chart_data_follow_the_steps(small):
    m = AppModel(base=small)
    for _ in range(12):
        m.step()
    win = m.detections_window()
    assert (win["days"] == 12).all() and len(win) == 10
    assert win["observed_2014"].sum() == 283_522
    hubs = {r[1] for r in m.reputation_rows}
    assert "Istanbul" in hubs and len(m.reputation_rows) == 12 * len(hubs)


def test_the_library_does_not_import_solara():
    code = "import sys, sim.app, sim.cli, sim.model, sim.snapshot; print('solara' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_events_in_force_count_the_rows_switched_on_detention_changes_too(small):
    """A detention_change row is no timeline event of the model (sim.detention schedules it), but it is
    a row of the events table with its own switch: all on, every row is in force."""
    from sim.scenario.rows import EventRow

    rows = tuple(r.model_copy(update={"detention_days": 75.0, "detention_places": 700.0})
                 if r.target == "Edirne->Svilengrad" else r for r in small.agencies)
    change = EventRow(start="2012-03-01", full_effect="2012-03-01", kind="detention_change", target_type="edge",
                      target="Edirne->Svilengrad", detention_days=6)
    base = small.with_overrides(agencies=rows, events=small.events + (change,),
                                parameters={"detention": {"enabled": True}})
    assert "events in force: 3 of 3" in settings_text(AppModel(base=base))
    assert "events in force: 2 of 3 (off: detention change" in settings_text(AppModel(base=base, event_2=False))
