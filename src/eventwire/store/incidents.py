"""Repository functions of the incident tables (load reports, save incidents, corrections).

The tables are in `store/schema.py` with the others (Alembic revision
0002_incidents adds them). The linker itself is pure (`eventwire.link`); this
module only loads the stored documents for it and saves what it returns:

* ``incidents``: one row per incident, the whole `eventwire/incident/1` record in
  ``record`` plus flat columns to filter on (grade, type, date, place);
* ``incident_reports``: which event of which article belongs to which incident,
  with the outlet and status (re-linking keeps incident ids stable through it);
* ``incident_corrections``: merges, splits and grades made by people, with who
  and when; they are re-applied after every re-link.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import (
    Connection,
    delete,
    exists,
    insert,
    select,
)

from eventwire.store.schema import (
    _now,
    articles,
    events,
    incident_corrections,
    incident_reports,
    incidents,
)

TABLES = (incidents, incident_reports, incident_corrections)


def load_documents(conn: Connection) -> Iterator[dict]:
    """The stored documents that have at least one event (what the linker reads)."""
    has_events = exists().where(events.c.article_id == articles.c.id)
    q = select(articles.c.document).where(has_events).order_by(articles.c.id)
    for (doc,) in conn.execute(q):
        if isinstance(doc, dict):
            yield doc


def previous_assignment(conn: Connection) -> dict[str, str]:
    """Report key -> incident id from the last link run."""
    r = incident_reports.c
    return {f"{a}:{e}": i for a, e, i in conn.execute(select(r.article_id, r.event_id, r.incident_id))}


def _row(rec: dict) -> dict:
    place = rec.get("place") or {}
    k, i = rec.get("killed") or {}, rec.get("injured") or {}
    return {
        "id": rec["id"], "type": rec.get("type"), "mode": rec.get("mode"), "date": rec.get("date"),
        "end_date": rec.get("end_date"), "date_precision": rec.get("date_precision"), "place": rec.get("place"),
        "lat": place.get("lat"), "lon": place.get("lon"), "country": place.get("country"),
        "admin1": place.get("admin1"), "actors": rec.get("actors"), "recipients": rec.get("recipients"),
        "killed_min": k.get("min"), "killed_max": k.get("max"), "injured_min": i.get("min"),
        "injured_max": i.get("max"), "grade": rec["grade"], "grade_reason": rec.get("grade_reason"),
        "origins": rec.get("origins") or 0, "n_reports": len(rec.get("reports") or []), "record": rec,
        "linked_at": _now(),
    }


def save_incidents(conn: Connection, records: Iterable[dict], batch: int = 5000) -> int:
    """Replace the stored incidents with `records` (one transaction: the caller's)."""
    conn.execute(delete(incident_reports))
    conn.execute(delete(incidents))
    known = {a for (a,) in conn.execute(select(articles.c.id))}
    rows, links, n = [], [], 0
    for rec in records:
        rows.append(_row(rec))
        for rp in rec.get("reports") or []:
            if rp["article"] in known:
                links.append({"article_id": rp["article"], "event_id": rp["event"], "incident_id": rec["id"],
                              "outlet": rp.get("outlet"), "status": rp.get("status")})
        n += 1
        if len(rows) >= batch:
            conn.execute(insert(incidents), rows)
            rows = []
    if rows:
        conn.execute(insert(incidents), rows)
    for i in range(0, len(links), batch):
        conn.execute(insert(incident_reports), links[i:i + batch])
    return n


def resolve_incident(conn: Connection, prefix: str) -> list[str]:
    """Incident ids equal to, or starting with, `prefix`."""
    if conn.execute(select(incidents.c.id).where(incidents.c.id == prefix)).first() is not None:
        return [prefix]
    q = select(incidents.c.id).where(incidents.c.id.startswith(prefix, autoescape=True)).limit(5)
    return [i for (i,) in conn.execute(q)]


def incident_keys(conn: Connection, incident_id: str) -> list[str]:
    """The report keys (<article>:<event>) of a stored incident."""
    r = incident_reports.c
    q = select(r.article_id, r.event_id).where(r.incident_id == incident_id).order_by(r.article_id, r.event_id)
    return [f"{a}:{e}" for a, e in conn.execute(q)]


def add_correction(conn: Connection, corr: dict) -> int:
    """Store a correction record (see `eventwire.link.corrections.make_correction`); its id."""
    row = {k: corr.get(k) for k in ("action", "incident", "other", "event", "grade", "note", "anchors")}
    row["by"] = corr.get("by") or "unknown"
    row["at"] = _now()
    res = conn.execute(insert(incident_corrections).values(**row))
    return int(res.inserted_primary_key[0])


def list_corrections(conn: Connection, *, include_undone: bool = False) -> list[dict]:
    """The corrections in force, oldest first (the order they are applied in); with `include_undone`
    also those undone (the history)."""
    c = incident_corrections.c
    q = select(incident_corrections).order_by(c.at, c.id)
    if not include_undone:
        q = q.where(c.undone_at.is_(None))
    out = []
    for r in conn.execute(q).mappings():
        d = dict(r)
        for k in ("at", "undone_at"):
            if d.get(k) is not None:
                d[k] = d[k].isoformat()
        out.append(d)
    return out


def undo_correction(conn: Connection, correction_id: int, by: str) -> bool:
    """Mark a correction undone (it stays in the history); False when it is unknown or undone already.
    The caller re-links, so the incidents are as if it had never been made."""
    from sqlalchemy import update

    c = incident_corrections.c
    res = conn.execute(update(incident_corrections).where(c.id == correction_id, c.undone_at.is_(None))
                       .values(undone_at=_now(), undone_by=by))
    return bool(res.rowcount)


def relink(conn: Connection, **kwargs) -> object:
    """Link every stored event again, keep incident ids, re-apply the corrections, save."""
    from eventwire.link import link_events

    res = link_events(load_documents(conn), previous=previous_assignment(conn),
                      corrections=list_corrections(conn), **kwargs)
    save_incidents(conn, res.incidents)
    return res
