"""Rebuild the reference scenario's demand tables from the shipped Frontex data.

Writes, deterministically (same input, same bytes):

- ``scenarios/tables/nationality_origins.csv``: ``nat_iso3,origin_group,origin,note``, every
  nationality of ``nationality_groups.csv`` except ``Other and unknown`` mapped to an origin
  node of ``scenarios/tables/nodes.csv`` (:func:`sim.demand.nationality_origins`);
- ``scenarios/tables/demand.csv``: ``month,origin_group,origin,persons_detected`` for
  2012-01..2014-12 (:func:`sim.demand.build_demand_table`).

Usage::

    python scripts/build_demand.py [--tables scenarios/tables]

It prints the yearly totals and the dropped share (``Other and unknown``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim.demand import build_demand_table, dropped_share, nationality_origins  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=Path, default=ROOT / "scenarios" / "tables",
                        help="folder with nodes.csv; the outputs are written there")
    args = parser.parse_args(argv)
    nodes = pd.read_csv(args.tables / "nodes.csv", keep_default_na=False, na_values=[""])
    nat = nationality_origins(nodes)
    demand = build_demand_table(nat)
    nat.to_csv(args.tables / "nationality_origins.csv", index=False, lineterminator="\n")
    demand.to_csv(args.tables / "demand.csv", index=False, lineterminator="\n")
    totals = demand.groupby(demand["month"].str[:4])["persons_detected"].sum()
    share = dropped_share()
    for year, total in totals.items():
        print(f"{year}: {total:,.1f} persons detected; dropped share {share[int(year)]:.4%}")
    print(f"wrote {args.tables / 'nationality_origins.csv'} ({len(nat)} rows), "
          f"{args.tables / 'demand.csv'} ({len(demand)} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
