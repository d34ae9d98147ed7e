"""scripts/market_trace.py: who leaves one node, by which segment, and what is sold there."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import load_script

from sim.model import SmugglingModel


def _module():
    return load_script("market_trace")


def _busiest_market(sc) -> str:
    """The tiny scenario's market node with the most smuggled segments out of it."""
    model = SmugglingModel(sc, 5)
    net = model.net
    counts = np.bincount(net.src[net.smuggled], minlength=net.n_nodes)
    return net.nodes[int(np.argmax(counts))]


def test_tracing_does_not_change_the_run_and_records_only_this_node(tiny_scenario):
    mt = _module()
    node = _busiest_market(tiny_scenario)
    kept: list = []
    moves, days, exits = mt.trace(tiny_scenario, 5, node, keep_model=kept)
    plain = SmugglingModel(tiny_scenario, 5)
    plain.run()
    traced = kept[0]
    assert len(days) == plain.n_days_total  # one row a day, burn-in included
    assert len(moves) > 0, "nobody left the busiest market of the tiny scenario"
    assert all(s.split("->")[0] == node for s in moves.segment.unique())
    assert (moves.persons == tiny_scenario.persons_per_agent).all()
    # the traced run is the plain run: same agents, same end states and places, same enterprises
    n = len(plain.migrants)
    assert len(traced.migrants) == n
    assert np.array_equal(np.asarray(traced.migrants.state[:n]), np.asarray(plain.migrants.state[:n]))
    assert np.array_equal(np.asarray(traced.migrants.node[:n]), np.asarray(plain.migrants.node[:n]))
    assert sorted(traced.enterprises.by_id) == sorted(plain.enterprises.by_id)
    assert (days.seats_per_day >= 0).all() and (days.queue >= 0).all()
    assert set(exits.reason) <= {"arrest", "ruin"}


def test_summary_hand_computed():
    mt = _module()
    moves = pd.DataFrame({"month": ["2012-01", "2012-01", "2012-02"], "segment": ["A->B", "A->C", "A->B"],
                          "persons": [4, 4, 4], "failed_before": [True, False, False], "sold": [True, False, True]})
    days = pd.DataFrame({"month": ["2012-01", "2012-01", "2012-02"], "enterprises": [2, 4, 1], "members": [2, 4, 1],
                         "seats_per_day": [10.0, 20.0, 5.0], "queue": [8, 0, 4]})
    exits = pd.DataFrame({"month": ["2012-02"], "reason": ["arrest"], "enterprises": [1]})
    by_segment, market = mt.summarise(moves, days, exits)
    assert by_segment.loc["2012-01"].tolist() == [4, 4] and by_segment.loc["2012-02"].tolist() == [4, 0]
    assert market.loc["2012-01", "enterprises"] == 3.0 and market.loc["2012-01", "seats_per_day"] == 15.0
    assert market.arrests.tolist() == [0, 1] and market.ruins.tolist() == [0, 0]
    assert market.left.tolist() == [8, 4] and market.failed_before.tolist() == [0.5, 0.0]


@pytest.mark.parametrize("args, says", [
    (["nope.yaml", "Edirne"], "nope.yaml"),
    ([str(Path(__file__).resolve().parent / "fixtures" / "scenario_tiny" / "scenario.yaml"), "Atlantis"], "Atlantis"),
    ([str(Path(__file__).resolve().parent / "fixtures" / "scenario_tiny" / "scenario.yaml"), "X", "--until", "2012-9"],
     "YYYY-MM"),
])
def test_the_command_reports_bad_input_in_one_line_and_exits_2(args, says, capsys):
    mt = _module()
    assert mt.main(args) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err
