"""What produced a results folder: file and scenario hashes, run ids, package versions, git state,
and the manifest of a run or of an experiment, comparison, sensitivity analysis or calibration.

Nothing here writes a file: the manifest is built as a mapping and written by
:meth:`sim.io.atomic.RunFolder.finish`.
"""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
from collections.abc import Mapping
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - typing only
    from sim.scenario import Scenario

__all__ = [
    "sha256_file",
    "scenario_hash",
    "make_run_id",
    "package_versions",
    "git_commit",
    "git_dirty",
    "json_ready",
    "manifest",
    "code_version",
    "figure_info",
]

_PACKAGES = {
    "routesim": "routesim",
    "mesa": "mesa",
    "numpy": "numpy",
    "pandas": "pandas",
    "networkx": "networkx",
    "pyarrow": "pyarrow",
}

#: The ``sim`` package's folder: where git is asked about the code that ran.
_SIM_FOLDER = Path(__file__).resolve().parents[1]


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
    commit = (_git(Path(path) if path is not None else _SIM_FOLDER, "rev-parse", "HEAD") or "").strip()
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
    folder = Path(path) if path is not None else _SIM_FOLDER
    status = _git(folder, "status", "--porcelain", "--untracked-files=no")
    return None if status is None else bool(status.strip())


def json_ready(value: Any) -> Any:
    """Plain JSON values: numpy scalars to Python, NaN and infinities to None, tuples to lists.

    Parameters
    ----------
    value : Any
        A mapping, list, tuple or scalar (numpy scalars included), nested at any depth.

    Returns
    -------
    Any
        The same structure with string keys, lists for tuples and None for NaN and infinities.

    Examples
    --------
    >>> json_ready({"a": (1, float("nan")), 2: float("inf")})
    {'a': [1, None], '2': None}
    """
    if isinstance(value, Mapping):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    return value


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


def manifest(
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

    Parameters
    ----------
    run_id : str
        The folder's name.
    scenario : Scenario
        The scenario run (for a comparison, the base).
    root_seed : int
    seeds : list of int
        The replicate seeds.
    run_info : mapping
        ``processes``, ``executor``, ``command``, ``end_time``, ``wall_seconds`` (the run before
        writing its folder) and optionally ``writing_seconds`` (writing the folder: tables, figures)
        and ``stranded_demand``.
    start : datetime.datetime
    head : mapping, optional
        Keys put after the run id (e.g. the experiment name).
    mid : mapping, optional
        Keys put after the scenario's files.
    resolved_sha256 : str, optional
        sha256 of ``scenario.resolved.yaml``, when written.

    Returns
    -------
    dict
        The keys of ``manifest.json`` in their order (:func:`sim.io.write_results`, Notes).
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
        **({"writing_seconds": run_info["writing_seconds"]} if "writing_seconds" in run_info else {}),
        # demand bound for destinations without a path (run with --allow-stranded), persons
        **({"stranded_demand": list(run_info["stranded_demand"])} if run_info.get("stranded_demand") else {}),
    }


def code_version() -> str:
    """The code that ran, in a few words: routesim's version and the git commit (``+dirty`` when
    tracked files are modified).

    Returns
    -------
    str
        For example ``routesim 0.1.0, git 1048ba3c2d+dirty``; without git, the version alone.
    """
    version = package_versions().get("routesim") or "(source tree)"
    commit = git_commit()
    if not commit:
        return f"routesim {version}"
    return f"routesim {version}, git {commit[:10]}{'+dirty' if git_dirty() else ''}"


def figure_info(run_id: str, scenario: Scenario, root_seed: int, seeds: list[int],
                **extra: Any) -> dict[str, Any]:
    """What the footer of a results folder's figures says (:func:`sim.plots.canvas.footer_text`):
    the manifest's keys that identify the run, experiment, comparison, sensitivity analysis or
    calibration.

    Parameters
    ----------
    run_id : str
    scenario : Scenario
        The scenario run (for a comparison, the base).
    root_seed : int
    seeds : list of int
        The replicate seeds.
    **extra
        Further keys of the footer, e.g. ``kind``, ``variants`` (a comparison), ``method`` and
        ``sample_points`` (a sensitivity analysis), ``replicates_per``, ``trials``, ``budget``,
        ``calibration_seed`` and ``window`` (a calibration); None values are left out.

    Returns
    -------
    dict
        ``scenario``, ``run_id``, ``root_seed``, ``replicate_seeds``, ``replicates``,
        ``persons_per_agent`` and ``code_version`` (:func:`code_version`), then ``extra``.
    """
    return {
        "scenario": scenario.name,
        "run_id": run_id,
        "root_seed": int(root_seed),
        "replicate_seeds": [int(s) for s in seeds],
        "replicates": len(seeds),
        "persons_per_agent": int(scenario.persons_per_agent),
        "code_version": code_version(),
        **{key: value for key, value in extra.items() if value is not None},
    }
