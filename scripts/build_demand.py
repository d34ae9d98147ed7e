"""Rebuild the reference scenario's demand tables: a thin wrapper of ``routesim build-demand``.

Usage::

    python scripts/build_demand.py [--tables scenarios/tables] [--nationality FILE] [--monthly FILE]
                                   [--groups FILE] [--refugees FILE | --no-refugees]
                                   [--through YYYY-MM]

Same options and output as ``routesim build-demand`` (see ``routesim build-demand --help``); kept
so that older instructions keep working.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim.cli import main as routesim_main  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if "--tables" not in args:
        args += ["--tables", str(ROOT / "scenarios" / "tables")]
    return routesim_main(["build-demand", *args])


if __name__ == "__main__":
    raise SystemExit(main())
