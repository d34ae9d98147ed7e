"""Regression: the small fixture's tables (seed 7, 1 person per agent) match the stored fingerprint.

The stored fingerprint was taken from the tables recorded before the refactor of issue 8
(/work/regress/before.pkl on the team machine), so it also shows that the refactor kept results.

A change of code that is not meant to change results must leave them identical. After an intended
change of method, regenerate the fingerprint with ``scripts/regression_fingerprint.py`` and give
before/after figures in the commit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.fingerprint import table_fingerprints
from sim.runner import run_replicate
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
STORED = json.loads((ROOT / "tests" / "regression" / "small.json").read_text())


@pytest.fixture(scope="module")
def fingerprints():
    sc = load_scenario(ROOT / STORED["scenario"]).model_copy(
        update={"persons_per_agent": STORED["persons_per_agent"]})
    return table_fingerprints(run_replicate(sc, STORED["seed"]))


@pytest.mark.parametrize("table", sorted(STORED["tables"]))
def test_small_fixture_tables_are_unchanged(fingerprints, table):
    assert fingerprints[table] == STORED["tables"][table], (
        f"{table} changed: if the change of method is intended, run scripts/regression_fingerprint.py "
        "and report before/after figures")


def test_no_table_added_or_lost(fingerprints):
    assert sorted(fingerprints) == sorted(STORED["tables"])
