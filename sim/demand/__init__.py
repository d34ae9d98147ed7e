"""Origin demand: persons leaving each origin group and origin node per month.

Origin demand is the model's only flow input; the split across routes must emerge. The rule is
the one of the project's data README (section "Demand"), built from the shipped Frontex tables
(:mod:`sim.observed`):

1. ``persons(group, year)`` = detections of the group's nationalities summed over **all**
   routes, minus the **Western Balkan** detections of groups from outside the Balkans (those
   people were already counted entering Greece or Bulgaria; Balkan groups are
   :data:`BALKAN_GROUPS`). This subtraction is the one use of a per-route figure anywhere in
   the model's inputs, and it is kept in this module on purpose: no other input may use an
   observed per-route detection figure.
2. The group is split over its origin nodes by its nationalities' all-route detections,
   each nationality mapped to an origin node by :func:`nationality_origins` (same country
   when the group has an origin node there, else the group's main origin node).
3. The monthly profile of a year is that year's all-routes monthly total of the Frontex
   monthly series (so the monthly shape of demand is largely an input, DESIGN V6).
4. 2012 has a partial nationality table (:func:`sim.observed.nationality_partial`: the fifteen
   nationalities Frontex published for 2012, 83 % of its 72,437 detections), completed by
   :mod:`~sim.demand.partial`: the rest by the 2013 shares of the other nationalities, each
   nationality's routes as in 2013 with the Western Balkan scaled to 2012's total (for the
   subtraction of step 1). Until stop 21, 2012 took the 2013 group shares, which halved the
   Afghans, Pakistanis and Bangladeshis who dominated the 2012 Evros crossings.
5. The group ``Other and unknown`` has no origin node and is dropped; :func:`dropped_share`
   reports its share (about 0.3 % of 2014 detections).

``persons_detected`` is persons per month *before* the undetected share: the model spawns
``persons_detected * (1 + parameters.demand.undetected_share)``.

Sources: Frontex migratory-map data (2025 revision) via ``iom/gdidata``: annual detections by
route and nationality 2013-2014 and monthly detections by route 2009-2014.

Examples
--------
>>> import pandas as pd
>>> nodes = pd.DataFrame({"name": ["Kabul", "Pristina"], "country_iso2": ["AF", "XK"],
...                       "kind": ["origin", "origin"]})
>>> nat = nationality_origins(nodes, groups=["Afghanistan", "Kosovo"])
>>> nat[["nat_iso3", "origin"]].values.tolist()
[['AFG', 'Kabul'], ['XKX', 'Pristina']]
>>> d = build_demand_table(nat)
>>> round(float(d[d.month.str.startswith("2014") & (d.origin == "Kabul")].persons_detected.sum()))
13790

Modules, one concept each: :mod:`~sim.demand.groups` (persons by origin group: steps 1, 4, 5),
:mod:`~sim.demand.partial` (a year with a partial nationality table: step 4),
:mod:`~sim.demand.origins` (nationalities to origin nodes: step 2), :mod:`~sim.demand.monthly` (the
monthly table: step 3) and :mod:`~sim.demand.build` (both tables from inputs of any years).
"""

from sim.demand.build import DemandBuild, build_demand
from sim.demand.groups import (
    BALKAN_GROUPS,
    DROPPED_GROUP,
    dropped_share,
    group_persons,
    share_years,
    ungrouped,
)
from sim.demand.monthly import FIRST_MONTH, LAST_MONTH, build_demand_table, demand_months
from sim.demand.origins import ISO3_TO_ISO2, nationality_origins

__all__ = [
    "BALKAN_GROUPS",
    "DROPPED_GROUP",
    "FIRST_MONTH",
    "ISO3_TO_ISO2",
    "LAST_MONTH",
    "DemandBuild",
    "build_demand",
    "build_demand_table",
    "demand_months",
    "dropped_share",
    "group_persons",
    "nationality_origins",
    "share_years",
    "ungrouped",
]
