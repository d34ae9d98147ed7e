"""The model as an EMA Workbench ``Model`` (optional extra ``ema``: ``pip install -e ".[ema]"``).

Exploratory modelling (Kwakkel 2017, the EMA Workbench) runs a model over sampled *uncertainties*
(things the analyst cannot choose) crossed with *policies* (settings of the *levers* the analyst can
choose) and looks for the scenarios in which a policy does well or badly (scenario discovery, PRIM).
:func:`ema_model` exposes a scenario in those terms:

- **uncertainties**: the model parameters of kind ``fitted`` and ``prior`` with a range, each a
  uniform ``RealParameter`` (``IntegerParameter`` for an integer) over its ``low``-``high`` from
  :func:`sim.parameters.parameter_specs` (the same table as calibration and sensitivity analysis);
- **levers**: the ``magnitude`` of each of the scenario's events (1: the event as written, 0: no
  event), and a factor on each agency's standing effort, applied from a date as an ``effort_change``
  event (1: unchanged; scenarios/README.md, "Enforcement levers");
- **outcomes**: detections by Frontex route and in total, and deaths on labelled crossings, in the
  analysis year (2014 on the reference scenario; :func:`sim.sensitivity.analysis_year`): the mean over
  the replicates, which share their seeds across experiments (common random numbers).

EMA names must be Python identifiers: ``choice.cost_scale_eur`` is ``choice__cost_scale_eur``,
``crossing.service_death_factor[0]`` is ``crossing__service_death_factor_0``, an event lever
``magnitude_3_search_and_rescue`` (row 3 of the events table), an agency lever
``effort_libyan_coast_guard``, an outcome ``detections_central_mediterranean``. :class:`EmaRun`
keeps the map back to the model's names. This module builds and runs scenarios; it imports
``ema_workbench`` only inside :func:`ema_model`, so the rest works without the extra.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim import runner
from sim.labels import ROUTES, EventKind, TargetType
from sim.parameters import with_values
from sim.scenario.rows import EventRow
from sim.sensitivity import analysis_year, sample_outputs, select_specs

if TYPE_CHECKING:  # pragma: no cover - typing only
    from sim.scenario import Scenario

__all__ = ["EmaRun", "OUTCOMES", "ema_model", "identifier"]


def identifier(name: str) -> str:
    """A model name as a Python identifier (what EMA accepts as a variable name).

    Examples
    --------
    >>> identifier("crossing.service_death_factor[0]"), identifier("Libyan coast guard")
    ('crossing__service_death_factor_0', 'libyan_coast_guard')
    """
    out = name.replace(".", "__")
    out = re.sub(r"\[(\d+)\]", r"_\1", out)
    out = re.sub(r"[^0-9a-zA-Z_]+", "_", out).strip("_").lower()
    return out if out and not out[0].isdigit() else f"x_{out}"


#: Outcome identifier -> key of :func:`sim.sensitivity.sample_outputs` (absent there: 0).
OUTCOMES: dict[str, str] = {
    **{f"detections_{identifier(r)}": f"detections:{r}" for r in ROUTES},
    "detections_total": "detections:Total",
    "deaths_total": "deaths:Total",
}


@dataclass
class EmaRun:
    """The function EMA calls for one experiment: keyword values in, outcomes out (picklable).

    Parameters
    ----------
    scenario : Scenario
        The base scenario (its ``persons_per_agent`` is used as it is).
    uncertainties : dict of str to str
        EMA name -> dotted parameter name.
    integers : set of str
        EMA names of integer parameters.
    magnitudes : dict of str to int
        EMA name -> row index in ``scenario.events``.
    efforts : dict of str to str
        EMA name -> agency name.
    effort_from : datetime.date
        First day of the agencies' effort factors.
    seeds : list of int
        Replicate seeds, the same for every experiment.
    year : int
        Analysis year of the outcomes.
    """

    scenario: Scenario
    uncertainties: dict[str, str]
    integers: set[str]
    magnitudes: dict[str, int]
    efforts: dict[str, str]
    effort_from: dt.date
    seeds: list[int]
    year: int

    def scenario_for(self, values: Mapping[str, float]) -> Scenario:
        """The scenario of one experiment (validated; levers left out stay at 1).

        Parameters
        ----------
        values : mapping of str to float
            EMA names to values; other keys are ignored.

        Returns
        -------
        Scenario

        Raises
        ------
        sim.scenario.ScenarioError
            If a lever takes an agency's effort above the bound of 10.
        pydantic.ValidationError
            If a parameter value is outside its validation bounds.
        """
        params = {dotted: (int(round(values[k])) if k in self.integers else float(values[k]))
                  for k, dotted in self.uncertainties.items() if k in values}
        events = list(self.scenario.events)
        for key, row in self.magnitudes.items():
            if key in values:
                events[row] = events[row].model_copy(update={"magnitude": events[row].magnitude * float(values[key])})
        for key, agency in self.efforts.items():
            factor = float(values.get(key, 1.0))
            if factor != 1.0:
                events.append(EventRow(start=self.effort_from, full_effect=self.effort_from,
                                       kind=EventKind.EFFORT_CHANGE, target_type=TargetType.AGENCY,
                                       target=agency, magnitude=factor, description=f"EMA lever {key}"))
        changes: dict[str, Any] = {"events": events}
        if params:
            changes["parameters"] = with_values(self.scenario.parameters, params)
        return self.scenario.with_overrides(**changes)

    def __call__(self, **values: float) -> dict[str, float]:
        """Run the experiment's scenario on every seed; the mean outcomes (:data:`OUTCOMES`)."""
        sc = self.scenario_for(values)
        runs = [runner.run_replicate(sc, seed, r) for r, seed in enumerate(self.seeds)]
        per = pd.DataFrame([sample_outputs(t, self.year) for t in runs]).fillna(0.0).mean()
        return {name: float(per.get(key, 0.0)) for name, key in OUTCOMES.items()}


