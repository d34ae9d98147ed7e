"""Tests of ``routesim compare`` and sim.compare: paired intervals checked by hand from the
per-replicate tables of the results folder (small fixture, cut to one month)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim import compare, runner
from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "fixtures" / "scenario_small"
TINY = ROOT / "tests" / "fixtures" / "scenario_tiny" / "scenario.yaml"


def _copy_small(tmp_path: Path, name: str, libya_effort: str | None = None,
                end: str = "2012-01-31") -> Path:
    folder = tmp_path / name
    shutil.copytree(SMALL, folder)
    yaml = folder / "scenario.yaml"
    text = yaml.read_text().replace("name: small", f"name: {name}")
    yaml.write_text(text.replace("end: 2013-12-31", f"end: {end}"))
    if libya_effort is not None:
        agencies = folder / "tables" / "agencies.csv"
        rows = [
            line.replace(",0.2,", f",{libya_effort},", 1) if line.startswith("Libyan coast guard")
            else line
            for line in agencies.read_text().splitlines()
        ]
        agencies.write_text("\n".join(rows) + "\n")
    return yaml


def _hand_interval(d: np.ndarray) -> tuple[float, float, float]:
    mean = sum(d) / len(d)
    sd = (sum((x - mean) ** 2 for x in d) / (len(d) - 1)) ** 0.5
    half = stats.t.ppf(0.95, len(d) - 1) * sd / len(d) ** 0.5
    return mean, mean - half, mean + half


def test_compare_intervals_match_a_hand_computation(tmp_path, capsys):
    base = _copy_small(tmp_path, "small")
    variant = _copy_small(tmp_path, "libya_x3", libya_effort="0.6")
    out = tmp_path / "out"
    assert main(["compare", str(base), str(variant), "--replicates", "3", "--seed", "7",
                 "--out", str(out), "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "warning: only 3 replicate(s)" in text
    assert "distinguishable from zero" in text
    (folder,) = (out / "small" / "compare").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["replicate_seeds"] == runner.replicate_seeds(7, 3)
    assert set(manifest["variants"]) == {"libya_x3"}
    assert (folder / "figures" / "forest.png").stat().st_size > 0
    assert (folder / "figures" / "monthly_difference.png").stat().st_size > 0

    # by hand, from the per-replicate detections of each arm
    b = pd.read_parquet(folder / "arms" / "base" / "detections_monthly.parquet")
    v = pd.read_parquet(folder / "arms" / "libya_x3" / "detections_monthly.parquet")
    assert sorted(set(b["seed"])) == sorted(set(v["seed"])) == sorted(runner.replicate_seeds(7, 3))
    comparison = pd.read_csv(folder / "comparison.csv").fillna({"type": ""})
    checked = 0
    for route, rtype in [("Central Mediterranean", "Sea"), ("Eastern Mediterranean", "Land"),
                         ("Eastern Mediterranean", "Sea")]:
        def per_rep(t, route=route, rtype=rtype):
            sel = t[(t["route"] == route) & (t["type"] == rtype)]
            return np.array([sel.loc[sel["replicate"] == r, "detections"].sum() for r in range(3)])

        base_r, var_r = per_rep(b), per_rep(v)
        if not (base_r.any() or var_r.any()):
            continue
        mean, low, high = _hand_interval(var_r - base_r)
        (row,) = comparison[(comparison["metric"] == "detections") & (comparison["route"] == route)
                            & (comparison["type"] == rtype) & (comparison["year"] == 2012)
                            ].itertuples()
        assert row.base_mean == pytest.approx(base_r.mean())
        assert row.variant_mean == pytest.approx(var_r.mean())
        assert row.difference_mean == pytest.approx(mean)
        assert row.difference_low == pytest.approx(low)
        assert row.difference_high == pytest.approx(high)
        assert row.relative_change == pytest.approx(mean / base_r.mean())
        checked += 1
    assert checked >= 2
    # the per-replicate table is what the intervals come from
    per = pd.read_csv(folder / "per_replicate.csv", keep_default_na=False)
    total = per[(per["metric"] == "detections") & (per["route"] == "Total")]
    assert len(total) == 3
    assert total["difference"].tolist() == pytest.approx(
        (total["variant_value"] - total["base_value"]).tolist())


# ---- fakes for the formatting and checks -----------------------------------------------------------


@pytest.fixture
def cli_fake(monkeypatch):
    from test_cli import FakeModel, fake_collect

    monkeypatch.setattr(runner, "_new_model", FakeModel)
    monkeypatch.setattr(runner, "_collect_tables", fake_collect)


def test_one_replicate_prints_na_not_a_zero_width_interval(tmp_path, cli_fake, capsys):
    assert main(["compare", str(TINY), str(TINY), "--replicates", "1", "--out", str(tmp_path),
                 "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "n/a (1 replicate)" in text
    assert "warning: only 1 replicate(s)" in text
    (folder,) = (tmp_path / "tiny" / "compare").iterdir()
    comparison = pd.read_csv(folder / "comparison.csv")
    assert comparison["difference_low"].isna().all()


def test_comparison_figures_name_base_variants_run_and_replicates(tmp_path, cli_fake, capsys,
                                                                    saved_figures):
    from conftest import assert_footer_names_the_folder

    assert main(["compare", str(TINY), str(TINY), "--replicates", "2", "--persons-per-agent", "3",
                 "--out", str(tmp_path), "--no-progress"]) == 0
    (folder,) = (tmp_path / "tiny" / "compare").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["persons_per_agent"] == 3 and manifest["replicates"] == 2
    assert set(saved_figures) == {"forest", "monthly_difference"}
    for name, table in (("forest", "comparison.csv"), ("monthly_difference", "monthly_difference.csv")):
        text = assert_footer_names_the_folder(saved_figures[name], manifest)
        assert text.startswith(f"comparison | base scenario tiny vs variant {next(iter(manifest['variants']))} |")
        assert table in text


def test_identical_scenarios_differ_by_exactly_zero(tmp_path, cli_fake, capsys):
    # the same scenario twice: same seeds, so every paired difference is 0 and nothing is distinct
    assert main(["compare", str(TINY), str(TINY), "--replicates", "3", "--out", str(tmp_path),
                 "--no-progress"]) == 0
    assert "distinguishable from zero (*): none" in capsys.readouterr().out
    (folder,) = (tmp_path / "tiny" / "compare").iterdir()
    comparison = pd.read_csv(folder / "comparison.csv")
    assert (comparison["difference_mean"] == 0).all()
    assert (comparison["difference_low"] == 0).all() and (comparison["difference_high"] == 0).all()


def test_variant_with_another_period_is_an_error(tmp_path, capsys):
    base = _copy_small(tmp_path, "small")
    other = _copy_small(tmp_path, "shorter", end="2012-02-29")
    assert main(["compare", str(base), str(other), "--out", str(tmp_path / "out")]) == 2
    assert "same period" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.csv"))


def test_paired_interval_t_quantile():
    mean, low, high = compare.paired_interval(np.array([-2.0, 0.0, 1.0, 5.0]))
    half = stats.t.ppf(0.95, 3) * np.std([-2.0, 0.0, 1.0, 5.0], ddof=1) / 2
    assert (mean, low, high) == pytest.approx((1.0, 1.0 - half, 1.0 + half))
    assert np.isnan(compare.paired_interval(np.array([3.0]))[1])


def test_cli_warns_when_a_variant_is_the_base_itself(tmp_path, capsys):
    """Passing the base again as a variant (or an identical copy) is warned about before running;
    an unwritable --out stops the command before any run."""
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    assert main(["compare", str(TINY), str(TINY), "--out", str(blocker)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (f"routesim: warning: {TINY} is the same scenario as the base {TINY}: every "
                      "paired difference will be 0")
    # a copy under another name, description and seed simulates the same on the base's seeds
    variant = tmp_path / "variant.yaml"
    variant.write_text(f"extends: {TINY}\nname: tiny_other\ndescription: a copy\nseed: 99\n")
    assert main(["compare", str(TINY), str(variant), "--out", str(blocker)]) == 2
    assert capsys.readouterr().err.splitlines()[0] == (
        f"routesim: warning: {variant} simulates the same as the base {TINY} (it differs only in "
        "name, description or seed, and compare runs every scenario on the base's seeds): every "
        "paired difference will be 0")
    changed = tmp_path / "changed.yaml"
    changed.write_text(f"extends: {TINY}\nname: tiny_other\nburn_in_days: 31\n")
    assert main(["compare", str(TINY), str(changed), "--out", str(blocker)]) == 2
    assert "warning" not in capsys.readouterr().err


def test_same_simulation_ignores_only_name_description_and_seed():
    from sim.scenario import load_scenario

    base = load_scenario(TINY)
    assert compare.same_simulation(base, base.with_overrides(name="x", description="y", seed=5))
    assert not compare.same_simulation(base, base.with_overrides(burn_in_days=31))
    assert not compare.same_simulation(base, base.with_overrides(persons_per_agent=2))
    assert not compare.same_simulation(base, base.with_overrides(parameters={"choice": {"reputation_weight": 0.0}}))


def _comparison(rows, half_width):
    """A ComparisonResult of one variant, 3 replicates, from (metric, route, type, base, variant,
    difference) rows, each interval the difference +/- ``half_width``."""
    from types import SimpleNamespace

    table = pd.DataFrame([{"variant": "x2", "year": 2014, "metric": m, "route": r, "type": t,
                           "base_mean": b, "variant_mean": v, "difference_mean": d,
                           "difference_low": d - half_width, "difference_high": d + half_width,
                           "distinguishable": False} for m, r, t, b, v, d in rows])
    base = SimpleNamespace(name="base_2014", persons_per_agent=20, end=None)
    return compare.ComparisonResult(base=base, variants={"x2": base}, root_seed=1,
                                    replicate_seeds=[1, 2, 3], comparison=table,
                                    per_replicate=pd.DataFrame(), monthly=pd.DataFrame())


def test_format_comparison_keeps_columns_aligned_on_a_long_route_name():
    """'Circular route from Albania to Greece / Land' is longer than the old fixed 48-character
    outcome column: every row's numbers must still end under their headers."""
    rows = [("detections", "Circular route from Albania to Greece", "Land", 8938.0, 8950.0, 12.0),
            ("detections", "Central Mediterranean", "Sea", 170664.0, 150000.0, -20664.0),
            ("deaths", "Total", "", 4340.0, 4346.67, 6.67)]
    lines = compare.format_comparison(_comparison(rows, half_width=1000)).splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("outcome"))
    header, body = lines[start], lines[start + 1:start + 4]
    assert any("Circular route from Albania to Greece / Land" in line for line in body)
    for column in ("base", "variant", "difference"):
        end = header.index(column) + len(column)
        for line in body:
            assert line[end - 1].isdigit() and line[end] == " ", (column, line)
    interval = header.index("interval")
    assert all(line[interval] == "[" for line in body)


