"""Model parameters: defaults, bounds, units and priors, defined once.

Every behavioural number of the model lives here, validated by pydantic (unknown keys are errors,
every number bounded by ``ge``/``le``). A scenario's ``parameters:`` block overrides any subset.

Each field also carries structured metadata (read with :func:`parameter_specs`):

- ``low``, ``high``: the prior range (always inside the validation bounds);
- ``unit``: the unit of the number ("1" for a dimensionless number or a probability);
- ``kind``: ``fitted`` (a global parameter the calibration may fit, DESIGN section 1: no per-edge
  constant is fitted to a per-route figure), ``prior`` (an assumption with a range) or
  ``structural`` (a modelling choice, varied only to test the model's structure);
- ``source``: where the default and the range come from.

Calibration, sensitivity analysis, ``routesim parameters`` and the ODD document read the same table.

Modules, one concept each: :mod:`~sim.parameters.fields` (how a parameter is declared: :func:`param`,
its kinds and common sources), the groups by theme (:mod:`~sim.parameters.migrants`: demand, choice,
crossing, vulnerability, network; :mod:`~sim.parameters.enforcement`: events and agencies;
:mod:`~sim.parameters.smuggling`: enterprises and hubs; :mod:`~sim.parameters.mechanisms`: awareness,
supply, hub reputation, consolidation) and :mod:`~sim.parameters.table` (:class:`Parameters`, the flat
table and setting parameters by name).

Examples
--------
>>> p = Parameters()
>>> p.demand.undetected_share
0.1
>>> Parameters.model_validate({"choice": {"reputation_weight": 0.0}}).choice.reputation_weight
0.0
>>> spec = {s.name: s for s in parameter_specs()}["choice.cost_scale_eur"]
>>> (spec.default, spec.low, spec.high, spec.unit, spec.kind)
(700.0, 200.0, 3000.0, 'EUR', 'fitted')
>>> with_values(p, {"crossing.service_death_factor[2]": 0.5}).crossing.service_death_factor
(1.4, 1.0, 0.5)
>>> as_overlay({"hubs.reputation_decay": 0.02})
{'hubs': {'reputation_decay': 0.02}}
"""

from sim.parameters.enforcement import (
    DetentionParameters,
    EnforcementParameters,
    EventEffect,
    EventParameters,
    effect,
)
from sim.parameters.fields import (
    ASSUMED,
    CALIBRATED,
    KINDS,
    STRUCTURE,
    Factor,
    Group,
    Kind,
    param,
    param_tuple,
)
from sim.parameters.mechanisms import (
    NOTE_A,
    NOTE_B,
    NOTE_C,
    NOTE_D,
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
from sim.parameters.table import (
    COLUMNS,
    Parameters,
    ParameterSpec,
    as_overlay,
    format_specs,
    parameter_specs,
    with_values,
)

__all__ = [
    "ASSUMED",
    "CALIBRATED",
    "COLUMNS",
    "KINDS",
    "NOTE_A",
    "NOTE_B",
    "NOTE_C",
    "NOTE_D",
    "STRUCTURE",
    "AwarenessParameters",
    "ChoiceParameters",
    "ConsolidationParameters",
    "CrossingParameters",
    "DemandParameters",
    "DetentionParameters",
    "EnforcementParameters",
    "EnterpriseParameters",
    "EventEffect",
    "EventParameters",
    "Factor",
    "Group",
    "HubParameters",
    "HubReputationParameters",
    "Kind",
    "NetworkParameters",
    "ParameterSpec",
    "Parameters",
    "SupplyParameters",
    "VulnerabilityParameters",
    "WaitingParameters",
    "as_overlay",
    "effect",
    "format_specs",
    "param",
    "param_tuple",
    "parameter_specs",
    "with_values",
]
