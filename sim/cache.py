"""The replicate cache: finished replicates on disk, so an interrupted ensemble resumes.

A replicate is pure in ``(scenario, seed)`` for a given code, so its tables are stored under the key
``(scenario hash, seed, code version)``:

    <root>/<scenario hash[:16]>/<code version[:16]>/<seed>/<table>.parquet

(Parquet via pyarrow, one file per table, with the ``replicate`` and ``seed`` columns). A replicate
folder is written as a hidden ``.<seed>.<pid>.tmp`` sibling and renamed when complete, so a folder
without the ``.tmp`` suffix is always complete; temporary folders of processes that no longer exist
are removed when the cache is opened. The cache is the only writer of files besides :mod:`sim.io`
(``docs/architecture.md``); it is written by the process that runs the ensemble, never by workers.

The code version is the sha256 of every ``sim/**/*.py`` file's bytes (sorted by path), so any code
change, committed or not, starts a fresh key space. Old entries are never read again; delete the
cache folder (``results/.cache`` by default) to reclaim the space.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover - typing only
    from sim.scenario import Scenario

__all__ = ["code_version", "ReplicateCache"]



@functools.cache
def code_version() -> str:
    """sha256 (hex) of the bytes of every ``.py`` file of the ``sim`` package, sorted by path.

    Returns
    -------
    str
        64 hex digits; changes whenever the model code changes.
    """
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


class ReplicateCache:
    """Finished replicates' tables on disk, keyed by (scenario hash, seed, code version).

    Parameters
    ----------
    root : str or Path
        Cache folder (created on the first write).
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def folder(self, scenario: Scenario, seed: int) -> Path:
        """The folder of one replicate's tables (whether it exists or not)."""
        from sim.io import scenario_hash

        return self.root / scenario_hash(scenario)[:16] / code_version()[:16] / str(int(seed))

    def get(self, scenario: Scenario, seed: int, replicate: int) -> dict[str, pd.DataFrame] | None:
        """The cached tables of ``(scenario, seed)``, or None.

        Parameters
        ----------
        scenario : Scenario
        seed : int
        replicate : int
            Written into the ``replicate`` column (the same seed may be another replicate number
            in another ensemble).

        Returns
        -------
        dict of str to pandas.DataFrame or None
            The tables exactly as :func:`sim.runner.run_replicate` returned them.
        """
        folder = self.folder(scenario, seed)
        if not folder.is_dir():
            return None
        tables = {}
        for path in sorted(folder.glob("*.parquet")):
            frame = pd.read_parquet(path)
            if "replicate" in frame.columns:
                frame["replicate"] = pd.Series(replicate, index=frame.index, dtype="int64")
            tables[path.stem] = frame
        return tables or None

    def put(self, scenario: Scenario, seed: int, tables: dict[str, pd.DataFrame]) -> Path:
        """Store one replicate's tables atomically; return the folder.

        Raises
        ------
        OSError
            If writing fails (the temporary folder is removed).
        """
        folder = self.folder(scenario, seed)
        folder.parent.mkdir(parents=True, exist_ok=True)
        from sim.io import remove_stale_tmp

        remove_stale_tmp(folder.parent)
        tmp = folder.parent / f".{folder.name}.{os.getpid()}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            tmp.mkdir()
            for name, frame in tables.items():
                frame.to_parquet(tmp / f"{name}.parquet", index=False)
            if folder.exists():
                shutil.rmtree(folder)
            os.rename(tmp, folder)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return folder
