"""Scenario files: schema, YAML loading, CSV tables and error reporting.

A scenario is one YAML file plus CSV tables referenced by paths relative to it (DESIGN section 5,
``docs/architecture.md`` "Scenario files"). :func:`load_scenario` reads and validates everything and
returns a frozen :class:`Scenario`; if anything is wrong it raises one :class:`ScenarioError` that
lists **every** problem found, each as ``file:line:column: field.path: message``:

- YAML is read with ruamel.yaml's round-trip loader, a fresh ``YAML()`` per file (YAML 1.2, so the
  country code ``NO`` stays a string), and the line and column of every key and value are kept so
  that pydantic's errors point back into the file. Unknown keys are errors everywhere, including
  inside ``parameters`` (:class:`sim.parameters.Parameters`).
- CSV tables are read with the :mod:`csv` module so that row numbers are exact. The header must be
  the table's columns, in order. A problem in a row is reported as
  ``tables/segments.csv:ROW:COL: segments[i].field: message`` with ROW the 1-based line of the file,
  COL the 1-based column of the field and ``i`` the 0-based index of the data row. Empty cells are
  missing values (``None`` for optional columns).
- Cross-table checks (endpoints, kinds, duplicates, enforcement targets) run on every row that is
  valid by itself, so one run reports them together with the row errors.

This module is the only place that reads scenario files; the model is built from a
``Scenario`` and a seed.

Examples
--------
>>> from pathlib import Path
>>> import sim
>>> tiny = Path(sim.__file__).parent.parent / "tests" / "fixtures" / "scenario_tiny" / "scenario.yaml"
>>> sc = load_scenario(tiny)
>>> sc.name, len(sc.nodes), sc.segments[3].edge
('tiny', 9, 'Izmir->Lesvos')
>>> sc.node_kinds("Izmir") == {"hub", "departure"}
True
>>> len(sc.scenario_hash())
64
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from sim.labels import (
    FRONTEX_PAIRS,
    MARKET_KINDS,
    EventKind,
    FrontexRoute,
    FrontexType,
    Mode,
    NodeKind,
    Policy,
    Side,
    TargetType,
    parse_edge,
    parse_route,
)
from sim.parameters import Parameters

__all__ = [
    "FRONTEX_PAIRS",
    "MARKET_KINDS",
    "REQUIRED_TABLES",
    "TABLE_COLUMNS",
    "TABLE_ROWS",
    "AgencyRow",
    "DemandRow",
    "DestinationRow",
    "EventKind",
    "EventRow",
    "FrontexRoute",
    "FrontexType",
    "Mode",
    "NationalityOriginRow",
    "NodeKind",
    "NodeRow",
    "OriginGroupRow",
    "Problem",
    "Scenario",
    "ScenarioError",
    "ScenarioSettings",
    "SegmentRow",
    "Policy",
    "Side",
    "TablePaths",
    "TargetType",
    "load_scenario",
    "parse_edge",
    "parse_route",
]


# --------------------------------------------------------------------------------------------------
# Problems and the error that carries them


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in a scenario file or table.

    Parameters
    ----------
    file : str
        The file, relative to the current directory when it lies below it, else absolute.
    line : int or None
        1-based line in the file (for CSV tables: the line where the row starts).
    column : int or None
        1-based column: in YAML the character column, in CSV the index of the field in the header.
    field : str
        Dotted path of the field, e.g. ``parameters.choice.reputation_weight`` or
        ``segments[3].distance_km``; empty for problems with the file as a whole.
    message : str
        What is wrong.

    Examples
    --------
    >>> str(Problem("scenarios/x.yaml", 4, 3, "parameters.choice.bogus", "unknown key 'bogus'"))
    "scenarios/x.yaml:4:3: parameters.choice.bogus: unknown key 'bogus'"
    >>> str(Problem("scenarios/x.yaml", None, None, "", "file not found"))
    'scenarios/x.yaml: file not found'
    """

    file: str
    line: int | None
    column: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


