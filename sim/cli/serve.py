"""``routesim app``: serve the interactive app for a scenario."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sim.cli.checks import load_or_report


def cmd_app(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """``routesim app``: check the scenario, then serve the app (imported only here)."""
    if load_or_report(args.scenario) is None:
        return 2
    from sim import app

    if not app.solara_available():
        print("routesim app: needs the optional extra 'app' (pip install -e '.[app]')", file=sys.stderr)
        return 2
    try:
        return app.serve(args.scenario, host=args.host, port=args.port, open_browser=args.open)
    except KeyboardInterrupt:
        return 130
