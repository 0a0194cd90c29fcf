"""The store on a real PostgreSQL: EVENTWIRE_TEST_PG (a URL), else a throwaway server started here.

The throwaway server needs `initdb`/`pg_ctl` (Debian package `postgresql`; `make test` installs it
when missing and root). Without either the tests skip and say why.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from eventwire.store import engine_for, head_revision, repo, upgrade
from eventwire.store import schema as s
from store_helpers import sample_document

TEXT = "Damascus, SANA-The ministry said the Coalition targeted villages on May 24, atrocities."


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    cands = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return cands[-1] if cands else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def pg_url():
    url = os.environ.get("EVENTWIRE_TEST_PG")
    if url:
        yield url
        return
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("no PostgreSQL: set EVENTWIRE_TEST_PG or install the Debian package postgresql")
    user = None
    if os.geteuid() == 0:  # initdb refuses root; run the server as the postgres system user
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run a throwaway server")
        user = "postgres"
    tmp = Path(tempfile.mkdtemp(prefix="ew-pg-"))
    data = tmp / "data"
    if user:
        shutil.chown(tmp, user)
    port = _free_port()
    run = {"check": True, "capture_output": True, "user": user}
    subprocess.run([initdb, "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"], **run)
    subprocess.run([pg_ctl, "-D", str(data), "-l", str(tmp / "log"), "-w", "-t", "60", "-o",
                    f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off", "start"], **run)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"], check=False,
                       capture_output=True, user=user)
        time.sleep(0.2)
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture()
def pg_engine(pg_url):
    engine = engine_for(pg_url)
    with engine.begin() as conn:  # a clean schema for each test
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    yield engine
    engine.dispose()


def test_pg_upgrade_matches_schema(pg_engine):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    assert upgrade(pg_engine) == head_revision()
    with pg_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), s.metadata)
    assert diff == [], f"schema.py and the migrations differ on PostgreSQL: {diff}"


def test_pg_idempotent_round_trip(pg_engine):
    upgrade(pg_engine)
    doc = sample_document(TEXT)
    with pg_engine.begin() as conn:
        assert repo.save_document(conn, doc, raw=TEXT) is True
        assert repo.save_document(conn, doc, raw=TEXT) is False
        assert repo.stats(conn)["articles"] == 1 and repo.stats(conn)["events"] == 1
        assert repo.get_document(conn, "doc-1") == doc.to_dict()
        assert [r["id"] for r in repo.list_articles(conn)] == ["doc-1"]
        assert repo.resolve_id(conn, "doc") == ["doc-1"]
        err = {"schema": "eventwire/error/1", "id": "x", "error": "x: empty", "code": "empty", "source": "x"}
        assert repo.save_error(conn, err) is True
        assert repo.save_error(conn, err) is False
