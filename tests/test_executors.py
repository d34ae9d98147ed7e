"""Executors, the replicate cache, failing replicates, signals, orphans and the size guard.

Issue 11 item 3 and issue 13 items 8, 9 and 11. The equality test runs the real model on the small
fixture cut to one month; the others use fake models (fast) defined here or in a file under tmp_path.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import runner
from sim.cache import ReplicateCache, code_version
from sim.cli import main
from sim.executors import ExecutorSpec
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "fixtures" / "scenario_small" / "scenario.yaml"
TINY = ROOT / "tests" / "fixtures" / "scenario_tiny" / "scenario.yaml"


def _assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    assert set(a) == set(b)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


# ---- the real model: identical tables on every executor, and through the cache -------------------


def test_same_tables_serial_processes_dask_and_cache(tmp_path):
    pytest.importorskip("distributed")
    scenario = load_scenario(SMALL).model_copy(update={"end": dt.date(2012, 1, 31)})
    serial = runner.run_ensemble(scenario, 11, 2, progress=False, executor="serial",
                                 cache=ReplicateCache(tmp_path))
    assert len(serial["detections_monthly"]) > 0
    processes = runner.run_ensemble(scenario, 11, 2, progress=False, processes=2,
                                    executor="processes")
    _assert_same(serial, processes)
    dask = runner.run_ensemble(scenario, 11, 2, progress=False, processes=2, executor="dask")
    _assert_same(serial, dask)
    # every replicate from the cache: the same tables, and no model built
    cached = runner.run_ensemble("not a scenario: nothing may run", 11, 2, progress=False,
                                 cache=_AliasCache(tmp_path, scenario), resume=True)
    _assert_same(serial, cached)


class _AliasCache(ReplicateCache):
    """A cache that looks every job up under one real scenario (proves nothing was run)."""

    def __init__(self, root, scenario):
        super().__init__(root)
        self.scenario = scenario

    def folder(self, scenario, seed):
        return super().folder(self.scenario, seed)


# ---- fakes --------------------------------------------------------------------------------------

RUNS: list[int] = []


class FakeModel:
    def __init__(self, scenario, seed):
        self.scenario = scenario
        self.seed = seed
        self.rng = np.random.default_rng(seed)

    def run(self, progress=None):
        RUNS.append(self.seed)


class FailingModel(FakeModel):
    """Replicate 2 of root seed 5 raises its own error."""

    def run(self, progress=None):
        if self.seed == runner.replicate_seeds(5, 3)[2]:
            raise ValueError("boom in the model of replicate 2")
        super().run(progress)


class DyingModel(FakeModel):
    """Replicate 1 of root seed 5 kills its worker process."""

    def run(self, progress=None):
        if self.seed == runner.replicate_seeds(5, 3)[1]:
            os._exit(7)
        super().run(progress)


def fake_collect(model):
    return {
        "detections_monthly": pd.DataFrame({
            "route": ["Central Mediterranean", "Central Mediterranean"],
            "type": ["Sea", "Sea"],
            "origin_group": ["Eritrea", "Eritrea"],
            "month": ["2014-01", "2014-02"],
            "detections": model.rng.integers(0, 1000, size=2).astype(float),
        })
    }


@pytest.fixture
def cli_fake(monkeypatch):
    """test_cli's fake model: every table a results folder needs."""
    from test_cli import FakeModel as CliFakeModel
    from test_cli import fake_collect as cli_fake_collect

    monkeypatch.setattr(runner, "_new_model", CliFakeModel)
    monkeypatch.setattr(runner, "_collect_tables", cli_fake_collect)


@pytest.fixture
def fake(monkeypatch):
    RUNS.clear()

    def use(model):
        monkeypatch.setattr(runner, "_new_model", model)
        monkeypatch.setattr(runner, "_collect_tables", fake_collect)

    use(FakeModel)
    return use


