"""``routesim build-demand``: the demand rule on tables of any years, in the shared formats."""

from pathlib import Path

import pandas as pd
import pytest

from sim import cli, demand, observed

ROOT = Path(__file__).resolve().parents[1]
TABLES = ROOT / "scenarios" / "tables"
DATA = ROOT / "sim" / "data"
NAT = DATA / "frontex_ibc_annual_by_route_nationality_2013_2014.csv"
MONTHLY = DATA / "frontex_ibc_monthly_by_route_2009_2014.csv"


@pytest.fixture
def tables(tmp_path):
    """A tables folder holding only the reference nodes.csv."""
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "nodes.csv").write_bytes((TABLES / "nodes.csv").read_bytes())
    return folder


def test_cli_rebuilds_the_committed_tables_byte_for_byte(tables, capsys):
    status = cli.main(["build-demand", "--nationality", str(NAT), "--monthly", str(MONTHLY),
                       "--tables", str(tables)])
    assert status == 0
    for name in ("demand.csv", "nationality_origins.csv"):
        assert (tables / name).read_bytes() == (TABLES / name).read_bytes(), name
    out = capsys.readouterr().out
    assert "2012-01..2014-12" in out and "group shares of" not in out  # 2012: its own, completed


def _with_2015(tmp_path, extra_code=None):
    """Copies of the shipped inputs with synthetic 2015 rows: 2014 figures halved."""
    nat = observed.nationality_annual()
    n15 = nat[nat.year == 2014].assign(year=2015, detections=lambda d: d.detections // 2)
    if extra_code:
        n15 = pd.concat([n15, pd.DataFrame([{"year": 2015, "route": "Black Sea", "type": "Sea",
                                             "nat_iso3": extra_code, "detections": 37}])])
    m = observed.monthly()
    m15 = m[m.year == 2014].assign(year=2015, detections=lambda d: d.detections // 2)
    nat_path, m_path = tmp_path / "nat.csv", tmp_path / "monthly.csv"
    pd.concat([nat, n15]).to_csv(nat_path, index=False)
    pd.concat([m, m15]).to_csv(m_path, index=False)
    return nat_path, m_path, n15, m15


def test_longer_input_gives_a_longer_table(tmp_path, tables, capsys):
    nat_path, m_path, n15, _ = _with_2015(tmp_path)
    assert cli.main(["build-demand", "--nationality", str(nat_path), "--monthly", str(m_path),
                     "--tables", str(tables)]) == 0
    built = pd.read_csv(tables / "demand.csv")
    assert built.month.iloc[-1] == "2015-12"
    assert built.month.nunique() == 48
    shipped = pd.read_csv(TABLES / "demand.csv")
    # the years the project ships are unchanged (2012 completed from its published nationalities)
    old = built[built.month <= "2014-12"].reset_index(drop=True)
    pd.testing.assert_frame_equal(old, shipped, rtol=1e-12)
    # 2015 follows the rule on the synthetic rows: all routes minus non-Balkan Western Balkan
    groups = observed.nationality_groups().set_index("nat_iso3").origin_group
    n15 = n15.assign(group=n15.nat_iso3.map(groups))
    n15 = n15[n15.group != demand.DROPPED_GROUP]
    double = n15[(n15.route == "Western Balkan") & ~n15.group.isin(demand.BALKAN_GROUPS)]
    expected = n15.detections.sum() - double.detections.sum()
    assert built[built.month.str.startswith("2015")].persons_detected.sum() == pytest.approx(expected)
    # --through stops earlier
    assert cli.main(["build-demand", "--nationality", str(nat_path), "--monthly", str(m_path),
                     "--through", "2015-03", "--tables", str(tables)]) == 0
    assert pd.read_csv(tables / "demand.csv").month.iloc[-1] == "2015-03"


def test_code_without_group_is_reported_and_dropped(tmp_path, tables, capsys):
    nat_path, m_path, _, _ = _with_2015(tmp_path, extra_code="ZZZ")
    assert cli.main(["build-demand", "--nationality", str(nat_path), "--monthly", str(m_path),
                     "--tables", str(tables)]) == 0
    err = capsys.readouterr().err
    assert "ZZZ" in err and "37" in err and "2015" in err
    nat = observed.read_observed(nat_path, "nationality")
    lost = demand.ungrouped(nat)
    assert lost.to_dict("records") == [{"year": 2015, "nat_iso3": "ZZZ", "detections": 37}]
    share = demand.dropped_share(nat, years=[2015])
    n15 = nat[nat.year == 2015]
    other = n15.nat_iso3.map(observed.nationality_groups().set_index("nat_iso3").origin_group)
    dropped = n15.detections[(other == demand.DROPPED_GROUP)].sum() + 37
    assert share[2015] == pytest.approx(dropped / n15.detections.sum())


def test_partial_year_not_completed_is_warned_naming_the_codes(tmp_path, tables, capsys):
    """A table without two of 2012's published codes: 2012 borrows the 2013 shares, with a warning."""
    nat = observed.nationality_annual()
    path = tmp_path / "nat.csv"
    nat[~nat.nat_iso3.isin(["GMB", "MLI"])].to_csv(path, index=False)
    assert cli.main(["build-demand", "--nationality", str(path), "--monthly", str(MONTHLY),
                     "--tables", str(tables)]) == 0
    out, err = capsys.readouterr()
    warned = [line for line in err.splitlines() if "GMB, MLI" in line]
    assert len(warned) == 1, err
    assert warned[0].startswith("warning: 2012: ") and warned[0].endswith("group shares of 2013 instead")
    assert "2012: " in out and "group shares of 2013" in out  # the year's line on stdout says so too
    # the shipped table has them all: 2012 completed, no such warning
    assert cli.main(["build-demand", "--nationality", str(NAT), "--monthly", str(MONTHLY),
                     "--tables", str(tables)]) == 0
    assert "published" not in capsys.readouterr().err


def test_bad_input_named_with_line_and_field_nothing_written(tmp_path, tables, capsys):
    bad = tmp_path / "nat.csv"
    bad.write_text("year,route,type,nat_iso3,detections\n2013,Black Sea,Sea,AFG,62\n"
                   "2013,Black Sea,Sea,SYR,lots\n", encoding="utf-8")
    assert cli.main(["build-demand", "--nationality", str(bad), "--tables", str(tables)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"routesim: error: {bad}:3: detections: not a whole number: 'lots'"
    assert sorted(p.name for p in tables.iterdir()) == ["nodes.csv"]


def test_month_without_monthly_total_is_refused(tables, capsys):
    assert cli.main(["build-demand", "--through", "2015-02", "--tables", str(tables)]) == 2
    assert "no monthly total for 2015-01, 2015-02" in capsys.readouterr().err
    assert sorted(p.name for p in tables.iterdir()) == ["nodes.csv"]


def test_script_is_a_wrapper_of_the_cli(tables):
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_demand", ROOT / "scripts" / "build_demand.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--tables", str(tables)]) == 0
    assert (tables / "demand.csv").read_bytes() == (TABLES / "demand.csv").read_bytes()
