"""The enforcement figure of a run's results folder: the adaptive agencies' surges, or, where no agency
is adaptive, the standing effort of each agency (:func:`enforcement_surges`; moved out of
:mod:`sim.plots.runs`, which draws it among the run figures)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from sim.plots.canvas import Figure, Rectangle, add_footer, new_figure

__all__ = ["enforcement_surges", "standing_efforts", "SIDE_COLOURS"]

#: Bar colours of the agencies' sides in :func:`standing_efforts`.
SIDE_COLOURS = {"prevent": "#8c564b", "detect": "#1f77b4"}
OTHER_SIDE_COLOUR = "#7f7f7f"


def enforcement_surges(enforcement: pd.DataFrame, info: Mapping[str, Any] | None = None) -> Figure:
    """Monthly surge of each adaptive agency: when and how strongly it reacted.

    Parameters
    ----------
    enforcement : pandas.DataFrame
        The ``enforcement`` table: columns ``replicate`` (optional), ``month`` (``YYYY-MM``),
        ``agency``, ``target``, ``policy``, ``surge`` (0-1).
    info : mapping, optional
        The run's provenance for the footer (:func:`~sim.plots.canvas.footer_text`).

    Returns
    -------
    matplotlib.figure.Figure
        One line per adaptive agency row (mean over replicates, p05-p95 band), surge 0-1 on the y
        axis (1 is a ``patrol_surge`` event at full strength). Without adaptive agencies there is no
        surge to draw: the figure says so in its title and shows instead the standing effort of
        each agency (:func:`standing_efforts`); without agencies (or without an ``effort``
        column), a framed message.
    """
    table = enforcement[enforcement["policy"].astype(str) == "adaptive"] if len(enforcement) else enforcement
    if not len(table):
        return standing_efforts(enforcement, info)
    fig = new_figure(10, 3.6)
    if info:
        add_footer(fig, info)
    ax = fig.subplots()
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


def standing_efforts(enforcement: pd.DataFrame, info: Mapping[str, Any] | None = None) -> Figure:
    """The standing effort of each enforcement agency: what :func:`enforcement_surges` shows when no
    agency adapts (no surge to draw).

    Parameters
    ----------
    enforcement : pandas.DataFrame
        The ``enforcement`` table: columns ``month``, ``agency``, ``side``, ``effort`` (the standing
        effort, dimensionless), ``replicate`` and ``policy`` optional.
    info : mapping, optional
        The run's provenance for the footer (:func:`~sim.plots.canvas.footer_text`).

    Returns
    -------
    matplotlib.figure.Figure
        One horizontal bar per agency and side: its mean standing effort over its rows (targets) and
        the months, coloured by side (prevent: stops groups before they cross; detect: EU side),
        with the lowest-highest range written where the effort differs between rows or months. The
        title says that no agency adapts. Without rows (or an ``effort`` column), a framed message.
    """
    has = len(enforcement) and {"agency", "effort"} <= set(enforcement.columns)
    n = enforcement["agency"].nunique() if has else 0
    fig = new_figure(10, max(3.0, 1.6 + 0.26 * n))
    if info:
        add_footer(fig, info)
    ax = fig.subplots()
    if not has:
        ax.text(0.5, 0.5, "Nothing to draw: no adaptive agency in this scenario and no standing "
                "effort recorded\n(an agency with policy 'adaptive' in agencies.csv would have a surge)",
                ha="center", va="center", transform=ax.transAxes, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
        return fig
    table = enforcement.copy()
    if "side" not in table.columns:
        table["side"] = ""
    stats = (table.groupby(["agency", "side"], sort=True)["effort"]
             .agg(["mean", "min", "max"]).reset_index().iloc[::-1])
    y = np.arange(len(stats), dtype=float)
    colours = [SIDE_COLOURS.get(str(side), OTHER_SIDE_COLOUR) for side in stats["side"]]
    ax.barh(y, stats["mean"], color=colours, height=0.6)
    for yi, (mean, low, high) in zip(y, stats[["mean", "min", "max"]].to_numpy(dtype=float), strict=True):
        text = f"{mean:.2f}" if low == high else f"{mean:.2f} (range {low:.2f}-{high:.2f})"
        ax.annotate(text, (mean, yi), xytext=(3, 0), textcoords="offset points", va="center",
                    fontsize=7)
    ax.set_yticks(y, [f"{a} ({s})" if s else str(a) for a, s in zip(stats["agency"], stats["side"],
                                                                    strict=True)], fontsize=7)
    ax.set_xlim(0, float(stats["max"].max()) * 1.25 or 1.0)
    ax.set_xlabel("standing effort (dimensionless; agencies.csv, with effort_change events)", fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    handles = [Rectangle((0, 0), 1, 1, color=c) for c in SIDE_COLOURS.values()]
    ax.legend(handles, [f"{side} side" for side in SIDE_COLOURS], fontsize=8, loc="lower right")
    ax.set_title("No adaptive agency in this scenario, so no surge:\nthe standing effort of each agency, "
                 "mean over its\ntargets and the months (range where effort_change\nevents vary it; "
                 "fences and closures are not shown)",
                 fontsize=10)
    return fig
