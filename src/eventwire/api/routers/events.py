"""Event search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from eventwire.api import models
from eventwire.api.dependencies import Db, event_filters, page
from eventwire.api.openapi import GET_ERRORS
from eventwire.store import queries as Q

router = APIRouter()


@router.get("/api/events", tags=["events"], summary="Search events", responses=GET_ERRORS)
def get_events(m: Annotated[models.EventQuery, Query()], db: Db):
    """Events newest first, each with its article, outlet, place and resolved actors (paginated)."""
    with db.connect() as c:
        return JSONResponse(page(Q.list_events(c, event_filters(m, m.limit, m.offset)), m.limit, m.offset))
