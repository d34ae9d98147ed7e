"""Monthly detections by route/type pair: the averaged relative difference of a simulation or of a
forecast against the observed series, and the two naive forecasts the model is compared with."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from sim import observed
from sim.validation.replicates import pick_table, replicate_matrix, replicate_numbers, rows_in_year


def averaged_relative_difference(
    detections_monthly: pd.DataFrame | Mapping[str, pd.DataFrame],
    year: int = 2014,
    *,
    observed_monthly: pd.DataFrame | None = None,
    replicates: Sequence[int] | None = None,
) -> float:
    """Averaged relative difference of monthly detections over the ten route/type pairs.

    For each month ``m`` of ``year``::

        d_m = sum over pairs |simulated(pair, m) - observed(pair, m)| / sum over pairs observed(pair, m)

    and the result is the mean of ``d_m`` over the 12 months (the error measure of Suleimenova et al.
    2017, Flee, with route/type pairs in place of camps). ``simulated`` is the mean over replicates;
    a month or pair without a row counts 0 on either side.

    Parameters
    ----------
    detections_monthly : pandas.DataFrame or mapping of str to DataFrame
        Columns ``replicate`` (optional), ``route``, ``type``, ``month`` (``YYYY-MM``), ``detections``.
    year : int, default 2014
        Calendar year compared.
    observed_monthly : pandas.DataFrame, optional
        Columns ``year, month`` (1-12), ``route, type, detections``; default
        :func:`sim.observed.monthly` (Frontex migratory-map data, 2025 revision: the revised series,
        2014 total 282,873).
    replicates : sequence of int, optional
        Replicate numbers to average over (default: those present in the table).

    Returns
    -------
    float
        Dimensionless, >= 0; 0 is a perfect fit, 1 is what an all-zero simulation scores.

    Raises
    ------
    ValueError
        If some month of ``year`` has no observed detection on the ten pairs (the ratio is undefined).
    """
    detections_monthly = pick_table(detections_monthly, "detections_monthly")
    pairs = [tuple(p) for p in observed.ROUTE_TYPES]
    months = [f"{year:04d}-{m:02d}" for m in range(1, 13)]
    index = pd.MultiIndex.from_tuples(
        [(r, t, m) for r, t in pairs for m in months], names=["route", "type", "month"]
    )
    sim = rows_in_year(detections_monthly, year).assign(
        month=lambda f: f["month"].astype(str).str.slice(0, 7)
    )
    reps = replicate_numbers(detections_monthly, replicates)
    simulated = replicate_matrix(sim, ["route", "type", "month"], "detections", index, reps).mean(axis=1)

    if observed_monthly is None:
        observed_monthly = observed.monthly()
    obs = observed_monthly[observed_monthly["year"] == year].assign(
        month=lambda f: [f"{year:04d}-{int(m):02d}" for m in f["month"]]
    )
    obs_values = (
        obs.groupby(["route", "type", "month"])["detections"].sum().reindex(index).fillna(0)
    ).to_numpy(dtype=float)

    shape = (len(pairs), len(months))
    abs_diff = np.abs(simulated - obs_values).reshape(shape).sum(axis=0)
    obs_total = obs_values.reshape(shape).sum(axis=0)
    if np.any(obs_total <= 0):
        empty = [m for m, total in zip(months, obs_total, strict=True) if total <= 0]
        raise ValueError(f"no observed detections in {', '.join(empty)}: ratio undefined")
    return float(np.mean(abs_diff / obs_total))


#: The monthly forecasters compared by averaged relative difference: the model and two naive ones.
FORECASTERS = ("model", "naive_previous_year_shares", "naive_same_month_previous_year")


def observed_pair_month(monthly: pd.DataFrame, year: int) -> np.ndarray:
    """Observed monthly detections of ``year``, shape (10 pairs, 12 months); absent cells 0."""
    pairs = [tuple(p) for p in observed.ROUTE_TYPES]
    obs = monthly[monthly["year"] == year]
    wide = obs.groupby(["route", "type", "month"])["detections"].sum()
    index = pd.MultiIndex.from_tuples(
        [(r, t, m) for r, t in pairs for m in range(1, 13)], names=["route", "type", "month"]
    )
    return wide.reindex(index).fillna(0).to_numpy(dtype=float).reshape(len(pairs), 12)


def naive_forecasts(observed_monthly: pd.DataFrame, year: int) -> dict[str, np.ndarray]:
    """The two naive monthly forecasts of ``year`` from observed data alone.

    Parameters
    ----------
    observed_monthly : pandas.DataFrame
        Columns ``year, month, route, type, detections`` (the revised monthly series).
    year : int
        Forecast year; needs ``year - 1`` and ``year`` in the series.

    Returns
    -------
    dict of str to numpy.ndarray, each shape (10, 12)
        Rows the ten pairs of :data:`sim.observed.ROUTE_TYPES`, columns months 1-12 (persons):
        ``naive_previous_year_shares``: each pair's share of the ten pairs' detections in
        ``year - 1`` times the observed ten-pair total of each month of ``year`` (knows this
        year's monthly totals, not its route split); ``naive_same_month_previous_year``: the
        observed figure of the same pair and month of ``year - 1``. Empty dict if ``year - 1``
        is not in the series.

    Examples
    --------
    >>> m = pd.DataFrame({"year": [2013, 2013, 2014, 2014], "month": [1, 2, 1, 2],
    ...                   "route": "Black Sea", "type": "Sea", "detections": [10, 30, 8, 4]})
    >>> f = naive_forecasts(m, 2014)
    >>> f["naive_previous_year_shares"][9, :2].tolist(), f["naive_same_month_previous_year"][9, :2].tolist()
    ([8.0, 4.0], [10.0, 30.0])
    """
    if not (observed_monthly["year"] == year - 1).any():
        return {}
    prev = observed_pair_month(observed_monthly, year - 1)
    this = observed_pair_month(observed_monthly, year)
    total_prev = prev.sum()
    shares = prev.sum(axis=1) / total_prev if total_prev > 0 else np.zeros(len(prev))
    return {
        "naive_previous_year_shares": np.outer(shares, this.sum(axis=0)),
        "naive_same_month_previous_year": prev,
    }


def monthly_ard(forecast: np.ndarray, obs: np.ndarray, months: Sequence[int] | None = None) -> float:
    """Averaged relative difference of a (pairs, 12) forecast against observed, over some months.

    ``d_m = sum_pairs |forecast - observed| / sum_pairs observed`` averaged over ``months``
    (1-12; default all twelve), as :func:`averaged_relative_difference`.

    Parameters
    ----------
    forecast, obs : numpy.ndarray, shape (pairs, 12)
        Persons per pair and month.
    months : sequence of int, optional
        Months 1-12 to average over.

    Returns
    -------
    float
        NaN if no month is given or a month has no observed detection.

    Examples
    --------
    >>> monthly_ard(np.array([[1.0] * 12]), np.array([[2.0] * 12]), [1, 2])
    0.5
    """
    cols = [m - 1 for m in (range(1, 13) if months is None else months)]
    if not cols:
        return float("nan")
    total = obs[:, cols].sum(axis=0)
    if np.any(total <= 0):
        return float("nan")
    return float(np.mean(np.abs(forecast[:, cols] - obs[:, cols]).sum(axis=0) / total))


def simulated_pair_month(detections_monthly: pd.DataFrame, year: int, reps: list[int]) -> np.ndarray:
    """Simulated detections, shape (10 pairs, 12 months, replicates)."""
    pairs = [tuple(p) for p in observed.ROUTE_TYPES]
    months = [f"{year:04d}-{m:02d}" for m in range(1, 13)]
    index = pd.MultiIndex.from_tuples(
        [(r, t, m) for r, t in pairs for m in months], names=["route", "type", "month"]
    )
    frame = rows_in_year(detections_monthly, year).assign(
        month=lambda f: f["month"].astype(str).str.slice(0, 7)
    )
    values = replicate_matrix(frame, ["route", "type", "month"], "detections", index, reps)
    return values.reshape(len(pairs), 12, len(reps))
