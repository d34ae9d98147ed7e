"""sim/corridors.py: corridor keys and the path-size term of the next-segment choice."""

from __future__ import annotations

import numpy as np

from sim.corridors import corridor_keys, path_size_utility


def test_corridor_keys_follow_the_cheapest_way_and_mark_what_cannot_reach():
    # 0 -> 1 -> 3 (crossing, label 0); 0 -> 2 -> 3 (crossing, label 1, dearer); 0 -> 4 (dead end); 2 -> 1 (cheap)
    src = np.array([0, 0, 0, 1, 2, 2])
    dst = np.array([1, 2, 4, 3, 3, 1])
    cost = np.array([10.0, 10.0, 5.0, 100.0, 300.0, 1.0])
    J = np.array([[110.0], [100.0], [101.0], [0.0], [np.inf]])
    keys = corridor_keys(src, dst, cost, J, np.array([-1, -1, -1, 0, 1, -1]), np.ones(6, bool), np.array([3]))[:, 0]
    # from 2 the cheapest way on is 2 -> 1 -> 3, so 0 -> 2 is in corridor 0 although 2 -> 3 has label 1
    assert keys.tolist() == [0, 0, -1, 0, 1, 0]
    # a closed segment (inf cost) has no corridor, and the cheapest way avoids segments not usable
    cost2 = cost.copy()
    cost2[5] = np.inf
    J2 = np.array([[110.0], [100.0], [300.0], [0.0], [np.inf]])
    keys2 = corridor_keys(src, dst, cost2, J2, np.array([-1, -1, -1, 0, 1, -1]), np.ones(6, bool), np.array([3]))[:, 0]
    assert keys2.tolist() == [0, 1, -1, 0, 1, -1]
    usable = np.array([True, True, True, True, True, False])
    assert corridor_keys(src, dst, cost, J2, np.array([-1, -1, -1, 0, 1, -1]), usable, np.array([3]))[1, 0] == 1


def test_path_size_utility_counts_segments_of_one_corridor_per_node_and_destination():
    src = np.array([0, 0, 0, 1, 1])
    keys = np.array([[0, 2], [0, 2], [0, 3], [5, -1], [5, -1]])
    u = path_size_utility(src, keys, 0.5)
    assert np.allclose(u[:, 0], -0.5 * np.log([3, 3, 3, 2, 2]))
    assert np.allclose(u[:, 1], -0.5 * np.log([2, 2, 1, 1, 1]))  # -1: no corridor, counts alone
    assert np.all(path_size_utility(src, keys, 0.0) == 0.0)


def test_corridor_keys_stop_at_the_destination():
    """A destination with segments out of it is not left again: no label beyond it (a review's find)."""
    src, dst = np.array([0, 1, 2]), np.array([1, 2, 1])
    J = np.array([[10.0], [0.0], [10.0]])  # node 1 is the destination; 1 -> 2 (label 5) -> 1 is a loop
    keys = corridor_keys(src, dst, np.full(3, 10.0), J, np.array([-1, 5, -1]), np.ones(3, bool), np.array([1]))
    assert keys[:, 0].tolist() == [-1, 5, -1]
