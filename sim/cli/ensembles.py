"""Running a command's ensemble: the executor and replicate cache the options ask for, failed
replicates and interruptions reported with their exit status, and the timed run written into a results
folder."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim import runner
from sim.cache import ReplicateCache
from sim.cli.checks import error, guard, writable
from sim.executors import ExecutorSpec

if TYPE_CHECKING:  # pragma: no cover - typing only
    from sim.scenario import Scenario


def choose_executor(args: argparse.Namespace, replicates: int) -> ExecutorSpec | None:
    """The executor the options ask for, warning when --processes exceeds the CPUs; None on error."""
    kind = args.executor or ("dask" if args.scheduler else None)
    if args.scheduler and kind != "dask":
        error("--scheduler needs --executor dask")
        return None
    cpus = os.cpu_count() or 1
    if args.processes > cpus:
        print(f"routesim: warning: --processes {args.processes} is more than the {cpus} CPU(s) of "
              "this machine: the workers will share them and each replicate runs slower",
              file=sys.stderr)
    if kind is None:
        kind = "processes" if args.processes > 1 and replicates > 1 else "serial"
    return ExecutorSpec(kind, args.processes, args.scheduler)


def ready_executor(args: argparse.Namespace, scenario: Scenario, runs: int, folder: Path) -> ExecutorSpec | None:
    """The executor of a command's ensemble, once the ensemble of ``runs`` model runs passed the
    size guard and ``folder`` is writable; None (exit 2, the reason printed) otherwise."""
    executor = choose_executor(args, args.replicates)
    if executor is None or not guard(scenario, runs, args):
        return None
    if not writable(folder):
        return None
    return executor


def replicate_cache(args: argparse.Namespace) -> ReplicateCache:
    return ReplicateCache(args.cache if args.cache is not None else Path(args.out) / ".cache")


def report_failures(err: runner.EnsembleError) -> int:
    """Print each failed replicate (number, seed, traceback) and return exit status 3."""
    for failure in err.failures:
        print(f"routesim: {failure.describe()}", file=sys.stderr)
    error(f"{err}; the finished replicates are in the cache: re-run with --resume to run only the "
          "failed ones; no results written")
    return 3


def interrupted(exc: BaseException) -> int:
    """Report an interruption; 143 for SIGTERM, 130 for SIGINT."""
    print("\nroutesim: interrupted; no results written (finished replicates are in the cache: "
          "--resume)", file=sys.stderr)
    return 143 if isinstance(exc, Terminated) else 130


class Terminated(KeyboardInterrupt):
    """Raised in the main thread by SIGTERM, so that it is handled like Ctrl-C (exit status 143)."""


def on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


def run_and_write(
    args: argparse.Namespace,
    argv: Sequence[str],
    run: Callable[[], Any],
    refused: tuple[type[Exception], ...],
    describe: Callable[[Exception], str],
    summarise: Callable[[Any], str],
    write: Callable[[Any, dict, str], Path],
    executor_kind: str | None = None,
    extra_info: dict | None = None,
) -> int:
    """Run a command's ensemble, write its results folder and print its summary; the exit status.

    Parameters
    ----------
    args : argparse.Namespace
        The command's options (``out`` and ``processes`` are read).
    argv : sequence of str
        The command line, recorded in the run information.
    run : callable
        ``run() -> result``: the computation (ensembles on the executor and cache).
    refused : tuple of exception types
        Raised by ``run`` for an input that cannot be run as asked: exit 2, ``describe(err)`` printed.
    describe : callable
        The one-line message of a refused input.
    summarise : callable
        ``summarise(result) -> str``: the text printed (and handed to ``write``).
    write : callable
        ``write(result, run_info, text) -> Path``: the results folder written.
    executor_kind : str, optional
        Recorded as ``executor`` in the run information (omitted if None).
    extra_info : dict, optional
        More run information, recorded after the command line.

    Returns
    -------
    int
        0 written; 2 a refused input or a write error; 3 some replicates failed; 130 or 143
        interrupted (nothing written in every case but 0).
    """
    try:
        start = dt.datetime.now(dt.UTC)
        clock = time.perf_counter()
        try:
            result = run()
        except refused as err:
            error(describe(err))
            return 2
        text = summarise(result)
        run_info = {
            "start_time": start,
            "end_time": dt.datetime.now(dt.UTC),
            "wall_seconds": round(time.perf_counter() - clock, 3),
            "processes": args.processes,
            **({} if executor_kind is None else {"executor": executor_kind}),
            "command": ["routesim", *argv],
            **(extra_info or {}),
        }
        out = write(result, run_info, text)
    except runner.EnsembleError as err:
        return report_failures(err)
    except KeyboardInterrupt as exc:
        return interrupted(exc)
    except OSError as err:
        error(f"cannot write results under {args.out}: {err}; no results written")
        return 2
    print(text, end="")
    print(f"\nresults: {out}")
    return 0
