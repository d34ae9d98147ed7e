"""Waiting at hubs for better conditions (sim/waiting.py) and its wiring into the model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim import waiting
from sim.model import SmugglingModel
from sim.scenario import Scenario, load_scenario

SMALL_PATH = Path(__file__).parent / "fixtures" / "scenario_small" / "scenario.yaml"


def with_waiting(sc: Scenario, **values) -> Scenario:
    p = sc.parameters
    return sc.with_overrides(parameters=p.model_copy(update={"waiting": p.waiting.model_copy(update=values)}))


def test_the_expectation_follows_the_value_with_its_half_life():
    R = np.array([[[0.0, 2.0, np.inf]]])
    V = np.array([[[-4.0, 2.0, -1.0]]])
    out = waiting.update_expectation(R, V, days=60.0, halflife_days=30.0)
    assert out[0, 0, 0] == pytest.approx(-3.0)  # a quarter of the gap left after two half-lives
    assert out[0, 0, 1] == 2.0
    assert out[0, 0, 2] == -1.0  # a way that opens or closes altogether is known at once
    assert np.array_equal(waiting.update_expectation(None, V, 5.0, 30.0), V)
    assert np.array_equal(waiting.update_expectation(R, V, 0.0, 30.0)[..., :2], R[..., :2])


def test_a_migrant_waits_only_while_the_gap_exceeds_its_tolerance():
    V = np.array([-3.0, -3.0, -3.0, -np.inf, -3.0])
    R = np.array([-1.0, -1.0, -2.5, -1.0, np.nan])
    tol = np.array([1.0, 2.5, 1.0, 0.0, 0.0])
    assert waiting.defer(V, R, tol).tolist() == [True, False, False, False, False]


def test_tolerances_are_gamma_with_the_given_mean():
    rng = np.random.default_rng(0)
    t = waiting.draw_tolerance_eur(20000, 500.0, 2.0, rng)
    assert t.min() >= 0
    assert t.mean() == pytest.approx(500.0, rel=0.03)
    assert t.var() == pytest.approx(500.0**2 / 2.0, rel=0.08)  # gamma: mean^2 / shape


def test_switched_off_the_model_keeps_no_expectation_and_draws_nothing(tiny_scenario):
    model = SmugglingModel(with_waiting(tiny_scenario, enabled=False), seed=3)
    for _ in range(40):
        model.step()
    assert model.expectation is None
    assert np.all(model.migrants.wait_tolerance_eur[: model.migrants.n] == 0.0)


def test_switched_on_migrants_at_a_hub_wait_while_the_way_on_is_worth_less_than_expected(tiny_scenario):
    sc = with_waiting(tiny_scenario, enabled=True, tolerance_eur=100.0)
    left = {}
    for raise_by in (0.0, 50.0):  # same seed: the control moves some on, the raised expectation none
        model = SmugglingModel(sc, seed=3)
        for _ in range(40):
            model.step()
        G, N, D = len(model.groups), model.net.n_nodes, len(model.destinations)
        assert model.expectation is not None and model.expectation.shape == (G, N, D)
        n = model.migrants.n
        assert model.migrants.wait_tolerance_eur[:n].mean() == pytest.approx(100.0, rel=0.5)
        model.expectation = model.expectation + raise_by
        mig = model.migrants
        at_hub = model.waiting[model.is_hub[mig.node[model.waiting]]]
        elsewhere = model.waiting[~model.is_hub[mig.node[model.waiting]]]
        assert len(at_hub), "nobody waits at a hub on day 40 of the tiny scenario"
        model._markets()
        still = set(model.waiting.tolist())
        left[raise_by] = (len(set(at_hub.tolist()) - still), len(set(elsewhere.tolist()) - still))
    assert left[0.0][0] > 0, "in the control nobody at a hub moved on: the test cannot tell"
    assert left[50.0][0] == 0  # nobody at a hub moved on
    if left[0.0][1]:  # elsewhere the market goes on (only checkable where the control moved someone there)
        assert left[50.0][1] > 0


@pytest.mark.parametrize("awareness", [False, True], ids=["shared value", "per-group value"])
def test_expectation_at_the_value_lets_everyone_take_part(awareness):
    """With the expectation equal to today's value nobody at a hub stays out of the market.

    Run through ``SmugglingModel._markets`` (not ``waiting.defer`` alone, which with ``R == V`` could not
    fail): the day's round must give exactly the outcome of a round where no expectation is finite
    (nobody can wait), with the value shared by all groups (route awareness off, ``Jr_group`` None) and
    per group (on). Wrong indexing of ``V`` or ``R`` by group, node or destination would defer someone.
    The small fixture, not the tiny one: the tiny one has a single origin group, so a wrong group index
    could not show.
    """
    sc = with_waiting(load_scenario(SMALL_PATH).with_overrides(parameters={"awareness": {"enabled": awareness}}),
                      enabled=True)
    outcome = {}
    for arm in ("at the value", "none finite"):
        model = SmugglingModel(sc, seed=3)
        for _ in range(40):
            model.step()
        assert (model.Jr_group is not None) == awareness
        mig = model.migrants
        at_hub = model.waiting[model.is_hub[mig.node[model.waiting]]]
        assert len(np.unique(mig.group[at_hub])) > 1, "one group or none waits at a hub: the test cannot tell"
        if arm == "at the value":
            V = model.Jr_group if model.Jr_group is not None else np.broadcast_to(model.Jr, model.expectation.shape)
            model.expectation = np.array(V, dtype=float)
        else:
            model.expectation = np.full(model.expectation.shape, np.nan)
        model._markets()
        n = mig.n
        outcome[arm] = (sorted(model.waiting.tolist()), mig.node[:n].tolist(), mig.state[:n].tolist())
    assert outcome["at the value"] == outcome["none finite"]


def _everyone_may_wait():
    """The small fixture on day 40 with waiting on, every node a hub and every expectation raised by 50
    logit units, after today's spawning (step 2): the model and the waiting migrants still at their origin."""
    from sim.agents.migrant import MigrantState

    model = SmugglingModel(with_waiting(load_scenario(SMALL_PATH), enabled=True), seed=3)
    for _ in range(40):
        model.step()
    model.is_hub = np.ones_like(model.is_hub)
    model.expectation = model.expectation + 50.0
    model._spawn()
    return model, model.waiting[model.migrants.state[model.waiting] == MigrantState.AT_ORIGIN]


