"""`eventwire reanalyse`: analyse stored articles again when an older analysis made them.

Each article keeps the analysis version that produced it (`articles.analysis_version`).
The outdated ones are read back (their text and what the source said: id, title,
URL, publication date, outlet), analysed again in batches, and each batch replaces
its documents and items in one transaction, so a killed run leaves every article
either old or new, never half. Their events are then linked again (incrementally).
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, delete, or_, select, update

from eventwire.batch.writer import SECTIONS, Counts
from eventwire.store import schema as s
from eventwire.store.scale import linked_articles


def outdated_ids(conn: Connection, current: str, everything: bool = False) -> list[str]:
    """Ids of the articles another analysis version (or an unknown one) made."""
    a = s.articles.c
    q = select(a.id).order_by(a.id)
    if not everything:
        q = q.where(or_(a.analysis_version.is_(None), a.analysis_version != current))
    return [i for (i,) in conn.execute(q)]


def stored_articles(conn: Connection, ids: list[str]) -> Iterator:
    """Articles rebuilt from their stored rows, as the readers first gave them."""
    from eventwire.ingest import Article

    a = s.articles.c
    rows = conn.execute(select(a.id, a.text, a.title, a.url, a.language, a.kind, a.source, a.raw, a.document)
                        .where(a.id.in_(ids)).order_by(a.id))
    for r in rows:
        art = (r.document or {}).get("article") or {}
        outlet = art.get("outlet") or {}
        yield Article(text=r.text, id=r.id, title=art.get("title") or r.title, published=art.get("published"),
                      url=art.get("url") or r.url, outlet=outlet.get("id") or outlet.get("name"),
                      language=r.language, source=r.source, kind=r.kind or "txt", raw=r.raw)


def replace_document(conn: Connection, d: dict, version: str) -> None:
    """Put a new analysis in place of an article's stored one (document, items, version)."""
    from eventwire.store.repo import _child_rows

    aid = d["article"]["id"]
    for table in s.SECTIONS.values():
        conn.execute(delete(table).where(table.c.article_id == aid))
    art = d["article"]
    conn.execute(update(s.articles).where(s.articles.c.id == aid).values(
        document=d, title=art.get("title"), published=art.get("published"), analysis_version=version))
    for section, rows in _child_rows(aid, d).items():
        if rows:
            conn.execute(s.SECTIONS[section].insert(), rows)


def mark_unlinked(conn: Connection, ids: list[str]) -> None:
    """Before articles change: the articles count as not linked, so the next incremental link takes
    them (and their old incidents) again."""
    linked = {x for (x,) in conn.execute(select(linked_articles.c.article_id)
                                         .where(linked_articles.c.article_id.in_(ids)))}
    if linked:
        conn.execute(delete(linked_articles).where(linked_articles.c.article_id.in_(sorted(linked))))


def reanalyse(engine, settings, ids: list[str], progress=None) -> Counts:
    """Analyse these stored articles again; each batch replaced in one transaction."""
    from eventwire.analysis.pipeline import analysis_version
    from eventwire.batch.local import analyse_articles

    current = analysis_version(settings)
    total = Counts()
    for i in range(0, len(ids), settings.batch_size):
        chunk = ids[i:i + settings.batch_size]
        with engine.connect() as conn:
            arts = list(stored_articles(conn, chunk))
        recs = analyse_articles(arts, settings, None)
        c = Counts()
        with engine.begin() as conn:
            mark_unlinked(conn, chunk)
            for art, rec in zip(arts, recs, strict=True):
                c.inputs += 1
                d = rec.to_dict()
                if d.get("schema") == "eventwire/error/1":
                    c.failed += 1
                    c.errors.append(d)
                    continue
                replace_document(conn, d, current)
                c.stored += 1
                c.stored_ids.append(art.article_id)
                for k in SECTIONS:
                    c.items[k] += len(d.get(k) or [])
        total.add(c)
        if progress is not None:
            progress.update(c.inputs)
    return total
