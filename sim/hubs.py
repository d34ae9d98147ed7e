"""Hubs as market places: regions, the reputation migrants see ahead, the daily update (DESIGN step 8).

A market hub's reputation is a slow stock (:class:`sim.agents.hub.Hub`). Hubs of one kind within
``hubs.region_radius_km`` of each other form a region and compete for its traffic. When migrants
choose, they weigh the reputation of the next market hub on their way (``choice.reputation_weight``;
0 is the ablation of DESIGN step 8): :func:`reputation_ahead` finds it along the cheapest paths.
"""

from __future__ import annotations

import numpy as np

from sim.agents.hub import Hub
from sim.hub_reputation import next_market_value_eur, reputation_signal, reputation_step
from sim.network import haversine_km

__all__ = ["assign_regions", "offer_reputation_utility", "record_departures", "reputation_ahead", "reputation_by_node", "reputation_to_go",
           "reputation_value_cost_eur",
           "same_region_matrix", "step_hubs", "success_shares"]


def assign_regions(hubs: list[Hub], lat: np.ndarray, lon: np.ndarray, radius_km: float) -> None:
    """Set each hub's ``region``: the hubs of its kind within ``radius_km`` (itself included).

    Parameters
    ----------
    hubs : list of Hub
    lat, lon : ndarray of float, shape (N,)
        Node coordinates (degrees WGS84).
    radius_km : float
        Great-circle distance (km).
    """
    nodes = np.array([h.node for h in hubs], dtype=np.int64)
    for h in hubs:
        dist = haversine_km(lat[h.node], lon[h.node], lat[nodes], lon[nodes])
        h.region = [g for g, dk in zip(hubs, dist, strict=True) if g.kind == h.kind and dk <= radius_km]


def reputation_ahead(net, cost: np.ndarray, J: np.ndarray, reputation: np.ndarray) -> np.ndarray:
    """Reputation of the next market node on the cheapest path to each destination.

    Parameters
    ----------
    net : sim.network.RouteNetwork
    cost : ndarray of float, shape (E,)
        Generalised cost of each edge (EUR-equivalent).
    J : ndarray of float, shape (N, D)
        Cost-to-go from each node to each destination (EUR-equivalent).
    reputation : ndarray of float, shape (N,)
        Reputation (0-1) of the market hub at each node, 0 elsewhere.

    Returns
    -------
    ndarray of float, shape (N, D)
        At a market node its own reputation; elsewhere that of the first market node reached on
        the cheapest path (retreat segments excluded); 0 where none.
    """
    N, D = J.shape
    via = cost[:, None] + J[net.dst]  # (E, D)
    succ = np.full((N, D), -1, dtype=np.int64)
    best = np.full((N, D), np.inf)
    for e in range(net.n_edges):
        if net.is_retreat[e]:
            continue
        better = via[e] < best[net.src[e]]
        best[net.src[e], better] = via[e, better]
        succ[net.src[e], better] = net.dst[e]
    market = net.is_market[:, None]
    ahead = np.where(market, reputation[:, None], np.zeros((N, D)))
    cols = np.arange(D)[None, :]
    for _ in range(N):
        new = np.where(market, reputation[:, None], np.where(succ >= 0, ahead[np.maximum(succ, 0), cols], 0.0))
        if np.array_equal(new, ahead):
            break
        ahead = new
    return ahead


def reputation_to_go(net, cost: np.ndarray, J: np.ndarray, reputation: np.ndarray, hub_params,
                     choice_params) -> np.ndarray | float:
    """Utility (logit units) of the next market ahead, added to the utility-to-go of every node.

    Three rules: without mechanism (c) (``hub_params.enabled`` false) the rule before it,
    ``choice_params.reputation_weight * R_ahead``; with (c) and ``hub_params.planning_ahead``,
    ``reputation_value_eur * R_ahead / cost_scale_eur``, where ``R_ahead`` is the reputation of the first
    market on the cheapest path (:func:`reputation_ahead`), so each option carries the market beyond it
    once and no path pays twice; otherwise 0 (the note's rule acts on offers, :func:`offer_reputation_utility`).

    Parameters
    ----------
    net : sim.network.RouteNetwork
    cost : ndarray of float, shape (E,)
    J : ndarray of float, shape (N, D)
    reputation : ndarray of float, shape (N,)
    hub_params : sim.parameters.HubReputationParameters
    choice_params : sim.parameters.ChoiceParameters

    Returns
    -------
    ndarray of float, shape (N, D), or the float 0.0
    """
    if not hub_params.enabled:
        return choice_params.reputation_weight * reputation_ahead(net, cost, J, reputation)
    if hub_params.planning_ahead:
        return hub_params.reputation_value_eur / choice_params.cost_scale_eur * reputation_ahead(net, cost, J, reputation)
    return 0.0


def record_departures(hubs: dict[int, Hub], source_nodes: np.ndarray, persons_per_agent: int, n_nodes: int) -> None:
    """Add today's buyers (agents, one per element of ``source_nodes``) to their hubs' departures."""
    dep = np.bincount(source_nodes, minlength=n_nodes) * persons_per_agent
    for n in np.flatnonzero(dep):
        h = hubs.get(int(n))
        if h is not None:
            h.departed_today += dep[n]


