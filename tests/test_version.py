"""The analysis version hashes every analysis source, subpackages included."""

from __future__ import annotations

from pathlib import Path

from eventwire.analysis import version


def _tree(root: Path) -> None:
    (root / "analysis" / "claims").mkdir(parents=True)
    (root / "analysis" / "a.py").write_text("A = 1\n")
    (root / "analysis" / "claims" / "cues.py").write_text("CUES = ['said']\n")
    (root / "analysis" / "__pycache__").mkdir()
    (root / "analysis" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
    (root / "data").mkdir()
    (root / "data" / "words.csv").write_text("word\n")


def test_a_subpackage_source_counts(tmp_path, monkeypatch):
    _tree(tmp_path)
    monkeypatch.setattr(version, "_PKG", tmp_path)
    names = [p.relative_to(tmp_path).as_posix() for p in version._files()]
    assert names == ["analysis/a.py", "analysis/claims/cues.py", "data/words.csv"]
    version.version.cache_clear()
    before = version.version()
    (tmp_path / "analysis" / "claims" / "cues.py").write_text("CUES = ['said', 'told']\n")
    version.version.cache_clear()
    try:
        assert version.version() != before
    finally:
        version.version.cache_clear()
