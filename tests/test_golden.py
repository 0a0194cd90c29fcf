"""Golden test: the SANA example's .expected.json holds, matched loosely by ../shared/eval/check_example.py.

Every section of the expected file is checked (all nine: article, places, times, actors,
claims, events, casualties, framing, must_not), with the checker's own semantics.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

SECTIONS = ("article", "places", "times", "actors", "claims", "events", "casualties", "framing", "must_not")


@pytest.fixture(scope="module")
def checker(shared: Path):
    path = shared / "eval" / "check_example.py"
    spec = importlib.util.spec_from_file_location("check_example", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def expected(shared: Path) -> dict:
    return json.loads((shared / "examples" / "sana-2018-06-16.expected.json").read_text(encoding="utf-8"))


def test_every_expected_section_is_checked(checker, expected: dict):
    """A section added to the expected file (or the checker) cannot go unchecked here."""
    assert set(expected) - {"about"} == set(SECTIONS) == set(checker.SECTIONS)


@pytest.mark.parametrize("section", SECTIONS)
def test_sana_section(section: str, checker, expected: dict, sana_doc: dict):
    assert section in expected, f"{section} is not in the expected file"
    results = checker.SECTIONS[section](checker.Doc(sana_doc), expected[section])
    failed = [label for label, ok in results if not ok]
    assert results and not failed, f"{section}: {len(failed)} of {len(results)} expectations fail: {failed}"


def test_check_example_script_passes(checker, sana_doc: dict, tmp_path: Path, shared: Path):
    """The script itself, as the outside evaluation runs it, on the same document."""
    doc = tmp_path / "sana.json"
    doc.write_text(json.dumps(sana_doc, ensure_ascii=False), encoding="utf-8")
    rc = checker.main([str(shared / "examples" / "sana-2018-06-16.expected.json"), str(doc),
                       "--sections", ",".join(SECTIONS)])
    assert rc == 0
