"""The ``experiments:`` block of a scenario file: the places, edges and windows each experiment uses.

The experiments (:mod:`sim.experiments`) name no place: what they shock, rank, sweep and price is
set here, per scenario, and validated like every other key (``file:line:column`` errors; the
places and edges are cross-checked against the tables by :func:`experiment_references`). Every
sub-block is optional; an experiment whose block is missing stops with an error naming the
scenario file and the key.

Example (the reference scenario's values)::

    experiments:
      route_shift:
        shocked_edge: Edirne->Orestiada
        shock_kinds: [patrol_surge, fence]
        before: {start: 2012-02, end: 2012-07}
        after_6m: {start: 2012-08, end: 2013-01}
        after_12m: {start: 2012-08, end: 2013-07}
        observed_route: Eastern Mediterranean/Land
        observed_shock: evros_2012
      hub_persistence:
        first: {start: 2012-02, end: 2012-07}
        second: {start: 2013-02, end: 2013-07}
        top_hubs: 15
      enterprise_concentration:
        nodes: [Tripoli, Zuwara, Sabratha, Garabulli]
        levels: [0.0, 0.5, 1.0, 2.0, 4.0]
        year: 2014
      segmented_market:
        fee_legs:
          Agadez to Sabha:
            - [Agadez->Dirkou, Dirkou->Al Qatrun, Al Qatrun->Sabha]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sim.labels import EventKind, parse_edge, parse_route
from sim.scenario.problems import _FieldProblems

Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]
Edge = Annotated[str, Field(min_length=4, description="A segment 'A->B'.")]


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _edge(value: str) -> str:
    source, target = parse_edge(value)
    return f"{source}->{target}"


class MonthWindow(_Block):
    """Calendar months ``start..end``, both included."""

    start: Month
    end: Month

    @model_validator(mode="after")
    def _ordered(self) -> MonthWindow:
        if self.end < self.start:
            raise _FieldProblems([("end", f"end {self.end} is before start {self.start}")])
        return self


class RouteShiftSettings(_Block):
    """``experiments.route_shift``: the shock and its counterfactual (DESIGN V1)."""

    shocked_edge: Edge = Field(description="Edge whose shock events the counterfactual removes.")
    shock_kinds: tuple[EventKind, ...] = Field(min_length=1, description="Event kinds removed on that edge.")
    before: MonthWindow
    after_6m: MonthWindow
    after_12m: MonthWindow
    observed_route: str | None = Field(
        None, description="'Route/Type' whose observed detections before and after are reported."
    )
    observed_shock: str | None = Field(
        None, description="Key of sim.observed.SHOCK_FACTS reported as the observed comparator."
    )
    displaced_to: str | None = Field(
        None, description="'Route/Type' whose share of the lost flow is also reported (the observed displaced "
        "share's route: the Aegean, Eastern Mediterranean/Sea, in the reference).",
    )

    @field_validator("shocked_edge")
    @classmethod
    def _shocked_edge(cls, v: str) -> str:
        return _edge(v)

    @field_validator("observed_route", "displaced_to")
    @classmethod
    def _route(cls, v: str | None) -> str | None:
        if v is not None:
            parse_route(v)
        return v


class HubPersistenceSettings(_Block):
    """``experiments.hub_persistence``: two same-season windows and the hubs ranked (DESIGN V2)."""

    first: MonthWindow
    second: MonthWindow
    top_hubs: int = Field(15, ge=2, le=1000, description="Busiest hubs of the first window ranked.")


class EnterpriseConcentrationSettings(_Block):
    """``experiments.enterprise_concentration``: the market nodes and effort levels swept (DESIGN V3)."""

    nodes: tuple[Annotated[str, Field(min_length=1)], ...] = Field(
        min_length=1, description="Market nodes whose agency rows' standing effort is scaled."
    )
    levels: tuple[Annotated[float, Field(ge=0.0, le=100.0)], ...] = Field(
        min_length=2, description="Multipliers of that effort (1: the scenario's own)."
    )
    year: int = Field(ge=1900, le=2100, description="Calendar year whose quarters are averaged.")


class SegmentedMarketSettings(_Block):
    """``experiments.segmented_market``: simulated legs priced against observed fee rows (DESIGN V4)."""

    fee_legs: dict[str, tuple[tuple[Edge, ...], ...]] = Field(
        description="Fee row of sim.observed.smuggling_fees() -> alternative paths, each a list of edges."
    )
    year: int | None = Field(None, ge=1900, le=2100, description="Only this year's months (null: all).")

    @field_validator("fee_legs")
    @classmethod
    def _edges(cls, v: Mapping[str, Any]) -> dict[str, tuple[tuple[str, ...], ...]]:
        return {fee: tuple(tuple(_edge(e) for e in path) for path in paths) for fee, paths in v.items()}


class ExperimentSettings(_Block):
    """The ``experiments:`` block; each experiment's sub-block is optional."""

    route_shift: RouteShiftSettings | None = None
    hub_persistence: HubPersistenceSettings | None = None
    enterprise_concentration: EnterpriseConcentrationSettings | None = None
    segmented_market: SegmentedMarketSettings | None = None


def experiment_references(
    block: ExperimentSettings, nodes: set[str], edges: set[str]
) -> list[tuple[tuple[Any, ...], str]]:
    """Places and edges of the block that the scenario's tables lack.

    Parameters
    ----------
    block : ExperimentSettings
    nodes : set of str
        Node names of the scenario.
    edges : set of str
        Its segments as ``A->B``.

    Returns
    -------
    list of (key path, message)
        Key paths below ``experiments`` (e.g. ``("experiments", "route_shift", "shocked_edge")``).
    """
    out: list[tuple[tuple[Any, ...], str]] = []
    if (rs := block.route_shift) is not None and rs.shocked_edge not in edges:
        out.append((("experiments", "route_shift", "shocked_edge"), f"no segment {rs.shocked_edge!r} in segments"))
    if (ec := block.enterprise_concentration) is not None:
        for i, node in enumerate(ec.nodes):
            if node not in nodes:
                out.append((("experiments", "enterprise_concentration", "nodes", i), f"unknown node {node!r}: not in nodes"))
    if (sm := block.segmented_market) is not None:
        for fee, paths in sm.fee_legs.items():
            for i, path in enumerate(paths):
                for j, edge in enumerate(path):
                    if edge not in edges:
                        out.append((("experiments", "segmented_market", "fee_legs", fee, i, j),
                                    f"no segment {edge!r} in segments"))
    return out
