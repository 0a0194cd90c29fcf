"""Helpers shared by the store tests (SQLite and PostgreSQL)."""

from __future__ import annotations

from eventwire import records


def sample_document(text: str, article_id: str = "doc-1") -> records.Document:
    """A document with one item in every section, pointing into `text` (a storage fixture, not an answer)."""

    def span(word: str) -> dict:
        i = text.index(word)
        return {"text": word, "start": i, "end": i + len(word)}

    return records.Document(
        article=records.Article(id=article_id, text=text,
                                title="t", published="2018-06-16T13:44:00",
                                outlet=records.Outlet(id="sana", name="SANA", country="SYR",
                                                      affiliation="state")),
        places=[records.Place(id="p0", **span("Damascus"), geonameid=170654, lat=33.51, lon=36.29,
                              country="SYR", precision="city")],
        times=[records.Time(id="t0", **span("May 24"), date="2018-05-24", granularity="day")],
        actors=[records.Actor(id="a0", **span("Coalition"), country="USA", sector="MIL")],
        claims=[records.Claim(id="c0", kind="document", cue=records.Span(**span("said")),
                              content=records.Offsets(start=0, end=5))],
        events=[records.Event(id="e0", type="ASSAULT", mode="aerial", actors=["a0"], place="p0",
                              trigger=records.Span(**span("targeted")), sentence=records.Offsets(start=0, end=9),
                              status="alleged", claim="c0", killed=records.Range(min=40))],
        framing=[records.Framing(**span("atrocities"), technique="Loaded_Language")],
    )


def copy_db(src, dst) -> None:
    """Copy a SQLite store through SQLite's backup call: in WAL mode a plain file copy can miss
    recent writes (they may still be in the -wal file)."""
    import sqlite3

    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
