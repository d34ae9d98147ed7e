"""The drawing surface shared by every figure: matplotlib imported headless, a figure on its own Agg
canvas, the route colours, and small helpers for the tables drawn.

Figures are built as :class:`matplotlib.figure.Figure` objects attached to an Agg canvas, without
pyplot: nothing global is touched (no backend switch, no figure registry), so the functions work in
scripts, worker processes and notebooks alike, where the returned figure is displayed by the
notebook itself. Every other module of :mod:`sim.plots` takes matplotlib's classes from here, so that
matplotlib is imported once, in the way below.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

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
from matplotlib.patches import Rectangle  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

__all__ = ["ROUTE_COLOURS", "OTHER_COLOUR", "Figure", "Line2D", "Rectangle", "new_figure", "as_frame",
           "cell_label", "band", "footer_text", "add_footer", "FOOTER_HEIGHT_IN", "count_axis"]

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
OTHER_COLOUR = "#7f7f7f"


def new_figure(width_in: float, height_in: float, layout: str | None = "constrained") -> Figure:
    """A figure on its own Agg canvas (no pyplot state), with constrained layout by default.

    Parameters
    ----------
    width_in, height_in : float
        Size in inches.
    layout : str or None, default "constrained"
        Layout engine; None for axes placed by hand (the route map, whose labels are placed in
        display coordinates).

    Returns
    -------
    matplotlib.figure.Figure
        With no axes yet.
    """
    fig = Figure(figsize=(width_in, height_in), layout=layout)
    FigureCanvasAgg(fig)
    return fig


def as_frame(rows: pd.DataFrame | Iterable[Any]) -> pd.DataFrame:
    """A DataFrame from a DataFrame, or from row models (pydantic) or mappings.

    Parameters
    ----------
    rows : pandas.DataFrame or iterable of rows
        Returned as it is if a DataFrame; else one record per row (``model_dump``, a mapping, or
        the row's attributes).

    Returns
    -------
    pandas.DataFrame
    """
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


def cell_label(value: Any) -> str:
    """A table cell as a label: empty for None/NaN, ``;``-joined for a list of kinds.

    Parameters
    ----------
    value : Any

    Returns
    -------
    str

    Examples
    --------
    >>> cell_label(None), cell_label(["hub", "departure"]), cell_label("Sea")
    ('', 'hub;departure', 'Sea')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, list | tuple | set | frozenset):
        return ";".join(str(v) for v in value)
    return str(value)


