"""Place text labels next to points so that no two labels overlap (deterministic, no dependency).

Labels are placed one by one in the given order (most important first): each tries offsets around
its point, nearest first, and takes the first whose box overlaps no label placed before, no marked
point and stays inside the axes. A label that finds no such place is left out (and reported), so
labels never overlap. Offsets farther than the first ring get a thin leader line.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["place_labels", "bbox_overlaps"]

#: Distances from the point tried, in points (nearest first), and directions (degrees, from east,
#: anticlockwise; east and west first since text is wide).
RADII_PT = (3.0, 8.0, 14.0, 21.0, 30.0, 40.0, 52.0)
ANGLES_DEG = (0, 180, 45, 315, 135, 225, 90, 270, 20, 340, 160, 200, 65, 295, 115, 245)


def bbox_overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float],
                  pad: float = 0.0) -> bool:
    """Whether two boxes ``(x0, y0, x1, y1)`` overlap, each grown by ``pad``.

    Examples
    --------
    >>> bbox_overlaps((0, 0, 2, 1), (1, 0.5, 3, 2)), bbox_overlaps((0, 0, 1, 1), (1.5, 0, 2, 1))
    (True, False)
    """
    return not (a[2] + pad <= b[0] - pad or b[2] + pad <= a[0] - pad
                or a[3] + pad <= b[1] - pad or b[3] + pad <= a[1] - pad)


def place_labels(ax, points: Sequence[tuple[float, float]], texts: Sequence[str], *,
                 fontsize: float = 6.0, avoid: Sequence[tuple[float, float]] = (),
                 pad_px: float = 1.5, zorder: float = 6) -> tuple[list, list[str]]:
    """Annotate ``points`` of ``ax`` with ``texts`` without overlaps.

    The axes' limits, aspect and position must be final (the figure is not laid out again
    afterwards), since boxes are computed in display coordinates.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    points : sequence of (x, y)
        Data coordinates, in order of importance.
    texts : sequence of str
    fontsize : float, default 6
    avoid : sequence of (x, y), optional
        Other marked points (data coordinates) that labels must not cover (a 4-pixel square each).
    pad_px : float, default 1.5
        Space kept between boxes, pixels.
    zorder : float, default 6

    Returns
    -------
    (list of matplotlib.text.Annotation, list of str)
        The labels placed, and the texts left out for want of room.
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    px_per_pt = fig.dpi / 72.0
    to_display = ax.transData.transform
    axes_box = ax.get_window_extent(renderer)
    marks = [to_display(p) for p in list(points) + list(avoid)]
    taken = [(x - 2.0, y - 2.0, x + 2.0, y + 2.0) for x, y in marks]
    placed, left_out = [], []
    probe = fig.text(0.5, 0.5, "", fontsize=fontsize)  # a plain text: measured wherever it is
    for (px, py), text in zip(points, texts, strict=True):
        x, y = to_display((px, py))
        if not (axes_box.x0 <= x <= axes_box.x1 and axes_box.y0 <= y <= axes_box.y1):
            continue
        probe.set_text(text)
        extent = probe.get_window_extent(renderer)
        w, h = extent.width, extent.height
        own = (x - 2.0, y - 2.0, x + 2.0, y + 2.0)
        choice = None
        for r in RADII_PT:
            for a in ANGLES_DEG:
                dx = r * math.cos(math.radians(a)) * px_per_pt
                dy = r * math.sin(math.radians(a)) * px_per_pt
                cx = math.cos(math.radians(a))
                cy = math.sin(math.radians(a))
                ha = "left" if cx > 0.3 else "right" if cx < -0.3 else "center"
                va = "bottom" if cy > 0.3 else "top" if cy < -0.3 else "center"
                x0 = x + dx - (0 if ha == "left" else w if ha == "right" else w / 2)
                y0 = y + dy - (0 if va == "bottom" else h if va == "top" else h / 2)
                box = (x0, y0, x0 + w, y0 + h)
                if not (axes_box.x0 <= box[0] and box[2] <= axes_box.x1
                        and axes_box.y0 <= box[1] and box[3] <= axes_box.y1):
                    continue
                if any(bbox_overlaps(box, t, pad_px) for t in taken if t != own):
                    continue
                choice = (dx / px_per_pt, dy / px_per_pt, ha, va, box, r)
                break
            if choice is not None:
                break
        if choice is None:
            left_out.append(text)
            continue
        dx, dy, ha, va, box, r = choice
        arrow = ({"arrowstyle": "-", "color": "#606060", "linewidth": 0.4, "shrinkA": 0, "shrinkB": 1.5}
                 if r > RADII_PT[1] else None)
        placed.append(ax.annotate(text, (px, py), xytext=(dx, dy), textcoords="offset points",
                                  ha=ha, va=va, fontsize=fontsize, zorder=zorder, arrowprops=arrow))
        taken.append(box)
    probe.remove()
    return placed, left_out