def step_hubs(hubs: dict[int, Hub], reputation_params=None, success: np.ndarray | None = None,
              same_region: np.ndarray | None = None, timescale_days: float | None = None,
              departure_timescale_days: float | None = None) -> None:
    """Update every hub's throughput and reputation, in node order (a hub sees the region's hubs
    updated before it today).

    With the hub-reputation mechanism on (``reputation_params.enabled``, mechanisms note (c)), the
    reputation is a slow stock ``R <- R + (S - R) / timescale_days`` towards the signal ``S`` of
    :func:`sim.hub_reputation.reputation_signal` (regional shares of throughput and of enterprises,
    and the success share), for all hubs at once after their throughput is updated.

    Parameters
    ----------
    hubs : dict of int to Hub
    reputation_params : sim.parameters.HubReputationParameters, optional
    success : ndarray of float, shape (H,), optional
        Success share of the journeys sold at each hub (mean reputation of its enterprises; hubs in
        the order of ``hubs``).
    same_region : ndarray of bool, shape (H, H), optional
        :func:`same_region_matrix`.
    timescale_days : float, optional
        Time scale today of market hubs (shorter during the burn-in).
    departure_timescale_days : float, optional
        Time scale of departure points (at most ``timescale_days``).
    """
    rp = reputation_params if reputation_params is not None and reputation_params.enabled else None
    for h in hubs.values():
        h.step(update_reputation=rp is None)
    if rp is None:
        return
    hl = list(hubs.values())
    S = reputation_signal(np.array([h.throughput for h in hl]), np.array([h.enterprises for h in hl], dtype=float),
                          success, same_region, throughput_weight=rp.throughput_weight,
                          enterprise_weight=rp.enterprise_weight, success_weight=rp.success_weight)
    tau = np.array([timescale_days if departure_timescale_days is None or h.kind == "hub"
                    else min(timescale_days, departure_timescale_days) for h in hl])
    R = reputation_step(np.array([h.reputation for h in hl]), S, tau)
    for h, r in zip(hl, R, strict=True):
        h.reputation = float(r)


def offer_reputation_utility(net, hubs: dict[int, Hub], edges: np.ndarray, value_eur: float,
                             cost_scale_eur: float) -> np.ndarray:
    """Utility (logit units) of the reputation (c) of the market each offer's segment leads to.

    ``-reputation_value_cost_eur[edge] / cost_scale_eur`` for each offer's edge.

    Parameters
    ----------
    net : sim.network.RouteNetwork
    hubs : dict of int to Hub
    edges : ndarray of int, shape (O,)
        Edge of each offer.
    value_eur, cost_scale_eur : float

    Returns
    -------
    ndarray of float, shape (O,), <= 0
    """
    return -reputation_value_cost_eur(net, reputation_by_node(hubs, net.n_nodes), value_eur)[edges] / cost_scale_eur


def success_shares(hubs: list[Hub], enterprises_at: dict) -> np.ndarray:
    """Success share of the journeys sold at each hub: the mean reputation of its enterprises (0 if none).

    Parameters
    ----------
    hubs : list of Hub
    enterprises_at : dict of int to list of SmugglerEnterprise
        Enterprises by home node.

    Returns
    -------
    ndarray of float, shape (H,)
    """
    # np.add.reduce(r) / r.size is np.mean(r) bit for bit, without its wrapper (called per hub per day)
    reps = [np.asarray([e.reputation for e in enterprises_at[h.node]], dtype=float) for h in hubs]
    return np.array([np.add.reduce(r) / r.size if r.size else 0.0 for r in reps])


def reputation_by_node(hubs: dict[int, Hub], n_nodes: int) -> np.ndarray:
    """Every node's hub reputation (0-1), 0 off the market nodes; shape (N,)."""
    rep = np.zeros(n_nodes)
    for n, h in hubs.items():
        rep[n] = h.reputation
    return rep


def same_region_matrix(hubs: list[Hub]) -> np.ndarray:
    """``same[i, j]``: hub j is in hub i's region (shape (H, H), bool)."""
    pos = {h.node: i for i, h in enumerate(hubs)}
    same = np.zeros((len(hubs), len(hubs)), dtype=bool)
    for i, h in enumerate(hubs):
        for g in h.region:
            same[i, pos[g.node]] = True
    return same


def reputation_value_cost_eur(net, reputation: np.ndarray, value_eur: float,
                              is_hub: np.ndarray | None = None) -> np.ndarray:
    """Hub reputation (c) as a cost on each segment that enters a market node: ``value * (1 - R[dst])`` (EUR).

    Non-negative, so the hard minimum over the cyclic graph stays safe; 0 on segments into other
    nodes. Hubs and departure points both count; a departure point's reputation follows its
    crossings' fortunes on a short time scale (``hub_reputation.departure_timescale_days``).

    Parameters
    ----------
    net : sim.network.RouteNetwork
    reputation : ndarray of float, shape (N,)
        Reputation of the market hub at each node.
    value_eur : float
        ``hub_reputation.reputation_value_eur``.
    is_hub : ndarray of bool, shape (N,), optional
        Nodes whose market place counts; all market nodes if None.

    Returns
    -------
    ndarray of float, shape (E,)
    """
    mask = net.is_market if is_hub is None else np.asarray(is_hub, dtype=bool)
    return np.where(mask[net.dst], value_eur - next_market_value_eur(reputation[net.dst], value_eur), 0.0)
