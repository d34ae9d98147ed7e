"""The figures of analyses across scenarios or parameters: a comparison's forest plot and monthly
difference (:mod:`sim.compare`), the sensitivity indices (:mod:`sim.sensitivity`) and a calibration's
convergence (:mod:`sim.calibrate`), each with the set of a results folder by file stem."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from sim.labels import route_order
from sim.plots.canvas import OTHER_COLOUR, ROUTE_COLOURS, Figure, add_footer, count_axis, new_figure

__all__ = [
    "comparison_forest",
    "comparison_monthly",
    "comparison_figures",
    "sensitivity_figure",
    "sensitivity_figures",
    "calibration_convergence",
    "calibration_figures",
    "OBSERVED_TARGETS_SOURCE",
]

#: The observed data a calibration's loss compares with, when they are the shipped tables (the
#: footer of its convergence figure); a folder given with ``--observed`` is named instead.
OBSERVED_TARGETS_SOURCE = ("Frontex detections by route and type (Annual Risk Analysis 2015, monthly "
                           "series) and IOM deaths, shipped with routesim (sim/data/README.md)")


#: Width of one panel of :func:`comparison_forest` (inches), and of one character of its row labels.
FOREST_PANEL_IN = 3.4
FOREST_LABEL_IN_PER_CHAR = 0.062
#: A forest panel's title is wrapped at this many characters (9 pt in :data:`FOREST_PANEL_IN`).
FOREST_TITLE_CHARS = 40


def _with(info: Mapping[str, Any] | None, **keys: Any) -> dict[str, Any] | None:
    """``info`` with ``keys`` added where it has none of its own; None without ``info``."""
    if not info:
        return None
    return {**{k: v for k, v in keys.items() if v is not None}, **info}


def comparison_forest(comparison: pd.DataFrame, year: int | None = None,
                      info: Mapping[str, Any] | None = None) -> Figure:
    """Forest plot of paired differences (variant - base) with their intervals: metrics by row, variants by column.

    Parameters
    ----------
    comparison : pandas.DataFrame
        ``comparison.csv`` of :func:`sim.compare.compare_outcomes` (``variant, metric, route, type,
        year, base_mean, variant_mean, difference_mean, difference_low, difference_high``).
    year : int, optional
        Year shown (default the last one in the table).
    info : mapping, optional
        The comparison's provenance (:func:`~sim.plots.canvas.footer_text`: base ``scenario``,
        ``variants``, ``run_id``, ``replicates``, ``persons_per_agent``...), written in a footer; no
        footer without it.

    Returns
    -------
    matplotlib.figure.Figure
        One row of panels per metric (arrivals, deaths, detections...; each on its own scale, shared
        by the variants), one column per variant. Rows are the outcomes with a non-zero base or
        variant mean, routes in the Frontex order with ``Total`` last; a dot at the mean difference
        (persons), filled where the interval excludes 0 (``distinguishable``), and a bar over its
        interval (none with one replicate); a line at zero.
    """
    year = int(comparison["year"].max()) if year is None else year
    comparison = comparison.fillna({"type": ""})  # read back from comparison.csv: no type is NaN
    table = comparison[(comparison["year"] == year)
                       & ((comparison["base_mean"] != 0) | (comparison["variant_mean"] != 0))]
    variants = list(dict.fromkeys(comparison["variant"])) or [""]
    rows = table.drop_duplicates(["metric", "route", "type"])[["metric", "route", "type"]]
    metrics = list(dict.fromkeys(rows["metric"])) or [""]
    rows = rows.iloc[sorted(range(len(rows)), key=lambda k: (
        metrics.index(rows["metric"].iloc[k]), *route_order(str(rows["route"].iloc[k]), str(rows["type"].iloc[k]))))]
    counts = [max(int((rows["metric"] == m).sum()), 1) for m in metrics]
    labels = [f"{r.metric}: {r.route}" + (f" / {r.type}" if r.type else "") for r in rows.itertuples()]
    # room for the row labels (7 pt) beside panels wide enough for their title and four count ticks
    label_in = FOREST_LABEL_IN_PER_CHAR * max((len(label) for label in labels), default=0)
    fig = new_figure(label_in + FOREST_PANEL_IN * len(variants) + 0.4,
                     1.5 + 0.28 * sum(counts) + 0.55 * len(metrics))
    # one row of panels per metric (its own scale: deaths are not lost beside detections), one
    # column per variant; a metric's panels share their scale across the variants
    axes = fig.subplots(len(metrics), len(variants), squeeze=False, sharex="row",
                        gridspec_kw={"height_ratios": counts})
    dist = (table["distinguishable"].astype("object").where(table["distinguishable"].notna(), False)
            .astype(bool) if "distinguishable" in table else pd.Series(False, index=table.index))
    intervals = bool(table["difference_low"].notna().any())
    for m, metric in enumerate(metrics):
        mine = rows[rows["metric"] == metric]
        n = len(mine)
        position = {(r.route, r.type): n - 1 - k for k, r in enumerate(mine.itertuples())}
        for v, variant in enumerate(variants):
            ax = axes[m][v]
            part = table[(table["variant"] == variant) & (table["metric"] == metric)]
            y = np.asarray([position[(r.route, r.type)] for r in part.itertuples()], dtype=float)
            mean = part["difference_mean"].to_numpy(dtype=float)
            low = part["difference_low"].to_numpy(dtype=float)
            high = part["difference_high"].to_numpy(dtype=float)
            colours = np.asarray([ROUTE_COLOURS.get(r, OTHER_COLOUR) for r in part["route"]], dtype=object)
            filled = dist.loc[part.index].to_numpy(dtype=bool)
            has = ~np.isnan(low)
            ax.hlines(y[has], low[has], high[has], colors=list(colours[has]), lw=2)
            ax.scatter(mean[filled], y[filled], c=list(colours[filled]), zorder=3, s=22)
            ax.scatter(mean[~filled], y[~filled], facecolors="white", edgecolors=list(colours[~filled]),
                       zorder=3, s=22, linewidths=1.4)
            ax.axvline(0, color="black", lw=0.8)
            if m == 0:
                ax.set_title(textwrap.fill(f"{variant} - base, {year}", FOREST_TITLE_CHARS)
                             + ("\nfilled dot: the interval excludes 0" if intervals
                                else "\nno intervals (1 replicate)"), fontsize=9)
            if m == len(metrics) - 1:
                ax.set_xlabel("paired difference (persons)")
            count_axis(ax.xaxis, nbins=4)
            ax.tick_params(axis="x", labelsize=7)
            ax.grid(axis="x", alpha=0.3)
            ax.set_ylim(-0.7, n - 0.3)
            ax.set_yticks(range(n - 1, -1, -1),
                          [lab for lab, r in zip(labels, rows.itertuples(), strict=True) if r.metric == metric]
                          if v == 0 else [""] * n, fontsize=7)
    if info:
        add_footer(fig, info)
    return fig


def comparison_monthly(monthly: pd.DataFrame, info: Mapping[str, Any] | None = None) -> Figure:
    """Monthly paired difference of total detections (variant - base) with its interval band.

    Parameters
    ----------
    monthly : pandas.DataFrame
        ``monthly_difference.csv`` (``variant, month, difference_mean, difference_low,
        difference_high``; month ``YYYY-MM``).
    info : mapping, optional
        As :func:`comparison_forest`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = new_figure(9.0, 3.6)
    ax = fig.subplots()
    for variant, part in monthly.groupby("variant", sort=False):
        x = pd.to_datetime(part["month"].astype(str) + "-01")
        line = ax.plot(x, part["difference_mean"], lw=1.5, label=str(variant))[0]
        low = part["difference_low"].to_numpy(dtype=float)
        if not np.isnan(low).all():
            ax.fill_between(x, low, part["difference_high"].to_numpy(dtype=float),
                            color=line.get_color(), alpha=0.25, lw=0)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_ylabel("detections, variant - base\n(persons per month)", fontsize=9)
    count_axis(ax.yaxis)
    ax.set_title("Monthly paired difference in total detections (band: interval of the mean)",
                 fontsize=9)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    if info:
        add_footer(fig, info)
    return fig


