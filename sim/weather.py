"""Sea weather: fewer boat departures in the Mediterranean winter.

Smugglers' boats leave when the sea allows. Mediterranean sea states are stormy in winter and calm in
summer (Barbariol, F. et al. 2021, "Wind Waves in the Mediterranean Sea: An ERA5 Reanalysis Wind-Based
Climatology", *Frontiers in Marine Science* 8: 760614, doi:10.3389/fmars.2021.760614, whose seasons are
defined from the satellite altimetry of stormy (winter) and calm (summer) months), and Frontex has put
falls of sea detections down to bad weather (press releases of 13 February 2017 on January 2017's Central
Mediterranean, and of March 2018 on February 2018's four routes). The model has one global rule: an
enterprise's expected departures on a sea segment are multiplied, each day, by

    f(d) = 1 - A * (1 + cos(2 pi (d - d_worst) / 365.25)) / 2,

with ``A = enterprises.sea_weather_amplitude`` (0: no weather, the reference) and ``d_worst =
enterprises.sea_weather_worst_day`` (day of the year with the fewest departures; 15, mid-January, the middle of the stormy
season, is a modelling choice).
No per-route or per-month figure enters: the amplitude is a global prior, the phase comes from the
wave climatology. Land and air segments, and self-travel, are not affected.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from sim.labels import MODES

_SEA = MODES.index("sea")


def sea_departure_factor(date: dt.date, amplitude: float, worst_day: int) -> float:
    """Multiplier of expected sea departures on ``date``, in ``[1 - amplitude, 1]``.

    Parameters
    ----------
    date : datetime.date
    amplitude : float
        ``enterprises.sea_weather_amplitude``, in [0, 1]: the share of departures lost on the worst day.
    worst_day : int
        ``enterprises.sea_weather_worst_day``, day of the year (1-366) with the fewest departures.

    Returns
    -------
    float
        1 on the calmest day (half a year from ``worst_day``), ``1 - amplitude`` on ``worst_day``.
    """
    if amplitude == 0.0:
        return 1.0
    doy = date.timetuple().tm_yday
    storminess = 0.5 * (1.0 + math.cos(2.0 * math.pi * (doy - worst_day) / 365.25))
    return 1.0 - amplitude * storminess


def departure_factors(mode: np.ndarray, date: dt.date, amplitude: float, worst_day: int) -> np.ndarray | None:
    """Per-edge multiplier of expected departures today, shape (E,) float; None when there is no weather.

    Parameters
    ----------
    mode : ndarray of int, shape (E,)
        Edge modes, index into :data:`sim.labels.MODES` (:attr:`sim.network.RouteNetwork.mode`).
    date, amplitude, worst_day
        As :func:`sea_departure_factor`.

    Returns
    -------
    ndarray of float, shape (E,), or None
        :func:`sea_departure_factor` on sea edges, 1 elsewhere; None when ``amplitude`` is 0 (no draw
        changes, so a run without weather is the run it was before the submodel).
    """
    if amplitude == 0.0:
        return None
    return np.where(mode == _SEA, sea_departure_factor(date, amplitude, worst_day), 1.0)
