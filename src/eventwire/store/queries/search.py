"""The derived search structures of a SQLite store and the free-text conditions built on them.

An FTS5 index of article titles and texts and an index of event actors, each kept in step by
triggers; the text conditions read FTS5 where it exists and fall back to ILIKE elsewhere. How a
text filter is read (by key, by rowid set, by probe) is chosen from counts made here."""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    or_,
    select,
)

from eventwire.store import schema as s

# ---------------------------------------------------------------- free text

TEXT_INDEX = "articles_fts"


def ensure_text_index(engine: Any) -> bool:
    """On SQLite, an FTS5 index of article titles and texts kept in step by triggers; True when present.

    Created here rather than in a migration because Alembic cannot describe a virtual table (the
    migration test compares every table with `schema.metadata`); it is derived data, rebuilt from
    `articles` when first made. Other backends search with ILIKE.
    """
    if engine.dialect.name != "sqlite":
        return False
    from sqlalchemy import text

    with engine.begin() as conn:
        have = conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = :n"), {"n": TEXT_INDEX}).first()
        if have:
            return True
        try:
            conn.execute(text(f"CREATE VIRTUAL TABLE {TEXT_INDEX} USING fts5(title, text, content='articles', "
                              "content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')"))
        except Exception:  # noqa: BLE001 - SQLite without FTS5: fall back to LIKE
            return False
        conn.execute(text(f"CREATE TRIGGER {TEXT_INDEX}_ai AFTER INSERT ON articles BEGIN INSERT INTO "
                          f"{TEXT_INDEX}(rowid, title, text) VALUES (new.rowid, new.title, new.text); END"))
        conn.execute(text(f"CREATE TRIGGER {TEXT_INDEX}_ad AFTER DELETE ON articles BEGIN INSERT INTO "
                          f"{TEXT_INDEX}({TEXT_INDEX}, rowid, title, text) VALUES ('delete', old.rowid, old.title, "
                          "old.text); END"))
        conn.execute(text(f"CREATE TRIGGER {TEXT_INDEX}_au AFTER UPDATE ON articles BEGIN INSERT INTO "
                          f"{TEXT_INDEX}({TEXT_INDEX}, rowid, title, text) VALUES ('delete', old.rowid, old.title, "
                          f"old.text); INSERT INTO {TEXT_INDEX}(rowid, title, text) VALUES (new.rowid, new.title, "
                          "new.text); END"))
        conn.execute(text(f"INSERT INTO {TEXT_INDEX}({TEXT_INDEX}) VALUES ('rebuild')"))
    return True


ACTOR_INDEX = "event_actors"


def _actor_keys_sql(new: bool) -> str:
    """SELECT of an event's actor keys (entity id and name of each actor and recipient) with its date:
    of the row `new` (in a trigger) or of every event."""
    e, src = ("new", "") if new else ("e", "events e, ")
    parts = [f"SELECT {e}.article_id, {e}.id, a.{key}, {e}.date FROM {src}json_each({e}.{role}) j JOIN actors a "
             f"ON a.article_id = {e}.article_id AND a.id = j.value WHERE a.{key} IS NOT NULL"
             for role in ("actors", "recipients") for key in ("entity", "name")]
    return " UNION ALL ".join(parts)


def ensure_actor_index(engine: Any) -> bool:
    """On SQLite, `event_actors`: one row per (event, actor entity or name) with the event's date,
    indexed by (key, date) and kept in step by triggers on `events`, so the actor filter reads the
    newest events of an actor directly. Derived data like the text index (built from `events` and
    `actors` when first made); other backends test each event's actors."""
    if engine.dialect.name != "sqlite":
        return False
    from sqlalchemy import text

    with engine.begin() as conn:
        if conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = :n"), {"n": ACTOR_INDEX}).first():
            return True
        conn.execute(text(f"CREATE TABLE {ACTOR_INDEX} (article_id TEXT NOT NULL, event_id TEXT NOT NULL, "
                          "key TEXT NOT NULL, date TEXT, PRIMARY KEY (article_id, event_id, key))"))
        conn.execute(text(f"CREATE INDEX ix_{ACTOR_INDEX}_key_date ON {ACTOR_INDEX} (key, date)"))
        conn.execute(text(f"CREATE TRIGGER {ACTOR_INDEX}_ai AFTER INSERT ON events BEGIN INSERT OR IGNORE INTO "
                          f"{ACTOR_INDEX} {_actor_keys_sql(True)}; END"))
        conn.execute(text(f"CREATE TRIGGER {ACTOR_INDEX}_ad AFTER DELETE ON events BEGIN DELETE FROM {ACTOR_INDEX} "
                          "WHERE article_id = old.article_id AND event_id = old.id; END"))
        conn.execute(text(f"INSERT OR IGNORE INTO {ACTOR_INDEX} {_actor_keys_sql(False)}"))
    return True


def ensure_search_indexes(engine: Any) -> None:
    """The derived search structures of a SQLite store (text index, actor index); none elsewhere."""
    ensure_text_index(engine)
    ensure_actor_index(engine)


_PRESENT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # engine -> derived structures seen in it


def _sqlite_has(conn: Connection, name: str) -> bool:
    """Whether a SQLite store has the derived table `name`. Once seen it is remembered for the engine
    (they are created, never dropped): a text request asked sqlite_master five times."""
    if conn.dialect.name != "sqlite":
        return False
    seen = _PRESENT.setdefault(conn.engine, set())
    if name in seen:
        return True
    from sqlalchemy import text

    if conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = :n"), {"n": name}).first() is None:
        return False
    seen.add(name)
    return True


