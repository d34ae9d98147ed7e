"""SmugglingModel on the tiny scenario: invariants every step, accounting, determinism, scaling,
behaviour under enforcement events, and a smoke run of the reference scenario."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.agents.migrant import MigrantState
from sim.metrics import collect_tables, state_counts
from sim.model import SmugglingModel
from sim.scenario import DemandRow, Scenario, load_scenario

REFERENCE = Path(__file__).parent.parent / "scenarios" / "baseline_2014.yaml"
COUNT_COLUMNS = {
    "detections_monthly": ["detections"],
    "crossings_by_edge": ["attempts", "prevented", "detections", "undetected", "first_entries", "deaths"],
    "deaths_monthly": ["deaths"],
    "prices": ["sold"],
    "exploitation": ["cases"],
    "hubs": ["queue"],
}


def with_crossing(sc: Scenario, **update) -> Scenario:
    p = sc.parameters
    return sc.with_overrides(parameters=p.model_copy(update={"crossing": p.crossing.model_copy(update=update)}))


def year_round_demand(sc: Scenario, persons: float = 150.0) -> Scenario:
    """The tiny scenario's demand (January to March only) extended to every month of 2012."""
    rows = [DemandRow(month=f"2012-{m:02d}", origin_group="Syria", origin="Damascus", persons_detected=persons)
            for m in range(1, 13)]
    return sc.with_overrides(demand=rows)


def run_checked(sc: Scenario, seed: int) -> SmugglingModel:
    """Run the whole scenario, checking the invariants and the state partition after every step."""
    model = SmugglingModel(sc, seed)
    K = model.persons_per_agent
    while model.running:
        model.step()
        model.check_invariants()
        counts = model.migrants.count_by_state()
        assert sum(counts.values()) == len(model.migrants)
        assert sum(state_counts(model).values()) == len(model.migrants) * K
    return model


@pytest.fixture(scope="module")
def tiny_run(tiny_scenario) -> SmugglingModel:
    return run_checked(tiny_scenario, seed=1)


def test_invariants_hold_every_step_of_the_tiny_run(tiny_run):
    model = tiny_run
    assert model.day == model.n_days_total
    assert len(model.migrants) > 100
    # the run did something: people arrived, were detected, crossed both borders
    counts = model.migrants.count_by_state()
    assert counts[MigrantState.ARRIVED] > 0
    assert model.detections.sum() > 0


def test_every_migrant_is_in_exactly_one_valid_state(tiny_run):
    st = tiny_run.migrants.state
    assert np.isin(st, [s.value for s in MigrantState]).all()
    counts = np.bincount(st, minlength=len(MigrantState))
    assert counts.sum() == len(tiny_run.migrants)
    terminal = np.isin(st, [MigrantState.ARRIVED, MigrantState.RETURNED, MigrantState.DEAD,
                            MigrantState.EXPLOITED])
    assert (tiny_run.migrants.end_day[terminal] >= 0).all()
    assert (tiny_run.migrants.end_day[~terminal] == -1).all()


def test_arrived_migrants_are_at_their_destination(tiny_run):
    mig = tiny_run.migrants
    arrived = mig.state == MigrantState.ARRIVED
    np.testing.assert_array_equal(mig.node[arrived], tiny_run.destinations[mig.destination[arrived]])
    assert mig.in_eu[arrived].all()


def test_detections_table_equals_detections_on_labelled_edges(tiny_run):
    tables = collect_tables(tiny_run)
    det = tables["detections_monthly"]
    cross = tables["crossings_by_edge"]
    assert det["detections"].sum() > 0
    by_route = det.groupby(["route", "type", "month"])["detections"].sum()
    lab = cross[cross["frontex_route"] != ""]
    by_edge = lab.groupby(["frontex_route", "frontex_type", "month"])["detections"].sum()
    by_edge = by_edge[by_edge > 0]
    by_edge.index = by_edge.index.set_names(["route", "type", "month"])
    pd.testing.assert_series_equal(by_route.sort_index(), by_edge.sort_index(), check_dtype=False)
    assert cross.loc[cross["frontex_route"] == "", "detections"].sum() == 0


