"""Consolidation under enforcement (sim/consolidation.py): hazard, protection cost, takeover."""

from __future__ import annotations

import numpy as np
import pytest

from sim.consolidation import (
    arrest_hazard,
    arrest_outcome,
    fixed_cost_eur,
    heir,
    members_taken_over,
    per_member_fixed_cost_eur,
)

HAZ = dict(base=0.001, per_effort=0.004, experience_scale=100.0, experience_exponent=0.5)


def test_arrest_hazard_hand_computed():
    # E 2, n 9, gamma 0.5, k 300: (0.001 + 0.008) * 3 * 4**-0.5 = 0.0135
    h = arrest_hazard(np.array([2.0, 0.0]), np.array([9.0, 1.0]), np.array([300.0, 0.0]), size_exponent=0.5, **HAZ)
    np.testing.assert_allclose(h, [0.0135, 0.001])
    # clipped to a probability
    assert arrest_hazard(np.array([1e6]), np.array([1.0]), np.array([0.0]), size_exponent=1.0, **HAZ)[0] == 1.0


def test_hazard_grows_with_effort_and_falls_with_experience():
    E = np.array([0.0, 1.0, 3.0])
    h = arrest_hazard(E, np.full(3, 4.0), np.zeros(3), size_exponent=0.3, **HAZ)
    assert np.all(np.diff(h) > 0)
    k = np.array([0.0, 100.0, 1000.0])
    h = arrest_hazard(np.ones(3), np.full(3, 4.0), k, size_exponent=0.3, **HAZ)
    assert np.all(np.diff(h) < 0)


def test_per_member_risk_falls_with_size_only_if_gamma_below_one():
    n = np.array([1.0, 4.0, 16.0])
    for gamma, falls in ((0.5, True), (1.0, None), (1.3, False)):
        per_member = arrest_hazard(np.ones(3), n, np.zeros(3), size_exponent=gamma, **HAZ) / n
        if falls is None:
            np.testing.assert_allclose(per_member, per_member[0])
        else:
            assert np.all(np.diff(per_member) < 0) == falls


def test_fixed_cost_hand_computed():
    c = fixed_cost_eur(np.array([1.0, 4.0, 9.0]), np.array([0.0, 1.0, 2.0]), per_member_eur=10.0,
                       per_effort_eur=30.0, scale_exponent=0.5)
    # 10*1 + 0; 10*4 + 30*1*2; 10*9 + 30*2*3
    np.testing.assert_allclose(c, [10.0, 100.0, 270.0])


def test_protection_advantage_of_size_grows_with_effort_when_phi_below_one():
    """The per-member cost gap between a firm of 8 and a firm of 1 widens with effort iff phi < 1."""
    n = np.array([1.0, 8.0])
    kw = dict(per_member_eur=15.0, per_effort_eur=40.0)
    gaps = []
    for E in (0.0, 1.0, 4.0):
        c = per_member_fixed_cost_eur(n, np.full(2, E), scale_exponent=0.6, **kw)
        gaps.append(c[0] - c[1])
    assert gaps[0] == pytest.approx(0.0) and gaps[1] > 0 and gaps[2] > gaps[1]
    # phi = 1: no size advantage whatever the effort (the null the note asks to keep possible)
    for E in (0.0, 1.0, 4.0):
        c = per_member_fixed_cost_eur(n, np.full(2, E), scale_exponent=1.0, **kw)
        assert c[0] == pytest.approx(c[1])


def test_arrest_outcome_shares_and_exit():
    rng = np.random.default_rng(0)
    m = np.full(20000, 10)
    removed, organiser = arrest_outcome(m, 0.4, rng)
    assert removed.min() >= 1 and removed.max() <= 10
    assert removed.mean() == pytest.approx(4.0, rel=0.03)
    assert organiser.mean() == pytest.approx(0.4, abs=0.02)  # E[removed / n]
    removed1, organiser1 = arrest_outcome(np.ones(50, dtype=int), 0.4, rng)
    assert (removed1 == 1).all() and organiser1.all()


def test_heir_prefers_partner_then_largest():
    rng = np.random.default_rng(1)
    assert heir(np.array([False, True, True]), np.array([20.0, 3.0, 5.0]), 0.0, rng) == 2
    wins = [heir(np.array([False, False]), np.array([2.0, 6.0]), 0.6, rng) for _ in range(5000)]
    assert set(wins) == {-1, 1}
    assert np.mean(np.array(wins) == 1) == pytest.approx(0.6, abs=0.03)
    assert heir(np.zeros(0, bool), np.zeros(0), 1.0, rng) == -1


def test_open_takeover_goes_to_the_largest_regardless_of_partnership():
    rng = np.random.default_rng(3)
    part, members = np.array([False, True, False]), np.array([20.0, 3.0, 5.0])
    assert heir(part, members, 0.0, rng, open_takeover_prob=1.0) == 0
    wins = [heir(part, members, 0.0, rng, open_takeover_prob=0.3) for _ in range(5000)]
    assert set(wins) == {0, 1}
    assert np.mean(np.array(wins) == 0) == pytest.approx(0.3, abs=0.03)
    # off (0): the rule before it, drawing exactly the same random numbers
    a, b = np.random.default_rng(4), np.random.default_rng(4)
    old = [heir(np.array([False, False]), np.array([2.0, 6.0]), 0.6, a) for _ in range(200)]
    new = [heir(np.array([False, False]), np.array([2.0, 6.0]), 0.6, b, open_takeover_prob=0.0) for _ in range(200)]
    assert old == new and a.random() == b.random()


def test_members_taken_over():
    rng = np.random.default_rng(2)
    got = [members_taken_over(10, 0.5, rng) for _ in range(4000)]
    assert np.mean(got) == pytest.approx(5.0, rel=0.03)
    assert members_taken_over(0, 0.5, rng) == 0



def test_guarantee_refund_only_failed_enterprise_customers_and_checks_the_share():
    from sim.consolidation import guarantee_refund

    paid = np.array([900.0, 900.0, 900.0])
    failed = np.array([True, False, True])
    by_ent = np.array([True, True, False])
    assert guarantee_refund(paid, failed, by_ent, 1.0).tolist() == [900.0, 0.0, 0.0]
    assert guarantee_refund(paid, failed, by_ent, 0.0).tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="guarantee_share"):
        guarantee_refund(paid, failed, by_ent, 1.5)
