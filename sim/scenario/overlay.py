"""Variants as overlays: ``extends:`` a base scenario file, change some keys, patch table rows.

A variant names its base and writes only what changes::

    extends: ../baseline_2014.yaml     # relative to this file
    name: libyan_coast_guard_x2
    parameters: {choice: {reputation_weight: 0.5}}   # deep-merged into the base's keys
    patches:
      agencies:
        - match: {agency: Libyan coast guard}          # every row whose cells equal these
          scale: {effort: 2.0}                         # multiply numeric cells
      events:
        - remove: {kind: search_and_rescue}            # drop every matching row
        - add:                                         # append rows (columns as in the CSV)
            - {start: 2013-01-01, full_effect: 2013-03-01, kind: hub_crackdown,
               target_type: node, target: Agadez}
        - match: {kind: fence, target: Nador->Melilla}
          set: {end: 2014-06-30}                       # replace cells (null empties one)

Rules (``scenarios/README.md``, "Variants"):

- Keys are deep-merged: a mapping (``parameters``, ``tables``) merges key by key, anything else
  replaces the base's value. A base may itself extend another file; a cycle is an error.
- Relative paths (``extends``, ``tables``) resolve against the file that names them.
- ``patches`` map a table name to a list of operations, applied in order after the base's own
  patches: ``add`` (a list of rows), ``remove`` (a match), ``match`` with ``set`` and/or ``scale``.
  A match compares cells as text (numbers as numbers); every given column must be equal. An
  operation that matches no row is an error, as is an unknown column.
- Every problem names the file (overlay or base) and the line where it is written.
"""

from __future__ import annotations

import difflib
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from sim.scenario.documents import Positions, read_yaml, yaml_problems
from sim.scenario.problems import TYPO_CUTOFF, Problem, ScenarioError, _display, _FieldProblems
from sim.scenario.rows import TABLE_COLUMNS
from sim.scenario.tables import RawRow

__all__ = ["Document", "Patches", "RowPatch", "apply_patches", "resolve_document"]

#: Keys of a scenario file read here, before the other keys are validated.
DOCUMENT_KEYS = ("extends", "patches")


class RowPatch(BaseModel):
    """One operation on a table's rows (one item of ``patches.<table>``).

    Exactly one of ``add``, ``remove`` or ``match``; ``set`` and ``scale`` go with ``match``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    add: list[dict[str, Any]] | None = None
    remove: dict[str, Any] | None = None
    match: dict[str, Any] | None = None
    set: dict[str, Any] | None = None
    scale: dict[str, float] | None = None

    @model_validator(mode="after")
    def _one_operation(self) -> RowPatch:
        given = [k for k in ("add", "remove", "match") if getattr(self, k) is not None]
        items: list[tuple[str, str]] = []
        if len(given) != 1:
            what = "none" if not given else ", ".join(given)
            items.append((given[-1] if given else "match",
                          f"give exactly one of add, remove or match (got {what})"))
        elif self.match is not None and self.set is None and self.scale is None:
            items.append(("match", "a match needs set and/or scale"))
        elif self.match is None:
            for k in ("set", "scale"):
                if getattr(self, k) is not None:
                    items.append((k, f"{k} goes with match, not with {given[0]}"))
        for k in ("remove", "match"):
            if getattr(self, k) == {}:
                items.append((k, "give at least one column to match"))
        for col, factor in (self.scale or {}).items():
            if not math.isfinite(factor) or factor < 0:
                items.append(("scale", f"factor of {col!r} must be a finite number >= 0, got {factor}"))
        if items:
            raise _FieldProblems(items)
        return self


class Patches(BaseModel):
    """The ``patches:`` block: table name to its list of :class:`RowPatch`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    nodes: list[RowPatch] = []
    segments: list[RowPatch] = []
    origin_groups: list[RowPatch] = []
    destinations: list[RowPatch] = []
    demand: list[RowPatch] = []
    agencies: list[RowPatch] = []
    events: list[RowPatch] = []
    nationality_origins: list[RowPatch] = []


@dataclass
class _PatchItem:
    table: str
    patch: RowPatch
    path: tuple[Any, ...]  # key path of the item in its file
    pos: Positions  # of that file


