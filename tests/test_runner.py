"""Tests of sim.runner: seed spawning, replicate tables, ensembles (mostly with a fake model; purity on the real one)."""

from __future__ import annotations

import multiprocessing

import numpy as np
import pandas as pd
import pytest

from sim import runner


class FakeModel:
    """Stands in for SmugglingModel: deterministic tables drawn from its own seed."""

    n_days_total = 5

    def __init__(self, scenario, seed):
        self.scenario = scenario
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.ran = False

    def run(self, progress=None):
        for day in range(1, self.n_days_total + 1):
            if progress is not None:
                progress(day, self.n_days_total)
        self.ran = True


def fake_collect(model):
    assert model.ran
    months = ["2014-01", "2014-02"]
    return {
        "detections_monthly": pd.DataFrame(
            {
                "route": "Black Sea",
                "type": "Sea",
                "origin_group": "Syria",
                "month": months,
                "detections": model.rng.integers(0, 1000, size=2),
            }
        ),
        "deaths_monthly": pd.DataFrame(
            {"route": ["Black Sea"], "month": ["2014-01"], "deaths": [model.seed % 7]}
        ),
    }


@pytest.fixture
def fake_model(monkeypatch):
    monkeypatch.setattr(runner, "_new_model", FakeModel)
    monkeypatch.setattr(runner, "_collect_tables", fake_collect)


def test_replicate_seeds_match_seed_sequence_spawn():
    expected = [int(c.generate_state(1)[0]) for c in np.random.SeedSequence(20140101).spawn(4)]
    assert runner.replicate_seeds(20140101, 4) == expected


def test_replicate_seeds_deterministic_distinct_and_prefix_stable():
    seeds = runner.replicate_seeds(7, 50)
    assert seeds == runner.replicate_seeds(7, 50)
    assert len(set(seeds)) == 50
    assert runner.replicate_seeds(7, 10) == seeds[:10]
    assert runner.replicate_seeds(8, 10) != seeds[:10]
    assert all(isinstance(s, int) and 0 <= s < 2**32 for s in seeds)


def test_replicate_seeds_rejects_negative():
    with pytest.raises(ValueError):
        runner.replicate_seeds(1, -1)
    with pytest.raises(ValueError):
        runner.replicate_seeds(-1, 1)


def test_run_replicate_adds_replicate_and_seed_first(fake_model):
    calls = []
    tables = runner.run_replicate(
        {"name": "fake"}, 123, replicate=4, progress=lambda d, t: calls.append((d, t))
    )
    assert set(tables) == {"detections_monthly", "deaths_monthly"}
    det = tables["detections_monthly"]
    assert list(det.columns) == [
        "replicate",
        "seed",
        "route",
        "type",
        "origin_group",
        "month",
        "detections",
    ]
    assert det["replicate"].tolist() == [4, 4]
    assert det["seed"].tolist() == [123, 123]
    assert det["replicate"].dtype == np.int64 and det["seed"].dtype == np.int64
    assert list(tables["deaths_monthly"].columns)[:2] == ["replicate", "seed"]
    assert calls[-1] == (5, 5)


def test_run_replicate_is_pure_for_same_seed(fake_model):
    a = runner.run_replicate({"name": "fake"}, 99)
    b = runner.run_replicate({"name": "fake"}, 99)
    c = runner.run_replicate({"name": "fake"}, 100)
    pd.testing.assert_frame_equal(a["detections_monthly"], b["detections_monthly"])
    assert not a["detections_monthly"]["detections"].equals(c["detections_monthly"]["detections"])


def test_run_ensemble_concatenates_in_replicate_order(fake_model):
    tables = runner.run_ensemble({"name": "fake"}, 11, 3, progress=False)
    det = tables["detections_monthly"]
    seeds = runner.replicate_seeds(11, 3)
    assert det["replicate"].tolist() == [0, 0, 1, 1, 2, 2]
    assert det["seed"].tolist() == [s for s in seeds for _ in range(2)]
    assert det.index.tolist() == list(range(6))
    single = runner.run_replicate({"name": "fake"}, seeds[1], replicate=1)
    pd.testing.assert_frame_equal(
        det[det["replicate"] == 1].reset_index(drop=True), single["detections_monthly"]
    )


