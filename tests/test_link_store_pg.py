"""The incident tables on a real PostgreSQL (migration 0002, save, list, corrections, relink).

Uses the throwaway server of tests/test_store_pg.py (EVENTWIRE_TEST_PG, else `initdb`/`pg_ctl`
from the Debian package `postgresql`); without either the tests skip and say why. Documents are
the hand-annotated reports of tests/data/linking/contested.jsonl, so no pipeline is needed.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from eventwire.link.corrections import make_correction
from eventwire.store import engine_for, head_revision, repo, upgrade
from eventwire.store import incidents as store
from eventwire.store.queries import IncidentFilters, get_incident, list_incidents
from test_store_pg import pg_url  # noqa: F401 - the module-scoped throwaway server fixture

DATA = Path(__file__).resolve().parent / "data" / "linking"


@pytest.fixture(scope="module")
def docs() -> list[dict]:
    spec = importlib.util.spec_from_file_location("linking_annotations", DATA / "annotations.py")
    ann = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ann)
    return [ann.to_document(r) for r in ann.load_rows("contested.jsonl")]


@pytest.fixture()
def engine(pg_url):  # noqa: F811 - the imported fixture
    eng = engine_for(pg_url)
    with eng.begin() as conn:  # a clean schema for each test
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    assert upgrade(eng) == head_revision()
    yield eng
    eng.dispose()


def _of(incs: list[dict], article: str) -> dict:
    return next(i for i in incs if any(r["article"] == article for r in i["reports"]))


def test_pg_incident_tables_exist(engine):
    names = set(inspect(engine).get_table_names())
    assert {"incidents", "incident_reports", "incident_corrections"} <= names, names


def test_pg_link_list_correct_relink(engine, docs):
    with engine.begin() as conn:
        for d in docs:
            repo.save_document(conn, d)
    with engine.begin() as conn:
        res = store.relink(conn)
    assert res.stats["incidents"] == 3
    with engine.connect() as conn:
        incs = list_incidents(conn, IncidentFilters())
        shafaa = _of(incs, "c01-sana")
        assert shafaa["grade"] == "contested" and shafaa["origins"] == 3 and len(shafaa["reports"]) == 7
        assert [i["id"] for i in list_incidents(conn, IncidentFilters(grade="contested"))] == [shafaa["id"]]
        assert get_incident(conn, shafaa["id"])["id"] == shafaa["id"]
        assert store.resolve_incident(conn, shafaa["id"][:10]) == [shafaa["id"]]
        a, b = _of(incs, "c07-sohr-bukamal")["id"], _of(incs, "c09-sana-0616")["id"]
        corr = make_correction("merge", a, other=b, anchors=store.incident_keys(conn, a),
                               other_anchors=store.incident_keys(conn, b), note="one raid", by="alice")
    with engine.begin() as conn:
        store.add_correction(conn, corr)
        store.relink(conn)
    with engine.begin() as conn:  # a second relink keeps ids and the correction
        store.relink(conn)
    with engine.connect() as conn:
        incs = list_incidents(conn, IncidentFilters())
        assert len(incs) == 2
        merged = _of(incs, "c07-sohr-bukamal")
        assert merged["id"] == a and {r["article"] for r in merged["reports"]} >= {"c09-sana-0616"}
        assert _of(incs, "c01-sana")["id"] == shafaa["id"]
        listed = store.list_corrections(conn)
        assert [(c["action"], c["by"], c["note"]) for c in listed] == [("merge", "alice", "one raid")]
        assert listed[0]["at"]


def test_pg_migrations_match_incident_schema(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from eventwire.store import schema as s

    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), s.metadata)
    assert [d for d in diff if "incident" in str(d)] == [], diff
