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
    assert legend[0] == "Eastern Mediterranean" and " ".join(legend[1].split()).startswith("EU entry: circle at the arrival")
    assert len(legend) == 2


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
    fig = plots.monthly_series(sim, years=(2012, 2014))
    bs = [ax for ax in fig.axes if ax.get_title() == "Black Sea (Sea)"][0]
    y = bs.lines[1].get_ydata()
    assert y.sum() == 42 and y[17] == 42  # 2013-06 is the 18th month from 2012-01


def test_monthly_series_shows_the_years_the_run_covers():
    """A run of 2014 alone is drawn over 2014, not as zeros over 2012-2013 (its title says 2014-2014)."""
    sim = pd.DataFrame({"replicate": 0, "route": "Black Sea", "type": "Sea",
                        "month": [f"2014-{m:02d}" for m in range(1, 13)], "detections": 5.0})
    fig = plots.monthly_series(sim)
    bs = [ax for ax in fig.axes if ax.get_title() == "Black Sea (Sea)"][0]
    assert len(bs.lines[1].get_ydata()) == 12 and "2014-2014" in fig._suptitle.get_text()


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


# --- report-ready figures (issue 11, item 6) ---------------------------------------------------

from pathlib import Path  # noqa: E402

from matplotlib.text import Annotation, Text  # noqa: E402

from sim.plots import coastlines, labels  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
INFO = {"scenario": "small", "run_id": "20260101T000000Z-s7", "root_seed": 7,
        "replicate_seeds": [11, 12, 13], "replicates": 3, "persons_per_agent": 20,
        "code_version": "routesim 0.1.0, git 0123456789"}


def text_boxes(ax):
    """The boxes of an axes' annotations' texts (leader lines left out), display coordinates."""
    renderer = ax.figure.canvas.get_renderer()
    out = []
    for a in ax.texts:
        if isinstance(a, Annotation):
            a.update_positions(renderer)  # then Text's extent is the text's box where it is drawn
            out.append((a.get_text(), Text.get_window_extent(a, renderer)))
    return out


def overlapping(boxes):
    return [(a, b) for i, (a, ba) in enumerate(boxes) for b, bb in boxes[i + 1:] if ba.overlaps(bb)]


def footer(fig):
    return [t.get_text() for t in fig.texts if t.get_gid() == "footer"]


@pytest.fixture(scope="module")
def reference():
    from sim.scenario import load_scenario

    return load_scenario(ROOT / "scenarios" / "baseline_2014.yaml")


@pytest.fixture(scope="module")
def reference_map(reference):
    return plots.route_map(reference.nodes, reference.segments, info=INFO)


def test_reference_map_labels_do_not_overlap_and_the_libyan_coast_is_labelled(reference_map):
    ax = reference_map.axes[0]
    boxes = text_boxes(ax)
    assert len(boxes) >= 40
    assert overlapping(boxes) == []
    # the four departure points and the hub within 1.7 degrees of longitude on the Libyan coast
    assert {"Zuwara", "Sabratha", "Tripoli", "Garabulli"} <= {name for name, _ in boxes}
    # every label stays inside the map
    frame = ax.get_window_extent(reference_map.canvas.get_renderer())
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1
               for _, b in boxes)


def test_reference_map_is_clipped_to_the_region_with_coastlines_and_origins_in_an_inset(reference,
                                                                                     reference_map):
    ax, inset = reference_map.axes[:2]
    lon0, lon1 = ax.get_xlim()
    lat0, lat1 = ax.get_ylim()
    assert -21 < lon0 < -15 and 40 < lon1 < 47 and 10 < lat0 < 20 and 55 < lat1 < 63
    assert len(ax.lines) == sum(1 for s in reference.segments)  # every segment is located
    assert len(ax.patches) > 20  # land polygons
    # the inset holds every origin, including those beyond the main map, labelled there
    ilon0, ilon1 = inset.get_xlim()
    origins = [n for n in reference.nodes if "origin" in str(n.kind)]
    assert all(ilon0 <= n.lon <= ilon1 for n in origins)
    assert {"Kabul", "Dhaka", "Hanoi"} <= {name for name, _ in text_boxes(inset)}
    assert overlapping(text_boxes(inset)) == []
    assert footer(reference_map) and "scenario small" in footer(reference_map)[0]


