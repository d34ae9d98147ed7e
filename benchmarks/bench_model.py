"""Speed and memory benchmark of the reference scenario (issue 4; DESIGN section 8).

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_model.py [--json] [--scenario PATH] [--points 20,10,4,2,1]
                                               [--skip-reference] [--out DIR] [--at-commit REV]
    .venv/bin/python benchmarks/bench_model.py --profile 1     # cProfile of one run, text in --out
    .venv/bin/python benchmarks/bench_model.py --lines 1       # seconds per line of the market code

Every measured run (each scaling point and the idiomatic-Mesa reference) happens in its own
subprocess (``bench_model.py --point K [--reference] --json``), so its peak resident memory is its
own: the child reads ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` when it finishes.

What a run is: build ``SmugglingModel(scenario, seed)``, ``model.run()`` (burn-in and reported
days), then :func:`sim.metrics.collect_tables` -- what :func:`sim.runner.run_replicate` does for one
replicate. ``wall_s`` is the sum of the three. ``person_days`` is :func:`sim.metrics.person_days`
(persons, from spawn to a terminal state or the end of the run) and ``person_days_per_s`` is
``person_days / wall_s``.

Phases are timed without touching ``sim/``: in the child, the model's bound phase methods are
replaced on the instance by timing wrappers (``setattr(model, "_markets", wrapped)``, and each hub's
``step``). Times are *exclusive*: ``_cross`` and ``_work`` are called from
inside ``_markets``, and their time is booked to their own phase and taken out of ``markets``.

The results go to ``DIR/bench.json`` and ``DIR/scaling.png`` (``DIR`` defaults to
``benchmarks/out``, git-ignored); ``--json`` prints the same JSON on stdout, otherwise a summary.
``--at-commit REV`` measures ``sim/`` and ``scenarios/`` as committed at ``REV`` instead of the
(editable, possibly changing) working tree. See ``benchmarks/README.md`` for every key.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import importlib
import io
import json
import math
import os
import platform
import pstats
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_SCENARIO = ROOT / "scenarios" / "baseline_2014.yaml"
DEFAULT_OUT = HERE / "out"
DEFAULT_POINTS = (20, 10, 4, 2, 1)
REFERENCE_PPA = 20

#: Model method -> phase it is booked to (exclusive time). Methods missing from the model (renamed
#: by a later version) are skipped and listed in ``phases_missing``.
PHASE_OF_METHOD: dict[str, str] = {
    "_update_enforcement": "enforcement",  # steps 1 and 3: events, agencies, probabilities
    "_spawn": "demand",  # step 2
    "_replan": "replan",  # costs-to-go, every replan_interval_days
    "_markets": "markets",  # step 4: choice and rationing
    "_cross": "crossings",  # step 5
    "_work": "vulnerability",  # step 9: stuck migrants work
    "_arrivals": "arrivals",  # step 6
    "_enterprises": "enterprises",  # step 7: enterprise steps and entry
    "_observe": "data_collection",  # step 10: weekly hub and enterprise snapshots
}
#: Functions whose lines ``--lines`` times (``module:qualified name``).
LINE_TARGETS = ("sim.market:run_market", "sim.market:market_round", "sim.choice:logit_choice",
                "sim.market:ration", "sim.market:build_offers", "sim.market:buy",
                "sim.model:SmugglingModel._cross")
#: Each hub's ``step`` (step 8) is booked to this phase.
HUB_PHASE = "hubs"
#: Phases reported in this order; ``other`` is the rest of ``model.run`` (the step loop, Mesa's
#: step wrapper); ``build`` and ``tables`` are outside ``model.run``.
PHASE_ORDER = ("markets", "crossings", "enterprises", "enforcement", "data_collection", "demand",
               "replan", "arrivals", "vulnerability", "hubs", "other", "build", "tables")


def _sibling(name: str):
    """Import a module that sits next to this file (works as a script and when loaded by path)."""
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    return importlib.import_module(name)


def sim_source() -> dict[str, str]:
    """Where the ``sim`` package this process imports lives, and a SHA-256 of its ``.py`` files.

    The package is installed editable and may change while a benchmark runs; comparing the hashes
    of the points tells whether they all measured the same code.
    """
    import sim

    pkg = Path(sim.__file__).resolve().parent
    digest = hashlib.sha256()
    for f in sorted(pkg.rglob("*.py")):
        digest.update(str(f.relative_to(pkg)).encode())
        digest.update(f.read_bytes())
    return {"sim_path": str(pkg), "sim_sha256": digest.hexdigest()[:16]}


def git_state() -> dict[str, Any]:
    """The repository's HEAD and whether ``sim/`` or ``scenarios/`` differ from it (None without git)."""
    def git(*args: str) -> str | None:
        try:
            return subprocess.run(["git", *args], capture_output=True, text=True, cwd=ROOT, timeout=30,
                                  check=True).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None

    dirty = git("status", "--porcelain", "--", "sim", "scenarios")
    return {"git_head": git("rev-parse", "--short", "HEAD"),
            "sim_or_scenarios_dirty": None if dirty is None else bool(dirty)}


