"""The REST API on a real SQLite file: the SANA example and tests/data/web articles through the real
pipeline (`eventwire ingest`), linked (`eventwire link`), then read and written over HTTP."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from click.testing import CliRunner  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from eventwire.cli import cli  # noqa: E402

WEB = Path(__file__).resolve().parent / "data" / "web"
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def db(tmp_path_factory, shared, nlp) -> str:
    path = tmp_path_factory.mktemp("api") / "ew.db"
    for args in (["ingest", str(shared / "examples"), str(WEB / "articles.jsonl"), str(WEB / "xss.jsonl"),
                  "--db", str(path)], ["link", "--db", str(path)]):
        res = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert res.exit_code == 0, res.output
    return str(path)


def _app(db: str, **kw):
    from eventwire.api import create_app
    from eventwire.settings import load_settings

    return create_app(load_settings({"db": db}), **kw)


@pytest.fixture(scope="module")
def client(db) -> TestClient:
    return TestClient(_app(db), base_url="http://127.0.0.1")


def test_openapi_and_docs(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/articles", "/api/articles/{article_id}", "/api/events", "/api/incidents",
                 "/api/incidents/{incident_id}", "/api/incidents/{incident_id}/merge", "/api/map",
                 "/api/export/events.{fmt}", "/api/export/incidents.{fmt}"):
        assert path in spec["paths"], path
    page = client.get("/docs")
    assert page.status_code == 200 and "/api/events" in page.text
    assert "unsafe-inline" not in page.headers["content-security-policy"]


def test_article_document_is_the_stored_record(client, db):
    from eventwire.store import open_store, repo

    items = client.get("/api/articles", params={"q": "al-Bukamal"}).json()["items"]
    ids = {i["id"] for i in items}
    assert {"web-reuters-bukamal", "web-sohr-bukamal"} <= ids
    with open_store("sqlite:///" + db).connect() as conn:
        stored = repo.get_document(conn, "web-sohr-bukamal")
    got = client.get("/api/articles/web-sohr-bukamal").json()
    assert got == stored and got["schema"] == "eventwire/document/1"
    assert client.get("/api/articles", params={"outlet": "TASS"}).json()["items"][0]["id"] == "web-tass-idlib"
    page = client.get("/api/articles", params={"limit": 2, "offset": 0}).json()
    assert len(page["items"]) == 2 and page["next_offset"] == 2


def test_events_filters(client):
    all_ev = client.get("/api/events", params={"limit": 1000}).json()["items"]
    assert all_ev and all(set(e) >= {"article", "id", "type", "status", "place", "actors", "outlet"} for e in all_ev)
    syria = client.get("/api/events", params={"bbox": "35,32,42.5,37.5", "limit": 1000}).json()["items"]
    assert syria and all(35 <= e["place"]["lon"] <= 42.5 and 32 <= e["place"]["lat"] <= 37.5 for e in syria)
    may = client.get("/api/events", params={"since": "2018-05-01", "until": "2018-05-31"}).json()["items"]
    assert may and all("2018-05-01" <= e["date"] <= "2018-05-31\uffff" for e in may)
    assault = client.get("/api/events", params={"type": "ASSAULT", "status": "alleged"}).json()["items"]
    assert assault and all(e["type"] == "ASSAULT" and e["status"] == "alleged" for e in assault)
    coalition = client.get("/api/events", params={"actor": "us_led_coalition"}).json()["items"]
    assert coalition and all(any(a.get("entity") == "us_led_coalition" for a in e["actors"] + e["recipients"])
                             for e in coalition)
    syr = client.get("/api/events", params={"country": "SYR", "limit": 1000}).json()["items"]
    assert syr and all(e["place"]["country"] == "SYR" for e in syr)


def test_incidents_list_detail_and_cli_agree(client, db):
    incs = client.get("/api/incidents", params={"limit": 1000}).json()["items"]
    res = CliRunner().invoke(cli, ["incidents", "--db", db, "--format", "jsonl"], catch_exceptions=False)
    assert [json.loads(x)["id"] for x in res.stdout.splitlines()] == [i["id"] for i in incs]
    contested = client.get("/api/incidents", params={"grade": "contested"}).json()["items"]
    assert contested and all(i["grade"] == "contested" for i in contested)
    bukamal = next(i for i in incs if {"web-reuters-bukamal", "web-sohr-bukamal"} <= {r["article"] for r in i["reports"]})
    one = client.get(f"/api/incidents/{bukamal['id']}").json()
    assert one["id"] == bukamal["id"]
    rep = next(r for r in one["reports"] if r["article"] == "web-reuters-bukamal")
    assert rep["outlet_affiliation"] == "wire" and rep["chain"][0] == "Reuters" and rep["chain"][-1].startswith("alleged")
    state = client.get("/api/incidents", params={"affiliation": "state", "limit": 1000}).json()["items"]
    assert state and bukamal["id"] in {i["id"] for i in state}
    assert "web-afp-aleppo" not in {r["article"] for i in state for r in i["reports"]}
    brief = client.get("/api/incidents", params={"brief": "true", "bbox": "35,32,42.5,37.5"}).json()["items"]
    assert brief and all(set(b) >= {"id", "lat", "lon", "grade", "killed_max"} for b in brief)


def test_exports(client):
    csv_text = client.get("/api/export/incidents.csv").text
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert rows and {"event_date", "event_type", "latitude", "fatalities", "grade"} <= set(rows[0])
    ev_rows = list(csv.DictReader(io.StringIO(client.get("/api/export/events.csv").text)))
    assert ev_rows and ev_rows[0]["plover_type"]
    gj = client.get("/api/export/incidents.geojson")
    assert gj.headers["content-type"].startswith("application/geo+json")
    assert json.loads(gj.text)["type"] == "FeatureCollection"
    assert json.loads(client.get("/api/export/events.geojson").text)["features"]
    plover = [json.loads(x) for x in client.get("/api/export/events.plover").text.splitlines()]
    assert plover and {"id", "date", "event", "mode", "source", "target", "eventText", "status"} <= set(plover[0])
    inc_lines = [json.loads(x) for x in client.get("/api/export/incidents.jsonl").text.splitlines()]
    assert inc_lines[0]["schema"] == "eventwire/incident/1"
    bad = client.get("/api/export/incidents.xlsx")
    assert bad.status_code == 422 and bad.headers["content-type"] == PROBLEM and "jsonl" in bad.json()["detail"]


def test_errors_are_problem_json(client):
    for url, status, words in [("/api/articles/nope", 404, "no stored article"),
                               ("/api/incidents/inc-nope", 404, "no incident"),
                               ("/api/events?bbox=1,2,3", 422, "bbox needs 4 numbers"),
                               ("/api/events?since=May", 422, "since"),
                               ("/api/incidents?grade=great", 422, "unknown grade"),
                               ("/api/nothing", 404, "no such page")]:
        r = client.get(url)
        assert r.status_code == status, url
        assert r.headers["content-type"] == PROBLEM
        body = r.json()
        assert words in body["detail"] and body["status"] == status and body["schema"] == "eventwire/error/1"


def test_post_articles_json_is_idempotent_and_reports_bad_items(db):
    client = TestClient(_app(db), base_url="http://127.0.0.1")
    text = ("DAMASCUS (Reuters) - Shelling killed 2 people in Douma on Monday, "
            "state media said.")
    body = [{"id": "api-post-1", "text": text, "published": "2018-04-02", "outlet": "Reuters"}, {"title": "no text"}]
    first = client.post("/api/articles", json=body)
    assert first.status_code == 201, first.text
    items = first.json()["items"]
    assert items[0]["schema"] == "eventwire/document/1" and items[0]["article"]["id"] == "api-post-1"
    assert items[1]["schema"] == "eventwire/error/1" and "'text'" in items[1]["error"]
    again = client.post("/api/articles", json=body[:1])
    assert again.status_code == 200 and again.json()["stored"] == 0 and again.json()["present"] == 1
    assert again.json()["items"][0] == items[0]
    allbad = client.post("/api/articles", json={"text": ""})
    assert allbad.status_code == 422 and allbad.headers["content-type"] == PROBLEM
    assert "empty" in allbad.json()["detail"]
    notjson = client.post("/api/articles", content=b"{nope", headers={"content-type": "application/json"})
    assert notjson.status_code == 400 and "not valid JSON" in notjson.json()["detail"]


def test_upload_file_size_limit_and_kind(db):
    from eventwire.api import create_app
    from eventwire.settings import load_settings

    settings = load_settings({"db": db})
    settings.max_upload_bytes = 2000
    client = TestClient(create_app(settings), base_url="http://127.0.0.1")
    big = client.post("/api/articles", files={"file": ("big.txt", b"word " * 1000, "text/plain")})
    assert big.status_code == 413 and big.headers["content-type"] == PROBLEM
    assert "2,000-byte" in big.json()["detail"]
    pdf = client.post("/api/articles", files={"file": ("a.pdf", b"%PDF-1.4", "application/pdf")})
    assert pdf.status_code == 415 and ".jsonl" in pdf.json()["detail"]
    ok = client.post("/api/articles", files={"file": ("sohr.jsonl", (WEB / "articles.jsonl").read_bytes()[:1500]
                                                      .rsplit(b"\n", 1)[0] + b"\n", "application/x-ndjson")})
    assert ok.status_code in (200, 201) and ok.json()["items"][0]["schema"] == "eventwire/document/1"


def test_writes_need_token_beyond_loopback_and_same_origin(db):
    locked = TestClient(_app(db, require_token=True, token="s3cret"), base_url="http://localhost")
    r = locked.post("/api/articles", json={"text": "x"})
    assert r.status_code == 401 and "EVENTWIRE_TOKEN" in r.json()["detail"]
    assert locked.post("/api/incidents/x/grade", json={"grade": "weak"},
                       headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert locked.get("/api/incidents").status_code == 200  # reads stay open
    r = locked.post("/api/incidents/inc-none/grade", json={"grade": "weak"}, headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 404  # authorised, then the incident is not found
    open_ = TestClient(_app(db), base_url="http://127.0.0.1")
    cross = open_.post("/api/articles", json={"text": "x"}, headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403 and "cross-site" in cross.json()["detail"]


def test_corrections_over_http(db):
    client = TestClient(_app(db), base_url="http://127.0.0.1")
    incs = client.get("/api/incidents", params={"limit": 1000}).json()["items"]
    multi = next(i for i in incs if len({r["article"] for r in i["reports"]}) >= 2)
    r = client.post(f"/api/incidents/{multi['id']}/grade", json={"grade": "discounted", "note": "test", "by": "t"})
    assert r.status_code == 200, r.text
    assert r.json()["incident"]["grade"] == "discounted" and "test" in r.json()["incident"]["grade_reason"]
    key = f"{multi['reports'][0]['article']}:{multi['reports'][0]['event']}"
    r = client.post(f"/api/incidents/{multi['id']}/split", json={"event": key})
    assert r.status_code == 200 and {x["article"] for x in r.json()["incident"]["reports"]} == {key.split(":")[0]}
    new_id = r.json()["incident"]["id"]
    assert new_id != multi["id"] and len(r.json()["incident"]["reports"]) < len(multi["reports"])
    r = client.post(f"/api/incidents/{multi['id']}/merge", json={"other": new_id})
    assert r.status_code == 200 and len(r.json()["incident"]["reports"]) == len(multi["reports"])
    bad = client.post(f"/api/incidents/{multi['id']}/grade", json={"grade": "great"})
    assert bad.status_code == 422 and bad.headers["content-type"] == PROBLEM


def test_pages_escape_article_text(client):
    page = client.get("/articles/web-xss")
    assert page.status_code == 200
    assert "<script>window.__pwned" not in page.text and "&lt;script&gt;window.__pwned" in page.text
    assert "<img src=x" not in page.text
    for url in ("/", "/articles", "/ingest"):
        assert client.get(url).status_code == 200
    mapped = client.get("/", params={"actor": "<img src=x onerror=alert(1)>"}).text
    assert "<img src=x" not in mapped and 'id="map-data"' in mapped  # the preload URL is encoded


def test_map_data_is_compact_cached_and_follows_writes(db, tmp_path):
    import shutil

    path = tmp_path / "map.db"
    shutil.copy(db, path)
    client = TestClient(_app(str(path)), base_url="http://127.0.0.1")
    full = client.get("/api/incidents", params={"limit": 50000}).json()["items"]
    r = client.get("/api/map", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["content-encoding"] == "gzip" and r.headers["etag"]
    m = r.json()
    assert m["n"] == len(full) >= 4
    cols = ("id", "lat", "lon", "grade", "type", "mode", "date", "end_date", "killed", "place", "reports", "origins")
    assert all(len(m[k]) == m["n"] for k in cols)
    by_id = {i["id"]: i for i in full}
    for k, iid in enumerate(m["id"]):
        rec = by_id[iid]
        assert m["grades"][m["grade"][k]] == rec["grade"] and m["types"][m["type"][k]] == rec["type"]
        assert m["killed"][k] == (rec["killed"]["max"] if rec["killed"]["max"] is not None else rec["killed"]["min"])
        assert m["reports"][k] == len(rec["reports"])
    assert client.get("/api/map", headers={"If-None-Match": r.headers["etag"]}).status_code == 304
    plain = client.get("/api/map", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json() == m
    contested = client.get("/api/map", params={"grade": "contested"}).json()
    assert {m["grades"][g] for g in contested["grade"]} <= {"contested"}
    assert client.get("/api/map", params={"grade": "great"}).headers["content-type"] == PROBLEM
    # a correction changes the store: the cached answer is not served again
    target = m["id"][0]
    new_grade = "discounted" if m["grades"][m["grade"][0]] != "discounted" else "weak"
    assert client.post(f"/api/incidents/{target}/grade", json={"grade": new_grade}).status_code == 200
    after = client.get("/api/map", headers={"If-None-Match": r.headers["etag"]})
    assert after.status_code == 200
    after = after.json()
    assert after["grades"][after["grade"][after["id"].index(target)]] == new_grade


def test_claim_chain_uses_the_claims_layer_chain_when_present():
    from eventwire.store.queries import _claim_chain

    doc = {"actors": [{"id": "a0", "text": "the Foreign Ministry", "name": "Syria foreign ministry"}],
           "claims": [{"id": "c0", "speaker": {"text": "the ministry", "actor": "a0"}, "channel": None,
                       "parent": None},
                      {"id": "c1", "speaker": {"text": "The letter"}, "channel": "letter", "parent": "c0"}]}
    event = {"id": "e0", "type": "ASSAULT", "status": "alleged", "claim": "c1", "trigger": {"text": "targeted"}}
    assert _claim_chain(doc, event, "SANA") == ["SANA", "the ministry", "The letter", "alleged targeted"]
    doc["claims"][1]["chain"] = ["Foreign Ministry", "letter"]
    assert _claim_chain(doc, event, "SANA") == ["SANA", "Foreign Ministry", "letter", "alleged targeted"]
    doc["claims"][1]["chain"] = ["SANA", "letter"]  # the outlet is not repeated
    assert _claim_chain(doc, event, "SANA") == ["SANA", "letter", "alleged targeted"]
    assert _claim_chain(doc, {**event, "claim": None, "status": "reported"}, "SOHR") == ["SOHR", "reported targeted"]


def test_serve_beyond_loopback_needs_a_token(db, monkeypatch):
    import uvicorn

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    monkeypatch.setenv("EVENTWIRE_TOKEN", "t0ken")
    res = CliRunner().invoke(cli, ["serve", "--db", db, "--host", "0.0.0.0", "--port", "8123"])
    assert res.exit_code == 0, res.output
    assert seen["host"] == "0.0.0.0" and "writes need EVENTWIRE_TOKEN" in res.output
    client = TestClient(seen["app"], base_url="http://127.0.0.1:8123")
    assert client.post("/api/incidents/x/grade", json={"grade": "weak"}).status_code == 401
    r = client.post("/api/incidents/inc-none/grade", json={"grade": "weak"}, headers={"Authorization": "Bearer t0ken"})
    assert r.status_code == 404
    res = CliRunner().invoke(cli, ["serve", "--db", db, "--host", "127.0.0.1"])
    assert res.exit_code == 0 and "EVENTWIRE_TOKEN" not in res.output
    assert TestClient(seen["app"], base_url="http://127.0.0.1").post("/api/incidents/inc-none/grade", json={"grade": "weak"}).status_code == 404
