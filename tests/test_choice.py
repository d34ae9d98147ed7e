"""Choice: cost-to-go on tiny hand-built graphs, edge cost, logit draws (hand-computed answers)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.choice import cost_to_go, edge_cost, logit_choice, soft_min

HARD = 1e-9  # a logit scale so small that the soft minimum is the minimum


def five_node_graph():
    """0 -> 1 -> 3 -> 4 and 0 -> 2 -> 3, 0 -> 4 directly, 2 -> 4; destinations 3 and 4.

    ::

        edge   0->1  1->3  0->2  2->3  3->4  0->4  2->4
        cost    10    50    30    20    40   200    70
    """
    src = np.array([0, 1, 0, 2, 3, 0, 2])
    dst = np.array([1, 3, 2, 3, 4, 4, 4])
    cost = np.array([10.0, 50.0, 30.0, 20.0, 40.0, 200.0, 70.0])
    return src, dst, cost


def test_cost_to_go_hard_min_equals_shortest_path_costs():
    src, dst, cost = five_node_graph()
    J = cost_to_go(src, dst, cost[:, None], n_nodes=5, destinations=np.array([3, 4]), scale=HARD)
    # to 3: from 0 min(10+50, 30+20) = 50; from 1: 50; from 2: 20
    # to 4: from 3: 40; from 2: min(70, 20+40) = 60; from 1: 50+40 = 90; from 0: min(200, 10+90, 30+60) = 90
    expected = np.array([
        [50.0, 90.0],
        [50.0, 90.0],
        [20.0, 60.0],
        [0.0, 40.0],
        [np.inf, 0.0],
    ])
    np.testing.assert_allclose(J, expected, atol=1e-6)


def test_cost_to_go_per_destination_costs():
    """A cost of shape (E, D): each destination sees its own edge costs."""
    src = np.array([0, 0, 1, 2])
    dst = np.array([1, 2, 3, 3])
    cost = np.array([[1.0, 100.0], [5.0, 5.0], [1.0, 100.0], [5.0, 5.0]])
    J = cost_to_go(src, dst, cost, n_nodes=4, destinations=np.array([3, 3]), scale=HARD)
    np.testing.assert_allclose(J[0], [2.0, 10.0], atol=1e-6)


def test_cost_to_go_with_a_cycle_stays_finite_and_minimal():
    """0 <-> 1 (cost 5 each way), 1 -> 2 (cost 7): the cycle must not lower the cost."""
    src = np.array([0, 1, 1])
    dst = np.array([1, 0, 2])
    cost = np.array([[5.0], [5.0], [7.0]])
    J = cost_to_go(src, dst, cost, n_nodes=3, destinations=np.array([2]), scale=HARD)
    np.testing.assert_allclose(J[:, 0], [12.0, 7.0, 0.0], atol=1e-6)


def test_cost_to_go_unreachable_is_inf():
    """Node 3 has no out-edges, node 4 leads only to 3, node 5 is isolated; destination 2."""
    src = np.array([0, 1, 4])
    dst = np.array([1, 2, 3])
    cost = np.array([[1.0], [1.0], [1.0]])
    J = cost_to_go(src, dst, cost, n_nodes=6, destinations=np.array([2]), scale=10.0)
    assert np.isfinite(J[[0, 1, 2], 0]).all()
    assert np.isinf(J[[3, 4, 5], 0]).all()


def test_soft_min_two_parallel_routes_hand_computed():
    """Two edges 0 -> 1 of cost 100 and 110, scale 10: J = 100 - 10 log(1 + e^-1)."""
    src = np.array([0, 0])
    dst = np.array([1, 1])
    cost = np.array([[100.0], [110.0]])
    J = cost_to_go(src, dst, cost, n_nodes=2, destinations=np.array([1]), scale=10.0)
    assert J[0, 0] == pytest.approx(100.0 - 10.0 * math.log(1.0 + math.exp(-1.0)), abs=1e-6)


def test_soft_min_is_below_min_and_above_min_minus_scale_log_n():
    """On a DAG the soft cost-to-go is the log-sum over whole paths.

    Paths to 4: from 2: 2->4 (70), 2->3->4 (60); from 0: 0->4 (200), 0->1->3->4 (100),
    0->2->4 (100), 0->2->3->4 (90).
    """
    src, dst, cost = five_node_graph()
    s = 25.0
    hard = cost_to_go(src, dst, cost[:, None], 5, np.array([4]), scale=HARD)[:, 0]
    soft = cost_to_go(src, dst, cost[:, None], 5, np.array([4]), scale=s, tol=1e-9)[:, 0]
    paths = {0: [200.0, 100.0, 100.0, 90.0], 2: [70.0, 60.0]}
    for node, costs in paths.items():
        exact = -s * math.log(sum(math.exp(-c / s) for c in costs))
        assert soft[node] == pytest.approx(exact, abs=1e-6)
        assert soft[node] < hard[node] == min(costs)
        assert soft[node] >= hard[node] - s * math.log(len(costs))
    # nodes with a single path keep the hard cost
    assert soft[3] == pytest.approx(hard[3])
    assert soft[1] == pytest.approx(hard[1])


def test_soft_min_function():
    v = np.array([[3.0, 3.0], [5.0, np.inf], [np.inf, np.inf]])
    out = soft_min(v, scale=2.0, axis=1)
    assert out[0] == pytest.approx(3.0 - 2.0 * math.log(2.0))
    assert out[1] == pytest.approx(5.0)
    assert np.isinf(out[2])
    assert soft_min(np.array([1.0, 2.0, 4.0]), scale=1e-9) == pytest.approx(1.0)


def test_edge_cost_formula_with_failure_probability():
    # per attempt: 100 + 10 * 2 + 1000 * (1 - 0.5) * 0.01 = 125; attempts 1 / 0.75 = 4/3
    # cost = 125 * 4/3 + 50 * (4/3 - 1) = 166.67 + 16.67 = 183.33
    c = edge_cost(np.array([100.0]), np.array([2.0]), np.array([0.01]), np.array([0.25]),
                  time_value_eur_per_day=10.0, risk_value_eur=1000.0, prevention_penalty_eur=50.0,
                  risk_tolerance=0.5)
    assert c[0] == pytest.approx(125.0 * 4 / 3 + 50.0 / 3)


def test_edge_cost_without_failure_is_one_attempt_and_certain_failure_is_inf():
    kw = dict(time_value_eur_per_day=10.0, risk_value_eur=1000.0, prevention_penalty_eur=50.0)
    c = edge_cost(np.array([100.0, 100.0, 100.0]), np.array([2.0, 2.0, 2.0]), np.array([0.0, 0.01, 0.0]),
                  np.array([0.0, 0.0, 1.0]), risk_tolerance=np.array([0.5, 1.0, 0.5]), **kw)
    assert c[0] == pytest.approx(120.0)
    assert c[1] == pytest.approx(120.0)  # risk tolerance 1: indifferent to death risk
    assert np.isinf(c[2])


def test_logit_choice_frequencies_match_softmax():
    rng = np.random.default_rng(20240101)
    n = 20_000
    u = np.tile(np.log([1.0, 2.0, 3.0, 4.0]), (n, 1))
    avail = np.ones_like(u, dtype=bool)
    c = logit_choice(u, avail, rng)
    freq = np.bincount(c, minlength=4) / n
    np.testing.assert_allclose(freq, np.array([1, 2, 3, 4]) / 10, atol=0.012)


def test_logit_choice_respects_availability():
    rng = np.random.default_rng(5)
    n = 20_000
    u = np.tile(np.array([5.0, 0.0, np.log(3.0)]), (n, 1))
    avail = np.ones_like(u, dtype=bool)
    avail[:, 0] = False  # the best option is unavailable to everyone
    avail[: n // 2, 2] = False  # and the third to half of them
    c = logit_choice(u, avail, rng)
    assert not (c == 0).any()
    assert (c[: n // 2] == 1).all()
    # the rest choose between 1 and 2 with odds 1 : 3
    assert (c[n // 2:] == 2).mean() == pytest.approx(0.75, abs=0.015)


def test_logit_choice_returns_minus_one_when_nothing_available():
    rng = np.random.default_rng(1)
    u = np.array([[1.0, 2.0], [1.0, 2.0], [-np.inf, np.nan], [0.0, 0.0]])
    avail = np.array([[False, False], [True, False], [True, True], [False, False]])
    c = logit_choice(u, avail, rng)
    assert c.tolist() == [-1, 0, -1, -1]
    assert logit_choice(np.zeros((0, 3)), np.zeros((0, 3), dtype=bool), rng).shape == (0,)


def test_logit_choice_same_seed_same_draws():
    u = np.zeros((50, 4))
    a = np.ones((50, 4), dtype=bool)
    c1 = logit_choice(u, a, np.random.default_rng(3))
    c2 = logit_choice(u, a, np.random.default_rng(3))
    np.testing.assert_array_equal(c1, c2)


def test_offer_utility_is_minus_edge_cost_over_the_scale_plus_service_and_reputation():
    """The market's utility of an offer comes from the same generalised cost as the costs-to-go."""
    from sim.choice import edge_cost, offer_utility
    from sim.parameters import ChoiceParameters

    cp = ChoiceParameters()
    rng = np.random.default_rng(3)
    n = 50
    price, days = rng.uniform(0, 3000, n), rng.uniform(0.1, 10, n)
    fail, pf = rng.uniform(0, 0.8, n), rng.uniform(0.5, 1.2, n)
    death, df = rng.uniform(0, 0.05, n), rng.uniform(0.4, 1.4, n)
    level, rep = rng.integers(0, 3, n), rng.uniform(0, 1, n)
    fixed, risk, package = offer_utility(price, days, fail, pf, death, df, level, rep, cp=cp, package_discount=0.1)
    for r in (0.0, 0.3, 1.0):
        cost = edge_cost(price, days, death * df, fail * pf, time_value_eur_per_day=cp.time_value_eur_per_day,
                         risk_value_eur=cp.risk_value_eur, prevention_penalty_eur=cp.prevention_penalty_eur,
                         risk_tolerance=r)
        expected = -cost / cp.cost_scale_eur + cp.service_weight * level + cp.enterprise_reputation_weight * rep
        np.testing.assert_allclose(fixed - (1 - r) * risk, expected, rtol=1e-9, atol=1e-9)
    # the package term is the discount on the price of every expected attempt
    np.testing.assert_allclose(package, 0.1 * price / (1 - fail * pf) / cp.cost_scale_eur, rtol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_cost_to_go_equals_the_reduceat_iteration_bit_for_bit(seed):
    # the position-by-position reduction must give numpy's reduceat sums exactly (results at a seed
    # depend on it), here with a soft scale so that every edge adds a term of its own
    from sim.choice import _cost_to_go_reduceat

    rng = np.random.default_rng(seed)
    n, D = 30, 4
    # node 0 with 8 out-edges (the widest the fast path takes), the others with 1-7
    src = rng.permutation(np.r_[np.zeros(8, dtype=int), np.repeat(np.arange(1, n), rng.integers(1, 8, n - 1))])
    E = len(src)
    dst = rng.integers(0, n, E)
    cost = rng.uniform(1.0, 50.0, (E, D))
    dest = rng.choice(n, D, replace=False)
    for scale in (1e-6, 3.0, 40.0):
        J = cost_to_go(src, dst, cost, n, dest, scale=scale, tol=1e-9)
        J0 = np.full((n, D), np.inf)
        J0[dest, np.arange(D)] = 0.0
        order = np.argsort(src, kind="stable")
        s = src[order]
        starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
        is_dest = np.zeros((n, D), dtype=bool)
        is_dest[dest, np.arange(D)] = True
        ref = _cost_to_go_reduceat(J0, cost[order], dst[order], starts, s[starts], is_dest, scale, 200, 1e-9)
        assert J.tobytes() == ref.tobytes()


def test_exp_in_place_is_numpy_exp_bit_for_bit():
    from sim.choice import _exp_in_place

    rng = np.random.default_rng(5)
    for t in range(60):
        shape = (int(rng.integers(1, 120)), int(rng.integers(1, 60)))
        k = rng.random(shape)
        x = np.where(k < 0.3, 0.0, np.where(k < 0.5, -rng.random(shape) * 1e7,
                     np.where(k < 0.7, -rng.uniform(690.0, 760.0, shape),
                              np.where(k < 0.8, -np.inf, -rng.random(shape) * 30.0))))
        x[0, 0] = [np.nan, -0.0, 0.5][t % 3]
        y = x.copy()
        _exp_in_place(y)
        assert y.tobytes() == np.exp(x).tobytes()
