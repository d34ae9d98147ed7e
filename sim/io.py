"""Results folders: the only module that writes files.

A run is published as ``ROOT/<scenario name>/<run-id>/`` (DESIGN section 6). Everything is first
written into a hidden sibling ``.<run-id>.<pid>.tmp`` and renamed to ``<run-id>`` when complete; on any
error (or interruption) the temporary folder is removed, so a results folder either exists complete, with
a ``manifest.json`` whose status is ``complete``, or not at all. A temporary folder left by a process that
was killed (``kill -9``) is removed by the next write under the same parent (its pid no longer exists).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover - typing only
    from matplotlib.figure import Figure

    from sim.scenario import Scenario

__all__ = [
    "TABLE_FILES",
    "TABLE_SCHEMAS",
    "check_writable",
    "FIGURE_NAMES",
    "sha256_file",
    "scenario_hash",
    "make_run_id",
    "package_versions",
    "git_commit",
    "git_dirty",
    "write_results",
    "write_experiment",
    "write_csv_files",
    "read_run",
    "read_calibration_window",
    "write_validation",
    "write_comparison",
    "write_sensitivity",
    "calibration_store",
    "write_calibration",
]

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
}


def _write_parquet(frame: pd.DataFrame, path: Path, table: str) -> None:
    """Write a table as Parquet, with its fixed schema from :data:`TABLE_SCHEMAS` when it has one.

    A frame whose columns are not exactly the schema's is written with inferred types.
    """
    schema = TABLE_SCHEMAS.get(table)
    if schema is not None and set(frame.columns) == set(schema.names):
        frame[schema.names].to_parquet(path, index=False, schema=schema)
    else:
        frame.to_parquet(path, index=False)


#: The figures of a results folder, saved as ``figures/<name>.png``.
FIGURE_NAMES = ("route_map", "detections_by_route", "monthly_series", "enforcement")

_PACKAGES = {
    "routesim": "routesim",
    "mesa": "mesa",
    "numpy": "numpy",
    "pandas": "pandas",
    "networkx": "networkx",
    "pyarrow": "pyarrow",
}


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file's bytes.

    Parameters
    ----------
    path : str or Path
        File to hash.

    Returns
    -------
    str
        64 lowercase hex digits.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def scenario_hash(scenario: Scenario) -> str:
    """Hex sha256 of the scenario's canonical JSON (validated content, table rows included).

    Parameters
    ----------
    scenario : Scenario
        Validated scenario with ``canonical_json() -> str``.

    Returns
    -------
    str
        64 lowercase hex digits; equal for scenarios with equal validated content.
    """
    text = scenario.canonical_json()
    data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    return hashlib.sha256(data).hexdigest()


def make_run_id(start: datetime, seed: int) -> str:
    """Run id ``YYYYmmddTHHMMSSZ-s<seed>`` from a start time (converted to UTC).

    Parameters
    ----------
    start : datetime.datetime
        Start of the run; a naive datetime is taken as UTC.
    seed : int
        Root seed of the run.

    Returns
    -------
    str

    Examples
    --------
    >>> make_run_id(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), 7)
    '20260102T030405Z-s7'
    """
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    return f"{start.astimezone(UTC):%Y%m%dT%H%M%SZ}-s{seed}"


def package_versions() -> dict[str, str | None]:
    """Versions of routesim, mesa, numpy, pandas, networkx, pyarrow and Python.

    Returns
    -------
    dict of str to str or None
        Distribution version strings (None where a distribution is not installed, e.g. routesim run
        from a source tree without ``pip install -e``) and ``python`` (``platform.python_version()``).
    """
    versions: dict[str, str | None] = {}
    for key, dist in _PACKAGES.items():
        try:
            versions[key] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[key] = None
    versions["python"] = platform.python_version()
    return versions


def _git(folder: Path, *args: str) -> str | None:
    """Output of ``git <args>`` run in ``folder``, or None if git fails or is missing."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=folder, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def git_commit(path: str | Path | None = None) -> str | None:
    """The commit checked out where the package lives (``git rev-parse HEAD``), if any.

    Parameters
    ----------
    path : str or Path, optional
        Folder to run git in; default the ``sim`` package's folder.

    Returns
    -------
    str or None
        40 hex digits, or None when git is missing or the folder is not in a repository.
    """
    folder = Path(path) if path is not None else Path(__file__).resolve().parent
    commit = (_git(folder, "rev-parse", "HEAD") or "").strip()
    return commit or None


