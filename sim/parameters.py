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

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "KINDS",
    "ParameterSpec",
    "Parameters",
    "as_overlay",
    "format_specs",
    "parameter_specs",
    "with_values",
]

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


def effect(
    default: EventEffect,
    *,
    priors: Mapping[str, tuple[float, float]],
    source: str,
    description: str,
) -> Any:
    """A field of :class:`EventParameters`: one kind's effect and the prior range of each effect it has.

    Effects not listed in ``priors`` are not part of the kind (the kind does not act through them);
    their range is the default alone and their kind ``structural``.
    """
    extra = {"priors": {k: list(v) for k, v in priors.items()}, "source": source}
    return Field(default, description=description, json_schema_extra=extra)


Factor = Annotated[float, Field(ge=0.0, le=10.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class DemandParameters(_Strict):
    """The demand rule (data README): persons spawned from detections."""

    undetected_share: float = param(
        0.1, ge=0.0, le=0.3, low=0.0, high=0.3, unit="1", kind="fitted",
        source="data README, demand rule (range 0-0.3); global calibration parameter (DESIGN section 1)",
        description="Share of crossers never detected, added to detected persons "
        "(spawned = persons_detected * (1 + share)).",
    )
    risk_tolerance_concentration: float = param(
        4.0, gt=0.0, le=1000.0, low=2.0, high=20.0, unit="1", kind="prior", source=ASSUMED,
        description="Concentration c of a migrant's risk tolerance around its group's mean m: "
        "Beta(c m, c (1 - m)); larger is less spread.",
    )


class ChoiceParameters(_Strict):
    """Route and offer choice (logit over generalised cost, EUR-equivalent)."""

    cost_scale_eur: float = param(
        700.0, gt=0.0, le=1e5, low=200.0, high=3000.0, unit="EUR", kind="fitted", source=CALIBRATED,
        description="Logit scale: a generalised-cost difference of this many EUR changes the odds by e.",
    )
    time_value_eur_per_day: float = param(
        15.0, ge=0.0, le=1000.0, low=5.0, high=50.0, unit="EUR/day", kind="prior", source=ASSUMED,
        description="EUR-equivalent cost of one day travelling or waiting.",
    )
    risk_value_eur: float = param(
        20000.0, ge=0.0, le=1e7, low=1e4, high=2e5, unit="EUR", kind="prior", source=ASSUMED,
        description="EUR-equivalent disutility of a probability 1 of dying, scaled by (1 - risk tolerance).",
    )
    prevention_penalty_eur: float = param(
        2000.0, ge=0.0, le=1e5, low=100.0, high=2000.0, unit="EUR", kind="prior", source=ASSUMED,
        description="EUR-equivalent cost of one failed attempt (prevented or returned) beyond lost time.",
    )
    reputation_weight: float = param(
        3.0, ge=0.0, le=20.0, low=0.0, high=6.0, unit="utility per reputation unit", kind="prior",
        source=ASSUMED + "; 0 is the ablation of DESIGN step 8",
        description="Utility per unit of the next market hub's reputation (0-1).",
    )
    service_weight: float = param(
        0.4, ge=0.0, le=10.0, low=0.0, high=1.0, unit="utility per service level", kind="prior", source=ASSUMED,
        description="Utility per service level step (0 basic, 1 standard, 2 premium).",
    )
    enterprise_reputation_weight: float = param(
        1.0, ge=0.0, le=10.0, low=0.0, high=3.0, unit="utility per reputation unit", kind="prior", source=ASSUMED,
        description="Utility per unit of an enterprise's reputation (0-1).",
    )
    information_halflife_days: float = param(
        20.0, gt=0.0, le=720.0, low=15.0, high=120.0, unit="day", kind="prior", source=ASSUMED,
        description="Half-life of the word-of-mouth memory through which migrants perceive an edge's "
        "prevention and return rates.",
    )
    offers_considered: int = param(
        16, ge=1, le=10000, low=4, high=64, unit="offers", kind="structural", source=STRUCTURE,
        description="Offers a migrant compares at a market: all of them where fewer are on sale, else a "
        "random subset of this size (bounded awareness; it also bounds the cost of a market round).",
    )
    replan_interval_days: int = param(
        7, ge=1, le=90, low=1, high=30, unit="day", kind="structural", source=STRUCTURE,
        description="Days between recomputations of perceived costs-to-go.",
    )
    retreat_after_wait_days: int = param(
        14, ge=0, le=365, low=7, high=60, unit="day", kind="prior", source=ASSUMED,
        description="Days waiting at a node after which a migrant who has not failed a crossing may "
        "also take a retreat segment back to the hub (one who failed may at once).",
    )
    self_travel_reputation: float = param(
        0.5, ge=0.0, le=1.0, low=0.0, high=1.0, unit="1", kind="structural", source=STRUCTURE,
        description="Reputation (0-1) credited to travelling without a smuggler on a segment nobody sells, "
        "in place of an enterprise's reputation (0.5: a new enterprise's level).",
    )


class CrossingParameters(_Strict):
    """Group crossing outcomes (DESIGN step 5)."""

    prevention_per_effort: float = param(
        0.8, ge=0.0, le=10.0, low=0.1, high=3.0, unit="1/effort", kind="fitted", source=CALIBRATED,
        description="k in P(prevented) = 1 - exp(-k * effort) on the non-EU side.",
    )
    detection_per_effort: float = param(
        0.8, ge=0.0, le=10.0, low=0.1, high=3.0, unit="1/effort", kind="fitted", source=CALIBRATED,
        description="k in the EU-side detection hazard added to the base detection.",
    )
    base_detection_sea: float = param(
        0.85, ge=0.0, le=1.0, low=0.5, high=1.0, unit="1", kind="fitted", source=CALIBRATED,
        description="P(detected) crossing a sea border without extra effort.",
    )
    base_detection_land: float = param(
        0.55, ge=0.0, le=1.0, low=0.2, high=0.9, unit="1", kind="fitted", source=CALIBRATED,
        description="P(detected) crossing a land border without extra effort.",
    )
    return_land: float = param(
        0.15, ge=0.0, le=1.0, low=0.0, high=0.5, unit="1", kind="prior", source=ASSUMED,
        description="P(returned to the last non-EU node | detected) at a land border, before events.",
    )
    return_sea: float = param(
        0.02, ge=0.0, le=1.0, low=0.0, high=0.2, unit="1", kind="prior", source=ASSUMED,
        description="P(returned | detected) at a sea border, before events.",
    )
    death_risk_scale: float = param(
        2.5, ge=0.0, le=20.0, low=0.5, high=6.0, unit="1", kind="fitted",
        source="fitted globally to IOM deaths at sea 2014 by route (DESIGN C3)",
        description="Global multiplier of every segment's death_risk.",
    )
    fatality_share: float = param(
        0.35, gt=0.0, le=1.0, low=0.1, high=0.6, unit="1", kind="prior", source=ASSUMED,
        description="Mean share of a group that dies in a fatal incident (Beta-distributed).",
    )
    fatality_beta_a: float = param(
        2.0, gt=0.0, le=100.0, low=1.0, high=10.0, unit="1", kind="prior", source=ASSUMED,
        description="First shape parameter a of the share of a group dying in an incident, "
        "Beta(a, a (1 - s) / s) with s = fatality_share: its spread (larger is less spread).",
    )
    group_size_sea: int = param(
        60, ge=1, le=1000, low=20, high=300, unit="persons", kind="prior", source=ASSUMED,
        description="Persons in a sea crossing group (boat).",
    )
    group_size_land: int = param(
        12, ge=1, le=500, low=3, high=40, unit="persons", kind="prior", source=ASSUMED,
        description="Persons in a land crossing group.",
    )
    group_size_air: int = param(
        1, ge=1, le=50, low=1, high=4, unit="persons", kind="structural", source=STRUCTURE,
        description="Persons travelling together by air.",
    )
    service_death_factor: tuple[Factor, Factor, Factor] = param_tuple(
        (1.4, 1.0, 0.4), low=(1.0, 1.0, 0.2), high=(2.0, 1.0, 0.8), unit="1", kind="prior",
        source=ASSUMED + "; standard service is the reference (1)",
        description="Death-risk multiplier by service level (basic, standard, premium).",
    )
    service_prevention_factor: tuple[Factor, Factor, Factor] = param_tuple(
        (1.2, 1.0, 0.6), low=(1.0, 1.0, 0.3), high=(1.5, 1.0, 0.9), unit="1", kind="prior",
        source=ASSUMED + "; standard service is the reference (1)",
        description="Prevention-probability multiplier by service level (basic, standard, premium).",
    )
    max_attempts: int = param(
        6, ge=1, le=100, low=3, high=10, unit="attempts", kind="prior", source=ASSUMED,
        description="Failed attempts at one border after which a migrant gives up and returns home.",
    )


class EventEffect(_Strict):
    """Effect of one enforcement event at full strength (a prior, never an observed outcome)."""

    prevention_effort: float = Field(
        0.0, ge=0.0, le=50.0, description="Added non-EU-side effort.", json_schema_extra={"unit": "effort"}
    )
    barrier: float = Field(
        0.0, ge=0.0, le=1.0, description="P(a group cannot pass a physical barrier).",
        json_schema_extra={"unit": "1"},
    )
    detection_effort: float = Field(
        0.0, ge=0.0, le=50.0, description="Added EU-side detection effort.", json_schema_extra={"unit": "effort"}
    )
    return_probability: float = Field(
        0.0, ge=0.0, le=1.0, description="Added P(returned | detected).", json_schema_extra={"unit": "1"}
    )
    death_risk_multiplier: float = Field(
        1.0, ge=0.0, le=10.0, description="Multiplier on death risk.", json_schema_extra={"unit": "1"}
    )
    arrest_effort: float = Field(
        0.0, ge=0.0, le=50.0, description="Added effort on enterprises' arrest hazard.",
        json_schema_extra={"unit": "effort"},
    )


class EventParameters(_Strict):
    """One effect per event kind (DESIGN step 1); each effect a prior with a range."""

    patrol_surge: EventEffect = effect(
        EventEffect(detection_effort=3.0, return_probability=0.6, prevention_effort=1.5, arrest_effort=1.0),
        priors={"detection_effort": (1.0, 5.0), "return_probability": (0.3, 0.9),
                "prevention_effort": (0.5, 3.0), "arrest_effort": (0.0, 3.0)},
        source="assumption sized on Operation Aspida (2012, about 1,900 officers); no effect fitted",
        description="Border guard surge (e.g. Operation Aspida).",
    )
    fence: EventEffect = effect(
        EventEffect(barrier=0.85), priors={"barrier": (0.6, 0.98)},
        source=ASSUMED, description="Fence at full strength: P(a group is stopped at it).",
    )
    search_and_rescue: EventEffect = effect(
        EventEffect(death_risk_multiplier=0.5, detection_effort=2.0),
        priors={"death_risk_multiplier": (0.3, 0.8), "detection_effort": (1.0, 4.0)},
        source=ASSUMED + " (Mare Nostrum: rescued persons are detected)",
        description="Wide-area search and rescue (Mare Nostrum).",
    )
    border_patrol: EventEffect = effect(
        EventEffect(detection_effort=0.5, death_risk_multiplier=0.9),
        priors={"detection_effort": (0.0, 2.0), "death_risk_multiplier": (0.8, 1.2)},
        source=ASSUMED, description="Patrol near EU waters (Triton).",
    )
    naval_operation: EventEffect = effect(
        EventEffect(prevention_effort=0.5, arrest_effort=1.0),
        priors={"prevention_effort": (0.0, 2.0), "arrest_effort": (0.0, 2.0)},
        source=ASSUMED, description="Naval operation against smuggling vessels.",
    )
    hub_crackdown: EventEffect = effect(
        EventEffect(arrest_effort=3.0, prevention_effort=0.5),
        priors={"arrest_effort": (1.0, 5.0), "prevention_effort": (0.0, 2.0)},
        source=ASSUMED, description="Law-enforcement crackdown on a hub.",
    )
    legal_change: EventEffect = effect(
        EventEffect(return_probability=0.3), priors={"return_probability": (0.1, 0.6)},
        source=ASSUMED, description="Legal change allowing push-backs.",
    )


class EnforcementParameters(_Strict):
    """Adaptive agencies (DESIGN step 3: "move effort towards targets with rising detections after a lag,
    within budget").

    An agency with policy ``adaptive`` watches what it sees on its jurisdiction (detections for an
    EU-side agency, prevented crossings for a non-EU one), in persons per day. When the mean over a
    ``window_days`` window that ended ``lag_days`` ago exceeds its slowly updated reference level, it
    raises a surge of its own. At full strength the surge has the effect of a ``patrol_surge`` event
    (``events.patrol_surge``): the budget of a reactive deployment is the size of Operation Aspida
    (about 1,900 officers) or of Bulgaria's 2013 containment plan (about 1,500). None of these numbers
    is fitted; the ranges are priors.
    """

    lag_days: int = param(
        60, ge=0, le=730, low=30, high=120, unit="day", kind="prior",
        source="three reactions of the period: Evros rise Aug-Oct 2010 and Frontex RABIT 2 Nov 2010; rise "
        "May-Jul 2012 and Operation Aspida 2 Aug 2012; Bulgaria's rise Aug-Oct 2013 and its containment "
        "plan Nov 2013 (Frontex monthly detections; press)",
        description="Days between the detections an agency acts on and its decision (reporting and "
        "political lag).",
    )
    window_days: int = param(
        30, ge=1, le=365, low=14, high=90, unit="day", kind="structural", source=STRUCTURE,
        description="Days over which recent detections are averaged.",
    )
    reference_halflife_days: float = param(
        365.0, gt=0.0, le=1e5, low=180.0, high=730.0, unit="day", kind="prior", source=ASSUMED,
        description="Half-life of the reference level against which a rise is judged.",
    )
    full_response_ratio: float = param(
        2.0, gt=1.0, le=20.0, low=1.5, high=5.0, unit="1", kind="prior",
        source="ratios at the three reactions: about 2.2 (RABIT: 7,000-8,000 a month against about 3,500 "
        "over the year before), 1.5 (Aspida: 5,000-7,000 against about 4,500), well above 2 (Bulgaria)",
        description="Recent / reference ratio at which the surge is wanted at full strength; it grows "
        "linearly from ratio 1.",
    )
    escalation_days: float = param(
        30.0, gt=0.0, le=3650.0, low=7.0, high=90.0, unit="day", kind="prior", source=ASSUMED,
        description="Time constant of deploying a surge.",
    )
    standdown_days: float = param(
        365.0, gt=0.0, le=3650.0, low=90.0, high=730.0, unit="day", kind="prior", source=ASSUMED,
        description="Time constant of withdrawing a surge once it is not wanted.",
    )
    min_signal_per_day: float = param(
        2.0, ge=0.0, le=1e4, low=1.0, high=10.0, unit="persons/day", kind="prior", source=ASSUMED,
        description="Persons per day below which the reference is floored, so that a rise from almost "
        "nothing is not read as a surge.",
    )


class EnterpriseParameters(_Strict):
    """Smuggler enterprises (DESIGN step 7)."""

    initial_per_market: int = param(
        4, ge=0, le=200, low=1, high=12, unit="enterprises", kind="structural", source=STRUCTURE,
        description="Enterprises per market node at the start.",
    )
    seats_sea: int = param(
        60, ge=1, le=2000, low=20, high=300, unit="persons", kind="prior", source=ASSUMED,
        description="Seats per departure on sea segments.",
    )
    seats_land: int = param(
        30, ge=1, le=500, low=5, high=60, unit="persons", kind="prior", source=ASSUMED,
        description="Seats per departure on land segments.",
    )
    seats_air: int = param(
        4, ge=1, le=100, low=1, high=10, unit="persons", kind="prior", source=ASSUMED,
        description="Seats per departure on air segments.",
    )
    departures_per_week: float = param(
        5.0, gt=0.0, le=70.0, low=1.0, high=14.0, unit="departures/week", kind="prior", source=ASSUMED,
        description="Departures per week per segment served.",
    )
    capacity_per_member: float = param(
        0.6, gt=0.0, le=10.0, low=0.2, high=2.0, unit="departures/week/member", kind="prior", source=ASSUMED,
        description="Departures per week that each member adds beyond the first.",
    )
    markup: float = param(
        1.0, ge=0.3, le=5.0, low=0.7, high=1.5, unit="1", kind="prior", source=ASSUMED,
        description="Initial price as a multiple of base_fee_eur.",
    )
    entry_price_jitter: float = param(
        0.15, ge=0.0, le=0.9, low=0.0, high=0.3, unit="1", kind="prior", source=ASSUMED,
        description="A new enterprise prices a segment at the market price times Uniform(1 - j, 1 + j).",
    )
    second_segment_probability: float = param(
        0.3, ge=0.0, le=1.0, low=0.0, high=0.6, unit="1", kind="prior", source=ASSUMED,
        description="P(a new enterprise also serves a second segment from its node).",
    )
    service_level_shares: tuple[Factor, Factor, Factor] = param_tuple(
        (0.35, 0.45, 0.2), low=(0.1, 0.2, 0.05), high=(0.6, 0.7, 0.4), unit="1", kind="prior",
        source=ASSUMED,
        description="Relative frequency of a new enterprise's service level (basic, standard, premium); "
        "normalised to sum 1.",
    )
    initial_reputation: float = param(
        0.5, ge=0.0, le=1.0, low=0.2, high=0.8, unit="1", kind="prior", source=ASSUMED,
        description="Reputation (0-1) of a new enterprise.",
    )
    price_adjustment: float = param(
        0.02, ge=0.0, le=0.5, low=0.0, high=0.1, unit="1/day", kind="prior", source=ASSUMED,
        description="Daily relative price change towards filling capacity.",
    )
    initial_utilisation: float = param(
        0.5, ge=0.0, le=1.0, low=0.4, high=0.85, unit="1", kind="structural", source=STRUCTURE,
        description="Smoothed seat utilisation (0-1) of a new enterprise (between the price thresholds: "
        "it starts without moving its prices).",
    )
    utilisation_memory: float = param(
        0.1, gt=0.0, le=1.0, low=0.02, high=0.5, unit="1/day", kind="prior", source=ASSUMED,
        description="Daily weight of today's seat utilisation in its smoothed value.",
    )
    raise_price_utilisation: float = param(
        0.85, ge=0.0, le=1.0, low=0.7, high=0.95, unit="1", kind="prior", source=ASSUMED,
        description="Smoothed utilisation above which an enterprise raises its prices.",
    )
    cut_price_utilisation: float = param(
        0.4, ge=0.0, le=1.0, low=0.2, high=0.6, unit="1", kind="prior", source=ASSUMED,
        description="Smoothed utilisation below which an enterprise cuts its prices.",
    )
    price_floor_margin: float = param(
        1.05, ge=1.0, le=3.0, low=1.0, high=1.3, unit="1", kind="prior", source=ASSUMED,
        description="An offer never falls below this multiple of the variable cost per person "
        "(plus price_floor_eur).",
    )
    price_floor_eur: float = param(
        1.0, ge=0.0, le=1000.0, low=0.0, high=50.0, unit="EUR", kind="structural", source=STRUCTURE,
        description="Added to the price floor, so that a free segment is never sold at 0.",
    )
    price_cap_factor: float = param(
        20.0, ge=1.0, le=1000.0, low=5.0, high=50.0, unit="1", kind="structural", source=STRUCTURE,
        description="A price never rises above this multiple of the base fee (plus price_cap_eur).",
    )
    price_cap_eur: float = param(
        100.0, ge=0.0, le=1e5, low=0.0, high=500.0, unit="EUR", kind="structural", source=STRUCTURE,
        description="Added to the price cap, so that a free segment can still be priced.",
    )
    service_price_factor: tuple[Factor, Factor, Factor] = param_tuple(
        (0.75, 1.0, 1.6), low=(0.5, 1.0, 1.2), high=(0.9, 1.0, 2.5), unit="1", kind="prior",
        source=ASSUMED + "; compare the observed fee ranges of smuggling_fees.csv (DESIGN V4)",
        description="Price multiplier by service level (basic, standard, premium).",
    )
    variable_cost_share: float = param(
        0.45, ge=0.0, le=1.0, low=0.2, high=0.7, unit="1", kind="fitted",
        source=ASSUMED + "; enterprise costs may be fitted globally (DESIGN section 1)",
        description="Share of the base fee spent per person carried (boats, fuel, drivers).",
    )
    fixed_cost_eur_per_member_day: float = param(
        15.0, ge=0.0, le=1e4, low=5.0, high=50.0, unit="EUR/member/day", kind="fitted",
        source=ASSUMED + "; enterprise costs may be fitted globally (DESIGN section 1)",
        description="Daily fixed cost per member.",
    )
    enforcement_cost_eur_per_day: float = param(
        40.0, ge=0.0, le=1e5, low=10.0, high=200.0, unit="EUR/effort/day", kind="fitted",
        source=ASSUMED + "; enterprise costs may be fitted globally (DESIGN section 1)",
        description="Daily bribes and losses per unit of enforcement effort on its node and segments.",
    )
    arrest_hazard_base: float = param(
        0.0005, ge=0.0, le=0.1, low=0.0001, high=0.002, unit="1/day", kind="fitted",
        source=ASSUMED + "; arrest hazards may be fitted globally (DESIGN section 1)",
        description="Daily arrest hazard of a one-member enterprise without enforcement.",
    )
    arrest_hazard_per_effort: float = param(
        0.004, ge=0.0, le=1.0, low=0.0, high=0.02, unit="1/day/effort", kind="fitted",
        source=ASSUMED + "; arrest hazards may be fitted globally (DESIGN section 1)",
        description="Daily arrest hazard added per unit of enforcement effort.",
    )
    size_protection: float = param(
        0.7, ge=0.0, le=3.0, low=0.0, high=1.5, unit="1", kind="prior", source=ASSUMED,
        description="Exponent by which size and sophistication lower the arrest hazard: hazard / members**e.",
    )
    initial_cash_eur: float = param(
        5000.0, ge=0.0, le=1e7, low=1000.0, high=20000.0, unit="EUR", kind="prior", source=ASSUMED,
        description="Starting cash of a new enterprise.",
    )
    hire_cash_eur: float = param(
        8000.0, gt=0.0, le=1e7, low=3000.0, high=20000.0, unit="EUR/member", kind="prior", source=ASSUMED,
        description="Cash per member above which an enterprise hires one more member.",
    )
    hire_cost_share: float = param(
        0.25, ge=0.0, le=1.0, low=0.0, high=0.5, unit="1", kind="prior", source=ASSUMED,
        description="Cost of hiring one member as a share of hire_cash_eur.",
    )
    members_per_segment: int = param(
        3, ge=1, le=100, low=2, high=6, unit="members/segment", kind="prior", source=ASSUMED,
        description="Members per segment served at or above which an enterprise adds an unserved "
        "segment from its node.",
    )
    max_members: int = param(
        60, ge=1, le=10000, low=20, high=200, unit="members", kind="structural", source=STRUCTURE,
        description="Upper bound on members of one enterprise.",
    )
    entry_rate_per_day: float = param(
        1.0, ge=0.0, le=10.0, low=0.2, high=3.0, unit="enterprises/day", kind="prior", source=ASSUMED,
        description="Expected new entrants per market node and day when demand exceeds capacity.",
    )
    entry_queue_per_seat: float = param(
        1.0, ge=0.0, le=100.0, low=0.5, high=5.0, unit="1", kind="prior", source=ASSUMED,
        description="Queue-to-daily-capacity ratio above which entry occurs.",
    )
    max_entrants_per_day: int = param(
        3, ge=0, le=100, low=1, high=10, unit="enterprises/day", kind="structural", source=STRUCTURE,
        description="Most new enterprises at one market node in one day.",
    )
    entry_prefer_unserved: float = param(
        0.5, ge=0.0, le=1.0, low=0.2, high=0.8, unit="1", kind="prior", source=ASSUMED,
        description="P(a new entrant's first segment is one nobody sells, if there is one).",
    )
    entry_prefer_wanted: float = param(
        0.85, ge=0.0, le=1.0, low=0.6, high=1.0, unit="1", kind="prior", source=ASSUMED,
        description="Cumulative with entry_prefer_unserved: P(the first segment is unserved or the one "
        "most wanted today); otherwise it is drawn at random.",
    )
    eu_side_effort_weight: float = param(
        0.25, ge=0.0, le=1.0, low=0.0, high=1.0, unit="1", kind="prior", source=ASSUMED,
        description="Weight of the EU-side (detection) effort on its segments in the enforcement an "
        "enterprise faces; effort on its node and non-EU-side effort count fully.",
    )
    partnership_min_volume: int = param(
        20, ge=1, le=10000, low=5, high=100, unit="persons/30 days", kind="prior", source=ASSUMED,
        description="Persons handed over in 30 days that make two enterprises partners.",
    )
    handover_memory_days: float = param(
        30.0, gt=0.0, le=3650.0, low=7.0, high=120.0, unit="day", kind="prior", source=ASSUMED,
        description="Time constant of the exponential memory of customers handed over to another enterprise.",
    )
    handover_forget_persons: float = param(
        0.5, ge=0.0, le=100.0, low=0.1, high=2.0, unit="persons", kind="structural", source=STRUCTURE,
        description="Remembered hand-overs below which a link to another enterprise is forgotten.",
    )
    package_discount: float = param(
        0.1, ge=0.0, le=0.5, low=0.0, high=0.3, unit="1", kind="prior", source=ASSUMED,
        description="Price discount on a partner's next segment (a package deal).",
    )
    reputation_memory: float = param(
        0.02, gt=0.0, le=1.0, low=0.005, high=0.1, unit="1/day", kind="prior", source=ASSUMED,
        description="Daily weight of new outcomes in an enterprise's reputation.",
    )


class HubParameters(_Strict):
    """Market hubs' reputation (DESIGN step 8)."""

    reputation_decay: float = param(
        0.01, ge=0.0, le=1.0, low=0.002, high=0.05, unit="1/day", kind="prior", source=ASSUMED,
        description="Daily decay of a market hub's reputation.",
    )
    reputation_gain: float = param(
        0.01, ge=0.0, le=1.0, low=0.002, high=0.05, unit="1/day", kind="prior", source=ASSUMED,
        description="Daily gain per unit of regional traffic share.",
    )
    presence_weight: float = param(
        0.3, ge=0.0, le=1.0, low=0.0, high=0.7, unit="1", kind="prior", source=ASSUMED,
        description="Weight of enterprise presence (share of region's enterprises) vs traffic.",
    )
    region_radius_km: float = param(
        1300.0, gt=0.0, le=20000.0, low=800.0, high=2000.0, unit="km", kind="structural",
        source="modelling choice: groups Turkey's, Libya's, the Sahara's, the Balkans' and Morocco's "
        "hubs as DESIGN section 2 does",
        description="Market nodes of the same kind within this great-circle distance compete for traffic.",
    )
    throughput_window_days: float = param(
        30.0, ge=1.0, le=365.0, low=7.0, high=90.0, unit="day", kind="structural", source=STRUCTURE,
        description="Window of the moving average of a hub's throughput: t <- ((w - 1) t + today) / w.",
    )
    initial_reputation: float = param(
        0.5, ge=0.0, le=1.0, low=0.2, high=0.8, unit="1", kind="structural", source=STRUCTURE,
        description="Reputation (0-1) of every market hub at the start of the burn-in.",
    )


class VulnerabilityParameters(_Strict):
    """Work and exploitation of stuck migrants (DESIGN step 9)."""

    daily_wage_eur: float = param(
        15.0, ge=0.0, le=500.0, low=5.0, high=40.0, unit="EUR/day", kind="prior", source=ASSUMED,
        description="What a stuck migrant earns per day.",
    )
    exploitation_hazard: float = param(
        0.002, ge=0.0, le=0.5, low=0.0005, high=0.01, unit="1/day", kind="prior", source=ASSUMED,
        description="Daily hazard of exploitation while working off debt.",
    )
    female_factor: float = param(
        2.5, ge=1.0, le=20.0, low=1.5, high=5.0, unit="1", kind="prior", source=ASSUMED,
        description="Hazard multiplier for women.",
    )
    minor_factor: float = param(
        2.0, ge=1.0, le=20.0, low=1.5, high=5.0, unit="1", kind="prior", source=ASSUMED,
        description="Hazard multiplier for minors.",
    )
    means_share: float = param(
        0.5, ge=0.0, le=1.0, low=0.2, high=0.8, unit="1", kind="prior", source=ASSUMED,
        description="Share of adult exploitation cases with coercive means (threat, deception, debt bondage): "
        "with act and purpose, trafficking under the UN Protocol.",
    )
    max_wait_days: int = param(
        365, ge=7, le=3650, low=90, high=730, unit="day", kind="prior", source=ASSUMED,
        description="Days waiting at one node after which a migrant returns home.",
    )


class NetworkParameters(_Strict):
    """Segments the model adds to the scenario's route graph."""

    retreat_fee_share: float = param(
        0.1, ge=0.0, le=1.0, low=0.0, high=0.5, unit="1", kind="prior", source=ASSUMED,
        description="Fee of a retreat segment (departure point back to the hub feeding it) as a share "
        "of the forward segment's base fee.",
    )


NOTE_A = "mechanisms note (a) prior range; Bass 1969 form, rates assumed (no estimate for route news)"
NOTE_B = "mechanisms note (b) prior range; assumption"
NOTE_C = "mechanisms note (c) prior range; assumption"
NOTE_D = "mechanisms note (d) prior range; assumption"


class AwarenessParameters(_Strict):
    """Route awareness by word of mouth (``sim/awareness.py``; mechanisms note (a)).

    Awareness ``A[g, e]`` of a segment by origin group ``g`` follows a Bass-form hazard
    ``p (1 + advert_factor adv) + q F`` fed by the share ``F`` of co-nationals' recent passages out of the
    market region that took the segment, and is forgotten with a half-life; the choice sees
    ``ln(max(Aeff, utility_floor))``.
    """

    enabled: bool = param(
        True, low=0, high=1, unit="switch", kind="structural", source=STRUCTURE,
        description="Ablation switch: false makes every option known (Aeff = 1), the rule before this mechanism.",
    )
    imitation_per_day: float = param(
        0.02, ge=0.0, le=1.0, low=0.003, high=0.03, unit="1/day", kind="prior",
        source=NOTE_A + "; durables' q is 0.38/year (Sultan, Farley and Lehmann 1990), far slower",
        description="q: adoption hazard per unit share of co-nationals' regional passages taking the segment.",
    )
    innovation_per_day: float = param(
        4e-4, ge=0.0, le=0.1, low=1e-5, high=1e-3, unit="1/day", kind="prior", source=NOTE_A,
        description="p: discovery hazard without co-nationals (Routes and Rumours' exploration). "
        "q = 0.02 and p = 4e-4 give T* = ln(q/p)/(p+q) of about 6 months.",
    )
    advert_factor: float = param(
        1.0, ge=0.0, le=100.0, low=0.0, high=10.0, unit="1", kind="prior", source=NOTE_A,
        description="Innovation multiplier where an enterprise at the segment's source sells it.",
    )
    wom_memory_days: float = param(
        30.0, gt=0.0, le=1000.0, low=15.0, high=90.0, unit="days", kind="prior", source=NOTE_A,
        description="Half-life of the smoothed passages that feed word of mouth.",
    )
    forgetting_halflife_days: float = param(
        365.0, gt=0.0, le=10000.0, low=180.0, high=1095.0, unit="days", kind="prior", source=NOTE_A,
        description="Half-life of awareness without news.",
    )
    initial: float = param(
        0.01, ge=0.0, le=1.0, low=0.0, high=0.02, unit="1", kind="prior", source=NOTE_A,
        description="Awareness of a smuggled segment nobody of the group has used.",
    )
    hub_info_strength: float = param(
        0.3, ge=0.0, le=1.0, low=0.0, high=1.0, unit="1", kind="prior", source=NOTE_C,
        description="Information I = strength * R that a market hub of reputation R gives on the segments "
        "within one link of it.",
    )
    utility_floor: float = param(
        1e-6, gt=0.0, le=0.01, low=1e-9, high=1e-3, unit="1", kind="structural", source=STRUCTURE,
        description="Floor of Aeff inside ln(Aeff): an unknown option keeps a finite utility.",
    )


class SupplyParameters(_Strict):
    """Supply that takes time and contacts (``sim/supply.py``; mechanisms note (b)).

    Spin-offs per day on a segment: ``spinoff_rate_per_member_day * M * x / (1 + x)`` (M members of
    enterprises at the market or partnered with one there, x the excess of wanted over capacity); the
    founder pays ``entry_cost_eur (1 + entry_cost_per_effort E)``; nothing is sold for a gamma-distributed
    set-up lag; costs and prevention fall as ``(1 + k / experience_scale_persons) ** log2(progress_ratio)``.
    """

    enabled: bool = param(
        True, low=0, high=1, unit="switch", kind="structural", source=STRUCTURE,
        description="Ablation switch: false brings back queue-triggered entry.",
    )
    spinoff_rate_per_member_day: float = param(
        5e-4, ge=0.0, le=0.1, low=1e-4, high=2e-3, unit="1/(member day)", kind="prior",
        source=NOTE_B + "; recruitment through members and partners (Campana 2018; Achilli 2018)",
        description="Spin-offs per member and day at full excess demand.",
    )
    entry_cost_eur: float = param(
        5000.0, ge=0.0, le=1e6, low=2000.0, high=20000.0, unit="EUR", kind="prior", source=NOTE_B,
        description="Cost of founding an enterprise without enforcement (boat, contacts, first bribes).",
    )
    entry_cost_per_effort: float = param(
        1.0, ge=0.0, le=50.0, low=0.5, high=5.0, unit="1/effort", kind="prior", source=NOTE_B,
        description="Relative growth of the entry cost per unit of enforcement effort at the market.",
    )
    setup_days: float = param(
        45.0, gt=0.0, le=1000.0, low=14.0, high=120.0, unit="days", kind="prior", source=NOTE_B,
        description="Mean set-up lag before a new enterprise sells.",
    )
    setup_shape: float = param(
        3.0, gt=0.0, le=100.0, low=1.0, high=10.0, unit="1", kind="structural", source=STRUCTURE,
        description="Shape of the gamma distribution of the set-up lag (1: exponential).",
    )
    loss_tolerance: float = param(
        0.1, ge=0.0, le=1.0, low=0.05, high=0.3, unit="1", kind="prior",
        source=NOTE_B + "; NarcoLogic's 0.047 (Magliocca et al. 2019) is a cocaine fit",
        description="Losses to enforcement, as a share of revenue, above which an enterprise explores a new segment.",
    )
    explore_prob_per_month: float = param(
        0.2, ge=0.0, le=1.0, low=0.05, high=0.5, unit="1/month", kind="prior", source=NOTE_B,
        description="Probability per month that an enterprise over its loss tolerance adds a segment.",
    )
    progress_ratio: float = param(
        0.85, gt=0.0, le=1.0, low=0.75, high=0.95, unit="1", kind="prior",
        source="Argote and Epple 1990 (Science 247:920-924): progress ratios mostly 0.7-0.95; Wright 1936",
        description="Cost ratio per doubling of the persons carried on a segment.",
    )
    experience_scale_persons: float = param(
        500.0, gt=0.0, le=1e5, low=100.0, high=2000.0, unit="persons", kind="prior", source=NOTE_B,
        description="Persons carried on a segment at which experience starts to count.",
    )
    inherit_experience: float = param(
        0.25, ge=0.0, le=1.0, low=0.0, high=0.5, unit="1", kind="prior", source=NOTE_B,
        description="Share of the parent's experience on a segment that a spin-off starts with.",
    )
    loss_memory_days: float = param(
        90.0, gt=0.0, le=1000.0, low=30.0, high=180.0, unit="days", kind="structural",
        source=NOTE_B + "; the note's 90-day losses",
        description="Time scale (days) of the exponentially weighted revenue and losses compared with the loss tolerance.",
    )


class HubReputationParameters(_Strict):
    """Hubs as market places with memory (``sim/hub_reputation.py``; mechanisms note (c)).

    ``R <- R + (S - R) / timescale_days``, ``S`` the weighted regional throughput share, enterprise share
    and success share; R is worth ``reputation_value_eur * R`` in the choice between next markets and
    ``enterprise_location_weight * R`` in where enterprises settle.
    """

    enabled: bool = param(
        True, low=0, high=1, unit="switch", kind="structural", source=STRUCTURE,
        description="Ablation switch: false turns off every use of hub reputation.",
    )
    timescale_days: float = param(
        365.0, ge=1.0, le=10000.0, low=180.0, high=1095.0, unit="days", kind="prior", source=NOTE_C,
        description="Time scale of the reputation stock.",
    )
    burn_in_timescale_days: float = param(
        30.0, ge=1.0, le=1000.0, low=10.0, high=90.0, unit="days", kind="structural",
        source=STRUCTURE + "; the note's advice: a short time scale in the burn-in, else R stays near its start",
        description="Time scale of the reputation stock during the burn-in (it stands for the years before the start).",
    )
    throughput_weight: float = param(
        0.5, ge=0.0, le=1.0, low=0.0, high=1.0, unit="1", kind="prior", source=NOTE_C,
        description="Weight of the regional throughput share in S (weights are normalised).",
    )
    enterprise_weight: float = param(
        0.3, ge=0.0, le=1.0, low=0.0, high=1.0, unit="1", kind="prior", source=NOTE_C,
        description="Weight of the regional enterprise share in S.",
    )
    success_weight: float = param(
        0.2, ge=0.0, le=1.0, low=0.0, high=1.0, unit="1", kind="prior", source=NOTE_C,
        description="Weight of the success share of journeys sold at the hub in S.",
    )
    reputation_value_eur: float = param(
        1500.0, ge=0.0, le=1e5, low=0.0, high=3000.0, unit="EUR", kind="prior",
        source=NOTE_C + "; guarantees and choice of smugglers (Campana and Gelsthorpe 2021)",
        description="Worth of a next market hub of reputation 1 over one of 0 in the choice.",
    )
    enterprise_location_weight: float = param(
        2.0, ge=0.0, le=50.0, low=0.0, high=5.0, unit="1", kind="prior", source=NOTE_C,
        description="Weight of reputation in where entrants and relocating enterprises settle.",
    )
    queue_floor_per_seat: float = param(
        0.01, gt=0.0, le=1.0, low=1e-4, high=1.0, unit="persons/seat", kind="structural", source=STRUCTURE,
        description="Floor of the queue per seat inside ln() in the location logit.",
    )


class ConsolidationParameters(_Strict):
    """Consolidation under enforcement (``sim/consolidation.py``; mechanisms note (d)).

    Daily arrest hazard ``(h0 + h1 E) n**gamma (1 + k/k_h)**-beta_k``; daily fixed cost
    ``f_m n + f_E E n**phi``; on exit a partner, else with ``takeover_prob`` the largest firm at the node,
    takes the customers, segments and ``takeover_member_share`` of the members.
    """

    enabled: bool = param(
        True, low=0, high=1, unit="switch", kind="structural", source=STRUCTURE,
        description="Ablation switch: false brings back the old hazard, linear protection cost and no takeover.",
    )
    arrest_hazard_base: float = param(
        5e-4, ge=0.0, le=0.1, low=0.0, high=5e-3, unit="1/day", kind="prior", source=NOTE_D,
        description="h0: daily arrest hazard without enforcement.",
    )
    arrest_hazard_per_effort: float = param(
        4e-3, ge=0.0, le=1.0, low=0.0, high=2e-2, unit="1/(day effort)", kind="fitted", source=CALIBRATED,
        description="h1: daily arrest hazard per unit of enforcement effort.",
    )
    arrest_size_exponent: float = param(
        0.3, ge=-3.0, le=3.0, low=-0.5, high=1.0, unit="1", kind="prior",
        source=NOTE_D + "; Reuter 1983 argues > 0 (growth draws attention)",
        description="gamma: the hazard grows as members**gamma.",
    )
    experience_hazard_scale_persons: float = param(
        500.0, gt=0.0, le=1e5, low=100.0, high=2000.0, unit="persons", kind="prior", source=NOTE_D,
        description="k_h: persons carried at which experience starts to lower the hazard.",
    )
    experience_hazard_exponent: float = param(
        0.25, ge=0.0, le=3.0, low=0.0, high=0.5, unit="1", kind="prior", source=NOTE_D,
        description="beta_k: the hazard falls as (1 + k/k_h)**-beta_k.",
    )
    arrest_member_share: float = param(
        0.4, ge=0.0, le=1.0, low=0.2, high=0.6, unit="1", kind="prior", source=NOTE_D,
        description="Expected share of members taken in an arrest.",
    )
    fixed_cost_eur_per_member_day: float = param(
        15.0, ge=0.0, le=1e4, low=5.0, high=50.0, unit="EUR/(member day)", kind="prior", source=NOTE_D,
        description="f_m: daily upkeep per member.",
    )
    protection_cost_eur_per_effort_day: float = param(
        40.0, ge=0.0, le=1e5, low=10.0, high=200.0, unit="EUR/(effort day)", kind="prior", source=NOTE_D,
        description="f_E: bribes, lookouts and lost boats per unit of effort for a one-member enterprise.",
    )
    protection_scale_exponent: float = param(
        0.6, ge=0.0, le=3.0, low=0.3, high=1.0, unit="1", kind="prior", source=NOTE_D,
        description="phi: protection cost grows as members**phi (below 1: one bribe covers the firm).",
    )
    takeover_prob: float = param(
        0.6, ge=0.0, le=1.0, low=0.3, high=0.9, unit="1", kind="prior",
        source=NOTE_D + "; rivals take a removed smuggler's share (Campana 2018)",
        description="Probability that the largest enterprise at the node takes over an exiting one without "
        "a partner there.",
    )
    takeover_member_share: float = param(
        0.5, ge=0.0, le=1.0, low=0.3, high=0.8, unit="1", kind="prior", source=NOTE_D,
        description="Expected share of the exiting enterprise's members who join its heir.",
    )


class Parameters(_Strict):
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


# --- the flat parameter table ---------------------------------------------------------------------


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
