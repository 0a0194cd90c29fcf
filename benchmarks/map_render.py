"""The map page with N generated incidents (default 10,000): first render time in headless Chromium.

Incidents are written straight into the incidents table of a temporary SQLite
file (records shaped like the linker's), the app runs on uvicorn on a free
localhost port, and Debian's /usr/bin/chromium (Playwright) loads `/` in a fresh
browser context each run (nothing cached in the browser). Times are
`performance.now()` from navigation start, set by the page's script:

* first render (`data-first-render-ms`): every marker and cluster for the view is on
  the map and the browser has painted them;
* ready (`data-ready-ms`): the in-view list and the timeline are drawn too.

Run 0 is the first page load after the server starts (the server-side map data
cache is cold); runs 1..N are reported as median/max, run 0 on its own. The load
average is printed because the machine may be shared. Target: first render under
1 s on localhost. Prints a table, then one JSON line.

    .venv/bin/python benchmarks/map_render.py [--n 10000] [--runs 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]


def build(path: Path, n: int, seed: int = 3) -> None:
    from sqlalchemy import insert

    from eventwire.store import open_store
    from eventwire.store.incidents import _row, incidents

    engine = open_store(f"sqlite:///{path}")
    rnd = random.Random(seed)
    grades = ["confirmed", "fair", "weak", "weak", "contested", "discounted"]
    base = date(2015, 1, 1).toordinal()
    rows = []
    for i in range(n):
        k = rnd.choice([None, None, 1, 4, 12, 40, 150])
        rec = {"schema": "eventwire/incident/1", "id": f"inc-{i:06d}", "type": rnd.choice(["ASSAULT", "PROTEST"]),
               "mode": "aerial", "date": date.fromordinal(base + rnd.randrange(1460)).isoformat(), "end_date": None,
               "date_precision": "day",
               "place": {"name": f"place {i}", "lat": 28 + rnd.gauss(6, 3), "lon": 38 + rnd.gauss(3, 4),
                         "country": "SYR", "precision": "town"},
               "actors": [], "recipients": [], "killed": {"min": k, "max": k}, "injured": {"min": None, "max": None},
               "grade": rnd.choice(grades), "grade_reason": "generated", "origins": 1, "reports": []}
        rows.append(_row(rec))
    with engine.begin() as conn:
        conn.execute(insert(incidents), rows)
    engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", action="store_true", help="print only the JSON line")
    args = ap.parse_args()

    import uvicorn
    from playwright.sync_api import sync_playwright

    from eventwire.api import create_app
    from eventwire.settings import load_settings

    tmp = tempfile.TemporaryDirectory(prefix="ew-map-")
    path = Path(tmp.name) / "map.db"
    build(path, args.n)
    with socket.socket() as sk:
        sk.bind(("127.0.0.1", 0))
        port = sk.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(load_settings({"db": str(path)})), host="127.0.0.1",
                                        port=port, log_level="warning"))
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    while not srv.started:
        time.sleep(0.05)
    firsts, readies, walls, markers, cold = [], [], [], 0, {}
    load_before = os.getloadavg()[0]
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for run in range(args.runs + 1):  # run 0: the server's map cache is cold
            ctx = b.new_context(viewport={"width": 1366, "height": 800})
            pg = ctx.new_page()
            t0 = time.perf_counter()
            pg.goto(f"http://127.0.0.1:{port}/")
            pg.locator("body[data-ready-ms]").wait_for(state="attached", timeout=30000)
            wall = (time.perf_counter() - t0) * 1000
            body = pg.locator("body")
            first, ready = float(body.get_attribute("data-first-render-ms")), float(body.get_attribute("data-ready-ms"))
            markers = int(body.get_attribute("data-markers"))
            if run:
                firsts.append(first)
                readies.append(ready)
                walls.append(wall)
            else:
                cold = {"first_render_ms": round(first), "ready_ms": round(ready)}
            ctx.close()
        b.close()
    srv.should_exit = True
    th.join(timeout=10)
    res = {"benchmark": "map_render", "incidents": args.n, "markers": markers, "runs": args.runs,
           "first_render_ms_median": round(statistics.median(firsts)), "first_render_ms_max": round(max(firsts)),
           "ready_ms_median": round(statistics.median(readies)), "wall_ms_median": round(statistics.median(walls)),
           "cold_run": cold, "loadavg_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
           "target_ms": 1000, "ok": statistics.median(firsts) < 1000}
    if not args.json:
        print(f"{'incidents':>9} {'markers':>8} {'first render ms (median/max)':>29} {'ready ms':>9} "
              f"{'wall ms':>8} {'cold first/ready':>17} {'load 1m':>12}")
        print(f"{args.n:>9} {markers:>8} {res['first_render_ms_median']:>21}/{res['first_render_ms_max']:<7} "
              f"{res['ready_ms_median']:>9} {res['wall_ms_median']:>8} "
              f"{cold['first_render_ms']:>10}/{cold['ready_ms']:<6} {load_before:>5.2f}-{os.getloadavg()[0]:.2f}")
    print(json.dumps(res))


if __name__ == "__main__":
    main()
