"""Framing: eventwire vs the "flag every word of a general bias lexicon" baseline, in one run.

The baseline (framing issue; ../shared/data/lexicons/README.md) marks each occurrence of a word
of `npov_lexicon.txt` (Recasens et al. 2013, via rpryzant/neutralizing-bias, MIT) as one
Loaded_Language span. Both outputs are written as contract-style documents and scored with
../shared/eval/score.py, so the two numbers come from the same scorer on the same gold file.

    .venv/bin/python benchmarks/framing_baseline.py                     # runs eventwire (framing only)
    .venv/bin/python benchmarks/framing_baseline.py --system OUT.jsonl  # scores an existing run
    .venv/bin/python benchmarks/framing_baseline.py --holdout           # only the held-out articles

Prints a table, then one JSON line: {"baseline": {...}, "eventwire": {...}, "ratio": si_f1 ratio}.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")


def is_holdout(article_id: str, mod: int = 5) -> bool:
    """The articles train_framing.py leaves out of training (sha1 of the id, mod 5 == 0)."""
    return int(hashlib.sha1(article_id.encode("utf-8")).hexdigest(), 16) % mod == 0


def baseline_doc(item: dict, lexicon: set[str]) -> dict:
    """A contract-style document with one Loaded_Language span per lexicon word occurrence."""
    text = item["text"]
    framing = [{"start": m.start(), "end": m.end(), "text": m.group(), "technique": "Loaded_Language",
                "about": None} for m in WORD.finditer(text) if m.group().lower() in lexicon]
    return {"schema": "eventwire/document/1", "article": {"id": item["id"], "text": text},
            "framing": framing}


def run_eventwire(items: list[dict], out: Path) -> None:
    """Run the pipeline (layers from EVENTWIRE_LAYERS, default framing only) over the items."""
    os.environ.setdefault("EVENTWIRE_LAYERS", "framing")
    from eventwire.analysis import analyse_many
    from eventwire.ingest.article import Article

    arts = [Article(text=it["text"], id=it["id"]) for it in items]
    with out.open("w", encoding="utf-8") as fh:
        for d in analyse_many(arts):
            fh.write(json.dumps(d.to_dict(), ensure_ascii=False) + "\n")


def score(scorer: Path, gold: Path, system: Path) -> dict:
    res = subprocess.run([sys.executable, str(scorer), "framing", str(gold), str(system), "--json"],
                         check=True, capture_output=True, text=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=SHARED / "data" / "framing-ptc-dev.jsonl")
    ap.add_argument("--lexicon", type=Path, default=SHARED / "data" / "lexicons" / "npov_lexicon.txt")
    ap.add_argument("--scorer", type=Path, default=SHARED / "eval" / "score.py")
    ap.add_argument("--system", type=Path, help="an existing eventwire output for the gold file")
    ap.add_argument("--holdout", action="store_true", help="score only the held-out articles")
    ap.add_argument("--json", action="store_true", help="print only the JSON line")
    a = ap.parse_args(argv)

    items = [json.loads(ln) for ln in a.gold.open(encoding="utf-8") if ln.strip()]
    if a.holdout:
        items = [it for it in items if is_holdout(it["id"])]
    lexicon = {w.strip().lower() for w in a.lexicon.open(encoding="utf-8") if w.strip()}
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        gold = tmpd / "gold.jsonl"
        gold.write_text("".join(json.dumps(it, ensure_ascii=False) + "\n" for it in items), encoding="utf-8")
        base = tmpd / "baseline.jsonl"
        base.write_text("".join(json.dumps(baseline_doc(it, lexicon), ensure_ascii=False) + "\n"
                                for it in items), encoding="utf-8")
        system = a.system
        if system is None:
            system = tmpd / "eventwire.jsonl"
            run_eventwire(items, system)
        results = {"baseline": score(a.scorer, gold, base), "eventwire": score(a.scorer, gold, system)}
    keys = ("si_p", "si_r", "si_f1", "technique_p", "technique_r", "technique_f1")
    bf, ef = results["baseline"]["si_f1"], results["eventwire"]["si_f1"]
    summary = {name: {k: round(r[k], 4) for k in keys} for name, r in results.items()}
    summary["items"] = len(items)
    summary["ratio"] = round(ef / bf, 3) if bf else None
    if not a.json:
        print(f"{'system':<10}" + "".join(f"{k:>14}" for k in keys))
        for name in ("baseline", "eventwire"):
            print(f"{name:<10}" + "".join(f"{summary[name][k]:>14.4f}" for k in keys))
        print(f"items {len(items)}; si_f1 ratio eventwire/baseline = {summary['ratio']}")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
