"""Write ``data/lexicons/wordnet_classes.csv``: the WordNet 3.0 lexicographer classes of English
verbs (verb.communication, verb.cognition, ...), in sense-frequency order; and
``data/lexicons/wordnet_noun_classes.csv``: the class of a noun's most frequent sense (noun.person
and noun.group name the events layer's parties, "truckers", "households"; the others say what
kind of thing an event's argument is, "gave euros" against "sent a letter").

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


def senses(index: Path):
    """(lemma, synset offsets in sense-frequency order) of each single plain word of an index file
    (the models look at one token)."""
    with index.open(encoding="latin-1") as fh:
        for line in fh:
            if line.startswith("  "):
                continue
            parts = line.split()
            lemma = parts[0]
            if "_" in lemma or not lemma.isalpha():
                continue
            n_ptr = int(parts[3])
            yield lemma, [int(o) for o in parts[4 + n_ptr + 2:]]


def classes(wn: Path) -> dict[str, list[str]]:
    files = lexfiles(wn / "data.verb")
    out: dict[str, list[str]] = {}
    for lemma, offsets in senses(wn / "index.verb"):
        seen: list[str] = []
        for off in offsets[:MAX_SENSES]:
            name = LEXNAMES.get(files.get(off, -1))
            if name and name not in seen:
                seen.append(name)
        if seen:
            out[lemma] = seen
    return out


# every noun lexicographer file (WordNet lexnames(5WN)): the class of an event's argument
NOUN_LEXNAMES = {3: "tops", 4: "act", 5: "animal", 6: "artifact", 7: "attribute", 8: "body", 9: "cognition",
                 10: "communication", 11: "event", 12: "feeling", 13: "food", 14: "group", 15: "location",
                 16: "motive", 17: "object", 18: "person", 19: "phenomenon", 20: "plant", 21: "possession",
                 22: "process", 23: "quantity", 24: "relation", 25: "shape", 26: "state", 27: "substance",
                 28: "time"}
NOUN_CLASSES_OUT = ROOT / "src" / "eventwire" / "data" / "lexicons" / "wordnet_noun_classes.csv"


def noun_classes(wn: Path) -> dict[str, str]:
    """Single-word nouns -> the lexicographer class of their most frequent sense ("euro":
    possession, "tent": artifact, "letter": communication): what kind of thing an argument is."""
    files = lexfiles(wn / "data.noun")
    return {lemma: NOUN_LEXNAMES[f] for lemma, offsets in senses(wn / "index.noun")
            if offsets and (f := files.get(offsets[0], -1)) in NOUN_LEXNAMES}


def write(path: Path, what: str, column: str, table: dict) -> None:
    """One shipped CSV: lemma, the class column, source; with the WordNet notice on top."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(f"# {what}\n"
                 "# Source: Princeton WordNet 3.0 (Debian wordnet-base), made by"
                 " benchmarks/build_wordnet_classes.py.\n"
                 "# WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved."
                 " Licence: WordNet 3.0 (see SOURCES.md).\n")
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("lemma", column, "source"))
        w.writerows((lemma, " ".join(v) if isinstance(v, list) else v, "WordNet 3.0") for lemma, v in sorted(table.items()))
    print(f"wrote {path}: {len(table)} rows")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--noun-classes-out", type=Path, default=NOUN_CLASSES_OUT)
    args = ap.parse_args()
    write(args.out, "WordNet 3.0 lexicographer classes of a verb's first three senses, most frequent first.",
          "classes", classes(args.wordnet))
    write(args.noun_classes_out, "WordNet 3.0 lexicographer class of a noun's most frequent sense.", "class",
          noun_classes(args.wordnet))


if __name__ == "__main__":
    main()
