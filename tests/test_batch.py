"""`eventwire batch` (local engine) and `eventwire reanalyse`: same documents as `ingest`, resumable.

The kill test starts a real batch run, waits until some batches are stored, kills the
whole process group with SIGKILL, checks that no article is half-written, runs the same
command again and checks that every article is stored exactly once, on SQLite and on
PostgreSQL (the throwaway server of test_store_pg).
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
from sqlalchemy import func, select, update

from eventwire.cli import cli
from test_store_pg import pg_url  # noqa: F401 - the module-scoped throwaway server fixture

N_GOOD = 10
EVENTWIRE = str(Path(sys.executable).parent / "eventwire")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, shared) -> Path:
    lines = (shared / "data" / "bench-news.jsonl").read_text(encoding="utf-8").splitlines()[:N_GOOD]
    path = tmp_path_factory.mktemp("batch") / "in.jsonl"
    path.write_text("\n".join(lines[:5] + ['{"id": "broken", "text": "no end'] + lines[5:]) + "\n",
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def ingested(inputs, tmp_path_factory, nlp) -> str:
    db = str(tmp_path_factory.mktemp("ingest") / "ingest.db")
    r = CliRunner().invoke(cli, ["ingest", str(inputs), "--db", db])
    assert r.exit_code == 1, r.output  # the broken line
    return db


def _docs(url: str) -> dict[str, dict]:
    from eventwire.store import open_store
    from eventwire.store import schema as s

    engine = open_store(url if "://" in url else f"sqlite:///{url}")
    with engine.connect() as conn:
        out = {i: d for i, d in conn.execute(select(s.articles.c.id, s.articles.c.document))}
    engine.dispose()
    return out


def _batch(*args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([EVENTWIRE, "batch", *args], capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})}, **kw)


def test_two_workers_store_what_ingest_stores(inputs, ingested, tmp_path: Path):
    from eventwire.analysis.version import version
    from eventwire.store import open_store
    from eventwire.store import schema as s

    db = str(tmp_path / "b.db")
    r = _batch(str(inputs), "--db", db, "--workers", "2", env={"EVENTWIRE_BATCH_SIZE": "3"})
    assert r.returncode == 1, r.stderr  # one item failed
    assert "stored           10" in r.stdout and "failed           1" in r.stdout
    assert "in.jsonl:6: not valid JSON" in r.stderr
    assert "\r" not in r.stderr  # no progress bar when stderr is not a terminal
    got, want = _docs(db), _docs(ingested)
    assert len(got) == N_GOOD and got == want
    engine = open_store(f"sqlite:///{db}")
    with engine.connect() as conn:
        versions = {v for (v,) in conn.execute(select(s.articles.c.analysis_version))}
        errors = conn.execute(select(func.count()).select_from(s.ingest_errors)).scalar_one()
    assert versions == {version()} and errors == 1
    again = _batch(str(inputs), "--db", db, "--workers", "2", "--quiet", "--link")
    assert "stored           0" in again.stdout and "already present  10" in again.stdout
    assert "new reports incrementally" in again.stderr  # --link: the stored events, linked
    from eventwire.store.incidents import incidents

    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(incidents)).scalar_one() > 0


def _consistent(url: str) -> int:
    """Articles stored, after checking each has exactly its document's items (nothing half-written)."""
    from eventwire.store import engine_for
    from eventwire.store import schema as s

    engine = engine_for(url)
    with engine.connect() as conn:
        docs = dict(conn.execute(select(s.articles.c.id, s.articles.c.document)).all())
        for name, table in s.SECTIONS.items():
            counts = dict(conn.execute(select(table.c.article_id, func.count()).group_by(table.c.article_id)).all())
            for aid, d in docs.items():
                assert counts.get(aid, 0) == len(d.get(name) or []), (aid, name)
    engine.dispose()
    return len(docs)


def _kill_and_resume(inputs: Path, url: str, want: dict[str, dict]) -> None:
    env = {**os.environ, "EVENTWIRE_BATCH_SIZE": "1"}
    args = [EVENTWIRE, "batch", str(inputs), "--db", url, "--workers", "2", "--quiet"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                            start_new_session=True)
    deadline = time.monotonic() + 300
    stored = 0
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.3)
            try:
                stored = _consistent(url)
            except Exception:  # noqa: BLE001 - the schema may not exist yet
                continue
            if stored >= 2:
                break
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    assert 2 <= _consistent(url) < N_GOOD  # killed part-way, and what is stored is whole
    r = subprocess.run(args, capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 1, r.stderr
    assert _consistent(url) == N_GOOD
    assert _docs(url) == want


def test_kill_9_and_resume_sqlite(inputs, ingested, tmp_path: Path):
    _kill_and_resume(inputs, f"sqlite:///{tmp_path / 'k.db'}", _docs(ingested))


def test_kill_9_and_resume_postgresql(inputs, ingested, pg_url):  # noqa: F811 - fixture
    from sqlalchemy import text

    from eventwire.store import engine_for

    engine = engine_for(pg_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    _kill_and_resume(inputs, pg_url, _docs(ingested))


def test_reanalyse_outdated(ingested, tmp_path: Path):
    import sqlite3

    from eventwire.analysis.version import version
    from eventwire.store import open_store
    from eventwire.store import schema as s

    db = tmp_path / "r.db"
    with sqlite3.connect(ingested) as a, sqlite3.connect(db) as b:  # through the WAL (a file copy misses it)
        a.backup(b)
    engine = open_store(f"sqlite:///{db}")
    before = _docs(str(db))
    old = sorted(before)[:3]
    with engine.begin() as conn:
        conn.execute(update(s.articles).where(s.articles.c.id.in_(old)).values(analysis_version="0.0.1+old"))
        for t in s.SECTIONS.values():  # what an older analysis left: no items
            conn.execute(t.delete().where(t.c.article_id.in_(old)))
    r = CliRunner().invoke(cli, ["reanalyse", "--outdated", "--db", str(db), "--quiet"])
    assert r.exit_code == 0, r.output
    assert "3 articles to re-analyse" in r.output and "stored           3" in r.output
    with engine.connect() as conn:
        versions = dict(conn.execute(select(s.articles.c.id, s.articles.c.analysis_version)).all())
    assert set(versions.values()) == {version()}
    assert _docs(str(db)) == before
    assert _consistent(f"sqlite:///{db}") == N_GOOD
    r = CliRunner().invoke(cli, ["reanalyse", "--db", str(db), "-q"])
    assert "0 articles to re-analyse" in r.output


def test_progress_bar_is_silent_off_a_terminal():
    from eventwire.batch.progress import bar, count_inputs

    with bar(5, "x") as b:
        assert b.disable  # pytest's stderr is not a terminal
    assert count_inputs([str(Path(__file__).parent / "data" / "ingest")]) == 2
    assert json.loads('{"a": 1}')  # keep json imported for the helpers above
