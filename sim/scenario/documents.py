"""One YAML document of a scenario, read with the position of every key and value.

YAML is read with ruamel.yaml's round-trip loader, a fresh ``YAML()`` per file (YAML 1.2, so the
country code ``NO`` stays a string), and the file, line and column of every key and value are kept
(:data:`Positions`) so that pydantic's errors point back into the file that wrote the value, also
when an overlay's keys are merged over its base's (:mod:`sim.scenario.overlay`).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from sim.scenario.problems import Problem, ScenarioError, _expand, _field_path, _unknown_key_message

Position = tuple[int, int]  # 1-based line and column
#: Key path in a document (str keys, int list indices) to (file shown, key position, value position).
Positions = dict[tuple[Any, ...], tuple[str, Position, Position]]


def _yaml_syntax_problem(exc: MarkedYAMLError, shown: str) -> Problem:
    """A YAML syntax error as a Problem at the line a user has to mend, in plain words.

    The parser reports where it gave up (``problem_mark``), which for an unclosed quote or a key
    without its colon is the end of the file or a later line; the start of what it was reading
    (``context_mark``) is then the line to mend; so is an unclosed bracket's. The parser's own words
    follow in parentheses.
    """
    context, problem = exc.context or "", exc.problem or ""
    parser = " ".join(s for s in (context, problem) if s) or "invalid YAML"
    at = exc.problem_mark or exc.context_mark
    ctx = exc.context_mark
    unfinished = "end of stream" in problem or "simple key" in context
    flow = "flow" in context
    if ctx is not None and (unfinished or flow):
        at = ctx  # the quote, key or bracket that is never finished starts here
    given = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
    plain = ""
    if "escape" in problem:
        plain = ("a backslash in a double-quoted value starts an escape: write \\\\ for one backslash, or "
                 "use single quotes")
    elif "quoted scalar" in context:
        plain = "a quoted value opened here is never closed"
    elif "simple key" in context or "could not find expected ':'" in problem:
        plain = "a key without ':' after it"
    elif "mapping values are not allowed" in problem:
        plain = ("a ':' where no key can start: the line above may lack the ':' after its key, or a value "
                 "holding ': ' needs quotes")
    elif "'<block mapping start>'" in problem:
        plain = "this line's indentation does not match the keys above it (indent with spaces, by the same amount)"
    elif "'<scalar>'" in problem:
        plain = ("text where none can follow: after a closing quote or bracket, or a quote opened on an "
                 "earlier line and closed here (a ' inside '...' is written '')")
    elif "found '<block sequence start>'" in problem or "found '-'" in problem:
        plain = "a list item ('- ...') inside a mapping"
    elif "found ']'" in problem or "found '}'" in problem:
        plain = "a closing bracket without its opening one"
    elif "\\t" in problem:
        plain = "a tab character, which YAML does not allow here: use spaces"
    elif flow and ctx is not None:
        stop = ("the end of the file" if "stream end" in problem
                else f"line {given}" if given and given != ctx.line + 1 else "")
        plain = "the bracket opened here is not closed where expected" + (f" (the parser stopped at {stop})"
                                                                           if stop else "")
    elif ctx is not None and at is not None and ctx.line != at.line:
        plain = f"{context} that starts at line {ctx.line + 1}"
    what = f"{plain} ({parser})" if plain else parser
    line = at.line + 1 if at is not None else None
    col = at.column + 1 if at is not None else None
    return Problem(shown, line, col, "", f"YAML syntax error: {what}")


def _plain(node: Any, path: tuple[Any, ...], pos: Positions, shown: str) -> Any:
    """Copy ruamel round-trip data into plain Python values, recording key and value positions."""
    if isinstance(node, CommentedMap):
        out: dict[str, Any] = {}
        for k, v in node.items():
            key = k if isinstance(k, str) else str(k)
            (kl, kc), (vl, vc) = _key_value_position(node, k)
            pos[(*path, key)] = (shown, (kl + 1, kc + 1), (vl + 1, vc + 1))
            out[key] = _plain(v, (*path, key), pos, shown)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for i, v in enumerate(node):
            line, col = node.lc.item(i)
            pos[(*path, i)] = (shown, (line + 1, col + 1), (line + 1, col + 1))
            items.append(_plain(v, (*path, i), pos, shown))
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


def _key_value_position(node: CommentedMap, key: Any) -> tuple[Position, Position]:
    """0-based positions of a key and its value, also for a key merged in with ``<<: *anchor``.

    A merged key has no position in the mapping that merges it: it is reported where the anchored
    mapping defines it (or, failing that, at the start of the merging mapping).
    """
    if (node.lc.data or {}).get(key) is not None:
        return node.lc.key(key), node.lc.value(key)
    for merged in _merged_maps(node):
        if isinstance(merged, CommentedMap) and key in merged:
            return _key_value_position(merged, key)
    here = (node.lc.line or 0, node.lc.col or 0)
    return here, here


def _merged_maps(node: CommentedMap) -> list[Any]:
    """The mappings merged into ``node`` by YAML merge keys (``<<``), in priority order."""
    out: list[Any] = []
    for item in getattr(node, "merge", None) or ():
        out.append(item[1] if isinstance(item, tuple) else item)
    return out


def _tag_problems(yaml: YAML, text: str, shown: str) -> list[Problem]:
    """Every explicit YAML tag (``!foo``, ``!!python/object``...) in ``text``, as a problem.

    Scenario files are plain data: a tag could ask a loader to build an object (or, with an unsafe
    loader, to run code), so any tag is refused at its line and column before anything is built.
    """
    problems = []
    for event in yaml.parse(text):
        tag = getattr(event, "tag", None)
        if tag is None:
            continue
        mark = event.start_mark
        problems.append(Problem(shown, mark.line + 1, mark.column + 1, "",
                                f"YAML tag {str(tag)!r} not allowed: scenario files are plain data"))
    return problems


class _DatesAsText(RoundTripConstructor):
    """Round-trip constructor that leaves YAML timestamps as text.

    ruamel.yaml would build ``datetime.date`` itself and raise a bare ``ValueError`` without a
    position for an impossible date such as ``2014-02-30``; as text, the schema parses the date and
    reports a bad one at its line and column like any other field.
    """


_DatesAsText.add_constructor("tag:yaml.org,2002:timestamp", _DatesAsText.construct_yaml_str)


def read_yaml(path: Path, shown: str) -> tuple[dict[str, Any], Positions]:
    """Read a YAML file into plain data and the positions of its keys and values.

    Raises
    ------
    ScenarioError
        If the file cannot be read, is not YAML or is not a mapping.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([Problem(shown, None, None, "", "file not found")]) from None
    except IsADirectoryError:
        raise ScenarioError([Problem(shown, None, None, "", "is a directory, not a scenario file")]) from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1  # the undecoded bytes: no second read
        raise ScenarioError([Problem(shown, line, None, "", f"not UTF-8 text: byte 0x{exc.object[exc.start]:02x} "
                                     "cannot be read (save the file as UTF-8)")]) from None
    except OSError as exc:
        raise ScenarioError([Problem(shown, None, None, "", f"cannot read: {exc}")]) from None
    yaml = YAML()  # a fresh round-trip loader per file: YAML 1.2, `NO` stays a string
    yaml.Constructor = _DatesAsText  # dates are checked by the schema, with their position
    try:
        tags = _tag_problems(YAML(), text, shown)
        if tags:
            raise ScenarioError(tags)
        doc = yaml.load(text)
    except MarkedYAMLError as exc:
        raise ScenarioError([_yaml_syntax_problem(exc, shown)]) from None
    except YAMLError as exc:
        position = getattr(exc, "position", None)  # a ReaderError: a character YAML does not allow
        if isinstance(position, int):
            line = text[:position].count("\n") + 1
            char = getattr(exc, "character", "")
            code = (f"character #x{char:04x}" if isinstance(char, int)
                    else f"character #x{ord(char):04x}" if isinstance(char, str) and char else "a character")
            raise ScenarioError([Problem(shown, line, None, "", f"YAML error: {code} (a control character) is "
                                         "not allowed in a YAML file: delete it")]) from None
        raise ScenarioError([Problem(shown, None, None, "", f"YAML error: {exc}")]) from None
    if not isinstance(doc, CommentedMap):
        kind = "empty" if doc is None else f"a {_yaml_kind(doc)}"
        raise ScenarioError(
            [Problem(shown, 1, 1, "", f"a scenario file must be a mapping of keys, this one is {kind}")]
        )
    pos: Positions = {(): (shown, (1, 1), (doc.lc.line + 1, doc.lc.col + 1))}
    return _plain(doc, (), pos, shown), pos


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



