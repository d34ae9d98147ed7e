"""Building both demand tables from inputs of any years (``routesim build-demand``), with a report
of what was dropped."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from sim import observed
from sim.demand.groups import dropped_share, read_inputs, share_years, ungrouped
from sim.demand.monthly import build_demand_table
from sim.demand.origins import nationality_origins
from sim.demand.partial import partial_fallbacks, with_published_partial_years


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
    partial_fallbacks : dict of int to list of str
        As :func:`sim.demand.partial.partial_fallbacks`, for the years of ``demand``: a partial year
        not completed because the nationality table given lacks these published codes.
    """

    nationality_origins: pd.DataFrame
    demand: pd.DataFrame
    ungrouped: pd.DataFrame
    dropped_share: pd.Series
    share_years: dict[int, int]
    partial_fallbacks: dict[int, list[str]] = field(default_factory=dict)

    def report(self) -> list[str]:
        """Lines for the user: yearly totals, dropped shares, borrowed shares, ungrouped codes and
        partial years not completed (the last two start with ``warning:``)."""
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
        for y, codes in sorted(self.partial_fallbacks.items()):
            lines.append(f"warning: {y}: the nationality table has no rows of the published {y} "
                         f"nationalities {', '.join(codes)} (sim/data/frontex_ibc_2012_nationalities.csv): "
                         f"{y} not completed from them, group shares of {self.share_years[y]} instead")
        return lines


def build_demand(
    nodes: pd.DataFrame,
    nationality: pd.DataFrame | None = None,
    monthly: pd.DataFrame | None = None,
    nationality_groups: pd.DataFrame | None = None,
    through: str | None = None,
    first_month: str | None = None,
    groups: Iterable[str] | None = None,
    refugees: pd.DataFrame | None = None,
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
    refugees : pandas.DataFrame, optional
        Refugees by host country (:func:`sim.observed.refugees_by_host`, the default); an empty
        table starts every nationality at home.

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
    ('2013-12', {2012: 2012, 2013: 2013})
    """
    n, g = read_inputs(nationality, nationality_groups)
    m = observed.monthly() if monthly is None else monthly
    fallbacks: dict[int, list[str]] = {}
    if nationality is not None:  # a given full table: 2012 completed from its published nationalities too
        fallbacks = partial_fallbacks(n)
        n = with_published_partial_years(n, m)
    nat = nationality_origins(nodes, groups, nationality=n, nationality_groups=g, refugees=refugees)
    table = build_demand_table(nat, first_month, through, nationality=n, monthly=m,
                               nationality_groups=g)
    years = sorted({int(mo[:4]) for mo in table["month"]})
    return DemandBuild(
        nationality_origins=nat,
        demand=table,
        ungrouped=ungrouped(n, g),
        dropped_share=dropped_share(n, g, years),
        share_years=share_years(years, n),
        partial_fallbacks={y: c for y, c in fallbacks.items() if y in years},
    )