class FakeScenario:
    """Enough of a scenario for the cache key (hash of canonical JSON)."""

    name = "fake"

    def canonical_json(self):
        return '{"fake": 1}'


# ---- failing replicates (issue 13 item 9) and resume ----------------------------------------------


@pytest.mark.parametrize("kind", ["serial", "processes"])
def test_failing_replicate_named_with_its_own_traceback_others_finish(tmp_path, fake, kind):
    fake(FailingModel)
    cache = ReplicateCache(tmp_path)
    with pytest.raises(runner.EnsembleError) as info:
        runner.run_ensemble(FakeScenario(), 5, 3, progress=False, processes=2, executor=kind,
                            cache=cache)
    (failure,) = info.value.failures
    assert (failure.replicate, failure.seed) == (2, runner.replicate_seeds(5, 3)[2])
    assert "boom in the model of replicate 2" in failure.traceback
    assert "in run" in failure.traceback  # the model's own frame, not the pool's
    assert "BrokenProcessPool" not in failure.traceback
    assert "replicate 2 (seed" in str(info.value)
    assert [r is not None for r in info.value.results] == [True, True, False]
    # the two finished replicates are in the cache: resume runs only the failed one
    fake(FakeModel)
    RUNS.clear()
    resumed = runner.run_ensemble(FakeScenario(), 5, 3, progress=False, cache=cache, resume=True)
    assert RUNS == [runner.replicate_seeds(5, 3)[2]]
    fresh = runner.run_ensemble(FakeScenario(), 5, 3, progress=False)
    _assert_same(fresh, resumed)


def test_worker_that_dies_fails_only_its_replicate(fake):
    fake(DyingModel)
    with pytest.raises(runner.EnsembleError) as info:
        runner.run_ensemble(FakeScenario(), 5, 3, progress=False, processes=2)
    (failure,) = info.value.failures
    assert failure.replicate == 1 and failure.seed == runner.replicate_seeds(5, 3)[1]
    assert "died" in failure.traceback
    assert [r is not None for r in info.value.results] == [True, False, True]


def test_cli_exit_status_3_names_the_failed_replicate(tmp_path, fake, capsys):
    fake(FailingModel)
    status = main(["run", str(TINY), "--seed", "5", "--replicates", "3", "--out", str(tmp_path),
                   "--no-progress"])
    err = capsys.readouterr().err
    assert status == 3
    assert f"replicate 2 (seed {runner.replicate_seeds(5, 3)[2]}) failed" in err
    assert "ValueError: boom in the model of replicate 2" in err
    assert "--resume" in err
    assert not (tmp_path / "tiny").exists() or not any((tmp_path / "tiny").iterdir())


def test_cache_key_has_scenario_seed_and_code_version(tmp_path):
    cache = ReplicateCache(tmp_path)
    a, b = cache.folder(FakeScenario(), 1), cache.folder(FakeScenario(), 2)
    assert a != b and a.parent == b.parent
    assert a.parent.name == code_version()[:16]


# ---- interrupts, SIGTERM and killed parents (issue 13 item 8) -------------------------------------

FAKES = '''
import os, time
import numpy as np
import pandas as pd


class SleepyModel:
    def __init__(self, scenario, seed):
        self.seed = seed

    def run(self, progress=None):
        open(os.path.join(os.environ["PID_DIR"], str(os.getpid())), "w").close()
        time.sleep(120)


def collect(model):
    return {}
'''

