"""Geoparsing accuracy: eventwire's places layer vs the "most populous match" baseline, same run.

    python benchmarks/geo.py ../shared/data/geo-trnews.jsonl [--n 50] [--json]

The baseline takes each spaCy NER place name (GPE/LOC/FAC) and resolves it to its
most populous GeoNames match in the same compiled gazetteer (exact name only).
Both outputs are scored by ../shared/eval/score.py. Prints a table, then one JSON line.
Also reports the gazetteer load time (opening the compiled index).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCORE = ROOT.parent / "shared" / "eval" / "score.py"
KEYS = ("recognition_p", "recognition_r", "recognition_f1", "geonameid_accuracy", "acc161", "end_to_end_acc161")


def _docs_baseline(items: list[dict], nlp, gaz) -> list[dict]:
    out = []
    for it, doc in zip(items, nlp.pipe(it["text"] for it in items), strict=True):
        places = []
        for ent in doc.ents:
            if ent.label_ not in ("GPE", "LOC", "FAC"):
                continue
            cands = [gaz.place(g) for g, _k, by_key in gaz.lookup(ent.text) if not by_key]
            cands = [c for c in cands if c and c["lat"] is not None]
            best = max(cands, key=lambda c: c["population"] or 0) if cands else None
            places.append({"text": ent.text, "start": ent.start_char, "end": ent.end_char,
                           "geonameid": best["geonameid"] if best else None,
                           "lat": best["lat"] if best else None, "lon": best["lon"] if best else None})
        out.append({"article": {"id": it["id"], "text": it["text"]}, "places": places})
    return out


def _score(gold: Path, docs: list[dict]) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d) + "\n")
    res = subprocess.run([sys.executable, str(SCORE), "geo", str(gold), fh.name, "--json"],
                         capture_output=True, text=True, check=True)
    Path(fh.name).unlink()
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--n", type=int, default=0, help="first N items only (0 = all)")
    ap.add_argument("--json", action="store_true", help="print only the JSON line")
    a = ap.parse_args(argv)

    from eventwire.analysis import analyse_many
    from eventwire.analysis.pipeline import build_nlp
    from eventwire.gazetteer import index
    from eventwire.ingest.article import Article
    from eventwire.settings import load_settings

    items = [json.loads(ln) for ln in a.corpus.read_text(encoding="utf-8").split("\n") if ln.strip()]
    if a.n:
        items = items[:a.n]
    gold = Path(tempfile.mkstemp(suffix=".jsonl")[1])
    gold.write_text("".join(json.dumps(it) + "\n" for it in items), encoding="utf-8")

    settings = load_settings({"layers": "places"})
    index.load(settings.cache_dir)  # build if missing, outside the timing
    index._open.clear()
    t0 = time.perf_counter()
    gaz = index.load(settings.cache_dir)
    gaz.lookup("Damascus")
    load_s = time.perf_counter() - t0

    nlp = build_nlp(settings)
    t0 = time.perf_counter()
    arts = [Article(text=it["text"], id=it["id"], published=it.get("published")) for it in items]
    ours = [d.to_dict() if hasattr(d, "to_dict") else d.model_dump() for d in analyse_many(arts, nlp=nlp)]
    ours_s = time.perf_counter() - t0
    base = _docs_baseline(items, build_nlp(settings, layers=()), gaz)
    r_ours, r_base = _score(gold, ours), _score(gold, base)
    gold.unlink()

    result = {"corpus": a.corpus.name, "items": len(items), "gazetteer_load_s": round(load_s, 3),
              "eventwire_s": round(ours_s, 1),
              "eventwire": {k: r_ours.get(k) for k in KEYS}, "baseline": {k: r_base.get(k) for k in KEYS}}
    if not a.json:
        print(f"{a.corpus.name}: {len(items)} items; gazetteer load {load_s:.3f} s")
        print(f"{'metric':24} {'eventwire':>10} {'baseline':>10}")
        for k in KEYS:
            e, b = r_ours.get(k), r_base.get(k)
            print(f"{k:24} {e if e is None else round(e, 4):>10} {b if b is None else round(b, 4):>10}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
