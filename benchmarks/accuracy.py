#!/usr/bin/env python3
"""Accuracy of eventwire on the development sets, through ../shared/eval/score.py.

    python benchmarks/accuracy.py [--sets geo-trnews,geo-lgl,events,actors,attribution,framing] [--n N] [--json]

Runs `eventwire extract --format jsonl` on each dev file (the first N items with --n), scores the
output with the shared scorer, prints a table of the headline metrics and, last, one JSON line.
A script, not a test: the full sets take minutes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SETS = {
    "geo-trnews": ("geo", "geo-trnews.jsonl"),
    "geo-lgl": ("geo", "geo-lgl.jsonl"),
    "events": ("events", "events-plover-dev.jsonl"),
    "actors": ("actors", "actors-conflibert-dev.jsonl"),
    "attribution": ("attribution", "attribution-polnear-dev.jsonl"),
    "framing": ("framing", "framing-ptc-dev.jsonl"),
}


def run_set(name: str, n: int | None, workdir: Path) -> dict:
    task, fname = SETS[name]
    gold = SHARED / "data" / fname
    if n:
        sub = workdir / f"{name}.gold.jsonl"
        with gold.open(encoding="utf-8") as src, sub.open("w", encoding="utf-8") as dst:
            for i, line in enumerate(src):
                if i >= n:
                    break
                dst.write(line)
        gold = sub
    out = workdir / f"{name}.out.jsonl"
    ew = Path(sys.executable).parent / "eventwire"
    with out.open("w", encoding="utf-8") as fh:
        subprocess.run([str(ew), "extract", "--format", "jsonl", str(gold)], stdout=fh, check=False)
    res = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), task, str(gold), str(out)],
                         capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default=",".join(SETS), help="comma list of: " + ", ".join(SETS))
    ap.add_argument("--n", type=int, default=None, help="only the first N items of each set")
    ap.add_argument("--json", action="store_true", help="print only the JSON line")
    args = ap.parse_args(argv)
    if not (SHARED / "data").is_dir():
        raise SystemExit(f"dev sets not found at {SHARED / 'data'}")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.sets.split(","):
            results[name] = run_set(name.strip(), args.n, Path(tmp))
    if not args.json:
        for name, r in results.items():
            cells = "  ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}"
                              for k, v in r.items() if k != "task")
            print(f"{name:<12} {cells}")
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
