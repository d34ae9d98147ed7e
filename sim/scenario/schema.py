"""The scenario model: the keys of a scenario YAML file and the validated :class:`Scenario`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
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

from sim.labels import NodeKind
from sim.parameters import Parameters
from sim.scenario.checks import _cross_check, geography_warnings
from sim.scenario.detention_warnings import detention_warnings
from sim.scenario.experiment_settings import ExperimentSettings
from sim.scenario.problems import (
    Problem,
    ScenarioError,
    _display,
    _expand,
    _field_path,
    _unknown_key_message,
)
from sim.scenario.rows import (
    OPTIONAL_COLUMNS,
    TABLE_COLUMNS,
    TABLE_ROWS,
    AgencyRow,
    DemandRow,
    DestinationRow,
    EventRow,
    IsoDate,
    NationalityOriginRow,
    NodeRow,
    OriginGroupRow,
    SegmentRow,
)


def _deep_merge(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in changes.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), Mapping):
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = v
    return out




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
    experiments: ExperimentSettings | None = Field(
        None, description="Places, edges and windows of the experiments (sim.experiments); not part of the hash."
    )

    @field_validator("parameters", mode="before")
    @classmethod
    def _over_defaults(cls, value: Any) -> Any:
        """Deep-merge a ``parameters:`` mapping over the defaults.

        A nested group written in part keeps the defaults of the keys it leaves out. Most groups do
        so by themselves; an event kind's effect does not, because its defaults are the kind's
        (``events.fence`` has ``barrier`` 0.85) while a mapping would validate the missing keys at
        :class:`~sim.parameters.EventEffect`'s zeros: ``events: {patrol_surge: {return_probability:
        0.5}}`` would drop the surge's detection, prevention and arrest effort.
        """
        if isinstance(value, Mapping):
            return _deep_merge(Parameters().model_dump(), value)
        return value

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
    _warnings: tuple[Problem, ...] = PrivateAttr(default=())
    _load_warnings: tuple[Problem, ...] = PrivateAttr(default=())

    @model_validator(mode="after")
    def _check_tables(self) -> Scenario:
        rows = {t: getattr(self, t) for t in TABLE_ROWS}
        files = {t: _display(p) for t, p in self.table_paths().items()}
        problems = _cross_check(rows, files, {})
        if problems:
            raise ScenarioError(problems)
        self._kinds = {n.name: frozenset(n.kind) for n in self.nodes}
        self._warnings = tuple(geography_warnings(self.nodes, self.segments, files)) + tuple(
            detention_warnings(self.agencies, self.persons_per_agent, self.parameters.detention.enabled, files,
                               self.events))
        return self

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Findings that do not stop a run (implausible geography; a detaining border whose places are
        fewer than ``persons_per_agent``): see :func:`sim.scenario.checks.geography_warnings` and
        :func:`sim.scenario.detention_warnings.detention_warnings`. Not part of the hash."""
        return self._warnings + self._load_warnings

    def add_warnings(self, found: Sequence[Problem]) -> None:
        """Append warnings about the file as written, found while loading (values outside their prior
        range, :func:`sim.scenario.prior_warnings.prior_range_warnings`). Not hashed; kept by
        :meth:`with_overrides` unless it changes the parameters."""
        self._load_warnings = self._load_warnings + tuple(found)

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

        Every setting, all parameters (defaults filled in) and every row of the model's tables
        (an optional column at its default left out, so a scenario written before the column existed
        keeps its hash), with sorted keys and no whitespace; no paths (``source_path`` and ``tables`` are left out),
        so a copied or moved scenario keeps its hash. ``nationality_origins``, an input of the
        demand builder that the model never reads, is left out too, and so is the ``experiments``
        block (what the experiments vary and compare, not what a run simulates; it is recorded in
        the resolved scenario of a results folder).

        Returns
        -------
        str
        """
        payload = self.model_dump(
            mode="json", exclude={"source_path", "tables", "nationality_origins", "experiments"}
        )
        for table, optional in OPTIONAL_COLUMNS.items():  # at their defaults: as before they existed
            for row in payload[table]:
                for column, default in optional.items():
                    if row.get(column) == default:
                        del row[column]
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
        >>> from sim.scenario import load_scenario
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
            copy = type(self).model_validate(data)
            if "parameters" not in changes:
                copy.add_warnings(self._load_warnings)
            return copy
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

