"""The parameter table: structured metadata, dotted-name updates, overlays and the CLI listing."""

from __future__ import annotations

import csv
import io

import pydantic
import pytest

from sim.cli import main
from sim.parameters import KINDS, Parameters, as_overlay, parameter_specs, with_values

SPECS = parameter_specs()
IDS = [s.name for s in SPECS]


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_spec_is_complete(spec):
    assert spec.low <= spec.default <= spec.high, spec
    assert spec.unit.strip(), f"{spec.name}: no unit"
    assert spec.kind in KINDS, f"{spec.name}: kind {spec.kind!r}"
    assert spec.source.strip(), f"{spec.name}: no source"
    assert spec.description.strip(), f"{spec.name}: no description"


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_prior_range_is_inside_the_validation_bounds(spec):
    for value in (spec.low, spec.high):
        assert _get(with_values(Parameters(), {spec.name: value}), spec.name) == value


def test_names_are_unique_and_cover_the_nested_models():
    assert len(IDS) == len(set(IDS))
    assert {n.split(".")[0] for n in IDS} == set(Parameters.model_fields)
    assert "crossing.service_death_factor[0]" in IDS
    assert "events.hub_crackdown.arrest_effort" in IDS


def test_defaults_are_the_model_defaults():
    params = Parameters()
    for spec in SPECS:
        assert _get(params, spec.name) == spec.default, spec.name


def test_with_values_round_trips_every_default():
    params = Parameters()
    assert with_values(params, {s.name: s.default for s in SPECS}) == params


def test_with_values_sets_scalars_tuple_items_and_event_effects():
    p = with_values(Parameters(), {
        "choice.reputation_weight": 0.0,
        "crossing.service_death_factor[2]": 0.5,
        "events.fence.barrier": 0.9,
        "crossing.group_size_sea": 80.0,
    })
    assert p.choice.reputation_weight == 0.0
    assert p.crossing.service_death_factor == (1.4, 1.0, 0.5)
    assert p.events.fence.barrier == 0.9
    assert p.crossing.group_size_sea == 80 and isinstance(p.crossing.group_size_sea, int)
    assert p.choice.cost_scale_eur == Parameters().choice.cost_scale_eur  # the rest untouched


@pytest.mark.parametrize("name", ["choice.no_such", "choice", "crossing.service_death_factor[3]", "x.y", ""])
def test_with_values_rejects_unknown_names(name):
    with pytest.raises(KeyError):
        with_values(Parameters(), {name: 1.0})
    with pytest.raises(KeyError):
        as_overlay({name: 1.0})


@pytest.mark.parametrize(("name", "value"), [
    ("choice.reputation_weight", -1.0),
    ("crossing.base_detection_sea", 1.5),
    ("crossing.service_death_factor[0]", -0.1),
    ("events.fence.barrier", 2.0),
    ("crossing.group_size_sea", 60.5),
])
def test_with_values_rejects_values_out_of_bounds(name, value):
    with pytest.raises(pydantic.ValidationError):
        with_values(Parameters(), {name: value})


def test_as_overlay_validates_as_a_parameters_block():
    values = {"hubs.reputation_decay": 0.02, "crossing.service_prevention_factor[0]": 1.3,
              "events.patrol_surge.return_probability": 0.5}
    overlay = as_overlay(values)
    assert overlay["hubs"] == {"reputation_decay": 0.02}
    assert overlay["crossing"]["service_prevention_factor"] == [1.3, 1.0, 0.6]
    assert Parameters.model_validate(overlay) == with_values(Parameters(), values)


@pytest.mark.parametrize("fmt", ["csv", "markdown"])
def test_cli_lists_one_row_per_spec(fmt, capsys):
    assert main(["parameters", "--format", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert [r["name"] for r in rows] == IDS
        assert list(rows[0]) == ["name", "default", "low", "high", "unit", "kind", "source"]
        for row, spec in zip(rows, SPECS, strict=True):
            assert float(row["low"]) <= float(row["default"]) <= float(row["high"])
            assert row["kind"] == spec.kind and row["unit"] == spec.unit
    else:
        lines = out.strip().splitlines()
        assert len(lines) == len(SPECS) + 2
        assert all(line.startswith("| ") for line in lines[2:])


def _get(params, name):
    path, _, index = name.partition("[")
    value = params
    for key in path.split("."):
        value = getattr(value, key)
    return value[int(index[:-1])] if index else value
