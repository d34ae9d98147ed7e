"""Checks before a command runs: the scenario loads and can run, the output is writable, the
ensemble is not absurd for this machine; problems are printed to stderr as ``routesim: error: ...``."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from sim import io, runner
from sim.scenario import (
    Scenario,
    ScenarioError,
    load_scenario,
    no_spawn_problem,
    stranded_demand,
    unreachable_demand,
)


def error(message: str) -> None:
    print(f"routesim: error: {message}", file=sys.stderr)


def load_or_report(path: Path, persons_per_agent: int | None = None) -> Scenario | None:
    """Load a scenario (optionally at another persons_per_agent), printing problems to stderr;
    None if it cannot be used."""
    if not path.exists():
        error(f"scenario file not found: {path}")
        return None
    if not path.is_file():
        error(f"scenario is not a file: {path}")
        return None
    try:
        scenario = load_scenario(path)
        if persons_per_agent is not None:
            scenario = scenario.with_overrides(persons_per_agent=persons_per_agent)
        return scenario
    except ScenarioError as err:
        for line in str(err).splitlines():
            print(line, file=sys.stderr)
        return None


def print_parameter_warnings(*scenarios: Scenario) -> None:
    """Print the scenarios' warnings about their parameter values (outside their prior range) to
    stderr, each once (a base file's value shared by several variants is printed once): for the
    commands that do not run :func:`preflight` (compare, sensitivity, calibrate)."""
    seen = set()
    for scenario in scenarios:
        for w in scenario.warnings:
            key = (w.file, w.line, w.field)
            if w.field.startswith("parameters.") and key not in seen:
                seen.add(key)
                where = f"{w.file}:{w.line}" if w.line is not None else w.file
                print(f"{where}: warning: {w.field}: {w.message}", file=sys.stderr)


def preflight(scenario: Scenario, allow_stranded: bool) -> list[dict] | None:
    """Checks before a run: warnings printed, a run that cannot spawn anyone or strands demand
    refused (exit 2). Returns the stranded demand (empty if none), or None to refuse."""
    for w in scenario.warnings:
        where = f"{w.file}:{w.line}" if w.line is not None else w.file
        print(f"{where}: warning: {w.field}: {w.message}", file=sys.stderr)
    nobody = no_spawn_problem(scenario)
    if nobody is not None:
        print(str(nobody), file=sys.stderr)
        return None
    stranded = unreachable_demand(scenario)
    if stranded and not allow_stranded:
        for p in stranded:
            print(str(p), file=sys.stderr)
        error(f"{len(stranded)} (origin, destination) pair(s) with demand have no path in the "
              "segments; fix the segments or destinations, or run with --allow-stranded")
        return None
    for p in stranded:
        where = f"{p.file}:{p.line}" if p.line is not None else p.file
        print(f"{where}: warning: {p.field}: {p.message}; counted as stranded", file=sys.stderr)
    return stranded_demand(scenario) if stranded else []


def load_for_run(args: argparse.Namespace) -> tuple[Scenario, list[dict]] | None:
    """The scenario ``args.scenario`` (at ``--persons-per-agent``) once it loaded and passed the
    checks before a run (:func:`preflight`), with its stranded demand; None (exit 2) otherwise."""
    scenario = load_or_report(args.scenario, args.persons_per_agent)
    if scenario is None:
        return None
    stranded = preflight(scenario, args.allow_stranded)
    if stranded is None:
        return None
    return scenario, stranded


def writable(parent: Path) -> bool:
    """Check before running that results can be written under ``parent``; print why not."""
    try:
        io.check_writable(parent)
    except OSError as err:
        error(str(err))
        return False
    return True


def covers(scenario: Scenario, year: int) -> bool:
    """Whether the reported period covers the whole calendar year."""
    return scenario.start <= dt.date(year, 1, 1) and scenario.end >= dt.date(year, 12, 31)


def _physical_memory() -> float | None:
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return None


#: Refuse (without --force) an ensemble estimated above this share of physical memory or this long.
GUARD_MEMORY_SHARE = 0.5
GUARD_SECONDS = 7 * 86400


def guard(scenario: Scenario, runs: int, args: argparse.Namespace) -> bool:
    """Refuse (unless --force) an ensemble whose estimate is absurd for this machine; print why."""
    estimate = runner.estimate_ensemble(scenario, runs, args.processes)
    memory = _physical_memory()
    too_big = memory is not None and estimate.memory_bytes > GUARD_MEMORY_SHARE * memory
    too_long = estimate.seconds > GUARD_SECONDS
    if not (too_big or too_long):
        return True
    what = (f"{runs} run(s) of {scenario.name} need {estimate.describe()} (rough estimate)"
            + (f"; this machine has {memory / 1e9:.1f} GB" if memory else ""))
    if args.force:
        print(f"routesim: warning: {what}; running anyway (--force)", file=sys.stderr)
        return True
    error(f"{what}: refused; use fewer replicates, a larger --persons-per-agent, or --force")
    return False
