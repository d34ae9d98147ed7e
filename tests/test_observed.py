"""Tests of the shipped observed tables (sim.observed): hand-checkable figures from the sources."""

import pytest

from sim import observed


def test_route_types_are_the_ten_canonical_pairs_in_c1_order():
    assert len(observed.ROUTE_TYPES) == 10
    assert len(set(observed.ROUTE_TYPES)) == 10
    assert observed.ROUTE_TYPES[:4] == (
        ("Central Mediterranean", "Sea"),
        ("Eastern Mediterranean", "Sea"),
        ("Eastern Mediterranean", "Land"),
        ("Western Balkan", "Land"),
    )
    assert observed.ROUTE_TYPES[-1] == ("Black Sea", "Sea")
    assert set(observed.ROUTES) == {r for r, _ in observed.ROUTE_TYPES}
    assert len(observed.ROUTES) == 8


def test_routes_annual_matches_design_c1_and_drops_other():
    df = observed.routes_annual()
    assert list(df.columns) == ["route", "type", "year", "detections"]
    assert "Other" not in set(df.route)
    assert len(df) == 20
    d14 = df[df.year == 2014].set_index(["route", "type"])["detections"]
    # DESIGN.md C1 (Frontex ARA 2015)
    expected = {
        ("Central Mediterranean", "Sea"): 170664,
        ("Eastern Mediterranean", "Sea"): 44057,
        ("Eastern Mediterranean", "Land"): 6777,
        ("Western Balkan", "Land"): 43357,
        ("Western Mediterranean", "Sea"): 4754,
        ("Western Mediterranean", "Land"): 3088,
        ("Circular route from Albania to Greece", "Land"): 8841,
        ("Eastern Borders", "Land"): 1275,
        ("Western African", "Sea"): 276,
        ("Black Sea", "Sea"): 433,
    }
    assert d14.to_dict() == expected
    # rows follow ROUTE_TYPES order
    pairs = list(zip(df[df.year == 2014].route, df[df.year == 2014].type, strict=True))
    assert pairs == list(observed.ROUTE_TYPES)
    d13 = df[df.year == 2013].set_index(["route", "type"])["detections"]
    assert d13[("Central Mediterranean", "Sea")] == 45298
    assert d13[("Eastern Mediterranean", "Land")] == 12968


def test_published_total_keeps_other():
    assert observed.published_total(2014) == 283532
    routes14 = observed.routes_annual().query("year == 2014").detections.sum()
    assert observed.published_total(2014) - routes14 == 10  # the Other row
    assert observed.published_total(2013) == 107339
    with pytest.raises(ValueError, match="2012"):
        observed.published_total(2012)


def test_monthly_series_totals():
    m = observed.monthly()
    assert list(m.columns) == ["year", "month", "route", "type", "detections"]
    totals = m.groupby("year").detections.sum()
    assert totals[2014] == 282873  # revised series
    assert totals[2013] == 107339
    assert totals[2012] == 72382
    assert set(m.month) == set(range(1, 13))
    evros = m[(m.route == "Eastern Mediterranean") & (m.type == "Land")]
    assert evros[evros.year == 2012].detections.sum() == 32854  # data README fact


def test_nationality_table_consistent_with_monthly_and_groups():
    n = observed.nationality_annual()
    assert list(n.columns) == ["year", "route", "type", "nat_iso3", "detections"]
    m = observed.monthly()
    for year in (2013, 2014):
        assert n[n.year == year].detections.sum() == m[m.year == year].detections.sum()
    g = observed.nationality_groups()
    assert list(g.columns) == ["nat_iso3", "origin_group"]
    assert g.nat_iso3.is_unique
    assert set(n.nat_iso3) <= set(g.nat_iso3)
    assert g.origin_group.nunique() == 15
    assert g.set_index("nat_iso3").loc["OOS", "origin_group"] == "West and Central Africa"
    syr = n[(n.nat_iso3 == "SYR") & (n.year == 2014)].set_index(["route", "type"])["detections"]
    # DESIGN.md V5
    assert syr[("Central Mediterranean", "Sea")] == 39651
    assert syr[("Eastern Mediterranean", "Sea")] == 27025
    assert syr[("Eastern Mediterranean", "Land")] == 4648


def test_deaths_2014_by_route_and_rename():
    d = observed.deaths_monthly_2014()
    assert list(d.columns) == ["year", "month", "route", "dead_missing", "incidents", "survivors"]
    assert "Western African Atlantic" not in set(d.route)
    assert "Western African" in set(d.route)
    by_route = observed.deaths_2014_by_route()
    # DESIGN.md C3
    assert by_route["Central Mediterranean"] == 3126
    assert by_route["Eastern Mediterranean"] == 104
    assert by_route["Western Mediterranean"] == 59
    assert "Black Sea" not in by_route
    assert set(by_route) <= set(observed.ROUTES)


def test_smuggling_fees_converted_at_readme_rates():
    f = observed.smuggling_fees().set_index("segment")
    libya = f.loc["Libya to Italy (sea)"]  # USD 1000-4000, 2014
    assert libya.low_eur == pytest.approx(1000 / 1.3285)
    assert libya.high_eur == pytest.approx(4000 / 1.3285)
    horn = f.loc["Horn of Africa to Libya via Khartoum"]  # USD, 2013
    assert horn.high_eur == pytest.approx(6000 / 1.3281)
    agadez = f.loc["Agadez to Sabha"]  # USD, 2015
    assert agadez.low_eur == pytest.approx(250 / 1.1095)
    aegean = f.loc["Turkey to Greek islands (Aegean)"]  # EUR: unchanged
    assert (aegean.low_eur, aegean.high_eur) == (1000, 1500)
    assert (f.low_eur <= f.high_eur).all()


def test_places_and_events():
    p = observed.places()
    assert list(p.columns) == ["name", "country_iso2", "lat", "lon", "kind", "note"]
    assert len(p) == 109 and p.name.is_unique
    assert p.lat.between(-90, 90).all() and p.lon.between(-180, 180).all()
    e = observed.enforcement_events()
    assert list(e.columns) == [
        "start", "full_effect", "end", "kind", "target_type", "target", "description",
        "source_quality",
    ]
    assert (e.start <= e.full_effect).all()
    aspida = e.iloc[0]
    assert (aspida.start, aspida.kind, aspida.target) == ("2012-08-02", "patrol_surge", "Edirne->Orestiada")