def test_format_comparison_reads_a_row_alike_and_names_what_it_leaves_out():
    """A small outcome keeps two decimals in its means, difference and interval (26.67 and 20.00 give -6.67,
    not '27 20 -6.67'); an outcome zero in both arms is named, not silently dropped."""
    rows = [("deaths", "Western Mediterranean", "", 26.67, 20.0, -6.67),
            ("deaths", "Central Mediterranean", "", 2509.6, 2400.0, -109.6),
            ("deaths", "Western African", "", 0.0, 0.0, 0.0)]
    text = compare.format_comparison(_comparison(rows, half_width=5))
    small = next(line for line in text.splitlines() if "Western Mediterranean" in line).split()
    assert small[-5:] == ["26.67", "20.00", "-6.67", "[-11.67,", "-1.67]"], small
    large = next(line for line in text.splitlines() if "Central Mediterranean" in line).split()
    assert large[-5:] == ["2,510", "2,400", "-110", "[-115,", "-105]"], large
    assert "left out, zero in both arms: deaths Western African" in text
    assert not any(line.lstrip().startswith("deaths Western African") for line in text.splitlines())


def test_outcomes_are_dense_over_the_scenarios_routes_years_and_replicates():
    """A route nobody took in any replicate still gets its zero rows (the tables are sparse), so that
    comparison.csv and per_replicate.csv list it (a newcomer found Western African / Sea missing)."""
    det = pd.DataFrame({"replicate": [0], "seed": [11], "route": ["Eastern Mediterranean"], "type": ["Sea"],
                        "origin_group": ["Syria"], "month": ["2014-03"], "detections": [5.0]})
    cross = pd.DataFrame({"replicate": [1], "seed": [22], "month": ["2014-03"], "edge": ["Izmir->Lesvos"],
                          "frontex_route": ["Eastern Mediterranean"], "frontex_type": ["Sea"], "attempts": [3.0],
                          "prevented": [0.0], "detections": [2.0], "undetected": [1.0], "first_entries": [3.0],
                          "deaths": [0.0]})
    routes = [("Eastern Mediterranean", "Sea"), ("Western African", "Sea")]
    out = compare.outcomes({"detections_monthly": det, "crossings_by_edge": cross}, [2013, 2014], routes)
    key = ["replicate", "metric", "route", "type", "year"]
    assert not out.duplicated(key).any()
    for rep in (0, 1):
        for year in (2013, 2014):
            for metric, route, rtype in [("detections", "Western African", "Sea"), ("arrivals", "Western African", "Sea"),
                                         ("deaths", "Western African", ""), ("detections", "Total", "")]:
                row = out[(out.replicate == rep) & (out.metric == metric) & (out.route == route)
                          & (out.type == rtype) & (out.year == year)]
                assert len(row) == 1, (rep, year, metric, route)
    got = out.set_index(key)["value"]
    assert got[(0, "detections", "Eastern Mediterranean", "Sea", 2014)] == 5.0
    assert got[(1, "detections", "Eastern Mediterranean", "Sea", 2014)] == 0.0
    assert got[(1, "arrivals", "Eastern Mediterranean", "Sea", 2014)] == 3.0
    assert got[(0, "detections", "Western African", "Sea", 2013)] == 0.0
    assert compare.outcomes({"detections_monthly": det, "crossings_by_edge": cross}).shape[0] < len(out)
