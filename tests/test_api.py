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
from store_helpers import copy_db  # noqa: E402
from test_store_pg import pg_url  # noqa: E402, F401 - the module-scoped throwaway PostgreSQL server

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


def test_cli_incidents_takes_the_api_incidents_filters(client, db):
    """`eventwire incidents` has an option for each parameter of `GET /api/incidents` (but `brief`, a
    shape the table format gives), checked and applied the same: the same incidents in the same order."""
    from eventwire.cli.incidents import incidents_group

    spec = client.get("/openapi.json").json()["paths"]["/api/incidents"]["get"]
    api_params = {p["name"] for p in spec["parameters"]} - {"brief"}
    options = {o.lstrip("-") for p in incidents_group.params for o in p.opts} - {"db", "format", "help"}
    assert options == api_params
    for params in ({"grade": "weak,fair", "sort": "killed"}, {"affiliation": "state", "order": "asc"},
                   {"q": "killed", "country": "SYR", "limit": 3, "offset": 1}, {"bbox": "35,32,42.5,37.5"},
                   {"type": "ASSAULT", "since": "2018-01-01", "until": "2018-12-31", "sort": "reports"}):
        api = [i["id"] for i in client.get("/api/incidents", params={"limit": 1000, **params}).json()["items"]]
        args = ["incidents", "--db", db, "--format", "jsonl"] + [x for k, v in params.items() for x in (f"--{k}", str(v))]
        res = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert api and [json.loads(x)["id"] for x in res.stdout.splitlines()] == api, params
    for bad, words in ((["--grade", "great"], "unknown grade"), (["--bbox", "1,2,3"], "bbox"),
                       (["--since", "2018-02-30"], "real date"), (["--sort", "size"], "--sort")):
        res = CliRunner().invoke(cli, ["incidents", "--db", db, *bad])
        assert res.exit_code == 2 and words in res.output, (bad, res.output)


def test_the_same_incident_from_cli_and_api_is_equal(client, db):
    """One read function, one record (`records.Incident`): the CLI and the API give equal JSON."""
    from eventwire.records import Incident

    incs = client.get("/api/incidents", params={"limit": 1000}).json()["items"]
    lines = CliRunner().invoke(cli, ["incidents", "--db", db, "--format", "jsonl"], catch_exceptions=False)
    by_id = {json.loads(x)["id"]: json.loads(x) for x in lines.stdout.splitlines()}
    assert incs and all(by_id[i["id"]] == i for i in incs)
    multi = max(incs, key=lambda i: len(i["reports"]))
    shown = CliRunner().invoke(cli, ["incidents", "show", multi["id"], "--db", db], catch_exceptions=False)
    api = client.get(f"/api/incidents/{multi['id']}").json()
    assert json.loads(shown.stdout) == api
    assert api["schema"] == "eventwire/incident/1" and len(api["reports"]) >= 2
    assert all(len(r) >= 16 for r in api["reports"]), "the CLI shows the same detail per report as the API"
    assert Incident.model_validate(api).to_dict() == api


@pytest.mark.parametrize(("what", "fmt", "params"), [
    ("incidents", "csv", {"type": "ASSAULT", "sort": "killed"}),
    ("incidents", "geojson", {"grade": "contested,weak"}),
    ("events", "jsonl", {"country": "SYR"}),
    ("events", "plover", {"status": "alleged"}),
])
def test_cli_export_is_the_api_export(client, db, what, fmt, params):
    """`eventwire export` runs the API's export with the API's filters: the same bytes."""
    api = client.get(f"/api/export/{what}.{fmt}", params=params)
    assert api.status_code == 200
    args = ["export", what, "--db", db, "--format", fmt] + [x for k, v in params.items() for x in (f"--{k}", v)]
    res = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert res.stdout == api.text and api.text.strip()
    bad = CliRunner().invoke(cli, ["export", "events", "--db", db, "--grade", "weak"])
    assert bad.exit_code == 2 and "--grade" in bad.output
    box = CliRunner().invoke(cli, ["export", "incidents", "--db", db, "--bbox", "1,2,3"])
    assert box.exit_code == 2 and "bbox" in box.output


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
    # a problem's own title is kept (not replaced by its status's)
    r = client.get("/api/incidents/inc-")  # a prefix of every incident id
    assert r.status_code == 409 and r.json()["title"] == "Ambiguous id" and "several" in r.json()["detail"]
    assert client.get("/api/articles/nope").json()["title"] == "Not found"