def ema_model(
    scenario: Scenario,
    *,
    name: str = "routesim",
    parameters: Sequence[str] | None = None,
    events: Sequence[int] | None = None,
    agencies: Sequence[str] | None = None,
    magnitude_range: tuple[float, float] = (0.0, 2.0),
    effort_range: tuple[float, float] = (0.0, 2.0),
    effort_from: dt.date | None = None,
    replicates: int = 1,
    seed: int | None = None,
    persons_per_agent: int | None = None,
) -> Any:
    """The scenario as an EMA Workbench ``Model``.

    Parameters
    ----------
    scenario : Scenario
    name : str
        The EMA model's name (a Python identifier).
    parameters : sequence of str, optional
        Dotted names of the parameters that are uncertainties (default: every ``fitted`` and
        ``prior`` parameter with ``low < high``, :func:`sim.sensitivity.select_specs`). ``[]`` for
        none.
    events : sequence of int, optional
        Rows of ``scenario.events`` with a magnitude lever (default: every row except
        ``effort_change`` rows, whose magnitude the agency levers cover, and ``detention_change`` rows,
        which have no magnitude). ``[]`` for none.
    agencies : sequence of str, optional
        Agencies with an effort lever (default: every agency of the scenario). ``[]`` for none.
    magnitude_range, effort_range : tuple of float
        Ranges of the event and agency levers (factors >= 0; 1 is the scenario as written).
    effort_from : datetime.date, optional
        First day of the agency factors (default: the first simulated day, burn-in included).
    replicates : int
        Runs per experiment, on seeds drawn from ``seed`` (default the scenario's); their mean is
        the outcome.
    seed : int, optional
    persons_per_agent : int, optional
        Overrides the scenario's.

    Returns
    -------
    ema_workbench.Model
        Uncertainties, levers (default 1) and outcomes as above; its function is an :class:`EmaRun`.

    Raises
    ------
    ImportError
        If ``ema_workbench`` is not installed (``pip install -e ".[ema]"``).
    ValueError
        An unknown parameter, event row or agency; a ``detention_change`` row as a lever; a range that
        is not ``0 <= low < high``.
    """
    try:
        from ema_workbench import IntegerParameter, Model, RealParameter, ScalarOutcome
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError('the EMA adapter needs ema_workbench: pip install -e ".[ema]"') from exc
    for what, (low, high) in (("magnitude_range", magnitude_range), ("effort_range", effort_range)):
        if not 0 <= low < high:
            raise ValueError(f"{what} must be 0 <= low < high, got ({low}, {high})")
    if persons_per_agent is not None:
        scenario = scenario.with_overrides(persons_per_agent=persons_per_agent)
    specs = select_specs(parameters) if parameters is None or len(parameters) else []
    no_lever = (EventKind.EFFORT_CHANGE, EventKind.DETENTION_CHANGE)
    rows = [i for i, ev in enumerate(scenario.events) if ev.kind not in no_lever] \
        if events is None else list(events)
    bad = [i for i in rows if not 0 <= i < len(scenario.events)]
    if bad:
        raise ValueError(f"no event row(s) {bad}: the scenario has {len(scenario.events)} event rows")
    fixed = [i for i in rows if scenario.events[i].kind is EventKind.DETENTION_CHANGE]
    if fixed:
        raise ValueError(f"event row(s) {fixed} are detention_change rows, which set values and have no magnitude")
    names = list(dict.fromkeys(a.agency for a in scenario.agencies))
    chosen = names if agencies is None else list(dict.fromkeys(agencies))
    unknown = [a for a in chosen if a not in names]
    if unknown:
        raise ValueError(f"unknown agency(ies) {unknown}; the scenario has: {', '.join(names)}")

    run = EmaRun(
        scenario=scenario,
        uncertainties={identifier(s.name): s.name for s in specs},
        integers={identifier(s.name) for s in specs if isinstance(s.default, int)},
        magnitudes={f"magnitude_{i}_{identifier(scenario.events[i].kind.value)}": i for i in rows},
        efforts={f"effort_{identifier(a)}": a for a in chosen},
        effort_from=effort_from or scenario.dates()[0],
        seeds=runner.replicate_seeds(scenario.seed if seed is None else seed, replicates),
        year=analysis_year(scenario),
    )
    model = Model(name, function=run)
    model.uncertainties = [
        IntegerParameter(key, int(s.low), int(s.high)) if key in run.integers
        else RealParameter(key, float(s.low), float(s.high))
        for key, s in zip(run.uncertainties, specs, strict=True)
    ]
    model.levers = [RealParameter(key, *magnitude_range, default=1.0) for key in run.magnitudes] + \
                   [RealParameter(key, *effort_range, default=1.0) for key in run.efforts]
    model.outcomes = [ScalarOutcome(key) for key in OUTCOMES]
    return model
