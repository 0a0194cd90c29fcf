"""Nothing lost, nothing doubled: the store and the readers under faults (issue 16).

Real SQLite files and a real PostgreSQL (the throwaway server of test_store_pg),
real processes and real kill -9. Analysis runs only the times layer where the
pipeline's output does not matter (EVENTWIRE_LAYERS), so these tests stay fast.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, inspect, select, text

from eventwire.cli import cli
from eventwire.store import SchemaError, engine_for, head_revision, open_store, repo
from eventwire.store import schema as s
from store_helpers import sample_document
from test_store_pg import pg_url  # noqa: F401 - the module-scoped throwaway server fixture

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "tests" / "data" / "web"
FAST = {"EVENTWIRE_LAYERS": "times", "EVENTWIRE_CONFIG": "/nonexistent/eventwire.toml"}


def _line(n: int, **extra) -> str:
    text = (f"Officials in Aleppo said on Monday that {n} people were detained after the protest, "
            f"and that talks with the council would resume next week.")
    return json.dumps({"text": text, **extra}, ensure_ascii=False)


def _counts(url: str) -> tuple[int, int]:
    engine = engine_for(url)
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(s.articles)).scalar_one()
        e = conn.execute(select(func.count()).select_from(s.ingest_errors)).scalar_one()
    engine.dispose()
    return n, e


@pytest.fixture()
def fast(monkeypatch):
    for k, v in FAST.items():
        monkeypatch.setenv(k, v)


@pytest.fixture()
def pg_clean(pg_url):  # noqa: F811 - the fixture imported above
    engine = engine_for(pg_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return pg_url


def _backend(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ew.db'}"
    return request.getfixturevalue("pg_clean")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    return _backend(request, tmp_path)


# --- 1. schema creation: atomic, locked, repaired --------------------------------------------

CREATE = ("import sys\nimport alembic.command, alembic.runtime.migration, eventwire.store.dedup\n"
          "from eventwire.store import engine_for, open_store\nengine_for(sys.argv[1])\n"
          "print('go', flush=True)\nopen_store(sys.argv[1])\nprint('done', flush=True)\n")


def _spawn_create(url: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CREATE, url], stdout=subprocess.PIPE, text=True)


def test_kill_during_first_schema_creation_leaves_a_database_the_next_run_uses(url):
    """kill -9 at several moments of the first schema creation; every time the next run works."""
    engine = engine_for(url)
    landed = 0
    for delay in (0.0, 0.05, 0.1, 0.2, 0.35):
        if url.startswith("sqlite"):
            engine.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        else:
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        p = _spawn_create(url)
        assert p.stdout.readline().strip() == "go"
        time.sleep(delay)
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
        landed += bool(tables) and "alembic_version" not in tables  # would have broken the old code
        # either nothing or everything was created; the next run upgrades or uses it
        e2 = open_store(url)
        with e2.begin() as conn:
            assert repo.save_document(conn, sample_document("The ministry said Damascus was quiet on "
                                                            "May 24 as Coalition aircraft targeted atrocities."))
            assert repo.stats(conn)["articles"] == 1
        e2.dispose()
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head_revision()
    engine.dispose()
    assert landed == 0  # never a half-created schema: tables without a revision


def test_half_created_file_of_an_older_version_is_repaired_or_explained(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = engine_for(url)
    with engine.begin() as conn:  # what a kill left with the old, statement-by-statement creation
        s.articles.create(conn)
        s.places.create(conn)
    engine.dispose()
    e = open_store(url)  # empty tables, no revision: dropped and created properly
    with e.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head_revision()
    e.dispose()
    url2 = f"sqlite:///{tmp_path / 'kept.db'}"
    engine = engine_for(url2)
    with engine.begin() as conn:
        s.ingest_errors.create(conn)
        conn.execute(s.ingest_errors.insert().values(key="k", code="x", message="m", at=s._now()))
    engine.dispose()
    with pytest.raises(SchemaError, match="ingest_errors.*no schema revision"):
        open_store(url2)  # rows are never dropped: explained instead


def test_concurrent_first_runs_wait_for_each_other(url):
    """Four processes create the schema of one new database at once, three times: all succeed."""
    engine = engine_for(url)
    for _trial in range(3):
        if url.startswith("sqlite"):
            engine.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        else:
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        procs = [_spawn_create(url) for _ in range(4)]
        outs = [p.communicate(timeout=120)[0] for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0, 0], outs
    engine.dispose()


def test_two_first_time_ingests_into_one_new_file_both_succeed(tmp_path):
    db = tmp_path / "new.db"
    files = []
    for k in range(2):
        f = tmp_path / f"in{k}.jsonl"
        f.write_text("".join(_line(100 * k + n) + "\n" for n in range(5)))
        files.append(f)
    env = {**os.environ, **FAST}
    procs = [subprocess.Popen([sys.executable, "-m", "eventwire", "ingest", str(f), "--db", str(db)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for f in files]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert _counts(f"sqlite:///{db}") == (10, 0)


# --- 2. per-item failure, the same on both backends ------------------------------------------

POISON = {
    "nul": lambda: json.dumps({"text": "Officials said the\u0000 talks in Geneva would resume on Monday."}),
    "long_id": lambda: _line(9999, id="x" * 250),
    "surrogate": lambda: '{"text": "Officials in Homs said the talks \\ud800 would resume on Monday."}',
}


@pytest.mark.parametrize("poison", sorted(POISON))
def test_poison_line_among_100_good_ones_fails_alone(url, poison, tmp_path, fast):
    lines = [_line(n) for n in range(99)]
    lines.insert(37, POISON[poison]())
    f = tmp_path / "batch.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["ingest", str(f), "--db", url])
    assert res.exit_code == 1, res.output
    assert "1 of 100 inputs failed" in res.output
    assert _counts(url) == (99, 1)
    engine = engine_for(url)
    with engine.connect() as conn:
        (err,) = repo.list_errors(conn)
    engine.dispose()
    assert err["source"].endswith("batch.jsonl:38")
    assert {"nul": "NUL character", "long_id": "at most 200", "surrogate": "lone surrogate"}[poison] \
        in err["message"]


def test_store_refuses_the_same_values_on_both_backends(url):
    """Values that reach the store without the readers' checks are refused alike, not DataError."""
    engine = open_store(url)
    doc = sample_document("Damascus: the ministry said on May 24 that Coalition aircraft targeted atrocities.")
    bad_published = doc.model_copy(deep=True)
    bad_published.article.published = "2018-06-16T13:44:00 and some words more"
    bad_outlet = doc.model_copy(deep=True)
    bad_outlet.article.outlet.id = "o" * 101
    bad_text = doc.model_copy(deep=True)
    bad_text.article.title = "a\x00b"
    for d, what in ((bad_published, "'published' is 39 characters"), (bad_outlet, "'outlet_id' is 101"),
                    (bad_text, "'title' contains a NUL")):
        with pytest.raises(repo.StoreRefused, match=what):
            repo.store(engine, d)
    assert repo.store(engine, doc) == repo.STORED
    with engine.begin() as conn:  # an error message holding NUL or a surrogate is still recorded
        assert repo.save_error(conn, {"id": "a\x00\ud800", "error": "bad \x00 \udcff", "source": "x"})
        (err,) = repo.list_errors(conn)
    assert "\x00" not in err["message"] and "\\u0000" in err["message"]
    engine.dispose()


