"""Adaptive enforcement agencies (DESIGN step 3): hand-computed surges on a stand-in model, and the
effect of the rule on the reference scenario's Eastern Mediterranean land route."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from sim.agents.enforcement import EnforcementAgency
from sim.enforcement import EnforcementState
from sim.model import SmugglingModel
from sim.parameters import EnforcementParameters, Parameters

REFERENCE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline_2014.yaml"


class StandIn:
    """What an agency is handed each day: today's effort (two edges, three nodes), parameters, days."""

    def __init__(self, start_day=0, **enforcement):
        self.params = Parameters(enforcement=EnforcementParameters(**enforcement))
        self.day = 0
        self.start_day = start_day
        self.state = EnforcementState(np.array([0, 1]), 3)

    def reset(self):
        self.state.new_day()


def agency(model, policy="adaptive", side="detect"):
    # mesa.Agent needs a mesa.Model; the rule itself only needs what step() is handed
    a = EnforcementAgency.__new__(EnforcementAgency)
    a.name, a.side, a.edges, a.nodes, a.effort = "Border police", side, np.array([0]), np.zeros(0, int), 0.5
    a.policy, a.target, a.surge, a.seen, a.reference, a._last_day = policy, "e0", 0.0, [], None, -1
    return a


def run(model, a, signal):
    """Step the agency through ``signal`` (persons seen per day on its edge); surges per day."""
    out = []
    for day, x in enumerate(signal):
        model.day = day
        model.reset()
        model.state.seen_det_yesterday[:] = [x, 1000.0]  # the other edge is not the agency's
        a.step(model.state, model.params, model.day, model.start_day)
        out.append(a.surge)
    return np.array(out)


def test_steady_detections_raise_no_surge():
    m = StandIn(lag_days=10, window_days=5)
    a = agency(m)
    surge = run(m, a, [20.0] * 200)
    assert surge.max() == 0.0
    assert a.reference == pytest.approx(20.0)
    assert m.state.detect[0] == 0.5 and m.state.detect[1] == 0.0  # the standing effort only


def test_a_doubling_is_answered_after_the_lag_and_never_beyond_the_patrol_surge():
    lag, window, tau = 30, 10, 20.0
    m = StandIn(lag_days=lag, window_days=window, full_response_ratio=3.0, escalation_days=tau,
                reference_halflife_days=1e5)
    a = agency(m)
    signal = [10.0] * 100 + [20.0] * 300  # doubles on day 100
    surge = run(m, a, signal)
    # the lagged window first holds a day of the rise on day 100 + lag
    assert surge[: 100 + lag].max() == 0.0
    assert surge[100 + lag] > 0.0
    # wanted = (2 - 1) / (3 - 1) = 0.5; the surge approaches it from below
    assert surge[-1] == pytest.approx(0.5, abs=0.01)
    assert surge.max() <= 0.5 + 1e-12
    # its effect is the patrol_surge event's, scaled by the surge, on the agency's edge only
    ps = m.params.events.patrol_surge
    s = surge[-1]
    assert m.state.detect[0] == pytest.approx(0.5 + s * ps.detection_effort)
    assert m.state.prevent[0] == pytest.approx(s * ps.prevention_effort)
    assert m.state.return_add[0] == pytest.approx(s * ps.return_probability)
    assert m.state.detect[1] == 0.0 and m.state.return_add[1] == 0.0


def test_surge_is_withdrawn_more_slowly_than_it_is_deployed():
    m = StandIn(lag_days=0, window_days=1, full_response_ratio=2.0, escalation_days=10.0,
                standdown_days=100.0, reference_halflife_days=1e5)
    a = agency(m)
    surge = run(m, a, [10.0] * 10 + [30.0] * 60 + [10.0] * 60)
    top = surge[69]
    assert top > 0.95
    # after 10 days up it had covered 1 - (1 - 1/10)**10 of the way; 10 days down, (1 - 1/100)**10
    assert surge[79] == pytest.approx(top * (1 - 1 / 100) ** 10, rel=1e-9)


def test_the_burn_in_sets_the_reference_and_timeline_agencies_do_not_adapt():
    m = StandIn(start_day=50, lag_days=5, window_days=5, reference_halflife_days=1e5)
    a = agency(m)
    # routes fill up during the burn-in (days 0-49): that rise from 0 to 40 is not read as a surge
    surge = run(m, a, list(np.linspace(0, 40, 35)) + [40.0] * 115)
    assert surge.max() == 0.0
    m2 = StandIn(lag_days=0, window_days=1)
    b = agency(m2, policy="timeline")
    assert run(m2, b, [1.0] * 20 + [500.0] * 20).max() == 0.0
    assert b.reference is None


