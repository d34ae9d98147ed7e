"""Run replicates of a scenario and collect their tables.

A replicate is one model run built from ``(scenario, seed)``; it is pure: the same scenario and seed give
identical tables in any process. An ensemble spawns one seed per replicate from a root seed with
``numpy.random.SeedSequence(root).spawn(n)`` and concatenates the replicates' tables in replicate order.

Where replicates run is an :class:`sim.executors.ExecutorSpec` (serial, worker processes, or dask);
:func:`run_jobs` is the one entry point for any set of (scenario, seed) runs (ensembles, comparisons,
sensitivity samples), optionally streaming each finished replicate into a
:class:`sim.cache.ReplicateCache` so that an interrupted set resumes where it stopped. The tables do not
depend on the executor or the number of workers.

Every table returned here carries ``replicate`` (0-based replicate number) and ``seed`` (the replicate's
own seed) as its first two columns; the other columns are those of :func:`sim.metrics.collect_tables`
(see ``docs/architecture.md``).
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from tqdm import tqdm

from sim.executors import ExecutorSpec, execute

if TYPE_CHECKING:  # pragma: no cover - typing only
    from sim.cache import ReplicateCache
    from sim.scenario import Scenario

__all__ = [
    "replicate_seeds",
    "run_replicate",
    "run_ensemble",
    "run_jobs",
    "Job",
    "ReplicateFailure",
    "EnsembleError",
    "ExecutorSpec",
    "using",
    "estimate_ensemble",
    "EnsembleEstimate",
]

ProgressCallback = Callable[[int, int], None]


def replicate_seeds(root_seed: int, n: int) -> list[int]:
    """Spawn ``n`` replicate seeds from one root seed.

    Parameters
    ----------
    root_seed : int
        Root seed (non-negative) of the ensemble.
    n : int
        Number of replicates (non-negative).

    Returns
    -------
    list of int, length n
        ``int(child.generate_state(1)[0])`` for each child of
        ``numpy.random.SeedSequence(root_seed).spawn(n)``: 32-bit unsigned integers, distinct in
        practice, and the same for the same ``root_seed`` in any process. Replicate ``i`` keeps its
        seed when ``n`` grows.

    Raises
    ------
    ValueError
        If ``n`` is negative or ``root_seed`` is negative.

    Examples
    --------
    >>> replicate_seeds(20140101, 3) == replicate_seeds(20140101, 3)
    True
    >>> replicate_seeds(20140101, 3)[:2] == replicate_seeds(20140101, 2)
    True
    >>> len(set(replicate_seeds(1, 100)))
    100
    """
    if n < 0:
        raise ValueError(f"number of replicates must be >= 0, got {n}")
    if root_seed < 0:
        raise ValueError(f"root seed must be >= 0, got {root_seed}")
    children = np.random.SeedSequence(root_seed).spawn(n)
    return [int(child.generate_state(1)[0]) for child in children]


def _new_model(scenario: Scenario, seed: int) -> Any:
    """Build the model of one replicate (a seam that tests replace with a fake)."""
    from sim.model import SmugglingModel

    return SmugglingModel(scenario, seed)


def _collect_tables(model: Any) -> dict[str, pd.DataFrame]:
    """Collect a finished model's tables (a seam that tests replace with a fake)."""
    from sim.metrics import collect_tables

    return collect_tables(model)


def run_replicate(
    scenario: Scenario,
    seed: int,
    replicate: int = 0,
    progress: ProgressCallback | None | bool = None,
) -> dict[str, pd.DataFrame]:
    """Run one replicate and return its tables.

    Parameters
    ----------
    scenario : Scenario
        Validated scenario.
    seed : int
        The replicate's seed, given once to ``SmugglingModel(scenario, seed)``.
    replicate : int, default 0
        Replicate number written into the ``replicate`` column.
    progress : callable or None, default None
        ``progress(days_done, days_total)``, called by ``model.run`` as days complete; ``None`` (or
        ``False``) for no progress reporting.

    Returns
    -------
    dict of str to pandas.DataFrame
        The tables of :func:`sim.metrics.collect_tables` (``detections_monthly``,
        ``crossings_by_edge``, ``hubs``, ``enterprises``, ``prices``, ``exploitation``,
        ``deaths_monthly``, ``enforcement``), each a new frame with ``replicate`` and ``seed``
        (int64) inserted as the first two columns. Counts are persons.
    """
    return _run(_new_model, _collect_tables, scenario, seed, replicate, progress)


