"""The resolved scenario: a validated :class:`Scenario` as a plain scenario file with its tables.

A run records exactly what it ran: with overlays (``extends``, ``patches``) and
``with_overrides`` the files on disk no longer show it. :func:`resolved_files` renders the
scenario as the text of ``scenario.resolved.yaml`` (every setting, every parameter with defaults
filled in, no ``extends`` and no ``patches``) and of one CSV per table under ``scenario.resolved/``,
which the YAML names. :func:`sim.io.write_results` and :func:`sim.io.write_experiment` write them
into the results folder; loading that YAML gives a scenario with the same
:meth:`~Scenario.scenario_hash`. This module writes no file.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
from typing import Any

from ruamel.yaml import YAML

from sim.scenario.rows import OPTIONAL_COLUMNS, REQUIRED_TABLES, TABLE_COLUMNS
from sim.scenario.schema import Scenario

#: Name of the resolved scenario file in a results folder.
RESOLVED_YAML = "scenario.resolved.yaml"
#: Folder of its tables, next to it.
RESOLVED_TABLES = "scenario.resolved"


def _cell(value: Any) -> str:
    """A validated row value as the text of a CSV cell (round-trips through the row model)."""
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, tuple | list):
        return ";".join(_cell(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def resolved_files(scenario: Scenario) -> dict[str, str]:
    """The resolved scenario as file texts, keyed by path relative to the results folder.

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    dict of str to str
        :data:`RESOLVED_YAML` and ``scenario.resolved/<table>.csv`` for each table the scenario has
        (``nationality_origins`` only if it has rows), in the table's column order; optional last
        columns (:data:`~sim.scenario.rows.OPTIONAL_COLUMNS`) only if a row differs from the default.

    Examples
    --------
    >>> from pathlib import Path
    >>> import sim
    >>> from sim.scenario import load_scenario
    >>> tiny = Path(sim.__file__).parent.parent / "tests/fixtures/scenario_tiny/scenario.yaml"
    >>> files = resolved_files(load_scenario(tiny))
    >>> sorted(files)[:2]
    ['scenario.resolved.yaml', 'scenario.resolved/agencies.csv']
    >>> files["scenario.resolved/events.csv"].splitlines()[0]
    'start,full_effect,end,kind,target_type,target,description,source_quality'
    """
    out: dict[str, str] = {}
    tables: dict[str, str] = {}
    for table, columns in TABLE_COLUMNS.items():
        rows = getattr(scenario, table)
        if table not in REQUIRED_TABLES and not rows:
            continue
        optional = OPTIONAL_COLUMNS.get(table, {})
        while columns and columns[-1] in optional and all(getattr(r, columns[-1]) == optional[columns[-1]] for r in rows):
            columns = columns[:-1]  # an optional last column no row uses is left out, as before it existed
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(getattr(row, c)) for c in columns])
        rel = f"{RESOLVED_TABLES}/{table}.csv"
        out[rel] = buf.getvalue()
        tables[table] = rel
    doc: dict[str, Any] = {
        "name": scenario.name,
        "description": scenario.description,
        "start": scenario.start.isoformat(),
        "end": scenario.end.isoformat(),
        "burn_in_days": scenario.burn_in_days,
        "persons_per_agent": scenario.persons_per_agent,
        "seed": scenario.seed,
        "tables": tables,
        "parameters": scenario.parameters.model_dump(mode="json"),
    }
    if scenario.experiments is not None:
        doc["experiments"] = scenario.experiments.model_dump(mode="json", exclude_none=True)
    if doc["description"] is None:
        del doc["description"]
    buf = io.StringIO()
    buf.write(f"# Resolved scenario {scenario.name!r} (hash {scenario.scenario_hash()}): written by the run,\n"
              "# overlays and patches applied, every parameter listed. Load it with sim.scenario.load_scenario.\n")
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 100
    yaml.dump(doc, buf)
    return {RESOLVED_YAML: buf.getvalue(), **dict(sorted(out.items()))}