def test_a_rise_from_almost_nothing_is_floored():
    m = StandIn(lag_days=0, window_days=1, min_signal_per_day=10.0, full_response_ratio=3.0,
                reference_halflife_days=1e5, escalation_days=1.0)
    a = agency(m)
    surge = run(m, a, [0.5] * 10 + [5.0] * 10)  # x10, but below the 10 persons/day floor
    assert surge.max() == 0.0


def test_unknown_policy_is_refused():
    with pytest.raises(ValueError, match="unknown policy"):
        EnforcementAgency.__init__(agency(StandIn()), StandIn(), "x", "detect", np.array([0]),
                                   np.zeros(0, int), 0.5, policy="reactive")


# ---- the reference scenario ---------------------------------------------------------------------


def _eastern_med_by_year(seed: int) -> dict[tuple[str, str], float]:
    """Eastern Mediterranean detections by (type, year), reference scenario to 2013, 50 persons per agent."""
    from sim.metrics import collect_tables
    from sim.scenario import load_scenario

    sc = load_scenario(REFERENCE).with_overrides(persons_per_agent=50, end=dt.date(2013, 12, 31))
    m = SmugglingModel(sc, seed=seed)
    m.run()
    tables = collect_tables(m)
    d = tables["detections_monthly"]
    em = d[d.route == "Eastern Mediterranean"]
    out = em.groupby([em.type, em.month.str[:4]]).detections.sum().to_dict()
    out["surge"] = tables["enforcement"]["surge"].max()
    return out


@pytest.fixture(scope="module")
def eastern_med():
    return {seed: _eastern_med_by_year(seed) for seed in (1, 2, 3)}


def test_no_agency_is_adaptive_in_the_reference_and_the_containment_plan_is_an_event():
    """Issue 9, item 6: whether an agency is adaptive follows a rule stated before looking at route
    results. The reference's rule: none is; every documented reaction is a dated event, including
    Bulgaria's containment plan of November 2013 (Human Rights Watch 2014)."""
    from sim.labels import text
    from sim.scenario import load_scenario

    sc = load_scenario(REFERENCE)
    assert all(text(a.policy) == "timeline" for a in sc.agencies)
    plan = [e for e in sc.events if text(e.kind) == "patrol_surge" and e.target == "Edirne->Svilengrad"]
    assert [(e.start, e.full_effect) for e in plan] == [(dt.date(2013, 11, 6), dt.date(2013, 11, 20))]


@pytest.mark.slow
def test_no_agency_surges_of_its_own_in_the_reference(eastern_med):
    assert all(eastern_med[s]["surge"] == 0 for s in (1, 2, 3))


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason=(
    "issue 9 acceptance not reached (stop 31, payment on success with its break-even floor on in the reference, "
    "its default parameters): 1.30 over seeds 1-3 at 50 persons per agent, above the band: 2012 land 20,200, 17,700 "
    "and 18,400, 2013 21,700, 20,700 and 30,800; stop 29 (the vessel capital on in the reference): "
    "1.63 over seeds 1-3 at 50 persons per agent, above the band: 2012 land 16,100, 10,850 and 12,150, 2013 "
    "18,050, 21,000 and 24,700; stop 25 (refugees abroad in the demand rule, Egypt's visa requirement and "
    "the Croatian-Slovenian border checks in the reference, the reference scenario's default parameters): 1.38 "
    "over seeds 1-3 at 50 persons per agent, above the band: 2012 land 14,550, 15,600 and 11,550 (observed "
    "32,854), 2013 15,550, 23,400 and 18,450 (observed 12,968); before the border checks 1.12; stop 23: 1.83, "
    "stop 22: 1.99, stop 21: 1.64, stop 20: 1.96"))
def test_eastern_med_land_falls_from_2012_to_2013_as_observed(eastern_med):
    """Issue 9 acceptance, two-sided: Eastern Med land 2013/2012 in 0.2-0.6 (observed 0.39), summed
    over 3 seeds at 50 persons per agent to 2013. It was an xfail with the four mechanisms (0.019:
    2012 13,000, 2013 250); with waiting at hubs (stop 18) 0.34 (2012 15,850, 2013 5,350). The
    uptake of the Bulgarian crossing still tips per seed: 2013 land 0, 100 and 5,250 in seeds 1-3,
    so this sum is one seed's uptake against three seeds' 2012 Evros flow."""
    ratio = (sum(eastern_med[s].get(("Land", "2013"), 0) for s in (1, 2, 3))
             / sum(eastern_med[s].get(("Land", "2012"), 0) for s in (1, 2, 3)))
    assert 0.2 <= ratio <= 0.6, ratio


