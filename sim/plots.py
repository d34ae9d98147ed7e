"""Figures of a run: route map, detections by route against Frontex, monthly series.

The only module that imports matplotlib. Figures are built as :class:`matplotlib.figure.Figure`
objects attached to an Agg canvas, without pyplot: nothing global is touched (no backend switch, no
figure registry), so the functions work in scripts, worker processes and notebooks alike, where the
returned figure is displayed by the notebook itself.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim import observed as observed_data

# Figures are drawn on Agg canvases whatever the environment asks for: a notebook passes e.g.
# MPLBACKEND=module://matplotlib_inline.backend_inline to `!routesim ...`, and importing matplotlib
# raises ValueError when that backend cannot be used (matplotlib-inline not installed). Then the
# variable is hidden while matplotlib is imported again (pyplot is never used here, so no backend is
# selected) and put back afterwards. A usable MPLBACKEND (a notebook kernel's own) is left alone.
try:
    import matplotlib  # noqa: F401
except ValueError:
    _mplbackend = os.environ.pop("MPLBACKEND", None)
    for _name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        del sys.modules[_name]
    try:
        import matplotlib  # noqa: F401
    finally:
        if _mplbackend is not None:
            os.environ["MPLBACKEND"] = _mplbackend
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

__all__ = [
    "ROUTE_COLOURS",
    "route_map",
    "detections_by_route_bar",
    "monthly_series",
    "save_figures",
    "fee_ranges",
    "route_shift_figure",
    "hub_persistence_figure",
    "enterprise_concentration_figure",
    "experiment_figures",
    "comparison_forest",
    "comparison_monthly",
    "sensitivity_figure",
]

#: One colour per Frontex route (canonical names of the data README), colour-blind-safe where possible.
ROUTE_COLOURS: dict[str, str] = {
    "Central Mediterranean": "#d62728",
    "Eastern Mediterranean": "#1f77b4",
    "Western Balkan": "#9467bd",
    "Western Mediterranean": "#2ca02c",
    "Circular route from Albania to Greece": "#8c564b",
    "Eastern Borders": "#e377c2",
    "Western African": "#ff7f0e",
    "Black Sea": "#17becf",
}
_OTHER_COLOUR = "#7f7f7f"


def _new_figure(width_in: float, height_in: float) -> Figure:
    """A figure on its own Agg canvas (no pyplot state)."""
    fig = Figure(figsize=(width_in, height_in), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _as_frame(rows: pd.DataFrame | Iterable[Any]) -> pd.DataFrame:
    """A DataFrame from a DataFrame, or from row models (pydantic) or mappings."""
    if isinstance(rows, pd.DataFrame):
        return rows
    records = []
    for row in rows:
        if hasattr(row, "model_dump"):
            records.append(row.model_dump(mode="json"))
        elif isinstance(row, Mapping):
            records.append(dict(row))
        else:
            records.append(vars(row))
    return pd.DataFrame.from_records(records)


def _label(value: Any) -> str:
    """A table cell as a label: empty for None/NaN, ``;``-joined for a list of kinds."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, list | tuple | set | frozenset):
        return ";".join(str(v) for v in value)
    return str(value)