def test_a_405_allows_every_method_of_the_path(client):
    """GET and POST on one path are two routes; the Allow header of a 405 names both (Schemathesis ST205)."""
    for url, methods in [("/api/articles", {"GET", "POST"}), ("/api/articles/x", {"GET", "DELETE"})]:
        r = client.request("OPTIONS", url)
        assert r.status_code == 405 and r.headers["content-type"] == PROBLEM
        assert {m.strip() for m in r.headers["allow"].split(",")} == methods, url


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
    path = tmp_path / "map.db"
    copy_db(db, path)
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
    from eventwire.store.queries import claim_chain

    doc = {"actors": [{"id": "a0", "text": "the Foreign Ministry", "name": "Syria foreign ministry"}],
           "claims": [{"id": "c0", "speaker": {"text": "the ministry", "actor": "a0"}, "channel": None,
                       "parent": None},
                      {"id": "c1", "speaker": {"text": "The letter"}, "channel": "letter", "parent": "c0"}]}
    event = {"id": "e0", "type": "ASSAULT", "status": "alleged", "claim": "c1", "trigger": {"text": "targeted"}}
    assert claim_chain(doc, event, "SANA") == ["SANA", "the ministry", "The letter", "alleged targeted"]
    doc["claims"][1]["chain"] = ["Foreign Ministry", "letter"]
    assert claim_chain(doc, event, "SANA") == ["SANA", "Foreign Ministry", "letter", "alleged targeted"]
    doc["claims"][1]["chain"] = ["SANA", "letter"]  # the outlet is not repeated
    assert claim_chain(doc, event, "SANA") == ["SANA", "letter", "alleged targeted"]
    assert claim_chain(doc, {**event, "claim": None, "status": "reported"}, "SOHR") == ["SOHR", "reported targeted"]


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


# ---------------------------------------------------------------- strict API (issue 15)

@pytest.mark.parametrize("url, words", [
    ("/api/events?since=2024-02-30", "not a real date"),
    ("/api/incidents?until=2024-13-45", "not a real date"),
    ("/api/articles?since=2024-02-30", "not a real date"),
    ("/api/events?offset=9223372036854775808", "offset"),
    ("/api/incidents?offset=9223372036854775807", "offset"),
    ("/api/articles?offset=99999999999999999999", "offset"),
    ("/api/export/incidents.csv?limit=99999999999999999999", "limit"),
    ("/api/events?type=BOMBING", "type"),
    ("/api/events?status=rumoured", "status"),
    ("/api/incidents?grade=confirmed,great", "unknown grade"),
    ("/api/incidents?affiliation=tabloid", "affiliation"),
    ("/api/incidents?sort=colour", "sort"),
    ("/api/incidents?colour=red", "colour"),
    ("/api/events?countrycode=SYR", "countrycode"),
    ("/api/facets?x=1", "unknown parameter"),
    ("/api/articles/web-xss?full=1", "unknown parameter"),
    ("/api/events?q=" + "x" * 201, "q"),
])
def test_bad_parameters_are_422_problems(client, url, words):
    r = client.get(url)
    assert r.status_code == 422, (url, r.text)
    assert r.headers["content-type"] == PROBLEM
    assert words in r.json()["detail"], r.json()["detail"]
    assert client.get("/api/incidents", params={"limit": 1}).status_code == 200  # the connection goes on


