"""The results folders of analyses across scenarios or parameters: a paired comparison of variants
(:mod:`sim.compare`) and a global sensitivity analysis (:mod:`sim.sensitivity`)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.io.atomic import run_folder
from sim.io.provenance import figure_info, json_ready, scenario_hash

if TYPE_CHECKING:  # pragma: no cover - typing only
    from matplotlib.figure import Figure

__all__ = ["write_comparison", "write_sensitivity"]


def write_comparison(
    out_root: str | Path,
    result: Any,
    run_info: Mapping[str, Any],
    *,
    figures: Mapping[str, Figure] | None = None,
    summary: str | None = None,
) -> Path:
    """Write a comparison's results folder atomically and return its path.

    Parameters
    ----------
    out_root : str or Path
        Output root; created if missing.
    result : sim.compare.ComparisonResult
        ``base`` and ``variants`` (label to scenario), ``root_seed``, ``replicate_seeds``,
        ``comparison``, ``per_replicate``, ``monthly`` and ``arms`` (label to per-replicate tables).
    run_info : mapping
        ``start_time``, ``end_time``, ``wall_seconds``, and optionally ``processes``, ``executor``
        and ``command``, copied into the manifest.
    figures : mapping of str to Figure, optional
        Default the forest plot (``figures/forest.png``) and the monthly difference
        (``figures/monthly_difference.png``) of :func:`sim.plots.comparison_figures`, with a footer
        naming the base, the variants and the run (:func:`sim.io.provenance.figure_info`).
    summary : str, optional
        Text of ``summary.txt``.

    Returns
    -------
    Path
        ``out_root/<base scenario name>/compare/<run-id>``, holding ``comparison.csv``,
        ``per_replicate.csv`` (the paired values every interval is computed from),
        ``monthly_difference.csv``, ``arms/<label>/<table>.parquet`` (``base`` and each variant),
        ``figures/*.png``, ``summary.txt`` and ``manifest.json`` (as :func:`sim.io.write_results`,
        plus ``variants``: label to scenario name, hash and source; the scenario hash is the base's).

    Raises
    ------
    OSError
        If writing fails; nothing is left behind.
    """
    base = result.base
    with run_folder(Path(out_root) / base.name / "compare", run_info, int(result.root_seed)) as run:
        for name, frame in (("comparison", result.comparison),
                            ("per_replicate", result.per_replicate),
                            ("monthly_difference", result.monthly)):
            run.write_csv(f"{name}.csv", frame)
        run.write_arms(result.arms, typed=False)
        info = figure_info(run.run_id, base, run.seed, [int(s) for s in result.replicate_seeds],
                           kind="comparison", variants=list(result.variants))
        run.write_figures(figures, lambda plots: plots.comparison_figures(result, info))
        if summary is not None:
            run.write_text("summary.txt", summary)
        variants = {
            label: {"scenario": sc.name, "scenario_hash": scenario_hash(sc),
                    "scenario_source": str(getattr(sc, "source_path", None) or "") or None}
            for label, sc in result.variants.items()
        }
        run.finish(base, [int(s) for s in result.replicate_seeds], run_info,
                   head={"kind": "compare", "interval": f"{round(result.level * 100)} % "
                         "t-interval of the mean paired difference"},
                   mid={"variants": variants})
    return run.final


def write_sensitivity(
    out_root: str | Path,
    result: Any,
    run_info: Mapping[str, Any],
    *,
    figures: Mapping[str, Figure] | None = None,
    summary: str | None = None,
) -> Path:
    """Write a sensitivity analysis's results folder atomically and return its path.

    Parameters
    ----------
    out_root : str or Path
    result : sim.sensitivity.SensitivityResult
    run_info : mapping
        As :func:`write_comparison`.
    figures : mapping of str to Figure, optional
        Default ``figures/sensitivity.png`` of :func:`sim.plots.sensitivity_figures`, with a footer
        naming the analysis (:func:`sim.io.provenance.figure_info`).
    summary : str, optional
        Text of ``summary.txt``.

    Returns
    -------
    Path
        ``out_root/<scenario>/sensitivity/<run-id>`` with ``samples.csv`` (sample id and parameter
        values), ``outputs.csv`` (sample id and outputs, in sample order), ``indices.csv`` (output,
        parameter, indices with their 95 %% half-widths), ``figures/sensitivity.png``,
        ``summary.txt`` and ``manifest.json`` (plus ``method``, ``year``, ``sample_points`` and the
        parameters with their bounds).

    Raises
    ------
    OSError
        If writing fails; nothing is left behind.
    """
    scenario = result.scenario
    with run_folder(Path(out_root) / scenario.name / "sensitivity", run_info, int(result.root_seed)) as run:
        for name, frame in (("samples", result.samples), ("outputs", result.outputs),
                            ("indices", result.indices)):
            run.write_csv(f"{name}.csv", frame)
        info = figure_info(run.run_id, scenario, run.seed, [int(s) for s in result.replicate_seeds],
                           kind="sensitivity analysis", replicates_per="sample point",
                           method=result.method, sample_points=len(result.samples))
        run.write_figures(figures, lambda plots: plots.sensitivity_figures(result, info))
        if summary is not None:
            run.write_text("summary.txt", summary)
        parameters = [{"name": s.name, "low": s.low, "high": s.high, "default": s.default,
                       "kind": s.kind} for s in result.specs]
        run.finish(scenario, [int(s) for s in result.replicate_seeds], run_info,
                   head={"kind": "sensitivity", "method": result.method, "year": result.year,
                         "sample_points": len(result.samples)},
                   mid={"parameters": json_ready(parameters)})
    return run.final