# --- 3. busy is not fatal ---------------------------------------------------------------------

HOLD = ("import sqlite3, sys, time\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('BEGIN EXCLUSIVE')\n"
        "c.execute(\"INSERT INTO ingest_errors (key, code, message, at) VALUES ('held', 'x', 'm', '2026-01-01')\")\n"
        "print('locked', flush=True)\n"
        "time.sleep(float(sys.argv[2]))\n"
        "c.execute('COMMIT')\n")


def test_a_writer_holding_the_sqlite_lock_for_10s_only_delays_ingest(tmp_path, fast):
    db = tmp_path / "busy.db"
    open_store(f"sqlite:///{db}").dispose()
    f = tmp_path / "in.jsonl"
    f.write_text("".join(_line(n) + "\n" for n in range(3)))
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db), "10"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    t0 = time.monotonic()
    res = CliRunner().invoke(cli, ["ingest", str(f), "--db", str(db)])
    waited = time.monotonic() - t0
    assert holder.wait(timeout=60) == 0
    assert res.exit_code == 0, res.output
    assert "stored           3" in res.output
    assert _counts(f"sqlite:///{db}") == (3, 1)  # the holder's row and all three articles
    assert waited > 5  # it waited for the lock (the old code died after ~5 s)


def test_transient_errors_are_told_apart():
    from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

    class PgError(Exception):
        def __init__(self, sqlstate: str) -> None:
            super().__init__(sqlstate)
            self.sqlstate = sqlstate

    assert repo.transient(OperationalError("x", {}, Exception("database is locked")))
    assert repo.transient(OperationalError("x", {}, PgError("40001")))  # serialisation failure
    assert repo.transient(OperationalError("x", {}, PgError("40P01")))  # deadlock
    assert repo.transient(IntegrityError("x", {}, Exception("UNIQUE constraint failed")))
    assert not repo.transient(ProgrammingError("x", {}, Exception("syntax error")))
    assert not repo.transient(OperationalError("x", {}, Exception("no such table: articles")))


