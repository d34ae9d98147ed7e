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


def synthetic_market(seed: int, counts: list[int], n_migrants: int = 300):
    """A market on synthetic arrays: nodes with ``counts`` offers each, migrants spread over them
    (some with a package partner, some that may retreat, some too poor), awareness and reputation
    terms on. Returns the arguments of :func:`sim.market.run_market` but the generator."""
    from types import SimpleNamespace

    from sim.market import Offers
    from sim.parameters import Parameters

    g = np.random.default_rng(seed)
    N, D, G = len(counts), 2, 3
    E = 12
    counts = np.asarray(counts, dtype=np.int64)
    n_offers = int(counts.sum())
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    node = np.repeat(np.arange(N), counts)
    edge = g.integers(0, E, n_offers)
    sellers = np.where(g.random(n_offers) < 0.2, -1, g.integers(0, 8, n_offers))
    offers = Offers(node=node, edge=edge, price=g.uniform(100, 3000, n_offers), level=g.integers(0, 3, n_offers),
                    reputation=g.random(n_offers), capacity=np.where(sellers < 0, -1, g.integers(0, 6, n_offers)),
                    enterprise=sellers, starts=starts, counts=counts, sellers=[None] * n_offers)
    net = SimpleNamespace(n_edges=E, dst=g.integers(0, N, E), is_forward=g.random(E) < 0.5,
                          is_retreat=g.random(E) < 0.15, travel_days=g.uniform(0.5, 5, E))
    A = n_migrants + 7
    mig = SimpleNamespace(node=g.integers(0, N, A), destination=g.integers(0, D, A), risk_tolerance=g.random(A),
                          group=g.integers(0, G, A),
                          package_partner=np.where(g.random(A) < 0.3, g.integers(0, 8, A), -1),
                          attempts=g.integers(0, 2, A), wait_since=g.integers(0, 30, A),
                          budget_eur=g.uniform(0, 5000, A))
    J = g.uniform(0, 5000, (N, D))
    J[0, 1] = np.inf  # a destination out of reach from node 0
    return dict(
        W=g.permutation(A)[:n_migrants], mig=mig, offers=offers, net=net,
        perceived_failure=g.uniform(0, 0.5, E), p_incident=g.uniform(0, 0.01, E), J=J,
        Jr=-J / 1000.0, day=30, params=Parameters(), Jr_group=-g.uniform(0, 5, (G, N, D)),
        awareness=g.random((G, E)), information=g.random((N, E)), extra_utility=g.normal(0, 0.3, n_offers),
    )


@pytest.mark.parametrize(("seed", "counts"), [
    (0, [0, 1, 2, 3, 5, 9, 16, 40]),  # every width class, nodes without offers
    (1, [3, 3, 3]),  # a single class
    (2, [0, 0, 1]),  # only width 1
    (3, [1, 40, 40, 40, 2]),  # a crowded widest class and two narrow ones
    (4, [0, 0, 0]),  # nobody has offers
])
def test_run_market_same_choices_and_draws_whatever_the_blocks(monkeypatch, seed, counts):
    """``run_market``'s utility blocks are a speed setting: every class in its own matrix, all in one
    shared matrix, and mixtures give the same purchases, packages, cheapest prices, desired seats
    and leave the generator in the same state."""
    import sim.market

    results = {}
    for cells in (-1, 0, 50, 10**18):
        monkeypatch.setattr(sim.market, "_OWN_BLOCK_WASTED_CELLS", cells)
        rng = np.random.default_rng(99)
        res = sim.market.run_market(**synthetic_market(seed, counts), rng=rng)
        results[cells] = (res, rng.random())
    ref, ref_next = results[10**18]
    if sum(counts) >= 10:  # the comparison is not vacuous: migrants buy, some as packages
        assert (ref.bought >= 0).sum() > 10 and ref.package.any()
    for cells, (res, nxt) in results.items():
        for field in ("bought", "package", "cheapest", "any_allowed", "desired"):
            np.testing.assert_array_equal(getattr(res, field), getattr(ref, field), err_msg=f"{cells}: {field}")
        assert nxt == ref_next, cells


@pytest.mark.parametrize("after_failure", [True, False])
def test_a_failed_migrant_retreats_at_once_only_with_retreat_after_failure(after_failure):
    """``choice.retreat_after_failure``: with it, a migrant who failed a crossing may buy a retreat segment
    at once; without it (the rule on trial), only after ``retreat_after_wait_days`` like everyone, so with
    that wait out of reach nobody retreats."""
    import sim.market
    from sim.parameters import Parameters

    args = synthetic_market(4, [6] * 8, n_migrants=2000)  # three retreat edges, all offered
    args["params"] = Parameters(choice={"retreat_after_wait_days": 365, "retreat_after_failure": after_failure})
    args["J"] = np.abs(args["J"])  # every destination in reach
    res = sim.market.run_market(**args, rng=np.random.default_rng(3))
    offers, net = args["offers"], args["net"]
    got = res.bought >= 0
    retreats = net.is_retreat[offers.edge[res.bought[got]]]
    failed = args["mig"].attempts[args["W"][got]] > 0
    assert not (retreats & ~failed).any()  # nobody who did not fail retreats: the wait is out of reach
    assert retreats.any() == after_failure, retreats.sum()
