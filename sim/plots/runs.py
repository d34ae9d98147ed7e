"""The figures of a run's results folder: the route map, detections by route against Frontex, the
monthly series and the adaptive agencies' surges (:func:`run_figures`, DESIGN section 6)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from sim import observed as observed_data
from sim.plots.canvas import Figure, new_figure
from sim.plots.maps import route_map

__all__ = ["detections_by_route_bar", "monthly_series", "enforcement_surges", "run_figures"]


def detections_by_route_bar(table: pd.DataFrame) -> Figure:
    """Simulated against observed detections by route and type (horizontal bars, log scale).

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`sim.validation.detections_by_route` (the ``Total`` row is left out of
        the bars and given in the title).

    Returns
    -------
    matplotlib.figure.Figure
        One axes, two bars per route/type pair (observed, then simulated mean with a p05-p95 error
        bar); ``2 * n_pairs`` bar patches. Counts are persons, x axis logarithmic.
    """
    obs_col = next(c for c in table.columns if c.startswith("observed_"))
    year = obs_col.removeprefix("observed_")
    rows = table[table["route"] != "Total"].reset_index(drop=True)
    labels = [f"{r} ({t})" for r, t in zip(rows["route"], rows["type"], strict=True)]
    y = np.arange(len(rows))
    height = 0.38
    mean = rows["simulated_mean"].to_numpy(dtype=float)
    err = np.vstack(
        [
            np.clip(mean - rows["simulated_p05"].to_numpy(dtype=float), 0, None),
            np.clip(rows["simulated_p95"].to_numpy(dtype=float) - mean, 0, None),
        ]
    )

    fig = new_figure(9, 0.45 * len(rows) + 1.5)
    ax = fig.add_subplot()
    ax.barh(y - height / 2, rows[obs_col], height, color="#404040", label=f"observed {year}")
    ax.barh(
        y + height / 2,
        mean,
        height,
        xerr=err,
        color="#1f77b4",
        ecolor="black",
        capsize=2,
        label="simulated mean (p05-p95)",
    )
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    positive = np.concatenate([rows[obs_col].to_numpy(dtype=float), mean])
    if np.nanmax(np.where(positive > 0, positive, np.nan), initial=0) > 0:
        ax.set_xscale("log")
    ax.set_xlabel("detections (persons, log scale)")
    total = table[table["route"] == "Total"]
    title = f"Detections of illegal border-crossing {year} by Frontex route"
    if len(total):
        t = total.iloc[0]
        title += f"\nTotal: observed {t[obs_col]:,.0f}, simulated {t['simulated_mean']:,.0f}"
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    return fig


def monthly_series(
    detections_monthly: pd.DataFrame,
    observed_monthly: pd.DataFrame | None = None,
    years: tuple[int, int] = (2012, 2014),
) -> Figure:
    """Monthly detections by route and type, simulated against observed (small multiples).

    Parameters
    ----------
    detections_monthly : pandas.DataFrame
        Columns ``replicate`` (optional), ``route``, ``type``, ``month`` (``YYYY-MM``),
        ``detections`` (persons); other columns are summed over.
    observed_monthly : pandas.DataFrame, optional
        Columns ``year, month`` (1-12), ``route, type, detections``; default
        :func:`sim.observed.monthly` (Frontex revised monthly series).
    years : (int, int), default (2012, 2014)
        First and last calendar year shown (inclusive).

    Returns
    -------
    matplotlib.figure.Figure
        One axes per route/type pair of :data:`sim.observed.ROUTE_TYPES` (ten, on a 5 x 2 grid), each
        with two lines (observed in black, simulated mean in blue) and a shaded p05-p95 band across
        replicates. Months without rows count 0.
    """
    pairs = [tuple(p) for p in observed_data.ROUTE_TYPES]
    months = pd.period_range(f"{years[0]}-01", f"{years[1]}-12", freq="M")
    labels = [str(m) for m in months]
    x = months.to_timestamp().to_numpy()

    sim = detections_monthly.copy()
    sim["month"] = sim["month"].astype(str).str.slice(0, 7)
    if "replicate" not in sim.columns:
        sim["replicate"] = 0
    reps = sorted(sim["replicate"].unique()) or [0]
    cube = (
        sim.groupby(["route", "type", "month", "replicate"])["detections"]
        .sum()
        .unstack("replicate")
        .reindex(
            index=pd.MultiIndex.from_tuples(
                [(r, t, m) for r, t in pairs for m in labels], names=["route", "type", "month"]
            ),
            columns=reps,
        )
        .fillna(0)
        .to_numpy(dtype=float)
        .reshape(len(pairs), len(labels), len(reps))
    )

    if observed_monthly is None:
        observed_monthly = observed_data.monthly()
    obs = observed_monthly.assign(
        label=[
            f"{int(y):04d}-{int(m):02d}"
            for y, m in zip(observed_monthly["year"], observed_monthly["month"], strict=True)
        ]
    )
    obs_values = (
        obs.groupby(["route", "type", "label"])["detections"]
        .sum()
        .reindex(
            pd.MultiIndex.from_tuples([(r, t, m) for r, t in pairs for m in labels]),
        )
        .fillna(0)
        .to_numpy(dtype=float)
        .reshape(len(pairs), len(labels))
    )

    n_cols = 2
    n_rows = math.ceil(len(pairs) / n_cols)
    fig = new_figure(12, 2.2 * n_rows + 0.6)
    axes = fig.subplots(n_rows, n_cols, sharex=True, squeeze=False).ravel()
    for i, (route, type_) in enumerate(pairs):
        ax = axes[i]
        values = cube[i]
        p05, p95 = np.percentile(values, [5, 95], axis=1)
        ax.fill_between(x, p05, p95, color="#1f77b4", alpha=0.25, linewidth=0)
        ax.plot(x, obs_values[i], color="black", linewidth=1.2, label="observed")
        ax.plot(x, values.mean(axis=1), color="#1f77b4", linewidth=1.2, label="simulated mean")
        ax.set_title(f"{route} ({type_})", fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in axes[len(pairs) :]:
        ax.set_visible(False)
    axes[0].legend(fontsize=7, loc="upper left")
    fig.suptitle(
        f"Monthly detections {years[0]}-{years[1]} (persons): Frontex revised series vs "
        "simulated mean, band p05-p95",
        fontsize=10,
    )
    return fig


def enforcement_surges(enforcement: pd.DataFrame) -> Figure:
    """Monthly surge of each adaptive agency: when and how strongly it reacted.

    Parameters
    ----------
    enforcement : pandas.DataFrame
        The ``enforcement`` table: columns ``replicate`` (optional), ``month`` (``YYYY-MM``),
        ``agency``, ``target``, ``policy``, ``surge`` (0-1).

    Returns
    -------
    matplotlib.figure.Figure
        One line per adaptive agency row (mean over replicates, p05-p95 band), surge 0-1 on the y
        axis (1 is a ``patrol_surge`` event at full strength). Without adaptive agencies, one empty
        axes saying so.
    """
    fig = new_figure(10, 3.6)
    ax = fig.subplots()
    table = enforcement[enforcement["policy"].astype(str) == "adaptive"] if len(enforcement) else enforcement
    if not len(table):
        ax.text(0.5, 0.5, "no adaptive agency in this scenario", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    table = table.copy()
    if "replicate" not in table.columns:
        table["replicate"] = 0
    table["label"] = table["agency"].astype(str) + " (" + table["target"].astype(str) + ")"
    for label, rows in table.groupby("label", sort=True):
        cube = rows.pivot_table(index="month", columns="replicate", values="surge", aggfunc="mean").sort_index()
        x = pd.PeriodIndex(cube.index, freq="M").to_timestamp().to_numpy()
        values = cube.to_numpy(dtype=float)
        p05, p95 = np.percentile(values, [5, 95], axis=1)
        (line,) = ax.plot(x, values.mean(axis=1), linewidth=1.4, label=label)
        ax.fill_between(x, p05, p95, color=line.get_color(), alpha=0.2, linewidth=0)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("surge (1 = a patrol surge at full strength)", fontsize=8)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title("Adaptive enforcement: monthly mean surge, band p05-p95 across replicates", fontsize=10)
    return fig


def run_figures(scenario: Any, tables: Mapping[str, pd.DataFrame]) -> dict[str, Figure]:
    """The figures of a run's results folder, by file stem (:data:`sim.io.FIGURE_NAMES`).

    Parameters
    ----------
    scenario : sim.scenario.Scenario
        ``nodes`` and ``segments`` are drawn on the map.
    tables : mapping of str to pandas.DataFrame
        ``crossings_by_edge`` (optional), ``detections_by_route``, ``detections_monthly`` and
        ``enforcement``, as written by :func:`sim.io.write_results`.

    Returns
    -------
    dict of str to Figure
        ``route_map`` (:func:`~sim.plots.maps.route_map`), ``detections_by_route``
        (:func:`detections_by_route_bar`), ``monthly_series`` (:func:`monthly_series`) and
        ``enforcement`` (:func:`enforcement_surges`).
    """
    return {
        "route_map": route_map(scenario.nodes, scenario.segments, tables.get("crossings_by_edge")),
        "detections_by_route": detections_by_route_bar(tables["detections_by_route"]),
        "monthly_series": monthly_series(tables["detections_monthly"]),
        "enforcement": enforcement_surges(tables["enforcement"]),
    }
