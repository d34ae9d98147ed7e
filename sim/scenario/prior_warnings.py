"""Parameter values a scenario sets outside their prior range: warnings, not errors.

A parameter's prior range (``low``-``high`` in ``routesim parameters``) is where its source and the
calibration put it; its validation bounds, wider, are what the model can run with. A value between
the two is allowed (a sensitivity run may want it) but is worth a word: the run prints
``file:line: warning: parameters.<name>: ...`` and goes on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.parameters import parameter_specs
from sim.scenario.problems import Problem

__all__ = ["prior_range_warnings"]


def prior_range_warnings(data: Mapping[str, Any], pos: Mapping[tuple[Any, ...], Any]) -> list[Problem]:
    """Scalar parameters written in the scenario (or its bases) outside their prior range.

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
        One per value outside ``[low, high]``, with the range in the message. Tuple parameters and
        values of the wrong type (reported as errors elsewhere) are skipped.
    """
    params = data.get("parameters")
    if not isinstance(params, Mapping):
        return []
    out: list[Problem] = []
    for spec in parameter_specs():
        keys = spec.name.split(".")
        if "[" in spec.name:
            continue
        node: Any = params
        for k in keys:
            node = node.get(k) if isinstance(node, Mapping) else None
        if isinstance(node, bool) or not isinstance(node, int | float):
            continue
        if spec.low <= node <= spec.high:
            continue
        where = pos.get(("parameters", *keys))
        shown, line = (where[0], where[2][0]) if where else ("", None)
        out.append(Problem(shown, line, None, f"parameters.{spec.name}",
                           f"{node:g} lies outside its prior range {spec.low:g}-{spec.high:g}"
                           f"{'' if spec.unit == '1' else ' ' + spec.unit} "
                           f"(allowed by the model, but outside what its source supports; "
                           f"routesim parameters lists the ranges)"))
    return out
