"""Parameters of the smuggling market's actors: enterprises and market hubs."""

from __future__ import annotations

from sim.parameters.fields import ASSUMED, STRUCTURE, Factor, Group, param, param_tuple


class EnterpriseParameters(Group):
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
    sea_weather_amplitude: float = param(
        0.0, ge=0.0, le=0.95, low=0.0, high=0.8, unit="1", kind="prior",
        source="assumption; phase from the Mediterranean wave climatology, stormy winters and calm summers "
        "(Barbariol et al. 2021, Frontiers in Marine Science 8: 760614); sim.weather",
        description="Share of sea departures lost on the stormiest day of the year (0: no weather); departures on "
        "sea segments follow 1 - A (1 + cos(2 pi (day - worst day) / 365.25)) / 2.",
    )
    sea_weather_worst_day: int = param(
        15, ge=1, le=366, low=1, high=60, unit="day of year", kind="structural", source=STRUCTURE,
        description="Day of the year with the fewest sea departures (15: mid-January, the middle of the stormy "
        "season of Barbariol et al. 2021).",
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


class HubParameters(Group):
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


