"""Linking at scale: a full relink of N stored events, then 1,000 new events linked incrementally.

Targets (issue 14): incremental linking of 1,000 new events into a store of 1,000,000 events
< 10 s; a full relink of 1,000,000 events < 10 min.

The store is synthetic: `link_speed.generate` (incidents over 40 areas and two years,
places from village to province, day/month/publication dates, several outlets per incident)
bulk-inserted into a SQLite file (articles, documents and item rows as `repo.save_document`
writes them, in executemany batches). Then, timed separately:

1. `full`: `eventwire link` as the CLI runs it (`link.incremental.relink_full`: load every
   document, link, save the incidents, build the incremental index), in one transaction;
2. `incremental`: the next 1,000 events (new articles, in the same date and place spread)
   are stored and `link.incremental.link_new` links them (what `eventwire link --incremental`,
   `batch --link`, `watch` and API uploads run).

With --check a copy of the store is fully relinked after step 2 and its incidents compared
with the incremental result (same reports together); slow at 1,000,000, meant for smaller N.

    python benchmarks/link_scale.py --events 1000000 --db /tmp/ew-1m.db
    python benchmarks/link_scale.py --events 1000000 --db /tmp/ew-1m.db --base /tmp/ew-1m-base.db  # keeps the base
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from link_speed import iter_generate  # noqa: E402 - the benchmarks' shared synthetic corpus


def _rows(docs: list[dict]):
    from eventwire.store import schema as s
    from eventwire.store.dedup import hashvalues
    from eventwire.store.repo import _child_rows

    arts, children = [], {k: [] for k in s.SECTIONS}
    now = s._now()
    found, sigs = hashvalues([d["article"]["text"] for d in docs])   # the MinHash `repo` stores
    minhash = {n: sig.astype("<u8").tobytes() for n, sig in zip(found, sigs, strict=True)}
    for n, d in enumerate(docs):
        a = d["article"]
        o = a.get("outlet") or {}
        arts.append({"id": a["id"], "url": None, "title": None, "published": a.get("published"),
                     "outlet_id": o.get("id"), "outlet_name": o.get("name"), "outlet_country": o.get("country"),
                     "outlet_affiliation": o.get("affiliation"), "language": "en", "dateline_place": None,
                     "source": "synthetic", "kind": "jsonl", "text": a["text"], "raw": None, "document": d,
                     "created_at": now, "minhash": minhash.get(n)})
        for k, rows in _child_rows(a["id"], d).items():
            children[k].extend(rows)
    return arts, children


def bulk_store(engine, docs, batch: int = 5000) -> int:
    """Store documents fast: executemany per table, one transaction per batch; how many."""
    from sqlalchemy import insert

    from eventwire.store import schema as s

    n = 0
    it = iter(docs)
    while chunk := list(itertools.islice(it, batch)):
        n += len(chunk)
        arts, children = _rows(chunk)
        with engine.begin() as conn:
            conn.execute(insert(s.articles), arts)
            for k, rows in children.items():
                if rows:
                    conn.execute(insert(s.SECTIONS[k]), rows)
    return n


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _rss() -> dict[str, int]:
    """Peak resident memory (MB) of this process and of the largest worker process it waited for."""
    return {"main": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "largest_worker": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)}


def _take(docs, n_events: int, rest: list[dict]):
    """The documents of the first `n_events` events, one at a time; the later ones go to `rest`."""
    total = 0
    for d in docs:
        if total >= n_events:
            rest.append(d)
        else:
            total += len(d["events"])
            yield d


def _partition(engine) -> list[tuple[str, ...]]:
    from eventwire.store.queries import list_incidents

    with engine.connect() as conn:
        return sorted(tuple(sorted(f"{r['article']}:{r['event']}" for r in rec["reports"]))
                      for rec in list_incidents(conn))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000, help="events in the store (default 1000000)")
    ap.add_argument("--new", type=int, default=1000, help="new events linked incrementally (default 1000)")
    ap.add_argument("--db", default=None, help="SQLite file to build (default: a temporary one, removed)")
    ap.add_argument("--check", action="store_true", help="compare with a full relink afterwards")
    ap.add_argument("--days", type=int, default=730,
                    help="days the events spread over (default 730). The incremental step reads only the new "
                         "events' window, so its work depends on events per day: --events 100000 --days 73 "
                         "is as dense as 1,000,000 events over 730 days, at a tenth of the build")
    ap.add_argument("--workers", type=int, default=None,
                    help="worker processes of the full relink (default: the machine's cores, at most 4)")
    ap.add_argument("--relink", action="store_true",
                    help="with an existing --base: time the full relink of its copy first (`eventwire link` run "
                         "again), then the incremental step")
    ap.add_argument("--no-retag", dest="retag", action="store_false",
                    help="with an existing --base packed by an earlier version of the report modules, leave its packs "
                         "as they are (the incremental step then flattens documents). By default a sample of them is "
                         "checked against their documents flattened by this version and, when all agree (the report "
                         "code moved, it did not change), every pack is marked as this version's")
    ap.add_argument("--profile", action="store_true", help="print where the incremental step spends its time")
    ap.add_argument("--base", default=None,
                    help="keep the fully relinked store (and the new events) here; when it exists, start from a "
                         "copy of it instead of building and relinking again (to time the incremental step alone)")
    args = ap.parse_args(argv)


    from eventwire.store import open_store

    tmp = None
    if args.db is None:
        tmp = tempfile.mkdtemp(prefix="ew-link-scale-")
        args.db = str(Path(tmp) / "scale.db")
    Path(args.db).unlink(missing_ok=True)
    out: dict = {"events": args.events, "new_events": args.new, "days": args.days,
                 "events_per_day": round(args.events / args.days)}
    if args.base and Path(args.base).exists():
        return _from_base(args, out)
    engine = open_store(f"sqlite:///{args.db}")
    _fast_writes(engine)
    t = time.perf_counter()
    new: list[dict] = []   # generated and stored a batch at a time: a million documents do not fit in memory
    out["articles"] = bulk_store(engine, _take(iter_generate(args.events + args.new, days=args.days), args.events,
                                               new))
    out["build_s"] = round(time.perf_counter() - t, 1)

    _full(args, engine, out)

    if args.base:
        engine.dispose()
        shutil.copy(args.db, args.base)
        Path(args.base + ".new.json").write_text(json.dumps(new), encoding="utf-8")
    _incremental(args, engine, new, out)
    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _fast_writes(engine) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _fast(dbapi_conn, _rec) -> None:  # noqa: ANN001 - a throwaway benchmark file
        dbapi_conn.execute("PRAGMA synchronous=OFF")
        dbapi_conn.execute("PRAGMA cache_size=-200000")

    engine.dispose()


def _full(args, engine, out: dict) -> None:
    """Time the full relink (`eventwire link`), in one transaction."""
    from eventwire.link.incremental import relink_full

    t, c, cc = time.perf_counter(), time.process_time(), _children_cpu()
    with engine.begin() as conn:
        res = relink_full(conn, workers=args.workers)
    out["full_relink_s"] = round(time.perf_counter() - t, 1)
    out["full_relink_cpu_s"] = round(time.process_time() - c, 1)
    out["full_relink_workers_cpu_s"] = round(_children_cpu() - cc, 1)
    out["full_relink_stages_s"] = res.stats.get("stage_s")
    out["full_relink_peak_rss_mb"] = _rss()
    out["incidents"] = res.stats["incidents"]
    out["stored_events"] = res.stats["events"]
    out["load_average"] = round(os.getloadavg()[0], 1)


def _from_base(args, out: dict) -> int:
    """The incremental step alone, on a copy of a store built and relinked by an earlier run."""
    from eventwire.store import open_store

    shutil.copy(args.base, args.db)
    new = json.loads(Path(args.base + ".new.json").read_text(encoding="utf-8"))
    out["from_base"] = args.base
    engine = open_store(f"sqlite:///{args.db}")
    if args.retag and not args.relink:
        out["retagged"] = retag(engine)
    if args.relink:
        _fast_writes(engine)
        _full(args, engine, out)
    _incremental(args, engine, new, out)
    return 0


def retag(engine, sample: int = 2000) -> int:
    """Mark the packs of another version of the report modules as this version's, after checking that
    `sample` of them (spread over the store) equal their documents flattened by this version; raises
    when one differs (the report code changed: relink with --relink instead). How many were marked."""
    import marshal

    from sqlalchemy import bindparam, select, update

    from eventwire.link.index import PACK_TAG, load_reports, pack
    from eventwire.store.scale import link_reports as lr

    with engine.begin() as conn:
        n = conn.execute(select(lr.c.key).order_by(lr.c.key)).scalars().all()
        keys = n[::max(1, len(n) // sample)]
        fresh = load_reports(conn, {k.rsplit(":", 1)[0] for k in keys})
        rows = conn.execute(select(lr.c.key, lr.c.report).where(lr.c.key.in_(keys[:30000]))).all()
        if all(blob is None or marshal.loads(blob)[0] == PACK_TAG for _, blob in rows):
            return 0   # packed by this version already
        for key, blob in rows:
            if key in fresh and marshal.loads(blob)[1] != marshal.loads(pack(fresh[key]))[1]:
                raise SystemExit(f"{key}: its pack differs from its document flattened now: run with --relink")
        done = 0
        stmt = update(lr).where(lr.c.key == bindparam("k")).values(report=bindparam("r"))
        for i in range(0, len(n), 20000):   # a range of keys at a time: a million packs do not fit in memory
            part = conn.execute(select(lr.c.key, lr.c.report).where(lr.c.key.between(n[i], n[min(i + 20000, len(n)) - 1]),
                                                                   lr.c.report.is_not(None))).all()
            batch = [{"k": key, "r": marshal.dumps((PACK_TAG, v))} for key, blob in part
                     if (tv := marshal.loads(blob))[0] != PACK_TAG for v in (tv[1],)]
            if batch:
                conn.execute(stmt, batch)
                done += len(batch)
    if engine.dialect.name == "sqlite":   # the rewritten pages back into the file: the timed step reads no WAL
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return done


def _incremental(args, engine, new: list[dict], out: dict) -> None:
    from eventwire.link.incremental import link_new, relink_full
    from eventwire.store import open_store

    bulk_store(engine, new)
    t, c = time.perf_counter(), time.process_time()
    if args.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        inc = prof.runcall(link_new, engine)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
    else:
        inc = link_new(engine)
    out["incremental_s"] = round(time.perf_counter() - t, 2)
    out["incremental_cpu_s"] = round(time.process_time() - c, 2)
    out.update({f"incremental_{k}": v for k, v in inc.stats.items()})
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)

    if args.check:
        copy = args.db + ".full.db"
        engine.dispose()   # closing the last connection checkpoints the WAL into the file copied
        shutil.copy(args.db, copy)
        full = open_store(f"sqlite:///{copy}")
        with full.begin() as conn:
            relink_full(conn)
        a, b = set(_partition(engine)), set(_partition(full))
        out["incremental_equals_full"] = a == b
        out["incidents_only_incremental"], out["incidents_only_full"] = len(a - b), len(b - a)
        Path(copy).unlink()
    for k, v in out.items():
        print(f"{k:<32} {v}")
    print(json.dumps(out))


if __name__ == "__main__":
    sys.exit(main())