def extract_commit(rev: str) -> dict[str, str]:
    """Extract ``sim/`` and ``scenarios/`` at ``rev`` into a temporary folder and put it first on
    ``PYTHONPATH`` (inherited by the child processes), so that a benchmark measures committed code
    while the working tree is being edited.

    Returns ``{"commit": full sha, "folder": path}``; the caller removes the folder.
    """
    commit = subprocess.run(["git", "rev-parse", rev], capture_output=True, text=True, cwd=ROOT,
                            check=True).stdout.strip()
    folder = tempfile.mkdtemp(prefix="routesim-bench-")
    archive = subprocess.run(["git", "archive", commit, "sim", "scenarios"], capture_output=True, cwd=ROOT,
                             check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (folder, os.environ.get("PYTHONPATH")) if p)
    return {"commit": commit, "folder": folder}


def cpu_seconds() -> float:
    """User plus system CPU time of this process so far (s)."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (MiB), from ``getrusage(RUSAGE_SELF)``."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / (1024.0 * 1024.0) if sys.platform == "darwin" else kb / 1024.0


class PhaseClock:
    """Exclusive wall time per phase of nested calls.

    A wrapped call books its elapsed time minus that of the wrapped calls made inside it.

    Examples
    --------
    >>> clock = PhaseClock()
    >>> inner = clock.wrap("inner", lambda: time.sleep(0.01))
    >>> outer = clock.wrap("outer", lambda: inner())
    >>> outer()
    >>> clock.seconds["inner"] >= 0.01 > clock.seconds["outer"]
    True
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._stack: list[float] = []

    def wrap(self, phase: str, fn: Callable) -> Callable:
        """Return ``fn`` wrapped so that its exclusive time is booked to ``phase``."""
        stack, seconds, calls = self._stack, self.seconds, self.calls

        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            stack.append(0.0)
            try:
                return fn(*args, **kwargs)
            finally:
                inner = stack.pop()
                dt = time.perf_counter() - t0
                seconds[phase] += dt - inner
                calls[phase] += 1
                if stack:
                    stack[-1] += dt

        return timed


def instrument(model, clock: PhaseClock) -> list[str]:
    """Replace the model's phase methods (and its hubs' ``step``) by timing wrappers, in place.

    Returns
    -------
    list of str
        Methods of :data:`PHASE_OF_METHOD` the model does not have (not timed).
    """
    missing = []
    for name, phase in PHASE_OF_METHOD.items():
        method = getattr(model, name, None)
        if method is None:
            missing.append(name)
            continue
        setattr(model, name, clock.wrap(phase, method))
    for hub in getattr(model, "hubs", {}).values():
        hub.step = clock.wrap(HUB_PHASE, hub.step)
    return missing


class MarketSize:
    """Counts the work of the market phase: waiting agent-days and utility-matrix cells.

    ``waiting_agent_days`` sums ``len(model.waiting)`` at the start of each market phase;
    ``market_cells`` sums ``rows * columns`` of the utility matrices passed to
    ``sim.model.market_round`` (None if the model no longer calls it). Market time is close to
    proportional to the cells, so they explain how a point's cost compares with another's.
    """

    def __init__(self) -> None:
        self.waiting_agent_days = 0
        self.market_cells: int | None = None
        self._restore: Callable[[], None] = lambda: None

    def attach(self, model) -> None:
        """Count on this model (wraps ``model._markets`` and the ``market_round`` that sim.market calls)."""
        import sim.market as sim_model

        markets = getattr(model, "_markets", None)
        if markets is not None:
            def counted_markets(*args, **kwargs):
                self.waiting_agent_days += len(getattr(model, "waiting", ()))
                return markets(*args, **kwargs)

            model._markets = counted_markets
        market_round = getattr(sim_model, "market_round", None)
        if market_round is not None:
            def counted_round(utility, *args, **kwargs):
                self.market_cells = (self.market_cells or 0) + int(utility.shape[0]) * int(utility.shape[1])
                return market_round(utility, *args, **kwargs)

            sim_model.market_round = counted_round

            def restore() -> None:
                sim_model.market_round = market_round

            self._restore = restore

    def detach(self) -> None:
        """Put back the ``market_round`` of sim.market (the model's own wrapper goes with the model)."""
        self._restore()
        self._restore = lambda: None


