"""Regression: the small fixture's tables (seed 7, 1 person per agent) match the stored fingerprints.

Two fingerprints are stored:

- ``small.json``, the tables recorded before the refactor of issue 8 (/work/regress/before.pkl on the
  team machine). The model must still give exactly these tables with the six mechanisms of issue 9
  switched off (``awareness``, ``supply``, ``hub_reputation``, ``consolidation``, ``waiting``, ``detention``: ``enabled: false``):
  each switch brings back the rule it replaced, so every ablation is the old model, not a new one.
- ``small_mechanisms.json``, the tables with the default parameters (all six mechanisms on; the fixture has no detaining agency row, so detention (f) acts nowhere in it: tests/test_detention.py covers its wiring).

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
STORED_MECHANISMS = json.loads((ROOT / "tests" / "regression" / "small_mechanisms.json").read_text())
MECHANISMS = ("awareness", "supply", "hub_reputation", "consolidation", "waiting", "detention")


def _run(stored: dict, mechanisms_on: bool) -> dict:
    sc = load_scenario(ROOT / stored["scenario"]).with_overrides(persons_per_agent=stored["persons_per_agent"])
    if not mechanisms_on:
        sc = sc.with_overrides(parameters={m: {"enabled": False} for m in MECHANISMS})
    return table_fingerprints(run_replicate(sc, stored["seed"]))


@pytest.fixture(scope="module")
def fingerprints():
    return _run(STORED, mechanisms_on=False)


@pytest.fixture(scope="module")
def fingerprints_mechanisms():
    return _run(STORED_MECHANISMS, mechanisms_on=True)


@pytest.mark.parametrize("table", sorted(STORED["tables"]))
def test_mechanisms_off_give_the_pre_mechanism_tables(fingerprints, table):
    assert fingerprints[table] == STORED["tables"][table], (
        f"{table} changed with every mechanism switched off: an ablation no longer gives the old rule")


@pytest.mark.parametrize("table", sorted(STORED_MECHANISMS["tables"]))
def test_small_fixture_tables_are_unchanged(fingerprints_mechanisms, table):
    assert fingerprints_mechanisms[table] == STORED_MECHANISMS["tables"][table], (
        f"{table} changed: if the change of method is intended, run scripts/regression_fingerprint.py "
        "and report before/after figures")


def test_no_table_added_or_lost(fingerprints, fingerprints_mechanisms):
    assert sorted(fingerprints) == sorted(STORED["tables"])
    assert sorted(fingerprints_mechanisms) == sorted(STORED_MECHANISMS["tables"])


def test_utility_blocks_do_not_change_the_choices(monkeypatch):
    """``run_market`` computes utilities in blocks for speed only: one block per width class and one
    shared block for all classes must give the same tables."""
    import sim.market

    sc = load_scenario(ROOT / STORED_MECHANISMS["scenario"]).with_overrides(
        persons_per_agent=STORED_MECHANISMS["persons_per_agent"], end="2012-09-30")
    got = {}
    for label, cells in (("own", -1), ("shared", 10**18)):
        monkeypatch.setattr(sim.market, "_OWN_BLOCK_WASTED_CELLS", cells)
        got[label] = table_fingerprints(run_replicate(sc, STORED_MECHANISMS["seed"]))
    assert got["own"] == got["shared"]
