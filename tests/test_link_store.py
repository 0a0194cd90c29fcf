"""`eventwire link` and `eventwire incidents ...` on a temporary SQLite file.

Documents are the hand-annotated reports of tests/data/linking, stored with
`store.repo.save_document` (what `eventwire ingest` stores), so these tests run
without the analysis pipeline.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventwire.cli import cli

DATA = Path(__file__).resolve().parent / "data" / "linking"


@pytest.fixture()
def db(tmp_path: Path) -> str:
    from eventwire.store import open_store, repo

    spec = importlib.util.spec_from_file_location("linking_annotations", DATA / "annotations.py")
    ann = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ann)
    path = tmp_path / "ew.db"
    engine = open_store(f"sqlite:///{path}")
    with engine.begin() as conn:
        for r in ann.load_rows("contested.jsonl"):
            repo.save_document(conn, ann.to_document(r))
    engine.dispose()
    return str(path)


def _run(*args: str) -> str:
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.stdout


def _incidents(db: str) -> list[dict]:
    return [json.loads(x) for x in _run("incidents", "--db", db, "--format", "jsonl").splitlines()]


def _of(incs: list[dict], article: str) -> dict:
    return next(i for i in incs if any(r["article"] == article for r in i["reports"]))


def test_link_and_list(db: str):
    _run("link", "--db", db)
    incs = _incidents(db)
    assert len(incs) == 3
    shafaa = _of(incs, "c01-sana")
    assert shafaa["grade"] == "contested" and shafaa["origins"] == 3 and len(shafaa["reports"]) == 7
    table = list(csv.DictReader(io.StringIO(_run("incidents", "list", "--db", db, "--format", "csv"))))
    assert {"event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2", "admin1",
            "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities"} <= set(table[0])
    gj = json.loads(_run("incidents", "--db", db, "--format", "geojson", "--grade", "contested"))
    assert [f["id"] for f in gj["features"]] == [shafaa["id"]]
    shown = json.loads(_run("incidents", "show", shafaa["id"][:10], "--db", db))
    assert shown["id"] == shafaa["id"]


def test_corrections_are_stored_and_survive_relink(db: str):
    _run("link", "--db", db)
    incs = _incidents(db)
    a, b = _of(incs, "c07-sohr-bukamal")["id"], _of(incs, "c09-sana-0616")["id"]
    big = _of(incs, "c01-sana")["id"]
    _run("incidents", "merge", a, b, "--db", db, "--by", "alice", "--note", "one raid")
    _run("incidents", "split", big, "--event", "c02-amaq:e0", "--db", db, "--by", "bob")
    _run("incidents", "grade", a, "discounted", "--db", db, "--by", "carol", "--note", "wrong village")
    _run("link", "--db", db)  # re-linking keeps all three
    incs = _incidents(db)
    merged = _of(incs, "c07-sohr-bukamal")
    assert merged["id"] == a and merged["grade"] == "discounted"
    assert {r["article"] for r in merged["reports"]} >= {"c09-sana-0616", "c10-sohr-0616"}
    assert len(_of(incs, "c02-amaq")["reports"]) == 1
    assert _of(incs, "c01-sana")["id"] == big
    listed = [json.loads(x) for x in _run("incidents", "corrections", "--db", db, "--format", "jsonl").splitlines()]
    assert [(c["action"], c["by"]) for c in listed] == [("merge", "alice"), ("split", "bob"), ("grade", "carol")]
    assert all(c["at"] for c in listed)


def test_bad_ids_are_clear_errors(db: str):
    _run("link", "--db", db)
    res = CliRunner().invoke(cli, ["incidents", "merge", "nope", "nada", "--db", db])
    assert res.exit_code != 0 and "no incident" in res.output


def test_group_db_option_reaches_subcommands(db: str):
    """`--db` given to the `incidents` group works for its subcommands too (and theirs wins)."""
    _run("link", "--db", db)
    incs = _incidents(db)
    a, b = _of(incs, "c07-sohr-bukamal")["id"], _of(incs, "c09-sana-0616")["id"]
    listed = [json.loads(x) for x in _run("incidents", "--db", db, "list", "--format", "jsonl").splitlines()]
    assert {i["id"] for i in listed} == {i["id"] for i in incs}
    assert json.loads(_run("incidents", "--db", db, "--format", "jsonl", "list").splitlines()[0])["id"]
    assert json.loads(_run("incidents", "--db", db, "show", a[:10]))["id"] == a
    _run("incidents", "--db", db, "merge", a, b, "--by", "dora")
    assert len(_incidents(db)) == 2
    rows = _run("incidents", "--db", db, "corrections", "--format", "jsonl").splitlines()
    assert [json.loads(x)["by"] for x in rows] == ["dora"]
    res = CliRunner().invoke(cli, ["incidents", "--db", db, "show", a[:10], "--db", db + ".missing"])
    assert res.exit_code != 0  # the subcommand's own --db wins: an empty store has no such incident


def test_contested_set_through_the_real_pipeline(tmp_path: Path, nlp):
    """The six-outlet report set analysed by eventwire itself (not hand-coded events), stored and linked
    with `eventwire link`: the al-Shafaa strike is one contested incident of three origins (state
    media with the wire and its syndicated copy, the armed group's agency, the monitor), and the
    near misses (al-Bukamal the same day 45 km away, al-Shafaa four days later) stay apart."""
    from eventwire.analysis import analyse_many
    from eventwire.ingest.article import Article
    from eventwire.link.reports import LINKABLE_STATUS
    from eventwire.store import open_store, repo

    spec = importlib.util.spec_from_file_location("linking_annotations", DATA / "annotations.py")
    ann = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ann)
    rows = ann.load_rows("contested.jsonl")
    arts = [Article(text=r["text"], id=r["id"], title=r.get("title"), outlet=r.get("outlet"),
                    published=r.get("published")) for r in rows]
    docs = list(analyse_many(arts, nlp=nlp))
    path = tmp_path / "pipeline.db"
    engine = open_store(f"sqlite:///{path}")
    with engine.begin() as conn:
        for d in docs:
            repo.save_document(conn, d)
    engine.dispose()
    _run("link", "--db", str(path))
    incs = _incidents(str(path))
    of_event = {(r["article"], r["event"]): i for i in incs for r in i["reports"]}

    def main(row: dict, doc: dict) -> dict | None:
        """The incident of the report's first linkable event of its labelled type."""
        want = row["events"][0]["t"]
        for ev in doc["events"]:
            if ev["type"] == want and ev["status"] in LINKABLE_STATUS and (row["id"], ev["id"]) in of_event:
                return of_event[(row["id"], ev["id"])]
        return None

    found = {r["id"]: main(r, d.to_dict()) for r, d in zip(rows, docs, strict=True)}
    assert all(found.values()), [k for k, v in found.items() if v is None]
    by_label: dict[str, set[str]] = {}
    for r in rows:
        by_label.setdefault(r["incident"], set()).add(found[r["id"]]["id"])
    assert all(len(ids) == 1 for ids in by_label.values()), by_label  # each incident's reports together
    assert len({next(iter(ids)) for ids in by_label.values()}) == 3      # and the three incidents apart
    shafaa = found["c01-sana"]
    assert shafaa["grade"] == "contested" and "denied" in shafaa["grade_reason"]
    assert shafaa["origins"] == 3
    assert shafaa["date"] == "2018-06-12" and shafaa["type"] == "ASSAULT"
    assert {"denied", "alleged"} <= {r["status"] for r in shafaa["reports"]}
    for label in ("bukamal-0612", "shafaa-0616"):
        inc = found[next(r["id"] for r in rows if r["incident"] == label)]
        assert inc["grade"] != "contested"
