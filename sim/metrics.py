"""Reporters: the model's accumulators as tables (persons, reported period only).

:func:`collect_tables` returns the per-replicate tables of DESIGN section 6 without the ``replicate``
and ``seed`` columns (the runner adds them). Counts are persons: agents times ``persons_per_agent``.
Concentration is the Herfindahl-Hirschman index (0-1) of enterprises' market shares at a node, by
persons sold there since the previous weekly snapshot (an enterprise that relocated counts where it sold).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.agents.enterprise import ServiceLevel
from sim.agents.migrant import MigrantState
from sim.labels import ROUTE_TYPES

__all__ = ["check_invariants", "collect_tables", "observe", "person_days", "record_crossings", "record_detention",
           "start_accumulators", "state_counts"]

EDGE_STAT_COLUMNS = ("attempts", "prevented", "detections", "undetected", "first_entries", "deaths")


def _reported_months(model) -> np.ndarray:
    first = model.month_of_day[model.start_day]
    return np.arange(first, len(model.months))


def collect_tables(model) -> dict[str, pd.DataFrame]:
    """Tables of one run.

    Parameters
    ----------
    model : sim.model.SmugglingModel
        A model that has run (any number of days).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``detections_monthly`` (route, type, origin_group, month, detections), ``crossings_by_edge``
        (month, edge, frontex_route, frontex_type, attempts, prevented, detections, undetected,
        first_entries, deaths), ``deaths_monthly`` (route, month, deaths), ``hubs``, ``enterprises``,
        ``prices`` (month, segment, service_level, price_mean_eur, sold), ``exploitation`` (year, node,
        sex, minor, cases, classification), ``enforcement`` (month, agency, target, side, policy,
        effort: the standing effort, surge: the monthly mean strength 0-1 of an adaptive agency's own
        surge), ``detention`` (month, agency, target, places, held: persons held at the month's end,
        admitted: persons given a place in the month, no_place: detected entrants, not returned, who
        found no free place; one row per month and detaining agency row, none without detention).
        Zero rows are left out of the long tables (not of ``enforcement`` and ``detention``).
    """
    net = model.net
    months = _reported_months(model)
    mnames = [model.months[m] for m in months]

    det = model.detections[months]  # (M, RT, G)
    mi, ri, gi = np.nonzero(det)
    detections_monthly = pd.DataFrame({
        "route": [ROUTE_TYPES[r][0] for r in ri],
        "type": [ROUTE_TYPES[r][1] for r in ri],
        "origin_group": [model.groups[g] for g in gi],
        "month": [mnames[m] for m in mi],
        "detections": det[mi, ri, gi],
    })

    st = model.edge_stats[months]  # (M, E, 7)
    mi, ei = np.nonzero(st[:, :, 6] + st[:, :, 0])
    route = [ROUTE_TYPES[r][0] if r >= 0 else "" for r in net.route_type]
    rtype = [ROUTE_TYPES[r][1] if r >= 0 else "" for r in net.route_type]
    crossings = pd.DataFrame({
        "month": [mnames[m] for m in mi],
        "edge": [net.edge_names[e] for e in ei],
        "frontex_route": [route[e] for e in ei],
        "frontex_type": [rtype[e] for e in ei],
        **{c: st[mi, ei, k] for k, c in enumerate(EDGE_STAT_COLUMNS)},
    })

    lab = crossings[crossings["frontex_route"] != ""]
    deaths_monthly = (
        lab.groupby(["frontex_route", "month"], as_index=False)["deaths"].sum()
        .rename(columns={"frontex_route": "route"})
    )

    ps, pn = model.price_sum[months], model.price_sold[months]
    mi, ei, li = np.nonzero(pn)
    prices = pd.DataFrame({
        "month": [mnames[m] for m in mi],
        "segment": [net.edge_names[e] for e in ei],
        "service_level": [ServiceLevel[v] for v in li],
        "price_mean_eur": ps[mi, ei, li] / pn[mi, ei, li],
        "sold": pn[mi, ei, li],
    })

    hubs = pd.DataFrame(model.hub_rows, columns=[
        "date", "node", "kind", "throughput", "queue", "reputation", "price_index", "enterprises"])
    enterprises = pd.DataFrame(model.enterprise_rows, columns=[
        "date", "node", "enterprises", "hhi", "mean_members", "mean_segments", "partnerships", "package_share"])

    K = model.persons_per_agent
    cases = pd.DataFrame(model.exploitation_cases, columns=["year", "node", "female", "minor", "classification"])
    if len(cases):
        cases = cases[cases["year"] >= model.start_date.year]
        cases["node"] = [net.nodes[n] for n in cases["node"]]
        cases["sex"] = np.where(cases["female"] == 1, "female", "male")
        cases["minor"] = cases["minor"].astype(bool)
        exploitation = (cases.groupby(["year", "node", "sex", "minor", "classification"], as_index=False)
                        .size().rename(columns={"size": "cases"}))
        exploitation["cases"] *= K
        exploitation = exploitation[["year", "node", "sex", "minor", "cases", "classification"]]
    else:
        exploitation = pd.DataFrame(columns=["year", "node", "sex", "minor", "cases", "classification"])

    surge = model.agency_surge[months]  # (M, A)

    def standing(agency, m: int) -> float:
        """The month's mean standing effort (the row's effort unless an effort_change moves it)."""
        if not agency.effort_changes:
            return agency.effort
        daily = [agency.effort_on(int(d)) for d in np.flatnonzero(model.month_of_day == m)]
        return daily[0] if min(daily) == max(daily) else float(np.mean(daily))  # a steady month: exact

    enforcement = pd.DataFrame({
        "month": np.repeat(mnames, len(model.agencies)),
        "agency": [a.name for a in model.agencies] * len(mnames),
        "target": [a.target for a in model.agencies] * len(mnames),
        "side": [a.side for a in model.agencies] * len(mnames),
        "policy": [a.policy for a in model.agencies] * len(mnames),
        "effort": [standing(a, m) for m in months for a in model.agencies],
        "surge": surge.reshape(-1),
    })

    det_state = getattr(model, "detention", None)
    rows = [] if det_state is None else [model.agencies[i] for i in det_state.agency_index]
    dp = model.detention_persons[months]  # (M, J, 3)
    detention = pd.DataFrame({
        "month": np.repeat(mnames, len(rows)),
        "agency": [a.name for a in rows] * len(mnames),
        "target": [a.target for a in rows] * len(mnames),
        "places": dp[:, :, 3].reshape(-1),
        "held": dp[:, :, 0].reshape(-1),
        "admitted": dp[:, :, 1].reshape(-1),
        "no_place": dp[:, :, 2].reshape(-1),
    })

    return {
        "detections_monthly": detections_monthly,
        "crossings_by_edge": crossings,
        "deaths_monthly": deaths_monthly,
        "hubs": hubs,
        "enterprises": enterprises,
        "prices": prices,
        "exploitation": exploitation,
        "enforcement": enforcement,
        "detention": detention,
    }


def state_counts(model) -> dict[str, int]:
    """Persons per migrant state."""
    K = model.persons_per_agent
    return {s.name.lower(): n * K for s, n in model.migrants.count_by_state().items()}


def person_days(model) -> int:
    """Simulated person-days: from each migrant's spawn to its terminal state or the last day run."""
    mig = model.migrants
    end = np.where(mig.end_day >= 0, mig.end_day, model.day)
    return int((end - mig.spawn_day).sum()) * model.persons_per_agent




