"""Supply that takes time and contacts (sim/supply.py): hand-computed kernels and a lagged response."""

from __future__ import annotations

import numpy as np
import pytest

from sim.supply import (
    DAYS_PER_MONTH,
    choose_new_segment,
    draw_parents,
    draw_setup_days,
    draw_spinoffs,
    entry_cost_eur,
    entry_deterrence,
    excess_demand,
    experience_factor,
    exploration_probability,
    founder_margin_eur,
    fund_entries,
    inherited_experience,
    recruiters_at,
    spinoff_rate,
    vessel_cost_eur,
)


def test_recruiters_count_home_members_and_partners_once():
    # enterprises: 0 (4 members) and 1 (2) at node 0; 2 (5) at node 1; 3 (1) at node 2
    # partnerships 0-2 and 1-2 (both at node 0 partner the one at node 1), 2-3
    home = np.array([0, 0, 1, 2])
    members = np.array([4.0, 2.0, 5.0, 1.0])
    M = recruiters_at(home, members, np.array([[0, 2], [1, 2], [2, 3]]), n_nodes=4)
    # node 0: 4 + 2 + 5 (enterprise 2 counted once); node 1: 5 + 4 + 2 + 1; node 2: 1 + 5; node 3: none
    np.testing.assert_allclose(M, [11.0, 12.0, 6.0, 0.0])
    np.testing.assert_allclose(recruiters_at(home, members, np.zeros((0, 2)), 4), [6.0, 5.0, 1.0, 0.0])


def test_spinoff_rate_hand_computed_and_bounded():
    x = excess_demand(np.array([100.0, 200.0, 500.0, 10.0]), np.array([100.0, 100.0, 100.0, 0.0]))
    np.testing.assert_allclose(x, [0.0, 1.0, 4.0, np.inf])
    r = spinoff_rate(np.full(4, 10.0), x, 1e-3)
    np.testing.assert_allclose(r, [0.0, 0.005, 0.008, 0.01])
    # bounded by rate * M whatever the queue
    assert spinoff_rate(np.array([10.0]), np.array([1e9]), 1e-3)[0] <= 0.01
    # no recruiters, no entry
    assert spinoff_rate(np.array([0.0]), np.array([np.inf]), 1e-3)[0] == 0.0


def test_entry_cost_grows_with_effort():
    c = entry_cost_eur(np.array([0.0, 1.0, 3.0]), 4000.0, 0.5)
    np.testing.assert_allclose(c, [4000.0, 6000.0, 10000.0])


def test_fund_entries_charges_parents_and_refuses_without_cash():
    funded, cash = fund_entries(np.array([9000.0, 4000.0, 20000.0]), np.array([0, 1, 0, 2, 2]), 4500.0)
    assert funded.tolist() == [True, False, True, True, True]
    np.testing.assert_allclose(cash, [0.0, 4000.0, 11000.0])


def test_draw_parents_by_members():
    rng = np.random.default_rng(0)
    p = draw_parents(np.array([1.0, 3.0, 0.0]), 40000, rng)
    share = np.bincount(p, minlength=3) / len(p)
    np.testing.assert_allclose(share, [0.25, 0.75, 0.0], atol=0.01)
    assert len(draw_parents(np.zeros(2), 5, rng)) == 0


def test_setup_days_mean():
    d = draw_setup_days(20000, 45.0, 3.0, np.random.default_rng(1))
    assert d.mean() == pytest.approx(45.0, rel=0.02)
    assert (d >= 0).all()


def test_experience_factor_progress_ratio_per_doubling():
    k = np.array([0.0, 100.0, 300.0, 700.0])  # 1 + k/100 = 1, 2, 4, 8
    np.testing.assert_allclose(experience_factor(k, 100.0, 0.8), [1.0, 0.8, 0.64, 0.512])
    np.testing.assert_allclose(experience_factor(k, 100.0, 1.0), 1.0)
    with pytest.raises(ValueError):
        experience_factor(k, 100.0, 1.2)
    with pytest.raises(ValueError):
        experience_factor(k, 0.0, 0.8)
    assert float(inherited_experience(400.0, 0.25)) == 100.0


def test_exploration_only_over_the_loss_tolerance():
    pr = exploration_probability(np.array([10.0, 11.0, 0.0]), np.array([100.0, 100.0, 0.0]), 0.1, 0.3)
    assert pr[0] == 0.0 and pr[2] == 0.0
    assert 1 - (1 - pr[1]) ** DAYS_PER_MONTH == pytest.approx(0.3)


def test_choose_new_segment_ties_at_random():
    rng = np.random.default_rng(2)
    picks = {choose_new_segment(np.array([2.0, 5.0, 5.0]), rng) for _ in range(50)}
    assert picks == {1, 2}


def lagged_response(seed, *, days=365, demand=100.0, members0=20.0, seats_per_day=20.0,
                    rate=5e-4, setup_mean=45.0):
    """A new segment wanted by ``demand`` persons/day from day 0, served by spin-offs only.

    Each founded enterprise brings one member (a recruiter from then on) and, after its set-up lag,
    ``seats_per_day`` persons of capacity. Returns entries per day and capacity per day.
    """
    rng = np.random.default_rng(seed)
    members = members0
    active_from: list[int] = []
    entries = np.zeros(days, dtype=int)
    cap = np.zeros(days)
    for t in range(days):
        capacity = seats_per_day * sum(1 for d in active_from if d <= t)
        cap[t] = capacity
        x = excess_demand(np.array([demand]), np.array([capacity]))
        n = int(draw_spinoffs(spinoff_rate(np.array([members]), x, rate), rng)[0])
        if n:
            entries[t] = n
            members += n
            active_from.extend((t + draw_setup_days(n, setup_mean, 3.0, rng)).tolist())
    return entries, cap


