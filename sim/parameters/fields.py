"""How a parameter is declared: a pydantic field carrying its prior range, unit, kind and source.

Every parameter group (:mod:`sim.parameters.migrants`, :mod:`~sim.parameters.enforcement`,
:mod:`~sim.parameters.smuggling`, :mod:`~sim.parameters.mechanisms`) declares its numbers with
:func:`param` or :func:`param_tuple` on a :class:`Group`; :mod:`sim.parameters.table` reads the metadata
back as the flat parameter table.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["fitted", "prior", "structural"]
KINDS: tuple[str, ...] = ("fitted", "prior", "structural")

# Sources used by many fields (kept short: they are printed in the parameter table).
ASSUMED = "assumption (no empirical estimate); range set for sensitivity analysis"
CALIBRATED = "fitted globally to Frontex 2014 detections by route and type (DESIGN C1, C2)"
STRUCTURE = "modelling choice (DESIGN sections 2-3)"


def param(
    default: Any,
    *,
    low: float,
    high: float,
    unit: str,
    kind: Kind,
    source: str,
    description: str,
    **bounds: Any,
) -> Any:
    """A pydantic ``Field`` carrying the parameter's prior range, unit, kind and source.

    Parameters
    ----------
    default : float or int
        Default value (today's behaviour).
    low, high : float
        Prior range, ``low <= default <= high``, inside the validation bounds.
    unit : str
        Unit ("1" for a probability, a share or another dimensionless number).
    kind : {"fitted", "prior", "structural"}
    source : str
        Where the default and range come from.
    description : str
        What the number does in the model.
    **bounds
        Validation bounds passed to :func:`pydantic.Field` (``ge``, ``gt``, ``le``, ``lt``).

    Returns
    -------
    pydantic.fields.FieldInfo
    """
    extra = {"low": low, "high": high, "unit": unit, "kind": kind, "source": source}
    return Field(default, description=description, json_schema_extra=extra, **bounds)


def param_tuple(
    default: tuple[float, ...],
    *,
    low: tuple[float, ...],
    high: tuple[float, ...],
    unit: str,
    kind: Kind,
    source: str,
    description: str,
) -> Any:
    """Like :func:`param` for a tuple; ``low`` and ``high`` give one prior range per item."""
    extra = {"low": list(low), "high": list(high), "unit": unit, "kind": kind, "source": source}
    return Field(default, description=description, json_schema_extra=extra)


Factor = Annotated[float, Field(ge=0.0, le=10.0)]


class Group(BaseModel):
    """A group of parameters: frozen, unknown keys are errors, defaults validated."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)
