"""The package's layout has no import circles, and any module can be imported first.

The graph is built from each module's import-time statements (`ast`; imports inside
functions run later and cannot form a circle at import). Every module is then
imported first in a fresh interpreter.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PKG = SRC / "eventwire"
SKIP = ("eventwire.store.migrations",)  # Alembic scripts: run by Alembic, not imported


def _modules() -> dict[str, Path]:
    out = {}
    for p in sorted(PKG.rglob("*.py")):
        parts = list(p.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        if not name.startswith(SKIP) and parts[-1] != "__main__":
            out[name] = p
    return out


def _import_time_nodes(body: list[ast.stmt]):
    """Import statements that run when the module is imported (not those inside functions)."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from _import_time_nodes(node.orelse)  # type-checker imports never run
        else:
            for field in ("body", "orelse", "finalbody", "handlers"):
                yield from _import_time_nodes([n for n in getattr(node, field, []) or []
                                               if isinstance(n, ast.stmt | ast.ExceptHandler)])


def graph() -> dict[str, set[str]]:
    mods = _modules()
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        is_pkg = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _import_time_nodes(tree.body):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = name.split(".") if is_pkg else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                targets = [".".join([*base, *(node.module.split(".") if node.module else [])])]
            elif isinstance(node, ast.ImportFrom):
                targets = [node.module or ""]
            else:
                targets = [a.name for a in node.names]
            if isinstance(node, ast.ImportFrom):
                targets += [f"{targets[0]}.{a.name}" for a in node.names]
            for t in targets:
                while t and t not in mods:
                    t = t.rpartition(".")[0]
                if t and t != name and not name.startswith(t + "."):  # an own parent is already loading
                    edges[name].add(t)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in edges:
        if v not in index:
            visit(v)
    return out


def test_graph_sees_imports():
    edges = graph()
    assert "eventwire.cli.common" in edges["eventwire.cli.commands"]
    assert "eventwire.records" in edges["eventwire.store.queries"]


def test_no_import_circles():
    assert cycles(graph()) == []


def test_services_depend_on_neither_api_nor_cli():
    """The API and the CLI import the services, never the other way (also inside functions)."""
    found = []
    for p in sorted((PKG / "services").rglob("*.py")):
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom) else
                     [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            found += [f"{p.name}: {n}" for n in names if n.startswith(("eventwire.api", "eventwire.cli"))]
    assert found == []


def test_every_module_imports_first():
    """Each module imported alone in a fresh interpreter (several at a time)."""
    procs = {}
    names = sorted(_modules())
    failures = []
    for i in range(0, len(names), 8):
        batch = names[i:i + 8]
        procs = {n: subprocess.Popen([sys.executable, "-c", f"import {n}"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True) for n in batch}
        for n, p in procs.items():
            _, err = p.communicate(timeout=120)
            if p.returncode:
                failures.append(f"{n}: {err.strip().splitlines()[-1] if err.strip() else p.returncode}")
    assert not failures, "\n".join(failures)


if __name__ == "__main__":  # print the circles: python tests/test_imports.py
    for c in cycles(graph()):
        print(" <-> ".join(c))
    sys.exit(pytest.main([__file__, "-q"]))