def git_dirty(path: str | Path | None = None) -> bool | None:
    """Whether tracked files differ from the checked-out commit (``git status``), if in a repository.

    Parameters
    ----------
    path : str or Path, optional
        Folder to run git in; default the ``sim`` package's folder.

    Returns
    -------
    bool or None
        True if some tracked file is modified (untracked files are ignored), None without git.
    """
    folder = Path(path) if path is not None else Path(__file__).resolve().parent
    status = _git(folder, "status", "--porcelain", "--untracked-files=no")
    return None if status is None else bool(status.strip())


def _iso(value: Any) -> str | None:
    """ISO 8601 text of a datetime (UTC if naive), or the value as text."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    return str(value)


def _scenario_files(scenario: Scenario) -> dict[str, str]:
    """sha256 of the scenario YAML and of its CSV tables, keyed by path relative to the YAML."""
    source = getattr(scenario, "source_path", None)
    hashes: dict[str, str] = {}
    if source is not None and Path(source).is_file():
        hashes[Path(source).name] = sha256_file(source)
    table_paths = getattr(scenario, "table_paths", None)
    if table_paths is None:
        return hashes
    base = Path(source).parent if source is not None else Path.cwd()
    for path in table_paths().values():
        path = Path(path)
        if path.is_file():
            hashes[Path(os.path.relpath(path, base)).as_posix()] = sha256_file(path)
    return hashes


def _write_resolved(folder: Path, scenario: Scenario) -> tuple[list[str], str | None]:
    """Write the resolved scenario (:func:`sim.scenario.resolved.resolved_files`) into ``folder``.

    Returns the relative paths written and the sha256 of ``scenario.resolved.yaml`` (``None`` and
    nothing written for an object that is not a :class:`~sim.scenario.Scenario`).
    """
    from sim.scenario import Scenario as ScenarioModel
    from sim.scenario.resolved import RESOLVED_YAML, resolved_files

    if not isinstance(scenario, ScenarioModel):
        return [], None
    written = []
    for rel, text in resolved_files(scenario).items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(rel)
    return written, sha256_file(folder / RESOLVED_YAML)


def _check_tables(tables: Mapping[str, pd.DataFrame]) -> None:
    """Raise ValueError naming every missing table or column before anything is written."""
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


def check_writable(parent: str | Path) -> None:
    """Check, before a long run, that a results folder can be created under ``parent``.

    Creates ``parent`` (and its parents) if missing, creates and removes a temporary folder in it,
    then removes the folders it created, so that nothing is left behind if the run never writes.

    Parameters
    ----------
    parent : str or Path
        The folder that will hold the run folder, e.g. ``results/<scenario>``.

    Raises
    ------
    OSError
        With a message naming the folder, if it cannot be created or written.
    """
    parent = Path(parent)
    created = [p for p in (parent, *parent.parents) if not p.exists()]
    try:
        parent.mkdir(parents=True, exist_ok=True)
        probe = Path(tempfile.mkdtemp(prefix=".write-check-", dir=parent))
        probe.rmdir()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise OSError(f"cannot write results under {parent}: {reason}") from None
    finally:
        for folder in created:  # deepest first
            try:
                folder.rmdir()
            except OSError:
                pass


_TMP = re.compile(r"^\..+\.(\d+)\.tmp$")


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists (on this machine).

    Parameters
    ----------
    pid : int

    Returns
    -------
    bool
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_tmp(parent: Path) -> list[Path]:
    """Remove ``.<name>.<pid>.tmp`` folders under ``parent`` whose pid is not a live process.

    Parameters
    ----------
    parent : Path
        Folder to clean (missing: nothing to do).

    Returns
    -------
    list of Path
        The folders removed.
    """
    removed = []
    if not parent.is_dir():
        return removed
    for entry in parent.iterdir():
        match = _TMP.match(entry.name)
        if match and entry.is_dir() and not pid_alive(int(match.group(1))):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _reserve(parent: Path, run_id: str) -> tuple[str, Path]:
    """Create a fresh temporary folder ``.<run id>.<pid>.tmp`` for a run id not yet used (``-2``,
    ``-3``... added if needed), after removing the temporary folders of dead processes."""
    parent.mkdir(parents=True, exist_ok=True)
    remove_stale_tmp(parent)
    for n in range(1, 10_000):
        candidate = run_id if n == 1 else f"{run_id}-{n}"
        if (parent / candidate).exists():
            continue
        tmp = parent / f".{candidate}.{os.getpid()}.tmp"
        try:
            tmp.mkdir()
        except FileExistsError:
            continue
        return candidate, tmp
    raise FileExistsError(f"no free run id for {run_id} under {parent}")


@contextmanager
def _atomic_folder(parent: Path, run_id: str) -> Iterator[tuple[str, Path]]:
    """Reserve ``parent/.<run-id>.tmp``, yield ``(run id, temporary folder)``, publish on success.

    The temporary folder is renamed to ``parent/<run id>`` when the block completes; on any error
    or interruption it is removed and the exception propagates, so no run folder is left.
    """
    name, tmp = _reserve(parent, run_id)
    try:
        yield name, tmp
        os.rename(tmp, parent / name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _manifest(
    run_id: str,
    scenario: Scenario,
    root_seed: int,
    seeds: list[int],
    run_info: Mapping[str, Any],
    start: datetime,
    *,
    head: Mapping[str, Any] | None = None,
    mid: Mapping[str, Any] | None = None,
    resolved_sha256: str | None = None,
) -> dict[str, Any]:
    """The manifest of a run or experiment folder (without ``files``): what produced it.

    ``head`` goes after the run id (e.g. the experiment name), ``mid`` after the scenario's files.
    """
    return {
        "status": "complete",
        "run_id": run_id,
        **(head or {}),
        "scenario": scenario.name,
        "scenario_hash": scenario_hash(scenario),
        "scenario_source": str(getattr(scenario, "source_path", None) or "") or None,
        "scenario_files": _scenario_files(scenario),
        "scenario_resolved_sha256": resolved_sha256,
        **(mid or {}),
        "root_seed": root_seed,
        "replicate_seeds": seeds,
        "replicates": len(seeds),
        "persons_per_agent": int(scenario.persons_per_agent),
        "processes": run_info.get("processes"),
        "executor": run_info.get("executor"),
        "command": run_info.get("command"),
        "packages": package_versions(),
        "git_commit": git_commit(),
        "git_dirty": git_dirty(),
        "start_time": _iso(start),
        "end_time": _iso(run_info.get("end_time")),
        "wall_seconds": run_info.get("wall_seconds"),
        # demand bound for destinations without a path (run with --allow-stranded), persons
        **({"stranded_demand": list(run_info["stranded_demand"])} if run_info.get("stranded_demand") else {}),
    }


def _write_manifest(folder: Path, manifest: Mapping[str, Any], files: list[str]) -> None:
    """Write ``manifest.json`` with ``files``: sha256 of each listed file (relative paths)."""
    data = {**manifest, "files": {name: sha256_file(folder / name) for name in files}}
    (folder / "manifest.json").write_text(
        json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def _default_figures(scenario: Scenario, tables: Mapping[str, pd.DataFrame]) -> dict[str, Figure]:
    """The three figures of DESIGN section 6, and the adaptive agencies' surges, built from the tables."""
    from sim import plots

    return {
        "route_map": plots.route_map(
            scenario.nodes, scenario.segments, tables.get("crossings_by_edge")
        ),
        "detections_by_route": plots.detections_by_route_bar(tables["detections_by_route"]),
        "monthly_series": plots.monthly_series(tables["detections_monthly"]),
        "enforcement": plots.enforcement_surges(tables["enforcement"]),
    }


