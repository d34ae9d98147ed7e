"""Hub reputation as a slow stock (sim/hub_reputation.py): shares, memory, and where it matters."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.hub_reputation import (
    choose_location,
    location_probabilities,
    next_market_value_eur,
    region_share,
    reputation_signal,
    reputation_step,
)


def test_signal_hand_computed_two_regions():
    # hubs 0, 1 in one region, 2 alone
    same = np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1]], dtype=bool)
    S = reputation_signal(np.array([30.0, 10.0, 5.0]), np.array([1.0, 3.0, 2.0]), np.array([1.0, 0.0, 0.5]), same,
                          throughput_weight=2.0, enterprise_weight=1.0, success_weight=1.0)
    # weights 0.5, 0.25, 0.25; hub 0: 0.5*0.75 + 0.25*0.25 + 0.25*1; hub 1: 0.5*0.25 + 0.25*0.75 + 0;
    # hub 2: 0.5*1 + 0.25*1 + 0.25*0.5
    np.testing.assert_allclose(S, [0.6875, 0.3125, 0.875])
    with pytest.raises(ValueError):
        reputation_signal(np.ones(3), np.ones(3), np.ones(3), same, throughput_weight=0, enterprise_weight=0,
                          success_weight=0)


def test_signal_does_not_scale_with_persons():
    same = np.ones((2, 2), dtype=bool)
    kw = dict(throughput_weight=0.5, enterprise_weight=0.3, success_weight=0.2)
    a = reputation_signal(np.array([30.0, 10.0]), np.array([2.0, 2.0]), np.array([0.8, 0.8]), same, **kw)
    b = reputation_signal(np.array([120.0, 40.0]), np.array([2.0, 2.0]), np.array([0.8, 0.8]), same, **kw)
    np.testing.assert_allclose(a, b)


def test_empty_region_share_is_zero():
    np.testing.assert_allclose(region_share(np.zeros(2), np.ones((2, 2), bool)), [0.0, 0.0])


@pytest.mark.parametrize("tau", [180.0, 365.0, 1095.0])
def test_reputation_outlives_traffic_by_its_timescale(tau):
    """A hub losing all its traffic keeps half its reputation for about tau ln 2 days."""
    R = np.array([0.8])
    days = 0
    while R[0] > 0.4:
        R = reputation_step(R, np.zeros(1), tau)
        days += 1
    assert days == pytest.approx(tau * math.log(2), rel=0.01)
    with pytest.raises(ValueError):
        reputation_step(R, R, 0.5)


def test_next_market_value():
    np.testing.assert_allclose(next_market_value_eur(np.array([0.0, 0.5, 1.0]), 2000.0), [0.0, 1000.0, 2000.0])


def test_location_logit_hand_computed():
    p = location_probabilities(np.array([0.5, 0.5, 0.0]), np.array([1.0, 3.0, 0.0]), 2.0, 0.01)
    # utilities: 1 + 0, 1 + ln 3, 0 + ln 0.01
    w = np.array([math.e, 3 * math.e, 0.01])
    np.testing.assert_allclose(p, w / w.sum())
    rng = np.random.default_rng(0)
    draws = np.bincount([choose_location(np.array([0.5, 0.5, 0.0]), np.array([1.0, 3.0, 0.0]), 2.0, 0.01, rng)
                         for _ in range(4000)], minlength=3) / 4000
    np.testing.assert_allclose(draws, p, atol=0.03)


def two_hub_region(value_eur, *, days=900, shock=(200, 380), shock_eur=600.0, tau=365.0, scale=700.0):
    """Two substitutable hubs at equal cost; hub 0 is the established one (R 0.7 against 0.3).

    Between ``shock`` days the crossings beyond hub 0 cost ``shock_eur`` more. Migrants split between
    the hubs by a logit on cost and reputation; reputation follows the throughput share. Returns hub 0's
    daily share of the flow.
    """
    same = np.ones((2, 2), dtype=bool)
    R = np.array([0.7, 0.3])
    share0 = np.zeros(days)
    for t in range(days):
        extra = shock_eur if shock[0] <= t < shock[1] else 0.0
        u = (np.array([-extra, 0.0]) + next_market_value_eur(R, value_eur)) / scale
        p = np.exp(u - u.max())
        p /= p.sum()
        share0[t] = p[0]
        S = reputation_signal(100.0 * p, np.array([1.0, 1.0]), np.array([0.8, 0.8]), same,
                              throughput_weight=1.0, enterprise_weight=0.0, success_weight=0.0)
        R = reputation_step(R, S, tau)
    return share0


def test_reputation_keeps_a_hub_ahead_through_a_shock_beyond_it():
    """Where hubs are at similar cost, the established one keeps its lead through a 6-month shock
    beyond it with reputation, and loses it at once without (the ablation matters)."""
    with_rep = two_hub_region(2000.0)
    without = two_hub_region(0.0)
    shock = slice(200, 380)
    assert with_rep[shock].min() > 0.5
    assert without[shock].max() < 0.5
    # and without the shock the lead is kept (lock-in), not lost
    assert two_hub_region(2000.0, shock_eur=0.0)[-1] > 0.6



def _chain_net():
    """0 -> 1 (no market) -> 2 (market); 0 -> 3 (market); 2 -> 4 and 3 -> 4 (the destination)."""
    from types import SimpleNamespace
    src, dst = np.array([0, 1, 0, 2, 3]), np.array([1, 2, 3, 4, 4])
    market = np.array([True, False, True, True, False])
    return SimpleNamespace(src=src, dst=dst, n_edges=5, n_nodes=5, is_retreat=np.zeros(5, dtype=bool),
                           is_market=market)


def test_reputation_to_go_carries_the_market_beyond_an_option_once():
    from types import SimpleNamespace

    from sim.hubs import reputation_to_go
    net = _chain_net()
    cost = np.array([100.0, 100.0, 150.0, 100.0, 100.0])
    J = np.array([[300.0], [200.0], [100.0], [100.0], [0.0]])
    R = np.array([0.5, 0.0, 0.8, 0.2, 0.0])
    cp = SimpleNamespace(reputation_weight=3.0, cost_scale_eur=500.0)
    on = SimpleNamespace(enabled=True, planning_ahead=True, reputation_value_eur=1000.0)
    u = reputation_to_go(net, cost, J, R, on, cp)
    # node 1 is no market: it carries node 2's reputation (the market beyond it), 1000 * 0.8 / 500
    np.testing.assert_allclose(u[:, 0], [1.0, 1.6, 1.6, 0.4, 0.0])
    # the note's rule: nothing in the utility-to-go (the offers carry it)
    assert reputation_to_go(net, cost, J, R, SimpleNamespace(enabled=True, planning_ahead=False,
                                                             reputation_value_eur=1000.0), cp) == 0.0
    # without (c): the rule before it, weight x reputation ahead
    off = reputation_to_go(net, cost, J, R, SimpleNamespace(enabled=False, planning_ahead=True,
                                                            reputation_value_eur=1000.0), cp)
    np.testing.assert_allclose(off[:, 0], [1.5, 2.4, 2.4, 0.6, 0.0])


def test_planning_ahead_puts_the_reputation_ahead_in_the_utility_to_go_and_the_note_rule_does_not():
    from pathlib import Path

    from sim.model import SmugglingModel
    from sim.scenario import load_scenario
    sc = load_scenario(Path(__file__).parent / "fixtures" / "scenario_small" / "scenario.yaml")
    p = sc.parameters
    on = sc.with_overrides(parameters=p.model_copy(update={
        "hub_reputation": p.hub_reputation.model_copy(update={"planning_ahead": True})}))
    m = SmugglingModel(on, 3)
    for _ in range(m.start_day + 30):
        m.step()
    assert isinstance(m.Jr, np.ndarray)
    rep = np.array([h.reputation for h in m.hubs.values()])
    assert rep.max() > 0, "no reputation anywhere: the test says nothing"
    J_scaled = -m.J / p.choice.cost_scale_eur
    assert np.any(m.Jr > J_scaled + 1e-9), "planning_ahead is not in the utility-to-go"
    m2 = SmugglingModel(sc, 3)
    for _ in range(m2.start_day + 30):
        m2.step()
    np.testing.assert_allclose(m2.Jr, -m2.J / p.choice.cost_scale_eur)
