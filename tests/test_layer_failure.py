"""A layer that raises on an article makes that article an error record naming the layer.

Never an empty document: through `analyse`, `extract`, `ingest` and the API, and the
other articles of the batch go on.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

GOOD = "DAMASCUS (Reuters) - Shelling killed 2 people in Douma on Monday, state media said."
BAD = "ALEPPO (Reuters) - EXPLODE: an airstrike hit a market in Aleppo on Sunday, a monitor said."


@pytest.fixture
def raising_claims(monkeypatch, nlp):
    """The claims layer raises on any article that says EXPLODE (as a bug on odd input would)."""
    from eventwire.analysis.claims import ClaimsComponent

    real = ClaimsComponent.find

    def find(self, doc):
        if "EXPLODE" in doc.text:
            raise RuntimeError("boom in claims")
        return real(self, doc)

    monkeypatch.setattr(ClaimsComponent, "find", find)


def _jsonl(tmp_path) -> str:
    p = tmp_path / "two.jsonl"
    p.write_text("".join(json.dumps({"id": i, "text": t, "published": "2018-04-02"}) + "\n"
                         for i, t in (("bad-1", BAD), ("good-1", GOOD))), encoding="utf-8")
    return str(p)


def _check(records: list[dict]) -> None:
    bad, good = records
    assert bad["schema"] == "eventwire/error/1" and bad["code"] == "analysis"
    assert bad["layer"] == "eventwire_claims" and bad["id"] == "bad-1"
    assert "eventwire_claims" in bad["error"] and "boom in claims" in bad["error"]
    assert good["schema"] == "eventwire/document/1" and good["article"]["id"] == "good-1"
    assert good["events"], "the article after the failing one is analysed in full"


def test_analyse_names_the_layer(raising_claims, nlp):
    from eventwire.analysis import analyse, analyse_long, analyse_many
    from eventwire.errors import LayerFailed
    from eventwire.ingest.article import Article

    out = [r.to_dict() for r in analyse_many([Article(text=BAD, id="bad-1"), Article(text=GOOD, id="good-1")],
                                             "2018-04-02", nlp=nlp)]
    _check(out)
    with pytest.raises(LayerFailed) as err:
        analyse(BAD, nlp=nlp)
    assert err.value.layer == "eventwire_claims"
    long = analyse_long(nlp, Article(text=GOOD + "\n\n" + BAD, id="bad-1"), size=len(GOOD) + 10).to_dict()
    assert long["schema"] == "eventwire/error/1" and long["layer"] == "eventwire_claims"


def test_extract_prints_the_error_record(raising_claims, tmp_path):
    from eventwire.cli import cli

    r = CliRunner().invoke(cli, ["extract", "--format", "jsonl", _jsonl(tmp_path)])
    assert r.exit_code == 1
    _check([json.loads(line) for line in r.stdout.splitlines()])
    assert "eventwire_claims layer failed" in r.stderr


def test_ingest_stores_the_error_not_an_empty_document(raising_claims, tmp_path):
    from eventwire.cli import cli
    from eventwire.settings import load_settings
    from eventwire.store import open_store, repo

    db = str(tmp_path / "ew.db")
    r = CliRunner().invoke(cli, ["ingest", "--db", db, _jsonl(tmp_path)])
    assert r.exit_code == 1 and "failed           1" in r.stdout
    engine = open_store(load_settings({"db": db}).db)
    with engine.connect() as conn:
        assert [a["id"] for a in repo.list_articles(conn)] == ["good-1"]
        assert repo.stats(conn)["ingest_errors"] == 1


def test_api_returns_the_error_record(raising_claims, tmp_path):
    from eventwire.api import create_app
    from eventwire.settings import load_settings

    client = TestClient(create_app(load_settings({"db": str(tmp_path / "api.db")})), base_url="http://127.0.0.1")
    body = [{"id": "bad-1", "text": BAD, "published": "2018-04-02"},
            {"id": "good-1", "text": GOOD, "published": "2018-04-02"}]
    r = client.post("/api/articles", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["failed"] == 1 and r.json()["stored"] == 1
    _check(r.json()["items"])


@pytest.mark.parametrize("layer", ["events", "times", "actors", "places", "framing"])
def test_every_layer_is_named_when_its_call_raises(monkeypatch, nlp, layer):
    """The mechanism is central (spaCy's error handler), not per component."""
    from eventwire.analysis import analyse_many
    from eventwire.ingest.article import Article

    proc = nlp.get_pipe(f"eventwire_{layer}")

    def boom(self, doc):
        raise ValueError(f"{layer} broke")

    monkeypatch.setattr(type(proc), "__call__", boom)
    (out,) = analyse_many([Article(text=GOOD, id="x")], nlp=nlp)
    assert out.to_dict()["layer"] == f"eventwire_{layer}" and f"{layer} broke" in out.error


@pytest.mark.parametrize(("module", "cls", "method"), [("events", "EventsComponent", "find"),
                                                     ("actors", "ActorsComponent", "_run"),
                                                     ("times", "TimesComponent", "_process")])
def test_inner_method_raising_is_named(monkeypatch, nlp, module, cls, method):
    """A real failure inside a layer (not a replaced __call__) reaches the error record."""
    import importlib

    from eventwire.analysis import analyse_many
    from eventwire.ingest.article import Article

    klass = getattr(importlib.import_module(f"eventwire.analysis.{module}"), cls)
    monkeypatch.setattr(klass, method, lambda self, doc: (_ for _ in ()).throw(RuntimeError("inner")))
    (out,) = analyse_many([Article(text=GOOD, id="x")], nlp=nlp)
    assert out.to_dict()["layer"] == f"eventwire_{module}"
