"""Simulated against observed: detections and deaths by Frontex route, averaged relative difference.

All functions take a table of :func:`sim.runner.run_ensemble` (one row per replicate and key; a
table without a ``replicate`` column is treated as a single replicate), or the whole mapping of
ensemble tables, from which they pick ``detections_monthly`` or ``deaths_monthly``, and compare the
replicates' distribution with the observed figures shipped in :mod:`sim.observed`:

- annual detections of illegal border-crossing by Frontex route and type: Frontex Annual Risk Analysis
  2015 (``frontex_ara2015_routes_2013_2014.csv``), Total as published (283,532 in 2014);
- monthly detections: Frontex migratory-map data, 2025 revision (``frontex_ibc_monthly_by_route_2009_2014.csv``);
- deaths at sea 2014: IOM Missing Migrants Project (``iom_mmp_dead_missing_monthly_by_route_2014.csv``);
- the Syrians' split across routes: ``frontex_ibc_annual_by_route_nationality_2013_2014.csv``, rows SYR
  (:func:`sim.observed.nationality_annual`).

Ensemble statistics are, for each row, the mean across replicates and the 5th and 95th percentiles
(``numpy.percentile``, linear interpolation). A replicate with no row for a key counts 0 for it.

Modules, one concept each: :mod:`~sim.validation.replicates` (a run's table by key and replicate,
and the ensemble statistics), :mod:`~sim.validation.routes` (annual figures by route: detections,
deaths, the Syrians' split, route shares), :mod:`~sim.validation.monthly` (monthly averaged relative
difference and the naive forecasts) and :mod:`~sim.validation.table` (the validation table of one year
of a run).
"""

from sim.validation.monthly import (
    FORECASTERS,
    averaged_relative_difference,
    monthly_ard,
    naive_forecasts,
    observed_pair_month,
    simulated_pair_month,
)
from sim.validation.replicates import STAT_COLUMNS
from sim.validation.routes import (
    SYRIAN_SPLIT_PAIRS,
    deaths_by_route,
    detections_by_route,
    route_share_summary,
    syrian_split,
)
from sim.validation.table import VALIDATION_COLUMNS, covered_years, validation_table

__all__ = [
    "SYRIAN_SPLIT_PAIRS",
    "detections_by_route",
    "deaths_by_route",
    "averaged_relative_difference",
    "syrian_split",
    "route_share_summary",
    "VALIDATION_COLUMNS",
    "FORECASTERS",
    "naive_forecasts",
    "monthly_ard",
    "covered_years",
    "validation_table",
    "STAT_COLUMNS",
    "observed_pair_month",
    "simulated_pair_month",
]
