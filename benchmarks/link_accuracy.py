"""Pairwise precision and recall of incident linking on the labelled set (tests/data/linking).

Two sources of event records for the same report texts:

* ``--source annotated`` (default): the hand-coded reading of each report
  (tests/data/linking/annotations.py): measures the linker on correct upstream input;
* ``--source pipeline``: the real eventwire pipeline (`analyse_many`) on the texts:
  measures the whole chain; misses here that the annotated run does not have come
  from the upstream layers (places, times, actors, claims, events).

Each report is one labelled article. Its *main event* is its first linkable event
of the labelled type (the type of the first annotated event); two reports are
predicted linked when their main events end up in one incident. A report whose
pipeline output has no such event links to nothing (it costs recall).
Prints a table, the wrong pairs with their scores (--verbose), and one JSON line.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "linking"


def _annotations():
    spec = importlib.util.spec_from_file_location("linking_annotations", DATA / "annotations.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def pipeline_documents(rows: list[dict]) -> list[dict]:
    from eventwire.analysis import analyse_many
    from eventwire.ingest.article import Article

    arts = [Article(text=r["text"], id=r["id"], title=r.get("title"), outlet=r.get("outlet"),
                    published=r.get("published")) for r in rows]
    return [d.to_dict() for d in analyse_many(arts)]


def main_events(rows: list[dict], docs: list[dict], assignment: dict[str, str]) -> dict[str, str | None]:
    """article id -> incident id of its main event (None when it has none)."""
    from eventwire.link.reports import LINKABLE_STATUS

    out: dict[str, str | None] = {}
    for row, doc in zip(rows, docs, strict=True):
        want = (row.get("events") or [{}])[0].get("t")
        inc = None
        for ev in doc.get("events") or []:
            if ev.get("type") == want and (ev.get("status") or "reported") in LINKABLE_STATUS:
                inc = assignment.get(f"{doc['article']['id']}:{ev['id']}")
                if inc:
                    break
        out[row["id"]] = inc
    return out


def pairwise(rows: list[dict], predicted: dict[str, str | None]) -> dict:
    tp = fp = fn = 0
    wrong = []
    for a, b in combinations(rows, 2):
        gold = a["incident"] == b["incident"]
        pa, pb = predicted.get(a["id"]), predicted.get(b["id"])
        pred = pa is not None and pa == pb
        tp += gold and pred
        fp += pred and not gold
        fn += gold and not pred
        if gold != pred:
            wrong.append(("FP" if pred else "FN", a["id"], b["id"], a["incident"], b["incident"]))
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    # recall over the gold pairs whose two reports both have a main event (what the linker could reach)
    reach = [(a, b) for a, b in combinations(rows, 2) if a["incident"] == b["incident"]
             and predicted.get(a["id"]) is not None and predicted.get(b["id"]) is not None]
    r_reach = sum(predicted[a["id"]] == predicted[b["id"]] for a, b in reach) / len(reach) if reach else 1.0
    return {"precision": round(p, 4), "recall": round(r, 4), "recall_with_main_events": round(r_reach, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "tp": tp, "fp": fp, "fn": fn, "wrong": wrong}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", choices=["annotated", "pipeline"], default="annotated")
    ap.add_argument("--files", nargs="*", default=["labelled.jsonl", "contested.jsonl", "nearmiss.jsonl"])
    ap.add_argument("--docs", default=None, metavar="JSONL",
                    help="pipeline source: read the documents from this file if it exists, else write them there")
    ap.add_argument("--verbose", "-v", action="store_true", help="list the wrong pairs with their scores")
    ap.add_argument("--json", action="store_true", help="print only the JSON line")
    args = ap.parse_args(argv)

    from eventwire.link import link_reports, reports_from_documents
    from eventwire.link.score import DEFAULT, idf_table, score_pair

    ann = _annotations()
    rows = [r for f in args.files for r in ann.load_rows(f)]
    t0 = time.perf_counter()
    if args.source == "annotated":
        docs = [ann.to_document(r) for r in rows]
    elif args.docs and Path(args.docs).is_file():
        with open(args.docs, encoding="utf-8") as fh:
            docs = [json.loads(line) for line in fh]
    else:
        docs = pipeline_documents(rows)
        if args.docs:
            with open(args.docs, "w", encoding="utf-8") as fh:
                fh.writelines(json.dumps(d, ensure_ascii=False) + "\n" for d in docs)
    t1 = time.perf_counter()
    reports = reports_from_documents(docs)
    res = link_reports(reports)
    t2 = time.perf_counter()
    predicted = main_events(rows, docs, res.assignment)
    m = pairwise(rows, predicted)
    n_inc = len({r["incident"] for r in rows})
    missing = sorted(k for k, v in predicted.items() if v is None)
    if not args.json:
        print(f"source          {args.source}")
        print(f"reports         {len(rows)} ({n_inc} labelled incidents)")
        print(f"events linked   {len(reports)} -> {len(res.incidents)} incidents")
        print(f"no main event   {len(missing)} {' '.join(missing[:20])}")
        print(f"pairs           tp {m['tp']}  fp {m['fp']}  fn {m['fn']}")
        print(f"precision       {m['precision']:.4f}")
        print(f"recall          {m['recall']:.4f}  (over pairs whose reports both have a main event: "
              f"{m['recall_with_main_events']:.4f})")
        print(f"f1              {m['f1']:.4f}")
        print(f"time            analyse {t1 - t0:.2f}s  link {t2 - t1:.3f}s")
        if args.verbose:
            idf = idf_table(reports)
            by_article: dict[str, list] = {}
            for r in reports:
                by_article.setdefault(r.article, []).append(r)
            for kind, a, b, ia, ib in m["wrong"]:
                ra, rb = by_article.get(a, []), by_article.get(b, [])
                best = max((score_pair(x, y, idf, DEFAULT) for x in ra for y in rb), default=None)
                sc = f"{best:.2f}" if best is not None else "-"
                print(f"  {kind} {a} {b}  gold {ia} / {ib}  best pair score {sc}")
    out = {k: v for k, v in m.items() if k != "wrong"}
    out.update(source=args.source, reports=len(rows), incidents_labelled=n_inc,
               incidents_predicted=len(res.incidents), no_main_event=len(missing))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