def write_results(
    out_root: str | Path,
    scenario: Scenario,
    tables: Mapping[str, pd.DataFrame],
    run_info: Mapping[str, Any],
    *,
    figures: Mapping[str, Figure] | None = None,
    summary: str | None = None,
) -> Path:
    """Write a complete results folder atomically and return its path.

    Parameters
    ----------
    out_root : str or Path
        Output root (``results/`` by default in the CLI); created if missing.
    scenario : Scenario
        The scenario run (``name``, ``canonical_json()``, ``source_path``, ``persons_per_agent``,
        ``nodes``, ``segments``).
    tables : mapping of str to pandas.DataFrame
        The ensemble tables of :func:`sim.runner.run_ensemble` (``detections_monthly``,
        ``crossings_by_edge``, ``hubs``, ``enterprises``, ``prices``, ``exploitation``) and the
        validation tables ``detections_by_route`` and ``deaths_by_route``. Each is written with
        exactly the columns of :data:`TABLE_FILES`, in that order (other columns are left out).
    run_info : mapping
        ``root_seed`` (int, required), ``replicate_seeds`` (list of int), ``start_time`` and
        ``end_time`` (datetime, UTC), ``wall_seconds`` (float), and optionally ``processes`` (int) and
        ``command`` (list of str), copied into the manifest.
    figures : mapping of str to Figure, optional
        Figures to save under ``figures/``; default the three of :data:`FIGURE_NAMES` built with
        :mod:`sim.plots`.
    summary : str, optional
        Text of ``summary.txt``; default the detections table of :func:`sim.summary.format_summary`.

    Returns
    -------
    Path
        ``out_root/<scenario.name>/<run-id>``, run id ``YYYYmmddTHHMMSSZ-s<root seed>`` from
        ``start_time`` (now if absent), with ``-2``, ``-3``... added if that folder exists.

    Raises
    ------
    ValueError
        If a table or column is missing (nothing is created).
    OSError
        If writing fails; the temporary folder is removed and no run folder is left.

    Notes
    -----
    ``manifest.json`` holds: ``status`` ("complete"), ``run_id``, ``scenario`` (name),
    ``scenario_hash`` (sha256 of the canonical JSON), ``scenario_source``, ``scenario_files`` (sha256 of
    the YAML and its CSV tables), ``scenario_resolved_sha256`` (of ``scenario.resolved.yaml``, the
    scenario as run with overlays applied, written with its tables under ``scenario.resolved/``;
    :mod:`sim.scenario.resolved`), ``root_seed``, ``replicate_seeds``, ``replicates``,
    ``persons_per_agent``, ``processes``, ``command``, ``packages`` (versions, with ``python``),
    ``git_commit``, ``git_dirty`` (tracked files modified), ``start_time``, ``end_time``, ``wall_seconds`` and ``files`` (sha256 of every
    other file in the folder, by relative path).
    """
    _check_tables(tables)
    start = run_info.get("start_time") or datetime.now(UTC)
    root_seed = int(run_info["root_seed"])
    parent = Path(out_root) / scenario.name
    with _atomic_folder(parent, make_run_id(start, root_seed)) as (run_id, tmp):
        files: list[str] = []
        for file_name, (table, columns) in TABLE_FILES.items():
            frame = tables[table][columns].reset_index(drop=True)
            path = tmp / file_name
            if file_name.endswith(".csv"):
                frame.to_csv(path, index=False)
            else:
                _write_parquet(frame, path, table)
            files.append(file_name)

        from sim import plots

        if figures is None:
            figures = _default_figures(scenario, tables)
        for path in plots.save_figures(figures, tmp / "figures"):
            files.append(path.relative_to(tmp).as_posix())

        if summary is None:
            from sim.summary import format_summary

            summary = format_summary(tables["detections_by_route"])
        (tmp / "summary.txt").write_text(summary, encoding="utf-8")
        files.append("summary.txt")

        resolved, resolved_sha = _write_resolved(tmp, scenario)
        files += resolved
        seeds = [int(s) for s in run_info.get("replicate_seeds", [])]
        manifest = _manifest(run_id, scenario, root_seed, seeds, run_info, start, resolved_sha256=resolved_sha)
        _write_manifest(tmp, manifest, files)
    return parent / run_id


