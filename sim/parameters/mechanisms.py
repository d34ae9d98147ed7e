"""Parameters of the mechanisms of the mechanisms note: awareness, supply, hub reputation, consolidation."""

from __future__ import annotations

from sim.parameters.fields import CALIBRATED, STRUCTURE, Group, param

NOTE_A = "mechanisms note (a) prior range; Bass 1969 form, rates assumed (no estimate for route news)"
NOTE_B = "mechanisms note (b) prior range; assumption"
NOTE_C = "mechanisms note (c) prior range; assumption"
NOTE_D = "mechanisms note (d) prior range; assumption"
TRIAL = ("issue 9, rule on trial: off (0) by default so that today's tables and the calibrated overlay are "
         "unchanged; structural until adopted, so sensitivity and calibration do not sample it")


class AwarenessParameters(Group):
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
    burn_in_start: bool = param(
        False, low=0, high=1, unit="switch", kind="structural",
        source="mechanisms note (a): 'Initial A from the burn-in (1 where the group used the edge, else "
        "awareness_initial)'",
        description="True: at the end of the burn-in each group's awareness is 1 on the smuggled segments its "
        "members used during the burn-in and `initial` on the others (the note's rule; the burn-in stands for "
        "the years before the start, when the routes in use were known); false: awareness carries on from what "
        "the burn-in's word of mouth built up from `initial` (the rule before stop 28).",
    )
    following_weight: float = param(
        0.0, ge=0.0, le=10.0, low=0.0, high=4.0, unit="utility per unit share", kind="structural",
        source=TRIAL + "; cumulative causation (Massey 1990; Epstein 2008), issue 9 item 5",
        description="Following co-nationals (sim/following.py): utility w * (share of the group's recent "
        "onward passages from the node that took the segment); 0: off. Needs awareness on (it reads its "
        "smoothed passages).",
    )
    corridor_correlation: float = param(
        0.0, ge=0.0, le=1.0, low=0.0, high=1.0, unit="1", kind="structural",
        source=TRIAL + "; knowledge that travels in bundles (Routes and Rumours, Hinsch and Bijak 2023); no estimate",
        description="Corridor knowledge (sim/route_knowledge.py): rho, the correlation of a group's knowledge along "
        "a way. Its plan charges a way cost_scale x (rho max_e(-ln Aeff) + (1 - rho) sum_e(-ln Aeff)): 1, the "
        "least-known segment only (a corridor); 0, the sum over its segments (independent chances, the rule before "
        "stop 33). The choice at a node still weighs each option by its own ln Aeff.",
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


class SupplyParameters(Group):
    """Supply that takes time and contacts (``sim/supply.py``; mechanisms note (b)).

    Spin-offs per day on a segment: ``spinoff_rate_per_member_day * M * x / (1 + x)`` (M members of
    enterprises at the market or partnered with one there, plus ``upstream_recruit_weight`` times the
    members at the markets that feed it; x the excess of wanted over capacity, infinite on a segment
    nobody sells while persons wait at its market); the
    founder pays ``entry_cost_eur (1 + entry_cost_per_effort E)``; nothing is sold for a gamma-distributed
    set-up lag; costs and prevention fall as ``(1 + k / experience_scale_persons) ** log2(progress_ratio)``.
    With ``entry_deterrence_weight`` w > 0 the spin-off rate is multiplied by ``exp(-w * loss / margin)``
    (:func:`sim.supply.entry_deterrence`).
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
    upstream_recruit_weight: float = param(
        0.25, ge=0.0, le=1.0, low=0.0, high=1.0, unit="1", kind="prior",
        source=NOTE_B + "; issue 9: recruitment from the same or a nearby hub (Campana 2018: stage-local "
        "segments linked to the next stage)",
        description="Weight of the members of enterprises at the markets one segment upstream (the hub feeding a "
        "departure point) among a market's recruiters; 0: a market whose enterprises all left never recovers.",
    )
    entry_cost_eur: float = param(
        5000.0, ge=0.0, le=1e6, low=2000.0, high=20000.0, unit="EUR", kind="prior", source=NOTE_B,
        description="Cost of founding an enterprise without enforcement (boat, contacts, first bribes).",
    )
    entry_cost_per_effort: float = param(
        1.0, ge=0.0, le=50.0, low=0.5, high=5.0, unit="1/effort", kind="prior", source=NOTE_B,
        description="Relative growth of the entry cost per unit of enforcement effort at the market.",
    )
    vessel_capital: bool = param(
        True, low=0, high=1, unit="switch", kind="structural",
        source="issue 9 (supply: an entry cost); AFP, 8 Jan 2015 and AP, 28 Jan 2015 (ghost ships bought for "
        "USD 150,000-500,000); segments.csv `vessel_eur`",
        description="True: a segment's `vessel_eur` (the vessel, segments.csv) is paid from cash before the "
        "segment is first sold (by a spin-off's parent, or an enterprise exploring or relocating to it); without "
        "the cash it is not opened (on since stop 29). False, or supply off: the vessel is not charged (the rule "
        "before stop 29).",
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
    entry_deterrence_weight: float = param(
        0.0, ge=0.0, le=100.0, low=0.0, high=3.0, unit="1", kind="structural",
        source=TRIAL + "; deterrence of entry by enforcement: Magliocca et al. 2019 (NarcoLogic), Campana 2018, "
        "Reuter 1983; 1 = a risk-neutral founder weighing expected loss and margin one to one",
        description="w: spin-off rate times exp(-w * loss / margin), loss = a new one-member enterprise's daily "
        "arrest hazard times the entry cost plus its daily enforcement cost, margin = its expected daily margin "
        "as one more seller of the seats wanted; 0 switches the rule off (the rule before it).",
    )


class HubReputationParameters(Group):
    """Hubs as market places with memory (``sim/hub_reputation.py``; mechanisms note (c)).

    ``R <- R + (S - R) / timescale_days``, ``S`` the weighted regional throughput share, enterprise share
    and success share; R is worth ``reputation_value_eur * R`` in the choice between next markets and
    ``enterprise_location_weight * R`` in where enterprises settle.
    """

    enabled: bool = param(
        True, low=0, high=1, unit="switch", kind="structural", source=STRUCTURE,
        description="Ablation switch: false turns off hub reputation's stock, its utility and (with planning_toll) its cost in the "
        "costs-to-go (awareness's hub information still reads the reputation, which then follows the old rule).",
    )
    planning_toll: bool = param(
        False, low=0, high=1, unit="switch", kind="structural", source=STRUCTURE,
        description="True: the rule of stops 16-19, under which every segment into a market node also costs "
        "reputation_value_eur * (1 - R) in the costs-to-go, so a path pays once for each market it passes. "
        "False (the note's rule): reputation acts in the choice between next markets only.",
    )
    planning_ahead: bool = param(
        False, low=0, high=1, unit="switch", kind="structural", source=STRUCTURE,
        description="True: the reputation of the next market on the cheapest path beyond each option (the first "
        "market reached, the option's own end if it is one) is worth reputation_value_eur * R in the choice, so "
        "an option that crosses a border carries the reputation of the market beyond it and no path pays twice. "
        "It replaces the offer term of the note's rule. False: the note's rule, next markets adjacent to the offer only.",
    )
    timescale_days: float = param(
        365.0, ge=1.0, le=10000.0, low=180.0, high=1095.0, unit="days", kind="prior", source=NOTE_C,
        description="Time scale of the reputation stock of a market hub.",
    )
    departure_timescale_days: float = param(
        30.0, ge=1.0, le=1000.0, low=14.0, high=90.0, unit="days", kind="prior",
        source=NOTE_C + "; the note's test: departure points change rank more than hubs",
        description="Time scale of the reputation stock of a departure point (it follows the fortunes of its "
        "crossings, which enforcement changes from one month to the next).",
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
        2.0, ge=0.0, le=50.0, low=0.0, high=5.0, unit="1", kind="fitted", source=NOTE_C,
        description="Weight of reputation in where relocating enterprises settle (sim.enterprises.relocate: an "
        "enterprise over its loss tolerance with nothing left to try at home moves within its region by a logit on "
        "weight * R + ln(queue per seat)); 0 with hub reputation off. Spin-offs settle at the market that wants them.",
    )
    queue_floor_per_seat: float = param(
        0.01, gt=0.0, le=1.0, low=1e-4, high=1.0, unit="persons/seat", kind="structural", source=STRUCTURE,
        description="Floor of the queue per seat inside ln() in the location logit of relocating enterprises "
        "(keeps a market with no queue a possible, unlikely, destination).",
    )


class ConsolidationParameters(Group):
    """Consolidation under enforcement (``sim/consolidation.py``; mechanisms note (d)).

    Daily arrest hazard ``(h0 + h1 E) n**gamma (1 + k/k_h)**-beta_k``; daily fixed cost
    ``f_m n + f_E E n**phi``. ``h0``, ``h1``, ``f_m`` and ``f_E`` are the enterprises' own
    ``arrest_hazard_base``, ``arrest_hazard_per_effort``, ``fixed_cost_eur_per_member_day`` and
    ``enforcement_cost_eur_per_day`` (one parameter per number; the mechanism changes how size enters). On exit a partner, else with ``takeover_prob`` the largest firm at the node,
    takes the customers, segments and ``takeover_member_share`` of the members; with
    ``open_takeover_prob`` the largest firm at the node takes over first, regardless of partnership.
    With ``guarantee_share`` that share of each fare is paid to the seller only on success, and with
    ``guarantee_floor`` the seller's price floor covers its variable cost per paying customer.
    """

    enabled: bool = param(
        True, low=0, high=1, unit="switch", kind="structural", source=STRUCTURE,
        description="Ablation switch: false brings back the old hazard, linear protection cost and no takeover.",
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
    open_takeover_prob: float = param(
        0.0, ge=0.0, le=1.0, low=0.0, high=1.0, unit="1", kind="structural",
        source=TRIAL + "; rivals take a removed smuggler's share (Campana 2018)",
        description="Probability that the largest enterprise at the node takes over an exiting one regardless of "
        "partnership (before the partner rule and takeover_prob); 0 switches the rule off (the rule before it).",
    )
    guarantee_share: float = param(
        1.0, ge=0.0, le=1.0, low=0.0, high=1.0, unit="1", kind="structural",
        source="issue 9, adopted at stop 31 with its break-even floor and a re-fit (loss at ten replicates 1.894 "
        "against 1.945 without); guarantees (escrow) checked by migrants (Campana and Gelsthorpe 2021); third-party "
        "guarantee released at agreed milestones (IOM 2016, Migrant Smuggling Data and Research); no source for the "
        "Libyan or Turkish departures of 2012-2014, so 1 is the reading 'payment conditional on success'",
        description="Payment on success: share of an enterprise's fare held by a guarantor and paid to the seller "
        "only if the crossing succeeds (prevented or returned: refunded to the migrant, lost to the seller); "
        "0 switches the rule off (the rule before stop 31; ablation scenarios/ablations/no_payment_on_success.yaml). "
        "Acts only with consolidation enabled.",
    )
    guarantee_floor: bool = param(
        True, low=0, high=1, unit="switch", kind="structural",
        source="issue 9, stop 31: a seller does not knowingly sell below its variable cost per paying customer "
        "(break-even under payment on success)",
        description="Payment on success: the price floor is divided by the share of fares the seller expects to "
        "keep, 1 - s (1 - its reputation), and enforced daily; false: the floor of the rule without it (stop 30's "
        "rule; ablation scenarios/ablations/no_guarantee_floor.yaml). Acts only with guarantee_share > 0 and "
        "consolidation enabled.",
    )



class WaitingParameters(Group):
    """Waiting at hubs for better conditions (``sim/waiting.py``; mechanisms note (a), "waiting stays an option").

    A migrant at a hub stays out of the day's market while its group's utility-to-go from there is below
    the group's slow expectation of it by more than its own tolerance (gamma, mean ``tolerance_eur``,
    shape ``tolerance_shape``), plus, with ``break_even``, ``choice.time_value_eur_per_day`` for each day it
    has waited there; the expectation follows the value with half-life ``expectation_halflife_days``.
    """

    enabled: bool = param(
        True, low=0, high=1, unit="switch", kind="structural", source=STRUCTURE,
        description="Ablation switch: false makes every migrant take part in every market round (the rule "
        "before this mechanism).",
    )
    tolerance_eur: float = param(
        500.0, ge=0.0, le=1e5, low=100.0, high=2000.0, unit="EUR", kind="fitted",
        source=CALIBRATED + "; prior: assumption, from the time value of a month's wait (15 EUR/day x 30) to "
        "about a sea crossing's fee",
        description="Mean of a migrant's tolerance: how much dearer (EUR-equivalent) than expected the way on "
        "from a hub may be before it waits.",
    )
    tolerance_shape: float = param(
        2.0, gt=0.0, le=100.0, low=1.0, high=10.0, unit="1", kind="structural", source=STRUCTURE,
        description="Gamma shape of the tolerance across migrants (1 exponential; larger is less spread).",
    )
    break_even: bool = param(
        True, low=0, high=1, unit="switch", kind="structural", source=STRUCTURE + "; the break-even rule of "
        "the ski-rental problem (Karlin, Manasse, Rudolph and Sleator 1988, Algorithmica 3:79-119)",
        description="A migrant's tolerance grows by choice.time_value_eur_per_day for every day it has waited "
        "at its node, so it stops waiting once the wait has cost what it waits out; false (the ablation) keeps "
        "the tolerance fixed.",
    )
    expectation_halflife_days: float = param(
        120.0, gt=0.0, le=3650.0, low=30.0, high=365.0, unit="days", kind="fitted",
        source=CALIBRATED + "; prior: transit stays of months (Collyer 2007; Icduygu 2005; Brekke and "
        "Brochmann 2015)",
        description="Half-life with which a group's expectation of the way on from a hub follows what it is worth.",
    )
