"""`GET /api/events` and the incidents table on N generated events (default 1,000,000).

A temporary SQLite file at the newest schema (migrations applied, so with the 0003 and 0006 indexes)
is filled through the store's own tables with N events in N/10 articles (title and text drawn from a
Zipf vocabulary, so some words are in most articles and others in a few), spread over 2010-2019 and
a 20 x 15 degree box, each event with a place in one of 40 countries (a few common, most rare) and
actors drawn from 5,000 entities (Zipf again), plus N/3 incidents made of those events with their
reports. The API runs on uvicorn on a free localhost port and is asked over HTTP with httpx, so each
time includes parsing, the query, JSON encoding and the socket.

Shapes: the bbox/date shapes of before; each filter alone (type, status, country common and rare,
actor common and rare, text common/medium/rare word); the incidents table's first page (50 rows with
the total that match) unfiltered, by country, by grade, sorted by deaths, and by a text word; and
`/api/facets` (the filter lists). Targets: p95 < 50 ms for each events filter (and the facets), < 100
ms for an incidents page.

Wall time depends on what else the machine runs, so each request's CPU time is reported too (the
process's CPU: client and server share it; other processes do not count; `client` is the httpx
thread's own CPU, p50). `--plans` prints SQLite's
EXPLAIN QUERY PLAN for every statement one request of each shape runs: the evidence that each reads an
index (or FTS5) and stops after a page, whatever the CPU. `--alone N` runs each shape's queries N times
in a row in-process (no HTTP), and the timeline counted in SQL: the query's own cost, apart from the
HTTP stack and from the other shapes. The load average is printed: on the shared 2-core machine wall
times at load 8 are 2-3 times the CPU times.

    .venv/bin/python benchmarks/api_events.py [--n 1000000] [--queries 100] [--db FILE] [--json] [--plans] [--alone N]

`--db FILE` keeps the generated database (built when FILE is missing), so a rerun skips the build.
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
from datetime import date, timedelta
from pathlib import Path

PER_ARTICLE = 10
VOCAB = 20_000
N_ENTITIES = 5_000
COUNTRIES = [f"X{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(40)]  # 3 letters, like ISO alpha-3
TYPES = ["ASSAULT", "PROTEST", "COERCE", "ACCUSE", "MOBILIZE", "AID"]
STATUSES = ["reported", "alleged", "alleged", "denied"]
GRADES = ["confirmed", "fair", "weak", "weak", "weak", "contested", "discounted"]


def _zipf(rnd: random.Random, n: int, s: float = 1.1) -> list[float]:
    w = [1 / (k + 1) ** s for k in range(n)]
    total = sum(w)
    return [x / total for x in w]


def build(path: Path, n: int, seed: int = 7) -> float:
    """Generate the store; seconds taken."""
    from eventwire.store import open_store
    from eventwire.store.queries import ensure_search_indexes

    t0 = time.perf_counter()
    engine = open_store(f"sqlite:///{path}")
    rnd = random.Random(seed)
    base = date(2010, 1, 1).toordinal()
    words = [f"w{k}" for k in range(VOCAB)]
    wweights = _zipf(rnd, VOCAB)
    cweights = _zipf(rnd, len(COUNTRIES), 1.6)
    eweights = _zipf(rnd, N_ENTITIES)
    raw = engine.raw_connection()
    cur = raw.cursor()
    cur.execute("PRAGMA synchronous=OFF")
    cur.execute("PRAGMA journal_mode=MEMORY")
    n_art = (n + PER_ARTICLE - 1) // PER_ARTICLE
    now = "2026-12-04 00:00:00"
    arts, places, actors, events = [], [], [], []
    ev_keys: list[tuple[str, str, str, float, float, str]] = []

    def flush() -> None:
        cur.executemany("INSERT INTO articles (id, title, text, document, published, outlet_id, outlet_name, "
                        "outlet_affiliation, created_at) VALUES (?,?,?,?,?,?,?,?,?)", arts)
        cur.executemany('INSERT INTO places (article_id, id, text, start, "end", name, lat, lon, country, '
                        "precision) VALUES (?,?,?,?,?,?,?,?,?,?)", places)
        cur.executemany('INSERT INTO actors (article_id, id, text, start, "end", name, entity, country) '
                        "VALUES (?,?,?,?,?,?,?,?)", actors)
        cur.executemany("INSERT INTO events (article_id, id, type, mode, context, actors, recipients, place, date, "
                        "date_precision, killed, injured, trigger, sentence, status, negated, killed_min, "
                        "killed_max, lat, lon, country) VALUES (?,?,?,NULL,'[]',?,?,?,?,'day',?,"
                        "'{\"min\": null, \"max\": null}','{\"text\": \"x\", \"start\": 0, \"end\": 1}',"
                        "'{\"start\": 0, \"end\": 1}',?,0,?,?,?,?,?)", events)
        arts.clear(), places.clear(), actors.clear(), events.clear()

    outlets = [("sana", "SANA", "state"), ("sohr", "SOHR", "monitor"), ("reuters", "Reuters", "wire"),
               ("afp", "AFP", "wire"), ("tass", "TASS", "state")] + [(f"o{k}", f"Outlet {k}", "independent")
                                                                   for k in range(45)]
    for i in range(n_art):
        aid = f"a{i}"
        pub = date.fromordinal(base + rnd.randrange(3650))
        title = " ".join(rnd.choices(words, wweights, k=8))
        text = " ".join(rnd.choices(words, wweights, k=60))
        o = rnd.choice(outlets)
        arts.append((aid, title, text, "{}", pub.isoformat(), o[0], o[1], o[2], now))
        ents = rnd.choices(range(N_ENTITIES), eweights, k=3)
        for k, ent in enumerate(ents):
            actors.append((aid, f"a{k}", f"actor {ent}", 0, 1, f"Actor {ent}", f"ent{ent}", None))
        for k in range(PER_ARTICLE):
            if i * PER_ARTICLE + k >= n:
                break
            lat, lon = 25 + rnd.random() * 15, 30 + rnd.random() * 20
            country = rnd.choices(COUNTRIES, cweights)[0]
            places.append((aid, f"p{k}", "Town", 0, 4, "Town", lat, lon, country, "town"))
            d = date.fromordinal(pub.toordinal() - rnd.randrange(5)).isoformat()
            killed = rnd.choice([None, None, 1, 3, 12, 40])
            who = json.dumps([f"a{rnd.randrange(3)}"])
            events.append((aid, f"e{k}", rnd.choice(TYPES), who, "[]", f"p{k}", d,
                           json.dumps({"min": killed, "max": killed}), rnd.choice(STATUSES), killed, killed,
                           lat, lon, country))
            ev_keys.append((aid, f"e{k}", d, lat, lon, country))
        if len(events) >= 50_000:
            flush()
    flush()
    # incidents: events taken in date order, grouped 1-5 at a time (about N/3 incidents)
    ev_keys.sort(key=lambda x: x[2])
    incs, reps, k, m = [], [], 0, 0
    while k < len(ev_keys):
        size = rnd.choice([1, 1, 2, 3, 5])
        group = ev_keys[k:k + size]
        k += size
        iid = f"inc-{m:08d}"
        m += 1
        a0, _, d, lat, lon, country = group[0]
        killed = rnd.choice([None, None, 1, 3, 12, 40])
        grade = rnd.choice(GRADES)
        rec = {"schema": "eventwire/incident/1", "id": iid, "type": "ASSAULT", "date": d, "grade": grade,
               "place": {"name": "Town", "lat": lat, "lon": lon, "country": country, "admin1": f"P{country}"},
               "reports": [{"article": a, "event": e} for a, e, *_ in group]}
        incs.append((iid, "ASSAULT", d, json.dumps(rec["place"]), lat, lon, country, f"P{country}",
                     json.dumps([{"name": "Actor 1", "entity": "ent1"}]), "[]", killed, killed, grade,
                     1 + len(group) // 2, len(group), json.dumps(rec), now))
        reps.extend((a, e, iid, "sana", "reported") for a, e, *_ in group)
        if len(incs) >= 50_000:
            cur.executemany("INSERT INTO incidents (id, type, date, place, lat, lon, country, admin1, actors, "
                            "recipients, killed_min, killed_max, grade, origins, n_reports, record, linked_at) "
                            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", incs)
            incs.clear()
    cur.executemany("INSERT INTO incidents (id, type, date, place, lat, lon, country, admin1, actors, recipients, "
                    "killed_min, killed_max, grade, origins, n_reports, record, linked_at) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", incs)
    cur.executemany("INSERT INTO incident_reports (article_id, event_id, incident_id, outlet, status) "
                    "VALUES (?,?,?,?,?)", reps)
    raw.commit()
    raw.close()
    ensure_search_indexes(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return time.perf_counter() - t0


def shapes(rnd: random.Random) -> dict[str, tuple[str, dict]]:
    """One request of each shape: (path, params)."""
    def box(w: float, h: float) -> str:
        x, y = 30 + rnd.random() * (20 - w), 25 + rnd.random() * (15 - h)
        return f"{x:.3f},{y:.3f},{x + w:.3f},{y + h:.3f}"

    def window(days: int) -> tuple[str, str]:
        d0 = date(2010, 1, 1) + timedelta(days=rnd.randrange(3650 - days))
        return d0.isoformat(), (d0 + timedelta(days=days)).isoformat()

    out: dict[str, tuple[str, dict]] = {}
    for name, (w, h, days) in {"city 0.5deg x 1 month": (0.5, 0.5, 30), "province 2deg x 1 month": (2, 2, 30),
                               "country 8deg x 1 year": (8, 8, 365), "city 0.5deg x 10 years": (0.5, 0.5, 3600),
                               "region 20deg x 1 week": (19.9, 14.9, 7)}.items():
        since, until = window(days)
        out[name] = ("/api/events", {"bbox": box(w, h), "since": since, "until": until, "limit": 100})
    ev = "/api/events"
    out["type"] = (ev, {"type": rnd.choice(TYPES)})
    out["status"] = (ev, {"status": rnd.choice(["denied", "reported"])})
    out["country (common)"] = (ev, {"country": rnd.choice(COUNTRIES[:3])})
    out["country (rare)"] = (ev, {"country": rnd.choice(COUNTRIES[30:])})
    out["actor (common)"] = (ev, {"actor": f"ent{rnd.randrange(5)}"})
    out["actor (rare)"] = (ev, {"actor": f"ent{rnd.randrange(2000, N_ENTITIES)}"})
    out["actor by name (rare)"] = (ev, {"actor": f"Actor {rnd.randrange(2000, N_ENTITIES)}"})
    out["text (common word)"] = (ev, {"q": f"w{rnd.randrange(5)}"})
    out["text (medium word)"] = (ev, {"q": f"w{rnd.randrange(100, 300)}"})
    out["text (rare word)"] = (ev, {"q": f"w{rnd.randrange(5000, VOCAB)}"})
    out["text + country + 1 year"] = (ev, {"q": f"w{rnd.randrange(50)}", "country": COUNTRIES[0],
                                           "since": "2015-01-01", "until": "2015-12-31"})
    inc = "/api/incidents"
    page = {"brief": "true", "limit": 50}
    out["incidents page"] = (inc, {**page, "offset": rnd.choice([0, 50, 100])})
    out["incidents page, country"] = (inc, {**page, "country": rnd.choice(COUNTRIES[:10])})
    out["incidents page, grade"] = (inc, {**page, "grade": rnd.choice(["confirmed", "contested"])})
    out["incidents page, by deaths"] = (inc, {**page, "sort": "killed"})
    out["incidents page, text"] = (inc, {**page, "q": f"w{rnd.randrange(1000, VOCAB)}"})
    out["incidents page, common word"] = (inc, {**page, "q": f"w{rnd.randrange(2, 300)}"})
    out["facets"] = ("/api/facets", {})
    return out


def _run_shape(c, path_: str, params: dict) -> int:
    """One request's queries, through the API's own filters and query functions (no HTTP); rows."""
    from eventwire.api import models
    from eventwire.services import export as X
    from eventwire.store import queries as Q

    if path_ == "/api/events":
        m = models.EventQuery(**params)
        return len(Q.list_events(c, X.event_filters(m, m.limit, m.offset)))
    if path_ == "/api/facets":
        return len(Q.incident_facets(c))
    m = models.IncidentQuery(**params)
    f = X.incident_filters(m, m.limit, m.offset, m.sort, m.order)
    n = len(Q.list_incidents(c, f, brief=m.brief))
    Q.incident_total(c, f)
    return n


def alone(path: Path, times: int) -> dict:
    """Each shape's queries run alone, in this process, `times` times in a row (no HTTP, no other shape
    between): CPU and wall ms, min and median. Also the timeline counted in SQL (`incident_timeline`,
    all incidents and one country), which `/api/map` used to send as every incident's date."""
    from eventwire.store import open_store
    from eventwire.store import queries as Q

    engine = open_store(f"sqlite:///{path}")
    out: dict[str, dict] = {}
    jobs = [(name, (lambda c, p=p_, q=q_: _run_shape(c, p, q))) for name, (p_, q_) in shapes(random.Random(5)).items()]
    jobs += [("timeline (all incidents)", lambda c: len(Q.incident_timeline(c)["bins"])),
             ("timeline (one country)", lambda c: len(Q.incident_timeline(c, Q.IncidentFilters(country=COUNTRIES[0]))
                                                      ["bins"]))]
    with engine.connect() as c:
        for name, job in jobs:
            job(c)  # warm
            cpu, wall = [], []
            for _ in range(times):
                t0, c0 = time.perf_counter(), time.process_time()
                job(c)
                cpu.append((time.process_time() - c0) * 1000)
                wall.append((time.perf_counter() - t0) * 1000)
            out[name] = {"cpu_min_ms": round(min(cpu), 2), "cpu_p50_ms": round(statistics.median(cpu), 2),
                         "wall_min_ms": round(min(wall), 2), "wall_p50_ms": round(statistics.median(wall), 2)}
    engine.dispose()
    return out


