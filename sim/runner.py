"""Run replicates of a scenario and collect their tables.

A replicate is one model run built from ``(scenario, seed)``; it is pure: the same scenario and seed give
identical tables in any process. An ensemble spawns one seed per replicate from a root seed with
``numpy.random.SeedSequence(root).spawn(n)`` and concatenates the replicates' tables in replicate order.

Every table returned here carries ``replicate`` (0-based replicate number) and ``seed`` (the replicate's
own seed) as its first two columns; the other columns are those of :func:`sim.metrics.collect_tables`
(see ``docs/architecture.md``).
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from tqdm import tqdm

if TYPE_CHECKING:  # pragma: no cover - typing only
    from sim.scenario import Scenario

__all__ = ["replicate_seeds", "run_replicate", "run_ensemble"]

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
        ``deaths_monthly``), each a new frame with ``replicate`` and ``seed`` (int64) inserted as the
        first two columns. Counts are persons.
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


def _abandon(pool: ProcessPoolExecutor) -> None:
    """Stop a pool at once: cancel queued replicates and terminate the workers it started.

    Without this, an interrupted ensemble would wait for every replicate already handed to a
    worker (running or queued) to finish.
    """
    workers = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    # the pool may have started a worker between the two looks
    workers += [w for w in (getattr(pool, "_processes", None) or {}).values() if w not in workers]
    for worker in workers:
        if worker.is_alive():
            worker.terminate()
    for worker in workers:
        worker.join(timeout=5)


def _concat(results: list[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """Concatenate replicates' tables, name by name, in list order."""
    names: list[str] = []
    for result in results:
        names.extend(name for name in result if name not in names)
    return {
        name: pd.concat([r[name] for r in results if name in r], ignore_index=True)
        for name in names
    }


def run_ensemble(
    scenario: Scenario,
    root_seed: int,
    replicates: int,
    progress: bool | Literal["always"] = True,
    processes: int = 1,
) -> dict[str, pd.DataFrame]:
    """Run an ensemble of replicates and concatenate their tables.

    Parameters
    ----------
    scenario : Scenario
        Validated scenario (picklable; sent to worker processes when ``processes > 1``).
    root_seed : int
        Root seed; replicate seeds come from :func:`replicate_seeds`.
    replicates : int
        Number of replicates, at least 1.
    progress : bool or "always", default True
        A tqdm progress bar on stderr: over days for a single replicate, over replicates otherwise.
        ``True`` shows it only when stderr is a terminal, ``"always"`` forces it, ``False`` hides it.
    processes : int, default 1
        1 runs replicates one after another in this process; more uses a
        ``concurrent.futures.ProcessPoolExecutor`` with that many workers (never more than the
        number of replicates), started with the ``spawn`` method (fresh interpreters: no fork of a
        multi-threaded parent, same behaviour on Linux, macOS and Windows). A single replicate
        always runs in this process. On an error or interruption the workers are terminated.

    Returns
    -------
    dict of str to pandas.DataFrame
        For each table name, the replicates' tables concatenated in replicate order (replicate 0
        first), with ``replicate`` and ``seed`` as first columns. The result does not depend on
        ``processes``.

    Raises
    ------
    ValueError
        If ``replicates < 1`` or ``processes < 1``.
    """
    if replicates < 1:
        raise ValueError(f"replicates must be >= 1, got {replicates}")
    if processes < 1:
        raise ValueError(f"processes must be >= 1, got {processes}")
    seeds = replicate_seeds(root_seed, replicates)
    disable = _progress_disabled(progress)

    if replicates == 1:
        with tqdm(total=None, desc="days", unit="day", file=sys.stderr, disable=disable) as bar:

            def on_day(days_done: int, days_total: int) -> None:
                if bar.total != days_total:
                    bar.total = days_total
                bar.update(days_done - bar.n)

            return _concat([run_replicate(scenario, seeds[0], 0, progress=on_day)])

    results: list[dict[str, pd.DataFrame] | None] = [None] * replicates
    with tqdm(
        total=replicates, desc="replicates", unit="rep", file=sys.stderr, disable=disable
    ) as bar:
        if processes == 1:
            for i, seed in enumerate(seeds):
                results[i] = run_replicate(scenario, seed, i)
                bar.update(1)
        else:
            pool = ProcessPoolExecutor(
                max_workers=min(processes, replicates),
                mp_context=multiprocessing.get_context("spawn"),
            )
            try:
                futures = {
                    pool.submit(_run, _new_model, _collect_tables, scenario, seed, i): i
                    for i, seed in enumerate(seeds)
                }
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    bar.update(1)
            except BaseException:
                _abandon(pool)
                raise
            pool.shutdown()
    return _concat([r for r in results if r is not None])
