"""Stored articles: search, one document, delete (and re-link), the incidents an article feeds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from eventwire.api import models
from eventwire.api.dependencies import ArticleId, Db, page
from eventwire.api.openapi import GET_ERRORS, WRITE_ERRORS
from eventwire.services import link, read
from eventwire.store import queries as Q

router = APIRouter()


@router.get("/api/articles", tags=["articles"], summary="Search stored articles", responses=GET_ERRORS)
def get_articles(m: Annotated[models.ArticleQuery, Query()], db: Db):
    """Stored articles, newest publication first, with their item counts (paginated)."""
    with db.connect() as c:
        return page(Q.search_articles(c, q=m.q, outlet=m.outlet, since=m.since, until=m.until, limit=m.limit,
                                      offset=m.offset), m.limit, m.offset)


@router.get("/api/articles/{article_id}", tags=["articles"], summary="One document (eventwire/document/1)",
            responses=GET_ERRORS)
def get_article(article_id: ArticleId, db: Db):
    """The stored `eventwire/document/1` record, exactly as `eventwire extract` printed it."""
    with db.connect() as c:
        return read.article(c, article_id)


@router.delete("/api/articles/{article_id}", tags=["articles"], summary="Delete an article and re-link",
               responses=WRITE_ERRORS)
def delete_article(article_id: ArticleId, db: Db):
    """Delete a stored article with its places, actors, claims, events and framing; its reports leave
    their incidents, which are re-linked from the reports left (an incident it alone reported goes)."""
    aid, res = link.delete_article(db, article_id)
    return {"deleted": aid, "linked": dict(getattr(res, "stats", {}) or {})}


@router.get("/api/articles/{article_id}/incidents", tags=["articles"], summary="Incidents an article feeds",
            responses=GET_ERRORS)
def get_article_incidents(article_id: ArticleId, db: Db):
    """Each incident the article's events feed, once, with the article's events in it."""
    with db.connect() as c:
        return {"items": Q.article_incident_list(c, read.article_id(c, article_id))}

