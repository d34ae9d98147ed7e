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

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from sim.labels import ROUTE_TYPES, ROUTES, TYPES

__all__ = [
    "OBSERVED_FILES",
    "OBSERVED_FORMATS",
    "ObservedTables",
    "load_observed",
    "ObservedDataError",
    "ROUTE_TYPES",
    "ROUTES",
    "TYPES",
    "SHOCK_FACTS",
    "USD_PER_EUR",
    "deaths_2014_by_route",
    "deaths_monthly_2014",
    "enforcement_events",
    "monthly",
    "nationality_annual",
    "nationality_groups",
    "places",
    "published_total",
    "read_csv_table",
    "read_observed",
    "routes_annual",
    "smuggling_fees",
]

#: US dollars per euro, annual averages (ECB reference rates). 2013-2015 as given in the
#: project's data README; 2016 (1.1069, ECB annual average) added here for the 2016 fee rows.
USD_PER_EUR: dict[int, float] = {2013: 1.3281, 2014: 1.3285, 2015: 1.1095, 2016: 1.1069}

#: Observed facts of enforcement shocks, the comparators of the route-shift experiment (named in a
#: scenario's ``experiments: route_shift: observed_shock:``). Source: the project's data README,
#: "Facts for checking, not inputs" (Evros 2012: monthly crossings after Operation Aspida; the share
#: of lost Evros crossings that reappeared on the Aegean sea six months after the shock).
SHOCK_FACTS: dict[str, dict[str, object]] = {
    "evros_2012": {
        "evros_fall": "over 80 % (Evros crossings about 6,500 in July 2012, 1,800 in August, 71 in "
                      "September, 26 in October; data README)",
        "displaced_share_6m": 0.15,
        "note": "observed changes have no counterfactual; the displaced share (about 15 % of the lost "
                "Evros crossings reappeared on the Aegean sea after six months) is from the data README",
    },
}

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


#: The shared observed formats (``../shared/data/``): kind -> (required columns, integer columns).
#: ``annual``: annual detections by route and type (``frontex_ara2015_routes_2013_2014.csv``, extra
#: columns such as ``status`` and ``source`` allowed); ``monthly``: revised monthly detections by
#: route (``frontex_ibc_monthly_by_route_2009_2014.csv``); ``nationality``: annual detections by
#: route and nationality (``frontex_ibc_annual_by_route_nationality_2013_2014.csv``); ``groups``:
#: nationality to origin group (``nationality_groups.csv``); ``deaths``: IOM dead and missing by
#: route and month (``iom_mmp_dead_missing_monthly_by_route_2014.csv``).
OBSERVED_FORMATS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "annual": (("route", "type", "year", "detections"), ("year", "detections")),
    "monthly": (("year", "month", "route", "type", "detections"), ("year", "month", "detections")),
    "nationality": (("year", "route", "type", "nat_iso3", "detections"), ("year", "detections")),
    "groups": (("nat_iso3", "origin_group"), ()),
    "deaths": (("year", "month", "route", "dead_missing"), ("year", "month", "dead_missing")),
}


class ObservedDataError(ValueError):
    """A bad observed table: the message is one line ``file:line: field: problem``."""


def read_observed(path: str | Path, kind: str) -> pd.DataFrame:
    """Read an observed table in one of the shared formats, checking every cell it needs.

    Parameters
    ----------
    path : str or Path
        CSV file (UTF-8, header row) in the format ``kind`` of :data:`OBSERVED_FORMATS`.
    kind : str
        One of ``annual``, ``monthly``, ``nationality``, ``groups``, ``deaths``.

    Returns
    -------
    pandas.DataFrame
        The file's rows with the required columns first (integer columns as ``int``; other
        columns kept after them). Only empty cells are missing (``NA`` is a string). For
        ``deaths``, IOM's ``Western African Atlantic`` is renamed ``Western African``; for
        ``annual``, the non-route ``Other`` row is kept (callers leave it out of route rows).

    Raises
    ------
    ObservedDataError
        ``file:line: field: problem`` for the first missing file, missing column, empty cell,
        non-integer or negative count, month outside 1-12 or duplicate key (line numbers count the
        header as line 1).
    KeyError
        If ``kind`` is unknown.

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp(); p = os.path.join(d, "m.csv")
    >>> _ = open(p, "w").write("year,month,route,type,detections\\n2015,1,Black Sea,Sea,x\\n")
    >>> try:
    ...     read_observed(p, "monthly")
    ... except ObservedDataError as err:
    ...     print(str(err).split(": ", 1)[1])
    detections: not a whole number: 'x'
    """
    columns, integers = OBSERVED_FORMATS[kind]
    keys = tuple(c for c in columns if c not in ("detections", "dead_missing", "origin_group"))
    df = read_csv_table(path, columns, integers, keys)
    if kind == "deaths":
        df["route"] = df["route"].replace(_IOM_RENAME)
    return df


