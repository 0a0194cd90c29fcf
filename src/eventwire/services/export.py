"""Exports with filters: what `GET /api/export/...` and `eventwire export` both run.

The filters are the query models of `services.filters` (`EventExportQuery`,
`IncidentExportQuery`, which the API's routers take too), so a filter means the same
and is checked the same way on the command line and over HTTP; the formats are
`services.formats` (jsonl, csv, geojson, plover).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

from eventwire.services import filters as models
from eventwire.services import formats
from eventwire.store import queries as Q

FORMATS = formats.FORMATS


def event_filters(m: models.EventFilterQuery, limit: int | None, offset: int = 0) -> Q.EventFilters:
    """Store filters from the event query model (ValueError for a malformed bbox)."""
    return Q.EventFilters(type=m.type, status=m.status, actor=m.actor, country=m.country, since=m.since,
                          until=m.until, bbox=Q.parse_bbox(m.bbox), article=m.article, q=m.q, limit=limit,
                          offset=offset)


def incident_filters(m: models.IncidentFilterQuery, limit: int | None = None, offset: int = 0,
                     sort: str = "date", order: str = "desc") -> Q.IncidentFilters:
    """Store filters from the incident query model (ValueError for a malformed bbox)."""
    return Q.IncidentFilters(grade=m.grade, type=m.type, since=m.since, until=m.until, bbox=Q.parse_bbox(m.bbox),
                             actor=m.actor, affiliation=m.affiliation, article=m.article, country=m.country,
                             province=m.province, outlet=m.outlet, q=m.q, limit=limit, offset=offset,
                             sort=sort, desc=order == "desc")


def export_events(conn: Connection, m: models.EventExportQuery, fmt: str) -> Iterable[str]:
    """The matching events in `fmt`, as text chunks."""
    rows = list(Q.iter_events(conn, event_filters(m, m.limit, 0)))
    return formats.export_events(rows, fmt)


def export_incidents(conn: Connection, m: models.IncidentExportQuery, fmt: str) -> Iterable[str]:
    """The matching incidents in `fmt` (the order of the incidents table), as text chunks."""
    rows = Q.list_incidents(conn, incident_filters(m, m.limit, 0, m.sort, m.order))
    return formats.export_incidents(rows, fmt)
