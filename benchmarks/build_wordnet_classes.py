"""Write ``data/lexicons/wordnet_classes.csv``: the WordNet 3.0 lexicographer classes of English
verbs (verb.communication, verb.cognition, ...), in sense-frequency order.

    apt-get install wordnet-base     # Debian: /usr/share/wordnet (Princeton WordNet 3.0)
    .venv/bin/python benchmarks/build_wordnet_classes.py

Why: the claims cue model learns from one small corpus, so a verb it never saw ("propound",
"pooh-pooh") had no evidence at all. Its WordNet class is evidence that carries over: a
communication verb with a clause after it and a person before it is very likely a report.
Run once by a developer; the CSV is shipped, WordNet is never read at run time.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "eventwire" / "data" / "lexicons" / "wordnet_classes.csv"
# lexicographer file numbers of the verb classes (WordNet lexnames(5WN))
LEXNAMES = {29: "body", 30: "change", 31: "cognition", 32: "communication", 33: "competition",
            34: "consumption", 35: "contact", 36: "creation", 37: "emotion", 38: "motion",
            39: "perception", 40: "possession", 41: "social", 42: "stative", 43: "weather"}
MAX_SENSES = 3  # the first senses only: rare senses of common words are noise


def lexfiles(data: Path) -> dict[int, int]:
    """Synset offset -> lexicographer file number, from a data.<pos> file."""
    out = {}
    with data.open(encoding="latin-1") as fh:
        for line in fh:
            if line.startswith("  "):
                continue  # the licence header
            off, lexfile = line.split(" ", 2)[:2]
            out[int(off)] = int(lexfile)
    return out


def classes(wn: Path) -> dict[str, list[str]]:
    files = lexfiles(wn / "data.verb")
    out: dict[str, list[str]] = {}
    with (wn / "index.verb").open(encoding="latin-1") as fh:
        for line in fh:
            if line.startswith("  "):
                continue
            parts = line.split()
            lemma = parts[0]
            if "_" in lemma or not lemma.isalpha():
                continue  # single plain words only: the model looks at one token
            n_ptr = int(parts[3])
            offsets = [int(o) for o in parts[4 + n_ptr + 2:]]
            seen: list[str] = []
            for off in offsets[:MAX_SENSES]:
                name = LEXNAMES.get(files.get(off, -1))
                if name and name not in seen:
                    seen.append(name)
            if seen:
                out[lemma] = seen
    return out


# noun lexicographer files of parties: people and bodies (noun.person, noun.group)
PARTY_LEXNAMES = {18: "person", 14: "group"}
NOUNS_OUT = ROOT / "src" / "eventwire" / "data" / "lexicons" / "wordnet_party_nouns.csv"


def party_nouns(wn: Path) -> dict[str, str]:
    """Single-word nouns whose most frequent sense names people or a body of them ("trucker",
    "secessionist", "household", "agency"): lemma -> person | group."""
    files = lexfiles(wn / "data.noun")
    out: dict[str, str] = {}
    with (wn / "index.noun").open(encoding="latin-1") as fh:
        for line in fh:
            if line.startswith("  "):
                continue
            parts = line.split()
            lemma = parts[0]
            if "_" in lemma or not lemma.isalpha():
                continue
            n_ptr = int(parts[3])
            offsets = [int(o) for o in parts[4 + n_ptr + 2:]]
            name = PARTY_LEXNAMES.get(files.get(offsets[0], -1)) if offsets else None
            if name:
                out[lemma] = name
    return out


def write_party_nouns(wn: Path, path: Path) -> int:
    rows = [(lemma, cls, "WordNet 3.0") for lemma, cls in sorted(party_nouns(wn).items())]
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# Nouns whose most frequent WordNet 3.0 sense names people (noun.person) or a body of them"
                 " (noun.group).\n"
                 "# Source: Princeton WordNet 3.0 (Debian wordnet-base), made by"
                 " benchmarks/build_wordnet_classes.py.\n"
                 "# WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved."
                 " Licence: WordNet 3.0 (see SOURCES.md).\n")
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("lemma", "class", "source"))
        w.writerows(rows)
    return len(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--nouns-out", type=Path, default=NOUNS_OUT)
    args = ap.parse_args()
    rows = [(lemma, " ".join(names), "WordNet 3.0") for lemma, names in sorted(classes(args.wordnet).items())]
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# WordNet 3.0 lexicographer classes of a verb's first three senses, most frequent first.\n"
                 "# Source: Princeton WordNet 3.0 (Debian wordnet-base), made by"
                 " benchmarks/build_wordnet_classes.py.\n"
                 "# WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved."
                 " Licence: WordNet 3.0 (see SOURCES.md).\n")
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("lemma", "classes", "source"))
        w.writerows(rows)
    print(f"wrote {args.out}: {len(rows)} rows")
    print(f"wrote {args.nouns_out}: {write_party_nouns(args.wordnet, args.nouns_out)} rows")


if __name__ == "__main__":
    main()
