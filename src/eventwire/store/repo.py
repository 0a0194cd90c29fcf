"""Writing and reading documents: functions that take a SQLAlchemy Connection.

Core expressions with bound values only (no SQL built from strings). Writes are
idempotent: an article's identity is the fingerprint of its normalised text
(`ingest.article.fingerprint`), so the same article from a .txt file, a CRLF
copy, an HTML page, a feed entry or a JSON line is stored once. A known id that
comes back with new text becomes the article's next version (the previous one
is kept in `article_versions`). Every value is checked against its column
before it is written, so SQLite and PostgreSQL accept and refuse the same
inputs; `write` retries a transaction the database was too busy for.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, Engine, String, Table, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError

from eventwire.ingest.article import bad_character, fingerprint
from eventwire.store import schema as s

if TYPE_CHECKING:
    from eventwire.store.dedup import CopyIndex

T = TypeVar("T")
MAX_BUSY_WAIT_S = 600.0  # a write keeps retrying this long before its item is reported as failed
PG_LINK_LOCK = 0x65776C6B  # pg_advisory_xact_lock key of the link step ("ewlk")


class StoreRefused(ValueError):
    """A value the store will not keep (too long for its column, or not valid text)."""

    code = "store_refused"


def _check_value(where: str, v: Any, length: int | None = None) -> None:
    if isinstance(v, str):
        bad = bad_character(v)
        if bad:
            raise StoreRefused(f"{where} contains {bad}; remove it and send the item again")
        if length is not None and len(v) > length:
            raise StoreRefused(f"{where} is {len(v):,} characters long; the store keeps at most {length}")
    elif isinstance(v, dict):
        for k, x in v.items():
            _check_value(where, k)
            _check_value(where, x)
    elif isinstance(v, list | tuple):
        for x in v:
            _check_value(where, x)


def check_row(table: Table, row: dict) -> None:
    """Refuse a row whose strings hold NUL or lone surrogates, or overflow their columns."""
    for col in table.c:
        if col.name not in row:
            continue
        length = col.type.length if isinstance(col.type, String) else None
        name = "id" if (table is s.articles and col.name == "id") else col.name
        _check_value(f"{name!r}" if table is s.articles else f"{table.name}.{col.name}", row[col.name], length)


def transient(exc: BaseException) -> bool:
    """Whether a database error means "try again": SQLite busy or locked, a PostgreSQL
    serialisation failure, deadlock or lock timeout, or a unique key another writer just took."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    if isinstance(exc, IntegrityError):
        return True
    orig = getattr(exc, "orig", None)
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state in ("40001", "40P01", "55P03"):
        return True
    msg = str(orig or exc).lower()
    return isinstance(exc, OperationalError) and ("locked" in msg or "busy" in msg)


def write(engine: Engine, fn: Callable[[Connection], T], *, max_wait: float = MAX_BUSY_WAIT_S,
          on_wait: Callable[[BaseException, float], None] | None = None) -> T:
    """Run `fn` in one write transaction, retried with backoff while the database is busy.

    On SQLite the transaction takes the write lock when it begins (`BEGIN
    IMMEDIATE`), so it waits at the start instead of failing half-way.
    """
    deadline = time.monotonic() + max_wait
    delay, integrity = 0.05, 0
    while True:
        try:
            with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn, conn.begin():
                return fn(conn)
        except DBAPIError as exc:
            from sqlalchemy.exc import IntegrityError

            if isinstance(exc, IntegrityError):
                integrity += 1  # a concurrent writer stored the same key: look again, a few times
            if not transient(exc) or integrity > 3 or time.monotonic() + delay > deadline:
                raise
            if on_wait is not None:
                on_wait(exc, delay)
            time.sleep(delay * (1 + random.random() / 2))
            delay = min(delay * 2, 2.0)


