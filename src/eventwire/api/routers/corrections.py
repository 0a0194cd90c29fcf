"""Corrections by hand (merge, split, grade), their history and undo; each write re-links the incidents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from sqlalchemy import Connection, Engine

from eventwire.api import ingest, models
from eventwire.api.dependencies import Db, IncidentId, author, page, resolve_incident
from eventwire.api.openapi import GET_ERRORS, WRITE_ERRORS
from eventwire.api.problems import Problem
from eventwire.link.corrections import make_correction
from eventwire.services.corrections import matching_reports
from eventwire.store import incidents as store
from eventwire.store import queries as Q

router = APIRouter()


def _correct(db: Engine, ident: str, make: Callable[[Connection, str], dict]) -> dict:
    """Add the correction `make(conn, incident id)` builds, re-link, and answer with the incident it leaves."""
    with ingest._lock, db.connect() as c:
        iid = resolve_incident(c, ident)
        corr = make(c, iid)
        cid = store.add_correction(c, corr)
        res = store.relink(c)
        c.commit()
        target = res.assignment.get(corr["event"]) if corr.get("event") else iid
        return {"correction": cid, "action": corr["action"], "by": corr["by"],
                "incident": Q.get_incident(c, target) if target else None,
                "skipped_corrections": len(res.skipped_corrections)}


@router.post("/api/incidents/{incident_id}/merge", tags=["corrections"], summary="Merge another incident into this",
             responses=WRITE_ERRORS)
def post_merge(request: Request, incident_id: IncidentId, body: models.MergeBody, db: Db):
    """Merge `other` into this incident (kept across re-links); `note` says why."""
    def make(c, iid):
        other = resolve_incident(c, body.other)
        if other == iid:
            raise Problem(422, "an incident cannot be merged with itself")
        return make_correction("merge", iid, other=other, anchors=store.incident_keys(c, iid),
                               other_anchors=store.incident_keys(c, other), note=body.note,
                               by=author(request, body))
    return _correct(db, incident_id, make)


@router.post("/api/incidents/{incident_id}/split", tags=["corrections"], summary="Take one report out",
             responses=WRITE_ERRORS)
def post_split(request: Request, incident_id: IncidentId, body: models.SplitBody, db: Db):
    """Take one report (`<article>:<event>`) out of the incident into an incident of its own."""
    def make(c, iid):
        keys = store.incident_keys(c, iid)
        hits = matching_reports(keys, body.event)
        if len(hits) != 1:
            raise Problem(422, f"{body.event!r} matches {len(hits)} reports of {iid}; its reports are: "
                               + ", ".join(keys[:10]))
        if len(keys) == 1:
            raise Problem(422, f"{iid} has only one report; nothing to split")
        return make_correction("split", iid, event=hits[0], anchors=keys, note=body.note,
                               by=author(request, body))
    return _correct(db, incident_id, make)


@router.post("/api/incidents/{incident_id}/grade", tags=["corrections"], summary="Set the grade by hand",
             responses=WRITE_ERRORS)
def post_grade(request: Request, incident_id: IncidentId, body: models.GradeBody, db: Db):
    """Regrade the incident by hand; `discounted` sets it aside (with a `note` saying why)."""
    def make(c, iid):
        return make_correction("grade", iid, grade=body.grade, anchors=store.incident_keys(c, iid),
                               note=body.note, by=author(request, body))
    return _correct(db, incident_id, make)


@router.get("/api/corrections", tags=["corrections"], summary="The corrections history", responses=GET_ERRORS)
def get_corrections(m: Annotated[models.CorrectionsQuery, Query()], db: Db):
    """Every correction, newest first, with who, when and why, and whether (and by whom) it was undone."""
    with db.connect() as c:
        rows = store.list_corrections(c, include_undone=True)
    if m.incident:
        rows = [r for r in rows if m.incident in (r.get("incident"), r.get("other"))]
    rows.reverse()
    body = page(rows[m.offset:m.offset + m.limit], m.limit, m.offset)
    body["total"] = len(rows)
    return body


@router.post("/api/corrections/{correction_id}/undo", tags=["corrections"], summary="Undo a correction",
             responses=WRITE_ERRORS)
def post_undo(request: Request, correction_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)], db: Db,
              body: models.UndoBody | None = None):
    """Undo a correction: it stays in the history, marked undone, and the incidents are re-linked
    without it."""
    body = body or models.UndoBody()
    with ingest._lock, db.connect() as c:
        known = {r["id"]: r for r in store.list_corrections(c, include_undone=True)}
        if correction_id not in known:
            raise Problem(404, f"no correction {correction_id}; list them at /api/corrections")
        if known[correction_id].get("undone_at"):
            raise Problem(409, f"correction {correction_id} was undone already", title="Conflict")
        store.undo_correction(c, correction_id, author(request, body))
        res = store.relink(c)
        c.commit()
        return {"undone": correction_id, "by": author(request, body),
                "skipped_corrections": len(res.skipped_corrections)}
