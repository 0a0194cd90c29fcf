"""Writing and reading documents: functions that take a SQLAlchemy Connection.

Core expressions with bound values only (no SQL built from strings). Writes are
idempotent: an article is keyed on its id (sha256 of the text unless given) and
an insert that meets an existing id does nothing, so re-ingesting the same
input changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from eventwire.store import schema as s


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


def save_document(conn: Connection, doc: Any, *, raw: str | None = None, source: str | None = None,
                  kind: str | None = None) -> bool:
    """Store one document (a `records.Document` or its dict); False if its id was already stored.

    The article row and its items go in together; an existing id is left as it
    is (the first analysis stays), so nothing is ever stored twice.
    """
    d = _doc_dict(doc)
    art = d["article"]
    outlet = art.get("outlet") or {}
    row = {
        "id": art["id"], "url": art.get("url"), "title": art.get("title"),
        "published": art.get("published"), "outlet_id": outlet.get("id"),
        "outlet_name": outlet.get("name"), "outlet_country": outlet.get("country"),
        "outlet_affiliation": outlet.get("affiliation"), "language": art.get("language"),
        "dateline_place": art.get("dateline_place"), "source": source, "kind": kind,
        "text": art["text"], "raw": raw, "document": d, "created_at": s._now(),
    }
    if not _insert_ignore(conn, s.articles, [row], ["id"]):
        return False
    for section, rows in _child_rows(art["id"], d).items():
        if rows:
            conn.execute(insert(s.SECTIONS[section]), rows)
    return True


def error_key(source: str | None, item_id: str | None, code: str | None, message: str) -> str:
    h = hashlib.sha256()
    for part in (source, item_id, code, message):
        h.update((part or "").encode("utf-8") + b"\x1f")
    return h.hexdigest()


def save_error(conn: Connection, err: Any) -> bool:
    """Store one `eventwire/error/1` record (or its dict); False if the same failure is stored."""
    d = _doc_dict(err)
    message = d.get("error") or ""
    code = d.get("code") or "input"
    row = {"key": error_key(d.get("source"), d.get("id"), code, message), "source": d.get("source"),
           "item_id": d.get("id"), "code": code, "message": message, "at": s._now()}
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
