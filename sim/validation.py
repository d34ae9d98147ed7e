"""Simulated against observed: detections and deaths by Frontex route, averaged relative difference.

All functions take a table of :func:`sim.runner.run_ensemble` (one row per replicate and key; a
table without a ``replicate`` column is treated as a single replicate), or the whole mapping of
ensemble tables, from which they pick ``detections_monthly`` or ``deaths_monthly``, and compare the
replicates' distribution with the observed figures shipped in :mod:`sim.observed`:

- annual detections of illegal border-crossing by Frontex route and type: Frontex Annual Risk Analysis
  2015 (``frontex_ara2015_routes_2013_2014.csv``), Total as published (283,532 in 2014);
- monthly detections: Frontex migratory-map data, 2025 revision (``frontex_ibc_monthly_by_route_2009_2014.csv``);
- deaths at sea 2014: IOM Missing Migrants Project (``iom_mmp_dead_missing_monthly_by_route_2014.csv``);
- the Syrians' split across routes: ``frontex_ibc_annual_by_route_nationality_2013_2014.csv``, rows SYR
  (:func:`sim.observed.nationality_annual`).

Ensemble statistics are, for each row, the mean across replicates and the 5th and 95th percentiles
(``numpy.percentile``, linear interpolation). A replicate with no row for a key counts 0 for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from sim import observed

__all__ = [
    "SYRIAN_SPLIT_PAIRS",
    "detections_by_route",
    "deaths_by_route",
    "averaged_relative_difference",
    "syrian_split",
    "route_share_summary",
    "VALIDATION_COLUMNS",
    "FORECASTERS",
    "naive_forecasts",
    "monthly_ard",
    "covered_years",
    "validation_table",
]

#: The three route/type pairs of the Syrians' split (validation pattern V5).
SYRIAN_SPLIT_PAIRS: tuple[tuple[str, str], ...] = (
    ("Central Mediterranean", "Sea"),
    ("Eastern Mediterranean", "Sea"),
    ("Eastern Mediterranean", "Land"),
)

STAT_COLUMNS = ["simulated_mean", "simulated_p05", "simulated_p95"]


def _pick(table: pd.DataFrame | Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    """The table itself, or ``table[name]`` from a mapping of ensemble tables."""
    return table if isinstance(table, pd.DataFrame) else table[name]


def _replicates(frame: pd.DataFrame, replicates: Sequence[int] | None) -> list[int]:
    """Replicate numbers to average over: given, or those present in the table (or ``[0]``)."""
    if replicates is not None:
        return list(replicates)
    if "replicate" in frame.columns and len(frame):
        return sorted(int(r) for r in frame["replicate"].unique())
    return [0]


def _in_year(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """Rows whose ``month`` (``YYYY-MM``) falls in ``year``."""
    return frame[frame["month"].astype(str).str.slice(0, 4) == f"{year:04d}"]


def _matrix(
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


def _stats(values: np.ndarray) -> dict[str, np.ndarray]:
    """Mean, 5th and 95th percentile across replicates (axis 1) of shape (rows, replicates)."""
    p05, p95 = np.percentile(values, [5, 95], axis=1)
    return {"simulated_mean": values.mean(axis=1), "simulated_p05": p05, "simulated_p95": p95}


def detections_by_route(
    detections_monthly: pd.DataFrame | Mapping[str, pd.DataFrame],
    year: int = 2014,
    *,
    observed_annual: pd.DataFrame | None = None,
    published_total: float | None = None,
    replicates: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Detections of illegal border-crossing by Frontex route and type, simulated against observed.

    Parameters
    ----------
    detections_monthly : pandas.DataFrame or mapping of str to DataFrame
        Columns ``replicate`` (optional), ``route``, ``type``, ``month`` (``YYYY-MM``), ``detections``
        (persons; events as Frontex counts them); any other columns (``seed``, ``origin_group``) are
        summed over.
    year : int, default 2014
        Calendar year compared.
    observed_annual : pandas.DataFrame, optional
        Columns ``route, type, year, detections``; default :func:`sim.observed.routes_annual`
        (Frontex Annual Risk Analysis 2015).
    published_total : float, optional
        Observed total of the ``Total`` row; default :func:`sim.observed.published_total` (283,532
        for 2014, which includes 10 detections of the non-route ``Other``).
    replicates : sequence of int, optional
        Replicate numbers to average over (default: those present in the table), so that a
        replicate without any row counts as zeros.

    Returns
    -------
    pandas.DataFrame, shape (11, 7)
        Columns ``route, type, observed_<year>, simulated_mean, simulated_p05, simulated_p95,
        relative_error``: the ten route/type pairs in :data:`sim.observed.ROUTE_TYPES` order, then a
        ``Total`` row (``type`` empty) whose observed figure is the published total and whose
        simulated figures are those of each replicate's sum over the ten pairs. ``relative_error`` is
        ``(simulated_mean - observed) / observed`` (NaN where observed is 0 or missing). Simulated
        rows for other labels are ignored.

    Examples
    --------
    >>> sim = pd.DataFrame({"replicate": [0, 1], "route": "Black Sea", "type": "Sea",
    ...                     "month": ["2014-05", "2014-06"], "detections": [400, 600]})
    >>> table = detections_by_route(sim)
    >>> row = table[table["route"] == "Black Sea"].iloc[0]
    >>> float(row["observed_2014"]), float(row["simulated_mean"]), round(float(row["relative_error"]), 4)
    (433.0, 500.0, 0.1547)
    """
    detections_monthly = _pick(detections_monthly, "detections_monthly")
    pairs = [tuple(p) for p in observed.ROUTE_TYPES]
    reps = _replicates(detections_monthly, replicates)
    index = pd.MultiIndex.from_tuples(pairs, names=["route", "type"])
    values = _matrix(
        _in_year(detections_monthly, year), ["route", "type"], "detections", index, reps
    )
    totals = values.sum(axis=0, keepdims=True)

    if observed_annual is None:
        observed_annual = observed.routes_annual()
    obs = observed_annual[observed_annual["year"] == year]
    obs = obs.groupby(["route", "type"])["detections"].sum().reindex(index).to_numpy(dtype=float)
    if published_total is None:
        published_total = observed.published_total(year)

    obs_col = f"observed_{year}"
    table = pd.DataFrame(
        {
            "route": [r for r, _ in pairs] + ["Total"],
            "type": [t for _, t in pairs] + [""],
            obs_col: np.append(obs, float(published_total)),
        }
    )
    for name, column in _stats(np.vstack([values, totals])).items():
        table[name] = column
    with np.errstate(divide="ignore", invalid="ignore"):
        error = (table["simulated_mean"] - table[obs_col]) / table[obs_col]
    table["relative_error"] = error.where(table[obs_col] > 0)
    return table