class ScenarioError(Exception):
    """Every problem of a scenario, raised at once.

    Not a ``ValueError`` on purpose: raised inside a pydantic validator it propagates unchanged.

    Parameters
    ----------
    problems : iterable of Problem
        The problems, in reporting order.

    Attributes
    ----------
    problems : list of Problem

    Examples
    --------
    >>> err = ScenarioError([Problem("a.yaml", 1, 1, "name", "bad"), Problem("a.yaml", 2, 1, "seed", "bad")])
    >>> print(err)
    a.yaml:1:1: name: bad
    a.yaml:2:1: seed: bad
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class _FieldProblems(ValueError):
    """Cross-field problems raised by a model validator, each tied to one field.

    pydantic reports a ``ValueError`` from a model validator with an empty location; the error
    object travels in ``ctx['error']``, from which the field names are recovered.
    """

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self.items = items
        super().__init__("; ".join(f"{f}: {m}" for f, m in items))


# --------------------------------------------------------------------------------------------------
# Row models, one per table


def _iso_date(value: Any) -> Any:
    """Accept dates and ``YYYY-MM-DD`` strings only (pydantic alone also takes timestamps)."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ValueError(f"expected an ISO date YYYY-MM-DD, got {value!r}")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Iso2 = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code (XK: Kosovo).")]


def _target_problem(target_type: TargetType, target: str) -> str | None:
    if target_type is TargetType.EDGE:
        try:
            parse_edge(target)
        except ValueError as exc:
            return str(exc)
    elif target_type is TargetType.ROUTE:
        try:
            parse_route(target)
        except ValueError as exc:
            return str(exc)
    return None


