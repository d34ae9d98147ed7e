"""Checks between the tables of a scenario: references, kinds, duplicates and enforcement targets.

They run on every row that is valid by itself, so one load reports them together with the row
errors.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any

from sim.labels import FrontexRoute, FrontexType, NodeKind, TargetType, parse_edge, parse_route
from sim.scenario.problems import Problem
from sim.scenario.rows import (
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

    for table in ("agencies", "events"):
        for i, r in listed(table):
            target_ref(table, i, r)
    return problems