def start_accumulators(model) -> None:
    """Empty accumulators on ``model``, for every month including the burn-in (the tables keep the reported ones).

    Sets, with M months (``model.months``), E edges, RT Frontex route types and G origin groups:

    - ``detections`` (M, RT, G) and ``edge_stats`` (M, E, 7: attempts, prevented, detections,
      undetected, first entries, deaths, moved), persons (:func:`record_crossings`);
    - ``agency_surge`` (M, agencies): monthly mean surge (0-1) (:func:`observe`);
    - ``detention_persons`` (M, J detaining jurisdictions, 4: held at the month's end, admitted, found
      no place, places at the month's end), persons (:func:`record_detention`, :func:`observe`); J is 0 without detention (f);
    - ``price_sum``, ``price_sold`` (M, E, 3 service levels): EUR and persons sold (:func:`sim.market.buy`);
    - ``exploitation_cases``: (year, node, female, minor, class) per case (step 9);
    - ``hub_rows``, ``enterprise_rows``: the weekly snapshots (:func:`observe`);
    - ``crossing_log``: (agents, edges, day, detected) of each day's border crossings (:func:`record_crossings`);
    - ``_snap_sold``: persons each enterprise had sold at the last weekly snapshot (:func:`observe`).

    Parameters
    ----------
    model : sim.model.SmugglingModel
        A model whose calendar, network, groups and agencies are set.
    """
    M, E, RT, G = len(model.months), model.net.n_edges, len(ROUTE_TYPES), len(model.groups)
    model.detections = np.zeros((M, RT, G))
    model.agency_surge = np.zeros((M, len(model.agencies)))
    det = getattr(model, "detention", None)
    model.detention_persons = np.zeros((M, 0 if det is None else len(det.days), 4))
    model.edge_stats = np.zeros((M, E, 7))
    model.price_sum = np.zeros((M, E, 3))
    model.price_sold = np.zeros((M, E, 3))
    model.exploitation_cases = []
    model.hub_rows = []
    model.enterprise_rows = []
    model.crossing_log = []
    model._snap_sold = {}


