"""Plot the benchmark's scaling curve: wall time and peak memory against migrants created.

Usage::

    .venv/bin/python benchmarks/plot_scaling.py [benchmarks/out/bench.json] [-o benchmarks/out/scaling.png]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, NullFormatter  # noqa: E402

HERE = Path(__file__).resolve().parent


def plot_scaling(scaling: list[dict], path: str | Path, title: str = "routesim scaling") -> Path:
    """Write a two-panel PNG: wall_s (and cpu_s if present) and peak_rss_mb against migrants (log-log), with a linear guide.

    Parameters
    ----------
    scaling : list of dict
        Points with ``persons_per_agent``, ``migrants``, ``wall_s``, ``peak_rss_mb``; points with an
        ``error`` key are left out.
    path : str or Path
        PNG file to write (its folder is created).
    title : str

    Returns
    -------
    Path
        ``path``.
    """
    pts = sorted((p for p in scaling if "error" not in p), key=lambda p: p["migrants"])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    x = [p["migrants"] for p in pts]
    for ax, key, label in ((axes[0], "wall_s", "wall time (s)"), (axes[1], "peak_rss_mb", "peak RSS (MB)")):
        y = [p[key] for p in pts]
        ax.loglog(x, y, "o-", color="C0", label="measured")
        if key == "wall_s" and all("cpu_s" in p for p in pts):
            ax.loglog(x, [p["cpu_s"] for p in pts], "s:", color="C1", label="CPU time (s)")
        if pts:
            # linear growth through the smallest point, for comparison
            ax.loglog([x[0], x[-1]], [y[0], y[0] * x[-1] / x[0]], "--", color="0.6", label="linear from smallest")
        for p in pts:
            ax.annotate(f"ppa {p['persons_per_agent']}", (p["migrants"], p[key]), textcoords="offset points",
                        xytext=(4, -10), fontsize=8)
        plain = FuncFormatter(lambda v, _pos: f"{v:g}")
        ax.xaxis.set_major_formatter(plain)
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.yaxis.set_major_formatter(plain)
        ax.yaxis.set_minor_formatter(plain)
        ax.tick_params(axis="y", which="minor", labelsize=7)
        ax.set_xlabel("migrant agents created")
        ax.set_ylabel(label)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Plot the scaling curve of a bench.json")
    ap.add_argument("bench_json", nargs="?", default=str(HERE / "out" / "bench.json"))
    ap.add_argument("-o", "--output", default=None, help="PNG path (default: scaling.png next to the JSON)")
    args = ap.parse_args(argv)
    src = Path(args.bench_json)
    result = json.loads(src.read_text())
    out = Path(args.output) if args.output else src.with_name("scaling.png")
    title = f"routesim {Path(result.get('scenario', '')).stem}, 1 replicate".replace("  ", " ")
    print(plot_scaling(result["scaling"], out, title=title))
    return 0


if __name__ == "__main__":
    sys.exit(main())
