"""sim.snapshot: the model's state as named tables in persons (hand-checkable facts on the tiny fixture)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from sim.metrics import collect_tables
from sim.model import SmugglingModel
from sim.snapshot import describe, last_day, snapshot

K = 3  # persons per agent in these tests: persons must be agents times 3 everywhere


@pytest.fixture(scope="module")
def tiny3(tiny_scenario):
    return tiny_scenario.with_overrides(persons_per_agent=K)


def test_fresh_model_is_empty_and_names_places(tiny3):
    m = SmugglingModel(tiny3, seed=1)
    s = snapshot(m)
    assert set(s) == {"places", "hubs", "enterprises", "offers", "segments", "migrants", "detections"}
    # the tiny fixture has 9 places; its market places are its hubs and departure points
    assert s["places"]["place"].tolist() == [
        "Damascus", "Istanbul", "Izmir", "Edirne", "Lesvos", "Orestiada", "Athens", "Berlin", "Oslo"]
    assert sorted(s["hubs"]["hub"]) == ["Athens", "Edirne", "Istanbul", "Izmir"]
    assert s["places"].set_index("place").loc["Oslo", "country"] == "NO"
    assert s["migrants"]["persons"].sum() == 0
    assert s["migrants"]["state"].tolist() == [
        "at_origin", "waiting", "in_transit", "arrived", "returned", "dead", "exploited"]
    # two EU-entry segments, no detection before the first step
    assert sorted(s["detections"]["segment"]) == ["Edirne->Orestiada", "Izmir->Lesvos"]
    assert s["detections"]["detections"].sum() == 0
    assert last_day(m) is None
    assert "not stepped" in describe(m)


def test_persons_by_state_sum_to_persons_spawned(tiny3):
    m = SmugglingModel(tiny3, seed=2)
    for _ in range(45):
        m.step()
    s = snapshot(m)
    mig = s["migrants"].set_index("state")
    spawned = len(m.migrants) * K  # every agent ever spawned stands for K persons
    assert spawned > 0
    assert mig["persons"].sum() == spawned
    assert (mig["persons"] == mig["agents"] * K).all()
    assert mig.loc["arrived", "persons"] > 0  # 45 days are enough to reach Berlin or Oslo
    # every active person is somewhere: at a place or on the way to one
    active = mig.loc[["at_origin", "waiting", "in_transit"], "persons"].sum()
    places = s["places"]
    assert places["waiting"].sum() + places["heading_here"].sum() == active
    assert places["heading_here"].sum() == mig.loc["in_transit", "persons"]
    assert (places[["waiting", "heading_here"]] % K == 0).all().all()
    # enterprises: one row each, counted at their home places
    ents = s["enterprises"]
    assert len(ents) == places["enterprises"].sum() == s["hubs"]["enterprises"].sum()
    assert set(ents["home"]) <= set(s["hubs"]["hub"])
    assert set(ents["service_level"]) <= {"basic", "standard", "premium"}
    assert s["hubs"]["reputation"].between(0, 1).all()
    assert s["hubs"]["reputation"].is_monotonic_decreasing


def test_day_detections_equal_the_increase_of_the_output_table(tiny3):
    m = SmugglingModel(tiny3, seed=3)
    while m.day < m.start_day + 20:  # into the reported period, where the output tables count
        m.step()
    seen = 0.0
    for _ in range(15):
        before = collect_tables(m)["crossings_by_edge"].groupby("edge")["detections"].sum()
        m.step()
        after = collect_tables(m)["crossings_by_edge"].groupby("edge")["detections"].sum()
        inc = after.sub(before, fill_value=0.0)
        det = snapshot(m)["detections"].set_index("segment")["detections"]
        for seg, v in det.items():
            assert v == pytest.approx(inc.get(seg, 0.0)), seg
        seen += det.sum()
    assert seen > 0  # the check compared real detections, not only zeros


def test_describe_and_dates(tiny3):
    m = SmugglingModel(tiny3, seed=4)
    first = date(2012, 1, 1) - timedelta(days=tiny3.burn_in_days)
    assert m.current_date == first
    for _ in range(40):
        m.step()
    text = describe(m)
    assert last_day(m) == first + timedelta(days=39)
    assert text.splitlines()[0].startswith("SmugglingModel 'tiny' (seed 4, 3 persons per agent): ")
    assert (first + timedelta(days=40)).isoformat() in text.splitlines()[0]
    assert f"detections on {(first + timedelta(days=39)).isoformat()}:" in text
    assert f"({len(m.migrants) * K:,} in all)" in text
    assert "reported" in text


def test_snapshot_only_reads_the_model(tiny3):
    a = SmugglingModel(tiny3, seed=5)
    b = SmugglingModel(tiny3, seed=5)
    for _ in range(35):
        a.step()
        b.step()
        snapshot(b)
        describe(b)
    assert a.rng.bit_generator.state == b.rng.bit_generator.state
    np.testing.assert_array_equal(a.migrants.state, b.migrants.state)


def test_offers_and_segments(tiny3):
    m = SmugglingModel(tiny3, seed=6)
    s0 = snapshot(m)
    # every smuggled segment leaving a market is sold by someone at the start
    assert {"Istanbul->Izmir", "Istanbul->Edirne", "Izmir->Lesvos", "Edirne->Orestiada"} <= set(s0["offers"]["segment"])
    assert (s0["offers"]["price_eur"] > 0).all()
    assert s0["segments"]["attempts_month"].sum() == 0
    assert len(s0["segments"]) >= 9  # the fixture's nine segments (plus retreat edges)
    for _ in range(10):  # within the first burn-in month (30 burn-in days)
        m.step()
    s = snapshot(m)
    seg = s["segments"].set_index("segment")
    # an offer's enterprise exists and is based where the segment starts
    ents = s["enterprises"].set_index("enterprise")
    for _, o in s["offers"].iterrows():
        assert ents.loc[o.enterprise, "home"] == o.home == seg.loc[o.segment, "source"]
    # persons who left Damascus this month are the persons spawned so far, less those still there
    spawned = len(m.migrants) * K
    at_damascus = s["places"].set_index("place").loc["Damascus", "waiting"]
    assert seg.loc["Damascus->Istanbul", "attempts_month"] == spawned - at_damascus
    assert seg.loc["Izmir->Lesvos", "frontex_route"] == "Eastern Mediterranean"
    assert seg.loc["Izmir->Lesvos", "mode"] == "sea"
    assert seg.loc["Istanbul->Izmir", "frontex_route"] == ""
