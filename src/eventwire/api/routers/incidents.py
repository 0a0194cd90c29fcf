"""Incident reads: search, the map's marker arrays, the timeline's bins, the filter values present, one
incident."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from eventwire.api import models
from eventwire.api.dependencies import Db, IncidentId, State, incident_filters, page
from eventwire.api.openapi import GET_ERRORS
from eventwire.services import read
from eventwire.store import queries as Q

router = APIRouter()


@router.get("/api/incidents", tags=["incidents"], summary="Search incidents", responses=GET_ERRORS)
def get_incidents(m: Annotated[models.IncidentQuery, Query()], db: Db):
    """Incident records (`eventwire/incident/1`), sorted (newest first by default) and paginated, with
    the `total` that match (counted up to 10,000, so a page costs the same at any size: beyond,
    `total_exact` is false); `brief` gives the flat fields of the incidents table and the map."""
    f = incident_filters(m, m.limit, m.offset, m.sort, m.order)
    with db.connect() as c:
        body = page(Q.list_incidents(c, f, brief=m.brief), m.limit, m.offset)
        body["total"], body["total_exact"] = Q.incident_total(c, f)
        return JSONResponse(body)


@router.get("/api/map", tags=["incidents"], summary="Incidents as compact marker arrays (the map)",
            responses={**GET_ERRORS, 304: {"description": "not modified (If-None-Match matched the ETag)"}})
def get_map(request: Request, m: Annotated[models.IncidentFilterQuery, Query()], state: State):
    """Every matching incident (same filters as `/api/incidents`, newest first) as parallel arrays
    `id`, `lat`, `lon`, `grade`, `type`, `mode`, `date`, `end_date`, `killed` (highest toll), `place`
    (name), `reports`, `origins`; `grade`/`type`/`mode` are indexes into `grades`/`types`/`modes`.
    Cached per filter set until the store changes; gzip when the client accepts it; ETag."""
    body = state.map_cache.get(incident_filters(m))
    headers = {"ETag": body.etag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == body.etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(body.gz, media_type="application/json", headers={**headers, "Content-Encoding": "gzip"})
    return Response(body.raw, media_type="application/json", headers=headers)


class TimelineQuery(models.IncidentFilterQuery):
    unit: Literal[Q.TIMELINE_UNITS] | None = Field(  # type: ignore[valid-type]
        None, description="bin width; by default chosen from the range shown (day up to 3 months, week up to "
                          "2 years, month up to 25 years, else year)")


class TimelineBin(BaseModel):
    start: str = Field(description="first day of the bin (YYYY-MM-DD)")
    end: str = Field(description="last day of the bin (YYYY-MM-DD)")
    total: int = Field(description="matching incidents dated in the bin")


class Timeline(BaseModel):
    unit: Literal[Q.TIMELINE_UNITS] | None = Field(description="bin width; null when no incident is dated")  # type: ignore[valid-type]
    bins: list[TimelineBin] = Field(description="contiguous bins from lo to hi, empty ones included")
    n: int = Field(description="dated incidents that match (in the bins or clipped)")
    lo: str | None = Field(description="first day shown")
    hi: str | None = Field(description="last day shown")
    min: str | None = Field(description="earliest date, clipped or not")
    max: str | None = Field(description="latest date, clipped or not")
    clipped_before: int = Field(description="dates before lo, left out of the bins as outliers")
    clipped_after: int = Field(description="dates after hi, left out of the bins as outliers")


@router.get("/api/timeline", tags=["incidents"], summary="Incidents per day, week, month or year (the timeline)",
            response_model=Timeline, responses=GET_ERRORS)
def get_timeline(m: Annotated[TimelineQuery, Query()], db: Db):
    """How many incidents matching the filters of `/api/incidents` fall in each bin, counted in SQL.
    The bins cover the bulk of the dates: with 20 or more, a date further than a quarter of the 1st-99th
    percentile span beyond it is clipped and counted in `clipped_before`/`clipped_after` (one event dated
    1964 does not stretch a decade of bars); `unit` is chosen from that range unless given."""
    with db.connect() as c:
        return Q.incident_timeline(c, incident_filters(m), m.unit)


@router.get("/api/facets", tags=["incidents"], summary="Filter values present in the store", responses=GET_ERRORS)
def get_facets(db: Db):
    with db.connect() as c:
        return Q.incident_facets(c)


@router.get("/api/incidents/{incident_id}", tags=["incidents"], summary="One incident with its reports",
            responses=GET_ERRORS)
def get_incident(incident_id: IncidentId, db: Db):
    """The incident record; each report also has its article title, outlet affiliation and claim chain."""
    with db.connect() as c:
        return read.incident(c, incident_id)
