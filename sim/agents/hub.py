"""Hubs: smuggling market places at market nodes (DESIGN step 8).

A hub agent sits at a market node (a hub or a departure point). Its reputation as a market place
follows ``reputation <- (1 - decay) * reputation + gain * share``, where ``share`` mixes the node's
traffic relative to the busiest market node of its region (those of the same kind within
``hubs.region_radius_km``) with its enterprise count relative to the region's largest, so that the leading
market place of a region tends to 1. Migrants perceive the reputation of the next market hub on
their way (the first market node on the cheapest path from the segment's end, refreshed when costs
are replanned) when they choose (weight ``choice.reputation_weight``; 0 is the ablation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from sim.parameters import HubParameters

__all__ = ["Hub"]


class Hub(mesa.Agent):
    """A market place at node ``node``.

    Parameters
    ----------
    model : mesa.Model
        The model the agent belongs to (Mesa's registry only: the hub never reads it).
    params : sim.parameters.HubParameters
    node : int
    kind : {"hub", "departure"}

    Attributes
    ----------
    node : int
        Node index.
    kind : str
        ``"hub"`` or ``"departure"``.
    region : list of Hub
        Market nodes of the same kind within ``hubs.region_radius_km`` (itself included).
    reputation : float
        0-1.
    throughput : float
        Persons departing per day (moving average over ``hubs.throughput_window_days``).
    departed_today : float
        Persons who bought passage here today.
    queue : int
        Persons waiting here (updated by the model each day).
    price_index : float
        Mean offer price / mean base fee of the segments sold here.
    enterprises : int
        Enterprises based here.
    """

    def __init__(self, model: mesa.Model, params: HubParameters, node: int, kind: str):
        super().__init__(model)
        self.p = params
        self.node = node
        self.kind = kind
        self.region: list[Hub] = []
        self.reputation = params.initial_reputation
        self.throughput = 0.0
        self.departed_today = 0.0
        self.queue = 0
        self.price_index = 1.0
        self.enterprises = 0

    def step(self, update_reputation: bool = True) -> None:
        """Update throughput and (unless the hub-reputation mechanism sets it) reputation from today's
        traffic and enterprise presence."""
        p = self.p
        w = p.throughput_window_days
        self.throughput = ((w - 1.0) * self.throughput + self.departed_today) / w
        if not update_reputation:
            self.departed_today = 0.0
            return
        traffic = max(h.throughput for h in self.region)
        firms = max(h.enterprises for h in self.region)
        t_share = self.throughput / traffic if traffic > 0 else 0.0
        f_share = self.enterprises / firms if firms > 0 else 0.0
        share = (1 - p.presence_weight) * t_share + p.presence_weight * f_share
        self.reputation = min(1.0, (1 - p.reputation_decay) * self.reputation + p.reputation_gain * share)
        self.departed_today = 0.0