def _model_at(root: type[BaseModel], loc: Sequence[Any]) -> type[BaseModel] | None:
    """The pydantic model that validates the mapping at ``loc`` below ``root``, if any."""
    model: type[BaseModel] = root
    for part in loc:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        ann = field.annotation if field is not None else None
        options = [a for a in (typing.get_args(ann) or (ann,)) if a is not type(None)]  # X | None: X
        if not (len(options) == 1 and isinstance(options[0], type) and issubclass(options[0], BaseModel)):
            return None
        model = options[0]
    return model



def yaml_problems(
    err: ValidationError, pos: Mapping[tuple[Any, ...], tuple[str, Position, Position]],
    root: type[BaseModel], prefix: tuple[Any, ...] = (), top_keys: Sequence[str] = (),
) -> list[Problem]:
    """The problems of a validation error of YAML data, each at the file, line and column of its key.

    Parameters
    ----------
    err : pydantic.ValidationError
    pos : Positions
        Of the document whose part ``prefix`` was validated by ``root``.
    root : type of BaseModel
        The model validated (for the allowed keys of an unknown-key message).
    prefix : tuple, default ()
        Key path of the validated part in the document.
    top_keys : sequence of str, default ()
        Further keys allowed at the top of the validated part but read before it is validated
        (a scenario file's ``extends`` and ``patches``): listed among the allowed keys of an
        unknown-key message there.
    """
    problems = []
    for e in err.errors():
        for loc, msg in _expand(e):
            if e["type"] == "extra_forbidden" and loc:
                model = _model_at(root, loc[:-1])
                if model is not None:
                    allowed = list(model.model_fields) + (list(top_keys) if len(loc) == 1 else [])
                    msg = _unknown_key_message(str(loc[-1]), allowed)
            full = (*prefix, *loc)
            for n in range(len(full), -1, -1):
                if full[:n] in pos:
                    shown, key_pos, value_pos = pos[full[:n]]
                    exact = n == len(full) and e["type"] not in ("extra_forbidden", "missing")
                    line, col = value_pos if exact else key_pos
                    break
            problems.append(Problem(shown, line, col, _field_path(full), msg))
    return problems


