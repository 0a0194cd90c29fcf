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
    return TestClient(_app(db))


def test_openapi_and_docs(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/articles", "/api/articles/{article_id}", "/api/events", "/api/incidents",
                 "/api/incidents/{incident_id}", "/api/incidents/{incident_id}/merge",
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
    assault = client.get("/api/events", params={"type": "assault", "status": "alleged"}).json()["items"]
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
    assert bad.status_code == 404 and bad.headers["content-type"] == PROBLEM and "jsonl" in bad.json()["detail"]


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
    client = TestClient(_app(db))
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
    client = TestClient(create_app(settings))
    big = client.post("/api/articles", files={"file": ("big.txt", b"word " * 1000, "text/plain")})
    assert big.status_code == 413 and big.headers["content-type"] == PROBLEM
    assert "2,000-byte" in big.json()["detail"]
    pdf = client.post("/api/articles", files={"file": ("a.pdf", b"%PDF-1.4", "application/pdf")})
    assert pdf.status_code == 415 and ".jsonl" in pdf.json()["detail"]
    ok = client.post("/api/articles", files={"file": ("sohr.jsonl", (WEB / "articles.jsonl").read_bytes()[:1500]
                                                      .rsplit(b"\n", 1)[0] + b"\n", "application/x-ndjson")})
    assert ok.status_code in (200, 201) and ok.json()["items"][0]["schema"] == "eventwire/document/1"


def test_writes_need_token_beyond_loopback_and_same_origin(db):
    locked = TestClient(_app(db, require_token=True, token="s3cret"))
    r = locked.post("/api/articles", json={"text": "x"})
    assert r.status_code == 401 and "EVENTWIRE_TOKEN" in r.json()["detail"]
    assert locked.post("/api/incidents/x/grade", json={"grade": "weak"},
                       headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert locked.get("/api/incidents").status_code == 200  # reads stay open
    r = locked.post("/api/incidents/inc-none/grade", json={"grade": "weak"}, headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 404  # authorised, then the incident is not found
    open_ = TestClient(_app(db))
    cross = open_.post("/api/articles", json={"text": "x"}, headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403 and "cross-site" in cross.json()["detail"]


def test_corrections_over_http(db):
    client = TestClient(_app(db))
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
