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

import pandas as pd

from sim import observed

__all__ = [
    "BALKAN_GROUPS",
    "DROPPED_GROUP",
    "FIRST_MONTH",
    "ISO3_TO_ISO2",
    "LAST_MONTH",
    "build_demand_table",
    "dropped_share",
    "group_persons",
    "nationality_origins",
]

#: Origin groups from the Balkans: their Western Balkan detections are not double counts.
BALKAN_GROUPS: tuple[str, ...] = ("Kosovo", "Albania", "Western Balkans other")

#: The origin group without an origin node, dropped from demand.
DROPPED_GROUP = "Other and unknown"

#: First and last month the rule can build (2012 via the 2013 shares).
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


def _grouped_nationalities() -> pd.DataFrame:
    """Nationality table with its origin group (``year, route, type, nat_iso3, detections, origin_group``)."""
    n = observed.nationality_annual()
    g = observed.nationality_groups()
    out = n.merge(g, on="nat_iso3", how="left", validate="many_to_one")
    missing = sorted(out.loc[out["origin_group"].isna(), "nat_iso3"].unique())
    if missing:
        raise ValueError(f"nationalities without an origin group: {missing}")
    return out


def group_persons() -> pd.DataFrame:
    """Persons detected per origin group and year by the demand rule, before the monthly split.

    Returns
    -------
    pandas.DataFrame
        Columns ``year, origin_group, all_routes, western_balkan, subtracted,
        persons_detected`` for 2013 and 2014 and all 15 groups (including the dropped
        ``Other and unknown``). ``all_routes``: detections of the group's nationalities on all
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
    n = _grouped_nationalities()
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


def dropped_share() -> pd.Series:
    """Share of all-route detections of the dropped group ``Other and unknown``, per year.

    Returns
    -------
    pandas.Series
        Indexed by year (2012, 2013, 2014), values in 0-1: ``Other and unknown`` detections on
        all routes divided by all detections of the year (nationality table). 2012 has no
        nationality table; its demand uses the 2013 shares, so its dropped share is the 2013
        value.

    Examples
    --------
    >>> s = dropped_share()
    >>> round(float(s[2014]) * 100, 2)  # 791 / 282,873
    0.28
    """
    n = _grouped_nationalities()
    total = n.groupby("year")["detections"].sum()
    dropped = n[n["origin_group"] == DROPPED_GROUP].groupby("year")["detections"].sum()
    share = (dropped.reindex(total.index, fill_value=0) / total).astype(float)
    share.loc[2012] = share.loc[2013]
    share = share.sort_index()
    share.name = "dropped_share"
    share.index.name = "year"
    return share


def _country_detections() -> pd.Series:
    """All-route detections 2013-2014 per ISO2 country (pseudo-codes left out)."""
    n = observed.nationality_annual()
    iso2 = n["nat_iso3"].map(ISO3_TO_ISO2)
    return n.assign(iso2=iso2).dropna(subset=["iso2"]).groupby("iso2")["detections"].sum()


def nationality_origins(nodes: pd.DataFrame, groups: Iterable[str] | None = None) -> pd.DataFrame:
    """Map every nationality to the origin node(s) its demand leaves from.

    An origin node belongs to the origin group of its country's nationality (e.g. Cairo, EG:
    North Africa). A nationality goes to its group's origin node(s) in its own country; if the
    group has none there (or the code is a pseudo-code such as ``OOS``), to the group's **main
    origin node**: the group's origin node whose country has the most all-route detections in
    2013-2014 (ties: first in ``nodes`` order). A nationality with several origin nodes in its
    country (Syria: Damascus, Aleppo) gets one row per node and is split equally among them.

    Parameters
    ----------
    nodes : pandas.DataFrame
        The scenario's nodes table (columns ``name``, ``country_iso2``, ``kind``; ``kind`` a
        ``;``-joined list of kinds). Only nodes whose kind includes ``origin`` are used.
    groups : iterable of str, optional
        Origin groups to map (default: every group of ``nationality_groups.csv`` except
        :data:`DROPPED_GROUP`).

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
    g = observed.nationality_groups()
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

    cdet = _country_detections()
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


