"""Row models of the scenario tables, one pydantic model per CSV table.

Each row is frozen, has strict keys and finite numbers; cross-field problems of one row are raised
as :class:`~sim.scenario.problems._FieldProblems` so that they are reported per field.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

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
from sim.scenario.problems import _FieldProblems


def _iso_date(value: Any) -> Any:
    """Accept dates and ``YYYY-MM-DD`` strings only (pydantic alone also takes timestamps)."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ValueError(f"expected an ISO date YYYY-MM-DD, got {value!r}")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Iso2 = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code (XK: Kosovo).")]


def _target_problem(target_type: TargetType, target: str) -> str | None:
    if target_type is TargetType.AGENCY:
        return None  # an agency name (checked against the agencies table)
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
    _file: str | None = PrivateAttr(default=None)
    _cells: dict[str, tuple[str, int | None, int | None]] = PrivateAttr(default_factory=dict)

    @property
    def line(self) -> int | None:
        """1-based line of the file the row was read from (``None`` if built in code)."""
        return self._line

    @property
    def file(self) -> str | None:
        """The file the row is written in when it is not its table's CSV (a row added by an overlay's
        ``patches``), else ``None``."""
        return self._file

    def where(self, field: str, table_file: str, column: int | None) -> tuple[str, int | None, int | None]:
        """File, line and column at which a field of this row is written.

        A cell set or scaled by an overlay's ``patches`` is at that key of the overlay; a cell of a
        row added by a patch is in the overlay; any other at its CSV line and ``column``.
        """
        if field in self._cells:
            return self._cells[field]
        if self._file is not None:
            return self._file, self._line, None
        return table_file, self._line, column


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
    first_reported: IsoDate | None = Field(
        None,
        description="Date a source first reports the smuggling service (empty: before any run). A service "
        "first reported after a run's first day is not sold on that day: the market may open it later.",
    )
    closed_from: IsoDate | None = Field(
        None,
        description="Date from which no migrant can travel the segment (empty: never), e.g. a flight closed "
        "by a visa requirement. From that day it is neither offered nor planned through.",
    )
    vessel_eur: float | None = Field(
        None, ge=0.0, le=1e7,
        description="Capital a seller needs before it first sells the segment: the vessel (EUR; empty: none, "
        "the boats of small crossings are in the variable cost). Charged with supply.vessel_capital.",
    )

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
        if self.vessel_eur is not None and self.mode is Mode.AIR:
            items.append(("vessel_eur", "vessel_eur is the capital a seller needs for the segment: nobody sells an "
                          "air segment, so it would change nothing (leave it empty)"))
        if self.first_reported is not None and self.mode is Mode.AIR:
            items.append(("first_reported", "first_reported is the date a smuggling service is first reported: "
                          "nobody sells an air segment, so it would change nothing (leave it empty)"))
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


#: Upper bound of an agency's effort (dimensionless), standing or changed by an ``effort_change``.
MAX_EFFORT = 10.0


class AgencyRow(_Row):
    """A row of ``agencies.csv``: an enforcement agency's standing effort on one target."""

    agency: Name
    country_iso2: Iso2
    side: Side
    target_type: TargetType
    target: Name
    effort: float = Field(ge=0.0, le=MAX_EFFORT, description="Standing baseline effort (dimensionless).")
    effort_low: float = Field(ge=0.0, le=10.0, description="Low end of the prior range.")
    effort_high: float = Field(ge=0.0, le=10.0, description="High end of the prior range.")
    policy: Policy = Field(
        Policy.TIMELINE, description="timeline, or adaptive (reacts to rising detections; empty: timeline)."
    )
    note: str | None = None
    detention_days: float | None = Field(
        None, ge=1.0, le=548.0,
        description="Days a detected entrant is held before going on, while places are free (detect side; "
        "empty: no detention; at least a day, the model's step; at most 18 months, the Return Directive's maximum).",
    )
    detention_places: float | None = Field(
        None, gt=0.0, le=1e6, description="Detention places (persons) of the jurisdiction; with detention_days.",
    )

    @model_validator(mode="after")
    def _check(self) -> AgencyRow:
        items: list[tuple[str, str]] = []
        if (self.detention_days is None) != (self.detention_places is None):
            items.append(("detention_places", "detention_days and detention_places go together (both or neither)"))
        elif self.detention_days is not None and self.side is not Side.DETECT:
            items.append(("detention_days", "only an EU-side (detect) agency detains entrants"))
        if self.target_type is TargetType.AGENCY:
            items.append(("target_type", "an agency row targets an edge, a node or a route, not an agency"))
        elif (msg := _target_problem(self.target_type, self.target)) is not None:
            items.append(("target", msg))
        if self.effort_low > self.effort_high:
            items.append(("effort_low", f"prior range reversed: effort_low {self.effort_low} > effort_high {self.effort_high}"))
        elif not self.effort_low <= self.effort <= self.effort_high:
            items.append(("effort", f"effort {self.effort} outside its prior range [{self.effort_low}, {self.effort_high}]"))
        if items:
            raise _FieldProblems(items)
        return self


