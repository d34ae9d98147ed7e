"""A year with a partial nationality table: the published nationalities, the rest by a full year's
shares (the demand rule's 2012 step).

Frontex published 2012 detections on all routes for its top nationalities and a total only
(:func:`sim.observed.nationality_partial`: fifteen nationalities, 83 % of 72,437). The year is
completed to a table like the full years' (``year, route, type, nat_iso3, detections``):

1. a published nationality keeps its figure; the remainder (total minus the published) is spread
   over the other nationalities by their shares of the nearest full year's detections among the
   unpublished nationalities;
2. each nationality's detections are split over routes by its own route split in the nearest full
   year, and the Western Balkan rows are scaled to the year's Western Balkan total of the monthly
   series (2012: 6,336), each nationality's other rows taking up the difference (a nationality with
   rows on that route only keeps them, and the others' rows on it take up the rest). The route split is
   used only by the demand rule's one per-route step, the subtraction of the Western Balkan double
   counts (:func:`sim.demand.group_persons`): so 2012's subtraction is the year's Western Balkan total
   spread over nationalities as in 2013, a stated approximation (no 2012 table by route and
   nationality was found). Borrowing the 2013 ratios unscaled would subtract about 15,000 detections,
   more than twice the Western Balkan's 6,336.

Before stop 22 the whole of 2012 borrowed the 2013 group shares, which put Afghans at 8.8 % of 2012
instead of the published 18.2 %, and Bangladeshis and Pakistanis together at 5.7 % instead of 14.2 %.

Examples
--------
>>> import pandas as pd
>>> full = pd.DataFrame({"year": 2013, "route": ["A", "B", "A", "A"], "type": "Sea",
...                      "nat_iso3": ["X", "X", "Y", "Z"], "detections": [30, 10, 20, 60]})
>>> part = pd.DataFrame({"year": [2012], "nat_iso3": ["X"], "detections": [100]})
>>> complete_year(part, 180, full, 2012).values.tolist()
[[2012, 'A', 'Sea', 'X', 75], [2012, 'B', 'Sea', 'X', 25], [2012, 'A', 'Sea', 'Y', 20], [2012, 'A', 'Sea', 'Z', 60]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim import observed
from sim.labels import FrontexRoute

_WB = FrontexRoute.WESTERN_BALKAN

__all__ = ["complete_year", "first_full_year", "partial_fallbacks", "with_partial_years",
           "with_published_partial_years"]


def complete_year(partial: pd.DataFrame, total: int, full: pd.DataFrame, year: int,
                  route_totals: dict[str, float] | None = None) -> pd.DataFrame:
    """The nationality table of ``year`` completed from its published nationalities and total.

    Parameters
    ----------
    partial : pandas.DataFrame
        Columns ``year, nat_iso3, detections``: the published nationalities of ``year`` (all routes).
    total : int
        The year's total detections on all routes.
    full : pandas.DataFrame
        A full nationality table (``year, route, type, nat_iso3, detections``); the nearest year of
        it (ties: the later, the year after) gives the shares and route splits.
    year : int
    route_totals : dict of str to float, optional
        Known totals of the year on some routes (all types): their rows are scaled to them and each
        nationality's other rows rescaled so that its own total is kept (the rows of a nationality with
        none elsewhere are kept as they are, the others' scaled to the rest of the route's total). The shipped build gives the
        Western Balkan's (6,336 in 2012, the monthly series), the one route the demand rule reads.

    Returns
    -------
    pandas.DataFrame
        Columns ``year, route, type, nat_iso3, detections`` (detections rounded to whole events).

    Raises
    ------
    ValueError
        If the published figures exceed the total, or a published nationality is absent from the
        full year (no route split for it), or ``full`` has no rows.
    """
    have = sorted(int(y) for y in full["year"].unique())
    if not have:
        raise ValueError("the full nationality table has no rows")
    ref_year = min(have, key=lambda h: (abs(h - year), -h))
    ref = full[full["year"] == ref_year]
    by_nat = ref.groupby("nat_iso3")["detections"].sum()
    pub = partial[partial["year"] == year].set_index("nat_iso3")["detections"].astype(float)
    missing = sorted(set(pub.index) - set(by_nat.index))
    if missing:
        raise ValueError(f"{year}: nationalities {missing} are not in the {ref_year} table (no route split)")
    rest = float(total) - float(pub.sum())
    if rest < 0:
        raise ValueError(f"{year}: the published nationalities ({pub.sum():,.0f}) exceed the total ({total:,})")
    others = by_nat[~by_nat.index.isin(pub.index)].astype(float)
    est = pd.concat([pub, rest * others / others.sum()]) if others.sum() > 0 else pub
    rows = ref.assign(detections=ref["detections"] / ref["nat_iso3"].map(by_nat) * ref["nat_iso3"].map(est))
    for route, target in (route_totals or {}).items():
        on = (rows["route"] == route).to_numpy()
        now = float(rows.loc[on, "detections"].sum())
        if now <= 0:
            continue
        det = rows["detections"].to_numpy(dtype=float).copy()
        nat_total = rows.groupby("nat_iso3")["detections"].transform("sum").to_numpy(dtype=float)
        old_on = pd.Series(np.where(on, det, 0.0)).groupby(rows["nat_iso3"].to_numpy()).transform("sum").to_numpy()
        # a nationality with no other rows keeps its rows on the route (its total too); the others' rows
        # on it take up the rest of the route's total (all of them, if the kept ones alone exceed it)
        fixed = on & (nat_total - old_on <= 0)
        kept = float(det[fixed].sum())
        if kept < float(target) and now - kept > 0:
            det[on & ~fixed] *= (float(target) - kept) / (now - kept)
        else:
            det[on] *= float(target) / now
        new_on = pd.Series(np.where(on, det, 0.0)).groupby(rows["nat_iso3"].to_numpy()).transform("sum").to_numpy()
        off_old = nat_total - old_on
        scale = np.where(off_old > 0, (nat_total - new_on) / np.where(off_old > 0, off_old, 1.0), 1.0)
        det[~on] *= scale[~on]
        rows = rows.assign(detections=det)
    rows = rows.assign(year=year, detections=np.round(rows["detections"].to_numpy(dtype=float)).astype(int))
    return rows[["year", "route", "type", "nat_iso3", "detections"]].reset_index(drop=True)


def with_partial_years(full: pd.DataFrame, partial: pd.DataFrame, totals: dict[int, int],
                       route_totals: dict[int, dict[str, float]] | None = None) -> pd.DataFrame:
    """The full table with each partial year (not already in it) completed by :func:`complete_year`
    (``route_totals``: per year, as :func:`complete_year`'s); ``attrs["partial_years"]`` names them."""
    have = {int(y) for y in full["year"].unique()}
    extra = [complete_year(partial, totals[y], full, y, (route_totals or {}).get(y))
             for y in sorted(totals) if y not in have]
    out = pd.concat([*extra, full], ignore_index=True) if extra else full.copy()
    out.attrs["partial_years"] = sorted({*full.attrs.get("partial_years", ()),
                                         *(y for y in totals if y not in have)})
    return out


def first_full_year(nationality: pd.DataFrame) -> int:
    """The first year of a nationality table that is not a completed partial year (its ``attrs``)."""
    partial = set(nationality.attrs.get("partial_years", ()))
    return min(int(y) for y in nationality["year"].unique() if int(y) not in partial)


def partial_fallbacks(full: pd.DataFrame) -> dict[int, list[str]]:
    """The shipped partial years that ``full`` lacks and cannot complete, with the codes it lacks.

    Parameters
    ----------
    full : pandas.DataFrame
        A full nationality table (``year, route, type, nat_iso3, detections``).

    Returns
    -------
    dict of int to list of str
        Year to the sorted ``nat_iso3`` codes published for it
        (``sim/data/frontex_ibc_2012_nationalities.csv``) that ``full`` has no row of: such a year is
        not completed by :func:`with_published_partial_years` and borrows a full year's group shares
        (:func:`sim.demand.share_years`). Years ``full`` has, or can complete, are left out.

    Examples
    --------
    >>> full = observed.nationality_annual()
    >>> partial_fallbacks(full)
    {}
    >>> partial_fallbacks(full[full.nat_iso3 != "AFG"])
    {2012: ['AFG']}
    """
    partial, totals = observed.nationality_partial()
    have, codes = {int(y) for y in full["year"].unique()}, set(full["nat_iso3"])
    lacking = {y: sorted(set(partial.loc[partial["year"] == y, "nat_iso3"]) - codes)
               for y in totals if y not in have}
    return {y: c for y, c in lacking.items() if c}


def with_published_partial_years(full: pd.DataFrame, monthly: pd.DataFrame | None = None) -> pd.DataFrame:
    """``full`` with the shipped partial years (2012) it lacks, completed (:func:`with_partial_years`).

    Parameters
    ----------
    full : pandas.DataFrame
        A full nationality table (``year, route, type, nat_iso3, detections``).
    monthly : pandas.DataFrame, optional
        The monthly series (default the shipped one): the partial years' Western Balkan totals.

    Returns
    -------
    pandas.DataFrame
        ``full`` unchanged (a copy) where it has the year already, or lacks any one of the published
        nationalities of it (no route split for it: a table of other data, e.g. a test's); the year then
        borrows a full year's group shares (:func:`sim.demand.share_years`), as the build reports
        (a warning naming the codes, :func:`partial_fallbacks`).
    """
    partial, totals = observed.nationality_partial()
    skip = partial_fallbacks(full)
    totals = {y: t for y, t in totals.items() if y not in skip}
    m = observed.monthly() if monthly is None else monthly
    wb = m[m["route"] == _WB].groupby("year")["detections"].sum()
    return with_partial_years(full, partial, totals, {y: {_WB: float(wb.loc[y])} for y in totals if y in wb.index})