def _run(
    new_model: Callable[[Scenario, int], Any],
    collect: Callable[[Any], dict[str, pd.DataFrame]],
    scenario: Scenario,
    seed: int,
    replicate: int,
    progress: ProgressCallback | None | bool = None,
) -> dict[str, pd.DataFrame]:
    """Body of :func:`run_replicate`, with the model factory and collector passed in.

    Worker processes receive both by reference (pickled by qualified name), so whatever
    ``_new_model`` and ``_collect_tables`` are in the parent is what the workers use.
    """
    model = new_model(scenario, seed)
    model.run(progress=progress if callable(progress) else None)
    tables = collect(model)
    out: dict[str, pd.DataFrame] = {}
    for name, table in tables.items():
        frame = table.reset_index(drop=True).copy()
        for column in ("replicate", "seed"):
            if column in frame.columns:
                frame = frame.drop(columns=column)
        frame.insert(0, "seed", pd.Series(seed, index=frame.index, dtype="int64"))
        frame.insert(0, "replicate", pd.Series(replicate, index=frame.index, dtype="int64"))
        out[name] = frame
    return out


def _progress_disabled(progress: bool | Literal["always"]) -> bool | None:
    """Translate ``progress`` into tqdm's ``disable`` (None: show only on a terminal)."""
    if progress == "always":
        return False
    if progress is True:
        return None
    return True


