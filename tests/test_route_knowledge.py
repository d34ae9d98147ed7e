"""Corridor knowledge (issue 9, ``awareness.corridor_correlation``): kernels against brute force, and the model."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from test_mechanisms_wired import with_groups

from sim.choice import cost_to_go, group_costs_to_go
from sim.model import SmugglingModel
from sim.route_knowledge import LEVELS, corridor_costs_to_go


def _random_graph(seed: int, n: int = 7, m: int = 18):
    rng = np.random.default_rng(seed)
    pairs = [(a, b) for a, b in itertools.permutations(range(n), 2)]
    pick = rng.choice(len(pairs), size=m, replace=False)
    src = np.array([pairs[i][0] for i in pick])
    dst = np.array([pairs[i][1] for i in pick])
    return rng, src, dst


def _brute_force(src, dst, cost, unknown, mu, n, dest, round_up, rho=1.0):
    """min over simple ways of (sum of costs + mu (rho bottleneck + (1 - rho) sum)), the bottleneck
    rounded up to the grid."""
    t = -np.log(np.maximum(np.array(LEVELS), 1e-6))
    g = nx.MultiDiGraph()
    g.add_nodes_from(range(n))
    for e, (a, b) in enumerate(zip(src, dst, strict=True)):
        if np.isfinite(cost[e]):
            g.add_edge(int(a), int(b), key=e)
    out = np.full((n, len(dest)), np.inf)
    for j, d in enumerate(dest):
        out[d, j] = 0.0
        for s in range(n):
            if s == d:
                continue
            for path in nx.all_simple_edge_paths(g, s, int(d)):
                es = [k for (_, _, k) in path]
                b = max(unknown[es])
                if round_up:
                    b = t[np.searchsorted(t, b - 1e-12)]
                out[s, j] = min(out[s, j], cost[es].sum() + mu * (rho * b + (1 - rho) * unknown[es].sum()))
    return out


@pytest.mark.parametrize(("seed", "rho"), [(0, 1.0), (1, 1.0), (2, 1.0), (3, 1.0), (4, 0.5), (5, 0.25)])
def test_corridor_costs_are_the_least_cost_plus_bottleneck_on_the_grid(seed, rho):
    rng, src, dst = _random_graph(seed + 10)
    cost = rng.uniform(10, 100, size=len(src))
    unknown = -np.log(rng.uniform(0.005, 1.0, size=(2, len(src))))
    unknown[:, rng.random(len(src)) < 0.4] = 0.0  # segments everyone knows
    cost[rng.random(len(src)) < 0.15] = np.inf  # closed segments
    mu, dest = 80.0, np.array([0, 3])
    W = corridor_costs_to_go(src, dst, cost, unknown, mu, 1e-6, 7, dest, correlation=rho)
    for g in range(2):
        np.testing.assert_allclose(W[g], _brute_force(src, dst, cost, unknown[g], mu, 7, dest, True, rho), atol=1e-6)
        exact = _brute_force(src, dst, cost, unknown[g], mu, 7, dest, False, rho)
        finite = np.isfinite(exact)
        assert np.all(W[g][finite] >= exact[finite] - 1e-9)  # the grid only rounds up


def test_everything_known_gives_the_shared_least_cost():
    _, src, dst = _random_graph(3)
    cost = np.linspace(10, 60, len(src))
    W = corridor_costs_to_go(src, dst, cost, np.zeros((3, len(src))), 500.0, 1e-6, 7, np.array([1]))
    ref = cost_to_go(src, dst, cost[:, None], 7, np.array([1]), scale=1e-6)
    for g in range(3):
        np.testing.assert_allclose(W[g], ref, atol=1e-3)


def test_a_long_way_of_half_known_segments_beats_one_hardly_known_segment_only_as_a_corridor():
    """The stop-32 case in small: five segments each known to a third of the group, against one known
    to a twentieth; equal shared costs. The product rule prefers the one segment, the corridor the five."""
    src = np.array([0, 1, 2, 3, 4, 0])
    dst = np.array([1, 2, 3, 4, 5, 5])
    cost = np.full(6, 100.0)
    cost[5] = 500.0
    unknown = -np.log(np.array([[1 / 3] * 5 + [1 / 20]]))
    mu = 1000.0
    W = corridor_costs_to_go(src, dst, cost, unknown, mu, 1e-6, 6, np.array([5]))
    via_five = 500.0 + mu * -np.log(0.3)  # the bottleneck 1/3 rounded up to the grid's 0.3
    assert W[0, 0, 0] == pytest.approx(via_five)
    product_five, product_one = 500.0 + 5 * mu * np.log(3), 500.0 + mu * np.log(20)
    assert product_one < product_five and W[0, 0, 0] < product_one


def test_the_model_plans_with_corridors_only_when_switched_on(tiny_scenario):
    base = with_groups(tiny_scenario, awareness={"enabled": True, "initial": 0.05})
    on = with_groups(tiny_scenario, awareness={"enabled": True, "initial": 0.05, "corridor_correlation": 1.0})
    m_off, m_on = SmugglingModel(base, seed=3), SmugglingModel(on, seed=3)
    a, b = m_off.Jr_group, m_on.Jr_group
    finite = np.isfinite(a) & np.isfinite(b)
    assert np.array_equal(np.isfinite(a), np.isfinite(b))
    # a way of two or more little-known segments is charged less as a corridor
    assert (b[finite] > a[finite] + 1e-9).any()
    # never more than one grid step above the product rule's charge (its sum >= the bottleneck)
    step = np.diff(-np.log(np.maximum(np.array(LEVELS), 1e-6))).max()
    assert np.all(b[finite] >= a[finite] - step - 1e-9)


def test_no_correlation_is_the_product_rule():
    """rho = 0 charges every segment its own -mu ln Aeff: the sum rule of sim.choice.group_costs_to_go."""
    rng, src, dst = _random_graph(21)
    cost = rng.uniform(10, 100, size=len(src))
    unknown = -np.log(rng.uniform(0.01, 1.0, size=(3, len(src))))
    mu, dest = 200.0, np.array([2, 4])
    W = corridor_costs_to_go(src, dst, cost, unknown, mu, 1e-6, 7, dest, correlation=0.0)
    ref = group_costs_to_go(src, dst, cost, mu * unknown, 7, dest, scale=1e-6)
    np.testing.assert_allclose(W, ref, atol=1e-3)


def test_correlation_outside_zero_one_is_refused():
    with pytest.raises(ValueError, match="correlation"):
        corridor_costs_to_go(np.array([0]), np.array([1]), np.array([1.0]), np.zeros((1, 1)), 1.0, 1e-6, 2,
                             np.array([1]), correlation=1.5)