def test_place_labels_never_overlaps_and_reports_what_it_leaves_out():
    from sim.plots.canvas import new_figure

    fig = new_figure(3, 3, layout=None)
    ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    points = [(5.0 + 0.05 * i, 5.0) for i in range(60)]  # far more labels than fit around them
    placed, left_out = labels.place_labels(ax, points, [f"label {i}" for i in range(60)], fontsize=8)
    assert placed and left_out
    assert len(placed) + len(left_out) == 60
    assert overlapping(text_boxes(ax)) == []


def test_coastlines_are_shipped_within_their_boxes():
    for resolution, (lon0, lon1, lat0, lat1) in coastlines.COASTLINE_BOXES.items():
        polys = coastlines.land_polygons(resolution)
        assert len(polys) > 10
        stacked = np.vstack(polys)
        assert lon0 <= stacked[:, 0].min() and stacked[:, 0].max() <= lon1
        assert lat0 <= stacked[:, 1].min() and stacked[:, 1].max() <= lat1
    # Sicily (about 37.5 N, 14 E) is land at low resolution: some polygon spans it
    assert any(p[:, 0].min() < 14 < p[:, 0].max() and p[:, 1].min() < 37.5 < p[:, 1].max()
               for p in coastlines.land_polygons("l"))
    with pytest.raises(ValueError, match="resolution"):
        coastlines.land_polygons("h")


def test_detections_dots_on_linear_axes_with_observed_marked():
    table = validation.detections_by_route(synthetic_monthly())
    fig = plots.detections_by_route_dots(table, replicates=3, info=INFO)
    ax, ratio = fig.axes[:2]
    assert ax.get_xscale() == "linear" and ratio.get_xscale() == "linear"
    assert ax.get_xlim()[0] == 0 and ratio.get_xlim()[0] == 0
    assert not ax.patches  # no bars
    observed_marks = ax.collections[0].get_offsets()
    assert len(observed_marks) == 10 and observed_marks[:, 0].max() == 170664
    rows = table[table["route"] != "Total"].sort_values("observed_2014", ascending=False)
    cm = rows.iloc[0]
    numbers = [t.get_text() for t in ratio.texts if t.get_gid() == "row_numbers"]
    assert len(numbers) == 10
    assert f"{cm['simulated_p05']:,.0f}-{cm['simulated_p95']:,.0f}" in numbers[0]
    assert "90 % interval" in " ".join(t.get_text() for t in ax.get_legend().get_texts())
    text = footer(fig)[0].replace("\n", " ")
    for part in ("scenario small", "root seed 7", "replicate seeds 11, 12, 13", "3 replicates",
                 "20 persons per agent", "code routesim 0.1.0, git 0123456789", "Frontex"):
        assert part in text


def test_detections_dots_one_replicate_says_na():
    table = validation.detections_by_route(synthetic_monthly(1))
    fig = plots.detections_by_route_dots(table, replicates=1)
    ax, ratio = fig.axes[:2]
    numbers = [t.get_text() for t in ratio.texts if t.get_gid() == "row_numbers"]
    assert len(numbers) == 10 and all("n/a (1 replicate)" in t for t in numbers)
    assert not [c for c in ax.containers]  # no error bars
    assert footer(fig) == []  # no footer without the run's info


def _ratio_table(means):
    """A detections_by_route table with observed 1,000 per row and the given simulated means."""
    means = np.asarray(means, dtype=float)
    return pd.DataFrame({"route": [f"Route {i}" for i in range(len(means))], "type": "Sea",
                         "observed_2014": 1000.0, "simulated_mean": means,
                         "simulated_p05": means * 0.9, "simulated_p95": means * 1.1,
                         "relative_error": means / 1000.0 - 1})


