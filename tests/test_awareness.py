"""Route awareness by word of mouth (sim/awareness.py): S-curves, forgetting, shares, hub information.

Tiny hand-built inputs; the uptake tests close the loop the model closes: a steady flow of
co-nationals leaves a market region, and the aware share of them takes the new crossing.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.awareness import (
    awareness_cost_eur,
    awareness_step,
    awareness_utility,
    bass_half_time,
    effective_awareness,
    hub_information,
    initial_awareness,
    planning_information,
    regional_share,
    smooth_passages,
)
from sim.choice import cost_to_go
from sim.parameters import Parameters

P, Q = 4e-4, 0.02  # T* = ln(50) / 0.0204 = 191.8 days


def uptake_curve(p, q, *, days=600, flow_persons=1000.0, memory_days=1.0, forget_days=1e9,
                 persons_per_agent=None, rng=None):
    """Awareness of a new crossing (segment 1) next to an old one (segment 0) in one region.

    Each day ``flow_persons`` co-nationals leave the region; those aware of the new crossing take it
    (deterministically a share A of the flow, or, with ``persons_per_agent``, each agent of that many
    persons with probability A). Returns A of the new crossing per day.
    """
    A = np.array([[1.0, 0.0]])
    s = np.zeros((1, 2))
    region = np.array([0, 0])
    out = np.zeros(days)
    for t in range(days):
        a = A[0, 1]
        if persons_per_agent is None:
            new = flow_persons * a
        else:
            agents = int(flow_persons // persons_per_agent)
            new = rng.binomial(agents, a) * persons_per_agent
        s = smooth_passages(s, np.array([[flow_persons - new, new]]), memory_days)
        F = regional_share(s, region, 1)
        A = awareness_step(A, F, np.array([False, False]), innovation_per_day=p, imitation_per_day=q,
                           advert_factor=0.0, forgetting_halflife_days=forget_days)
        out[t] = A[0, 1]
    return out


def half_day(curve):
    return int(np.argmax(curve >= 0.5)) + 1


def test_bass_half_time_hand_computed():
    assert bass_half_time(P, Q) == pytest.approx(math.log(50) / 0.0204)
    assert bass_half_time(1e-4, 0.01) == pytest.approx(math.log(100) / 0.0101)
    with pytest.raises(ValueError):
        bass_half_time(0.0, 0.01)


@pytest.mark.parametrize("p,q", [(4e-4, 0.02), (1e-4, 0.01), (1e-3, 0.03)])
def test_uptake_is_an_s_curve_with_the_bass_half_time(p, q):
    curve = uptake_curve(p, q, days=int(3 * bass_half_time(p, q)))
    t_half = half_day(curve)
    # the adopted share at T* is (1 - p/q)/2, just under a half: the half-day comes slightly later
    assert t_half == pytest.approx(bass_half_time(p, q), rel=0.08)
    # S-shaped: the daily uptake rises, peaks near the half-time, then falls
    rate = np.diff(curve)
    peak = int(np.argmax(rate))
    assert abs(peak - t_half) <= 0.1 * t_half
    assert rate[: peak // 2].mean() < 0.5 * rate[peak]
    assert curve[-1] > 0.95


def test_slow_word_of_mouth_memory_delays_uptake():
    fast = half_day(uptake_curve(P, Q, memory_days=1.0))
    slow = half_day(uptake_curve(P, Q, memory_days=60.0))
    assert slow > fast + 20


def test_forgetting_halves_awareness_in_its_half_life():
    A = np.array([[1.0, 0.6, 0.2]])
    zero = np.zeros((1, 3))
    for _ in range(200):
        A = awareness_step(A, zero, np.zeros(3, bool), innovation_per_day=0.0, imitation_per_day=0.0,
                           advert_factor=0.0, forgetting_halflife_days=200.0)
    np.testing.assert_allclose(A, [[0.5, 0.3, 0.1]], rtol=1e-9)


def test_forgetting_slows_uptake_and_caps_awareness():
    free = uptake_curve(P, Q, forget_days=1e9)
    forget = uptake_curve(P, Q, forget_days=180.0)
    assert half_day(forget) > half_day(free)
    # steady state with F = A: gain (p + qA)(1 - A) balances loss A ln2/h below 1
    assert forget[-1] < 0.95


@pytest.mark.parametrize("persons_per_agent", [1, 2, 4])
def test_persons_per_agent_does_not_change_the_curve(persons_per_agent):
    """Shares, not counts, feed the uptake: agents of 1, 2 or 4 persons give the same half-time."""
    rng = np.random.default_rng(7)
    curve = uptake_curve(P, Q, days=500, persons_per_agent=persons_per_agent, rng=rng)
    det = uptake_curve(P, Q, days=500)
    assert abs(half_day(curve) - half_day(det)) <= 0.06 * half_day(det)


def test_uptake_counts_co_nationals_only():
    """Another group's flow on the new crossing does not raise this group's share F."""
    s = np.array([[100.0, 0.0], [0.0, 100.0]])  # group 0 on the old crossing, group 1 on the new
    F = regional_share(s, np.array([0, 0]), 1)
    np.testing.assert_allclose(F, [[1.0, 0.0], [0.0, 1.0]])


def test_regional_share_by_region_hand_computed():
    # segments 0, 1 leave region 0; segment 2 region 1; segment 3 outside (-1)
    s = np.array([[6.0, 2.0, 0.0, 9.0], [0.0, 0.0, 0.0, 0.0]])
    F = regional_share(s, np.array([0, 0, 1, -1]), 2)
    np.testing.assert_allclose(F, [[0.75, 0.25, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])


def test_smooth_passages_half_life():
    s = np.zeros((1, 1))
    for _ in range(30):
        s = smooth_passages(s, np.array([[10.0]]), memory_days=30.0)
    assert float(s[0, 0]) == pytest.approx(5.0)


def test_advertised_segment_is_discovered_faster():
    A = np.zeros((1, 2))
    A1 = awareness_step(A, np.zeros((1, 2)), np.array([False, True]), innovation_per_day=1e-3,
                        imitation_per_day=0.0, advert_factor=4.0, forgetting_halflife_days=1e9)
    np.testing.assert_allclose(A1, [[1 - math.exp(-1e-3), 1 - math.exp(-5e-3)]], rtol=1e-6)


def test_awareness_stays_in_unit_interval():
    rng = np.random.default_rng(3)
    A = rng.random((4, 6))
    for _ in range(50):
        A = awareness_step(A, rng.random((4, 6)), rng.random(6) < 0.5, innovation_per_day=0.5,
                           imitation_per_day=3.0, advert_factor=10.0, forgetting_halflife_days=0.5)
        assert (A >= 0).all() and (A <= 1).all()


def test_route_awareness_end_burn_in_hand_computed():
    from sim.awareness import RouteAwareness

    p = Parameters().awareness.model_copy(update={"initial": 0.02})
    a = RouteAwareness(2, np.array([True, True, False]), np.array([0, 0]), np.array([0, 0, 1]), p)
    a.record(np.array([0, 1, 1]), np.array([0, 1, 2]), 4.0)
    a.step(np.zeros(3, dtype=bool))
    a.end_burn_in()
    assert a.used.tolist() == [[4.0, 0.0, 0.0], [0.0, 4.0, 4.0]]
    assert a.A.tolist() == [[1.0, 0.02, 1.0], [0.02, 1.0, 1.0]]


def test_initial_awareness():
    np.testing.assert_allclose(initial_awareness(np.array([[0.0, 3.0]]), 0.02), [[0.02, 1.0]])


def test_hub_information_reaches_one_link_beyond_the_hub():
    """Hub 0 (R 0.5) -> departure 1 -> crossings 1->2, 1->3; hub 4 (R 1.0) -> 2; strength 0.4."""
    src = np.array([0, 1, 1, 4])
    dst = np.array([1, 2, 3, 2])
    R = np.array([0.5, 0.9, 0.0, 0.0, 1.0])
    market = np.array([True, False, False, False, True])
    info = hub_information(R, market, src, dst, strength=0.4)
    np.testing.assert_allclose(info[0], [0.2, 0.2, 0.2, 0.0])
    np.testing.assert_allclose(info[4], [0.0, 0.0, 0.0, 0.4])
    np.testing.assert_allclose(info[1], 0.0)  # not a market
    np.testing.assert_allclose(planning_information(info), [0.2, 0.2, 0.2, 0.4])


def test_effective_awareness_and_utility():
    Aeff = effective_awareness(np.array([0.0, 0.5, 1.0]), np.array([0.2, 0.2, 0.0]))
    np.testing.assert_allclose(Aeff, [0.2, 0.6, 1.0])
    np.testing.assert_allclose(awareness_utility(Aeff, 1e-6), np.log([0.2, 0.6, 1.0]))
    assert awareness_utility(np.array([0.0]), 1e-6)[0] == pytest.approx(math.log(1e-6))


def test_awareness_cost_makes_a_known_route_preferred():
    """Two ways from 0 to 2: via the known node 1 (cost 300) or an unknown direct crossing (200).

    With Aeff 0.5 on the direct crossing and a logit scale of 700 EUR its cost becomes
    200 + 700 ln 2 = 685.2: the known way (300) wins the cost-to-go; fully aware, the direct one.
    """
    src, dst = np.array([0, 1, 0]), np.array([1, 2, 2])
    cost = np.array([150.0, 150.0, 200.0])
    Aeff = np.array([[1.0, 1.0, 0.5], [1.0, 1.0, 1.0]])  # group 0 half aware, group 1 aware
    extra = awareness_cost_eur(Aeff, 700.0, 1e-6)
    J0 = cost_to_go(src, dst, (cost + extra[0])[:, None], 3, np.array([2]), scale=1e-9)
    J1 = cost_to_go(src, dst, (cost + extra[1])[:, None], 3, np.array([2]), scale=1e-9)
    assert J0[0, 0] == pytest.approx(300.0)
    assert J1[0, 0] == pytest.approx(200.0)
    assert extra[0, 2] == pytest.approx(700 * math.log(2))



def test_default_rates_give_the_note_s_half_time():
    """The defaults (q 0.02, p 4e-4 per day) put the Bass half-time at about six months (note (a))."""
    a = Parameters().awareness
    assert 150 <= bass_half_time(a.innovation_per_day, a.imitation_per_day) <= 220
    assert Parameters.model_validate({"awareness": {"enabled": False}}).awareness.enabled is False
