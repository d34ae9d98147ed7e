"""Calibration of the global ``fitted`` parameters against stated targets, with optuna (TPE).

What is fitted
--------------
Only parameters of kind ``fitted`` in :func:`sim.parameters.parameter_specs` (global numbers such as
the logit cost scale, the base detection probabilities, the death-risk scale), each searched within
its ``[low, high]`` range: on a log scale when ``low > 0`` and ``high / low > 20``, linearly
otherwise. Every other parameter keeps the scenario's value. No per-edge or per-route constant is
fitted (DESIGN section 1).

Targets and loss
----------------
The calibration window (default 2012-01..2014-06) bounds every target, so that the months after it
(July-December 2014 by default) stay out of the fit and can validate it. With ``W`` the window's
months that the scenario reports:

- **C1, C2** (detections by route and type, 2013 and 2014): for year ``y`` with window months
  ``W_y``, ``e(pair) = ln((sim + 100) / (obs + 100))`` with ``sim`` the replicates' mean detections
  and ``obs`` the observed detections of the pair over ``W_y`` (the annual table when ``W_y`` is
  the whole year, else the revised monthly series over ``W_y``). The term is
  ``C_y = sum_pairs w(pair) |e(pair)|`` with weights ``w`` proportional to ``sqrt(obs(pair))``,
  summing to 1 (large routes weigh more, small ones still count; the offset of 100 persons keeps a
  route of a few hundred detections from dominating through a zero).
- **C3** (deaths at sea 2014): ``|ln((sim + 10) / (obs + 10))|`` with the dead and missing (IOM) of
  the routes that have a figure, over ``W_2014``.
- **M** (monthly series): the averaged relative difference over the ten pairs
  (:func:`sim.validation.monthly_ard`), averaged over every month of ``W``.

``loss = C1 + C2 + C3 + M`` (each dimensionless, weight 1). A term whose year the scenario does not
report, or without an observed figure, is left out and listed in the results.

A trial simulates from the scenario's start to the end of the window's last month (the months
after it hold no target), so the default window saves the last six months of 2014.

Determinism and resumption
--------------------------
Trial 0 evaluates the scenario's own values (clipped to the bounds), so the best trial is never
worse on the loss than the scenario as given. Every trial runs the same replicate seeds (common random numbers: differences between trials are
the parameters'). Trials run one after another; before each, the sampler is re-created with seed
``seed + number of completed trials``, so trial ``k`` depends only on the seed and the ``k`` trials
before it: the same seed and budget give the same trials, and a study resumed from its RDB trial
store (SQLite) continues exactly as an uninterrupted one (a trial cut off mid-run is marked failed and
redone).

Modules, one concept each: :mod:`~sim.calibrate.targets` (the targets and the loss),
:mod:`~sim.calibrate.search` (the fitted parameters, their scale, a scenario with values set) and
:mod:`~sim.calibrate.study` (the optuna study, its settings and result).
"""

from sim.calibrate.search import apply_values, fitted_specs, log_scale, scenario_values
from sim.calibrate.study import CalibrationResult, CalibrationSettings, run_calibration
from sim.calibrate.targets import (
    DEATHS_OFFSET,
    DEATHS_YEAR,
    DEFAULT_WINDOW,
    DETECTION_OFFSET,
    TARGET_YEARS,
    loss_terms,
    reported_months,
    targets,
    window_months,
)

__all__ = [
    "DEFAULT_WINDOW",
    "DETECTION_OFFSET",
    "DEATHS_OFFSET",
    "TARGET_YEARS",
    "DEATHS_YEAR",
    "CalibrationSettings",
    "CalibrationResult",
    "fitted_specs",
    "log_scale",
    "apply_values",
    "scenario_values",
    "window_months",
    "loss_terms",
    "run_calibration",
    "targets",
    "reported_months",
]
