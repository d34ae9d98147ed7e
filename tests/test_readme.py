"""The README against what it describes: command synopses, make targets and file paths."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from sim.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")

#: Commands whose README synopsis is a code block starting ``routesim COMMAND`` (continued on
#: indented lines) and must list every option of ``routesim COMMAND --help``.
SYNOPSES = ("run", "experiment", "compare", "sensitivity", "calibrate")


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _synopsis(command: str) -> str:
    match = re.search(rf"^routesim {command} .*(?:\n {{10,}}\[.*)*", README, flags=re.M)
    assert match, f"no synopsis line 'routesim {command} ...' in README.md"
    return match.group(0)


def test_every_command_is_documented():
    for command in _subcommands():
        assert f"routesim {command}" in README, command


@pytest.mark.parametrize("command", SYNOPSES)
def test_synopsis_lists_exactly_the_options_of_help(command):
    options = {s for a in _subcommands()[command]._actions for s in a.option_strings
               if s.startswith("--") and s != "--help"}
    assert set(re.findall(r"--[a-z][a-z-]*", _synopsis(command))) == options


def test_make_targets_in_the_readme_exist():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.search(r"^\.PHONY: (.*)$", makefile, flags=re.M).group(1).split())
    assert targets <= set(re.findall(r"\bmake ([a-z]+)\b", README))  # every target is mentioned
    # every command `make X` (in backticks or at the start of a line of a code block) is a target
    assert set(re.findall(r"(?:`|^)make ([a-z]+)", README, flags=re.M)) <= targets


def test_paths_in_the_readme_are_inside_the_repository():
    assert "../" not in README.replace("extends: ../baseline_2014.yaml", "")
    paths = set(re.findall(r"`((?:docs|sim|scenarios|tests|notebooks|benchmarks|scripts)/[\w./-]*)`",
                           README))
    assert paths
    assert sorted(p for p in paths if not (ROOT / p).exists()) == []


def test_the_table_of_tables_lists_every_column():
    """README's "Tables" list gives each table's header as the loader expects it: the required columns, then the
    optional last columns (:data:`sim.scenario.rows.OPTIONAL_COLUMNS`) in brackets."""
    from sim.scenario.rows import OPTIONAL_COLUMNS, TABLE_COLUMNS

    for table, columns in TABLE_COLUMNS.items():
        optional = [c for c in columns if c in OPTIONAL_COLUMNS.get(table, {})]
        required = [c for c in columns if c not in optional]
        header = ",".join(required) + (f"[,{','.join(optional)}]" if optional else "")
        assert f"| `{table}.csv` | `{header}`" in README, (table, header)
