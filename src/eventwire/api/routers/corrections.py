"""Corrections by hand (merge, split, grade), their history and undo, through `services.corrections`
(what `eventwire incidents merge|split|grade|undo` runs too); each write re-links the incidents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam

from eventwire.api import models
from eventwire.api.dependencies import Db, IncidentId, author, page
from eventwire.api.openapi import GET_ERRORS, WRITE_ERRORS
from eventwire.services import corrections as service

router = APIRouter()


def _answer(made: service.Made) -> dict:
    """The correction made and the incident it leaves."""
    return {"correction": made.id, "action": made.record["action"], "by": made.record["by"],
            "incident": made.incident, "skipped_corrections": len(made.linked.skipped_corrections)}


@router.post("/api/incidents/{incident_id}/merge", tags=["corrections"], summary="Merge another incident into this",
             responses=WRITE_ERRORS)
def post_merge(request: Request, incident_id: IncidentId, body: models.MergeBody, db: Db):
    """Merge `other` into this incident (kept across re-links); `note` says why."""
    return _answer(service.merge(db, incident_id, body.other, by=author(request, body), note=body.note))


@router.post("/api/incidents/{incident_id}/split", tags=["corrections"], summary="Take one report out",
             responses=WRITE_ERRORS)
def post_split(request: Request, incident_id: IncidentId, body: models.SplitBody, db: Db):
    """Take one report (`<article>:<event>`) out of the incident into an incident of its own."""
    return _answer(service.split(db, incident_id, body.event, by=author(request, body), note=body.note))


@router.post("/api/incidents/{incident_id}/grade", tags=["corrections"], summary="Set the grade by hand",
             responses=WRITE_ERRORS)
def post_grade(request: Request, incident_id: IncidentId, body: models.GradeBody, db: Db):
    """Regrade the incident by hand; `discounted` sets it aside (with a `note` saying why)."""
    return _answer(service.regrade(db, incident_id, body.grade, by=author(request, body), note=body.note))


@router.get("/api/corrections", tags=["corrections"], summary="The corrections history", responses=GET_ERRORS)
def get_corrections(m: Annotated[models.CorrectionsQuery, Query()], db: Db):
    """Every correction, newest first, with who, when and why, and whether (and by whom) it was undone."""
    with db.connect() as c:
        rows = service.history(c, m.incident)[::-1]
    body = page(rows[m.offset:m.offset + m.limit], m.limit, m.offset)
    body["total"] = len(rows)
    return body


@router.post("/api/corrections/{correction_id}/undo", tags=["corrections"], summary="Undo a correction",
             responses=WRITE_ERRORS)
def post_undo(request: Request, correction_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)], db: Db,
              body: models.UndoBody | None = None):
    """Undo a correction: it stays in the history, marked undone, and the incidents are re-linked
    without it."""
    by = author(request, body or models.UndoBody())
    done = service.undo(db, correction_id, by=by)
    return {"undone": done.id, "by": done.by, "skipped_corrections": len(done.linked.skipped_corrections)}
