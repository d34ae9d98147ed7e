"""Ensemble statistics of the experiments: mean with 5th/95th percentiles, rank correlation,
total variation distance. Pure functions of numbers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd


def ensemble_stats(values: Iterable[float], key: str) -> dict[str, float | None]:
    """Mean and 5th/95th percentiles of per-replicate values, NaN left out.

    Parameters
    ----------
    values : iterable of float
        One value per replicate.
    key : str
        Name of the statistic.

    Returns
    -------
    dict
        ``{key: mean, key_p05: p05, key_p95: p95}``; None for all three if no value is finite.

    Examples
    --------
    >>> ensemble_stats([1.0, 2.0, 3.0, float("nan")], "x")
    {'x': 2.0, 'x_p05': 1.1, 'x_p95': 2.9}
    """
    v = np.asarray(list(values), dtype=float)
    v = v[np.isfinite(v)]
    if not len(v):
        return {key: None, f"{key}_p05": None, f"{key}_p95": None}
    p05, p95 = np.percentile(v, [5, 95])
    return {key: float(v.mean()), f"{key}_p05": float(p05), f"{key}_p95": float(p95)}


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman rank correlation (average ranks for ties).

    Parameters
    ----------
    x, y : sequence of float, same length n

    Returns
    -------
    float
        In [-1, 1], rounded to 12 decimals (the coefficient of ranks is a ratio of integers; without the
        rounding, ranks 2, 1, 3, 4, 5 against 1-5 give 0.8999999999999998 instead of 0.9 = 1 - 6 * 2 / 120,
        and a check ``>= 0.9`` would read it as below); NaN if n < 2 or either sequence is constant.

    Examples
    --------
    >>> spearman([1, 2, 3, 4], [10, 20, 30, 40])
    1.0
    >>> spearman([1, 2, 3], [3, 2, 1])
    -1.0
    >>> spearman([0, 0.5, 1, 2, 4], [0.110, 0.085, 0.126, 0.174, 0.213])
    0.9
    """
    a = pd.Series(np.asarray(x, dtype=float)).rank().to_numpy()
    b = pd.Series(np.asarray(y, dtype=float)).rank().to_numpy()
    if len(a) < 2 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    return round(float(np.corrcoef(a, b)[0, 1]), 12)


def total_variation(p: Mapping[str, float], q: Mapping[str, float]) -> float:
    """Total variation distance between two share distributions, 0.5 * sum |p - q|.

    Parameters
    ----------
    p, q : mapping of str to float
        Shares (each summing to 1; a missing key counts 0).

    Returns
    -------
    float
        0 (identical) to 1 (disjoint).

    Examples
    --------
    >>> total_variation({"a": 0.5, "b": 0.5}, {"a": 1.0})
    0.5
    """
    keys = set(p) | set(q)
    return 0.5 * float(sum(abs(p.get(k, 0.0) - q.get(k, 0.0)) for k in keys))