def test_host_allowlist_refuses_rebinding(db):
    from eventwire.api import create_app
    from eventwire.settings import load_settings

    client = TestClient(_app(db), base_url="http://127.0.0.1:8000")
    assert client.get("/api/incidents").status_code == 200
    evil = client.post("/api/articles", json={"text": "x"}, headers={"Host": "evil.example"})
    assert evil.status_code == 400 and evil.headers["content-type"] == PROBLEM
    assert "evil.example" in evil.json()["detail"] and "allowed_hosts" in evil.json()["detail"]
    assert client.get("/api/incidents", headers={"Host": "evil.example:8000"}).status_code == 400
    assert client.get("/", headers={"Host": "localhost:8000"}).status_code == 200
    assert client.get("/api/facets", headers={"Host": "[::1]:8000"}).status_code == 200
    settings = load_settings({"db": db})
    settings.allowed_hosts = "events.example.org"
    named = TestClient(create_app(settings), base_url="http://events.example.org")
    assert named.get("/api/facets").status_code == 200
    assert named.get("/api/facets", headers={"Host": "127.0.0.1"}).status_code == 400


def test_free_text_fields_are_bounded(db, tmp_path):
    path = tmp_path / "c.db"
    copy_db(db, path)
    client = TestClient(_app(str(path)), base_url="http://127.0.0.1")
    iid = client.get("/api/incidents", params={"limit": 1}).json()["items"][0]["id"]
    long_note = client.post(f"/api/incidents/{iid}/grade", json={"grade": "weak", "note": "n" * 2001})
    assert long_note.status_code == 422 and "note" in long_note.json()["detail"]
    long_by = client.post(f"/api/incidents/{iid}/grade", json={"grade": "weak", "by": "b" * 101})
    assert long_by.status_code == 422
    extra = client.post(f"/api/incidents/{iid}/grade", json={"grade": "weak", "colour": "red"})
    assert extra.status_code == 422 and "colour" in extra.json()["detail"]
    ok = client.post(f"/api/incidents/{iid}/grade", json={"grade": "weak", "note": "n" * 2000, "by": "ana"})
    assert ok.status_code == 200 and ok.json()["by"] == "ana"


