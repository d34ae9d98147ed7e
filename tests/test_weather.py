"""Sea weather (sim.weather): fewer sea departures in winter, none of it on land or in the air."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from test_mechanisms_wired import with_groups

from sim import market, weather
from sim.labels import MODES
from sim.model import SmugglingModel


def test_no_weather_is_one_every_day_and_no_factors():
    assert all(weather.sea_departure_factor(dt.date(2014, m, 1), 0.0, 15) == 1.0 for m in range(1, 13))
    assert weather.departure_factors(np.array([0, 1, 2]), dt.date(2014, 1, 15), 0.0, 15) is None


@pytest.mark.parametrize("amplitude", [0.3, 0.8])
def test_worst_day_loses_the_amplitude_and_half_a_year_later_nothing(amplitude):
    assert weather.sea_departure_factor(dt.date(2014, 1, 15), amplitude, 15) == pytest.approx(1.0 - amplitude)
    calm = weather.sea_departure_factor(dt.date(2014, 7, 16), amplitude, 15)  # day 197, 182 days on
    assert calm == pytest.approx(1.0, abs=1e-3)
    days = [dt.date(2014, 1, 15) + dt.timedelta(days=k) for k in range(0, 183, 10)]
    f = [weather.sea_departure_factor(d, amplitude, 15) for d in days]
    assert all(b > a for a, b in zip(f, f[1:], strict=False))  # rising from the worst day to the calmest


def test_only_sea_edges_are_scaled():
    mode = np.array([MODES.index("land"), MODES.index("sea"), MODES.index("air"), MODES.index("sea")])
    f = weather.departure_factors(mode, dt.date(2014, 1, 15), 0.5, 15)
    assert f.tolist() == pytest.approx([1.0, 0.5, 1.0, 0.5])


def _sea_capacity(tiny_scenario, amplitude: float, date: dt.date, days: int = 200) -> tuple[int, int]:
    """Seats (agents) offered on sea and on other smuggled segments over ``days`` draws of today's offers."""
    sc = with_groups(tiny_scenario, enterprises={"sea_weather_amplitude": amplitude, "departures_per_week": 14.0})
    model = SmugglingModel(sc, seed=5)
    net, ep = model.net, sc.parameters.enterprises
    f = weather.departure_factors(net.mode, date, ep.sea_weather_amplitude, ep.sea_weather_worst_day)
    sea = land = 0
    for _ in range(days):
        offers = market.build_offers(net, model.enterprises.at, 0.5, (ep.seats_land, ep.seats_sea, ep.seats_air), 1,
                                     model.rng, day=0, departure_factor=f)
        sold = offers.enterprise >= 0
        on_sea = net.mode[offers.edge] == MODES.index("sea")
        sea += int(offers.capacity[sold & on_sea].sum())
        land += int(offers.capacity[sold & ~on_sea].sum())
    return sea, land


def test_winter_weather_cuts_sea_seats_and_leaves_land_seats(tiny_scenario):
    """With a strong amplitude the seats offered on sea segments in mid-January fall to about 1 - A of the
    calm season's, while land seats do not move (up to the draws)."""
    sea_jan, land_jan = _sea_capacity(tiny_scenario, 0.8, dt.date(2014, 1, 15))
    sea_jul, land_jul = _sea_capacity(tiny_scenario, 0.8, dt.date(2014, 7, 16))
    assert sea_jul > 0, "the tiny scenario needs an enterprise on a sea segment"
    assert sea_jan / sea_jul == pytest.approx(0.2, abs=0.08)
    assert land_jan / land_jul == pytest.approx(1.0, abs=0.15)
