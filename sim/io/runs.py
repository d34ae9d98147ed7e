"""The results folder of a run: writing it, reading it back, adding a validation table to it.

A run is published as ``ROOT/<scenario name>/<run-id>/`` (DESIGN section 6): the tables of
:data:`sim.io.tables.TABLE_FILES`, ``figures/*.png``, ``summary.txt``, the resolved scenario and
``manifest.json``, written atomically (:func:`sim.io.atomic.run_folder`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.io.atomic import CSV_FLOAT_FORMAT, run_folder, write_csv_files
from sim.io.provenance import figure_info
from sim.io.tables import TABLE_FILES, check_tables

if TYPE_CHECKING:  # pragma: no cover - typing only
    from matplotlib.figure import Figure

    from sim.scenario import Scenario

__all__ = ["FIGURE_NAMES", "write_results", "read_run", "write_validation"]

#: The figures of a results folder, saved as ``figures/<name>.png``.
FIGURE_NAMES = ("route_map", "detections_by_route", "monthly_series", "enforcement")


def write_results(
    out_root: str | Path,
    scenario: Scenario,
    tables: Mapping[str, pd.DataFrame],
    run_info: Mapping[str, Any],
    *,
    figures: Mapping[str, Figure] | None = None,
    summary: str | None = None,
) -> Path:
    """Write a complete results folder atomically and return its path.

    Parameters
    ----------
    out_root : str or Path
        Output root (``results/`` by default in the CLI); created if missing.
    scenario : Scenario
        The scenario run (``name``, ``canonical_json()``, ``source_path``, ``persons_per_agent``,
        ``nodes``, ``segments``).
    tables : mapping of str to pandas.DataFrame
        The ensemble tables of :func:`sim.runner.run_ensemble` (``detections_monthly``,
        ``crossings_by_edge``, ``hubs``, ``enterprises``, ``prices``, ``exploitation``,
        ``enforcement``, ``detention``) and the validation tables ``detections_by_route`` and ``deaths_by_route``. Each is written with
        exactly the columns of :data:`TABLE_FILES`, in that order (other columns are left out).
    run_info : mapping
        ``root_seed`` (int, required), ``replicate_seeds`` (list of int), ``start_time`` and
        ``end_time`` (datetime, UTC), ``wall_seconds`` (float), and optionally ``processes`` (int) and
        ``command`` (list of str), copied into the manifest.
    figures : mapping of str to Figure, optional
        Figures to save under ``figures/``; default those of :data:`FIGURE_NAMES`, built by
        :func:`sim.plots.run_figures` with a footer naming the run
        (:func:`sim.io.provenance.figure_info`).
    summary : str, optional
        Text of ``summary.txt``; default the detections table of :func:`sim.summary.format_summary`.

    Returns
    -------
    Path
        ``out_root/<scenario.name>/<run-id>``, run id ``YYYYmmddTHHMMSSZ-s<root seed>`` from
        ``start_time`` (now if absent), with ``-2``, ``-3``... added if that folder exists.

    Raises
    ------
    ValueError
        If a table or column is missing (nothing is created).
    OSError
        If writing fails; the temporary folder is removed and no run folder is left.

    Notes
    -----
    ``manifest.json`` holds: ``status`` ("complete"), ``run_id``, ``scenario`` (name),
    ``scenario_hash`` (sha256 of the canonical JSON), ``scenario_source``, ``scenario_files`` (sha256 of
    the YAML and its CSV tables), ``scenario_resolved_sha256`` (of ``scenario.resolved.yaml``, the
    scenario as run with overlays applied, written with its tables under ``scenario.resolved/``;
    :mod:`sim.scenario.resolved`), ``root_seed``, ``replicate_seeds``, ``replicates``,
    ``persons_per_agent``, ``processes``, ``command``, ``packages`` (versions, with ``python``),
    ``git_commit``, ``git_dirty`` (tracked files modified), ``start_time``, ``end_time``,
    ``wall_seconds`` (the run, up to its tables), ``writing_seconds`` (writing this folder: tables,
    figures, summary) and ``files`` (sha256 of every other file in the folder, by relative path).
    """
    check_tables(tables)
    with run_folder(Path(out_root) / scenario.name, run_info, int(run_info["root_seed"])) as run:
        for file_name, (table, columns) in TABLE_FILES.items():
            frame = tables[table][columns]
            if file_name.endswith(".csv"):
                run.write_csv(file_name, frame)
            else:
                run.write_parquet(file_name, frame, table)
        info = figure_info(run.run_id, scenario, run.seed, [int(s) for s in run_info.get("replicate_seeds", [])])
        run.write_figures(figures, lambda plots: plots.run_figures(scenario, tables, info))
        if summary is None:
            from sim.summary import format_summary

            seeds = run_info.get("replicate_seeds")
            summary = format_summary(tables["detections_by_route"],
                                     replicates=len(seeds) if seeds else None)
        run.write_text("summary.txt", summary)
        run.write_resolved(scenario)
        run.finish(scenario, [int(s) for s in run_info.get("replicate_seeds", [])], run_info)
    return run.final


def read_run(folder: str | Path) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Read the tables validation needs from a results folder, and its manifest.

    Parameters
    ----------
    folder : str or Path
        A run folder of :func:`write_results` (``detections_monthly.parquet``,
        ``crossings_by_edge.parquet``, ``manifest.json``).

    Returns
    -------
    tuple
        ``({"detections_monthly": ..., "crossings_by_edge": ...}, manifest)``; the manifest is
        ``{}`` if the file is missing.

    Raises
    ------
    OSError
        If the folder or a table is missing or unreadable (message names the file).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise OSError(f"run folder not found: {folder}")
    tables: dict[str, pd.DataFrame] = {}
    for name in ("detections_monthly", "crossings_by_edge"):
        path = folder / f"{name}.parquet"
        if not path.is_file():
            raise OSError(f"{path}: missing (not a routesim run folder?)")
        try:
            tables[name] = pd.read_parquet(path)
        except Exception as err:  # pyarrow raises its own types for a damaged file
            raise OSError(f"{path}: cannot read: {err}") from None
    manifest_path = folder / "manifest.json"
    manifest: dict[str, Any] = {}
    if manifest_path.is_file():
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise OSError(f"{manifest_path}: cannot read: {err}") from None
    return tables, manifest


def write_validation(folder: str | Path, table: pd.DataFrame, name: str = "validation.csv") -> Path:
    """Write a validation table into a run folder (atomically: temporary file, then rename).

    The run's ``manifest.json`` is left as it is: the validation file is derived from the
    folder's tables and observed data, and can be rewritten at any time.

    Parameters
    ----------
    folder : str or Path
        The run folder.
    table : pandas.DataFrame
        The table of :func:`sim.validation.validation_table` (one or several years).
    name : str, default "validation.csv"

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    OSError
        If it cannot be written (nothing is left behind).
    """
    return write_csv_files(folder, {name: table}, float_format=CSV_FLOAT_FORMAT)[0]