# --- 4. duplicates, versions, copies ----------------------------------------------------------

def _five_formats(d: Path) -> dict[str, list[str]]:
    """The five web test articles as .txt, CRLF .txt, HTML pages, one RSS feed and JSONL with ids."""
    import html

    rows = [json.loads(x) for x in (WEB / "articles.jsonl").read_text().splitlines() if x.strip()]
    out: dict[str, list[str]] = {"txt": [], "crlf": [], "html": [], "rss": [], "jsonl": []}
    items = []
    for n, r in enumerate(rows):
        title = html.escape(r.get("title") or f"Report {n}")
        (d / f"a{n}.txt").write_text(r["text"] + "\n", encoding="utf-8")
        (d / f"a{n}.crlf.txt").write_bytes((r["text"].replace("\n", "\r\n") + "\r\n").encode())
        body = "".join(f"<p>{html.escape(p)}</p>" for p in r["text"].split("\n") if p.strip())
        (d / f"a{n}.html").write_text(f"<html><head><title>{title}</title></head><body><article>"
                                      f"<h1>{title}</h1>{body}</article></body></html>", encoding="utf-8")
        items.append(f"<item><title>{title}</title><link>https://example.org/{n}</link>"
                     f"<description>{html.escape(body)}</description></item>")
        out["txt"].append(str(d / f"a{n}.txt"))
        out["crlf"].append(str(d / f"a{n}.crlf.txt"))
        out["html"].append(str(d / f"a{n}.html"))
    (d / "feed.rss").write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>Example</title>'
                                + "".join(items) + "</channel></rss>", encoding="utf-8")
    (d / "ids.jsonl").write_text("".join(json.dumps({"id": r["id"], "text": r["text"]}) + "\n" for r in rows))
    out["rss"], out["jsonl"] = [str(d / "feed.rss")], [str(d / "ids.jsonl")]
    return out


def _incidents(db: Path) -> set[frozenset]:
    engine = engine_for(f"sqlite:///{db}")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT incident_id, article_id, event_id FROM incident_reports")).all()
    engine.dispose()
    by: dict[str, set] = {}
    for i, a, e in rows:
        by.setdefault(i, set()).add(f"{a}:{e}")
    return {frozenset(v) for v in by.values()}


def test_same_five_articles_in_five_formats_are_five_articles_and_the_same_incidents(tmp_path, nlp):
    inputs = _five_formats(tmp_path)
    only_txt, every = tmp_path / "txt.db", tmp_path / "all.db"
    runner = CliRunner()
    for db, paths in ((only_txt, inputs["txt"]), (every, [p for k in inputs for p in inputs[k]])):
        res = runner.invoke(cli, ["ingest", *paths, "--db", str(db)])
        assert res.exit_code == 0, res.output
        assert runner.invoke(cli, ["link", "--db", str(db)]).exit_code == 0
    res = runner.invoke(cli, ["ingest", *[p for k in inputs for p in inputs[k]], "--db", str(every)])
    assert "already present  25" in res.output
    assert _counts(f"sqlite:///{every}") == (5, 0)
    assert _incidents(every) == _incidents(only_txt) and _incidents(every)


def test_a_known_id_with_new_text_is_a_new_version_with_history(url):
    engine = open_store(url)
    first = sample_document("The ministry said on May 24 that Coalition aircraft targeted Damascus, atrocities.",
                            "story-1")
    again_crlf = sample_document(first.article.text.replace(" ", "\r\n", 1), "story-1")
    second = sample_document("Updated: the ministry said on May 24 that Coalition aircraft targeted Damascus "
                             "twice, atrocities.", "story-1")
    assert repo.store(engine, first) == repo.STORED
    assert repo.store(engine, again_crlf) == repo.PRESENT  # same normalised text: nothing new
    assert repo.store(engine, second) == repo.VERSION
    with engine.connect() as conn:
        assert repo.get_document(conn, "story-1")["article"]["text"].startswith("Updated")
        (old,) = repo.versions(conn, "story-1")
        assert old["version"] == 1
        v = conn.execute(select(s.articles.c.version).where(s.articles.c.id == "story-1")).scalar_one()
        assert v == 2 and repo.stats(conn)["events"] == 1  # the old version's items were replaced
    assert repo.store(engine, first) == repo.VERSION  # going back is a version too, never dropped
    engine.dispose()


