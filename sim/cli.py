"""Command line front end: ``routesim run SCENARIO``, ``routesim experiment NAME SCENARIO``,
``routesim build-demand``.

The CLI only parses arguments and calls the library (:mod:`sim.scenario`, :mod:`sim.runner`,
:mod:`sim.validation`, :mod:`sim.summary`, :mod:`sim.io`); everything it does is callable from Python.

Exit status: 0 on success, 2 for a usage error, a missing scenario file or an invalid scenario (every
problem printed as ``file:line:column: field.path: message``, nothing written) or an ensemble refused as
too large (without ``--force``), 3 when some replicates failed (each reported with its replicate number,
seed and traceback; the others finished and are in the replicate cache, so ``--resume`` re-runs only the
failed ones; no results folder written), 130 when interrupted by SIGINT (Ctrl-C) and 143 by SIGTERM
(nothing written; finished replicates stay in the cache).
Also 2 for a scenario that cannot run as meant (no migrant would be spawned; demand bound for an
unreachable destination, unless ``--allow-stranded``). Warnings (implausible geography) are printed
as ``file:line: warning: ...`` and do not stop a run. See docs/bad-inputs.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from sim import experiments, io, parameters, runner, validation
from sim.cache import ReplicateCache
from sim.executors import EXECUTORS, ExecutorSpec
from sim.scenario import (
    Scenario,
    ScenarioError,
    load_scenario,
    no_spawn_problem,
    stranded_demand,
    unreachable_demand,
)
from sim.summary import format_summary

__all__ = ["main", "build_parser"]

PERSONS_PER_AGENT_RANGE = (1, 1000)


def _int_in(low: int, high: int | None):
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


def _version() -> str:
    """The installed package's version (``pyproject.toml``), or ``unknown`` when not installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("routesim")
    except PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``routesim`` (subcommands ``run`` and ``experiment``).

    Returns
    -------
    argparse.ArgumentParser
    """
    parser = argparse.ArgumentParser(
        prog="routesim",
        description="Agent-based simulation of migrant-smuggling routes and hubs into the EU, "
        "compared with Frontex detections of illegal border-crossing.",
    )
    parser.add_argument("--version", action="version", version=f"routesim {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="run a scenario's ensemble and write a results folder",
        description="Run SCENARIO for R replicates (seeds spawned from the root seed), compare "
        "with the observed 2014 figures, write ROOT/<scenario>/<run-id>/ and print a summary.",
    )
    run.add_argument("scenario", metavar="SCENARIO", type=Path, help="scenario YAML file")
    _add_run_options(run, replicates=1, replicates_help="number of replicates (default 1)")
    run.set_defaults(handler=_cmd_run)

    app = commands.add_parser(
        "app",
        help="serve the interactive app (optional extra `app`) in a browser",
        description="Serve the interactive SolaraViz app for SCENARIO (default: the reference "
        "scenario) at http://HOST:PORT/ until interrupted. Needs the optional extra `app` "
        "(pip install -e '.[app]').",
    )
    app.add_argument("scenario", metavar="SCENARIO", type=Path, nargs="?",
                     default=Path("scenarios") / "baseline_2014.yaml", help="scenario YAML file")
    app.add_argument("--host", default="127.0.0.1", help="host to listen on (default 127.0.0.1)")
    app.add_argument("--port", type=_int_in(0, 65535), default=8765, help="port (default 8765; 0: any free port)")
    app.add_argument("--open", action="store_true", help="open the page in a browser")
    app.set_defaults(handler=_cmd_app)

    exp = commands.add_parser(
        "experiment",
        help="run an experiment (paired counterfactual arms) and write a results folder",
        description="Run experiment NAME on SCENARIO: every arm with the same R replicate seeds, "
        "write ROOT/<scenario>/<NAME>/<run-id>/ (summary.json, figures, per-arm tables) and print "
        "the summary. Names: " + ", ".join(experiments.EXPERIMENTS) + ".",
    )
    exp.add_argument("name", metavar="NAME", choices=list(experiments.EXPERIMENTS),
                     help="experiment: " + ", ".join(experiments.EXPERIMENTS))
    exp.add_argument("scenario", metavar="SCENARIO", type=Path, help="scenario YAML file")
    _add_run_options(exp, replicates=10, replicates_help="replicates per arm (default 10)")
    exp.set_defaults(handler=_cmd_experiment)

    bd = commands.add_parser(
        "build-demand",
        help="apply the demand rule to nationality and monthly tables (any years)",
        description="Build TABLES/demand.csv and TABLES/nationality_origins.csv from annual "
        "detections by route and nationality and the monthly series by route (the shared "
        "formats), for TABLES/nodes.csv. Nationality codes without an origin group are reported "
        "with their counts and dropped like 'Other and unknown'.",
    )
    bd.add_argument("--nationality", type=Path, metavar="FILE", default=None,
                    help="annual detections by route, type and nationality "
                    "(default: the shipped 2013-2014 table)")
    bd.add_argument("--monthly", type=Path, metavar="FILE", default=None,
                    help="monthly detections by route and type (default: the shipped 2009-2014 series)")
    bd.add_argument("--groups", type=Path, metavar="FILE", default=None,
                    help="nationality to origin group (default: the shipped nationality_groups.csv)")
    bd.add_argument("--through", metavar="YYYY-MM", default=None,
                    help="last month (default: the last monthly total within the last nationality year)")
    bd.add_argument("--tables", type=Path, metavar="DIR", default=Path("scenarios/tables"),
                    help="folder holding nodes.csv; the two tables are written there "
                    "(default scenarios/tables)")
    bd.set_defaults(handler=_cmd_build_demand)

    val = commands.add_parser(
        "validate",
        help="compare a run folder with observed tables, for any year the run covers",
        description="Compare RUN_FOLDER (from routesim run) with observed tables in the shared "
        "formats: detections by route and type with 90 %% intervals, the Syrians' split, deaths, "
        "and the monthly averaged relative difference beside two naive forecasts; in-window and "
        "out-of-window figures when the run's scenario came from routesim calibrate (or --window). "
        "Prints the comparison and writes RUN_FOLDER/validation.csv.",
    )
    val.add_argument("run_folder", metavar="RUN_FOLDER", type=Path, help="results folder of a run")
    val.add_argument("--observed", type=Path, metavar="DIR", default=None,
                     help="folder of observed tables named as the shared data "
                     "(default: the shipped 2009-2014 tables)")
    val.add_argument("--year", type=_int_in(1900, 2100), metavar="Y", action="append", default=None,
                     help="year to compare (repeatable; default every whole year the run covers)")
    val.add_argument("--window", nargs=2, metavar=("FIRST", "LAST"), default=None,
                     help="calibration window YYYY-MM YYYY-MM (default: the one recorded by "
                     "routesim calibrate beside the run's scenario, if any)")
    val.add_argument("--no-write", action="store_true", help="print only; write no file")
    val.set_defaults(handler=_cmd_validate)

    cal = commands.add_parser(
        "calibrate",
        help="fit the parameters of kind 'fitted' to the targets (optuna TPE); resumable",
        description="Fit the global parameters of kind 'fitted' (routesim parameters) within their "
        "bounds to C1/C2 (detections by route and type, 2013 and 2014), C3 (deaths at sea 2014) and "
        "the monthly series, all inside the window; loss in docs/calibration.md. Writes "
        "ROOT/<scenario>/calibration/<run-id>/ (trials.parquet, best_scenario.yaml, "
        "calibration.json, figures/convergence.png, manifest.json). The trial store "
        "ROOT/<scenario>/calibration/.store/ lets the same command resume after an interruption.",
    )
    cal.add_argument("scenario", metavar="SCENARIO", type=Path, help="scenario YAML file")
    cal.add_argument("--window", nargs=2, metavar=("FIRST", "LAST"), default=None,
                     help="calibration window YYYY-MM YYYY-MM (default 2012-01 2014-06)")
    cal.add_argument("--budget", type=_int_in(1, None), metavar="N", default=200,
                     help="completed trials wanted (default 200)")
    _add_run_options(cal, replicates=2, replicates_help="replicates per trial (default 2)")
    cal.add_argument("--observed", type=Path, metavar="DIR", default=None,
                     help="observed tables (default: the shipped ones)")
    cal.set_defaults(handler=_cmd_calibrate)

    cmp_ = commands.add_parser(
        "compare",
        help="compare variants with a base scenario on the same replicate seeds",
        description="Run BASE and every VARIANT with the same R replicate seeds, write "
        "ROOT/<base>/compare/<run-id>/ (comparison.csv: base mean, variant mean, paired difference "
        "with a 90 %% t-interval and relative change by route/type and year for detections, "
        "arrivals, deaths and exploitation; forest plot; monthly difference) and print which "
        "differences are distinguishable from zero.",
    )
    cmp_.add_argument("base", metavar="BASE", type=Path, help="base scenario YAML file")
    cmp_.add_argument("variants", metavar="VARIANT", type=Path, nargs="+",
                      help="variant scenario YAML file(s), e.g. scenarios/variants/*.yaml")
    _add_run_options(cmp_, replicates=10, replicates_help="replicates per scenario (default 10)")
    cmp_.set_defaults(handler=_cmd_compare)

    sens = commands.add_parser(
        "sensitivity",
        help="global sensitivity of the outputs to the parameters (SALib: Morris or Sobol')",
        description="Sample the parameters within their ranges of the parameter table, run SCENARIO at "
        "every point on the same replicate seeds, and write ROOT/<scenario>/sensitivity/<run-id>/ "
        "(samples.csv, outputs.csv, indices.csv with 95 %% confidence half-widths, a figure).",
    )
    sens.add_argument("scenario", metavar="SCENARIO", type=Path, help="scenario YAML file")
    sens.add_argument("--method", choices=["morris", "sobol"], default="morris",
                      help="morris (elementary effects, default) or sobol (first and total order)")
    sens.add_argument("--budget", type=_int_in(2, None), metavar="N", default=100,
                      help="sample points, i.e. model runs per replicate (default 100)")
    sens.add_argument("--parameters", nargs="+", metavar="NAME", default=None,
                      help="dotted parameter names to vary (default every fitted and prior one)")
    _add_run_options(sens, replicates=1, replicates_help="replicates per sample point (default 1)")
    sens.set_defaults(handler=_cmd_sensitivity)

    par = commands.add_parser(
        "parameters",
        help="print the parameter table (name, default, low, high, unit, kind, source)",
        description="Print every behavioural number of the model with its prior range, unit, kind "
        "(fitted, prior, structural) and source.",
    )
    par.add_argument("--format", choices=["csv", "markdown"], default="csv", help="output format (default csv)")
    par.set_defaults(handler=_cmd_parameters)
    return parser


def _add_run_options(parser: argparse.ArgumentParser, *, replicates: int, replicates_help: str) -> None:
    """The options ``run`` and ``experiment`` share: seed, replicates, scale, processes, output."""
    parser.add_argument("--seed", type=_int_in(0, 2**63 - 1), metavar="N", default=None,
                        help="root seed (default: the scenario's seed)")
    parser.add_argument("--replicates", type=_int_in(1, None), metavar="R", default=replicates,
                        help=replicates_help)
    low, high = PERSONS_PER_AGENT_RANGE
    parser.add_argument("--persons-per-agent", type=_int_in(low, high), default=None, metavar="K",
                        help=f"persons per migrant agent, {low}-{high} (default: the scenario's); "
                        "reported counts are always persons")
    parser.add_argument("--processes", type=_int_in(1, None), metavar="P", default=1,
                        help="worker processes for replicates (default 1: serial); a warning above "
                        "the number of CPUs")
    parser.add_argument("--out", type=Path, default=Path("results"), metavar="ROOT",
                        help="output root (default results/)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--allow-stranded", action="store_true",
                        help="run even if some (origin, destination) pairs with demand have no path; "
                        "their demand is reported as stranded (default: refuse)")
    _add_executor_options(parser)


def _add_executor_options(parser: argparse.ArgumentParser) -> None:
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


def _physical_memory() -> float | None:
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return None


#: Refuse (without --force) an ensemble estimated above this share of physical memory or this long.
GUARD_MEMORY_SHARE = 0.5
GUARD_SECONDS = 7 * 86400


def _executor(args: argparse.Namespace, replicates: int) -> ExecutorSpec | None:
    """The executor the options ask for, warning when --processes exceeds the CPUs; None on error."""
    kind = args.executor or ("dask" if args.scheduler else None)
    if args.scheduler and kind != "dask":
        _error("--scheduler needs --executor dask")
        return None
    cpus = os.cpu_count() or 1
    if args.processes > cpus:
        print(f"routesim: warning: --processes {args.processes} is more than the {cpus} CPU(s) of "
              "this machine: the workers will share them and each replicate runs slower",
              file=sys.stderr)
    if kind is None:
        kind = "processes" if args.processes > 1 and replicates > 1 else "serial"
    return ExecutorSpec(kind, args.processes, args.scheduler)


def _guard(scenario: Scenario, runs: int, args: argparse.Namespace) -> bool:
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
    _error(f"{what}: refused; use fewer replicates, a larger --persons-per-agent, or --force")
    return False


def _cache(args: argparse.Namespace) -> ReplicateCache:
    return ReplicateCache(args.cache if args.cache is not None else Path(args.out) / ".cache")


def _report_failures(err: runner.EnsembleError) -> int:
    """Print each failed replicate (number, seed, traceback) and return exit status 3."""
    for failure in err.failures:
        print(f"routesim: {failure.describe()}", file=sys.stderr)
    _error(f"{err}; the finished replicates are in the cache: re-run with --resume to run only the "
           "failed ones; no results written")
    return 3


def _interrupted(exc: BaseException) -> int:
    """Report an interruption; 143 for SIGTERM, 130 for SIGINT."""
    print("\nroutesim: interrupted; no results written (finished replicates are in the cache: "
          "--resume)", file=sys.stderr)
    return 143 if isinstance(exc, Terminated) else 130


class Terminated(KeyboardInterrupt):
    """Raised in the main thread by SIGTERM, so that it is handled like Ctrl-C (exit status 143)."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