def comparison_figures(result: Any, info: Mapping[str, Any] | None = None) -> dict[str, Figure]:
    """The figures of a comparison's results folder, by file stem.

    Parameters
    ----------
    result : sim.compare.ComparisonResult
        ``comparison`` and ``monthly`` are drawn.
    info : mapping, optional
        The comparison's provenance (:func:`sim.io.provenance.figure_info` with ``variants``),
        written in a footer on each figure with the table it draws; no footer without it.

    Returns
    -------
    dict of str to Figure
        ``forest`` (:func:`comparison_forest`) and ``monthly_difference`` (:func:`comparison_monthly`).
    """
    return {"forest": comparison_forest(result.comparison,
                                        info=_with(info, simulated="comparison.csv of this folder")),
            "monthly_difference": comparison_monthly(
                result.monthly, info=_with(info, simulated="monthly_difference.csv of this folder"))}


def sensitivity_figure(indices: pd.DataFrame, method: str, max_outputs: int = 6,
                       info: Mapping[str, Any] | None = None) -> Figure:
    """Sensitivity indices with their confidence half-widths, one panel per output.

    Parameters
    ----------
    indices : pandas.DataFrame
        ``indices.csv`` of :func:`sim.sensitivity.run_sensitivity` (``output, parameter`` and
        ``mu_star, mu_star_conf`` for Morris or ``ST, ST_conf, S1, S1_conf`` for Sobol').
    method : {"morris", "sobol"}
    max_outputs : int, default 6
        Totals first, then the outputs with the largest index.
    info : mapping, optional
        The analysis's provenance (:func:`~sim.plots.canvas.footer_text`: ``scenario``, ``run_id``,
        ``replicates`` per sample point, ``persons_per_agent``, ``method``, ``sample_points``...),
        written in a footer; no footer without it.

    Returns
    -------
    matplotlib.figure.Figure
        Horizontal bars of mu* (Morris) or ST with S1 as dots (Sobol'), error bars the 95 % half-widths.
    """
    key = "mu_star" if method == "morris" else "ST"
    varying = indices.dropna(subset=[key])
    outputs = list(dict.fromkeys(varying["output"]))
    outputs.sort(key=lambda o: (not o.endswith(":Total") and o != "hhi_mean",
                                -varying.loc[varying["output"] == o, key].max()))
    outputs = outputs[:max_outputs] or ["(no output varies)"]
    cols = min(3, len(outputs))
    rows = math.ceil(len(outputs) / cols)
    params = list(dict.fromkeys(indices["parameter"]))
    fig = new_figure(4.2 * cols, 0.9 + rows * (0.6 + 0.25 * len(params)))
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    for ax, output in zip(axes, outputs, strict=False):
        part = varying[varying["output"] == output].set_index("parameter").reindex(params)
        y = np.arange(len(params))[::-1]
        ax.barh(y, part[key], xerr=part[f"{key}_conf"], color="#1f77b4", alpha=0.8,
                error_kw={"lw": 1})
        if method == "sobol":
            ax.scatter(part["S1"], y, color="black", s=12, zorder=3, label="S1")
        ax.set_yticks(y, params, fontsize=7)
        ax.set_title(output, fontsize=9)
        ax.set_xlabel("mu* (output units)" if method == "morris" else "total-order index ST")
        ax.grid(axis="x", alpha=0.3)
    for ax in axes[len(outputs):]:
        ax.set_visible(False)
    if info:
        add_footer(fig, info)
    return fig


