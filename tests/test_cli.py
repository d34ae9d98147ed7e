"""Tests of the command line (in-process ``main(argv)``, writing only under tmp_path) and summary."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import io, observed, runner, validation
from sim.cli import main
from sim.summary import format_summary

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "fixtures" / "scenario_tiny" / "scenario.yaml"


# ---- a fake model: the CLI's plumbing without the simulation ------------------------------------


class FakeModel:
    n_days_total = 3

    def __init__(self, scenario, seed):
        self.scenario = scenario
        self.rng = np.random.default_rng(seed)

    def run(self, progress=None):
        for day in range(1, self.n_days_total + 1):
            if progress is not None:
                progress(day, self.n_days_total)


def fake_collect(model):
    rng = model.rng
    months = [f"2014-{m:02d}" for m in range(1, 13)]
    ppa = model.scenario.persons_per_agent
    detections = pd.DataFrame(
        [
            {"route": r, "type": t, "origin_group": g, "month": m,
             "detections": ppa * int(rng.integers(0, 50))}
            for r, t in [("Eastern Mediterranean", "Sea"), ("Eastern Mediterranean", "Land")]
            for g in ("Syria", "Afghanistan")
            for m in months
        ]
    )  # fmt: skip
    one = {"month": "2014-01", "date": "2014-01-06", "node": "Izmir"}
    return {
        "detections_monthly": detections,
        "crossings_by_edge": pd.DataFrame(
            [{"month": "2014-01", "edge": "Izmir->Lesvos", "frontex_route": "Eastern Mediterranean",
              "frontex_type": "Sea", "attempts": 10, "prevented": 2, "detections": 6,
              "undetected": 2, "first_entries": 7, "deaths": 0}]
        ),
        "hubs": pd.DataFrame(
            [{"date": one["date"], "node": "Izmir", "kind": "hub;departure", "throughput": 5,
              "queue": 1, "reputation": 0.5, "price_index": 1.0, "enterprises": 2}]
        ),
        "enterprises": pd.DataFrame(
            [{"date": one["date"], "node": "Izmir", "enterprises": 2, "hhi": 0.5,
              "mean_members": 2.0, "mean_segments": 1.0, "partnerships": 0, "package_share": 0.0}]
        ),
        "prices": pd.DataFrame(
            [{"month": "2014-01", "segment": "Izmir->Lesvos", "service_level": "basic",
              "price_mean_eur": 1000.0, "sold": 8}]
        ),
        "exploitation": pd.DataFrame(
            [{"year": 2014, "node": "Istanbul", "sex": "female", "minor": True, "cases": 1,
              "classification": "trafficking"}]
        ),
        "deaths_monthly": pd.DataFrame(
            [{"route": "Eastern Mediterranean", "month": "2014-09", "deaths": int(rng.integers(0, 5))}]
        ),
        "enforcement": pd.DataFrame(
            [{"month": "2014-09", "agency": "Greek border police", "target": "Edirne->Orestiada",
              "side": "detect", "policy": "timeline", "effort": 1.0, "surge": 0.0}]
        ),
        "detention": pd.DataFrame(
            [{"month": "2014-09", "agency": "Bulgarian border police", "target": "Edirne->Svilengrad",
              "places": 700.0, "held": 700.0, "admitted": 100.0, "no_place": 10.0}]
        ),
    }  # fmt: skip


@pytest.fixture
def fake_model(monkeypatch):
    monkeypatch.setattr(runner, "_new_model", FakeModel)
    monkeypatch.setattr(runner, "_collect_tables", fake_collect)


def run_folders(out: Path) -> list[Path]:
    """Folders under ``out``, the replicate cache (``out/.cache``, kept on purpose) left out."""
    if not out.exists():
        return []
    return sorted(p for p in out.rglob("*") if p.is_dir() and ".cache" not in p.relative_to(out).parts)


# ---- arguments and errors -------------------------------------------------------------------------


def test_help_lists_run(capsys):
    assert main(["--help"]) == 0
    assert "run" in capsys.readouterr().out
    assert main(["run", "--help"]) == 0
    assert "--persons-per-agent" in capsys.readouterr().out


def test_no_command_is_a_usage_error(capsys):
    assert main([]) == 2
    assert "usage" in capsys.readouterr().err


def test_missing_scenario_file_exits_2_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["run", str(tmp_path / "nope.yaml"), "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert "scenario file not found" in err and "nope.yaml" in err
    assert not out.exists()


@pytest.fixture
def broken(tmp_path):
    """A copy of the tiny scenario with a bad YAML value, an unknown key and a bad CSV cell."""
    folder = tmp_path / "broken"
    shutil.copytree(TINY.parent, folder)
    text = (folder / "scenario.yaml").read_text()
    text = text.replace("persons_per_agent: 1", "persons_per_agent: 0")
    text = text.replace("seed: 42", "seed: 42\nreplicatez: 3")
    (folder / "scenario.yaml").write_text(text)
    segments = folder / "tables" / "segments.csv"
    segments.write_text(
        segments.read_text().replace(
            "Izmir,Lesvos,sea,15,1,1000,0.002", "Izmir,Lesvos,sea,15,1,1000,2.5"
        )
    )
    return folder / "scenario.yaml"


def test_broken_scenario_exits_2_with_file_line_and_no_results(
    broken, tmp_path, capsys, fake_model
):
    out = tmp_path / "out"
    code = main(["run", str(broken), "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) >= 3
    assert all(re.match(r"^\S+:\d+:\d+: \S+: ", line) for line in lines), err
    assert any(re.match(r"^\S*scenario\.yaml:\d+:\d+: persons_per_agent: ", x) for x in lines)
    assert any(re.match(r"^\S*scenario\.yaml:\d+:\d+: replicatez: ", x) for x in lines)
    assert any(re.match(r"^\S*segments\.csv:5:\d+: ", x) for x in lines), err
    assert not out.exists()


@pytest.mark.parametrize("value", ["0", "1001", "ten"])
def test_persons_per_agent_out_of_range_exits_2(value, tmp_path, capsys, fake_model):
    out = tmp_path / "out"
    code = main(["run", str(TINY), "--persons-per-agent", value, "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert "--persons-per-agent" in err
    assert "from 1 to 1000" in err or "must be an integer" in err
    assert not out.exists()


@pytest.mark.parametrize("args", [["--replicates", "0"], ["--processes", "0"], ["--seed", "-1"]])
def test_other_counts_are_checked(args, tmp_path, capsys):
    assert main(["run", str(TINY), "--out", str(tmp_path / "out"), *args]) == 2
    assert args[0] in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# ---- a run with the fake model ---------------------------------------------------------------------


def test_run_writes_results_and_prints_summary(tmp_path, capsys, fake_model):
    out = tmp_path / "out"
    argv = ["run", str(TINY), "--seed", "7", "--replicates", "3", "--persons-per-agent", "5"]
    code = main([*argv, "--out", str(out), "--no-progress"])
    assert code == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    match = re.search(r"^results: (.+)$", captured.out, re.MULTILINE)
    folder = Path(match.group(1))
    assert folder.parent == out / "tiny" and re.fullmatch(r"\d{8}T\d{6}Z-s7", folder.name)
    assert (folder / "manifest.json").is_file() and (folder / "figures" / "route_map.png").is_file()
    summary = (folder / "summary.txt").read_text()
    assert captured.out.startswith(summary)
    assert "Eastern Mediterranean" in summary and "283,532" in summary
    assert "Averaged relative difference" in summary and "Syrians" in summary

    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["root_seed"] == 7
    assert manifest["replicate_seeds"] == runner.replicate_seeds(7, 3)
    assert manifest["persons_per_agent"] == 5
    assert manifest["command"][1:] == [*argv, "--out", str(out), "--no-progress"]

    monthly = pd.read_parquet(folder / "detections_monthly.parquet")
    assert sorted(monthly["replicate"].unique()) == [0, 1, 2]
    assert (monthly["detections"] % 5 == 0).all()  # the override reached the model
    by_route = pd.read_csv(folder / "detections_by_route.csv")
    expected = validation.detections_by_route(monthly)
    assert np.allclose(by_route["simulated_mean"], expected["simulated_mean"])
    total = monthly["detections"].sum() / 3
    assert by_route.iloc[-1]["simulated_mean"] == pytest.approx(total)


def test_default_seed_is_the_scenarios(tmp_path, capsys, fake_model):
    assert main(["run", str(TINY), "--out", str(tmp_path), "--no-progress"]) == 0
    assert re.search(r"^results: .*-s42$", capsys.readouterr().out, re.MULTILINE)


def test_interrupt_during_run_exits_130_and_writes_nothing(tmp_path, capsys, monkeypatch):
    class Interrupted(FakeModel):
        def run(self, progress=None):
            raise KeyboardInterrupt

    monkeypatch.setattr(runner, "_new_model", Interrupted)
    monkeypatch.setattr(runner, "_collect_tables", fake_collect)
    out = tmp_path / "out"
    assert main(["run", str(TINY), "--out", str(out), "--no-progress"]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert not out.exists()


def test_interrupt_while_writing_leaves_no_folder(tmp_path, capsys, monkeypatch, fake_model):
    def interrupted(figures, folder):
        raise KeyboardInterrupt

    monkeypatch.setattr(io.atomic, "write_figures", interrupted)
    out = tmp_path / "out"
    assert main(["run", str(TINY), "--out", str(out), "--no-progress"]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert run_folders(out) == [out / "tiny"]  # the scenario folder, with no run in it


def test_python_dash_m_sim():
    done = subprocess.run(
        [sys.executable, "-m", "sim", "run", "no/such.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "scenario file not found" in done.stderr


# ---- the terminal summary -------------------------------------------------------------------------


def test_format_summary_table_and_extra_lines():
    sim = pd.DataFrame(
        {"replicate": [0, 1, 0], "route": ["Black Sea", "Black Sea", "Central Mediterranean"],
         "type": "Sea", "origin_group": "Syria", "month": "2014-05", "detections": [400, 600, 0]}
    )  # fmt: skip
    by_route = validation.detections_by_route(sim)
    deaths = validation.deaths_by_route(
        pd.DataFrame(
            {"replicate": [0], "route": ["Black Sea"], "month": ["2014-01"], "deaths": [3]}
        )
    )
    text = format_summary(
        by_route,
        {
            "title": "run X",
            "averaged_relative_difference": 0.25,
            "syrian_split": validation.syrian_split(sim),
            "deaths_by_route": deaths,
            "note": "hello",
        },
    )
    lines = text.splitlines()
    assert lines[0] == "run X"
    header = lines[2]
    assert re.match(r"route\s+type\s+observed\s+simulated mean\s+p05-p95\s+rel\. error$", header)
    table = lines[4:15]
    assert len(table) == len(observed.ROUTE_TYPES) + 1
    black_sea = next(x for x in table if x.startswith("Black Sea"))
    assert re.search(r"433\s+500\s+410-590\s+\+15\.5 %$", black_sea)
    assert re.match(r"Total\s+283,532\s+500\s+410-590\s+-99\.8 %$", table[-1])
    # fixed width: counts are right-aligned under the 'observed' header
    end = header.index("observed") + len("observed")
    assert all(x[end - 1].isdigit() and x[end] == " " for x in table)
    assert "Averaged relative difference, monthly 2014, ten route/type pairs: 0.250" in text
    assert re.search(r"Central Mediterranean/Sea\s+39,651\s+56 %\s+0\s+0-0\s+- *$", text, re.M)
    black_sea_deaths = next(x for x in lines if x.startswith("  Black Sea"))
    assert re.search(r"Black Sea\s+-\s+3\s+", black_sea_deaths)
    assert lines[-1] == "note: hello"
    assert text.endswith("\n")


def test_format_summary_marks_missing_relative_error():
    table = pd.DataFrame(
        {"route": ["A"], "type": ["Sea"], "observed_2014": [math.nan], "simulated_mean": [5.0],
         "simulated_p05": [1.0], "simulated_p95": [9.0], "relative_error": [math.nan]}
    )  # fmt: skip
    row = format_summary(table).splitlines()[3]
    assert re.match(r"A\s+Sea\s+-\s+5\s+1-9\s+-$", row)


def test_format_summary_with_one_replicate_says_n_a_not_a_zero_width_range():
    """One replicate has no interval: every p05-p95 cell says n/a, as the figures do."""
    sim = pd.DataFrame({"replicate": 0, "route": ["Black Sea", "Central Mediterranean"],
                        "type": "Sea", "origin_group": "Syria", "month": "2014-05",
                        "detections": [400, 90]})
    deaths = validation.deaths_by_route(
        pd.DataFrame({"replicate": [0], "route": ["Black Sea"], "month": ["2014-01"], "deaths": [3]}))
    extra = {"syrian_split": validation.syrian_split(sim), "deaths_by_route": deaths}
    text = format_summary(validation.detections_by_route(sim), extra, replicates=1)
    assert "400-400" not in text and "90-90" not in text and "3-3" not in text
    assert re.search(r"^Black Sea\s+Sea\s+433\s+400\s+n/a\s+-7\.6 %$", text, re.M)
    assert re.search(r"^  Central Mediterranean/Sea\s+39,651\s+56 %\s+90\s+n/a\s+100 %$", text, re.M)
    assert re.search(r"^  Black Sea\s+-\s+3\s+n/a$", text, re.M)
    # with more replicates the interval is printed as before
    assert "400-400" in format_summary(validation.detections_by_route(sim), replicates=2)


# ---- end to end with the real model -------------------------------------------------------------------


@pytest.fixture
def tiny_2014(tmp_path):
    """The tiny scenario moved to a short 2014 period (demand and events shifted by two years)."""
    folder = tmp_path / "tiny_2014"
    shutil.copytree(TINY.parent, folder)
    for name in ("demand.csv", "events.csv"):
        path = folder / "tables" / name
        path.write_text(path.read_text().replace("2012-", "2014-"))
    yaml = folder / "scenario.yaml"
    text = yaml.read_text().replace("start: 2012-01-01", "start: 2014-01-01")
    yaml.write_text(text.replace("end: 2012-12-31", "end: 2014-04-30"))
    return yaml


def test_end_to_end_real_model_is_reproducible(tiny_2014, tmp_path, capsys):
    """The real model through the CLI: coarse agents, short period, two replicates.

    Same scenario and seed give identical tables whether replicates run serially or in worker
    processes; the validation table agrees with the monthly table it summarises.
    """
    common = [
        "run",
        str(tiny_2014),
        "--replicates",
        "2",
        "--persons-per-agent",
        "10",
        "--no-progress",
    ]
    assert main([*common, "--out", str(tmp_path / "a")]) == 0
    assert main([*common, "--out", str(tmp_path / "b"), "--processes", "2"]) == 0
    capsys.readouterr()
    (a,) = (tmp_path / "a" / "tiny").iterdir()
    (b,) = (tmp_path / "b" / "tiny").iterdir()
    for name in ("detections_monthly", "crossings_by_edge", "hubs", "enterprises", "prices"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(a / f"{name}.parquet"), pd.read_parquet(b / f"{name}.parquet")
        )
    manifest_a = json.loads((a / "manifest.json").read_text())
    manifest_b = json.loads((b / "manifest.json").read_text())
    assert (
        manifest_a["files"]["detections_monthly.parquet"]
        == (manifest_b["files"]["detections_monthly.parquet"])
    )
    assert manifest_a["persons_per_agent"] == 10

    monthly = pd.read_parquet(a / "detections_monthly.parquet")
    assert set(monthly["month"]) <= {f"2014-{m:02d}" for m in range(1, 5)}
    assert (monthly["detections"] % 10 == 0).all()  # counts are persons: agents x 10
    by_route = pd.read_csv(a / "detections_by_route.csv")
    assert by_route.iloc[-1]["simulated_mean"] == pytest.approx(monthly["detections"].sum() / 2)
    crossings = pd.read_parquet(a / "crossings_by_edge.parquet")
    labelled = crossings[crossings["frontex_route"].fillna("") != ""]
    assert labelled["detections"].sum() == monthly["detections"].sum()


@pytest.mark.parametrize("command", ["run", "experiment"])
def test_unwritable_output_root_is_refused_before_running(command, tmp_path, capsys, monkeypatch):
    """A results root that cannot be written is reported at once (exit 2), before any simulation."""
    from sim import experiments

    def no_run(*args, **kwargs):
        raise AssertionError("the simulation must not start")

    monkeypatch.setattr(runner, "run_ensemble", no_run)
    monkeypatch.setattr(experiments, "run_experiment", no_run)
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    argv = ["run", str(TINY)] if command == "run" else ["experiment", "route-shift", str(TINY)]
    assert main([*argv, "--out", str(blocker), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("routesim: error: cannot write results under ") and str(blocker) in err
    assert "Traceback" not in err


def test_help_of_every_command_prints_single_percent_signs():
    """argparse %-formats argument help but prints a description as written: '90 %%' in a
    description showed doubled on the terminal."""
    import argparse

    from sim.cli.commands import build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    texts = [parser.format_help()] + [p.format_help() for p in subparsers.choices.values()]
    assert len(texts) > 5
    assert not [t for t in texts if "%%" in t]


@pytest.mark.parametrize("command", ["run", "experiment route-shift", "compare", "calibrate", "sensitivity", "validate"])
def test_an_abbreviated_option_is_refused_not_guessed(command, tmp_path, capsys):
    """A typo such as --replicate must not be taken for --replicates (a new user started a
    full-scale 2-replicate run that way)."""
    assert main([*command.split(), str(TINY), "--replicate", "2", "--out", str(tmp_path / "out")]) == 2
    assert "unrecognized arguments: --replicate" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_no_command_takes_a_prefix_of_one_of_its_options(capsys):
    """Every command (app, build-demand, validate and parameters too, which the test above does
    not reach) refuses each shortened long option, with or without ``=value``: argparse must not
    guess."""
    from sim.cli.commands import build_parser

    parser = build_parser()
    (subparsers,) = [a for a in parser._actions if a.choices and isinstance(a.choices, dict)]
    commands = subparsers.choices
    checked = 0
    for name, sub in commands.items():
        options = {o for a in sub._actions for o in a.option_strings if o.startswith("--")}
        # valid positional arguments, so that only the option can be refused
        positional = [str(next(iter(a.choices))) if a.choices else "x"
                      for a in sub._actions if not a.option_strings]
        for option in sorted(options - {"--help", "--version"}):
            prefix = option[:-1]
            if prefix in options or len(prefix) < 3:
                continue
            for given in ([prefix, "1"], [f"{prefix}=1"]):
                argv = [name, *positional, *given]
                with pytest.raises(SystemExit) as info:
                    parser.parse_args(argv)
                assert info.value.code == 2, argv
                assert f"unrecognized arguments: {given[0]}" in capsys.readouterr().err, argv
                checked += 1
    assert checked > 50
