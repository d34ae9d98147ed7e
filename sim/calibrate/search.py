"""The search space of a calibration: the parameters of kind ``fitted``, their scale, and a scenario
with some of them set."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - typing only
    from sim.scenario import Scenario


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


def suggest(trial: Any, spec: Any) -> float | int:
    """A trial's value for one parameter: an integer one by ``suggest_int``, else a float."""
    if isinstance(spec.default, int) and not isinstance(spec.default, bool):
        return trial.suggest_int(spec.name, int(spec.low), int(spec.high), log=log_scale(spec))
    return trial.suggest_float(spec.name, float(spec.low), float(spec.high), log=log_scale(spec))
