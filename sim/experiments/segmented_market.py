"""V4, segmented market: simulated prices by segment and service level against the observed fee
ranges of ``smuggling_fees.csv`` (EUR).

Which simulated legs price which fee row comes from the scenario's ``experiments:
segmented_market: fee_legs:`` block.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim import observed
from sim.experiments.design import ExperimentResult, design, holds, run_arms, settings

if TYPE_CHECKING:  # pragma: no cover - typing only
    from sim.scenario import Scenario

_SERVICE_LEVELS = ("basic", "standard", "premium")
_FROM_SCENARIO = object()  # default of ``year``: the scenario's block


def fee_comparison(
    prices: pd.DataFrame,
    base_fee_eur: Mapping[str, float],
    fees: pd.DataFrame | None,
    legs: Mapping[str, Sequence[Sequence[str]]],
    year: int | None = None,
) -> pd.DataFrame:
    """Simulated leg prices by service level against the observed fee ranges (EUR per person).

    Parameters
    ----------
    prices : DataFrame
        ``prices`` table of an ensemble (``replicate, month, segment, service_level,
        price_mean_eur, sold``).
    base_fee_eur : mapping of str to float
        ``A->B`` to the segment's base fee (EUR), the price of an edge nobody sells (self-travel).
    fees : DataFrame or None
        :func:`sim.observed.smuggling_fees` (``segment, low_eur, high_eur``); None: that.
    legs : mapping of str to sequence of sequence of str
        Fee row (``segment`` of ``fees``) to the simulated legs it prices: alternative paths, each
        a list of edges ``A->B`` whose prices add up (a sold edge at the market's mean price of the
        service level, an unsold edge at its base fee, what a self-travelling migrant pays); from
        the scenario's ``experiments: segmented_market: fee_legs:``.
    year : int, optional
        Only months of this year; default every reported month.

    Returns
    -------
    DataFrame
        One row per fee row with a leg and service level: ``fee_segment, service_level,
        observed_low_eur, observed_high_eur, simulated_mean_eur, simulated_p05_eur,
        simulated_p95_eur, months`` (number of replicate-months-paths priced), ``inside``
        (simulated mean within the observed range). A leg's price in one replicate-month is the
        sum over a path's edges (sold edges at that month's mean price of the service level, which
        must be sold then; others at base fee); the statistics pool paths, months and replicates,
        weighting each equally.
    """
    fees = observed.smuggling_fees() if fees is None else fees
    fees = fees.set_index("segment")
    p = prices if year is None else prices[prices["month"].astype(str).str.startswith(str(year))]
    sold = set(prices["segment"].unique())
    rows = []
    for fee_segment, alternatives in legs.items():
        if fee_segment not in fees.index:
            continue
        for level in _SERVICE_LEVELS:
            pl = p[p["service_level"] == level]
            table = pl.pivot_table(index=["replicate", "month"], columns="segment", values="price_mean_eur", aggfunc="mean")
            values: list[np.ndarray] = []
            for path in alternatives:
                fixed = sum(float(base_fee_eur.get(e, np.nan)) for e in path if e not in sold)
                sold_edges = [e for e in path if e in sold]
                if not sold_edges:
                    continue
                if any(e not in table.columns for e in sold_edges):
                    continue
                v = table[sold_edges].sum(axis=1, skipna=False) + fixed
                values.append(v.dropna().to_numpy(dtype=float))
            v = np.concatenate(values) if values else np.zeros(0)
            low, high = float(fees.loc[fee_segment, "low_eur"]), float(fees.loc[fee_segment, "high_eur"])
            if len(v):
                mean, (p05, p95) = float(v.mean()), np.percentile(v, [5, 95])
            else:
                mean, p05, p95 = np.nan, np.nan, np.nan
            rows.append({
                "fee_segment": fee_segment, "service_level": level,
                "observed_low_eur": low, "observed_high_eur": high,
                "simulated_mean_eur": mean, "simulated_p05_eur": float(p05), "simulated_p95_eur": float(p95),
                "months": len(v), "inside": bool(low <= mean <= high) if len(v) else False,
            })
    return pd.DataFrame(rows)



def segmented_market(
    scenario: Scenario,
    root_seed: int,
    replicates: int = 10,
    *,
    processes: int = 1,
    progress: bool = False,
    year: int | None | object = _FROM_SCENARIO,
) -> ExperimentResult:
    """V4: simulated prices by segment and service level against the observed fee ranges.

    Parameters
    ----------
    scenario : Scenario
        With an ``experiments: segmented_market:`` block (:class:`~sim.scenario.
        experiment_settings.SegmentedMarketSettings`): the fee legs.
    root_seed : int
    replicates : int, default 10
    processes : int, default 1
    progress : bool, default False
    year : int or None, optional
        Only this year's months (None: every reported month); default the block's ``year``.

    Returns
    -------
    ExperimentResult
        Arm ``baseline``. Summary: ``fees`` (one object per fee row with a simulated leg and
        service level, as :func:`fee_comparison`), ``share_inside_standard`` and
        ``share_inside_any_level`` (share of the fee rows with a simulated price whose simulated
        mean at the standard level, or at some level, lies inside the observed range) and
        ``fee_segments_without_simulated_price`` (no sale on some edge of every path). Tables ``fee_comparison`` and
        ``prices_by_segment`` (segment, service_level, price mean and p05/p95 over replicates of
        the sold-weighted mean, EUR; sold, persons per replicate).

    Raises
    ------
    ValueError
        If the scenario has no ``experiments: segmented_market:`` block.
    """
    cfg = settings(scenario, "segmented_market")
    year = cfg.year if year is _FROM_SCENARIO else year
    arms = run_arms({"baseline": scenario}, root_seed, replicates, processes, progress)
    prices = arms["baseline"]["prices"]
    base = {f"{s.source}->{s.target}": float(s.base_fee_eur) for s in scenario.segments}
    fees = fee_comparison(prices, base, None, cfg.fee_legs, year=year)
    summary: dict[str, Any] = {"experiment": "segmented-market", **design(scenario, root_seed, replicates),
                               "year": year, "fees": fees.to_dict(orient="records")}
    priced = fees[fees["months"] > 0] if len(fees) else fees
    if len(priced):
        std = priced[priced["service_level"] == "standard"]
        summary["share_inside_standard"] = float(std["inside"].mean()) if len(std) else None
        summary["share_inside_any_level"] = float(priced.groupby("fee_segment")["inside"].any().mean())
    else:
        summary["share_inside_standard"] = summary["share_inside_any_level"] = None
    summary["fee_segments_without_simulated_price"] = sorted(
        set(fees["fee_segment"]) - set(priced["fee_segment"])) if len(fees) else []
    summary["observed"] = {"source": "smuggling_fees.csv (EUR at 1.3281 USD/EUR 2013, 1.3285 2014, 1.1095 2015)"}
    summary["expected"] = {"standard-level prices inside the observed ranges (V4)": holds(
        summary["share_inside_standard"] is not None and summary["share_inside_standard"] == 1.0)}
    p = prices if year is None else prices[prices["month"].astype(str).str.startswith(str(year))]
    per_rep = (p.assign(revenue=p["price_mean_eur"] * p["sold"])
               .groupby(["segment", "service_level", "replicate"], as_index=False)[["revenue", "sold"]].sum())
    per_rep["price"] = per_rep["revenue"] / per_rep["sold"]
    by_seg = per_rep.groupby(["segment", "service_level"]).agg(
        price_mean_eur=("price", "mean"),
        price_p05_eur=("price", lambda v: float(np.percentile(v, 5))),
        price_p95_eur=("price", lambda v: float(np.percentile(v, 95))),
        sold=("sold", lambda v: float(v.sum()) / replicates),
    ).reset_index()
    tables = {"fee_comparison": fees, "prices_by_segment": by_seg}
    return ExperimentResult("segmented-market", scenario, root_seed, summary["replicate_seeds"], summary, tables, arms)