@dataclass
class Document:
    """A scenario file with its bases resolved.

    Attributes
    ----------
    data : dict
        Merged keys, without ``extends`` and ``patches``; table paths relative to the top file.
    pos : Positions
        Where each key and value of ``data`` is written (which file, line, column).
    patches : list
        Table patches of the whole chain, base first, in the order they are applied.
    files : list of str
        The chain of files, top file first.
    problems : list of Problem
        Problems of ``extends`` and ``patches`` blocks (the other keys are validated later).
    """

    data: dict[str, Any]
    pos: Positions
    patches: list[_PatchItem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _at(pos: Positions, path: tuple[Any, ...], value: bool = True) -> tuple[str, int | None, int | None]:
    shown, key_pos, value_pos = pos[path]
    line, col = value_pos if value else key_pos
    return shown, line, col


def _merge(base: dict[str, Any], over: Mapping[str, Any], pos: Positions, over_pos: Positions,
           path: tuple[Any, ...] = ()) -> dict[str, Any]:
    """Deep-merge ``over`` into a copy of ``base``; ``pos`` (the base's) is updated to match."""
    out = dict(base)
    for key, value in over.items():
        here = (*path, key)
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value, pos, over_pos, here)
            pos[here] = over_pos[here]
            continue
        out[key] = value
        for p in [p for p in pos if p[: len(here)] == here]:
            del pos[p]
        pos.update({p: w for p, w in over_pos.items() if p[: len(here)] == here})
    return out


def resolve_document(path: Path, top_dir: Path | None = None, chain: Sequence[Path] = ()) -> Document:
    """Read a scenario file and, through ``extends``, its bases; merge keys and collect patches.

    Parameters
    ----------
    path : Path
        The scenario file.
    top_dir : Path, optional
        Folder of the file being loaded (default ``path``'s): bases' table paths are rewritten
        relative to it.
    chain : sequence of Path
        Files already being resolved (to find cycles).

    Returns
    -------
    Document

    Raises
    ------
    ScenarioError
        If a file of the chain cannot be read, a base does not exist or ``extends`` makes a cycle.
    """
    shown = _display(path)
    top_dir = path.absolute().parent if top_dir is None else top_dir
    data, pos = read_yaml(path, shown)
    problems: list[Problem] = []
    chain = (*chain, path.resolve())

    base: Document | None = None
    if "extends" in data:
        ref = data.pop("extends")
        where = _at(pos, ("extends",))
        if not isinstance(ref, str) or not ref.strip():
            problems.append(Problem(*where, "extends", "expected the path of a base scenario file"))
        else:
            base_path = path.parent / ref.strip()
            if base_path.resolve() in chain:
                names = " -> ".join(_display(p) for p in (*chain, base_path.resolve()))
                raise ScenarioError([Problem(*where, "extends", f"extends makes a cycle: {names}")])
            if not base_path.is_file():
                what = "is not a file" if base_path.exists() else "file not found"
                raise ScenarioError([Problem(*where, "extends", f"{what}: {_display(base_path)}")])
            base = resolve_document(base_path, top_dir, chain)

    patches: list[_PatchItem] = []
    if "patches" in data:
        raw = data.pop("patches")
        try:
            validated = Patches.model_validate(raw)
        except ValidationError as err:
            problems.extend(yaml_problems(err, pos, Patches, prefix=("patches",)))
        else:
            for table in Patches.model_fields:
                for i, patch in enumerate(getattr(validated, table)):
                    patches.append(_PatchItem(table, patch, ("patches", table, i), pos))
    for key in DOCUMENT_KEYS:
        pos.pop((key,), None)

    tables = data.get("tables")
    if path.absolute().parent != top_dir and isinstance(tables, dict):
        for table, rel in tables.items():
            if isinstance(rel, str) and rel.strip():
                tables[table] = Path(os.path.relpath(path.absolute().parent / rel.strip(), top_dir)).as_posix()

    if base is None:
        return Document(data, pos, patches, [shown], problems)
    merged_pos = dict(base.pos)
    merged_pos[()] = pos[()]
    merged = _merge(base.data, data, merged_pos, pos)
    return Document(merged, merged_pos, base.patches + patches, [shown, *base.files], base.problems + problems)


# --------------------------------------------------------------------------------------------------
# Applying patches to raw rows