def test_spinoff_supply_is_taken_up_with_a_lag():
    """Under a third of the first year's entries come in the first 30 days, and capacity reaches a
    quarter of demand only after more than the mean set-up lag (averaged over seeds)."""
    first30, year, reach = [], [], []
    for seed in range(30):
        entries, cap = lagged_response(seed)
        first30.append(entries[:30].sum())
        year.append(entries.sum())
        hit = np.flatnonzero(cap >= 25.0)
        reach.append(hit[0] if len(hit) else 365)
    assert sum(first30) < sum(year) / 3
    assert np.median(reach) > 45
    assert sum(year) > 0


def test_more_recruiters_faster_supply():
    slow = np.median([np.argmax(lagged_response(s, members0=10.0)[1] >= 25.0) or 365 for s in range(20)])
    fast = np.median([np.argmax(lagged_response(s, members0=80.0)[1] >= 25.0) or 365 for s in range(20)])
    assert fast < slow



def test_experience_factor_of_is_the_scalar_experience_factor_bit_for_bit():
    from sim.supply import experience_factor_of

    rng = np.random.default_rng(3)
    for k in np.concatenate([rng.uniform(0.0, 5e4, 2000), np.arange(0.0, 4000.0, 20.0), [0.0, -3.0]]):
        for scale, ratio in ((500.0, 0.8), (120.0, 0.93), (1.0, 1.0)):
            assert experience_factor_of(k, scale, ratio) == float(experience_factor(k, scale, ratio))
    with pytest.raises(ValueError):
        experience_factor_of(1.0, 100.0, 0.0)


def test_founder_margin_is_a_share_of_the_wanted_seats_capped_by_capacity():
    price, cost = np.full(4, 1000.0), np.full(4, 400.0)
    wanted = np.array([120.0, 120.0, 1000.0, 120.0])
    sellers = np.array([3, 0, 0, 3])
    cap = np.array([100.0, 100.0, 100.0, 100.0])
    m = founder_margin_eur(price, cost, wanted, sellers, cap)
    # 120 / 4 = 30 persons; alone: 120 capped at 100; 1000 capped at 100
    np.testing.assert_allclose(m[:3], [600.0 * 30, 600.0 * 100, 600.0 * 100])
    # below the variable cost the margin is negative
    assert founder_margin_eur(np.array([300.0]), np.array([400.0]), np.array([10.0]), np.array([0]),
                              np.array([100.0]))[0] == -1000.0


def test_entry_deterrence_hand_computed_and_off_at_weight_zero():
    h, stake, cost, margin = np.array([0.01, 0.0]), np.array([1e4, 1e4]), np.array([100.0, 0.0]), np.array([400.0, 400.0])
    # loss 0.01 * 10,000 + 100 = 200 against 400: exp(-0.5 w)
    np.testing.assert_allclose(entry_deterrence(h, stake, cost, margin, 2.0), [np.exp(-1.0), 1.0])
    # weight 0: exactly 1 everywhere, even without a margin
    off = entry_deterrence(np.array([0.5, 0.5]), np.array([1e6, 1e6]), np.array([1e3, 1e3]), np.array([1.0, 0.0]), 0.0)
    assert off.tolist() == [1.0, 1.0]
    # no positive margin and a loss: nobody starts; no loss and no margin: nobody is deterred
    np.testing.assert_array_equal(entry_deterrence(np.array([0.01, 0.0]), np.array([1e4, 1e4]), np.array([0.0, 0.0]),
                                                   np.array([-5.0, 0.0]), 1.0), [0.0, 1.0])
    with pytest.raises(ValueError, match="weight"):
        entry_deterrence(h, stake, cost, margin, -1.0)


def test_entry_deterrence_grows_with_effort_and_falls_with_margin():
    from sim.consolidation import arrest_hazard, fixed_cost_eur

    E = np.array([0.0, 0.4, 0.8, 1.6])
    one = np.ones(4)
    h = arrest_hazard(E, one, np.zeros(4), base=5e-4, per_effort=4e-3, size_exponent=0.3,
                      experience_scale=500.0, experience_exponent=0.25)
    stake = entry_cost_eur(E, 5000.0, 1.0)
    cost = fixed_cost_eur(one, E, per_member_eur=0.0, per_effort_eur=40.0, scale_exponent=0.6)
    f = entry_deterrence(h, stake, cost, np.full(4, 500.0), 1.0)
    assert np.all(np.diff(f) < 0) and f[0] > 0.99 and f[-1] < 0.8
    # the same effort deters less where the expected margin is larger
    g = entry_deterrence(h, stake, cost, np.full(4, 5000.0), 1.0)
    assert np.all(g[1:] > f[1:])


def test_vessel_cost_is_charged_only_with_the_rule_and_supply_on():
    from sim.parameters import SupplyParameters

    v = np.array([0.0, 188000.0])
    on = SupplyParameters(vessel_capital=True)
    assert vessel_cost_eur(v, 1, on) == 188000.0 and vessel_cost_eur(v, 0, on) == 0.0
    assert vessel_cost_eur(v, 1, SupplyParameters(vessel_capital=True, enabled=False)) == 0.0
    assert vessel_cost_eur(v, 1, None) == 0.0
    assert vessel_cost_eur(np.zeros(0), 1, on) == 0.0  # a network without the column
