"""Market: rationing of seats and repeated choice rounds (hand-computed counts)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.market import market_round, ration


@pytest.mark.parametrize("seed", range(5))
def test_ration_keeps_min_of_capacity_and_demand_per_option(seed):
    rng = np.random.default_rng(seed)
    # demand per option: 5, 2, 7, 4, 3 choosers; plus 3 who chose nothing
    chosen = np.repeat([0, 1, 2, 3, 4, -1], [5, 2, 7, 4, 3, 3])
    rng.shuffle(chosen)
    capacity = np.array([3, 10, 0, -1, 3])
    kept = ration(chosen, capacity, rng)
    per_option = np.bincount(chosen[kept], minlength=5)
    assert per_option.tolist() == [3, 2, 0, 4, 3]
    assert not kept[chosen < 0].any()


def test_ration_picks_winners_at_random():
    """Which of the choosers get the one seat depends on the draw, not on their position."""
    chosen = np.zeros(4, dtype=np.int64)
    winners = {int(np.flatnonzero(ration(chosen, np.array([1]), np.random.default_rng(s)))[0])
               for s in range(40)}
    assert winners == {0, 1, 2, 3}


def test_ration_nobody_chose():
    kept = ration(np.full(3, -1), np.array([5]), np.random.default_rng(0))
    assert not kept.any()


def strong_preference(n: int, m: int = 2) -> np.ndarray:
    """Utilities where option 0 dominates: every chooser takes it whenever it is available."""
    u = np.zeros((n, m))
    u[:, 0] = 50.0
    return u


@pytest.mark.parametrize("seed", range(3))
def test_market_round_second_round_moves_losers_to_the_other_option(seed):
    rng = np.random.default_rng(seed)
    n = 10
    u = strong_preference(n)
    affordable = np.ones((n, 2), dtype=bool)
    option_of = np.tile([0, 1], (n, 1))
    capacity = np.array([3, 100])
    got = market_round(u, affordable, option_of, capacity, rng, rounds=2)
    assert np.bincount(got, minlength=2).tolist() == [3, 7]
    assert capacity.tolist() == [3, 100]  # not modified


def test_market_round_one_round_leaves_losers_waiting():
    rng = np.random.default_rng(0)
    u = strong_preference(10)
    got = market_round(u, np.ones((10, 2), dtype=bool), np.tile([0, 1], (10, 1)), np.array([3, 100]),
                       rng, rounds=1)
    assert (got == 0).sum() == 3
    assert (got == -1).sum() == 7


@pytest.mark.parametrize("rounds", [2, 3])
def test_market_round_counts_when_both_options_fill(rounds):
    """Capacities 2 and 3 for 10 choosers: 2 + 3 seats sold, 5 wait, however many rounds."""
    rng = np.random.default_rng(11)
    u = strong_preference(10)
    got = market_round(u, np.ones((10, 2), dtype=bool), np.tile([0, 1], (10, 1)), np.array([2, 3]),
                       rng, rounds=rounds)
    assert (got == 0).sum() == 2
    assert (got == 1).sum() == 3
    assert (got == -1).sum() == 5


def test_market_round_unlimited_capacity_serves_everyone():
    rng = np.random.default_rng(2)
    got = market_round(np.zeros((8, 2)), np.ones((8, 2), dtype=bool), np.tile([0, 1], (8, 1)),
                       np.array([-1, 0]), rng)
    assert (got == 0).all()


@pytest.mark.parametrize("seed", range(5))
def test_market_round_nobody_gets_an_unavailable_option(seed):
    """Random slots, budgets and capacities: every purchase is an affordable, existing slot with a
    seat, and no option is sold beyond its capacity."""
    rng = np.random.default_rng(seed)
    W, M, n_options = 300, 4, 6
    u = rng.normal(size=(W, M))
    option_of = rng.integers(-1, n_options, size=(W, M))
    affordable = rng.random((W, M)) < 0.6
    capacity = np.array([0, 5, 20, -1, 1, 40])
    got = market_round(u, affordable, option_of, capacity, rng, rounds=3)
    for w in np.flatnonzero(got >= 0):
        ok = affordable[w] & (option_of[w] == got[w])
        assert ok.any(), f"chooser {w} bought option {got[w]} it could not take"
    sold = np.bincount(got[got >= 0], minlength=n_options)
    assert sold[0] == 0
    limited = capacity >= 0
    assert (sold[limited] <= capacity[limited]).all()
    # nobody without any affordable existing slot buys
    none_ok = ~(affordable & (option_of >= 0) & (option_of != 0)).any(axis=1)
    assert (got[none_ok] == -1).all()


def test_market_round_same_seed_same_result():
    u = np.random.default_rng(0).normal(size=(50, 3))
    a = np.ones((50, 3), dtype=bool)
    o = np.tile([0, 1, 2], (50, 1))
    cap = np.array([10, 10, 10])
    g1 = market_round(u, a, o, cap, np.random.default_rng(9))
    g2 = market_round(u, a, o, cap, np.random.default_rng(9))
    np.testing.assert_array_equal(g1, g2)
