"""Tests of sim.validation on tiny synthetic tables with hand-computed answers."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim import observed, validation

CM = ("Central Mediterranean", "Sea")
BS = ("Black Sea", "Sea")
EB = ("Eastern Borders", "Land")


def detections(rows):
    """rows: (replicate, (route, type), month, detections[, origin_group])."""
    records = []
    for row in rows:
        replicate, (route, type_), month, n = row[:4]
        group = row[4] if len(row) > 4 else "Syria"
        records.append(
            {
                "replicate": replicate,
                "seed": 1000 + replicate,
                "route": route,
                "type": type_,
                "origin_group": group,
                "month": month,
                "detections": n,
            }
        )
    return pd.DataFrame.from_records(records)


@pytest.fixture
def tiny():
    return detections(
        [
            (0, CM, "2014-01", 80),
            (0, CM, "2014-06", 10),
            (1, CM, "2014-03", 110),
            (2, CM, "2014-12", 130),
            (0, BS, "2014-02", 40),
            (2, BS, "2014-02", 60),
            (1, BS, "2013-05", 5000),  # another year: ignored
            (1, ("Other", "Sea"), "2014-05", 777),  # not a route/type pair: ignored
        ]
    )


TINY_OBSERVED = pd.DataFrame(
    {"route": [CM[0], BS[0], CM[0]], "type": ["Sea", "Sea", "Sea"], "year": [2014, 2014, 2013],
     "detections": [100, 50, 9999]}
)  # fmt: skip


def row(table, pair):
    route, type_ = pair
    return table[(table["route"] == route) & (table["type"] == type_)].iloc[0]


def test_detections_by_route_hand_computed(tiny):
    table = validation.detections_by_route(tiny, observed_annual=TINY_OBSERVED, published_total=200)
    assert list(table.columns) == [
        "route",
        "type",
        "observed_2014",
        "simulated_mean",
        "simulated_p05",
        "simulated_p95",
        "relative_error",
    ]
    assert list(zip(table["route"], table["type"], strict=True))[:10] == list(observed.ROUTE_TYPES)
    cm = row(table, CM)  # replicates 90, 110, 130
    assert cm["observed_2014"] == 100
    assert cm["simulated_mean"] == pytest.approx(110)
    assert cm["simulated_p05"] == pytest.approx(92)  # 90 + 0.1 * 20
    assert cm["simulated_p95"] == pytest.approx(128)  # 110 + 0.9 * 20
    assert cm["relative_error"] == pytest.approx(0.1)
    bs = row(table, BS)  # replicates 40, 0 (no row), 60
    assert bs["simulated_mean"] == pytest.approx(100 / 3)
    assert bs["relative_error"] == pytest.approx(-1 / 3)
    eb = row(table, EB)  # no observed figure given, no simulated row
    assert math.isnan(eb["observed_2014"]) and math.isnan(eb["relative_error"])
    assert eb["simulated_mean"] == 0


def test_detections_by_route_total_row(tiny):
    table = validation.detections_by_route(tiny, observed_annual=TINY_OBSERVED, published_total=200)
    assert len(table) == 11
    total = table.iloc[-1]
    assert (total["route"], total["type"]) == ("Total", "")
    assert total["observed_2014"] == 200
    # per-replicate totals over pairs: 130, 110, 190
    assert total["simulated_mean"] == pytest.approx(430 / 3)
    assert total["simulated_p05"] == pytest.approx(112)
    assert total["simulated_p95"] == pytest.approx(184)
    assert total["relative_error"] == pytest.approx((430 / 3 - 200) / 200)
    assert total["simulated_mean"] == pytest.approx(table["simulated_mean"].iloc[:10].sum())


def test_detections_by_route_explicit_replicates_count_missing_as_zero(tiny):
    table = validation.detections_by_route(
        tiny, observed_annual=TINY_OBSERVED, published_total=200, replicates=[0, 1, 2, 3]
    )
    assert row(table, CM)["simulated_mean"] == pytest.approx(330 / 4)


def test_detections_by_route_single_table_without_replicate_column():
    single = pd.DataFrame(
        {"route": [CM[0]] * 2, "type": "Sea", "month": ["2014-01", "2014-02"], "detections": [3, 4]}
    )
    table = validation.detections_by_route(
        single, observed_annual=TINY_OBSERVED, published_total=200
    )
    cm = row(table, CM)
    assert cm["simulated_mean"] == cm["simulated_p05"] == cm["simulated_p95"] == 7


def test_detections_by_route_uses_published_figures(tiny):
    table = validation.detections_by_route(tiny)
    assert row(table, CM)["observed_2014"] == 170664
    assert row(table, ("Western African", "Sea"))["observed_2014"] == 276
    assert table.iloc[-1]["observed_2014"] == 283532
    # the published total includes 10 'Other' detections: 10 more than the ten pairs
    assert table.iloc[-1]["observed_2014"] - table["observed_2014"].iloc[:10].sum() == 10


def test_deaths_by_route_hand_computed():
    deaths = pd.DataFrame(
        {
            "replicate": [0, 0, 1, 0, 1],
            "seed": [1, 1, 2, 1, 2],
            "route": [CM[0], CM[0], CM[0], "Eastern Mediterranean", "Central Mediterranean"],
            "month": ["2014-01", "2014-07", "2014-02", "2014-03", "2012-01"],
            "deaths": [6, 2, 12, 3, 1000],
        }
    )
    table = validation.deaths_by_route(deaths, observed_deaths={CM[0]: 10, "Western African": 4})
    assert list(table.columns) == [
        "route",
        "observed_2014",
        "simulated_mean",
        "simulated_p05",
        "simulated_p95",
    ]
    assert table["route"].tolist() == [
        "Central Mediterranean",
        "Eastern Mediterranean",
        "Western Mediterranean",
        "Western African",
        "Black Sea",
        "Total",
    ]
    cm = table.iloc[0]
    assert cm["observed_2014"] == 10
    assert cm["simulated_mean"] == pytest.approx(10)  # (8 + 12) / 2
    assert cm["simulated_p05"] == pytest.approx(8.2)
    assert cm["simulated_p95"] == pytest.approx(11.8)
    em = table.iloc[1]
    assert math.isnan(em["observed_2014"])
    assert em["simulated_mean"] == pytest.approx(1.5)
    # Total: the routes with an observed figure (CM, Western African), each replicate's sum
    total = table.iloc[-1]
    assert total["observed_2014"] == 14
    assert (total["simulated_mean"], total["simulated_p05"], total["simulated_p95"]) == pytest.approx(
        (10, 8.2, 11.8))
    # without an observed figure there is nothing to total
    assert "Total" not in validation.deaths_by_route(deaths, observed_deaths={})["route"].tolist()


def test_deaths_by_route_iom_observed_blank_where_none():
    deaths = pd.DataFrame(
        {"replicate": [0, 0, 0], "route": [BS[0], "Western Balkan", "Eastern Borders"],
         "month": ["2014-05", "2014-05", "2014-06"], "deaths": [2, 0, 1]}
    )  # fmt: skip
    table = validation.deaths_by_route(deaths).set_index("route")
    assert "Western Balkan" not in table.index  # a land route without deaths: no row
    assert table.loc["Eastern Borders", "simulated_mean"] == 1
    assert math.isnan(table.loc["Eastern Borders", "observed_2014"])
    assert table.loc["Central Mediterranean", "observed_2014"] == 3126
    assert table.loc["Eastern Mediterranean", "observed_2014"] == 104
    assert table.loc["Western Mediterranean", "observed_2014"] == 59
    assert math.isnan(table.loc["Black Sea", "observed_2014"])
    assert table.loc["Black Sea", "simulated_mean"] == 2
    # the land route with deaths sits in Frontex's order, as routesim compare lists it (newcomer finding)
    assert table.index.tolist() == ["Central Mediterranean", "Eastern Mediterranean", "Western Mediterranean",
                                    "Eastern Borders", "Western African", "Black Sea", "Total"]


def monthly_obs(values):
    """values: {(route, type): list of 12 monthly detections}, year 2014."""
    return pd.DataFrame(
        [
            {"year": 2014, "month": m + 1, "route": r, "type": t, "detections": v[m]}
            for (r, t), v in values.items()
            for m in range(12)
        ]
    )


def test_averaged_relative_difference_hand_computed():
    obs = monthly_obs({CM: [100] * 12, BS: [100] * 12})  # 200 observed each month
    rows = []
    for rep in (0, 1):
        for m in range(1, 13):
            cm = 300 if (rep == 1 and m == 3) else 100
            rows.append((rep, CM, f"2014-{m:02d}", cm))
            if m != 12:  # month 12 missing on Black Sea in both replicates: counts 0
                rows.append((rep, BS, f"2014-{m:02d}", 100))
    rows.append((0, EB, "2014-05", 100))  # replicate mean 50 where nothing is observed
    rows.append((0, CM, "2013-03", 10**6))  # another year: ignored
    ard = validation.averaged_relative_difference(detections(rows), observed_monthly=obs)
    # month 3: |200-100|/200; month 5: |50-0|/200; month 12: |0-100|/200; others 0
    assert ard == pytest.approx((0.5 + 0.25 + 0.5) / 12)


def test_averaged_relative_difference_on_the_revised_series():
    obs = observed.monthly()
    obs = obs[obs["year"] == 2014]
    perfect = pd.DataFrame(
        {
            "replicate": 0,
            "route": obs["route"].to_numpy(),
            "type": obs["type"].to_numpy(),
            "origin_group": "Syria",
            "month": [f"2014-{m:02d}" for m in obs["month"]],
            "detections": obs["detections"].to_numpy(),
        }
    )
    assert validation.averaged_relative_difference(perfect) == pytest.approx(0)
    doubled = perfect.assign(detections=2 * perfect["detections"])
    assert validation.averaged_relative_difference(doubled) == pytest.approx(1)
    # two replicates, one perfect and one empty: the mean is half the observed
    assert validation.averaged_relative_difference(perfect, replicates=[0, 1]) == pytest.approx(0.5)


def test_averaged_relative_difference_rejects_empty_observed_month():
    obs = monthly_obs({CM: [0] + [100] * 11})
    sim = detections([(0, CM, "2014-02", 100)])
    with pytest.raises(ValueError, match="2014-01"):
        validation.averaged_relative_difference(sim, observed_monthly=obs)


def test_syrian_split_observed_and_simulated():
    sim = detections(
        [
            (0, CM, "2014-04", 600, "Syria"),
            (1, CM, "2014-04", 400, "Syria"),
            (0, ("Eastern Mediterranean", "Sea"), "2014-08", 300, "Syria"),
            (1, ("Eastern Mediterranean", "Sea"), "2014-08", 500, "Syria"),
            (0, ("Eastern Mediterranean", "Land"), "2014-08", 200, "Syria"),
            (0, CM, "2014-04", 9999, "Eritrea"),  # another group: ignored
        ]
    )
    split = validation.syrian_split(sim)
    assert list(split) == [
        "Central Mediterranean/Sea",
        "Eastern Mediterranean/Sea",
        "Eastern Mediterranean/Land",
    ]
    assert [v["observed"] for v in split.values()] == [39651, 27025, 4648]
    assert [v["simulated_mean"] for v in split.values()] == [500, 400, 100]
    assert split["Eastern Mediterranean/Land"]["simulated_p95"] == pytest.approx(190)
    assert [v["simulated_share"] for v in split.values()] == pytest.approx([0.5, 0.4, 0.1])
    assert sum(v["observed_share"] for v in split.values()) == pytest.approx(1)


def test_syrian_split_observed_matches_the_shipped_nationality_table():
    path = (
        Path(sim.__file__).parent  # the shipped tables: sim/data/
        / "data"
        / "frontex_ibc_annual_by_route_nationality_2013_2014.csv"
    )
    raw = pd.read_csv(path)
    syr = raw[(raw["nat_iso3"] == "SYR") & (raw["year"] == 2014)].set_index(["route", "type"])
    split = validation.syrian_split(detections([(0, CM, "2014-01", 1)]))
    for label, values in split.items():
        route, type_ = label.split("/")
        assert values["observed"] == syr.loc[(route, type_), "detections"]


def test_route_share_summary_shares_sum_to_one(tiny):
    table = validation.detections_by_route(tiny)
    shares = validation.route_share_summary(table)
    assert len(shares) == 10
    assert shares["observed_share"].sum() == pytest.approx(1)
    assert shares["simulated_share"].sum() == pytest.approx(1)
    assert np.allclose(
        shares["share_difference"], shares["simulated_share"] - shares["observed_share"]
    )


def test_functions_accept_the_mapping_of_ensemble_tables(tiny):
    deaths = pd.DataFrame({"replicate": [0], "route": [CM[0]], "month": ["2014-01"], "deaths": [4]})
    tables = {"detections_monthly": tiny, "deaths_monthly": deaths}
    pd.testing.assert_frame_equal(
        validation.detections_by_route(tables), validation.detections_by_route(tiny)
    )
    assert validation.deaths_by_route(tables)["simulated_mean"].iloc[0] == 4
    assert validation.averaged_relative_difference(tables) == pytest.approx(
        validation.averaged_relative_difference(tiny)
    )
    assert validation.syrian_split(tables) == validation.syrian_split(tiny)
