"""Exports of events and incidents, streamed in the format the path names (`services.export`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from eventwire.api import models
from eventwire.api.dependencies import Db, ExportFormat, bbox_of
from eventwire.api.openapi import EXPORT_OK, GET_ERRORS
from eventwire.services import export as export_service
from eventwire.services import formats

router = APIRouter()


def _stream(chunks: Iterable[str], fmt: str, name: str) -> StreamingResponse:
    return StreamingResponse(iter(chunks), media_type=formats.MEDIA[fmt],
                             headers={"Content-Disposition": f'attachment; filename="{name}.{formats.SUFFIX[fmt]}"'})


@router.get("/api/export/events.{fmt}", tags=["exports"], summary="Export events",
            responses={**GET_ERRORS, **EXPORT_OK})
def export_events(fmt: ExportFormat, m: Annotated[models.EventExportQuery, Query()], db: Db):
    """Events as `jsonl`, `csv` (ACLED-like columns), `geojson` or `plover` (PLOVER JSON lines);
    the same filters as `/api/events`."""
    bbox_of(m.bbox)
    with db.connect() as c:
        chunks = export_service.export_events(c, m, fmt)
    return _stream(chunks, fmt, "events")


@router.get("/api/export/incidents.{fmt}", tags=["exports"], summary="Export incidents",
            responses={**GET_ERRORS, **EXPORT_OK})
def export_incidents(fmt: ExportFormat, m: Annotated[models.IncidentExportQuery, Query()], db: Db):
    """Incidents as `jsonl` (eventwire/incident/1), `csv` (ACLED-like), `geojson` or `plover`; the same
    filters and sorts as `/api/incidents` and the incidents table."""
    bbox_of(m.bbox)
    with db.connect() as c:
        chunks = export_service.export_incidents(c, m, fmt)
    return _stream(chunks, fmt, "incidents")
