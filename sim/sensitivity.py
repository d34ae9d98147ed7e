"""Global sensitivity analysis of a scenario's outputs to the model parameters, with SALib.

The parameters and their ranges come from the parameter table (:func:`sim.parameters.parameter_specs`:
``low`` and ``high`` of every ``fitted`` and ``prior`` parameter; ``structural`` ones only when named).
SALib draws the sample (Morris trajectories, or Saltelli/Sobol' points); every sample point ``i`` is the
scenario with those parameter values (:func:`sim.parameters.with_values`), run on the same replicate
seeds as every other point (common random numbers). Runs are keyed by ``(sample id, replicate)``; the
outputs are put back in sample order before analysis, and a sample without output is an error, never
a silent shift.

Outputs (means over the replicates of a sample point), in the analysis year (2014 if the scenario covers
it, else the last calendar year it covers): detections and deaths by Frontex route and in total
(``detections:<route>``, ``deaths:<route>``), and the mean Herfindahl-Hirschman index of smuggling
enterprises over market nodes (``hhi_mean``). The share of flows displaced is not computed (it needs
a reference run per sample).

Indices: Morris (``SALib.analyze.morris``): ``mu``, ``mu_star``, ``sigma`` and ``mu_star_conf`` (95 %
bootstrap half-width); Sobol' (``SALib.analyze.sobol``, first and total order): ``S1``, ``S1_conf``,
``ST``, ``ST_conf`` (95 % bootstrap half-widths). An output that does not vary over the sample has no
indices (``NaN``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from sim import runner
from sim.executors import ExecutorSpec

if TYPE_CHECKING:  # pragma: no cover - typing only
    from sim.cache import ReplicateCache
    from sim.scenario import Scenario

__all__ = ["METHODS", "SensitivityResult", "analysis_year", "select_specs", "design", "sample_outputs",
           "run_sensitivity", "format_sensitivity"]

METHODS = ("morris", "sobol")
#: Morris grid levels.
MORRIS_LEVELS = 4


@dataclass
class SensitivityResult:
    """What :func:`run_sensitivity` returns and :func:`sim.io.write_sensitivity` writes."""

    scenario: Any
    method: str
    root_seed: int
    replicate_seeds: list[int]
    year: int
    samples: pd.DataFrame  # sample, one column per parameter
    outputs: pd.DataFrame  # sample, one column per output
    indices: pd.DataFrame  # output, parameter, indices...
    specs: list[Any] = field(default_factory=list)


def select_specs(names: Sequence[str] | None = None) -> list[Any]:
    """The parameters to vary: named ones, or every ``fitted`` and ``prior`` one with ``low < high``.

    Raises
    ------
    ValueError
        An unknown name (all unknown names listed), or a named parameter with ``low == high``.
    """
    from sim.parameters import parameter_specs

    specs = list(parameter_specs())
    if names:
        by_name = {s.name: s for s in specs}
        unknown = [n for n in names if n not in by_name]
        if unknown:
            raise ValueError("unknown parameter(s): " + ", ".join(unknown)
                             + " (see `routesim parameters`)")
        chosen = [by_name[n] for n in dict.fromkeys(names)]
        fixed = [s.name for s in chosen if not s.low < s.high]
        if fixed:
            raise ValueError("parameter(s) without a range (low == high): " + ", ".join(fixed))
        return chosen
    return [s for s in specs if s.kind in ("fitted", "prior") and s.low < s.high]


def design(specs: Sequence[Any], method: str, budget: int, seed: int) -> np.ndarray:
    """The SALib sample: at most ``budget`` points (model runs per replicate).

    Parameters
    ----------
    specs : sequence of ParameterSpec
        ``k`` parameters with ``low``, ``high``, ``default``.
    method : {"morris", "sobol"}
    budget : int
        Morris: ``N = budget // (k + 1)`` trajectories (at least 2); Sobol': ``N`` the largest power
        of two with ``N (k + 2) <= budget`` (at least 2), first and total order only.
    seed : int
        SALib's seed (sampling is reproducible).

    Returns
    -------
    numpy.ndarray, shape (n points, k)
        Integer parameters (default an int) rounded.

    Raises
    ------
    ValueError
        An unknown method or an empty parameter list.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if not specs:
        raise ValueError("no parameter to vary")
    problem = _problem(specs)
    k = len(specs)
    if method == "morris":
        from SALib.sample import morris

        n = max(2, budget // (k + 1))
        x = morris.sample(problem, n, num_levels=MORRIS_LEVELS, seed=seed)
    else:
        from SALib.sample import sobol

        n = max(2, 2 ** int(math.floor(math.log2(max(2, budget // (k + 2))))))
        x = sobol.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    for j, spec in enumerate(specs):
        if isinstance(spec.default, int) and not isinstance(spec.default, bool):
            x[:, j] = np.round(x[:, j])
    return x


def _problem(specs: Sequence[Any]) -> dict[str, Any]:
    return {"num_vars": len(specs), "names": [s.name for s in specs],
            "bounds": [[float(s.low), float(s.high)] for s in specs]}


def analysis_year(scenario: Scenario) -> int:
    """The year whose outputs are analysed: 2014 if the scenario covers it, else the last calendar
    year it covers in full (the start year if none)."""
    import datetime as dt

    if scenario.start <= dt.date(2014, 1, 1) and scenario.end >= dt.date(2014, 12, 31):
        return 2014
    last = scenario.end.year if scenario.end.month == 12 and scenario.end.day == 31 \
        else scenario.end.year - 1
    return max(last, scenario.start.year)


def sample_outputs(tables: dict[str, pd.DataFrame], year: int) -> dict[str, float]:
    """The outputs of one run (one replicate) in ``year``: detections and deaths by route and total,
    mean enterprise HHI over market nodes."""
    out: dict[str, float] = {}
    det = tables["detections_monthly"]
    det = det[det["month"].astype(str).str.startswith(str(year))]
    for route, value in det.groupby("route")["detections"].sum().items():
        out[f"detections:{route}"] = float(value)
    out["detections:Total"] = float(det["detections"].sum())
    cross = tables["crossings_by_edge"]
    cross = cross[cross["month"].astype(str).str.startswith(str(year))
                  & (cross["frontex_route"].astype(str) != "")]
    for route, value in cross.groupby("frontex_route")["deaths"].sum().items():
        out[f"deaths:{route}"] = float(value)
    out["deaths:Total"] = float(cross["deaths"].sum())
    ent = tables.get("enterprises")
    if ent is not None and len(ent):
        ent = ent[ent["date"].astype(str).str.startswith(str(year))]
        out["hhi_mean"] = float(ent["hhi"].mean()) if len(ent) else float("nan")
    return out


def run_sensitivity(
    scenario: Scenario,
    method: str,
    budget: int,
    root_seed: int,
    *,
    parameters: Sequence[str] | None = None,
    replicates: int = 1,
    executor: ExecutorSpec | None = None,
    cache: ReplicateCache | None = None,
    resume: bool = False,
    progress: bool | Literal["always"] = True,
    specs: Sequence[Any] | None = None,
    apply: Callable[[Any, dict[str, float]], Any] | None = None,
) -> SensitivityResult:
    """Sample the parameters, run every point on the same seeds, and compute the indices.

    Parameters
    ----------
    scenario : Scenario
    method : {"morris", "sobol"}
    budget : int
        Sample points (model runs per replicate); see :func:`design`.
    root_seed : int
        Seeds the SALib sample and the replicate seeds.
    parameters : sequence of str, optional
        Dotted parameter names to vary (default every fitted and prior parameter).
    replicates : int, default 1
        Replicates per point (their mean is the output).
    executor, cache, resume, progress
        As :func:`sim.runner.run_jobs`.
    specs : sequence of ParameterSpec, optional
        The parameters to vary (default :func:`select_specs` of ``parameters``).
    apply : callable, optional
        ``apply(scenario, values) -> scenario`` (default: the scenario with
        ``parameters=with_values(scenario.parameters, values)``).

    Returns
    -------
    SensitivityResult

    Raises
    ------
    ValueError
        Unknown method or parameter, or a sample point without output.
    sim.runner.EnsembleError
        If runs failed (the others finished and are cached: ``resume`` re-runs only those).
    """
    if specs is None:
        specs = select_specs(parameters)
    if apply is None:
        apply = _with_parameters
    x = design(specs, method, budget, root_seed)
    names = [s.name for s in specs]
    seeds = runner.replicate_seeds(root_seed, replicates)
    points = []
    for row in x:
        values = {name: (int(v) if isinstance(spec.default, int) else float(v))
                  for name, spec, v in zip(names, specs, row, strict=True)}
        points.append(apply(scenario, values))
    keys = [(i, r) for i in range(len(points)) for r in range(replicates)]
    jobs = [runner.Job(points[i], seeds[r], r) for i, r in keys]
    results = runner.run_jobs(jobs, executor, cache=cache, resume=resume, progress=progress,
                              desc="samples")
    by_key = dict(zip(keys, results, strict=False))
    year = analysis_year(scenario)
    rows = []
    for i in range(len(points)):  # back in sample order, whatever order runs finished in
        runs = [by_key.get((i, r)) for r in range(replicates)]
        if any(t is None for t in runs):
            raise ValueError(f"sample {i} has no output: the analysis would shift the samples")
        per = pd.DataFrame([sample_outputs(t, year) for t in runs])  # type: ignore[arg-type]
        rows.append({"sample": i, **per.fillna(0.0).mean().to_dict()})
    outputs = pd.DataFrame(rows).fillna(0.0)
    samples = pd.DataFrame(x, columns=names)
    samples.insert(0, "sample", range(len(points)))
    indices = _analyse(specs, method, x, outputs, root_seed)
    return SensitivityResult(scenario, method, root_seed, seeds, year, samples, outputs, indices,
                             list(specs))


def _with_parameters(scenario: Scenario, values: dict[str, float]) -> Scenario:
    """The scenario with these parameter values (``sim.parameters.with_values``; validated)."""
    from sim.parameters import with_values

    return scenario.model_copy(update={"parameters": with_values(scenario.parameters, values)})


def _analyse(specs: Sequence[Any], method: str, x: np.ndarray, outputs: pd.DataFrame,
             seed: int) -> pd.DataFrame:
    problem = _problem(specs)
    names = [s.name for s in specs]
    frames = []
    for output in [c for c in outputs.columns if c != "sample"]:
        y = outputs[output].to_numpy(dtype=float)
        if method == "morris":
            columns = ["mu", "mu_star", "sigma", "mu_star_conf"]
        else:
            columns = ["S1", "S1_conf", "ST", "ST_conf"]
        if np.ptp(y) == 0 or not np.all(np.isfinite(y)):
            data = {c: [float("nan")] * len(names) for c in columns}
        elif method == "morris":
            from SALib.analyze import morris

            res = morris.analyze(problem, x, y, num_levels=MORRIS_LEVELS, conf_level=0.95,
                                 seed=seed)
            data = {c: list(res[c]) for c in columns}
        else:
            from SALib.analyze import sobol

            res = sobol.analyze(problem, y, calc_second_order=False, conf_level=0.95, seed=seed)
            data = {c: list(res[c]) for c in columns}
        frames.append(pd.DataFrame({"output": output, "parameter": names, **data}))
    return pd.concat(frames, ignore_index=True)


def format_sensitivity(result: SensitivityResult) -> str:
    """Terminal text: per output in the analysis year, the parameters ranked by mu* (Morris) or ST."""
    key = "mu_star" if result.method == "morris" else "ST"
    conf = f"{key}_conf"
    lines = [f"routesim sensitivity {result.scenario.name}: {result.method}, "
             f"{len(result.samples)} sample point(s) x {len(result.replicate_seeds)} replicate(s), "
             f"{len(result.specs)} parameter(s), outputs in {result.year}; {key} with its 95 % "
             "bootstrap half-width"]
    for output, part in result.indices.groupby("output", sort=False):
        if part[key].isna().all():
            lines.append(f"  {output}: does not vary over the sample")
            continue
        part = part.sort_values(key, ascending=False)
        ranked = ", ".join(f"{r.parameter} {getattr(r, key):.3g} (+/-{getattr(r, conf):.2g})"
                           for r in part.head(3).itertuples())
        lines.append(f"  {output}: {ranked}")
    return "\n".join(lines) + "\n"
