"""Reading scenario files: YAML (ruamel.yaml, with positions) and CSV tables into a :class:`Scenario`.

- YAML is read with ruamel.yaml's round-trip loader, a fresh ``YAML()`` per file (YAML 1.2, so the
  country code ``NO`` stays a string), and the line and column of every key and value are kept so
  that pydantic's errors point back into the file.
- CSV tables are read with the :mod:`csv` module so that row numbers are exact.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from sim.scenario.checks import _cross_check
from sim.scenario.problems import (
    Problem,
    ScenarioError,
    _display,
    _expand,
    _field_path,
    _unknown_key_message,
)
from sim.scenario.rows import REQUIRED_TABLES, TABLE_COLUMNS, TABLE_ROWS, _Row
from sim.scenario.schema import Scenario, ScenarioSettings, TablePaths

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
