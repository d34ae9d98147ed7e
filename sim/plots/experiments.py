"""The figures of the experiments (:mod:`sim.experiments`): route shift (V1), hub persistence (V2),
enterprise concentration (V3) and the segmented market's fee ranges (V4)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from sim.plots.canvas import OTHER_COLOUR, ROUTE_COLOURS, Figure, add_footer, band, new_figure

__all__ = [
    "fee_ranges",
    "route_shift_figure",
    "hub_persistence_figure",
    "enterprise_concentration_figure",
    "experiment_figures",
    "FEES_SOURCE",
]

#: The observed fee ranges of :func:`fee_ranges` (its footer).
FEES_SOURCE = "smuggling_fees.csv shipped with routesim (sim/data/README.md)"


def _with(info: Mapping[str, Any] | None, **keys: Any) -> dict[str, Any] | None:
    """``info`` with ``keys`` added where it has none of its own; None without ``info``."""
    if not info:
        return None
    return {**{k: v for k, v in keys.items() if v is not None}, **info}


def fee_ranges(fee_table: pd.DataFrame, info: Mapping[str, Any] | None = None) -> Figure:
    """Simulated leg prices by service level against the observed fee ranges (V4).

    Parameters
    ----------
    fee_table : pandas.DataFrame
        :func:`sim.experiments.fee_comparison`: ``fee_segment, service_level, observed_low_eur,
        observed_high_eur, simulated_mean_eur, simulated_p05_eur, simulated_p95_eur``.
    info : mapping, optional
        The experiment's provenance (keys of ``manifest.json``: ``kind``, ``scenario``, ``run_id``,
        ``replicates``, ``persons_per_agent``...), written in a footer
        (:func:`~sim.plots.canvas.footer_text`); the observed fees are
        named as :data:`FEES_SOURCE` unless it has ``data_source``; no footer without it.

    Returns
    -------
    matplotlib.figure.Figure
        One axes, one row per fee segment: the observed range as a grey bar (one bar patch per
        segment) and the simulated mean (marker) with its p05-p95 range (line) per service level
        (basic, standard, premium). EUR per person, log scale.
    """
    segments = list(dict.fromkeys(fee_table["fee_segment"]))
    fig = new_figure(10, 0.5 * len(segments) + 1.6)
    ax = fig.add_subplot()
    y = np.arange(len(segments))
    obs = fee_table.drop_duplicates("fee_segment").set_index("fee_segment").reindex(segments)
    width = np.maximum(obs["observed_high_eur"] - obs["observed_low_eur"], 0.03 * obs["observed_low_eur"])
    ax.barh(y, width, left=obs["observed_low_eur"],
            height=0.7, color="#c0c0c0", label="observed range (smuggling_fees.csv)")
    offsets = {"basic": -0.22, "standard": 0.0, "premium": 0.22}
    colours = {"basic": "#ff7f0e", "standard": "#1f77b4", "premium": "#2ca02c"}
    pos = {s: i for i, s in enumerate(segments)}
    for level, off in offsets.items():
        rows = fee_table[(fee_table["service_level"] == level) & fee_table["simulated_mean_eur"].notna()]
        if not len(rows):
            continue
        yy = np.array([pos[s] for s in rows["fee_segment"]]) + off
        ax.hlines(yy, rows["simulated_p05_eur"], rows["simulated_p95_eur"], color=colours[level], linewidth=1.5)
        ax.plot(rows["simulated_mean_eur"], yy, "o", color=colours[level], markersize=4,
                label=f"simulated {level}: mean, p05-p95")
    ax.set_yticks(y, segments, fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("price per person (EUR, log scale)")
    ax.set_title("Segmented market: simulated leg prices by service level vs observed fee ranges", fontsize=10)
    ax.legend(fontsize=7, loc="lower right")
    if info:
        add_footer(fig, {"data_source": FEES_SOURCE, **info})
    return fig


def route_shift_figure(monthly: pd.DataFrame, edge: str, shock_month: str = "2012-08",
                       info: Mapping[str, Any] | None = None) -> Figure:
    """First entries per month, shocked against counterfactual arm (V1).

    Parameters
    ----------
    monthly : pandas.DataFrame
        ``arm`` (shocked, counterfactual), ``replicate``, ``month`` (``YYYY-MM``), ``group`` (the
        shocked edge or a ``Route/Type``), ``first_entries`` (persons).
    edge : str
        The shocked edge (first panel).
    shock_month : str, default "2012-08"
        Marked with a vertical line.
    info : mapping, optional
        The experiment's provenance (keys of ``manifest.json``: ``kind``, ``scenario``, ``run_id``,
        ``replicates``, ``persons_per_agent``...), written in a footer
        (:func:`~sim.plots.canvas.footer_text`); no footer without it.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes: first entries on the shocked edge per arm (mean line, p05-p95 band), and the
        paired difference shocked minus counterfactual (mean over replicates) on the other
        EU-entry route/type pairs, one line per pair with any difference. Persons per month.
    """
    fig = new_figure(11, 7)
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    months = sorted(monthly["month"].unique())
    x = pd.PeriodIndex(months, freq="M").to_timestamp().to_numpy() if months else np.array([])
    reps = sorted(monthly["replicate"].unique())
    colours = {"shocked": "#d62728", "counterfactual": "#404040"}
    for arm in ("counterfactual", "shocked"):
        m = monthly[(monthly["arm"] == arm) & (monthly["group"] == edge)]
        table = m.pivot_table(index="month", columns="replicate", values="first_entries", aggfunc="sum")
        table = table.reindex(index=months, columns=reps).fillna(0.0)
        mean, p05, p95 = band(table)
        ax1.fill_between(x, p05, p95, color=colours[arm], alpha=0.2, linewidth=0)
        ax1.plot(x, mean, color=colours[arm], label=arm)
    ax1.set_ylabel("first entries (persons/month)")
    ax1.set_title(f"{edge}: shocked vs counterfactual (mean, p05-p95)", fontsize=10)
    ax1.legend(fontsize=8)
    others = monthly[monthly["group"] != edge]
    table = others.pivot_table(index=["group", "month"], columns="arm", values="first_entries", aggfunc="sum").fillna(0.0)
    n = max(len(reps), 1)
    for group in sorted(others["group"].unique()):
        if group not in table.index.get_level_values(0):
            continue
        g = table.loc[group].reindex(months).fillna(0.0)
        diff = (g.get("shocked", 0.0) - g.get("counterfactual", 0.0)) / n
        diff = np.asarray(diff, dtype=float) * np.ones(len(months))
        if np.allclose(diff, 0):
            continue
        route = group.split("/")[0]
        ax2.plot(x, diff, label=group, color=ROUTE_COLOURS.get(route, OTHER_COLOUR),
                 linestyle="--" if group.endswith("/Land") else "-")
    ax2.axhline(0, color="black", linewidth=0.6)
    ax2.set_ylabel("shocked - counterfactual\n(persons/month)")
    ax2.set_title("Other EU-entry edges by route/type (shocked edge excluded): paired difference, mean over replicates", fontsize=10)
    if ax2.lines[1:]:
        ax2.legend(fontsize=7, ncol=2)
    if len(x):
        t = pd.Period(shock_month, freq="M").to_timestamp()
        for ax in (ax1, ax2):
            ax.axvline(t, color="grey", linestyle=":", linewidth=1)
    if info:
        add_footer(fig, info)
    return fig


def hub_persistence_figure(throughput: pd.DataFrame, top: int = 15,
                           info: Mapping[str, Any] | None = None) -> Figure:
    """Hub throughput in the first against the second window, baseline and ablation (V2).

    Parameters
    ----------
    throughput : pandas.DataFrame
        ``arm`` (baseline, ablation), ``replicate``, ``window`` (first, second), ``node``,
        ``throughput`` (persons per day).
    top : int, default 15
        Hubs shown: the busiest in the first window of each arm (mean over replicates).
    info : mapping, optional
        The experiment's provenance (keys of ``manifest.json``: ``kind``, ``scenario``, ``run_id``,
        ``replicates``, ``persons_per_agent``...), written in a footer
        (:func:`~sim.plots.canvas.footer_text`); no footer without it.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per arm (log-log scatter, one labelled point per hub, mean over replicates) with
        the diagonal.
    """
    arms = [a for a in ("baseline", "ablation") if a in set(throughput["arm"])]
    fig = new_figure(6 * max(len(arms), 1), 5.5)
    axes = fig.subplots(1, max(len(arms), 1), squeeze=False).ravel()
    for ax, arm in zip(axes, arms, strict=False):
        t = throughput[throughput["arm"] == arm].groupby(["window", "node"])["throughput"].mean().unstack("window")
        t = t.reindex(columns=["first", "second"]).fillna(0.0).sort_values("first", ascending=False).head(top)
        floor = 0.01
        xs, ys = t["first"].clip(lower=floor), t["second"].clip(lower=floor)
        ax.scatter(xs, ys, color="#1f77b4", s=18)
        for node, a, b in zip(t.index, xs, ys, strict=True):
            ax.annotate(str(node), (a, b), xytext=(3, 2), textcoords="offset points", fontsize=7)
        hi = float(max(xs.max() if len(xs) else 1, ys.max() if len(ys) else 1)) * 1.5
        ax.plot([floor, hi], [floor, hi], color="grey", linewidth=0.8, linestyle=":")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("throughput, first window (persons/day)")
        ax.set_ylabel("throughput, second window (persons/day)")
        ax.set_title(f"{arm}: {len(t)} busiest hubs (mean over replicates)", fontsize=10)
    if info:
        add_footer(fig, info)
    return fig


def enterprise_concentration_figure(levels: list[Mapping[str, Any]],
                                    info: Mapping[str, Any] | None = None) -> Figure:
    """Enterprise structure against the enforcement level (V3).

    Parameters
    ----------
    levels : list of mapping
        The ``levels`` of the enterprise-concentration summary: ``level`` and ``enterprises``,
        ``hhi``, ``mean_members``, ``mean_segments``, ``package_share`` with ``_p05``/``_p95``.
    info : mapping, optional
        The experiment's provenance (keys of ``manifest.json``: ``kind``, ``scenario``, ``run_id``,
        ``replicates``, ``persons_per_agent``...), written in a footer
        (:func:`~sim.plots.canvas.footer_text`); no footer without it.

    Returns
    -------
    matplotlib.figure.Figure
        Five axes (one per key): ensemble mean with p05-p95 error bars against the effort
        multiplier.
    """
    keys = [("enterprises", "enterprises (count)"), ("hhi", "HHI (0-1)"), ("mean_members", "mean members"),
            ("mean_segments", "mean segments served"), ("package_share", "package share")]
    fig = new_figure(14, 3.4)
    axes = fig.subplots(1, len(keys))
    x = np.array([float(e["level"]) for e in levels])
    for ax, (k, label) in zip(axes, keys, strict=True):
        def get(suffix, k=k):
            return np.array([np.nan if e.get(k + suffix) is None else float(e[k + suffix]) for e in levels])

        mean, lo, hi = get(""), get("_p05"), get("_p95")
        err = np.vstack([np.clip(mean - lo, 0, None), np.clip(hi - mean, 0, None)])
        ax.errorbar(x, mean, yerr=np.nan_to_num(err), marker="o", capsize=3, color="#1f77b4")
        ax.set_xlabel("effort multiplier")
        ax.set_title(label, fontsize=9)
        ax.tick_params(labelsize=7)
    fig.suptitle("Western Libyan coast market nodes, pooled: quarterly means over the year (mean, p05-p95)",
                 fontsize=10)
    if info:
        add_footer(fig, info)
    return fig


def experiment_figures(result: Any, info: Mapping[str, Any] | None = None) -> dict[str, Figure]:
    """The figures of an experiment result, by file stem.

    Parameters
    ----------
    result : sim.experiments.ExperimentResult
    info : mapping, optional
        The experiment's provenance (:func:`sim.io.provenance.figure_info` with ``kind``), written
        in a footer on each figure with the table it draws; no footer without it.

    Returns
    -------
    dict of str to Figure
        route-shift: ``route_shift``; hub-persistence: ``hub_persistence``;
        enterprise-concentration: ``enterprise_concentration``; segmented-market: ``fee_ranges``.

    Raises
    ------
    KeyError
        For an experiment without figures.
    """
    s, t = result.summary, result.tables

    def drawn(source: str) -> dict[str, Any] | None:
        return _with(info, simulated=f"{source} of this folder")

    if result.name == "route-shift":
        return {"route_shift": route_shift_figure(t["monthly_first_entries"], s["shocked_edge"],
                                                  info=drawn("monthly_first_entries.csv"))}
    if result.name == "hub-persistence":
        return {"hub_persistence": hub_persistence_figure(t["hub_throughput"], s.get("top_hubs", 15),
                                                          info=drawn("hub_throughput.csv"))}
    if result.name == "enterprise-concentration":
        return {"enterprise_concentration": enterprise_concentration_figure(
            s["levels"], info=drawn("summary.json (levels)"))}
    if result.name == "segmented-market":
        return {"fee_ranges": fee_ranges(t["fee_comparison"], info=drawn("fee_comparison.csv"))}
    raise KeyError(f"no figures for experiment {result.name!r}")