def _json_ready(value: Any) -> Any:
    """Plain JSON values: numpy scalars to Python, NaN and infinities to None, tuples to lists."""
    if isinstance(value, Mapping):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    return value


def write_experiment(
    out_root: str | Path,
    result: Any,
    run_info: Mapping[str, Any],
    *,
    figures: Mapping[str, Figure] | None = None,
) -> Path:
    """Write an experiment's results folder atomically and return its path.

    Parameters
    ----------
    out_root : str or Path
        Output root; created if missing.
    result : sim.experiments.ExperimentResult
        ``name``, ``scenario``, ``root_seed``, ``replicate_seeds``, ``summary`` (JSON-ready
        mapping), ``tables`` (derived tables) and ``arms`` (arm name to its per-replicate tables).
    run_info : mapping
        ``start_time``, ``end_time`` (datetime, UTC), ``wall_seconds``, and optionally
        ``processes`` and ``command``, copied into the manifest.
    figures : mapping of str to Figure, optional
        Saved as ``figures/<name>.png``; default :func:`sim.plots.experiment_figures`.

    Returns
    -------
    Path
        ``out_root/<scenario name>/<experiment name>/<run-id>`` (run id as
        :func:`make_run_id`), holding ``summary.json`` (NaN written as null), one CSV per derived
        table, ``arms/<arm>/<table>.parquet`` for every arm's tables, ``figures/*.png`` and
        ``manifest.json`` (as :func:`write_results`, plus ``experiment`` and ``arms``; the
        scenario hash is the base scenario's).

    Raises
    ------
    OSError
        If writing fails; nothing is left behind.
    """
    scenario = result.scenario
    start = run_info.get("start_time") or datetime.now(UTC)
    parent = Path(out_root) / scenario.name / result.name
    with _atomic_folder(parent, make_run_id(start, int(result.root_seed))) as (run_id, tmp):
        files: list[str] = []
        (tmp / "summary.json").write_text(
            json.dumps(_json_ready(result.summary), indent=2, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        files.append("summary.json")
        for name, frame in result.tables.items():
            frame.reset_index(drop=True).to_csv(tmp / f"{name}.csv", index=False)
            files.append(f"{name}.csv")
        for arm, tables in result.arms.items():
            folder = tmp / "arms" / arm
            folder.mkdir(parents=True)
            for name, frame in tables.items():
                _write_parquet(frame.reset_index(drop=True), folder / f"{name}.parquet", name)
                files.append(f"arms/{arm}/{name}.parquet")

        from sim import plots

        if figures is None:
            figures = plots.experiment_figures(result)
        for path in plots.save_figures(figures, tmp / "figures"):
            files.append(path.relative_to(tmp).as_posix())

        resolved, resolved_sha = _write_resolved(tmp, scenario)
        files += resolved
        seeds = [int(s) for s in result.replicate_seeds]
        manifest = _manifest(run_id, scenario, int(result.root_seed), seeds, run_info, start,
                             head={"experiment": result.name}, mid={"arms": sorted(result.arms)},
                             resolved_sha256=resolved_sha)
        _write_manifest(tmp, manifest, files)
    return parent / run_id


def write_csv_files(folder: str | Path, frames: Mapping[str, pd.DataFrame]) -> list[Path]:
    """Write CSV tables into an existing folder, all or none (e.g. a scenario's demand tables).

    Each table is written to a hidden temporary file in ``folder`` first; only when every one is
    written are they renamed over their targets, so an error leaves the old files untouched.
    Output is deterministic: no index, ``\\n`` line ends, pandas' default float format.

    Parameters
    ----------
    folder : str or Path
        Existing folder.
    frames : mapping of str to pandas.DataFrame
        File name (e.g. ``"demand.csv"``) to table.

    Returns
    -------
    list of Path
        The files written, in the order of ``frames``.

    Raises
    ------
    OSError
        If the folder is missing or a file cannot be written (temporary files are removed).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise OSError(f"not a folder: {folder}")
    written: list[tuple[Path, Path]] = []
    try:
        for name, frame in frames.items():
            target = folder / name
            handle, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
            os.close(handle)
            tmp = Path(tmp_name)
            written.append((tmp, target))
            frame.to_csv(tmp, index=False, lineterminator="\n")
        for tmp, target in written:
            os.replace(tmp, target)
    except BaseException:
        for tmp, _ in written:
            tmp.unlink(missing_ok=True)
        raise
    return [target for _, target in written]


def read_run(folder: str | Path) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Read the tables validation needs from a results folder, and its manifest.

    Parameters
    ----------
    folder : str or Path
        A run folder of :func:`write_results` (``detections_monthly.parquet``,
        ``crossings_by_edge.parquet``, ``manifest.json``).

    Returns
    -------
    tuple
        ``({"detections_monthly": ..., "crossings_by_edge": ...}, manifest)``; the manifest is
        ``{}`` if the file is missing.

    Raises
    ------
    OSError
        If the folder or a table is missing or unreadable (message names the file).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise OSError(f"run folder not found: {folder}")
    tables: dict[str, pd.DataFrame] = {}
    for name in ("detections_monthly", "crossings_by_edge"):
        path = folder / f"{name}.parquet"
        if not path.is_file():
            raise OSError(f"{path}: missing (not a routesim run folder?)")
        try:
            tables[name] = pd.read_parquet(path)
        except Exception as err:  # pyarrow raises its own types for a damaged file
            raise OSError(f"{path}: cannot read: {err}") from None
    manifest_path = folder / "manifest.json"
    manifest: dict[str, Any] = {}
    if manifest_path.is_file():
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise OSError(f"{manifest_path}: cannot read: {err}") from None
    return tables, manifest


def write_validation(folder: str | Path, table: pd.DataFrame, name: str = "validation.csv") -> Path:
    """Write a validation table into a run folder (atomically: temporary file, then rename).

    The run's ``manifest.json`` is left as it is: the validation file is derived from the
    folder's tables and observed data, and can be rewritten at any time.

    Parameters
    ----------
    folder : str or Path
        The run folder.
    table : pandas.DataFrame
        The table of :func:`sim.validation.validation_table` (one or several years).
    name : str, default "validation.csv"

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    OSError
        If it cannot be written (nothing is left behind).
    """
    return write_csv_files(folder, {name: table})[0]


def read_calibration_window(scenario_source: str | Path | None) -> tuple[str, str] | None:
    """The calibration window recorded beside a scenario written by ``routesim calibrate``.

    Parameters
    ----------
    scenario_source : str or Path or None
        A run's ``manifest.json`` ``scenario_source`` (the YAML the run was made from).

    Returns
    -------
    tuple of str or None
        ``(first, last)`` months ``YYYY-MM`` from ``calibration.json`` in the YAML's folder (a
        calibration results folder), or None when there is none (not a calibrated scenario).
    """
    if not scenario_source:
        return None
    info = Path(scenario_source).parent / "calibration.json"
    if not info.is_file():
        return None
    try:
        window = json.loads(info.read_text(encoding="utf-8"))["window"]
        return str(window[0]), str(window[1])
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None


def write_comparison(
    out_root: str | Path,
    result: Any,
    run_info: Mapping[str, Any],
    *,
    figures: Mapping[str, Figure] | None = None,
    summary: str | None = None,
) -> Path:
    """Write a comparison's results folder atomically and return its path.

    Parameters
    ----------
    out_root : str or Path
        Output root; created if missing.
    result : sim.compare.ComparisonResult
        ``base`` and ``variants`` (label to scenario), ``root_seed``, ``replicate_seeds``,
        ``comparison``, ``per_replicate``, ``monthly`` and ``arms`` (label to per-replicate tables).
    run_info : mapping
        ``start_time``, ``end_time``, ``wall_seconds``, and optionally ``processes``, ``executor``
        and ``command``, copied into the manifest.
    figures : mapping of str to Figure, optional
        Default the forest plot (``figures/forest.png``) and the monthly difference
        (``figures/monthly_difference.png``) of :mod:`sim.plots`.
    summary : str, optional
        Text of ``summary.txt``.

    Returns
    -------
    Path
        ``out_root/<base scenario name>/compare/<run-id>``, holding ``comparison.csv``,
        ``per_replicate.csv`` (the paired values every interval is computed from),
        ``monthly_difference.csv``, ``arms/<label>/<table>.parquet`` (``base`` and each variant),
        ``figures/*.png``, ``summary.txt`` and ``manifest.json`` (as :func:`write_results`, plus
        ``variants``: label to scenario name, hash and source; the scenario hash is the base's).

    Raises
    ------
    OSError
        If writing fails; nothing is left behind.
    """
    base = result.base
    start = run_info.get("start_time") or datetime.now(UTC)
    parent = Path(out_root) / base.name / "compare"
    with _atomic_folder(parent, make_run_id(start, int(result.root_seed))) as (run_id, tmp):
        files: list[str] = []
        for name, frame in (("comparison", result.comparison),
                            ("per_replicate", result.per_replicate),
                            ("monthly_difference", result.monthly)):
            frame.reset_index(drop=True).to_csv(tmp / f"{name}.csv", index=False)
            files.append(f"{name}.csv")
        for arm, tables in result.arms.items():
            folder = tmp / "arms" / arm
            folder.mkdir(parents=True)
            for name, frame in tables.items():
                frame.reset_index(drop=True).to_parquet(folder / f"{name}.parquet", index=False)
                files.append(f"arms/{arm}/{name}.parquet")

        from sim import plots

        if figures is None:
            figures = {"forest": plots.comparison_forest(result.comparison),
                       "monthly_difference": plots.comparison_monthly(result.monthly)}
        for path in plots.save_figures(figures, tmp / "figures"):
            files.append(path.relative_to(tmp).as_posix())
        if summary is not None:
            (tmp / "summary.txt").write_text(summary, encoding="utf-8")
            files.append("summary.txt")

        seeds = [int(s) for s in result.replicate_seeds]
        variants = {
            label: {"scenario": sc.name, "scenario_hash": scenario_hash(sc),
                    "scenario_source": str(getattr(sc, "source_path", None) or "") or None}
            for label, sc in result.variants.items()
        }
        manifest = _manifest(run_id, base, int(result.root_seed), seeds, run_info, start,
                             head={"kind": "compare", "interval": f"{round(result.level * 100)} % "
                                   "t-interval of the mean paired difference"},
                             mid={"variants": variants})
        _write_manifest(tmp, manifest, files)
    return parent / run_id


def write_sensitivity(
    out_root: str | Path,
    result: Any,
    run_info: Mapping[str, Any],
    *,
    summary: str | None = None,
) -> Path:
    """Write a sensitivity analysis's results folder atomically and return its path.

    Parameters
    ----------
    out_root : str or Path
    result : sim.sensitivity.SensitivityResult
    run_info : mapping
        As :func:`write_comparison`.
    summary : str, optional
        Text of ``summary.txt``.

    Returns
    -------
    Path
        ``out_root/<scenario>/sensitivity/<run-id>`` with ``samples.csv`` (sample id and parameter
        values), ``outputs.csv`` (sample id and outputs, in sample order), ``indices.csv`` (output,
        parameter, indices with their 95 %% half-widths), ``figures/sensitivity.png``,
        ``summary.txt`` and ``manifest.json`` (plus ``method``, ``year``, ``sample_points`` and the
        parameters with their bounds).

    Raises
    ------
    OSError
        If writing fails; nothing is left behind.
    """
    scenario = result.scenario
    start = run_info.get("start_time") or datetime.now(UTC)
    parent = Path(out_root) / scenario.name / "sensitivity"
    with _atomic_folder(parent, make_run_id(start, int(result.root_seed))) as (run_id, tmp):
        files: list[str] = []
        for name, frame in (("samples", result.samples), ("outputs", result.outputs),
                            ("indices", result.indices)):
            frame.reset_index(drop=True).to_csv(tmp / f"{name}.csv", index=False)
            files.append(f"{name}.csv")
        from sim import plots

        figures = {"sensitivity": plots.sensitivity_figure(result.indices, result.method)}
        for path in plots.save_figures(figures, tmp / "figures"):
            files.append(path.relative_to(tmp).as_posix())
        if summary is not None:
            (tmp / "summary.txt").write_text(summary, encoding="utf-8")
            files.append("summary.txt")
        parameters = [{"name": s.name, "low": s.low, "high": s.high, "default": s.default,
                       "kind": s.kind} for s in result.specs]
        manifest = _manifest(
            run_id, scenario, int(result.root_seed), [int(s) for s in result.replicate_seeds],
            run_info, start,
            head={"kind": "sensitivity", "method": result.method, "year": result.year,
                  "sample_points": len(result.samples)},
            mid={"parameters": _json_ready(parameters)},
        )
        _write_manifest(tmp, manifest, files)
    return parent / run_id


def calibration_store(out_root: str | Path, scenario: Scenario, key: Mapping[str, Any]) -> Path:
    """Path of a calibration's trial store (SQLite), created folder included.

    The store lives at ``out_root/<scenario>/calibration/.store/<digest>.sqlite3`` where
    ``digest`` is the sha256 (first 16 hex digits) of the scenario hash and of ``key`` (window,
    seed, replicates, persons per agent, fitted parameters and bounds): the same command finds the
    same store and resumes it; any change of what the trials mean starts a new one. The budget is
    not in the key, so a larger budget extends a finished study.

    Parameters
    ----------
    out_root : str or Path
    scenario : Scenario
    key : mapping
        JSON-serialisable description of the study.

    Returns
    -------
    Path
    """
    text = json.dumps({"scenario": scenario_hash(scenario), **_json_ready(dict(key))},
                      sort_keys=True)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    folder = Path(out_root) / scenario.name / "calibration" / ".store"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{digest}.sqlite3"


def write_calibration(
    out_root: str | Path,
    scenario: Scenario,
    result: Any,
    run_info: Mapping[str, Any],
    *,
    store: str | Path | None = None,
) -> Path:
    """Write a calibration's results folder atomically and return its path.

    Parameters
    ----------
    out_root : str or Path
        Output root.
    scenario : Scenario
        The scenario fitted (its ``source_path`` is what the overlay ``extends``).
    result : sim.calibrate.CalibrationResult
    run_info : mapping
        ``start_time``, ``end_time`` (datetime), ``wall_seconds``, ``command`` (list of str),
        ``processes``.
    store : str or Path, optional
        The trial store (SQLite) to copy into the folder as ``trials.sqlite3``.

    Returns
    -------
    Path
        ``out_root/<scenario>/calibration/<run-id>`` holding ``trials.parquet`` (every trial:
        parameters, loss, per-target errors), ``best_scenario.yaml`` (an overlay that
        ``extends:`` the input scenario by a path relative to the folder, with the best
        parameters), ``calibration.json`` (window, settings, targets, loss definition, fitted
        parameters with their ranges, best values and loss), ``figures/convergence.png``,
        ``trials.sqlite3`` and ``manifest.json`` (as :func:`write_results`, plus ``optuna``
        version, ``calibration_seed``, ``budget``, ``window``).

    Raises
    ------
    OSError
        If writing fails; nothing is left behind.
    """
    from ruamel.yaml import YAML

    from sim import plots
    from sim.parameters import as_overlay

    settings = result.settings
    start = run_info.get("start_time") or datetime.now(UTC)
    parent = Path(out_root) / scenario.name / "calibration"
    source = getattr(scenario, "source_path", None)
    with _atomic_folder(parent, make_run_id(start, int(settings.seed))) as (run_id, tmp):
        files: list[str] = []
        result.trials.to_parquet(tmp / "trials.parquet", index=False)
        files.append("trials.parquet")

        final = parent / run_id
        overlay: dict[str, Any] = {}
        if source is not None:
            overlay["extends"] = Path(os.path.relpath(Path(source).resolve(),
                                                      final.resolve())).as_posix()
        overlay["name"] = f"{scenario.name}_calibrated"
        overlay["description"] = (
            f"{scenario.name} with the fitted parameters of calibration {run_id} "
            f"(window {settings.window[0]}..{settings.window[1]}, best of "
            f"{int((result.trials['state'] == 'COMPLETE').sum())} trials, loss {result.best_loss:.4f})"
        )
        overlay["parameters"] = _json_ready(as_overlay(result.best_values))
        yaml = YAML()
        yaml.default_flow_style = False
        with open(tmp / "best_scenario.yaml", "w", encoding="utf-8") as handle:
            handle.write(f"# Written by routesim calibrate ({run_id}); calibration.json beside it\n")
            yaml.dump(overlay, handle)
        files.append("best_scenario.yaml")

        info = {
            "window": list(settings.window),
            "budget": settings.budget,
            "replicates": settings.replicates,
            "seed": settings.seed,
            "processes": settings.processes,
            "persons_per_agent": int(scenario.persons_per_agent),
            "optuna": result.optuna_version,
            "sampler": "TPESampler (univariate), reseeded before each trial",
            "loss": "C1 + C2 + C3 + M (sim.calibrate module docstring)",
            "targets": result.targets,
            "fitted": [
                {"name": s.name, "default": s.default, "low": s.low, "high": s.high,
                 "unit": getattr(s, "unit", None), "source": getattr(s, "source", None),
                 "log_scale": bool(float(s.low) > 0 and float(s.high) / float(s.low) > 20),
                 "best": result.best_values[s.name]}
                for s in result.specs
            ],
            "best_loss": result.best_loss,
            "best_trial": result.extra.get("best_trial"),
            "trials_complete": int((result.trials["state"] == "COMPLETE").sum()),
            "trials_resumed": result.resumed_trials,
            "wall_seconds": result.wall_seconds,
        }
        (tmp / "calibration.json").write_text(
            json.dumps(_json_ready(info), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        files.append("calibration.json")

        figures = {"convergence": plots.calibration_convergence(result.trials)}
        for path in plots.save_figures(figures, tmp / "figures"):
            files.append(path.relative_to(tmp).as_posix())
        if store is not None and Path(store).is_file():
            shutil.copyfile(store, tmp / "trials.sqlite3")
            files.append("trials.sqlite3")

        seeds = [int(s) for s in run_info.get("replicate_seeds", [])]
        manifest = _manifest(
            run_id, scenario, int(settings.seed), seeds, run_info, start,
            head={"command_name": "calibrate"},
            mid={"optuna": result.optuna_version, "calibration_seed": settings.seed,
                 "budget": settings.budget, "window": list(settings.window)},
        )
        _write_manifest(tmp, manifest, files)
    return parent / run_id
