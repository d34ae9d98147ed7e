"""Checks between the tables of a scenario: references, kinds, duplicates and enforcement targets.

They run on every row that is valid by itself, so one load reports them together with the row
errors.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from typing import Any

from sim.labels import (
    EventKind,
    FrontexRoute,
    FrontexType,
    Mode,
    NodeKind,
    TargetType,
    parse_edge,
    parse_route,
)
from sim.scenario.problems import Problem
from sim.scenario.rows import (
    MAX_EFFORT,
    TABLE_COLUMNS,
    AgencyRow,
    DemandRow,
    DestinationRow,
    EventRow,
    NationalityOriginRow,
    NodeRow,
    OriginGroupRow,
    SegmentRow,
    _Row,
)


def _cross_check(
    rows: Mapping[str, Sequence[_Row | None] | None],
    files: Mapping[str, str],
    unchecked: Mapping[str, set[str]],
) -> list[Problem]:
    """Checks between tables.

    Parameters
    ----------
    rows : mapping
        Table name to its rows in file order; a row that failed its own validation is ``None``
        (so indices match the file) and a table that could not be read at all is ``None``.
    files : mapping
        Table name to the file name shown in problems.
    unchecked : mapping
        Names known from rows that failed validation (``nodes``, ``origin_groups``,
        ``segments`` as ``A->B``): references to them are not reported as unknown.
    """
    problems: list[Problem] = []

    def report(table: str, i: int, row: _Row, field: str, message: str) -> None:
        file, line, column = row.where(field, files.get(table, table), TABLE_COLUMNS[table].index(field) + 1)
        problems.append(Problem(file, line, column, f"{table}[{i}].{field}", message))

    def first(table: str, j: int, row: _Row) -> str:
        if row.line is None:
            return f"{table}[{j}]"
        return f"line {row.line}" if row.file is None else f"{row.file}:{row.line}"

    def listed(table: str) -> list[tuple[int, Any]]:
        return [(i, r) for i, r in enumerate(rows.get(table) or ()) if r is not None]

    def complete(table: str) -> bool:
        got = rows.get(table)
        return got is not None and all(r is not None for r in got)

    # nodes
    node_by_name: dict[str, tuple[int, NodeRow]] = {}
    for i, r in listed("nodes"):
        if r.name in node_by_name:
            j, other = node_by_name[r.name]
            report("nodes", i, r, "name", f"duplicate node {r.name!r} (first at {first('nodes', j, other)})")
        else:
            node_by_name[r.name] = (i, r)
    nodes_known = rows.get("nodes") is not None
    skip_nodes = unchecked.get("nodes", set())

    def node_ref(table: str, i: int, r: _Row, field: str, name: str, kind: NodeKind | None = None) -> None:
        if not nodes_known or name in skip_nodes:
            return
        found = node_by_name.get(name)
        if found is None:
            hint = difflib.get_close_matches(name, list(node_by_name), n=1)
            more = f" (did you mean {hint[0]!r}?)" if hint else ""
            report(table, i, r, field, f"unknown node {name!r}: not in nodes{more}")
        elif kind is not None and kind not in found[1].kind:
            kinds = ";".join(found[1].kind)
            report(table, i, r, field, f"node {name!r} has kind {kinds!r}, expected {kind.value!r}")

    # segments
    edges: dict[str, tuple[int, SegmentRow]] = {}
    labels: set[tuple[FrontexRoute, FrontexType]] = set()
    for i, r in listed("segments"):
        node_ref("segments", i, r, "source", r.source)
        node_ref("segments", i, r, "target", r.target)
        source = node_by_name.get(r.source)
        if r.first_reported is not None and r.mode is not Mode.AIR and source is not None and not source[1].is_market:
            kinds = ";".join(source[1].kind)
            report("segments", i, r, "first_reported",
                   f"first_reported is the date a smuggling service is first reported: {r.source!r} ({kinds}) is "
                   "no market (hub or departure), so nobody sells this segment and it would change nothing "
                   "(leave it empty)")
        if r.vessel_eur is not None and r.mode is not Mode.AIR and source is not None and not source[1].is_market:
            kinds = ";".join(source[1].kind)
            report("segments", i, r, "vessel_eur",
                   f"vessel_eur is the capital a seller needs for the segment: {r.source!r} ({kinds}) is no market "
                   "(hub or departure), so nobody sells this segment and it would change nothing (leave it empty)")
        if r.edge in edges:
            j, other = edges[r.edge]
            report("segments", i, r, "target", f"duplicate segment {r.edge!r} (first at {first('segments', j, other)})")
        else:
            edges[r.edge] = (i, r)
        if r.label is not None:
            labels.add(r.label)
    segments_known = rows.get("segments") is not None
    skip_edges = unchecked.get("segments", set())

    # origin groups
    groups: dict[str, tuple[int, OriginGroupRow]] = {}
    for i, r in listed("origin_groups"):
        if r.origin_group in groups:
            j, other = groups[r.origin_group]
            report("origin_groups", i, r, "origin_group",
                   f"duplicate origin group {r.origin_group!r} (first at {first('origin_groups', j, other)})")
        else:
            groups[r.origin_group] = (i, r)
    groups_known = rows.get("origin_groups") is not None
    skip_groups = unchecked.get("origin_groups", set())

    def group_ref(table: str, i: int, r: _Row, name: str) -> None:
        if not groups_known or name in skip_groups or name in groups:
            return
        hint = difflib.get_close_matches(name, list(groups), n=1)
        more = f" (did you mean {hint[0]!r}?)" if hint else ""
        report(table, i, r, "origin_group", f"unknown origin group {name!r}: not in origin_groups{more}")

    # destinations
    seen_dest: dict[tuple[str, str], tuple[int, DestinationRow]] = {}
    weight_by_group: dict[str, float] = {}
    first_of_group: dict[str, tuple[int, DestinationRow]] = {}
    for i, r in listed("destinations"):
        if r.origin_group != "*":
            group_ref("destinations", i, r, r.origin_group)
        node_ref("destinations", i, r, "destination", r.destination, NodeKind.DESTINATION)
        key = (r.origin_group, r.destination)
        if key in seen_dest:
            j, other = seen_dest[key]
            report("destinations", i, r, "destination",
                   f"duplicate destination {r.destination!r} for {r.origin_group!r} "
                   f"(first at {first('destinations', j, other)})")
        else:
            seen_dest[key] = (i, r)
        weight_by_group[r.origin_group] = weight_by_group.get(r.origin_group, 0.0) + r.weight
        first_of_group.setdefault(r.origin_group, (i, r))
    for group, total in weight_by_group.items():
        if total <= 0.0:
            i, r = first_of_group[group]
            report("destinations", i, r, "weight", f"weights of origin group {group!r} sum to 0")

    # demand
    seen_demand: dict[tuple[str, str, str], tuple[int, DemandRow]] = {}
    demand_first: dict[str, tuple[int, DemandRow]] = {}
    for i, r in listed("demand"):
        group_ref("demand", i, r, r.origin_group)
        node_ref("demand", i, r, "origin", r.origin, NodeKind.ORIGIN)
        key = (r.month, r.origin_group, r.origin)
        if key in seen_demand:
            j, other = seen_demand[key]
            report("demand", i, r, "origin",
                   f"duplicate demand row for {r.month} {r.origin_group!r} {r.origin!r} "
                   f"(first at {first('demand', j, other)})")
        else:
            seen_demand[key] = (i, r)
        demand_first.setdefault(r.origin_group, (i, r))
    if complete("destinations") and "*" not in weight_by_group:
        for group, (i, r) in demand_first.items():
            if group not in weight_by_group:
                report("demand", i, r, "origin_group",
                       f"origin group {group!r} has no rows in destinations and there is no '*' default")

    # nationality origins (optional)
    seen_nat: dict[tuple[str, str], tuple[int, NationalityOriginRow]] = {}
    nat_group: dict[str, tuple[int, NationalityOriginRow]] = {}
    for i, r in listed("nationality_origins"):
        group_ref("nationality_origins", i, r, r.origin_group)
        node_ref("nationality_origins", i, r, "origin", r.origin, NodeKind.ORIGIN)
        key = (r.nat_iso3, r.origin)
        if key in seen_nat:
            j, other = seen_nat[key]
            report("nationality_origins", i, r, "origin",
                   f"duplicate row for {r.nat_iso3!r} and {r.origin!r} (first at {first('nationality_origins', j, other)})")
        else:
            seen_nat[key] = (i, r)
        j, other = nat_group.setdefault(r.nat_iso3, (i, r))
        if other.origin_group != r.origin_group:
            report("nationality_origins", i, r, "origin_group",
                   f"nationality {r.nat_iso3!r} is in origin group {other.origin_group!r} at "
                   f"{first('nationality_origins', j, other)}")

    # agencies and events: targets
    def target_ref(table: str, i: int, r: AgencyRow | EventRow) -> None:
        if r.target_type is TargetType.AGENCY:
            return  # an effort_change or detention_change naming an agency: agency_change_ref
        if r.target_type is TargetType.NODE:
            node_ref(table, i, r, "target", r.target)
            return
        if not segments_known:
            return
        if r.target_type is TargetType.EDGE:
            source, target = parse_edge(r.target)
            edge = f"{source}->{target}"
            if edge not in edges and edge not in skip_edges:
                reverse = f"{target}->{source}"
                hint = [reverse] if reverse in edges else difflib.get_close_matches(edge, list(edges), n=1)
                more = f" (did you mean {hint[0]!r}?)" if hint else ""
                report(table, i, r, "target", f"no segment {edge!r} in segments{more}")
        elif complete("segments"):
            pair = parse_route(r.target)
            if pair not in labels:
                report(table, i, r, "target", f"no segment carries the label '{pair[0]}/{pair[1]}'")

    agencies = [a for _, a in listed("agencies")]

    def agency_change_ref(i: int, r: EventRow) -> None:
        """An effort_change or detention_change targets at least one agency row; an effort_change keeps
        each within the effort bound; a detention_change targets detaining rows only (one naming an
        agency: at least one of its rows detains, and it changes those)."""
        changed = [a for a in agencies if r.targets_row(a)]
        what = r.kind.value
        if not changed:
            if complete("agencies"):
                if r.target_type is TargetType.AGENCY:
                    names = list(dict.fromkeys(a.agency for a in agencies))
                    hint = difflib.get_close_matches(r.target, names, n=1)
                    more = f" (did you mean {hint[0]!r}?)" if hint else ""
                    report("events", i, r, "target", f"no agency {r.target!r} in agencies{more}")
                else:
                    report("events", i, r, "target",
                           f"no agency row targets {r.target_type.value} {r.target!r}: an {what} "
                           "changes agency rows (target_type agency and an agency name, or an agency "
                           "row's target_type and target)")
            return
        if r.kind is EventKind.DETENTION_CHANGE:
            if r.target_type is TargetType.AGENCY:
                if all(a.detention_days is None for a in changed):
                    rows_of = "its row" if len(changed) == 1 else f"any of its {len(changed)} rows"
                    report("events", i, r, "target",
                           f"agency {r.target!r} does not detain (no detention_days on {rows_of} in "
                           "agencies): a detention_change changes the detention of a detaining row")
                return
            for a in changed:
                if a.detention_days is None:
                    report("events", i, r, "target",
                           f"{a.agency!r} on {a.target!r} does not detain (no detention_days in agencies): "
                           "a detention_change changes the detention of a detaining row")
                    return
            return
        for a in changed:
            new = (a.effort if r.effort is None else r.effort) * r.magnitude
            if new > MAX_EFFORT:
                report("events", i, r, "magnitude",
                       f"takes the effort of {a.agency!r} on {a.target!r} to {new:g}, above {MAX_EFFORT:g} "
                       "(the bound of an agency's effort)")
                return

    for table in ("agencies", "events"):
        for i, r in listed(table):
            target_ref(table, i, r)
            if table == "events" and r.kind in (EventKind.EFFORT_CHANGE, EventKind.DETENTION_CHANGE):
                agency_change_ref(i, r)
    problems.extend(_empty_tables(rows, files))
    return problems



#: Tables the model cannot run without a row in each.
NEEDED_TABLES: tuple[str, ...] = ("nodes", "segments", "origin_groups", "destinations", "demand")

#: Mean Earth radius (km, IUGG), for great-circle distances.
EARTH_RADIUS_KM = 6371.0088

#: A segment's ``distance_km`` is implausible when it differs from the great-circle distance of its
#: ends by more than this factor (either way) beyond :data:`DISTANCE_SLACK_KM`. Structural: road and
#: detour factors of real corridors stay well below 3 (scenarios/README.md).
DISTANCE_FACTOR = 3.0
DISTANCE_SLACK_KM = 50.0

#: A place is outside the region of the others when its great-circle distance from the median
#: location (median latitude, median longitude) exceeds this factor times the largest such
#: distance among the other places' middle 90 % (their 95th percentile), and is over 1,000 km.
OUTLIER_FACTOR = 2.0
OUTLIER_MIN_KM = 1000.0


def _empty_tables(rows: Mapping[str, Sequence[_Row | None] | None], files: Mapping[str, str]) -> list[Problem]:
    """A table the model needs, read but without a single row (e.g. a header-only CSV)."""
    return [
        Problem(files.get(t, t), 2, None, t, f"no rows: the model needs at least one row in {t}")
        for t in NEEDED_TABLES
        if rows.get(t) is not None and len(rows[t]) == 0
    ]


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in km between two points given in degrees WGS84.

    Examples
    --------
    >>> round(great_circle_km(0.0, 0.0, 0.0, 1.0), 1)
    111.2
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def geography_warnings(
    nodes: Sequence[NodeRow], segments: Sequence[SegmentRow], files: Mapping[str, str]
) -> list[Problem]:
    """Implausible geography: warnings, not errors (the run goes on).

    - a segment whose ``distance_km`` and the great-circle distance ``d`` of its ends disagree:
      ``distance_km > DISTANCE_FACTOR * d + DISTANCE_SLACK_KM`` or
      ``distance_km < d / DISTANCE_FACTOR - DISTANCE_SLACK_KM`` (e.g. 26 km entered as 2,600 km,
      or an end with latitude and longitude swapped);
    - a place farther from the median location of all places than ``OUTLIER_FACTOR`` times the
      95th percentile of the others' distances, and more than ``OUTLIER_MIN_KM``.

    Parameters
    ----------
    nodes, segments : sequence of rows
    files : mapping
        Table name to the file name shown.

    Returns
    -------
    list of Problem
        One per finding, at the row's line.
    """
    out: list[Problem] = []
    where = {n.name: n for n in nodes}
    for i, s in enumerate(segments):
        a, b = where.get(s.source), where.get(s.target)
        if a is None or b is None:
            continue
        d = great_circle_km(a.lat, a.lon, b.lat, b.lon)
        if s.distance_km > DISTANCE_FACTOR * d + DISTANCE_SLACK_KM or s.distance_km < d / DISTANCE_FACTOR - DISTANCE_SLACK_KM:
            out.append(Problem(
                files.get("segments", "segments"), s.line, TABLE_COLUMNS["segments"].index("distance_km") + 1,
                f"segments[{i}].distance_km",
                f"{s.edge}: distance_km {s.distance_km:g} but the great-circle distance of its ends is "
                f"{d:.0f} km (more than {DISTANCE_FACTOR:g}x apart; check the distance and the coordinates)",
            ))
    if len(nodes) >= 4:
        lats = sorted(n.lat for n in nodes)
        lons = sorted(n.lon for n in nodes)
        mid = len(nodes) // 2
        mlat = lats[mid] if len(nodes) % 2 else (lats[mid - 1] + lats[mid]) / 2
        mlon = lons[mid] if len(nodes) % 2 else (lons[mid - 1] + lons[mid]) / 2
        dist = [great_circle_km(mlat, mlon, n.lat, n.lon) for n in nodes]
        for i, n in enumerate(nodes):
            others = sorted(d for j, d in enumerate(dist) if j != i)
            p95 = others[min(len(others) - 1, math.ceil(0.95 * len(others)) - 1)]
            if dist[i] > max(OUTLIER_FACTOR * p95, OUTLIER_MIN_KM):
                out.append(Problem(
                    files.get("nodes", "nodes"), n.line, TABLE_COLUMNS["nodes"].index("lat") + 1,
                    f"nodes[{i}].lat",
                    f"{n.name!r} at ({n.lat:g}, {n.lon:g}) is {dist[i]:.0f} km from the median location of "
                    f"the places ({mlat:g}, {mlon:g}), more than {OUTLIER_FACTOR:g}x the others' "
                    f"{p95:.0f} km (latitude and longitude swapped?)",
                ))
    return out


def _demand_destinations(scenario: Any) -> dict[str, list[tuple[str, float]]]:
    """Destinations with positive weight of each origin group (``*`` rows for groups without own)."""
    own: dict[str, list[tuple[str, float]]] = {}
    for r in scenario.destinations:
        if r.weight > 0:
            own.setdefault(r.origin_group, []).append((r.destination, r.weight))
    groups = {r.origin_group for r in scenario.origin_groups} | {r.origin_group for r in scenario.demand}
    return {g: own.get(g, own.get("*", [])) for g in groups}


def _demand_file(scenario: Any) -> str:
    from sim.scenario.problems import _display

    path = scenario.table_paths().get("demand")
    return _display(path) if path is not None else "demand"


def _unreachable_pairs(scenario: Any) -> list[tuple[int, DemandRow, str, float]]:
    """(row index, first demand row, destination, weight share) of each unreachable pair."""
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(n.name for n in scenario.nodes)
    graph.add_edges_from((s.source, s.target) for s in scenario.segments)
    dests = _demand_destinations(scenario)
    reach: dict[str, set[str]] = {}
    seen: set[tuple[str, str]] = set()
    out = []
    for i, r in enumerate(scenario.demand):
        if r.persons_detected <= 0:
            continue
        if r.origin not in reach:
            reach[r.origin] = nx.descendants(graph, r.origin) if r.origin in graph else set()
        total = sum(w for _, w in dests.get(r.origin_group, []))
        for dest, weight in dests.get(r.origin_group, []):
            if dest not in reach[r.origin] and (r.origin, dest) not in seen:
                seen.add((r.origin, dest))
                out.append((i, r, dest, weight / total))
    return out


def unreachable_demand(scenario: Any) -> list[Problem]:
    """Every (origin, destination) pair with demand but no directed path in the segments.

    The model would send such migrants home on their first day without a word; a run refuses
    them unless asked to count them as stranded. One problem per pair, at its first demand row.

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    list of Problem
        Empty when every pair with positive demand and positive destination weight has a path.
    """
    shown = _demand_file(scenario)
    return [
        Problem(shown, r.line, TABLE_COLUMNS["demand"].index("origin") + 1, f"demand[{i}].origin",
                f"no path from {r.origin!r} to destination {dest!r} (origin group {r.origin_group!r}, "
                f"{share:.0%} of its demand) in segments")
        for i, r, dest, share in _unreachable_pairs(scenario)
    ]


def stranded_demand(scenario: Any) -> list[dict[str, Any]]:
    """Demand of the reported months bound for unreachable destinations, per pair.

    Returns
    -------
    list of dict
        Keys ``origin``, ``origin_group``, ``destination`` and ``persons_detected``: the demand of
        the reported months times the destination's weight share (persons per the demand table,
        before the undetected share): the persons the model sends home on their first day.
    """
    unreachable = {(r.origin, dest) for _, r, dest, _ in _unreachable_pairs(scenario)}
    if not unreachable:
        return []
    first, last = scenario.start.strftime("%Y-%m"), scenario.end.strftime("%Y-%m")
    dests = _demand_destinations(scenario)
    totals: dict[tuple[str, str, str], float] = {}
    for r in scenario.demand:
        if not first <= r.month <= last:
            continue
        total = sum(w for _, w in dests.get(r.origin_group, [])) or 1.0
        for dest, weight in dests.get(r.origin_group, []):
            if (r.origin, dest) in unreachable:
                key = (r.origin, r.origin_group, dest)
                totals[key] = totals.get(key, 0.0) + r.persons_detected * weight / total
    return [{"origin": o, "origin_group": g, "destination": d, "persons_detected": round(v, 3)}
            for (o, g, d), v in sorted(totals.items())]


def no_spawn_problem(scenario: Any) -> Problem | None:
    """A problem if no migrant can be spawned: no positive demand in a reported month.

    The model spawns from the demand of the reported months only (the burn-in repeats the first
    reported month), so demand rows all outside ``start..end`` or all zero give a run of zeros.

    Returns
    -------
    Problem or None
    """
    first, last = scenario.start.strftime("%Y-%m"), scenario.end.strftime("%Y-%m")
    if any(r.persons_detected > 0 and first <= r.month <= last for r in scenario.demand):
        return None
    months = sorted({r.month for r in scenario.demand if r.persons_detected > 0})
    have = f"demand is positive only in {months[0]}..{months[-1]}" if months else "all demand is zero"
    return Problem(_demand_file(scenario), None, None, "demand",
                   f"no migrant would be spawned: {have}, the run reports {first}..{last}")