@pytest.mark.parametrize("means, right, cut", [
    ([500, 1500], 2.16, False),        # every ratio below 2: the axis ends at 2.16, nothing is cut
    ([500, 2500], 2.5 * 1.1 * 1.08, False),  # the largest p95 ratio, 2.75, sets the end
    ([500, 2800], 3.24, False),        # p95 ratio 3.08: the end is 3.24 at most, 3.08 still fits
    ([500, 5000], 3.24, True),         # a mean of 5x: the axis ends at 3.24, the label says so
])
def test_detections_dots_ratio_label_says_where_the_axis_ends(means, right, cut):
    fig = plots.detections_by_route_dots(_ratio_table(means), replicates=3)
    ratio = fig.axes[1]
    label = ratio.get_xlabel()
    assert ratio.get_xlim()[1] == pytest.approx(right)
    assert "capped" not in label
    if cut:
        assert f"axis ends at {right:.2f}" in label
        assert [t.get_text() for t in ratio.texts if t.get_text().endswith("x")] == ["5.0x"]
    else:
        assert label == "simulated / observed (1 = match, linear)"


def test_monthly_series_marks_the_scenario_events():
    events = pd.DataFrame({"start": ["2012-08-02", "2012-08-01", "2013-10-18", "2013-11-06", "2016-01-01"],
                           "kind": ["patrol_surge", "fence", "search_and_rescue", "patrol_surge", "fence"],
                           "target": ["Edirne->Orestiada", "Edirne->Orestiada", "Central Mediterranean/Sea",
                                      "Edirne->Svilengrad", "Later"]})
    fig = plots.monthly_series(synthetic_monthly(), events=events, info=INFO)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    # two groups of events within 45 days in 2012-2014 (the 2016 one is outside): two dashed lines
    assert [len(ax.lines) for ax in visible] == [4] * 10
    dashed = visible[0].lines[2:]
    assert [pd.Timestamp(line.get_xdata()[0]) for line in dashed] == [pd.Timestamp("2012-08-01"),
                                                                      pd.Timestamp("2013-10-18")]
    assert [t.get_text() for t in visible[0].texts] == ["1,2", "3,4"]
    text = footer(fig)[0].replace("\n", " ")
    assert "1 2012-08-01 fence Edirne->Orestiada" in text and "3 2013-10-18 search_and_rescue" in text
    assert "Later" not in text and "20 persons per agent" in text


def test_run_figures_put_the_run_in_a_footer_on_every_figure():
    sc = SimpleNamespace(nodes=NODES, segments=SEGMENTS, events=[])
    table = validation.detections_by_route(synthetic_monthly())
    tables = {"crossings_by_edge": CROSSINGS, "detections_by_route": table,
              "detections_monthly": synthetic_monthly(),
              "enforcement": pd.DataFrame(columns=["month", "agency", "target", "policy", "surge"])}
    figures = plots.run_figures(sc, tables, INFO)
    assert list(figures) == list(io.FIGURE_NAMES)
    for name, fig in figures.items():
        text = footer(fig)
        assert text and "run 20260101T000000Z-s7" in text[0] and "3 replicates" in text[0], name
        assert "data: simulated by routesim" in text[0], name  # every footer names its data
    assert figures["detections_by_route"].axes[0].get_xscale() == "linear"


# --- footers on the figures of experiments, comparisons, sensitivity analyses, calibrations -------

ANALYSIS_INFO = {**INFO, "persons_per_agent": 25, "replicates": 4, "replicate_seeds": [21, 22, 23, 24],
                 "run_id": "20260102T030405Z-s9", "root_seed": 9}


