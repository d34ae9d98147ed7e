"""Figures: route map, detections by route against Frontex, monthly series, and the figures of
experiments, comparisons, sensitivity analyses and calibrations.

The only package that imports matplotlib, and it writes no file: every function returns a
:class:`matplotlib.figure.Figure` (or a dict of them by file stem, ``*_figures``), which
:func:`sim.io.write_figures` saves, as the writers of results folders do. Figures are drawn on their
own Agg canvases without pyplot (:mod:`~sim.plots.canvas`), so they work in scripts, worker
processes and notebooks alike, where the returned figure is displayed by the notebook itself.

Modules, one concept each (every public name is importable from ``sim.plots``):

- :mod:`~sim.plots.canvas`: matplotlib imported headless, a figure on its own canvas, route colours,
  the footer naming the run;
- :mod:`~sim.plots.coastlines`: land and coastlines from a file shipped with the package;
- :mod:`~sim.plots.labels`: labels placed next to points without overlaps;
- :mod:`~sim.plots.maps`: the route map;
- :mod:`~sim.plots.runs`: detections by route (dots with intervals; the older bars), monthly series
  with the scenario's events, enforcement surges, and
  :func:`run_figures` (the figures of a run's results folder);
- :mod:`~sim.plots.experiments`: the experiments' figures and :func:`experiment_figures`;
- :mod:`~sim.plots.analyses`: comparison, sensitivity and calibration figures.

Examples
--------
>>> import pandas as pd
>>> from sim import plots
>>> fig = plots.calibration_convergence(pd.DataFrame({"number": [0, 1], "state": ["COMPLETE"] * 2,
...                                                   "loss": [2.0, 1.0]}))
>>> [ax.get_title() for ax in fig.axes]
['Calibration convergence']
"""

from sim.plots.analyses import (
    calibration_convergence,
    calibration_figures,
    comparison_figures,
    comparison_forest,
    comparison_monthly,
    sensitivity_figure,
    sensitivity_figures,
)
from sim.plots.canvas import ROUTE_COLOURS, footer_text
from sim.plots.coastlines import land_polygons
from sim.plots.experiments import (
    enterprise_concentration_figure,
    experiment_figures,
    fee_ranges,
    hub_persistence_figure,
    route_shift_figure,
)
from sim.plots.labels import place_labels
from sim.plots.maps import map_extent, route_map
from sim.plots.runs import (
    detections_by_route_bar,
    detections_by_route_dots,
    enforcement_surges,
    monthly_series,
    run_figures,
)

__all__ = [
    "ROUTE_COLOURS",
    "route_map",
    "map_extent",
    "land_polygons",
    "place_labels",
    "footer_text",
    "detections_by_route_dots",
    "detections_by_route_bar",
    "monthly_series",
    "enforcement_surges",
    "run_figures",
    "fee_ranges",
    "route_shift_figure",
    "hub_persistence_figure",
    "enterprise_concentration_figure",
    "experiment_figures",
    "comparison_forest",
    "comparison_monthly",
    "comparison_figures",
    "sensitivity_figure",
    "sensitivity_figures",
    "calibration_convergence",
    "calibration_figures",
]
