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

Modules, one concept each: :mod:`~sim.observed.shipped` (the Frontex and IOM tables),
:mod:`~sim.observed.context` (fees, places, enforcement events, shock facts),
:mod:`~sim.observed.formats` (reading and checking a table in the shared formats) and
:mod:`~sim.observed.tables` (:class:`ObservedTables` from a folder or the shipped data).
"""

from sim.labels import ROUTE_TYPES, ROUTES, TYPES
from sim.observed.context import (
    SHOCK_FACTS,
    USD_PER_EUR,
    enforcement_events,
    places,
    smuggling_fees,
)
from sim.observed.formats import (
    OBSERVED_FORMATS,
    ObservedDataError,
    read_csv_table,
    read_observed,
)
from sim.observed.shipped import (
    deaths_2014_by_route,
    deaths_monthly_2014,
    monthly,
    nationality_annual,
    nationality_groups,
    nationality_partial,
    published_total,
    refugees_by_host,
    routes_annual,
)
from sim.observed.tables import OBSERVED_FILES, SHIPPED_OBSERVED, ObservedTables, load_observed

__all__ = [
    "OBSERVED_FILES",
    "OBSERVED_FORMATS",
    "SHIPPED_OBSERVED",
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
    "nationality_partial",
    "nationality_groups",
    "places",
    "published_total",
    "read_csv_table",
    "read_observed",
    "refugees_by_host",
    "routes_annual",
    "smuggling_fees",
]
