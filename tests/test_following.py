"""Following co-nationals (issue 9 item 5, ``awareness.following_weight``): kernel, market and model."""

from __future__ import annotations

import numpy as np
import pytest
from test_market import synthetic_market
from test_mechanisms_wired import run_days, with_groups

from sim import market
from sim.following import following_utility
from sim.model import SmugglingModel


def test_following_utility_is_the_weighted_share_out_of_the_node():
    s = np.array([[3.0, 1.0, 5.0, 0.0], [0.0, 0.0, 0.0, 2.0]])
    src = np.array([0, 0, 1, 1])
    u = following_utility(s, src, n_nodes=2, weight=2.0)
    np.testing.assert_allclose(u, [[1.5, 0.5, 2.0, 0.0], [0.0, 0.0, 0.0, 2.0]])
    # per group and node the terms sum to w where the group went on from the node, else 0
    for node in (0, 1):
        np.testing.assert_allclose(u[:, src == node].sum(axis=1), [2.0, 2.0 if node == 1 else 0.0])
    assert not following_utility(s, src, 2, 0.0).any()


def test_following_weight_must_not_be_negative():
    with pytest.raises(ValueError, match="following weight"):
        following_utility(np.ones((1, 2)), np.array([0, 0]), 1, -0.1)


def test_zero_group_utility_changes_nothing_in_the_market():
    args = synthetic_market(5, [2, 5, 9, 16])
    G, E = 3, args["net"].n_edges
    runs = []
    for extra in (None, np.zeros((G, E))):
        rng = np.random.default_rng(3)
        res = market.run_market(**args, rng=rng, group_utility=extra)
        runs.append((res.bought.copy(), res.desired.copy(), rng.random()))
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    np.testing.assert_array_equal(runs[0][1], runs[1][1])
    assert runs[0][2] == runs[1][2]


def test_group_utility_draws_that_group_to_the_segment():
    """A large term on one segment for one group: that group's migrants who can take it want it
    more often; the other groups' wishes do not move towards it."""
    args = synthetic_market(6, [9, 16, 16, 16])
    G, E = 3, args["net"].n_edges
    base = market.run_market(**args, rng=np.random.default_rng(4))
    wanted = np.bincount(args["offers"].edge, minlength=E)
    k = int(np.argmax(wanted))  # the segment with most offers
    bonus = np.zeros((G, E))
    bonus[0, k] = 20.0
    res = market.run_market(**args, rng=np.random.default_rng(4), group_utility=bonus)
    assert res.desired[k] > base.desired[k]
    W, mig = args["W"], args["mig"]
    first = {}
    for name, r in (("base", base), ("bonus", res)):
        got = r.bought >= 0
        edge = args["offers"].edge[r.bought[got]]
        first[name] = (edge[mig.group[W[got]] == 0] == k).sum(), (edge[mig.group[W[got]] != 0] == k).sum()
    assert first["bonus"][0] > first["base"][0]
    assert first["bonus"][1] <= first["base"][1]


def test_following_needs_awareness_and_changes_the_model(tiny_scenario):
    on = with_groups(tiny_scenario, awareness={"enabled": True, "following_weight": 3.0})
    off = with_groups(tiny_scenario, awareness={"enabled": True, "following_weight": 0.0})
    no_aw = with_groups(tiny_scenario, awareness={"enabled": False, "following_weight": 3.0})
    models = {name: SmugglingModel(sc, seed=11) for name, sc in (("on", on), ("off", off), ("no_aw", no_aw))}
    for m in models.values():
        run_days(m, 60)
    assert models["no_aw"]._following() is None and models["off"]._following() is None
    u = models["on"]._following()
    assert u.shape == models["on"].awareness.s.shape and u.max() <= 3.0 and u.max() > 0
    assert models["on"].migrants.node.tolist() != models["off"].migrants.node.tolist()


@pytest.mark.parametrize(("weight", "locks_in"), [(1.5, False), (3.0, True)])
def test_two_equal_options_lock_in_only_above_a_weight_of_two(weight, locks_in):
    """The docstring's threshold: with two options of equal utility the shares settle at one half when
    w < 2 and run away to one option when w > 2 (slope w / 2 of the logit at an even split)."""
    flow = 10.0  # persons per day out of the node: the term must use shares, not persons
    s = np.array([[0.55, 0.45]]) * flow  # smoothed passages out of one node, a small lead for option 0
    src = np.array([0, 0])
    for _ in range(2000):
        u = following_utility(s, src, 1, weight)[0]
        p = np.exp(u - u.max())
        p /= p.sum()
        s = s + 0.05 * (flow * p[None, :] - s)
    share = s[0, 0] / s.sum()
    assert (share > 0.9) if locks_in else abs(share - 0.5) < 0.01


def test_a_retreat_is_not_followed_and_not_in_the_shares():
    """At a departure point where many co-nationals went back, the ways on keep the whole share."""
    s = np.array([[1.0, 3.0, 6.0]])  # node 0: two crossings and the way back (segment 2)
    src = np.array([0, 0, 0])
    retreat = np.array([False, False, True])
    u = following_utility(s, src, 1, 2.0, retreat)
    np.testing.assert_allclose(u, [[0.5, 1.5, 0.0]])
    assert following_utility(s, src, 1, 2.0)[0, 2] > 0  # without the mask the way back would draw the most


def test_the_model_gives_retreats_no_following_term(tiny_scenario):
    sc = with_groups(tiny_scenario, awareness={"enabled": True, "following_weight": 3.0})
    model = SmugglingModel(sc, seed=11)
    run_days(model, 60)
    model.awareness.s[:, model.net.is_retreat] += 1.0  # passages back, so that the mask has something to drop
    u = model._following()
    assert model.net.is_retreat.any() and not u[:, model.net.is_retreat].any()
