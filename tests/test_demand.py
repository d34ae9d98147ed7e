"""Tests of the demand rule (sim.demand) and of the shipped demand tables.

The expected figures are hand-checkable from the Frontex nationality table (2013: 107,339
detections; 2014: 282,873) and the monthly series.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import demand, observed

TABLES = Path(__file__).resolve().parents[1] / "scenarios" / "tables"
WB = "Western Balkan"


def _read(name):
    return pd.read_csv(TABLES / name, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def nodes():
    return _read("nodes.csv")


@pytest.fixture(scope="module")
def nat(nodes):
    return demand.nationality_origins(nodes)


@pytest.fixture(scope="module")
def table(nat):
    return demand.build_demand_table(nat)


def _yearly(table):
    return table.groupby(table["month"].str[:4].astype(int))["persons_detected"].sum()


def _expected_persons(year):
    """All-route detections of mapped nationalities minus non-Balkan Western Balkan detections."""
    n = observed.nationality_annual()
    g = observed.nationality_groups().set_index("nat_iso3")["origin_group"]
    n = n[n.year == year].assign(group=lambda d: d.nat_iso3.map(g))
    n = n[n.group != demand.DROPPED_GROUP]
    double = n[(n.route == WB) & ~n.group.isin(demand.BALKAN_GROUPS)]
    return n.detections.sum() - double.detections.sum()


def test_yearly_totals_follow_the_rule(table):
    totals = _yearly(table)
    assert totals[2014] == pytest.approx(_expected_persons(2014))
    assert totals[2013] == pytest.approx(_expected_persons(2013))
    # by hand: 282,873 - 791 (Other and unknown) - (43,355 - 556 - 22,059 - 501 - 544) = 262,387
    assert totals[2014] == pytest.approx(262387)
    assert totals[2013] == pytest.approx(93402)
    # 2012: the published nationalities (Frontex ARA 2013-2015 annexes) and the remainder by 2013 shares,
    # 72,437 in all, less the dropped (Not specified 2,113 and the remainder's unknown) and the 2012 Western
    # Balkan total of the monthly series (6,336) less its Balkan groups' part
    gp = demand.group_persons().set_index(["year", "origin_group"]).loc[2012]
    kept = gp.drop(index=demand.DROPPED_GROUP)
    assert totals[2012] == pytest.approx(kept.persons_detected.sum())
    assert gp.western_balkan.sum() == pytest.approx(6336, abs=10)
    assert 72437 - 6336 - 2113 - 600 < totals[2012] < 72437 - 6336 - 2113 + 600
    # the published 2012 figures are kept: Afghans 13,169 on all routes (before their Western Balkan part)
    assert gp.loc["Afghanistan", "all_routes"] == pytest.approx(13169, abs=2)


def test_months_cover_2012_to_2014(table):
    months = sorted(table.month.unique())
    assert months[0] == "2012-01" and months[-1] == "2014-12" and len(months) == 36
    assert list(table.columns) == ["month", "origin_group", "origin", "persons_detected"]
    assert table.persons_detected.dtype == float
    assert (table.persons_detected > 0).all()
    assert not table.duplicated(["month", "origin_group", "origin"]).any()


def test_monthly_shape_is_the_all_routes_profile(table):
    m = observed.monthly()
    per_month = table.groupby("month")["persons_detected"].sum()
    for year in (2012, 2013, 2014):
        obs = m[m.year == year].groupby("month").detections.sum()
        obs_profile = obs / obs.sum()
        sim = per_month[per_month.index.str.startswith(str(year))]
        sim_profile = sim / sim.sum()
        np.testing.assert_allclose(sim_profile.to_numpy(), obs_profile.to_numpy(), rtol=1e-12)
    # and for a single group and origin too (the profile is common to every group)
    kabul = table[(table.origin == "Kabul") & table.month.str.startswith("2014")]
    obs14 = m[m.year == 2014].groupby("month").detections.sum()
    np.testing.assert_allclose(
        (kabul.persons_detected / kabul.persons_detected.sum()).to_numpy(),
        (obs14 / obs14.sum()).to_numpy(),
        rtol=1e-12,
    )


def test_syria_share_and_split(table):
    t14 = table[table.month.str.startswith("2014")]
    syria = t14[t14.origin_group == "Syria"]
    # 78,886 Syrians on all routes minus 7,320 on the Western Balkan route
    assert syria.persons_detected.sum() == pytest.approx(71566)
    assert syria.persons_detected.sum() / t14.persons_detected.sum() == pytest.approx(
        71566 / 262387
    )
    by_origin = syria.groupby("origin").persons_detected.sum()
    # refugees abroad start where they lived (UNHCR, 16 May 2013: Egypt 68,865, Iraq 148,028 of
    # 1,523,626); Turkey, Lebanon and Jordan have no origin node: those start in Syria
    assert set(by_origin.index) == {"Damascus", "Aleppo", "Cairo", "Baghdad"}
    assert by_origin["Cairo"] / 71566 == pytest.approx(68865 / 1523626)
    assert by_origin["Baghdad"] / 71566 == pytest.approx(148028 / 1523626)
    assert by_origin["Damascus"] == pytest.approx(by_origin["Aleppo"])


def test_without_refugees_abroad_a_nationality_starts_at_home(nodes):
    none = observed.refugees_by_host().iloc[0:0]
    nat = demand.nationality_origins(nodes, refugees=none)
    syr = nat[nat.nat_iso3 == "SYR"]
    assert list(syr.origin) == ["Damascus", "Aleppo"] and list(syr.weight) == [0.5, 0.5]
    t14 = demand.build_demand_table(nat, "2014-01", "2014-12")
    by_origin = t14[t14.origin_group == "Syria"].groupby("origin").persons_detected.sum()
    assert by_origin.sum() == pytest.approx(71566) and set(by_origin.index) == {"Damascus", "Aleppo"}


def test_refugees_in_a_host_without_an_origin_node_start_at_home(nodes):
    r = observed.refugees_by_host()
    only_turkey = r.assign(refugees=np.where(r.host_iso2 == "TR", r.refugees, 0))
    nat = demand.nationality_origins(nodes, refugees=only_turkey)
    syr = nat[nat.nat_iso3 == "SYR"]
    assert set(syr[syr.weight > 0].origin) == {"Damascus", "Aleppo"}
    assert syr.weight.sum() == pytest.approx(1.0)


def test_weights_that_do_not_sum_to_one_are_refused(nat):
    bad = nat.copy()
    bad.loc[bad.origin == "Cairo", "weight"] *= 2
    with pytest.raises(ValueError, match="do not sum to 1"):
        demand.build_demand_table(bad, "2014-01", "2014-12")


def test_balkan_groups_keep_western_balkan_detections(table):
    t14 = table[table.month.str.startswith("2014")]
    kosovo = t14[t14.origin_group == "Kosovo"]
    assert kosovo.persons_detected.sum() == pytest.approx(22069)  # 22,059 of them Western Balkan
    assert set(kosovo.origin) == {"Pristina"}
    afg = t14[t14.origin_group == "Afghanistan"].persons_detected.sum()
    assert afg == pytest.approx(22132 - 8342)


def test_group_split_over_origins_by_country_detections(table):
    n = observed.nationality_annual()
    n14 = n[n.year == 2014]
    g = observed.nationality_groups()
    wca = set(g[g.origin_group == "West and Central Africa"].nat_iso3)
    wca_all = n14[n14.nat_iso3.isin(wca)].detections.sum()
    nga = n14[n14.nat_iso3 == "NGA"].detections.sum()
    t14 = table[table.month.str.startswith("2014")]
    wca_persons = t14[t14.origin_group == "West and Central Africa"].persons_detected.sum()
    kano = t14[t14.origin == "Kano"].persons_detected.sum()
    assert kano == pytest.approx(wca_persons * nga / wca_all)
    # pseudo-code OOS (26,341 in 2014) goes to the group's main origin node, Bamako
    gp = demand.group_persons().set_index(["year", "origin_group"])
    assert gp.loc[(2014, "West and Central Africa"), "persons_detected"] == pytest.approx(wca_persons)


def test_dropped_share_is_other_and_unknown():
    s = demand.dropped_share()
    assert list(s.index) == [2012, 2013, 2014]
    assert s[2014] == pytest.approx(791 / 282873)
    assert 0.002 < s[2014] < 0.004  # about 0.3 %, data README
    assert s[2013] == pytest.approx(1196 / 107339)
    # 2012 has its own (partial, completed) table: 'Not specified' 2,113 of 72,437, and a little more
    assert 2113 / 72437 < s[2012] < (2113 + 400) / 72437


def test_group_persons_subtracts_only_outside_balkans():
    gp = demand.group_persons()
    balkan = gp[gp.origin_group.isin(demand.BALKAN_GROUPS)]
    assert (balkan.subtracted == 0).all()
    other = gp[~gp.origin_group.isin(demand.BALKAN_GROUPS)]
    assert (other.subtracted == other.western_balkan).all()
    sums = gp.groupby("year").all_routes.sum().to_dict()
    assert {y: sums[y] for y in (2013, 2014)} == {2013: 107339, 2014: 282873}
    assert sums[2012] == pytest.approx(72437, abs=60)  # rounded per route and nationality


def test_nationality_origins_cover_every_mapped_nationality(nat, nodes):
    g = observed.nationality_groups()
    mapped = set(g[g.origin_group != demand.DROPPED_GROUP].nat_iso3)
    assert set(nat.nat_iso3) == mapped
    assert list(nat.columns) == ["nat_iso3", "origin_group", "origin", "weight", "note"]
    assert nat.groupby("nat_iso3").weight.sum().sub(1).abs().max() < 1e-12
    origin_nodes = set(nodes[nodes.kind.str.split(";").apply(lambda k: "origin" in k)].name)
    assert set(nat.origin) <= origin_nodes
    assert set(nat.origin) == origin_nodes  # every origin node carries some nationality
    lookup = nat.set_index("nat_iso3")
    assert lookup.loc["NGA", "origin"] == "Kano"  # same country
    assert lookup.loc["OOS", "origin"] == "Bamako"  # no country: main node (Mali, most detections)
    assert lookup.loc["IRN", "origin"] == "Baghdad"  # no node in Iran: main node
    assert sorted(nat[nat.nat_iso3 == "SYR"].origin) == ["Aleppo", "Baghdad", "Cairo", "Damascus"]  # refugees abroad


def test_shipped_tables_equal_a_fresh_build(nat, table):
    on_disk = _read("nationality_origins.csv")
    pd.testing.assert_frame_equal(on_disk, nat)
    d = _read("demand.csv")
    assert list(d.columns) == list(table.columns)
    pd.testing.assert_frame_equal(d[["month", "origin_group", "origin"]], table[["month", "origin_group", "origin"]])
    np.testing.assert_allclose(d.persons_detected.to_numpy(), table.persons_detected.to_numpy(), rtol=1e-12)


def test_bad_month_range_raises(nat):
    with pytest.raises(ValueError, match="outside"):
        demand.build_demand_table(nat, "2011-12", "2012-03")
    with pytest.raises(ValueError, match="outside"):
        demand.build_demand_table(nat, "2014-06", "2015-01")


def test_missing_origin_for_group_raises():
    nodes = pd.DataFrame({"name": ["Kabul"], "country_iso2": ["AF"], "kind": ["origin"]})
    with pytest.raises(ValueError, match="Syria"):
        demand.nationality_origins(nodes, groups=["Afghanistan", "Syria"])


def test_wrong_group_in_mapping_raises():
    bad = pd.DataFrame({"nat_iso3": ["AFG"], "origin_group": ["Syria"], "origin": ["Kabul"]})
    with pytest.raises(ValueError, match="AFG"):
        demand.build_demand_table(bad)


def test_a_completed_year_keeps_every_nationality_total_when_it_scales_a_route():
    """The Western Balkan scaling of a partial year (sim/demand/partial.py, step 2) keeps each
    nationality's total, also of one whose every row is on that route (2013: Bosnians, Cubans): the
    others' rows on the route take up the rest of the route's total."""
    from sim.demand.partial import complete_year

    full = pd.DataFrame({"year": 2013, "route": ["A", "WB", "WB", "A"], "type": "Land",
                         "nat_iso3": ["X", "X", "Y", "Z"], "detections": [30, 10, 20, 60]})
    part = pd.DataFrame({"year": [2012], "nat_iso3": ["X"], "detections": [100]})
    got = complete_year(part, 180, full, 2012, {"WB": 30.0})
    assert got.groupby("nat_iso3")["detections"].sum().to_dict() == {"X": 100, "Y": 20, "Z": 60}
    assert got.loc[got.route == "WB", "detections"].sum() == 30
    assert got.set_index(["nat_iso3", "route"])["detections"].to_dict() == {
        ("X", "A"): 90, ("X", "WB"): 10, ("Y", "WB"): 20, ("Z", "A"): 60}


# ---- the departure lead (stop 27, off by default): persons leave ahead of the month in which they are counted


def test_departure_lead_is_the_quickest_way_to_the_eu_border_plus_the_wait(tiny_scenario):
    from sim.model import ROUTE_TYPES
    from sim.network import RouteNetwork
    from sim.spawning import departure_leads

    net = RouteNetwork.from_scenario(tiny_scenario, list(ROUTE_TYPES))
    damascus, istanbul = net.index["Damascus"], net.index["Istanbul"]
    # Damascus -> Istanbul 4 days, -> Izmir or Edirne 1, the crossing 1: six days to the EU border
    assert departure_leads(net, np.array([damascus, istanbul]), 0.0).tolist() == [6, 2]
    assert departure_leads(net, np.array([damascus]), 30.4).tolist() == [36]
    with pytest.raises(ValueError, match="expected_wait_days"):
        departure_leads(net, np.array([damascus]), -1.0)


def test_daily_rates_take_the_rate_of_the_month_lead_days_later_and_repeat_the_last():
    from sim.spawning import daily_rates

    rate = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]])
    month_of_day = np.repeat([0, 1, 2], 4)  # three months of four days
    out = daily_rates(rate, month_of_day, np.array([0, 5]))
    assert out[:, 0].tolist() == [1.0] * 4 + [2.0] * 4 + [3.0] * 4  # no lead: the table's month
    assert out[:, 1].tolist() == [20.0] * 3 + [30.0] * 9  # five days ahead, then the last month repeated
    assert np.array_equal(daily_rates(rate, month_of_day), rate[month_of_day])


def test_the_model_spawns_ahead_by_the_lead_and_not_without_it(tiny_scenario):
    from sim.model import SmugglingModel

    def first_spawn_day_of_march(lead_on: bool, wait: float) -> tuple[int, int]:
        sc = tiny_scenario.with_overrides(parameters={"demand": {"departure_lead": lead_on, "expected_wait_days": wait}})
        m = SmugglingModel(sc, 3)
        march = m.months.index("2012-03")
        counted = m.demand_rate[march]  # the month counted at the border
        hits = np.flatnonzero((m.demand_rate_daily == counted).all(axis=1))
        return int(hits[0]), int(np.flatnonzero(m.month_of_day == march)[0])

    got_off, march_first = first_spawn_day_of_march(False, 30.0)
    assert got_off == march_first
    got_on, _ = first_spawn_day_of_march(True, 30.0)
    assert got_on == march_first - 36  # six days of travel and thirty of waiting


def test_a_run_that_stops_early_spawns_what_the_full_run_spawns(tiny_scenario):
    """The lead reads the demand table past the run's end, as a calibration trial's shortened run needs."""
    from sim.model import SmugglingModel

    lead_on = tiny_scenario.with_overrides(parameters={"demand": {"departure_lead": True}})
    full = SmugglingModel(lead_on, 3)
    short = SmugglingModel(lead_on.with_overrides(end="2012-02-29"), 3)  # the table goes on to March
    assert short.demand_lead_days.max() > 0
    n = short.n_days_total
    assert np.array_equal(short.demand_rate_daily, full.demand_rate_daily[:n])
    # the short run's last day already spawns March's persons, which its own calendar does not have
    march, feb = full.months.index("2012-03"), full.months.index("2012-02")
    assert not np.array_equal(full.demand_rate[march], full.demand_rate[feb])
    ahead = short.demand_lead_days >= 1
    assert np.array_equal(short.demand_rate_daily[-1, ahead], full.demand_rate[march, ahead])


def test_a_day_looks_ahead_no_further_than_the_table_s_last_month():
    from sim.spawning import daily_rates

    rate = np.array([[1.0], [2.0], [0.0], [0.0]])  # the table ends with month 1
    month_of_day = np.repeat([0, 1, 2, 3], 3)
    out = daily_rates(rate, month_of_day, np.array([4]), last_month=1)[:, 0]
    # month 0's days take month 1's rate; month 1's days stay at month 1 (not the empty month 2 ahead);
    # the days after the table keep their own (empty) months
    assert out.tolist() == [2.0] * 6 + [0.0] * 6
    assert daily_rates(rate, month_of_day, np.array([4]))[3:6, 0].tolist() == [0.0] * 3  # without the cap


def test_a_table_that_ends_before_the_run_gets_no_demand_after_it_with_or_without_the_lead(tiny_scenario):
    from sim.model import SmugglingModel

    for lead in (False, True):
        m = SmugglingModel(tiny_scenario.with_overrides(parameters={"demand": {"departure_lead": lead}}), 3)
        april = int(np.flatnonzero(m.month_of_day == m.months.index("2012-04"))[0])  # the table ends in March
        assert m.demand_rate_daily[:april].sum() > 0 and m.demand_rate_daily[april:].sum() == 0, lead
