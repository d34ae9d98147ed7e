"""Paired comparison of scenario variants against a base scenario.

Every scenario (the base and each variant) runs on the **same replicate seeds** (spawned from one root
seed, :func:`sim.runner.replicate_seeds`). Replicate ``i`` of the base and replicate ``i`` of a variant
therefore draw the same random numbers until the first day the two scenarios differ (e.g. an
``effort_change`` from 2014-01-01): everything before it is identical, and the per-replicate difference
``variant_i - base_i`` removes the noise the two share. The comparison is made on those paired
differences.

Interval: for each outcome, the paired differences ``d_1..d_R`` give the mean difference ``mean(d)`` and
a two-sided 90 % **t-interval of the mean**, ``mean(d) +/- t(0.95, R-1) * sd(d) / sqrt(R)`` (``sd`` with
``R-1`` degrees of freedom; Student's t quantile from scipy). It is an interval for the expected effect
of the change at this scale (persons per agent), not for one replicate's difference. A difference is
*distinguishable from zero* when its interval excludes 0. With one replicate there is no interval
(``NaN``; printed "n/a (1 replicate)").

Outcomes (per replicate, dense: a zero where a replicate had none):

- ``detections``: detections by (Frontex route, type) and calendar year, and their ``Total``;
- ``arrivals``: first entries into the EU (``crossings_by_edge.first_entries``) by route, type and year,
  and their ``Total``;
- ``deaths``: deaths at crossings by route and year, and their ``Total``;
- ``exploitation``: exploitation cases by year (route ``All``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from sim import runner
from sim.executors import ExecutorSpec
from sim.labels import route_order

if TYPE_CHECKING:  # pragma: no cover - typing only
    from sim.cache import ReplicateCache
    from sim.scenario import Scenario

__all__ = [
    "LEVEL",
    "MIN_REPLICATES",
    "NOT_SIMULATED",
    "ComparisonResult",
    "outcomes",
    "paired_interval",
    "compare_outcomes",
    "monthly_difference",
    "run_comparison",
    "format_comparison",
    "same_simulation",
]

#: Two-sided level of the intervals.
LEVEL = 0.90
#: Below this many replicates the terminal warns that the intervals are unreliable.
MIN_REPLICATES = 10

_KEY = ["metric", "route", "type", "year"]


def _year(month: pd.Series) -> pd.Series:
    return month.astype(str).str.slice(0, 4).astype("int64")


def outcomes(tables: Mapping[str, pd.DataFrame], years: Sequence[int] | None = None,
             routes: Sequence[tuple[str, str]] | None = None) -> pd.DataFrame:
    """Per-replicate outcomes of an ensemble, long and dense.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Tables of :func:`sim.runner.run_ensemble` (``detections_monthly``, ``crossings_by_edge``,
        ``exploitation``), with ``replicate`` and ``seed``.
    years : sequence of int, optional
        Years to report (default those present).
    routes : sequence of (route, type), optional
        The scenario's Frontex route/type pairs (:func:`route_pairs`): with ``years``, every pair gets a
        ``detections`` and an ``arrivals`` row, every route a ``deaths`` row, and each metric its ``Total``,
        in every replicate and year, zero where nothing happened (the tables are sparse). Without it,
        :func:`compare_outcomes` fills only the keys present in either scenario.

    Returns
    -------
    pandas.DataFrame
        ``replicate, seed, metric, route, type, year, value`` (persons); ``type`` is ``""`` where it
        does not apply (deaths, exploitation, totals).
    """
    parts = []
    det = tables["detections_monthly"].assign(year=lambda t: _year(t["month"]))
    g = det.groupby(["replicate", "seed", "route", "type", "year"], as_index=False)["detections"].sum()
    parts.append(g.rename(columns={"detections": "value"}).assign(metric="detections"))
    t = det.groupby(["replicate", "seed", "year"], as_index=False)["detections"].sum()
    parts.append(t.rename(columns={"detections": "value"}).assign(metric="detections",
                                                                     route="Total", type=""))
    cross = tables["crossings_by_edge"]
    cross = cross[cross["frontex_route"].astype(str) != ""].assign(year=lambda t: _year(t["month"]))
    cross = cross.rename(columns={"frontex_route": "route", "frontex_type": "type"})
    g = cross.groupby(["replicate", "seed", "route", "type", "year"], as_index=False)["first_entries"].sum()
    parts.append(g.rename(columns={"first_entries": "value"}).assign(metric="arrivals"))
    t = cross.groupby(["replicate", "seed", "year"], as_index=False)["first_entries"].sum()
    parts.append(t.rename(columns={"first_entries": "value"}).assign(metric="arrivals",
                                                                        route="Total", type=""))
    g = cross.groupby(["replicate", "seed", "route", "year"], as_index=False)["deaths"].sum()
    parts.append(g.rename(columns={"deaths": "value"}).assign(metric="deaths", type=""))
    t = cross.groupby(["replicate", "seed", "year"], as_index=False)["deaths"].sum()
    parts.append(t.rename(columns={"deaths": "value"}).assign(metric="deaths", route="Total", type=""))
    exp = tables.get("exploitation")
    if exp is not None and len(exp):
        g = exp.groupby(["replicate", "seed", "year"], as_index=False)["cases"].sum()
        parts.append(g.rename(columns={"cases": "value"}).assign(metric="exploitation", route="All",
                                                                    type=""))
    out = pd.concat(parts, ignore_index=True)
    out["route"] = out["route"].astype(str)
    out["type"] = out["type"].astype(str)
    out["year"] = out["year"].astype("int64")
    out["value"] = out["value"].astype("float64")
    if years is not None:
        out = out[out["year"].isin(list(years))]
        if routes is not None:
            out = _with_zeros(out, tables, years, routes)
    return out[["replicate", "seed", *_KEY, "value"]].reset_index(drop=True)


def route_pairs(*scenarios) -> list[tuple[str, str]]:
    """The Frontex route/type pairs of the scenarios' labelled segments, in the Frontex order."""
    pairs = {(str(getattr(s.frontex_route, "value", s.frontex_route)), str(getattr(s.frontex_type, "value", s.frontex_type)))
             for sc in scenarios for s in sc.segments if s.frontex_route is not None}
    return sorted(pairs, key=lambda p: route_order(*p))


