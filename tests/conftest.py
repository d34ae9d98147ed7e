"""Shared fixtures: the tiny scenario (9 places, Aegean sea and Evros land crossings)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from sim.scenario import Scenario, load_scenario

TINY_PATH = Path(__file__).parent / "fixtures" / "scenario_tiny" / "scenario.yaml"
SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def load_script(name: str):
    """The module ``scripts/<name>.py``, loaded afresh (the scripts are not a package)."""
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="session")
def tiny_scenario() -> Scenario:
    """The tiny fixture scenario, loaded once (scenarios are frozen, so sharing is safe)."""
    return load_scenario(TINY_PATH)


def with_segment(scenario: Scenario, edge: str, **update) -> Scenario:
    """``scenario`` with the segment ``edge`` (``"A->B"``) changed by ``update`` (validated again)."""
    return scenario.with_overrides(segments=[s.model_copy(update=update) if s.edge == edge else s
                                             for s in scenario.segments])


@pytest.fixture
def saved_figures(monkeypatch) -> dict:
    """The figures the results-folder writers save, by file stem (they are still saved)."""
    from sim import io

    saved: dict = {}
    save = io.atomic.write_figures

    def keep(figures, folder, *args, **kwargs):
        saved.update(figures)
        return save(figures, folder, *args, **kwargs)

    monkeypatch.setattr(io.atomic, "write_figures", keep)
    return saved


def footer_of(fig) -> str:
    """The footer text of a figure (:func:`sim.plots.canvas.add_footer`), lines joined; "" without."""
    return " ".join(t.get_text().replace("\n", " ") for t in fig.texts if t.get_gid() == "footer")


def assert_footer_names_the_folder(fig, manifest: dict) -> str:
    """Check that a figure's footer names the folder's run id, persons per agent, replicates and
    data source, as its ``manifest.json`` says; return the footer."""
    text = footer_of(fig)
    n, k = manifest["replicates"], manifest["persons_per_agent"]
    for part in (f"run {manifest['run_id']}", f"{k} person{'s' if k != 1 else ''} per agent",
                 f"{n} replicate{'s' if n != 1 else ''}", "data: simulated by routesim"):
        assert part in text, (part, text)
    return text
