"""Corrections and reads through `services`: the CLI and the API run the same rule and refuse the
same things, each in its own words, and read the same records.

The store holds hand-made documents (`store_helpers.sample_document`), so no pipeline runs: one
article whose sentence has two events (fused into one report) and a second article of the same
raid from another outlet, linked into one incident.
"""

from __future__ import annotations

import json

import pytest

pytest.importorskip("fastapi")
from click.testing import CliRunner  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from eventwire import records  # noqa: E402
from eventwire.cli import cli  # noqa: E402
from eventwire.store import open_store, repo  # noqa: E402
from store_helpers import sample_document  # noqa: E402

TEXT = "Damascus: the ministry said on May 24 Coalition aircraft targeted and killed 40, atrocities."
OTHER = "Damascus residents said that on May 24 Coalition jets targeted a market; atrocities, they said."


def _fused(text: str, article_id: str) -> records.Document:
    """A document whose sentence has two events (`targeted`, `killed`): one report, the second fused."""
    doc = sample_document(text, article_id)
    e1 = doc.events[0].model_copy(deep=True)
    e1.id, e1.place = "e1", None
    i = text.index("killed")
    e1.trigger = records.Span(text="killed", start=i, end=i + 6)
    doc.events.append(e1)
    return doc


def _other(text: str, article_id: str) -> records.Document:
    doc = sample_document(text, article_id)
    doc.article.outlet = records.Outlet(id="locals", name="Local Committees", country="SYR",
                                        affiliation="opposition")
    return doc


def _cli(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args))
    return res.exit_code, res.output


@pytest.fixture()
def db(tmp_path) -> str:
    path = tmp_path / "corr.db"
    engine = open_store(f"sqlite:///{path}")
    repo.store(engine, _fused(TEXT, "one"))
    repo.store(engine, _other(OTHER, "two"))
    engine.dispose()
    code, out = _cli("link", "--db", str(path))
    assert code == 0, out
    return str(path)


@pytest.fixture()
def client(db) -> TestClient:
    from eventwire.api import create_app
    from eventwire.settings import load_settings

    return TestClient(create_app(load_settings({"db": db})), base_url="http://127.0.0.1")


def _incidents(db: str) -> list[dict]:
    code, out = _cli("incidents", "--db", db, "--format", "jsonl")
    assert code == 0, out
    return [json.loads(x) for x in out.splitlines() if x.startswith("{")]


def _history(db: str) -> list[dict]:
    code, out = _cli("incidents", "corrections", "--db", db, "--format", "jsonl")
    return [json.loads(x) for x in out.splitlines() if x.startswith("{")]


def test_a_split_of_a_fused_event_is_refused_alike(db, client):
    """The CLI refused it and the API stored a split that could never apply; now both refuse it."""
    (inc,) = _incidents(db)
    assert {(r["article"], r["event"]) for r in inc["reports"]} == {("one", "e0"), ("one", "e1"), ("two", "e0")}
    code, out = _cli("incidents", "split", inc["id"], "--event", "one:e1", "--db", db)
    r = client.post(f"/api/incidents/{inc['id']}/split", json={"event": "one:e1"})
    assert code == 1 and "is fused with one:e0" in out
    assert r.status_code == 422 and "is fused with one:e0" in r.json()["detail"]
    assert _history(db) == [] and client.get("/api/corrections").json()["total"] == 0


def test_the_same_refusals_and_errors_on_both_sides(db, client):
    (inc,) = _incidents(db)
    iid = inc["id"]
    code, out = _cli("incidents", "merge", iid, iid[:8], "--db", db)
    r = client.post(f"/api/incidents/{iid}/merge", json={"other": iid[:8]})
    assert code == 1 and "cannot be merged with itself" in out
    assert r.status_code == 422 and "cannot be merged with itself" in r.json()["detail"]
    code, out = _cli("incidents", "split", iid, "--event", "e0", "--db", db)  # e0 of both articles
    r = client.post(f"/api/incidents/{iid}/split", json={"event": "e0"})
    assert code == 1 and "matches 2 reports" in out and r.status_code == 422 and "matches 2 reports" in r.text
    code, out = _cli("incidents", "grade", "nope", "weak", "--db", db)
    r = client.post("/api/incidents/nope/grade", json={"grade": "weak"})
    assert code == 1 and "no incident 'nope'" in out and "eventwire incidents" in out
    assert r.status_code == 404 and r.json()["detail"] == "no incident 'nope'; list them at /api/incidents"
    code, out = _cli("show", "zz-none", "--db", db)
    assert code == 1 and "no stored article with id 'zz-none'" in out
    assert client.get("/api/articles/zz-none").status_code == 404
    assert _history(db) == []


def test_a_split_made_on_one_side_is_what_the_other_reads(db, client):
    (inc,) = _incidents(db)
    code, out = _cli("incidents", "split", inc["id"], "--event", "two:e0", "--by", "ana", "--db", db)
    assert code == 0, out
    assert "correction 1: split" in out and "Linked" in out
    incs = {tuple(sorted(r["article"] for r in i["reports"])): i for i in _incidents(db)}
    assert set(incs) == {("one", "one"), ("two",)}
    for i in incs.values():  # the CLI's and the API's record of each incident are equal
        code, shown = _cli("incidents", "show", i["id"], "--db", db)
        assert json.loads(shown) == client.get(f"/api/incidents/{i['id']}").json()
    split_off = incs[("two",)]["id"]
    merged = client.post(f"/api/incidents/{inc['id']}/merge", json={"other": split_off, "by": "bo"}).json()
    assert merged["action"] == "merge" and len(merged["incident"]["reports"]) == 3
    assert [(c["action"], c["by"]) for c in _history(db)] == [("split", "ana"), ("merge", "bo")]


def test_undo_alike_and_twice_refused(db, client):
    (inc,) = _incidents(db)
    made = client.post(f"/api/incidents/{inc['id']}/grade", json={"grade": "discounted", "note": "hoax"}).json()
    assert made["incident"]["grade"] == "discounted"
    code, out = _cli("incidents", "undo", str(made["correction"]), "--by", "rev", "--db", db)
    assert code == 0 and f"correction {made['correction']} undone by rev" in out, out
    assert client.get(f"/api/incidents/{inc['id']}").json()["grade"] != "discounted"
    again = client.post(f"/api/corrections/{made['correction']}/undo")
    assert again.status_code == 409 and "undone already" in again.json()["detail"]
    code, out = _cli("incidents", "undo", str(made["correction"]), "--db", db)
    assert code == 1 and "undone already" in out
    code, out = _cli("incidents", "undo", "99", "--db", db)
    assert code == 1 and "no correction 99" in out
    assert client.post("/api/corrections/99/undo").status_code == 404


def test_events_read_alike(db, client):
    """`GET /api/events` and `eventwire export events` read events through one service."""
    api = client.get("/api/events", params={"limit": 1000}).json()["items"]
    code, out = _cli("export", "events", "--db", db)
    assert code == 0 and api == [json.loads(x) for x in out.splitlines()]
    assert [e["article"] for e in api] and client.get("/api/events", params={"bbox": "1,2,3"}).status_code == 422
