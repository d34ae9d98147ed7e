"""The ``routesim`` command line: its parser (one subcommand per command) and :func:`main`."""

from __future__ import annotations

import argparse
import functools
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from sim import experiments
from sim.cli.analyses import cmd_calibrate, cmd_compare, cmd_sensitivity
from sim.cli.data import cmd_build_demand, cmd_parameters, cmd_validate
from sim.cli.ensembles import Terminated, on_sigterm
from sim.cli.options import add_run_options, int_in
from sim.cli.run import cmd_experiment, cmd_run
from sim.cli.serve import cmd_app


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
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"routesim {_version()}")
    # no abbreviated options: a typo such as --replicate must not be taken for --replicates
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     parser_class=functools.partial(argparse.ArgumentParser, allow_abbrev=False))

    run = commands.add_parser(
        "run",
        help="run a scenario's ensemble and write a results folder",
        description="Run SCENARIO for R replicates (seeds spawned from the root seed), compare "
        "with the observed 2014 figures, write ROOT/<scenario>/<run-id>/ and print a summary.",
    )
    run.add_argument("scenario", metavar="SCENARIO", type=Path, help="scenario YAML file")
    add_run_options(run, replicates=1, replicates_help="number of replicates (default 1)")
    run.set_defaults(handler=cmd_run)

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
    app.add_argument("--port", type=int_in(0, 65535), default=8765, help="port (default 8765; 0: any free port)")
    app.add_argument("--open", action="store_true", help="open the page in a browser")
    app.set_defaults(handler=cmd_app)

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
    add_run_options(exp, replicates=10, replicates_help="replicates per arm (default 10)")
    exp.set_defaults(handler=cmd_experiment)

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
    bd.add_argument("--refugees", type=Path, metavar="FILE", default=None,
                    help="refugees of a nationality by host country (columns nat_iso3, host_iso2, host, "
                    "refugees, as_of): a host with an origin node starts its share of the nationality's "
                    "demand there (default: the shipped UNHCR table of Syrian refugees, 16 May 2013; "
                    "--no-refugees for none)")
    bd.add_argument("--no-refugees", action="store_true",
                    help="start every nationality's demand at home (no refugees abroad)")
    bd.add_argument("--through", metavar="YYYY-MM", default=None,
                    help="last month (default: the last monthly total within the last nationality year)")
    bd.add_argument("--tables", type=Path, metavar="DIR", default=Path("scenarios/tables"),
                    help="folder holding nodes.csv; the two tables are written there "
                    "(default scenarios/tables)")
    bd.set_defaults(handler=cmd_build_demand)

    val = commands.add_parser(
        "validate",
        help="compare a run folder with observed tables, for any year the run covers",
        description="Compare RUN_FOLDER (from routesim run) with observed tables in the shared "
        "formats: detections by route and type with 90 % intervals, the Syrians' split, deaths, "
        "and the monthly averaged relative difference beside two naive forecasts; in-window and "
        "out-of-window figures when the run's scenario came from routesim calibrate (or --window). "
        "Prints the comparison and writes RUN_FOLDER/validation.csv.",
    )
    val.add_argument("run_folder", metavar="RUN_FOLDER", type=Path, help="results folder of a run")
    val.add_argument("--observed", type=Path, metavar="DIR", default=None,
                     help="folder of observed tables named as the shared data "
                     "(default: the shipped 2009-2014 tables)")
    val.add_argument("--year", type=int_in(1900, 2100), metavar="Y", action="append", default=None,
                     help="year to compare (repeatable; default every whole year the run covers)")
    val.add_argument("--window", nargs=2, metavar=("FIRST", "LAST"), default=None,
                     help="calibration window YYYY-MM YYYY-MM (default: the one recorded by "
                     "routesim calibrate beside the run's scenario, if any)")
    val.add_argument("--no-write", action="store_true", help="print only; write no file")
    val.set_defaults(handler=cmd_validate)

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
    cal.add_argument("--budget", type=int_in(1, None), metavar="N", default=200,
                     help="completed trials wanted (default 200)")
    add_run_options(cal, replicates=2, replicates_help="replicates per trial (default 2)")
    cal.add_argument("--observed", type=Path, metavar="DIR", default=None,
                     help="observed tables (default: the shipped ones)")
    cal.set_defaults(handler=cmd_calibrate)

    cmp_ = commands.add_parser(
        "compare",
        help="compare variants with a base scenario on the same replicate seeds",
        description="Run BASE and every VARIANT with the same R replicate seeds, write "
        "ROOT/<base>/compare/<run-id>/ (comparison.csv: base mean, variant mean, paired difference "
        "with a 90 % t-interval and relative change by route/type and year for detections, "
        "arrivals, deaths and exploitation; forest plot; monthly difference) and print which "
        "differences are distinguishable from zero.",
    )
    cmp_.add_argument("base", metavar="BASE", type=Path, help="base scenario YAML file")
    cmp_.add_argument("variants", metavar="VARIANT", type=Path, nargs="+",
                      help="variant scenario YAML file(s), e.g. scenarios/variants/*.yaml")
    add_run_options(cmp_, replicates=10, replicates_help="replicates per scenario (default 10)")
    cmp_.set_defaults(handler=cmd_compare)

    sens = commands.add_parser(
        "sensitivity",
        help="global sensitivity of the outputs to the parameters (SALib: Morris or Sobol')",
        description="Sample the parameters within their ranges of the parameter table, run SCENARIO at "
        "every point on the same replicate seeds, and write ROOT/<scenario>/sensitivity/<run-id>/ "
        "(samples.csv, outputs.csv, indices.csv with 95 % confidence half-widths, a figure).",
    )
    sens.add_argument("scenario", metavar="SCENARIO", type=Path, help="scenario YAML file")
    sens.add_argument("--method", choices=["morris", "sobol"], default="morris",
                      help="morris (elementary effects, default) or sobol (first and total order)")
    sens.add_argument("--budget", type=int_in(2, None), metavar="N", default=100,
                      help="sample points, i.e. model runs per replicate (default 100)")
    sens.add_argument("--parameters", nargs="+", metavar="NAME", default=None,
                      help="dotted parameter names to vary (default every fitted and prior one)")
    add_run_options(sens, replicates=1, replicates_help="replicates per sample point (default 1)")
    sens.set_defaults(handler=cmd_sensitivity)

    par = commands.add_parser(
        "parameters",
        help="print the parameter table (name, default, low, high, unit, kind, source)",
        description="Print every behavioural number of the model with its prior range, unit, kind "
        "(fitted, prior, structural) and source.",
    )
    par.add_argument("--format", choices=["csv", "markdown"], default="csv", help="output format (default csv)")
    par.set_defaults(handler=cmd_parameters)
    return parser


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
    previous = signal.signal(signal.SIGTERM, on_sigterm)  # SIGTERM handled like Ctrl-C
    try:
        return args.handler(args, argv)
    except Terminated:  # arrived outside the handlers' own try blocks
        print("\nroutesim: terminated; no results written", file=sys.stderr)
        return 143
    finally:
        signal.signal(signal.SIGTERM, previous)
