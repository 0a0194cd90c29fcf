"""One incident as the incident page, `GET /api/incidents/{id}` and `eventwire incidents show` give
it: the contract record, each report with its article and claim chain."""

from __future__ import annotations

from sqlalchemy import (
    Connection,
    select,
)

from eventwire.records import Incident
from eventwire.store import schema as s
from eventwire.store.incidents import incidents


def incident_record(rec: dict) -> dict:
    """A stored incident as its contract record (`records.Incident`): every reader goes through here."""
    return Incident.model_validate(rec).to_dict()


def claim_chain(doc: dict, event: dict, outlet: str | None) -> list[str]:
    """Who said it, outermost first: outlet, then each claim's speaker (and channel), then the event.

    "SANA <- Foreign Ministry <- letter <- alleged airstrike". When the event's claim carries the
    claims layer's `chain` (its speakers, outermost first) that list is used; otherwise the chain is
    built by following the claims' `parent` links.
    """
    claims = {c["id"]: c for c in doc.get("claims") or []}
    actors = {a["id"]: a for a in doc.get("actors") or []}
    chain: list[dict] = []
    cid, seen = event.get("claim"), set()
    while cid and cid in claims and cid not in seen:
        seen.add(cid)
        chain.append(claims[cid])
        cid = claims[cid].get("parent")
    parts = [outlet] if outlet else []

    def norm(x: str) -> str:
        x = x.lower().strip()
        return x[4:] if x.startswith("the ") else x

    def push(x: str) -> None:
        if x and not any(norm(x) == norm(p) for p in parts[-2:]):
            parts.append(x)

    given = (chain[0].get("chain") if chain else None) or None
    if isinstance(given, list) and given:
        # the claims layer's own chain (speakers, outermost first): used as it is
        for x in given:
            name = x if isinstance(x, str) else (x or {}).get("text") or (x or {}).get("name") or ""
            push(" ".join(str(name).split()))
        chain = []
    for cl in reversed(chain):
        sp = cl.get("speaker") or {}
        actor = actors.get(sp.get("actor") or "")
        who = (sp.get("text") or (actor or {}).get("text") or (actor or {}).get("name") or "").strip()
        push(" ".join(who.split()))
        ch = cl.get("channel")
        if ch and norm(ch) not in norm(who):
            push(ch)
    trig = (event.get("trigger") or {}).get("text") or (event.get("type") or "").lower()
    parts.append(f"{event.get('status') or ''} {trig}".strip())
    return parts


def get_incident(conn: Connection, incident_id: str, *, detail: bool = True) -> dict | None:
    """One incident record; with `detail`, each report also carries the article's title, outlet
    affiliation, the event and its claim chain (fields added to the record, none changed)."""
    r = conn.execute(select(incidents.c.record).where(incidents.c.id == incident_id)).first()
    if r is None:
        return None
    rec = dict(r[0])
    if not detail:
        return incident_record(rec)
    ids = sorted({rp["article"] for rp in rec.get("reports") or []})
    a = s.articles.c
    arts = {row["id"]: dict(row) for row in conn.execute(
        select(a.id, a.title, a.url, a.outlet_name, a.outlet_affiliation, a.outlet_country, a.document)
        .where(a.id.in_(ids))).mappings()} if ids else {}
    reports = []
    for rp in rec.get("reports") or []:
        rp = dict(rp)
        art = arts.get(rp["article"])
        if art:
            doc = art["document"] or {}
            ev = next((e for e in doc.get("events") or [] if e.get("id") == rp.get("event")), None) or {}
            rp.update({"title": art["title"], "url": art["url"], "outlet_affiliation": art["outlet_affiliation"],
                       "outlet_country": art["outlet_country"],
                       "outlet_name": rp.get("outlet_name") or art["outlet_name"],
                       "trigger": ev.get("trigger"), "claim": ev.get("claim"),
                       "chain": claim_chain(doc, ev, rp.get("outlet_name") or art["outlet_name"])})
        reports.append(rp)
    rec["reports"] = reports
    return incident_record(rec)
