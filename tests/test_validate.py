"""``routesim validate``: a run folder against observed tables of any year (synthetic, hand-computed)."""

import json
import re

import numpy as np
import pandas as pd
import pytest

from sim import cli, observed, validation

CM, BS = ("Central Mediterranean", "Sea"), ("Black Sea", "Sea")


def _observed_folder(tmp_path):
    """Observed 2019-2020: CM 100/month then 200/month, BS 50/month both years; no annual table."""
    folder = tmp_path / "observed"
    folder.mkdir()
    rows = [{"year": y, "month": m, "route": r, "type": t, "detections": n}
            for y, cm in ((2019, 100), (2020, 200)) for m in range(1, 13)
            for (r, t), n in ((CM, cm), (BS, 50))]
    pd.DataFrame(rows).to_csv(folder / "frontex_ibc_monthly_by_route_2019_2020.csv", index=False)
    pd.DataFrame([
        {"year": 2020, "route": CM[0], "type": "Sea", "nat_iso3": "SYR", "detections": 60},
        {"year": 2020, "route": "Eastern Mediterranean", "type": "Sea", "nat_iso3": "SYR", "detections": 30},
        {"year": 2020, "route": "Eastern Mediterranean", "type": "Land", "nat_iso3": "SYR", "detections": 10},
    ]).to_csv(folder / "frontex_ibc_annual_by_route_nationality_2020.csv", index=False)
    pd.DataFrame([{"year": 2020, "month": 3, "route": CM[0], "dead_missing": 30, "incidents": 1,
                   "survivors": 0}]).to_csv(folder / "iom_mmp_dead_missing_monthly_by_route_2020.csv",
                                            index=False)
    return folder


def _run_folder(tmp_path, scenario_source=None):
    """A run of 2020, two replicates: CM 150 or 250 per month (Syrians), BS 100 per month."""
    folder = tmp_path / "run"
    folder.mkdir()
    det, cross = [], []
    for rep, cm in ((0, 150), (1, 250)):
        for m in range(1, 13):
            month = f"2020-{m:02d}"
            det.append({"replicate": rep, "seed": 9, "route": CM[0], "type": "Sea",
                        "origin_group": "Syria", "month": month, "detections": cm})
            det.append({"replicate": rep, "seed": 9, "route": BS[0], "type": "Sea",
                        "origin_group": "Turkey", "month": month, "detections": 100})
            cross.append({"replicate": rep, "seed": 9, "month": month, "edge": "A->B",
                          "frontex_route": CM[0], "frontex_type": "Sea", "attempts": 1,
                          "prevented": 0, "detections": cm, "undetected": 0, "first_entries": 0,
                          "deaths": (20 if rep == 0 else 40) if m == 3 else 0})
    pd.DataFrame(det).to_parquet(folder / "detections_monthly.parquet", index=False)
    pd.DataFrame(cross).to_parquet(folder / "crossings_by_edge.parquet", index=False)
    manifest = {"status": "complete", "replicates": 2, "scenario_source": scenario_source}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def _get(t, measure, route, scope="year"):
    return t[(t.measure == measure) & (t.route == route) & (t.scope == scope)].iloc[0]


