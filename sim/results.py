"""Read a results folder (``run``, ``experiment`` or ``compare``) back as typed tables.

``load(path)`` returns every CSV and Parquet table of a results folder as a DataFrame, keyed by its path
relative to the folder without the extension (``"detections_monthly"``, ``"comparison"``,
``"arms/base/detections_monthly"``), with:

- ``month`` (``YYYY-MM``) and ``date`` (``YYYY-MM-DD``) columns as ``datetime64`` (a month as its first day);
- count columns (persons, cases, replicate numbers, seeds, years; :data:`COUNT_COLUMNS`) as ``int64``, or
  the nullable ``Int64`` where a value is missing (``observed_2014`` of a route without an observation);
  a count column holding a non-integer (a mean) is left as float;
- text columns with ``""`` where the folder has an empty cell (``type`` of a route total), never NaN.

Tables are long and sparse as written: a (replicate, key) with nothing to report has no row in the
per-replicate tables (``detections_monthly``, ``crossings_by_edge``, ``prices``, ``exploitation``);
treat a missing row as zero. ``enforcement``, ``detention`` (empty without a detaining agency) and the
comparison tables are dense.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["COUNT_COLUMNS", "TEXT_COLUMNS", "load", "load_manifest"]

#: Columns that hold whole numbers (persons, cases, ids).
COUNT_COLUMNS = frozenset({
    "replicate", "seed", "year", "replicates", "detections", "attempts", "prevented", "undetected",
    "first_entries", "deaths", "queue", "enterprises", "partnerships", "sold", "cases",
    "observed_2014", "throughput", "places", "held", "admitted", "no_place",
})

#: Columns that hold text; an empty cell is ``""``.
TEXT_COLUMNS = frozenset({
    "route", "type", "origin_group", "edge", "frontex_route", "frontex_type", "node", "kind",
    "segment", "service_level", "sex", "classification", "agency", "target", "side", "policy",
    "metric", "variant", "arm",
})


def load_manifest(path: str | Path) -> dict[str, Any]:
    """The ``manifest.json`` of a results folder.

    Raises
    ------
    FileNotFoundError
        If ``path`` has no ``manifest.json`` (not a complete results folder).
    """
    manifest = Path(path) / "manifest.json"
    if not manifest.is_file():
        raise FileNotFoundError(f"{path}: no manifest.json: not a complete results folder")
    return json.loads(manifest.read_text(encoding="utf-8"))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        values = frame[column]
        if column == "month":
            frame[column] = pd.to_datetime(values.astype(str) + "-01", format="%Y-%m-%d")
        elif column == "date":
            frame[column] = pd.to_datetime(values.astype(str), format="%Y-%m-%d")
        elif column in TEXT_COLUMNS:
            frame[column] = values.astype(object).where(values.notna(), "").astype(str)
        elif column in COUNT_COLUMNS and pd.api.types.is_numeric_dtype(values) \
                and not pd.api.types.is_bool_dtype(values):
            present = values.dropna().to_numpy(dtype=float)
            if not np.all(np.isfinite(present)) or not np.all(present == np.round(present)):
                continue
            frame[column] = values.astype("int64") if len(present) == len(values) \
                else values.astype("Int64")
    return frame


def load(path: str | Path) -> dict[str, pd.DataFrame]:
    """The tables of a results folder, typed.

    Parameters
    ----------
    path : str or Path
        A results folder written by ``routesim run``, ``experiment`` or ``compare`` (holding
        ``manifest.json``).

    Returns
    -------
    dict of str to pandas.DataFrame
        Keyed by relative path without extension, sorted; months and dates as ``datetime64``,
        counts as integers, text without NaN (see the module docstring).

    Raises
    ------
    FileNotFoundError
        If ``path`` is not a complete results folder.

    Examples
    --------
    >>> from sim import results
    >>> tables = results.load("results/baseline_2014/20260101T000000Z-s20140101")  # doctest: +SKIP
    >>> tables["detections_monthly"].groupby("month")["detections"].sum()  # doctest: +SKIP
    """
    folder = Path(path)
    load_manifest(folder)
    tables: dict[str, pd.DataFrame] = {}
    for file in sorted(folder.rglob("*")):
        if file.suffix not in (".csv", ".parquet") or not file.is_file():
            continue
        key = file.relative_to(folder).with_suffix("").as_posix()
        frame = pd.read_csv(file) if file.suffix == ".csv" else pd.read_parquet(file)
        tables[key] = _typed(frame)
    return tables
