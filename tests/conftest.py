"""Shared fixtures: one pipeline per test session, paths to ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the project (dev sets and examples live there)")
    return SHARED


@pytest.fixture(scope="session")
def benchmark_script():
    """Loads a script of benchmarks/ as a module: its training splits and labels are what some
    tests check."""
    import importlib.util

    def load(name: str):
        spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load


@pytest.fixture(scope="session")
def nlp():
    from eventwire.analysis import get_nlp

    return get_nlp()


@pytest.fixture(scope="session")
def sana_doc(nlp, shared):
    """The SANA example, analysed once."""
    from eventwire.analysis import analyse_many
    from eventwire.ingest import iter_articles

    (art,) = list(iter_articles([str(shared / "examples" / "sana-2018-06-16.txt")]))
    return next(analyse_many([art], nlp=nlp)).to_dict()
