"""V3, enterprise concentration: enterprise structure at market nodes under their standing
enforcement effort multiplied by levels.

The market nodes, the levels and the year come from the scenario's ``experiments:
enterprise_concentration:`` block.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.experiments.design import ExperimentResult, design, holds, run_arms, settings
from sim.experiments.stats import ensemble_stats, spearman
from sim.labels import text

if TYPE_CHECKING:  # pragma: no cover - typing only
    from sim.scenario import Scenario


def scale_node_effort(
    scenario: Scenario, level: float, nodes: Sequence[str]
) -> tuple[Scenario, list[dict[str, Any]]]:
    """Multiply the standing effort of agency rows that target the given nodes.

    Parameters
    ----------
    scenario : Scenario
    level : float
        Multiplier (>= 0) of ``effort`` (dimensionless) of every agency row with
        ``target_type`` node and ``target`` in ``nodes``.
    nodes : sequence of str
        Market nodes (reference scenario: the western Libyan coast).

    Returns
    -------
    scenario : Scenario
        Validated copy. Where the multiplied effort leaves the row's prior range
        ``effort_low..effort_high``, the range is widened to include it (the loader rejects an
        effort outside its range); the range is otherwise unchanged.
    widened : list of dict
        One ``{"agency", "target", "effort", "effort_low", "effort_high"}`` per widened row.

    Raises
    ------
    ValueError
        If ``level`` is negative or no agency row targets those nodes.
    """
    if level < 0:
        raise ValueError(f"effort level must be >= 0, got {level}")
    rows, widened, hit = [], [], 0
    for row in scenario.agencies:
        if text(row.target_type) == "node" and row.target in nodes:
            hit += 1
            data = row.model_dump()
            effort = float(row.effort) * level
            low, high = min(row.effort_low, effort), max(row.effort_high, effort)
            if (low, high) != (row.effort_low, row.effort_high):
                widened.append({"agency": row.agency, "target": row.target, "effort": effort,
                                "effort_low": low, "effort_high": high})
            data.update(effort=effort, effort_low=low, effort_high=high)
            rows.append(type(row).model_validate(data))
        else:
            rows.append(row)
    if not hit:
        raise ValueError(f"no agency row targets the nodes {', '.join(nodes)}")
    return scenario.with_overrides(agencies=rows), widened



def pooled_concentration(
    enterprises: pd.DataFrame, prices: pd.DataFrame, nodes: Sequence[str], year: int, replicates: Sequence[int]
) -> pd.DataFrame:
    """Enterprise structure of several market nodes pooled into one market, per quarter then averaged.

    Parameters
    ----------
    enterprises : DataFrame
        ``enterprises`` table (weekly per node: ``replicate, date, node, enterprises, hhi,
        mean_members, mean_segments, package_share``).
    prices : DataFrame
        ``prices`` table (``replicate, month, segment, sold``), for each node's seats sold by
        enterprises (persons) per quarter.
    nodes : sequence of str
    year : int
    replicates : sequence of int

    Returns
    -------
    DataFrame, one row per replicate
        ``replicate, enterprises, hhi, mean_members, mean_segments, package_share``: the mean over
        the year's four quarters of each quarter's pooled value (quarters without data left out).

    Notes
    -----
    Per quarter and weekly snapshot: ``enterprises`` is the sum over the nodes;
    ``mean_members`` and ``mean_segments`` are the nodes' means weighted by their enterprise counts
    (the pooled mean over enterprises); ``package_share`` is weighted by the nodes' sales in the
    quarter. Weekly values are averaged over the quarter. ``hhi`` (0-1, shares of seats sold in
    persons) is pooled with the identity HHI = sum_n w_n**2 * HHI_n, exact when every enterprise
    sells at one node only (true: an enterprise is based at one node), where w_n is node n's share
    of the quarter's sales by enterprises at the nodes (``prices.sold`` of segments leaving n) and
    HHI_n the quarter's mean of the node's weekly HHI. The weekly HHI over one week's sales is
    above the HHI of a quarter's sales when sales are lumpy (coarse ``persons_per_agent``).
    """
    e = enterprises[enterprises["node"].isin(nodes) & enterprises["date"].astype(str).str.startswith(str(year))].copy()
    e["quarter"] = (pd.to_datetime(e["date"]).dt.month - 1) // 3 + 1
    p = prices[prices["month"].astype(str).str.startswith(str(year))].copy()
    p["node"] = p["segment"].str.split("->").str[0]
    p = p[p["node"].isin(nodes)]
    p["quarter"] = (p["month"].astype(str).str.slice(5, 7).astype(int) - 1) // 3 + 1
    sales = p.groupby(["replicate", "quarter", "node"])["sold"].sum()
    rows = []
    for rep in replicates:
        er = e[e["replicate"] == rep]
        per_q = []
        for q, eq in er.groupby("quarter"):
            try:
                w = sales.loc[(rep, q)]
            except KeyError:
                w = pd.Series(dtype=float)
            w = pd.Series(w, dtype=float).reindex(list(nodes)).fillna(0.0)
            wsum = float(w.sum())
            share = w / wsum if wsum > 0 else w * np.nan

            def weekly(g, share=share):
                n = g["enterprises"].to_numpy(dtype=float)
                tot = n.sum()
                sh = share.reindex(g["node"]).to_numpy(dtype=float)
                pk = g["package_share"].to_numpy(dtype=float)
                ok = np.isfinite(pk) & np.isfinite(sh)
                return pd.Series({
                    "enterprises": tot,
                    "mean_members": np.nansum(n * g["mean_members"].to_numpy(dtype=float)) / tot if tot else np.nan,
                    "mean_segments": np.nansum(n * g["mean_segments"].to_numpy(dtype=float)) / tot if tot else np.nan,
                    "package_share": (pk[ok] * sh[ok]).sum() / sh[ok].sum() if ok.any() and sh[ok].sum() > 0 else np.nan,
                })

            wk = eq.groupby("date").apply(weekly, include_groups=False).mean()
            hhi_n = eq.groupby("node")["hhi"].mean().reindex(list(nodes))
            ok = np.isfinite(hhi_n.to_numpy(dtype=float)) & np.isfinite(share.to_numpy(dtype=float))
            hhi = float((share.to_numpy()[ok] ** 2 * hhi_n.to_numpy()[ok]).sum()) if ok.any() else np.nan
            per_q.append({**wk.to_dict(), "hhi": hhi})
        keys = ["enterprises", "hhi", "mean_members", "mean_segments", "package_share"]
        if per_q:
            qdf = pd.DataFrame(per_q)
            rows.append({"replicate": rep, **{k: float(qdf[k].mean()) for k in keys}})
        else:
            rows.append({"replicate": rep, **dict.fromkeys(keys, np.nan)})
    return pd.DataFrame(rows, columns=["replicate", "enterprises", "hhi", "mean_members", "mean_segments", "package_share"])



def enterprise_concentration(
    scenario: Scenario,
    root_seed: int,
    replicates: int = 10,
    *,
    processes: int = 1,
    progress: bool = False,
    levels: Sequence[float] | None = None,
    nodes: Sequence[str] | None = None,
    year: int | None = None,
) -> ExperimentResult:
    """V3: enterprise structure at market nodes under standing enforcement effort multiplied by levels.

    Parameters
    ----------
    scenario : Scenario
        With an ``experiments: enterprise_concentration:`` block (:class:`~sim.scenario.
        experiment_settings.EnterpriseConcentrationSettings`).
    root_seed : int
    replicates : int, default 10
    processes : int, default 1
    progress : bool, default False
    levels : sequence of float, optional
        Multipliers of the standing effort of the agency rows targeting ``nodes``; default the
        block's ``levels`` (reference scenario: 0, 0.5, 1, 2, 4).
    nodes : sequence of str, optional
        Market nodes; default the block's ``nodes`` (reference scenario: the western Libyan coast).
    year : int, optional
        Calendar year whose four quarters are averaged; default the block's ``year``.

    Returns
    -------
    ExperimentResult
        One arm per level (``level_<x>``). Summary: ``levels``, a list of objects with ``level``
        and ``enterprises``, ``hhi``, ``mean_members``, ``mean_segments``, ``package_share`` (each
        with ``_p05``/``_p95``; see :func:`pooled_concentration`); ``spearman_hhi_level`` and
        ``spearman_mean_segments_level`` (rank correlation of the level with the ensemble means);
        ``widened_ranges`` (agency rows whose prior effort range was widened). Table
        ``concentration`` (level, replicate and the five keys).

    Raises
    ------
    ValueError
        If the scenario has no ``experiments: enterprise_concentration:`` block or no agency row
        targets the nodes.
    """
    cfg = settings(scenario, "enterprise_concentration")
    levels = cfg.levels if levels is None else levels
    nodes = cfg.nodes if nodes is None else nodes
    year = cfg.year if year is None else year
    arms_sc, widened = {}, []
    for level in levels:
        sc, w = scale_node_effort(scenario, float(level), nodes)
        arms_sc[f"level_{level:g}"] = sc
        widened += [{"level": float(level), **row} for row in w]
    arms = run_arms(arms_sc, root_seed, replicates, processes, progress)
    reps = list(range(replicates))
    keys = ["enterprises", "hhi", "mean_members", "mean_segments", "package_share"]
    frames, entries = [], []
    for level, t in zip(levels, arms.values(), strict=True):
        conc = pooled_concentration(t["enterprises"], t["prices"], nodes, year, reps)
        frames.append(conc.assign(level=float(level)))
        entry: dict[str, Any] = {"level": float(level)}
        for k in keys:
            entry.update(ensemble_stats(conc[k], k))
        entries.append(entry)
    summary: dict[str, Any] = {"experiment": "enterprise-concentration", **design(scenario, root_seed, replicates),
                               "nodes": list(nodes), "year": year, "levels": entries, "widened_ranges": widened}
    lv = [e["level"] for e in entries]
    for k in ("hhi", "mean_segments"):
        vals = [e[k] if e[k] is not None else np.nan for e in entries]
        summary[f"spearman_{k}_level"] = spearman(lv, vals)
    at1 = next((e for e in entries if e["level"] == 1.0), None)
    summary["observed"] = {"note": "no observed figure: DESIGN V3 is qualitative (many small groups; larger, "
                                   "more sophisticated networks where enforcement is robust)"}
    summary["expected"] = {
        "hhi < 0.15 at level 1": holds(at1 is not None and at1["hhi"] is not None and at1["hhi"] < 0.15),
        "Spearman(level, hhi) >= 0.9": holds(np.isfinite(summary["spearman_hhi_level"]) and summary["spearman_hhi_level"] >= 0.9),
        "Spearman(level, mean_segments) >= 0.9": holds(
            np.isfinite(summary["spearman_mean_segments_level"]) and summary["spearman_mean_segments_level"] >= 0.9),
    }
    tables = {"concentration": pd.concat(frames, ignore_index=True)[["level", "replicate", *keys]]}
    return ExperimentResult("enterprise-concentration", scenario, root_seed, summary["replicate_seeds"], summary, tables, arms)