def _months(first: str, last: str) -> list[str]:
    try:
        months = pd.period_range(first, last, freq="M")
    except ValueError as err:
        raise ValueError(f"bad month range {first!r}..{last!r}: {err}") from None
    if len(months) == 0:
        raise ValueError(f"empty month range {first!r}..{last!r}")
    if str(months[0]) < FIRST_MONTH or str(months[-1]) > LAST_MONTH:
        raise ValueError(
            f"months {first}..{last} outside {FIRST_MONTH}..{LAST_MONTH} (the rule's data)"
        )
    return [str(m) for m in months]


def build_demand_table(
    nat_origins: pd.DataFrame, first_month: str = FIRST_MONTH, last_month: str = LAST_MONTH
) -> pd.DataFrame:
    """Monthly demand per origin group and origin node by the data README's rule.

    Parameters
    ----------
    nat_origins : pandas.DataFrame
        Nationality to origin mapping (columns ``nat_iso3, origin_group, origin``), as
        returned by :func:`nationality_origins`. Nationalities absent from it (``Other and
        unknown``) are dropped; a nationality with k rows is split equally over them.
    first_month, last_month : str
        ``YYYY-MM``, inclusive, within 2012-01..2014-12.

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
        If the month range is outside 2012-01..2014-12, or ``nat_origins`` maps a nationality
        to a group other than its own.

    Notes
    -----
    ``persons(g, y)`` = all-route detections of g's nationalities minus, for groups outside
    :data:`BALKAN_GROUPS`, their Western Balkan detections (the module's one per-route
    figure). ``share(o | g, y)`` = all-route detections of the nationalities mapped to o over
    those of all of g's mapped nationalities. Month m of year y gets
    ``persons(g, y) * share(o | g, y) * total(y, m) / total(y)`` with ``total`` the
    all-routes monthly series. 2012: ``total(2012, m) * persons(g, 2013) * share(o | g, 2013)
    / sum_g all_routes(g, 2013)``.

    Examples
    --------
    >>> nodes = pd.DataFrame({"name": ["Tirana"], "country_iso2": ["AL"], "kind": ["origin"]})
    >>> d = build_demand_table(nationality_origins(nodes, groups=["Albania"]), "2014-01", "2014-12")
    >>> round(float(d.persons_detected.sum()))  # Albanians 2014, all routes
    9323
    """
    months = _months(first_month, last_month)
    g = observed.nationality_groups().set_index("nat_iso3")["origin_group"]
    nat = nat_origins[["nat_iso3", "origin_group", "origin"]].copy()
    bad = nat[nat["nat_iso3"].map(g) != nat["origin_group"]]
    if len(bad):
        raise ValueError(f"nat_origins: wrong origin_group for {sorted(bad.nat_iso3.unique())}")
    nat["weight"] = 1.0 / nat.groupby("nat_iso3")["origin"].transform("count")

    n = observed.nationality_annual()
    det = n.groupby(["year", "nat_iso3"])["detections"].sum().rename("det").reset_index()
    shares = det.merge(nat, on="nat_iso3", how="inner")
    shares["det"] = shares["det"] * shares["weight"]
    by_origin = shares.groupby(["year", "origin_group", "origin"])["det"].sum()
    by_group = by_origin.groupby(level=["year", "origin_group"]).transform("sum")
    share = (by_origin / by_group).rename("share").reset_index()

    gp = group_persons()[["year", "origin_group", "persons_detected"]]
    annual = share.merge(gp, on=["year", "origin_group"], how="left")
    annual["persons"] = annual["share"] * annual["persons_detected"]
    annual = annual[["year", "origin_group", "origin", "persons"]]

    m = observed.monthly()
    mt = m.groupby(["year", "month"])["detections"].sum()
    all_2013 = float(n.loc[n["year"] == 2013, "detections"].sum())

    parts = []
    for month in months:
        year, mon = int(month[:4]), int(month[5:])
        total_ym = float(mt.loc[(year, mon)])
        if year == 2012:
            a = annual[annual["year"] == 2013]
            vals = a["persons"] * (total_ym / all_2013)
        else:
            a = annual[annual["year"] == year]
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
