"""Market trace: who leaves one node, by which segment, and what is sold there, month by month (a diagnostic).

For one replicate and one node (a hub or departure point, e.g. Edirne), by month: the persons who set out
from the node by each segment (attempts: one who is prevented or returned and tries again counts again) and
the share of them who had failed a crossing before (``retreat`` segments back to
the hub included, so a crossing that sends its customers back shows up); the enterprises based at the node
(mean count and members) and those that left the market (by reason: arrest or ruin); the seats offered a
day on the segments out of the node and the mean queue at the node (persons). Stop 28 used it to find that
Edirne's four enterprises of the start were arrested or ruined by May 2012 (docs/experiments.md, "Stop 28").

    .venv/bin/python scripts/market_trace.py scenarios/baseline_2014_calibrated.yaml Edirne --seed 1609998650 \\
        --persons-per-agent 4 --until 2012-09

(1609998650 is the first replicate seed of root seed 20140101.) Prints tables; writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.cli.checks import error, load_or_report  # noqa: E402
from sim.model import SmugglingModel  # noqa: E402


class UnknownNode(LookupError):
    """The node asked for is not in the route graph."""


def trace(scenario, seed: int, node: str, until: str | None = None, *,
          keep_model: list | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Run one replicate (to the end, or to the first day of month ``until``) and record the market at ``node``.

    Parameters
    ----------
    scenario : sim.scenario.Scenario
    seed : int
        Replicate seed.
    node : str
        A node of the route graph.
    until : str, optional
        ``YYYY-MM``: stop on the first day of that month (None: the whole run, burn-in included).
    keep_model : list, optional
        If given, the model is appended to it (for tests: the traced run is the plain run).

    Returns
    -------
    moves : pandas.DataFrame
        One row per migrant agent that set out from ``node`` by a segment today (an attempt, whatever its
        outcome): ``month`` (``YYYY-MM``), ``segment``,
        ``persons``, ``failed_before`` (bool), ``sold`` (bool: by an enterprise, else self-travel).
    days : pandas.DataFrame
        One row per day: ``month``, ``enterprises``, ``members``, ``seats_per_day`` (persons offered on the
        segments out of ``node`` that day) and ``queue`` (persons waiting at ``node`` at the day's end).
    exits : pandas.DataFrame
        ``month, reason, enterprises``: enterprises based at ``node`` that left the market.

    Raises
    ------
    UnknownNode
        If ``node`` is not a node of the scenario's graph.
    """
    model = SmugglingModel(scenario, seed)
    net, mig, K = model.net, model.migrants, model.persons_per_agent
    if node not in net.nodes:
        raise UnknownNode(node)
    n = net.nodes.index(node)
    out = np.flatnonzero(net.src == n)
    reg = model.enterprises
    moves: list[tuple] = []
    exits: Counter = Counter()
    cross, remove = model._cross, reg.remove

    def month() -> str:
        return model.current_date.isoformat()[:7]

    def recording_cross(ids, opt, offers, *rest):  # before the outcome: who leaves by which segment
        edge = offers.edge[opt]
        here = net.src[edge] == n
        if here.any():
            ids_here = np.asarray(ids)[here]
            for i, e, sold in zip(ids_here, edge[here], offers.enterprise[opt][here] >= 0, strict=True):
                moves.append((month(), net.edge_names[int(e)], K, bool(mig.attempts[i] > 0), bool(sold)))
        return cross(ids, opt, offers, *rest)

    def recording_remove(ent, reason):
        if ent.home == n:
            exits[(month(), reason)] += 1
        return remove(ent, reason)

    model._cross, reg.remove = recording_cross, recording_remove
    if keep_model is not None:
        keep_model.append(model)
    days: list[tuple] = []
    while model.running and (until is None or month() < until):
        today = month()
        model.step()
        ents = reg.at.get(n, [])
        days.append((today, len(ents), sum(e.members for e in ents), float(model.capacity_persons[out].sum()),
                     int((mig.node[model.waiting] == n).sum()) * K))
    return (pd.DataFrame(moves, columns=["month", "segment", "persons", "failed_before", "sold"]),
            pd.DataFrame(days, columns=["month", "enterprises", "members", "seats_per_day", "queue"]),
            pd.DataFrame([(m, r, c) for (m, r), c in sorted(exits.items())], columns=["month", "reason", "enterprises"]))


def summarise(moves: pd.DataFrame, days: pd.DataFrame, exits: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monthly tables: persons leaving by segment; and the market (enterprises, exits, seats, queue, failed share).

    Returns
    -------
    by_segment : pandas.DataFrame
        Persons per month (rows) and segment (columns).
    market : pandas.DataFrame
        Per month: mean ``enterprises``, ``members``, ``seats_per_day`` and ``queue``; ``arrests`` and
        ``ruins`` (enterprises that left); ``left`` (persons who set out from the node: attempts) and
        ``failed_before`` (their share that had failed a crossing before).
    """
    by_segment = moves.pivot_table(index="month", columns="segment", values="persons", aggfunc="sum", fill_value=0)
    market = days.groupby("month")[["enterprises", "members", "seats_per_day", "queue"]].mean().round(1)
    for reason, col in (("arrest", "arrests"), ("ruin", "ruins")):
        market[col] = exits[exits.reason == reason].groupby("month").enterprises.sum().reindex(market.index).fillna(0).astype(int)
    left = moves.groupby("month").persons.sum()
    market["left"] = left.reindex(market.index).fillna(0).astype(int)
    failed = (moves.persons * moves.failed_before).groupby(moves.month).sum()
    market["failed_before"] = (failed / left).reindex(market.index).round(3)
    return by_segment, market


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Who sets out from one node (attempts), by which segment, and what is sold there, month by month, for one "
        "replicate (persons). Prints tables; writes nothing.")
    ap.add_argument("scenario", help="scenario YAML file")
    ap.add_argument("node", help="a node of the route graph, e.g. Edirne")
    ap.add_argument("--seed", type=int, default=1609998650,
                    help="replicate seed (default 1609998650, the first replicate seed of root seed 20140101)")
    ap.add_argument("--persons-per-agent", type=int, default=20, help="persons per migrant agent, 1-1000 (default 20)")
    ap.add_argument("--until", metavar="YYYY-MM", default=None, help="stop on the first day of this month (default: the whole run)")
    args = ap.parse_args(argv)
    if args.seed < 0:
        error(f"--seed must be >= 0, got {args.seed}")
        return 2
    if args.until is not None and (len(args.until) != 7 or args.until[4] != "-" or not (args.until[:4] + args.until[5:]).isdigit()):
        error(f"--until must be YYYY-MM, got {args.until!r}")
        return 2
    sc = load_or_report(Path(args.scenario), args.persons_per_agent)
    if sc is None:
        return 2
    try:
        moves, days, exits = trace(sc, args.seed, args.node, args.until)
    except UnknownNode:
        error(f"{args.scenario}: no node {args.node!r} in the route graph (nodes.csv)")
        return 2
    by_segment, market = summarise(moves, days, exits)
    pd.set_option("display.width", 250)
    print(f"{args.scenario}, node {args.node}, seed {args.seed}, {args.persons_per_agent} persons per agent (persons)")
    print("persons setting out by segment (attempts):")
    print(by_segment.to_string())
    print("the market (means over the month's days; arrests and ruins: enterprises based here that left):")
    print(market.to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