def lock_links(conn: Connection) -> None:
    """Inside a `write` transaction: wait until no other link step (of any thread or process) is
    running, and keep them out until this transaction ends.

    Linking reads the stored reports and incidents and replaces some of them, so two link steps at
    once (an upload's incremental link, a correction's relink, a delete) would each build incidents
    from what the other is rewriting. On SQLite, `write`'s `BEGIN IMMEDIATE` already holds the
    database's only write lock from the first statement; PostgreSQL lets writers run side by side,
    so it takes a transaction-level advisory lock (released at commit or rollback).
    """
    if conn.dialect.name == "postgresql":
        from sqlalchemy import text

        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LINK_LOCK})


def _insert_ignore(conn: Connection, table: Table, rows: list[dict], key: list[str]) -> int:
    """Insert rows, skipping those whose key exists; the number of rows inserted."""
    if not rows:
        return 0
    dialect = conn.dialect.name
    if dialect == "sqlite":
        stmt = sqlite_insert(table).on_conflict_do_nothing(index_elements=key)
    elif dialect == "postgresql":
        stmt = pg_insert(table).on_conflict_do_nothing(index_elements=key)
    else:  # other backends: look first (one transaction; fine for a single writer)
        cols = [table.c[k] for k in key]
        fresh = []
        for r in rows:
            cond = [c == r[c.name] for c in cols]
            if conn.execute(select(func.count()).select_from(table).where(*cond)).scalar_one() == 0:
                fresh.append(r)
        if fresh:
            conn.execute(insert(table), fresh)
        return len(fresh)
    stmt = stmt.returning(table.c[key[0]])
    n = 0
    for r in rows:  # one statement per row: RETURNING tells inserted from skipped on every driver
        n += conn.execute(stmt.values(**r)).first() is not None
    return n


def _doc_dict(doc: Any) -> dict:
    return doc.to_dict() if hasattr(doc, "to_dict") else dict(doc)


def _child_rows(article_id: str, d: dict) -> dict[str, list[dict]]:
    """Rows of the per-item tables from a document dict (contract field names as columns)."""
    out: dict[str, list[dict]] = {}
    places_by_id = {p["id"]: p for p in d.get("places") or []}
    for section, table in s.SECTIONS.items():
        cols = {c.name for c in table.c}
        rows = []
        for n, item in enumerate(d.get(section) or []):
            row = {k: v for k, v in item.items() if k in cols}
            row["article_id"] = article_id
            if section == "framing":
                row["n"] = n
            if section == "events":
                for rng in ("killed", "injured"):
                    r = item.get(rng) or {}
                    row[f"{rng}_min"], row[f"{rng}_max"] = r.get("min"), r.get("max")
                p = places_by_id.get(item.get("place") or "", {})
                row["lat"], row["lon"] = p.get("lat"), p.get("lon")
                row["country"] = p.get("country")
            rows.append(row)
        out[section] = rows
    return out


STORED, PRESENT, VERSION = "stored", "present", "new version"


