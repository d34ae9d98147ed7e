"""Observed Frontex, IOM and context tables shipped as package data.

The CSV files live in ``sim/data/`` (copies of the project's shared observed data, described
in ``sim/data/README.md``) and are read with :mod:`importlib.resources`, so the functions work
from an installed wheel as well as from a checkout. Every function returns a fresh
:class:`pandas.DataFrame` (or plain Python object) that the caller may modify.

Sources
-------
- Frontex, *Annual Risk Analysis 2015* (2014 detections of illegal border-crossing by route,
  Total 283,532); 2013 from Frontex's revised series.
- Frontex migratory-map data (2025 revision), redistributed in the public GitHub repository
  ``iom/gdidata`` (``data/frontex.rda``): monthly detections by route 2009-2014 and annual
  detections by route and nationality 2013-2014.
- IOM Missing Migrants Project, via ``iom/gdidata``: dead and missing 2014.
- Press and institutional reports for smuggling fees and enforcement events (see each row).

Detections are events, not persons: a person detected entering Greece and again entering
Hungary counts once on each route.

Examples
--------
>>> from sim import observed
>>> observed.ROUTE_TYPES[0]
('Central Mediterranean', 'Sea')
>>> observed.published_total(2014)
283532
>>> observed.deaths_2014_by_route()["Central Mediterranean"]
3126
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

from sim.labels import ROUTE_TYPES, ROUTES, TYPES

__all__ = [
    "ROUTE_TYPES",
    "ROUTES",
    "TYPES",
    "USD_PER_EUR",
    "deaths_2014_by_route",
    "deaths_monthly_2014",
    "enforcement_events",
    "monthly",
    "nationality_annual",
    "nationality_groups",
    "places",
    "published_total",
    "routes_annual",
    "smuggling_fees",
]

#: US dollars per euro, annual averages (ECB reference rates). 2013-2015 as given in the
#: project's data README; 2016 (1.1069, ECB annual average) added here for the 2016 fee rows.
USD_PER_EUR: dict[int, float] = {2013: 1.3281, 2014: 1.3285, 2015: 1.1095, 2016: 1.1069}

_IOM_RENAME = {"Western African Atlantic": "Western African"}


def _read(name: str, **kwargs) -> pd.DataFrame:
    """Read a shipped CSV; only empty cells are missing (so ``NA`` stays a string)."""
    path = resources.files("sim").joinpath("data", name)
    with path.open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, keep_default_na=False, na_values=[""], **kwargs)


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
    df = _read("frontex_ara2015_routes_2013_2014.csv")
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
    df = _read("frontex_ara2015_routes_2013_2014.csv")
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
    df = _read("frontex_ibc_monthly_by_route_2009_2014.csv")
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
    df = _read("frontex_ibc_annual_by_route_nationality_2013_2014.csv")
    return df.astype({"year": int, "detections": int}).reset_index(drop=True)


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
    return _read("nationality_groups.csv")


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
    df = _read("iom_mmp_dead_missing_monthly_by_route_2014.csv")
    df["route"] = df["route"].replace(_IOM_RENAME)
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


def smuggling_fees() -> pd.DataFrame:
    """Smuggling fee ranges per person by segment, with euro conversions.

    Returns
    -------
    pandas.DataFrame
        The columns of ``smuggling_fees.csv`` (``segment, price_low, price_high, currency,
        year, source_quality``) plus ``low_eur`` and ``high_eur`` (EUR per person). USD
        amounts are divided by :data:`USD_PER_EUR` of the row's year (1.3281 for 2013,
        1.3285 for 2014, 1.1095 for 2015 as in the data README; 1.1069, the ECB 2016 annual
        average, for 2016, which the data README does not give).

    Raises
    ------
    ValueError
        If a row has a currency other than EUR or USD, or a USD row a year without a rate.

    Notes
    -----
    Sources per row (``source_quality``): mostly press; Altai Consulting for UNHCR (2013);
    IOM (Mersin cargo ships, 2014); Europol-INTERPOL (2016). Ranges, not points.

    Examples
    --------
    >>> f = smuggling_fees().set_index("segment")
    >>> round(float(f.loc["Libya to Italy (sea)", "low_eur"]), 1)
    752.7
    """
    df = _read("smuggling_fees.csv")
    low, high = [], []
    for row in df.itertuples(index=False):
        if row.currency == "EUR":
            rate = 1.0
        elif row.currency == "USD":
            if int(row.year) not in USD_PER_EUR:
                raise ValueError(f"smuggling_fees: no USD rate for {row.year} ({row.segment})")
            rate = USD_PER_EUR[int(row.year)]
        else:
            raise ValueError(f"smuggling_fees: unknown currency {row.currency!r} ({row.segment})")
        low.append(float(row.price_low) / rate)
        high.append(float(row.price_high) / rate)
    return df.assign(low_eur=low, high_eur=high)


def places() -> pd.DataFrame:
    """Gazetteer of places the route graph is built from.

    Returns
    -------
    pandas.DataFrame
        Columns ``name, country_iso2, lat, lon, kind, note``: 109 places; degrees WGS84
        (about +/-0.05 deg); ``kind`` one or more of origin, hub, transit, departure,
        arrival, exit, destination joined by ``;``.

    Examples
    --------
    >>> p = places()
    >>> len(p), p.set_index("name").loc["Agadez", "kind"]
    (109, 'hub')
    """
    return _read("places.csv")


def enforcement_events() -> pd.DataFrame:
    """Enforcement and policy events 2012-2015.

    Returns
    -------
    pandas.DataFrame
        Columns ``start, full_effect, end, kind, target_type, target, description,
        source_quality``. Dates are ISO strings (``end`` empty, i.e. NaN, when the effect
        stays); ``target`` is ``A->B`` (edge), a place name (node) or ``Route/Type`` (route).

    Notes
    -----
    Sources: press, Frontex, legal texts (column ``source_quality``).

    Examples
    --------
    >>> e = enforcement_events()
    >>> e.loc[0, "target"]
    'Edirne->Orestiada'
    """
    return _read("enforcement_events.csv", dtype={"start": str, "full_effect": str, "end": str})
