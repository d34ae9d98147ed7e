"""``routesim build-demand``, ``routesim validate`` and ``routesim parameters``: tables in and out."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sim import io, parameters, validation
from sim.cli.checks import error
from sim.observed import SHIPPED_OBSERVED


def cmd_build_demand(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """``routesim build-demand``: read the inputs, apply the rule, write both tables, report."""
    from sim import demand, observed

    try:
        nodes = observed.read_csv_table(args.tables / "nodes.csv", ("name", "country_iso2", "kind"))
        inputs = {
            kind: None if path is None else observed.read_observed(path, kind)
            for kind, path in (("nationality", args.nationality), ("monthly", args.monthly),
                               ("groups", args.groups))
        }
        if args.no_refugees and args.refugees is not None:
            error("--refugees and --no-refugees exclude each other")
            return 2
        refugees = None
        if args.no_refugees:
            refugees = observed.refugees_by_host().iloc[0:0]
        elif args.refugees is not None:
            refugees = observed.read_csv_table(args.refugees, ("nat_iso3", "host", "refugees", "as_of"),
                                               integers=("refugees",), keys=("nat_iso3", "host"))
        built = demand.build_demand(nodes, inputs["nationality"], inputs["monthly"],
                                    inputs["groups"], through=args.through, refugees=refugees)
    except ValueError as err:  # ObservedDataError included
        error(str(err).splitlines()[0])
        return 2
    try:
        written = io.write_csv_files(args.tables, {
            "nationality_origins.csv": built.nationality_origins,
            "demand.csv": built.demand,
        })
    except OSError as err:
        error(f"cannot write under {args.tables}: {err}; nothing written")
        return 2
    for line in built.report():
        print(line, file=sys.stderr if line.startswith("warning") else sys.stdout)
    months = built.demand["month"]
    print(f"wrote {written[0]} ({len(built.nationality_origins)} rows), {written[1]} "
          f"({len(built.demand)} rows, {months.iloc[0]}..{months.iloc[-1]})")
    return 0


def cmd_validate(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """``routesim validate``: read the run and the observed tables, compare, print, write."""
    import pandas as pd

    from sim import observed
    from sim.summary import format_validation

    folder = args.run_folder
    if folder.is_file():
        error(f"{folder} is a file: pass the folder a run wrote, results/<scenario>/<run-id>")
        return 2
    arms = folder / "arms"
    if arms.is_dir() and not (folder / "detections_monthly.parquet").exists():
        names = sorted(p.name for p in arms.iterdir() if p.is_dir())
        error(f"{folder} holds the arms of a comparison or experiment, not one run: validate one "
              f"arm, e.g. {arms / (names[0] if names else '<arm>')}"
              + (f" (arms: {', '.join(names)})" if names else ""))
        return 2
    try:
        tables, manifest = io.read_run(folder)
        obs = observed.load_observed(args.observed)
    except (OSError, ValueError) as err:
        error(str(err).splitlines()[0])
        return 2
    window = tuple(args.window) if args.window else io.read_calibration_window(
        manifest.get("scenario_source"))
    if window is not None and not all(
        len(m) == 7 and m[4] == "-" and m[:4].isdigit() and m[5:].isdigit() for m in window
    ):
        error(f"--window: months must be YYYY-MM, got {' '.join(window)}")
        return 2
    covered = validation.covered_years(tables["crossings_by_edge"])
    years = args.year or covered
    missing = [y for y in years if y not in covered]
    if missing or not years:
        error(f"the run does not cover year(s) {', '.join(map(str, missing))} "
              f"(whole years covered: {', '.join(map(str, covered)) or 'none'})")
        return 2
    replicates = manifest.get("replicates")
    reps = list(range(int(replicates))) if replicates else None
    parts = [validation.validation_table(tables, y, obs, window=window, replicates=reps)
             for y in years]
    table = pd.concat(parts, ignore_index=True)
    cross = tables["crossings_by_edge"]
    n_reps = replicates or (cross["replicate"].nunique() if "replicate" in cross else 0) or "all"
    source = SHIPPED_OBSERVED if obs.source == "shipped" else obs.source
    head = (f"routesim validate {args.run_folder}: {n_reps} replicate(s)"
            + (f"; calibration window {window[0]}..{window[1]}" if window else "")
            + f"\n  observed: {source}")
    print(head)
    print(format_validation(table, replicates=n_reps if isinstance(n_reps, int) else None), end="")
    if not args.no_write:
        try:
            path = io.write_validation(args.run_folder, table)
        except OSError as err:
            error(f"cannot write the validation table: {err}")
            return 2
        print(f"\nvalidation table: {path}")
    return 0


def cmd_parameters(args: argparse.Namespace, argv: Sequence[str]) -> int:
    print(parameters.format_specs(parameters.parameter_specs(), args.format), end="")
    return 0