def store_document(conn: Connection, doc: Any, *, raw: str | None = None, source: str | None = None,
                   kind: str | None = None, analysis_version: str | None = None,
                   copies: CopyIndex | None = None) -> str:
    """Store one document (a `records.Document` or its dict): STORED, PRESENT or VERSION.

    PRESENT: an article with the same fingerprint is stored (under any id); it
    is left as it is. VERSION: the id is stored with other text; the stored
    version moves to `article_versions` and this one takes its place. With a
    `CopyIndex`, a near-copy of a stored article gets `article.copy_of`.
    Raises `StoreRefused` for a value the store will not keep.
    """
    from eventwire.analysis.version import version as current_version
    from eventwire.store.dedup import copy_mark, signature, to_bytes

    d = _doc_dict(doc)
    art = d["article"]
    fp = fingerprint(art["text"])
    a = s.articles.c
    outlet = art.get("outlet") or {}
    row = {
        "id": art["id"], "url": art.get("url"), "title": art.get("title"),
        "published": art.get("published"), "outlet_id": outlet.get("id"),
        "outlet_name": outlet.get("name"), "outlet_country": outlet.get("country"),
        "outlet_affiliation": outlet.get("affiliation"), "language": art.get("language"),
        "dateline_place": art.get("dateline_place"), "source": source, "kind": kind,
        "text": art["text"], "raw": raw, "created_at": s._now(), "fingerprint": fp,
        "analysis_version": analysis_version or current_version(),
    }
    check_row(s.articles, row)
    _check_value("the document", d)
    if conn.execute(select(a.id).where(a.fingerprint == fp)).first() is not None:
        return PRESENT
    sig = signature(art["text"])
    row["minhash"] = to_bytes(sig) if sig is not None else None
    if copies is not None and sig is not None:
        found = copies.find(conn, sig, exclude=art["id"])
        if found is not None:
            row["copy_of"] = found[0]
            d["article"]["copy_of"] = copy_mark(conn, *found)
    row["document"] = d
    children = _child_rows(art["id"], d)
    for section, rows in children.items():
        for r in rows:
            check_row(s.SECTIONS[section], r)
    old = conn.execute(select(s.articles).where(a.id == art["id"])).mappings().first()
    if old is None:
        conn.execute(insert(s.articles).values(**row))
        outcome = STORED
    else:
        conn.execute(insert(s.article_versions).values(
            article_id=old["id"], version=old["version"], fingerprint=old["fingerprint"], text=old["text"],
            raw=old["raw"], source=old["source"], document=old["document"],
            analysis_version=old["analysis_version"], created_at=old["created_at"], replaced_at=s._now()))
        for t in s.SECTIONS.values():
            conn.execute(delete(t).where(t.c.article_id == old["id"]))
        row["version"] = old["version"] + 1
        conn.execute(update(s.articles).where(a.id == old["id"]).values(**row))
        outcome = VERSION
    for section, rows in children.items():
        if rows:
            conn.execute(insert(s.SECTIONS[section]), rows)
    if copies is not None and sig is not None:
        copies.add(art["id"], sig, row.get("copy_of"))
    return outcome


def save_document(conn: Connection, doc: Any, *, raw: str | None = None, source: str | None = None,
                  kind: str | None = None, analysis_version: str | None = None) -> bool:
    """Store one document; False if the same article (by fingerprint) is already stored."""
    return store_document(conn, doc, raw=raw, source=source, kind=kind,
                          analysis_version=analysis_version) != PRESENT


def store(engine: Engine, doc: Any, *, copies: CopyIndex | None = None, **kwargs: Any) -> str:
    """`store_document` in its own write transaction, retried while the database is busy."""
    try:
        return write(engine, lambda conn: store_document(conn, doc, copies=copies, **kwargs))
    except Exception:
        if copies is not None:
            copies.reset()  # it may hold an article whose transaction rolled back
        raise


def is_known(conn: Connection, text: str) -> bool:
    """Whether an article with this text (by fingerprint) is stored (checked before analysing)."""
    return conn.execute(select(s.articles.c.id).where(s.articles.c.fingerprint == fingerprint(text))).first() \
        is not None


def get_document_by_text(conn: Connection, text: str) -> dict | None:
    """The stored document of the article with this text (by fingerprint), or None."""
    q = select(s.articles.c.document).where(s.articles.c.fingerprint == fingerprint(text))
    r = conn.execute(q).first()
    return r[0] if r else None


def versions(conn: Connection, article_id: str) -> list[dict]:
    """Earlier versions of an article (oldest first): version, fingerprint, source and dates."""
    v = s.article_versions.c
    q = select(v.version, v.fingerprint, v.source, v.created_at, v.replaced_at).where(
        v.article_id == article_id).order_by(v.version)
    return [dict(r) for r in conn.execute(q).mappings()]


def error_key(source: str | None, item_id: str | None, code: str | None, message: str) -> str:
    h = hashlib.sha256()
    for part in (source, item_id, code, message):
        h.update((part or "").encode("utf-8") + b"\x1f")
    return h.hexdigest()


def storable(v: Any, limit: int | None = None) -> Any:
    """A string made safe to store in an error record: NUL and lone surrogates escaped, length capped."""
    if not isinstance(v, str):
        return v
    if bad_character(v):
        v = v.replace("\x00", "\\u0000").encode("utf-8", "backslashreplace").decode("utf-8")
    return v[:limit] if limit else v