def _has_actor_index(conn: Connection) -> bool:
    return _sqlite_has(conn, ACTOR_INDEX)


def fts_query(words: str) -> str | None:
    """User text as an FTS5 query: every word must occur (each quoted, so no operator is read)."""
    import re

    toks = re.findall(r"\w+", words or "")
    return " ".join(f'"{t}"' for t in toks[:20]) or None


def _has_fts(conn: Connection) -> bool:
    return _sqlite_has(conn, TEXT_INDEX)


def _text_articles(conn: Connection | None, words: str):
    """A subquery of the ids of the articles whose title or text holds every word of `words`
    (FTS5 on SQLite when the index exists, else ILIKE per word)."""
    from sqlalchemy import column, literal_column, table

    a = s.articles.c
    match = fts_query(words)
    if conn is not None and match and _has_fts(conn):
        fts = table(TEXT_INDEX, column("rowid"))
        rowids = select(fts.c.rowid).where(literal_column(TEXT_INDEX).op("MATCH")(match))
        return select(a.id).where(literal_column("articles.rowid").in_(rowids))
    cond = [or_(a.title.icontains(w, autoescape=True), a.text.icontains(w, autoescape=True))
            for w in (words.split() or [words])]
    return select(a.id).where(and_(*cond))


def _many_articles(conn: Connection) -> int:
    """Above this many matching articles, testing each event met (an FTS5 lookup) is cheaper than
    materialising the matching rowids: measured break-even near the square root of 2000 x the events
    stored (45,000 at a million)."""
    import math

    return max(1000, int(math.sqrt(2000 * _events_stored(conn))))


def _text_rowids(conn: Connection, words: str):
    """A condition on each event: its article's rowid is among those FTS5 matches (the set of integers
    read once from the index's doclists, with no lookup of article rows)."""
    from sqlalchemy import text

    match = fts_query(words)
    if match and _has_fts(conn):
        return text(f"(SELECT articles.rowid FROM articles WHERE articles.id = events.article_id) IN "
                    f"(SELECT rowid FROM {TEXT_INDEX} WHERE {TEXT_INDEX} MATCH :fts_r)").bindparams(fts_r=match)
    return s.events.c.article_id.concat("").in_(_text_articles(conn, words))


def _text_probe(conn: Connection, words: str):
    """A condition on each event: its article holds every word. For a common word, testing the events
    met newest first (an FTS5 lookup of one rowid each) beats materialising every matching article."""
    from sqlalchemy import text

    match = fts_query(words)
    if match and _has_fts(conn):
        return text(f"EXISTS (SELECT 1 FROM {TEXT_INDEX} WHERE {TEXT_INDEX} MATCH :fts_m AND {TEXT_INDEX}.rowid = "
                    "(SELECT articles.rowid FROM articles WHERE articles.id = events.article_id))"
                    ).bindparams(fts_m=match)
    return s.events.c.article_id.concat("").in_(_text_articles(conn, words))


def count_text_articles(conn: Connection, words: str, cap: int | None = None) -> int:
    """How many articles hold every word (decides how a text query is read; see `list_events`); with
    `cap`, at most cap + 1 (the doclist read only that far: a common word is in most articles)."""
    from sqlalchemy import func, text

    match = fts_query(words)
    limit = "" if cap is None else f" LIMIT {int(cap) + 1}"
    if match and _has_fts(conn):
        return int(conn.execute(text(f"SELECT count(*) FROM (SELECT 1 FROM {TEXT_INDEX} WHERE {TEXT_INDEX} "
                                     f"MATCH :m{limit})"), {"m": match}).scalar_one())
    q = _text_articles(conn, words)
    if cap is not None:
        q = q.limit(cap + 1)
    return int(conn.execute(select(func.count()).select_from(q.subquery())).scalar_one())


SAMPLE_SHARE = 8  # estimate_text_articles counts the matches among the newest 1/8 of article rowids


def estimate_text_articles(conn: Connection, words: str, cap: int) -> int:
    """About how many articles hold every word, at most about cap + 1: the matches among the newest
    1/SAMPLE_SHARE of article rowids, times SAMPLE_SHARE (FTS5 seeks the rowid range, so a common
    word costs a tenth of counting its whole doclist: 0.3 ms instead of 3-6 ms at 100,000 articles).
    It only chooses how a text filter is read, never what it finds. Exact where there is no FTS5."""
    from sqlalchemy import func, literal_column, text

    match = fts_query(words)
    if not (match and _has_fts(conn)):
        return count_text_articles(conn, words, cap=cap)
    hi = int(conn.execute(select(func.max(literal_column("rowid"))).select_from(s.articles)).scalar() or 0)
    n = conn.execute(text(f"SELECT count(*) FROM (SELECT 1 FROM {TEXT_INDEX} WHERE {TEXT_INDEX} MATCH :m AND "
                          f"rowid > :lo LIMIT {int(cap) // SAMPLE_SHARE + 1})"),
                     {"m": match, "lo": hi - hi // SAMPLE_SHARE}).scalar_one()
    return int(n) * SAMPLE_SHARE


def _events_stored(conn: Connection) -> int:
    """About how many events are stored (SQLite: the largest rowid, one seek; else a round million)."""
    from sqlalchemy import func, literal_column

    if conn.dialect.name != "sqlite":
        return 1_000_000
    return int(conn.execute(select(func.max(literal_column("rowid"))).select_from(s.events)).scalar() or 0)