def test_nobody_waits_at_an_origin_and_held_back_migrants_do_not_call_for_entry(monkeypatch):
    """Review findings of stop 18, fixed: (1) a migrant who has not left (``AT_ORIGIN``) is never held
    back, even at an origin that is also a hub; (2) held-back migrants are not demand for the entry
    queue of step 7 (spin-offs), though they still count in the hub's queue.

    Every node is made a hub and every expectation raised, so without the first fix the migrants at
    their origins would be held back too; the spin-off queue is caught on its way into
    :func:`sim.enterprises.spin_off`.
    """
    from sim import enterprises

    model, at_origin = _everyone_may_wait()
    mig = model.migrants
    assert len(at_origin), "nobody is at an origin on day 40: the test cannot tell"
    model._markets()
    assert len(model._deferred), "nobody was held back: the test cannot tell"
    assert not np.isin(model._deferred, at_origin).any()
    seen = {}
    real = enterprises.spin_off

    def spy(*args, **kwargs):
        seen["queue"] = np.array(kwargs["queue_persons"], dtype=float)
        return real(*args, **kwargs)

    monkeypatch.setattr(enterprises, "spin_off", spy)
    N, K = model.net.n_nodes, model.persons_per_agent
    everyone = np.bincount(mig.node[model.waiting], minlength=N) * K
    held = np.bincount(mig.node[model._deferred], minlength=N) * K
    model._enterprises()
    assert np.array_equal(seen["queue"], everyone - held)
    assert held.sum() > 0 and [h.queue for h in model.hub_list] == [int(everyone[h.node]) for h in model.hub_list]


