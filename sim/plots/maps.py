"""The route map: places on longitude/latitude, segments as lines whose width grows with the flow."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import pandas as pd

from sim.plots.canvas import (
    OTHER_COLOUR,
    ROUTE_COLOURS,
    Figure,
    Line2D,
    as_frame,
    cell_label,
    new_figure,
)

__all__ = ["route_map"]


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
    node_frame = as_frame(nodes)
    seg_frame = as_frame(segments)
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

    fig = new_figure(11, 8)
    ax = fig.add_subplot()
    routes_drawn: list[str] = []
    for _, seg in seg_frame.iterrows():
        a, b = str(seg["source"]), str(seg["target"])
        if a not in pos or b not in pos:
            continue
        f = flow.get(f"{a}->{b}", 0.0)
        width = 0.4 + (5.6 * math.sqrt(f / max_flow) if max_flow > 0 else 0.0)
        route = cell_label(seg.get("frontex_route"))
        colour = ROUTE_COLOURS.get(route, OTHER_COLOUR) if route else "#b0b0b0"
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

    kinds = node_frame.get("kind", pd.Series([""] * len(node_frame))).map(cell_label)
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
        Line2D([], [], color=ROUTE_COLOURS.get(r, OTHER_COLOUR), linewidth=3, label=r)
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
