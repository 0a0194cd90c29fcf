"""Write ``data/lexicons/cameo_verbs.csv`` from PETRARCH2's CAMEO verb pattern dictionary.

    # bring openeventdata/petrarch2 (MIT licence) onto the machine, then:
    git --git-dir=PETRARCH2/.git show HEAD:petrarch2/data/dictionaries/CAMEO.2.0.txt > /tmp/CAMEO.2.0.txt
    .venv/bin/python benchmarks/build_cameo_verbs.py /tmp/CAMEO.2.0.txt

Why: the event typer learns from two small corpora, so a verb it never saw had no evidence
but its WordNet class. The field's CAMEO verb dictionary (TABARI/PETRARCH, decades of coding
news) gives such a verb a CAMEO code, and PLOVER's CAMEO table turns the code into a PLOVER
type. Each row is a verb (or verb + particle) with the code of its line or of its block; the
object patterns ("- * CONVOY [190]") are left out: PETRARCH applies them to every synonym of a
block, which pairs e.g. "arrest" with "airfield", and the typer reads objects itself.
Run once by a developer; only the CSV is shipped.
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "eventwire" / "data" / "lexicons" / "cameo_verbs.csv"
SOURCE = "petrarch2 CAMEO.2.0.txt"
HEADER = re.compile(r"^---\s+(\S+)\s+\[([^\]]*)\]")
CODE = re.compile(r"\[([0-9:]*)\]")


def code_of(text: str) -> str | None:
    """The event code of a '[...]' field ('190', '042:043' -> '042'); None for '---' or empty."""
    m = CODE.search(text)
    if not m:
        return None
    code = m.group(1).split(":")[0]
    return code if code.isdigit() else None


def parse(path: Path) -> list[tuple[str, str]]:
    """(verb, CAMEO code) rows of the verb blocks."""
    rows: list[tuple[str, str]] = []
    block: str | None = None
    in_blocks = False
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        h = HEADER.match(raw)
        if h:
            in_blocks = True
            block = code_of(raw)
            continue
        if not in_blocks or not line.strip():
            continue
        if line.startswith("-"):
            continue  # an object pattern
        tok = line.split("{", 1)[0].split("[", 1)[0].strip()
        if not tok:
            continue
        verb = tok.lstrip("+").strip("_").replace("_", " ").lower()
        if not re.fullmatch(r"[a-z][a-z' -]*", verb):
            continue
        code = code_of(line) or block
        if code is not None:
            rows.append((verb, code))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cameo", type=Path, help="petrarch2/data/dictionaries/CAMEO.2.0.txt")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for verb, code in parse(args.cameo):
        if verb in seen:
            continue  # the first line wins, as in PETRARCH
        seen.add(verb)
        out.append((verb, code))
    out.sort()
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# CAMEO codes of English verbs (the first line of a verb wins).\n")
        fh.write("# Source: openeventdata/petrarch2 petrarch2/data/dictionaries/CAMEO.2.0.txt @ 676801cd\n")
        fh.write("# (MIT licence, Copyright (c) 2014 Open Event Data); made by benchmarks/build_cameo_verbs.py.\n")
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["verb", "cameo", "source"])
        w.writerows((v, c, SOURCE) for v, c in out)
    print(f"{len(out)} rows -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