def test_near_copies_from_other_outlets_are_kept_and_marked(url):
    from eventwire.store.dedup import CopyIndex

    wire = ("Damascus: the ministry said on May 24 that Coalition aircraft targeted the villages of "
            "al-Bukamal and Hajin in the eastern countryside of Deir Ezzor, killing twelve civilians "
            "including women and children, and called the raids atrocities that violate international law. "
            "Residents said the strikes destroyed several houses and a school near the river.")
    copy = "Republished from SANA. " + wire.replace("twelve", "12")
    a = sample_document(wire, "wire")
    b = sample_document(copy, "copy")
    b.article.outlet.id, b.article.outlet.name = "other", "Other outlet"
    other = sample_document("Aleppo: hundreds of protesters rallied on Sunday to demand the release of "
                            "detainees held since the spring, and police said 15 people were arrested "
                            "near the citadel after clashes with security forces in the old city. Coalition "
                            "Damascus May 24 targeted atrocities.", "other")
    engine = open_store(url)
    idx = CopyIndex()
    assert [repo.store(engine, d, copies=idx) for d in (a, b, other)] == [repo.STORED] * 3
    with engine.connect() as conn:
        marks = dict(conn.execute(select(s.articles.c.id, s.articles.c.copy_of)).all())
        doc = repo.get_document(conn, "copy")
    engine.dispose()
    assert marks == {"wire": None, "copy": "wire", "other": None}
    assert doc["article"]["copy_of"]["article"] == "wire" and doc["article"]["copy_of"]["outlet"]["id"] == "sana"


def test_origin_counting_uses_the_copy_mark():
    from eventwire.link.origins import count_origins
    from eventwire.link.reports import Report

    mark = {"article": "orig", "outlet": {"id": "sana", "name": "SANA", "country": "SYR",
                                          "affiliation": "state"}, "similarity": 0.8}
    r1 = Report(key="copy:e0", article="copy", event="e0", outlet_id="smallpaper", outlet_name="Small Paper",
                text="a different rewrite that shingles would not match at all", copy_of=mark)
    r2 = Report(key="own:e0", article="own", event="e0", outlet_id="reuters", outlet_name="Reuters",
                text="the wire's own reporting from the scene")
    origins, per_report = count_origins([r1, r2])
    assert per_report["copy:e0"] == ["state:SYR"]  # the copy counts as its origin's outlet, not a new one
    assert set(origins) == {"state:SYR", "outlet:reuters"}


# --- 5./6. readers: encodings, empty input, skipped files -------------------------------------

SENTENCE = "Officials in Aleppo said on Monday that the talks with the council would resume next week."


@pytest.mark.parametrize("enc", ["utf-16", "utf-16-be", "utf-32", "utf-32-be"])
def test_utf16_and_utf32_with_a_bom_are_decoded(tmp_path, enc):
    from eventwire.ingest import iter_articles
    from eventwire.ingest.readers import BOMS

    bom = {"utf-16": None, "utf-32": None, "utf-16-be": BOMS[3][0], "utf-32-be": BOMS[1][0]}[enc]
    data = (bom + SENTENCE.encode(enc)) if bom else SENTENCE.encode(enc)  # python's utf-16/32 write a BOM
    (tmp_path / "a.txt").write_bytes(data)
    line = json.dumps({"id": "j1", "text": SENTENCE}) + "\n"
    (tmp_path / "b.jsonl").write_bytes((bom + line.encode(enc)) if bom else line.encode(enc))
    items = list(iter_articles([str(tmp_path / "a.txt"), str(tmp_path / "b.jsonl")]))
    assert [getattr(i, "text", i) for i in items] == [SENTENCE, SENTENCE]


def test_empty_input_is_an_error(tmp_path, fast):
    runner = CliRunner()
    res = runner.invoke(cli, ["extract", "-"], input=b"")
    assert res.exit_code == 1 and "standard input is empty" in res.output
    (tmp_path / "blank.jsonl").write_text("\n\n")
    res = runner.invoke(cli, ["extract", str(tmp_path / "blank.jsonl")])
    assert res.exit_code == 1 and "no JSON lines" in res.output
    (tmp_path / "empty").mkdir()
    res = runner.invoke(cli, ["extract", str(tmp_path / "empty")])
    assert res.exit_code == 1 and "holds no input files" in res.output


