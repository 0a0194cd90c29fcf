"""Reads of one record or a filtered list: what `eventwire show`, `eventwire incidents show`,
`eventwire export events` and the API's `GET` routes (and pages) all call.

An id or an unambiguous id prefix names a record; none or several is a `NotFound` or
`Ambiguous` (services.errors), which each front end words for itself.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection

from eventwire.services.errors import Ambiguous, NotFound
from eventwire.services.filters import EventFilterQuery, event_filters
from eventwire.store import incidents as incident_store
from eventwire.store import queries as Q
from eventwire.store import repo


def one(ids: list[str], ident: str, what: str) -> str:
    """The one id of `ids` (the matches of `ident`); NotFound or Ambiguous otherwise."""
    if not ids:
        raise NotFound(what, ident)
    if len(ids) > 1:
        raise Ambiguous(what, ident, ids)
    return ids[0]


def incident_id(conn: Connection, ident: str) -> str:
    """The incident an id or id prefix names."""
    return one(incident_store.resolve_incident(conn, ident), ident, "incident")


def article_id(conn: Connection, ident: str) -> str:
    """The stored article an id or id prefix names."""
    return one(repo.resolve_id(conn, ident), ident, "article")


def incident(conn: Connection, ident: str) -> dict:
    """One incident as its `eventwire/incident/1` record (`records.Incident`, through
    `store.queries.get_incident`), each report with its article's title, outlet and claim chain."""
    return Q.get_incident(conn, incident_id(conn, ident))


def article(conn: Connection, ident: str) -> dict:
    """One stored `eventwire/document/1`, exactly as `eventwire extract` printed it."""
    return Q.get_document(conn, article_id(conn, ident))


def raw(conn: Connection, ident: str) -> str:
    """The input of a stored article as it was received (HTML page, JSON line or text)."""
    return repo.get_raw(conn, article_id(conn, ident)) or ""


def events(conn: Connection, m: EventFilterQuery, limit: int | None, offset: int = 0) -> Iterator[dict]:
    """The events matching the filters of `m`, newest first, `offset` on, at most `limit` (None: all),
    each with its article, outlet, place and resolved actors; read a page at a time.
    ValueError for a malformed bbox."""
    return Q.iter_events(conn, event_filters(m, limit, offset))