@pytest.mark.slow
def test_the_aegean_carries_some_of_the_flow_while_the_evros_is_open(eastern_med):
    """Stylised fact (2012): the Aegean carried about 12 % of Eastern Med detections (4,370 of
    37,224) while the Evros was the cheaper crossing. Migrants may take any segment that leads
    forward, not only the one on the cheapest path, so the sea keeps a share (at least 5 % in
    January-December 2012 in every seed); with the old closer-only rule it was under 3 %."""
    for seed in (1, 2, 3):
        y = eastern_med[seed]
        sea, land = y.get(("Sea", "2012"), 0), y.get(("Land", "2012"), 0)
        assert sea / (sea + land) >= 0.05, (seed, sea, land)


# ---- one target resolver for events and agencies (issue 8, item 6) ------------------------------


@pytest.fixture(scope="module")
def reference_net():
    from sim.labels import ROUTE_TYPES
    from sim.network import RouteNetwork
    from sim.scenario import load_scenario

    return RouteNetwork.from_scenario(load_scenario(REFERENCE), list(ROUTE_TYPES))


def test_a_full_hub_crackdown_on_agadez_adds_its_arrest_effort_once(reference_net):
    """hub_crackdown at full strength on the node Agadez: arrest effort 3.0 at Agadez (it was 9.0:
    once for the node and once more per segment leaving it), and its prevention effort on Agadez's
    border crossing only (Agadez->Tamanrasset, NE-DZ), not on the domestic convoy to Dirkou."""
    from sim.agents.enforcement import TimelineEvent
    from sim.enforcement import resolve_target

    net = reference_net
    effect = Parameters().events.hub_crackdown
    assert effect.arrest_effort == 3.0
    edges, nodes = resolve_target(net, "node", "Agadez")
    assert sorted(net.edge_names[e] for e in edges) == ["Agadez->Tamanrasset"]
    ev = TimelineEvent("hub_crackdown", 0, 0, None, edges, nodes, effect)
    st = EnforcementState(net.src, net.n_nodes)
    st.apply_effect(ev.effect, ev.strength(0), ev.edges, ev.nodes)
    agadez = net.index["Agadez"]
    assert st.arrest_node[agadez] == 3.0
    assert st.arrest_node.sum() == 3.0
    dirkou = net.edge_index[("Agadez", "Dirkou")]
    tam = net.edge_index[("Agadez", "Tamanrasset")]
    assert st.prevent[tam] == effect.prevention_effort and st.prevent[dirkou] == 0.0


def test_an_edge_or_route_target_puts_its_arrest_effort_on_the_sellers_of_its_crossings():
    """With consolidation (d), an event on crossings arrests those who sell them, not every enterprise
    at their source (stop 19: a Greek surge on the Evros no longer raises the hazard of Edirne's
    sellers of the Bulgarian crossing); a node target still acts on the node. The old placement is
    kept for (d) switched off."""
    from sim.enforcement import enterprise_effort

    st = EnforcementState(np.array([0, 0, 1]), 3)
    eff = Parameters().events.naval_operation
    st.apply_effect(eff, 0.5, np.array([0, 2]), np.zeros(0, int))
    # the rule before consolidation (d): once per source node
    assert st.arrest_node.tolist() == [0.5 * eff.arrest_effort, 0.5 * eff.arrest_effort, 0.0]
    # as (d) places it: on the crossings' sellers
    assert st.arrest_at_node.tolist() == [0.0, 0.0, 0.0]
    assert st.arrest_edge.tolist() == [0.5 * eff.arrest_effort, 0.0, 0.5 * eff.arrest_effort]
    seg = (st.prevent + st.arrest_edge).tolist()
    on_0 = enterprise_effort(0, [0], seg, st.detect.tolist(), st.arrest_at_node.tolist(), 0.5)
    on_1 = enterprise_effort(0, [1], seg, st.detect.tolist(), st.arrest_at_node.tolist(), 0.5)
    assert on_0 == st.prevent[0] + 0.5 * eff.arrest_effort and on_1 == 0.0  # same node, other crossing
    st.apply_effect(eff, 1.0, np.array([0, 1]), np.array([0, 0]))
    assert st.arrest_at_node.tolist() == [eff.arrest_effort, 0.0, 0.0]
    st.new_day()
    assert not st.arrest_edge.any() and not st.arrest_at_node.any()


def test_events_and_agencies_at_a_node_act_on_the_same_segments(reference_net):
    """The Turkish coast guard's node Bodrum, named by an agency or by an event: one resolver."""
    from sim.enforcement import resolve_target
    from sim.scenario import load_scenario

    net = reference_net
    sc = load_scenario(REFERENCE)
    row = next(a for a in sc.agencies if a.target == "Bodrum")
    a_edges, a_nodes = resolve_target(net, "node", row.target)
    assert len(a_edges) > 0 and net.has_border[a_edges].all()
    out = net.out_edges[net.index["Bodrum"]]
    assert set(a_edges) == {e for e in out if net.has_border[e] and not net.is_retreat[e]}
    assert a_nodes.tolist() == [net.index["Bodrum"]]