def _comparison_result():
    rows = [(v, "detections", route, "Sea", 2014, 100.0, 90.0, -10.0, -15.0, -5.0)
            for v in ("libya_x2", "no_fence") for route in ("Central Mediterranean", "Eastern Mediterranean")]
    comparison = pd.DataFrame(rows, columns=["variant", "metric", "route", "type", "year", "base_mean",
                                             "variant_mean", "difference_mean", "difference_low",
                                             "difference_high"])
    comparison["distinguishable"] = pd.array([True, False, True, False], dtype="boolean")
    monthly = pd.DataFrame({"variant": ["libya_x2"] * 2 + ["no_fence"] * 2,
                            "month": ["2014-01", "2014-02"] * 2, "difference_mean": [1.0, 2.0, 3.0, 4.0],
                            "difference_low": [0.0, 1.0, 2.0, 3.0], "difference_high": [2.0, 3.0, 4.0, 5.0]})
    return SimpleNamespace(comparison=comparison, monthly=monthly)


def _sensitivity_result():
    indices = pd.DataFrame({"output": ["detections:Total"] * 2, "parameter": ["a", "b"],
                            "mu_star": [3.0, 1.0], "mu_star_conf": [0.5, 0.2]})
    return SimpleNamespace(indices=indices, method="morris")


def _calibration_result(source="shipped"):
    trials = pd.DataFrame({"number": [0, 1, 2], "state": ["COMPLETE"] * 3, "loss": [3.0, 1.0, 2.0]})
    return SimpleNamespace(trials=trials, extra={"best_trial": 1, "observed_source": source})


def _experiment_results():
    months = ["2012-07", "2012-08"]
    monthly = pd.DataFrame([(arm, 0, m, g, 10.0) for arm in ("shocked", "counterfactual") for m in months
                            for g in ("Edirne->Orestiada", "Eastern Mediterranean/Sea")],
                           columns=["arm", "replicate", "month", "group", "first_entries"])
    throughput = pd.DataFrame([(arm, 0, w, node, t) for arm in ("baseline", "ablation")
                               for w, t in (("first", 5.0), ("second", 4.0)) for node in ("Agadez", "Sebha")],
                              columns=["arm", "replicate", "window", "node", "throughput"])
    levels = [{"level": x, **{k: 1.0 for k in ("enterprises", "hhi", "mean_members", "mean_segments",
                                                 "package_share")}} for x in (0.5, 1.0)]
    fees = pd.DataFrame({"fee_segment": ["Libya-Italy"] * 3, "service_level": ["basic", "standard", "premium"],
                         "observed_low_eur": [800.0] * 3, "observed_high_eur": [2000.0] * 3,
                         "simulated_mean_eur": [900.0, 1200.0, 1800.0],
                         "simulated_p05_eur": [850.0, 1100.0, 1700.0],
                         "simulated_p95_eur": [950.0, 1300.0, 1900.0]})
    return [
        SimpleNamespace(name="route-shift", summary={"shocked_edge": "Edirne->Orestiada"},
                        tables={"monthly_first_entries": monthly}),
        SimpleNamespace(name="hub-persistence", summary={}, tables={"hub_throughput": throughput}),
        SimpleNamespace(name="enterprise-concentration", summary={"levels": levels}, tables={}),
        SimpleNamespace(name="segmented-market", summary={}, tables={"fee_comparison": fees}),
    ]


def _analysis_figures(info):
    """Every figure of an experiment, comparison, sensitivity or calibration folder, by file stem."""
    figures = {}
    for result in _experiment_results():
        figures.update(plots.experiment_figures(result, None if info is None else {
            **info, "kind": f"experiment {result.name}"}))
    figures.update(plots.comparison_figures(_comparison_result(), None if info is None else {
        **info, "kind": "comparison", "variants": ["libya_x2", "no_fence"]}))
    figures.update(plots.sensitivity_figures(_sensitivity_result(), None if info is None else {
        **info, "kind": "sensitivity analysis", "method": "morris", "sample_points": 12,
        "replicates_per": "sample point"}))
    figures.update(plots.calibration_figures(_calibration_result(), None if info is None else {
        **info, "kind": "calibration", "replicates_per": "trial", "trials": 3, "budget": 40,
        "calibration_seed": 9, "window": ["2012-01", "2014-06"]}))
    return figures