def test_run_ensemble_processes_give_the_same_tables(fake_model):
    serial = runner.run_ensemble({"name": "fake"}, 5, 3, progress=False, processes=1)
    parallel = runner.run_ensemble({"name": "fake"}, 5, 3, progress=False, processes=2)
    for name in serial:
        pd.testing.assert_frame_equal(serial[name], parallel[name])


def test_run_ensemble_progress_bar_over_days_and_replicates(fake_model, capsys):
    runner.run_ensemble({"name": "fake"}, 5, 1, progress="always")
    err = capsys.readouterr().err
    assert "days" in err and "5/5" in err
    runner.run_ensemble({"name": "fake"}, 5, 2, progress="always")
    err = capsys.readouterr().err
    assert "replicates" in err and "2/2" in err
    runner.run_ensemble({"name": "fake"}, 5, 2, progress=False)
    assert capsys.readouterr().err == ""


def test_run_ensemble_progress_auto_is_off_when_not_a_tty(fake_model, capsys):
    runner.run_ensemble({"name": "fake"}, 5, 2, progress=True)
    assert capsys.readouterr().err == ""


def test_run_ensemble_rejects_bad_counts(fake_model):
    with pytest.raises(ValueError, match="replicates"):
        runner.run_ensemble({"name": "fake"}, 5, 0)
    with pytest.raises(ValueError, match="processes"):
        runner.run_ensemble({"name": "fake"}, 5, 2, processes=0)


class InterruptedOrSlow(FakeModel):
    """Replicate 0's seed raises KeyboardInterrupt at once; the others take a minute."""

    def run(self, progress=None):
        import time

        if self.seed == runner.replicate_seeds(3, 1)[0]:
            raise KeyboardInterrupt
        time.sleep(60)


def test_interrupted_process_ensemble_stops_workers_at_once(monkeypatch):
    import time

    monkeypatch.setattr(runner, "_new_model", InterruptedOrSlow)
    monkeypatch.setattr(runner, "_collect_tables", fake_collect)
    # children another test of this xdist worker may still be reaping are not this call's workers
    before = {p.pid for p in multiprocessing.active_children()}
    clock = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        runner.run_ensemble({"name": "fake"}, 3, 6, progress=False, processes=2)
    assert time.perf_counter() - clock < 30
    # the sleeping workers this call started were terminated: on a loaded machine a terminated worker
    # may take a moment to be reaped, so look again for up to 15 s (an untouched worker sleeps 60 s)
    deadline = time.perf_counter() + 15
    left = [p for p in multiprocessing.active_children() if p.pid not in before]
    while left and time.perf_counter() < deadline:
        time.sleep(0.2)
        left = [p for p in multiprocessing.active_children() if p.pid not in before]
    assert left == []


def test_run_replicate_is_pure_on_the_real_small_fixture():
    """The real model, not a stand-in: same scenario and seed give identical tables (in this
    process, after another run), another seed gives others. The small fixture, cut to 120 days."""
    import datetime as dt
    from pathlib import Path

    from sim.scenario import load_scenario

    sc = load_scenario(Path(__file__).parent / "fixtures" / "scenario_small" / "scenario.yaml")
    sc = sc.model_copy(update={"end": sc.start + dt.timedelta(days=120)})
    a = runner.run_replicate(sc, 11)
    c = runner.run_replicate(sc, 12)
    b = runner.run_replicate(sc, 11)
    assert sorted(a) == sorted(b)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])
    assert a["detections_monthly"]["detections"].sum() > 0
    assert not a["crossings_by_edge"].drop(columns="seed").equals(c["crossings_by_edge"].drop(columns="seed"))
