"""Transit times: days from spawn to the first attempt at the EU border, by origin group (a diagnostic).

The demand table counts persons in the month of their detection at the EU border, and the model spawns
them in that month (or ``departure_lead`` days ahead with the departure lead on). How long they take to
reach the border decides how much the simulated monthly series lags and flattens the observed one
(docs/experiments.md, "Stop 27"). This runs one replicate and reports, by origin group, the days from a
migrant's spawn to its first attempt at an EU-entry segment (a segment with a Frontex label), and by
spawn year the share of agents that reached the border by the end of that year and by the end of the run,
and where the last year's agents that never reached it are at the run's end (state and node).

    .venv/bin/python scripts/transit_times.py scenarios/baseline_2014_calibrated.yaml --seed 1609998650 \\
        --persons-per-agent 20

(1609998650 is the first replicate seed of root seed 20140101.) Prints a table; writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.agents.migrant import MigrantState  # noqa: E402
from sim.cli.checks import load_or_report  # noqa: E402
from sim.model import SmugglingModel  # noqa: E402


def transit_times(scenario, seed: int) -> pd.DataFrame:
    """One replicate's agents: group, spawn date, spawn day and first EU-border attempt day (-1: none).

    Returns
    -------
    pandas.DataFrame
        One row per migrant agent: ``origin_group, spawn_year, spawn_day, first_attempt_day`` (model days;
        -1: no attempt), ``year_end_day`` (the spawn year's last model day), ``state`` (and ``state_name``),
        ``node`` (name) and ``in_eu`` at the run's end.
    """
    model = SmugglingModel(scenario, seed)
    seen: list[tuple[np.ndarray, int]] = []
    cross = model._cross

    def recording(ids, opt, offers, *rest):  # the EU-entry attempts of the day, before their outcome
        labelled = model.odds.labelled[offers.edge[opt]] >= 0
        if labelled.any():
            seen.append((np.asarray(ids)[labelled], model.day))
        return cross(ids, opt, offers, *rest)

    model._cross = recording
    model.run()
    mig = model.migrants
    n = len(mig)
    first = np.full(n, -1, dtype=np.int64)
    for ids, day in reversed(seen):  # the earliest day wins
        first[ids] = day
    spawn = np.asarray(mig.spawn_day[:n], dtype=np.int64)
    years = np.array([(model.first_date + timedelta(days=int(d))).year for d in range(model.n_days_total)])
    year_end = {int(y): int(np.flatnonzero(years == y)[-1]) for y in np.unique(years)}
    return pd.DataFrame({"origin_group": np.asarray(model.groups)[mig.group[:n]], "spawn_year": years[spawn],
                         "spawn_day": spawn, "first_attempt_day": first,
                         "state": np.asarray(mig.state[:n]), "in_eu": np.asarray(mig.in_eu[:n], dtype=bool),
                         "state_name": [MigrantState(int(x)).name for x in mig.state[:n]],
                         "node": np.asarray(model.net.nodes)[np.asarray(mig.node[:n])],
                         "year_end_day": [year_end[int(y)] for y in years[spawn]]})


def not_reached(t: pd.DataFrame) -> pd.DataFrame:
    """The agents of the last spawn year that never reached the border (rows of ``t``)."""
    return t[(t.spawn_year == t.spawn_year.max()) & (t.first_attempt_day < 0)]


def summarise(t: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Lag by origin group (agents that reached the border) and the reached shares by spawn year."""
    reached = t[t.first_attempt_day >= 0]
    lag = (reached.first_attempt_day - reached.spawn_day).groupby(reached.origin_group)
    by_group = pd.DataFrame({"agents": t.groupby("origin_group").size(), "reached": lag.size(),
                             "mean_days": lag.mean().round(1), "median_days": lag.median(),
                             "p90_days": lag.quantile(0.9)}).fillna(0)
    ok = t.first_attempt_day >= 0
    by_year = pd.DataFrame({
        "agents": t.groupby("spawn_year").size(),
        "by_year_end": (ok & (t.first_attempt_day <= t.year_end_day)).groupby(t.spawn_year).mean().round(3),
        "by_run_end": ok.groupby(t.spawn_year).mean().round(3)})
    return by_group, by_year


def _seed(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Days from spawn to the first attempt at the EU border, by origin group, for one replicate "
        "(counts are agents, each of --persons-per-agent persons; spawn years before the scenario's start are "
        "the burn-in). Prints tables; writes nothing.")
    ap.add_argument("scenario", help="scenario YAML file")
    ap.add_argument("--seed", type=_seed, default=1609998650,
                    help="replicate seed (default 1609998650, the first replicate seed of root seed 20140101, "
                    "as in routesim run's first replicate)")
    ap.add_argument("--persons-per-agent", type=int, default=20,
                    help="persons per migrant agent, 1-1000 (default 20)")
    args = ap.parse_args(argv)
    sc = load_or_report(Path(args.scenario), args.persons_per_agent)
    if sc is None:
        return 2
    t = transit_times(sc, args.seed)
    by_group, by_year = summarise(t)
    print(f"{args.scenario}, seed {args.seed}, {args.persons_per_agent} persons per agent (counts are agents)")
    print("days from spawn to the first attempt at the EU border, agents that reached it:")
    print(by_group.to_string())
    print("share of agents spawned in each year that reached the border by that year's end / by the run's end:")
    print(by_year.to_string())
    left = not_reached(t)
    print(f"agents spawned in {int(t.spawn_year.max())} that never reached the border, at the run's end: "
          f"{len(left)}; by state:")
    print(left.groupby("state_name").size().sort_values(ascending=False).to_string())
    print("the ten largest (state, node):")
    print(left.groupby(["state_name", "node"]).size().sort_values(ascending=False).head(10).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
