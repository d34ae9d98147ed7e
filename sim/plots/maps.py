"""The route map: places on longitude/latitude over coastlines, segments as lines whose width grows
with the flow, labels that do not overlap, and the origins beyond the region in an inset."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from sim.plots.canvas import (
    OTHER_COLOUR,
    ROUTE_COLOURS,
    Figure,
    Line2D,
    Rectangle,
    add_footer,
    as_frame,
    cell_label,
    new_figure,
)
from sim.plots.coastlines import draw_land
from sim.plots.labels import place_labels

__all__ = ["route_map", "map_extent"]

#: Area (pt^2) of the circle at an EU arrival place: the least, plus this much at the largest entry.
ENTRY_MIN_AREA = 14.0
ENTRY_MAX_AREA = 320.0
#: Margin around the places of the main map (degrees).
MAP_MARGIN_DEG = 1.5


def map_extent(node_frame: pd.DataFrame, margin: float = MAP_MARGIN_DEG) -> tuple[float, float, float, float]:
    """The region of the main map: the box of every located place that is not only an origin.

    Parameters
    ----------
    node_frame : pandas.DataFrame
        ``lat``, ``lon`` and ``kind`` (``;``-joined kinds).
    margin : float, default 1.5
        Degrees added on each side.

    Returns
    -------
    (lon_min, lon_max, lat_min, lat_max)
        Degrees. All located places when every place is only an origin.

    Examples
    --------
    >>> nodes = pd.DataFrame({"lat": [30.0, 40.0, 10.0], "lon": [10.0, 20.0, 80.0],
    ...                       "kind": ["hub", "arrival", "origin"]})
    >>> map_extent(nodes, margin=1.0)
    (9.0, 21.0, 29.0, 41.0)
    """
    located = node_frame.dropna(subset=["lat", "lon"])
    kinds = located["kind"].map(cell_label) if "kind" in located else pd.Series([""] * len(located))
    inner = located[kinds.str.split(";").map(lambda ks: set(ks) != {"origin"})]
    if not len(inner):
        inner = located
    lon, lat = inner["lon"].astype(float), inner["lat"].astype(float)
    return (float(lon.min()) - margin, float(lon.max()) + margin,
            float(lat.min()) - margin, float(lat.max()) + margin)


def route_map(
    nodes: pd.DataFrame | Iterable[Any],
    segments: pd.DataFrame | Iterable[Any],
    crossings_by_edge: pd.DataFrame | None = None,
    *,
    info: Mapping[str, Any] | None = None,
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
    info : mapping, optional
        The run's provenance for the footer (:func:`~sim.plots.canvas.footer_text`); no footer
        without it.

    Returns
    -------
    matplotlib.figure.Figure
        ``axes[0]``, the main map: the region of :func:`map_extent` (places that are not only
        origins) over land and coastlines (:mod:`~sim.plots.coastlines`, shipped, nothing
        downloaded), x longitude, y latitude, aspect corrected for the mean latitude. One line per
        segment whose endpoints both have coordinates (``len(ax.lines) == n_segments``), width
        0.4-6 pt growing with the square root of flow; EU-entry edges coloured by Frontex route
        (legend), others grey. Market nodes (hub, departure) are drawn larger and labelled, labels
        placed so that none overlaps another (:func:`~sim.plots.labels.place_labels`; a label
        without room is left out and named in a note under the map). Each EU arrival place with
        flow on an EU-entry edge gets a circle of its route's colour above the markers (gid
        ``eu_entries``), area growing with the persons setting off towards it, so that crossings
        shorter than a marker (island crossings) show. ``axes[1]``, the inset: every
        place, origins as triangles, the main map's region as a rectangle.

    Notes
    -----
    Positions are the nodes' coordinates: no force layout (``spring_layout`` is slow and unseeded).
    The figure has a fixed layout (no constrained layout), so that the labels' boxes computed while
    placing them are those saved.
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

    fig = new_figure(13, 8.5, layout=None)
    ax = fig.add_axes((0.05, 0.08, 0.68, 0.85))
    inset = fig.add_axes((0.755, 0.50, 0.235, 0.40))
    extent = map_extent(node_frame)
    lon0, lon1, lat0, lat1 = extent
    draw_land(ax, extent)

    routes_drawn: list[str] = []
    inset_lines = []
    entries: dict[tuple[str, str], float] = {}  # (arrival place, route): persons setting off
    for _, seg in seg_frame.iterrows():
        a, b = str(seg["source"]), str(seg["target"])
        if a not in pos or b not in pos:
            continue
        f = flow.get(f"{a}->{b}", 0.0)
        width = 0.4 + (5.6 * math.sqrt(f / max_flow) if max_flow > 0 else 0.0)
        route = cell_label(seg.get("frontex_route"))
        colour = ROUTE_COLOURS.get(route, OTHER_COLOUR) if route else "#9a9a9a"
        if route and route not in routes_drawn:
            routes_drawn.append(route)
        if route and f > 0:
            entries[(b, route)] = entries.get((b, route), 0.0) + f
        xs_, ys_ = [pos[a][0], pos[b][0]], [pos[a][1], pos[b][1]]
        ax.plot(xs_, ys_, color=colour, linewidth=width, alpha=0.85 if route else 0.6,
                solid_capstyle="round", zorder=3 if route else 2)
        inset_lines.append((xs_, ys_, colour))

    kinds = node_frame.get("kind", pd.Series([""] * len(node_frame))).map(cell_label)
    market = kinds.str.contains("hub|departure", regex=True)
    origin = kinds.str.split(";").map(lambda ks: "origin" in ks) & ~market
    plain = ~market & ~origin
    xs = node_frame["lon"].astype(float)
    ys = node_frame["lat"].astype(float)
    ax.scatter(xs[plain], ys[plain], s=8, color="#404040", zorder=4, label="place")
    ax.scatter(xs[origin], ys[origin], s=18, color="#404040", marker="^", zorder=4, label="origin")
    ax.scatter(xs[market], ys[market], s=24, color="black", marker="s", zorder=5, label="market node")
    # EU entries as circles at their arrival place, above the markers: a crossing of a few km
    # (Turkish coast to an island) is shorter than a marker, and its line would not show
    max_entry = max(entries.values(), default=0.0)
    if max_entry > 0:
        ax.scatter([pos[b][0] for b, _ in entries], [pos[b][1] for b, _ in entries],
                   s=[ENTRY_MIN_AREA + ENTRY_MAX_AREA * f / max_entry for f in entries.values()],
                   c=[ROUTE_COLOURS.get(r, OTHER_COLOUR) for _, r in entries], alpha=0.75,
                   edgecolors="white", linewidths=0.6, zorder=5.5, gid="eu_entries")

    order = list(ROUTE_COLOURS)
    routes_drawn.sort(key=lambda r: order.index(r) if r in order else len(order))
    handles = [
        Line2D([], [], color=ROUTE_COLOURS.get(r, OTHER_COLOUR), linewidth=3, label=r)
        for r in routes_drawn
    ]
    if max_entry > 0:
        handles.append(Line2D([], [], linestyle="", marker="o", markersize=9, color=OTHER_COLOUR,
                              alpha=0.75, label=f"EU entry: circle at the\narrival, area by persons\n"
                                                f"setting off (max {max_entry:,.0f}\nper replicate)"))
    if handles:
        ax.legend(handles=handles, title="EU entry, Frontex route", fontsize=8, title_fontsize=8,
                  loc="upper left", bbox_to_anchor=(0.755, 0.45), bbox_transform=fig.transFigure,
                  borderaxespad=0.0, frameon=False)
    ax.set_xlim(lon0, lon1)
    ax.set_ylim(lat0, lat1)
    ax.set_aspect(1.0 / max(math.cos(math.radians((lat0 + lat1) / 2)), 0.1))
    ax.set_anchor("W")
    ax.set_xlabel("longitude (deg)")
    ax.set_ylabel("latitude (deg)")
    title = "Route graph"
    if max_flow > 0:
        title += f": edge width by persons setting off (max {max_flow:,.0f} per replicate)"
    ax.set_title(title)

    _draw_inset(inset, node_frame, origin | kinds.str.contains("origin"), inset_lines, extent)
    if info:
        add_footer(fig, info)

    # the layout is final from here: place the labels in display coordinates
    ax.apply_aspect()
    inset.apply_aspect()
    names = [str(r["name"]) for (_, r), m in zip(node_frame.iterrows(), market, strict=True)
             if m and str(r["name"]) in pos]
    names.sort(key=lambda n: (0 if "hub" in kinds[node_frame["name"].astype(str) == n].iloc[0] else 1))
    others = [p for n, p in pos.items() if n not in set(names)]
    _, left_out = place_labels(ax, [pos[n] for n in names], names, fontsize=6.5, avoid=others)
    if left_out:
        ax.text(0.0, -0.06, "not labelled for want of room: " + ", ".join(left_out), fontsize=6,
                transform=ax.transAxes, va="top")
    return fig


def _draw_inset(inset, node_frame: pd.DataFrame, is_origin: pd.Series, lines, extent) -> None:
    """The overview: every place and segment over coastlines, origins labelled, region boxed."""
    located = node_frame.dropna(subset=["lat", "lon"])
    lon, lat = located["lon"].astype(float), located["lat"].astype(float)
    lon0, lon1, lat0, lat1 = extent
    box = (min(lon0, float(lon.min()) - 3), max(lon1, float(lon.max()) + 3),
           min(lat0, float(lat.min()) - 3), max(lat1, float(lat.max()) + 3))
    draw_land(inset, box, linewidth=0.25)
    for xs_, ys_, colour in lines:
        inset.plot(xs_, ys_, color=colour, linewidth=0.4, alpha=0.6, zorder=2)
    org = is_origin.reindex(located.index).fillna(False).astype(bool)
    inset.scatter(lon[~org], lat[~org], s=2, color="#404040", zorder=3)
    inset.scatter(lon[org], lat[org], s=12, color="#404040", marker="^", zorder=4)
    inset.add_patch(Rectangle((lon0, lat0), lon1 - lon0, lat1 - lat0, fill=False, edgecolor="black",
                              linewidth=0.8, zorder=5))
    inset.set_xlim(box[0], box[1])
    inset.set_ylim(box[2], box[3])
    inset.set_aspect(1.0 / max(math.cos(math.radians((box[2] + box[3]) / 2)), 0.1))
    inset.set_anchor("N")
    inset.tick_params(labelsize=6)
    inset.set_title("Origins (triangles); box: main map", fontsize=8)
    inset.apply_aspect()
    outside = located[org & ~(lon.between(lon0, lon1) & lat.between(lat0, lat1))]
    place_labels(inset, list(zip(outside["lon"].astype(float), outside["lat"].astype(float), strict=True)),
                 [str(n) for n in outside["name"]], fontsize=5.5)

