"""The model's readable members for learners: date, snapshot() and repr."""

import datetime as dt
from pathlib import Path

from sim.model import SmugglingModel
from sim.scenario import load_scenario

TINY = Path(__file__).parent / "fixtures" / "scenario_tiny" / "scenario.yaml"


def test_date_snapshot_and_repr_follow_the_steps():
    m = SmugglingModel(load_scenario(TINY), seed=3)
    first = m.date
    assert isinstance(first, dt.date) and first == m.current_date
    for _ in range(10):
        m.step()
    assert m.date == first + dt.timedelta(days=10)
    tables = m.snapshot()
    assert {"places", "hubs", "migrants"} <= set(tables)
    persons = int(tables["migrants"]["persons"].sum())
    assert persons == len(m.migrants) * m.persons_per_agent
    text = repr(m)
    assert str(m.date - dt.timedelta(days=1)) in text or str(m.date) in text
