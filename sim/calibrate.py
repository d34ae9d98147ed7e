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
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim import observed, validation

if TYPE_CHECKING:  # pragma: no cover - typing only
    from sim.scenario import Scenario

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
]

#: Default calibration window (inclusive months): July-December 2014 held out.
DEFAULT_WINDOW = ("2012-01", "2014-06")
#: Years of the detection targets C1 and C2.
TARGET_YEARS = (2013, 2014)
#: Year of the deaths target C3.
DEATHS_YEAR = 2014
#: Persons added to simulated and observed detections in the log ratio of C1/C2.
DETECTION_OFFSET = 100.0
#: Persons added to simulated and observed deaths in the log ratio of C3.
DEATHS_OFFSET = 10.0


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


def fitted_specs(specs: Sequence[Any] | None = None) -> list:
    """The parameters a calibration searches: those of kind ``fitted``.

    Parameters
    ----------
    specs : sequence of ParameterSpec, optional
        Default :func:`sim.parameters.parameter_specs`.

    Returns
    -------
    list of ParameterSpec
        In the order given.

    Raises
    ------
    ValueError
        If none is of kind ``fitted``, or a fitted one has ``low >= high``.
    """
    if specs is None:
        from sim.parameters import parameter_specs

        specs = parameter_specs()
    chosen = [s for s in specs if str(s.kind) == "fitted"]
    if not chosen:
        raise ValueError("no parameter of kind 'fitted' to calibrate")
    for s in chosen:
        if not float(s.low) < float(s.high):
            raise ValueError(f"fitted parameter {s.name}: low {s.low} is not below high {s.high}")
    return chosen


def log_scale(spec: Any) -> bool:
    """Whether a parameter is searched on a log scale: ``low > 0`` and ``high / low > 20``.

    Examples
    --------
    >>> from types import SimpleNamespace as S
    >>> log_scale(S(low=100.0, high=5000.0)), log_scale(S(low=0.5, high=0.95))
    (True, False)
    """
    low, high = float(spec.low), float(spec.high)
    return low > 0 and high / low > 20


def apply_values(scenario: Scenario, values: Mapping[str, float]) -> Scenario:
    """The scenario with some parameters set (dotted names), validated.

    Parameters
    ----------
    scenario : Scenario
    values : mapping of str to float
        Dotted parameter names (``"choice.cost_scale_eur"``) to values.

    Returns
    -------
    Scenario
        A copy (``model_copy``) whose ``parameters`` are
        :func:`sim.parameters.with_values` of the scenario's.

    Raises
    ------
    KeyError
        For an unknown name.
    pydantic.ValidationError
        For a value out of bounds.
    """
    from sim.parameters import with_values

    return scenario.model_copy(update={"parameters": with_values(scenario.parameters, values)})


def window_months(window: tuple[str, str], reported: Sequence[str]) -> list[str]:
    """The months ``YYYY-MM`` of ``window`` (inclusive) that are also in ``reported``.

    Raises
    ------
    ValueError
        If a bound is not ``YYYY-MM`` or the window is empty.

    Examples
    --------
    >>> window_months(("2012-11", "2013-02"), ["2012-12", "2013-01", "2014-01"])
    ['2012-12', '2013-01']
    """
    try:
        months = [str(p) for p in pd.period_range(window[0], window[1], freq="M")]
    except ValueError as err:
        raise ValueError(f"bad window {window[0]}..{window[1]}: {err}") from None
    if not months:
        raise ValueError(f"empty window {window[0]}..{window[1]}")
    have = set(reported)
    return [m for m in months if m in have]


def _pair_obs(obs: observed.ObservedTables, year: int, months: list[int]) -> np.ndarray | None:
    """Observed detections of the ten pairs over ``months`` of ``year`` (None if unknown)."""
    pairs = [tuple(p) for p in observed.ROUTE_TYPES]
    annual = obs.annual
    if len(months) == 12 and annual is not None and (annual["year"] == year).any():
        a = annual[(annual["year"] == year) & (annual["route"] != "Other")]
        s = a.groupby(["route", "type"])["detections"].sum()
        return np.array([float(s.get(p, 0.0)) for p in pairs])
    if not (obs.monthly["year"] == year).any():
        return None
    m = validation.observed_pair_month(obs.monthly, year)
    return m[:, [k - 1 for k in months]].sum(axis=1)


