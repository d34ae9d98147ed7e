"""The figures of a run's results folder: the route map, detections by route against Frontex, the
monthly series and the adaptive agencies' surges (:func:`run_figures`, DESIGN section 6)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from sim import observed as observed_data
from sim.plots.canvas import Figure, add_footer, as_frame, count_axis, new_figure
from sim.plots.enforcement import enforcement_surges, standing_efforts
from sim.plots.maps import route_map

__all__ = ["detections_by_route_dots", "detections_by_route_bar", "monthly_series", "enforcement_surges",
           "standing_efforts",
           "run_figures", "OBSERVED_SOURCE"]

#: The observed data the run figures compare with (their footer).
OBSERVED_SOURCE = ("Frontex, Annual Risk Analysis 2015 (2014 by route) and revised monthly series "
                   "(sim/data/README.md)")
#: Largest ratio (simulated / observed) that moves the right end of the ratio axis of
#: :func:`detections_by_route_dots`: the axis ends at 1.08 max(2, min(largest ratio, RATIO_CAP)).
RATIO_CAP = 3.0
#: An event's name in the monthly series' key is cut at this many characters.
EVENT_NAME_CHARS = 48
#: Events of the monthly series starting within this many days of a marked event share its line.
EVENT_GROUP_DAYS = 45
#: What an interval shows when there is a single replicate.
ONE_REPLICATE = "n/a (1 replicate)"


def detections_by_route_dots(
    table: pd.DataFrame, replicates: int | None = None, info: Mapping[str, Any] | None = None
) -> Figure:
    """Simulated against observed detections by route and type: dots with 90 % intervals on linear
    axes.

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`sim.validation.detections_by_route` (the ``Total`` row is left out of
        the dots and given in the title).
    replicates : int, optional
        Number of replicates; with 1 (or when every interval has zero width and it is not given),
        no interval is drawn and each row says "n/a (1 replicate)".
    info : mapping, optional
        The run's provenance for the footer (:func:`~sim.plots.canvas.footer_text`).

    Returns
    -------
    matplotlib.figure.Figure
        Two axes sharing the rows (one per route/type pair, largest observed first), both with
        linear x axes: ``axes[0]`` detections (persons) with the observed count as a black
        diamond and the simulated mean as a blue dot with its p05-p95 interval (an error bar),
        each row's numbers written at its right; ``axes[1]`` the ratio simulated / observed (mean
        and interval; rows without observed detections are left empty), with a line at 1, the axis
        ending at 1.08 times the largest ratio (mean or p95) taken between 2 and :data:`RATIO_CAP`
        (a mean beyond the end is a ``>`` at the edge with its value, an interval beyond it is cut,
        and the axis label then says where the axis ends: :func:`_ratio_label`); right of it, each
        row's observed count and simulated mean with its interval (or "n/a (1 replicate)").
    """
    obs_col = next(c for c in table.columns if c.startswith("observed_"))
    year = obs_col.removeprefix("observed_")
    rows = table[table["route"] != "Total"].copy()
    rows = rows.sort_values(obs_col, ascending=False, kind="stable").reset_index(drop=True)
    labels = [f"{r} ({t})" for r, t in zip(rows["route"], rows["type"], strict=True)]
    y = np.arange(len(rows), dtype=float)
    obs = rows[obs_col].to_numpy(dtype=float)
    mean = rows["simulated_mean"].to_numpy(dtype=float)
    p05 = rows["simulated_p05"].to_numpy(dtype=float)
    p95 = rows["simulated_p95"].to_numpy(dtype=float)
    if replicates is None:
        single = bool(len(rows)) and bool(np.all(p05 == p95))
    else:
        single = int(replicates) <= 1

    fig = new_figure(13, 0.48 * len(rows) + 2.0)
    ax, ratio_ax = fig.subplots(1, 2, sharey=True, width_ratios=[3, 2])
    ax.scatter(obs, y - 0.12, marker="D", s=30, color="black", zorder=4, label=f"observed {year}")
    if single:
        ax.scatter(mean, y + 0.12, s=30, color="#1f77b4", zorder=4,
                   label=f"simulated (interval {ONE_REPLICATE})")
    else:
        ax.errorbar(mean, y + 0.12, xerr=np.vstack([np.clip(mean - p05, 0, None), np.clip(p95 - mean, 0, None)]),
                    fmt="o", markersize=5, color="#1f77b4", ecolor="#1f77b4", elinewidth=1.4, capsize=3,
                    zorder=4, label="simulated mean, 90 % interval (p05-p95)")
    top = float(np.nanmax(np.concatenate([obs, p95, mean]), initial=0.0))
    ax.set_xlim(0, top * 1.08 if top > 0 else 1)
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_xlabel("detections (persons, linear scale)")
    ax.ticklabel_format(axis="x", style="plain")
    count_axis(ax.xaxis)
    ax.legend(fontsize=8, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2, frameon=False,
              borderaxespad=0.2)

    with np.errstate(divide="ignore", invalid="ignore"):
        r_mean = np.where(obs > 0, mean / obs, np.nan)
        r_lo = np.where(obs > 0, p05 / obs, np.nan)
        r_hi = np.where(obs > 0, p95 / obs, np.nan)
    ratio_ax.axvline(1.0, color="black", linewidth=0.8, zorder=1)
    ok = ~np.isnan(r_mean)
    if single:
        ratio_ax.scatter(r_mean[ok], y[ok], s=30, color="#1f77b4", zorder=4)
    else:
        ratio_ax.errorbar(r_mean[ok], y[ok], xerr=np.vstack([np.clip(r_mean - r_lo, 0, None)[ok],
                                                              np.clip(r_hi - r_mean, 0, None)[ok]]),
                          fmt="o", markersize=5, color="#1f77b4", elinewidth=1.4, capsize=3, zorder=4)
    # a ratio beyond the cap would squash the others: marked at the edge with its value
    high = float(np.nanmax(np.concatenate([r_hi[ok], r_mean[ok], [1.0]])))
    right = max(2.0, min(high, RATIO_CAP)) * 1.08
    ratio_ax.set_xlim(0, right)
    for i in np.flatnonzero(ok & (r_mean > right)):
        ratio_ax.scatter([right], [y[i]], marker=">", s=40, color="#1f77b4", zorder=5, clip_on=False)
        ratio_ax.annotate(f"{r_mean[i]:,.1f}x", (right, y[i]), xytext=(-6, 0), textcoords="offset points",
                          ha="right", va="center", fontsize=7, color="#1f77b4")
    ratio_ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ratio_ax.set_axisbelow(True)
    ratio_ax.set_xlabel(_ratio_label(right, cut=high > right))
    ratio_ax.tick_params(axis="y", left=False)
    # the numbers of each row, right of the panels
    for i in range(len(rows)):
        interval = ONE_REPLICATE if single else f"{p05[i]:,.0f}-{p95[i]:,.0f}"
        ratio_ax.annotate(f"obs {obs[i]:,.0f}\nsim {mean[i]:,.0f} ({interval})", (1.0, y[i]),
                          xycoords=("axes fraction", "data"), xytext=(6, 0), textcoords="offset points",
                          ha="left", va="center", fontsize=7, color="#303030", gid="row_numbers")

    total = table[table["route"] == "Total"]
    title = f"Detections of illegal border-crossing {year} by Frontex route"
    if len(total):
        t = total.iloc[0]
        title += f": total observed {t[obs_col]:,.0f}, simulated {t['simulated_mean']:,.0f}"
        if not single:
            title += f" ({t['simulated_p05']:,.0f}-{t['simulated_p95']:,.0f})"
    fig.suptitle(title, fontsize=10)
    if info:
        add_footer(fig, {**info, "data_source": info.get("data_source", OBSERVED_SOURCE)})
    return fig


def _ratio_label(right: float, cut: bool) -> str:
    """The x label of the ratio axis of :func:`detections_by_route_dots`.

    Parameters
    ----------
    right : float
        Right end of the axis.
    cut : bool
        Whether some ratio (a mean or an interval's end) lies beyond ``right``.

    Returns
    -------
    str
        "simulated / observed (1 = match, linear)", and where the axis ends when ``cut``.

    Examples
    --------
    >>> _ratio_label(2.16, cut=False)
    'simulated / observed (1 = match, linear)'
    >>> _ratio_label(3.24, cut=True)
    'simulated / observed (1 = match, linear; axis ends at 3.24, larger means marked >)'
    """
    label = "simulated / observed (1 = match, linear"
    if cut:
        label += f"; axis ends at {right:.2f}, larger means marked >"
    return label + ")"


def detections_by_route_bar(table: pd.DataFrame) -> Figure:
    """Simulated against observed detections by route and type (horizontal bars, log scale).

    Superseded in results folders by :func:`detections_by_route_dots` (bars on a log axis make
    small differences between large counts look small); kept for callers of the old figure.

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
    years: tuple[int, int] | None = None,
    *,
    events: Any = None,
    info: Mapping[str, Any] | None = None,
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
    years : (int, int), optional
        First and last calendar year shown (inclusive); default the first and last year of the
        simulated months (a run from 2014 is not drawn as zeros in 2012-2013), or 2012-2014
        without any.
    events : DataFrame or iterable of rows, optional
        The scenario's events (``scenario.events``: ``start``, ``kind``, ``target``, optionally
        ``description``). Each event starting within the years shown is a dashed vertical line,
        numbered, on every panel (events within :data:`EVENT_GROUP_DAYS` of a marked one share
        its line), and listed by number in the footer.
    info : mapping, optional
        The run's provenance for the footer (:func:`~sim.plots.canvas.footer_text`).

    Returns
    -------
    matplotlib.figure.Figure
        One axes per route/type pair of :data:`sim.observed.ROUTE_TYPES` (ten, on a 5 x 2 grid), each
        with two lines (observed in black, simulated mean in blue) and a shaded p05-p95 band across
        replicates (none, and the title says so, with one replicate), then one dashed vertical line
        per group of events (so ``2 + n_groups`` lines).
        Months without rows count 0.
    """
    pairs = [tuple(p) for p in observed_data.ROUTE_TYPES]
    if years is None:
        simulated = detections_monthly["month"].astype(str).str.slice(0, 4)
        simulated = simulated[simulated.str.isdigit()].astype(int)
        years = (int(simulated.min()), int(simulated.max())) if len(simulated) else (2012, 2014)
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
        if len(reps) > 1:
            p05, p95 = np.percentile(values, [5, 95], axis=1)
            ax.fill_between(x, p05, p95, color="#1f77b4", alpha=0.25, linewidth=0)
        ax.plot(x, obs_values[i], color="black", linewidth=1.2, label="observed")
        ax.plot(x, values.mean(axis=1), color="#1f77b4", linewidth=1.2,
                label="simulated mean" if values.shape[1] > 1 else "simulated (1 replicate)")
        ax.set_title(f"{route} ({type_})", fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in axes[len(pairs) :]:
        ax.set_visible(False)
    axes[0].legend(fontsize=7, loc="upper left")
    shown = _events_shown(events, months[0].to_timestamp(), (months[-1] + 1).to_timestamp())
    groups: list[list[int]] = []  # events within EVENT_GROUP_DAYS of a group's first share its line
    for number, (when, _text) in enumerate(shown, start=1):
        if groups and (when - shown[groups[-1][0] - 1][0]).days <= EVENT_GROUP_DAYS:
            groups[-1].append(number)
        else:
            groups.append([number])
    for numbers in groups:
        when = shown[numbers[0] - 1][0]
        for ax in axes[: len(pairs)]:
            ax.axvline(when, color="#7f7f7f", linestyle="--", linewidth=0.8, zorder=1)
            ax.annotate(",".join(map(str, numbers)), (when, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(1.5, -1.5), textcoords="offset points", ha="left", va="top", fontsize=6,
                        color="#505050")
    key = ""
    if shown:
        key = "Events (dashed lines): " + "; ".join(
            f"{n} {text}" for n, (_when, text) in enumerate(shown, start=1))
    fig.suptitle(
        f"Monthly detections {years[0]}-{years[1]} (persons): Frontex revised series vs "
        + ("simulated mean, band p05-p95" if len(reps) > 1
           else "simulated, 1 replicate (no p05-p95 band: n/a with 1 replicate)"),
        fontsize=10,
    )
    if info or key:
        add_footer(fig, {**info, "data_source": info.get("data_source", OBSERVED_SOURCE)} if info else {},
                   note=key)
    return fig


def _events_shown(events: Any, first: pd.Timestamp, end: pd.Timestamp) -> list[tuple[pd.Timestamp, str]]:
    """(start, "YYYY-MM-DD kind target") of the events starting in [first, end), by start date."""
    if events is None:
        return []
    frame = as_frame(events)
    if not len(frame):
        return []
    out = []
    for _, e in frame.iterrows():
        when = pd.Timestamp(str(e["start"]))
        if first <= when < end:
            until = e.get("end")
            until = "" if until is None or pd.isna(until) or not str(until).strip() else f" (to {until})"
            out.append((when, f"{when:%Y-%m-%d} {_event_name(e)}{until}"))
    return sorted(out, key=lambda item: (item[0], item[1]))


def _event_name(event: Any) -> str:
    """A short name for an event: its description up to the first ':', ';', ',' or '(' (at most
    :data:`EVENT_NAME_CHARS` characters), else its kind and target."""
    text = event.get("description")
    if text is None or pd.isna(text) or not str(text).strip():
        return f"{event['kind']} {event['target']}"
    name = re.split(r"[:;,(]", str(text), maxsplit=1)[0].strip()
    if len(name) > EVENT_NAME_CHARS:
        name = name[: EVENT_NAME_CHARS - 3].rstrip() + "..."
    return f"{name} [{event['kind']}]"


def run_figures(
    scenario: Any, tables: Mapping[str, pd.DataFrame], info: Mapping[str, Any] | None = None
) -> dict[str, Figure]:
    """The figures of a run's results folder, by file stem (:data:`sim.io.FIGURE_NAMES`).

    Parameters
    ----------
    scenario : sim.scenario.Scenario
        ``nodes`` and ``segments`` are drawn on the map, ``events`` on the monthly series.
    tables : mapping of str to pandas.DataFrame
        ``crossings_by_edge`` (optional), ``detections_by_route``, ``detections_monthly`` and
        ``enforcement``, as written by :func:`sim.io.write_results`.
    info : mapping, optional
        The run's provenance (keys of ``manifest.json``: ``scenario``, ``run_id``, ``root_seed``,
        ``replicate_seeds``, ``replicates``, ``persons_per_agent``, ``code_version``), written in a
        footer on each figure (:func:`~sim.plots.canvas.footer_text`) with the table the figure
        draws; no footer without it.

    Returns
    -------
    dict of str to Figure
        ``route_map`` (:func:`~sim.plots.maps.route_map`), ``detections_by_route``
        (:func:`detections_by_route_dots`), ``monthly_series`` (:func:`monthly_series`, with the
        scenario's events) and ``enforcement`` (:func:`enforcement_surges`).
    """
    replicates = None
    if info and info.get("replicates") is not None:
        replicates = int(info["replicates"])
    elif "replicate" in tables["detections_monthly"].columns:
        replicates = int(tables["detections_monthly"]["replicate"].nunique())

    def drawn(source: str) -> dict[str, Any] | None:
        return {"simulated": f"{source} of this folder", **info} if info else None

    return {
        "route_map": route_map(scenario.nodes, scenario.segments, tables.get("crossings_by_edge"),
                               info=drawn("crossings_by_edge.parquet")),
        "detections_by_route": detections_by_route_dots(tables["detections_by_route"], replicates,
                                                        drawn("detections_by_route.csv")),
        "monthly_series": monthly_series(tables["detections_monthly"], events=getattr(scenario, "events", None),
                                         info=drawn("detections_monthly.parquet")),
        "enforcement": enforcement_surges(tables["enforcement"], info=drawn("enforcement.parquet")),
    }