def _sales_before_moves(moves: list[tuple[int, int, float]], snap: dict[int, float]) -> dict[int, dict[int, float]]:
    """Persons sold since the last weekly snapshot at the markets enterprises have left since.

    Parameters
    ----------
    moves : list of (int, int, float)
        :attr:`sim.registry.EnterpriseRegistry.moves`, in the order made: enterprise id, market
        node left, persons it had sold by then. Emptied.
    snap : dict of int to float
        Persons each enterprise had sold at the last snapshot; set to the count at each move, so
        that what the enterprise sells afterwards counts at its new market.

    Returns
    -------
    dict of int to dict of int to float
        Market node -> enterprise id -> persons sold there (an enterprise that came back is one entry).
    """
    left: dict[int, dict[int, float]] = {}
    for uid, node, sold_by_then in moves:
        at = left.setdefault(node, {})
        at[uid] = at.get(uid, 0.0) + sold_by_then - snap.get(uid, 0.0)
        snap[uid] = sold_by_then
    moves.clear()
    return left


def observe(model) -> None:
    """Step 10: agencies' surges (monthly means), persons held in detention (f) at the day's end (the last
    day of a month gives its month-end figure); weekly snapshots of hubs and enterprises in the reported period.

    Appends to ``model.agency_surge``, ``model.detention_persons``, ``model.hub_rows`` and ``model.enterprise_rows``. The weekly
    concentration (``hhi``) counts each enterprise's sales since the previous snapshot at the market
    where it made them: an enterprise that relocated in the week counts at the market it left for
    what it sold there, and at its new market for what it sold since.
    """
    d = model.day
    month = model.month_of_day[d]
    model.agency_surge[month] += np.array([a.surge for a in model.agencies]) / model.days_in_month[month]
    if getattr(model, "detention", None) is not None:
        model.detention_persons[month, :, 0] = model.detention.occupancy
        model.detention_persons[month, :, 3] = model.detention.places  # after a detention_change: the month's own
    if d < model.start_day or (d - model.start_day) % 7 != 0:
        return
    date_s = model.current_date.isoformat()
    net, snap = model.net, model._snap_sold
    left = _sales_before_moves(model.enterprises.moves, snap)  # a week's sales count where they were made
    for n, h in model.hubs.items():
        ents = model.enterprises.at[n]
        pi = [ent.offer_price(e) / max(net.base_fee_eur[e], 1.0) for ent in ents for e in ent.segments]
        h.price_index = float(np.mean(pi)) if pi else float("nan")
        model.hub_rows.append((date_s, net.nodes[n], h.kind, h.throughput, h.queue, h.reputation, h.price_index, len(ents)))
        sales = {ent.unique_id: ent.sold_persons - snap.get(ent.unique_id, 0.0) for ent in ents}
        for uid, persons in left.get(n, {}).items():  # enterprises that sold here, then moved
            sales[uid] = sales.get(uid, 0.0) + persons
        sold = np.array(list(sales.values()))
        for ent in ents:
            snap[ent.unique_id] = ent.sold_persons
        total = sold.sum() if len(sold) else 0.0
        hhi = float(((sold / total) ** 2).sum()) if total > 0 else float("nan")
        pkg = sum(ent.package_sales for ent in ents)
        allsold = sum(ent.sold_persons for ent in ents)
        model.enterprise_rows.append((
            date_s, net.nodes[n], len(ents), hhi,
            float(np.mean([e.members for e in ents])) if ents else float("nan"),
            float(np.mean([len(e.segments) for e in ents])) if ents else float("nan"),
            sum(len(e.partners) for e in ents),
            float(pkg / allsold) if allsold > 0 else float("nan"),
        ))


