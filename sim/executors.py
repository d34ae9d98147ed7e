"""Executors: where the replicates of an ensemble run (this process, worker processes, or dask).

One function, :func:`execute`, maps a picklable function over a list of argument tuples and yields
``(index, Outcome)`` pairs as tasks complete, whatever the executor:

- ``serial``: one after another in this process;
- ``processes``: a :class:`concurrent.futures.ProcessPoolExecutor` started with the ``spawn`` method
  (fresh interpreters: no fork of a multi-threaded parent);
- ``dask``: :mod:`dask.distributed`, either a ``LocalCluster`` with ``workers`` worker processes
  (one thread each) started and closed here, or a running scheduler joined at ``scheduler``
  (e.g. one started by dask-jobqueue on Slurm, see ``docs/ensembles.md``).

A task that raises is an :class:`Outcome` with ``error`` (the task's own traceback, formatted in the
process that ran it), never an exception out of :func:`execute`, so the other tasks finish. A worker
process that dies (killed, out of memory) fails only the tasks it may have been running: the tasks
left unfinished by a broken pool are re-run each in its own fresh worker process, so a task that kills
its worker twice is reported as failed with the exit code, and the others finish.

Workers started here exit within about a second when the process that started them dies (a watchdog
thread in each worker polls the parent's pid), so a ``kill -9`` of ``routesim`` leaves no orphans.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

__all__ = ["EXECUTORS", "ExecutorSpec", "Outcome", "execute", "watch_parent"]

#: The executor names accepted by :class:`ExecutorSpec` and the ``--executor`` option.
EXECUTORS = ("serial", "processes", "dask")

#: Seconds between two looks of a worker's watchdog at its parent.
WATCHDOG_INTERVAL_S = 0.5


@dataclass(frozen=True)
class ExecutorSpec:
    """Where tasks run.

    Parameters
    ----------
    kind : {"serial", "processes", "dask"}
        The executor.
    workers : int, default 1
        Worker processes (``processes``; ``dask`` LocalCluster). Ignored by ``serial`` and when
        joining a scheduler.
    scheduler : str, optional
        Address of a running dask scheduler (``tcp://host:8786``); only with ``kind="dask"``.

    Raises
    ------
    ValueError
        For an unknown kind, ``workers < 1``, or a scheduler address with another kind.
    """

    kind: str = "serial"
    workers: int = 1
    scheduler: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in EXECUTORS:
            raise ValueError(f"executor must be one of {', '.join(EXECUTORS)}, got {self.kind!r}")
        if self.workers < 1:
            raise ValueError(f"workers must be >= 1, got {self.workers}")
        if self.scheduler is not None and self.kind != "dask":
            raise ValueError("a scheduler address needs the dask executor")


@dataclass(frozen=True)
class Outcome:
    """The result of one task: ``value`` on success, else ``error`` (a formatted traceback)."""

    value: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the task returned."""
        return self.error is None


def _guarded(func: Callable[..., Any], *args: Any) -> Outcome:
    """Run ``func(*args)`` in the worker; an exception becomes an Outcome with its own traceback."""
    try:
        return Outcome(value=func(*args))
    except Exception as exc:  # noqa: BLE001 - reported with its traceback, the others go on
        return Outcome(error="".join(traceback.format_exception(exc)))


def watch_parent(parent_pid: int, interval: float = WATCHDOG_INTERVAL_S) -> None:
    """Start a daemon thread that ends this process when ``parent_pid`` is gone.

    Parameters
    ----------
    parent_pid : int
        The pid to watch (the ``routesim`` process). The thread exits this process with status 1
        (``os._exit``: no cleanup that could hang) when that pid no longer exists or, if it was
        this process's parent, when this process has been re-parented.
    interval : float, default 0.5
        Seconds between two looks.
    """
    was_parent = os.getppid() == parent_pid

    def look() -> None:
        while True:
            time.sleep(interval)
            if was_parent and os.getppid() != parent_pid:
                os._exit(1)
            try:
                os.kill(parent_pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # exists, owned by someone else
                pass

    threading.Thread(target=look, name="routesim-parent-watchdog", daemon=True).start()


def execute(
    func: Callable[..., Any], tasks: Sequence[tuple[Any, ...]], spec: ExecutorSpec
) -> Iterator[tuple[int, Outcome]]:
    """Run ``func(*task)`` for every task and yield ``(task index, Outcome)`` as each completes.

    Parameters
    ----------
    func : callable
        Picklable by reference (a module-level function) for ``processes`` and ``dask``.
    tasks : sequence of tuple
        Argument tuples (picklable).
    spec : ExecutorSpec
        Where to run them.

    Yields
    ------
    (int, Outcome)
        Every task index exactly once, in completion order.

    Raises
    ------
    ImportError
        ``dask`` without dask.distributed installed (``pip install routesim[dask]``).
    KeyboardInterrupt
        Passed on; worker processes started here are terminated first (a generator closed early
        does the same).
    """
    if not tasks:
        return
    if spec.kind == "serial":
        for i, args in enumerate(tasks):
            yield i, _guarded(func, *args)
    elif spec.kind == "processes":
        yield from _processes(func, tasks, min(spec.workers, len(tasks)))
    else:
        yield from _dask(func, tasks, spec)


def _start_worker(parent_pid: int) -> None:
    """Initializer of pool workers: the parent watchdog."""
    watch_parent(parent_pid)


def _new_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(os.getpid(),),
    )


def _abandon(pool: ProcessPoolExecutor) -> None:
    """Stop a pool at once: cancel queued tasks and terminate the workers it started."""
    workers = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    done: list = []
    while True:
        # the pool may have started a worker between two looks: look until no new one appears
        workers += [w for w in (getattr(pool, "_processes", None) or {}).values() if w not in workers]
        new = [w for w in workers if w not in done]
        if not new:
            break
        for worker in new:
            if worker.is_alive():
                worker.terminate()
        for worker in new:
            worker.join(timeout=5)
        done += new


def _processes(
    func: Callable[..., Any], tasks: Sequence[tuple[Any, ...]], workers: int
) -> Iterator[tuple[int, Outcome]]:
    """One shared pool; the tasks a broken pool left unfinished are re-run one per fresh process."""
    pool = _new_pool(workers)
    unfinished: list[int] = []
    try:
        futures = {pool.submit(_guarded, func, *args): i for i, args in enumerate(tasks)}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    broken = True
                    unfinished.append(futures[future])
                    continue
                yield futures[future], outcome
            if broken:
                unfinished.extend(futures[f] for f in pending)
                break
    except BaseException:
        _abandon(pool)
        raise
    _abandon(pool) if unfinished else pool.shutdown()
    if unfinished:
        yield from _isolated(func, tasks, sorted(unfinished), workers)


def _isolated(
    func: Callable[..., Any], tasks: Sequence[tuple[Any, ...]], indices: list[int], workers: int
) -> Iterator[tuple[int, Outcome]]:
    """Run each task in its own single-worker pool, ``workers`` at a time: a dying worker fails
    only its own task."""
    queue = list(indices)
    running: dict[Future, tuple[int, ProcessPoolExecutor]] = {}
    try:
        while queue or running:
            while queue and len(running) < workers:
                i = queue.pop(0)
                pool = _new_pool(1)
                running[pool.submit(_guarded, func, *tasks[i])] = (i, pool)
            done, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for future in done:
                i, pool = running.pop(future)
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    codes = [p.exitcode for p in (getattr(pool, "_processes", None) or {}).values()]
                    outcome = Outcome(error=(
                        "the worker process running this task died without a Python traceback "
                        f"(exit code {codes[0] if codes else 'unknown'}; killed, e.g. out of memory, "
                        "or crashed), twice: once in the shared pool and once alone"
                    ))
                _abandon(pool)
                yield i, outcome
    finally:
        for _, pool in running.values():
            _abandon(pool)


def _dask(
    func: Callable[..., Any], tasks: Sequence[tuple[Any, ...]], spec: ExecutorSpec
) -> Iterator[tuple[int, Outcome]]:
    """Submit every task to a dask cluster (a LocalCluster started here, or a running scheduler)."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as exc:  # pragma: no cover - dask is in the dev extra
        raise ImportError(
            "--executor dask needs dask.distributed: pip install 'routesim[dask]'"
        ) from exc
    import logging

    cluster = None
    if spec.scheduler is None:
        cluster = LocalCluster(
            n_workers=min(spec.workers, len(tasks)),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
        # workers and their nannies end when this process dies
        client.run(watch_parent, os.getpid())
        client.run(watch_parent, os.getpid(), nanny=True)
    else:
        client = Client(spec.scheduler)
    try:
        futures = [
            client.submit(_guarded, func, *args, pure=False, key=f"routesim-task-{i}-{os.getpid()}")
            for i, args in enumerate(tasks)
        ]
        index = {f.key: i for i, f in enumerate(futures)}
        for future in as_completed(futures):
            i = index[future.key]
            if future.status == "finished":
                yield i, future.result()
            else:
                exc = future.exception()
                yield i, Outcome(error=(
                    f"dask could not run this task ({type(exc).__name__}: {exc}); the worker "
                    "probably died (killed, e.g. out of memory)"
                ))
            future.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
