"""Argument types and the options several commands share (run, ensembles, executors)."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.executors import EXECUTORS

PERSONS_PER_AGENT_RANGE = (1, 1000)


def int_in(low: int, high: int | None):
    """An argparse type: an integer in ``[low, high]`` (no upper bound if ``high`` is None).

    argparse reports a rejected value as ``argument --name: <message>`` and exits with status 2.
    """

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None
        if value < low or (high is not None and value > high):
            bounds = f"from {low} to {high}" if high is not None else f">= {low}"
            raise argparse.ArgumentTypeError(f"must be an integer {bounds}, got {value}")
        return value

    return parse


def add_run_options(parser: argparse.ArgumentParser, *, replicates: int, replicates_help: str) -> None:
    """The options ``run`` and ``experiment`` share: seed, replicates, scale, processes, output."""
    parser.add_argument("--seed", type=int_in(0, 2**63 - 1), metavar="N", default=None,
                        help="root seed (default: the scenario's seed)")
    parser.add_argument("--replicates", type=int_in(1, None), metavar="R", default=replicates,
                        help=replicates_help)
    low, high = PERSONS_PER_AGENT_RANGE
    parser.add_argument("--persons-per-agent", type=int_in(low, high), default=None, metavar="K",
                        help=f"persons per migrant agent, {low}-{high} (default: the scenario's); "
                        "reported counts are always persons")
    parser.add_argument("--processes", type=int_in(1, None), metavar="P", default=1,
                        help="worker processes for replicates (default 1: serial); a warning above "
                        "the number of CPUs")
    parser.add_argument("--out", type=Path, default=Path("results"), metavar="ROOT",
                        help="output root (default results/)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--allow-stranded", action="store_true",
                        help="run even if some (origin, destination) pairs with demand have no path; "
                        "their demand is reported as stranded (default: refuse)")
    add_executor_options(parser)


def add_executor_options(parser: argparse.ArgumentParser) -> None:
    """Where replicates run, the replicate cache and the size guard (docs/ensembles.md)."""
    parser.add_argument("--executor", choices=EXECUTORS, default=None,
                        help="where replicates run: serial, processes (a local pool of --processes "
                        "workers) or dask (a LocalCluster of --processes workers, or --scheduler); "
                        "default processes if --processes > 1, else serial")
    parser.add_argument("--scheduler", metavar="ADDRESS", default=None,
                        help="join a running dask scheduler (e.g. tcp://host:8786; implies "
                        "--executor dask)")
    parser.add_argument("--cache", type=Path, default=None, metavar="DIR",
                        help="replicate cache (default ROOT/.cache); every finished replicate is "
                        "stored there")
    parser.add_argument("--resume", action="store_true",
                        help="take replicates already in the cache instead of running them again")
    parser.add_argument("--force", action="store_true",
                        help="run even when the estimated memory or time is absurd for this machine")
