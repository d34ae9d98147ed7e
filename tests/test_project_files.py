"""Project files that must agree with pyproject.toml: LICENSE, CITATION.cff, `routesim --version`, docs/ODD.md."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_license_file_matches_pyproject():
    assert PROJECT["license"] == "MIT"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "MIT License"
    assert "Permission is hereby granted, free of charge" in text


def test_citation_matches_pyproject():
    cff = YAML(typ="safe").load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert str(cff["version"]) == PROJECT["version"]
    assert cff["license"] == PROJECT["license"]
    assert cff["title"].startswith(PROJECT["name"])
    assert cff["authors"]


def test_version_option(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"routesim {PROJECT['version']}"


def test_odd_has_the_seven_sections():
    text = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (\d)\. (.+)$", text, flags=re.M)
    assert [h[1] for h in headings] == [
        "Purpose and patterns",
        "Entities, state variables and scales",
        "Process overview and scheduling",
        "Design concepts",
        "Initialisation",
        "Input data",
        "Submodels",
    ]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_venv_installs_with_pip_errors_only():
    """`make venv` runs pip at -qq: a single -q prints about 140 "Location ... is ignored" warnings
    on a machine whose pip config lists sparse local indexes (the project's machine)."""
    env = {k: v for k, v in os.environ.items() if k not in ("INSTALL_QUIET", "MAKEFLAGS")}
    dry = subprocess.run(
        ["make", "-n", "-B", "venv"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    installs = [line for line in dry.splitlines() if " -m pip install " in line]
    assert len(installs) == 2, dry
    assert all(" pip install -qq " in line for line in installs), installs
