"""Spawning: new migrants at origins from the monthly demand schedule (DESIGN step 2).

The schedule is built once from the scenario's demand table (persons detected per month, origin
and origin group, raised by the undetected share: the demand rule of the data README, applied by
:mod:`sim.demand` when a scenario's table is made). Each day, every (origin, group) pair spawns
its daily rate of agents (the fraction drawn at random); each new migrant gets a destination, a
budget (log-normal around the group's median), a risk tolerance (Beta around the group's mean),
sex and minor status from its group's shares.

The demand table counts persons in the month in which they are detected at the EU border (the data
README's rule: the monthly profile is the all-routes monthly total of detections). Persons leave their
origin before that: with ``demand.departure_lead`` on (off by default: tried at stop 27 with a re-fit,
it did not improve the held-out fit; docs/experiments.md, "Stop 27"), each (origin, group) pair is spawned
:func:`departure_leads` days ahead of its table month (the quickest travel time from the origin to an
EU-entry segment, from the segments' ``travel_days``, plus the global ``demand.expected_wait_days``);
:func:`daily_rates` turns the monthly rates into that shifted daily schedule, reading the demand table
past the run's end (so a run stopped early, as a calibration trial is, spawns what the full run spawns)
but never past the table's last month (a day looks ahead at most to that month: after it the table has no
persons to spawn ahead for).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.dates import month_calendar

__all__ = ["Population", "Spawns", "build_population", "daily_rates", "demand_rates", "demand_schedule",
           "departure_leads", "spawn"]


@dataclass
class Population:
    """Origin groups' traits and where they go.

    Attributes
    ----------
    groups : list of str
        Origin group names, G.
    budget_median_eur, budget_sigma, female_share, minor_share, risk_mean : ndarray, shape (G,)
    destinations : ndarray of int, shape (D,)
        Destination node indices.
    destination_names : list of str
    destination_prob : ndarray of float, shape (G, D)
        Each group's probability of each destination.
    """

    groups: list[str]
    budget_median_eur: np.ndarray
    budget_sigma: np.ndarray
    female_share: np.ndarray
    minor_share: np.ndarray
    risk_mean: np.ndarray
    destinations: np.ndarray
    destination_names: list[str]
    destination_prob: np.ndarray


def build_population(scenario, net) -> Population:
    """Origin groups and destination weights of a scenario (``origin_group`` "*" rows: the default)."""
    og = scenario.origin_groups
    groups = [g.origin_group for g in og]
    gidx = {g: i for i, g in enumerate(groups)}
    dest_names = sorted({r.destination for r in scenario.destinations}, key=lambda n: net.index[n])
    D = len(dest_names)
    dpos = {n: i for i, n in enumerate(dest_names)}
    default = np.zeros(D)
    per_group = np.zeros((len(groups), D))
    has_rows = np.zeros(len(groups), dtype=bool)
    for r in scenario.destinations:
        if r.origin_group == "*":
            default[dpos[r.destination]] += r.weight
        elif r.origin_group in gidx:
            per_group[gidx[r.origin_group], dpos[r.destination]] += r.weight
            has_rows[gidx[r.origin_group]] = True
    per_group[~has_rows] = default
    return Population(
        groups=groups,
        budget_median_eur=np.array([g.budget_median_eur for g in og], dtype=float),
        budget_sigma=np.array([g.budget_sigma for g in og], dtype=float),
        female_share=np.array([g.female_share for g in og], dtype=float),
        minor_share=np.array([g.minor_share for g in og], dtype=float),
        risk_mean=np.array([g.risk_tolerance_mean for g in og], dtype=float),
        destinations=np.array([net.index[n] for n in dest_names], dtype=np.int64),
        destination_names=dest_names,
        destination_prob=per_group / per_group.sum(axis=1, keepdims=True),
    )


def demand_rates(scenario, net, groups: list[str], months: list[str], days_in_month: list[int],
                 first_reported_month: int, undetected_share: float, persons_per_agent: int):
    """Agents spawned per day per (origin, group) pair, by month.

    Parameters
    ----------
    scenario : sim.scenario.Scenario
    net : sim.network.RouteNetwork
    groups : list of str
    months : list of str
        ``YYYY-MM`` of every model month, M.
    days_in_month : list of int
    first_reported_month : int
        Months before it (the burn-in) are driven by its demand.
    undetected_share : float
        ``demand.undetected_share``: spawned = detected * (1 + share).
    persons_per_agent : int

    Returns
    -------
    pairs : ndarray of int, shape (P, 2)
        (origin node, group index) of each pair.
    rate : ndarray of float, shape (M, P)
        Agents per day.
    """
    gidx = {g: i for i, g in enumerate(groups)}
    pairs: dict[tuple[int, int], int] = {}
    rows = []
    for r in scenario.demand:
        key = (net.index[r.origin], gidx[r.origin_group])
        pairs.setdefault(key, len(pairs))
        rows.append((str(r.month)[:7], pairs[key], float(r.persons_detected)))
    pair_arr = np.array(list(pairs.keys()), dtype=np.int64).reshape(-1, 2)
    rate = np.zeros((len(months), len(pairs)))
    mpos = {m: i for i, m in enumerate(months)}
    scale = (1.0 + undetected_share) / persons_per_agent
    for m, p, persons in rows:
        if m in mpos:
            rate[mpos[m], p] += persons * scale / days_in_month[mpos[m]]
    rate[:first_reported_month] = rate[first_reported_month]  # burn-in driven by the first month's demand
    return pair_arr, rate


def departure_leads(net, origins: np.ndarray, expected_wait_days: float) -> np.ndarray:
    """Days by which persons leave each origin ahead of the month in which they are counted.

    ``lead = min over EU-entry segments (u, v) of [quickest travel days origin -> u + travel_days(u, v)]
    + expected_wait_days``: the quickest way to the EU border in the graph (retreat segments, closures
    and the dates from which segments are labelled are ignored: the border as such), plus the time
    waited on the way.

    Parameters
    ----------
    net : sim.network.RouteNetwork
    origins : ndarray of int, shape (P,)
        Origin node of each demand pair.
    expected_wait_days : float
        ``demand.expected_wait_days`` (days, >= 0).

    Returns
    -------
    ndarray of int, shape (P,)
        Lead in whole days (rounded), >= 0. An origin with no way to the EU border gets only the wait
        (the run refuses such demand unless stranded demand is allowed).

    Raises
    ------
    ValueError
        If ``expected_wait_days`` is negative.
    """
    import networkx as nx

    if expected_wait_days < 0:
        raise ValueError(f"expected_wait_days must be >= 0, got {expected_wait_days}")
    forward = nx.subgraph_view(net.graph, filter_edge=lambda u, v: not net.graph.edges[u, v]["retreat"])
    entry = [(net.nodes[net.src[e]], float(net.travel_days[e])) for e in np.flatnonzero(net.route_type >= 0)]
    travel: dict[int, float] = {}
    for o in {int(x) for x in np.asarray(origins).ravel()}:
        dist = nx.single_source_dijkstra_path_length(forward, net.nodes[o], weight="travel_days")
        travel[o] = min((dist[u] + days for u, days in entry if u in dist), default=0.0)
    lead = np.array([travel[int(o)] for o in np.asarray(origins).ravel()], dtype=float) + expected_wait_days
    return np.rint(lead).astype(np.int64)


def daily_rates(rate: np.ndarray, month_of_day: np.ndarray, leads: np.ndarray | None = None,
                last_month: int | None = None) -> np.ndarray:
    """Agents spawned per day per pair, each pair shifted ``leads`` days ahead of its table month.

    Parameters
    ----------
    rate : ndarray of float, shape (M, P)
        Agents per day by model month (:func:`demand_rates`).
    month_of_day : ndarray of int, shape (T,)
        Model month of each model day.
    leads : ndarray of int, shape (P,), optional
        Days ahead (>= 0); None for no lead.
    last_month : int, optional
        Index of the demand table's last month: a day looks ahead at most to it (a day after it keeps its
        own month). None: no limit.

    Returns
    -------
    ndarray of float, shape (T, P)
        ``out[t, p] = rate[min(month_of_day[min(t + leads[p], T - 1)], max(month_of_day[t], last_month)), p]``:
        a day takes the rate of the month ``leads[p]`` days later, but not of a month after the table's
        last (nor after the calendar's). The model passes a calendar extended past the run's end by the
        largest lead and keeps the first T days, so a run that stops early spawns what the full run spawns.

    Examples
    --------
    Two months of 3 days, one pair, a lead of 2 days:

    >>> daily_rates(np.array([[1.0], [5.0]]), np.array([0, 0, 0, 1, 1, 1]), np.array([2]))[:, 0].tolist()
    [1.0, 5.0, 5.0, 5.0, 5.0, 5.0]
    >>> daily_rates(np.array([[1.0], [5.0]]), np.array([0, 0, 0, 1, 1, 1]), np.array([2]), last_month=0)[:, 0].tolist()
    [1.0, 1.0, 1.0, 5.0, 5.0, 5.0]
    """
    T, P = len(month_of_day), rate.shape[1]
    month_of_day = np.asarray(month_of_day)
    days = np.arange(T)[:, None] + (np.zeros(P, dtype=np.int64) if leads is None else np.asarray(leads)[None, :])
    months = month_of_day[np.minimum(days, T - 1)]
    if last_month is not None:
        months = np.minimum(months, np.maximum(month_of_day, last_month)[:, None])
    return rate[months, np.arange(P)[None, :]]


def demand_schedule(scenario, net, groups: list[str], first_date, n_days: int, first_reported_month: int,
                    demand, persons_per_agent: int):
    """The model's spawning schedule: agents per day per (origin, group) pair, with the departure lead.

    The demand table's monthly rates (:func:`demand_rates`) on the model's calendar of ``n_days`` days
    from ``first_date``; with ``demand.departure_lead`` each pair is shifted :func:`departure_leads` days
    ahead (:func:`daily_rates`), reading the table past the run's end (a calendar extended by the largest
    lead, but never past the table's last month), so a run that stops early spawns what the full run
    spawns.

    Parameters
    ----------
    scenario : sim.scenario.Scenario
    net : sim.network.RouteNetwork
    groups : list of str
    first_date : datetime.date
        Date of model day 0 (the first burn-in day).
    n_days : int
        Model days T.
    first_reported_month : int
        Index of the first reported month (the burn-in before it repeats its demand).
    demand : sim.parameters.DemandParameters
        ``undetected_share``, ``departure_lead``, ``expected_wait_days``.
    persons_per_agent : int

    Returns
    -------
    pairs : ndarray of int, shape (P, 2)
        (origin node, group index) of each pair.
    rate : ndarray of float, shape (M, P)
        Agents per day by model month (the table's month, without the lead).
    leads : ndarray of int, shape (P,), or None
        Days ahead (None with the lead off).
    daily : ndarray of float, shape (T, P)
        Agents spawned per day.
    """
    by_origin: dict[int, int] = {}
    if demand.departure_lead:
        origins = np.unique([net.index[r.origin] for r in scenario.demand]).astype(np.int64)
        by_origin = dict(zip(origins.tolist(), departure_leads(net, origins, demand.expected_wait_days).tolist(),
                             strict=True))
    extra = max(by_origin.values(), default=0)  # the calendar reaches past the run's end by the largest lead
    months, month_of_day, days_in_month = month_calendar(first_date, n_days + extra)
    run_months = int(month_of_day[n_days - 1]) + 1
    pairs, rate = demand_rates(scenario, net, groups, months, days_in_month, first_reported_month,
                               demand.undetected_share, persons_per_agent)
    leads = np.array([by_origin[int(o)] for o in pairs[:, 0]], dtype=np.int64) if demand.departure_lead else None
    table_last = max((str(r.month)[:7] for r in scenario.demand), default=months[-1])
    last_month = sum(m <= table_last for m in months) - 1  # -1: the table ends before the calendar starts
    return pairs, rate[:run_months], leads, daily_rates(rate, month_of_day, leads, last_month)[:n_days]


@dataclass
class Spawns:
    """Today's new migrants (arrays of length n): the keyword arguments of ``Migrants.add``."""

    group: np.ndarray
    origin: np.ndarray
    destination: np.ndarray
    budget_eur: np.ndarray
    risk_tolerance: np.ndarray
    female: np.ndarray
    minor: np.ndarray


def spawn(rate: np.ndarray, pairs: np.ndarray, pop: Population, risk_concentration: float,
          rng: np.random.Generator) -> Spawns | None:
    """Draw today's new migrants.

    Parameters
    ----------
    rate : ndarray of float, shape (P,)
        Today's agents per day of each pair (the fraction is drawn).
    pairs : ndarray of int, shape (P, 2)
    pop : Population
    risk_concentration : float
        ``demand.risk_tolerance_concentration``: risk tolerance ~ Beta(c m, c (1 - m)) around the
        group's mean m (clipped to 0.01-0.99 so that both shapes are positive).
    rng : numpy.random.Generator

    Returns
    -------
    Spawns or None
        None when nobody is spawned today.
    """
    if not rate.any():
        return None
    n = np.floor(rate + rng.random(len(rate))).astype(np.int64)
    total = int(n.sum())
    if total == 0:
        return None
    pair = np.repeat(np.arange(len(rate)), n)
    origin = pairs[pair, 0]
    group = pairs[pair, 1]
    cum = np.cumsum(pop.destination_prob[group], axis=1)
    dest = np.minimum((rng.random(total)[:, None] > cum).sum(axis=1), cum.shape[1] - 1)
    budget = pop.budget_median_eur[group] * np.exp(pop.budget_sigma[group] * rng.standard_normal(total))
    m = np.clip(pop.risk_mean[group], 0.01, 0.99)
    c = risk_concentration
    risk = rng.beta(c * m, c * (1 - m))
    female = rng.random(total) < pop.female_share[group]
    minor = rng.random(total) < pop.minor_share[group]
    return Spawns(group, origin, dest, budget, risk, female, minor)
