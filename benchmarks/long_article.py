"""Long articles: peak memory and time of `analyse` for texts of 100k, 500k and 1M characters.

Each size runs in a fresh process (so its peak RSS is its own), on a text made by
concatenating real news articles from ../shared/data/bench-news.jsonl, paragraph
by paragraph, up to the size. Prints characters, windows, seconds (wall and CPU:
on a shared machine wall time also counts waiting for a core), peak RSS and the
events and actors found. The target (issue 16): peak RSS < 1.5 GB at every size,
and time roughly linear in length (seconds per 100k characters about constant).

    .venv/bin/python benchmarks/long_article.py [--sizes 100000,500000,1000000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "shared" / "data" / "bench-news.jsonl"


def long_text(n: int) -> str:
    parts, size = [], 0
    with BENCH.open(encoding="utf-8") as fh:
        for line in fh:
            t = json.loads(line)["text"].strip()
            parts.append(t)
            size += len(t) + 2
            if size >= n:
                break
    return "\n\n".join(parts)[:n]


def one(n: int) -> dict:
    from eventwire.analysis import analyse, get_nlp
    from eventwire.analysis.windows import split_windows

    nlp = get_nlp()
    nlp("Warm up: the army said on Monday that the talks would resume.")
    text = long_text(n)
    w0, c0 = time.perf_counter(), time.process_time()
    doc = analyse(text, nlp=nlp).to_dict()
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return {"chars": len(text), "windows": len(split_windows(text)), "wall_s": round(wall, 1),
            "cpu_s": round(cpu, 1), "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "events": len(doc["events"]), "actors": len(doc["actors"])}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100000,500000,1000000")
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    rows = []
    for n in map(int, args.sizes.split(",")):
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        r["cpu_s_per_100k"] = round(r["cpu_s"] / (r["chars"] / 100_000), 2)
        rows.append(r)
        print(json.dumps(r), flush=True)
    worst = max(r["peak_rss_mb"] for r in rows)
    per = [r["cpu_s_per_100k"] for r in rows]
    print(f"peak RSS max {worst} MB (target < 1536 MB: {'ok' if worst < 1536 else 'MISSED'}); "
          f"CPU s per 100k chars {per} (linear when about constant)")


if __name__ == "__main__":
    main()
