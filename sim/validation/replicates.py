"""Ensemble statistics: a run's table summed by key and replicate, and its mean and 5-95 % band.

A table without a ``replicate`` column is a single replicate; a replicate with no row for a key counts
0 for it. The statistics are the mean across replicates and the 5th and 95th percentiles
(``numpy.percentile``, linear interpolation).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

STAT_COLUMNS = ["simulated_mean", "simulated_p05", "simulated_p95"]


def pick_table(table: pd.DataFrame | Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    """The table itself, or ``table[name]`` from a mapping of ensemble tables."""
    return table if isinstance(table, pd.DataFrame) else table[name]


def replicate_numbers(frame: pd.DataFrame, replicates: Sequence[int] | None) -> list[int]:
    """Replicate numbers to average over: given, or those present in the table (or ``[0]``)."""
    if replicates is not None:
        return list(replicates)
    if "replicate" in frame.columns and len(frame):
        return sorted(int(r) for r in frame["replicate"].unique())
    return [0]


def rows_in_year(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """Rows whose ``month`` (``YYYY-MM``) falls in ``year``."""
    return frame[frame["month"].astype(str).str.slice(0, 4) == f"{year:04d}"]


def replicate_matrix(
    frame: pd.DataFrame,
    keys: list[str],
    value: str,
    index: pd.Index,
    replicates: list[int],
) -> np.ndarray:
    """Sum ``value`` by ``keys`` and replicate into a dense array, shape (len(index), len(replicates)).

    Keys absent from ``index`` are dropped; missing (key, replicate) cells are 0.
    """
    data = frame.copy()
    if "replicate" not in data.columns:
        data["replicate"] = replicates[0]
    sums = data.groupby([*keys, "replicate"], sort=False)[value].sum()
    wide = sums.unstack("replicate") if len(sums) else pd.DataFrame(index=index)
    wide = wide.reindex(index=index, columns=replicates)
    return wide.fillna(0).to_numpy(dtype=float)


def ensemble_stats(values: np.ndarray) -> dict[str, np.ndarray]:
    """Mean, 5th and 95th percentile across replicates (axis 1) of shape (rows, replicates)."""
    p05, p95 = np.percentile(values, [5, 95], axis=1)
    return {"simulated_mean": values.mean(axis=1), "simulated_p05": p05, "simulated_p95": p95}