def test_analysis_figures_carry_a_footer_with_run_persons_per_agent_replicates_and_data():
    figures = _analysis_figures(ANALYSIS_INFO)
    assert set(figures) == {"route_shift", "hub_persistence", "enterprise_concentration", "fee_ranges",
                            "forest", "monthly_difference", "sensitivity", "convergence"}
    drawn = {"route_shift": "monthly_first_entries.csv", "hub_persistence": "hub_throughput.csv",
             "enterprise_concentration": "summary.json", "fee_ranges": "fee_comparison.csv",
             "forest": "comparison.csv", "monthly_difference": "monthly_difference.csv",
             "sensitivity": "indices.csv", "convergence": "trials.parquet"}
    for name, fig in figures.items():
        (text,) = footer(fig)
        text = text.replace("\n", " ")
        for part in ("run 20260102T030405Z-s9", "25 persons per agent", "4 replicates",
                     "replicate seeds 21, 22, 23, 24", f"data: simulated by routesim, {drawn[name]}",
                     "code routesim 0.1.0"):
            assert part in text, (name, part, text)
    text = {name: footer(fig)[0].replace("\n", " ") for name, fig in figures.items()}
    assert text["route_shift"].startswith("experiment route-shift | scenario small |")
    assert "observed data: smuggling_fees.csv" in text["fee_ranges"]
    for name in ("forest", "monthly_difference"):
        assert "comparison | base scenario small vs variants libya_x2, no_fence |" in text[name]
    assert "4 replicates per sample point" in text["sensitivity"]
    assert "method morris, 12 sample points" in text["sensitivity"]
    assert "4 replicates per trial" in text["convergence"]
    assert ("3 trials complete, budget 40, calibration seed 9, window 2012-01..2014-06"
            in text["convergence"])
    assert "observed data: Frontex" in text["convergence"]


def test_analysis_figures_have_no_footer_without_info_and_name_another_observed_folder():
    assert all(footer(fig) == [] for fig in _analysis_figures(None).values())
    fig = plots.calibration_figures(_calibration_result("/data/obs"), ANALYSIS_INFO)["convergence"]
    assert "observed data: tables of /data/obs" in footer(fig)[0]
    # one figure function called alone, with the caller's info, puts it in its footer as given
    fig = plots.comparison_forest(_comparison_result().comparison, info={"run_id": "r1", "replicates": 1,
                                                                       "persons_per_agent": 50})
    assert footer(fig) == ["run r1 | 1 replicate | 50 persons per agent"]


def test_forest_reads_back_from_csv_and_labels_counts_with_thousands(tmp_path):
    """A comparison read back from comparison.csv (empty type -> NaN) keeps clean row labels, and
    wide differences get a few ticks with thousands separators (not '-60000-50000...')."""
    table = _comparison_result().comparison
    extra = table.iloc[:1].assign(metric="deaths", type="", difference_mean=-45_000.0,
                                  difference_low=-60_000.0, difference_high=-30_000.0)
    path = tmp_path / "comparison.csv"
    pd.concat([table, extra]).to_csv(path, index=False)
    fig = plots.comparison_forest(pd.read_csv(path))
    fig.canvas.draw()
    labels = {ax: [t.get_text() for t in ax.get_yticklabels()] for ax in fig.axes}
    (deaths,) = [ax for ax, got in labels.items() if "deaths: Central Mediterranean" in got]
    assert not [label for got in labels.values() for label in got if "nan" in label]
    # deaths have a panel of their own, on their own scale: not lost beside detections
    assert labels[deaths] == ["deaths: Central Mediterranean"]
    ticks = [t.get_text() for t in deaths.get_xticklabels() if t.get_text()]
    assert len(ticks) <= 6
    assert any("," in t for t in ticks)


