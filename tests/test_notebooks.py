"""The student notebooks are stored without outputs and use only the public library API.

They are executed top to bottom by nbmake as part of the suite (`--nbmake`, testpaths include
notebooks/); this file checks how they are stored.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
EXPECTED = ["01_tour", "02_evros_shock", "03_hubs_reputation", "04_smuggling_market", "05_compare_enforcement"]
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
#: Modules of the public API a notebook may import from sim (no private names, no internals).
PUBLIC = {"sim.scenario", "sim.model", "sim.runner", "sim.snapshot", "sim.metrics", "sim.plots",
          "sim.observed", "sim.validation"}


def test_the_five_notebooks_exist():
    assert [p.stem for p in PATHS] == EXPECTED


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_stored_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name}: cell {i} has outputs (clear them before committing)"
            assert cell.get("execution_count") is None, f"{path.name}: cell {i} has an execution count"


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_question_exercises_and_public_api(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    md = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "**Question.**" in md and "## Exercises" in md and "**Run time.**" in md
    exercises = md.split("## Exercises", 1)[1]
    assert 2 <= len(re.findall(r"^\d\. ", exercises, flags=re.M)) <= 3
    modules = set(re.findall(r"^from (sim[\w.]*) import", code, flags=re.M))
    modules |= set(re.findall(r"^import (sim[\w.]*)", code, flags=re.M))
    assert modules <= PUBLIC, f"{path.name} imports {sorted(modules - PUBLIC)}"
    assert not re.search(r"\bmodel\._|\.edge_stats\b|\.migrants\.", code), f"{path.name} reads model internals"
