"""Persons by origin group and year from the nationality tables (steps 1 and 4-5 of the demand rule):
the Western Balkan double counts subtracted, the groups' shares borrowed by years without a table, and
what is dropped."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from sim import observed
from sim.demand.partial import first_full_year, with_published_partial_years
from sim.labels import FrontexRoute

#: Origin groups from the Balkans: their Western Balkan detections are not double counts.
BALKAN_GROUPS: tuple[str, ...] = ("Kosovo", "Albania", "Western Balkans other")


#: The origin group without an origin node, dropped from demand.
DROPPED_GROUP = "Other and unknown"


_WB = FrontexRoute.WESTERN_BALKAN


def read_inputs(
    nationality: pd.DataFrame | None,
    nationality_groups: pd.DataFrame | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The nationality and groups tables given, or the shipped ones (:mod:`sim.observed`): the full
    2013-2014 table and 2012 completed from its published nationalities (:mod:`sim.demand.partial`)."""
    if nationality is None:
        n = with_published_partial_years(observed.nationality_annual())
    else:
        n = nationality
    g = observed.nationality_groups() if nationality_groups is None else nationality_groups
    return n, g


def grouped_nationalities(
    nationality: pd.DataFrame | None = None, nationality_groups: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Nationality rows with their origin group (``year, route, type, nat_iso3, detections,
    origin_group``); codes without a group get ``origin_group`` NaN (see :func:`ungrouped`)."""
    n, g = read_inputs(nationality, nationality_groups)
    n = n[["year", "route", "type", "nat_iso3", "detections"]]
    return n.merge(g[["nat_iso3", "origin_group"]], on="nat_iso3", how="left",
                   validate="many_to_one")


def ungrouped(
    nationality: pd.DataFrame | None = None, nationality_groups: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Nationality codes of the nationality table that have no origin group, with their counts.

    They are dropped from demand like ``Other and unknown`` (and counted in
    :func:`dropped_share`), never silently: the builder reports them.

    Parameters
    ----------
    nationality : pandas.DataFrame, optional
        Columns ``year, route, type, nat_iso3, detections``; default the shipped table.
    nationality_groups : pandas.DataFrame, optional
        Columns ``nat_iso3, origin_group``; default the shipped ``nationality_groups.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns ``year, nat_iso3, detections`` (all routes, persons-events), sorted by year and
        code; empty when every code has a group (the shipped tables).

    Examples
    --------
    >>> len(ungrouped())
    0
    """
    n = grouped_nationalities(nationality, nationality_groups)
    lost = n[n["origin_group"].isna()]
    out = lost.groupby(["year", "nat_iso3"], as_index=False)["detections"].sum()
    return out.sort_values(["year", "nat_iso3"]).reset_index(drop=True)


def group_persons(
    nationality: pd.DataFrame | None = None, nationality_groups: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Persons detected per origin group and year by the demand rule, before the monthly split.

    Parameters
    ----------
    nationality : pandas.DataFrame, optional
        Annual detections by route, type and nationality (columns ``year, route, type,
        nat_iso3, detections``), any years; default the shipped 2013-2014 table
        (:func:`sim.observed.nationality_annual`).
    nationality_groups : pandas.DataFrame, optional
        Columns ``nat_iso3, origin_group``; default :func:`sim.observed.nationality_groups`.

    Returns
    -------
    pandas.DataFrame
        Columns ``year, origin_group, all_routes, western_balkan, subtracted,
        persons_detected`` for every year of the nationality table and every group present
        (including the dropped ``Other and unknown``; codes without a group are left out, see
        :func:`ungrouped`). ``all_routes``: detections of the group's nationalities on all
        routes; ``western_balkan``: their Western Balkan detections; ``subtracted``: the
        Western Balkan detections removed (0 for :data:`BALKAN_GROUPS`);
        ``persons_detected = all_routes - subtracted`` (persons).

    Notes
    -----
    Source: Frontex migratory-map data (2025 revision), annual detections by route and
    nationality, via ``iom/gdidata``.

    Examples
    --------
    >>> gp = group_persons().set_index(["year", "origin_group"])
    >>> int(gp.loc[(2014, "Syria"), "persons_detected"])  # 78,886 - 7,320
    71566
    >>> int(gp.loc[(2014, "Kosovo"), "subtracted"])
    0
    """
    n = grouped_nationalities(nationality, nationality_groups).dropna(subset=["origin_group"])
    allr = n.groupby(["year", "origin_group"])["detections"].sum().rename("all_routes")
    wb = (
        n[n["route"] == _WB].groupby(["year", "origin_group"])["detections"].sum()
        .rename("western_balkan")
    )
    df = pd.concat([allr, wb], axis=1).fillna(0).astype(int).reset_index()
    outside = ~df["origin_group"].isin(BALKAN_GROUPS)
    df["subtracted"] = df["western_balkan"].where(outside, 0)
    df["persons_detected"] = df["all_routes"] - df["subtracted"]
    return df.sort_values(["year", "origin_group"]).reset_index(drop=True)


def share_years(
    years: Iterable[int], nationality: pd.DataFrame | None = None
) -> dict[int, int]:
    """The nationality year whose group shares each demand year uses.

    A year with a nationality table uses its own; a year without one uses the nearest year
    that has one (ties: the earlier). The shipped data: 2012, 2013 and 2014 their own (2012 completed
    from its published nationalities, :mod:`sim.demand.partial`).

    Parameters
    ----------
    years : iterable of int
        Demand years.
    nationality : pandas.DataFrame, optional
        The nationality table (default the shipped one).

    Returns
    -------
    dict of int to int

    Raises
    ------
    ValueError
        If the nationality table has no rows.

    Examples
    --------
    >>> share_years([2012, 2013, 2014])  # 2012: its own, completed from the published nationalities
    {2012: 2012, 2013: 2013, 2014: 2014}
    >>> share_years([2012, 2013], observed.nationality_annual())  # a full 2013-2014 table: 2012 borrows
    {2012: 2013, 2013: 2013}
    """
    n, _ = read_inputs(nationality, None)
    have = sorted(int(y) for y in n["year"].unique())
    if not have:
        raise ValueError("the nationality table has no rows")
    return {int(y): min(have, key=lambda h: (abs(h - int(y)), h)) for y in years}


def dropped_share(
    nationality: pd.DataFrame | None = None,
    nationality_groups: pd.DataFrame | None = None,
    years: Iterable[int] | None = None,
) -> pd.Series:
    """Share of all-route detections dropped from demand, per year.

    Dropped: the group ``Other and unknown`` (no origin node) and nationality codes without an
    origin group (:func:`ungrouped`).

    Parameters
    ----------
    nationality, nationality_groups : pandas.DataFrame, optional
        As :func:`group_persons` (default: the shipped tables).
    years : iterable of int, optional
        Years to report; default the nationality years and the year before the first (2012,
        2013, 2014 for the shipped tables). A year without a nationality table reports the
        share of the year whose shares it borrows (:func:`share_years`).

    Returns
    -------
    pandas.Series
        Indexed by year, values in 0-1: dropped detections on all routes divided by all
        detections of the (share) year in the nationality table.

    Examples
    --------
    >>> s = dropped_share()
    >>> round(float(s[2014]) * 100, 2)  # 791 / 282,873
    0.28
    >>> round(float(s[2012]) * 100, 1)  # 'Not specified' 2,113 and the remainder's share of 72,437
    3.3
    """
    n = grouped_nationalities(nationality, nationality_groups)
    total = n.groupby("year")["detections"].sum()
    lost = n["origin_group"].isna() | (n["origin_group"] == DROPPED_GROUP)
    dropped = n[lost].groupby("year")["detections"].sum()
    share = (dropped.reindex(total.index, fill_value=0) / total).astype(float)
    if years is None:
        years = sorted({first_full_year(read_inputs(nationality, None)[0]) - 1, *(int(y) for y in total.index)})
    mapping = share_years(years, n)
    out = pd.Series({y: float(share.loc[mapping[y]]) for y in sorted(mapping)}, dtype=float)
    out.name = "dropped_share"
    out.index.name = "year"
    return out
