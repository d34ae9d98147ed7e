"""Annual figures by Frontex route, simulated against observed: detections, deaths, the
Syrians' split across routes, and each route's share of detections."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from sim import observed
from sim.labels import route_order
from sim.validation.replicates import (
    ensemble_stats,
    pick_table,
    replicate_matrix,
    replicate_numbers,
    rows_in_year,
)

#: The three route/type pairs of the Syrians' split (validation pattern V5).
SYRIAN_SPLIT_PAIRS: tuple[tuple[str, str], ...] = (
    ("Central Mediterranean", "Sea"),
    ("Eastern Mediterranean", "Sea"),
    ("Eastern Mediterranean", "Land"),
)


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
    detections_monthly = pick_table(detections_monthly, "detections_monthly")
    pairs = [tuple(p) for p in observed.ROUTE_TYPES]
    reps = replicate_numbers(detections_monthly, replicates)
    index = pd.MultiIndex.from_tuples(pairs, names=["route", "type"])
    values = replicate_matrix(
        rows_in_year(detections_monthly, year), ["route", "type"], "detections", index, reps
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
    for name, column in ensemble_stats(np.vstack([values, totals])).items():
        table[name] = column
    with np.errstate(divide="ignore", invalid="ignore"):
        error = (table["simulated_mean"] - table[obs_col]) / table[obs_col]
    table["relative_error"] = error.where(table[obs_col] > 0)
    return table


def deaths_matrix(
    deaths_monthly: pd.DataFrame | Mapping[str, pd.DataFrame],
    year: int,
    observed_deaths: Mapping[str, float],
    replicates: Sequence[int] | None = None,
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Deaths by Frontex route and replicate, with a ``Total`` over the routes with an observed figure.

    The rows of :func:`deaths_by_route` and of the ``deaths`` measure of
    :func:`sim.validation.validation_table`.

    Parameters
    ----------
    deaths_monthly : pandas.DataFrame or mapping of str to DataFrame
        Columns ``replicate`` (optional), ``route``, ``month`` (``YYYY-MM``), ``deaths`` (persons).
    year : int
        Calendar year compared.
    observed_deaths : mapping of str to number
        Observed deaths by route (may be empty).
    replicates : sequence of int, optional
        Replicate numbers (default: those present in the table); a replicate without a row counts 0.

    Returns
    -------
    routes : list of str
        The routes with a sea type, and any other route with an observed figure or with simulated
        deaths in ``year``, in Frontex's order (:func:`sim.labels.route_order`, as ``routesim
        compare`` lists them), then ``"Total"`` when ``observed_deaths`` has any figure.
    observed : numpy.ndarray, shape (n_rows,)
        Observed deaths (persons), NaN where there is none; the ``Total`` row's is their sum.
    values : numpy.ndarray, shape (n_rows, n_replicates)
        Simulated deaths (persons) by row and replicate; the ``Total`` row's is each replicate's sum
        over the routes with an observed figure.

    Examples
    --------
    >>> d = pd.DataFrame({"replicate": [0, 1, 0], "route": ["Black Sea", "Central Mediterranean",
    ...     "Central Mediterranean"], "month": "2014-03", "deaths": [5, 7, 1]})
    >>> routes, obs, values = deaths_matrix(d, 2014, {"Central Mediterranean": 10})
    >>> routes[-1], float(obs[-1]), values[-1].tolist()
    ('Total', 10.0, [1.0, 7.0])
    """
    deaths_monthly = pick_table(deaths_monthly, "deaths_monthly")
    routes = list(dict.fromkeys(r for r, t in observed.ROUTE_TYPES if t == "Sea"))
    in_year = rows_in_year(deaths_monthly, year)
    with_deaths = in_year.loc[in_year["deaths"] > 0, "route"].dropna().unique()
    extra = [*observed_deaths, *with_deaths]
    routes += [r for r in dict.fromkeys(extra) if r not in routes]
    routes.sort(key=route_order)  # as routesim compare and Frontex's tables list them
    reps = replicate_numbers(deaths_monthly, replicates)
    index = pd.Index(routes, name="route")
    values = replicate_matrix(in_year, ["route"], "deaths", index, reps)
    obs = np.array([float(observed_deaths.get(r, np.nan)) for r in routes])
    if observed_deaths:
        with_figure = np.array([r in observed_deaths for r in routes])
        routes.append("Total")
        obs = np.append(obs, float(sum(observed_deaths.values())))
        values = np.vstack([values, values[with_figure].sum(axis=0, keepdims=True)])
    return routes, obs, values


def deaths_by_route(
    deaths_monthly: pd.DataFrame | Mapping[str, pd.DataFrame],
    year: int = 2014,
    *,
    observed_deaths: Mapping[str, float] | None = None,
    replicates: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Deaths by Frontex route, simulated against IOM's dead and missing.

    The simulated deaths of a route are those on all its labelled segments, sea and land (a run's
    ``deaths_monthly``): the Eastern Mediterranean's include its land border, and a land-only route
    with deaths (e.g. Western Balkan) gets a row without an observed figure.

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
    pandas.DataFrame, shape (n_routes [+ 1], 5)
        Columns ``route, observed_<year>, simulated_mean, simulated_p05, simulated_p95``. Rows: the
        routes with a sea type and any other route with an observed figure or with simulated deaths in
        ``year`` (a land route whose rows are all 0 is left out), in Frontex's order
        (:func:`sim.labels.route_order`), then, when there is an observed figure, a ``Total`` row over the routes with one
        (observed: their sum, 3,318 in 2014; simulated: each replicate's sum over those routes), as
        in ``routesim validate``. ``observed_<year>`` is NaN (written blank) where IOM has none
        (Black Sea).
    """
    if observed_deaths is None:
        observed_deaths = observed.deaths_2014_by_route() if year == 2014 else {}
    routes, obs, values = deaths_matrix(deaths_monthly, year, observed_deaths, replicates)
    table = pd.DataFrame({"route": routes, f"observed_{year}": obs})
    for name, column in ensemble_stats(values).items():
        table[name] = column
    return table


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
    detections_monthly = pick_table(detections_monthly, "detections_monthly")
    pairs = list(SYRIAN_SPLIT_PAIRS)
    index = pd.MultiIndex.from_tuples(pairs, names=["route", "type"])
    frame = rows_in_year(detections_monthly, year)
    frame = frame[frame["origin_group"] == origin_group]
    reps = replicate_numbers(detections_monthly, replicates)
    stats = ensemble_stats(replicate_matrix(frame, ["route", "type"], "detections", index, reps))

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
