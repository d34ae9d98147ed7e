"""Parameter values a scenario sets outside their prior range: warnings, not errors.

A parameter's prior range (``low``-``high`` in ``routesim parameters``) is where its source and the
calibration put it; its validation bounds, wider, are what the model can run with. A value between
the two is allowed (a sensitivity run may want it) but is worth a word: the run prints
``file:line: warning: parameters.<name>: ...`` and goes on. Called by :func:`sim.scenario.load_scenario`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.parameters import parameter_specs
from sim.scenario.problems import Problem

__all__ = ["prior_range_warnings"]


def prior_range_warnings(data: Mapping[str, Any], pos: Mapping[tuple[Any, ...], Any]) -> list[Problem]:
    """Parameter values written in the scenario (or its bases) outside their prior range.

    Parameters
    ----------
    data : mapping
        The resolved scenario document (overlay merged on its bases), as read from YAML.
    pos : mapping
        Key path to ``(file shown, key position, value position)``, as built by
        :func:`sim.scenario.overlay.resolve_document`; each warning names the file and line where
        the value is written.

    Returns
    -------
    list of Problem
        One per value outside ``[low, high]`` (each item of a tuple parameter on its own; a quoted
        number, which the model reads as a number, too), with the range in the message. Values that
        are not numbers (reported as errors elsewhere) are skipped.
    """
    params = data.get("parameters")
    if not isinstance(params, Mapping):
        return []
    out: list[Problem] = []
    for spec in parameter_specs():
        name, _, index = spec.name.partition("[")
        keys = name.split(".")
        node: Any = params
        for k in keys:
            node = node.get(k) if isinstance(node, Mapping) else None
        path: tuple[Any, ...] = ("parameters", *keys)
        if index:  # an item of a tuple parameter, e.g. crossing.service_death_factor[2]
            k = int(index.rstrip("]"))
            node = node[k] if isinstance(node, list | tuple) and k < len(node) else None
            path = (*path, k)
        value = _number(node)
        if value is None or spec.low <= value <= spec.high:
            continue
        where = pos.get(path) or pos.get(path[:-1]) if index else pos.get(path)
        shown, line = (where[0], where[2][0]) if where else ("", None)
        unit = "" if spec.unit == "1" else f" {spec.unit}"
        out.append(Problem(shown, line, None, f"parameters.{spec.name}",
                           f"{node!s} lies outside its prior range {spec.low:g} to {spec.high:g}{unit} "
                           f"(allowed by the model, but outside what its source supports; "
                           f"routesim parameters lists the ranges)"))
    return out


def _number(node: Any) -> float | None:
    """``node`` as the model reads a parameter value: a number, or a string holding one; else None."""
    if isinstance(node, bool):
        return None
    if isinstance(node, int | float):
        return float(node)
    if isinstance(node, str):
        try:
            return float(node)
        except ValueError:
            return None
    return None