def plans(path: Path) -> None:
    """EXPLAIN QUERY PLAN of each SELECT one request of every shape runs (through the API's own
    filters and query functions), with the statement's CPU ms."""
    from sqlalchemy import event

    from eventwire.store import open_store

    engine = open_store(f"sqlite:///{path}")
    seen: list[tuple[str, object]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _keep(conn, cur, stmt, params, ctx, many):  # noqa: ANN001
        if stmt.lstrip().upper().startswith("SELECT") and "sqlite_master" not in stmt:
            seen.append((stmt, params))

    for name, (path_, params) in shapes(random.Random(5)).items():
        with engine.connect() as c:
            seen.clear()
            _run_shape(c, path_, params)
            print(f"== {name}: {params}")
            for stmt, p in list(seen):
                t0 = time.process_time()
                c.exec_driver_sql(stmt, p).all()
                ms = (time.process_time() - t0) * 1000
                print(f"   {ms:6.2f} ms  {' '.join(stmt.split())[:110]}")
                for row in c.exec_driver_sql("EXPLAIN QUERY PLAN " + stmt, p).all():
                    print(f"{'':>16}{row[3]}")
    engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="events to generate")
    ap.add_argument("--queries", type=int, default=100, help="requests per query shape")
    ap.add_argument("--db", default=None, help="reuse this SQLite file if it exists (else build it there)")
    ap.add_argument("--json", action="store_true", help="print only the JSON line")
    ap.add_argument("--plans", action="store_true", help="print the query plans of each shape, then time them")
    ap.add_argument("--alone", type=int, default=0, metavar="N",
                    help="also run each shape's queries N times alone in-process (no HTTP) and report CPU/wall")
    args = ap.parse_args()

    import httpx
    import uvicorn

    from eventwire.api import create_app
    from eventwire.settings import load_settings

    tmp = tempfile.TemporaryDirectory(prefix="ew-bench-")
    path = Path(args.db) if args.db else Path(tmp.name) / "events.db"
    build_s = 0.0 if path.exists() else build(path, args.n)
    if args.plans:
        plans(path)
    alone_out = alone(path, args.alone) if args.alone else None
    with socket.socket() as sk:
        sk.bind(("127.0.0.1", 0))
        port = sk.getsockname()[1]
    app = create_app(load_settings({"db": str(path)}))
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    while not srv.started:
        time.sleep(0.05)
    load_before = os.getloadavg()
    rnd = random.Random(11)
    times: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    client_cpu: dict[str, list[float]] = {}  # this thread's share: httpx, not the server
    counts: dict[str, list[int]] = {}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        for path_, params in shapes(rnd).values():  # warm up: the page cache holds the indexes, as in use
            client.get(path_, params=params)
        for _ in range(args.queries):
            for name, (path_, params) in shapes(rnd).items():
                t0, c0, k0 = time.perf_counter(), time.process_time(), time.thread_time()
                r = client.get(path_, params=params)
                times.setdefault(name, []).append((time.perf_counter() - t0) * 1000)
                cpu.setdefault(name, []).append((time.process_time() - c0) * 1000)
                client_cpu.setdefault(name, []).append((time.thread_time() - k0) * 1000)
                r.raise_for_status()
                body = r.json()
                counts.setdefault(name, []).append(len(body["items"]) if "items" in body else len(body))
    srv.should_exit = True
    th.join(timeout=10)

    def pct(xs: list[float], q: int) -> float:
        return statistics.quantiles(xs, n=100)[q - 1] if len(xs) > 1 else xs[0]

    def target(name: str) -> int:  # facets: the filter lists every page asks for, held to the events target
        return 100 if name.startswith("incidents") else 50

    shapes_out = {k: {"p50_ms": round(pct(v, 50), 1), "p95_ms": round(pct(v, 95), 1), "target_p95_ms": target(k),
                      "ok": pct(v, 95) < target(k), "cpu_p50_ms": round(pct(cpu[k], 50), 1),
                      "cpu_p95_ms": round(pct(cpu[k], 95), 1),
                      "client_cpu_p50_ms": round(pct(client_cpu[k], 50), 1), "mean_items": round(statistics.mean(counts[k]), 1)}
                  for k, v in times.items()}
    result = {"benchmark": "api_events", "events": args.n, "requests": sum(len(v) for v in times.values()),
              "build_s": round(build_s, 1), "ok": all(v["ok"] for v in shapes_out.values()),
              "cpu_s": round(sum(map(sum, cpu.values())) / 1000, 1), "wall_s": round(sum(map(sum, times.values())) / 1000, 1),
              "worst_p95_ms": max(v["p95_ms"] for v in shapes_out.values()), "shapes": shapes_out,
              "load_avg": [round(x, 2) for x in os.getloadavg()],
              "load_avg_before": [round(x, 2) for x in load_before]}
    if alone_out is not None:
        result["alone"] = alone_out
    if not args.json:
        print(f"{'query shape':<28} {'p50 ms':>8} {'p95 ms':>8} {'target':>7} {'cpu p50':>8} {'cpu p95':>8} "
              f"{'client':>7} {'items':>7}")
        for k, v in shapes_out.items():
            print(f"{k:<28} {v['p50_ms']:>8} {v['p95_ms']:>8} {'<' + str(v['target_p95_ms']):>7} "
                  f"{v['cpu_p50_ms']:>8} {v['cpu_p95_ms']:>8} {v['client_cpu_p50_ms']:>7} {v['mean_items']:>7}{'' if v['ok'] else '  MISSED'}")
        print(f"(requests: {result['cpu_s']} s CPU in {result['wall_s']} s wall; load average {result['load_avg_before']} before, "
              f"{result['load_avg']} after)")
        if alone_out:
            print(f"{'alone, in-process (no HTTP)':<28} {'cpu min':>8} {'cpu p50':>8} {'wall min':>9} {'wall p50':>9}")
            for k, v in alone_out.items():
                print(f"{k:<28} {v['cpu_min_ms']:>8} {v['cpu_p50_ms']:>8} {v['wall_min_ms']:>9} {v['wall_p50_ms']:>9}")
        print(f"(events {args.n:,}, built in {build_s:.0f}s; {'all targets met' if result['ok'] else 'targets missed'})")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
