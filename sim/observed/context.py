"""The shipped context tables: smuggling fees (with euro conversions), places, enforcement events,
and the observed facts of enforcement shocks."""

from __future__ import annotations

import pandas as pd

from sim.observed.formats import read_shipped

#: US dollars per euro, annual averages (ECB reference rates). 2013-2015 as given in the
#: project's data README; 2016 (1.1069, ECB annual average) added here for the 2016 fee rows.
USD_PER_EUR: dict[int, float] = {2013: 1.3281, 2014: 1.3285, 2015: 1.1095, 2016: 1.1069}


#: Observed facts of enforcement shocks, the comparators of the route-shift experiment (named in a
#: scenario's ``experiments: route_shift: observed_shock:``). Source: the project's data README,
#: "Facts for checking, not inputs" (Evros 2012: monthly crossings after Operation Aspida; the share
#: of lost Evros crossings that reappeared on the Aegean sea six months after the shock).
SHOCK_FACTS: dict[str, dict[str, object]] = {
    "evros_2012": {
        "evros_fall": "over 80 % (Evros crossings about 6,500 in July 2012, 1,800 in August, 71 in "
                      "September, 26 in October; data README)",
        "displaced_share_6m": 0.15,
        # Evros about 6,500 of Eastern Med land's 7,055 detections in July 2012 (data README; revised
        # monthly series): the Evros carried about nine tenths of the land route before the shock
        "shocked_share_before": 0.92,
        "note": "observed changes have no counterfactual; the displaced share (about 15 % of the lost "
                "Evros crossings reappeared on the Aegean sea after six months) is from the data README",
    },
}


def smuggling_fees() -> pd.DataFrame:
    """Smuggling fee ranges per person by segment, with euro conversions.

    Returns
    -------
    pandas.DataFrame
        The columns of ``smuggling_fees.csv`` (``segment, price_low, price_high, currency,
        year, source_quality``) plus ``low_eur`` and ``high_eur`` (EUR per person). USD
        amounts are divided by :data:`USD_PER_EUR` of the row's year (1.3281 for 2013,
        1.3285 for 2014, 1.1095 for 2015 as in the data README; 1.1069, the ECB 2016 annual
        average, for 2016, which the data README does not give).

    Raises
    ------
    ValueError
        If a row has a currency other than EUR or USD, or a USD row a year without a rate.

    Notes
    -----
    Sources per row (``source_quality``): mostly press; Altai Consulting for UNHCR (2013);
    IOM (Mersin cargo ships, 2014); Europol-INTERPOL (2016). Ranges, not points.

    Examples
    --------
    >>> f = smuggling_fees().set_index("segment")
    >>> round(float(f.loc["Libya to Italy (sea)", "low_eur"]), 1)
    752.7
    """
    df = read_shipped("smuggling_fees.csv")
    low, high = [], []
    for row in df.itertuples(index=False):
        if row.currency == "EUR":
            rate = 1.0
        elif row.currency == "USD":
            if int(row.year) not in USD_PER_EUR:
                raise ValueError(f"smuggling_fees: no USD rate for {row.year} ({row.segment})")
            rate = USD_PER_EUR[int(row.year)]
        else:
            raise ValueError(f"smuggling_fees: unknown currency {row.currency!r} ({row.segment})")
        low.append(float(row.price_low) / rate)
        high.append(float(row.price_high) / rate)
    return df.assign(low_eur=low, high_eur=high)


def places() -> pd.DataFrame:
    """Gazetteer of places the route graph is built from.

    Returns
    -------
    pandas.DataFrame
        Columns ``name, country_iso2, lat, lon, kind, note``: 109 places; degrees WGS84
        (about +/-0.05 deg); ``kind`` one or more of origin, hub, transit, departure,
        arrival, exit, destination joined by ``;``.

    Examples
    --------
    >>> p = places()
    >>> len(p), p.set_index("name").loc["Agadez", "kind"]
    (109, 'hub')
    """
    return read_shipped("places.csv")


def enforcement_events() -> pd.DataFrame:
    """Enforcement and policy events 2012-2015.

    Returns
    -------
    pandas.DataFrame
        Columns ``start, full_effect, end, kind, target_type, target, description,
        source_quality``. Dates are ISO strings (``end`` empty, i.e. NaN, when the effect
        stays); ``target`` is ``A->B`` (edge), a place name (node) or ``Route/Type`` (route).

    Notes
    -----
    Sources: press, Frontex, legal texts (column ``source_quality``).

    Examples
    --------
    >>> e = enforcement_events()
    >>> e.loc[0, "target"]
    'Edirne->Orestiada'
    """
    return read_shipped("enforcement_events.csv", dtype={"start": str, "full_effect": str, "end": str})
