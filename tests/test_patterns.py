"""Issue 9's route-shift pattern on the calibrated overlay, as a test (slow: two arms of 3 replicates).

The acceptance figures themselves are measured at 10 replicates and 4 persons per agent
(docs/experiments.md); this is the same experiment at a scale the suite can afford (3 replicates,
20 persons per agent, to July 2013, the end of the 12-month window), so its intervals are wide.
The bounds are issue 9's, two-sided, never lowered: where the model misses them the test is an
``xfail(strict=True)`` with the measured value in its reason.
"""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path

import pytest

from sim.scenario import load_scenario

CALIBRATED = Path(__file__).resolve().parents[1] / "scenarios" / "baseline_2014_calibrated.yaml"
route_shift = importlib.import_module("sim.experiments.route_shift")


@pytest.fixture(scope="module")
def shift():
    sc = load_scenario(CALIBRATED).with_overrides(persons_per_agent=20, end=dt.date(2013, 7, 31))
    return route_shift.route_shift(sc, 20140101, 3).summary


@pytest.mark.slow
def test_the_evros_shock_cuts_the_shocked_crossing(shift):
    assert shift["shock_route_change"] <= -0.7, shift["shock_route_change"]


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason=(
    "stop 31 (payment on success with its break-even floor, and its re-fit): on this sample (3 replicates at 20 "
    "persons per agent) 0.463 of the lost Evros flow is elsewhere after six months and 0.916 after twelve (twelve "
    "months is more than six plus 0.1, but six months is above its 0.4 bound; at 10 replicates x 4 the ensemble "
    "ratios are 0.217 and 0.400); "
    "stop 29 (the vessel capital on, and its re-fit): on this sample (3 replicates at 20 persons per agent) "
    "0.723 of the lost Evros flow is elsewhere after six months and 0.808 after twelve; "
    "stop 25 (second re-fit, with refugees abroad, Egypt's visa requirement and the Croatian-Slovenian border "
    "checks in the reference): on this sample (3 replicates at 20 persons per agent) 0.014 of the lost Evros flow "
    "is elsewhere after six months and -0.413 after twelve (observed about 0.15 after six); the first stop-25 "
    "fit: 0.623 and 0.832; stop 23: 0.670 and -0.151; stop 22: 0.805 and 0.896; it held at stop 21 (0.366, "
    "0.734). The 10-replicate protocol at 4 persons per agent: docs/experiments.md, stop 25"))
def test_the_flow_lost_at_the_evros_reappears_partly_and_with_a_lag(shift):
    """Observed: about 0.15 of the lost flow elsewhere six months after the Evros shock (data README).

    Held at stop 21 (detention with finite places, mechanism f, and its fit) on this sample, 3
    replicates at 20 persons per agent: 0.366 and 0.734; a strict xfail before (stop 20: 0.742 and
    0.951) and again since stop 22 (the reason above). The target is unchanged."""
    d6, d12 = shift["displaced_share_6m"], shift["displaced_share_12m"]
    assert 0.05 <= d6 <= 0.4, (d6, d12)
    assert d12 >= d6 + 0.1, (d6, d12)
