"""Results folders and every other file routesim writes: the only package that writes files.

A run is published as ``ROOT/<scenario name>/<run-id>/`` (DESIGN section 6). Everything is first
written into a hidden sibling ``.<run-id>.<pid>.tmp`` and renamed to ``<run-id>`` when complete; on any
error (or interruption) the temporary folder is removed, so a results folder either exists complete, with
a ``manifest.json`` whose status is ``complete``, or not at all. A temporary folder left by a process that
was killed (``kill -9``) is removed by the next write under the same parent (its pid no longer exists).

Modules, one concept each (every public name is importable from ``sim.io``):

- :mod:`~sim.io.provenance`: what produced a folder (hashes, run id, package versions, git, manifest);
- :mod:`~sim.io.atomic`: writing atomically (run folders, :class:`~sim.io.atomic.RunFolder`, CSV
  files and figures replaced all or none, stale temporary folders);
- :mod:`~sim.io.tables`: the tables of a run folder (file names, column orders, Parquet schemas);
- :mod:`~sim.io.runs`: a run's folder (:func:`write_results`, :func:`read_run`,
  :func:`write_validation`);
- :mod:`~sim.io.experiments`: an experiment's folder (:func:`write_experiment`);
- :mod:`~sim.io.analyses`: a comparison's and a sensitivity analysis's folders;
- :mod:`~sim.io.calibration`: a calibration's store and folder, and its window read back.

Figures are built by :mod:`sim.plots` (which writes nothing) and saved here
(:func:`write_figures`).
"""

from sim.io.analyses import write_comparison, write_sensitivity
from sim.io.atomic import (
    RunFolder,
    check_writable,
    pid_alive,
    remove_stale_tmp,
    run_folder,
    write_csv_files,
    write_figures,
)
from sim.io.calibration import calibration_store, read_calibration_window, write_calibration
from sim.io.experiments import write_experiment
from sim.io.provenance import (
    git_commit,
    git_dirty,
    json_ready,
    make_run_id,
    package_versions,
    scenario_hash,
    sha256_file,
)
from sim.io.runs import FIGURE_NAMES, read_run, write_results, write_validation
from sim.io.tables import TABLE_FILES, TABLE_SCHEMAS, check_tables, write_parquet

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
    "write_figures",
    "write_parquet",
    "read_run",
    "read_calibration_window",
    "write_validation",
    "write_comparison",
    "write_sensitivity",
    "calibration_store",
    "write_calibration",
    "check_tables",
    "json_ready",
    "pid_alive",
    "remove_stale_tmp",
    "run_folder",
    "RunFolder",
]