def test_a_migrant_back_from_work_at_its_origin_is_not_held_back():
    """A migrant with no money for any option at its origin works (step 9) and comes back to the
    queue (step 6) as WAITING, still at its origin: it has not left, so it is not held back either
    (the rule the test above checks for ``AT_ORIGIN`` migrants). Every node is made a hub and every
    expectation raised, as above, so that anyone who may be held back is.
    """

    model, at_origin = _everyone_may_wait()
    mig = model.migrants
    assert len(at_origin), "nobody is at an origin on day 40: the test cannot tell"
    # steps 9 and 6 as the model takes them: broke at the origin, they work, then rejoin the queue
    model.waiting = np.setdiff1d(model.waiting, at_origin)
    model._work(at_origin, mig.budget_eur[at_origin] + 1.0)
    back = []
    for d in list(model.calendar):
        keep = []
        for ids in model.calendar[d]:
            mine = np.isin(ids, at_origin)
            back.append(ids[mine])
            if (~mine).any():
                keep.append(ids[~mine])
        model.calendar[d] = keep
    back = np.concatenate(back) if back else np.zeros(0, np.int64)
    assert len(back), "nobody worked: the test cannot tell"
    model.calendar[model.day] = [back]
    model._arrivals()
    assert (mig.node[back] == mig.origin[back]).all()
    model._markets()
    assert len(model._deferred), "nobody was held back: the test cannot tell"
    assert not np.isin(model._deferred, back).any(), "a migrant who has not left its origin was held back"


def test_the_tolerance_of_the_day_grows_with_the_wait_at_the_time_value():
    t = waiting.tolerance_today(np.array([300.0, 300.0, 0.0]), np.array([0, 40, 10]), 15.0, 600.0)
    assert t.tolist() == pytest.approx([0.5, 1.5, 0.25])
    fixed = waiting.tolerance_today(np.array([300.0, 300.0]), np.array([0, 40]), 15.0, 600.0, break_even=False)
    assert fixed.tolist() == pytest.approx([0.5, 0.5])


@pytest.mark.parametrize("break_even", [True, False])
def test_a_long_wait_at_a_hub_makes_a_migrant_go_on_only_under_the_break_even_rule(break_even):
    """The migrants who have left and wait at hubs are made to have waited a day less than
    ``vulnerability.max_wait_days`` (so they are not sent home), and every expectation is raised by half
    of what that wait has cost (logit units), which is more than any of their own tolerances: with the
    rule they all take part; without it all are held back."""
    from sim.agents.migrant import MigrantState

    sc = with_waiting(load_scenario(SMALL_PATH), enabled=True, tolerance_eur=100.0, break_even=break_even)
    model = SmugglingModel(sc, seed=3)
    for _ in range(40):
        model.step()
    mig, p = model.migrants, model.params
    W = model.waiting
    V = model.value_to_go[mig.group[W], mig.node[W], mig.destination[W]]
    at_hub = W[model.is_hub[mig.node[W]] & (mig.state[W] != MigrantState.AT_ORIGIN) & np.isfinite(V)]
    assert len(at_hub), "nobody who has left waits at a hub on day 40: the test cannot tell"
    days = p.vulnerability.max_wait_days - 1
    mig.wait_since[at_hub] = model.day - days
    raise_by = 0.5 * days * p.choice.time_value_eur_per_day / p.choice.cost_scale_eur
    assert raise_by > mig.wait_tolerance_eur[at_hub].max() / p.choice.cost_scale_eur, "the test cannot tell"
    model.expectation = model.expectation + raise_by
    model._markets()
    assert (mig.state[at_hub] != MigrantState.RETURNED).all(), "sent home: the test cannot tell"
    held = np.isin(at_hub, model._deferred)
    assert (not held.any()) if break_even else held.all()