def test_validation_table_hand_computed(tmp_path):
    obs = observed.load_observed(_observed_folder(tmp_path))
    tables, manifest = __import__("sim.io", fromlist=["io"]).read_run(_run_folder(tmp_path))
    assert validation.covered_years(tables["crossings_by_edge"]) == [2020]
    t = validation.validation_table(tables, 2020, obs, window=("2019-01", "2020-06"),
                                    replicates=[0, 1])
    cm = _get(t, "detections", CM[0])
    assert cm.observed == 2400 and cm.simulated_mean == 2400 and cm.relative_error == 0
    assert cm.simulated_p05 == pytest.approx(1800 + 0.05 * 1200)
    assert cm.simulated_p95 == pytest.approx(1800 + 0.95 * 1200)
    assert cm.source == "monthly series (sum)"
    bs = _get(t, "detections", BS[0])
    assert bs.observed == 600 and bs.simulated_mean == 1200 and bs.relative_error == 1.0
    total = _get(t, "detections", "Total")
    assert total.observed == 3000 and total.simulated_mean == 3600
    # months 1-6 of 2020 are in the window, 7-12 out of it
    inside = _get(t, "detections", "Total", "in_window")
    assert inside.observed == 1500 and inside.simulated_mean == 1800
    assert _get(t, "detections", "Total", "out_of_window").observed == 1500
    # ARD per month: model |200-200| + |100-50| = 50 of 250; naive shares (2/3, 1/3 of 250):
    # 33.3 + 33.3 of 250; same month of 2019: 100 + 0 of 250; replicates: (50 + 50) / 250 each
    for scope in ("year", "in_window", "out_of_window"):
        model = _get(t, "ard", "model", scope)
        assert model.simulated_mean == pytest.approx(0.2)
        assert model.simulated_p05 == pytest.approx(0.4) and model.simulated_p95 == pytest.approx(0.4)
        naive = _get(t, "ard", "naive_previous_year_shares", scope).simulated_mean
        assert naive == pytest.approx((2 * (200 - 500 / 3)) / 250)  # 0.2667
        assert _get(t, "ard", "naive_same_month_previous_year", scope).simulated_mean == pytest.approx(0.4)
    # Syrians: all simulated on Central Med (share 1 against 0.6)
    syr = _get(t, "syrians", CM[0])
    assert syr.observed == 60 and syr.simulated_mean == 2400
    share = _get(t, "syrians_share", CM[0])
    assert share.observed == pytest.approx(0.6) and share.simulated_mean == 1.0
    assert share.relative_error == pytest.approx(0.4 / 0.6)
    # deaths: 20 and 40 in March against 30
    d = _get(t, "deaths", CM[0])
    assert d.observed == 30 and d.simulated_mean == 30 and d.relative_error == 0
    assert _get(t, "deaths", "Total").observed == 30
    assert np.isnan(_get(t, "deaths", BS[0]).observed)


def test_cli_validate_writes_the_table_and_reads_the_calibration_window(tmp_path, capsys):
    calib = tmp_path / "calib"
    calib.mkdir()
    (calib / "calibration.json").write_text(json.dumps({"window": ["2020-01", "2020-09"]}))
    run = _run_folder(tmp_path, scenario_source=str(calib / "best_scenario.yaml"))
    status = cli.main(["validate", str(run), "--observed", str(_observed_folder(tmp_path))])
    assert status == 0
    out = capsys.readouterr().out
    assert "calibration window 2020-01..2020-09" in out
    assert "naive_same_month_previous_year" in out
    written = pd.read_csv(run / "validation.csv")
    assert list(written.columns) == validation.VALIDATION_COLUMNS
    assert set(written.scope) == {"year", "in_window", "out_of_window"}
    inside = written[(written.measure == "detections") & (written.scope == "in_window")
                     & (written.route == "Total")].iloc[0]
    assert inside.observed == 9 * 250


def test_cli_validate_refuses_a_year_the_run_does_not_cover(tmp_path, capsys):
    run = _run_folder(tmp_path)
    assert cli.main(["validate", str(run), "--year", "2019", "--observed",
                     str(_observed_folder(tmp_path))]) == 2
    assert "does not cover year(s) 2019" in capsys.readouterr().err
    assert not (run / "validation.csv").exists()


