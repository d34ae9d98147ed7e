"""Tests of sim.plots on tiny hand-made tables."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from sim import io, observed, plots, validation

NODES = pd.DataFrame(
    {
        "name": ["Izmir", "Mytilene", "Edirne", "Orestiada", "Istanbul"],
        "lat": [38.42, 39.11, 41.68, 41.50, 41.01],
        "lon": [27.14, 26.55, 26.56, 26.53, 28.98],
        "kind": ["hub;departure", "arrival", "departure", "arrival", "hub"],
    }
)
SEGMENTS = pd.DataFrame(
    {
        "source": ["Istanbul", "Istanbul", "Izmir", "Edirne", "Istanbul"],
        "target": ["Izmir", "Edirne", "Mytilene", "Orestiada", "Nowhere"],
        "frontex_route": [None, None, "Eastern Mediterranean", "Eastern Mediterranean", None],
        "frontex_type": [None, None, "Sea", "Land", None],
    }
)
CROSSINGS = pd.DataFrame(
    {
        "replicate": [0, 1, 0, 1, 0],
        "month": ["2014-01"] * 5,
        "edge": [
            "Izmir->Mytilene",
            "Izmir->Mytilene",
            "Istanbul->Izmir",
            "Istanbul->Izmir",
            "Edirne->Orestiada",
        ],
        "attempts": [500, 700, 100, 100, 400],
        "prevented": [100, 100, 0, 0, 400],
    }
)


def test_route_map_one_line_per_located_segment_on_coordinates():
    fig = plots.route_map(NODES, SEGMENTS, CROSSINGS)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(ax.lines) == 4  # Istanbul->Nowhere has no coordinates
    by_end = {(tuple(line.get_xdata()), tuple(line.get_ydata())): line for line in ax.lines}
    aegean = by_end[((27.14, 26.55), (38.42, 39.11))]  # (lon, lat) of Izmir and Mytilene
    assert aegean.get_linewidth() == pytest.approx(6.0)  # largest flow: (400 + 600) / 2
    evros = by_end[((26.56, 26.53), (41.68, 41.50))]
    assert evros.get_linewidth() == pytest.approx(0.4)  # all prevented: no flow
    feeder = by_end[((28.98, 27.14), (41.01, 38.42))]
    assert feeder.get_linewidth() == pytest.approx(0.4 + 5.6 * np.sqrt(100 / 500))
    colour = plots.ROUTE_COLOURS["Eastern Mediterranean"]
    assert to_hex(aegean.get_color()) == colour and to_hex(evros.get_color()) == colour
    assert to_hex(feeder.get_color()) != colour
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Eastern Mediterranean"]


def test_route_map_accepts_row_models_and_no_crossings():
    nodes = [SimpleNamespace(**r) for r in NODES.to_dict("records")]
    segments = [dict(r) for r in SEGMENTS.to_dict("records")]
    ax = plots.route_map(nodes, segments).axes[0]
    assert len(ax.lines) == 4
    assert {line.get_linewidth() for line in ax.lines} == {0.4}


def synthetic_monthly(n_reps=3, seed=0):
    rng = np.random.default_rng(seed)
    months = [str(m) for m in pd.period_range("2012-01", "2014-12", freq="M")]
    rows = [
        (rep, r, t, "Syria", m, int(rng.integers(0, 1000)))
        for rep in range(n_reps)
        for r, t in observed.ROUTE_TYPES
        for m in months
    ]
    return pd.DataFrame(
        rows, columns=["replicate", "route", "type", "origin_group", "month", "detections"]
    )


def test_detections_by_route_bar_two_bars_per_pair():
    table = validation.detections_by_route(synthetic_monthly())
    fig = plots.detections_by_route_bar(table)
    ax = fig.axes[0]
    assert len(ax.patches) == 20
    assert len(ax.get_yticklabels()) == 10
    assert ax.get_xscale() == "log"
    heights = sorted(p.get_width() for p in ax.patches)
    assert heights[-1] == 170664  # observed Central Mediterranean
    assert "283,532" in ax.get_title()


def test_monthly_series_ten_panels_two_lines_each():
    sim = synthetic_monthly()
    fig = plots.monthly_series(sim)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 10
    assert [len(ax.lines) for ax in visible] == [2] * 10
    cm = visible[0]
    assert cm.get_title() == "Central Mediterranean (Sea)"
    observed_line, simulated_line = cm.lines
    assert len(observed_line.get_ydata()) == 36
    obs = observed.monthly()
    expected = obs[
        (obs["route"] == "Central Mediterranean") & (obs["year"].between(2012, 2014))
    ].sort_values(["year", "month"])["detections"]
    assert np.array_equal(observed_line.get_ydata(), expected.to_numpy(dtype=float))
    sim_cm = sim[sim["route"] == "Central Mediterranean"]
    mean = sim_cm.groupby("month")["detections"].mean().sort_index().to_numpy()
    assert np.allclose(simulated_line.get_ydata(), mean)


def test_monthly_series_missing_months_are_zero():
    sim = pd.DataFrame(
        {"replicate": [0], "route": ["Black Sea"], "type": ["Sea"], "month": ["2013-06"],
         "detections": [42]}
    )  # fmt: skip
    fig = plots.monthly_series(sim)
    bs = [ax for ax in fig.axes if ax.get_title() == "Black Sea (Sea)"][0]
    y = bs.lines[1].get_ydata()
    assert y.sum() == 42 and y[17] == 42  # 2013-06 is the 18th month from 2012-01


def test_figures_saved_through_io_are_pngs(tmp_path):
    figures = {
        "route_map": plots.route_map(NODES, SEGMENTS, CROSSINGS),
        "monthly_series": plots.monthly_series(synthetic_monthly(1)),
    }
    paths = io.write_figures(figures, tmp_path / "figures")
    assert [p.name for p in paths] == ["route_map.png", "monthly_series.png"]
    for path in paths:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert path.stat().st_size > 10_000


def test_enforcement_surges_one_line_per_adaptive_agency():
    rows = [
        {"replicate": r, "month": f"2013-{m:02d}", "agency": a, "target": t, "policy": p, "surge": s}
        for r in (0, 1)
        for m in range(1, 13)
        for a, t, p, s in [("Bulgarian border police", "Edirne->Svilengrad", "adaptive", m / 12 * (1 + r) / 2),
                           ("Greek border police", "Edirne->Orestiada", "timeline", 0.0)]
    ]
    fig = plots.enforcement_surges(pd.DataFrame(rows))
    ax = fig.axes[0]
    assert len(ax.lines) == 1  # the timeline agency is not drawn
    y = ax.lines[0].get_ydata()
    assert y[-1] == pytest.approx((1.0 + 2.0) / 2 / 2)  # mean of the two replicates in December
    assert "Bulgarian border police (Edirne->Svilengrad)" in ax.get_legend().get_texts()[0].get_text()
    empty = plots.enforcement_surges(pd.DataFrame(rows[1::2]))
    assert "no adaptive agency" in empty.axes[0].texts[0].get_text()