def test_directory_walk_reports_skipped_files_and_all_takes_them(tmp_path, fast):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(SENTENCE)
    (d / "notes.md").write_text("Officials in Homs said on Tuesday that the council would meet again soon.")
    (d / "README").write_text("Officials in Hama said on Friday that the market would open again on Sunday.")
    (d / "loop").symlink_to(d / "loop")  # a symlink to itself: ELOOP
    (d / "up").symlink_to(d)             # a folder loop
    res = CliRunner().invoke(cli, ["extract", str(d), "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    assert "notes.md: skipped: '.md' files are not a known input kind" in res.output
    assert "README: skipped: files without a suffix" in res.output
    assert "loop: skipped: a symbolic link that cannot be followed" in res.output
    assert "up: skipped: a symbolic link to a folder" in res.output
    docs = [json.loads(x) for x in res.stdout.splitlines() if x.startswith("{")]
    assert len(docs) == 1
    res = CliRunner().invoke(cli, ["extract", str(d), "--all", "--format", "jsonl"])
    docs = [json.loads(x) for x in res.stdout.splitlines() if x.startswith("{")]
    assert len(docs) == 3 and "README" not in res.stderr and "loop: skipped" in res.stderr


def test_word_salad_is_refused_as_not_prose(tmp_path, fast):
    words = ["army", "village", "market", "council", "strike", "river", "bridge", "school"]
    salad = " ".join(words[i % len(words)] for i in range(2000))
    f = tmp_path / "salad.txt"
    f.write_text(salad)
    res = CliRunner().invoke(cli, ["extract", str(f)])
    assert res.exit_code == 1 and "has no sentence boundary" in res.output


def test_a_split_naming_a_fused_event_is_refused_when_made(tmp_path):
    """Two events of one sentence are one report; splitting the fused one could never apply."""
    from eventwire import records

    text = "Damascus: the ministry said on May 24 Coalition aircraft targeted and killed 40, atrocities."
    doc = sample_document(text, "one")
    e1 = doc.events[0].model_copy(deep=True)
    e1.id, e1.place = "e1", None
    i = text.index("killed")
    e1.trigger = records.Span(text="killed", start=i, end=i + 6)
    doc.events.append(e1)
    db = tmp_path / "fused.db"
    engine = open_store(f"sqlite:///{db}")
    repo.store(engine, doc)
    engine.dispose()
    runner = CliRunner()
    assert runner.invoke(cli, ["link", "--db", str(db)]).exit_code == 0
    (inc,) = [json.loads(x) for x in runner.invoke(cli, ["incidents", "--db", str(db), "--format", "jsonl"])
              .output.splitlines() if x.startswith("{")]
    assert {r["event"] for r in inc["reports"]} == {"e0", "e1"}
    res = runner.invoke(cli, ["incidents", "split", inc["id"], "--event", "one:e1", "--db", str(db)])
    assert res.exit_code == 1 and "is fused with one:e0" in res.output
    res = runner.invoke(cli, ["incidents", "corrections", "--db", str(db), "--format", "jsonl"])
    assert not [x for x in res.output.splitlines() if x.startswith("{")]  # nothing stored


def test_upgrading_an_older_database_fingerprints_its_articles(tmp_path):
    """0004 on a database of revision 0003 that holds one article twice (LF and CRLF): both rows stay,
    the first gets the fingerprint, the second is marked a copy of it; new inputs then dedupe against them."""
    from eventwire.store import upgrade

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = engine_for(url)
    assert upgrade(engine, "0003") == "0003"
    lf = "The ministry said on May 24 that Coalition aircraft targeted Damascus.\n\nAtrocities, it said.\n"
    rows = [("old-lf", lf, "2026-01-01 00:00:00"), ("old-crlf", lf.replace("\n", "\r\n"), "2026-01-02 00:00:00")]
    with engine.begin() as conn:
        for aid, body, at in rows:
            conn.execute(text("INSERT INTO articles (id, text, document, created_at) VALUES (:i, :t, :d, :c)"),
                         {"i": aid, "t": body, "d": json.dumps({"article": {"id": aid, "text": body}}), "c": at})
    assert upgrade(engine) == head_revision()
    with engine.connect() as conn:
        got = {r[0]: (r[1], r[2]) for r in conn.execute(text("SELECT id, fingerprint, copy_of FROM articles"))}
        assert got["old-lf"][0] and got["old-lf"][1] is None
        assert got["old-crlf"] == (None, "old-lf")
        assert repo.is_known(conn, lf.replace("\n", " ") + "  ")
    engine.dispose()
