"""The calibration's targets and loss: C1, C2 (detections by route and type), C3 (deaths at sea) and M
(the monthly series), all inside the calibration window."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim import observed, validation

if TYPE_CHECKING:  # pragma: no cover - typing only
    from sim.scenario import Scenario


#: Default calibration window (inclusive months): July-December 2014 held out.
DEFAULT_WINDOW = ("2012-01", "2014-06")


#: Years of the detection targets C1 and C2.
TARGET_YEARS = (2013, 2014)


#: Year of the deaths target C3.
DEATHS_YEAR = 2014


#: Persons added to simulated and observed detections in the log ratio of C1/C2.
DETECTION_OFFSET = 100.0


#: Persons added to simulated and observed deaths in the log ratio of C3.
DEATHS_OFFSET = 10.0


def window_months(window: tuple[str, str], reported: Sequence[str]) -> list[str]:
    """The months ``YYYY-MM`` of ``window`` (inclusive) that are also in ``reported``.

    Raises
    ------
    ValueError
        If a bound is not ``YYYY-MM`` or the window is empty.

    Examples
    --------
    >>> window_months(("2012-11", "2013-02"), ["2012-12", "2013-01", "2014-01"])
    ['2012-12', '2013-01']
    """
    try:
        months = [str(p) for p in pd.period_range(window[0], window[1], freq="M")]
    except ValueError as err:
        raise ValueError(f"bad window {window[0]}..{window[1]}: {err}") from None
    if not months:
        raise ValueError(f"empty window {window[0]}..{window[1]}")
    have = set(reported)
    return [m for m in months if m in have]


def _pair_obs(obs: observed.ObservedTables, year: int, months: list[int]) -> np.ndarray | None:
    """Observed detections of the ten pairs over ``months`` of ``year`` (None if unknown)."""
    pairs = [tuple(p) for p in observed.ROUTE_TYPES]
    annual = obs.annual
    if len(months) == 12 and annual is not None and (annual["year"] == year).any():
        a = annual[(annual["year"] == year) & (annual["route"] != "Other")]
        s = a.groupby(["route", "type"])["detections"].sum()
        return np.array([float(s.get(p, 0.0)) for p in pairs])
    if not (obs.monthly["year"] == year).any():
        return None
    m = validation.observed_pair_month(obs.monthly, year)
    return m[:, [k - 1 for k in months]].sum(axis=1)


def targets(
    obs: observed.ObservedTables, window: tuple[str, str], reported_months: Sequence[str]
) -> dict[str, Any]:
    """The observed targets inside the window, and the terms left out.

    Parameters
    ----------
    obs : sim.observed.ObservedTables
    window : tuple of str
    reported_months : sequence of str
        The months ``YYYY-MM`` the scenario reports.

    Returns
    -------
    dict
        ``window_months`` (list of str), ``detections`` (year -> {"months": [...], "observed":
        {"route/type": persons}}), ``deaths`` ({"months": [...], "observed": persons, "routes":
        [...]} or None), ``left_out`` (term -> reason).
    """
    months = window_months(window, reported_months)
    if not months:
        raise ValueError(
            f"the window {window[0]}..{window[1]} has no month the scenario reports"
        )
    out: dict[str, Any] = {"window_months": months, "detections": {}, "deaths": None,
                           "left_out": {}}
    pairs = [f"{r}/{t}" for r, t in observed.ROUTE_TYPES]
    for year, term in zip(TARGET_YEARS, ("C1", "C2"), strict=True):
        ms = [int(m[5:]) for m in months if m.startswith(f"{year:04d}-")]
        values = _pair_obs(obs, year, ms) if ms else None
        if values is None:
            out["left_out"][term] = (f"no month of {year} in the window and the scenario"
                                     if not ms else f"no observed detections for {year}")
            continue
        out["detections"][str(year)] = {"term": term, "months": ms,
                                        "observed": dict(zip(pairs, values.tolist(), strict=True))}
    ms = [int(m[5:]) for m in months if m.startswith(f"{DEATHS_YEAR:04d}-")]
    deaths = obs.deaths
    if not ms:
        out["left_out"]["C3"] = f"no month of {DEATHS_YEAR} in the window and the scenario"
    elif deaths is None or not (deaths["year"] == DEATHS_YEAR).any():
        out["left_out"]["C3"] = f"no observed deaths for {DEATHS_YEAR}"
    else:
        d = deaths[deaths["year"] == DEATHS_YEAR]
        routes = sorted(d["route"].unique())
        value = float(d[d["month"].isin(ms)]["dead_missing"].sum())
        out["deaths"] = {"term": "C3", "months": ms, "observed": value, "routes": routes}
    return out


def _weights(obs_values: np.ndarray) -> np.ndarray:
    """Weights proportional to sqrt(observed), summing to 1."""
    w = np.sqrt(np.clip(obs_values, 0.0, None))
    return w / w.sum() if w.sum() > 0 else np.full(len(w), 1.0 / len(w))


def loss_terms(
    tables: Mapping[str, pd.DataFrame],
    target: Mapping[str, Any],
    obs: observed.ObservedTables,
    replicates: Sequence[int],
) -> dict[str, float]:
    """The loss and its terms for one trial's ensemble tables.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        ``detections_monthly`` and ``deaths_monthly`` of :func:`sim.runner.run_ensemble`.
    target : mapping
        The output of :func:`targets`.
    obs : sim.observed.ObservedTables
        For the monthly series of the window.
    replicates : sequence of int
        Replicate numbers (a replicate without rows counts zeros).

    Returns
    -------
    dict of str to float
        ``loss``, ``term:C1``/``term:C2``/``term:C3``/``term:M`` (those used) and
        ``logratio:<year>:<route>/<type>`` for every pair of C1/C2 (signed: > 0 too many).
    """
    det = tables["detections_monthly"]
    reps = list(replicates)
    pairs = [f"{r}/{t}" for r, t in observed.ROUTE_TYPES]
    out: dict[str, float] = {}
    cache: dict[int, np.ndarray] = {}

    def sim_year(year: int) -> np.ndarray:
        if year not in cache:
            cache[year] = validation.simulated_pair_month(det, year, reps).mean(axis=2)  # (10, 12)
        return cache[year]

    for year, spec in target["detections"].items():
        y = int(year)
        cols = [m - 1 for m in spec["months"]]
        sim = sim_year(y)[:, cols].sum(axis=1)
        obs_v = np.array([spec["observed"][p] for p in pairs], dtype=float)
        e = np.log((sim + DETECTION_OFFSET) / (obs_v + DETECTION_OFFSET))
        for p, v in zip(pairs, e, strict=True):
            out[f"logratio:{y}:{p}"] = float(v)
        out[f"term:{spec['term']}"] = float(np.sum(_weights(obs_v) * np.abs(e)))

    if target["deaths"] is not None:
        d = target["deaths"]
        dm = tables["deaths_monthly"]
        months = [f"{DEATHS_YEAR:04d}-{m:02d}" for m in d["months"]]
        rows = dm[dm["month"].astype(str).isin(months) & dm["route"].isin(d["routes"])]
        sim_d = float(rows["deaths"].sum()) / len(reps)
        out["deaths:simulated"] = sim_d
        out["term:C3"] = abs(math.log((sim_d + DEATHS_OFFSET) / (d["observed"] + DEATHS_OFFSET)))

    ards = []
    by_year: dict[int, list[int]] = {}
    for m in target["window_months"]:
        by_year.setdefault(int(m[:4]), []).append(int(m[5:]))
    for y, ms in by_year.items():
        if not (obs.monthly["year"] == y).any():
            continue
        obs_m = validation.observed_pair_month(obs.monthly, y)
        for m in ms:
            value = validation.monthly_ard(sim_year(y), obs_m, [m])
            if value == value:
                ards.append(value)
    if ards:
        out["term:M"] = float(np.mean(ards))
    out["loss"] = float(sum(v for k, v in out.items() if k.startswith("term:")))
    return out


def reported_months(scenario: Scenario) -> list[str]:
    """Months ``YYYY-MM`` from the scenario's start to its end."""
    return [str(p) for p in pd.period_range(scenario.start, scenario.end, freq="M")]