def load(scenario_path: str | Path, persons_per_agent: int):
    """Load a scenario and set its ``persons_per_agent``."""
    from sim.scenario import load_scenario

    scenario = load_scenario(scenario_path)
    if scenario.persons_per_agent != persons_per_agent:
        scenario = scenario.with_overrides(persons_per_agent=int(persons_per_agent))
    return scenario


def run_point(scenario_path: str | Path, persons_per_agent: int, seed: int | None = None,
              phases: bool = True) -> dict[str, Any]:
    """One replicate of our model in this process, measured.

    Parameters
    ----------
    scenario_path : str or Path
    persons_per_agent : int
    seed : int, optional
        Defaults to the scenario's ``seed``.
    phases : bool
        Time the phases (wrappers on the instance; they do not change results).

    Returns
    -------
    dict
        ``model`` ("routesim"), ``persons_per_agent``, ``seed``, ``days``, ``migrants`` (agents
        created), ``persons`` (migrants times persons_per_agent), ``person_days``, ``build_s``,
        ``run_s``, ``tables_s``, ``wall_s`` (their sum), ``person_days_per_s``, ``peak_rss_mb`` and
        ``baseline_rss_mb`` (peak RSS of this process before the model was built: interpreter,
        imports, scenario), ``phases`` (seconds per phase, exclusive; see :data:`PHASE_ORDER`),
        ``phases_missing``, ``waiting_agent_days`` and ``market_cells`` (:class:`MarketSize`).
    """
    from sim.metrics import collect_tables, person_days
    from sim.model import SmugglingModel

    scenario = load(scenario_path, persons_per_agent)
    seed = int(scenario.seed if seed is None else seed)
    gc.collect()
    baseline = peak_rss_mb()
    load_start = _loadavg()
    clock = PhaseClock()
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    model = SmugglingModel(scenario, seed)
    t1 = time.perf_counter()
    size = MarketSize()
    if phases:
        size.attach(model)
    missing = instrument(model, clock) if phases else []
    try:
        model.run()
    finally:
        size.detach()
    t2 = time.perf_counter()
    collect_tables(model)
    t3 = time.perf_counter()
    cpu_s = cpu_seconds() - cpu0
    build_s, run_s, tables_s = t1 - t0, t2 - t1, t3 - t2
    wall_s = t3 - t0
    pdays = person_days(model)
    out_phases: dict[str, float] = {}
    if phases:
        out_phases = {p: round(clock.seconds.get(p, 0.0), 3) for p in PHASE_ORDER
                      if p not in ("other", "build", "tables")}
        out_phases["other"] = round(max(0.0, run_s - sum(clock.seconds.values())), 3)
    out_phases["build"] = round(build_s, 3)
    out_phases["tables"] = round(tables_s, 3)
    return {
        "model": "routesim",
        "persons_per_agent": int(persons_per_agent),
        "seed": seed,
        "days": int(model.day),
        "migrants": len(model.migrants),
        "persons": len(model.migrants) * int(persons_per_agent),
        "person_days": pdays,
        "build_s": round(build_s, 3),
        "run_s": round(run_s, 3),
        "tables_s": round(tables_s, 3),
        "wall_s": round(wall_s, 3),
        "cpu_s": round(cpu_s, 3),
        "person_days_per_s": round(pdays / wall_s, 1),
        "person_days_per_cpu_s": round(pdays / max(cpu_s, 1e-9), 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "baseline_rss_mb": round(baseline, 1),
        "phases": out_phases,
        "phases_missing": missing,
        "waiting_agent_days": size.waiting_agent_days if phases else None,
        "market_cells": size.market_cells,
        "loadavg_1min": [load_start, _loadavg()],
        **sim_source(),
    }


def run_reference_point(scenario_path: str | Path, persons_per_agent: int,
                        seed: int | None = None) -> dict[str, Any]:
    """One run of the idiomatic-Mesa reference (``reference_mesa.py``) in this process, measured.

    Returns the keys of :func:`run_point` (``model`` is "reference_mesa", ``tables_s`` is 0 and
    ``phases`` holds only ``build``), plus ``detections`` (persons, all labelled routes).
    """
    reference_mesa = _sibling("reference_mesa")
    scenario = load(scenario_path, persons_per_agent)
    seed = int(scenario.seed if seed is None else seed)
    gc.collect()
    baseline = peak_rss_mb()
    load_start = _loadavg()
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    model = reference_mesa.ReferenceModel(scenario, seed)
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    cpu_s = cpu_seconds() - cpu0
    wall_s = t2 - t0
    pdays = model.person_days()
    return {
        "model": "reference_mesa",
        "persons_per_agent": int(persons_per_agent),
        "seed": seed,
        "days": int(model.day),
        "migrants": int(model.migrants_created),
        "persons": int(model.migrants_created) * int(persons_per_agent),
        "person_days": pdays,
        "build_s": round(t1 - t0, 3),
        "run_s": round(t2 - t1, 3),
        "tables_s": 0.0,
        "wall_s": round(wall_s, 3),
        "cpu_s": round(cpu_s, 3),
        "person_days_per_s": round(pdays / wall_s, 1),
        "person_days_per_cpu_s": round(pdays / max(cpu_s, 1e-9), 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "baseline_rss_mb": round(baseline, 1),
        "phases": {"build": round(t1 - t0, 3)},
        "phases_missing": [],
        "loadavg_1min": [load_start, _loadavg()],
        **sim_source(),
        "detections": float(model.detections.sum()),
        "states": model.state_counts(),
    }


def run_in_subprocess(scenario_path: str | Path, persons_per_agent: int, reference: bool = False,
                      seed: int | None = None, timeout_s: float | None = None) -> dict[str, Any]:
    """Run one point in a fresh interpreter (``bench_model.py --point K --json``) and parse its JSON.

    Returns
    -------
    dict
        The child's :func:`run_point` (or :func:`run_reference_point`) result; on failure or timeout,
        ``{"persons_per_agent": K, "error": message}``.
    """
    cmd = [sys.executable, str(Path(__file__).resolve()), "--point", str(int(persons_per_agent)),
           "--scenario", str(Path(scenario_path).resolve()), "--json"]
    if reference:
        cmd.append("--reference")
    if seed is not None:
        cmd += ["--seed", str(int(seed))]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"persons_per_agent": int(persons_per_agent), "error": f"timed out after {timeout_s} s"}
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        return {"persons_per_agent": int(persons_per_agent),
                "error": f"exit {proc.returncode}: " + " | ".join(tail)}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def scaling_fit(scaling: list[dict[str, Any]]) -> dict[str, Any]:
    """How wall time and memory grow with the number of migrants.

    Parameters
    ----------
    scaling : list of dict
        Points with ``migrants``, ``wall_s``, ``peak_rss_mb`` (points with an ``error`` are ignored).

    Returns
    -------
    dict
        ``wall_exponent`` and ``rss_exponent``: least-squares slopes of log(cost) on log(migrants)
        over all points; ``wall_exponent_top``: the slope between the two largest points (the local
        growth at full scale); ``no_worse_than_linear``: both wall slopes are at most 1.1 (None with
        fewer than two points).

    Examples
    --------
    >>> pts = [{"migrants": 1000, "wall_s": 2.0, "peak_rss_mb": 100.0},
    ...        {"migrants": 4000, "wall_s": 8.0, "peak_rss_mb": 400.0}]
    >>> scaling_fit(pts)["wall_exponent"], scaling_fit(pts)["no_worse_than_linear"]
    (1.0, True)
    """
    pts = sorted((p for p in scaling if "error" not in p and p.get("migrants", 0) > 0),
                 key=lambda p: p["migrants"])
    if len(pts) < 2:
        return {"wall_exponent": None, "rss_exponent": None, "wall_exponent_top": None,
                "no_worse_than_linear": None}

    def slope(key: str, sub: list[dict[str, Any]]) -> float:
        x = [math.log(p["migrants"]) for p in sub]
        y = [math.log(p[key]) for p in sub]
        mx, my = sum(x) / len(x), sum(y) / len(y)
        sxx = sum((a - mx) ** 2 for a in x)
        return sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True)) / sxx

    wall, top, rss = slope("wall_s", pts), slope("wall_s", pts[-2:]), slope("peak_rss_mb", pts)
    return {"wall_exponent": round(wall, 3), "rss_exponent": round(rss, 3),
            "wall_exponent_top": round(top, 3), "no_worse_than_linear": bool(wall <= 1.1 and top <= 1.1)}