def test_crossing_counts_are_consistent(tiny_run):
    cross = collect_tables(tiny_run)["crossings_by_edge"]
    assert (cross["prevented"] + cross["deaths"] <= cross["attempts"]).all()
    assert (cross["detections"] + cross["undetected"] <= cross["attempts"] - cross["prevented"]).all()
    unl = cross[cross["frontex_route"] == ""]
    assert (unl[["detections", "undetected", "first_entries"]] == 0).all().all()


def test_same_seed_gives_identical_tables(tiny_scenario, tiny_run):
    again = SmugglingModel(tiny_scenario, seed=1)
    again.run()
    a, b = collect_tables(tiny_run), collect_tables(again)
    assert a.keys() == b.keys()
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


def test_different_seed_gives_different_detections(tiny_scenario, tiny_run):
    other = SmugglingModel(tiny_scenario, seed=2)
    other.run()
    a = collect_tables(tiny_run)["detections_monthly"]
    b = collect_tables(other)["detections_monthly"]
    assert not a.equals(b)


def test_counts_are_multiples_of_persons_per_agent(tiny_scenario):
    K = 7
    model = run_checked(tiny_scenario.with_overrides(persons_per_agent=K), seed=3)
    tables = collect_tables(model)
    n_nonzero = 0
    for name, cols in COUNT_COLUMNS.items():
        for col in cols:
            values = tables[name][col].to_numpy(dtype=float)
            assert np.allclose(values % K, 0), f"{name}.{col} not a multiple of {K}"
            n_nonzero += int((values > 0).sum())
    assert n_nonzero > 0
    assert all(v % K == 0 for v in state_counts(model).values())
    # agents stand for K persons each: roughly 1/K as many agents as persons spawned at K = 1
    persons = sum(state_counts(model).values())
    assert persons == len(model.migrants) * K
    assert 300 <= persons <= 800  # ~(100 + 120 + 150) * 1.1 + burn-in (30 days at January's rate)


def test_certain_detection_without_effort_detects_every_eu_entry(tiny_scenario):
    sc = with_crossing(tiny_scenario.with_overrides(agencies=[], events=[]),
                       base_detection_sea=1.0, base_detection_land=1.0)
    model = run_checked(sc, seed=4)
    cross = collect_tables(model)["crossings_by_edge"]
    lab = cross[cross["frontex_route"] != ""]
    assert lab["attempts"].sum() > 0
    assert lab["undetected"].sum() == 0
    assert lab["prevented"].sum() == 0
    # every survivor of every attempt on an EU-entry edge is detected
    np.testing.assert_array_equal(lab["detections"], lab["attempts"] - lab["deaths"])
    assert (lab["first_entries"] <= lab["detections"]).all()


class YearRoundRuns:
    """Tables of the tiny scenario with year-round demand, with and without the Evros events,
    computed once per (variant, seed)."""

    def __init__(self, tiny: Scenario):
        sc = year_round_demand(tiny)
        kinds = {"fence", "patrol_surge"}
        self.scenarios = {
            "events": sc,
            "no_fence": sc.with_overrides(events=[e for e in sc.events if e.kind.value not in kinds]),
        }
        assert len(self.scenarios["no_fence"].events) == len(sc.events) - 2
        self._cache: dict[tuple[str, int], tuple[SmugglingModel, dict[str, pd.DataFrame]]] = {}

    def get(self, variant: str, seed: int) -> tuple[SmugglingModel, dict[str, pd.DataFrame]]:
        key = (variant, seed)
        if key not in self._cache:
            model = SmugglingModel(self.scenarios[variant], seed)
            model.run()
            self._cache[key] = (model, collect_tables(model))
        return self._cache[key]


@pytest.fixture(scope="module")
def year_round(tiny_scenario) -> YearRoundRuns:
    return YearRoundRuns(tiny_scenario)


BEHAVIOUR_SEEDS = (1, 2, 3)


def edge_total(tables: dict[str, pd.DataFrame], edge: str, column: str, from_month: str = "") -> float:
    cross = tables["crossings_by_edge"]
    return float(cross.loc[(cross["edge"] == edge) & (cross["month"] >= from_month), column].sum())