def read_csv_table(
    path: str | Path,
    columns: tuple[str, ...],
    integers: tuple[str, ...] = (),
    keys: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Read a CSV table, checking required columns, empty cells, whole numbers and unique keys.

    Parameters
    ----------
    path : str or Path
        UTF-8 CSV file with a header row.
    columns : tuple of str
        Required columns (no empty cell allowed in them).
    integers : tuple of str
        Columns that must hold non-negative whole numbers (returned as ``int``); ``month`` also
        1-12.
    keys : tuple of str
        Columns whose combination must be unique.

    Returns
    -------
    pandas.DataFrame
        Required columns first, then any others (as text).

    Raises
    ------
    ObservedDataError
        ``file:line: field: problem`` (the header is line 1).
    """
    path = Path(path)
    shown = str(path)
    try:
        df = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype=str, encoding="utf-8")
    except FileNotFoundError:
        raise ObservedDataError(f"{shown}: file not found") from None
    except OSError as err:
        raise ObservedDataError(f"{shown}: cannot read: {err.strerror or err}") from None
    except UnicodeDecodeError as err:
        raise ObservedDataError(f"{shown}: not UTF-8 text ({err.reason})") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else "empty file"
        raise ObservedDataError(f"{shown}: not a CSV table: {first}") from None
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ObservedDataError(f"{shown}:1: header: missing column(s) {', '.join(missing)}")
    for column in columns:
        empty = df[column].isna()
        if empty.any():
            line = int(empty.to_numpy().argmax()) + 2
            raise ObservedDataError(f"{shown}:{line}: {column}: empty cell")
    for column in integers:
        values = pd.to_numeric(df[column].str.strip(), errors="coerce")
        bad = values.isna() | (values % 1 != 0) | (values < 0)
        if bad.any():
            i = int(bad.to_numpy().argmax())
            raise ObservedDataError(
                f"{shown}:{i + 2}: {column}: not a whole number: {df[column].iloc[i]!r}"
                if values.isna().iloc[i] or values.iloc[i] % 1 != 0
                else f"{shown}:{i + 2}: {column}: negative: {df[column].iloc[i]!r}"
            )
        df[column] = values.astype(int)
    if "month" in integers:
        bad = ~df["month"].between(1, 12)
        if bad.any():
            i = int(bad.to_numpy().argmax())
            raise ObservedDataError(f"{shown}:{i + 2}: month: not 1-12: {df['month'].iloc[i]}")
    keys = list(keys)
    dup = df.duplicated(keys) if keys else pd.Series(False, index=df.index)
    if dup.any():
        i = int(dup.to_numpy().argmax())
        key = ", ".join(f"{k}={df[k].iloc[i]}" for k in keys)
        raise ObservedDataError(f"{shown}:{i + 2}: {keys[-1]}: duplicate row ({key})")
    rest = [c for c in df.columns if c not in columns]
    return df[[*columns, *rest]].reset_index(drop=True)


#: File-name patterns of the observed tables in a folder (``routesim validate --observed DIR``),
#: as the shared data names them; each kind may match at most one file.
OBSERVED_FILES: dict[str, str] = {
    "annual": "frontex_ara*_routes_*.csv",
    "monthly": "frontex_ibc_monthly_by_route_*.csv",
    "nationality": "frontex_ibc_annual_by_route_nationality_*.csv",
    "deaths": "iom_mmp_dead_missing_monthly_by_route_*.csv",
}


@dataclass(frozen=True)
class ObservedTables:
    """Observed tables for validation, any years, in the shared formats.

    Attributes
    ----------
    monthly : pandas.DataFrame
        Monthly detections by route and type (``year, month, route, type, detections``), the
        revised series; required.
    annual : pandas.DataFrame or None
        Annual detections by route and type (``route, type, year, detections``), the ``Other``
        row kept; years it lacks are compared with the monthly series' sums.
    nationality : pandas.DataFrame or None
        Annual detections by route, type and nationality (the Syrians' split).
    deaths : pandas.DataFrame or None
        IOM dead and missing by route and month (``year, month, route, dead_missing``).
    source : str
        Where the tables came from (a folder, or ``shipped``).
    """

    monthly: pd.DataFrame
    annual: pd.DataFrame | None = None
    nationality: pd.DataFrame | None = None
    deaths: pd.DataFrame | None = None
    source: str = "shipped"


def load_observed(folder: str | Path | None = None) -> ObservedTables:
    """The observed tables of a folder (shared formats and file names), or the shipped ones.

    Parameters
    ----------
    folder : str or Path, optional
        Folder holding files named as :data:`OBSERVED_FILES` (the monthly series is required,
        the others optional). Default: the tables shipped in ``sim/data/`` (Frontex 2013-2014
        annual and by nationality, monthly 2009-2014, IOM deaths 2014).

    Returns
    -------
    ObservedTables

    Raises
    ------
    ObservedDataError
        If the folder is missing, a kind matches several files, the monthly series is missing,
        or a file is malformed (``file:line: field: problem``).

    Examples
    --------
    >>> t = load_observed()
    >>> int(t.monthly.year.max()), sorted(int(y) for y in t.deaths.year.unique())
    (2014, [2014])
    """
    if folder is None:
        return ObservedTables(
            monthly=monthly(),
            annual=_read("frontex_ara2015_routes_2013_2014.csv").astype(
                {"year": int, "detections": int}),
            nationality=nationality_annual(),
            deaths=deaths_monthly_2014(),
        )
    folder = Path(folder)
    if not folder.is_dir():
        raise ObservedDataError(f"{folder}: observed folder not found")
    found: dict[str, pd.DataFrame | None] = {}
    for kind, pattern in OBSERVED_FILES.items():
        matches = sorted(folder.glob(pattern))
        if len(matches) > 1:
            names = ", ".join(m.name for m in matches)
            raise ObservedDataError(f"{folder}: several {kind} tables ({names}); keep one")
        found[kind] = read_observed(matches[0], kind) if matches else None
    if found["monthly"] is None:
        raise ObservedDataError(
            f"{folder}: no monthly series ({OBSERVED_FILES['monthly']}) to compare with"
        )
    return ObservedTables(source=str(folder), **found)