def test_cli_validate_bad_observed_file_named(tmp_path, capsys):
    folder = _observed_folder(tmp_path)
    (folder / "iom_mmp_dead_missing_monthly_by_route_2020.csv").write_text(
        "year,month,route,dead_missing\n2020,13,Black Sea,4\n")
    assert cli.main(["validate", str(_run_folder(tmp_path)), "--observed", str(folder)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith("iom_mmp_dead_missing_monthly_by_route_2020.csv:2: month: not 1-12: 13")


def test_default_observed_is_the_shipped_tables_and_2014_matches_run_summary():
    """validation_table's 2014 rows equal detections_by_route / averaged_relative_difference."""
    det = pd.DataFrame({"replicate": 0, "route": [CM[0], BS[0]], "type": "Sea",
                        "origin_group": "Syria", "month": ["2014-05", "2014-06"],
                        "detections": [1000.0, 400.0]})
    t = validation.validation_table({"detections_monthly": det}, 2014)
    by_route = validation.detections_by_route(det)
    rows = t[(t.measure == "detections") & (t.scope == "year")]
    np.testing.assert_allclose(rows.observed.to_numpy(), by_route.observed_2014.to_numpy())
    assert _get(t, "ard", "model").simulated_mean == pytest.approx(
        validation.averaged_relative_difference(det))
    assert _get(t, "detections", "Total").source == "annual table"


def test_cli_validate_names_a_file_and_an_arms_folder_without_traceback(tmp_path, capsys):
    """A file, or a comparison/experiment folder, is refused with what to pass instead."""
    a_file = tmp_path / "scenario.yaml"
    a_file.write_text("name: x\n")
    assert cli.main(["validate", str(a_file)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"routesim: error: {a_file} is a file: pass the folder a run wrote, " \
                  "results/<scenario>/<run-id>"
    compare = tmp_path / "compare"
    for arm in ("base", "variant_b"):
        (compare / "arms" / arm).mkdir(parents=True)
    assert cli.main(["validate", str(compare)]) == 2
    err = capsys.readouterr().err.strip()
    assert "holds the arms of a comparison or experiment, not one run" in err
    assert err.endswith(f"e.g. {compare / 'arms' / 'base'} (arms: base, variant_b)")
    assert not (compare / "validation.csv").exists()


def test_cli_validate_counts_the_replicates_of_a_folder_without_manifest(tmp_path, capsys):
    """An arm folder of a comparison has no manifest: the header counts the table's replicates."""
    run = _run_folder(tmp_path)
    (run / "manifest.json").unlink()
    assert cli.main(["validate", str(run), "--observed", str(_observed_folder(tmp_path)),
                     "--no-write"]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith(": 2 replicate(s)")


def test_cli_validate_with_one_replicate_prints_n_a_for_the_intervals(tmp_path, capsys):
    """One replicate has no p05-p95 interval: the tables say n/a, not ``x-x``."""
    run = _run_folder(tmp_path)
    det = pd.read_parquet(run / "detections_monthly.parquet")
    det[det.replicate == 0].to_parquet(run / "detections_monthly.parquet", index=False)
    cross = pd.read_parquet(run / "crossings_by_edge.parquet")
    cross[cross.replicate == 0].to_parquet(run / "crossings_by_edge.parquet", index=False)
    (run / "manifest.json").write_text(json.dumps({"status": "complete", "replicates": 1}))
    assert cli.main(["validate", str(run), "--observed", str(_observed_folder(tmp_path)),
                     "--no-write"]) == 0
    out = capsys.readouterr().out
    assert "1,800-1,800" not in out and "20-20" not in out
    assert re.search(r"^Central Mediterranean\s+Sea\s+2,400\s+1,800\s+n/a\s+-25\.0 %$", out, re.M)


def test_cli_validate_labels_the_model_ard_as_that_of_the_mean_series(tmp_path, capsys):
    """The model's ARD (of the replicates' mean series, 0.2 here) lies below the range of the single
    replicates' ARDs (0.4 each): the table says which is which, and the numbers are not changed."""
    run = _run_folder(tmp_path)
    assert cli.main(["validate", str(run), "--observed", str(_observed_folder(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^forecaster\s+ARD\s+single replicates' ARDs p05-p95$", out, re.M)
    assert re.search(r"^model \(replicates' mean series\)\s+0\.200\s+0\.400-0\.400$", out, re.M)
    assert out.count("The model's ARD is that of the replicates' mean monthly series.") == 1
    assert "replicates p05-p95" not in out
    ard = _get(pd.read_csv(run / "validation.csv"), "ard", "model")
    assert (ard.simulated_mean, ard.simulated_p05, ard.simulated_p95) == pytest.approx((0.2, 0.4, 0.4))


def test_deaths_tables_say_they_count_land_segments_and_when_nothing_is_observed():
    """A run's route deaths include land segments (Western Balkan): the tables are not titled
    'Deaths at sea', and a year without IOM figures says so instead of a column of dashes."""
    from sim.summary import format_summary, format_validation

    det = pd.DataFrame({"replicate": 0, "route": CM[0], "type": "Sea", "origin_group": "Syria",
                        "month": [f"{y}-{m:02d}" for y in (2013, 2014) for m in range(1, 13)],
                        "detections": 100.0})
    deaths = pd.DataFrame({"replicate": 0, "route": [CM[0], "Western Balkan"] * 2,
                           "month": ["2013-05", "2013-06", "2014-05", "2014-06"],
                           "deaths": [50.0, 34.0, 60.0, 7.0]})
    tables = {"detections_monthly": det, "deaths_monthly": deaths}
    text = format_validation(pd.concat([validation.validation_table(tables, y) for y in (2013, 2014)]))
    assert "Deaths at sea" not in text
    assert "2013 Deaths by Frontex route, on its sea and land segments" in text
    assert re.search(r"^Western Balkan\s+-\s+34\s+", text, re.M)
    assert "(no observed deaths for 2013" in text and "(no observed deaths for 2014" not in text
    summary = format_summary(validation.detections_by_route(det),
                             {"deaths_by_route": validation.deaths_by_route(deaths)})
    assert "Deaths at sea" not in summary
    assert "Deaths 2014 by Frontex route, on its sea and land segments" in summary


def test_run_summary_deaths_have_the_total_row_of_validate():
    """`routesim run`'s deaths table ends with validate's Total (the routes with an observed figure):
    same rows, same figures, both from sim.validation.routes.deaths_matrix."""
    from sim.summary import format_summary, format_validation

    det = pd.DataFrame({"replicate": [0, 1] * 12, "route": CM[0], "type": "Sea",
                        "origin_group": "Syria", "detections": 100.0,
                        "month": [f"2014-{m:02d}" for m in range(1, 13) for _ in (0, 1)]})
    deaths = pd.DataFrame({"replicate": [0, 1, 0, 1, 0], "route": [CM[0], CM[0], BS[0], BS[0],
                                                                   "Western Balkan"],
                           "month": "2014-05", "deaths": [1000.0, 3000.0, 7.0, 9.0, 34.0]})
    by_route = validation.deaths_by_route(deaths)
    t = validation.validation_table({"detections_monthly": det, "deaths_monthly": deaths}, 2014)
    rows = t[t.measure == "deaths"]
    assert rows.route.tolist() == by_route.route.tolist()
    assert by_route.route.iloc[-1] == "Total"
    np.testing.assert_allclose(rows.observed.to_numpy(), by_route.observed_2014.to_numpy())
    for column in ("simulated_mean", "simulated_p05", "simulated_p95"):
        np.testing.assert_allclose(rows[column].to_numpy(), by_route[column].to_numpy())
    # Total: IOM 2014 over the four routes with a figure, 3,318; simulated: Central Med only
    # (Black Sea and Western Balkan have no observed figure), replicates 1,000 and 3,000
    summary = format_summary(validation.detections_by_route(det), {"deaths_by_route": by_route})
    assert "Total: the routes with an observed figure" in summary
    assert re.search(r"^  Total\s+3,318\s+2,000\s+1,100-2,900$", summary, re.M)
    assert re.search(r"^Total\s.*3,318\s+2,000\s+1,100-2,900\s+-39\.7 %$", format_validation(t), re.M)


def test_validate_deaths_tables_have_no_type_column():
    """Deaths are by route, sea and land segments together: validate's deaths tables print no
    (always empty) type column; the detections tables keep theirs."""
    from sim.summary import format_validation

    det = pd.DataFrame({"replicate": 0, "route": CM[0], "type": "Sea", "origin_group": "Syria",
                        "month": [f"{y}-{m:02d}" for y in (2013, 2014) for m in range(1, 13)],
                        "detections": 100.0})
    deaths = pd.DataFrame({"replicate": 0, "route": [CM[0], "Western Balkan"],
                           "month": ["2013-05", "2014-06"], "deaths": [50.0, 34.0]})
    tables = {"detections_monthly": det, "deaths_monthly": deaths}
    lines = format_validation(pd.concat([validation.validation_table(tables, y)
                                         for y in (2013, 2014)])).splitlines()
    titles = [i for i, x in enumerate(lines) if " Deaths by Frontex route" in x]
    assert len(titles) == 2
    for i in titles:
        header = next(x for x in lines[i + 1:] if x.startswith("route"))
        assert re.match(r"route\s+observed\s+simulated mean\s+p05-p95\s+rel\. error$", header)
    assert re.search(r"^Western Balkan\s+-\s+34\s+34-34\s+-$", "\n".join(lines), re.M)
    assert re.search(r"^Total\s+3,318\s+0\s+0-0\s+-100\.0 %$", "\n".join(lines), re.M)
    detections = [x for x in lines if x.startswith("route") and " type " in x]
    assert len(detections) == 3 * 2  # detections, Syrians and their split keep it, 2013 and 2014


def test_validate_says_when_no_syrians_were_observed_in_a_year():
    """2012 has no nationality table: validate prints the simulated Syrians with a note naming the
    years observed, instead of leaving the block out; 2013 keeps its observed figures."""
    from sim.summary import format_validation

    det = pd.DataFrame({"replicate": 0, "route": CM[0], "type": "Sea", "origin_group": "Syria",
                        "month": [f"{y}-{m:02d}" for y in (2012, 2013) for m in range(1, 13)],
                        "detections": 100.0})
    deaths = pd.DataFrame({"replicate": 0, "route": CM[0], "month": ["2012-05"], "deaths": [5.0]})
    t = pd.concat([validation.validation_table({"detections_monthly": det, "deaths_monthly": deaths}, y)
                   for y in (2012, 2013)])
    syr12 = _get(t[t.year == 2012], "syrians", CM[0])
    assert np.isnan(syr12.observed) and syr12.simulated_mean == 1200
    assert syr12.source == "no observed figure: the nationality table has 2013, 2014"
    assert _get(t[t.year == 2012], "syrians_share", CM[0]).simulated_mean == 1.0
    assert _get(t[t.year == 2013], "syrians", CM[0]).observed == 11503
    text = format_validation(t)
    assert ("2012 Syrians by route (persons; observed: detections by nationality, SYR)\n"
            "  (no observed Syrians for 2012: the observed column is empty; the nationality table "
            "has 2013, 2014)\n") in text
    assert "(no observed Syrians' split for 2012" in text
    assert "(no observed Syrians for 2013" not in text
    assert ("(no observed deaths for 2012: the observed column is empty; the IOM table has 2014)"
            in text)
    assert re.search(r"^Central Mediterranean\s+Sea\s+-\s+1,200\s+", text, re.M)


@pytest.mark.parametrize(("window", "whole"), [(("2019-01", "2020-12"), "in"), (("2021-01", "2021-06"), "outside")])
def test_cli_validate_prints_a_year_wholly_in_or_out_of_the_window_once(tmp_path, capsys, window, whole):
    """A year the window holds entirely (or not at all) is printed once, its title saying so; the
    written table keeps its window rows, the same months."""
    run, observed_dir = _run_folder(tmp_path), str(_observed_folder(tmp_path))
    assert cli.main(["validate", str(run), "--observed", observed_dir, "--window", *window]) == 0
    out = capsys.readouterr().out
    titles = [x for x in out.splitlines() if x.startswith("2020 Detections")]
    assert titles == ["2020 Detections by Frontex route (persons; observed: monthly series (sum)), "
                      f"whole year {whole} the calibration window"]
    ard = [x for x in out.splitlines() if x.startswith("2020 averaged relative difference")]
    assert ard == [f"2020 averaged relative difference, monthly, ten pairs (year, whole year {whole} the "
                   "calibration window; 0 is perfect)"]
    assert "in_window" not in out and "out_of_window" not in out
    written = pd.read_csv(run / "validation.csv")
    scope = "in_window" if whole == "in" else "out_of_window"
    assert _get(written, "detections", "Total", scope).observed == _get(written, "detections", "Total").observed
    # a window that splits the year: the year and both parts
    assert cli.main(["validate", str(run), "--observed", observed_dir, "--window", "2019-01", "2020-06",
                     "--no-write"]) == 0
    titles = [x for x in capsys.readouterr().out.splitlines() if x.startswith("2020 Detections")]
    assert [t.rsplit(", ", 1)[-1] for t in titles[1:]] == ["in_window", "out_of_window"] and len(titles) == 3


def test_validate_observed_totals_count_every_route_in_the_year_and_the_window_alike():
    """2013 (shipped tables): the year's Total is the annual table's 107,339, which counts Frontex's
    'Other' (4, none of the ten pairs); the window's Total counts it too (it was the ten pairs'
    107,335), and the titles name each figure's source."""
    from sim.summary import format_validation

    det = pd.DataFrame({"replicate": 0, "route": CM[0], "type": "Sea", "origin_group": "Syria",
                        "month": [f"2013-{m:02d}" for m in range(1, 13)], "detections": 100.0})
    whole = validation.validation_table({"detections_monthly": det}, 2013, window=("2012-01", "2013-12"))
    year, inside = _get(whole, "detections", "Total"), _get(whole, "detections", "Total", "in_window")
    assert year.observed == inside.observed == 107_339 and year.source == "annual table"
    pairs = whole[(whole.measure == "detections") & (whole.scope == "in_window") & (whole.route != "Total")]
    assert pairs.observed.sum() == 107_335
    split = validation.validation_table({"detections_monthly": det}, 2013, window=("2012-01", "2013-06"))
    parts = [_get(split, "detections", "Total", s).observed for s in ("in_window", "out_of_window")]
    assert sum(parts) == 107_339
    text = format_validation(split)
    assert "2013 Detections by Frontex route (persons; observed: annual table)\n" in text
    assert "2013 Detections by Frontex route (persons; observed: monthly series, 2013-01..2013-06), in_window" in text
    assert text.count("Observed Total: every route of the source in the title, 'Other'") == 1
    assert re.search(r"^Total\s+107,339\s+1,200\s", text, re.M) and "107,335" not in text


def test_validate_prints_no_relative_error_against_a_handful_and_a_verdict_on_the_naive_forecasts():
    """2012's observed Black Sea is 1 person: a relative error there means nothing, so the printed
    table says n/a and why (the validation table keeps the figure); each ARD table ends with
    whether the model beats the better naive forecast, and the verdict follows the figures."""
    from sim.summary import MIN_OBSERVED_FOR_PERCENT, format_validation

    det = pd.DataFrame({"replicate": 0, "route": CM[0], "type": "Sea", "origin_group": "Syria",
                        "month": [f"{y}-{m:02d}" for y in (2012, 2013) for m in range(1, 13)],
                        "detections": 100.0})
    t = pd.concat([validation.validation_table({"detections_monthly": det}, y) for y in (2012, 2013)])
    black = t[(t.year == 2012) & (t.measure == "detections") & (t.route == "Black Sea")].iloc[0]
    assert black.observed < MIN_OBSERVED_FOR_PERCENT and black.relative_error == -1.0  # kept in the table
    text = format_validation(t)
    assert re.search(r"^Black Sea\s+Sea\s+1\s+0\s+\S+\s+n/a$", text, re.M)
    assert "  rel. error n/a: observed below 100 persons (Black Sea/Sea); compare the counts" in text
    assert re.search(r"^Central Mediterranean\s+Sea\s+15,151\s+1,200\s+\S+\s+-92\.1 %$", text, re.M)
    verdicts = re.findall(r"^  The model \(([\d.]+)\) is (better|no better) than the better naive forecast, "
                          r"(\w+) \(([\d.]+)\)\.$", text, re.M)
    assert len(verdicts) == 2  # 2012 and 2013
    for model, word, name, naive in verdicts:
        ards = t[(t.measure == "ard") & (t.route == name)].simulated_mean
        assert float(naive) in {round(a, 3) for a in ards}
        assert (word == "better") == (float(model) < float(naive))


def test_cli_validate_names_its_observed_sources(tmp_path, capsys):
    run = _run_folder(tmp_path)
    assert cli.main(["validate", str(run), "--no-write"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("  observed: the shipped tables: Frontex detections of illegal border-crossing "
                             "(Annual Risk Analysis 2015")


def test_the_ard_table_says_why_it_has_no_naive_forecast():
    """With observed tables that lack the year before, the naive forecasts cannot be made: the ARD
    table says so instead of ending without a verdict (found by a breaker's trial)."""
    from sim.summary import _ard_verdict

    block = pd.DataFrame({"route": ["model", "naive_previous_year_shares"], "simulated_mean": [0.5, np.nan]})
    assert _ard_verdict(block) == [
        "  No naive forecast to compare with: both need the observed monthly series of the year before."]
    block.loc[1, "simulated_mean"] = 0.6
    assert _ard_verdict(block) == [
        "  The model (0.500) is better than the better naive forecast, naive_previous_year_shares (0.600)."]
