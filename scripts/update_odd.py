"""Rewrite the parameter table of docs/ODD.md from sim.parameters (the metadata is the source).

    .venv/bin/python scripts/update_odd.py            # rewrites docs/ODD.md in place
    .venv/bin/python scripts/update_odd.py --check    # exit 1 if the table is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.odd import with_parameter_table

ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only check; exit 1 if out of date")
    args = ap.parse_args(argv)
    text = ODD.read_text(encoding="utf-8")
    new = with_parameter_table(text)
    if args.check:
        if new != text:
            print(f"{ODD}: the parameter table is out of date; run scripts/update_odd.py", file=sys.stderr)
            return 1
        return 0
    if new != text:
        ODD.write_text(new, encoding="utf-8")
        print(f"updated {ODD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