def test_forest_fills_the_dots_whose_interval_excludes_zero_and_puts_total_last():
    table = _comparison_result().comparison
    total = table.iloc[:1].assign(route="Total", type="", distinguishable=pd.NA)  # one replicate's: no interval
    table = pd.concat([total, table], ignore_index=True)
    year = int(table["year"].max())
    fig = plots.comparison_forest(table)
    fig.canvas.draw()
    shown = table[(table.year == year) & ((table.base_mean != 0) | (table.variant_mean != 0))]
    first = shown[shown.variant == shown.variant.iloc[0]]
    metric = first.metric.iloc[0]
    ax = next(a for a in fig.axes if any(t.get_text().startswith(f"{metric}:") for t in a.get_yticklabels()))
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["detections: Central Mediterranean / Sea", "detections: Eastern Mediterranean / Sea",
                      "detections: Total"]  # top to bottom, Total last

    filled, hollow = ax.collections[1], ax.collections[2]  # after the interval bars
    mine = first[first.metric == metric]
    assert len(filled.get_offsets()) == int(mine.distinguishable.fillna(False).astype(bool).sum())
    assert len(filled.get_offsets()) + len(hollow.get_offsets()) == len(mine)


def _clipped_or_overlapping(fig):
    """Texts of ``fig`` (titles, axis labels, tick labels) that leave the figure, and x tick labels of
    one axes that overlap each other, once drawn."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    out = []
    for ax in fig.axes:
        (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
        xticks = [t for t in ax.get_xticklabels() if x0 <= t.get_position()[0] <= x1]  # drawn ones
        yticks = [t for t in ax.get_yticklabels() if y0 <= t.get_position()[1] <= y1]
        texts = [ax.title, ax.xaxis.label, ax.yaxis.label, *xticks, *yticks]
        for t in texts:
            if not t.get_visible() or not t.get_text():
                continue
            box = t.get_window_extent(renderer)
            if box.x0 < page.x0 - 1 or box.x1 > page.x1 + 1 or box.y0 < page.y0 - 1 or box.y1 > page.y1 + 1:
                out.append(("outside", t.get_text()))
        ticks = [t.get_window_extent(renderer) for t in xticks if t.get_visible() and t.get_text()]
        ticks.sort(key=lambda b: b.x0)
        out += [("overlap", i) for i, (a, b) in enumerate(zip(ticks, ticks[1:], strict=False)) if a.x1 > b.x0]
    return out


def test_comparison_figures_keep_titles_and_tick_labels_on_the_page():
    """A long variant name, long route labels and differences of -50,000..+25,000: the forest's
    title and ticks, and the monthly figure's y label, are neither clipped nor overlapping."""
    routes = [("detections", "Circular route from Albania to Greece", "Land"),
              ("detections", "Black Sea", "Sea"), ("deaths", "Central Mediterranean", ""),
              ("exploitation", "All", "")]
    comparison = pd.DataFrame([("libyan_coast_guard_x2", m, r, t, 2014, 1000.0, 900.0, -20_000.0,
                                -55_000.0, 30_000.0) for m, r, t in routes],
                              columns=["variant", "metric", "route", "type", "year", "base_mean",
                                       "variant_mean", "difference_mean", "difference_low",
                                       "difference_high"])
    monthly = pd.DataFrame({"variant": "libyan_coast_guard_x2",
                            "month": [f"2014-{m:02d}" for m in range(1, 13)],
                            "difference_mean": -5000.0, "difference_low": -14_000.0,
                            "difference_high": 9000.0})
    figures = plots.comparison_figures(SimpleNamespace(comparison=comparison, monthly=monthly),
                                       ANALYSIS_INFO)
    assert _clipped_or_overlapping(figures["forest"]) == []
    assert _clipped_or_overlapping(figures["monthly_difference"]) == []
    ax = figures["monthly_difference"].axes[0]
    label, frame = ax.yaxis.label.get_window_extent(), ax.get_window_extent()
    assert frame.y0 <= label.y0 and label.y1 <= frame.y1  # not reaching the page's top edge
    assert figures["forest"].axes[0].get_title().startswith("libyan_coast_guard_x2 - base, 2014\n")