def deaths_by_route(
    deaths_monthly: pd.DataFrame | Mapping[str, pd.DataFrame],
    year: int = 2014,
    *,
    observed_deaths: Mapping[str, float] | None = None,
    replicates: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Deaths at sea by Frontex route, simulated against IOM's dead and missing.

    Parameters
    ----------
    deaths_monthly : pandas.DataFrame or mapping of str to DataFrame
        Columns ``replicate`` (optional), ``route``, ``month`` (``YYYY-MM``), ``deaths`` (persons).
    year : int, default 2014
        Calendar year compared.
    observed_deaths : mapping of str to number, optional
        Observed deaths by route; default :func:`sim.observed.deaths_2014_by_route` (IOM Missing
        Migrants Project, dead and missing 2014: Central Mediterranean 3,126, Eastern Mediterranean
        104, Western Mediterranean 59, Western African 29) when ``year == 2014``, none otherwise.
    replicates : sequence of int, optional
        Replicate numbers to average over (default: those present in the table).

    Returns
    -------
    pandas.DataFrame, shape (n_routes, 5)
        Columns ``route, observed_<year>, simulated_mean, simulated_p05, simulated_p95``. Rows: the
        routes with a sea type in :data:`sim.observed.ROUTE_TYPES` order, then any other route with an
        observed figure or with simulated deaths in ``year`` (a land route whose rows are all 0 is
        left out). ``observed_<year>`` is NaN (written blank) where IOM has none
        (Black Sea).
    """
    deaths_monthly = _pick(deaths_monthly, "deaths_monthly")
    routes = list(dict.fromkeys(r for r, t in observed.ROUTE_TYPES if t == "Sea"))
    if observed_deaths is None:
        observed_deaths = observed.deaths_2014_by_route() if year == 2014 else {}
    in_year = _in_year(deaths_monthly, year)
    with_deaths = in_year.loc[in_year["deaths"] > 0, "route"].dropna().unique()
    extra = [*observed_deaths, *with_deaths]
    routes += [r for r in dict.fromkeys(extra) if r not in routes]
    reps = _replicates(deaths_monthly, replicates)
    index = pd.Index(routes, name="route")
    values = _matrix(in_year, ["route"], "deaths", index, reps)
    table = pd.DataFrame(
        {
            "route": routes,
            f"observed_{year}": [float(observed_deaths.get(r, np.nan)) for r in routes],
        }
    )
    for name, column in _stats(values).items():
        table[name] = column
    return table


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
    detections_monthly = _pick(detections_monthly, "detections_monthly")
    pairs = [tuple(p) for p in observed.ROUTE_TYPES]
    months = [f"{year:04d}-{m:02d}" for m in range(1, 13)]
    index = pd.MultiIndex.from_tuples(
        [(r, t, m) for r, t in pairs for m in months], names=["route", "type", "month"]
    )
    sim = _in_year(detections_monthly, year).assign(
        month=lambda f: f["month"].astype(str).str.slice(0, 7)
    )
    reps = _replicates(detections_monthly, replicates)
    simulated = _matrix(sim, ["route", "type", "month"], "detections", index, reps).mean(axis=1)

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


def syrian_split(
    detections_monthly: pd.DataFrame | Mapping[str, pd.DataFrame],
    year: int = 2014,
    *,
    origin_group: str = "Syria",
    nationality: str = "SYR",
    replicates: Sequence[int] | None = None,
    observed_nationality: pd.DataFrame | None = None,
) -> dict[str, dict[str, float]]:
    """Split of Syrians' detections across Central Med sea, Eastern Med sea and Eastern Med land.

    A validation pattern (V5): the split must emerge from the rules, it is not fitted.

    Parameters
    ----------
    detections_monthly : pandas.DataFrame or mapping of str to DataFrame
        Columns ``replicate`` (optional), ``route``, ``type``, ``origin_group``, ``month``
        (``YYYY-MM``), ``detections`` (persons).
    year : int, default 2014
        Calendar year; 2013 and 2014 have observed figures, other years give NaN.
    origin_group : str, default "Syria"
        The simulated origin group (``nationality_groups.csv``: SYR -> Syria).
    nationality : str, default "SYR"
        The observed nationality (ISO3) in :func:`sim.observed.nationality_annual`.
    replicates : sequence of int, optional
        Replicate numbers to average over (default: those present in the table).
    observed_nationality : pandas.DataFrame, optional
        Annual detections by route, type and nationality (``year, route, type, nat_iso3,
        detections``); default :func:`sim.observed.nationality_annual`.

    Returns
    -------
    dict of str to dict of str to float
        Keyed ``"Central Mediterranean/Sea"``, ``"Eastern Mediterranean/Sea"``,
        ``"Eastern Mediterranean/Land"``; each value has ``observed``, ``simulated_mean``,
        ``simulated_p05``, ``simulated_p95`` (persons) and ``observed_share``, ``simulated_share``
        (share of the three pairs' sum, 0-1; NaN when that sum is 0).

    Notes
    -----
    Observed: Frontex detections by route, type and nationality
    (``frontex_ibc_annual_by_route_nationality_2013_2014.csv``, rows ``nat_iso3 == "SYR"``; Frontex
    migratory-map data, 2025 revision, via ``iom/gdidata``): 2014 Central Mediterranean 39,651,
    Eastern Mediterranean sea 27,025 and land 4,648 (2013: 11,503 / 5,361 / 7,366).
    """
    detections_monthly = _pick(detections_monthly, "detections_monthly")
    pairs = list(SYRIAN_SPLIT_PAIRS)
    index = pd.MultiIndex.from_tuples(pairs, names=["route", "type"])
    frame = _in_year(detections_monthly, year)
    frame = frame[frame["origin_group"] == origin_group]
    reps = _replicates(detections_monthly, replicates)
    stats = _stats(_matrix(frame, ["route", "type"], "detections", index, reps))

    nat = observed.nationality_annual() if observed_nationality is None else observed_nationality
    nat = nat[(nat["year"] == year) & (nat["nat_iso3"] == nationality)]
    obs = nat.groupby(["route", "type"])["detections"].sum().reindex(index).to_numpy(dtype=float)
    obs_total = np.nansum(obs)
    sim_total = stats["simulated_mean"].sum()
    out: dict[str, dict[str, float]] = {}
    for i, (route, type_) in enumerate(pairs):
        out[f"{route}/{type_}"] = {
            "observed": float(obs[i]),
            **{name: float(column[i]) for name, column in stats.items()},
            "observed_share": float(obs[i] / obs_total) if obs_total > 0 else float("nan"),
            "simulated_share": float(stats["simulated_mean"][i] / sim_total)
            if sim_total > 0
            else float("nan"),
        }
    return out


def route_share_summary(by_route: pd.DataFrame) -> pd.DataFrame:
    """Each route/type pair's share of the ten pairs' detections, observed and simulated.

    Parameters
    ----------
    by_route : pandas.DataFrame
        The output of :func:`detections_by_route` (the ``Total`` row is ignored).

    Returns
    -------
    pandas.DataFrame, shape (10, 5)
        Columns ``route, type, observed_share, simulated_share, share_difference`` (shares 0-1 of the
        sum over pairs; difference simulated minus observed, in share points).

    Examples
    --------
    >>> t = pd.DataFrame({"route": ["A", "B", "Total"], "type": ["Sea", "Land", ""],
    ...                   "observed_2014": [30.0, 10.0, 41.0], "simulated_mean": [20.0, 20.0, 40.0]})
    >>> route_share_summary(t)["share_difference"].round(2).tolist()
    [-0.25, 0.25]
    """
    rows = by_route[by_route["route"] != "Total"]
    obs_col = next(c for c in rows.columns if c.startswith("observed_"))
    out = rows[["route", "type"]].reset_index(drop=True)
    out["observed_share"] = (rows[obs_col] / rows[obs_col].sum()).to_numpy()
    out["simulated_share"] = (rows["simulated_mean"] / rows["simulated_mean"].sum()).to_numpy()
    out["share_difference"] = out["simulated_share"] - out["observed_share"]
    return out


#: Columns of the validation table (:func:`validation_table`), one row per figure.
VALIDATION_COLUMNS = [
    "year", "measure", "scope", "route", "type", "observed", "simulated_mean", "simulated_p05",
    "simulated_p95", "relative_error", "source",
]

#: The monthly forecasters compared by averaged relative difference: the model and two naive ones.
FORECASTERS = ("model", "naive_previous_year_shares", "naive_same_month_previous_year")


def _pair_month_matrix(monthly: pd.DataFrame, year: int) -> np.ndarray:
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
    prev = _pair_month_matrix(observed_monthly, year - 1)
    this = _pair_month_matrix(observed_monthly, year)
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


def covered_years(crossings_or_detections: pd.DataFrame) -> list[int]:
    """Calendar years with all twelve months present in a run's monthly table.

    Parameters
    ----------
    crossings_or_detections : pandas.DataFrame
        A table with a ``month`` column (``YYYY-MM``), e.g. ``crossings_by_edge``.

    Returns
    -------
    list of int, ascending

    Examples
    --------
    >>> covered_years(pd.DataFrame({"month": [f"2013-{m:02d}" for m in range(1, 13)] + ["2014-01"]}))
    [2013]
    """
    months = pd.Series(crossings_or_detections["month"].astype(str).str.slice(0, 7).unique())
    per_year = months.str.slice(0, 4).value_counts()
    return sorted(int(y) for y, n in per_year.items() if n == 12)


def _window_months(year: int, window: tuple[str, str] | None) -> tuple[list[int], list[int]]:
    """Months (1-12) of ``year`` inside and outside ``window`` (``YYYY-MM`` inclusive)."""
    if window is None:
        return [], []
    inside = [m for m in range(1, 13) if window[0] <= f"{year:04d}-{m:02d}" <= window[1]]
    return inside, [m for m in range(1, 13) if m not in inside]


def _sim_pair_month(detections_monthly: pd.DataFrame, year: int, reps: list[int]) -> np.ndarray:
    """Simulated detections, shape (10 pairs, 12 months, replicates)."""
    pairs = [tuple(p) for p in observed.ROUTE_TYPES]
    months = [f"{year:04d}-{m:02d}" for m in range(1, 13)]
    index = pd.MultiIndex.from_tuples(
        [(r, t, m) for r, t in pairs for m in months], names=["route", "type", "month"]
    )
    frame = _in_year(detections_monthly, year).assign(
        month=lambda f: f["month"].astype(str).str.slice(0, 7)
    )
    values = _matrix(frame, ["route", "type", "month"], "detections", index, reps)
    return values.reshape(len(pairs), 12, len(reps))


def _row(year, measure, scope, route, type_, obs, values, source) -> dict:
    """One validation row from an observed figure and the replicates' values (1-D)."""
    values = np.asarray(values, dtype=float)
    mean = float(values.mean()) if values.size else float("nan")
    p05, p95 = (np.percentile(values, [5, 95]) if values.size else (np.nan, np.nan))
    obs = float(obs) if obs is not None else float("nan")
    err = (mean - obs) / obs if obs == obs and obs > 0 else float("nan")
    return {"year": year, "measure": measure, "scope": scope, "route": route, "type": type_,
            "observed": obs, "simulated_mean": mean, "simulated_p05": float(p05),
            "simulated_p95": float(p95), "relative_error": err, "source": source}


def validation_table(
    tables: Mapping[str, pd.DataFrame],
    year: int,
    observed_tables: observed.ObservedTables | None = None,
    *,
    window: tuple[str, str] | None = None,
    replicates: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Every comparison of one year of a run with the observed tables, as one long table.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        A run's ``detections_monthly`` (``replicate, route, type, origin_group, month,
        detections``) and ``crossings_by_edge`` (``replicate, month, frontex_route, deaths``) or
        ``deaths_monthly`` (``replicate, route, month, deaths``).
    year : int
        Calendar year compared (the run should cover it: :func:`covered_years`).
    observed_tables : sim.observed.ObservedTables, optional
        Default :func:`sim.observed.load_observed` (the shipped tables).
    window : tuple of str, optional
        ``(first, last)`` months ``YYYY-MM`` of a calibration window: adds ``in_window`` and
        ``out_of_window`` rows for the months of ``year`` inside and outside it.
    replicates : sequence of int, optional
        Replicates to average over (default those present in ``detections_monthly``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`VALIDATION_COLUMNS`. Rows (``measure``, ``scope``):

        - ``detections``, ``year``: the ten route/type pairs and ``Total`` (persons); observed
          from the annual table when it has ``year`` (``Total`` its published total, ``Other``
          included), else the sums of the monthly series (``source`` says which);
        - ``detections``, ``in_window`` / ``out_of_window``: the same over the months of ``year``
          inside / outside ``window``, observed from the monthly series;
        - ``syrians`` (the three pairs of :data:`SYRIAN_SPLIT_PAIRS`, persons) and
          ``syrians_share`` (``simulated_mean`` the simulated share of the three pairs' sum,
          interval across replicates' shares), when the nationality table has ``year``;
        - ``deaths``: every sea route and any route with observed or simulated deaths, and
          ``Total`` over the routes with an observed figure (persons; observed NaN where IOM has
          none, e.g. Black Sea);
        - ``ard``: route = forecaster (:data:`FORECASTERS`), ``scope`` ``year``, ``in_window``,
          ``out_of_window``: the monthly averaged relative difference over the ten pairs
          (``simulated_mean``: the model's ARD of the replicates' mean, or the naive forecast's;
          p05/p95 of the model's per-replicate ARDs; ``observed`` 0, the perfect score).

        ``relative_error`` = (simulated_mean - observed) / observed, NaN where observed is 0 or
        missing.

    Examples
    --------
    >>> det = pd.DataFrame({"replicate": 0, "route": "Black Sea", "type": "Sea",
    ...     "origin_group": "Syria", "month": [f"2014-{m:02d}" for m in range(1, 13)],
    ...     "detections": 36.0})
    >>> t = validation_table({"detections_monthly": det}, 2014)
    >>> r = t[(t.measure == "detections") & (t.route == "Black Sea")].iloc[0]
    >>> float(r.observed), float(r.simulated_mean), round(float(r.relative_error), 3)
    (433.0, 432.0, -0.002)
    """
    obs_t = observed.load_observed() if observed_tables is None else observed_tables
    det = tables["detections_monthly"]
    reps = _replicates(det, replicates)
    pairs = [tuple(p) for p in observed.ROUTE_TYPES]
    rows: list[dict] = []

    sim = _sim_pair_month(det, year, reps)  # (10, 12, R)
    obs_m = _pair_month_matrix(obs_t.monthly, year)
    has_monthly = bool((obs_t.monthly["year"] == year).any())
    annual = obs_t.annual
    if annual is not None and (annual["year"] == year).any():
        a = annual[annual["year"] == year]
        routes = a[a["route"] != "Other"].groupby(["route", "type"])["detections"].sum()
        obs_pairs = [float(routes.get(p, np.nan)) for p in pairs]
        obs_total = float(a["detections"].sum())
        source = "annual table"
    elif has_monthly:
        obs_pairs = list(obs_m.sum(axis=1))
        obs_total = float(obs_t.monthly.loc[obs_t.monthly["year"] == year, "detections"].sum())
        source = "monthly series (sum)"
    else:
        obs_pairs, obs_total, source = [np.nan] * len(pairs), np.nan, "no observed figure"
    for i, (route, type_) in enumerate(pairs):
        rows.append(_row(year, "detections", "year", route, type_, obs_pairs[i],
                         sim[i].sum(axis=0), source))
    rows.append(_row(year, "detections", "year", "Total", "", obs_total,
                     sim.sum(axis=(0, 1)), source))

    inside, outside = _window_months(year, window)
    scopes = [("in_window", inside), ("out_of_window", outside)] if window else []
    for scope, months in scopes:
        if not months or not has_monthly:
            continue
        cols = [m - 1 for m in months]
        label = f"monthly series, {year}-{months[0]:02d}..{year}-{months[-1]:02d}"
        for i, (route, type_) in enumerate(pairs):
            rows.append(_row(year, "detections", scope, route, type_, obs_m[i, cols].sum(),
                             sim[i][cols].sum(axis=0), label))
        rows.append(_row(year, "detections", scope, "Total", "", obs_m[:, cols].sum(),
                         sim[:, cols].sum(axis=(0, 1)), label))

    nat = obs_t.nationality
    if nat is not None and (nat["year"] == year).any() and "origin_group" in det.columns:
        split = syrian_split(det, year, replicates=reps, observed_nationality=nat)
        frame = _in_year(det, year)
        frame = frame[frame["origin_group"] == "Syria"]
        index = pd.MultiIndex.from_tuples(list(SYRIAN_SPLIT_PAIRS), names=["route", "type"])
        values = _matrix(frame, ["route", "type"], "detections", index, reps)  # (3, R)
        sums = values.sum(axis=0)
        shares = np.divide(values, sums, out=np.full_like(values, np.nan), where=sums > 0)
        for i, (route, type_) in enumerate(SYRIAN_SPLIT_PAIRS):
            v = split[f"{route}/{type_}"]
            rows.append(_row(year, "syrians", "year", route, type_, v["observed"], values[i],
                             "nationality table, SYR"))
            share_row = _row(year, "syrians_share", "year", route, type_, v["observed_share"],
                             shares[i][~np.isnan(shares[i])], "nationality table, SYR")
            share_row["simulated_mean"] = v["simulated_share"]
            obs_share = v["observed_share"]
            share_row["relative_error"] = (
                (v["simulated_share"] - obs_share) / obs_share if obs_share > 0 else np.nan
            )
            rows.append(share_row)

    if "deaths_monthly" in tables:
        dm = tables["deaths_monthly"]
    elif "crossings_by_edge" in tables:
        cb = tables["crossings_by_edge"]
        cb = cb[cb["frontex_route"].fillna("") != ""]
        keys = [c for c in ("replicate", "frontex_route", "month") if c in cb.columns]
        dm = cb.groupby(keys, as_index=False)["deaths"].sum().rename(
            columns={"frontex_route": "route"})
    else:
        dm = None
    if dm is not None:
        obs_deaths: dict[str, float] = {}
        if obs_t.deaths is not None:
            d = obs_t.deaths[obs_t.deaths["year"] == year]
            obs_deaths = {str(k): float(v) for k, v in d.groupby("route")["dead_missing"].sum().items()}
        table = deaths_by_route(dm, year, observed_deaths=obs_deaths, replicates=reps)
        in_year = _in_year(dm, year)
        index = pd.Index(table["route"], name="route")
        values = _matrix(in_year, ["route"], "deaths", index, reps)
        source = "IOM dead and missing" if obs_deaths else "no observed figure"
        for i, route in enumerate(table["route"]):
            rows.append(_row(year, "deaths", "year", route, "", obs_deaths.get(route, np.nan),
                             values[i], source))
        if obs_deaths:
            mask = np.array([r in obs_deaths for r in table["route"]])
            rows.append(_row(year, "deaths", "year", "Total", "", sum(obs_deaths.values()),
                             values[mask].sum(axis=0), "IOM dead and missing, routes with a figure"))

    if has_monthly:
        naive = naive_forecasts(obs_t.monthly, year)
        all_scopes = [("year", list(range(1, 13))), *[(s, m) for s, m in scopes if m]]
        mean = sim.mean(axis=2)
        for scope, months in all_scopes:
            per_rep = [monthly_ard(sim[:, :, k], obs_m, months) for k in range(sim.shape[2])]
            row = _row(year, "ard", scope, "model", "", 0.0, per_rep, "monthly series")
            row["simulated_mean"] = monthly_ard(mean, obs_m, months)
            row["relative_error"] = np.nan
            rows.append(row)
            for name in FORECASTERS[1:]:
                if name not in naive:
                    continue
                value = monthly_ard(naive[name], obs_m, months)
                row = _row(year, "ard", scope, name, "", 0.0, [value], "monthly series")
                row["relative_error"] = np.nan
                rows.append(row)
    return pd.DataFrame(rows, columns=VALIDATION_COLUMNS)
