"""Event search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from eventwire.api import models
from eventwire.api.dependencies import Db, bbox_of, page
from eventwire.api.openapi import GET_ERRORS
from eventwire.services import read

router = APIRouter()


@router.get("/api/events", tags=["events"], summary="Search events", responses=GET_ERRORS)
def get_events(m: Annotated[models.EventQuery, Query()], db: Db):
    """Events newest first, each with its article, outlet, place and resolved actors (paginated)."""
    bbox_of(m.bbox)  # a malformed box is a 422 problem
    with db.connect() as c:
        return JSONResponse(page(list(read.events(c, m, m.limit, m.offset)), m.limit, m.offset))
