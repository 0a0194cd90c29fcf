"""Write ``data/lexicons/reciprocal_words.csv``: the verbs of symmetric acts and their nouns.

    # VerbNet 3.4 (University of Colorado; VerbNet 3.0 licence): the verbnet3.4/*.xml files of
    # github.com/cu-clear/verbnet, in a directory; WordNet 3.0: Debian wordnet-base
    .venv/bin/python benchmarks/build_reciprocal_words.py --verbnet VERBNET3.4_DIR

Why: "Putin met Erdogan", "held talks with Karzai", "clashed with the army": in such an act each
party acts on the other. VerbNet marks the verbs whose second party is a Co-Agent (Levin's
social-interaction classes: meet, consult, negotiate, agree, cooperate, fight, clash, ...), and
whether that party can be the direct object ("met Erdogan", "fought the army") or only a
with-phrase ("negotiated with"). Their nouns ("talks", "meeting", "negotiations", "clash") come
from WordNet's derivational links, keeping the act and not its doer ("negotiation", not
"negotiator"). Run once by a developer; only the CSV is shipped.
"""

from __future__ import annotations

import argparse
import csv
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "eventwire" / "data" / "lexicons" / "reciprocal_words.csv"
# Co-Agent classes about private life, games or toil, not parties' dealings
EXCLUDED = ("marry-36.2", "interact-36.6", "play-114.2", "subordinate-95.2.1", "work-73.2")
ACT_NOUN_FILES = {4, 10, 11}  # noun.act, noun.communication, noun.event


def coagent_verbs(vn: Path) -> dict[str, tuple[str, bool]]:
    """Member verb -> (VerbNet class, whether a frame has the Co-Agent as direct object)."""
    out: dict[str, tuple[str, bool]] = {}

    def walk(node: ET.Element, roles: set[str], frames: list[ET.Element]) -> None:
        roles = roles | {r.get("type") or "" for r in node.findall("./THEMROLES/THEMROLE")}
        frames = frames + node.findall("./FRAMES/FRAME")
        obj = any((f.find("./DESCRIPTION").get("primary") or "").startswith("NP V NP")
                  and [n.get("value") for n in f.findall("./SYNTAX/NP")][1:2] == ["Co-Agent"] for f in frames)
        cid = node.get("ID") or ""
        if "Co-Agent" in roles and not cid.startswith(EXCLUDED):
            for m in node.findall("./MEMBERS/MEMBER"):
                name = (m.get("name") or "").replace("_", " ")
                old = out.get(name)
                out[name] = (old[0] if old else cid, bool(old and old[1]) or obj)
        for sc in node.findall("./SUBCLASSES/VNSUBCLASS"):
            walk(sc, roles, frames)

    for path in sorted(vn.glob("*.xml")):
        walk(ET.parse(path).getroot(), set(), [])
    return out


def _synsets(path: Path) -> dict[int, tuple[list[str], list[tuple[str, int, str, str]], int]]:
    """offset -> (words, pointers (symbol, offset, pos, source/target), lexicographer file)."""
    out = {}
    with path.open(encoding="latin-1") as fh:
        for line in fh:
            if line.startswith("  "):
                continue
            p = line.split()
            n = int(p[3], 16)
            words = [p[4 + 2 * i].lower() for i in range(n)]
            k = 4 + 2 * n
            ptrs = [tuple(p[k + 1 + 4 * j: k + 5 + 4 * j]) for j in range(int(p[k]))]
            out[int(p[0])] = (words, [(s, int(o), pos, st) for s, o, pos, st in ptrs], int(p[1]))
    return out


def act_nouns(wn: Path, verbs: list[str]) -> dict[str, str]:
    """Noun -> the verb it derives from (WordNet '+' pointers), for nouns naming the act."""
    V, N = _synsets(wn / "data.verb"), _synsets(wn / "data.noun")
    out: dict[str, str] = {}
    for verb in verbs:
        for words, ptrs, _ in V.values():
            if verb not in words:
                continue
            wi = words.index(verb) + 1
            for sym, off, pos, st in ptrs:
                if sym != "+" or pos != "n" or int(st[:2], 16) not in (0, wi):
                    continue
                nwords, _, lexfile = N[off]
                tw = int(st[2:], 16)
                noun = nwords[tw - 1] if tw else nwords[0]
                if lexfile in ACT_NOUN_FILES and noun.isalpha():
                    out.setdefault(noun, verb)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verbnet", type=Path, required=True, help="directory of VerbNet 3.4 class XML files")
    ap.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    verbs = coagent_verbs(args.verbnet)
    rows = [(v, "verb", cls, int(obj), "VerbNet 3.4") for v, (cls, obj) in sorted(verbs.items())]
    nouns = act_nouns(args.wordnet, sorted(v for v in verbs if " " not in v))
    rows += [(n, "noun", verbs[v][0], 0, f"WordNet 3.0 from '{v}'") for n, v in sorted(nouns.items())]
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# Verbs of symmetric acts (a VerbNet Co-Agent) and the nouns of those acts.\n"
                 "# object_counterpart: the second party can be the direct object ('met Erdogan').\n"
                 "# Sources: VerbNet 3.4, Copyright 2009 University of Colorado (VerbNet 3.0 licence); WordNet 3.0,\n"
                 "# Copyright 2006 Princeton University (WordNet 3.0 licence). See SOURCES.md.\n"
                 "# Made by benchmarks/build_reciprocal_words.py.\n")
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("word", "pos", "verbnet_class", "object_counterpart", "source"))
        w.writerows(rows)
    print(f"wrote {args.out}: {len(rows)} rows")


if __name__ == "__main__":
    main()