def save_error(conn: Connection, err: Any) -> bool:
    """Store one `eventwire/error/1` record (or its dict); False if the same failure is stored."""
    d = _doc_dict(err)
    message = storable(d.get("error") or "")
    code = storable(d.get("code") or "input", 32)
    source, item_id = storable(d.get("source")), storable(d.get("id"))
    row = {"key": error_key(source, item_id, code, message), "source": source,
           "item_id": item_id, "code": code, "message": message, "at": s._now()}
    return bool(_insert_ignore(conn, s.ingest_errors, [row], ["key"]))


def has_article(conn: Connection, article_id: str) -> bool:
    """Whether an article id is stored (checked before analysing, to skip known inputs)."""
    q = select(s.articles.c.id).where(s.articles.c.id == article_id)
    return conn.execute(q).first() is not None


def get_document(conn: Connection, article_id: str) -> dict | None:
    """The stored `eventwire/document/1` record of an article, exactly as analysed; None if unknown."""
    q = select(s.articles.c.document).where(s.articles.c.id == article_id)
    r = conn.execute(q).first()
    return r[0] if r else None


def get_raw(conn: Connection, article_id: str) -> str | None:
    """The input as received for an article (HTML page, JSON line or text)."""
    r = conn.execute(select(s.articles.c.raw).where(s.articles.c.id == article_id)).first()
    return r[0] if r else None


def _count(table: Table):
    return (select(func.count()).select_from(table)
            .where(table.c.article_id == s.articles.c.id).scalar_subquery())


def list_articles(conn: Connection, *, limit: int | None = None, offset: int = 0,
                  outlet: str | None = None, since: str | None = None, until: str | None = None,
                  q: str | None = None) -> Iterator[dict]:
    """Stored articles (newest publication first) with their item counts."""
    a = s.articles
    cols = [a.c.id, a.c.published, a.c.outlet_id, a.c.outlet_name, a.c.outlet_country,
            a.c.outlet_affiliation, a.c.title, a.c.url, a.c.source, a.c.created_at]
    counts = [_count(t).label(name) for name, t in s.SECTIONS.items()]
    stmt = select(*cols, *counts)
    if outlet:
        stmt = stmt.where((a.c.outlet_id == outlet) | (a.c.outlet_name == outlet))
    if since:
        stmt = stmt.where(a.c.published >= since)
    if until:
        stmt = stmt.where(a.c.published <= until + "\uffff")
    if q:
        stmt = stmt.where(a.c.title.contains(q, autoescape=True) | a.c.text.contains(q, autoescape=True))
    stmt = stmt.order_by(a.c.published.desc().nulls_last(), a.c.id).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    for r in conn.execute(stmt).mappings():
        row = dict(r)
        if row.get("created_at") is not None:
            row["created_at"] = row["created_at"].isoformat()
        yield row


def resolve_id(conn: Connection, prefix: str, limit: int = 5) -> list[str]:
    """Stored article ids equal to, or starting with, `prefix` (at most `limit`)."""
    a = s.articles
    if has_article(conn, prefix):
        return [prefix]
    q = select(a.c.id).where(a.c.id.startswith(prefix, autoescape=True)).order_by(a.c.id).limit(limit)
    return [r[0] for r in conn.execute(q)]


def list_errors(conn: Connection, limit: int | None = None) -> list[dict]:
    """Stored ingest errors, latest first."""
    e = s.ingest_errors
    stmt = select(e.c.source, e.c.item_id, e.c.code, e.c.message, e.c.at).order_by(e.c.at.desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    return [dict(r) for r in conn.execute(stmt).mappings()]


def stats(conn: Connection) -> dict[str, int]:
    """Row counts of the articles, items and errors tables."""
    out = {"articles": conn.execute(select(func.count()).select_from(s.articles)).scalar_one()}
    for name, t in s.SECTIONS.items():
        out[name] = conn.execute(select(func.count()).select_from(t)).scalar_one()
    out["ingest_errors"] = conn.execute(select(func.count()).select_from(s.ingest_errors)).scalar_one()
    return out