def targets(
    obs: observed.ObservedTables, window: tuple[str, str], reported_months: Sequence[str]
) -> dict[str, Any]:
    """The observed targets inside the window, and the terms left out.

    Parameters
    ----------
    obs : sim.observed.ObservedTables
    window : tuple of str
    reported_months : sequence of str
        The months ``YYYY-MM`` the scenario reports.

    Returns
    -------
    dict
        ``window_months`` (list of str), ``detections`` (year -> {"months": [...], "observed":
        {"route/type": persons}}), ``deaths`` ({"months": [...], "observed": persons, "routes":
        [...]} or None), ``left_out`` (term -> reason).
    """
    months = window_months(window, reported_months)
    if not months:
        raise ValueError(
            f"the window {window[0]}..{window[1]} has no month the scenario reports"
        )
    out: dict[str, Any] = {"window_months": months, "detections": {}, "deaths": None,
                           "left_out": {}}
    pairs = [f"{r}/{t}" for r, t in observed.ROUTE_TYPES]
    for year, term in zip(TARGET_YEARS, ("C1", "C2"), strict=True):
        ms = [int(m[5:]) for m in months if m.startswith(f"{year:04d}-")]
        values = _pair_obs(obs, year, ms) if ms else None
        if values is None:
            out["left_out"][term] = (f"no month of {year} in the window and the scenario"
                                     if not ms else f"no observed detections for {year}")
            continue
        out["detections"][str(year)] = {"term": term, "months": ms,
                                        "observed": dict(zip(pairs, values.tolist(), strict=True))}
    ms = [int(m[5:]) for m in months if m.startswith(f"{DEATHS_YEAR:04d}-")]
    deaths = obs.deaths
    if not ms:
        out["left_out"]["C3"] = f"no month of {DEATHS_YEAR} in the window and the scenario"
    elif deaths is None or not (deaths["year"] == DEATHS_YEAR).any():
        out["left_out"]["C3"] = f"no observed deaths for {DEATHS_YEAR}"
    else:
        d = deaths[deaths["year"] == DEATHS_YEAR]
        routes = sorted(d["route"].unique())
        value = float(d[d["month"].isin(ms)]["dead_missing"].sum())
        out["deaths"] = {"term": "C3", "months": ms, "observed": value, "routes": routes}
    return out


def _weights(obs_values: np.ndarray) -> np.ndarray:
    """Weights proportional to sqrt(observed), summing to 1."""
    w = np.sqrt(np.clip(obs_values, 0.0, None))
    return w / w.sum() if w.sum() > 0 else np.full(len(w), 1.0 / len(w))