def sensitivity_figures(result: Any, info: Mapping[str, Any] | None = None) -> dict[str, Figure]:
    """The figures of a sensitivity analysis's results folder, by file stem.

    Parameters
    ----------
    result : sim.sensitivity.SensitivityResult
        ``indices`` and ``method`` are drawn.
    info : mapping, optional
        The analysis's provenance (:func:`sim.io.provenance.figure_info` with ``method`` and
        ``sample_points``), written in a footer with the table drawn; no footer without it.

    Returns
    -------
    dict of str to Figure
        ``sensitivity`` (:func:`sensitivity_figure`).
    """
    return {"sensitivity": sensitivity_figure(
        result.indices, result.method,
        info=_with(info, simulated="indices.csv of this folder (from outputs.csv)"))}


def calibration_convergence(trials: pd.DataFrame, info: Mapping[str, Any] | None = None) -> Figure:
    """Loss of every calibration trial and the best loss so far, against the trial number.

    Parameters
    ----------
    trials : pandas.DataFrame
        Columns ``number``, ``state``, ``loss`` (the trials table of
        :func:`sim.calibrate.run_calibration`); only ``COMPLETE`` trials are drawn.
    info : mapping, optional
        The calibration's provenance (:func:`~sim.plots.canvas.footer_text`: ``scenario``,
        ``run_id``, ``replicates`` per trial, ``persons_per_agent``, ``trials``, ``budget``,
        ``calibration_seed``, ``window``, ``data_source``...), written in a footer; no footer without it.

    Returns
    -------
    matplotlib.figure.Figure
        Dots: each trial's loss; line: the running minimum (log scale when every loss is > 0).
    """
    fig = new_figure(7.0, 4.0)
    ax = fig.add_subplot(1, 1, 1)
    done = trials[trials["state"] == "COMPLETE"].sort_values("number")
    x, y = done["number"].to_numpy(), done["loss"].to_numpy(dtype=float)
    ax.plot(x, y, "o", color="0.55", markersize=4, label="trial")
    if len(y):
        ax.step(x, np.minimum.accumulate(y), where="post", color="C3", label="best so far")
        if np.all(y > 0):
            ax.set_yscale("log")
    ax.set_xlabel("trial")
    ax.set_ylabel("loss (C1 + C2 + C3 + monthly ARD)")
    ax.set_title("Calibration convergence")
    ax.legend(frameon=False)
    if info:
        add_footer(fig, info)
    return fig


def calibration_figures(result: Any, info: Mapping[str, Any] | None = None) -> dict[str, Figure]:
    """The figures of a calibration's results folder, by file stem.

    Parameters
    ----------
    result : sim.calibrate.CalibrationResult
        ``trials`` are drawn; ``extra["observed_source"]`` (``shipped`` or a folder) names the
        observed data of the loss in the footer.
    info : mapping, optional
        The calibration's provenance (:func:`sim.io.provenance.figure_info` with ``trials``,
        ``budget``, ``calibration_seed`` and ``window``), written in a footer with the table drawn and
        the observed data; no footer without it.

    Returns
    -------
    dict of str to Figure
        ``convergence`` (:func:`calibration_convergence`).
    """
    source = getattr(result, "extra", {}).get("observed_source", "shipped")
    observed = OBSERVED_TARGETS_SOURCE if source == "shipped" else f"tables of {source}"
    return {"convergence": calibration_convergence(
        result.trials, info=_with(info, simulated="trials.parquet of this folder", data_source=observed))}