def check_invariants(model) -> None:
    """Raise AssertionError if an accounting invariant is broken (used by the tests every step).

    Checks: every migrant is in exactly one valid state; waiting migrants are WAITING or
    AT_ORIGIN and listed once; no negative budget, enterprise cash or queue; detections by
    route equal the detected crossings of labelled edges; with detention (f), the places taken are
    those of the held not yet released and within the places.
    """
    S = MigrantState
    mig = model.migrants
    st = mig.state
    assert st.min(initial=0) >= 0 and st.max(initial=0) < len(MigrantState)
    w = model.waiting
    assert len(np.unique(w)) == len(w), "a migrant waits twice"
    assert np.isin(st[w], [S.WAITING, S.AT_ORIGIN]).all(), "a listed waiter is not waiting"
    in_cal = np.concatenate([np.concatenate(v) for v in model.calendar.values() if v] or [np.zeros(0, np.int64)])
    assert len(np.intersect1d(w, in_cal)) == 0, "a migrant both waits and travels"
    assert len(np.unique(in_cal)) == len(in_cal), "a migrant travels twice"
    active = np.flatnonzero(np.isin(st, [S.WAITING, S.AT_ORIGIN, S.IN_TRANSIT]))
    assert len(active) == len(w) + len(in_cal), "an active migrant is neither waiting nor travelling"
    assert (mig.budget_eur >= -1e-6).all(), "negative budget"
    for ents in model.enterprises.at.values():
        for ent in ents:
            assert ent.cash_eur >= 0, "negative enterprise cash"
    for h in model.hubs.values():
        assert h.queue >= 0
    by_route = model.detections.sum(axis=2).sum(axis=0)
    by_edge = model.edge_stats[:, :, 2].sum(axis=0)
    lab = model.net.route_type
    sums = np.bincount(lab[lab >= 0], weights=by_edge[lab >= 0], minlength=len(ROUTE_TYPES))
    assert np.allclose(by_route, sums), "detections by route differ from detected crossings of labelled edges"
    assert by_edge[lab < 0].sum() == 0, "a detection on an unlabelled edge"
    det = getattr(model, "detention", None)
    if det is not None:  # detention (f): the places taken are those of the held not yet released
        assert np.allclose(det.occupancy, det.pending(model.day - 1)), "detention places taken by nobody held"
        assert (det.occupancy <= det.ceiling + 1e-9).all(), "more persons held than places"


def record_crossings(model, ids: np.ndarray, edge: np.ndarray, out, labelled: np.ndarray,
                     first_entry: np.ndarray) -> None:
    """Step 5's observation: today's crossing outcomes into the month's edge counts, detections,
    the agencies' sightings and the crossing log (persons = agents x ``persons_per_agent``).

    Parameters
    ----------
    model : sim.model.SmugglingModel
    ids, edge : ndarray of int, shape (n,)
        Movers (agent indices) and the edge each crossed.
    out : sim.crossing.CrossingOutcome
    labelled, first_entry : ndarray of bool, shape (n,)
        The edge carries a Frontex route; the crossing is the mover's first entry into the EU.
    """
    K, month = model.persons_per_agent, model.month_of_day[model.day]
    st = model.edge_stats[month]
    undetected = out.passed & labelled & ~out.detected
    for col, mask in enumerate((np.ones(len(ids), bool), out.prevented, out.detected, undetected, first_entry, out.died)):
        np.add.at(st[:, col], edge[mask], K)
    np.add.at(st[:, 6], edge, K)
    np.add.at(model.enforcement.seen_det, edge[out.detected], K)
    np.add.at(model.enforcement.seen_prev, edge[out.prevented], K)
    det = out.detected
    if det.any():
        np.add.at(model.detections[month], (model.odds.labelled[edge[det]], model.migrants.group[ids[det]]), K)
    logged = model.net.has_border[edge]
    if logged.any():
        model.crossing_log.append((ids[logged].astype(np.int32), edge[logged].astype(np.int16), model.day, det[logged]))


def record_detention(model) -> None:
    """Step 5's observation of detention (f): the persons :meth:`sim.detention.DetentionState.admit` just
    gave a place, and the detected entrants (not returned) who found none, into the month's counts.

    Parameters
    ----------
    model : sim.model.SmugglingModel
        A model with detention (``model.detention`` not None), right after ``admit``.
    """
    det = model.detention
    counts = model.detention_persons[model.month_of_day[model.day]]
    counts[:, 1] += det.admitted_today
    counts[:, 2] += det.no_place_today