class _Row(BaseModel):
    """Base of the table rows: strict keys, frozen, finite numbers, stripped strings."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, allow_inf_nan=False, str_strip_whitespace=True
    )
    _line: int | None = PrivateAttr(default=None)

    @property
    def line(self) -> int | None:
        """1-based line of the CSV file the row was read from (``None`` if built in code)."""
        return self._line


class NodeRow(_Row):
    """A row of ``nodes.csv``: a place of the route graph."""

    name: Name = Field(description="Place name, unique; must not contain '->'.")
    country_iso2: Iso2
    lat: float = Field(ge=-90.0, le=90.0, description="Latitude, degrees WGS84.")
    lon: float = Field(ge=-180.0, le=180.0, description="Longitude, degrees WGS84.")
    kind: tuple[NodeKind, ...] = Field(
        description="One or more kinds, ';'-joined in the file; stored unique in NodeKind order."
    )
    note: str | None = None

    @field_validator("name")
    @classmethod
    def _no_arrow(cls, v: str) -> str:
        if "->" in v:
            raise ValueError("a place name must not contain '->'")
        return v

    @field_validator("kind", mode="before")
    @classmethod
    def _split_kind(cls, v: Any) -> Any:
        if isinstance(v, str):
            return [p.strip() for p in v.split(";")]
        return v

    @field_validator("kind")
    @classmethod
    def _order_kind(cls, v: tuple[NodeKind, ...]) -> tuple[NodeKind, ...]:
        if not v:
            raise ValueError("at least one kind is required")
        order = list(NodeKind)
        return tuple(sorted(set(v), key=order.index))

    @property
    def is_market(self) -> bool:
        """Whether migrants wait and buy passage here (a hub or a departure point)."""
        return not MARKET_KINDS.isdisjoint(self.kind)


class SegmentRow(_Row):
    """A row of ``segments.csv``: a directed edge of the route graph."""

    source: Name
    target: Name
    mode: Mode
    distance_km: float = Field(ge=0.0, le=20000.0, description="Length of the segment (km).")
    travel_days: float = Field(ge=0.0, le=365.0, description="Time to travel it (days).")
    base_fee_eur: float = Field(
        ge=0.0, le=50000.0, description="Standard-service fee per person (EUR), before markup."
    )
    death_risk: float = Field(
        ge=0.0, le=1.0, description="Probability that a crossing group has a fatal incident."
    )
    frontex_route: FrontexRoute | None = Field(None, description="Only on EU-entry edges.")
    frontex_type: FrontexType | None = Field(None, description="Given with frontex_route.")
    border: str | None = Field(
        None, pattern=r"^[A-Z]{2}-[A-Z]{2}$", description="e.g. 'TR-GR'; empty inside a country."
    )
    labelled_from: IsoDate | None = Field(
        None, description="Date from which the Frontex label applies (empty: always)."
    )
    note: str | None = None

    @model_validator(mode="after")
    def _check(self) -> SegmentRow:
        items: list[tuple[str, str]] = []
        if self.source == self.target:
            items.append(("target", f"a segment must join two places, got {self.source!r} twice"))
        if (self.frontex_route is None) != (self.frontex_type is None):
            missing = "frontex_type" if self.frontex_type is None else "frontex_route"
            items.append((missing, "frontex_route and frontex_type are given together or not at all"))
        elif self.frontex_route is not None and self.label not in FRONTEX_PAIRS:
            items.append(("frontex_type", f"Frontex reports no pair '{self.frontex_route}/{self.frontex_type}'"))
        if self.labelled_from is not None and self.frontex_route is None:
            items.append(("labelled_from", "labelled_from needs frontex_route and frontex_type"))
        if items:
            raise _FieldProblems(items)
        return self

    @property
    def edge(self) -> str:
        """The edge as ``source->target``."""
        return f"{self.source}->{self.target}"

    @property
    def label(self) -> tuple[FrontexRoute, FrontexType] | None:
        """``(frontex_route, frontex_type)``, or None on unlabelled edges."""
        if self.frontex_route is None or self.frontex_type is None:
            return None
        return (self.frontex_route, self.frontex_type)


class OriginGroupRow(_Row):
    """A row of ``origin_groups.csv``. Budget per person is lognormal(median, sigma)."""

    origin_group: Name
    budget_median_eur: float = Field(gt=0.0, le=1e6, description="Median budget per person (EUR).")
    budget_sigma: float = Field(ge=0.0, le=5.0, description="Sigma of log budget.")
    female_share: float = Field(ge=0.0, le=1.0)
    minor_share: float = Field(ge=0.0, le=1.0)
    risk_tolerance_mean: float = Field(ge=0.0, le=1.0)
    note: str | None = None

    @field_validator("origin_group")
    @classmethod
    def _not_star(cls, v: str) -> str:
        if v == "*":
            raise ValueError("'*' is reserved for the default rows of destinations.csv")
        return v


class DestinationRow(_Row):
    """A row of ``destinations.csv``; ``origin_group`` ``*`` is the default for other groups."""

    origin_group: Name
    destination: Name
    weight: float = Field(ge=0.0, le=1e9, description="Relative weight, normalised per group.")
    note: str | None = None


class DemandRow(_Row):
    """A row of ``demand.csv``: persons leaving an origin in a month, before the undetected share."""

    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")
    origin_group: Name
    origin: Name
    persons_detected: float = Field(ge=0.0, le=1e7, description="Persons per month.")

    @property
    def first_day(self) -> dt.date:
        """The first day of ``month``."""
        return dt.date(int(self.month[:4]), int(self.month[5:7]), 1)


class AgencyRow(_Row):
    """A row of ``agencies.csv``: an enforcement agency's standing effort on one target."""

    agency: Name
    country_iso2: Iso2
    side: Side
    target_type: TargetType
    target: Name
    effort: float = Field(ge=0.0, le=10.0, description="Standing baseline effort (dimensionless).")
    effort_low: float = Field(ge=0.0, le=10.0, description="Low end of the prior range.")
    effort_high: float = Field(ge=0.0, le=10.0, description="High end of the prior range.")
    policy: Policy = Field(
        Policy.TIMELINE, description="timeline, or adaptive (reacts to rising detections; empty: timeline)."
    )
    note: str | None = None

    @model_validator(mode="after")
    def _check(self) -> AgencyRow:
        items: list[tuple[str, str]] = []
        if (msg := _target_problem(self.target_type, self.target)) is not None:
            items.append(("target", msg))
        if self.effort_low > self.effort_high:
            items.append(("effort_low", f"prior range reversed: effort_low {self.effort_low} > effort_high {self.effort_high}"))
        elif not self.effort_low <= self.effort <= self.effort_high:
            items.append(("effort", f"effort {self.effort} outside its prior range [{self.effort_low}, {self.effort_high}]"))
        if items:
            raise _FieldProblems(items)
        return self


class EventRow(_Row):
    """A row of ``events.csv`` (columns of ``enforcement_events.csv``).

    The effect ramps linearly from 0 at ``start`` to 1 at ``full_effect`` and stops after ``end``
    (``None``: it stays).
    """

    start: IsoDate
    full_effect: IsoDate
    end: IsoDate | None = None
    kind: EventKind
    target_type: TargetType
    target: Name
    description: str | None = None
    source_quality: str | None = None

    @model_validator(mode="after")
    def _check(self) -> EventRow:
        items: list[tuple[str, str]] = []
        if self.full_effect < self.start:
            items.append(("full_effect", f"full_effect {self.full_effect} is before start {self.start}"))
        if self.end is not None and self.end < self.full_effect:
            items.append(("end", f"end {self.end} is before full_effect {self.full_effect}"))
        if (msg := _target_problem(self.target_type, self.target)) is not None:
            items.append(("target", msg))
        if items:
            raise _FieldProblems(items)
        return self


