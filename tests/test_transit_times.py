"""scripts/transit_times.py: the diagnostic of days from spawn to the first EU-border attempt."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from conftest import load_script

from sim.model import SmugglingModel


def _module():
    return load_script("transit_times")


def test_recording_the_attempts_does_not_change_the_run_and_no_attempt_precedes_its_spawn(tiny_scenario):
    tt = _module()
    t = tt.transit_times(tiny_scenario, 5)
    plain = SmugglingModel(tiny_scenario, 5)
    plain.run()
    n = len(plain.migrants)
    assert len(t) == n > 0
    assert np.array_equal(t.spawn_day.to_numpy(), plain.migrants.spawn_day[:n])
    assert np.array_equal(t.state.to_numpy(), np.asarray(plain.migrants.state[:n]))
    assert np.array_equal(t.in_eu.to_numpy(), np.asarray(plain.migrants.in_eu[:n], dtype=bool))
    reached = t[t.first_attempt_day >= 0]
    assert len(reached) > 0
    assert (reached.first_attempt_day >= reached.spawn_day).all()
    # every agent that entered the EU attempted a labelled crossing on or before the run's last day
    assert t.in_eu.any() and (t.first_attempt_day[t.in_eu] >= 0).all()



def test_the_summary_counts_agents_and_shares_by_spawn_year():
    import pandas as pd

    tt = _module()
    t = pd.DataFrame({"origin_group": ["A", "A", "B"], "spawn_year": [2012, 2012, 2013],
                      "spawn_day": [0, 10, 400], "first_attempt_day": [5, 400, -1],
                      "year_end_day": [365, 365, 730]})
    by_group, by_year = tt.summarise(t)
    assert by_group.loc["A"].tolist() == [2, 2, 197.5, 197.5, 351.5]  # lags 5 and 390 days
    assert by_group.loc["B", "reached"] == 0
    assert by_year.loc[2012].tolist() == [2, 0.5, 1.0] and by_year.loc[2013].tolist() == [1, 0.0, 0.0]
    assert tt.not_reached(t).index.tolist() == [2]  # the last year's agent without an attempt, not 2012's


def test_the_command_reports_bad_input_in_one_line_and_exits_2(tmp_path, capsys):
    import pytest

    tt = _module()
    assert tt.main([str(tmp_path / "nope.yaml")]) == 2
    err = capsys.readouterr().err
    assert "nope.yaml" in err and "Traceback" not in err
    tiny = Path(__file__).resolve().parent / "fixtures" / "scenario_tiny" / "scenario.yaml"
    assert tt.main([str(tiny), "--persons-per-agent", "0"]) == 2
    assert "persons_per_agent" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        tt.main([str(tiny), "--seed", "-1"])
    assert exit_.value.code == 2 and "--seed: must be >= 0" in capsys.readouterr().err


def test_the_command_prints_the_tables_for_the_tiny_scenario(capsys):
    tt = _module()
    tiny = Path(__file__).resolve().parent / "fixtures" / "scenario_tiny" / "scenario.yaml"
    assert tt.main([str(tiny), "--seed", "5", "--persons-per-agent", "1"]) == 0
    out = capsys.readouterr().out
    assert "counts are agents" in out and "by state:" in out and "mean_days" in out