DRIVER = '''
import sys
import fakes
from sim import cli, runner
runner._new_model = fakes.SleepyModel
runner._collect_tables = fakes.collect
if __name__ == "__main__":
    sys.exit(cli.main(sys.argv[1:]))
'''


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _start_sleepy_run(tmp_path: Path, *args: str) -> tuple[subprocess.Popen, Path]:
    (tmp_path / "fakes.py").write_text(FAKES)
    (tmp_path / "driver.py").write_text(DRIVER)
    pids = tmp_path / "pids"
    pids.mkdir()
    env = {**os.environ, "PID_DIR": str(pids),
           "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    proc = subprocess.Popen(
        [sys.executable, str(tmp_path / "driver.py"), "run", str(TINY), "--replicates", "4",
         "--processes", "2", "--out", str(tmp_path / "out"), "--no-progress", *args],
        env=env, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 90
    while len(list(pids.iterdir())) < 2:
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "workers did not start"
        time.sleep(0.2)
    return proc, pids


def _wait_gone(pids: list[int], seconds: float = 15) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = [p for p in pids if _alive(p)]
        if not alive:
            return []
        time.sleep(0.2)
    return alive


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
def test_sigterm_is_handled_like_ctrl_c_exit_143_no_orphans(tmp_path):
    proc, pids = _start_sleepy_run(tmp_path)
    workers = [int(p.name) for p in pids.iterdir()]
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "interrupted" in err
    assert _wait_gone(workers) == []
    tiny = tmp_path / "out" / "tiny"
    assert not tiny.exists() or list(tiny.iterdir()) == []


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
def test_workers_exit_when_the_parent_is_killed(tmp_path):
    proc, pids = _start_sleepy_run(tmp_path)
    workers = [int(p.name) for p in pids.iterdir()]
    proc.kill()  # SIGKILL: no handler runs in the parent
    proc.communicate(timeout=30)
    assert _wait_gone(workers) == []


def test_stale_tmp_folder_of_a_dead_run_is_removed(tmp_path, cli_fake):
    parent = tmp_path / "tiny"
    parent.mkdir()
    dead = parent / ".20200101T000000Z-s1.999999999.tmp"  # no process has this pid
    dead.mkdir()
    (dead / "half-written.parquet").write_text("x")
    live = parent / f".20200101T000000Z-s2.{os.getpid()}.tmp"  # a run still going
    live.mkdir()
    assert main(["run", str(TINY), "--out", str(tmp_path), "--no-progress"]) == 0
    assert not dead.exists()
    assert live.exists()


# ---- sizes (issue 13 item 11, issue 11 item 3) ------------------------------------------------------


def test_absurd_ensemble_refused_without_force(tmp_path, fake, capsys):
    status = main(["run", str(SMALL), "--replicates", "100000000", "--out", str(tmp_path),
                   "--no-progress"])
    err = capsys.readouterr().err
    assert status == 2
    assert "refused" in err and "GB of memory" in err and "--force" in err
    assert RUNS == []
    assert not (tmp_path / "small").exists()


def test_more_processes_than_cpus_warns(tmp_path, cli_fake, capsys):
    many = (os.cpu_count() or 1) + 1
    assert main(["run", str(TINY), "--processes", str(many), "--executor", "serial",
                 "--replicates", "2", "--out", str(tmp_path), "--no-progress"]) == 0
    assert f"--processes {many} is more than" in capsys.readouterr().err


def test_estimate_grows_with_replicates():
    scenario = load_scenario(SMALL)
    small, large = runner.estimate_ensemble(scenario, 10), runner.estimate_ensemble(scenario, 1000)
    one = runner.estimate_ensemble(scenario, 11).memory_bytes - small.memory_bytes
    assert one > 0
    assert large.memory_bytes - small.memory_bytes == pytest.approx(990 * one)
    assert large.seconds == pytest.approx(100 * small.seconds)


def test_executor_spec_rejects_bad_input():
    with pytest.raises(ValueError, match="executor"):
        ExecutorSpec("threads")
    with pytest.raises(ValueError, match="scheduler"):
        ExecutorSpec("processes", 2, "tcp://x:1")


def test_scheduler_needs_dask(tmp_path, capsys):
    assert main(["run", str(TINY), "--executor", "processes", "--scheduler", "tcp://x:1",
                 "--out", str(tmp_path)]) == 2
    assert "--scheduler needs --executor dask" in capsys.readouterr().err

