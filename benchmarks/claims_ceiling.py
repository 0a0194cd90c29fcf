"""How far the claims layer's cue overlap F1 can go on PolNeAR without fitting the file it is scored on.

    .venv/bin/python benchmarks/claims_ceiling.py --cache /tmp/polnear.spacy

1. Out-of-sample output for every article of ../shared/data/attribution-polnear-dev.jsonl: each of
   the four cross-validation folds of train_claims.py is run with a cue model fit on the other three,
   the held-out 20 % with the model fit on all four. Scored with ../shared/eval/score.py.
2. Where the lost cue credit is, among the claims score.py pairs with a gold attribution: system cue
   shorter than gold, longer, or disjoint (paired only by content), and what the F1 would be if
   every paired cue had gold's exact extent.
3. How consistently PolNeAR marks the same construction: a verb of saying with a weekday after it,
   "in a statement/an interview", a passive's "by": inside the gold cue or outside it.
4. How often a noun of reporting ("comment", "plan", "claim") is a gold cue, by construction.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import train_claims as T  # benchmarks/ is the script's own folder

from eventwire.analysis import claims

sys.path.insert(0, str(T.SHARED / "eval"))
import score  # noqa: E402

SAYING_LEX = claims.Lexicon.load()  # its verbs of saying and weekdays (lexicons/claims_words.yaml)


def out_of_sample(docs: list, items: list[dict], threshold: float, veto: float) -> list[dict]:
    lex = claims.Lexicon.load()
    fit_idx = [i for i, it in enumerate(items) if T.fold(it["id"]) not in T.HELD_OUT]
    held = [i for i, it in enumerate(items) if T.fold(it["id"]) in T.HELD_OUT]
    groups = [[i for i in fit_idx if T.fold(items[i]["id"]) in cv] for cv in T.CV_FOLDS] + [held]
    out: list[dict] = [{}] * len(items)
    for g in groups:
        test = set(g)
        train = [i for i in fit_idx if i not in test]
        w = T.fit(*T.examples([docs[i] for i in train], [items[i] for i in train], lex))
        for i, o in zip(g, T.outputs([docs[i] for i in g], [items[i] for i in g],
                                     claims.CueModel(w, threshold, veto)), strict=True):
            out[i] = o
    return out


def paired(G: list[dict], S: list[dict]) -> list[tuple[int, int]]:
    """score.py's pairing: by cue overlap first, then by content overlap of half the shorter content."""
    pairs = score.greedy_match(len(G), len(S), lambda i, j: score.ivs_overlap(G[i]["cue"], S[j]["cue"]))
    ug = [i for i in range(len(G)) if i not in {p[0] for p in pairs}]
    us = [j for j in range(len(S)) if j not in {p[1] for p in pairs}]

    def by_content(a: int, b: int) -> int:
        ov = score.ivs_overlap(G[ug[a]]["content"], S[us[b]]["content"])
        short = min(score.ivs_len(G[ug[a]]["content"]), score.ivs_len(S[us[b]]["content"]))
        return ov if short and ov >= 0.5 * short else 0

    return pairs + [(ug[a], us[b]) for a, b in score.greedy_match(len(ug), len(us), by_content)]


def losses(items: list[dict], out: list[dict]) -> dict:
    """Cue credit score.py gives and withholds on the claims it pairs with a gold attribution."""
    c: Counter = Counter()
    for g, d in zip(items, out, strict=True):
        toks = score.Tokens(g["text"])
        G = [{k: score._gold_part(a, k) for k in ("cue", "content")} for a in g["attributions"]]
        S = [{"cue": [(x["cue"]["start"], x["cue"]["end"])],
              "content": [(x["content"]["start"], x["content"]["end"])]} for x in d["claims"]]
        c["sys"] += len(S)
        c["gold"] += sum(1 for a in G if a["cue"])
        for i, j in paired(G, S):
            gt, st = toks.of(G[i]["cue"]), toks.of(S[j]["cue"])
            inter = len(gt & st)
            c["paired"] += 1
            c["credit_p"] += inter / len(st) if st else 0
            c["credit_r"] += inter / len(gt) if gt else 0
            kind = "disjoint" if not inter else "exact" if gt == st else "shorter" if st < gt \
                else "longer" if gt < st else "both"
            c["n_" + kind] += 1
            c["lost_p_" + kind] += 1 - inter / len(st) if st else 0
            c["lost_r_" + kind] += 1 - inter / len(gt) if gt else 0
    return dict(c)


