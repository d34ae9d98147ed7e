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

This package is the only place that reads scenario files; the model is built from a
``Scenario`` and a seed.

Modules, one concept each: :mod:`~sim.scenario.problems` (the error and its messages),
:mod:`~sim.scenario.rows` (one model per table), :mod:`~sim.scenario.schema` (:class:`Scenario`),
:mod:`~sim.scenario.documents` (a YAML file with positions), :mod:`~sim.scenario.tables` (CSV
rows), :mod:`~sim.scenario.overlay` (``extends:`` and table ``patches:``, variants as overlays),
:mod:`~sim.scenario.checks` (cross-table checks), :mod:`~sim.scenario.loading`
(:func:`load_scenario`) and :mod:`~sim.scenario.resolved` (the scenario as run, as file texts).

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
from sim.scenario.checks import (
    geography_warnings,
    no_spawn_problem,
    stranded_demand,
    unreachable_demand,
)
from sim.scenario.detention_warnings import detention_warnings
from sim.scenario.loading import load_scenario
from sim.scenario.problems import Problem, ScenarioError
from sim.scenario.resolved import resolved_files
from sim.scenario.rows import (
    REQUIRED_TABLES,
    TABLE_COLUMNS,
    TABLE_ROWS,
    AgencyRow,
    DemandRow,
    DestinationRow,
    EventRow,
    NationalityOriginRow,
    NodeRow,
    OriginGroupRow,
    SegmentRow,
)
from sim.scenario.schema import Scenario, ScenarioSettings, TablePaths

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
    "detention_warnings",
    "geography_warnings",
    "load_scenario",
    "no_spawn_problem",
    "stranded_demand",
    "unreachable_demand",
    "parse_edge",
    "parse_route",
    "resolved_files",
]