def _error(message: str) -> None:
    print(f"routesim: error: {message}", file=sys.stderr)


def _load(path: Path, persons_per_agent: int | None = None) -> Scenario | None:
    """Load a scenario (optionally at another persons_per_agent), printing problems to stderr;
    None if it cannot be used."""
    if not path.exists():
        _error(f"scenario file not found: {path}")
        return None
    if not path.is_file():
        _error(f"scenario is not a file: {path}")
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


def _preflight(scenario: Scenario, allow_stranded: bool) -> list[dict] | None:
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
        _error(f"{len(stranded)} (origin, destination) pair(s) with demand have no path in the "
               "segments; fix the segments or destinations, or run with --allow-stranded")
        return None
    for p in stranded:
        where = f"{p.file}:{p.line}" if p.line is not None else p.file
        print(f"{where}: warning: {p.field}: {p.message}; counted as stranded", file=sys.stderr)
    return stranded_demand(scenario) if stranded else []


def _writable(parent: Path) -> bool:
    """Check before running that results can be written under ``parent``; print why not."""
    try:
        io.check_writable(parent)
    except OSError as err:
        _error(str(err))
        return False
    return True


def _covers(scenario: Scenario, year: int) -> bool:
    """Whether the reported period covers the whole calendar year."""
    return scenario.start <= dt.date(year, 1, 1) and scenario.end >= dt.date(year, 12, 31)


