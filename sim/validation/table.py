"""The validation table: every comparison of one year of a run with the observed tables, one row per
figure (what ``routesim validate`` prints and writes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from sim import observed
from sim.validation.monthly import (
    FORECASTERS,
    monthly_ard,
    naive_forecasts,
    observed_pair_month,
    simulated_pair_month,
)
from sim.validation.replicates import replicate_matrix, replicate_numbers, rows_in_year
from sim.validation.routes import SYRIAN_SPLIT_PAIRS, deaths_matrix, syrian_split

#: Columns of the validation table (:func:`validation_table`), one row per figure.
VALIDATION_COLUMNS = [
    "year", "measure", "scope", "route", "type", "observed", "simulated_mean", "simulated_p05",
    "simulated_p95", "relative_error", "source",
]


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


def split_by_window(year: int, window: tuple[str, str] | None) -> tuple[list[int], list[int]]:
    """Months (1-12) of ``year`` inside and outside ``window`` (``YYYY-MM`` inclusive)."""
    if window is None:
        return [], []
    inside = [m for m in range(1, 13) if window[0] <= f"{year:04d}-{m:02d}" <= window[1]]
    return inside, [m for m in range(1, 13) if m not in inside]


def _no_figure(name: str, observed_table: pd.DataFrame | None) -> str:
    """The ``source`` of rows without an observed figure, naming the years the table has."""
    if observed_table is None or observed_table.empty:
        return f"no observed figure: no {name} table"
    years = sorted({int(y) for y in observed_table["year"]})
    return f"no observed figure: the {name} table has {', '.join(map(str, years))}"


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
          inside / outside ``window``, observed from the monthly series (``Total`` every route of
          the series, ``Other`` included, as the year's: 107,339 for all of 2013, the annual table's
          too; the ten pairs' sum is 107,335);
        - ``syrians`` (the three pairs of :data:`SYRIAN_SPLIT_PAIRS`, persons) and
          ``syrians_share`` (``simulated_mean`` the simulated share of the three pairs' sum,
          interval across replicates' shares), when ``detections_monthly`` has ``origin_group``;
          observed NaN and ``source`` ``"no observed figure: ..."`` (naming the years the
          nationality table has) for a year the table lacks (2012 in the shipped tables);
        - ``deaths``: every sea route and any route with observed or simulated deaths, and
          ``Total`` over the routes with an observed figure (persons; observed NaN where IOM has
          none, e.g. Black Sea; ``type`` empty: a route's deaths are on its sea and land segments
          together);
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
    reps = replicate_numbers(det, replicates)
    pairs = [tuple(p) for p in observed.ROUTE_TYPES]
    rows: list[dict] = []

    sim = simulated_pair_month(det, year, reps)  # (10, 12, R)
    obs_m = observed_pair_month(obs_t.monthly, year)
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

    year_rows = obs_t.monthly[obs_t.monthly["year"] == year]
    inside, outside = split_by_window(year, window)
    scopes = [("in_window", inside), ("out_of_window", outside)] if window else []
    for scope, months in scopes:
        if not months or not has_monthly:
            continue
        cols = [m - 1 for m in months]
        label = f"monthly series, {year}-{months[0]:02d}..{year}-{months[-1]:02d}"
        for i, (route, type_) in enumerate(pairs):
            rows.append(_row(year, "detections", scope, route, type_, obs_m[i, cols].sum(),
                             sim[i][cols].sum(axis=0), label))
        # Total: every route of the series in those months, "Other" too, as the year's Total
        obs_total_months = float(year_rows.loc[year_rows["month"].isin(months), "detections"].sum())
        rows.append(_row(year, "detections", scope, "Total", "", obs_total_months,
                         sim[:, cols].sum(axis=(0, 1)), label))

    nat = obs_t.nationality
    if "origin_group" in det.columns:
        if nat is not None and (nat["year"] == year).any():
            syr_source = "nationality table, SYR"
        else:  # e.g. 2012: the simulated Syrians, and a note that nothing was observed
            syr_source = _no_figure("nationality", nat)
            nat = pd.DataFrame(columns=["year", "route", "type", "nat_iso3", "detections"])
        split = syrian_split(det, year, replicates=reps, observed_nationality=nat)
        frame = rows_in_year(det, year)
        frame = frame[frame["origin_group"] == "Syria"]
        index = pd.MultiIndex.from_tuples(list(SYRIAN_SPLIT_PAIRS), names=["route", "type"])
        values = replicate_matrix(frame, ["route", "type"], "detections", index, reps)  # (3, R)
        sums = values.sum(axis=0)
        shares = np.divide(values, sums, out=np.full_like(values, np.nan), where=sums > 0)
        for i, (route, type_) in enumerate(SYRIAN_SPLIT_PAIRS):
            v = split[f"{route}/{type_}"]
            rows.append(_row(year, "syrians", "year", route, type_, v["observed"], values[i],
                             syr_source))
            share_row = _row(year, "syrians_share", "year", route, type_, v["observed_share"],
                             shares[i][~np.isnan(shares[i])], syr_source)
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
        routes, obs, values = deaths_matrix(dm, year, obs_deaths, reps)
        source = "IOM dead and missing" if obs_deaths else _no_figure("IOM", obs_t.deaths)
        for i, route in enumerate(routes):
            label = "IOM dead and missing, routes with a figure" if route == "Total" else source
            rows.append(_row(year, "deaths", "year", route, "", obs[i], values[i], label))

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