def loss_terms(
    tables: Mapping[str, pd.DataFrame],
    target: Mapping[str, Any],
    obs: observed.ObservedTables,
    replicates: Sequence[int],
) -> dict[str, float]:
    """The loss and its terms for one trial's ensemble tables.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        ``detections_monthly`` and ``deaths_monthly`` of :func:`sim.runner.run_ensemble`.
    target : mapping
        The output of :func:`targets`.
    obs : sim.observed.ObservedTables
        For the monthly series of the window.
    replicates : sequence of int
        Replicate numbers (a replicate without rows counts zeros).

    Returns
    -------
    dict of str to float
        ``loss``, ``term:C1``/``term:C2``/``term:C3``/``term:M`` (those used) and
        ``logratio:<year>:<route>/<type>`` for every pair of C1/C2 (signed: > 0 too many).
    """
    det = tables["detections_monthly"]
    reps = list(replicates)
    pairs = [f"{r}/{t}" for r, t in observed.ROUTE_TYPES]
    out: dict[str, float] = {}
    cache: dict[int, np.ndarray] = {}

    def sim_year(year: int) -> np.ndarray:
        if year not in cache:
            cache[year] = validation.simulated_pair_month(det, year, reps).mean(axis=2)  # (10, 12)
        return cache[year]

    for year, spec in target["detections"].items():
        y = int(year)
        cols = [m - 1 for m in spec["months"]]
        sim = sim_year(y)[:, cols].sum(axis=1)
        obs_v = np.array([spec["observed"][p] for p in pairs], dtype=float)
        e = np.log((sim + DETECTION_OFFSET) / (obs_v + DETECTION_OFFSET))
        for p, v in zip(pairs, e, strict=True):
            out[f"logratio:{y}:{p}"] = float(v)
        out[f"term:{spec['term']}"] = float(np.sum(_weights(obs_v) * np.abs(e)))

    if target["deaths"] is not None:
        d = target["deaths"]
        dm = tables["deaths_monthly"]
        months = [f"{DEATHS_YEAR:04d}-{m:02d}" for m in d["months"]]
        rows = dm[dm["month"].astype(str).isin(months) & dm["route"].isin(d["routes"])]
        sim_d = float(rows["deaths"].sum()) / len(reps)
        out["deaths:simulated"] = sim_d
        out["term:C3"] = abs(math.log((sim_d + DEATHS_OFFSET) / (d["observed"] + DEATHS_OFFSET)))

    ards = []
    by_year: dict[int, list[int]] = {}
    for m in target["window_months"]:
        by_year.setdefault(int(m[:4]), []).append(int(m[5:]))
    for y, ms in by_year.items():
        if not (obs.monthly["year"] == y).any():
            continue
        obs_m = validation.observed_pair_month(obs.monthly, y)
        for m in ms:
            value = validation.monthly_ard(sim_year(y), obs_m, [m])
            if value == value:
                ards.append(value)
    if ards:
        out["term:M"] = float(np.mean(ards))
    out["loss"] = float(sum(v for k, v in out.items() if k.startswith("term:")))
    return out


def _reported_months(scenario: Scenario) -> list[str]:
    """Months ``YYYY-MM`` from the scenario's start to its end."""
    return [str(p) for p in pd.period_range(scenario.start, scenario.end, freq="M")]


def scenario_values(scenario: Scenario, specs: Sequence[Any]) -> dict[str, float]:
    """The scenario's own values of the given parameters, clipped to their ``[low, high]``.

    Trial 0 of every calibration evaluates them, so the result is never worse (on the loss, at the
    trial's seeds) than the scenario as it was.

    Parameters
    ----------
    scenario : Scenario
    specs : sequence of ParameterSpec
        Dotted names, tuple items as ``name[i]``.

    Returns
    -------
    dict of str to float
    """
    out: dict[str, float] = {}
    for spec in specs:
        value: Any = scenario.parameters
        for part in spec.name.split("."):
            name, _, index = part.partition("[")
            value = getattr(value, name)
            if index:
                value = value[int(index.rstrip("]"))]
        out[spec.name] = min(max(value, spec.low), spec.high)
    return out


def _suggest(trial: Any, spec: Any) -> float | int:
    """A trial's value for one parameter: an integer one by ``suggest_int``, else a float."""
    if isinstance(spec.default, int) and not isinstance(spec.default, bool):
        return trial.suggest_int(spec.name, int(spec.low), int(spec.high), log=log_scale(spec))
    return trial.suggest_float(spec.name, float(spec.low), float(spec.high), log=log_scale(spec))


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
    target = targets(obs, settings.window, _reported_months(scenario))
    if not target["detections"] and target["deaths"] is None and not target["window_months"]:
        raise ValueError("no calibration target inside the window")
    reps = list(range(settings.replicates))
    scenario = _through_window(scenario, settings.window)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    clock = time.perf_counter()

    def objective(trial: optuna.Trial) -> float:
        values = {s.name: _suggest(trial, s) for s in chosen}
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
        extra={"best_trial": int(best["number"])},
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
