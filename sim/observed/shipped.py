"""The shipped Frontex and IOM tables: detections by route (annual, monthly, by nationality), the
nationality groups and deaths at sea."""

from __future__ import annotations

import pandas as pd

from sim.labels import ROUTE_TYPES
from sim.observed.formats import IOM_RENAME, read_shipped


def routes_annual() -> pd.DataFrame:
    """Annual detections by Frontex route and type, 2013 and 2014.

    Returns
    -------
    pandas.DataFrame
        Columns ``route, type, year, detections`` (detections: persons-events, int), one row
        per (route, type, year) for the ten pairs of :data:`ROUTE_TYPES` and the years 2013
        and 2014, in the order of :data:`ROUTE_TYPES` then year. The file's ``Other`` row (not
        a route: 4 in 2013, 10 in 2014) is left out; :func:`published_total` keeps it.

    Notes
    -----
    Source: ``frontex_ara2015_routes_2013_2014.csv``: 2014 from Frontex, *Annual Risk
    Analysis 2015* (Western Mediterranean sea/land derived from the published sea and land
    totals); 2013 from Frontex's revised series (migratory-map data, 2025 revision).

    Examples
    --------
    >>> df = routes_annual()
    >>> len(df), int(df[df.year == 2014].detections.sum())
    (20, 283522)
    """
    df = read_shipped("frontex_ara2015_routes_2013_2014.csv")
    df = df[df["route"] != "Other"]
    order = {pair: i for i, pair in enumerate(ROUTE_TYPES)}
    df = df.assign(_o=[order[(r, t)] for r, t in zip(df["route"], df["type"], strict=True)])
    df = df.sort_values(["_o", "year"], kind="stable")
    df = df[["route", "type", "year", "detections"]].reset_index(drop=True)
    return df.astype({"year": int, "detections": int})


def published_total(year: int) -> int:
    """Total detections of illegal border-crossing in ``year``, including ``Other``.

    Parameters
    ----------
    year : int
        2013 or 2014.

    Returns
    -------
    int
        Persons-events. 2014: 283,532, the total published in Frontex, *Annual Risk Analysis
        2015* (sea 220,194, land 63,338). 2013: the sum over the revised-series routes
        including ``Other`` (107,339, equal to the revised monthly series).

    Raises
    ------
    ValueError
        If ``year`` is not 2013 or 2014.

    Examples
    --------
    >>> published_total(2014), published_total(2013)
    (283532, 107339)
    """
    df = read_shipped("frontex_ara2015_routes_2013_2014.csv")
    if year not in (2013, 2014):
        raise ValueError(f"published_total: no published total for {year!r} (2013 or 2014)")
    return int(df.loc[df["year"] == year, "detections"].sum())


def monthly() -> pd.DataFrame:
    """Monthly detections by route and type, 2009-2014 (revised series).

    Returns
    -------
    pandas.DataFrame
        Columns ``year, month, route, type, detections`` (month 1-12; detections int). Rows
        exist only where Frontex reports a figure; the pseudo-route ``Other`` is kept, so the
        sum over all rows of a month is the all-routes monthly total.

    Notes
    -----
    Source: Frontex migratory-map data (2025 revision) via ``iom/gdidata``
    (``data/frontex.rda``). The revised series gives 282,873 for 2014 (the published Annual
    Risk Analysis total is 283,532; the Western Mediterranean figures differ).

    Examples
    --------
    >>> m = monthly()
    >>> int(m[m.year == 2014].detections.sum())
    282873
    """
    df = read_shipped("frontex_ibc_monthly_by_route_2009_2014.csv")
    return df.astype({"year": int, "month": int, "detections": int}).reset_index(drop=True)


def nationality_annual() -> pd.DataFrame:
    """Annual detections by route, type and nationality, 2013 and 2014.

    Returns
    -------
    pandas.DataFrame
        Columns ``year, route, type, nat_iso3, detections``. ``nat_iso3`` is ISO 3166-1
        alpha-3 plus Frontex's codes ``OOS`` (unidentified sub-Saharan), ``OOO`` (unknown),
        ``XKX`` (Kosovo) and ``STL`` (stateless).

    Notes
    -----
    Source: Frontex migratory-map data (2025 revision) via ``iom/gdidata``. Totals: 107,339
    (2013) and 282,873 (2014), equal to the monthly series.

    Examples
    --------
    >>> n = nationality_annual()
    >>> int(n[(n.year == 2014) & (n.nat_iso3 == "SYR")].detections.sum())
    78886
    """
    df = read_shipped("frontex_ibc_annual_by_route_nationality_2013_2014.csv")
    return df.astype({"year": int, "detections": int}).reset_index(drop=True)


