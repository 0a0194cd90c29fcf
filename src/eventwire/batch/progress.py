"""Progress bars for long runs (ingest, batch, link, reanalyse): rate and ETA on stderr.

Silent with --quiet or when stderr is not a terminal, so logs and pipes stay clean.
Totals are counted cheaply up front (lines of JSON-lines files, files in folders)
so the bar can show an ETA; an input whose size is unknown (stdin) gives no total.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path


def bar(total: int | None, desc: str, quiet: bool = False, unit: str = "art"):
    """A tqdm bar on stderr, disabled when quiet or not on a terminal."""
    from tqdm import tqdm

    disable = quiet or not sys.stderr.isatty()
    return tqdm(total=total, desc=desc, unit=unit, disable=disable, file=sys.stderr, dynamic_ncols=True,
                smoothing=0.1)


def _lines(path: Path) -> int:
    n = 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            n += chunk.count(b"\n")
    return n


def count_inputs(paths: Iterable[str]) -> int | None:
    """About how many input items the paths hold (None when one is stdin)."""
    from eventwire.ingest.readers import READERS

    total = 0
    for p in paths:
        if p == "-":
            return None
        path = Path(p)
        files = sorted(x for x in path.rglob("*") if x.is_file()) if path.is_dir() else [path]
        for f in files:
            suffix = f.suffix.lower().lstrip(".")
            if path.is_dir() and (suffix not in READERS or f.name.startswith(".")):
                continue
            try:
                total += _lines(f) if suffix in ("jsonl", "ndjson") else 1
            except OSError:
                total += 1
    return total
