"""Uploads and corrections sent at once to a real server (uvicorn, HTTP) with no lock in the process:
every article is stored once, and the documents and incidents are those the same uploads give one
after another; the link steps of uploads and corrections never leave duplicated or stale incidents."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
import httpx  # noqa: E402

WEB = Path(__file__).resolve().parent / "data" / "web"


def _articles(shared: Path) -> list[dict]:
    """The SANA example and the web articles (three of them report one al-Bukamal strike)."""
    items = [json.loads(x) for x in (WEB / "articles.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    sana = (shared / "examples" / "sana-2018-06-16.txt").read_text(encoding="utf-8")
    return [*items, {"id": "sana-2018-06-16", "text": sana, "published": "2018-06-16", "outlet": "SANA"}]


@contextmanager
def _server(db: Path) -> Iterator[str]:
    """The API on `db`, served by uvicorn on a free localhost port in a thread."""
    import uvicorn

    from eventwire.api import create_app
    from eventwire.settings import load_settings

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(load_settings({"db": str(db)})), host="127.0.0.1",
                                           port=port, log_level="warning"))
    th = threading.Thread(target=server.run, daemon=True)
    th.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert th.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        th.join(timeout=30)


def _at_once(calls: list) -> list:
    """Run the calls in as many threads, released together; their results in order."""
    gate = threading.Barrier(len(calls))

    def run(call):
        gate.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def _post(base: str, item: dict) -> httpx.Response:
    with httpx.Client(base_url=base, timeout=600) as c:
        return c.post("/api/articles", json=item)


def _stored(db: Path) -> tuple[dict, list, Counter]:
    """(article id -> stored document; the incidents without their ids, in report order; how often
    each report is in an incident_reports row)."""
    from sqlalchemy import select

    from eventwire.store import open_store, repo
    from eventwire.store import schema as s
    from eventwire.store.queries import IncidentFilters, list_incidents

    engine = open_store(f"sqlite:///{db}")
    with engine.connect() as conn:
        docs = {aid: repo.get_document(conn, aid) for (aid,) in conn.execute(select(s.articles.c.id))}
        incs = sorted(({k: v for k, v in i.items() if k != "id"} for i in list_incidents(conn, IncidentFilters())),
                      key=lambda i: sorted((r["article"], r["event"]) for r in i["reports"]))
        r = s.incident_reports.c
        rows = Counter(conn.execute(select(r.article_id, r.event_id)).all())
        assert conn.execute(select(s.article_versions.c.article_id)).first() is None  # no text came twice
    engine.dispose()
    return docs, incs, rows


def _check_consistent(db: Path) -> list[dict]:
    """Each report in one incident and one incident_reports row, and the stored incidents those a
    full relink of the same store makes (ids included): no duplicated, lost or stale incident."""
    from eventwire.services import link
    from eventwire.store import open_store
    from eventwire.store.queries import IncidentFilters, list_incidents

    docs, incs, rows = _stored(db)
    keys = Counter((r["article"], r["event"]) for i in incs for r in i["reports"])
    assert keys and max(keys.values()) == 1 and max(rows.values()) == 1
    assert set(rows) == set(keys)
    engine = open_store(f"sqlite:///{db}")
    with engine.connect() as conn:
        before = list_incidents(conn, IncidentFilters())
    link.relink(engine)
    with engine.connect() as conn:
        after = list_incidents(conn, IncidentFilters())
    engine.dispose()
    assert sorted(before, key=lambda i: i["id"]) == sorted(after, key=lambda i: i["id"])
    return before


@pytest.fixture
def overlap(monkeypatch) -> dict:
    """The most analyses running at one time (`batch.local.analyse_articles`, what an upload runs)."""
    from eventwire.batch import local

    seen = {"now": 0, "most": 0}
    guard = threading.Lock()  # the test's own counter, not the code under test
    real = local.analyse_articles

    def counted(*args, **kwargs):
        with guard:
            seen["now"] += 1
            seen["most"] = max(seen["most"], seen["now"])
        try:
            return real(*args, **kwargs)
        finally:
            with guard:
                seen["now"] -= 1

    monkeypatch.setattr(local, "analyse_articles", counted)
    return seen


def test_concurrent_uploads_store_each_article_once_and_equal_sequential_ones(tmp_path, shared, nlp, overlap):
    from eventwire.store import open_store

    items = _articles(shared)
    one, many = tmp_path / "sequential.db", tmp_path / "concurrent.db"
    for path in (one, many):
        open_store(f"sqlite:///{path}").dispose()
    with _server(one) as base:
        for item in items:
            r = _post(base, item)
            assert r.status_code == 201, r.text
    with _server(many) as base:  # every article at once, the first one twice
        answers = _at_once([lambda it=it: _post(base, it) for it in [*items, items[0]]])
    assert all(r.status_code in (200, 201) for r in answers), [r.text[:300] for r in answers]
    assert overlap["most"] > 1  # the analyses ran side by side: nothing in the process serialised them
    assert sum(r.json()["stored"] for r in answers) == len(items)
    assert sorted(r.json()["present"] for r in answers) == [0] * len(items) + [1]
    seq_docs, seq_incs, _ = _stored(one)
    con_docs, con_incs, _ = _stored(many)
    assert len(con_docs) == len(items) and con_docs == seq_docs
    assert any(len(i["reports"]) > 1 for i in seq_incs)  # linking across articles happened
    assert con_incs == seq_incs
    _check_consistent(many)


def test_uploads_and_corrections_at_once_leave_consistent_incidents(tmp_path, shared, nlp):
    """Corrections re-link everything while uploads link their articles incrementally: each link step
    waits for the other (in the database), so the incidents are those a full relink gives and the
    corrections are all applied, the last one committed winning."""
    from eventwire.store import open_store

    items = _articles(shared)
    db = tmp_path / "ew.db"
    open_store(f"sqlite:///{db}").dispose()
    first = [it for it in items if "bukamal" in it["id"]][:1]
    rest = [it for it in items if it not in first]
    with _server(db) as base:
        assert _post(base, first[0]).status_code == 201
        with httpx.Client(base_url=base) as c:
            inc = c.get("/api/incidents", params={"limit": 1, "sort": "reports"}).json()["items"][0]
        anchor = (inc["reports"][0]["article"], inc["reports"][0]["event"])

        def grade(g: str):
            def call() -> httpx.Response:
                with httpx.Client(base_url=base, timeout=600) as c:
                    return c.post(f"/api/incidents/{inc['id']}/grade", json={"grade": g, "by": g})
            return call

        answers = _at_once([*(lambda it=it: _post(base, it) for it in rest), grade("fair"), grade("discounted")])
        assert all(r.status_code in (200, 201) for r in answers), [r.text[:300] for r in answers]
        with httpx.Client(base_url=base) as c:
            history = c.get("/api/corrections").json()["items"]  # newest first
    assert [h["grade"] for h in history][::-1] in (["fair", "discounted"], ["discounted", "fair"])
    incs = _check_consistent(db)
    (holder,) = [i for i in incs if anchor in {(r["article"], r["event"]) for r in i["reports"]}]
    assert holder["grade"] == history[0]["grade"]
    assert len(_stored(db)[0]) == len(items)
