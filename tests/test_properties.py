"""Property tests (Hypothesis) on random small route graphs and demand (issue 13, "Also").

On every generated scenario, every day: persons are conserved (spawned = at origin + waiting + in
transit + arrived + returned + dead + exploited), no state count is negative, the terminal states
never shrink and spawned never falls; at the end no count in the output tables is negative.
Kept quick: 3-6 places, a few days, 25 examples.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.agents.migrant import MigrantState
from sim.metrics import collect_tables
from sim.model import SmugglingModel
from sim.scenario import (
    DemandRow,
    DestinationRow,
    NodeRow,
    OriginGroupRow,
    Scenario,
    SegmentRow,
    unreachable_demand,
)

TERMINAL = (MigrantState.ARRIVED, MigrantState.RETURNED, MigrantState.DEAD, MigrantState.EXPLOITED)
KINDS = ("hub;departure", "transit", "hub", "departure;arrival")


@st.composite
def small_scenarios(draw, base: Scenario) -> Scenario:
    """A random scenario: an origin, 1-4 places between, a destination; a forward path always exists."""
    n_mid = draw(st.integers(1, 4))
    names = ["Origin"] + [f"P{i}" for i in range(n_mid)] + ["Dest"]
    nodes = [NodeRow(name="Origin", country_iso2="SY", lat=33.5, lon=36.3, kind=("origin",))]
    for i in range(n_mid):
        kind = draw(st.sampled_from(KINDS))
        nodes.append(NodeRow(name=f"P{i}", country_iso2="TR", lat=36.0 + i, lon=34.0 - 2 * i,
                             kind=tuple(kind.split(";"))))
    nodes.append(NodeRow(name="Dest", country_iso2="DE", lat=44.0, lon=24.0, kind=("destination",)))
    edges = {(names[i], names[i + 1]) for i in range(len(names) - 1)}  # the spine
    extra = draw(st.lists(st.tuples(st.integers(0, len(names) - 1), st.integers(0, len(names) - 1)),
                          max_size=6))
    edges |= {(names[a], names[b]) for a, b in extra if a < b}
    segments = []
    for source, target in sorted(edges):
        segments.append(SegmentRow(
            source=source, target=target, mode=draw(st.sampled_from(["land", "sea"])),
            distance_km=draw(st.floats(10, 400)), travel_days=draw(st.integers(1, 3)),
            base_fee_eur=draw(st.floats(0, 3000)), death_risk=draw(st.floats(0, 0.2)),
        ))
    months = ["2012-01", "2012-02"]
    demand = [DemandRow(month=m, origin_group="G", origin="Origin",
                        persons_detected=draw(st.floats(0, 400))) for m in months]
    group = OriginGroupRow(origin_group="G", budget_median_eur=draw(st.floats(200, 10000)),
                           budget_sigma=draw(st.floats(0, 1.5)), female_share=0.3, minor_share=0.2,
                           risk_tolerance_mean=draw(st.floats(0, 1)))
    days = draw(st.integers(3, 40))
    return base.with_overrides(
        nodes=nodes, segments=segments, origin_groups=[group],
        destinations=[DestinationRow(origin_group="G", destination="Dest", weight=1.0)],
        demand=demand, agencies=[], events=[],
        start=dt.date(2012, 1, 20), end=dt.date(2012, 1, 20) + dt.timedelta(days=days),
        burn_in_days=draw(st.integers(0, 10)), persons_per_agent=draw(st.sampled_from([1, 5])),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_persons_are_conserved_and_counts_never_negative(tiny_scenario, data, seed):
    sc = data.draw(small_scenarios(tiny_scenario))
    assert unreachable_demand(sc) == []
    model = SmugglingModel(sc, seed)
    K = model.persons_per_agent
    spawned_before = 0
    terminal_before = dict.fromkeys(TERMINAL, 0)
    while model.running:
        model.step()
        model.check_invariants()
        counts = model.migrants.count_by_state()
        spawned = len(model.migrants) * K
        persons = {s: counts.get(s, 0) * K for s in MigrantState}
        assert all(v >= 0 for v in persons.values()), persons
        assert spawned == sum(persons.values())  # at origin + waiting + in transit + terminal states
        assert spawned >= spawned_before
        for s in TERMINAL:
            assert persons[s] >= terminal_before[s], (s, persons[s], terminal_before[s])
            terminal_before[s] = persons[s]
        spawned_before = spawned
    for name, table in collect_tables(model).items():
        numeric = table.select_dtypes(include=[np.number])
        assert not (numeric.to_numpy() < 0).any(), name  # NaN (e.g. no sales: no HHI) is not a count
