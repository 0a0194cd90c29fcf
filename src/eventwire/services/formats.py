"""Exports of events and incidents: JSON lines, ACLED-like CSV, GeoJSON and PLOVER JSON lines.

Incidents go through `eventwire.link.export` unchanged. An event is exported in
the same formats by viewing it as a one-report incident (`event_as_incident`), so
the CSV columns and GeoJSON properties mean the same for both. PLOVER JSON lines
use the field names of the PLOVER gold-standard records (openeventdata/PLOVER,
`PLOVER_GSR_CAMEO.txt`: id, date, event, mode, context, source, target, eventText,
text...) plus eventwire's own fields (status, grade, reports) after them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from eventwire.link import export as incident_export

FORMATS = ("jsonl", "csv", "geojson", "plover")
MEDIA = {"jsonl": "application/x-ndjson", "csv": "text/csv; charset=utf-8",
         "geojson": "application/geo+json", "plover": "application/x-ndjson"}
SUFFIX = {"jsonl": "jsonl", "csv": "csv", "geojson": "geojson", "plover": "plover.jsonl"}


def event_as_incident(ev: dict) -> dict:
    """An event row of `queries.list_events` in the shape of an incident record with one report."""
    outlet = ev.get("outlet") or {}
    return {
        "id": f"{ev['article']}:{ev['id']}", "type": ev.get("type"), "mode": ev.get("mode"),
        "date": ev.get("date"), "end_date": ev.get("end_date"), "date_precision": ev.get("date_precision"),
        "place": ev.get("place"), "actors": ev.get("actors") or [], "recipients": ev.get("recipients") or [],
        "killed": ev.get("killed") or {}, "injured": ev.get("injured") or {}, "grade": None,
        "grade_reason": f"one report, {ev.get('status')}", "origins": None,
        "reports": [{"article": ev["article"], "event": ev["id"], "outlet": outlet.get("id"),
                     "outlet_name": outlet.get("name"), "status": ev.get("status")}],
    }


def _plover_actor(a: dict) -> dict:
    return {k: v for k, v in {"actorText": a.get("text") or a.get("name"), "code": a.get("country"),
                              "sector": a.get("sector"), "name": a.get("name"),
                              "entity": a.get("entity")}.items() if v is not None}


def _plover(rec: dict, *, event_text: str | None, status: str | None, publication: str | None) -> dict:
    place = rec.get("place") or {}
    killed, injured = rec.get("killed") or {}, rec.get("injured") or {}
    out = {
        "id": rec.get("id"), "date": rec.get("date"), "event": rec.get("type"), "mode": rec.get("mode") or "",
        "context": ",".join(rec.get("context") or []),
        "source": [_plover_actor(a) for a in rec.get("actors") or []],
        "target": [_plover_actor(a) for a in rec.get("recipients") or []],
        "eventText": event_text or "",
        "dead": killed.get("min") if killed.get("min") is not None else killed.get("max"),
        "injured": injured.get("min") if injured.get("min") is not None else injured.get("max"),
        "eventLoc": ({"name": place.get("name") or place.get("text"), "lat": place.get("lat"),
                      "lon": place.get("lon"), "country": place.get("country"),
                      "geonameid": place.get("geonameid")} if place else None),
        "language": "en", "publication": publication, "version": "2.0",
        "status": status, "end_date": rec.get("end_date"),
    }
    return out


def event_to_plover(ev: dict) -> dict:
    rec = {**ev, "id": f"{ev['article']}:{ev['id']}"}
    out = _plover(rec, event_text=(ev.get("trigger") or {}).get("text"), status=ev.get("status"),
                  publication=(ev.get("outlet") or {}).get("name"))
    out["article"] = ev["article"]
    return out


def incident_to_plover(inc: dict) -> dict:
    outlets = []
    for r in inc.get("reports") or []:
        name = r.get("outlet_name") or r.get("outlet")
        if name and name not in outlets:
            outlets.append(name)
    out = _plover(inc, event_text=None, status=None, publication="; ".join(outlets) or None)
    out.update({"grade": inc.get("grade"), "grade_reason": inc.get("grade_reason"), "origins": inc.get("origins"),
                "reports": inc.get("reports") or []})
    return out


def _plover_lines(records: Iterable[dict], fn: Callable[[dict], dict]) -> Iterable[str]:
    for r in records:
        yield json.dumps(fn(r), ensure_ascii=False) + "\n"


def export_incidents(incidents: Iterable[dict], fmt: str) -> Iterable[str]:
    if fmt == "plover":
        return _plover_lines(incidents, incident_to_plover)
    return incident_export.export(incidents, fmt)


def export_events(events: Iterable[dict], fmt: str) -> Iterable[str]:
    if fmt == "plover":
        return _plover_lines(events, event_to_plover)
    if fmt == "jsonl":
        return (json.dumps(ev, ensure_ascii=False) + "\n" for ev in events)
    if fmt == "geojson":
        def feats():
            yield '{"type": "FeatureCollection", "features": [\n'
            first = True
            for ev in events:
                place = ev.get("place") or {}
                geom = ({"type": "Point", "coordinates": [place["lon"], place["lat"]]}
                        if place.get("lat") is not None and place.get("lon") is not None else None)
                feat = {"type": "Feature", "id": f"{ev['article']}:{ev['id']}", "geometry": geom, "properties": ev}
                yield ("" if first else ",\n") + json.dumps(feat, ensure_ascii=False)
                first = False
            yield "\n]}\n"
        return feats()
    return incident_export.export((event_as_incident(ev) for ev in events), fmt)