def _cmd_app(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """``routesim app``: check the scenario, then serve the app (imported only here)."""
    if _load(args.scenario) is None:
        return 2
    from sim import app

    if not app.solara_available():
        print("routesim app: needs the optional extra 'app' (pip install -e '.[app]')", file=sys.stderr)
        return 2
    try:
        return app.serve(args.scenario, host=args.host, port=args.port, open_browser=args.open)
    except KeyboardInterrupt:
        return 130


def _cmd_parameters(args: argparse.Namespace, argv: Sequence[str]) -> int:
    print(parameters.format_specs(parameters.parameter_specs(), args.format), end="")
    return 0


def _cmd_run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """``routesim run``: load, run the ensemble, validate, write, print."""
    scenario = _load(args.scenario, args.persons_per_agent)
    if scenario is None:
        return 2
    stranded = _preflight(scenario, args.allow_stranded)
    if stranded is None:
        return 2
    root_seed = scenario.seed if args.seed is None else args.seed
    executor = _executor(args, args.replicates)
    if executor is None or not _guard(scenario, args.replicates, args):
        return 2
    seeds = runner.replicate_seeds(root_seed, args.replicates)
    if not _writable(Path(args.out) / scenario.name):
        return 2

    try:
        start = dt.datetime.now(dt.UTC)
        clock = time.perf_counter()
        tables = runner.run_ensemble(
            scenario,
            root_seed,
            args.replicates,
            progress=not args.no_progress,
            processes=args.processes,
            executor=executor,
            cache=_cache(args),
            resume=args.resume,
        )
        monthly = tables["detections_monthly"]
        replicates = list(range(args.replicates))
        by_route = validation.detections_by_route(monthly, replicates=replicates)
        deaths = validation.deaths_by_route(tables["deaths_monthly"], replicates=replicates)
        extra: dict[str, object] = {
            "title": (
                f"routesim run {scenario.name}: root seed {root_seed}, "
                f"{args.replicates} replicate(s), {scenario.persons_per_agent} person(s) per agent"
            ),
            "averaged_relative_difference": validation.averaged_relative_difference(
                monthly, replicates=replicates
            ),
            "syrian_split": validation.syrian_split(monthly, replicates=replicates),
            "deaths_by_route": deaths,
        }
        if not _covers(scenario, 2014):
            extra["note"] = (
                f"the reported period {scenario.start}..{scenario.end} does not cover 2014: "
                "simulated 2014 figures are partial or zero"
            )
        summary = format_summary(by_route, extra)
        end = dt.datetime.now(dt.UTC)
        run_info = {
            "root_seed": root_seed,
            "replicate_seeds": seeds,
            "start_time": start,
            "end_time": end,
            "wall_seconds": round(time.perf_counter() - clock, 3),
            "processes": args.processes,
            "executor": executor.kind,
            "command": ["routesim", *argv],
            "stranded_demand": stranded,
        }
        out = io.write_results(
            args.out,
            scenario,
            {**tables, "detections_by_route": by_route, "deaths_by_route": deaths},
            run_info,
            summary=summary,
        )
    except runner.EnsembleError as err:
        return _report_failures(err)
    except KeyboardInterrupt as exc:
        return _interrupted(exc)
    except OSError as err:  # e.g. the disk filled up while writing: nothing is left behind
        _error(f"cannot write results under {args.out}: {err}; no results written")
        return 2

    print(summary, end="")
    print(f"\nresults: {out}")
    return 0


def _format_experiment(summary: dict) -> str:
    """Terminal text of an experiment summary: the scalar keys and the expected patterns."""
    lines = [f"routesim experiment {summary.get('experiment')}: scenario {summary.get('scenario')}, "
             f"{summary.get('replicates')} replicate(s) per arm, root seed {summary.get('root_seed')}, "
             f"{summary.get('persons_per_agent')} person(s) per agent"]

    def fmt(v):
        return "n/a" if v is None or v != v else f"{v:.3f}"

    def block(d: dict, indent: str = "  ") -> None:
        for key, value in d.items():
            if key.endswith(("_p05", "_p95")) or not isinstance(value, int | float) or isinstance(value, bool):
                continue
            if key in ("replicates", "root_seed", "persons_per_agent", "year", "top_hubs"):
                continue
            lo, hi = d.get(f"{key}_p05"), d.get(f"{key}_p95")
            band = f"  (p05 {fmt(lo)}, p95 {fmt(hi)})" if f"{key}_p05" in d else ""
            lines.append(f"{indent}{key}: {fmt(value)}{band}")

    block(summary)
    for entry in summary.get("levels", []):
        lines.append(f"  level {entry['level']:g}:")
        block({k: v for k, v in entry.items() if k != "level"}, "    ")
    for fee in summary.get("fees", []):
        if fee.get("service_level") == "standard":
            lines.append(f"  {fee['fee_segment']}: standard {fmt(fee['simulated_mean_eur'])} EUR "
                         f"(p05 {fmt(fee['simulated_p05_eur'])}, p95 {fmt(fee['simulated_p95_eur'])}); "
                         f"observed {fee['observed_low_eur']:.0f}-{fee['observed_high_eur']:.0f}")
    for pattern, holds in summary.get("expected", {}).items():
        lines.append(f"  expected {pattern}: {'holds' if holds else 'does not hold'}")
    return "\n".join(lines) + "\n"


def _cmd_experiment(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """``routesim experiment``: load, run the arms, write the results folder, print the summary."""
    scenario = _load(args.scenario, args.persons_per_agent)
    if scenario is None:
        return 2
    stranded = _preflight(scenario, args.allow_stranded)
    if stranded is None:
        return 2
    root_seed = scenario.seed if args.seed is None else args.seed
    executor = _executor(args, args.replicates)
    if executor is None or not _guard(scenario, args.replicates * 2, args):
        return 2
    if not _writable(Path(args.out) / scenario.name / args.name):
        return 2
    try:
        start = dt.datetime.now(dt.UTC)
        clock = time.perf_counter()
        try:
            with runner.using(executor, _cache(args), args.resume):
                result = experiments.run_experiment(
                    args.name, scenario, root_seed, args.replicates,
                    processes=args.processes, progress=not args.no_progress,
                )
        except ValueError as err:  # e.g. no Evros shock in this scenario
            _error(str(err))
            return 2
        run_info = {
            "start_time": start,
            "end_time": dt.datetime.now(dt.UTC),
            "wall_seconds": round(time.perf_counter() - clock, 3),
            "processes": args.processes,
            "command": ["routesim", *argv],
            "stranded_demand": stranded,
        }
        out = io.write_experiment(args.out, result, run_info)
    except runner.EnsembleError as err:
        return _report_failures(err)
    except KeyboardInterrupt as exc:
        return _interrupted(exc)
    except OSError as err:
        _error(f"cannot write results under {args.out}: {err}; no results written")
        return 2
    print(_format_experiment(result.summary), end="")
    print(f"\nresults: {out}")
    return 0


def _cmd_build_demand(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """``routesim build-demand``: read the inputs, apply the rule, write both tables, report."""
    from sim import demand, observed

    try:
        nodes = observed.read_csv_table(args.tables / "nodes.csv", ("name", "country_iso2", "kind"))
        inputs = {
            kind: None if path is None else observed.read_observed(path, kind)
            for kind, path in (("nationality", args.nationality), ("monthly", args.monthly),
                               ("groups", args.groups))
        }
        built = demand.build_demand(nodes, inputs["nationality"], inputs["monthly"],
                                    inputs["groups"], through=args.through)
    except ValueError as err:  # ObservedDataError included
        _error(str(err).splitlines()[0])
        return 2
    try:
        written = io.write_csv_files(args.tables, {
            "nationality_origins.csv": built.nationality_origins,
            "demand.csv": built.demand,
        })
    except OSError as err:
        _error(f"cannot write under {args.tables}: {err}; nothing written")
        return 2
    for line in built.report():
        print(line, file=sys.stderr if line.startswith("warning") else sys.stdout)
    months = built.demand["month"]
    print(f"wrote {written[0]} ({len(built.nationality_origins)} rows), {written[1]} "
          f"({len(built.demand)} rows, {months.iloc[0]}..{months.iloc[-1]})")
    return 0


def _cmd_validate(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """``routesim validate``: read the run and the observed tables, compare, print, write."""
    import pandas as pd

    from sim import observed
    from sim.summary import format_validation

    try:
        tables, manifest = io.read_run(args.run_folder)
        obs = observed.load_observed(args.observed)
    except (OSError, ValueError) as err:
        _error(str(err).splitlines()[0])
        return 2
    window = tuple(args.window) if args.window else io.read_calibration_window(
        manifest.get("scenario_source"))
    if window is not None and not all(
        len(m) == 7 and m[4] == "-" and m[:4].isdigit() and m[5:].isdigit() for m in window
    ):
        _error(f"--window: months must be YYYY-MM, got {' '.join(window)}")
        return 2
    covered = validation.covered_years(tables["crossings_by_edge"])
    years = args.year or covered
    missing = [y for y in years if y not in covered]
    if missing or not years:
        _error(f"the run does not cover year(s) {', '.join(map(str, missing))} "
               f"(whole years covered: {', '.join(map(str, covered)) or 'none'})")
        return 2
    replicates = manifest.get("replicates")
    reps = list(range(int(replicates))) if replicates else None
    parts = [validation.validation_table(tables, y, obs, window=window, replicates=reps)
             for y in years]
    table = pd.concat(parts, ignore_index=True)
    head = (f"routesim validate {args.run_folder}: observed {obs.source}; "
            f"{replicates or 'all'} replicate(s)"
            + (f"; calibration window {window[0]}..{window[1]}" if window else ""))
    print(head)
    print(format_validation(table), end="")
    if not args.no_write:
        try:
            path = io.write_validation(args.run_folder, table)
        except OSError as err:
            _error(f"cannot write the validation table: {err}")
            return 2
        print(f"\nvalidation table: {path}")
    return 0


def _cmd_compare(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """``routesim compare``: load base and variants, run them paired, write, print."""
    from sim import compare

    base = _load(args.base, args.persons_per_agent)
    variants = [_load(path, args.persons_per_agent) for path in args.variants]
    if base is None or any(v is None for v in variants):
        return 2
    root_seed = base.seed if args.seed is None else args.seed
    executor = _executor(args, args.replicates)
    if executor is None or not _guard(base, args.replicates * (1 + len(variants)), args):
        return 2
    if not _writable(Path(args.out) / base.name / "compare"):
        return 2
    try:
        start = dt.datetime.now(dt.UTC)
        clock = time.perf_counter()
        try:
            result = compare.run_comparison(
                base, variants, root_seed, args.replicates, executor, cache=_cache(args),
                resume=args.resume, progress=not args.no_progress,
            )
        except ValueError as err:  # e.g. a variant covering another period
            _error(str(err))
            return 2
        text = compare.format_comparison(result)
        run_info = {
            "start_time": start,
            "end_time": dt.datetime.now(dt.UTC),
            "wall_seconds": round(time.perf_counter() - clock, 3),
            "processes": args.processes,
            "executor": executor.kind,
            "command": ["routesim", *argv],
        }
        out = io.write_comparison(args.out, result, run_info, summary=text)
    except runner.EnsembleError as err:
        return _report_failures(err)
    except KeyboardInterrupt as exc:
        return _interrupted(exc)
    except OSError as err:
        _error(f"cannot write results under {args.out}: {err}; no results written")
        return 2
    print(text, end="")
    print(f"\nresults: {out}")
    return 0


def _cmd_sensitivity(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """``routesim sensitivity``: sample, run, analyse, write, print."""
    from sim import sensitivity

    scenario = _load(args.scenario, args.persons_per_agent)
    if scenario is None:
        return 2
    root_seed = scenario.seed if args.seed is None else args.seed
    executor = _executor(args, args.replicates)
    if executor is None or not _guard(scenario, args.budget * args.replicates, args):
        return 2
    if not _writable(Path(args.out) / scenario.name / "sensitivity"):
        return 2
    try:
        start = dt.datetime.now(dt.UTC)
        clock = time.perf_counter()
        try:
            result = sensitivity.run_sensitivity(
                scenario, args.method, args.budget, root_seed, parameters=args.parameters,
                replicates=args.replicates, executor=executor, cache=_cache(args),
                resume=args.resume, progress=not args.no_progress,
            )
        except (ValueError, KeyError) as err:  # unknown parameter, a point out of bounds...
            _error(str(err).strip("'\""))
            return 2
        text = sensitivity.format_sensitivity(result)
        run_info = {
            "start_time": start,
            "end_time": dt.datetime.now(dt.UTC),
            "wall_seconds": round(time.perf_counter() - clock, 3),
            "processes": args.processes,
            "executor": executor.kind,
            "command": ["routesim", *argv],
        }
        out = io.write_sensitivity(args.out, result, run_info, summary=text)
    except runner.EnsembleError as err:
        return _report_failures(err)
    except KeyboardInterrupt as exc:
        return _interrupted(exc)
    except OSError as err:
        _error(f"cannot write results under {args.out}: {err}; no results written")
        return 2
    print(text, end="")
    print(f"\nresults: {out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``routesim`` command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        Exit status: 0 success; 2 usage error, missing or invalid scenario, or an ensemble refused
        as too large; 3 some replicates failed; 130 interrupted (SIGINT); 143 terminated (SIGTERM).

    Examples
    --------
    >>> main(["run", "no/such/scenario.yaml"])
    2
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help (0) or a usage error (2): return, don't exit
        return int(exit_.code or 0)
    import threading

    if threading.current_thread() is not threading.main_thread():
        return args.handler(args, argv)
    previous = signal.signal(signal.SIGTERM, _on_sigterm)  # SIGTERM handled like Ctrl-C
    try:
        return args.handler(args, argv)
    except Terminated:  # arrived outside the handlers' own try blocks
        print("\nroutesim: terminated; no results written", file=sys.stderr)
        return 143
    finally:
        signal.signal(signal.SIGTERM, previous)


def _cmd_calibrate(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """``routesim calibrate``: load, fit (resuming from the store), write the results folder."""
    from sim import calibrate, observed

    scenario = _load(args.scenario, args.persons_per_agent)
    if scenario is None:
        return 2
    seed = scenario.seed if args.seed is None else args.seed
    window = tuple(args.window) if args.window else calibrate.DEFAULT_WINDOW
    settings = calibrate.CalibrationSettings(window=window, budget=args.budget,
                                             replicates=args.replicates, seed=seed,
                                             processes=args.processes)
    if not _writable(Path(args.out) / scenario.name / "calibration"):
        return 2
    try:
        obs = observed.load_observed(args.observed)
        specs = calibrate.fitted_specs()
        calibrate.targets(obs, window, calibrate._reported_months(scenario))
    except ValueError as err:
        _error(str(err).splitlines()[0])
        return 2
    key = {"window": list(window), "seed": seed, "replicates": args.replicates,
           "persons_per_agent": scenario.persons_per_agent, "observed": obs.source,
           "fitted": [[s.name, s.low, s.high] for s in specs]}
    store = io.calibration_store(args.out, scenario, key)

    def on_trial(done: int, budget: int, loss: float) -> None:
        if not args.no_progress:
            print(f"trial {done}/{budget}: loss {loss:.4f}", file=sys.stderr, flush=True)

    try:
        start = dt.datetime.now(dt.UTC)
        clock = time.perf_counter()
        result = calibrate.run_calibration(scenario, settings, f"sqlite:///{store}",
                                           "routesim-calibration", obs=obs, specs=specs,
                                           on_trial=on_trial)
        run_info = {"start_time": start, "end_time": dt.datetime.now(dt.UTC),
                    "wall_seconds": round(time.perf_counter() - clock, 3),
                    "processes": args.processes, "command": ["routesim", *argv],
                    "replicate_seeds": runner.replicate_seeds(seed, args.replicates)}
        out = io.write_calibration(args.out, scenario, result, run_info, store=store)
    except KeyboardInterrupt:
        print(f"\nroutesim: interrupted; completed trials are kept in {store}: run the same "
              "command to resume", file=sys.stderr)
        return 130
    except OSError as err:
        _error(f"cannot write results under {args.out}: {err}; no results written")
        return 2
    trials = result.trials
    print(f"routesim calibrate {scenario.name}: {int((trials.state == 'COMPLETE').sum())} trials "
          f"({result.resumed_trials} resumed), seed {seed}, window {window[0]}..{window[1]}, "
          f"{args.replicates} replicate(s), {scenario.persons_per_agent} person(s) per agent")
    print(f"best loss {result.best_loss:.4f} (trial {result.extra['best_trial']}):")
    for s in result.specs:
        print(f"  {s.name} = {result.best_values[s.name]:.6g} (default {s.default}, "
              f"range {s.low}-{s.high})")
    print(f"\nresults: {out}")
    return 0