def test_fence_and_patrol_surge_lower_evros_detections(year_round):
    """Stylised fact (Evros, August 2012): with the fence and Operation Aspida, detections on
    Edirne->Orestiada after August fall well below those of the same scenario without them.

    Summed over 3 seeds, with a 20 % margin, on the tiny scenario with demand in every month (its
    own table stops in March, which leaves nothing to detect after August).
    """
    evros = "Edirne->Orestiada"
    with_events = sum(edge_total(year_round.get("events", s)[1], evros, "detections", "2012-09")
                      for s in BEHAVIOUR_SEEDS)
    no_events = sum(edge_total(year_round.get("no_fence", s)[1], evros, "detections", "2012-09")
                    for s in BEHAVIOUR_SEEDS)
    assert no_events > 0
    assert no_events > 1.2 * with_events, (with_events, no_events)


def test_both_eastern_mediterranean_crossings_are_used_in_every_seed(year_round):
    """Stylised fact (2012): both the Aegean sea crossing and the Evros land crossing carry
    migrants; the logit choice keeps every reasonable path with some probability.

    Guards against a market collapse seen with earlier parameters: a departure point whose
    enterprises never sell is ruined and, without a queue, never re-entered.
    """
    for seed in BEHAVIOUR_SEEDS:
        tables = year_round.get("events", seed)[1]
        for edge in ("Izmir->Lesvos", "Edirne->Orestiada"):
            assert edge_total(tables, edge, "attempts") > 0, (seed, edge)


def test_few_migrants_go_home_without_an_attempt(year_round):
    """With routes open and demand in every month, fewer than 10 % of the migrants return home
    without a single failed crossing (only the broke and the hopeless do) in every seed."""
    for seed in BEHAVIOUR_SEEDS:
        model = year_round.get("events", seed)[0]
        mig = model.migrants
        gave_up = (mig.state == MigrantState.RETURNED) & (mig.attempts == 0)
        assert gave_up.mean() < 0.10, (seed, int(gave_up.sum()), len(mig))


def test_reference_scenario_runs_sixty_days_smoke():
    """Smoke: the reference scenario at 50 persons per agent loads and runs 60 days."""
    sc = load_scenario(REFERENCE).with_overrides(persons_per_agent=50)
    model = SmugglingModel(sc, seed=sc.seed)
    for day in range(1, 61):
        model.step()
        if day % 10 == 0:
            model.check_invariants()
    assert model.day == 60
    assert len(model.migrants) > 0


def test_migrant_view_names_state_and_crossings(tiny_scenario):
    from sim.model import SmugglingModel

    m = SmugglingModel(tiny_scenario, seed=3)
    m.run()
    crossed = next(i for i in range(len(m.migrants)) if m.migrants.in_eu[i])
    v = m.migrant(crossed)
    assert v.origin == "Damascus" and v.destination in {"Berlin", "Oslo"}
    assert any(edge in {"Izmir->Lesvos", "Edirne->Orestiada"} for edge, _, _ in v.crossing_history)
    with pytest.raises(IndexError):
        m.migrant(len(m.migrants))


@pytest.mark.slow
# stop 21's strict xfail on seed 1 (the Evros' own 180-day detention closing the crossing without Aspida)
# came out in stop 22: before August 2012 the Evros held for 7 days (docs/detention-sources.md), and the
# counterfactual drops the August 2012 lengthening with the other Evros events
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_without_the_evros_events_eastern_med_land_grows_in_2013(seed):
    """Counterfactual of issue 2: no Aspida surge, no Evros fence and no longer Evros detention -> 2013 EM
    land above 2012."""
    sc = load_scenario(Path(__file__).parents[1] / "scenarios" / "baseline_2014.yaml")
    events = tuple(e for e in sc.events if e.target != "Edirne->Orestiada")
    assert len(events) == len(sc.events) - 4  # Aspida, the fence, and the two detention changes of 2012
    sc = sc.with_overrides(events=events, persons_per_agent=50, end=dt.date(2013, 12, 31))
    m = SmugglingModel(sc, seed=seed)
    m.run()
    d = collect_tables(m)["detections_monthly"]
    land = d[(d.route == "Eastern Mediterranean") & (d.type == "Land")]
    by_year = land.groupby(land.month.str[:4]).detections.sum()
    assert by_year.get("2013", 0) > by_year.get("2012", 0), by_year.to_dict()
