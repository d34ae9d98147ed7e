"""Experiments that test the model's mechanisms against counterfactuals (DESIGN patterns V1-V4).

Four experiments, one module each, each a pure function of ``(scenario, root_seed, replicates)``
that runs paired arms (every arm uses the same replicate seeds, :func:`sim.runner.replicate_seeds`)
and returns an :class:`ExperimentResult` (summary, derived tables and each arm's per-replicate
tables):

- :func:`~sim.experiments.route_shift.route_shift` (V1): a shock on one edge against the same
  scenario without its events.
- :func:`~sim.experiments.hub_persistence.hub_persistence` (V2): hub ranks and route shares in the
  same season of two years, with and without hub reputation in the choice (the ablation).
- :func:`~sim.experiments.enterprise_concentration.enterprise_concentration` (V3): the standing
  enforcement effort on some market nodes multiplied by levels.
- :func:`~sim.experiments.segmented_market.segmented_market` (V4): simulated prices by segment
  and service level against the fee ranges of ``smuggling_fees.csv`` (EUR).

No place, edge, window or observed figure is written here: the places, edges and windows come from
the scenario's ``experiments:`` block (:mod:`sim.scenario.experiment_settings`), the observed
comparators from :mod:`sim.observed`. Shared pieces: :mod:`~sim.experiments.design` (windows, the
result, paired arms, the settings lookup) and :mod:`~sim.experiments.stats` (ensemble statistics).

All counts are persons (``first_entries`` of ``crossings_by_edge``: persons entering the EU for the
first time on an edge). Ensemble statistics are the mean over replicates of a per-replicate value
with its 5th and 95th percentiles (keys ``<key>_p05`` and ``<key>_p95``). This package does no I/O:
:func:`sim.io.write_experiment` writes a result, :mod:`sim.plots` draws its figures.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sim.experiments.design import ExperimentResult, Window, settings
from sim.experiments.enterprise_concentration import (
    enterprise_concentration,
    pooled_concentration,
    scale_node_effort,
)
from sim.experiments.hub_persistence import (
    first_entry_shares,
    hub_persistence,
    hub_rank_correlation,
    hub_throughput,
    reputation_ablation,
)
from sim.experiments.route_shift import (
    route_shift,
    route_shift_metrics,
    window_first_entries,
    without_shock,
)
from sim.experiments.segmented_market import fee_comparison, segmented_market
from sim.experiments.stats import ensemble_stats, spearman, total_variation

if TYPE_CHECKING:  # pragma: no cover - typing only
    from sim.scenario import Scenario

__all__ = [
    "EXPERIMENTS",
    "ExperimentResult",
    "Window",
    "ensemble_stats",
    "enterprise_concentration",
    "fee_comparison",
    "first_entry_shares",
    "hub_persistence",
    "hub_rank_correlation",
    "hub_throughput",
    "pooled_concentration",
    "reputation_ablation",
    "route_shift",
    "route_shift_metrics",
    "run_experiment",
    "scale_node_effort",
    "segmented_market",
    "settings",
    "spearman",
    "total_variation",
    "window_first_entries",
    "without_shock",
]

#: Experiment name (the CLI's NAME) to function.
EXPERIMENTS: dict[str, Callable[..., ExperimentResult]] = {
    "route-shift": route_shift,
    "hub-persistence": hub_persistence,
    "enterprise-concentration": enterprise_concentration,
    "segmented-market": segmented_market,
}


def run_experiment(name: str, scenario: Scenario, root_seed: int, replicates: int = 10, **kwargs: Any) -> ExperimentResult:
    """Run an experiment by name.

    Parameters
    ----------
    name : str
        A key of :data:`EXPERIMENTS`.
    scenario : Scenario
    root_seed : int
    replicates : int, default 10
    **kwargs
        Passed on (``processes``, ``progress``, windows, levels...).

    Returns
    -------
    ExperimentResult

    Raises
    ------
    KeyError
        For an unknown name.
    """
    if name not in EXPERIMENTS:
        raise KeyError(f"unknown experiment {name!r}; known: {', '.join(EXPERIMENTS)}")
    return EXPERIMENTS[name](scenario, root_seed, replicates, **kwargs)
