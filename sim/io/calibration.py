"""The files of a calibration (:mod:`sim.calibrate`): its trial store, its results folder, and the
calibration window read back beside a calibrated scenario."""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.io.atomic import run_folder
from sim.io.provenance import figure_info, json_ready, scenario_hash

if TYPE_CHECKING:  # pragma: no cover - typing only
    from matplotlib.figure import Figure

    from sim.scenario import Scenario

__all__ = ["calibration_store", "write_calibration", "read_calibration_window"]


def calibration_store(out_root: str | Path, scenario: Scenario, key: Mapping[str, Any]) -> Path:
    """Path of a calibration's trial store (SQLite), created folder included.

    The store lives at ``out_root/<scenario>/calibration/.store/<digest>.sqlite3`` where
    ``digest`` is the sha256 (first 16 hex digits) of the scenario hash and of ``key`` (window,
    seed, replicates, persons per agent, fitted parameters and bounds): the same command finds the
    same store and resumes it; any change of what the trials mean starts a new one. The budget is
    not in the key, so a larger budget extends a finished study.

    Parameters
    ----------
    out_root : str or Path
    scenario : Scenario
    key : mapping
        JSON-serialisable description of the study.

    Returns
    -------
    Path
    """
    text = json.dumps({"scenario": scenario_hash(scenario), **json_ready(dict(key))},
                      sort_keys=True)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    folder = Path(out_root) / scenario.name / "calibration" / ".store"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{digest}.sqlite3"


def _overlay_text(scenario: Scenario, result: Any, run_id: str, final: Path) -> str:
    """``best_scenario.yaml``: an overlay that ``extends:`` the fitted scenario (by a path relative
    to the results folder ``final``) with the best parameters."""
    from ruamel.yaml import YAML

    from sim.parameters import as_overlay

    settings = result.settings
    source = getattr(scenario, "source_path", None)
    overlay: dict[str, Any] = {}
    if source is not None:
        overlay["extends"] = Path(os.path.relpath(Path(source).resolve(), final.resolve())).as_posix()
    overlay["name"] = f"{scenario.name}_calibrated"
    overlay["description"] = (
        f"{scenario.name} with the fitted parameters of calibration {run_id} "
        f"(window {settings.window[0]}..{settings.window[1]}, best of "
        f"{int((result.trials['state'] == 'COMPLETE').sum())} trials, loss {result.best_loss:.4f})"
    )
    overlay["parameters"] = json_ready(as_overlay(result.best_values))
    yaml = YAML()
    yaml.default_flow_style = False
    text = io.StringIO()
    text.write(f"# Written by routesim calibrate ({run_id}); calibration.json beside it\n")
    yaml.dump(overlay, text)
    return text.getvalue()


def _calibration_info(scenario: Scenario, result: Any) -> dict[str, Any]:
    """The content of ``calibration.json``."""
    settings = result.settings
    return {
        "window": list(settings.window),
        "budget": settings.budget,
        "replicates": settings.replicates,
        "seed": settings.seed,
        "processes": settings.processes,
        "persons_per_agent": int(scenario.persons_per_agent),
        "optuna": result.optuna_version,
        "sampler": "TPESampler (univariate), reseeded before each trial",
        "loss": "C1 + C2 + C3 + M (sim.calibrate module docstring)",
        "targets": result.targets,
        "fitted": [
            {"name": s.name, "default": s.default, "low": s.low, "high": s.high,
             "unit": getattr(s, "unit", None), "source": getattr(s, "source", None),
             "log_scale": bool(float(s.low) > 0 and float(s.high) / float(s.low) > 20),
             "best": result.best_values[s.name]}
            for s in result.specs
        ],
        "best_loss": result.best_loss,
        "best_trial": result.extra.get("best_trial"),
        "trials_complete": int((result.trials["state"] == "COMPLETE").sum()),
        "trials_resumed": result.resumed_trials,
        "wall_seconds": result.wall_seconds,
    }


def write_calibration(
    out_root: str | Path,
    scenario: Scenario,
    result: Any,
    run_info: Mapping[str, Any],
    *,
    store: str | Path | None = None,
    figures: Mapping[str, Figure] | None = None,
) -> Path:
    """Write a calibration's results folder atomically and return its path.

    Parameters
    ----------
    out_root : str or Path
        Output root.
    scenario : Scenario
        The scenario fitted (its ``source_path`` is what the overlay ``extends``).
    result : sim.calibrate.CalibrationResult
    run_info : mapping
        ``start_time``, ``end_time`` (datetime), ``wall_seconds``, ``command`` (list of str),
        ``processes``.
    store : str or Path, optional
        The trial store (SQLite) to copy into the folder as ``trials.sqlite3``.
    figures : mapping of str to Figure, optional
        Default ``figures/convergence.png`` of :func:`sim.plots.calibration_figures`, with a footer
        naming the calibration, its trials, budget, seed and window
        (:func:`sim.io.provenance.figure_info`).

    Returns
    -------
    Path
        ``out_root/<scenario>/calibration/<run-id>`` holding ``trials.parquet`` (every trial:
        parameters, loss, per-target errors), ``best_scenario.yaml`` (an overlay that
        ``extends:`` the input scenario by a path relative to the folder, with the best
        parameters), ``calibration.json`` (window, settings, targets, loss definition, fitted
        parameters with their ranges, best values and loss), ``figures/convergence.png``,
        ``trials.sqlite3`` and ``manifest.json`` (as :func:`sim.io.write_results`, plus ``optuna``
        version, ``calibration_seed``, ``budget``, ``window``).

    Raises
    ------
    OSError
        If writing fails; nothing is left behind.
    """
    settings = result.settings
    with run_folder(Path(out_root) / scenario.name / "calibration", run_info, int(settings.seed)) as run:
        run.write_parquet("trials.parquet", result.trials)
        run.write_text("best_scenario.yaml", _overlay_text(scenario, result, run.run_id, run.final))
        run.write_json("calibration.json", json_ready(_calibration_info(scenario, result)))
        seeds = [int(s) for s in run_info.get("replicate_seeds", [])]
        info = figure_info(run.run_id, scenario, run.seed, seeds, kind="calibration",
                           replicates=len(seeds) or int(settings.replicates), replicates_per="trial",
                           trials=int((result.trials["state"] == "COMPLETE").sum()),
                           budget=settings.budget, calibration_seed=settings.seed,
                           window=list(settings.window))
        run.write_figures(figures, lambda plots: plots.calibration_figures(result, info))
        if store is not None and Path(store).is_file():
            run.copy_file(store, "trials.sqlite3")
        run.finish(scenario, [int(s) for s in run_info.get("replicate_seeds", [])], run_info,
                   head={"command_name": "calibrate"},
                   mid={"optuna": result.optuna_version, "calibration_seed": settings.seed,
                        "budget": settings.budget, "window": list(settings.window)})
    return run.final


def read_calibration_window(scenario_source: str | Path | None) -> tuple[str, str] | None:
    """The calibration window recorded beside a scenario written by ``routesim calibrate``.

    Parameters
    ----------
    scenario_source : str or Path or None
        A run's ``manifest.json`` ``scenario_source`` (the YAML the run was made from).

    Returns
    -------
    tuple of str or None
        ``(first, last)`` months ``YYYY-MM`` from ``calibration.json`` in the YAML's folder (a
        calibration results folder), or None when there is none (not a calibrated scenario).
    """
    if not scenario_source:
        return None
    info = Path(scenario_source).parent / "calibration.json"
    if not info.is_file():
        return None
    try:
        window = json.loads(info.read_text(encoding="utf-8"))["window"]
        return str(window[0]), str(window[1])
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None
