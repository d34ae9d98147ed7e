"""Parameters of enforcement: the effect of each event kind and the adaptive agencies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from sim.parameters.fields import ASSUMED, STRUCTURE, Group, param


class EventEffect(Group):
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


class EventParameters(Group):
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


class EnforcementParameters(Group):
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


class DetentionParameters(Group):
    """Detention of detected entrants with finite places (``sim/detention.py``; mechanism f).

    The days held and the places are the agencies' (``agencies.csv``: ``detention_days``,
    ``detention_places``, each with its source); this group only switches the rule on.
    """

    enabled: bool = param(
        True, low=0, high=1, unit="switch", kind="structural", source=STRUCTURE,
        description="Ablation switch: true holds detected entrants of a detaining jurisdiction while its places "
        "are free, and migrants plan with the expected days held (time value x days x P(detect) x (1 - P(return)) "
        "x the reported share held); false: detection costs no time.",
    )
