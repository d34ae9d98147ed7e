"""CSV tables of a scenario: raw rows with their line numbers, then one validated row model each.

A table is read in two steps so that an overlay's ``patches`` (:mod:`sim.scenario.overlay`) can
change the rows in between:

1. :func:`read_raw_table` reads the CSV with the :mod:`csv` module (so row numbers are exact) into
   :class:`RawRow` objects: the non-empty cells as text, with the file and line they come from. The
   header must be the table's columns, in order; its optional last columns
   (:data:`~sim.scenario.rows.OPTIONAL_COLUMNS`) may be left out.
2. :func:`validate_rows` validates each raw row with its model (:data:`~sim.scenario.rows.TABLE_ROWS`).
   A problem in a row is reported as ``tables/segments.csv:ROW:COL: segments[i].field: message``
   with ROW the 1-based line of the file, COL the 1-based column of the field and ``i`` the 0-based
   index of the data row; a cell written by a patch is reported at its key in the overlay.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from sim.scenario.problems import Problem, _expand, _field_path
from sim.scenario.rows import OPTIONAL_COLUMNS, TABLE_COLUMNS, TABLE_ROWS, _Row

#: (file shown, 1-based line, 1-based column) of a cell or row.
Where = tuple[str, int | None, int | None]


@dataclass
class RawRow:
    """One data row of a table before validation.

    Attributes
    ----------
    values : dict of str to str
        Column to the stripped text of its cell; empty cells are left out (missing values).
    file : str
        File the row is written in (the CSV, or the overlay that added it).
    line : int or None
        1-based line of the row in ``file``.
    from_csv : bool
        Whether the row is a CSV line (columns are then CSV field indices).
    cells : dict of str to Where
        Cells written elsewhere than the row (set or scaled by a patch), column to their position.
    broken : bool
        The row had the wrong number of cells (already reported); it validates to ``None``.
    """

    values: dict[str, str]
    file: str
    line: int | None
    from_csv: bool = True
    cells: dict[str, Where] = field(default_factory=dict)
    broken: bool = False

    def where(self, table: str, column: str | None) -> Where:
        """File, line and column of a cell of this row (of the row if ``column`` is None)."""
        if column is not None and column in self.cells:
            return self.cells[column]
        col = TABLE_COLUMNS[table].index(column) + 1 if column and self.from_csv else None
        return self.file, self.line, col


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


def read_raw_table(table: str, path: Path, shown: str) -> tuple[list[RawRow] | None, list[Problem]]:
    """Read one CSV table into raw rows.

    Parameters
    ----------
    table : str
        A key of :data:`~sim.scenario.rows.TABLE_ROWS`.
    path : Path
    shown : str
        The file name shown in problems.

    Returns
    -------
    rows : list of RawRow or None
        ``None`` if the file could not be read or its header is wrong.
    problems : list of Problem
        Reading problems and rows with the wrong number of cells.
    """
    columns = TABLE_COLUMNS[table]
    problems: list[Problem] = []
    rows: list[RawRow] = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh, strict=True)
            try:
                header = [h.strip() for h in next(reader)]
            except StopIteration:
                return None, [Problem(shown, 1, None, table, f"empty file; expected the header {','.join(columns)}")]
            optional = OPTIONAL_COLUMNS.get(table, {})
            headers = [list(columns[: len(columns) - k]) for k in range(len(optional) + 1)]
            if header in headers:
                columns = tuple(header)
            else:
                last = max((columns.index(c) for c in header if c in columns), default=-1)
                missing = [c for i, c in enumerate(columns) if c not in header and (c not in optional or i < last)]
                extra = [c for c in header if c not in columns]
                parts = []
                if missing:
                    parts.append(f"missing column(s) {', '.join(missing)}")
                if extra:
                    parts.append(f"unexpected column(s) {', '.join(repr(c) for c in extra)}")
                if not parts:
                    parts.append("columns out of order")
                msg = "; ".join(parts) + f"; expected the header {','.join(columns)}"
                if optional:
                    msg += f" (the last column(s) may be left out, from the end: {', '.join(reversed(optional))})"
                return None, [Problem(shown, 1, None, table, msg)]
            while True:
                line = reader.line_num + 1
                try:
                    cells = next(reader)
                except StopIteration:
                    break
                if not any(c.strip() for c in cells):
                    continue  # blank line, or a line of empty cells left by a spreadsheet
                if len(cells) != len(columns):
                    problems.append(Problem(shown, line, None, f"{table}[{len(rows)}]",
                                            f"expected {len(columns)} cells ({','.join(columns)}), found {len(cells)}"))
                    values = {c: v.strip() for c, v in zip(columns, cells, strict=False)}
                    rows.append(RawRow(values, shown, line, broken=True))
                    continue
                values = {c: v.strip() for c, v in zip(columns, cells, strict=True) if v.strip()}
                rows.append(RawRow(values, shown, line))
    except csv.Error as exc:
        problems.append(Problem(shown, reader.line_num, None, table, f"CSV error: {exc}"))
        return None, problems
    except UnicodeDecodeError as exc:
        problems.append(_not_utf8(path, shown, table, exc))
        return None, problems
    except OSError as exc:
        problems.append(Problem(shown, None, None, table, f"cannot read: {exc}"))
        return None, problems
    return rows, problems


def validate_rows(table: str, raw: Sequence[RawRow]) -> tuple[list[_Row | None], list[Problem], set[str]]:
    """Validate raw rows with the table's row model.

    Returns
    -------
    rows : list
        Validated rows, ``None`` for a row that failed (indices match ``raw``).
    problems : list of Problem
    unchecked : set of str
        Names of the rows that failed (for the cross-table checks).
    """
    model = TABLE_ROWS[table]
    columns = TABLE_COLUMNS[table]
    problems: list[Problem] = []
    unchecked: set[str] = set()
    rows: list[_Row | None] = []
    for index, r in enumerate(raw):
        if r.broken:
            rows.append(None)
            unchecked.add(_row_name(table, r.values))
            continue
        try:
            row = model.model_validate(r.values)
        except ValidationError as err:
            for e in err.errors():
                for loc, msg in _expand(e):
                    column = loc[0] if loc and loc[0] in columns else None
                    if e["type"] == "missing":
                        msg = "a value is required (the cell is empty)" if r.from_csv else "a value is required"
                    file, line, col = r.where(table, column)
                    problems.append(Problem(file, line, col, f"{table}[{index}].{_field_path(loc)}", msg))
            rows.append(None)
            unchecked.add(_row_name(table, r.values))
        else:
            row._line = r.line
            if not r.from_csv:
                row._file = r.file
            row._cells = dict(r.cells)
            rows.append(row)
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
