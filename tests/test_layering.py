"""The import graph, read with ``ast`` (every import, including ones inside functions): no cycles,
and no import pointing up a layer.

Engine: core <- domain <- api (AWS handlers and the OCI registry surface) <- adapters (boto3
transport, HTTP server) <- the composition (``lab.py``, checkpoints, break-it, examples, the
package's ``__init__``). Workbook: aws/palette/progress/lessons <- views <- checks, charts <-
panels <- the entry points (class report, student copies, CLI).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

ENGINE_LAYERS = {"core": 0, "domain": 1, "api": 2, "registry": 2, "adapters": 3}
COMPOSITION = 4  # lab.py, checkpoints.py, breakit/, examples.py ...
#: ``ecslab serve`` / ``ecslab advance``: the command line builds Labs, so it is a composition
#: root that happens to live beside the transports it starts.
ENGINE_ENTRY_POINTS = {"ecslab.adapters.cli"}

WORKBOOK_LAYERS = {
    "aws": 0,
    "palette": 0,
    "progress": 0,
    "lessons": 0,
    "i18n": 0,
    "views": 1,
    "checks": 2,
    "charts": 2,
    "panels": 3,
}
WORKBOOK_TOP = 4  # classreport, student, cli, __main__ and anything new at the top level


def module_graph(package: Path) -> dict[str, set[str]]:
    """``module -> modules of the same tree it imports`` for every ``.py`` under ``package``."""
    base = package.parent
    files: dict[str, tuple[Path, str]] = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(base).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
            pkg = ".".join(parts)
        else:
            pkg = ".".join(parts[:-1])
        files[".".join(parts)] = (path, pkg)
    graph: dict[str, set[str]] = {}
    for name, (path, pkg) in files.items():
        out: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    anchor = pkg.split(".")[: len(pkg.split(".")) - (node.level - 1)]
                    target = ".".join(anchor + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for alias in node.names:  # ``from . import x`` names a module; else the module
                    cand = f"{target}.{alias.name}"
                    out.add(cand if cand in files else target)
            elif isinstance(node, ast.Import):
                out.update(a.name for a in node.names)
        graph[name] = {m for m in out if m in files and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    m = stack.pop()
                    on.discard(m)
                    comp.append(m)
                    if m == node:
                        break
                if len(comp) > 1:
                    found.append(sorted(comp))
    return found


def engine_layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return COMPOSITION + 1  # the package's __init__: the public surface, above everything
    return ENGINE_LAYERS.get(parts[1], COMPOSITION)


def workbook_layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return WORKBOOK_TOP + 1
    return WORKBOOK_LAYERS.get(parts[1], WORKBOOK_TOP)


def upward(graph: dict[str, set[str]], layer, allowed: set[str] = frozenset()) -> list[str]:
    return sorted(
        f"{m} -> {t}"
        for m, targets in graph.items()
        for t in targets
        if m not in allowed and layer(t) > layer(m)
    )


@pytest.mark.parametrize("package", ["ecslab", "workbook"])
def test_no_import_cycles(package):
    assert cycles(module_graph(ROOT / package)) == []


def test_engine_imports_point_down():
    graph = module_graph(ROOT / "ecslab")
    assert upward(graph, engine_layer, ENGINE_ENTRY_POINTS) == []


def test_workbook_imports_point_down():
    assert upward(module_graph(ROOT / "workbook"), workbook_layer) == []


def test_engine_never_imports_the_jupyter_layer():
    jupyter = ("workbook", "ipywidgets", "plotly", "IPython", "anywidget")
    hits = []
    for path in sorted((ROOT / "ecslab").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            hits += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in jupyter]
    assert hits == []


def test_the_checker_finds_a_cycle_and_an_upward_import(tmp_path):
    """The checker itself can fail: a made-up engine with both faults."""
    pkg = tmp_path / "ecslab"
    for sub in ("core", "domain"):
        (pkg / sub).mkdir(parents=True)
        (pkg / sub / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "lab.py").write_text("def f():\n    from .domain import a\n")
    (pkg / "domain" / "a.py").write_text("from . import b\n")
    (pkg / "domain" / "b.py").write_text("def g():\n    from .a import x\n")
    (pkg / "core" / "clock.py").write_text("from ..domain.a import y\n")
    graph = module_graph(pkg)
    assert cycles(graph) == [["ecslab.domain.a", "ecslab.domain.b"]]
    assert upward(graph, engine_layer) == ["ecslab.core.clock -> ecslab.domain.a"]
