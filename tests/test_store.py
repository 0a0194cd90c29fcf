"""The SQLite store: migrations match the schema, writes are idempotent, reads give back what was written."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select

from eventwire import records
from eventwire.store import engine_for, head_revision, open_store, repo, upgrade
from eventwire.store import schema as s
from store_helpers import sample_document

TEXT = ("Damascus, SANA-The ministry said the Coalition targeted villages on May 24, "
        "atrocities that left scores dead.")


@pytest.fixture()
def engine(tmp_path: Path):
    return open_store("sqlite:///" + str(tmp_path / "t.db"))


def _shape(engine) -> dict:
    ins = inspect(engine)
    out = {}
    for t in ins.get_table_names():
        if t == "alembic_version":
            continue
        cols = {c["name"]: (str(c["type"]), c["nullable"]) for c in ins.get_columns(t)}
        out[t] = {
            "columns": cols,
            "pk": tuple(ins.get_pk_constraint(t)["constrained_columns"]),
            "fks": sorted((tuple(f["constrained_columns"]), f["referred_table"]) for f in ins.get_foreign_keys(t)),
            "indexes": sorted((i["name"], tuple(i["column_names"])) for i in ins.get_indexes(t)),
        }
    return out


def test_alembic_upgrade_matches_create_all(tmp_path: Path):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    migrated = engine_for("sqlite:///" + str(tmp_path / "migrated.db"))
    assert upgrade(migrated) == head_revision()
    created = create_engine("sqlite:///" + str(tmp_path / "created.db"))
    s.metadata.create_all(created)
    assert _shape(migrated) == _shape(created)
    with migrated.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), s.metadata)
    assert diff == [], f"schema.py and the migrations differ: {diff}"


def test_save_is_idempotent_and_round_trips(engine):
    doc = sample_document(TEXT)
    with engine.begin() as conn:
        assert repo.save_document(conn, doc, raw=TEXT, source="x.txt", kind="txt") is True
    with engine.begin() as conn:
        assert repo.save_document(conn, doc, raw=TEXT, source="x.txt", kind="txt") is False
        assert repo.stats(conn)["articles"] == 1
        for name in s.SECTIONS:
            assert repo.stats(conn)[name] == 1, name
        assert repo.get_document(conn, doc.article.id) == doc.to_dict()
        assert repo.get_raw(conn, doc.article.id) == TEXT
        assert records.Document.model_validate(repo.get_document(conn, doc.article.id)) == doc


def test_item_rows_use_contract_names(engine):
    doc = sample_document(TEXT)
    with engine.begin() as conn:
        repo.save_document(conn, doc)
        place = conn.execute(select(s.places)).mappings().one()
        assert (place["text"], place["geonameid"], place["country"]) == ("Damascus", 170654, "SYR")
        assert TEXT[place["start"]:place["end"]] == "Damascus"
        ev = conn.execute(select(s.events)).mappings().one()
        assert (ev["type"], ev["mode"], ev["status"], ev["place"], ev["killed_min"]) == (
            "ASSAULT", "aerial", "alleged", "p0", 40)
        assert (ev["lat"], ev["lon"]) == (33.51, 36.29)
        assert ev["actors"] == ["a0"]


def test_list_and_resolve(engine):
    a = sample_document(TEXT)
    b = sample_document(TEXT + " More.", "doc-2")
    b.article.published = "2019-01-01"
    with engine.begin() as conn:
        repo.save_document(conn, a)
        repo.save_document(conn, b)
        rows = list(repo.list_articles(conn))
        assert [r["id"] for r in rows] == ["doc-2", "doc-1"]  # newest first
        assert rows[1]["places"] == 1 and rows[1]["events"] == 1
        assert repo.resolve_id(conn, "doc-") == ["doc-1", "doc-2"]
        assert repo.resolve_id(conn, "doc-2") == ["doc-2"]
        assert repo.resolve_id(conn, "%") == []  # LIKE wildcards are escaped
        assert [r["id"] for r in repo.list_articles(conn, since="2019")] == ["doc-2"]


def test_errors_are_kept_once(engine):
    err = records.ErrorRecord(id="bad.txt", error="bad.txt: input is empty", code="empty", source="bad.txt")
    with engine.begin() as conn:
        assert repo.save_error(conn, err) is True
        assert repo.save_error(conn, err) is False
        assert conn.execute(select(func.count()).select_from(s.ingest_errors)).scalar_one() == 1
        (row,) = repo.list_errors(conn)
        assert row["code"] == "empty" and "empty" in row["message"]


def test_deleting_an_article_removes_its_items(engine):
    with engine.begin() as conn:
        repo.save_document(conn, sample_document(TEXT))
        conn.execute(s.articles.delete().where(s.articles.c.id == "doc-1"))
        assert conn.execute(select(func.count()).select_from(s.places)).scalar_one() == 0


def test_open_store_upgrades_once(tmp_path: Path):
    url = "sqlite:///" + str(tmp_path / "nested" / "dir" / "x.db")
    e1 = open_store(url)
    e2 = open_store(url)  # already at head: nothing to do
    with e2.connect() as conn:
        assert repo.stats(conn)["articles"] == 0
    assert Path(e1.url.database).is_file()


def _incident_row(iid: str, day: str | None, grade: str = "weak", country: str = "SYR") -> dict:
    return {"id": iid, "type": "ASSAULT", "date": day, "grade": grade, "country": country, "origins": 1,
            "n_reports": 1, "record": {"id": iid}, "linked_at": records_now()}


def records_now():
    from datetime import UTC, datetime

    return datetime(2026, 12, 5, tzinfo=UTC)


def test_timeline_counts_per_bin_and_clips_outlying_dates(engine):
    """The timeline counted in SQL: every dated match is in one bin or counted as clipped; an incident
    dated 1964 among two years of dates is clipped, not a 55-year axis; bins are contiguous."""
    from datetime import date, timedelta

    from eventwire.store import queries as Q
    from eventwire.store.incidents import incidents

    days = [date(2018, 1, 1) + timedelta(days=7 * k) for k in range(100)]  # 2018-01 .. 2019-11, weekly
    rows = [_incident_row(f"i{k}", d.isoformat(), "weak" if k % 3 else "fair") for k, d in enumerate(days)]
    rows += [_incident_row("old", "1964-06-01"), _incident_row("undated", None),
             _incident_row("dt", "2018-03-05T10:00:00", country="IRQ")]
    with engine.begin() as conn:
        conn.execute(incidents.insert(), rows)
    with engine.connect() as conn:
        t = Q.incident_timeline(conn)
        assert t["n"] == 102 and t["clipped_before"] == 1 and t["clipped_after"] == 0
        assert t["min"] == "1964-06-01" and t["lo"] == "2018-01-01" and t["hi"] == days[-1].isoformat()
        assert t["unit"] == "week" and sum(b["total"] for b in t["bins"]) == 101  # 693 days: weeks
        assert t["bins"][0]["start"] == "2018-01-01" and t["bins"][-1]["end"] == "2019-12-01"
        for a, b in zip(t["bins"], t["bins"][1:], strict=False):
            assert date.fromisoformat(a["end"]) + timedelta(days=1) == date.fromisoformat(b["start"])
        assert next(b for b in t["bins"] if b["start"] == "2018-03-05")["total"] == 2  # the Monday and the datetime
        months = Q.incident_timeline(conn, unit="month")
        assert next(b for b in months["bins"] if b["start"] == "2018-03-01")["total"] == 5  # four Mondays, datetime
        assert months["bins"][-1] == {"start": "2019-11-01", "end": "2019-11-30", "total": 4}
        fair = Q.incident_timeline(conn, Q.IncidentFilters(grade="fair"))
        assert fair["n"] == 34 and sum(b["total"] for b in fair["bins"]) == 34
        weeks = Q.incident_timeline(conn, Q.IncidentFilters(since="2018-01-01", until="2018-06-30"))
        assert weeks["unit"] == "week" and all(date.fromisoformat(b["start"]).weekday() == 0 for b in weeks["bins"])
        assert sum(b["total"] for b in weeks["bins"]) == weeks["n"] == 27  # 26 Mondays and the datetime
        one = Q.incident_timeline(conn, Q.IncidentFilters(country="IRQ"), unit="year")
        assert one["bins"] == [{"start": "2018-01-01", "end": "2018-12-31", "total": 1}]
        assert Q.incident_timeline(conn, Q.IncidentFilters(country="FRA"))["bins"] == []
        with pytest.raises(ValueError):
            Q.incident_timeline(conn, unit="fortnight")


def test_facets_read_distinct_values_from_indexes(engine):
    """`distinct_values` (one index seek per value) gives what SELECT DISTINCT gives."""
    from eventwire.store import queries as Q
    from eventwire.store.incidents import incidents

    with engine.begin() as conn:
        conn.execute(incidents.insert(), [_incident_row(f"i{k}", "2018-01-01", g, c) for k, (g, c) in
                                          enumerate([("weak", "SYR"), ("fair", "IRQ"), ("weak", None),
                                                     ("confirmed", "SYR"), ("weak", "AFG")])])
    with engine.connect() as conn:
        assert Q.distinct_values(conn, "incidents", "country") == ["AFG", "IRQ", "SYR"]
        facets = Q.incident_facets(conn)
        assert facets["grades"] == [g for g in Q.GRADES if g in {"weak", "fair", "confirmed"}]
        assert facets["types"] == ["ASSAULT"] and facets["countries"] == ["AFG", "IRQ", "SYR"]
        assert Q.distinct_values(conn, "articles", "outlet_affiliation") == []
