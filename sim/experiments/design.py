"""What every experiment shares: month windows, the result object, paired arms and its settings.

An experiment reads the places, edges and windows it needs from the scenario's ``experiments:``
block (:mod:`sim.scenario.experiment_settings`); :func:`settings` stops with a clear error when
the block is missing. :func:`run_arms` runs every arm with the same replicate seeds
(:func:`sim.runner.replicate_seeds`), the paired design.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim import observed, runner

if TYPE_CHECKING:  # pragma: no cover - typing only
    from sim.scenario import Scenario
    from sim.scenario.experiment_settings import MonthWindow



@dataclass(frozen=True)
class Window:
    """A window of calendar months, both ends included.

    Parameters
    ----------
    start, end : str
        First and last month, ``YYYY-MM``.

    Examples
    --------
    >>> w = Window("2012-02", "2012-07")
    >>> w.contains(pd.Series(["2012-01", "2012-02", "2012-07", "2012-08"])).tolist()
    [False, True, True, False]
    >>> str(w)
    '2012-02..2012-07'
    """

    start: str
    end: str

    def contains(self, months: pd.Series) -> pd.Series:
        """Boolean mask of the months (``YYYY-MM`` strings, or ISO dates) inside the window."""
        m = months.astype(str).str.slice(0, 7)
        return (m >= self.start) & (m <= self.end)

    def __str__(self) -> str:
        return f"{self.start}..{self.end}"


@dataclass
class ExperimentResult:
    """What an experiment returns.

    Attributes
    ----------
    name : str
        Experiment name (``route-shift``, ``hub-persistence``, ``enterprise-concentration``,
        ``segmented-market``).
    scenario : Scenario
        The base scenario (after ``persons_per_agent`` overrides).
    root_seed : int
    replicate_seeds : list of int
        Shared by every arm (paired design).
    summary : dict
        JSON-ready: the experiment's keys (means over replicates with ``_p05``/``_p95``), design
        details, ``observed`` comparators and ``expected`` patterns with whether they hold.
    tables : dict of str to DataFrame
        Derived tables (written as CSV and drawn by :mod:`sim.plots`).
    arms : dict of str to dict of str to DataFrame
        Each arm's per-replicate tables as returned by :func:`sim.runner.run_ensemble`.
    """

    name: str
    scenario: Any
    root_seed: int
    replicate_seeds: list[int]
    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    arms: dict[str, dict[str, pd.DataFrame]] = field(default_factory=dict)



def month_window(block: MonthWindow) -> Window:
    """The :class:`Window` of a ``{start, end}`` block of the scenario file."""
    return Window(block.start, block.end)


def observed_in_window(window: Window) -> pd.DataFrame:
    """The observed monthly detections (:func:`sim.observed.monthly`, the revised Frontex series)
    of the months in ``window``: columns ``year, month, route, type, detections``, one row per
    route/type and month, in the series' order."""
    m = observed.monthly()
    label = m["year"].astype(int).astype(str) + "-" + m["month"].astype(int).map("{:02d}".format)
    return m[window.contains(label)]


def settings(scenario: Scenario, key: str) -> Any:
    """The scenario's ``experiments.<key>`` block.

    Parameters
    ----------
    scenario : Scenario
    key : str
        ``route_shift``, ``hub_persistence``, ``enterprise_concentration`` or ``segmented_market``.

    Raises
    ------
    ValueError
        If the scenario file has no such block; the message names the file and the missing key.
    """
    block = getattr(scenario.experiments, key, None) if scenario.experiments is not None else None
    if block is None:
        where = str(scenario.source_path) if scenario.source_path is not None else f"scenario {scenario.name!r}"
        missing = "experiments" if scenario.experiments is None else f"experiments.{key}"
        raise ValueError(
            f"{where}: {missing}: the scenario has no 'experiments: {key}:' block, which names the places, "
            "edges and windows of this experiment (see scenarios/README.md, 'Experiments')"
        )
    return block


def run_arms(
    arms: Mapping[str, Scenario], root_seed: int, replicates: int, processes: int, progress: bool
) -> dict[str, dict[str, pd.DataFrame]]:
    """Run every arm with the same replicate seeds (:func:`sim.runner.run_ensemble`); arm name to tables."""
    return {
        name: runner.run_ensemble(sc, root_seed, replicates, progress=progress, processes=processes)
        for name, sc in arms.items()
    }


def design(scenario: Scenario, root_seed: int, replicates: int) -> dict[str, Any]:
    """The design keys every summary starts with (scenario, persons per agent, seeds)."""
    return {
        "scenario": scenario.name,
        "persons_per_agent": int(scenario.persons_per_agent),
        "root_seed": int(root_seed),
        "replicates": int(replicates),
        "replicate_seeds": runner.replicate_seeds(root_seed, replicates),
    }


def holds(flag: bool) -> bool:
    """``flag`` as a JSON boolean (an expected pattern holds or not)."""
    return bool(flag)