def _leaf_types(annotation: Any) -> set[Any]:
    """The types an annotation admits, through ``Optional``, unions and ``Annotated``."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _leaf_types(typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        return set().union(*(_leaf_types(a) for a in typing.get_args(annotation)))
    return {annotation}


def _item_annotation(annotation: Any, part: Any) -> Any:
    """The annotation of item ``part`` (index or key) of a tuple, list or dict annotation."""
    for ann in _leaf_types(annotation):
        origin = typing.get_origin(ann)
        args = typing.get_args(ann)
        if origin in (tuple, list, Sequence) and args and isinstance(part, int):
            if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
                return args[part] if part < len(args) else None
            return args[0]
        if origin in (dict, Mapping) and len(args) == 2:
            return args[1]
    return None


def _numeric_field(root: type[BaseModel], loc: Sequence[Any]) -> str | None:
    """``"integer"`` or ``"number"`` if the key at ``loc`` below ``root`` holds numbers, else None."""
    model: type[BaseModel] | None = root
    annotation: Any = None
    for part in loc:
        if model is not None:
            field = model.model_fields.get(part) if isinstance(part, str) else None
            if field is None:
                return None
            annotation = field.annotation
        else:
            annotation = _item_annotation(annotation, part)
        leaves = _leaf_types(annotation)
        nested = [a for a in leaves if isinstance(a, type) and issubclass(a, BaseModel)]
        model = nested[0] if nested else None
    if model is not None or bool in _leaf_types(annotation):
        return None
    leaves = _leaf_types(annotation)
    if float in leaves:
        return "number"
    if int in leaves:
        return "integer"
    return None


def boolean_problems(
    data: Any, pos: Positions, root: type[BaseModel], loc: tuple[Any, ...] = ()
) -> list[Problem]:
    """A boolean where the schema wants a number is an error (pydantic would read ``true`` as 1)."""
    if isinstance(data, dict):
        items: Any = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        if isinstance(data, bool) and (kind := _numeric_field(root, loc)) is not None:
            shown, _, (line, col) = pos.get(loc) or pos[()]
            return [Problem(shown, line, col, _field_path(loc),
                            f"expected {'an' if kind == 'integer' else 'a'} {kind}, got the boolean {str(data).lower()}")]
        return []
    out: list[Problem] = []
    for key, value in items:
        out.extend(boolean_problems(value, pos, root, (*loc, key)))
    return out
