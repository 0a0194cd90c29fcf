"""Stored articles as the readers show them: search, one document, the incidents an article
feeds, and deleting one (the caller re-links)."""

from __future__ import annotations

from sqlalchemy import (
    Connection,
    select,
)

from eventwire.store import repo
from eventwire.store import schema as s
from eventwire.store.incidents import incident_reports, incidents


def article_incidents(conn: Connection, article_id: str) -> list[dict]:
    """The incidents an article's events feed: incident id, event id, grade, type, date, place."""
    r, c = incident_reports.c, incidents.c
    q = (select(r.event_id, c.id, c.grade, c.type, c.mode, c.date, c.place, c.n_reports)
         .join(incidents, c.id == r.incident_id).where(r.article_id == article_id).order_by(r.event_id))
    out = []
    for row in conn.execute(q).mappings():
        d = dict(row)
        place = d.pop("place") or {}
        d["place"] = place.get("name") or place.get("text")
        d["event"] = d.pop("event_id")
        out.append(d)
    return out


# ---------------------------------------------------------------- articles

def search_articles(conn: Connection, *, q: str | None = None, outlet: str | None = None,
                    since: str | None = None, until: str | None = None, limit: int | None = 50,
                    offset: int = 0) -> list[dict]:
    """Stored articles matching a text (title or body), an outlet and a publication window."""
    return list(repo.list_articles(conn, limit=limit, offset=offset, outlet=outlet, since=since,
                                   until=until, q=q))


get_document = repo.get_document


def delete_article(conn: Connection, article_id: str) -> bool:
    """Delete a stored article with its items and its reports in incidents (foreign keys cascade);
    the caller re-links so its incidents are rebuilt from the reports left."""
    from sqlalchemy import delete

    r = incident_reports.c
    conn.execute(delete(incident_reports).where(r.article_id == article_id))
    for t in s.SECTIONS.values():
        conn.execute(delete(t).where(t.c.article_id == article_id))
    return bool(conn.execute(delete(s.articles).where(s.articles.c.id == article_id)).rowcount)


def article_incident_list(conn: Connection, article_id: str) -> list[dict]:
    """The incidents an article feeds, each once, with the article's events in it (`events`)."""
    out: dict[str, dict] = {}
    for row in article_incidents(conn, article_id):
        d = out.setdefault(row["id"], {**{k: v for k, v in row.items() if k != "event"}, "events": []})
        d["events"].append(row["event"])
    return list(out.values())
