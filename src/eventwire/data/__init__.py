"""Package data files (lexicons, dictionaries, outlets, gazetteer supplement).

Code reads data only through these functions, so every file is found the same
way whether eventwire runs from a checkout, a wheel or a Ray worker.
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml


def data_path(name: str) -> resources.abc.Traversable:
    """The packaged file `name` (relative to eventwire/data)."""
    node = resources.files(__name__)
    for part in name.split("/"):
        node = node / part
    if not node.is_file():
        raise FileNotFoundError(f"eventwire data file not found: {name}")
    return node


def open_data(name: str) -> io.TextIOWrapper:
    """Open a packaged data file as UTF-8 text."""
    return data_path(name).open("r", encoding="utf-8")


@lru_cache(maxsize=64)
def read_csv(name: str) -> tuple[dict[str, str], ...]:
    """Rows of a packaged CSV file; lines starting with '#' are comments."""
    with open_data(name) as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.lstrip().startswith("#")]
    return tuple(dict(r) for r in csv.DictReader(lines))


@lru_cache(maxsize=64)
def read_yaml(name: str) -> Any:
    """A packaged YAML file, parsed."""
    with open_data(name) as fh:
        return yaml.safe_load(fh)


def data_digest(*names: str) -> str:
    """A short hash of the named files, to key caches built from them."""
    import hashlib

    h = hashlib.sha256()
    for n in names:
        h.update(n.encode())
        h.update(data_path(n).read_bytes())
    return h.hexdigest()[:16]
