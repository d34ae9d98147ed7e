"""Loading a scenario: its YAML file (and bases), its CSV tables and their patches, all checked.

:func:`load_scenario` resolves ``extends`` (:mod:`sim.scenario.overlay`), validates the merged keys
(:class:`~sim.scenario.schema.ScenarioSettings`), reads the tables
(:mod:`sim.scenario.tables`), applies the patches, validates every row and runs the cross-table
checks (:mod:`sim.scenario.checks`). It reports every problem at once.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from sim.scenario.checks import _cross_check
from sim.scenario.documents import boolean_problems, yaml_problems
from sim.scenario.experiment_settings import experiment_references
from sim.scenario.overlay import DOCUMENT_KEYS, apply_patches, resolve_document
from sim.scenario.prior_warnings import prior_range_warnings
from sim.scenario.problems import Problem, ScenarioError, _display, _field_path, merge_repeated
from sim.scenario.rows import REQUIRED_TABLES, _Row
from sim.scenario.schema import Scenario, ScenarioSettings, TablePaths
from sim.scenario.tables import RawRow, read_raw_table, validate_rows


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file and its tables.

    Parameters
    ----------
    path : str or Path
        The scenario YAML file; table paths in it are relative to its folder. A file with
        ``extends:`` is an overlay of its base (:mod:`sim.scenario.overlay`).

    Returns
    -------
    Scenario
        Frozen, with every row validated and cross-checked.

    Raises
    ------
    ScenarioError
        With every problem found (reading, ``extends`` and ``patches``, YAML keys and values, table
        headers, rows, cross-table references), each ``file:line:column: field.path: message``
        with the file (overlay, base or table) where the value is written.
    """
    path = Path(path)
    doc = resolve_document(path)
    data, pos = doc.data, doc.pos
    problems: list[Problem] = list(doc.problems)
    settings: ScenarioSettings | None = None
    booleans = boolean_problems(data, pos, ScenarioSettings)  # pydantic would read `true` as 1
    problems.extend(booleans)
    try:
        settings = ScenarioSettings.model_validate(data)
    except ValidationError as err:
        flagged = {p.field for p in booleans}
        problems.extend(p for p in yaml_problems(err, pos, ScenarioSettings,
                                                    top_keys=DOCUMENT_KEYS) if p.field not in flagged)

    raw: dict[str, list[RawRow] | None] = {}
    files: dict[str, str] = {}
    raw_tables = data.get("tables")
    raw_tables = raw_tables if isinstance(raw_tables, dict) else {}
    for table in TablePaths.model_fields:
        rel = raw_tables.get(table)
        raw[table] = None
        if not isinstance(rel, str) or not rel.strip():
            continue  # missing or malformed: reported by the settings validation
        table_path = (path.parent / rel).absolute()
        files[table] = _display(table_path)
        if not table_path.is_file():
            shown, _, (line, col) = pos[("tables", table)]
            what = "is not a file" if table_path.exists() else "file not found"
            problems.append(Problem(shown, line, col, f"tables.{table}", f"{what}: {files[table]}"))
            continue
        raw[table], table_problems = read_raw_table(table, table_path, files[table])
        problems.extend(table_problems)
    problems.extend(apply_patches(raw, doc.patches))

    rows: dict[str, list[_Row | None] | tuple[()] | None] = {}
    unchecked: dict[str, set[str]] = {}
    for table, got in raw.items():
        if got is None:
            rows[table] = None if table in REQUIRED_TABLES or table in files else ()
            continue
        rows[table], row_problems, unchecked[table] = validate_rows(table, got)
        problems.extend(row_problems)

    problems.extend(_cross_check(rows, files, unchecked))
    if not problems and settings is not None and settings.experiments is not None:
        nodes = {r.name for r in rows["nodes"] or ()}
        edges = {r.edge for r in rows["segments"] or ()}
        for loc, msg in experiment_references(settings.experiments, nodes, edges):
            shown, _, (line, col) = pos.get(loc) or pos[loc[:2]]
            problems.append(Problem(shown, line, col, _field_path(loc), msg))
    if problems or settings is None:
        order = {f: k for k, f in enumerate(dict.fromkeys(p.file for p in problems))}
        problems.sort(key=lambda p: (order[p.file], p.line or 0, p.column or 0))
        raise ScenarioError(merge_repeated(problems))
    scenario = Scenario.model_validate({**dict(settings), "source_path": path.absolute(), **rows})
    scenario.add_warnings(prior_range_warnings(data, pos))
    return scenario
