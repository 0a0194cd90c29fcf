"""The layout stays readable: no module over 600 lines, no function over 80, anywhere in the package
except generated migrations (issue 17)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "src" / "eventwire"
CHECKED = ("api", "cli", "batch", "services", "analysis", "link", "store", "gazetteer", "ingest", "data")
MAX_MODULE, MAX_FUNCTION = 600, 80


def _modules() -> list[Path]:
    """Every module of the package, the migrations Alembic writes aside."""
    return sorted(p for p in PKG.rglob("*.py") if not {"__pycache__", "migrations"} & set(p.parts))


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([d.lineno for d in node.decorator_list] + [node.lineno])
            yield node.name, node.lineno, node.end_lineno - start + 1


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PKG)))
def test_module_and_function_sizes(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_MODULE, f"{path.name}: split it by job"
    long = [(name, line, n) for name, line, n in _functions(ast.parse(text)) if n > MAX_FUNCTION]
    assert not long, f"{path.name}: functions over {MAX_FUNCTION} lines (name, line, length): {long}"


def test_the_checked_packages_exist() -> None:
    """A renamed package would make the test above check nothing."""
    assert all((PKG / d / "__init__.py").exists() for d in CHECKED)
    assert len(_modules()) > 100