def nationality_partial() -> tuple[pd.DataFrame, dict[int, int]]:
    """Detections of 2012 by nationality on all routes together, for the nationalities published.

    Returns
    -------
    nationalities : pandas.DataFrame
        Columns ``year, nat_iso3, detections`` (persons-events, int): the fifteen nationalities with a
        published 2012 figure on all borders (``OOO``: "Not specified").
    totals : dict of int to int
        The year's total on all borders, ``{2012: 72437}``.

    Notes
    -----
    Source: ``frontex_ibc_2012_nationalities.csv``, each row with its source: Frontex, *Annual Risk
    Analysis 2013*, annex p. 66 (the top ten nationalities and the total, 72,437), and the 2012
    columns of the annex tables 1 of the *Annual Risk Analysis 2014* (Kosovo, Nigeria, not specified)
    and *2015* (Mali, Gambia). They cover 60,116 of the 72,437 detections (83 %).

    Examples
    --------
    >>> n, totals = nationality_partial()
    >>> int(n[n.nat_iso3 == "AFG"].detections.iloc[0]), totals
    (13169, {2012: 72437})
    """
    df = read_shipped("frontex_ibc_2012_nationalities.csv").astype({"year": int, "detections": int})
    total = df[df["nat_iso3"] == "ALL"]
    totals = {int(y): int(d) for y, d in zip(total["year"], total["detections"], strict=True)}
    df = df[df["nat_iso3"] != "ALL"][["year", "nat_iso3", "detections"]].reset_index(drop=True)
    return df, totals


def refugees_by_host() -> pd.DataFrame:
    """Refugees of a nationality by host country in the region: where they lived, not where they went.

    Returns
    -------
    pandas.DataFrame
        Columns ``nat_iso3, host_iso2, host, refugees, as_of, source``: ``refugees`` persons (int),
        ``host_iso2`` ISO 3166-1 alpha-2 or missing for a row of several countries, ``as_of`` the
        date of the count (``YYYY-MM-DD``).

    Notes
    -----
    Source: ``unhcr_refugees_by_host_2013.csv``. Syrian refugees registered and awaiting registration
    with UNHCR as at 16 May 2013 (Morocco, Algeria and Libya: registered only), quoted in recital H of
    the European Parliament resolution of 23 May 2013 on the situation of Syrian refugees in neighbouring
    countries (P7_TA(2013)0223): Turkey 347,815, Lebanon 474,461, Jordan 474,405, Iraq 148,028, Egypt
    68,865, Morocco, Algeria and Libya 10,052; 1,523,626 in all. The demand rule uses it to start a
    nationality's demand where its refugees lived (:func:`sim.demand.nationality_origins`).

    Examples
    --------
    >>> r = refugees_by_host()
    >>> int(r.refugees.sum()), int(r[r.host_iso2 == "EG"].refugees.iloc[0])
    (1523626, 68865)
    """
    return read_shipped("unhcr_refugees_by_host_2013.csv").astype({"refugees": int}).reset_index(drop=True)


def nationality_groups() -> pd.DataFrame:
    """Nationality (ISO3) to origin group.

    Returns
    -------
    pandas.DataFrame
        Columns ``nat_iso3, origin_group``; 15 groups, one of them ``Other and unknown``.
        ``OOS`` belongs to West and Central Africa (0 in 2013, 26,341 in 2014: a reporting
        change, not a surge).

    Notes
    -----
    Source: this project (``nationality_groups.csv``).

    Examples
    --------
    >>> g = nationality_groups()
    >>> g["origin_group"].nunique()
    15
    """
    return read_shipped("nationality_groups.csv")


def deaths_monthly_2014() -> pd.DataFrame:
    """Dead and missing migrants by sub-route and month, 2014.

    Returns
    -------
    pandas.DataFrame
        Columns ``year, month, route, dead_missing, incidents, survivors`` (persons,
        incidents, persons). IOM's ``Western African Atlantic`` is renamed to the Frontex name
        ``Western African``. Black Sea deaths have no observed figure.

    Notes
    -----
    Source: IOM Missing Migrants Project via ``iom/gdidata``.

    Examples
    --------
    >>> d = deaths_monthly_2014()
    >>> sorted(d.route.unique())[-1]
    'Western Mediterranean'
    """
    df = read_shipped("iom_mmp_dead_missing_monthly_by_route_2014.csv")
    df["route"] = df["route"].replace(IOM_RENAME)
    return df.astype({"year": int, "month": int, "dead_missing": int, "incidents": int})


def deaths_2014_by_route() -> dict[str, int]:
    """Dead and missing in 2014 by Frontex route name.

    Returns
    -------
    dict of str to int
        Persons: Central Mediterranean 3,126; Eastern Mediterranean 104; Western
        Mediterranean 59; Western African 29 (IOM Missing Migrants Project). Routes without
        an observed figure (e.g. Black Sea) are absent.

    Examples
    --------
    >>> deaths_2014_by_route()
    {'Central Mediterranean': 3126, 'Eastern Mediterranean': 104, 'Western African': 29, 'Western Mediterranean': 59}
    """
    s = deaths_monthly_2014().groupby("route")["dead_missing"].sum()
    return {str(k): int(v) for k, v in s.items()}
