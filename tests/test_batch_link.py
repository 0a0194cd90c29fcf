"""Incremental linking against a full relink, on the hand-annotated reports of tests/data/linking.

Documents are stored with `store.repo.save_document` in several rounds; after each round the
new ones are linked incrementally. A full relink of a copy of the same store must give the same
incidents (the same reports together, under the same ids), and a correction made between rounds
keeps holding.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventwire.cli import cli
from store_helpers import copy_db
from test_store_pg import pg_url  # noqa: F401 - the module-scoped throwaway server fixture

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "linking"


def _docs() -> list[dict]:
    spec = importlib.util.spec_from_file_location("linking_annotations", DATA / "annotations.py")
    ann = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ann)
    out = []
    for name in ("labelled.jsonl", "contested.jsonl", "nearmiss.jsonl"):
        out += [ann.to_document(r) for r in ann.load_rows(name)]
    return out


def _partition(engine) -> list[tuple[str, tuple[str, ...]]]:
    from eventwire.store.queries import list_incidents

    with engine.connect() as conn:
        recs = list_incidents(conn)
    return sorted((r["id"], tuple(sorted(f"{x['article']}:{x['event']}" for x in r["reports"]))) for r in recs)


def _records(engine) -> dict[str, dict]:
    from eventwire.store.queries import list_incidents

    with engine.connect() as conn:
        return {r["id"]: r for r in list_incidents(conn)}


@pytest.mark.parametrize("rounds", [1, 3, 7])
def test_incremental_equals_full(tmp_path: Path, rounds: int):
    from eventwire.link.incremental import link_new, relink_full
    from eventwire.store import open_store, repo

    docs = _docs()
    assert len(docs) > 30
    engine = open_store(f"sqlite:///{tmp_path / 'inc.db'}")
    step = -(-len(docs) // rounds)
    for i in range(0, len(docs), step):
        with engine.begin() as conn:
            for d in docs[i:i + step]:
                repo.save_document(conn, d)
        res = link_new(engine)
        assert res.stats["new_articles"] > 0
    incremental = _partition(engine)
    assert any(len(keys) > 1 for _, keys in incremental)
    copy_db(tmp_path / "inc.db", tmp_path / "full.db")
    full_engine = open_store(f"sqlite:///{tmp_path / 'full.db'}")
    with full_engine.begin() as conn:
        relink_full(conn)
    assert incremental == _partition(full_engine)
    assert len({k for _, keys in incremental for k in keys}) == sum(len(keys) for _, keys in incremental)
    a, b = _records(engine), _records(full_engine)
    for iid in a:  # grades and origins agree too
        assert (a[iid]["grade"], a[iid]["origins"]) == (b[iid]["grade"], b[iid]["origins"])


def test_incremental_reads_only_the_window(tmp_path: Path):
    """A new report far from everything in date re-links only itself."""
    from eventwire.link.incremental import link_new
    from eventwire.store import open_store, repo
    from eventwire.store.dedup import signature

    docs = _docs()
    engine = open_store(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.begin() as conn:
        for d in docs:
            repo.save_document(conn, d)
    link_new(engine)
    # a text too short to be called a near-copy (a copy is compared at any date), made distinct so the
    # store takes it as a new article (the store knows an article by its text's fingerprint)
    late = next(d for d in docs if d.get("events") and signature(d["article"]["text"]) is None)
    late = {**late, "article": {**late["article"], "id": "late-copy", "published": "2031-05-01",
                                "text": late["article"]["text"] + " Filed later."},
            "events": [{**e, "date": "2031-04-30", "date_precision": "day"} for e in late["events"]]}
    with engine.begin() as conn:
        repo.save_document(conn, late)
    res = link_new(engine)
    assert res.stats["new_articles"] == 1
    assert res.stats["affected_reports"] == res.stats["new_reports"] >= 1


def test_cli_link_incremental_and_correction(tmp_path: Path):
    from eventwire.store import open_store, repo

    docs = _docs()
    db = str(tmp_path / "c.db")
    engine = open_store(f"sqlite:///{db}")
    half = len(docs) // 2
    with engine.begin() as conn:
        for d in docs[:half]:
            repo.save_document(conn, d)
    runner = CliRunner()
    r = runner.invoke(cli, ["link", "--db", db, "--incremental", "--quiet"])
    assert r.exit_code == 0, r.output
    assert "incrementally" in r.output
    big = max(_records(engine).values(), key=lambda x: len(x["reports"]))
    assert len(big["reports"]) >= 2
    key = f"{big['reports'][0]['article']}:{big['reports'][0]['event']}"
    r = runner.invoke(cli, ["incidents", "split", big["id"], "--event", key, "--db", db, "--by", "t"])
    assert r.exit_code == 0, r.output
    with engine.begin() as conn:
        for d in docs[half:]:
            repo.save_document(conn, d)
    r = runner.invoke(cli, ["link", "--db", db, "--incremental", "-q"])
    assert r.exit_code == 0, r.output
    alone = [i for i in _records(engine).values() if any(f"{x['article']}:{x['event']}" == key for x in i["reports"])]
    assert len(alone) == 1 and len(alone[0]["reports"]) == 1  # the split holds after new reports


def test_incremental_equals_full_postgresql(pg_url):  # noqa: F811 - fixture
    from sqlalchemy import text

    from eventwire.link.incremental import link_new, relink_full
    from eventwire.store import engine_for, open_store, repo

    engine = engine_for(pg_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine = open_store(pg_url)
    docs = _docs()
    step = -(-len(docs) // 3)
    for i in range(0, len(docs), step):
        with engine.begin() as conn:
            for d in docs[i:i + step]:
                repo.save_document(conn, d)
        link_new(engine)
    incremental = _partition(engine)
    with engine.begin() as conn:
        relink_full(conn)
    assert incremental == _partition(engine)
    assert any(len(keys) > 1 for _, keys in incremental)


def test_changed_article_relinks_its_old_incident(tmp_path: Path):
    """An article analysed again (here: its events gone) leaves its incident, as a full relink says."""
    from eventwire.batch.reanalyse import mark_unlinked, replace_document
    from eventwire.link.incremental import link_new, relink_full
    from eventwire.store import open_store, repo

    docs = _docs()
    engine = open_store(f"sqlite:///{tmp_path / 'r.db'}")
    with engine.begin() as conn:
        for d in docs:
            repo.save_document(conn, d)
    link_new(engine)
    big = max(_records(engine).values(), key=lambda x: len(x["reports"]))
    aid = big["reports"][0]["article"]
    doc = next(d for d in docs if d["article"]["id"] == aid)
    with engine.begin() as conn:
        mark_unlinked(conn, [aid])
        replace_document(conn, {**doc, "events": []}, "test")
    link_new(engine)
    after = _partition(engine)
    assert all(not k.startswith(aid + ":") for _, keys in after for k in keys)
    copy_db(tmp_path / "r.db", tmp_path / "r2.db")
    full = open_store(f"sqlite:///{tmp_path / 'r2.db'}")
    with full.begin() as conn:
        relink_full(conn)
    assert after == _partition(full)


def _shift(date: str | None, days: int) -> str | None:
    from datetime import date as day
    from datetime import timedelta

    if not date or len(date) < 10:
        return date
    return (day.fromisoformat(date[:10]) + timedelta(days=days)).isoformat() + date[10:]


def _later_copy(docs: list[dict], days: int) -> dict:
    """A near-copy of the first dated, hashable report, published `days` later with its events undated:
    it can meet its origin only as a copy, never by date."""
    from eventwire.store.dedup import signature

    orig = next(d for d in docs if d.get("events") and signature(d["article"]["text"]) is not None
                and any(e.get("date") for e in d["events"]))
    art = orig["article"]
    return {**orig, "article": {**art, "id": "copy-later", "text": art["text"] + " Updated.",
                                "published": _shift(art.get("published"), days)},
            "events": [{**e, "date": None, "end_date": None, "date_precision": None} for e in orig["events"]]}


def test_incremental_follows_near_copies_at_any_date(tmp_path: Path):
    """A near-copy stored weeks later whose events the text no longer dates (so they are dated by its
    publication) is compared with its origin, as a full relink compares them: incremental linking reads the copy's origin by its
    `copy_of` mark, not by date."""
    from eventwire.link.incremental import link_new, relink_full
    from eventwire.store import open_store, repo
    from eventwire.store.dedup import CopyIndex

    docs = _docs()
    engine = open_store(f"sqlite:///{tmp_path / 'c.db'}")
    copies = CopyIndex()
    with engine.begin() as conn:
        for d in docs:
            repo.store_document(conn, d, copies=copies)
    link_new(engine)
    copy = _later_copy(docs, 20)
    with engine.begin() as conn:
        repo.store_document(conn, copy, copies=copies)
    res = link_new(engine)
    assert res.stats["affected_reports"] > res.stats["new_reports"]   # the origin's reports were read
    engine.dispose()
    copy_db(tmp_path / "c.db", tmp_path / "c2.db")
    full = open_store(f"sqlite:///{tmp_path / 'c2.db'}")
    incremental = _partition(open_store(f"sqlite:///{tmp_path / 'c.db'}"))
    with full.begin() as conn:
        relink_full(conn)
    assert incremental == _partition(full)


def test_incremental_meets_an_undated_report_on_a_day_its_article_names(tmp_path: Path):
    """An undated event is blocked on the earlier days its article names, however far back ("the
    Aug. 29 strike" in a report a month later): a new report of that day meets it incrementally, as
    in a full relink (`link_report_days`)."""
    from eventwire.link.incremental import link_new, relink_full
    from eventwire.store import open_store, repo
    from eventwire.store.dedup import signature

    docs = _docs()
    base = next(d for d in docs if signature(d["article"]["text"]) is None
                and any((e.get("date") or "")[:10] and e.get("date_precision") == "day" for e in d.get("events") or []))
    day = next(e["date"][:10] for e in base["events"] if e.get("date_precision") == "day")
    art = base["article"]
    later = {**base, "article": {**art, "id": "undated-later", "text": art["text"] + " Filed later.",
                                 "published": _shift(day, 30)},
             "events": [{**e, "date": None, "end_date": None, "date_precision": None} for e in base["events"]],
             "times": [*(base.get("times") or []), {"id": "t-named", "text": "Filed", "date": day,
                                                     "granularity": "day", "start": len(art["text"]) + 1,
                                                     "end": len(art["text"]) + 6}]}
    engine = open_store(f"sqlite:///{tmp_path / 'u.db'}")
    with engine.begin() as conn:
        repo.save_document(conn, later)
    link_new(engine)
    with engine.begin() as conn:
        repo.save_document(conn, base)
    res = link_new(engine)
    assert res.stats["affected_reports"] > res.stats["new_reports"]   # the undated report was read
    engine.dispose()
    copy_db(tmp_path / "u.db", tmp_path / "u2.db")
    full = open_store(f"sqlite:///{tmp_path / 'u2.db'}")
    incremental = _partition(open_store(f"sqlite:///{tmp_path / 'u.db'}"))
    with full.begin() as conn:
        relink_full(conn)
    assert incremental == _partition(full)


def test_blocking_across_is_the_crossing_part_of_blocking():
    """`candidate_pairs(across=n)` (new reports against stored ones) gives exactly the pairs of the
    whole blocking with one report on each side."""
    from eventwire.link.blocking import candidate_pairs
    from eventwire.link.reports import assign_copy_groups, reports_from_documents

    reports = reports_from_documents(_docs())
    assign_copy_groups(reports)
    full = candidate_pairs(reports)
    for n in (1, len(reports) // 3, len(reports) - 1):
        crossing = {(i, j) for i, j in full if i < n <= j}
        assert candidate_pairs(reports, across=n) == crossing
    assert any(i < len(reports) // 3 <= j for i, j in full)


def test_blocking_across_on_a_dense_synthetic_store():
    """The same on the benchmarks' synthetic corpus, dense (3,000 events over 20 days: fine places in
    neighbouring cells, provinces, countries, names and near-copies on each day), with the new
    reports in the middle of its dates: filing the stored side only in the new reports' buckets
    loses no pair."""
    from eventwire.link.blocking import candidate_pairs
    from eventwire.link.reports import assign_copy_groups, reports_from_documents

    spec = importlib.util.spec_from_file_location("link_speed", ROOT / "benchmarks" / "link_speed.py")
    speed = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(speed)
    reports = reports_from_documents(speed.generate(3000, days=20))
    assign_copy_groups(reports)
    new = [r for n, r in enumerate(reports) if n % 10 == 3]
    stored = [r for n, r in enumerate(reports) if n % 10 != 3]
    pool = new + stored
    full = candidate_pairs(pool)
    crossing = {(i, j) for i, j in full if i < len(new) <= j}
    assert len(crossing) > 1000
    assert candidate_pairs(pool, across=len(new)) == crossing


def test_packed_reports_round_trip_and_stale_packs_fall_back(tmp_path: Path):
    """The link index keeps each report packed; a pack of another version of the report code is not
    read, the document is."""
    from sqlalchemy import update

    from eventwire.link.incremental import PACK_TAG, load_indexed, load_reports, pack, unpack
    from eventwire.link.reports import reports_from_documents
    from eventwire.store import open_store, repo
    from eventwire.store.scale import link_reports as lr

    docs = _docs()
    for r in reports_from_documents(docs):
        back = unpack(pack(r))
        r.text, r.idx = "", 0  # packs leave out the article text (copy groups use the stored MinHash)
        assert back == r
    engine = open_store(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.begin() as conn:
        for d in docs:
            repo.save_document(conn, d)
    from eventwire.link.incremental import link_new

    link_new(engine)
    ids = sorted({d["article"]["id"] for d in docs if d.get("events")})
    with engine.begin() as conn:
        from_docs = load_reports(conn, ids)
        packed = load_indexed(conn, ids)
        stale = marshal_with(PACK_TAG + 1, conn.execute(lr.select().limit(1)).first().report)
        conn.execute(update(lr).values(report=stale))
        reread = load_indexed(conn, ids)
    assert set(packed) == set(from_docs) == set(reread)
    assert all(reread[k].text == from_docs[k].text for k in from_docs)   # read from the documents
    assert all(packed[k].lo == from_docs[k].lo and packed[k].terms == from_docs[k].terms for k in from_docs)


def marshal_with(tag: int, blob: bytes) -> bytes:
    import marshal

    _, values = marshal.loads(blob)
    return marshal.dumps((tag, values))


def test_index_from_revision_0007_gets_its_grid_squares(tmp_path: Path):
    """A store linked before revision 0008 (no grid squares, no packed reports) links new reports as
    a full relink does once upgraded: the revision fills the squares, the documents are read."""
    from datetime import UTC, datetime

    from sqlalchemy import column, insert, select, table

    from eventwire.link import link_events
    from eventwire.link.incremental import cell_id, index_row, link_new, relink_full
    from eventwire.link.reports import reports_from_documents
    from eventwire.store import engine_for, open_store, repo, upgrade
    from eventwire.store.incidents import save_incidents
    from eventwire.store.scale import link_reports as lr
    from eventwire.store.scale import linked_articles

    docs = _docs()
    half = len(docs) // 2
    engine = engine_for(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0007")
    rows = [{k: v for k, v in index_row(r).items() if k not in ("cell", "report")}
            for r in reports_from_documents(docs[:half])]
    old_index = table("link_reports", *(column(k) for k in rows[0]))
    with engine.begin() as conn:
        for d in docs[:half]:
            repo.save_document(conn, d)
        save_incidents(conn, link_events(docs[:half]).incidents)
        conn.execute(insert(old_index), rows)
        conn.execute(insert(linked_articles), [{"article_id": d["article"]["id"], "at": datetime.now(UTC)}
                                               for d in docs[:half]])
    upgrade(engine)
    with engine.connect() as conn:
        got = conn.execute(select(lr.c.lat, lr.c.lon, lr.c.cell, lr.c.report)).all()
    assert any(lat is not None for lat, *_ in got)
    assert all(cell == cell_id(lat, lon) and blob is None for lat, lon, cell, blob in got)
    with engine.begin() as conn:
        for d in docs[half:]:
            repo.save_document(conn, d)
    res = link_new(engine)
    assert res.stats["stored_reports_read"] > 0
    incremental = _partition(engine)
    copy_db(tmp_path / "old.db", tmp_path / "old2.db")
    full = open_store(f"sqlite:///{tmp_path / 'old2.db'}")
    with full.begin() as conn:
        relink_full(conn)
    assert incremental == _partition(full)


def _stored(engine) -> tuple[dict[str, dict], list[tuple]]:
    from sqlalchemy import select

    from eventwire.store.schema import incident_reports, incidents

    with engine.connect() as conn:
        recs = {r["id"]: r for (r,) in conn.execute(select(incidents.c.record))}
        links = sorted(tuple(x) for x in conn.execute(select(incident_reports)))
    return recs, links


@pytest.mark.parametrize("workers", [1, 2])
def test_full_relink_in_slices_equals_linking_all_at_once(tmp_path: Path, workers: int):
    """The full relink blocks the store in slices of days, clusters it in batches of components and
    builds incidents batch by batch (`link.relink`); with slices of 3 days, batches of 5 reports and
    corrections that merge, split and grade, its incidents are those of linking every document at
    once (`store.incidents.relink`), record for record."""
    from eventwire.link.corrections import make_correction
    from eventwire.link.incremental import relink_full
    from eventwire.link.relink import relink_streaming
    from eventwire.store import incidents as inc
    from eventwire.store import open_store, repo
    from eventwire.store.dedup import CopyIndex

    docs = _docs()
    docs.append({**_later_copy(docs, 40), "times": []})
    engine = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    copies = CopyIndex()
    with engine.begin() as conn:
        for d in docs:
            repo.store_document(conn, d, copies=copies)
        relink_full(conn)
    recs, _ = _stored(engine)
    multi = sorted((r for r in recs.values() if len(r["reports"]) > 1), key=lambda r: r["date"] or "")
    assert len(multi) >= 4

    def keys(r: dict) -> list[str]:
        return [f"{x['article']}:{x['event']}" for x in r["reports"]]

    with engine.begin() as conn:   # people merge two incidents far apart, split one, grade one
        inc.add_correction(conn, make_correction("merge", multi[0]["id"], anchors=keys(multi[0]),
                                                 other=multi[-1]["id"], other_anchors=keys(multi[-1]), by="t"))
        inc.add_correction(conn, make_correction("split", multi[1]["id"], anchors=keys(multi[1]),
                                                 event=keys(multi[1])[-1], by="t"))
        inc.add_correction(conn, make_correction("grade", multi[2]["id"], anchors=keys(multi[2]),
                                                 grade="confirmed", by="t"))
    engine.dispose()
    copy_db(tmp_path / "a.db", tmp_path / "b.db")
    whole = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    with whole.begin() as conn:
        at_once = inc.relink(conn)
    sliced = open_store(f"sqlite:///{tmp_path / 'b.db'}")
    with sliced.begin() as conn:
        res = relink_streaming(conn, workers=workers, slice_days=3, batch_reports=5)
    want, got = _stored(whole), _stored(sliced)
    assert {k: v for k, v in res.stats.items() if k not in ("grades", "stage_s")} == at_once.stats   # the same pairs and links
    assert sum(res.stats["grades"].values()) == len(want[0])
    assert got == want
    assert sum(1 for r in want[0].values() if (r["grade_reason"] or "").startswith("set by")) == 1
    assert not any(r["id"] == multi[-1]["id"] for r in want[0].values())   # merged away
