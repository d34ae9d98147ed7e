"""docs/ODD.md: its parameter table is the one generated from the parameter metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.odd import BEGIN, END, parameter_table, table_in, with_parameter_table
from sim.parameters import parameter_specs

ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"


def test_odd_parameter_table_matches_the_metadata():
    text = ODD.read_text(encoding="utf-8")
    assert table_in(text) == parameter_table(), (
        "docs/ODD.md's parameter table and sim/parameters.py have drifted apart: "
        "run .venv/bin/python scripts/update_odd.py")


def test_the_table_lists_every_parameter_once():
    rows = [line for line in parameter_table().splitlines()[2:] if line.startswith("| ")]
    names = [r.split(" | ")[0].removeprefix("| ") for r in rows]
    assert names == [s.name for s in parameter_specs()]
    assert len(set(names)) == len(names)


def test_a_changed_table_is_detected_and_rewritten():
    text = ODD.read_text(encoding="utf-8")
    stale = text.replace(parameter_table().splitlines()[2], "| demand.undetected_share | 0.2 | 0 | 0.3 | 1 | fitted | x |")
    assert table_in(stale) != parameter_table()
    assert with_parameter_table(stale) == with_parameter_table(text)
    with pytest.raises(ValueError, match="no parameter section"):
        table_in(text.replace(BEGIN, "").replace(END, ""))
