"""Shared fixtures: the tiny scenario (9 places, Aegean sea and Evros land crossings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario import Scenario, load_scenario

TINY_PATH = Path(__file__).parent / "fixtures" / "scenario_tiny" / "scenario.yaml"


@pytest.fixture(scope="session")
def tiny_scenario() -> Scenario:
    """The tiny fixture scenario, loaded once (scenarios are frozen, so sharing is safe)."""
    return load_scenario(TINY_PATH)
