"""Linking speed: generate N stored-style events, link them, print the time.

Prints wall time and CPU time of the process (`link_cpu_s`): on a shared machine
the wall time also counts waiting for a core.

Synthetic contract documents (one article per report, one or two events each)
drawn from incidents spread over 40 areas and two years: places at village to
province precision, dates at day, month or publication precision, actor and
target entities, casualty ranges and short event sentences. The timed part is
what `eventwire link` does after loading: reports, blocking, scoring,
clustering, origins, grades and incident records. With --db the documents are
first stored in a SQLite file and the whole `store.incidents.relink` (load +
link + save) is timed as well.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date

TYPES = [("ASSAULT", "aerial"), ("ASSAULT", "heavy-weapons"), ("ASSAULT", "firearms"), ("ASSAULT", "explosives"),
         ("PROTEST", "demo"), ("COERCE", "arrest")]
OUTLETS = ["reuters", "afp", "ap", "sana", "sohr", "anha", "bbc", "aljazeera", "ukrinform", "tass", "wafa",
           "local-a", "local-b", "local-c"]
WORDS = ["strike", "hit", "market", "village", "town", "killed", "wounded", "civilians", "fighters", "shelling", "raid", "convoy", "checkpoint", "hospital", "school", "mosque", "bridge", "house", "residents", "officials", "army", "militants", "police", "protesters", "rally", "drone", "missile", "artillery", "gunmen", "clash", "attack", "ambush", "explosion", "car", "bomb", "camp", "displaced"]


def generate(n_events: int, seed: int = 7, days: int = 730) -> list[dict]:
    """`n_events` synthetic documents over `days` days (two years by default; fewer days, a denser store)."""
    return list(iter_generate(n_events, seed, days))


def iter_generate(n_events: int, seed: int = 7, days: int = 730):
    """The documents of `generate`, one at a time (a million of them do not fit in memory at once)."""
    rnd = random.Random(seed)
    areas = [(rnd.uniform(-10, 45), rnd.uniform(-10, 70), f"C{i:02d}") for i in range(40)]
    start = date(2022, 1, 1).toordinal()
    n_docs = 0
    made = 0
    inc = 0
    while made < n_events:
        inc += 1
        lat0, lon0, country = rnd.choice(areas)
        lat, lon = lat0 + rnd.uniform(-3, 3), lon0 + rnd.uniform(-3, 3)
        admin1 = f"{country}.{int((lat - lat0 + 3) // 1.5)}{int((lon - lon0 + 3) // 1.5)}"
        day = start + rnd.randrange(days)
        typ, mode = rnd.choice(TYPES)
        perp = f"actor{rnd.randrange(200)}"
        killed = rnd.choice([None, rnd.randrange(1, 60)])
        words = rnd.sample(WORDS, 8)
        for _ in range(rnd.choice([1, 1, 2, 3, 4, 5])):
            if made >= n_events:
                break
            prec = rnd.choices(["village", "town", "city", "province"], [3, 3, 2, 1])[0]
            dp = rnd.choices(["day", "month", "publication"], [8, 1, 1])[0]
            pub = day + rnd.randrange(0, 3)
            d = date.fromordinal(day).isoformat() if dp != "publication" else date.fromordinal(pub).isoformat()
            jitter = 0.0 if prec == "province" else 0.02
            sent = " ".join(words[:5] + rnd.sample(WORDS, 3))
            text = f"{sent}. " + " ".join(rnd.choices(WORDS, k=40)) + "."
            k = None if killed is None else max(1, killed + rnd.randrange(-2, 3))
            doc = {
                "schema": "eventwire/document/1",
                "article": {"id": f"a{n_docs:07d}", "published": date.fromordinal(pub).isoformat(),
                            "outlet": {"id": rnd.choice(OUTLETS), "name": "x", "country": None,
                                       "affiliation": None},
                            "text": text},
                "places": [{"id": "p0", "text": "x", "start": 0, "end": 1, "geonameid": None,
                            "lat": lat + rnd.uniform(-jitter, jitter), "lon": lon + rnd.uniform(-jitter, jitter),
                            "country": country, "admin1": admin1, "precision": prec, "kind": "toponym"}],
                "actors": [{"id": "a0", "text": perp, "start": 0, "end": 1, "name": perp, "entity": perp,
                            "country": None, "sector": "REB"},
                           {"id": "a1", "text": "civilians", "start": 0, "end": 1, "name": "civilians",
                            "entity": "civilians", "country": None, "sector": "CVL"}],
                "claims": [], "times": [], "framing": [],
                "events": [{"id": "e0", "type": typ, "mode": mode, "actors": ["a0"], "recipients": ["a1"],
                            "place": "p0", "date": d, "date_precision": dp,
                            "killed": {"min": k, "max": k}, "injured": {"min": None, "max": None},
                            "trigger": {"text": "x", "start": 0, "end": 1},
                            "sentence": {"start": 0, "end": len(sent)}, "status": "reported"}],
            }
            made += 1
            if made < n_events and rnd.random() < 0.1:  # a second, different event in the same article
                ev = dict(doc["events"][0], id="e1", date=date.fromordinal(day - 5).isoformat(),
                          date_precision="day")
                doc["events"].append(ev)
                made += 1
            n_docs += 1
            yield doc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="events to generate (default 100000)")
    ap.add_argument("--db", default=None, help="also store in this SQLite file and time the full relink")
    ap.add_argument("--json", action="store_true", help="print only the JSON line")
    args = ap.parse_args(argv)

    from eventwire.link import link_events

    t0 = time.perf_counter()
    docs = generate(args.n)
    t1 = time.perf_counter()
    c1 = time.process_time()
    res = link_events(docs)
    t2 = time.perf_counter()
    c2 = time.process_time()
    out = {"events": res.stats["events"], "reports_after_fusion": res.stats["reports"], "articles": len(docs), "incidents": res.stats["incidents"],
           "pairs": res.stats["pairs"], "links": res.stats["links"], "generate_s": round(t1 - t0, 2),
           "link_s": round(t2 - t1, 2), "link_cpu_s": round(c2 - c1, 2)}
    if args.db:
        from eventwire.store import incidents as store
        from eventwire.store import open_store, repo

        engine = open_store("sqlite:///" + args.db)
        with engine.begin() as conn:
            for d in docs:
                repo.save_document(conn, d)
        t3 = time.perf_counter()
        with engine.begin() as conn:
            store.relink(conn)
        t4 = time.perf_counter()
        out["relink_with_db_s"] = round(t4 - t3, 2)
    if not args.json:
        for k, v in out.items():
            print(f"{k:<18} {v}")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