def _concat(results: list[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """Concatenate replicates' tables, name by name, in list order."""
    names: list[str] = []
    for result in results:
        names.extend(name for name in result if name not in names)
    return {
        name: pd.concat([r[name] for r in results if name in r], ignore_index=True)
        for name in names
    }


@dataclass(frozen=True)
class Job:
    """One model run: ``scenario`` with ``seed``, reported as replicate number ``replicate``."""

    scenario: Any
    seed: int
    replicate: int


@dataclass(frozen=True)
class ReplicateFailure:
    """A replicate that did not finish: its job index, replicate number, seed and traceback.

    ``traceback`` is the replicate's own (formatted in the process that ran it), or a description
    of how its worker died.
    """

    index: int
    replicate: int
    seed: int
    traceback: str

    def describe(self) -> str:
        """Text for the terminal: which replicate, its seed, then its traceback."""
        return f"replicate {self.replicate} (seed {self.seed}) failed:\n{self.traceback.rstrip()}"


class EnsembleError(RuntimeError):
    """Some replicates failed; the others finished (and are in the cache if one was given).

    Attributes
    ----------
    failures : list of ReplicateFailure
        In job order.
    results : list of (dict of str to DataFrame) or None
        Per job: its tables, or None where it failed.
    """

    def __init__(self, failures: list[ReplicateFailure], results: list[Any]) -> None:
        self.failures = failures
        self.results = results
        done = sum(r is not None for r in results)
        super().__init__(
            f"{len(failures)} of {len(results)} replicate(s) failed ({done} finished): "
            + ", ".join(f"replicate {f.replicate} (seed {f.seed})" for f in failures)
        )


def run_jobs(
    jobs: Sequence[Job],
    executor: ExecutorSpec | None = None,
    *,
    cache: ReplicateCache | None = None,
    resume: bool = False,
    progress: bool | Literal["always"] = True,
    desc: str = "replicates",
) -> list[dict[str, pd.DataFrame]]:
    """Run model jobs on an executor and return their tables in job order.

    Parameters
    ----------
    jobs : sequence of Job
        The runs; each is :func:`run_replicate` ``(job.scenario, job.seed, job.replicate)``.
    executor : ExecutorSpec, optional
        Where to run them (default serial in this process).
    cache : ReplicateCache, optional
        Each finished job's tables are written there as soon as it finishes (by this process).
    resume : bool, default False
        Take jobs already in ``cache`` from it instead of running them again.
    progress : bool or "always", default True
        A tqdm bar over jobs on stderr (``True``: only when stderr is a terminal).
    desc : str, default "replicates"
        The bar's label.

    Returns
    -------
    list of dict of str to pandas.DataFrame
        One entry per job, in job order; the same for any executor and number of workers.

    Raises
    ------
    EnsembleError
        If any job failed, after every other job finished (each failure with its replicate number,
        seed and traceback).
    KeyboardInterrupt
        Passed on after the workers are stopped (finished jobs stay in the cache).
    """
    executor = executor or ExecutorSpec()
    results: list[dict[str, pd.DataFrame] | None] = [None] * len(jobs)
    if cache is not None and resume:
        for i, job in enumerate(jobs):
            results[i] = cache.get(job.scenario, job.seed, job.replicate)
    todo = [i for i, r in enumerate(results) if r is None]
    failures: list[ReplicateFailure] = []
    with tqdm(total=len(jobs), initial=len(jobs) - len(todo), desc=desc, unit="rep",
              file=sys.stderr, disable=_progress_disabled(progress)) as bar:
        tasks = [
            (_new_model, _collect_tables, jobs[i].scenario, jobs[i].seed, jobs[i].replicate)
            for i in todo
        ]
        outcomes = execute(_run, tasks, executor)
        try:
            for k, outcome in outcomes:
                i = todo[k]
                if outcome.ok:
                    results[i] = outcome.value
                    if cache is not None:
                        cache.put(jobs[i].scenario, jobs[i].seed, outcome.value)
                else:
                    failures.append(ReplicateFailure(i, jobs[i].replicate, jobs[i].seed,
                                                     outcome.error or ""))
                bar.update(1)
        finally:
            outcomes.close()  # stops the workers if we leave early
    if failures:
        failures.sort(key=lambda f: f.index)
        raise EnsembleError(failures, results)
    return results  # type: ignore[return-value]


_DEFAULTS: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "routesim_runner_defaults", default=None
)


@contextlib.contextmanager
def using(
    executor: ExecutorSpec | None = None,
    cache: ReplicateCache | None = None,
    resume: bool = False,
) -> Iterator[None]:
    """Within the block, :func:`run_ensemble` calls that name no executor or cache use these.

    This is how code that runs ensembles through layers that only pass ``processes`` (e.g.
    :func:`sim.experiments.run_experiment`) is given an executor and a cache.

    Parameters
    ----------
    executor : ExecutorSpec, optional
    cache : ReplicateCache, optional
    resume : bool, default False
    """
    token = _DEFAULTS.set({"executor": executor, "cache": cache, "resume": resume})
    try:
        yield
    finally:
        _DEFAULTS.reset(token)


def run_ensemble(
    scenario: Scenario,
    root_seed: int,
    replicates: int,
    progress: bool | Literal["always"] = True,
    processes: int = 1,
    *,
    executor: ExecutorSpec | str | None = None,
    cache: ReplicateCache | None = None,
    resume: bool = False,
) -> dict[str, pd.DataFrame]:
    """Run an ensemble of replicates and concatenate their tables.

    Parameters
    ----------
    scenario : Scenario
        Validated scenario (picklable; sent to worker processes when they are used).
    root_seed : int
        Root seed; replicate seeds come from :func:`replicate_seeds`.
    replicates : int
        Number of replicates, at least 1.
    progress : bool or "always", default True
        A tqdm progress bar on stderr: over days for a single replicate run in this process, over
        replicates otherwise. ``True`` shows it only when stderr is a terminal, ``"always"``
        forces it, ``False`` hides it.
    processes : int, default 1
        Workers. With ``executor`` None: 1 runs serially, more uses worker processes.
    executor : ExecutorSpec or str, optional
        ``"serial"``, ``"processes"`` or ``"dask"`` (with ``processes`` workers), or a full
        :class:`ExecutorSpec` (e.g. with a scheduler address). Worker processes are started with
        the ``spawn`` method; on an error or interruption they are terminated.
    cache : ReplicateCache, optional
        Stream finished replicates into this cache.
    resume : bool, default False
        Take replicates already in ``cache`` from it.

    Returns
    -------
    dict of str to pandas.DataFrame
        For each table name, the replicates' tables concatenated in replicate order (replicate 0
        first), with ``replicate`` and ``seed`` as first columns. The result does not depend on
        the executor or ``processes``.

    Raises
    ------
    ValueError
        If ``replicates < 1`` or ``processes < 1``, or an unknown executor.
    EnsembleError
        If some replicates failed (the others finished).
    """
    if replicates < 1:
        raise ValueError(f"replicates must be >= 1, got {replicates}")
    if processes < 1:
        raise ValueError(f"processes must be >= 1, got {processes}")
    defaults = _DEFAULTS.get() or {}
    if executor is None:
        executor = defaults.get("executor")
    if cache is None and defaults.get("cache") is not None:
        cache, resume = defaults["cache"], bool(defaults.get("resume"))
    if executor is None:
        executor = "processes" if processes > 1 and replicates > 1 else "serial"
    if isinstance(executor, str):
        executor = ExecutorSpec(executor, processes)
    seeds = replicate_seeds(root_seed, replicates)
    disable = _progress_disabled(progress)

    if replicates == 1 and executor.kind == "serial":
        cached = cache.get(scenario, seeds[0], 0) if cache is not None and resume else None
        if cached is not None:
            return _concat([cached])
        with tqdm(total=None, desc="days", unit="day", file=sys.stderr, disable=disable) as bar:

            def on_day(days_done: int, days_total: int) -> None:
                if bar.total != days_total:
                    bar.total = days_total
                bar.update(days_done - bar.n)

            try:
                tables = run_replicate(scenario, seeds[0], 0, progress=on_day)
            except Exception as exc:
                import traceback

                failure = ReplicateFailure(0, 0, seeds[0], "".join(traceback.format_exception(exc)))
                raise EnsembleError([failure], [None]) from exc
        if cache is not None:
            cache.put(scenario, seeds[0], tables)
        return _concat([tables])

    jobs = [Job(scenario, seed, i) for i, seed in enumerate(seeds)]
    return _concat(run_jobs(jobs, executor, cache=cache, resume=resume, progress=progress))


@dataclass(frozen=True)
class EnsembleEstimate:
    """A rough estimate (within a factor of about 3) of an ensemble's needs.

    Attributes
    ----------
    memory_bytes : float
        Peak memory of the parent: every replicate's tables held, plus a copy while they are
        concatenated, plus about 300 MB per worker for the model.
    seconds : float
        Wall time with ``workers`` workers on an idle machine.
    """

    memory_bytes: float
    seconds: float

    def describe(self) -> str:
        """E.g. ``about 47.0 GB of memory and 3.9 days``."""
        s = self.seconds
        when = (f"{s / 86400:.1f} days" if s >= 86400 else f"{s / 3600:.1f} hours" if s >= 3600
                else f"{s / 60:.0f} minutes")
        return f"about {self.memory_bytes / 1e9:.1f} GB of memory and {when}"


#: Table rows per month of a replicate per node or segment; bytes per table row in memory; seconds per
#: simulated day per node or segment. Measured on baseline_2014 (110 nodes, 181 segments, 36 months:
#: 29,317 rows, 3.0 MB, 50 s at 20 persons per agent on a loaded 2-core machine) and the small test
#: fixture (27 nodes, 36 segments: 6,040 rows, 0.61 MB, 18 s), see benchmarks/README.md.
_ROWS_PER_MONTH_PER_ELEMENT = 3.0
_BYTES_PER_ROW = 100.0
_SECONDS_PER_DAY_PER_ELEMENT = 2e-4
_WORKER_BYTES = 300e6


def estimate_ensemble(scenario: Scenario, replicates: int, workers: int = 1) -> EnsembleEstimate:
    """Estimate the memory and wall time of an ensemble before running it.

    Parameters
    ----------
    scenario : Scenario
        ``nodes``, ``segments``, ``start``, ``end`` and ``burn_in_days`` are used.
    replicates : int
    workers : int, default 1

    Returns
    -------
    EnsembleEstimate
        Rows per replicate ~ 3 x (nodes + segments) x months, 100 bytes a row, twice (held and
        concatenated); time ~ 2e-4 s x (nodes + segments) x simulated days per replicate, divided
        among ``min(workers, replicates, os.cpu_count())`` workers. Constants measured as
        documented in ``benchmarks/README.md``; good to a factor of about 3.
    """
    elements = len(scenario.nodes) + len(scenario.segments)
    days = (scenario.end - scenario.start).days + 1
    months = days / 30.44
    rows = _ROWS_PER_MONTH_PER_ELEMENT * elements * months
    effective = max(1, min(workers, replicates, os.cpu_count() or 1))
    memory = 2 * replicates * rows * _BYTES_PER_ROW + min(workers, replicates) * _WORKER_BYTES
    per_replicate = _SECONDS_PER_DAY_PER_ELEMENT * elements * (days + scenario.burn_in_days)
    return EnsembleEstimate(memory, per_replicate * replicates / effective)
