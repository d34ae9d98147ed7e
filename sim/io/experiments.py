"""The results folder of an experiment (paired counterfactual arms, :mod:`sim.experiments`)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.io.atomic import run_folder
from sim.io.provenance import figure_info, json_ready

if TYPE_CHECKING:  # pragma: no cover - typing only
    from matplotlib.figure import Figure

__all__ = ["write_experiment"]


def write_experiment(
    out_root: str | Path,
    result: Any,
    run_info: Mapping[str, Any],
    *,
    figures: Mapping[str, Figure] | None = None,
) -> Path:
    """Write an experiment's results folder atomically and return its path.

    Parameters
    ----------
    out_root : str or Path
        Output root; created if missing.
    result : sim.experiments.ExperimentResult
        ``name``, ``scenario``, ``root_seed``, ``replicate_seeds``, ``summary`` (JSON-ready
        mapping), ``tables`` (derived tables) and ``arms`` (arm name to its per-replicate tables).
    run_info : mapping
        ``start_time``, ``end_time`` (datetime, UTC), ``wall_seconds``, and optionally
        ``processes`` and ``command``, copied into the manifest.
    figures : mapping of str to Figure, optional
        Saved as ``figures/<name>.png``; default :func:`sim.plots.experiment_figures`, with a
        footer naming the experiment (:func:`sim.io.provenance.figure_info`).

    Returns
    -------
    Path
        ``out_root/<scenario name>/<experiment name>/<run-id>`` (run id as
        :func:`~sim.io.provenance.make_run_id`), holding ``summary.json`` (NaN written as null), one
        CSV per derived table, ``arms/<arm>/<table>.parquet`` for every arm's tables,
        ``figures/*.png`` and ``manifest.json`` (as :func:`sim.io.write_results`, plus
        ``experiment`` and ``arms``; the scenario hash is the base scenario's).

    Raises
    ------
    OSError
        If writing fails; nothing is left behind.
    """
    scenario = result.scenario
    with run_folder(Path(out_root) / scenario.name / result.name, run_info, int(result.root_seed)) as run:
        run.write_json("summary.json", json_ready(result.summary))
        for name, frame in result.tables.items():
            run.write_csv(f"{name}.csv", frame)
        run.write_arms(result.arms, typed=True)
        info = figure_info(run.run_id, scenario, run.seed, [int(s) for s in result.replicate_seeds],
                           kind=f"experiment {result.name}")
        run.write_figures(figures, lambda plots: plots.experiment_figures(result, info))
        run.write_resolved(scenario)
        run.finish(scenario, [int(s) for s in result.replicate_seeds], run_info,
                   head={"experiment": result.name}, mid={"arms": sorted(result.arms)})
    return run.final
