"""Crossing: group-level prevention and incidents, person-level detection and return."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.crossing import cross_groups, detection_probability, effort_probability


def draw(group, *, p_prevent, p_incident=None, fatality_share=0.3, p_detect=None, p_return=None,
         rescue_detects=None, seed=0):
    """``cross_groups`` with zeros as defaults; scalars broadcast per group or per mover."""
    group = np.asarray(group)
    G, M = int(group.max()) + 1, len(group)

    def per(v, n, default=0.0):
        return np.full(n, default if v is None else v, dtype=float) if np.ndim(v) == 0 else np.asarray(v, float)

    rescue = np.zeros(M, dtype=bool) if rescue_detects is None else np.broadcast_to(rescue_detects, (M,))
    return cross_groups(group, p_prevent=per(p_prevent, G), p_incident=per(p_incident, G),
                        fatality_share=fatality_share, fatality_beta_a=2.0, p_detect=per(p_detect, M),
                        p_return=per(p_return, M), rescue_detects=rescue, rng=np.random.default_rng(seed))


def groups_of(n_groups: int, size: int) -> np.ndarray:
    return np.repeat(np.arange(n_groups), size)


def test_certain_prevention_prevents_everyone_and_detects_nobody():
    out = draw(groups_of(20, 5), p_prevent=1.0, p_incident=1.0, p_detect=1.0, p_return=1.0,
               rescue_detects=True)
    assert out.prevented.all()
    assert not (out.detected | out.died | out.returned | out.passed).any()


@pytest.mark.parametrize("seed", range(20))
def test_groups_are_prevented_together(seed):
    group = groups_of(50, 8)
    out = draw(group, p_prevent=0.5, seed=seed)
    share = np.bincount(group, weights=out.prevented) / np.bincount(group)
    assert set(np.unique(share)) <= {0.0, 1.0}
    assert 0 < share.sum() < 50  # both outcomes occur among 50 groups at p = 0.5


def test_share_of_prevented_groups_matches_probability():
    n = 20_000
    out = draw(np.arange(n), p_prevent=0.3, seed=4)
    assert out.prevented.mean() == pytest.approx(0.3, abs=0.012)


def test_certain_detection_without_incident_detects_everyone():
    out = draw(groups_of(30, 4), p_prevent=0.0, p_incident=0.0, p_detect=1.0)
    assert out.detected.all()
    assert not (out.prevented | out.died).any()
    assert out.passed.all()  # p_return 0: detected and go on


def test_no_detection_probability_detects_nobody():
    out = draw(groups_of(30, 4), p_prevent=0.0, p_incident=0.0, p_detect=0.0, p_return=1.0)
    assert not out.detected.any()
    assert not out.returned.any()
    assert out.passed.all()


@pytest.mark.parametrize("p", [0.1, 0.55, 0.9])
def test_detection_frequency_matches_probability(p):
    n = 20_000
    out = draw(groups_of(n // 10, 10), p_prevent=0.0, p_detect=p, seed=int(p * 100))
    assert out.detected.mean() == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / n) + 1e-3)


@pytest.mark.parametrize("seed", range(5))
def test_returned_only_if_detected(seed):
    out = draw(groups_of(500, 6), p_prevent=0.2, p_incident=0.1, p_detect=0.5, p_return=0.7, seed=seed)
    assert out.returned.any()
    assert not (out.returned & ~out.detected).any()
    # return frequency among the detected is close to p_return
    assert out.returned[out.detected].mean() == pytest.approx(0.7, abs=0.04)


def test_certain_return_returns_every_detected_person():
    out = draw(groups_of(200, 5), p_prevent=0.0, p_detect=0.5, p_return=1.0, seed=3)
    np.testing.assert_array_equal(out.returned, out.detected)
    np.testing.assert_array_equal(out.passed, ~out.detected)


def test_rescue_detects_survivors_of_incidents():
    group = groups_of(400, 10)
    out = draw(group, p_prevent=0.0, p_incident=1.0, fatality_share=0.3, p_detect=0.0,
               rescue_detects=True, seed=8)
    survivors = ~out.died
    assert out.died.any() and survivors.any()
    assert out.detected[survivors].all()
    assert not out.detected[out.died].any()
    # rescued survivors are brought on (not returned)
    assert not out.returned.any()


def test_without_rescue_survivors_of_incidents_are_not_detected_at_p_zero():
    out = draw(groups_of(400, 10), p_prevent=0.0, p_incident=1.0, p_detect=0.0,
               rescue_detects=False, seed=8)
    assert out.died.any()
    assert not out.detected.any()


def test_deaths_only_in_groups_with_an_incident():
    group = groups_of(400, 10)
    out = draw(group, p_prevent=0.0, p_incident=0.0, fatality_share=0.9, seed=1)
    assert not out.died.any()
    # with incidents the mean share of dead is near the fatality share
    out = draw(group, p_prevent=0.0, p_incident=1.0, fatality_share=0.4, seed=1)
    assert out.died.mean() == pytest.approx(0.4, abs=0.03)


@pytest.mark.parametrize("seed", range(10))
def test_outcomes_partition_the_movers(seed):
    rng = np.random.default_rng(100 + seed)
    G = 60
    sizes = rng.integers(1, 12, size=G)
    group = np.repeat(np.arange(G), sizes)
    M = len(group)
    out = cross_groups(group, p_prevent=rng.random(G) * 0.5, p_incident=rng.random(G) * 0.5,
                       fatality_share=0.35, fatality_beta_a=2.0, p_detect=rng.random(M), p_return=rng.random(M),
                       rescue_detects=rng.random(M) < 0.5, rng=rng)
    total = (out.prevented.astype(int) + out.died + out.returned + out.passed)
    assert (total == 1).all()
    assert not (out.detected & (out.prevented | out.died)).any()
    for arr in (out.prevented, out.died, out.detected, out.returned, out.passed):
        assert arr.shape == (M,) and arr.dtype == bool


def test_effort_and_detection_probability_formulas():
    assert float(effort_probability(0.0, 2.0)) == 0.0
    assert float(effort_probability(2.0, 0.5)) == pytest.approx(1 - math.exp(-1.0))
    assert float(detection_probability(0.4, 0.0, 3.0)) == pytest.approx(0.4)
    assert float(detection_probability(0.4, 1.0, 0.8)) == pytest.approx(1 - 0.6 * math.exp(-0.8))
    assert float(detection_probability(1.0, 0.0, 0.8)) == 1.0
    # more effort never lowers detection
    p = detection_probability(0.3, np.linspace(0, 5, 11), 0.8)
    assert (np.diff(p) > 0).all()
