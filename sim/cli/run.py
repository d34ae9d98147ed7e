"""``routesim run`` and ``routesim experiment``: one scenario's ensemble, or an experiment's arms."""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Sequence
from pathlib import Path

from sim import experiments, io, runner, validation
from sim.cli.checks import covers, error, load_for_run
from sim.cli.ensembles import (
    interrupted,
    ready_executor,
    replicate_cache,
    report_failures,
    run_and_write,
)
from sim.summary import format_summary


def cmd_run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """``routesim run``: load, run the ensemble, validate, write, print."""
    loaded = load_for_run(args)
    if loaded is None:
        return 2
    scenario, stranded = loaded
    root_seed = scenario.seed if args.seed is None else args.seed
    executor = ready_executor(args, scenario, args.replicates, Path(args.out) / scenario.name)
    if executor is None:
        return 2
    seeds = runner.replicate_seeds(root_seed, args.replicates)

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
            cache=replicate_cache(args),
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
        if not covers(scenario, 2014):
            extra["note"] = (
                f"the reported period {scenario.start}..{scenario.end} does not cover 2014: "
                "simulated 2014 figures are partial or zero"
            )
        summary = format_summary(by_route, extra, replicates=args.replicates)
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
        return report_failures(err)
    except KeyboardInterrupt as exc:
        return interrupted(exc)
    except OSError as err:  # e.g. the disk filled up while writing: nothing is left behind
        error(f"cannot write results under {args.out}: {err}; no results written")
        return 2

    print(summary, end="")
    print(f"\nresults: {out}")
    return 0


def format_experiment(summary: dict) -> str:
    """Terminal text of an experiment summary: the scalar keys (None as n/a) and the expected patterns."""
    lines = [f"routesim experiment {summary.get('experiment')}: scenario {summary.get('scenario')}, "
             f"{summary.get('replicates')} replicate(s) per arm, root seed {summary.get('root_seed')}, "
             f"{summary.get('persons_per_agent')} person(s) per agent"]

    def fmt(v):
        return "n/a" if v is None or v != v else f"{v:.3f}"

    def block(d: dict, indent: str = "  ") -> None:
        for key, value in d.items():
            if key.endswith(("_p05", "_p95")) or isinstance(value, bool) or not (
                    value is None or isinstance(value, int | float)):
                continue  # a statistic without a value (None) is shown as n/a, not left out
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


def cmd_experiment(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """``routesim experiment``: load, run the arms, write the results folder, print the summary."""
    loaded = load_for_run(args)
    if loaded is None:
        return 2
    scenario, stranded = loaded
    root_seed = scenario.seed if args.seed is None else args.seed
    executor = ready_executor(args, scenario, args.replicates * 2, Path(args.out) / scenario.name / args.name)
    if executor is None:
        return 2

    def run():
        with runner.using(executor, replicate_cache(args), args.resume):
            return experiments.run_experiment(
                args.name, scenario, root_seed, args.replicates,
                processes=args.processes, progress=not args.no_progress,
            )

    return run_and_write(
        args, argv, run,
        refused=(ValueError,),  # e.g. no Evros shock in this scenario
        describe=str,
        summarise=lambda result: format_experiment(result.summary),
        write=lambda result, run_info, text: io.write_experiment(args.out, result, run_info),
        extra_info={"stranded_demand": stranded},
    )
