"""Rationing in planning (sim/rationing.py): the expected wait for a seat, and its wiring into the model."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim import rationing
from sim.model import SmugglingModel
from sim.scenario import load_scenario

SMALL_PATH = Path(__file__).parent / "fixtures" / "scenario_small" / "scenario.yaml"


def test_the_wait_is_the_queue_over_the_seats_and_the_cap_where_nobody_sells():
    w = rationing.expected_wait_days(np.array([30.0, 500.0, 6.0, 0.0]), np.array([10.0, 10.0, 0.0, 0.0]), cap_days=14)
    assert w.tolist() == [3.0, 14.0, 14.0, 0.0]


def test_a_segment_nobody_sells_queues_those_stuck_at_its_market():
    # segments 0 and 1 leave node 0, segment 2 leaves node 1; segment 1 has no seats today
    q = rationing.queue_today(np.array([4.0, 0.0, 2.0]), np.array([8.0, 0.0, 5.0]), stuck_nodes=np.array([0, 0, 0]),
                              src=np.array([0, 0, 1]), persons_per_agent=10)
    assert q.tolist() == [4.0, 30.0, 2.0]


def test_the_record_follows_the_news_with_its_weight_and_only_smuggled_segments_cost():
    # a half-life of one day: today's news weighs one half
    s = rationing.record_market(None, np.array([10.0]), np.array([5.0]), np.array([], dtype=int), np.array([0]), 1, 1.0)
    s = rationing.record_market(s, np.array([0.0]), np.array([5.0]), np.array([], dtype=int), np.array([0]), 1, 1.0)
    assert s[0].tolist() == [5.0] and s[1].tolist() == [5.0]
    cost = rationing.wait_cost_eur(np.array([20.0, 20.0]), np.array([10.0, 10.0]), np.array([True, False]), 15.0, 14)
    assert cost.tolist() == [30.0, 0.0]


def test_with_the_switch_on_the_costs_to_go_carry_the_expected_wait():
    sc = load_scenario(SMALL_PATH)
    p = sc.parameters
    on = sc.with_overrides(parameters=p.model_copy(update={"choice": p.choice.model_copy(update={"queue_in_planning": True})}))
    m = SmugglingModel(on, 3)
    for _ in range(m.start_day + 60):
        m.step()
    assert m._queues is not None
    wait = rationing.wait_cost_eur(*m._queues, m.net.smuggled, p.choice.time_value_eur_per_day,
                                   p.choice.retreat_after_wait_days)
    assert wait.max() > 0, "no queue anywhere after 60 days: the test says nothing"
    m._replan()
    J_on = m.J.copy()
    m._queues = None  # the same day without the record: the rule before it
    m._replan()
    assert np.all(J_on >= m.J - 1e-6)
    assert np.any(J_on > m.J + 1.0)


def test_with_the_switch_off_no_record_is_kept():
    m = SmugglingModel(load_scenario(SMALL_PATH), 3)
    for _ in range(m.start_day + 5):
        m.step()
    assert m._queues is None
