"""Nationalities to origin nodes (step 2 of the demand rule): same country when the group has an
origin node there, else the group's main origin node; a nationality's refugees abroad start at an
origin node of their host country."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from sim import observed
from sim.demand.groups import DROPPED_GROUP, read_inputs

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


def country_detections(nationality: pd.DataFrame | None = None) -> pd.Series:
    """All-route detections, all full years of the table, per ISO2 country (pseudo-codes left out; a
    completed partial year, an estimate, too: :mod:`sim.demand.partial`)."""
    n, _ = read_inputs(nationality, None)
    n = n[~n["year"].isin(n.attrs.get("partial_years", []))]
    iso2 = n["nat_iso3"].map(ISO3_TO_ISO2)
    return n.assign(iso2=iso2).dropna(subset=["iso2"]).groupby("iso2")["detections"].sum()


def nationality_origins(
    nodes: pd.DataFrame,
    groups: Iterable[str] | None = None,
    *,
    nationality: pd.DataFrame | None = None,
    nationality_groups: pd.DataFrame | None = None,
    refugees: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Map every nationality to the origin node(s) its demand leaves from, with its share at each.

    An origin node belongs to the origin group of its country's nationality (e.g. Cairo, EG:
    North Africa). A nationality goes to its group's origin node(s) in its own country; if the
    group has none there (or the code is a pseudo-code such as ``OOS``), to the group's **main
    origin node**: the group's origin node whose country has the most all-route detections in
    the nationality table (2013-2014 for the shipped one; ties: first in ``nodes`` order). A
    nationality with several origin nodes in its country (Syria: Damascus, Aleppo) gets one row
    per node and is split equally among them.

    **Refugees abroad.** A nationality with rows in ``refugees`` (where its refugees lived in the
    region) starts at an origin node of a host country the share of its demand that the host held
    of its refugees (all rows of the table, hosts without an origin node included), split equally
    among the host's origin nodes; its own rows share the rest. For the shipped tables: Syrians in
    Egypt, 68,865 of 1,523,626 Syrian refugees in the region on 16 May 2013 (UNHCR,
    :func:`sim.observed.refugees_by_host`), start 4.52 % of Syrian demand at Cairo; those in Turkey,
    Lebanon, Jordan and Iraq (no origin node there) start, as before, in Damascus and Aleppo, a stated
    approximation (their way to the EU leads through Turkey).

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
    refugees : pandas.DataFrame, optional
        Columns ``nat_iso3, host_iso2, host, refugees, as_of`` (persons; ``host_iso2`` may be missing
        for a row of several countries); default the shipped UNHCR table; an empty table for none.

    Returns
    -------
    pandas.DataFrame
        Columns ``nat_iso3, origin_group, origin, weight, note``: ``weight`` the share of the
        nationality's demand that leaves from ``origin`` (its rows sum to 1). Sorted by
        ``origin_group``, ``nat_iso3``, then node order (refugees' hosts after the own country).

    Raises
    ------
    ValueError
        If a group to map has no origin node, an origin node's country has no nationality of a
        known group, or ``refugees`` has a negative count or a nationality's refugees sum to zero.

    Examples
    --------
    >>> nodes = pd.DataFrame({"name": ["Tirana"], "country_iso2": ["AL"], "kind": ["origin"]})
    >>> nationality_origins(nodes, groups=["Albania"]).origin.tolist()
    ['Tirana']
    >>> nodes = pd.DataFrame({"name": ["Damascus", "Cairo"], "country_iso2": ["SY", "EG"],
    ...                       "kind": ["origin", "hub;origin"]})
    >>> nat = nationality_origins(nodes, groups=["Syria"])
    >>> [(r.origin, round(r.weight, 4)) for r in nat.itertuples()]
    [('Damascus', 0.9548), ('Cairo', 0.0452)]
    """
    _, g = read_inputs(None, nationality_groups)
    nat_group = dict(zip(g["nat_iso3"], g["origin_group"], strict=True))
    iso2_group = {ISO3_TO_ISO2[k]: v for k, v in nat_group.items() if ISO3_TO_ISO2.get(k)}
    wanted = (
        [x for x in dict.fromkeys(g["origin_group"]) if x != DROPPED_GROUP]
        if groups is None else list(groups)
    )

    origin_nodes: dict[str, list[tuple[str, str]]] = {}  # group -> [(node, iso2)]
    by_country: dict[str, list[str]] = {}  # iso2 -> origin nodes, any group
    for row in nodes.itertuples(index=False):
        kinds = {k.strip() for k in str(row.kind).split(";")}
        if "origin" not in kinds:
            continue
        iso2 = str(row.country_iso2)
        if iso2 not in iso2_group:
            raise ValueError(f"origin node {row.name!r}: no nationality group for country {iso2!r}")
        origin_nodes.setdefault(iso2_group[iso2], []).append((str(row.name), iso2))
        by_country.setdefault(iso2, []).append(str(row.name))
    abroad = _abroad(observed.refugees_by_host() if refugees is None else refugees, by_country)

    cdet = country_detections(nationality)
    rows = []
    for group in wanted:
        if group not in origin_nodes:
            raise ValueError(f"origin group {group!r} has no origin node")
        cand = origin_nodes[group]
        main = max(cand, key=lambda c: (cdet.get(c[1], 0), -cand.index(c)))[0]
        for nat in sorted(k for k, v in nat_group.items() if v == group):
            iso2 = ISO3_TO_ISO2.get(nat)
            same = [name for name, c in cand if c == iso2]
            hosts = [h for h in abroad.get(nat, []) if h[0] != iso2]
            home = 1.0 - sum(share for _, share, _ in hosts)
            rest = f"; {home:.2%} of its demand (the rest: refugees abroad)" if hosts else ""
            if len(same) == 1:
                rows.append((nat, group, same[0], home, "same country" + rest))
            elif same:
                note = f"same country; split equally among {len(same)} origin nodes" + rest
                rows.extend((nat, group, name, home / len(same), note) for name in same)
            else:
                where = f"no origin node in {iso2}" if iso2 else f"{nat} has no country"
                rows.append((nat, group, main, home, f"{where}: main origin node of the group" + rest))
            for host_iso2, share, note in hosts:
                names = by_country[host_iso2]
                rows.extend((nat, group, name, share / len(names), note) for name in names)
    out = pd.DataFrame(rows, columns=["nat_iso3", "origin_group", "origin", "weight", "note"])
    return out.sort_values(["origin_group", "nat_iso3"], kind="stable").reset_index(drop=True)


def _abroad(refugees: pd.DataFrame, by_country: dict[str, list[str]]) -> dict[str, list[tuple[str, float, str]]]:
    """Nationality -> [(host ISO2, share of the nationality's demand, note)] for the hosts of
    ``refugees`` that have an origin node; the share is the host's refugees over all of the
    nationality's (hosts without an origin node included)."""
    if len(refugees) == 0:
        return {}
    if (refugees["refugees"] < 0).any():
        raise ValueError("refugees: a negative count of refugees")
    out: dict[str, list[tuple[str, float, str]]] = {}
    for nat, rows in refugees.groupby("nat_iso3", sort=False):
        total = float(rows["refugees"].sum())
        if total <= 0:
            raise ValueError(f"refugees: the refugees of {nat} sum to zero")
        for r in rows.itertuples(index=False):
            host = getattr(r, "host_iso2", None)
            host = host if isinstance(host, str) and host else None
            if host is None or host not in by_country:
                continue
            note = (f"refugees in {r.host}: {int(r.refugees):,} of {int(total):,} in the region "
                    f"on {r.as_of} (UNHCR): {r.refugees / total:.2%} of its demand")
            out.setdefault(str(nat), []).append((host, float(r.refugees) / total, note))
    return out