def test_too_long_text_gets_a_clear_message(db, monkeypatch):
    """Whatever the analysis raises for a text over spaCy's limit, the client reads why and what to do."""
    from eventwire.api import ingest as api_ingest
    from eventwire.api.routers import ingest as ingest_router

    client = TestClient(_app(db), base_url="http://127.0.0.1")

    def raw_spacy_error(*args, **kwargs):
        raise ValueError("[E088] Text of length 1200000 exceeds maximum of 1000000. The parser and NER models "
                         "require roughly 1GB of temporary memory per 100,000 characters in the input.")

    monkeypatch.setattr(api_ingest, "ingest", raw_spacy_error)
    r = client.post("/api/articles", json={"text": "word " * 10})
    assert r.status_code == 413 and r.headers["content-type"] == PROBLEM
    detail = r.json()["detail"]
    assert "1,200,000 characters" in detail and "Split it" in detail and "E088" not in detail
    assert "E088" not in ingest_router.explain_error("[E088] Text of length 5 exceeds maximum of 1")
    monkeypatch.setattr(api_ingest, "ingest", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    r = client.post("/api/articles", json={"text": "word"})
    assert r.status_code == 500 and "analysis failed (RuntimeError: boom)" in r.json()["detail"]


def test_every_status_is_documented(client):
    spec = client.get("/openapi.json").json()
    assert "Problem" in spec["components"]["schemas"]
    for path, item in spec["paths"].items():
        for method, op in item.items():
            codes = set(op["responses"])
            assert {"400", "422", "500"} <= codes, (method, path, codes)
            if method in ("post", "delete"):
                assert {"401", "403", "413"} <= codes, (method, path)
            assert op["responses"]["422"]["content"] == {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    params = {p["name"]: p for p in spec["paths"]["/api/events"]["get"]["parameters"]}
    assert "ASSAULT" in params["type"]["schema"]["anyOf"][0]["enum"]
    assert params["offset"]["schema"]["maximum"] == 1_000_000_000
    inc = {p["name"] for p in spec["paths"]["/api/incidents"]["get"]["parameters"]}
    exp = {p["name"] for p in spec["paths"]["/api/export/incidents.{fmt}"]["get"]["parameters"]}
    assert {"country", "province", "outlet", "q", "actor", "affiliation", "grade", "since", "until"} <= inc
    assert inc - {"brief", "offset"} <= exp | {"limit"}  # the exports take the same filters


def test_incident_filters_counts_and_sorting(client):
    every = client.get("/api/incidents", params={"limit": 1000}).json()
    assert every["total"] == len(every["items"]) >= 6
    syr = client.get("/api/incidents", params={"country": "syr", "limit": 1000}).json()
    in_syria = [i for i in every["items"] if (i.get("place") or {}).get("country") == "SYR"]
    assert 0 < syr["total"] == len(in_syria) and all(i["place"]["country"] == "SYR" for i in syr["items"])
    assert client.get("/api/incidents", params={"country": "nor"}).json()["total"] == 0
    idlib = client.get("/api/incidents", params={"province": "Idlib"}).json()["items"]
    assert idlib and all(i["place"]["admin1"] == "Idlib" for i in idlib)
    sana = client.get("/api/incidents", params={"outlet": "sana", "limit": 1000}).json()["items"]
    assert sana and all(any(r["outlet"] == "sana" for r in i["reports"]) for i in sana)
    text = client.get("/api/incidents", params={"q": "Bukamal", "limit": 1000}).json()
    assert 0 < text["total"] < every["total"]
    by_reports = client.get("/api/incidents", params={"sort": "reports", "brief": "true", "limit": 1000}).json()["items"]
    counts = [i["n_reports"] for i in by_reports]
    assert counts == sorted(counts, reverse=True)
    asc = client.get("/api/incidents", params={"sort": "date", "order": "asc", "brief": "true"}).json()["items"]
    dates = [i["date"] for i in asc if i["date"]]
    assert dates == sorted(dates)
    one = client.get("/api/incidents", params={"limit": 1, "offset": 1}).json()
    assert one["total"] == every["total"] and one["items"][0]["id"] == every["items"][1]["id"]
    assert every["total_exact"] is True and one["total_exact"] is True
    csv_rows = list(csv.DictReader(io.StringIO(client.get("/api/export/incidents.csv", params={"country": "SYR"}).text)))
    assert len(csv_rows) == syr["total"]
    ev_text = client.get("/api/events", params={"q": "Bukamal", "limit": 1000}).json()["items"]
    assert ev_text and len(ev_text) < len(client.get("/api/events", params={"limit": 1000}).json()["items"])


def test_outlets_actors_and_deleting_an_article(db, tmp_path):
    path = tmp_path / "d.db"
    copy_db(db, path)
    client = TestClient(_app(str(path)), base_url="http://127.0.0.1")
    outlets = client.get("/api/outlets").json()
    sohr = next(o for o in outlets["items"] if o["id"] == "sohr")
    assert sohr["articles"] >= 1 and sohr["events"] >= 1 and outlets["total"] >= 4
    actors = client.get("/api/actors", params={"q": "coalition"}).json()
    assert actors["items"][0]["entity"] == "us_led_coalition" and actors["items"][0]["mentions"] >= 2
    for url in ("/outlets", "/actors", "/corrections", "/incidents"):
        assert client.get(url).status_code == 200
    before = {i["id"]: i for i in client.get("/api/incidents", params={"limit": 1000}).json()["items"]}
    fed = [i for i in before.values() if any(r["article"] == "web-sohr-bukamal" for r in i["reports"])]
    assert fed and any(len(i["reports"]) > 1 for i in fed)
    r = client.delete("/api/articles/web-sohr-bukamal")
    assert r.status_code == 200 and r.json()["deleted"] == "web-sohr-bukamal"
    assert client.get("/api/articles/web-sohr-bukamal").status_code == 404
    after = client.get("/api/incidents", params={"limit": 1000}).json()["items"]
    assert not any(r["article"] == "web-sohr-bukamal" for i in after for r in i["reports"])
    kept = next(i for i in fed if len(i["reports"]) > 1)
    others = {(r["article"], r["event"]) for r in kept["reports"] if r["article"] != "web-sohr-bukamal"}
    assert any(others <= {(r["article"], r["event"]) for r in i["reports"]} for i in after)  # re-linked
    assert client.delete("/api/articles/web-sohr-bukamal").status_code == 404
    assert client.get("/api/events", params={"q": "Observatory", "article": "web-sohr-bukamal"}).json()["items"] == []


def test_undo_and_author_over_http(db, tmp_path):
    path = tmp_path / "u.db"
    copy_db(db, path)
    client = TestClient(_app(str(path)), base_url="http://127.0.0.1")
    iid = client.get("/api/incidents", params={"grade": "weak", "limit": 1}).json()["items"][0]["id"]
    made = client.post(f"/api/incidents/{iid}/grade", json={"grade": "discounted", "note": "hoax"}).json()
    assert made["by"] == "local" and made["incident"]["grade"] == "discounted"
    hist = client.get("/api/corrections").json()
    assert hist["items"][0]["id"] == made["correction"] and hist["items"][0]["note"] == "hoax"
    undo = client.post(f"/api/corrections/{made['correction']}/undo", json={"by": "rev"})
    assert undo.status_code == 200 and undo.json()["by"] == "rev"
    assert client.get(f"/api/incidents/{iid}").json()["grade"] == "weak"
    again = client.post(f"/api/corrections/{made['correction']}/undo")
    assert again.status_code == 409 and again.headers["content-type"] == PROBLEM
    assert again.json()["title"] == "Conflict" and "undone already" in again.json()["detail"]
    assert client.post("/api/corrections/999999/undo").status_code == 404
    row = client.get("/api/corrections").json()["items"][0]
    assert row["undone_by"] == "rev" and row["undone_at"]
    # beyond loopback the author is the name of the token, whatever `by` says
    locked = TestClient(_app(str(path), require_token=True, token="alice:s1,bob:s2"), base_url="http://localhost")
    r = locked.post(f"/api/incidents/{iid}/grade", json={"grade": "fair", "by": "mallory"},
                    headers={"Authorization": "Bearer s2"})
    assert r.status_code == 200 and r.json()["by"] == "bob"
    assert locked.post(f"/api/incidents/{iid}/grade", json={"grade": "fair"},
                       headers={"Authorization": "Bearer s3"}).status_code == 401


def test_text_and_actor_filter_paths_agree(db, client, monkeypatch):
    """The three ways a text filter is read (few articles by key, a set of FTS5 rowids, a probe per event)
    give the same events, each from an article holding the words; the actor index gives what testing
    each event's actors gives."""
    from sqlalchemy import select

    from eventwire.store import open_store
    from eventwire.store import queries as Q
    from eventwire.store import schema as s
    from eventwire.store.queries import events as QE
    from eventwire.store.queries import incident_list as QI

    engine = open_store("sqlite:///" + db)
    with engine.connect() as conn:
        texts = {r[0]: f"{r[1] or ''} {r[2]}".lower()
                 for r in conn.execute(select(s.articles.c.id, s.articles.c.title, s.articles.c.text))}
        for words in ("Bukamal", "killed", "the", "coalition airstrike"):
            seen = []
            for few, many in ((10**9, 10**9), (0, 10**9), (0, 0)):
                monkeypatch.setattr(QE, "_few_articles", lambda conn, few=few: few)
                monkeypatch.setattr(QE, "_many_articles", lambda conn, many=many: many)
                seen.append({(e["article"], e["id"]) for e in Q.list_events(conn, Q.EventFilters(q=words, limit=1000))})
            assert seen[0] and seen[0] == seen[1] == seen[2], words
            assert all(all(w.lower() in texts[a] for w in words.split()) for a, _ in seen[0]), words
        for words in ("Bukamal", "killed", "the"):  # incidents: read from the word's side, or walked and tested
            seen = []
            for few in (10**9, 0):
                monkeypatch.setattr(QI, "_few_text_articles", lambda conn, few=few: few)
                f = Q.IncidentFilters(q=words)
                seen.append(([i["id"] for i in Q.list_incidents(conn, f, brief=True)], Q.count_incidents(conn, f),
                             Q.count_incidents(conn, f, cap=2)))
            assert seen[0][0] and seen[0] == seen[1], words
            assert seen[0][1] == len(seen[0][0]) and seen[0][2] == min(3, seen[0][1]), words
        for extra in ({"outlet": "sana"}, {"affiliation": "state"}, {"article": next(iter(texts))},
                      {"country": "SYR", "grade": "weak,fair"}):  # text with the filters that test reports too
            f = Q.IncidentFilters(q="killed", **extra)
            n = len(Q.list_incidents(conn, f, brief=True))
            assert Q.count_incidents(conn, f) == n and Q.count_incidents(conn, f, cap=1000) == n, extra
        indexed = {(e["article"], e["id"]) for e in Q.list_events(conn, Q.EventFilters(actor="us_led_coalition"))}
        monkeypatch.setattr(QE, "_has_actor_index", lambda conn: False)
        plain = {(e["article"], e["id"]) for e in Q.list_events(conn, Q.EventFilters(actor="us_led_coalition"))}
        assert indexed == plain and indexed
        # an actor read as a list of its articles with a word too common for one: both filters hold
        from sqlalchemy import func, or_

        a = s.actors.c
        mentions = conn.execute(select(func.count()).where(or_(a.entity == "us_led_coalition",
                                                                  a.name == "us_led_coalition"))).scalar()
        word = "civilians"  # in some of the coalition's articles, and in more articles than `few`
        n_word = sum(word in t for t in texts.values())
        few = max(1, -(-mentions // 5))
        assert few < n_word, (few, n_word)
        monkeypatch.setattr(QE, "_few_articles", lambda conn: few)
        monkeypatch.setattr(QE, "_many_articles", lambda conn: 10**9)
        both = Q.list_events(conn, Q.EventFilters(actor="us_led_coalition", q=word, limit=1000))
        assert both and {(e["article"], e["id"]) for e in both} < plain
        assert all(word in texts[e["article"]] for e in both)


def test_event_statements_reused_with_new_values_give_what_fresh_ones_give(db):
    """A page statement is built once per shape and rerun with new values: every filter set, run
    after others of its shape, returns what a statement built for it alone returns."""
    from sqlalchemy import select

    from eventwire.store import open_store
    from eventwire.store import queries as Q
    from eventwire.store import schema as s
    from eventwire.store.queries import events as QE

    engine = open_store("sqlite:///" + db)
    with engine.connect() as conn:
        e = s.events.c
        countries = [c for (c,) in conn.execute(select(e.country).where(e.country.is_not(None)).distinct())]
        dates = sorted(d for (d,) in conn.execute(select(e.date).where(e.date.is_not(None)).distinct()))
        sets = [{"country": c} for c in countries] + [{"country": c, "limit": 2, "offset": k}
                                                      for c in countries[:2] for k in (0, 1, 3)]
        sets += [{"type": t, "status": st} for t in ("ASSAULT", "COERCE") for st in ("alleged", "reported")]
        sets += [{"since": a, "until": b} for a, b in zip(dates[::7], dates[3::7], strict=False)]
        sets += [{"until": ""}, {"until": dates[2]}]
        sets += [{"actor": x} for x in ("us_led_coalition", "Syrian Arab Army", "syria", "nobody")]
        sets += [{"q": w} for w in ("Bukamal", "killed", "the", "coalition airstrike", "Raqqa")]
        sets += [{"bbox": (35.0, 32.0, 42.0, 37.5)}, {"bbox": (40.0, 33.0, 41.0, 36.0)}]

        def run(f: dict) -> list:
            return [(r["article"], r["id"]) for r in Q.list_events(conn, Q.EventFilters(**f))]

        fresh = []
        for f in sets:
            QE._STATEMENTS.clear()
            fresh.append(run(f))
        assert sum(map(bool, fresh)) > len(sets) // 2
        QE._STATEMENTS.clear()
        for order in (list(range(len(sets))), list(reversed(range(len(sets))))):
            for i in order:
                assert run(sets[i]) == fresh[i], sets[i]
        assert len(QE._STATEMENTS) < len(sets) // 2  # shapes were shared, so statements were reused


def test_incident_total_is_counted_up_to_a_cap(client, monkeypatch):
    """Past the cap the table's total stops counting (bounded work per page) and says so."""
    from eventwire.store.queries import incident_list

    every = client.get("/api/incidents", params={"limit": 1000}).json()
    monkeypatch.setattr(incident_list, "TOTAL_CAP", 2)
    capped = client.get("/api/incidents", params={"limit": 1}).json()
    assert every["total"] > 2 and capped["total"] == 2 and capped["total_exact"] is False
    assert capped["next_offset"] == 1


def test_event_and_incident_queries_agree_on_postgresql(db, pg_url):  # noqa: F811 - the imported fixture
    """The same store on PostgreSQL (documents saved, incidents relinked) answers the events page (joined
    to places and articles), the incidents table and its capped totals as SQLite does."""
    from sqlalchemy import select, text

    from eventwire.store import engine_for, head_revision, open_store, repo, upgrade
    from eventwire.store import incidents as store
    from eventwire.store import queries as Q
    from eventwire.store import schema as s

    lite = open_store("sqlite:///" + db)
    pg = engine_for(pg_url)
    with pg.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    assert upgrade(pg) == head_revision()
    with lite.connect() as a, pg.begin() as b:
        for (aid,) in a.execute(select(s.articles.c.id)):
            repo.save_document(b, repo.get_document(a, aid))
    with pg.begin() as conn:
        store.relink(conn)
    with lite.connect() as a, pg.connect() as b:
        def key(rows: list[dict]) -> list:
            return sorted((r["article"], r["id"], r["date"], (r["place"] or {}).get("name"), r["outlet"]["id"],
                           tuple(x.get("entity") or x.get("name") or x["id"] for x in r["actors"])) for r in rows)

        for f in ({}, {"type": "ASSAULT"}, {"country": "SYR"}, {"actor": "us_led_coalition"}, {"q": "Bukamal"},
                  {"bbox": (35.0, 32.0, 42.0, 37.5), "since": "2018-01-01", "until": "2018-12-31"}, {"limit": 3}):
            lite_rows, pg_rows = Q.list_events(a, Q.EventFilters(**f)), Q.list_events(b, Q.EventFilters(**f))
            assert lite_rows and key(lite_rows) == key(pg_rows), f
            assert [r["date"] for r in pg_rows] == sorted((r["date"] for r in pg_rows), key=lambda d: d or "",
                                                          reverse=True), f
        for f in ({}, {"country": "SYR"}, {"q": "Bukamal"}, {"q": "killed", "outlet": "sana"}, {"grade": "weak"}):
            ff = Q.IncidentFilters(**f)
            ids = sorted(i["id"] for i in Q.list_incidents(b, ff, brief=True))
            assert ids == sorted(i["id"] for i in Q.list_incidents(a, ff, brief=True)), f
            assert Q.incident_total(b, ff) == Q.incident_total(a, ff) == (len(ids), True), f
            assert Q.count_incidents(b, ff, cap=1) == min(2, len(ids)), f
            assert Q.incident_timeline(b, ff) == Q.incident_timeline(a, ff), f
        c = s.incidents.c  # the loose index scan is valid PostgreSQL and gives SELECT DISTINCT's values
        facets = Q.incident_facets(b)
        for key, col in (("types", c.type), ("countries", c.country)):
            assert facets[key] == [x for (x,) in b.execute(select(col).where(col.is_not(None)).distinct()
                                                           .order_by(col))], key
        assert set(facets["grades"]) == {g for (g,) in b.execute(select(c.grade).distinct())}
    pg.dispose()


def test_timeline_bins_follow_the_incident_filters(client):
    """GET /api/timeline: the incidents of /api/incidents (same filters) counted per bin, the unit an
    enum chosen from the range unless given, the bins contiguous; bad values are 422 problems."""
    from datetime import date, timedelta

    every = client.get("/api/incidents", params={"limit": 1000, "brief": "true"}).json()["items"]
    t = client.get("/api/timeline").json()
    dated = [i for i in every if i["date"]]
    assert t["n"] == len(dated) and sum(b["total"] for b in t["bins"]) + t["clipped_before"] + t["clipped_after"] == t["n"]
    assert t["unit"] in ("day", "week", "month", "year") and t["bins"][0]["start"] <= t["lo"] <= t["bins"][0]["end"]
    for a, b in zip(t["bins"], t["bins"][1:], strict=False):  # contiguous: each bin starts the day after the last
        assert date.fromisoformat(b["start"]) == date.fromisoformat(a["end"]) + timedelta(days=1)
    syr = client.get("/api/timeline", params={"country": "SYR", "grade": "weak,contested"}).json()
    want = client.get("/api/incidents", params={"country": "SYR", "grade": "weak,contested"}).json()["total"]
    assert 0 < syr["n"] <= want < t["n"]
    # a brushed range: only its incidents, in day bins (the range is short)
    lo, hi = t["max"][:8] + "01", t["max"]
    brushed = client.get("/api/timeline", params={"since": lo, "until": hi}).json()
    assert brushed["unit"] == "day" and all(lo <= b["start"] <= hi for b in brushed["bins"])
    assert client.get("/api/timeline", params={"unit": "year"}).json()["unit"] == "year"
    assert client.get("/api/timeline", params={"q": "zzzqqq"}).json() == {
        "unit": None, "bins": [], "n": 0, "lo": None, "hi": None, "min": None, "max": None,
        "clipped_before": 0, "clipped_after": 0}
    for bad in ({"unit": "fortnight"}, {"since": "2024-02-30"}, {"limit": "5"}, {"grade": "good"}):
        r = client.get("/api/timeline", params=bad)
        assert r.status_code == 422 and r.headers["content-type"] == PROBLEM, (bad, r.text)
    op = client.get("/openapi.json").json()["paths"]["/api/timeline"]["get"]
    unit = next(p for p in op["parameters"] if p["name"] == "unit")["schema"]
    assert {"enum": ["day", "week", "month", "year"], "type": "string"} in unit["anyOf"]
    assert {"200", "400", "422", "500"} <= set(op["responses"])


def test_article_page_tells_a_symmetric_act_as_between(tmp_path, shared, nlp):
    """A meeting (ConfliBERT dev sentence 0256, a real news sentence) lists both parties on both
    sides (`reciprocal`); the page says "between" them instead of "by X against X"."""
    item = next(json.loads(line) for line in (shared / "data" / "actors-conflibert-dev.jsonl").open(encoding="utf-8")
                if '"conflibert-cameo-train-0256"' in line)
    src = tmp_path / "meet.jsonl"
    src.write_text(json.dumps({"id": "meet", "text": item["text"], "published": "2018-07-11"}) + "\n", encoding="utf-8")
    db = str(tmp_path / "ew.db")
    res = CliRunner().invoke(cli, ["ingest", str(src), "--db", db], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    client = TestClient(_app(db), base_url="http://127.0.0.1")
    page = client.get("/articles/meet").text
    assert "between Benjamin Netanyahu, Vladimir Putin" in page and "against Benjamin Netanyahu" not in page
    (ev,) = client.get("/api/events").json()["items"]  # the API row says so too (events.reciprocal, 0012)
    assert ev["reciprocal"] is True and ev["type"] == "CONSULT"
