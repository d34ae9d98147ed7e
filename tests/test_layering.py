"""The house's layering, read from the code with ast (docs/architecture.md).

- Only the ``sim/io/`` package (and a cache module, ``sim/cache*.py`` or ``sim/cache/``) writes files.
- The model, the agents and the mechanism modules import no plotting, no file I/O module, no
  observed data, no CLI; they never print.
- Agents do not import the model or the mechanism modules (they get what they need as arguments).
- No module under ``sim/`` imports the model except the runner, the experiments and the app.
- There is no import circle in ``sim/``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parents[1] / "sim"
FILES = sorted(p for p in SIM.rglob("*.py"))


def rel(path: Path) -> str:
    return path.relative_to(SIM.parent).as_posix()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SIM.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    """Every module a file imports (at any level, TYPE_CHECKING blocks included)."""
    tree = ast.parse(path.read_text())
    out: set[str] = set()
    inside = path.is_relative_to(SIM)
    pkg = "" if not inside else (module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = pkg.split(".")[: len(pkg.split(".")) - (node.level - 1)]
                base = ".".join([*up, base]) if base else ".".join(up)
            out.add(base)
            out.update(f"{base}.{a.name}" for a in node.names)  # `from sim import io`
    return out


def writes(path: Path) -> list[str]:
    """Calls that write files: open(..., "w"/"a"/"x"), write_text/bytes, mkdir, savefig, to_parquet,
    to_csv/to_json with a target, os/shutil file operations."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
        owner = f.value.id if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) else ""
        if name == "open":
            modes = [a.value for a in node.args[1:2] if isinstance(a, ast.Constant)]
            modes += [k.value.value for k in node.keywords if k.arg == "mode" and isinstance(k.value, ast.Constant)]
            if isinstance(f, ast.Attribute):  # Path.open(mode)
                modes = [a.value for a in node.args[:1] if isinstance(a, ast.Constant)] + modes
            if any(isinstance(m, str) and set(m) & set("wax") for m in modes):
                found.append(f"{node.lineno}: open for writing")
        elif name in {"write_text", "write_bytes", "mkdir", "savefig", "to_parquet", "to_feather", "write_table"}:
            found.append(f"{node.lineno}: {name}")
        elif name in {"to_csv", "to_json"} and (node.args or any(k.arg == "path_or_buf" for k in node.keywords)):
            found.append(f"{node.lineno}: {name} to a file")
        elif owner in {"os", "shutil"} and name in {"replace", "rename", "remove", "makedirs", "rmtree", "copy",
                                                     "copyfile", "move", "unlink"}:
            found.append(f"{node.lineno}: {owner}.{name}")
    return found


def prints(path: Path) -> list[int]:
    return [n.lineno for n in ast.walk(ast.parse(path.read_text()))
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print"]


DOMAIN = {"sim/model.py", "sim/choice.py", "sim/corridors.py", "sim/market.py", "sim/crossing.py", "sim/enforcement.py",
          "sim/enterprises.py", "sim/hubs.py", "sim/vulnerability.py", "sim/spawning.py", "sim/network.py",
          "sim/metrics.py", "sim/labels.py"}
# the parameters: one module, or a package of modules
DOMAIN |= ({rel(p) for p in (SIM / "parameters").glob("*.py")} if (SIM / "parameters").is_dir()
           else {"sim/parameters.py"})
# mechanism kernels added by the mechanisms work (issue 9), where present
DOMAIN |= {f"sim/{m}.py" for m in ("awareness", "supply", "hub_reputation", "consolidation", "waiting", "relocation",
                                    "registry", "rationing", "dates", "detention", "agencies")
           if (SIM / f"{m}.py").exists()}
DOMAIN |= {rel(p) for p in (SIM / "agents").glob("*.py")}
FORBIDDEN_IN_DOMAIN = ("matplotlib", "solara", "sim.io", "sim.observed", "sim.plots", "sim.cli", "argparse",
                       "pyarrow", "sim.validation", "sim.experiments", "sim.runner", "sim.scenario.io")
MODEL_USERS = {"sim/runner.py", "sim/app.py", "sim/cli.py"}


def is_writer(r: str) -> bool:
    return r.startswith(("sim/io/", "sim/cache"))


@pytest.mark.parametrize("path", [p for p in FILES if not is_writer(rel(p))], ids=rel)
def test_only_io_writes_files(path):
    assert writes(path) == []


@pytest.mark.parametrize("path", [SIM.parent / d for d in sorted(DOMAIN)], ids=str)
def test_domain_modules_import_no_plotting_io_observed_or_cli_and_never_print(path):
    bad = sorted(m for m in imports(path) if any(m == f or m.startswith(f + ".") for f in FORBIDDEN_IN_DOMAIN))
    assert bad == []
    assert prints(path) == []


@pytest.mark.parametrize("path", sorted((SIM / "agents").glob("*.py")), ids=rel)
def test_agents_import_neither_the_model_nor_the_mechanisms(path):
    allowed = ("sim.agents", "sim.parameters", "sim.labels", "sim.enforcement")  # the last for types only
    bad = sorted(m for m in imports(path) if m.startswith("sim") and not m.startswith(allowed))
    assert bad == []


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_only_the_runner_and_front_ends_import_the_model(path):
    if rel(path) in MODEL_USERS or rel(path) == "sim/model.py" or rel(path).startswith("sim/experiments"):
        return
    assert "sim.model" not in imports(path)


#: Circles known and accepted (none: the sim.cache <-> sim.io one was removed by moving the clean-up
#: of stale temporary folders into sim.io, the writer of run folders).
KNOWN_CIRCLES: set[frozenset[str]] = set()


def circles_in_sim() -> list[list[str]]:
    names = {module_name(p): p for p in FILES}
    graph = {m: {i for i in imports(p) if i in names and i != m} for m, p in names.items()}
    found: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                found.append(stack[stack.index(n):])
            elif n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)
    return found


def test_no_import_circle_in_sim():
    circles = circles_in_sim()
    new = [c for c in circles if frozenset(c) not in KNOWN_CIRCLES]
    assert new == [], "import circle: " + "; ".join(" -> ".join([*c, c[0]]) for c in new)
    if circles:
        pytest.xfail("known circle(s): " + "; ".join(" -> ".join([*c, c[0]]) for c in circles))


def test_the_layering_checks_can_fail(tmp_path):
    """The checks see what they look for."""
    bad = tmp_path / "bad.py"
    bad.write_text("import matplotlib.pyplot as plt\nfrom sim import io\nopen('x', 'w')\n"
                   "df.to_csv('x.csv')\nprint(1)\n")
    assert {"matplotlib.pyplot", "sim.io"} <= imports(bad)
    assert len(writes(bad)) == 2
    assert prints(bad) == [5]
