"""The outlets and actors lists: what is stored, counted, most frequent first."""

from __future__ import annotations

from sqlalchemy import (
    Connection,
    literal,
    or_,
    select,
)

from eventwire.store import schema as s
from eventwire.store.incidents import incident_reports


def list_outlets(conn: Connection, *, q: str | None = None, limit: int | None = 100, offset: int = 0) -> dict:
    """Outlets with how many articles, events and incidents they feed (most articles first)."""
    from sqlalchemy import func

    a, e, r = s.articles.c, s.events.c, incident_reports.c
    name = func.coalesce(a.outlet_id, a.outlet_name, literal("(unknown)"))
    n_events = (select(func.count()).select_from(s.events).where(e.article_id == a.id).scalar_subquery())
    n_inc = (select(func.count(r.incident_id.distinct())).where(r.article_id == a.id).scalar_subquery())
    base = select(name.label("id"), func.max(a.outlet_name).label("name"), func.max(a.outlet_country).label("country"),
                  func.max(a.outlet_affiliation).label("affiliation"), func.count().label("articles"),
                  func.sum(n_events).label("events"), func.sum(n_inc).label("incident_reports"),
                  func.max(a.published).label("latest")).group_by(name)
    if q:
        base = base.where(or_(a.outlet_id.icontains(q, autoescape=True), a.outlet_name.icontains(q, autoescape=True)))
    total = conn.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    stmt = base.order_by(func.count().desc(), name).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return {"items": [dict(x) for x in conn.execute(stmt).mappings()], "total": int(total)}


def list_actors(conn: Connection, *, q: str | None = None, limit: int | None = 100, offset: int = 0) -> dict:
    """Actors as the analysis names them (entity id, else name), with how often and in how many
    articles they are mentioned (most mentioned first). Shown as the data says, noise included."""
    from sqlalchemy import func

    a = s.actors.c
    key = func.coalesce(a.entity, a.name, a.text)
    base = select(key.label("key"), func.max(a.entity).label("entity"), func.max(a.name).label("name"),
                  func.max(a.country).label("country"), func.max(a.sector).label("sector"),
                  func.count().label("mentions"), func.count(a.article_id.distinct()).label("articles")
                  ).group_by(key)
    if q:
        base = base.where(or_(a.entity.icontains(q, autoescape=True), a.name.icontains(q, autoescape=True),
                              a.text.icontains(q, autoescape=True)))
    total = conn.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    stmt = base.order_by(func.count().desc(), key).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return {"items": [dict(x) for x in conn.execute(stmt).mappings()], "total": int(total)}
