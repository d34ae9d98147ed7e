"""Running (or resuming) a calibration study with optuna (TPE), one trial after another, and its
result."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim import observed
from sim.calibrate.search import apply_values, fitted_specs, scenario_values, suggest
from sim.calibrate.targets import DEFAULT_WINDOW, loss_terms, reported_months, targets

if TYPE_CHECKING:  # pragma: no cover - typing only
    from sim.scenario import Scenario


@dataclass(frozen=True)
class CalibrationSettings:
    """Options of a calibration.

    Attributes
    ----------
    window : tuple of str
        First and last month ``YYYY-MM`` of the calibration window (inclusive).
    budget : int
        Number of completed trials wanted (a resumed study runs only the missing ones).
    replicates : int
        Replicates per trial (their mean enters the loss).
    seed : int
        Sampler seed and root seed of every trial's replicates.
    processes : int
        Worker processes for a trial's replicates (trials run one after another).
    """

    window: tuple[str, str] = DEFAULT_WINDOW
    budget: int = 200
    replicates: int = 2
    seed: int = 20140101
    processes: int = 1


@dataclass
class CalibrationResult:
    """What a calibration produced (written by :func:`sim.io.write_calibration`).

    Attributes
    ----------
    trials : pandas.DataFrame
        One row per trial: ``number``, ``state``, ``loss``, ``seconds``, ``param:<name>`` for
        every fitted parameter, ``term:<name>`` for every loss term and ``logratio:<year>:<route>/<type>``
        for every pair's C1/C2 error.
    best_values : dict of str to float
        The fitted parameters of the complete trial with the lowest loss (first on ties).
    best_loss : float
    specs : list
        The fitted :class:`sim.parameters.ParameterSpec` objects, in search order.
    targets : dict
        The observed targets and which terms are used or left out (JSON-ready).
    settings : CalibrationSettings
    optuna_version : str
    wall_seconds : float
    resumed_trials : int
        Trials found complete in the store when this call started.
    extra : dict
        ``best_trial`` (its number) and ``observed_source`` (``shipped`` or the folder of the
        observed tables the loss compares with).
    """

    trials: pd.DataFrame
    best_values: dict[str, float]
    best_loss: float
    specs: list
    targets: dict[str, Any]
    settings: CalibrationSettings
    optuna_version: str
    wall_seconds: float
    resumed_trials: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _through_window(scenario: Scenario, window: tuple[str, str]) -> Scenario:
    """The scenario ending with the window's last month if it ran longer (no target lies after
    it, so the trial need not simulate those months; the start is kept, demand history included)."""
    last = pd.Period(window[1], freq="M").end_time.date()
    if scenario.end > last >= scenario.start:
        return scenario.with_overrides(end=last)
    return scenario


def _sampler_seed(seed: int, completed: int) -> int:
    """The sampler seed before the trial that follows ``completed`` complete trials (32-bit)."""
    return int(np.random.SeedSequence([seed, completed]).generate_state(1)[0])


def run_calibration(
    scenario: Scenario,
    settings: CalibrationSettings,
    storage: str,
    study_name: str,
    *,
    obs: observed.ObservedTables | None = None,
    specs: Sequence[Any] | None = None,
    on_trial: Callable[[int, int, float], None] | None = None,
    run: Callable[..., Mapping[str, pd.DataFrame]] | None = None,
) -> CalibrationResult:
    """Run (or resume) a calibration study until ``settings.budget`` trials are complete.

    Parameters
    ----------
    scenario : Scenario
        The scenario to fit (at the persons per agent wanted).
    settings : CalibrationSettings
    storage : str
        optuna RDB storage URL, e.g. ``sqlite:///path/trials.sqlite3`` (the trial store).
    study_name : str
        Name of the study in the store (same name: resume).
    obs : sim.observed.ObservedTables, optional
        Default the shipped tables.
    specs : sequence of ParameterSpec, optional
        Default :func:`sim.parameters.parameter_specs`; only kind ``fitted`` is used.
    on_trial : callable, optional
        ``on_trial(done, budget, loss)`` after each trial.
    run : callable, optional
        ``run(scenario, root_seed, replicates, progress=False, processes=P)``; default
        :func:`sim.runner.run_ensemble` (a seam for tests).

    Returns
    -------
    CalibrationResult

    Raises
    ------
    ValueError
        If the window has no reported month or no target is left, or no parameter is fitted.
    """
    import optuna

    from sim import runner

    run = run or runner.run_ensemble
    obs = obs or observed.load_observed()
    chosen = fitted_specs(specs)
    target = targets(obs, settings.window, reported_months(scenario))
    if not target["detections"] and target["deaths"] is None and not target["window_months"]:
        raise ValueError("no calibration target inside the window")
    reps = list(range(settings.replicates))
    scenario = _through_window(scenario, settings.window)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    clock = time.perf_counter()

    def objective(trial: optuna.Trial) -> float:
        values = {s.name: suggest(trial, s) for s in chosen}
        start = time.perf_counter()
        tables = run(apply_values(scenario, values), settings.seed, settings.replicates,
                     progress=False, processes=settings.processes)
        terms = loss_terms(tables, target, obs, reps)
        for key, value in terms.items():
            if key != "loss":
                trial.set_user_attr(key, value)
        trial.set_user_attr("seconds", time.perf_counter() - start)
        return terms["loss"]

    study = optuna.create_study(study_name=study_name, storage=storage, direction="minimize",
                                load_if_exists=True)
    complete = (optuna.trial.TrialState.COMPLETE,)
    for t in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
        study._storage.set_trial_state_values(t._trial_id, optuna.trial.TrialState.FAIL)
    waiting = (optuna.trial.TrialState.WAITING,)
    if not study.get_trials(deepcopy=False, states=complete + waiting):
        study.enqueue_trial(scenario_values(scenario, chosen))
    resumed = len(study.get_trials(deepcopy=False, states=complete))
    done = resumed
    while done < settings.budget:
        sampler = optuna.samplers.TPESampler(seed=_sampler_seed(settings.seed, done))
        study = optuna.load_study(study_name=study_name, storage=storage, sampler=sampler)
        study.optimize(objective, n_trials=1, catch=())
        done = len(study.get_trials(deepcopy=False, states=complete))
        if on_trial is not None:
            last = study.trials[-1]
            on_trial(done, settings.budget, float(last.value) if last.value is not None else math.nan)

    trials = _trials_table(study.get_trials(deepcopy=False), chosen)
    ok = trials[trials["state"] == "COMPLETE"].sort_values(["loss", "number"], kind="stable")
    if ok.empty:
        raise ValueError("no trial completed")
    best = ok.iloc[0]
    best_values = {s.name: float(best[f"param:{s.name}"]) for s in chosen}
    return CalibrationResult(
        trials=trials,
        best_values=best_values,
        best_loss=float(best["loss"]),
        specs=chosen,
        targets=target,
        settings=settings,
        optuna_version=optuna.__version__,
        wall_seconds=time.perf_counter() - clock,
        resumed_trials=resumed,
        extra={"best_trial": int(best["number"]), "observed_source": obs.source},
    )


def _trials_table(trials: Sequence[Any], chosen: Sequence[Any]) -> pd.DataFrame:
    """One row per trial: number, state, loss, seconds, params, terms, per-pair errors."""
    rows = []
    for t in trials:
        row: dict[str, Any] = {"number": int(t.number), "state": t.state.name,
                               "loss": float(t.value) if t.value is not None else math.nan,
                               "seconds": float(t.user_attrs.get("seconds", math.nan))}
        for s in chosen:
            row[f"param:{s.name}"] = float(t.params.get(s.name, math.nan))
        for key, value in sorted(t.user_attrs.items()):
            if key != "seconds":
                row[key] = float(value)
        rows.append(row)
    frame = pd.DataFrame(rows)
    head = ["number", "state", "loss", "seconds", *[f"param:{s.name}" for s in chosen]]
    rest = sorted(c for c in frame.columns if c not in head)
    terms = [c for c in rest if c.startswith("term:")]
    return frame[[*head, *terms, *[c for c in rest if c not in terms]]]