def benchmark(scenario_path: str | Path = DEFAULT_SCENARIO, points=DEFAULT_POINTS,
              skip_reference: bool = False, seed: int | None = None,
              timeout_s: float | None = None, log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """The whole benchmark: scaling points (each in a subprocess), the reference, the headline.

    The headline (``wall_s``, ``peak_rss_mb``, ``migrants``, ``person_days_per_s``, ``phases``) is
    the scaling point with the fewest persons per agent (1 by default). ``reference_ratio`` is our
    ``person_days_per_s`` at ``persons_per_agent`` 20 over the reference's (None when skipped).

    Returns
    -------
    dict
        ``wall_s``, ``peak_rss_mb``, ``migrants``, ``person_days_per_s``, ``phases``,
        ``reference_ratio``, ``scaling`` (list of ``{persons_per_agent, migrants, wall_s,
        peak_rss_mb, cpu_s}``), and for the record ``cpu_s``, ``person_days_per_cpu_s`` and
        ``reference_ratio_cpu`` (the same on CPU time, steadier than wall time on a shared machine), ``headline`` (the full point), ``points`` (all runs of
        our model), ``reference`` and ``ours_at_reference`` (the two runs behind the ratio),
        ``scaling_fit``, ``scenario``, ``source`` (git HEAD, whether ``sim/`` or ``scenarios/`` were
        dirty, the hash of the ``sim`` code each run imported and whether it was the same in every
        run), ``date``, ``machine``.
    """
    log = log or (lambda _msg: None)
    points = sorted({int(k) for k in points}, reverse=True)
    runs: dict[int, dict[str, Any]] = {}
    for k in points:
        log(f"routesim at persons_per_agent {k} ...")
        runs[k] = run_in_subprocess(scenario_path, k, seed=seed, timeout_s=timeout_s)
        log(f"  {_brief(runs[k])}")
    reference = ours20 = None
    ratio = ratio_cpu = None
    if not skip_reference:
        if REFERENCE_PPA not in runs:
            log(f"routesim at persons_per_agent {REFERENCE_PPA} (for the reference ratio) ...")
            runs[REFERENCE_PPA] = run_in_subprocess(scenario_path, REFERENCE_PPA, seed=seed, timeout_s=timeout_s)
            log(f"  {_brief(runs[REFERENCE_PPA])}")
        log(f"idiomatic-Mesa reference at persons_per_agent {REFERENCE_PPA} ...")
        reference = run_in_subprocess(scenario_path, REFERENCE_PPA, reference=True, seed=seed, timeout_s=timeout_s)
        log(f"  {_brief(reference)}")
        ours20 = runs[REFERENCE_PPA]
        if "error" not in reference and "error" not in ours20:
            ratio = round(ours20["person_days_per_s"] / reference["person_days_per_s"], 2)
            ratio_cpu = round(ours20["person_days_per_cpu_s"] / reference["person_days_per_cpu_s"], 2)
    scaling = [
        {"persons_per_agent": k, "migrants": r["migrants"], "wall_s": r["wall_s"], "peak_rss_mb": r["peak_rss_mb"],
         "cpu_s": r["cpu_s"]}
        if "error" not in r else {"persons_per_agent": k, "error": r["error"]}
        for k, r in sorted(runs.items(), reverse=True) if k in points
    ]
    head = runs[min(points)]
    ok = "error" not in head
    measured = [r for r in [*runs.values(), reference] if r is not None and "error" not in r]
    hashes = sorted({r["sim_sha256"] for r in measured})
    source = {**git_state(), "sim_path": sorted({r["sim_path"] for r in measured}),
              "sim_sha256": hashes, "same_code_in_every_run": len(hashes) <= 1}
    return {
        "wall_s": head["wall_s"] if ok else None,
        "peak_rss_mb": head["peak_rss_mb"] if ok else None,
        "migrants": head["migrants"] if ok else None,
        "person_days_per_s": head["person_days_per_s"] if ok else None,
        "phases": head["phases"] if ok else None,
        "reference_ratio": ratio,
        "scaling": scaling,
        "cpu_s": head["cpu_s"] if ok else None,
        "person_days_per_cpu_s": head["person_days_per_cpu_s"] if ok else None,
        "reference_ratio_cpu": ratio_cpu,
        "scaling_fit": scaling_fit(scaling),
        "headline": head,
        "points": [runs[k] for k in sorted(runs, reverse=True)],
        "reference": reference,
        "ours_at_reference": ours20,
        "scenario": str(Path(scenario_path).resolve().relative_to(ROOT)
                        if Path(scenario_path).resolve().is_relative_to(ROOT) else scenario_path),
        "source": source,
        "date": datetime.now().isoformat(timespec="seconds"),
        "machine": _machine(),
    }


def profile_point(scenario_path: str | Path, persons_per_agent: int, out_dir: Path,
                  seed: int | None = None, top: int = 40) -> Path:
    """cProfile one run (build, run, tables) and write the top functions by cumulative and self time.

    Returns the text file's path (``out_dir / f"profile_ppa{K}.txt"``); the raw stats go next to
    it (``.prof``, for snakeviz or ``pstats``).
    """
    from sim.metrics import collect_tables
    from sim.model import SmugglingModel

    scenario = load(scenario_path, persons_per_agent)
    seed = int(scenario.seed if seed is None else seed)
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    model = SmugglingModel(scenario, seed)
    model.run()
    collect_tables(model)
    prof.disable()
    wall = time.perf_counter() - t0
    out_dir.mkdir(parents=True, exist_ok=True)
    raw = out_dir / f"profile_ppa{persons_per_agent}.prof"
    prof.dump_stats(str(raw))
    buf = io.StringIO()
    buf.write(f"cProfile of scenario {scenario_path} at persons_per_agent {persons_per_agent}, seed {seed}: "
              f"{len(model.migrants)} migrants, {model.day} days, {wall:.1f} s under the profiler\n\n")
    for key, title in (("cumulative", "cumulative time"), ("tottime", "self time")):
        buf.write(f"==== top {top} by {title} ====\n")
        stats = pstats.Stats(prof, stream=buf)
        stats.sort_stats(key).print_stats(top)
    text = out_dir / f"profile_ppa{persons_per_agent}.txt"
    text.write_text(buf.getvalue())
    return text


def line_profile_point(scenario_path: str | Path, persons_per_agent: int, out_dir: Path,
                       seed: int | None = None, targets: tuple[str, ...] = LINE_TARGETS,
                       top: int = 40) -> Path:
    """Wall time per source line of the market functions, for one run (``sys.monitoring``).

    Only the code of ``targets`` (``"module:function"``) raises line events, so other code runs at
    full speed. A line's *self* time leaves out the time spent in a traced callee (listed under its
    own heading); its *total* time includes it. Writes ``out_dir / f"lines_ppa{K}.txt"`` and
    returns its path.
    """
    import linecache

    from sim.metrics import collect_tables
    from sim.model import SmugglingModel

    mon = sys.monitoring
    ev = mon.events
    codes = {}
    for target in targets:
        module, _, qual = target.partition(":")
        obj = importlib.import_module(module)
        for part in qual.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                break
        if obj is not None:
            codes[obj.__code__] = target
    self_s: dict[tuple, float] = defaultdict(float)
    total_s: dict[tuple, float] = defaultdict(float)
    hits: dict[tuple, int] = defaultdict(int)
    stack: list[list] = []  # [code, line, line started, callee time in this line, frame started]
    clock = time.perf_counter

    def book(entry, now):
        key = (entry[0], entry[1])
        total_s[key] += now - entry[2]
        self_s[key] += now - entry[2] - entry[3]
        hits[key] += 1

    def on_start(code, _offset):
        now = clock()
        stack.append([code, code.co_firstlineno, clock(), 0.0, now])

    def on_line(code, line):
        now = clock()
        entry = stack[-1]
        book(entry, now)
        entry[1], entry[3] = line, 0.0
        entry[2] = clock()  # the callback's own time is nobody's

    def on_return(code, _offset, _value):
        now = clock()
        entry = stack.pop()
        book(entry, now)
        if stack:
            stack[-1][3] += now - entry[4]

    tool = next(t for t in (mon.PROFILER_ID, mon.OPTIMIZER_ID, 4, 3) if mon.get_tool(t) is None)
    mon.use_tool_id(tool, "bench_model")
    mon.register_callback(tool, ev.PY_START, on_start)
    mon.register_callback(tool, ev.LINE, on_line)
    mon.register_callback(tool, ev.PY_RETURN, on_return)
    for code in codes:
        mon.set_local_events(tool, code, ev.PY_START | ev.LINE | ev.PY_RETURN)

    scenario = load(scenario_path, persons_per_agent)
    seed = int(scenario.seed if seed is None else seed)
    model = SmugglingModel(scenario, seed)
    t0 = time.perf_counter()
    try:
        model.run()
        collect_tables(model)
    finally:
        for code in codes:
            mon.set_local_events(tool, code, 0)
        mon.free_tool_id(tool)
    wall = time.perf_counter() - t0
    buf = io.StringIO()
    buf.write(f"Line times (sys.monitoring) of {', '.join(codes.values())}\n"
              f"scenario {scenario_path} at persons_per_agent {persons_per_agent}, seed {seed}: "
              f"{len(model.migrants)} migrants, {wall:.1f} s with line events on\n"
              "self = the line's own time; total = with the traced functions it calls\n\n")
    for code, target in codes.items():
        keys = sorted((k for k in self_s if k[0] is code), key=lambda k: -self_s[k])
        func_total = sum(self_s[k] for k in keys)
        buf.write(f"==== {target} ({code.co_filename}:{code.co_firstlineno}): {func_total:.2f} s self, "
                  f"top {top} lines ====\n")
        buf.write(f"{'self s':>8} {'share':>6} {'total s':>8} {'hits':>8}  line\n")
        for key in keys[:top]:
            src = linecache.getline(code.co_filename, key[1]).strip()
            share = 100 * self_s[key] / func_total if func_total else 0.0
            buf.write(f"{self_s[key]:8.2f} {share:5.1f}% {total_s[key]:8.2f} {hits[key]:8d}  "
                      f"{Path(code.co_filename).name}:{key[1]}  {src[:110]}\n")
        buf.write("\n")
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"lines_ppa{persons_per_agent}.txt"
    path.write_text(buf.getvalue())
    return path


def _loadavg() -> float | None:
    """The machine's 1-minute load average (other jobs share it), or None where unknown."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def _brief(r: dict[str, Any]) -> str:
    if "error" in r:
        return f"error: {r['error']}"
    return (f"{r['migrants']} migrants, wall {r['wall_s']:.1f} s, peak RSS {r['peak_rss_mb']:.0f} MB, "
            f"{r['person_days_per_s']:,.0f} person-days/s")


def summary(result: dict[str, Any]) -> str:
    """A human-readable summary of :func:`benchmark`'s result."""
    lines = []
    head = result["headline"]
    if "error" in head:
        lines.append(f"persons_per_agent {head['persons_per_agent']}: {head['error']}")
    else:
        lines.append(f"reference scenario at persons_per_agent {head['persons_per_agent']}: "
                     f"wall {result['wall_s']:.1f} s, peak RSS {result['peak_rss_mb']:.0f} MB, "
                     f"{result['migrants']} migrants, {result['person_days_per_s']:,.0f} person-days/s "
                     f"(CPU {result['cpu_s']:.1f} s, {result['person_days_per_cpu_s']:,.0f} person-days per CPU s; "
                     f"load average {head['loadavg_1min']})")
        total = sum(result["phases"].values())
        lines.append("phases (s, exclusive):")
        for name, s in result["phases"].items():
            lines.append(f"  {name:16s} {s:8.2f}  {100 * s / total:5.1f} %")
    if result["reference_ratio"] is not None:
        ref, ours = result["reference"], result["ours_at_reference"]
        lines.append(f"reference_ratio (persons_per_agent {REFERENCE_PPA}): {result['reference_ratio']} "
                     f"(ours {ours['person_days_per_s']:,.0f} vs idiomatic Mesa {ref['person_days_per_s']:,.0f} person-days/s); "
                     f"on CPU time {result['reference_ratio_cpu']}")
    lines.append("scaling:")
    for p in result["scaling"]:
        if "error" in p:
            lines.append(f"  ppa {p['persons_per_agent']:3d}: {p['error']}")
        else:
            lines.append(f"  ppa {p['persons_per_agent']:3d}: {p['migrants']:8d} migrants  "
                         f"{p['wall_s']:7.1f} s wall  {p['cpu_s']:7.1f} s CPU  {p['peak_rss_mb']:7.0f} MB")
    src = result["source"]
    lines.append(f"code: git {src['git_head']} (sim/ or scenarios/ dirty: {src['sim_or_scenarios_dirty']}), "
                 f"sim {', '.join(src['sim_sha256'])} from {', '.join(src['sim_path'])}")
    if not src["same_code_in_every_run"]:
        lines.append("WARNING: the sim package changed between runs; the points are not comparable")
    fit = result["scaling_fit"]
    if fit["wall_exponent"] is not None:
        lines.append(f"  wall ~ migrants^{fit['wall_exponent']} (between the two largest: "
                     f"^{fit['wall_exponent_top']}), RSS ~ migrants^{fit['rss_exponent']}; "
                     f"no worse than linear: {fit['no_worse_than_linear']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    ap.add_argument("--scenario", default=str(DEFAULT_SCENARIO), help="scenario YAML (default: the reference)")
    ap.add_argument("--points", default=",".join(map(str, DEFAULT_POINTS)),
                    help="persons_per_agent values of the scaling curve (the smallest is the headline)")
    ap.add_argument("--skip-reference", action="store_true", help="do not run the idiomatic-Mesa reference")
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="output folder for bench.json and scaling.png")
    ap.add_argument("--seed", type=int, default=None, help="model seed (default: the scenario's)")
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds allowed per subprocess")
    ap.add_argument("--lines", type=int, default=None, metavar="K",
                    help="time the lines of the market functions (sys.monitoring) in one run at "
                         "persons_per_agent K and write the text to --out")
    ap.add_argument("--at-commit", default=None, metavar="REV",
                    help="measure sim/ and scenarios/ as committed at REV (extracted with git archive to a "
                         "temporary folder put first on PYTHONPATH), not the working tree")
    ap.add_argument("--point", type=int, default=None, help=argparse.SUPPRESS)  # child: one run
    ap.add_argument("--reference", action="store_true", help=argparse.SUPPRESS)  # child: the reference
    ap.add_argument("--profile", type=int, default=None, metavar="K",
                    help="cProfile one run at persons_per_agent K and write the text profile to --out")
    args = ap.parse_args(argv)

    if args.point is not None:
        if args.reference:
            r = run_reference_point(args.scenario, args.point, seed=args.seed)
        else:
            r = run_point(args.scenario, args.point, seed=args.seed)
        print(json.dumps(r) if args.json else _brief(r))
        return 0
    out = Path(args.out)
    points = [int(s) for s in args.points.split(",") if s.strip()]
    snapshot = None
    if args.at_commit is not None:
        snapshot = extract_commit(args.at_commit)
        scenario = Path(args.scenario).resolve()
        if scenario.is_relative_to(ROOT) and (Path(snapshot["folder"]) / scenario.relative_to(ROOT)).exists():
            args.scenario = str(Path(snapshot["folder"]) / scenario.relative_to(ROOT))
    if args.profile is not None or args.lines is not None:
        if snapshot is not None:  # profile in a child that imports the extracted commit
            flag, k = ("--profile", args.profile) if args.profile is not None else ("--lines", args.lines)
            cmd = [sys.executable, str(Path(__file__).resolve()), flag, str(k),
                   "--scenario", args.scenario, "--out", str(out.resolve())]
            if args.seed is not None:
                cmd += ["--seed", str(args.seed)]
            rc = subprocess.run(cmd, cwd=ROOT).returncode
            shutil.rmtree(snapshot["folder"], ignore_errors=True)
            return rc
        if args.profile is not None:
            print(profile_point(args.scenario, args.profile, out, seed=args.seed))
        else:
            print(line_profile_point(args.scenario, args.lines, out, seed=args.seed))
        return 0
    log = None if args.json else (lambda msg: print(msg, file=sys.stderr, flush=True))
    result = benchmark(args.scenario, points, skip_reference=args.skip_reference, seed=args.seed,
                       timeout_s=args.timeout, log=log)
    if snapshot is not None:
        # the runs imported the extracted commit, not the working tree
        result["source"].update(git_head=snapshot["commit"][:7], sim_or_scenarios_dirty=False,
                                at_commit=snapshot["commit"])
        shutil.rmtree(snapshot["folder"], ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(result, indent=2) + "\n")
    ok_points = [p for p in result["scaling"] if "error" not in p]
    if ok_points:
        _sibling("plot_scaling").plot_scaling(result["scaling"], out / "scaling.png",
                                              title=f"routesim {Path(args.scenario).stem}, 1 replicate")
    print(json.dumps(result, indent=2) if args.json else summary(result))
    return 0 if "error" not in result["headline"] else 1


if __name__ == "__main__":
    sys.exit(main())