def _text(value: Any) -> str:
    """A YAML value as the text of a CSV cell."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list | tuple):
        return ";".join(_text(v) for v in value)
    return str(value).strip()


def _equal(cell: str | None, want: Any) -> bool:
    if want is None:
        return cell is None
    if cell is None:
        return False
    if isinstance(want, int | float) and not isinstance(want, bool):
        try:
            return float(cell) == float(want)
        except ValueError:
            return False
    return cell == _text(want)


def _matches(row: RawRow, match: Mapping[str, Any]) -> bool:
    return not row.broken and all(_equal(row.values.get(c), v) for c, v in match.items())


def _close_match_hint(rows: Sequence[RawRow], match: Mapping[str, Any]) -> str:
    """`` (did you mean col='value'?)`` for each matched column whose value no row has but a row
    has a close one (:func:`difflib.get_close_matches` with :data:`~sim.scenario.problems.TYPO_CUTOFF`: a typo, not
    another row's value); empty when there is none."""
    hints = []
    for col, want in match.items():
        present = sorted({r.values[col] for r in rows if not r.broken and col in r.values})
        if want is None or any(_equal(v, want) for v in present):
            continue
        close = difflib.get_close_matches(_text(want), present, n=1, cutoff=TYPO_CUTOFF)
        if close:
            hints.append(f"{col}={close[0]!r}")
    return f" (did you mean {', '.join(hints)}?)" if hints else ""


def _unknown(item: _PatchItem, keys: Sequence[str], sub: tuple[Any, ...], what: str, problems: list[Problem]) -> bool:
    """Report the keys that are not columns of the patched table; whether there were any."""
    columns = TABLE_COLUMNS[item.table]
    bad = [k for k in keys if k not in columns]
    for k in bad:
        problems.append(Problem(*_at(item.pos, (*item.path, *sub, k), value=False),
                                f"patches.{item.table}[{item.path[-1]}].{what}.{k}",
                                f"unknown column {k!r} of {item.table}; columns: {', '.join(columns)}"))
    return bool(bad)


def apply_patches(raw: dict[str, list[RawRow] | None], patches: Sequence[_PatchItem]) -> list[Problem]:
    """Apply table patches in order to the raw rows of each table (in place).

    Parameters
    ----------
    raw : dict of str to list of RawRow or None
        Rows of each table read so far; a table that could not be read (``None``) is skipped.
    patches : sequence
        :attr:`Document.patches`.

    Returns
    -------
    list of Problem
        Unknown columns, matches of no row, scaled cells that are not numbers; each at its key in
        the file that wrote the patch.
    """
    problems: list[Problem] = []
    for item in patches:
        rows = raw.get(item.table)
        if rows is None:
            continue
        patch, path, pos = item.patch, item.path, item.pos
        field_of = f"patches.{item.table}[{path[-1]}]"


        if patch.add is not None:
            for j, new in enumerate(patch.add):
                if _unknown(item, list(new), ("add", j), f"add[{j}]", problems):
                    continue
                file, line, _ = _at(pos, (*path, "add", j), value=False)
                cells = {k: _at(pos, (*path, "add", j, k)) for k in new}
                values = {k: _text(v) for k, v in new.items() if v is not None and _text(v)}
                rows.append(RawRow(values, file, line, from_csv=False, cells=cells))
            continue
        match = patch.remove if patch.remove is not None else patch.match or {}
        op = "remove" if patch.remove is not None else "match"
        if _unknown(item, list(match), (op,), op, problems) | _unknown(item, list(patch.set or {}), ("set",), "set", problems) \
                | _unknown(item, list(patch.scale or {}), ("scale",), "scale", problems):
            continue
        hits = [r for r in rows if _matches(r, match)]
        if not hits:
            wanted = ", ".join(f"{k}={_text(v)!r}" for k, v in match.items())
            problems.append(Problem(*_at(pos, (*path, op), value=False), f"{field_of}.{op}",
                                    f"matches no row of {item.table} ({wanted})"
                                    + _close_match_hint(rows, match)))
            continue
        if patch.remove is not None:
            rows[:] = [r for r in rows if not _matches(r, match)]
            continue
        for r in hits:
            for col, value in (patch.set or {}).items():
                if value is None or not _text(value):
                    r.values.pop(col, None)
                else:
                    r.values[col] = _text(value)
                r.cells[col] = _at(pos, (*path, "set", col))
            for col, factor in (patch.scale or {}).items():
                where = _at(pos, (*path, "scale", col))
                try:
                    old = float(r.values[col])
                except (KeyError, ValueError):
                    problems.append(Problem(*where, f"{field_of}.scale.{col}",
                                            f"cannot scale {col!r} of the row at {r.file}:{r.line}: "
                                            f"{r.values.get(col, 'empty')!r} is not a number"))
                    continue
                r.values[col] = repr(old * factor)
                r.cells[col] = where
    return problems