def route_map(
    nodes: pd.DataFrame | Iterable[Any],
    segments: pd.DataFrame | Iterable[Any],
    crossings_by_edge: pd.DataFrame | None = None,
) -> Figure:
    """Map of the route graph on longitude/latitude with edge width by flow.

    Parameters
    ----------
    nodes : DataFrame or iterable of rows
        Places with ``name``, ``lat``, ``lon`` (degrees WGS84) and ``kind`` (``;``-joined kinds).
        Scenario row models (``scenario.nodes``) are accepted as they are.
    segments : DataFrame or iterable of rows
        Directed segments with ``source``, ``target`` and ``frontex_route`` (empty except on edges
        entering the EU).
    crossings_by_edge : pandas.DataFrame, optional
        Columns ``edge`` (``A->B``), ``attempts``, ``prevented`` (persons), any number of replicates
        and months. An edge's flow is the mean over replicates of ``attempts - prevented`` summed
        over months: persons who set off across it. Without it, all edges are drawn thin.

    Returns
    -------
    matplotlib.figure.Figure
        One axes (x longitude, y latitude, aspect corrected for the mean latitude). One line per
        segment whose endpoints both have coordinates (``len(ax.lines) == n_segments``), width
        0.4-6 pt growing with the square root of flow; EU-entry edges coloured by Frontex route
        (legend), others grey. Market nodes (hub, departure) are drawn larger and labelled.

    Notes
    -----
    Positions are the nodes' coordinates: no force layout (``spring_layout`` is slow and unseeded).
    """
    node_frame = _as_frame(nodes)
    seg_frame = _as_frame(segments)
    pos = {
        str(r["name"]): (float(r["lon"]), float(r["lat"]))
        for _, r in node_frame.iterrows()
        if not (pd.isna(r["lat"]) or pd.isna(r["lon"]))
    }

    flow: dict[str, float] = {}
    if crossings_by_edge is not None and len(crossings_by_edge):
        c = crossings_by_edge
        moved = (c["attempts"] - c["prevented"]).clip(lower=0)
        n_reps = c["replicate"].nunique() if "replicate" in c.columns else 1
        flow = (moved.groupby(c["edge"]).sum() / max(n_reps, 1)).to_dict()
    max_flow = max(flow.values(), default=0.0)

    fig = _new_figure(11, 8)
    ax = fig.add_subplot()
    routes_drawn: list[str] = []
    for _, seg in seg_frame.iterrows():
        a, b = str(seg["source"]), str(seg["target"])
        if a not in pos or b not in pos:
            continue
        f = flow.get(f"{a}->{b}", 0.0)
        width = 0.4 + (5.6 * math.sqrt(f / max_flow) if max_flow > 0 else 0.0)
        route = _label(seg.get("frontex_route"))
        colour = ROUTE_COLOURS.get(route, _OTHER_COLOUR) if route else "#b0b0b0"
        if route and route not in routes_drawn:
            routes_drawn.append(route)
        ax.plot(
            [pos[a][0], pos[b][0]],
            [pos[a][1], pos[b][1]],
            color=colour,
            linewidth=width,
            alpha=0.85 if route else 0.6,
            solid_capstyle="round",
            zorder=3 if route else 2,
        )

    kinds = node_frame.get("kind", pd.Series([""] * len(node_frame))).map(_label)
    market = kinds.str.contains("hub|departure", regex=True)
    xs = node_frame["lon"].astype(float)
    ys = node_frame["lat"].astype(float)
    ax.scatter(xs[~market], ys[~market], s=8, color="#404040", zorder=4, label="place")
    ax.scatter(
        xs[market], ys[market], s=28, color="black", marker="s", zorder=5, label="market node"
    )
    for (_, r), is_market in zip(node_frame.iterrows(), market, strict=True):
        if is_market and str(r["name"]) in pos:
            ax.annotate(
                str(r["name"]),
                pos[str(r["name"])],
                xytext=(3, 3),
                textcoords="offset points",
                fontsize=6,
                zorder=6,
            )

    order = list(ROUTE_COLOURS)
    routes_drawn.sort(key=lambda r: order.index(r) if r in order else len(order))
    handles = [
        Line2D([], [], color=ROUTE_COLOURS.get(r, _OTHER_COLOUR), linewidth=3, label=r)
        for r in routes_drawn
    ]
    if handles:
        ax.legend(handles=handles, title="EU entry, Frontex route", fontsize=7, loc="lower left")
    if len(ys):
        ax.set_aspect(1.0 / max(math.cos(math.radians(float(ys.mean()))), 0.1))
    ax.set_xlabel("longitude (deg)")
    ax.set_ylabel("latitude (deg)")
    title = "Route graph"
    if max_flow > 0:
        title += f": edge width by persons setting off (max {max_flow:,.0f} per replicate)"
    ax.set_title(title)
    return fig


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

    fig = _new_figure(9, 0.45 * len(rows) + 1.5)
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
    fig = _new_figure(12, 2.2 * n_rows + 0.6)
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
    fig = _new_figure(10, 3.6)
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


def save_figures(figures: Mapping[str, Figure], folder: str | Path, dpi: int = 120) -> list[Path]:
    """Save figures as PNG files named after their keys.

    Parameters
    ----------
    figures : mapping of str to Figure
        File stem (``route_map`` gives ``route_map.png``) to figure.
    folder : str or Path
        Target folder, created if missing.
    dpi : int, default 120
        Resolution (dots per inch).

    Returns
    -------
    list of Path
        The written files, in the mapping's order.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, fig in figures.items():
        path = folder / f"{name}.png"
        fig.savefig(path, dpi=dpi, format="png")
        paths.append(path)
    return paths


def _band(values: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, p05 and p95 across the columns (replicates) of a table, row by row."""
    v = values.to_numpy(dtype=float)
    if v.shape[1] == 0:
        z = np.zeros(v.shape[0])
        return z, z, z
    p05, p95 = np.percentile(v, [5, 95], axis=1)
    return v.mean(axis=1), p05, p95


