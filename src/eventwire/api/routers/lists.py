"""Lists with counts: outlets, actors, and the gazetteer's place labels for a map view."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from eventwire.api import models
from eventwire.api.dependencies import AppSettings, Db, bbox_of, page
from eventwire.api.openapi import GET_ERRORS
from eventwire.store import queries as Q

router = APIRouter()


@router.get("/api/outlets", tags=["lists"], summary="Outlets with counts", responses=GET_ERRORS)
def get_outlets(m: Annotated[models.ListQuery, Query()], db: Db):
    """Outlets of the stored articles with their article, event and incident-report counts."""
    with db.connect() as c:
        res = Q.list_outlets(c, q=m.q, limit=m.limit, offset=m.offset)
    return {**page(res["items"], m.limit, m.offset), "total": res["total"]}


@router.get("/api/actors", tags=["lists"], summary="Actors with counts", responses=GET_ERRORS)
def get_actors(m: Annotated[models.ListQuery, Query()], db: Db):
    """Actors as the analysis names them (entity id, else name) with mention and article counts."""
    with db.connect() as c:
        res = Q.list_actors(c, q=m.q, limit=m.limit, offset=m.offset)
    return {**page(res["items"], m.limit, m.offset), "total": res["total"]}


@router.get("/api/places/labels", tags=["lists"], summary="Gazetteer place labels for a map view",
            responses=GET_ERRORS)
def get_labels(m: Annotated[models.LabelsQuery, Query()], settings: AppSettings):
    """The most populous gazetteer places inside a box (the map's place labels when zoomed in)."""
    from eventwire.api.labels import labels

    box = bbox_of(m.bbox)
    return {"items": labels(settings, box, m.limit) if box else []}
