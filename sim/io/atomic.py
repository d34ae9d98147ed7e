"""Writing atomically: a results folder exists complete or not at all, a set of files is replaced
all or none.

A results folder is first written into a hidden sibling ``.<run-id>.<pid>.tmp`` and renamed to
``<run-id>`` when complete (:func:`run_folder`, with :class:`RunFolder` keeping the list of files for
the manifest); on any error or interruption the temporary folder is removed. A temporary folder left
by a process that was killed (``kill -9``) is removed by the next write under the same parent, its
pid no longer being alive (:func:`remove_stale_tmp`). Files written into an existing folder
(:func:`write_csv_files`, :func:`write_figures`) go to a hidden temporary folder inside it first and
are moved over their targets only when every one is written.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.io.provenance import make_run_id, manifest, sha256_file
from sim.io.tables import write_parquet

if TYPE_CHECKING:  # pragma: no cover - typing only
    from matplotlib.figure import Figure

    from sim.scenario import Scenario

#: Floats in a results folder's CSV tables: ten significant digits, so that a count reads ``170664``
#: (not ``170664.0``) and a percentile ``51419.6`` (not ``51419.59999999999``); the Parquet tables
#: keep full precision.
CSV_FLOAT_FORMAT = "%.10g"

__all__ = [
    "check_writable",
    "pid_alive",
    "remove_stale_tmp",
    "write_csv_files",
    "write_figures",
    "RunFolder",
    "run_folder",
]


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


def _replace_together(folder: Path, names: list[str], write: Callable[[str, Path], None]) -> list[Path]:
    """Write ``folder/<name>`` for every name, all or none.

    ``write(name, path)`` writes one file at ``path`` in a hidden temporary folder
    ``.write.<random>.<pid>.tmp`` inside ``folder``; when every one is written they are moved over
    their targets, and the temporary folder is removed whatever happens.
    """
    tmp = Path(tempfile.mkdtemp(prefix=".write.", suffix=f".{os.getpid()}.tmp", dir=folder))
    try:
        for name in names:
            write(name, tmp / name)
        for name in names:
            os.replace(tmp / name, folder / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return [folder / name for name in names]


def write_csv_files(folder: str | Path, frames: Mapping[str, pd.DataFrame],
                    float_format: str | None = None) -> list[Path]:
    """Write CSV tables into an existing folder, all or none (e.g. a scenario's demand tables).

    Each table is written into a hidden temporary folder in ``folder`` first; only when every one
    is written are they moved over their targets, so an error leaves the old files untouched.
    Output is deterministic: no index, ``\\n`` line ends, floats in ``float_format`` (default pandas'
    shortest round-trip form).

    Parameters
    ----------
    folder : str or Path
        Existing folder.
    frames : mapping of str to pandas.DataFrame
        File name (e.g. ``"demand.csv"``) to table.
    float_format : str, optional
        A ``%`` format for floats (a results folder's tables: :data:`CSV_FLOAT_FORMAT`).

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
    return _replace_together(
        folder, list(frames), lambda name, path: frames[name].to_csv(path, index=False, lineterminator="\n",
                                               float_format=float_format)
    )


def write_figures(figures: Mapping[str, Figure], folder: str | Path, dpi: int = 120) -> list[Path]:
    """Save figures as PNG files named after their keys, all or none.

    The figures are built by :mod:`sim.plots`, which never writes a file.

    Parameters
    ----------
    figures : mapping of str to matplotlib.figure.Figure
        File stem (``route_map`` gives ``route_map.png``) to figure.
    folder : str or Path
        Target folder, created if missing.
    dpi : int, default 120
        Resolution (dots per inch).

    Returns
    -------
    list of Path
        The written files, in the mapping's order.

    Raises
    ------
    OSError
        If a figure cannot be written (no file of this call is left, the old ones are untouched).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    pngs = {f"{name}.png": fig for name, fig in figures.items()}
    return _replace_together(folder, list(pngs), lambda name, path: pngs[name].savefig(path, dpi=dpi, format="png"))


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


class RunFolder:
    """A results folder being written: its temporary folder and the files put in it, in order.

    Made by :func:`run_folder`. Every ``write``-method records the file's path relative to the
    folder; :meth:`finish` writes ``manifest.json`` with the sha256 of each of them.

    Attributes
    ----------
    run_id : str
        The folder's final name.
    path : Path
        The temporary folder written into.
    final : Path
        Where the folder is published (``parent/<run id>``).
    start : datetime.datetime
        Start of the run (UTC), from which the run id is made.
    seed : int
        The root seed (the ``-s<seed>`` of the run id, ``root_seed`` of the manifest).
    files : list of str
        The files written so far (relative paths, forward slashes).
    """

    def __init__(self, run_id: str, path: Path, final: Path, start: datetime, seed: int) -> None:
        self.run_id, self.path, self.final, self.start, self.seed = run_id, path, final, start, seed
        self.files: list[str] = []
        self._clock = time.perf_counter()  # writing_seconds: from here to the manifest
        self.resolved_sha256: str | None = None

    def _add(self, rel: str) -> Path:
        self.files.append(rel)
        return self.path / rel

    def write_csv(self, name: str, frame: pd.DataFrame) -> None:
        """Write ``frame`` as CSV (no index) to ``name``, floats to :data:`CSV_FLOAT_FORMAT`."""
        frame.reset_index(drop=True).to_csv(self._add(name), index=False, float_format=CSV_FLOAT_FORMAT)

    def write_parquet(self, rel: str, frame: pd.DataFrame, table: str | None = None) -> None:
        """Write ``frame`` as Parquet to ``rel`` (:func:`sim.io.tables.write_parquet`)."""
        write_parquet(frame.reset_index(drop=True), self._add(rel), table)

    def write_arms(self, arms: Mapping[str, Mapping[str, pd.DataFrame]], *, typed: bool) -> None:
        """Write ``arms/<arm>/<table>.parquet`` for every arm's tables (with the fixed schemas of
        :data:`sim.io.tables.TABLE_SCHEMAS` if ``typed``)."""
        for arm, tables in arms.items():
            (self.path / "arms" / arm).mkdir(parents=True)
            for name, frame in tables.items():
                self.write_parquet(f"arms/{arm}/{name}.parquet", frame, name if typed else None)

    def write_text(self, name: str, text: str) -> None:
        """Write ``text`` (UTF-8) to ``name``."""
        self._add(name).write_text(text, encoding="utf-8")

    def write_json(self, name: str, data: Any) -> None:
        """Write ``data`` as indented JSON (UTF-8, a final newline) to ``name``."""
        self.write_text(name, _json_text(data))

    def write_figures(
        self,
        figures: Mapping[str, Figure] | None,
        default: Callable[[ModuleType], Mapping[str, Figure]] | None = None,
    ) -> None:
        """Save ``figures`` under ``figures/`` (:func:`write_figures`).

        Without ``figures``, ``default`` is called with the :mod:`sim.plots` package (imported only
        then, so that writing tables never imports matplotlib) and its figures are saved.
        """
        if figures is None:
            from sim import plots

            figures = default(plots) if default is not None else {}
        for path in write_figures(figures, self.path / "figures"):
            self.files.append(path.relative_to(self.path).as_posix())

    def copy_file(self, source: str | Path, name: str) -> None:
        """Copy the file ``source`` to ``name``."""
        shutil.copyfile(source, self._add(name))

    def write_resolved(self, scenario: Scenario) -> None:
        """Write the resolved scenario (:func:`sim.scenario.resolved.resolved_files`), and keep the
        sha256 of ``scenario.resolved.yaml`` for the manifest (nothing for an object that is not a
        :class:`~sim.scenario.Scenario`)."""
        from sim.scenario import Scenario as ScenarioModel
        from sim.scenario.resolved import RESOLVED_YAML, resolved_files

        if not isinstance(scenario, ScenarioModel):
            return
        for rel, text in resolved_files(scenario).items():
            (self.path / rel).parent.mkdir(parents=True, exist_ok=True)
            self.write_text(rel, text)
        self.resolved_sha256 = sha256_file(self.path / RESOLVED_YAML)

    def finish(
        self,
        scenario: Scenario,
        seeds: list[int],
        run_info: Mapping[str, Any],
        *,
        head: Mapping[str, Any] | None = None,
        mid: Mapping[str, Any] | None = None,
    ) -> None:
        """Write ``manifest.json`` (:func:`sim.io.provenance.manifest`) with ``writing_seconds`` (the
        time spent writing this folder: tables, figures, summary; ``wall_seconds`` is the run's time
        before it) and ``files``: the sha256 of every file written, by relative path."""
        info = {**run_info, "writing_seconds": round(time.perf_counter() - self._clock, 3)}
        data = manifest(self.run_id, scenario, self.seed, seeds, info, self.start, head=head, mid=mid,
                        resolved_sha256=self.resolved_sha256)
        data["files"] = {name: sha256_file(self.path / name) for name in self.files}
        (self.path / "manifest.json").write_text(_json_text(data), encoding="utf-8")


def _json_text(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@contextmanager
def run_folder(parent: str | Path, run_info: Mapping[str, Any], seed: int) -> Iterator[RunFolder]:
    """Write a results folder under ``parent`` atomically.

    Reserves ``parent/.<run id>.<pid>.tmp``, yields a :class:`RunFolder` to write into, and renames
    it to ``parent/<run id>`` when the block completes; on any error or interruption the temporary
    folder is removed and the exception propagates, so no results folder is left.

    Parameters
    ----------
    parent : str or Path
        Folder of the results folders (created if missing).
    run_info : mapping
        ``start_time`` (datetime; now if absent) makes the run id with ``seed``.
    seed : int
        Root seed.

    Yields
    ------
    RunFolder
        Run id ``YYYYmmddTHHMMSSZ-s<seed>`` (:func:`sim.io.provenance.make_run_id`), with ``-2``,
        ``-3``... added if that folder exists.
    """
    parent = Path(parent)
    start = run_info.get("start_time") or datetime.now(UTC)
    name, tmp = _reserve(parent, make_run_id(start, seed))
    try:
        yield RunFolder(name, tmp, parent / name, start, seed)
        os.rename(tmp, parent / name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