def fee_ranges(fee_table: pd.DataFrame) -> Figure:
    """Simulated leg prices by service level against the observed fee ranges (V4).

    Parameters
    ----------
    fee_table : pandas.DataFrame
        :func:`sim.experiments.fee_comparison`: ``fee_segment, service_level, observed_low_eur,
        observed_high_eur, simulated_mean_eur, simulated_p05_eur, simulated_p95_eur``.

    Returns
    -------
    matplotlib.figure.Figure
        One axes, one row per fee segment: the observed range as a grey bar (one bar patch per
        segment) and the simulated mean (marker) with its p05-p95 range (line) per service level
        (basic, standard, premium). EUR per person, log scale.
    """
    segments = list(dict.fromkeys(fee_table["fee_segment"]))
    fig = _new_figure(10, 0.5 * len(segments) + 1.6)
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
    return fig


def route_shift_figure(monthly: pd.DataFrame, edge: str, shock_month: str = "2012-08") -> Figure:
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

    Returns
    -------
    matplotlib.figure.Figure
        Two axes: first entries on the shocked edge per arm (mean line, p05-p95 band), and the
        paired difference shocked minus counterfactual (mean over replicates) on the other
        EU-entry route/type pairs, one line per pair with any difference. Persons per month.
    """
    fig = _new_figure(11, 7)
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    months = sorted(monthly["month"].unique())
    x = pd.PeriodIndex(months, freq="M").to_timestamp().to_numpy() if months else np.array([])
    reps = sorted(monthly["replicate"].unique())
    colours = {"shocked": "#d62728", "counterfactual": "#404040"}
    for arm in ("counterfactual", "shocked"):
        m = monthly[(monthly["arm"] == arm) & (monthly["group"] == edge)]
        table = m.pivot_table(index="month", columns="replicate", values="first_entries", aggfunc="sum")
        table = table.reindex(index=months, columns=reps).fillna(0.0)
        mean, p05, p95 = _band(table)
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
        ax2.plot(x, diff, label=group, color=ROUTE_COLOURS.get(route, _OTHER_COLOUR),
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
    return fig


def hub_persistence_figure(throughput: pd.DataFrame, top: int = 15) -> Figure:
    """Hub throughput in the first against the second window, baseline and ablation (V2).

    Parameters
    ----------
    throughput : pandas.DataFrame
        ``arm`` (baseline, ablation), ``replicate``, ``window`` (first, second), ``node``,
        ``throughput`` (persons per day).
    top : int, default 15
        Hubs shown: the busiest in the first window of each arm (mean over replicates).

    Returns
    -------
    matplotlib.figure.Figure
        One axes per arm (log-log scatter, one labelled point per hub, mean over replicates) with
        the diagonal.
    """
    arms = [a for a in ("baseline", "ablation") if a in set(throughput["arm"])]
    fig = _new_figure(6 * max(len(arms), 1), 5.5)
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
    return fig


def enterprise_concentration_figure(levels: list[Mapping[str, Any]]) -> Figure:
    """Enterprise structure against the enforcement level (V3).

    Parameters
    ----------
    levels : list of mapping
        The ``levels`` of the enterprise-concentration summary: ``level`` and ``enterprises``,
        ``hhi``, ``mean_members``, ``mean_segments``, ``package_share`` with ``_p05``/``_p95``.

    Returns
    -------
    matplotlib.figure.Figure
        Five axes (one per key): ensemble mean with p05-p95 error bars against the effort
        multiplier.
    """
    keys = [("enterprises", "enterprises (count)"), ("hhi", "HHI (0-1)"), ("mean_members", "mean members"),
            ("mean_segments", "mean segments served"), ("package_share", "package share")]
    fig = _new_figure(14, 3.4)
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
    return fig


def experiment_figures(result: Any) -> dict[str, Figure]:
    """The figures of an experiment result, by file stem.

    Parameters
    ----------
    result : sim.experiments.ExperimentResult

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
    if result.name == "route-shift":
        return {"route_shift": route_shift_figure(t["monthly_first_entries"], s["shocked_edge"])}
    if result.name == "hub-persistence":
        return {"hub_persistence": hub_persistence_figure(t["hub_throughput"], s.get("top_hubs", 15))}
    if result.name == "enterprise-concentration":
        return {"enterprise_concentration": enterprise_concentration_figure(s["levels"])}
    if result.name == "segmented-market":
        return {"fee_ranges": fee_ranges(t["fee_comparison"])}
    raise KeyError(f"no figures for experiment {result.name!r}")


