"""Origin demand: persons leaving each origin group and origin node per month.

Origin demand is the model's only flow input; the split across routes must emerge. The rule is
the one of the project's data README (section "Demand"), built from the shipped Frontex tables
(:mod:`sim.observed`):

1. ``persons(group, year)`` = detections of the group's nationalities summed over **all**
   routes, minus the **Western Balkan** detections of groups from outside the Balkans (those
   people were already counted entering Greece or Bulgaria; Balkan groups are
   :data:`BALKAN_GROUPS`). This subtraction is the one use of a per-route figure anywhere in
   the model's inputs, and it is kept in this module on purpose: no other input may use an
   observed per-route detection figure.
2. The group is split over its origin nodes by its nationalities' all-route detections,
   each nationality mapped to an origin node by :func:`nationality_origins` (same country
   when the group has an origin node there, else the group's main origin node).
3. The monthly profile of a year is that year's all-routes monthly total of the Frontex
   monthly series (so the monthly shape of demand is largely an input, DESIGN V6).
4. 2012 has no nationality table: ``persons(2012-mm, group, origin)`` = the all-routes total
   of 2012-mm times the 2013 share ``persons(2013, group, origin) / all-route detections
   2013``. So 2012 is net of the Western Balkan double counting and of the dropped group in
   the 2013 proportions. A stated approximation: 2012 Evros crossers were largely Afghans,
   Pakistanis and Bangladeshis.
5. The group ``Other and unknown`` has no origin node and is dropped; :func:`dropped_share`
   reports its share (about 0.3 % of 2014 detections).

``persons_detected`` is persons per month *before* the undetected share: the model spawns
``persons_detected * (1 + parameters.demand.undetected_share)``.

Sources: Frontex migratory-map data (2025 revision) via ``iom/gdidata``: annual detections by
route and nationality 2013-2014 and monthly detections by route 2009-2014.

Examples
--------
>>> import pandas as pd
>>> nodes = pd.DataFrame({"name": ["Kabul", "Pristina"], "country_iso2": ["AF", "XK"],
...                       "kind": ["origin", "origin"]})
>>> nat = nationality_origins(nodes, groups=["Afghanistan", "Kosovo"])
>>> nat[["nat_iso3", "origin"]].values.tolist()
[['AFG', 'Kabul'], ['XKX', 'Pristina']]
>>> d = build_demand_table(nat)
>>> round(float(d[d.month.str.startswith("2014") & (d.origin == "Kabul")].persons_detected.sum()))
13790
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from sim import observed

__all__ = [
    "BALKAN_GROUPS",
    "DROPPED_GROUP",
    "FIRST_MONTH",
    "ISO3_TO_ISO2",
    "LAST_MONTH",
    "DemandBuild",
    "build_demand",
    "build_demand_table",
    "demand_months",
    "dropped_share",
    "group_persons",
    "nationality_origins",
    "share_years",
    "ungrouped",
]

#: Origin groups from the Balkans: their Western Balkan detections are not double counts.
BALKAN_GROUPS: tuple[str, ...] = ("Kosovo", "Albania", "Western Balkans other")

#: The origin group without an origin node, dropped from demand.
DROPPED_GROUP = "Other and unknown"

#: First and last month of the shipped tables' default build (2012 via the 2013 shares); other
#: inputs give other ranges (:func:`demand_months`).
FIRST_MONTH = "2012-01"
LAST_MONTH = "2014-12"

#: ISO 3166-1 alpha-3 to alpha-2 for the nationality codes of ``nationality_groups.csv``.
#: Frontex's pseudo-codes ``OOS`` (unidentified sub-Saharan), ``OOO`` (unknown) and ``STL``
#: (stateless) have no country (``None``); ``XKX`` is Kosovo (``XK``).
ISO3_TO_ISO2: dict[str, str | None] = {
    "AFG": "AF", "AGO": "AO", "ALB": "AL", "ARE": "AE", "ARM": "AM", "AZE": "AZ", "BDI": "BI",
    "BEN": "BJ", "BFA": "BF", "BGD": "BD", "BIH": "BA", "BLR": "BY", "BLZ": "BZ", "BMU": "BM",
    "BOL": "BO", "BRA": "BR", "BWA": "BW", "CAF": "CF", "CAN": "CA", "CHL": "CL", "CHN": "CN",
    "CIV": "CI", "CMR": "CM", "COD": "CD", "COG": "CG", "COM": "KM", "CPV": "CV", "CUB": "CU",
    "DJI": "DJ", "DMA": "DM", "DOM": "DO", "DZA": "DZ", "ECU": "EC", "EGY": "EG", "ERI": "ER",
    "ESH": "EH", "ETH": "ET", "GAB": "GA", "GEO": "GE", "GHA": "GH", "GIN": "GN", "GMB": "GM",
    "GNB": "GW", "GNQ": "GQ", "HKG": "HK", "HTI": "HT", "IDN": "ID", "IND": "IN", "IRN": "IR",
    "IRQ": "IQ", "ISR": "IL", "JOR": "JO", "KAZ": "KZ", "KEN": "KE", "KGZ": "KG", "KIR": "KI",
    "KWT": "KW", "LBN": "LB", "LBR": "LR", "LBY": "LY", "LKA": "LK", "MAR": "MA", "MDA": "MD",
    "MDG": "MG", "MDV": "MV", "MKD": "MK", "MLI": "ML", "MMR": "MM", "MNE": "ME", "MNG": "MN",
    "MOZ": "MZ", "MRT": "MR", "MUS": "MU", "MWI": "MW", "NAM": "NA", "NER": "NE", "NGA": "NG",
    "NPL": "NP", "OMN": "OM", "OOO": None, "OOS": None, "PAK": "PK", "PAN": "PA", "PHL": "PH",
    "PSE": "PS", "RUS": "RU", "RWA": "RW", "SAU": "SA", "SDN": "SD", "SEN": "SN", "SLE": "SL",
    "SOM": "SO", "SRB": "RS", "STL": None, "SYR": "SY", "TCD": "TD", "TGO": "TG", "THA": "TH",
    "TJK": "TJ", "TKM": "TM", "TUN": "TN", "TUR": "TR", "TZA": "TZ", "UGA": "UG", "UKR": "UA",
    "USA": "US", "UZB": "UZ", "VNM": "VN", "XKX": "XK", "YEM": "YE", "ZAF": "ZA", "ZMB": "ZM",
    "ZWE": "ZW",
}  # fmt: skip

_WB = "Western Balkan"


def _inputs(
    nationality: pd.DataFrame | None,
    nationality_groups: pd.DataFrame | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The nationality and groups tables given, or the shipped ones (:mod:`sim.observed`)."""
    n = observed.nationality_annual() if nationality is None else nationality
    g = observed.nationality_groups() if nationality_groups is None else nationality_groups
    return n, g


