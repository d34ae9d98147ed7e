"""Command line front end: ``routesim run SCENARIO``, ``routesim experiment NAME SCENARIO``,
``routesim build-demand``.

The CLI only parses arguments and calls the library (:mod:`sim.scenario`, :mod:`sim.runner`,
:mod:`sim.validation`, :mod:`sim.summary`, :mod:`sim.io`); everything it does is callable from Python.

Exit status: 0 on success, 2 for a usage error, a missing scenario file or an invalid scenario (every
problem printed as ``file:line:column: field.path: message``, nothing written) or an ensemble refused as
too large (without ``--force``), 3 when some replicates failed (each reported with its replicate number,
seed and traceback; the others finished and are in the replicate cache, so ``--resume`` re-runs only the
failed ones; no results folder written), 130 when interrupted by SIGINT (Ctrl-C) and 143 by SIGTERM
(nothing written; finished replicates stay in the cache).
Also 2 for a scenario that cannot run as meant (no migrant would be spawned; demand bound for an
unreachable destination, unless ``--allow-stranded``). Warnings (implausible geography) are printed
as ``file:line: warning: ...`` and do not stop a run. See docs/bad-inputs.md.

Modules: :mod:`~sim.cli.commands` (the parser and :func:`main`), :mod:`~sim.cli.options` (argument
types and the options commands share), :mod:`~sim.cli.checks` (loading and checks before a run),
:mod:`~sim.cli.ensembles` (executors, the replicate cache, failures and interruptions, and running a
command's ensemble into a results folder), and one module per command family: :mod:`~sim.cli.run`
(``run``, ``experiment``), :mod:`~sim.cli.analyses` (``compare``, ``sensitivity``, ``calibrate``),
:mod:`~sim.cli.data` (``build-demand``, ``validate``, ``parameters``) and :mod:`~sim.cli.serve`
(``app``).
"""

from sim.cli.commands import build_parser, main

__all__ = ["main", "build_parser"]
