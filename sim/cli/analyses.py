"""``routesim compare``, ``routesim sensitivity`` and ``routesim calibrate``: analyses over many runs."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from sim import io, runner
from sim.cli.checks import error, load_or_report, print_parameter_warnings, writable
from sim.cli.ensembles import ready_executor, replicate_cache, run_and_write


def cmd_compare(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """``routesim compare``: load base and variants, run them paired, write, print."""
    from sim import compare

    base = load_or_report(args.base, args.persons_per_agent)
    variants = [load_or_report(path, args.persons_per_agent) for path in args.variants]
    if base is None or any(v is None for v in variants):
        return 2
    print_parameter_warnings(base, *variants)  # type: ignore[arg-type]
    for path, variant in zip(args.variants, variants, strict=True):
        if variant.scenario_hash() == base.scenario_hash():  # type: ignore[union-attr]
            print(f"routesim: warning: {path} is the same scenario as the base {args.base}: "
                  "every paired difference will be 0", file=sys.stderr)
        elif compare.same_simulation(base, variant):  # type: ignore[arg-type]
            print(f"routesim: warning: {path} simulates the same as the base {args.base} (it differs "
                  f"only in {', '.join(compare.NOT_SIMULATED[:-1])} or {compare.NOT_SIMULATED[-1]}, "
                  "and compare runs every scenario on the base's seeds): every paired difference "
                  "will be 0", file=sys.stderr)
    root_seed = base.seed if args.seed is None else args.seed
    executor = ready_executor(args, base, args.replicates * (1 + len(variants)),
                              Path(args.out) / base.name / "compare")
    if executor is None:
        return 2
    return run_and_write(
        args, argv,
        lambda: compare.run_comparison(
            base, variants, root_seed, args.replicates, executor, cache=replicate_cache(args),
            resume=args.resume, progress=not args.no_progress,
        ),
        refused=(ValueError,),  # e.g. a variant covering another period
        describe=str,
        summarise=compare.format_comparison,
        write=lambda result, run_info, text: io.write_comparison(args.out, result, run_info, summary=text),
        executor_kind=executor.kind,
    )


def cmd_sensitivity(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """``routesim sensitivity``: sample, run, analyse, write, print."""
    from sim import sensitivity

    scenario = load_or_report(args.scenario, args.persons_per_agent)
    if scenario is None:
        return 2
    print_parameter_warnings(scenario)
    root_seed = scenario.seed if args.seed is None else args.seed
    try:
        specs = sensitivity.select_specs(args.parameters)
        points = len(sensitivity.design(specs, args.method, args.budget, root_seed))
    except ValueError as err:  # an unknown parameter, one without a range
        error(str(err).splitlines()[0])
        return 2
    runs = points * args.replicates
    print(f"routesim sensitivity {scenario.name}: {args.method} over {len(specs)} parameter(s), "
          f"{points} sample points x {args.replicates} replicate(s) = {runs} model runs"
          + (f" (more than --budget {args.budget}: the fewest {args.method} takes for "
             f"{len(specs)} parameters; vary fewer with --parameters)" if points > args.budget else ""),
          file=sys.stderr)
    executor = ready_executor(args, scenario, runs, Path(args.out) / scenario.name / "sensitivity")
    if executor is None:
        return 2
    return run_and_write(
        args, argv,
        lambda: sensitivity.run_sensitivity(
            scenario, args.method, args.budget, root_seed, parameters=args.parameters,
            replicates=args.replicates, executor=executor, cache=replicate_cache(args),
            resume=args.resume, progress=not args.no_progress,
        ),
        refused=(ValueError, KeyError),  # unknown parameter, a point out of bounds...
        describe=lambda err: str(err).strip("'\""),
        summarise=sensitivity.format_sensitivity,
        write=lambda result, run_info, text: io.write_sensitivity(args.out, result, run_info, summary=text),
        executor_kind=executor.kind,
    )


def cmd_calibrate(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """``routesim calibrate``: load, fit (resuming from the store), write the results folder."""
    from sim import calibrate, observed

    scenario = load_or_report(args.scenario, args.persons_per_agent)
    if scenario is None:
        return 2
    print_parameter_warnings(scenario)
    seed = scenario.seed if args.seed is None else args.seed
    window = tuple(args.window) if args.window else calibrate.DEFAULT_WINDOW
    settings = calibrate.CalibrationSettings(window=window, budget=args.budget,
                                             replicates=args.replicates, seed=seed,
                                             processes=args.processes)
    if not writable(Path(args.out) / scenario.name / "calibration"):
        return 2
    try:
        obs = observed.load_observed(args.observed)
        specs = calibrate.fitted_specs()
        calibrate.targets(obs, window, calibrate.reported_months(scenario))
    except ValueError as err:
        error(str(err).splitlines()[0])
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
        error(f"cannot write results under {args.out}: {err}; no results written")
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
