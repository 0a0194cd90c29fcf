"""`GET /api/events` filtered by bbox and dates on N generated events (default 1,000,000).

Events are bulk-inserted straight into a temporary SQLite file through the store's
tables (schema at head, so with the 0003 indexes), spread over 2010-2019 and a
20 x 15 degree box; the API runs on uvicorn on a free localhost port and is asked
with httpx. Prints a table of p50/p95 per query shape, then one JSON line.
Target: p95 under 100 ms.

    .venv/bin/python benchmarks/api_events.py [--n 1000000] [--queries 200] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import statistics
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path


def build(path: Path, n: int, per_article: int = 100, seed: int = 7) -> float:
    from sqlalchemy import insert, text

    from eventwire.store import open_store
    from eventwire.store import schema as s

    t0 = time.perf_counter()
    engine = open_store(f"sqlite:///{path}")
    rnd = random.Random(seed)
    base = date(2010, 1, 1).toordinal()
    types = ["ASSAULT", "PROTEST", "COERCE", "ACCUSE", "MOBILIZE", "AID"]
    statuses = ["reported", "alleged", "alleged", "denied"]
    with engine.begin() as conn:
        conn.execute(text("PRAGMA synchronous=OFF"))
        n_art = (n + per_article - 1) // per_article
        conn.execute(insert(s.articles), [
            {"id": f"a{i}", "text": "", "document": {}, "published": date.fromordinal(base + i % 3650).isoformat(),
             "outlet_id": "sana", "outlet_name": "SANA", "created_at": s._now()} for i in range(n_art)])
        rows = []
        for k in range(n):
            lat, lon = 25 + rnd.random() * 15, 30 + rnd.random() * 20
            d = date.fromordinal(base + rnd.randrange(3650)).isoformat()
            killed = rnd.choice([None, None, 1, 3, 12, 40])
            rows.append({"article_id": f"a{k // per_article}", "id": f"e{k % per_article}",
                         "type": rnd.choice(types), "mode": None, "context": [], "actors": [], "recipients": [],
                         "place": None, "date": d, "end_date": None, "date_precision": "day",
                         "killed": {"min": killed, "max": killed}, "injured": {"min": None, "max": None},
                         "trigger": {"text": "x", "start": 0, "end": 1}, "sentence": {"start": 0, "end": 1},
                         "status": rnd.choice(statuses), "claim": None, "negated": False,
                         "killed_min": killed, "killed_max": killed, "lat": lat, "lon": lon})
            if len(rows) == 50_000:
                conn.execute(insert(s.events), rows)
                rows = []
        if rows:
            conn.execute(insert(s.events), rows)
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - t0


def shapes(rnd: random.Random) -> dict[str, dict]:
    """One query of each shape (bbox size x date window), random position."""
    def box(w: float, h: float) -> str:
        x, y = 30 + rnd.random() * (20 - w), 25 + rnd.random() * (15 - h)
        return f"{x:.3f},{y:.3f},{x + w:.3f},{y + h:.3f}"

    def window(days: int) -> tuple[str, str]:
        d0 = date(2010, 1, 1) + timedelta(days=rnd.randrange(3650 - days))
        return d0.isoformat(), (d0 + timedelta(days=days)).isoformat()

    out = {}
    for name, (w, h, days) in {"city 0.5deg x 1 month": (0.5, 0.5, 30), "province 2deg x 1 month": (2, 2, 30),
                               "country 8deg x 1 year": (8, 8, 365), "city 0.5deg x 10 years": (0.5, 0.5, 3600),
                               "region 20deg x 1 week": (19.9, 14.9, 7)}.items():
        since, until = window(days)
        out[name] = {"bbox": box(w, h), "since": since, "until": until, "limit": 100}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="events to generate")
    ap.add_argument("--queries", type=int, default=200, help="requests per query shape")
    ap.add_argument("--db", default=None, help="reuse this SQLite file if it exists (else a temp file)")
    ap.add_argument("--json", action="store_true", help="print only the JSON line")
    args = ap.parse_args()

    import httpx
    import uvicorn

    from eventwire.api import create_app
    from eventwire.settings import load_settings

    tmp = tempfile.TemporaryDirectory(prefix="ew-bench-")
    path = Path(args.db) if args.db else Path(tmp.name) / "events.db"
    build_s = 0.0 if path.exists() else build(path, args.n)
    with socket.socket() as sk:
        sk.bind(("127.0.0.1", 0))
        port = sk.getsockname()[1]
    app = create_app(load_settings({"db": str(path)}))
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    while not srv.started:
        time.sleep(0.05)
    rnd = random.Random(11)
    times: dict[str, list[float]] = {}
    counts: dict[str, list[int]] = {}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        client.get("/api/events", params={"limit": 1})  # warm up
        for _ in range(args.queries):
            for name, params in shapes(rnd).items():
                t0 = time.perf_counter()
                r = client.get("/api/events", params=params)
                times.setdefault(name, []).append((time.perf_counter() - t0) * 1000)
                r.raise_for_status()
                counts.setdefault(name, []).append(len(r.json()["items"]))
    srv.should_exit = True
    th.join(timeout=10)

    def pct(xs: list[float], q: float) -> float:
        return statistics.quantiles(xs, n=100)[q - 1] if len(xs) > 1 else xs[0]

    allt = [t for ts in times.values() for t in ts]
    result = {"benchmark": "api_events", "events": args.n, "requests": len(allt), "build_s": round(build_s, 1),
              "p50_ms": round(pct(allt, 50), 1), "p95_ms": round(pct(allt, 95), 1),
              "target_p95_ms": 100, "ok": pct(allt, 95) < 100,
              "shapes": {k: {"p50_ms": round(pct(v, 50), 1), "p95_ms": round(pct(v, 95), 1),
                             "mean_items": round(statistics.mean(counts[k]), 1)} for k, v in times.items()}}
    if not args.json:
        print(f"{'query shape':<28} {'p50 ms':>8} {'p95 ms':>8} {'items':>7}")
        for k, v in result["shapes"].items():
            print(f"{k:<28} {v['p50_ms']:>8} {v['p95_ms']:>8} {v['mean_items']:>7}")
        print(f"{'all':<28} {result['p50_ms']:>8} {result['p95_ms']:>8}   (events {args.n:,}, built in "
              f"{build_s:.0f}s)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
