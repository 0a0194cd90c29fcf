"""Exports with filters: what `GET /api/export/...` and `eventwire export` both run.

The filters are the query models of `services.filters` (`EventExportQuery`,
`IncidentExportQuery`, which the API's routers take too), so a filter means the same
and is checked the same way on the command line and over HTTP; the formats are
`services.formats` (jsonl, csv, geojson, plover).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

from eventwire.services import filters, formats, read
from eventwire.services.filters import EventExportQuery, IncidentExportQuery
from eventwire.store import queries as Q

FORMATS = formats.FORMATS


def export_events(conn: Connection, m: EventExportQuery, fmt: str) -> Iterable[str]:
    """The matching events in `fmt`, as text chunks."""
    return formats.export_events(list(read.events(conn, m, m.limit)), fmt)


def export_incidents(conn: Connection, m: IncidentExportQuery, fmt: str) -> Iterable[str]:
    """The matching incidents in `fmt` (the order of the incidents table), as text chunks."""
    rows = Q.list_incidents(conn, filters.incident_filters(m, m.limit, 0, m.sort, m.order))
    return formats.export_incidents(rows, fmt)
