"""The whole parameter set and its flat table: one row per behavioural number.

:class:`Parameters` gathers the groups; :func:`parameter_specs` flattens it to :class:`ParameterSpec`
rows (what calibration, sensitivity analysis, ``routesim parameters`` and the ODD document read);
:func:`with_values` and :func:`as_overlay` set parameters by their dotted names; :func:`format_specs`
prints the table.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from sim.parameters.enforcement import (
    DetentionParameters,
    EnforcementParameters,
    EventEffect,
    EventParameters,
)
from sim.parameters.fields import Group
from sim.parameters.mechanisms import (
    AwarenessParameters,
    ConsolidationParameters,
    HubReputationParameters,
    SupplyParameters,
    WaitingParameters,
)
from sim.parameters.migrants import (
    ChoiceParameters,
    CrossingParameters,
    DemandParameters,
    NetworkParameters,
    VulnerabilityParameters,
)
from sim.parameters.smuggling import EnterpriseParameters, HubParameters


class Parameters(Group):
    """All model parameters; the ``parameters:`` block of a scenario file."""

    demand: DemandParameters = DemandParameters()
    choice: ChoiceParameters = ChoiceParameters()
    crossing: CrossingParameters = CrossingParameters()
    events: EventParameters = EventParameters()
    enforcement: EnforcementParameters = EnforcementParameters()
    enterprises: EnterpriseParameters = EnterpriseParameters()
    hubs: HubParameters = HubParameters()
    vulnerability: VulnerabilityParameters = VulnerabilityParameters()
    network: NetworkParameters = NetworkParameters()
    awareness: AwarenessParameters = AwarenessParameters()
    supply: SupplyParameters = SupplyParameters()
    hub_reputation: HubReputationParameters = HubReputationParameters()
    consolidation: ConsolidationParameters = ConsolidationParameters()
    waiting: WaitingParameters = WaitingParameters()
    detention: DetentionParameters = DetentionParameters()


@dataclass(frozen=True)
class ParameterSpec:
    """One behavioural number of the model, as calibration and sensitivity analysis see it.

    Attributes
    ----------
    name : str
        Dotted name, e.g. ``"choice.cost_scale_eur"``; a tuple item as
        ``"crossing.service_death_factor[0]"``.
    default : float
        Default value (an integer parameter's default is a whole number).
    low, high : float
        Prior range, ``low <= default <= high``.
    unit : str
        Unit ("1" for a dimensionless number or a probability).
    kind : {"fitted", "prior", "structural"}
    source : str
        Where the default and the range come from.
    description : str
        What the number does.
    """

    name: str
    default: float
    low: float
    high: float
    unit: str
    kind: str
    source: str
    description: str


def _walk(model: BaseModel, prefix: str) -> list[ParameterSpec]:
    specs: list[ParameterSpec] = []
    for field_name, field in type(model).model_fields.items():
        name = f"{prefix}{field_name}"
        value = getattr(model, field_name)
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if isinstance(value, EventEffect):
            priors = extra["priors"]
            for attr, sub in EventEffect.model_fields.items():
                default = getattr(value, attr)
                unit = sub.json_schema_extra["unit"]  # type: ignore[index]
                if attr in priors:
                    low, high = priors[attr]
                    kind, source = "prior", extra["source"]
                else:
                    low = high = default
                    kind, source = "structural", "the kind does not act through this effect (DESIGN step 1)"
                specs.append(ParameterSpec(
                    f"{name}.{attr}", default, low, high, unit, kind, source,
                    f"{field.description} {sub.description}",
                ))
        elif isinstance(value, BaseModel):
            specs.extend(_walk(value, f"{name}."))
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                specs.append(ParameterSpec(
                    f"{name}[{i}]", item, extra["low"][i], extra["high"][i], extra["unit"], extra["kind"],
                    extra["source"], f"{field.description} Item {i}.",
                ))
        else:
            specs.append(ParameterSpec(
                name, value, extra["low"], extra["high"], extra["unit"], extra["kind"], extra["source"],
                field.description or "",
            ))
    return specs


def parameter_specs(params: Parameters | None = None) -> list[ParameterSpec]:
    """Every behavioural number of the model, flat, in declaration order.

    Parameters
    ----------
    params : Parameters, optional
        Whose values to report as ``default``; the built-in defaults if omitted.

    Returns
    -------
    list of ParameterSpec
        One per scalar parameter and per item of a tuple parameter.

    Examples
    --------
    >>> names = [s.name for s in parameter_specs()]
    >>> "events.hub_crackdown.arrest_effort" in names, "crossing.service_death_factor[0]" in names
    (True, True)
    """
    return _walk(Parameters() if params is None else params, "")


_NAME = re.compile(r"^(?P<path>[a-z_][a-z0-9_.]*?)(?:\[(?P<index>\d+)\])?$")


def _split(name: str) -> tuple[list[str], int | None]:
    """Dotted name -> (keys, tuple index or None); KeyError if it names no parameter."""
    known = _known_names()
    if name not in known:
        raise KeyError(f"unknown parameter {name!r} (see `routesim parameters`)")
    match = _NAME.match(name)
    assert match is not None  # every known name matches
    index = match.group("index")
    return match.group("path").split("."), None if index is None else int(index)


def _known_names() -> frozenset[str]:
    global _NAMES
    if _NAMES is None:
        _NAMES = frozenset(s.name for s in parameter_specs())
    return _NAMES


_NAMES: frozenset[str] | None = None


def _set(tree: dict[str, Any], keys: list[str], index: int | None, value: float, current: Any) -> None:
    node = tree
    for key in keys[:-1]:
        node = node.setdefault(key, {})
    if index is None:
        node[keys[-1]] = value
    else:
        items = list(node.get(keys[-1], current))
        items[index] = value
        node[keys[-1]] = items


def _lookup(params: Parameters, keys: list[str]) -> Any:
    value: Any = params
    for key in keys:
        value = getattr(value, key)
    return value


def _clean(value: float, current: Any) -> Any:
    """An integer parameter given as a whole float (as samplers give it) is passed as int."""
    if isinstance(current, int) and not isinstance(current, bool) and float(value).is_integer():
        return int(value)
    return value


def with_values(params: Parameters, values: Mapping[str, float]) -> Parameters:
    """A copy of ``params`` with some parameters set by dotted name.

    Parameters
    ----------
    params : Parameters
    values : mapping of str to float
        Dotted names as in :func:`parameter_specs` (``"crossing.service_death_factor[0]"`` for a
        tuple item).

    Returns
    -------
    Parameters
        Validated anew.

    Raises
    ------
    KeyError
        A name that is not a parameter.
    pydantic.ValidationError
        A value outside the parameter's validation bounds (or a fractional value of an integer one).

    Examples
    --------
    >>> with_values(Parameters(), {"choice.reputation_weight": 0.0}).choice.reputation_weight
    0.0
    """
    tree = params.model_dump()
    for name, value in values.items():
        keys, index = _split(name)
        current = _lookup(params, keys)
        item = current if index is None else current[index]
        node = tree
        for key in keys[:-1]:
            node = node[key]
        if index is None:
            node[keys[-1]] = _clean(value, item)
        else:
            items = list(node[keys[-1]])
            items[index] = _clean(value, item)
            node[keys[-1]] = items
    return Parameters.model_validate(tree)


def as_overlay(values: Mapping[str, float]) -> dict[str, Any]:
    """A nested mapping for a scenario's ``parameters:`` block, from dotted names.

    A tuple item is written as the whole tuple, and an event effect as the kind's whole effect (the
    other items at their defaults), so that the block validates to the same parameters as
    :func:`with_values` gives.

    Parameters
    ----------
    values : mapping of str to float

    Returns
    -------
    dict
        E.g. ``{"choice": {"reputation_weight": 0.0}}``.

    Raises
    ------
    KeyError
        A name that is not a parameter.

    Examples
    --------
    >>> as_overlay({"crossing.service_death_factor[0]": 1.2, "crossing.group_size_sea": 80.0})
    {'crossing': {'service_death_factor': [1.2, 1.0, 0.4], 'group_size_sea': 80}}
    """
    defaults = Parameters()
    tree: dict[str, Any] = {}
    for name, value in values.items():
        keys, index = _split(name)
        current = _lookup(defaults, keys)
        item = current if index is None else current[index]
        if keys[0] == "events" and keys[1] not in tree.get("events", {}):
            # a partial effect would validate with the other effects at EventEffect's zeros, not at
            # this kind's defaults: write the kind's whole effect
            tree.setdefault("events", {})[keys[1]] = _lookup(defaults, keys[:2]).model_dump()
        _set(tree, keys, index, _clean(value, item), current)
    return tree


COLUMNS: tuple[str, ...] = ("name", "default", "low", "high", "unit", "kind", "source")


def format_specs(specs: list[ParameterSpec], fmt: Literal["csv", "markdown"] = "csv") -> str:
    """The parameter table as text (what ``routesim parameters`` prints).

    Parameters
    ----------
    specs : list of ParameterSpec
    fmt : {"csv", "markdown"}
        CSV with a header row, or a Markdown table.

    Returns
    -------
    str
        Columns name, default, low, high, unit, kind, source; one row per spec.

    Raises
    ------
    ValueError
        An unknown format.
    """
    rows = [[s.name, f"{s.default:g}", f"{s.low:g}", f"{s.high:g}", s.unit, s.kind, s.source] for s in specs]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        return out.getvalue()
    if fmt == "markdown":
        lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown format {fmt!r}: expected 'csv' or 'markdown'")