class NationalityOriginRow(_Row):
    """A row of the optional ``nationality_origins.csv``: where the demand builder places a nationality.

    A nationality with several origin nodes has one row per node (one origin group). An input of ``scripts/build_demand.py`` (:func:`sim.demand.nationality_origins`), kept for
    provenance: the model reads ``demand.csv`` only.
    """

    nat_iso3: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3 (Frontex codes: XKX, OOS, ...).")
    origin_group: Name
    origin: Name
    note: str | None = None


#: Row model of each table, in the order tables are read and reported.
TABLE_ROWS: dict[str, type[_Row]] = {
    "nodes": NodeRow,
    "segments": SegmentRow,
    "origin_groups": OriginGroupRow,
    "destinations": DestinationRow,
    "demand": DemandRow,
    "agencies": AgencyRow,
    "events": EventRow,
    "nationality_origins": NationalityOriginRow,
}

#: Tables every scenario must have; the others are optional.
REQUIRED_TABLES: tuple[str, ...] = (
    "nodes", "segments", "origin_groups", "destinations", "demand", "agencies", "events",
)

#: Expected CSV header of each table.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {t: tuple(m.model_fields) for t, m in TABLE_ROWS.items()}


# --------------------------------------------------------------------------------------------------
# The scenario


def _nonempty_path(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        raise ValueError("a path is required")
    return value


TablePath = Annotated[Path, BeforeValidator(_nonempty_path)]


class TablePaths(BaseModel):
    """The ``tables:`` block: CSV paths relative to the scenario file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    nodes: TablePath
    segments: TablePath
    origin_groups: TablePath
    destinations: TablePath
    demand: TablePath
    agencies: TablePath
    events: TablePath
    nationality_origins: TablePath | None = Field(
        None,
        description="Optional input of the demand builder (scripts/build_demand.py); validated, "
        "not read by the model and not part of the scenario hash.",
    )


class ScenarioSettings(BaseModel):
    """The keys of a scenario YAML file (everything but the table rows)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = Field(
        pattern=r"^[a-z0-9_-]+$", max_length=100, description="Names the results folder."
    )
    description: str | None = None
    start: IsoDate = Field(description="First reported day.")
    end: IsoDate = Field(description="Last reported day (inclusive).")
    burn_in_days: int = Field(
        90, ge=0, le=365, description="Days before start, driven by the first month's demand, not reported."
    )
    persons_per_agent: int = Field(
        1, ge=1, le=1000, description="Persons per migrant agent; reported counts are always persons."
    )
    seed: int = Field(0, ge=0, le=2**63 - 1, description="Default root seed.")
    tables: TablePaths
    parameters: Parameters = Field(default_factory=Parameters)

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("start")
        if start is not None and end <= start:
            raise ValueError(f"end {end} must be after start {start}")
        return end


class Scenario(ScenarioSettings):
    """A validated scenario: the YAML settings, its parameters and its table rows.

    Frozen. Build it with :func:`load_scenario`; change it with :meth:`with_overrides` (which
    validates again), never with ``model_copy(update=...)``. Constructing it directly runs the
    cross-table checks and raises :class:`ScenarioError` if they fail.

    Attributes
    ----------
    source_path : Path or None
        Absolute path of the YAML file (``None`` if built in code: tables relative to the cwd).
    nodes, segments, origin_groups, destinations, demand, agencies, events : tuple of rows
        Validated rows (:class:`NodeRow`, :class:`SegmentRow`, ...) in file order.
    nationality_origins : tuple of NationalityOriginRow
        Rows of the optional table (empty if the scenario has none).
    """

    source_path: Path | None = None
    nodes: tuple[NodeRow, ...]
    segments: tuple[SegmentRow, ...]
    origin_groups: tuple[OriginGroupRow, ...]
    destinations: tuple[DestinationRow, ...]
    demand: tuple[DemandRow, ...]
    agencies: tuple[AgencyRow, ...]
    events: tuple[EventRow, ...]
    nationality_origins: tuple[NationalityOriginRow, ...] = ()

    _kinds: dict[str, frozenset[NodeKind]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _check_tables(self) -> Scenario:
        rows = {t: getattr(self, t) for t in TABLE_ROWS}
        files = {t: _display(p) for t, p in self.table_paths().items()}
        problems = _cross_check(rows, files, {})
        if problems:
            raise ScenarioError(problems)
        self._kinds = {n.name: frozenset(n.kind) for n in self.nodes}
        return self

    # ---- helpers for the model -------------------------------------------------------------

    def node_kinds(self, name: str) -> set[NodeKind]:
        """Kinds of a node.

        Parameters
        ----------
        name : str
            A node name.

        Returns
        -------
        set of NodeKind
            ``NodeKind`` is a ``StrEnum``: members compare equal to their strings.

        Raises
        ------
        KeyError
            If there is no such node.
        """
        try:
            return set(self._kinds[name])
        except KeyError:
            raise KeyError(f"no node {name!r} in scenario {self.name!r}") from None

    def dates(self) -> tuple[dt.date, dt.date, dt.date]:
        """First simulated day (burn-in included), first reported day and last reported day.

        Returns
        -------
        tuple of datetime.date
            ``(start - burn_in_days, start, end)``; ``end`` is inclusive.
        """
        return self.start - dt.timedelta(days=self.burn_in_days), self.start, self.end

    def table_paths(self) -> dict[str, Path]:
        """Absolute paths of the tables, keyed by table name (``nationality_origins`` if given).

        Returns
        -------
        dict of str to Path
        """
        base = self.source_path.parent if self.source_path is not None else Path.cwd()
        out = {}
        for key in TablePaths.model_fields:
            rel = getattr(self.tables, key)
            if rel is not None:
                out[key] = (base / rel).absolute()
        return out

    # ---- identity ----------------------------------------------------------------------------

    def canonical_json(self) -> str:
        """The validated content as canonical JSON: the hash input.

        Every setting, all parameters (defaults filled in) and every row of the model's tables,
        with sorted keys and no whitespace; no paths (``source_path`` and ``tables`` are left out),
        so a copied or moved scenario keeps its hash. ``nationality_origins``, an input of the
        demand builder that the model never reads, is left out too.

        Returns
        -------
        str
        """
        payload = self.model_dump(mode="json", exclude={"source_path", "tables", "nationality_origins"})
        return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)

    def scenario_hash(self) -> str:
        """SHA-256 (hex) of :meth:`canonical_json`.

        Returns
        -------
        str
            64 hexadecimal characters.
        """
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()

    # ---- changed copies ------------------------------------------------------------------------

    def with_overrides(self, **changes: Any) -> Scenario:
        """A validated copy with some fields changed.

        Parameters
        ----------
        **changes
            Scenario fields to replace, e.g. ``persons_per_agent=100``,
            ``events=[e for e in sc.events if e.kind != "fence"]``. ``parameters`` may be a
            :class:`~sim.parameters.Parameters` (replaces them) or a nested mapping merged into the
            current parameters, e.g. ``parameters={"choice": {"reputation_weight": 0.0}}``.

        Returns
        -------
        Scenario

        Raises
        ------
        ScenarioError
            For unknown fields and for any value or cross-table check that fails.

        Examples
        --------
        >>> from pathlib import Path
        >>> import sim
        >>> tiny = Path(sim.__file__).parent.parent / "tests/fixtures/scenario_tiny/scenario.yaml"
        >>> sc = load_scenario(tiny)
        >>> sc2 = sc.with_overrides(persons_per_agent=10, parameters={"choice": {"reputation_weight": 0.0}})
        >>> sc2.persons_per_agent, sc2.parameters.choice.reputation_weight, sc.persons_per_agent
        (10, 0.0, 1)
        """
        fields = type(self).model_fields
        yaml_file = _display(self.source_path) if self.source_path is not None else "<scenario>"
        unknown = [k for k in changes if k not in fields]
        if unknown:
            raise ScenarioError(
                Problem(yaml_file, None, None, k, _unknown_key_message(k, list(fields)))
                for k in unknown
            )
        data = {name: getattr(self, name) for name in fields}
        params = changes.get("parameters")
        if isinstance(params, Mapping):
            changes = dict(changes)
            changes["parameters"] = _deep_merge(self.parameters.model_dump(), params)
        data.update(changes)
        try:
            return type(self).model_validate(data)
        except ValidationError as err:
            files = {t: _display(p) for t, p in self.table_paths().items()}
            problems = []
            for e in err.errors():
                for loc, msg in _expand(e):
                    table = loc[0] if loc and loc[0] in TABLE_ROWS else None
                    column = None
                    if table is not None and len(loc) >= 3 and loc[2] in TABLE_COLUMNS[table]:
                        column = TABLE_COLUMNS[table].index(loc[2]) + 1
                    problems.append(
                        Problem(files.get(table, yaml_file) if table else yaml_file, None, column, _field_path(loc), msg)
                    )
            raise ScenarioError(problems) from None


# --------------------------------------------------------------------------------------------------
# Cross-table checks


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
        column = TABLE_COLUMNS[table].index(field) + 1
        problems.append(Problem(files.get(table, table), row.line, column, f"{table}[{i}].{field}", message))

    def first(table: str, j: int, row: _Row) -> str:
        return f"line {row.line}" if row.line is not None else f"{table}[{j}]"

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


# --------------------------------------------------------------------------------------------------
# Reading files


def _display(path: Path) -> str:
    """The path relative to the current directory if it lies below it, else absolute."""
    cwd = Path.cwd()
    for p, base in ((path.absolute(), cwd.absolute()), (path.resolve(), cwd.resolve())):
        try:
            return p.relative_to(base).as_posix()
        except ValueError:
            continue
    return str(path.absolute())


Position = tuple[int, int]  # 1-based line and column


def _plain(node: Any, path: tuple[Any, ...], pos: dict[tuple[Any, ...], tuple[Position, Position]]) -> Any:
    """Copy ruamel round-trip data into plain Python values, recording key and value positions."""
    if isinstance(node, CommentedMap):
        out: dict[str, Any] = {}
        for k, v in node.items():
            key = k if isinstance(k, str) else str(k)
            kl, kc = node.lc.key(k)
            vl, vc = node.lc.value(k)
            pos[(*path, key)] = ((kl + 1, kc + 1), (vl + 1, vc + 1))
            out[key] = _plain(v, (*path, key), pos)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for i, v in enumerate(node):
            line, col = node.lc.item(i)
            pos[(*path, i)] = ((line + 1, col + 1), (line + 1, col + 1))
            items.append(_plain(v, (*path, i), pos))
        return items
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        if type(node).__name__ == "ScalarBoolean":
            return bool(node)
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node  # dates and timestamps


def _not_utf8(path: Path, shown: str, table: str, exc: UnicodeDecodeError) -> Problem:
    """The problem of a table that is not UTF-8, at the line of its first bad byte.

    The CSV reader decodes in chunks, so ``exc.start`` is a position in a chunk: the whole file is
    decoded again to find the line.
    """
    try:
        raw = path.read_bytes()
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as whole:
        return Problem(shown, raw[: whole.start].count(b"\n") + 1, None, table, f"not UTF-8 text: {whole}")
    except OSError:
        pass
    return Problem(shown, None, None, table, f"not UTF-8 text: {exc}")


class _DatesAsText(RoundTripConstructor):
    """Round-trip constructor that leaves YAML timestamps as text.

    ruamel.yaml would build ``datetime.date`` itself and raise a bare ``ValueError`` without a
    position for an impossible date such as ``2014-02-30``; as text, the schema parses the date and
    reports a bad one at its line and column like any other field.
    """


_DatesAsText.add_constructor("tag:yaml.org,2002:timestamp", _DatesAsText.construct_yaml_str)


def _read_yaml(path: Path, shown: str) -> tuple[Any, dict[tuple[Any, ...], tuple[Position, Position]]]:
    """Read a YAML file into plain data; raise ScenarioError if it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([Problem(shown, None, None, "", "file not found")]) from None
    except IsADirectoryError:
        raise ScenarioError([Problem(shown, None, None, "", "is a directory, not a scenario file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(shown, None, None, "", f"cannot read: {exc}")]) from None
    yaml = YAML()  # a fresh round-trip loader per file: YAML 1.2, `NO` stays a string
    yaml.Constructor = _DatesAsText  # dates are checked by the schema, with their position
    try:
        doc = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(s for s in (exc.context, exc.problem) if s) or "invalid YAML"
        line = mark.line + 1 if mark is not None else None
        col = mark.column + 1 if mark is not None else None
        raise ScenarioError([Problem(shown, line, col, "", f"YAML syntax error: {what}")]) from None
    except YAMLError as exc:
        raise ScenarioError([Problem(shown, None, None, "", f"YAML error: {exc}")]) from None
    if not isinstance(doc, CommentedMap):
        kind = "empty" if doc is None else f"a {_yaml_kind(doc)}"
        raise ScenarioError(
            [Problem(shown, 1, 1, "", f"a scenario file must be a mapping of keys, this one is {kind}")]
        )
    pos: dict[tuple[Any, ...], tuple[Position, Position]] = {(): ((1, 1), (doc.lc.line + 1, doc.lc.col + 1))}
    return _plain(doc, (), pos), pos


_PATTERN_MESSAGES = {
    "name": "expected lower-case letters, digits, '_' and '-' only",
    "month": "expected a month YYYY-MM",
    "country_iso2": "expected an ISO 3166-1 alpha-2 code in capitals, e.g. 'GR'",
    "border": "expected two ISO2 codes joined by '-', e.g. 'TR-GR'",
    "nat_iso3": "expected an ISO 3166-1 alpha-3 code in capitals, e.g. 'SYR'",
}


def _yaml_kind(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return type(value).__name__


def _expand(error: Mapping[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """(location, message) pairs of one pydantic error; cross-field errors become one per field."""
    loc = tuple(x for x in error["loc"] if not (isinstance(x, str) and ("[" in x or x.endswith("-or-strict"))))
    exc = (error.get("ctx") or {}).get("error")
    if isinstance(exc, _FieldProblems):
        return [((*loc, field), msg) for field, msg in exc.items]
    kind = error["type"]
    msg = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    names = [x for x in loc if isinstance(x, str)]
    if kind == "missing":
        msg = "a value is required"
    elif kind == "string_pattern_mismatch" and names and names[-1] in _PATTERN_MESSAGES:
        msg = _PATTERN_MESSAGES[names[-1]]
    if kind not in ("missing", "extra_forbidden", "value_error"):
        value = error.get("input")
        if isinstance(value, str | int | float | dt.date) and not isinstance(value, bool) and repr(value) not in msg:
            msg = f"{msg} (got {value!r})"
    return [(loc, msg)]


def _field_path(loc: Sequence[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _model_at(loc: Sequence[Any]) -> type[BaseModel] | None:
    """The pydantic model that validates the mapping at ``loc`` of a scenario file, if any."""
    model: type[BaseModel] = ScenarioSettings
    for part in loc:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        ann = field.annotation if field is not None else None
        if not (isinstance(ann, type) and issubclass(ann, BaseModel)):
            return None
        model = ann
    return model


def _unknown_key_message(key: str, allowed: list[str]) -> str:
    hint = [a for a in allowed if key and a.startswith(key)] or difflib.get_close_matches(key, allowed, n=1)
    more = f" (did you mean {hint[0]!r}?)" if hint else ""
    return f"unknown key {key!r}{more}; allowed: {', '.join(allowed)}"


def _yaml_problems(
    err: ValidationError, pos: Mapping[tuple[Any, ...], tuple[Position, Position]], shown: str
) -> list[Problem]:
    problems = []
    for e in err.errors():
        for loc, msg in _expand(e):
            if e["type"] == "extra_forbidden" and loc:
                model = _model_at(loc[:-1])
                if model is not None:
                    msg = _unknown_key_message(str(loc[-1]), list(model.model_fields))
            for n in range(len(loc), -1, -1):
                if loc[:n] in pos:
                    key_pos, value_pos = pos[loc[:n]]
                    exact = n == len(loc) and e["type"] not in ("extra_forbidden", "missing")
                    line, col = value_pos if exact else key_pos
                    break
            problems.append(Problem(shown, line, col, _field_path(loc), msg))
    return problems


def _read_table(
    table: str, path: Path, shown: str
) -> tuple[list[_Row | None] | None, list[Problem], set[str]]:
    """Read one CSV table.

    Returns
    -------
    rows : list or None
        Validated rows, ``None`` for a row that failed; ``None`` if the file could not be read.
    problems : list of Problem
    unchecked : set of str
        Names of the rows that failed (for the cross-table checks).
    """
    model = TABLE_ROWS[table]
    columns = TABLE_COLUMNS[table]
    problems: list[Problem] = []
    unchecked: set[str] = set()
    rows: list[_Row | None] = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh, strict=True)
            try:
                header = [h.strip() for h in next(reader)]
            except StopIteration:
                return None, [Problem(shown, 1, None, table, f"empty file; expected the header {','.join(columns)}")], unchecked
            if header != list(columns):
                missing = [c for c in columns if c not in header]
                extra = [c for c in header if c not in columns]
                parts = []
                if missing:
                    parts.append(f"missing column(s) {', '.join(missing)}")
                if extra:
                    parts.append(f"unexpected column(s) {', '.join(repr(c) for c in extra)}")
                if not parts:
                    parts.append("columns out of order")
                msg = "; ".join(parts) + f"; expected the header {','.join(columns)}"
                return None, [Problem(shown, 1, None, table, msg)], unchecked
            index = 0
            while True:
                line = reader.line_num + 1
                try:
                    cells = next(reader)
                except StopIteration:
                    break
                if not any(c.strip() for c in cells):
                    continue  # blank line, or a line of empty cells left by a spreadsheet
                where = f"{table}[{index}]"
                if len(cells) != len(columns):
                    problems.append(Problem(shown, line, None, where,
                                            f"expected {len(columns)} cells ({','.join(columns)}), found {len(cells)}"))
                    rows.append(None)
                    unchecked.add(_row_name(table, dict(zip(columns, cells, strict=False))))
                    index += 1
                    continue
                values = {c: v.strip() for c, v in zip(columns, cells, strict=True) if v.strip()}
                try:
                    row = model.model_validate(values)
                except ValidationError as err:
                    for e in err.errors():
                        for loc, msg in _expand(e):
                            field = loc[0] if loc and loc[0] in columns else None
                            col = columns.index(field) + 1 if field else None
                            if e["type"] == "missing":
                                msg = "a value is required (the cell is empty)"
                            problems.append(Problem(shown, line, col, f"{where}.{_field_path(loc)}", msg))
                    rows.append(None)
                    unchecked.add(_row_name(table, values))
                else:
                    row._line = line
                    rows.append(row)
                index += 1
    except csv.Error as exc:
        problems.append(Problem(shown, reader.line_num, None, table, f"CSV error: {exc}"))
        return None, problems, unchecked
    except UnicodeDecodeError as exc:
        problems.append(_not_utf8(path, shown, table, exc))
        return None, problems, unchecked
    except OSError as exc:
        problems.append(Problem(shown, None, None, table, f"cannot read: {exc}"))
        return None, problems, unchecked
    return rows, problems, unchecked


def _row_name(table: str, values: Mapping[str, str]) -> str:
    """The name a failed row would define, as used by references from other tables."""

    def get(key: str) -> str:
        return (values.get(key) or "").strip()

    if table == "segments":
        return f"{get('source')}->{get('target')}"
    if table == "origin_groups":
        return get("origin_group")
    return get("name")


def _deep_merge(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in changes.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), Mapping):
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file and its tables.

    Parameters
    ----------
    path : str or Path
        The scenario YAML file; table paths in it are relative to its folder.

    Returns
    -------
    Scenario
        Frozen, with every row validated and cross-checked.

    Raises
    ------
    ScenarioError
        With every problem found (reading, YAML keys and values, table headers, rows, cross-table
        references), each ``file:line:column: field.path: message``.
    """
    path = Path(path)
    shown = _display(path)
    data, pos = _read_yaml(path, shown)
    problems: list[Problem] = []
    settings: ScenarioSettings | None = None
    try:
        settings = ScenarioSettings.model_validate(data)
    except ValidationError as err:
        problems.extend(_yaml_problems(err, pos, shown))

    rows: dict[str, list[_Row | None] | None] = {}
    unchecked: dict[str, set[str]] = {}
    files: dict[str, str] = {}
    raw_tables = data.get("tables")
    raw_tables = raw_tables if isinstance(raw_tables, dict) else {}
    for table in TablePaths.model_fields:
        rel = raw_tables.get(table)
        rows[table] = None if table in REQUIRED_TABLES else ()
        if not isinstance(rel, str) or not rel.strip():
            continue  # missing or malformed: reported by the settings validation
        table_path = (path.parent / rel).absolute()
        files[table] = _display(table_path)
        if not table_path.is_file():
            line, col = pos[("tables", table)][1]
            what = "is not a file" if table_path.exists() else "file not found"
            problems.append(Problem(shown, line, col, f"tables.{table}", f"{what}: {files[table]}"))
            continue
        rows[table], table_problems, unchecked[table] = _read_table(table, table_path, files[table])
        problems.extend(table_problems)

    problems.extend(_cross_check(rows, files, unchecked))
    if problems or settings is None:
        order = {f: k for k, f in enumerate(dict.fromkeys(p.file for p in problems))}
        problems.sort(key=lambda p: (order[p.file], p.line or 0, p.column or 0))
        raise ScenarioError(problems)
    return Scenario.model_validate({**dict(settings), "source_path": path.absolute(), **rows})
