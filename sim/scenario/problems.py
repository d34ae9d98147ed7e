"""Problems of a scenario and the error that carries them.

Every problem is reported as ``file:line:column: field.path: message``; this module also turns
pydantic's errors into such messages (:func:`_expand`, :func:`_field_path`) and shows paths
relative to the current directory (:func:`_display`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


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



def merge_repeated(problems: Sequence[Problem]) -> list[Problem]:
    """Report once a problem repeated at the same place for several rows.

    A patch's ``set`` or ``scale`` writes one cell of every row it matches; a bad value is then
    the same problem, at the same file, line and column, for each of those rows. Such problems
    (equal but for the row index in the field) become one, naming the rows.

    Parameters
    ----------
    problems : sequence of Problem

    Returns
    -------
    list of Problem
        In the order of each group's first problem.

    Examples
    --------
    >>> ps = [Problem("v.yaml", 6, 21, f"agencies[{i}].effort", "not a number") for i in range(3)]
    >>> [str(p) for p in merge_repeated(ps)]
    ['v.yaml:6:21: agencies[0].effort: not a number (the same in the 3 rows this value is set in: agencies[0], agencies[1], agencies[2])']
    """
    groups: dict[tuple[Any, ...], list[Problem]] = {}
    for p in problems:
        key = (p.file, p.line, p.column, p.message, re.sub(r"\[\d+\]", "[]", p.field))
        groups.setdefault(key if p.line is not None else (id(p),), []).append(p)
    out = []
    for group in groups.values():
        first = group[0]
        fields = list(dict.fromkeys(p.field for p in group))
        if len(fields) > 1:
            rows = [re.sub(r"^([^.]*\[\d+\]).*$", r"\1", f) for f in fields]
            first = Problem(first.file, first.line, first.column, first.field,
                            f"{first.message} (the same in the {len(rows)} rows this value is set "
                            f"in: {', '.join(rows)})")
        out.append(first)
    return out


def _display(path: Path) -> str:
    """The path relative to the current directory if it lies below it, else absolute."""
    cwd = Path.cwd()
    for p, base in ((path.absolute(), cwd.absolute()), (path.resolve(), cwd.resolve())):
        try:
            return p.relative_to(base).as_posix()
        except ValueError:
            continue
    return str(path.absolute())


#: Similarity (difflib ratio) from which an allowed value or a table's cell is offered as "did you
#: mean" for a misspelled one: 'hub_crackdwn' -> 'hub_crackdown' (0.96), 'Libyan coastguard' ->
#: 'Libyan coast guard' (0.97); not 'reactive' -> 'adaptive' (0.62) nor 'Libyan coast guard' ->
#: 'Turkish coast guard' (0.70), which are other values, not typos.
TYPO_CUTOFF = 0.85


_PATTERN_MESSAGES = {
    "name": "expected lower-case letters, digits, '_' and '-' only",
    "month": "expected a month YYYY-MM",
    "country_iso2": "expected an ISO 3166-1 alpha-2 code in capitals, e.g. 'GR'",
    "border": "expected two ISO2 codes joined by '-', e.g. 'TR-GR'",
    "nat_iso3": "expected an ISO 3166-1 alpha-3 code in capitals, e.g. 'SYR'",
}



_BOUND_KINDS = ("greater_than", "greater_than_equal", "less_than", "less_than_equal")


def _parameter_range(names: Sequence[str]) -> str:
    """The whole allowed range of the parameter at ``parameters.<group>.<field>``, e.g. ``0 <= value <= 1``.

    An out-of-bounds message from pydantic names only the bound it broke; this gives both. Empty when
    ``names`` is not a parameter path or the field has no bounds.
    """
    if len(names) < 3 or names[0] != "parameters":
        return ""
    from sim.parameters import (
        Parameters,  # the schema's own parameter table (no cycle at import time)
    )

    model: Any = Parameters
    info = None
    for key in names[1:]:
        fields = getattr(model, "model_fields", None)
        if not fields or key not in fields:
            return ""
        info = fields[key]
        model = info.annotation
    low = high = ""
    for m in getattr(info, "metadata", ()):
        for attr, sign in (("ge", "<="), ("gt", "<")):
            if getattr(m, attr, None) is not None:
                low = f"{getattr(m, attr):g} {sign} "
        for attr, sign in (("le", "<="), ("lt", "<")):
            if getattr(m, attr, None) is not None:
                high = f" {sign} {getattr(m, attr):g}"
    return f"{low}value{high}" if low or high else ""


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
        if kind in _BOUND_KINDS:
            allowed = _parameter_range(names)
            if allowed:
                msg = f"{msg}; allowed: {allowed}"
        if kind in ("literal_error", "enum") and isinstance(value, str):
            expected = re.findall(r"'([^']*)'", str((error.get("ctx") or {}).get("expected", "")))
            hint = difflib.get_close_matches(value, expected, n=1, cutoff=TYPO_CUTOFF)
            if hint:
                msg = f"{msg}; did you mean {hint[0]!r}?"
    return [(loc, msg)]


def _field_path(loc: Sequence[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _unknown_key_message(key: str, allowed: list[str]) -> str:
    hint = [a for a in allowed if key and a.startswith(key)] or difflib.get_close_matches(key, allowed, n=1)
    more = f" (did you mean {hint[0]!r}?)" if hint else ""
    return f"unknown key {key!r}{more}; allowed: {', '.join(allowed)}"