def comparison_forest(comparison: pd.DataFrame, year: int | None = None) -> Figure:
    """Forest plot of paired differences (variant - base) with their intervals, one panel per variant.

    Parameters
    ----------
    comparison : pandas.DataFrame
        ``comparison.csv`` of :func:`sim.compare.compare_outcomes` (``variant, metric, route, type,
        year, base_mean, variant_mean, difference_mean, difference_low, difference_high``).
    year : int, optional
        Year shown (default the last one in the table).

    Returns
    -------
    matplotlib.figure.Figure
        Rows are the outcomes with a non-zero base or variant mean; a dot at the mean difference
        (persons) and a bar over its interval (none with one replicate); a line at zero.
    """
    year = int(comparison["year"].max()) if year is None else year
    table = comparison[(comparison["year"] == year)
                       & ((comparison["base_mean"] != 0) | (comparison["variant_mean"] != 0))]
    variants = list(dict.fromkeys(comparison["variant"]))
    rows = table.drop_duplicates(["metric", "route", "type"])[["metric", "route", "type"]]
    n = max(len(rows), 1)
    fig = _new_figure(5.0 * max(len(variants), 1), 1.2 + 0.28 * n)
    axes = fig.subplots(1, max(len(variants), 1), sharey=True, squeeze=False)[0]
    labels = [f"{r.metric}: {r.route}" + (f" / {r.type}" if r.type else "") for r in rows.itertuples()]
    position = {(r.metric, r.route, r.type): n - 1 - i for i, r in enumerate(rows.itertuples())}
    for ax, variant in zip(axes, variants, strict=False):
        part = table[table["variant"] == variant]
        y = [position[(r.metric, r.route, r.type)] for r in part.itertuples()]
        mean = part["difference_mean"].to_numpy(dtype=float)
        low = part["difference_low"].to_numpy(dtype=float)
        high = part["difference_high"].to_numpy(dtype=float)
        colours = [ROUTE_COLOURS.get(r, _OTHER_COLOUR) for r in part["route"]]
        has = ~np.isnan(low)
        ax.hlines(np.asarray(y)[has], low[has], high[has], colors=np.asarray(colours)[has], lw=2)
        ax.scatter(mean, y, c=colours, zorder=3, s=18)
        ax.axvline(0, color="black", lw=0.8)
        ax.set_title(f"{variant} - base, {year}", fontsize=9)
        ax.set_xlabel("paired difference (persons)")
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(range(n - 1, -1, -1), labels or [""], fontsize=7)
    return fig


def comparison_monthly(monthly: pd.DataFrame) -> Figure:
    """Monthly paired difference of total detections (variant - base) with its interval band.

    Parameters
    ----------
    monthly : pandas.DataFrame
        ``monthly_difference.csv`` (``variant, month, difference_mean, difference_low,
        difference_high``; month ``YYYY-MM``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = _new_figure(9.0, 3.6)
    ax = fig.subplots()
    for variant, part in monthly.groupby("variant", sort=False):
        x = pd.to_datetime(part["month"].astype(str) + "-01")
        line = ax.plot(x, part["difference_mean"], lw=1.5, label=str(variant))[0]
        low = part["difference_low"].to_numpy(dtype=float)
        if not np.isnan(low).all():
            ax.fill_between(x, low, part["difference_high"].to_numpy(dtype=float),
                            color=line.get_color(), alpha=0.25, lw=0)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_ylabel("detections: variant - base (persons / month)")
    ax.set_title("Monthly paired difference in total detections (band: interval of the mean)",
                 fontsize=9)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def sensitivity_figure(indices: pd.DataFrame, method: str, max_outputs: int = 6) -> Figure:
    """Sensitivity indices with their confidence half-widths, one panel per output.

    Parameters
    ----------
    indices : pandas.DataFrame
        ``indices.csv`` of :func:`sim.sensitivity.run_sensitivity` (``output, parameter`` and
        ``mu_star, mu_star_conf`` for Morris or ``ST, ST_conf, S1, S1_conf`` for Sobol').
    method : {"morris", "sobol"}
    max_outputs : int, default 6
        Totals first, then the outputs with the largest index.

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
    fig = _new_figure(4.2 * cols, 0.9 + rows * (0.6 + 0.25 * len(params)))
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
    return fig


def calibration_convergence(trials: pd.DataFrame) -> Figure:
    """Loss of every calibration trial and the best loss so far, against the trial number.

    Parameters
    ----------
    trials : pandas.DataFrame
        Columns ``number``, ``state``, ``loss`` (the trials table of
        :func:`sim.calibrate.run_calibration`); only ``COMPLETE`` trials are drawn.

    Returns
    -------
    matplotlib.figure.Figure
        Dots: each trial's loss; line: the running minimum (log scale when every loss is > 0).
    """
    fig = _new_figure(7.0, 4.0)
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
    return fig
