"""The tables of a results folder: file names, column orders and fixed Parquet schemas.

:data:`TABLE_FILES` says which file holds which table with exactly which columns (DESIGN section 6);
:data:`TABLE_SCHEMAS` gives each Parquet table one Arrow schema, so that runs read together through
``pyarrow.dataset`` even where a table is empty; :func:`write_parquet` writes a table with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["TABLE_FILES", "TABLE_SCHEMAS", "write_parquet", "check_tables"]

#: Output file name to (table name, exact column order), as DESIGN section 6. The validation tables
#: (``detections_by_route``, ``deaths_by_route``) have ``observed_2014`` for the 2014 comparison.
TABLE_FILES: dict[str, tuple[str, list[str]]] = {
    "detections_by_route.csv": (
        "detections_by_route",
        [
            "route",
            "type",
            "observed_2014",
            "simulated_mean",
            "simulated_p05",
            "simulated_p95",
            "relative_error",
        ],
    ),
    "detections_monthly.parquet": (
        "detections_monthly",
        ["replicate", "seed", "route", "type", "origin_group", "month", "detections"],
    ),
    "crossings_by_edge.parquet": (
        "crossings_by_edge",
        [
            "replicate",
            "seed",
            "month",
            "edge",
            "frontex_route",
            "frontex_type",
            "attempts",
            "prevented",
            "detections",
            "undetected",
            "first_entries",
            "deaths",
        ],
    ),
    "deaths_by_route.csv": (
        "deaths_by_route",
        ["route", "observed_2014", "simulated_mean", "simulated_p05", "simulated_p95"],
    ),
    "hubs.parquet": (
        "hubs",
        [
            "replicate",
            "seed",
            "date",
            "node",
            "kind",
            "throughput",
            "queue",
            "reputation",
            "price_index",
            "enterprises",
        ],
    ),
    "enterprises.parquet": (
        "enterprises",
        [
            "replicate",
            "seed",
            "date",
            "node",
            "enterprises",
            "hhi",
            "mean_members",
            "mean_segments",
            "partnerships",
            "package_share",
        ],
    ),
    "prices.parquet": (
        "prices",
        ["replicate", "seed", "month", "segment", "service_level", "price_mean_eur", "sold"],
    ),
    "exploitation.csv": (
        "exploitation",
        ["replicate", "seed", "year", "node", "sex", "minor", "cases", "classification"],
    ),
    # not in DESIGN section 6: when and how strongly adaptive agencies reacted
    "enforcement.parquet": (
        "enforcement",
        ["replicate", "seed", "month", "agency", "target", "side", "policy", "effort", "surge"],
    ),
    # not in DESIGN section 6: detention with finite places (mechanism f), per detaining agency row
    "detention.parquet": (
        "detention",
        ["replicate", "seed", "month", "agency", "target", "places", "held", "admitted", "no_place"],
    ),
}


def _schema(**columns: Any) -> Any:
    import pyarrow as pa

    kinds = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
    return pa.schema([(name, kinds[kind]) for name, kind in columns.items()])


_RS = {"replicate": "int", "seed": "int"}

#: One fixed Arrow schema per Parquet table (column types of a run that spawned migrants), so that
#: runs with no rows in a table (e.g. nobody spawned) read together with others through
#: ``pyarrow.dataset``: text columns stay strings even when a table is empty.
TABLE_SCHEMAS: dict[str, Any] = {
    "detections_monthly": _schema(**_RS, route="str", type="str", origin_group="str", month="str",
                                  detections="float"),
    "crossings_by_edge": _schema(**_RS, month="str", edge="str", frontex_route="str", frontex_type="str",
                                 attempts="float", prevented="float", detections="float", undetected="float",
                                 first_entries="float", deaths="float"),
    "deaths_monthly": _schema(**_RS, route="str", month="str", deaths="float"),
    "hubs": _schema(**_RS, date="str", node="str", kind="str", throughput="float", queue="int",
                    reputation="float", price_index="float", enterprises="int"),
    "enterprises": _schema(**_RS, date="str", node="str", enterprises="int", hhi="float",
                           mean_members="float", mean_segments="float", partnerships="int",
                           package_share="float"),
    "prices": _schema(**_RS, month="str", segment="str", service_level="str", price_mean_eur="float",
                      sold="float"),
    "exploitation": _schema(**_RS, year="int", node="str", sex="str", minor="bool", cases="int",
                            classification="str"),
    "enforcement": _schema(**_RS, month="str", agency="str", target="str", side="str", policy="str",
                           effort="float", surge="float"),
    "detention": _schema(**_RS, month="str", agency="str", target="str", places="float", held="float",
                         admitted="float", no_place="float"),
}


def write_parquet(frame: pd.DataFrame, path: str | Path, table: str | None = None) -> None:
    """Write a table as Parquet, with its fixed schema from :data:`TABLE_SCHEMAS` when it has one.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table (its index is not written).
    path : str or Path
        Target file (inside a folder being written atomically).
    table : str, optional
        Table name (a key of :data:`TABLE_SCHEMAS`). A frame whose columns are not exactly the
        schema's, or with no ``table``, is written with inferred types.
    """
    schema = TABLE_SCHEMAS.get(table) if table is not None else None
    if schema is not None and set(frame.columns) == set(schema.names):
        frame[schema.names].to_parquet(path, index=False, schema=schema)
    else:
        frame.to_parquet(path, index=False)


def check_tables(tables: Mapping[str, pd.DataFrame]) -> None:
    """Check that every table and column of :data:`TABLE_FILES` is there, before anything is written.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Table name to table.

    Raises
    ------
    ValueError
        Naming every missing table or column (one line each).
    """
    problems = []
    for file_name, (table, columns) in TABLE_FILES.items():
        if table not in tables:
            problems.append(f"{file_name}: table {table!r} missing")
            continue
        missing = [c for c in columns if c not in tables[table].columns]
        if missing:
            problems.append(f"{file_name}: columns missing: {', '.join(missing)}")
    if problems:
        raise ValueError("cannot write results:\n" + "\n".join(problems))
