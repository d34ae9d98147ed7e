"""Parameters of the migrants' journey: demand, choice, crossing, vulnerability and added segments."""

from __future__ import annotations

from sim.parameters.fields import ASSUMED, CALIBRATED, STRUCTURE, Factor, Group, param, param_tuple


class DemandParameters(Group):
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
    departure_lead: bool = param(
        False, low=0, high=1, unit="switch", kind="structural", source=STRUCTURE,
        description="The departure lead (stop 27; off by default: measured, it did not improve the held-out "
        "fit, docs/experiments.md, 'Stop 27'): true spawns each person ahead of the month in which the demand "
        "table counts them (the quickest travel time from the origin to the EU border plus "
        "expected_wait_days); false spawns them in that month.",
    )
    expected_wait_days: float = param(
        30.0, ge=0.0, le=365.0, low=0.0, high=120.0, unit="days", kind="prior",
        source="assumption (no empirical estimate of the time spent in transit hubs before the EU border); "
        "range set for sensitivity analysis; the stop-27 fit with the lead on took 24.8 (docs/calibration.md)",
        description="Days waited on the way (at hubs, for a boat, for money), added to the quickest "
        "travel time when persons are spawned ahead of the month in which they are counted (only with "
        "departure_lead).",
    )


class ChoiceParameters(Group):
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
    path_size_weight: float = param(
        0.0, ge=0.0, le=5.0, low=0.0, high=1.0, unit="1", kind="prior",
        source="path-size logit (Ben-Akiva and Bierlaire 1999, Discrete choice methods and their applications "
        "to short term travel decisions; weight 1 in its original form); 0: off, the rule before stop 28",
        description="Weight of the path-size term -w ln m in the choice of the next segment, m the segments "
        "leaving the node in the same corridor (the label of the first EU-entry crossing ahead on the cheapest "
        "way to the destination; sim.corridors.corridor_keys): with 1, the segments of one corridor share the "
        "weight of one option.",
    )
    retreat_after_wait_days: int = param(
        14, ge=0, le=365, low=7, high=60, unit="day", kind="prior", source=ASSUMED,
        description="Days waiting at a node after which a migrant who has not failed a crossing may "
        "also take a retreat segment back to the hub (one who failed may at once, with retreat_after_failure).",
    )
    retreat_after_failure: bool = param(
        True, low=0, high=1, unit="switch", kind="structural", source=STRUCTURE,
        description="True: a migrant who failed a crossing (prevented or returned) may take a retreat segment "
        "back to the hub at once. False (a rule on trial, stop 34): only after waiting retreat_after_wait_days "
        "at the departure point, counted from the return, as everyone, so a failed crossing is tried again first.",
    )
    queue_in_planning: bool = param(
        False, low=0, high=1, unit="switch", kind="structural", source=STRUCTURE,
        description="True: each smuggled segment costs time_value_eur_per_day times the expected wait for a seat "
        "(smoothed queue over seats a day, capped at retreat_after_wait_days; sim/rationing.py) in the costs-to-go. "
        "False: the rule before it (planning ignores rationing).",
    )
    self_travel_reputation: float = param(
        0.5, ge=0.0, le=1.0, low=0.0, high=1.0, unit="1", kind="structural", source=STRUCTURE,
        description="Reputation (0-1) credited to travelling without a smuggler on a segment nobody sells, "
        "in place of an enterprise's reputation (0.5: a new enterprise's level).",
    )


class CrossingParameters(Group):
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


class VulnerabilityParameters(Group):
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


class NetworkParameters(Group):
    """Segments the model adds to the scenario's route graph."""

    retreat_fee_share: float = param(
        0.1, ge=0.0, le=1.0, low=0.0, high=0.5, unit="1", kind="prior", source=ASSUMED,
        description="Fee of a retreat segment (departure point back to the hub feeding it) as a share "
        "of the forward segment's base fee.",
    )