class EventRow(_Row):
    """A row of ``events.csv`` (columns of ``enforcement_events.csv``, then optional levers).

    The effect ramps linearly from 0 at ``start`` to 1 at ``full_effect`` and stops after ``end``
    (``None``: it stays). ``magnitude`` multiplies the effect of the event's kind. An
    ``effort_change`` event has no effect of its own: it moves the standing effort of the agency
    rows it targets (every row of an agency named with ``target_type`` ``agency``, or the rows with
    the same ``target_type`` and ``target``) from their effort to ``effort`` (empty: their own
    effort) times ``magnitude``, along the same ramp. A ``detention_change`` event has no effect of its
    own either: from ``full_effect`` on, the detaining agency rows it targets (matched the same way) hold
    detected entrants for ``detention_days`` in ``detention_places`` (an empty one: unchanged); it has
    no ramp, no end and no magnitude (mechanism f, :mod:`sim.detention`).
    """

    start: IsoDate
    full_effect: IsoDate
    end: IsoDate | None = None
    kind: EventKind
    target_type: TargetType
    target: Name
    description: str | None = None
    source_quality: str | None = None
    magnitude: float = Field(
        1.0, ge=0.0, description="Multiplier of the event's effect (an effort_change: of the effort); empty: 1."
    )
    effort: float | None = Field(
        None, ge=0.0, le=MAX_EFFORT,
        description="effort_change only: the agency's effort from full_effect (before magnitude); empty: its own.",
    )
    detention_days: float | None = Field(
        None, ge=1.0, le=548.0,
        description="detention_change only: the detaining rows' detention_days from full_effect (empty: unchanged).",
    )
    detention_places: float | None = Field(
        None, gt=0.0, le=1e6,
        description="detention_change only: the detaining rows' detention_places from full_effect (empty: unchanged).",
    )

    @model_validator(mode="after")
    def _check(self) -> EventRow:
        items: list[tuple[str, str]] = []
        if self.full_effect < self.start:
            items.append(("full_effect", f"full_effect {self.full_effect} is before start {self.start}"))
        if self.end is not None and self.end < self.full_effect:
            items.append(("end", f"end {self.end} is before full_effect {self.full_effect}"))
        changes_effort = self.kind is EventKind.EFFORT_CHANGE
        changes_detention = self.kind is EventKind.DETENTION_CHANGE
        if self.target_type is TargetType.AGENCY and not (changes_effort or changes_detention):
            items.append(("target_type", "only an effort_change or detention_change event targets an agency, "
                                         f"not {self.kind.value}"))
        elif (msg := _target_problem(self.target_type, self.target)) is not None:
            items.append(("target", msg))
        if self.effort is not None and not changes_effort:
            items.append(("effort", f"effort is set by effort_change events only, not by {self.kind.value} "
                                    "(scale an event's effect with magnitude)"))
        if not changes_detention:
            for f in ("detention_days", "detention_places"):
                if getattr(self, f) is not None:
                    items.append((f, f"{f} is set by detention_change events only, not by {self.kind.value}"))
        elif self.detention_days is None and self.detention_places is None:
            items.append(("detention_days", "a detention_change sets detention_days, detention_places or both"))
        elif self.magnitude != 1.0:
            items.append(("magnitude", "a detention_change sets values and has no magnitude (leave it empty or 1)"))
        elif self.end is not None:
            items.append(("end", "a detention_change stays (a later detention_change changes it again): leave end empty"))
        if items:
            raise _FieldProblems(items)
        return self

    def changes_effort_of(self, agency: AgencyRow) -> bool:
        """Whether this is an ``effort_change`` event that targets the agency row ``agency``.

        It does when it names the row's agency (``target_type`` ``agency``) or has the row's
        ``target_type`` and ``target`` (edges and routes compared as parsed).

        Examples
        --------
        >>> ev = EventRow(start="2014-01-01", full_effect="2014-01-01", kind="effort_change",
        ...               target_type="agency", target="Libyan coast guard", magnitude=2)
        >>> row = AgencyRow(agency="Libyan coast guard", country_iso2="LY", side="prevent",
        ...                 target_type="node", target="Zuwara", effort=0.2, effort_low=0, effort_high=1)
        >>> ev.changes_effort_of(row), ev.model_copy(update={"target_type": "node"}).changes_effort_of(row)
        (True, False)
        """
        return self.kind is EventKind.EFFORT_CHANGE and self.targets_row(agency)

    def changes_detention_of(self, agency: AgencyRow) -> bool:
        """Whether this is a ``detention_change`` event that targets the agency row ``agency``.

        Matched as :meth:`changes_effort_of` matches an ``effort_change``.

        Examples
        --------
        >>> ev = EventRow(start="2012-08-01", full_effect="2012-08-01", kind="detention_change",
        ...               target_type="edge", target="Edirne->Orestiada", detention_days=180)
        >>> row = AgencyRow(agency="Greek border police", country_iso2="GR", side="detect", target_type="edge",
        ...                 target="Edirne -> Orestiada", effort=1, effort_low=0.5, effort_high=2)
        >>> ev.changes_detention_of(row), ev.changes_effort_of(row)
        (True, False)
        """
        return self.kind is EventKind.DETENTION_CHANGE and self.targets_row(agency)

    def targets_row(self, agency: AgencyRow) -> bool:
        """Whether this event names the agency row ``agency``: its agency (``target_type`` ``agency``),
        or the row's ``target_type`` and ``target`` (edges and routes compared as parsed)."""
        if self.target_type is TargetType.AGENCY:
            return agency.agency == self.target
        if agency.target_type is not self.target_type:
            return False
        if self.target_type is TargetType.EDGE:
            return parse_edge(agency.target) == parse_edge(self.target)
        if self.target_type is TargetType.ROUTE:
            return parse_route(agency.target) == parse_route(self.target)
        return agency.target == self.target


class NationalityOriginRow(_Row):
    """A row of the optional ``nationality_origins.csv``: where the demand builder places a nationality.

    A nationality with several origin nodes has one row per node (one origin group); refugees abroad
    start at an origin node of their host country (Syrians in Egypt: Cairo). An input of ``scripts/build_demand.py`` (:func:`sim.demand.nationality_origins`), kept for
    provenance: the model reads ``demand.csv`` only.
    """

    nat_iso3: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3 (Frontex codes: XKX, OOS, ...).")
    origin_group: Name
    origin: Name
    weight: float | None = Field(None, ge=0, le=1, description="Share of the nationality's demand that "
                                 "leaves from this origin (its rows sum to 1); empty: split equally.")
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

#: Columns a table's CSV header may leave out (each the last ones of its table, so every other
#: column keeps its position), with the value a row then has. A scenario written before they
#: existed loads, runs and hashes as before.
OPTIONAL_COLUMNS: dict[str, dict[str, object]] = {"events": {"magnitude": 1.0, "effort": None,
                                                              "detention_days": None, "detention_places": None},
                                                   "agencies": {"detention_days": None, "detention_places": None},
                                                   "segments": {"first_reported": None, "closed_from": None,
                                                                "vessel_eur": None}}