def test_enforcement_without_adaptive_agencies_draws_the_standing_efforts_not_a_blank_page():
    rows = [{"replicate": 0, "month": f"2014-{m:02d}", "agency": a, "target": t, "side": side,
             "policy": "timeline", "effort": e if m < 7 else e2, "surge": 0.0}
            for m in range(1, 13)
            for a, t, side, e, e2 in [("Libyan coast guard", "Zuwara", "prevent", 0.2, 0.2),
                                      ("Libyan coast guard", "Tripoli", "prevent", 0.2, 0.2),
                                      ("Spanish Guardia Civil", "Ceuta", "detect", 1.0, 1.5)]]
    fig = plots.enforcement_surges(pd.DataFrame(rows))
    ax = fig.axes[0]
    assert ax.axison and "No adaptive agency in this scenario" in ax.get_title()
    bars = {label.get_text(): patch.get_width()
            for label, patch in zip(ax.get_yticklabels(), ax.patches, strict=True)}
    assert bars == {"Spanish Guardia Civil (detect)": pytest.approx(1.25),
                    "Libyan coast guard (prevent)": pytest.approx(0.2)}
    assert "1.25 (range 1.00-1.50)" in [t.get_text() for t in ax.texts]
    assert _clipped_or_overlapping(fig) == []


def test_route_map_marks_eu_entries_at_their_arrival_above_the_place_markers():
    """A crossing shorter than a marker (Turkish coast to an island) would vanish under the
    markers: each EU arrival place with flow gets a circle of its route's colour drawn above them."""
    fig = plots.route_map(NODES, SEGMENTS, CROSSINGS)
    ax = fig.axes[0]
    (entries,) = [c for c in ax.collections if c.get_gid() == "eu_entries"]
    markers = [c for c in ax.collections if c.get_gid() != "eu_entries"]
    assert entries.get_zorder() > max(c.get_zorder() for c in markers)
    # Izmir->Mytilene moved (400 + 600) / 2 persons; Edirne->Orestiada none (all prevented)
    assert entries.get_offsets().tolist() == [[26.55, 39.11]]
    assert to_hex(entries.get_facecolor()[0]) == plots.ROUTE_COLOURS["Eastern Mediterranean"]
    assert "max 500 per replicate" in " ".join(ax.get_legend().get_texts()[1].get_text().split())


def test_monthly_series_with_one_replicate_promises_no_band():
    one = plots.monthly_series(synthetic_monthly(n_reps=1))
    assert one._suptitle.get_text().endswith("simulated, 1 replicate (no p05-p95 band: n/a with 1 replicate)")
    assert all(len(ax.collections) == 0 for ax in one.axes if ax.get_visible())  # no band drawn
    three = plots.monthly_series(synthetic_monthly(n_reps=3))
    assert three._suptitle.get_text().endswith("simulated mean, band p05-p95")
    assert all(len(ax.collections) == 1 for ax in three.axes if ax.get_visible())


def test_forest_and_compare_put_sea_before_land_and_total_last():
    """Frontex's tables list a route's Sea before its Land; the forest plot and compare's text do too."""
    from sim.labels import route_order

    rows = pd.DataFrame({"metric": "detections", "route": ["Total", "Eastern Mediterranean", "Eastern Mediterranean",
                                                           "Central Mediterranean"],
                         "type": ["", "Land", "Sea", "Sea"]})
    order = sorted(range(len(rows)), key=lambda i: route_order(rows.route[i], rows.type[i]))
    assert [(rows.route[i], rows.type[i]) for i in order] == [
        ("Central Mediterranean", "Sea"), ("Eastern Mediterranean", "Sea"), ("Eastern Mediterranean", "Land"),
        ("Total", "")]
    table = _comparison_result().comparison.iloc[:1]
    table = pd.concat([table.assign(route="Eastern Mediterranean", type=t) for t in ("Land", "Sea")], ignore_index=True)
    fig = plots.comparison_forest(table)
    fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["detections: Eastern Mediterranean / Sea", "detections: Eastern Mediterranean / Land"]
