"""V2, hub persistence: hub ranks and route shares in two same-season windows, with and without
hub reputation in the choice (the ablation).

The windows and the number of hubs ranked come from the scenario's ``experiments:
hub_persistence:`` block.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.experiments.design import (
    ExperimentResult,
    Window,
    design,
    holds,
    month_window,
    observed_in_window,
    run_arms,
    settings,
)
from sim.experiments.stats import ensemble_stats, spearman, total_variation

if TYPE_CHECKING:  # pragma: no cover - typing only
    from sim.scenario import Scenario


def reputation_ablation(scenario: Scenario) -> Scenario:
    """The scenario without hub reputation in the choice (DESIGN step 8's ablation).

    Both forms are switched off: the hub-reputation mechanism (``hub_reputation.enabled: false``,
    mechanisms note (c)) and the older "reputation of the next hub ahead" term
    (``choice.reputation_weight: 0``), which the model uses when the mechanism is off.
    """
    return scenario.with_overrides(parameters={"choice": {"reputation_weight": 0.0},
                                               "hub_reputation": {"enabled": False}})



def hub_throughput(hubs: pd.DataFrame, window: Window, kind: str = "hub") -> pd.DataFrame:
    """Mean throughput (persons per day) per replicate and node of a kind in a window.

    Parameters
    ----------
    hubs : DataFrame
        ``hubs`` table of an ensemble (weekly ``replicate, date, node, kind, throughput``).
    window : Window
        Months whose weekly snapshots are averaged.
    kind : str, default "hub"

    Returns
    -------
    DataFrame
        Index replicate, columns node, persons per day (30-day moving average, averaged over the
        window's weekly snapshots).
    """
    h = hubs[(hubs["kind"] == kind) & window.contains(hubs["date"])]
    return h.pivot_table(index="replicate", columns="node", values="throughput", aggfunc="mean").fillna(0.0)


def hub_rank_correlation(
    hubs: pd.DataFrame, first: Window, second: Window, replicates: Sequence[int], top: int = 15
) -> np.ndarray:
    """Spearman correlation of hub throughput between two windows, per replicate.

    Parameters
    ----------
    hubs : DataFrame
        ``hubs`` table of an ensemble.
    first, second : Window
    replicates : sequence of int
    top : int, default 15
        The ``top`` busiest nodes of kind ``hub`` in the first window (per replicate; all of them
        if there are fewer).

    Returns
    -------
    ndarray, shape (len(replicates),)
        Correlation in [-1, 1], NaN where undefined.
    """
    a, b = hub_throughput(hubs, first), hub_throughput(hubs, second)
    out = np.full(len(replicates), np.nan)
    for i, rep in enumerate(replicates):
        if rep not in a.index:
            continue
        ta = a.loc[rep].sort_values(ascending=False, kind="stable").head(top)
        tb = b.loc[rep].reindex(ta.index).fillna(0.0) if rep in b.index else pd.Series(0.0, index=ta.index)
        out[i] = spearman(ta.to_numpy(), tb.to_numpy())
    return out


def first_entry_shares(crossings: pd.DataFrame, window: Window, replicate: int, by: str = "edge") -> dict[str, float]:
    """Shares of first entries over EU-entry edges (or route/type pairs) in a window, one replicate.

    Parameters
    ----------
    crossings : DataFrame
        ``crossings_by_edge`` of an ensemble.
    window : Window
    replicate : int
    by : {"edge", "route_type"}

    Returns
    -------
    dict of str to float
        Shares summing to 1 (empty if no first entry).
    """
    c = crossings[(crossings["replicate"] == replicate) & window.contains(crossings["month"])
                  & (crossings["frontex_route"] != "")]
    key = c["edge"] if by == "edge" else c["frontex_route"] + "/" + c["frontex_type"]
    s = c["first_entries"].groupby(key).sum()
    total = float(s.sum())
    return {k: float(v) / total for k, v in s.items()} if total > 0 else {}



def _observed_shares(window: Window, by: str) -> dict[str, float]:
    m = observed_in_window(window)
    m = m[m["route"] != "Other"]
    key = m["route"] if by == "route" else m["route"] + "/" + m["type"]
    s = m["detections"].groupby(key).sum()
    return (s / s.sum()).to_dict()



def hub_persistence(
    scenario: Scenario,
    root_seed: int,
    replicates: int = 10,
    *,
    processes: int = 1,
    progress: bool = False,
    first: Window | None = None,
    second: Window | None = None,
    top: int | None = None,
) -> ExperimentResult:
    """V2: hubs persist while routes shift: hub ranks and route shares in two same-season windows.

    Parameters
    ----------
    scenario : Scenario
        With an ``experiments: hub_persistence:`` block (:class:`~sim.scenario.
        experiment_settings.HubPersistenceSettings`); in the reference, the shocked scenario.
    root_seed : int
    replicates : int, default 10
    processes : int, default 1
    progress : bool, default False
    first, second : Window, optional
        Default the block's windows (reference scenario: Feb-Jul 2012 and Feb-Jul 2013).
    top : int, optional
        Busiest hubs (nodes of kind ``hub``) in the first window that are ranked; default the
        block's ``top_hubs``.

    Returns
    -------
    ExperimentResult
        Arms ``baseline`` and ``ablation`` (hub reputation weight 0, paired seeds). Summary keys
        (each with ``_p05``/``_p95``): ``hub_rank_correlation``, ``route_share_change`` (total
        variation distance of first-entry shares over EU-entry edges), the same with
        ``_ablation``, ``hub_rank_correlation_drop`` (paired baseline minus ablation) and
        ``route_share_change_by_route_type`` (over route/type pairs, comparable with the observed
        figure). Table ``hub_throughput`` (arm, replicate, window, node, throughput in persons per
        day).

    Raises
    ------
    ValueError
        If the scenario has no ``experiments: hub_persistence:`` block.
    """
    cfg = settings(scenario, "hub_persistence")
    first = month_window(cfg.first) if first is None else first
    second = month_window(cfg.second) if second is None else second
    top = cfg.top_hubs if top is None else top
    ablation = reputation_ablation(scenario)
    arms = run_arms({"baseline": scenario, "ablation": ablation}, root_seed, replicates, processes, progress)
    reps = list(range(replicates))
    summary: dict[str, Any] = {"experiment": "hub-persistence", **design(scenario, root_seed, replicates),
                               "windows": {"first": str(first), "second": str(second)}, "top_hubs": top}
    corr: dict[str, np.ndarray] = {}
    for arm, suffix in (("baseline", ""), ("ablation", "_ablation")):
        t = arms[arm]
        corr[arm] = hub_rank_correlation(t["hubs"], first, second, reps, top)
        tvd = [total_variation(first_entry_shares(t["crossings_by_edge"], first, r),
                               first_entry_shares(t["crossings_by_edge"], second, r)) for r in reps]
        summary.update(ensemble_stats(corr[arm], f"hub_rank_correlation{suffix}"))
        summary.update(ensemble_stats(tvd, f"route_share_change{suffix}"))
        if arm == "baseline":
            tvd_rt = [total_variation(first_entry_shares(t["crossings_by_edge"], first, r, by="route_type"),
                                      first_entry_shares(t["crossings_by_edge"], second, r, by="route_type")) for r in reps]
            summary.update(ensemble_stats(tvd_rt, "route_share_change_by_route_type"))
    summary.update(ensemble_stats(corr["baseline"] - corr["ablation"], "hub_rank_correlation_drop"))
    summary["observed"] = {
        "route_share_change_by_route_type": total_variation(_observed_shares(first, "route_type"),
                                                            _observed_shares(second, "route_type")),
        "route_share_change_by_route": total_variation(_observed_shares(first, "route"), _observed_shares(second, "route")),
        "note": "detections (revised monthly series) rather than first entries; DESIGN V2 gives 0.56 over "
                "route/type pairs and 0.44 over routes",
    }
    s = summary
    summary["expected"] = {
        "route_share_change >= 0.2": holds(s["route_share_change"] is not None and s["route_share_change"] >= 0.2),
        "hub_rank_correlation >= 0.8": holds(s["hub_rank_correlation"] is not None and s["hub_rank_correlation"] >= 0.8),
        "hub_rank_correlation_ablation <= hub_rank_correlation - 0.1": holds(
            None not in (s["hub_rank_correlation"], s["hub_rank_correlation_ablation"])
            and s["hub_rank_correlation_ablation"] <= s["hub_rank_correlation"] - 0.1),
    }
    frames = []
    for arm, t in arms.items():
        for wname, w in (("first", first), ("second", second)):
            tp = hub_throughput(t["hubs"], w).stack().rename("throughput").reset_index()
            frames.append(tp.assign(arm=arm, window=wname))
    tables = {"hub_throughput": pd.concat(frames, ignore_index=True)[["arm", "replicate", "window", "node", "throughput"]]}
    return ExperimentResult("hub-persistence", scenario, root_seed, summary["replicate_seeds"], summary, tables, arms)