def _grouped_nationalities(
    nationality: pd.DataFrame | None = None, nationality_groups: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Nationality rows with their origin group (``year, route, type, nat_iso3, detections,
    origin_group``); codes without a group get ``origin_group`` NaN (see :func:`ungrouped`)."""
    n, g = _inputs(nationality, nationality_groups)
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
    n = _grouped_nationalities(nationality, nationality_groups)
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
    n = _grouped_nationalities(nationality, nationality_groups).dropna(subset=["origin_group"])
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
    that has one (ties: the earlier). The shipped data: 2013 and 2014 their own, 2012 the 2013
    shares (the data README's stated approximation).

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
    >>> share_years([2012, 2013, 2014])
    {2012: 2013, 2013: 2013, 2014: 2014}
    """
    n, _ = _inputs(nationality, None)
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
    >>> bool(s[2012] == s[2013])
    True
    """
    n = _grouped_nationalities(nationality, nationality_groups)
    total = n.groupby("year")["detections"].sum()
    lost = n["origin_group"].isna() | (n["origin_group"] == DROPPED_GROUP)
    dropped = n[lost].groupby("year")["detections"].sum()
    share = (dropped.reindex(total.index, fill_value=0) / total).astype(float)
    if years is None:
        years = [int(total.index.min()) - 1, *(int(y) for y in total.index)]
    mapping = share_years(years, n)
    out = pd.Series({y: float(share.loc[mapping[y]]) for y in sorted(mapping)}, dtype=float)
    out.name = "dropped_share"
    out.index.name = "year"
    return out


def _country_detections(nationality: pd.DataFrame | None = None) -> pd.Series:
    """All-route detections, all years of the table, per ISO2 country (pseudo-codes left out)."""
    n, _ = _inputs(nationality, None)
    iso2 = n["nat_iso3"].map(ISO3_TO_ISO2)
    return n.assign(iso2=iso2).dropna(subset=["iso2"]).groupby("iso2")["detections"].sum()


def nationality_origins(
    nodes: pd.DataFrame,
    groups: Iterable[str] | None = None,
    *,
    nationality: pd.DataFrame | None = None,
    nationality_groups: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Map every nationality to the origin node(s) its demand leaves from.

    An origin node belongs to the origin group of its country's nationality (e.g. Cairo, EG:
    North Africa). A nationality goes to its group's origin node(s) in its own country; if the
    group has none there (or the code is a pseudo-code such as ``OOS``), to the group's **main
    origin node**: the group's origin node whose country has the most all-route detections in
    the nationality table (2013-2014 for the shipped one; ties: first in ``nodes`` order). A
    nationality with several origin nodes in its country (Syria: Damascus, Aleppo) gets one row
    per node and is split equally among them.

    Parameters
    ----------
    nodes : pandas.DataFrame
        The scenario's nodes table (columns ``name``, ``country_iso2``, ``kind``; ``kind`` a
        ``;``-joined list of kinds). Only nodes whose kind includes ``origin`` are used.
    groups : iterable of str, optional
        Origin groups to map (default: every group of the groups table except
        :data:`DROPPED_GROUP`).
    nationality : pandas.DataFrame, optional
        Nationality table whose detections choose the main origin node (default the shipped one).
    nationality_groups : pandas.DataFrame, optional
        Columns ``nat_iso3, origin_group`` (default the shipped ``nationality_groups.csv``).

    Returns
    -------
    pandas.DataFrame
        Columns ``nat_iso3, origin_group, origin, note``, sorted by ``origin_group``,
        ``nat_iso3``, then node order.

    Raises
    ------
    ValueError
        If a group to map has no origin node, or an origin node's country has no nationality
        of a known group.

    Examples
    --------
    >>> nodes = pd.DataFrame({"name": ["Tirana"], "country_iso2": ["AL"], "kind": ["origin"]})
    >>> nationality_origins(nodes, groups=["Albania"]).origin.tolist()
    ['Tirana']
    """
    _, g = _inputs(None, nationality_groups)
    nat_group = dict(zip(g["nat_iso3"], g["origin_group"], strict=True))
    iso2_group = {ISO3_TO_ISO2[k]: v for k, v in nat_group.items() if ISO3_TO_ISO2.get(k)}
    wanted = (
        [x for x in dict.fromkeys(g["origin_group"]) if x != DROPPED_GROUP]
        if groups is None else list(groups)
    )

    origin_nodes: dict[str, list[tuple[str, str]]] = {}  # group -> [(node, iso2)]
    for row in nodes.itertuples(index=False):
        kinds = {k.strip() for k in str(row.kind).split(";")}
        if "origin" not in kinds:
            continue
        iso2 = str(row.country_iso2)
        if iso2 not in iso2_group:
            raise ValueError(f"origin node {row.name!r}: no nationality group for country {iso2!r}")
        origin_nodes.setdefault(iso2_group[iso2], []).append((str(row.name), iso2))

    cdet = _country_detections(nationality)
    rows = []
    for group in wanted:
        if group not in origin_nodes:
            raise ValueError(f"origin group {group!r} has no origin node")
        cand = origin_nodes[group]
        main = max(cand, key=lambda c: (cdet.get(c[1], 0), -cand.index(c)))[0]
        for nat in sorted(k for k, v in nat_group.items() if v == group):
            iso2 = ISO3_TO_ISO2.get(nat)
            same = [name for name, c in cand if c == iso2]
            if len(same) == 1:
                rows.append((nat, group, same[0], "same country"))
            elif same:
                note = f"same country; split equally among {len(same)} origin nodes"
                rows.extend((nat, group, name, note) for name in same)
            else:
                where = f"no origin node in {iso2}" if iso2 else f"{nat} has no country"
                rows.append((nat, group, main, f"{where}: main origin node of the group"))
    out = pd.DataFrame(rows, columns=["nat_iso3", "origin_group", "origin", "note"])
    return out.sort_values(["origin_group", "nat_iso3"], kind="stable").reset_index(drop=True)


def demand_months(
    nationality: pd.DataFrame | None = None, monthly: pd.DataFrame | None = None
) -> tuple[str, str]:
    """The default month range of a build: from January of the year before the first
    nationality year (the 2012 rule) to the last month of the monthly table within the last
    nationality year.

    Parameters
    ----------
    nationality, monthly : pandas.DataFrame, optional
        The nationality table and the monthly series (default the shipped ones).

    Returns
    -------
    tuple of str
        ``(first, last)`` as ``YYYY-MM``.

    Raises
    ------
    ValueError
        If the monthly table has no month in the years the rule covers.

    Examples
    --------
    >>> demand_months()
    ('2012-01', '2014-12')
    """
    n, _ = _inputs(nationality, None)
    m = observed.monthly() if monthly is None else monthly
    first_year = int(n["year"].min()) - 1
    last_year = int(n["year"].max())
    months = sorted({(int(y), int(mo)) for y, mo in zip(m["year"], m["month"], strict=True)})
    inside = [ym for ym in months if first_year <= ym[0] <= last_year]
    if not inside:
        raise ValueError(f"the monthly table has no month in {first_year}-{last_year}")
    return f"{first_year:04d}-01", f"{inside[-1][0]:04d}-{inside[-1][1]:02d}"


def _months(
    first: str, last: str, nationality: pd.DataFrame, monthly_totals: pd.Series
) -> list[str]:
    """The months ``first..last``, each with a monthly total and a year the rule can build."""
    try:
        months = pd.period_range(first, last, freq="M")
    except ValueError as err:
        raise ValueError(f"bad month range {first!r}..{last!r}: {err}") from None
    if len(months) == 0:
        raise ValueError(f"empty month range {first!r}..{last!r}")
    lowest = f"{int(nationality['year'].min()) - 1:04d}-01"
    if str(months[0]) < lowest:
        raise ValueError(
            f"months {first}..{last} outside the rule's data: the first month is {lowest} "
            "(one year before the first year of the nationality table)"
        )
    absent = [str(p) for p in months if (p.year, p.month) not in monthly_totals.index]
    if absent:
        raise ValueError(
            f"months {first}..{last} outside the rule's data: no monthly total for "
            f"{', '.join(absent[:3])}{' ...' if len(absent) > 3 else ''}"
        )
    return [str(p) for p in months]


def build_demand_table(
    nat_origins: pd.DataFrame,
    first_month: str | None = None,
    last_month: str | None = None,
    *,
    nationality: pd.DataFrame | None = None,
    monthly: pd.DataFrame | None = None,
    nationality_groups: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Monthly demand per origin group and origin node by the data README's rule.

    Parameters
    ----------
    nat_origins : pandas.DataFrame
        Nationality to origin mapping (columns ``nat_iso3, origin_group, origin``), as
        returned by :func:`nationality_origins`. Nationalities absent from it (``Other and
        unknown``, codes without a group) are dropped; a nationality with k rows is split
        equally over them.
    first_month, last_month : str, optional
        ``YYYY-MM``, inclusive; default :func:`demand_months` (2012-01..2014-12 for the shipped
        tables).
    nationality : pandas.DataFrame, optional
        Annual detections by route, type and nationality, any years (default the shipped
        2013-2014 table).
    monthly : pandas.DataFrame, optional
        Monthly detections by route (columns ``year, month, route, type, detections``; default
        the shipped 2009-2014 series); only its all-routes totals are used.
    nationality_groups : pandas.DataFrame, optional
        Columns ``nat_iso3, origin_group`` (default the shipped table).

    Returns
    -------
    pandas.DataFrame
        Columns ``month, origin_group, origin, persons_detected``: ``month`` ``YYYY-MM``,
        ``persons_detected`` persons detected per month (float, not rounded; before the
        undetected share). Rows with positive demand only, sorted by month, origin_group,
        origin.

    Raises
    ------
    ValueError
        If a month is before January of the year before the first nationality year or has no
        monthly total, or ``nat_origins`` maps a nationality to a group other than its own.

    Notes
    -----
    ``persons(g, y)`` = all-route detections of g's nationalities minus, for groups outside
    :data:`BALKAN_GROUPS`, their Western Balkan detections (the module's one per-route
    figure). ``share(o | g, y)`` = all-route detections of the nationalities mapped to o over
    those of all of g's mapped nationalities. Month m of a year y with a nationality table gets
    ``persons(g, y) * share(o | g, y) * total(y, m) / total(y)`` with ``total`` the
    all-routes monthly series. A year without one borrows the shares of the nearest year r that
    has one (:func:`share_years`; 2012 -> 2013 for the shipped tables): ``total(y, m) *
    persons(g, r) * share(o | g, r) / sum_g all_routes(g, r)``, the sum over all detections of
    r in the nationality table.

    Examples
    --------
    >>> nodes = pd.DataFrame({"name": ["Tirana"], "country_iso2": ["AL"], "kind": ["origin"]})
    >>> d = build_demand_table(nationality_origins(nodes, groups=["Albania"]), "2014-01", "2014-12")
    >>> round(float(d.persons_detected.sum()))  # Albanians 2014, all routes
    9323
    """
    n, groups = _inputs(nationality, nationality_groups)
    m = observed.monthly() if monthly is None else monthly
    default_first, default_last = demand_months(n, m)
    mt = m.groupby(["year", "month"])["detections"].sum()
    months = _months(first_month or default_first, last_month or default_last, n, mt)

    g = groups.set_index("nat_iso3")["origin_group"]
    nat = nat_origins[["nat_iso3", "origin_group", "origin"]].copy()
    bad = nat[nat["nat_iso3"].map(g) != nat["origin_group"]]
    if len(bad):
        raise ValueError(f"nat_origins: wrong origin_group for {sorted(bad.nat_iso3.unique())}")
    nat["weight"] = 1.0 / nat.groupby("nat_iso3")["origin"].transform("count")

    det = n.groupby(["year", "nat_iso3"])["detections"].sum().rename("det").reset_index()
    shares = det.merge(nat, on="nat_iso3", how="inner")
    shares["det"] = shares["det"] * shares["weight"]
    by_origin = shares.groupby(["year", "origin_group", "origin"])["det"].sum()
    by_group = by_origin.groupby(level=["year", "origin_group"]).transform("sum")
    share = (by_origin / by_group).rename("share").reset_index()

    gp = group_persons(n, groups)[["year", "origin_group", "persons_detected"]]
    annual = share.merge(gp, on=["year", "origin_group"], how="left")
    annual["persons"] = annual["share"] * annual["persons_detected"]
    annual = annual[["year", "origin_group", "origin", "persons"]]
    all_detections = n.groupby("year")["detections"].sum()
    borrow = share_years(sorted({int(mo[:4]) for mo in months}), n)

    parts = []
    for month in months:
        year, mon = int(month[:4]), int(month[5:])
        total_ym = float(mt.loc[(year, mon)])
        source = borrow[year]
        a = annual[annual["year"] == source]
        if source != year:
            vals = a["persons"] * (total_ym / float(all_detections.loc[source]))
        else:
            vals = a["persons"] * (total_ym / float(mt.loc[year].sum()))
        parts.append(pd.DataFrame({
            "month": month,
            "origin_group": a["origin_group"].to_numpy(),
            "origin": a["origin"].to_numpy(),
            "persons_detected": vals.to_numpy(dtype=float),
        }))
    out = pd.concat(parts, ignore_index=True)
    out = out[out["persons_detected"] > 0]
    out = out.sort_values(["month", "origin_group", "origin"], kind="stable")
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class DemandBuild:
    """The result of :func:`build_demand`: the two tables and what was dropped.

    Attributes
    ----------
    nationality_origins : pandas.DataFrame
        As :func:`nationality_origins`.
    demand : pandas.DataFrame
        As :func:`build_demand_table`.
    ungrouped : pandas.DataFrame
        As :func:`ungrouped`: codes without an origin group and their detections, dropped.
    dropped_share : pandas.Series
        As :func:`dropped_share`, for the years of ``demand``.
    share_years : dict of int to int
        Demand year to the nationality year whose shares it uses.
    """

    nationality_origins: pd.DataFrame
    demand: pd.DataFrame
    ungrouped: pd.DataFrame
    dropped_share: pd.Series
    share_years: dict[int, int]

    def report(self) -> list[str]:
        """Lines for the user: yearly totals, dropped shares, borrowed shares, ungrouped codes."""
        d = self.demand
        totals = d.groupby(d["month"].str[:4])["persons_detected"].sum()
        lines = []
        for year, total in totals.items():
            y = int(year)
            note = "" if self.share_years[y] == y else f"; group shares of {self.share_years[y]}"
            lines.append(f"{year}: {total:,.1f} persons detected; dropped share "
                         f"{self.dropped_share[y]:.4%}{note}")
        for row in self.ungrouped.itertuples(index=False):
            lines.append(f"warning: nationality {row.nat_iso3} has no origin group: "
                         f"{row.detections:,} detections in {row.year} dropped")
        return lines


def build_demand(
    nodes: pd.DataFrame,
    nationality: pd.DataFrame | None = None,
    monthly: pd.DataFrame | None = None,
    nationality_groups: pd.DataFrame | None = None,
    through: str | None = None,
    first_month: str | None = None,
    groups: Iterable[str] | None = None,
) -> DemandBuild:
    """Apply the demand rule to nationality and monthly tables of any years.

    Parameters
    ----------
    nodes : pandas.DataFrame
        The scenario's nodes table (``name, country_iso2, kind``).
    nationality, monthly, nationality_groups : pandas.DataFrame, optional
        The inputs in the shared formats (:func:`sim.observed.read_observed`); default the
        shipped tables.
    through : str, optional
        Last month ``YYYY-MM``; default the last month of the monthly table within the last
        nationality year (:func:`demand_months`). Later months borrow the last nationality
        year's shares (:func:`share_years`).
    first_month : str, optional
        First month; default January of the year before the first nationality year.
    groups : iterable of str, optional
        Origin groups to build (default all but :data:`DROPPED_GROUP`; each needs an origin node).

    Returns
    -------
    DemandBuild

    Raises
    ------
    ValueError
        As :func:`nationality_origins` and :func:`build_demand_table`.

    Examples
    --------
    >>> nodes = pd.DataFrame({"name": ["Tirana"], "country_iso2": ["AL"], "kind": ["origin"]})
    >>> b = build_demand(nodes, through="2013-12", groups=["Albania"])
    >>> b.demand.month.iloc[-1], b.share_years
    ('2013-12', {2012: 2013, 2013: 2013})
    """
    n, g = _inputs(nationality, nationality_groups)
    m = observed.monthly() if monthly is None else monthly
    nat = nationality_origins(nodes, groups, nationality=n, nationality_groups=g)
    table = build_demand_table(nat, first_month, through, nationality=n, monthly=m,
                               nationality_groups=g)
    years = sorted({int(mo[:4]) for mo in table["month"]})
    return DemandBuild(
        nationality_origins=nat,
        demand=table,
        ungrouped=ungrouped(n, g),
        dropped_share=dropped_share(n, g, years),
        share_years=share_years(years, n),
    )