def band(values: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, p05 and p95 across the columns (replicates) of a table, row by row.

    Parameters
    ----------
    values : pandas.DataFrame
        Shape (rows, replicates).

    Returns
    -------
    tuple of numpy.ndarray
        Mean, p05 and p95, each of shape (rows,); zeros without columns.
    """
    v = values.to_numpy(dtype=float)
    if v.shape[1] == 0:
        z = np.zeros(v.shape[0])
        return z, z, z
    p05, p95 = np.percentile(v, [5, 95], axis=1)
    return v.mean(axis=1), p05, p95


#: Height kept for the footer at the bottom of a figure (inches).
FOOTER_HEIGHT_IN = 0.32


def count_axis(axis: Any, nbins: int | None = None) -> None:
    """Label a matplotlib axis of person counts with thousands separators (``12,500``).

    Parameters
    ----------
    axis : matplotlib.axis.Axis
        ``ax.xaxis`` or ``ax.yaxis``.
    nbins : int, optional
        At most this many intervals between ticks (keeps wide ranges such as ``-60,000`` to
        ``+10,000`` readable in a narrow panel); default matplotlib's choice.
    """
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
    if nbins is not None:
        axis.set_major_locator(MaxNLocator(nbins=nbins))


def footer_text(info: Mapping[str, Any]) -> str:
    """The footer of a report figure: what was run (scenario, or base and variants), the run,
    seeds, replicates, persons per agent, the design of an analysis, code version, and the data
    drawn (simulated tables, observed data compared with).

    Parameters
    ----------
    info : mapping
        Keys as in a results folder's ``manifest.json``, all optional (missing keys are left out):

        - ``kind``: what produced the folder (e.g. ``comparison``, ``experiment route-shift``), first;
        - ``scenario``; with ``variants`` (list of scenario names) it is the comparison's base;
        - ``run_id``, ``root_seed``, ``replicate_seeds``, ``replicates`` (default the number of
          seeds) and ``replicates_per`` (what a replicate set belongs to, e.g. ``trial``);
        - ``persons_per_agent``;
        - ``method`` and ``sample_points`` (a sensitivity analysis), ``trials``, ``budget``,
          ``calibration_seed`` and ``window`` (a calibration);
        - ``code_version`` (or ``git_commit``);
        - ``simulated``: the simulated data drawn (e.g. the folder's table), and ``data_source``: the
          observed data compared with, on a second line.

    Returns
    -------
    str
        One or two lines.

    Examples
    --------
    >>> footer_text({"scenario": "baseline_2014", "run_id": "20260101T000000Z-s7", "root_seed": 7,
    ...              "replicate_seeds": [11, 12], "persons_per_agent": 20, "code_version": "0.1.0"})
    'scenario baseline_2014 | run 20260101T000000Z-s7 | root seed 7, replicate seeds 11, 12 | 2 replicates | 20 persons per agent | code 0.1.0'
    >>> print(footer_text({"kind": "comparison", "scenario": "base", "variants": ["a", "b"],
    ...                    "run_id": "r1", "replicates": 1, "persons_per_agent": 4,
    ...                    "simulated": "comparison.csv"}))
    comparison | base scenario base vs variants a, b | run r1 | 1 replicate | 4 persons per agent
    data: simulated by routesim, comparison.csv
    """
    parts = []
    if info.get("kind"):
        parts.append(str(info["kind"]))
    variants = [str(v) for v in info.get("variants") or []]
    if variants:
        base = f"base scenario {info['scenario']} vs " if info.get("scenario") else ""
        parts.append(f"{base}variant{'s' if len(variants) > 1 else ''} {', '.join(variants)}")
    elif info.get("scenario"):
        parts.append(f"scenario {info['scenario']}")
    if info.get("run_id"):
        parts.append(f"run {info['run_id']}")
    seeds = [int(s) for s in info.get("replicate_seeds") or []]
    seed_text = []
    if info.get("root_seed") is not None:
        seed_text.append(f"root seed {int(info['root_seed'])}")
    if seeds:
        shown = ", ".join(str(s) for s in seeds[:4]) + (f", ... ({len(seeds)})" if len(seeds) > 4 else "")
        seed_text.append(f"replicate seed{'s' if len(seeds) > 1 else ''} {shown}")
    if seed_text:
        parts.append(", ".join(seed_text))
    n = info.get("replicates", len(seeds) if seeds else None)
    if n is not None:
        per = f" per {info['replicates_per']}" if info.get("replicates_per") else ""
        parts.append(f"{int(n)} replicate{'s' if int(n) != 1 else ''}{per}")
    if info.get("persons_per_agent") is not None:
        k = int(info["persons_per_agent"])
        parts.append(f"{k} person{'s' if k != 1 else ''} per agent")
    design = []
    if info.get("method"):
        design.append(f"method {info['method']}")
    if info.get("sample_points") is not None:
        design.append(f"{int(info['sample_points'])} sample points")
    if info.get("trials") is not None:
        design.append(f"{int(info['trials'])} trials complete")
    if info.get("budget") is not None:
        design.append(f"budget {int(info['budget'])}")
    if info.get("calibration_seed") is not None:
        design.append(f"calibration seed {int(info['calibration_seed'])}")
    if info.get("window"):
        design.append(f"window {info['window'][0]}..{info['window'][1]}")
    if design:
        parts.append(", ".join(design))
    code = info.get("code_version") or info.get("git_commit")
    if code:
        parts.append(f"code {code}")
    text = " | ".join(parts)
    data = []
    if info.get("simulated"):
        data.append(f"data: simulated by routesim, {info['simulated']}")
    if info.get("data_source"):
        data.append(f"observed data: {info['data_source']}")
    if data:
        text += "\n" + "; ".join(data)
    return text


def add_footer(fig: Figure, info: Mapping[str, Any], note: str = "") -> None:
    """Write :func:`footer_text` at the bottom left of ``fig``, keeping room for it under the axes
    of a constrained layout.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    info : mapping
        See :func:`footer_text`; empty: the note alone.
    note : str, optional
        Lines put above the footer (e.g. a key to markers). Lines are wrapped to the figure's width.
    """
    import textwrap

    width = max(int(fig.get_figwidth() * 19), 60)  # characters of 6.5 pt across the figure
    lines = textwrap.wrap(note, width) if note else []
    if info:
        for line in footer_text(info).split("\n"):
            lines += textwrap.wrap(line, width)
    text = "\n".join(lines)
    height = fig.get_figheight()
    n_lines = text.count("\n") + 1
    frac = min((FOOTER_HEIGHT_IN * max(n_lines, 2) / 2) / height, 0.25)
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set") and "rect" in engine.get():
        engine.set(rect=(0.0, frac, 1.0, 1.0 - frac))
    fig.text(0.005, 0.004, text, fontsize=6.5, color="#404040", ha="left", va="bottom", gid="footer")