def _by_shape(c: Counter) -> dict[str, Counter]:
    out: dict[str, Counter] = {}
    for (shape, inside), n in sorted(c.items()):
        out.setdefault(shape, Counter())[inside] += n
    return out


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def consistency(docs: list, items: list[dict]) -> Counter:
    """For constructions whose extent PolNeAR varies: (construction, inside the gold cue) counts."""
    c: Counter = Counter()
    saying = SAYING_LEX.speech_verbs | {"announce", "add", "report"}
    for doc, g in zip(docs, items, strict=True):
        for a in g["attributions"]:
            span = doc.char_span(a["cue"]["start"], a["cue"]["end"], alignment_mode="expand")
            if span is None:
                continue
            inside = range(span.start, span.end)
            for verb in (t for t in span if t.pos_ == "VERB"):
                for t in verb.children:
                    if t.i < verb.i:
                        continue
                    if verb.lemma_.lower() in saying and t.dep_ == "npadvmod" and t.lower_ in SAYING_LEX.weekdays:
                        c[("verb of saying + weekday", t.i in inside)] += 1
                    elif verb.lemma_.lower() in saying and t.dep_ == "prep" and t.lower_ in ("in", "during") \
                            and any(x.lemma_.lower() in ("statement", "interview") for x in t.children):
                        c[("verb of saying + in a statement/interview", t.i in inside)] += 1
                    elif t.dep_ == "agent" and t.i == verb.i + 1:
                        c[("passive + by", t.i in inside)] += 1
    return c


def noun_cues(docs: list, items: list[dict]) -> Counter:
    """Nouns of reporting (lexicon verbs used as nouns, lexicon noun cues) by construction: how often
    each is inside a gold cue -- whether adding nominal cues could pay."""
    lex = claims.Lexicon.load()
    c: Counter = Counter()
    for doc, g in zip(docs, items, strict=True):
        gold: set[int] = set()
        for a in g["attributions"]:
            span = doc.char_span(a["cue"]["start"], a["cue"]["end"], alignment_mode="expand")
            if span is not None:
                gold.update(range(span.start, span.end))
        for t in doc:
            lemma = t.lemma_.lower()
            if t.pos_ != "NOUN" or not (lemma in lex.verbs or lemma in lex.nouns):
                continue
            kids = list(t.children)
            shape = "+".join(k for k, has in (
                ("possessive", any(x.dep_ == "poss" for x in kids)),
                ("preposition", any(x.dep_ == "prep" and x.lower_ in lex.link_preps for x in kids)),
                ("clause", any(x.dep_ in ("acl", "relcl", "ccomp") for x in kids))) if has) or "bare"
            c[(shape, t.i in gold)] += 1
    return c


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=T.GOLD)
    ap.add_argument("--cache", type=Path, default=None, help="DocBin of the parsed gold texts (made if missing)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    items = [json.loads(line) for line in args.gold.open(encoding="utf-8")]
    docs = T.parse(items, args.cache)
    shipped = claims.CueModel.load(claims.MODEL_FILE)
    out = out_of_sample(docs, items, shipped.threshold, shipped.veto)
    res = T.scored(items, out)
    c = losses(items, out)
    p, r = c["credit_p"] / c["sys"], c["credit_r"] / c["gold"]
    bound_p = (c["credit_p"] + sum(c.get("lost_p_" + k, 0) for k in ("longer", "shorter", "both"))) / c["sys"]
    bound_r = (c["credit_r"] + sum(c.get("lost_r_" + k, 0) for k in ("longer", "shorter", "both"))) / c["gold"]
    all_p = (c["credit_p"] + sum(c.get("lost_p_" + k, 0) for k in ("longer", "shorter", "both", "disjoint"))) / c["sys"]
    all_r = (c["credit_r"] + sum(c.get("lost_r_" + k, 0) for k in ("longer", "shorter", "both", "disjoint"))) / c["gold"]
    report = {
        "out_of_sample": {k: round(res[k], 4) for k in T.KEYS},
        "cue_overlap_p": round(p, 4), "cue_overlap_r": round(r, 4), "cue_overlap_f1": round(f1(p, r), 4),
        "paired": c["paired"], "system_claims": c["sys"], "gold_cues": c["gold"],
        **{f"paired_{k}": c.get("n_" + k, 0) for k in ("exact", "shorter", "longer", "both", "disjoint")},
        "if_every_overlapping_cue_had_gold_extent_f1": round(f1(bound_p, bound_r), 4),
        "if_also_every_content_paired_cue_were_gold_f1": round(f1(all_p, all_r), 4),
        "annotation_consistency": {f"{k} ({'in' if v else 'out'})": n
                                   for (k, v), n in sorted(consistency(docs, items).items())},
        "reporting_nouns_inside_a_gold_cue": {
            k: f"{n[True]}/{n[True] + n[False]}" for k, n in _by_shape(noun_cues(docs, items)).items()},
    }
    print(json.dumps(report, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