def _with_zeros(out: pd.DataFrame, tables: Mapping[str, pd.DataFrame], years: Sequence[int],
                routes: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """``out`` with a zero row for every key of :func:`outcomes`' ``routes`` that has none."""
    reps = tables["detections_monthly"][["replicate", "seed"]]
    reps = pd.concat([reps, tables["crossings_by_edge"][["replicate", "seed"]]]).drop_duplicates()
    keys = []
    for y in years:
        keys += [(m, r, t, y) for r, t in routes for m in ("detections", "arrivals")]
        keys += [("deaths", r, "", y) for r in dict.fromkeys(r for r, _ in routes)]
        keys += [(m, "Total", "", y) for m in ("detections", "arrivals", "deaths")]
    zeros = reps.merge(pd.DataFrame(keys, columns=_KEY), how="cross").assign(value=0.0)
    full = pd.concat([out, zeros], ignore_index=True)
    full = full.groupby(["replicate", "seed", *_KEY], as_index=False, sort=False)["value"].sum()
    full["year"] = full["year"].astype("int64")
    return full


def paired_interval(differences: np.ndarray, level: float = LEVEL) -> tuple[float, float, float]:
    """Mean of paired differences and its two-sided t-interval.

    Parameters
    ----------
    differences : numpy.ndarray, shape (R,)
        ``variant_i - base_i`` for replicates ``i = 1..R``.
    level : float, default 0.9

    Returns
    -------
    (mean, low, high) : tuple of float
        ``low, high = mean -/+ t((1 + level) / 2, R - 1) * sd / sqrt(R)``, ``sd`` with ``ddof=1``;
        ``NaN`` bounds when ``R < 2``.

    Examples
    --------
    >>> m, lo, hi = paired_interval(np.array([1.0, 2.0, 3.0]))
    >>> m, round(lo, 4), round(hi, 4)
    (2.0, 0.3141, 3.6859)
    """
    from scipy import stats

    d = np.asarray(differences, dtype=float)
    mean = float(d.mean()) if d.size else float("nan")
    if d.size < 2:
        return mean, float("nan"), float("nan")
    half = float(stats.t.ppf((1 + level) / 2, d.size - 1)) * float(d.std(ddof=1)) / float(np.sqrt(d.size))
    return mean, float(mean - half), float(mean + half)


def _paired(base: pd.DataFrame, variant: pd.DataFrame, keys: list[str],
            replicates: Sequence[int]) -> pd.DataFrame:
    """Dense per-replicate ``base_value``, ``variant_value`` and ``difference`` on the union of keys."""
    index = pd.concat([base[keys], variant[keys]]).drop_duplicates()
    grid = index.merge(pd.DataFrame({"replicate": list(replicates)}), how="cross")
    b = base.groupby(["replicate", *keys], as_index=False)["value"].sum()
    v = variant.groupby(["replicate", *keys], as_index=False)["value"].sum()
    out = (grid.merge(b.rename(columns={"value": "base_value"}), on=["replicate", *keys], how="left")
           .merge(v.rename(columns={"value": "variant_value"}), on=["replicate", *keys], how="left"))
    out[["base_value", "variant_value"]] = out[["base_value", "variant_value"]].fillna(0.0)
    out["difference"] = out["variant_value"] - out["base_value"]
    return out.sort_values([*keys, "replicate"], kind="stable").reset_index(drop=True)


def _summarise(paired: pd.DataFrame, keys: list[str], level: float) -> pd.DataFrame:
    rows = []
    for key, group in paired.groupby(keys, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        mean, low, high = paired_interval(group["difference"].to_numpy(), level)
        base_mean = float(group["base_value"].mean())
        rows.append({
            **dict(zip(keys, key, strict=True)),
            "replicates": len(group),
            "base_mean": base_mean,
            "variant_mean": float(group["variant_value"].mean()),
            "difference_mean": mean,
            "difference_low": low,
            "difference_high": high,
            "relative_change": mean / base_mean if base_mean else float("nan"),
            "distinguishable": (pd.NA if np.isnan(low) else bool(low > 0 or high < 0)),
        })
    columns = [*keys, "replicates", "base_mean", "variant_mean", "difference_mean",
               "difference_low", "difference_high", "relative_change", "distinguishable"]
    out = pd.DataFrame(rows, columns=columns)
    out["distinguishable"] = out["distinguishable"].astype("boolean")
    return out


def compare_outcomes(
    base: pd.DataFrame, variants: Mapping[str, pd.DataFrame], level: float = LEVEL
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Paired per-replicate differences and their summary.

    Parameters
    ----------
    base : pandas.DataFrame
        :func:`outcomes` of the base scenario.
    variants : mapping of str to pandas.DataFrame
        :func:`outcomes` of each variant, by variant label; same replicates (same seeds) as base.
    level : float, default 0.9

    Returns
    -------
    (comparison, per_replicate) : tuple of pandas.DataFrame
        ``comparison``: ``variant, metric, route, type, year, replicates, base_mean, variant_mean,
        difference_mean, difference_low, difference_high, relative_change, distinguishable``;
        ``per_replicate``: ``variant, replicate, seed, metric, route, type, year, base_value,
        variant_value, difference``. Dense: every key present in either scenario, every replicate, zeros filled.

    Raises
    ------
    ValueError
        If a variant's replicate seeds differ from the base's (the pairing would be void).
    """
    seeds = base.groupby("replicate")["seed"].first()
    replicates = sorted(seeds.index)
    comparisons, pairs = [], []
    for label, variant in variants.items():
        vseeds = variant.groupby("replicate")["seed"].first()
        if not vseeds.reindex(seeds.index).equals(seeds):
            raise ValueError(f"variant {label!r} was not run on the base's replicate seeds")
        p = _paired(base, variant, _KEY, replicates)
        p.insert(0, "variant", label)
        p.insert(2, "seed", p["replicate"].map(seeds).astype("int64"))
        pairs.append(p)
        s = _summarise(p, _KEY, level)
        s.insert(0, "variant", label)
        comparisons.append(s)
    per_replicate = pd.concat(pairs, ignore_index=True)[
        ["variant", "replicate", "seed", *_KEY, "base_value", "variant_value", "difference"]
    ]
    return pd.concat(comparisons, ignore_index=True), per_replicate


def monthly_difference(
    base: Mapping[str, pd.DataFrame], variants: Mapping[str, Mapping[str, pd.DataFrame]],
    replicates: Sequence[int], level: float = LEVEL,
) -> pd.DataFrame:
    """Monthly total detections: paired difference per month with its interval.

    Returns
    -------
    pandas.DataFrame
        ``variant, month, replicates, base_mean, variant_mean, difference_mean, difference_low,
        difference_high, relative_change, distinguishable`` (month ``YYYY-MM``).
    """
    def monthly(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
        det = tables["detections_monthly"]
        m = det.groupby(["replicate", "month"], as_index=False)["detections"].sum()
        return m.rename(columns={"detections": "value"}).assign(month=lambda t: t["month"].astype(str))

    b = monthly(base)
    out = []
    for label, tables in variants.items():
        s = _summarise(_paired(b, monthly(tables), ["month"], replicates), ["month"], level)
        s.insert(0, "variant", label)
        out.append(s)
    return pd.concat(out, ignore_index=True)


#: Scenario settings that do not change what a comparison simulates: labels, and the scenario's own
#: seed (every scenario runs on the replicate seeds of one root seed, the base's or ``--seed``).
NOT_SIMULATED = ("name", "description", "seed")


def same_simulation(a: Scenario, b: Scenario) -> bool:
    """Whether two scenarios simulate the same in a comparison: equal but for :data:`NOT_SIMULATED`.

    Parameters
    ----------
    a, b : sim.scenario.Scenario

    Returns
    -------
    bool
        True when every setting, parameter and table row but the name, description and seed are
        equal (:meth:`~sim.scenario.Scenario.canonical_json`): on the same replicate seeds every
        paired difference is then 0.
    """
    def content(sc: Scenario) -> dict[str, Any]:
        payload = json.loads(sc.canonical_json())
        for key in NOT_SIMULATED:
            payload.pop(key, None)
        return payload

    return content(a) == content(b)


@dataclass
class ComparisonResult:
    """What :func:`run_comparison` returns and :func:`sim.io.write_comparison` writes."""

    base: Any
    variants: dict[str, Any]
    root_seed: int
    replicate_seeds: list[int]
    comparison: pd.DataFrame
    per_replicate: pd.DataFrame
    monthly: pd.DataFrame
    arms: dict[str, dict[str, pd.DataFrame]] = field(default_factory=dict)
    level: float = LEVEL

    @property
    def base_label(self) -> str:
        return "base"


def _labels(variants: Sequence[Scenario]) -> list[str]:
    labels: list[str] = []
    for sc in variants:
        name, n = str(sc.name), 2
        label = name if name != "base" else "variant"
        while label in labels:
            label, n = f"{name}-{n}", n + 1
        labels.append(label)
    return labels


def run_comparison(
    base: Scenario,
    variants: Sequence[Scenario],
    root_seed: int,
    replicates: int,
    executor: ExecutorSpec | None = None,
    *,
    cache: ReplicateCache | None = None,
    resume: bool = False,
    progress: bool | Literal["always"] = True,
    level: float = LEVEL,
) -> ComparisonResult:
    """Run the base and every variant on the same replicate seeds and compare them pairwise.

    Parameters
    ----------
    base : Scenario
    variants : sequence of Scenario
        At least one; each must cover the same period as ``base`` (start and end).
    root_seed : int
    replicates : int
        At least 1 (no intervals below 2).
    executor : ExecutorSpec, optional
        Where the ``(1 + len(variants)) * replicates`` runs go (default serial).
    cache, resume, progress
        As :func:`sim.runner.run_jobs`.
    level : float, default 0.9

    Returns
    -------
    ComparisonResult
        ``variants`` maps each variant's label (its scenario name, ``-2``... added when names repeat)
        to its scenario; ``arms`` holds ``"base"`` and every variant's per-replicate tables.

    Raises
    ------
    ValueError
        No variant, ``replicates < 1``, or a variant covering another period.
    sim.runner.EnsembleError
        If runs failed (the others finished).
    """
    if not variants:
        raise ValueError("compare needs at least one variant")
    if replicates < 1:
        raise ValueError(f"replicates must be >= 1, got {replicates}")
    for sc in variants:
        if (sc.start, sc.end) != (base.start, base.end):
            raise ValueError(
                f"variant {sc.name!r} covers {sc.start}..{sc.end}, the base {base.start}..{base.end}: "
                "paired differences need the same period"
            )
    labels = _labels(variants)
    seeds = runner.replicate_seeds(root_seed, replicates)
    scenarios = [base, *variants]
    jobs = [runner.Job(sc, seed, i) for sc in scenarios for i, seed in enumerate(seeds)]
    results = runner.run_jobs(jobs, executor, cache=cache, resume=resume, progress=progress,
                              desc="runs")
    arms: dict[str, dict[str, pd.DataFrame]] = {}
    for k, label in enumerate(["base", *labels]):
        arms[label] = runner._concat(results[k * replicates:(k + 1) * replicates])
    # the tables hold the reported period; every route/type pair of the scenarios gets a row in each year
    years = sorted(set(range(base.start.year, base.end.year + 1)).union(
        *(_year(arms[k]["detections_monthly"]["month"]) for k in arms)))
    routes = route_pairs(*scenarios)
    base_out = outcomes(arms["base"], years, routes)
    var_out = {label: outcomes(arms[label], years, routes) for label in labels}
    comparison, per_replicate = compare_outcomes(base_out, var_out, level)
    monthly = monthly_difference(arms["base"], {label: arms[label] for label in labels},
                                 list(range(replicates)), level)
    return ComparisonResult(base, dict(zip(labels, variants, strict=True)), root_seed, seeds,
                            comparison, per_replicate, monthly, arms, level)


def _decimals(*means: float) -> int:
    """Decimals of one row of the terminal table: whole numbers from 100 persons on, else two, so that a
    row's means, difference and interval read alike (26.67, 20.00, -6.67; not 27, 20, -6.67)."""
    return 0 if max(abs(m) for m in means) >= 100 else 2


def _fmt(value: float, decimals: int = 0, sign: bool = True) -> str:
    return f"{value:{'+' if sign else ''},.{decimals}f}"


def format_comparison(result: ComparisonResult, year: int | None = None) -> str:
    """Terminal text: for each variant, the year's outcomes with their paired difference and interval,
    and which differences are distinguishable from zero.

    Parameters
    ----------
    result : ComparisonResult
    year : int, optional
        Year shown (default the last year the scenarios cover).

    Returns
    -------
    str
    """
    table = result.comparison
    if year is None:
        year = int(table["year"].max()) if len(table) else result.base.end.year
    replicates = len(result.replicate_seeds)
    pct = round(result.level * 100)
    lines = [
        f"routesim compare {result.base.name}: {len(result.variants)} variant(s), {replicates} "
        f"replicate(s) on the same seeds (root seed {result.root_seed}), "
        f"{result.base.persons_per_agent} person(s) per agent; paired differences (variant - base) "
        f"in {year} with {pct} % t-intervals"
    ]
    if replicates < MIN_REPLICATES:
        lines.append(f"warning: only {replicates} replicate(s): intervals from fewer than "
                     f"{MIN_REPLICATES} replicates are unreliable")
    for label in result.variants:
        rows = table[(table["variant"] == label) & (table["year"] == year)]
        zero = (rows["base_mean"] == 0) & (rows["variant_mean"] == 0)
        left_out = [f"{r.metric} {r.route}" + (f" / {r.type}" if r.type else "") for r in rows[zero].itertuples()]
        rows = rows[~zero]
        # each metric's rows together, in the table's order of metrics; routes as Frontex lists them
        metric_rank = {m: k for k, m in enumerate(dict.fromkeys(rows["metric"]))}
        rows = rows.iloc[sorted(range(len(rows)), key=lambda i: (
            metric_rank[rows["metric"].iloc[i]],
            *route_order(str(rows["route"].iloc[i]), str(rows["type"].iloc[i] or ""))))]
        lines.append(f"\n{label} vs base ({year}):")
        cells = []
        distinct = []
        for r in rows.itertuples():
            what = f"{r.metric} {r.route}" + (f" / {r.type}" if r.type else "")
            k = _decimals(r.base_mean, r.variant_mean)
            if replicates < 2:
                band = "n/a (1 replicate)"
            else:
                band = f"[{_fmt(r.difference_low, k)}, {_fmt(r.difference_high, k)}]"
                if r.distinguishable:
                    band += " *"
                    distinct.append(what)
            cells.append([what, _fmt(r.base_mean, k, sign=False), _fmt(r.variant_mean, k, sign=False),
                          _fmt(r.difference_mean, k), band])
        header = ["outcome", "base", "variant", "difference", "interval"]
        # every column as wide as its widest cell, so that a long route name keeps the columns aligned
        widths = [max(len(c[i]) for c in [header, *cells]) for i in range(4)]
        for c in [header, *cells]:
            lines.append(f"  {c[0]:<{widths[0]}}  {c[1]:>{widths[1]}}  {c[2]:>{widths[2]}}  "
                         f"{c[3]:>{widths[3]}}  {c[4]}".rstrip())
        if left_out:
            lines.append("  left out, zero in both arms: " + ", ".join(left_out))
        if replicates >= 2:
            lines.append("  distinguishable from zero (*): " + (", ".join(distinct) if distinct
                                                                else "none"))
    if replicates >= 2:
        lines.append(f"\n* the {pct} % interval of the paired difference excludes 0, outcome by outcome, with no "
                     "correction for the many outcomes compared at once; "
                     f"with {replicates} replicates the intervals themselves are "
                     + ("unreliable." if replicates < MIN_REPLICATES else "estimates."))
    return "\n".join(lines) + "\n"
