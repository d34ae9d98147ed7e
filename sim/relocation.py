"""Where enterprises move: relocation to another market of the region (mechanisms notes (b) and (c)).

An enterprise over its loss tolerance (supply (b), NarcoLogic's exploration) that has no segment
left to try at its home market moves to another market node of its region where it could sell (a
smuggled segment leaves it with a positive expected margin). Where it settles is
hub reputation's use (ii) (mechanisms note (c)): a logit on ``enterprise_location_weight * R +
ln(max(queue per seat, floor))``, :func:`sim.hub_reputation.choose_location`. Enterprises so settle
where customers wait for few seats and where the market place is reputed.

Sources: Magliocca et al. 2019 (NarcoLogic: traffickers move nodes after interdiction, PNAS
116(16):7784-7792); the mechanisms note (c) for the location logit.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim import hub_reputation, supply
from sim.agents.enterprise import SmugglerEnterprise
from sim.registry import EnterpriseRegistry, _price

__all__ = ["Location", "location_today", "region_candidates", "relocate", "segment_margins"]


class Location(NamedTuple):
    """Where relocating enterprises may settle and what draws them (mechanisms note (c), use (ii)).

    Attributes
    ----------
    candidates : dict of int to ndarray of int
        For each market node, the other market nodes of its region (same kind, within
        ``hubs.region_radius_km``).
    reputation : ndarray of float, shape (N,)
        Hub reputation (0-1) of every node (0 off the markets).
    queue_per_seat : ndarray of float, shape (N,)
        Persons waiting per seat offered a day at each node (seats floored at one a day); the model
        counts only those who would buy today (held-back migrants, waiting (e), excluded).
    weight : float
        ``hub_reputation.enterprise_location_weight`` (0 with hub reputation off: the queue alone).
    floor : float
        ``hub_reputation.queue_floor_per_seat``.
    """

    candidates: dict
    reputation: np.ndarray
    queue_per_seat: np.ndarray
    weight: float
    floor: float


def region_candidates(hub_list: list) -> dict[int, np.ndarray]:
    """Where an enterprise based at each market may relocate to: the other markets of its region.

    Parameters
    ----------
    hub_list : list of sim.agents.hub.Hub
        Every market's hub, with its ``region`` set (:func:`sim.hubs.assign_regions`).

    Returns
    -------
    dict of int to ndarray of int
        For each market node, the other market nodes of its region, in the region's order
        (:attr:`Location.candidates`).
    """
    return {h.node: np.array([g.node for g in h.region if g.node != h.node], dtype=np.int64) for h in hub_list}


def location_today(candidates: dict, reputation: np.ndarray, queue_persons: np.ndarray, capacity_persons: np.ndarray,
             src: np.ndarray, weight: float, floor: float) -> Location:
    """Today's :class:`Location`: queue per seat from the persons who would buy and the seats offered.

    Parameters
    ----------
    candidates : dict of int to ndarray of int
        As :attr:`Location.candidates`.
    reputation : ndarray of float, shape (N,)
        Hub reputation (0-1) of every node.
    queue_persons : ndarray of float, shape (N,)
        Persons waiting at each node who take part in the market (held-back migrants left out).
    capacity_persons : ndarray of float, shape (E,)
        Seats offered on each edge today (persons).
    src : ndarray of int, shape (E,)
        Each edge's source node.
    weight, floor : float
        As :attr:`Location.weight` (0 with hub reputation off) and :attr:`Location.floor`.
    """
    seats = np.bincount(src, weights=capacity_persons, minlength=len(queue_persons))
    return Location(candidates, reputation, queue_persons / np.maximum(seats, 1.0), weight, floor)


def segment_margins(reg: EnterpriseRegistry, net, p, edges: list[int], desired) -> np.ndarray:
    """Expected margin of each edge: its market price less the variable cost, times today's wish for it."""
    want = desired[edges] if desired is not None else np.ones(len(edges))
    return np.array([_price(reg, net, e, p.markup) * (1.0 - p.variable_cost_share) for e in edges]) * (want + 1e-9)


def relocate(reg: EnterpriseRegistry, ent: SmugglerEnterprise, net, p, location: Location, desired, arrest_node,
             supply_params, rng: np.random.Generator) -> int:
    """Supply (b) with hub reputation (c): an enterprise with nothing left to try at home moves to another market of its region.

    The new market is drawn by :func:`sim.hub_reputation.choose_location`, a logit on
    ``weight * R + ln(max(queue per seat, floor))``: enterprises settle where customers wait for
    few seats and where the market place is reputed (NarcoLogic's relocation after interdiction,
    Magliocca et al. 2019; reputation as in the mechanisms note (c)). Only the candidates where it
    could sell take part in the draw: a smuggled segment leaves them with a positive expected margin
    (:func:`segment_margins`); with none, it stays. A segment nobody sells there is a place to sell only
    if migrants wanted it today or wait at that market: an enterprise does not move to open a service
    nobody asks for (a cargo ship from Mersin before anyone waits there). Moving costs the entry cost
    at the new market's arrest effort (:func:`sim.supply.entry_cost_eur`); an enterprise that cannot
    pay stays; a segment that needs a vessel it cannot pay as well (:func:`sim.supply.vessel_cost_eur`) is no
    place to sell. It then sells one segment there, chosen as exploration chooses one (:func:`segment_margins`); its members,
    cash, partners and experience move with it, its recent revenue and losses start afresh.

    Returns
    -------
    int
        The new home node, or -1 if it stayed.
    """
    cand = location.candidates.get(ent.home)
    if cand is None or not len(cand):
        return -1
    # only markets where it could sell: a smuggled segment leaving them with a positive expected margin
    usable = []
    for c in cand:
        segs = [int(e) for e in net.out_edges[c] if net.smuggled[e]]
        if desired is not None and location.queue_per_seat[c] <= 0:  # no service nobody sells, wants or waits for
            sold = {e for o in reg.at.get(int(c), ()) for e in o.price_eur}
            segs = [e for e in segs if e in sold or desired[e] > 0]
        if supply_params is not None and supply_params.vessel_capital:  # a ship it cannot pay is no place to sell
            entry = float(supply.entry_cost_eur(arrest_node[c], supply_params.entry_cost_eur,
                                                supply_params.entry_cost_per_effort))
            vessel = [supply.vessel_cost_eur(net.vessel_eur, e, supply_params) for e in segs]
            segs = [e for e, v in zip(segs, vessel, strict=True) if v == 0.0 or entry + v <= ent.cash_eur]
        margins = segment_margins(reg, net, p, segs, desired) if segs else np.zeros(0)
        if len(margins) and margins.max() > 0:
            usable.append((int(c), segs, margins))
    if not usable:
        return -1
    where = np.array([c for c, _, _ in usable], dtype=np.int64)
    k = hub_reputation.choose_location(location.reputation[where], location.queue_per_seat[where], location.weight,
                                       location.floor, rng)
    new, segs, margins = usable[k]
    cost = float(supply.entry_cost_eur(arrest_node[new], supply_params.entry_cost_eur, supply_params.entry_cost_per_effort))
    if ent.cash_eur < cost:
        return -1
    e = segs[supply.choose_new_segment(margins, rng)]  # a positive margin: a segment is chosen
    cost += supply.vessel_cost_eur(net.vessel_eur, e, supply_params)
    if ent.cash_eur < cost:
        return -1
    price = _price(reg, net, e, p.markup)
    ent.cash_eur -= cost
    reg.move(ent, new)
    ent.segments = [e]
    ent.price_eur = {e: price}
    ent.revenue_recent = ent.losses_recent = 0.0
    return new
