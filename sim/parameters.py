"""Model parameters: defaults, bounds and units, defined once.

Every behavioural number of the model lives here, validated by pydantic (unknown keys are errors,
every number bounded). A scenario's ``parameters:`` block overrides any subset. Values marked
*prior* are assumptions with the stated range, not measurements; values marked *fitted* are global
calibration parameters (DESIGN section 1: no per-edge constant is fitted to a per-route figure).

Examples
--------
>>> p = Parameters()
>>> p.demand.undetected_share
0.1
>>> Parameters.model_validate({"choice": {"reputation_weight": 0.0}}).choice.reputation_weight
0.0
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class DemandParameters(_Strict):
    undetected_share: float = Field(
        0.1, ge=0.0, le=0.3,
        description="Share of crossers never detected, added to detected persons "
        "(spawned = persons_detected * (1 + share)). Prior 0-0.3, data README demand rule.",
    )


class ChoiceParameters(_Strict):
    """Route and offer choice (logit over generalised cost, EUR-equivalent)."""

    cost_scale_eur: float = Field(
        700.0, gt=0.0, le=1e5,
        description="Logit scale: a generalised-cost difference of this many EUR changes the odds by e. Fitted.",
    )
    time_value_eur_per_day: float = Field(
        15.0, ge=0.0, le=1000.0, description="EUR-equivalent cost of one day travelling or waiting. Prior 5-50."
    )
    risk_value_eur: float = Field(
        20000.0, ge=0.0, le=1e7,
        description="EUR-equivalent disutility of a probability 1 of dying, scaled by (1 - risk tolerance). Prior 1e4-2e5.",
    )
    prevention_penalty_eur: float = Field(
        2000.0, ge=0.0, le=1e5,
        description="EUR-equivalent cost of one failed attempt (prevented or returned) beyond lost time. Prior 100-2000.",
    )
    reputation_weight: float = Field(
        3.0, ge=0.0, le=20.0,
        description="Utility per unit of the next market hub's reputation (0-1). 0 is the ablation of DESIGN step 8.",
    )
    service_weight: float = Field(
        0.4, ge=0.0, le=10.0, description="Utility per service level step (0 basic, 1 standard, 2 premium). Prior 0-1."
    )
    enterprise_reputation_weight: float = Field(
        1.0, ge=0.0, le=10.0, description="Utility per unit of an enterprise's reputation (0-1). Prior 0-3."
    )
    information_halflife_days: float = Field(
        20.0, gt=0.0, le=720.0,
        description="Half-life of the word-of-mouth memory through which migrants perceive an edge's "
        "prevention and return rates (days). Prior 15-120.",
    )
    offers_considered: int = Field(
        16, ge=1, le=10000,
        description="Offers a migrant compares at a market: all of them where fewer are on sale, else a "
        "random subset of this size (bounded awareness; it also bounds the cost of a market round).",
    )
    replan_interval_days: int = Field(
        7, ge=1, le=90, description="Days between recomputations of perceived costs-to-go."
    )


class CrossingParameters(_Strict):
    """Group crossing outcomes (DESIGN step 5)."""

    prevention_per_effort: float = Field(
        0.8, ge=0.0, le=10.0,
        description="k in P(prevented) = 1 - exp(-k * effort) on the non-EU side. Fitted, global.",
    )
    detection_per_effort: float = Field(
        0.8, ge=0.0, le=10.0,
        description="k in the EU-side detection hazard added to the base detection. Fitted, global.",
    )
    base_detection_sea: float = Field(
        0.85, ge=0.0, le=1.0, description="P(detected) crossing a sea border without extra effort. Fitted, global."
    )
    base_detection_land: float = Field(
        0.55, ge=0.0, le=1.0, description="P(detected) crossing a land border without extra effort. Fitted, global."
    )
    return_land: float = Field(
        0.15, ge=0.0, le=1.0,
        description="P(returned to the last non-EU node | detected) at a land border, before events. Prior 0-0.5.",
    )
    return_sea: float = Field(
        0.02, ge=0.0, le=1.0, description="P(returned | detected) at a sea border, before events. Prior 0-0.2."
    )
    death_risk_scale: float = Field(
        2.5, ge=0.0, le=20.0, description="Global multiplier of every segment's death_risk. Fitted to C3."
    )
    fatality_share: float = Field(
        0.35, gt=0.0, le=1.0,
        description="Mean share of a group that dies in a fatal incident (Beta-distributed). Prior 0.1-0.6.",
    )
    group_size_sea: int = Field(60, ge=1, le=1000, description="Persons in a sea crossing group (boat). Prior 20-300.")
    group_size_land: int = Field(12, ge=1, le=500, description="Persons in a land crossing group. Prior 3-40.")
    group_size_air: int = Field(1, ge=1, le=50, description="Persons travelling together by air.")
    service_death_factor: tuple[float, float, float] = Field(
        (1.4, 1.0, 0.4), description="Death-risk multiplier by service level (basic, standard, premium). Prior."
    )
    service_prevention_factor: tuple[float, float, float] = Field(
        (1.2, 1.0, 0.6), description="Prevention-probability multiplier by service level. Prior."
    )
    max_attempts: int = Field(
        6, ge=1, le=100, description="Failed attempts at one border after which a migrant gives up and returns home. Prior 3-10."
    )


class EventEffect(_Strict):
    """Effect of one enforcement event at full strength (a prior, never an observed outcome)."""

    prevention_effort: float = Field(0.0, ge=0.0, le=50.0, description="Added non-EU-side effort.")
    barrier: float = Field(0.0, ge=0.0, le=1.0, description="P(a group cannot pass a physical barrier).")
    detection_effort: float = Field(0.0, ge=0.0, le=50.0, description="Added EU-side detection effort.")
    return_probability: float = Field(0.0, ge=0.0, le=1.0, description="Added P(returned | detected).")
    death_risk_multiplier: float = Field(1.0, ge=0.0, le=10.0, description="Multiplier on death risk.")
    arrest_effort: float = Field(0.0, ge=0.0, le=50.0, description="Added effort on enterprises' arrest hazard.")


class EventParameters(_Strict):
    """One effect per event kind (DESIGN step 1). Defaults are priors with ranges in the descriptions."""

    patrol_surge: EventEffect = Field(
        EventEffect(detection_effort=3.0, return_probability=0.6, prevention_effort=1.5, arrest_effort=1.0),
        description="Border guard surge (e.g. Operation Aspida). Priors: detection 1-5, return 0.3-0.9.",
    )
    fence: EventEffect = Field(
        EventEffect(barrier=0.85),
        description="Fence at full strength: P(a group is stopped at it). Prior 0.6-0.98.",
    )
    search_and_rescue: EventEffect = Field(
        EventEffect(death_risk_multiplier=0.5, detection_effort=2.0),
        description="Wide-area SAR (Mare Nostrum): death risk x0.5 (prior 0.3-0.8); rescued are detected.",
    )
    border_patrol: EventEffect = Field(
        EventEffect(detection_effort=0.5, death_risk_multiplier=0.9),
        description="Patrol near EU waters (Triton). Priors: detection 0-2, death multiplier 0.8-1.2.",
    )
    naval_operation: EventEffect = Field(
        EventEffect(prevention_effort=0.5, arrest_effort=1.0),
        description="Naval operation against smuggling vessels. Priors 0-2.",
    )
    hub_crackdown: EventEffect = Field(
        EventEffect(arrest_effort=3.0, prevention_effort=0.5),
        description="Law-enforcement crackdown on a hub. Priors: arrest 1-5.",
    )
    legal_change: EventEffect = Field(
        EventEffect(return_probability=0.3),
        description="Legal change allowing push-backs. Prior 0.1-0.6.",
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

    lag_days: int = Field(
        60, ge=0, le=730,
        description="Days between the detections an agency acts on and its decision (reporting and "
        "political lag). Prior 30-120. Set from three reactions of the period: the Evros rise of "
        "August-October 2010 met the Frontex RABIT deployment on 2 November 2010, the rise of May-July "
        "2012 Operation Aspida on 2 August 2012, and Bulgaria's rise of August-October 2013 its "
        "containment plan in November 2013 (Frontex monthly detections; press).",
    )
    window_days: int = Field(30, ge=1, le=365, description="Days over which recent detections are averaged.")
    reference_halflife_days: float = Field(
        365.0, gt=0.0, le=1e5,
        description="Half-life of the reference level against which a rise is judged (days). Prior 180-730.",
    )
    full_response_ratio: float = Field(
        2.0, gt=1.0, le=20.0,
        description="Recent / reference ratio at which the surge is wanted at full strength; it grows "
        "linearly from ratio 1. Prior 1.5-5. The same three reactions came at ratios of about 2.2 "
        "(RABIT: 7,000-8,000 a month against about 3,500 over the year before), 1.5 (Aspida: 5,000-7,000 "
        "against about 4,500) and well above 2 (Bulgaria).",
    )
    escalation_days: float = Field(
        30.0, gt=0.0, le=3650.0,
        description="Time constant of deploying a surge (days). Prior 7-90.",
    )
    standdown_days: float = Field(
        365.0, gt=0.0, le=3650.0,
        description="Time constant of withdrawing a surge once it is not wanted (days). Prior 90-730.",
    )
    min_signal_per_day: float = Field(
        2.0, ge=0.0, le=1e4,
        description="Persons per day below which the reference is floored, so that a rise from almost "
        "nothing is not read as a surge (persons per day). Prior 1-10.",
    )


class EnterpriseParameters(_Strict):
    """Smuggler enterprises (DESIGN step 7)."""

    initial_per_market: int = Field(4, ge=0, le=200, description="Enterprises per market node at the start.")
    seats_sea: int = Field(60, ge=1, le=2000, description="Seats per departure on sea segments (persons).")
    seats_land: int = Field(30, ge=1, le=500, description="Seats per departure on land segments (persons).")
    seats_air: int = Field(4, ge=1, le=100, description="Seats per departure on air segments (persons).")
    departures_per_week: float = Field(5.0, gt=0.0, le=70.0, description="Departures per week per segment served.")
    capacity_per_member: float = Field(
        0.6, gt=0.0, le=10.0, description="Departures per week that each member adds beyond the first. Prior 0.2-2."
    )
    markup: float = Field(1.0, ge=0.3, le=5.0, description="Initial price as a multiple of base_fee_eur.")
    price_adjustment: float = Field(
        0.02, ge=0.0, le=0.5, description="Daily relative price change towards filling capacity. Prior 0-0.1."
    )
    service_price_factor: tuple[float, float, float] = Field(
        (0.75, 1.0, 1.6), description="Price multiplier by service level (basic, standard, premium). Prior."
    )
    variable_cost_share: float = Field(
        0.45, ge=0.0, le=1.0, description="Share of the base fee spent per person carried (boats, fuel, drivers)."
    )
    fixed_cost_eur_per_member_day: float = Field(
        15.0, ge=0.0, le=1e4, description="Daily fixed cost per member (EUR). Prior 5-50."
    )
    enforcement_cost_eur_per_day: float = Field(
        40.0, ge=0.0, le=1e5,
        description="Daily bribes and losses per unit of enforcement effort on its node and segments (EUR). Prior 10-200.",
    )
    arrest_hazard_base: float = Field(
        0.0005, ge=0.0, le=0.1, description="Daily arrest hazard of a one-member enterprise without enforcement."
    )
    arrest_hazard_per_effort: float = Field(
        0.004, ge=0.0, le=1.0, description="Daily arrest hazard added per unit of enforcement effort. Prior 0-0.02."
    )
    size_protection: float = Field(
        0.7, ge=0.0, le=3.0,
        description="Exponent by which size and sophistication lower the arrest hazard: hazard / members**e. Prior 0-1.5.",
    )
    initial_cash_eur: float = Field(5000.0, ge=0.0, le=1e7, description="Starting cash of a new enterprise (EUR).")
    hire_cash_eur: float = Field(
        8000.0, gt=0.0, le=1e7, description="Cash per member above which an enterprise hires one more member."
    )
    max_members: int = Field(60, ge=1, le=10000, description="Upper bound on members of one enterprise.")
    entry_rate_per_day: float = Field(
        1.0, ge=0.0, le=10.0, description="Expected new entrants per market node and day when demand exceeds capacity."
    )
    entry_queue_per_seat: float = Field(
        1.0, ge=0.0, le=100.0, description="Queue-to-daily-capacity ratio above which entry occurs."
    )
    partnership_min_volume: int = Field(
        20, ge=1, le=10000, description="Persons handed over in 30 days that make two enterprises partners."
    )
    package_discount: float = Field(
        0.1, ge=0.0, le=0.5, description="Price discount on a partner's next segment (a package deal)."
    )
    reputation_memory: float = Field(0.02, gt=0.0, le=1.0, description="Daily weight of new outcomes in reputation.")


class HubParameters(_Strict):
    reputation_decay: float = Field(
        0.01, ge=0.0, le=1.0, description="Daily decay of a market hub's reputation. Prior 0.002-0.05."
    )
    reputation_gain: float = Field(
        0.01, ge=0.0, le=1.0, description="Daily gain per unit of regional traffic share. Prior 0.002-0.05."
    )
    presence_weight: float = Field(
        0.3, ge=0.0, le=1.0, description="Weight of enterprise presence (share of region's enterprises) vs traffic."
    )


class VulnerabilityParameters(_Strict):
    daily_wage_eur: float = Field(15.0, ge=0.0, le=500.0, description="What a stuck migrant earns per day (EUR).")
    exploitation_hazard: float = Field(
        0.002, ge=0.0, le=0.5, description="Daily hazard of exploitation while working off debt. Prior 0.0005-0.01."
    )
    female_factor: float = Field(2.5, ge=1.0, le=20.0, description="Hazard multiplier for women. Prior 1.5-5.")
    minor_factor: float = Field(2.0, ge=1.0, le=20.0, description="Hazard multiplier for minors. Prior 1.5-5.")
    means_share: float = Field(
        0.5, ge=0.0, le=1.0,
        description="Share of adult exploitation cases with coercive means (threat, deception, debt bondage): "
        "with act and purpose, trafficking under the UN Protocol. Prior 0.2-0.8.",
    )
    max_wait_days: int = Field(
        365, ge=7, le=3650, description="Days waiting at one node after which a migrant returns home."
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
