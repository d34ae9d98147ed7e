"""Readable state of a model, for learners: named tables in persons, and a one-paragraph summary.

A :class:`~sim.model.SmugglingModel` keeps its state in numpy arrays indexed by node and edge
number, and counts migrant *agents* (each standing for ``persons_per_agent`` persons). The functions
here turn that state into tables with place names and person counts, like every output table of
:mod:`sim.metrics`. They only read the model; they never step it or change it.

The model's clock: ``model.current_date`` (also ``model.date``) is the date of the *next* day to be
simulated, so right after ``step()`` the tables show the state at the end of the day before it,
and "today's detections" are those of that day.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from sim.agents.enterprise import ServiceLevel
from sim.agents.migrant import MigrantState, MigrantView
from sim.labels import MODES

__all__ = ["snapshot", "describe", "last_day", "migrant_view", "persons_by_state", "detections_last_day", "segments_this_month"]

#: Migrant states in the order of :class:`~sim.agents.migrant.MigrantState`, lower-case.
STATE_NAMES = tuple(s.name.lower() for s in MigrantState)


def last_day(model) -> date | None:
    """Date of the day simulated last, or None before the first step.

    Parameters
    ----------
    model : sim.model.SmugglingModel

    Returns
    -------
    datetime.date or None
        ``model.current_date`` minus one day, None if the model has not stepped.
    """
    if model.day == 0:
        return None
    return model.current_date - timedelta(days=1)


def persons_by_state(model) -> pd.DataFrame:
    """Migrants by state, in persons.

    Parameters
    ----------
    model : sim.model.SmugglingModel

    Returns
    -------
    pandas.DataFrame
        One row per state in :class:`~sim.agents.migrant.MigrantState` order (all seven, zero rows
        kept): ``state`` (lower-case name), ``agents``, ``persons`` (agents times
        ``persons_per_agent``). ``persons`` sums to all persons spawned so far.
    """
    counts = np.bincount(np.asarray(model.migrants.state, dtype=np.int64), minlength=len(MigrantState))
    return pd.DataFrame({
        "state": list(STATE_NAMES),
        "agents": counts[: len(MigrantState)].astype(np.int64),
        "persons": counts[: len(MigrantState)].astype(np.int64) * int(model.persons_per_agent),
    })


def detections_last_day(model) -> pd.DataFrame:
    """Detections of illegal border-crossing on the day simulated last, by EU-entry segment.

    Parameters
    ----------
    model : sim.model.SmugglingModel

    Returns
    -------
    pandas.DataFrame
        One row per segment that carries a Frontex route (labelled or not yet labelled):
        ``segment`` (``A->B``), ``route``, ``type``, ``detections`` (persons; events as Frontex
        counts them). All zero before the first step.
    """
    net = model.net
    labelled = np.flatnonzero(np.asarray(net.route_type) >= 0)
    seen = _day_detections_per_edge(model)
    rt = [net.route_types[int(net.route_type[e])] for e in labelled]
    return pd.DataFrame({
        "segment": [net.edge_names[int(e)] for e in labelled],
        "route": [r for r, _ in rt],
        "type": [t for _, t in rt],
        "detections": seen[labelled].astype(float),
    })


def _day_detections_per_edge(model) -> np.ndarray:
    """Persons detected per edge on the day simulated last (zeros before the first step)."""
    n_edges = model.net.n_edges
    if model.day == 0:
        return np.zeros(n_edges)
    # the model keeps the crossings at borders as (agent ids, edges, day, detected) per batch
    out = np.zeros(n_edges)
    # (appended in day order: read from the end back to the day before)
    for _ids, edges, d, det in reversed(model.crossing_log):
        if d < model.day - 1:
            break
        if d == model.day - 1 and len(edges):
            np.add.at(out, np.asarray(edges, dtype=np.int64)[np.asarray(det, dtype=bool)], 1.0)
    return out * model.persons_per_agent


def snapshot(model) -> dict[str, pd.DataFrame]:
    """The model's current state as named tables, in persons, with place names.

    Parameters
    ----------
    model : sim.model.SmugglingModel
        A model at any day (also before its first step).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``places``
            One row per place (node), in the scenario's order: ``place``, ``kind`` (the node's kinds
            joined by ``;``), ``country``, ``lat``, ``lon`` (degrees), ``market`` (a hub or departure
            point where passage is sold), ``waiting`` (persons at the place who have not left it yet:
            waiting for an offer, working to pay for one, or still at their origin), ``heading_here``
            (persons travelling to it), ``enterprises`` (enterprises based there).
        ``hubs``
            One row per market place: ``hub`` (place name), ``kind`` (``hub`` or ``departure``),
            ``reputation`` (0-1), ``throughput`` (persons departing per day, 30-day moving average),
            ``queue`` (persons waiting, as the hub saw it at the end of the last day),
            ``enterprises``; sorted by reputation, highest first.
        ``enterprises``
            One row per active enterprise: ``enterprise`` (id), ``home`` (place), ``service_level``
            (basic, standard, premium), ``segments`` (``A->B`` joined by ``, ``), ``members``,
            ``cash_eur``, ``reputation`` (0-1), ``sold_persons`` (since it entered), ``partners``,
            ``age_days``; sorted by persons sold, highest first.
        ``offers``
            One row per offer on sale: ``enterprise``, ``home``, ``segment`` (``A->B``),
            ``service_level``, ``price_eur`` (offer price per person at its service level, before
            any package discount); sorted by home and price.
        ``segments``
            One row per segment of the route graph: ``segment``, ``source``, ``target``, ``mode``,
            ``frontex_route``, ``frontex_type`` (empty off EU-entry edges), and in persons this
            calendar month so far (burn-in included): ``attempts_month`` (persons who set off across
            it), ``prevented_month``, ``detections_month``, ``deaths_month``.
        ``migrants``
            Persons by state (see :func:`persons_by_state`).
        ``detections``
            Detections of the day simulated last by EU-entry segment (see
            :func:`detections_last_day`).

    Examples
    --------
    >>> from sim.scenario import load_scenario          # doctest: +SKIP
    >>> from sim.model import SmugglingModel            # doctest: +SKIP
    >>> m = SmugglingModel(load_scenario("tests/fixtures/scenario_tiny/scenario.yaml"), seed=1)  # doctest: +SKIP
    >>> for _ in range(7): m.step()                    # doctest: +SKIP
    >>> snapshot(m)["hubs"]                             # doctest: +SKIP
    """
    net = model.net
    mig = model.migrants
    K = int(model.persons_per_agent)
    N = net.n_nodes
    state = np.asarray(mig.state)
    node = np.asarray(mig.node, dtype=np.int64)
    here = np.isin(state, [MigrantState.AT_ORIGIN, MigrantState.WAITING])
    moving = state == MigrantState.IN_TRANSIT
    waiting = np.bincount(node[here], minlength=N) * K
    heading = np.bincount(node[moving], minlength=N) * K
    ents_at = {int(n): list(v) for n, v in model.enterprises.at.items()}
    countries = _node_column(model, "country_iso2")
    places = pd.DataFrame({
        "place": list(net.nodes),
        "kind": [";".join(sorted(k)) for k in net.kinds],
        "country": countries,
        "lat": np.asarray(net.lat, dtype=float),
        "lon": np.asarray(net.lon, dtype=float),
        "market": np.asarray(net.is_market, dtype=bool),
        "waiting": waiting.astype(np.int64),
        "heading_here": heading.astype(np.int64),
        "enterprises": [len(ents_at.get(n, ())) for n in range(N)],
    })

    hub_rows = [
        (net.nodes[int(n)], h.kind, float(h.reputation), float(h.throughput), int(h.queue),
         len(ents_at.get(int(n), ())))
        for n, h in model.hubs.items()
    ]
    hubs = pd.DataFrame(hub_rows, columns=["hub", "kind", "reputation", "throughput", "queue", "enterprises"])
    hubs = hubs.sort_values(["reputation", "hub"], ascending=[False, True], kind="stable").reset_index(drop=True)

    ent_rows = []
    for n, ents in ents_at.items():
        for ent in ents:
            ent_rows.append((
                int(ent.unique_id), net.nodes[n], ServiceLevel[int(ent.service_level)],
                ", ".join(net.edge_names[int(e)] for e in ent.segments), int(ent.members),
                float(ent.cash_eur), float(ent.reputation), float(ent.sold_persons),
                len(ent.partners), int(ent.age_days),
            ))
    enterprises = pd.DataFrame(ent_rows, columns=[
        "enterprise", "home", "service_level", "segments", "members", "cash_eur", "reputation",
        "sold_persons", "partners", "age_days"])
    enterprises = enterprises.sort_values(["sold_persons", "enterprise"], ascending=[False, True],
                                          kind="stable").reset_index(drop=True)

    offer_rows = [
        (int(ent.unique_id), net.nodes[n], net.edge_names[int(e)], ServiceLevel[int(ent.service_level)],
         float(ent.offer_price(int(e))))
        for n, ents in ents_at.items() for ent in ents for e in ent.segments
    ]
    offers = pd.DataFrame(offer_rows, columns=["enterprise", "home", "segment", "service_level", "price_eur"])
    offers = offers.sort_values(["home", "price_eur", "enterprise"], kind="stable").reset_index(drop=True)

    return {
        "places": places,
        "hubs": hubs,
        "enterprises": enterprises,
        "offers": offers,
        "segments": segments_this_month(model),
        "migrants": persons_by_state(model),
        "detections": detections_last_day(model),
    }


def segments_this_month(model) -> pd.DataFrame:
    """Persons on each segment in the calendar month of the day simulated last (see :func:`snapshot`).

    Parameters
    ----------
    model : sim.model.SmugglingModel

    Returns
    -------
    pandas.DataFrame
        ``segment, source, target, mode, frontex_route, frontex_type, attempts_month,
        prevented_month, detections_month, deaths_month``; zeros before the first step.
    """
    net = model.net
    E = net.n_edges
    if model.day == 0:
        stats = np.zeros((E, 6))
    else:
        # the model's monthly accumulator per edge: attempts, prevented, detections, undetected,
        # first entries, deaths, ... (persons)
        stats = np.asarray(model.edge_stats[model.month_of_day[model.day - 1]], dtype=float)
    rt = [net.route_types[int(r)] if r >= 0 else ("", "") for r in np.asarray(net.route_type)]
    return pd.DataFrame({
        "segment": list(net.edge_names),
        "source": [net.nodes[int(a)] for a in net.src],
        "target": [net.nodes[int(b)] for b in net.dst],
        "mode": [MODES[int(m)] for m in net.mode],
        "frontex_route": [r for r, _ in rt],
        "frontex_type": [t for _, t in rt],
        "attempts_month": stats[:, 0],
        "prevented_month": stats[:, 1],
        "detections_month": stats[:, 2],
        "deaths_month": stats[:, 5],
    })


def _node_column(model, column: str) -> list[str]:
    """A column of the scenario's node table, in the network's node order ('' where unknown)."""
    by_name = {str(r.name): str(getattr(r, column, "") or "") for r in model.spec.nodes}
    return [by_name.get(n, "") for n in model.net.nodes]


def describe(model) -> str:
    """A few lines saying where the model is: date, persons by state, the day's detections.

    Parameters
    ----------
    model : sim.model.SmugglingModel

    Returns
    -------
    str
        For example::

            SmugglingModel 'tiny' (seed 1, 1 person per agent): 2011-12-08, next: burn-in day 7 of 30
              persons: 412 at origin, 35 waiting, 60 in transit, 10 arrived, 0 returned, 0 dead, 0 exploited (517 in all)
              detections on 2011-12-07: 3 (Eastern Mediterranean Sea 3)
    """
    K = int(model.persons_per_agent)
    today = model.current_date
    if model.day < model.start_day:
        phase = f"next: burn-in day {model.day + 1} of {model.start_day}"
    elif model.day >= model.n_days_total:
        phase = "finished"
    else:
        phase = f"next: reported day {model.day - model.start_day + 1} of {model.n_days_total - model.start_day}"
    seed = getattr(model, "_seed", None)
    seed_s = "" if seed is None else f"seed {seed}, "
    unit = "person" if K == 1 else "persons"
    head = f"SmugglingModel {model.spec.name!r} ({seed_s}{K} {unit} per agent): {today.isoformat()}, {phase}"
    st = persons_by_state(model)
    parts = ", ".join(f"{p:,} {s.replace('_', ' ')}" for s, p in zip(st["state"], st["persons"], strict=True))
    persons = f"  persons: {parts} ({int(st['persons'].sum()):,} in all)"
    prev = last_day(model)
    if prev is None:
        det = "  detections: none yet (not stepped)"
    else:
        d = detections_last_day(model)
        by = d.groupby(["route", "type"], sort=False)["detections"].sum()
        by = by[by > 0]
        detail = ", ".join(f"{r} {t} {v:,.0f}" for (r, t), v in by.items())
        det = f"  detections on {prev.isoformat()}: {by.sum():,.0f}" + (f" ({detail})" if detail else "")
    return "\n".join([head, persons, det])


def migrant_view(model, i: int) -> MigrantView:
    """One migrant agent's state as a read-only record with names (for inspection and teaching).

    Parameters
    ----------
    model : sim.model.SmugglingModel
    i : int
        Agent index, 0 <= i < len(model.migrants).

    Raises
    ------
    IndexError
        If there is no such agent.
    """
    mig, net = model.migrants, model.net
    if not 0 <= i < len(mig):
        raise IndexError(f"no migrant {i}: there are {len(mig)}")
    history = [
        (net.edge_names[int(e)], int(d), bool(det))
        for ids, edges, d, dets in model.crossing_log
        for e, det in zip(edges[ids == i], dets[ids == i], strict=True)
    ]
    return MigrantView(
        unique_id=i, state=MigrantState(int(mig.state[i])), origin_group=model.groups[mig.group[i]],
        origin=net.nodes[mig.origin[i]], destination=model.destination_names[mig.destination[i]],
        node=net.nodes[mig.node[i]], budget_eur=float(mig.budget_eur[i]),
        risk_tolerance=float(mig.risk_tolerance[i]), female=bool(mig.female[i]), minor=bool(mig.minor[i]),
        attempts=int(mig.attempts[i]), days_waiting=int(model.day - mig.wait_since[i]),
        crossing_history=history,
    )
