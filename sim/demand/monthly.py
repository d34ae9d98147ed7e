"""The monthly demand table (step 3 of the demand rule): each origin's persons by month, shaped by the
all-routes monthly series."""

from __future__ import annotations

import pandas as pd

from sim import observed
from sim.demand.groups import group_persons, read_inputs, share_years
from sim.demand.partial import first_full_year

#: First and last month of the shipped tables' default build (2012 from its partial table); other
#: inputs give other ranges (:func:`demand_months`).
FIRST_MONTH = "2012-01"
LAST_MONTH = "2014-12"


def demand_months(
    nationality: pd.DataFrame | None = None, monthly: pd.DataFrame | None = None
) -> tuple[str, str]:
    """The default month range of a build: from January of the year before the first full
    nationality year (2012, whose table is partial for the shipped data) to the last month of the
    monthly table within the last nationality year.

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
    n, _ = read_inputs(nationality, None)
    m = observed.monthly() if monthly is None else monthly
    first_year = first_full_year(n) - 1  # 2012 for the shipped tables: its table is partial, completed
    last_year = int(n["year"].max())
    months = sorted({(int(y), int(mo)) for y, mo in zip(m["year"], m["month"], strict=True)})
    inside = [ym for ym in months if first_year <= ym[0] <= last_year]
    if not inside:
        raise ValueError(f"the monthly table has no month in {first_year}-{last_year}")
    return f"{first_year:04d}-01", f"{inside[-1][0]:04d}-{inside[-1][1]:02d}"


def _months(
    first: str, last: str, first_full: int, monthly_totals: pd.Series
) -> list[str]:
    """The months ``first..last``, each with a monthly total and a year the rule can build."""
    try:
        months = pd.period_range(first, last, freq="M")
    except ValueError as err:
        raise ValueError(f"bad month range {first!r}..{last!r}: {err}") from None
    if len(months) == 0:
        raise ValueError(f"empty month range {first!r}..{last!r}")
    lowest = f"{first_full - 1:04d}-01"
    if str(months[0]) < lowest:
        raise ValueError(
            f"months {first}..{last} outside the rule's data: the first month is {lowest} "
            "(one year before the first year of the full nationality table)"
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
        unknown``, codes without a group) are dropped. With a column ``weight`` a nationality is
        split over its rows by it (each nationality's weights sum to 1); without it, a nationality
        with k rows is split equally over them.
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
        monthly total, ``nat_origins`` maps a nationality to a group other than its own, or its
        weights are negative or do not sum to 1 for a nationality.

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
    >>> from sim.demand.origins import nationality_origins
    >>> nodes = pd.DataFrame({"name": ["Tirana"], "country_iso2": ["AL"], "kind": ["origin"]})
    >>> d = build_demand_table(nationality_origins(nodes, groups=["Albania"]), "2014-01", "2014-12")
    >>> round(float(d.persons_detected.sum()))  # Albanians 2014, all routes
    9323
    """
    n, groups = read_inputs(nationality, nationality_groups)
    m = observed.monthly() if monthly is None else monthly
    default_first, default_last = demand_months(n, m)
    mt = m.groupby(["year", "month"])["detections"].sum()
    months = _months(first_month or default_first, last_month or default_last, first_full_year(n), mt)

    g = groups.set_index("nat_iso3")["origin_group"]
    nat = nat_origins[["nat_iso3", "origin_group", "origin"]].copy()
    bad = nat[nat["nat_iso3"].map(g) != nat["origin_group"]]
    if len(bad):
        raise ValueError(f"nat_origins: wrong origin_group for {sorted(bad.nat_iso3.unique())}")
    if "weight" in nat_origins.columns:
        nat["weight"] = nat_origins["weight"].astype(float).to_numpy()
        sums = nat.groupby("nat_iso3")["weight"].sum()
        off = sums[(sums - 1.0).abs() > 1e-9]
        if (nat["weight"] < 0).any() or len(off):
            raise ValueError(f"nat_origins: the weights of {sorted(off.index) or 'a nationality'} "
                             "are negative or do not sum to 1")
    else:
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
