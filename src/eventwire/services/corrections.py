"""Corrections by hand (merge, split, regrade or discount) and their undo: what `eventwire incidents
merge|split|grade|undo` and `POST /api/incidents/{id}/merge|split|grade`, `POST
/api/corrections/{id}/undo` (and the pages' buttons, through the API) all run.

Each write is one transaction (`repo.write`): the correction is stored, every incident is linked
again with it (`services.link.relink_in`, the full link of `eventwire link`), and only then
committed, so a correction is never kept without the incidents it makes. A correction the
incident's state does not allow is refused before anything is written (`services.errors`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine

from eventwire.link import LinkResult
from eventwire.link.corrections import make_correction
from eventwire.records import GRADES
from eventwire.services.errors import Conflict, NotFound, Refused
from eventwire.services.link import relink_in
from eventwire.services.read import incident_id
from eventwire.store import incidents as store
from eventwire.store import queries as Q
from eventwire.store import repo


@dataclass
class Made:
    """A correction stored and applied: its id and record, the link it caused and the incident it
    leaves (the incident the split report is now in; the merged or regraded one)."""

    id: int
    record: dict
    linked: LinkResult
    incident: dict | None


@dataclass
class Undone:
    id: int
    by: str
    linked: LinkResult


def matching_reports(keys: list[str], event: str) -> list[str]:
    """The reports of an incident (`<article id>:<event id>` keys) that `event` names: the whole key,
    an article id prefix with the event id, or the event id alone."""
    art, _, ev = event.rpartition(":")
    return [k for k in keys if k == event or (art and k.startswith(art) and k.endswith(":" + ev))
            or (not art and k.endswith(":" + ev))]


def fused_into(conn: Connection, key: str) -> str | None:
    """The report an event was fused into (events of one sentence are one report), or None when the
    event is a report itself: a split naming a fused event could never apply."""
    from eventwire.link.reports import fuse_sentence_events, reports_from_document

    article, _, event = key.rpartition(":")
    doc = repo.get_document(conn, article)
    if not doc:
        return None
    for r in fuse_sentence_events(reports_from_document(doc)):
        if event in r.also:
            return r.key
    return None


def _apply(engine: Engine, make: Callable[[Connection], dict], quiet: bool) -> Made:
    def run(conn: Connection) -> Made:
        repo.lock_links(conn)  # the incident read by `make` is the one the relink below starts from
        corr = make(conn)
        cid = store.add_correction(conn, corr)
        res = relink_in(conn, quiet=quiet)
        target = res.assignment.get(corr["event"]) if corr.get("event") else corr["incident"]
        return Made(cid, corr, res, Q.get_incident(conn, target) if target else None)
    return repo.write(engine, run)


def merge(engine: Engine, ident: str, other: str, *, by: str, note: str | None = None,
          quiet: bool = True) -> Made:
    """Merge incident `other` into incident `ident` (kept across re-links)."""
    def make(conn: Connection) -> dict:
        ia, ib = incident_id(conn, ident), incident_id(conn, other)
        if ia == ib:
            raise Refused("an incident cannot be merged with itself")
        return make_correction("merge", ia, other=ib, anchors=store.incident_keys(conn, ia),
                               other_anchors=store.incident_keys(conn, ib), note=note, by=by)
    return _apply(engine, make, quiet)


def split(engine: Engine, ident: str, event: str, *, by: str, note: str | None = None,
          quiet: bool = True) -> Made:
    """Take the report `event` names (see `matching_reports`) out of incident `ident` into an incident
    of its own. Refused when it names no report or several, when it is the incident's only report,
    and when it is fused with another event of its sentence (the split could never apply)."""
    def make(conn: Connection) -> dict:
        ia = incident_id(conn, ident)
        keys = store.incident_keys(conn, ia)
        hits = matching_reports(keys, event)
        if len(hits) != 1:
            raise Refused(f"{event!r} matches {len(hits)} reports of {ia}; its reports are: " + ", ".join(keys[:10]))
        if len(keys) == 1:
            raise Refused(f"{ia} has only one report; nothing to split")
        into = fused_into(conn, hits[0])
        if into:
            raise Refused(f"{hits[0]} is fused with {into} (events of one sentence are one report), so a split "
                          f"of it alone could never apply; split {into} to take that report out")
        return make_correction("split", ia, event=hits[0], anchors=keys, note=note, by=by)
    return _apply(engine, make, quiet)


def regrade(engine: Engine, ident: str, grade: str, *, by: str, note: str | None = None,
            quiet: bool = True) -> Made:
    """Set the grade of incident `ident` by hand; `discounted` sets it aside (the note says why)."""
    if grade not in GRADES:
        raise Refused(f"unknown grade {grade!r}; choose from {', '.join(GRADES)}")

    def make(conn: Connection) -> dict:
        ia = incident_id(conn, ident)
        return make_correction("grade", ia, grade=grade, anchors=store.incident_keys(conn, ia), note=note, by=by)
    return _apply(engine, make, quiet)


def undo(engine: Engine, correction_id: int, *, by: str, quiet: bool = True) -> Undone:
    """Undo a correction: it stays in the history, marked undone (by whom, when), and the incidents
    are linked again without it. NotFound for an unknown id, Conflict when undone already."""
    def run(conn: Connection) -> Undone:
        repo.lock_links(conn)
        known = {r["id"]: r for r in store.list_corrections(conn, include_undone=True)}
        if correction_id not in known:
            raise NotFound("correction", correction_id)
        if known[correction_id].get("undone_at"):
            raise Conflict(f"correction {correction_id} was undone already")
        store.undo_correction(conn, correction_id, by)
        return Undone(correction_id, by, relink_in(conn, quiet=quiet))
    return repo.write(engine, run)


def history(conn: Connection, incident: str | None = None) -> list[dict]:
    """Every correction, oldest first, those undone too (with who undid them and when); with
    `incident`, only those naming it (as the incident or the one merged into it)."""
    rows = store.list_corrections(conn, include_undone=True)
    if incident:
        rows = [r for r in rows if incident in (r.get("incident"), r.get("other"))]
    return rows
