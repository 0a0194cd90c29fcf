"""The read queries behind the CLI, the REST API and the web pages: one function per question.

`eventwire incidents`, `GET /api/incidents` and the map page all call
`list_incidents`; `GET /api/events` calls `list_events`; the article search and
the article page call `search_articles` and `get_document`; the incident page and
`GET /api/incidents/{id}` call `get_incident`. Each formats the same rows, so
the three front ends cannot disagree. Core expressions with bound values only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Connection, Text, and_, cast, exists, literal, or_, select, tuple_, type_coerce

from eventwire.store import repo
from eventwire.store import schema as s
from eventwire.store.incidents import incident_reports, incidents

GRADES = ("confirmed", "fair", "weak", "contested", "discounted")
BBox = tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat


def parse_bbox(value: str | None) -> BBox | None:
    """`min_lon,min_lat,max_lon,max_lat` as four floats; ValueError with the reason when malformed."""
    if value is None or not str(value).strip():
        return None
    parts = [p.strip() for p in str(value).split(",")]
    if len(parts) != 4:
        raise ValueError(f"bbox needs 4 numbers min_lon,min_lat,max_lon,max_lat; got {len(parts)}")
    try:
        x0, y0, x1, y1 = (float(p) for p in parts)
    except ValueError:
        raise ValueError(f"bbox {value!r} is not four numbers (min_lon,min_lat,max_lon,max_lat)") from None
    if not (-180 <= x0 <= 180 and -180 <= x1 <= 180 and -90 <= y0 <= 90 and -90 <= y1 <= 90):
        raise ValueError(f"bbox {value!r} is outside -180..180 / -90..90")
    if x0 > x1 or y0 > y1:
        raise ValueError(f"bbox {value!r}: min must not exceed max")
    return x0, y0, x1, y1


@dataclass
class EventFilters:
    """What `GET /api/events` filters on; every field is optional."""

    type: str | None = None
    status: str | None = None
    actor: str | None = None        # actor entity id (or name), as actor or recipient
    country: str | None = None      # ISO alpha-3 of the event's place
    since: str | None = None        # YYYY-MM-DD, inclusive
    until: str | None = None        # YYYY-MM-DD, inclusive
    bbox: BBox | None = None
    article: str | None = None
    limit: int | None = 100
    offset: int = 0


@dataclass
class IncidentFilters:
    """What `eventwire incidents`, `GET /api/incidents` and the map filter on."""

    grade: str | None = None
    type: str | None = None
    since: str | None = None
    until: str | None = None
    bbox: BBox | None = None
    actor: str | None = None        # substring of an actor's or recipient's name or entity
    affiliation: str | None = None  # at least one report from an outlet of this affiliation
    article: str | None = None      # incidents this article reports
    limit: int | None = None
    offset: int = 0


def filters_from(cls: type, values: Mapping[str, Any]):
    """A filters dataclass from a mapping (query parameters, CLI options); unknown keys ignored."""
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in values.items() if k in names and v not in (None, "")})


# ---------------------------------------------------------------- incidents

def _incident_where(q, f: IncidentFilters):
    c = incidents.c
    if f.grade:
        grades = [g.strip() for g in f.grade.split(",") if g.strip()]
        q = q.where(c.grade.in_(grades))
    if f.type:
        q = q.where(c.type == f.type.upper())
    if f.since:
        q = q.where(or_(c.end_date >= f.since, and_(c.end_date.is_(None), c.date >= f.since)))
    if f.until:
        q = q.where(c.date <= f.until)
    if f.bbox:
        x0, y0, x1, y1 = f.bbox
        q = q.where(c.lon >= x0, c.lon <= x1, c.lat >= y0, c.lat <= y1)
    if f.actor:
        q = q.where(or_(cast(c.actors, Text).icontains(f.actor, autoescape=True),
                        cast(c.recipients, Text).icontains(f.actor, autoescape=True)))
    if f.affiliation:
        r, a = incident_reports.c, s.articles.c
        q = q.where(exists().where(r.incident_id == c.id, a.id == r.article_id,
                                   a.outlet_affiliation == f.affiliation))
    if f.article:
        r = incident_reports.c
        q = q.where(exists().where(r.incident_id == c.id, r.article_id == f.article))
    return q


def list_incidents(conn: Connection, filters: IncidentFilters | None = None, *,
                   brief: bool = False) -> list[dict]:
    """Incident records (newest first). `brief` gives the flat map fields instead of whole records."""
    f = filters or IncidentFilters()
    c = incidents.c
    if brief:
        q = select(c.id, c.type, c.mode, c.date, c.end_date, c.lat, c.lon, c.country,
                   c.place["name"].as_string().label("place"), c.killed_min, c.killed_max, c.grade, c.origins,
                   c.n_reports)
    else:
        q = select(c.record)
    q = _incident_where(q, f).order_by(c.date.desc().nulls_last(), c.id).offset(f.offset or 0)
    if f.limit is not None:
        q = q.limit(f.limit)
    if not brief:
        return [r for (r,) in conn.execute(q)]
    return [dict(r) for r in conn.execute(q).mappings()]


MAP_COLUMNS = ("id", "lat", "lon", "grade", "type", "mode", "date", "end_date", "killed", "place", "reports",
               "origins")


def map_incidents(conn: Connection, filters: IncidentFilters | None = None) -> dict[str, Any]:
    """The map's markers as parallel arrays (one entry per incident, newest first): only what a marker,
    its label, the in-view list and the timeline need; the rest comes from `get_incident` on demand.

    Columnar and coded (`grade`, `type` and `mode` index into `grades`, `types`, `modes`), so 10,000
    incidents are ~0.6 MB of JSON instead of ~2.5 MB of records, and parse in a few milliseconds.
    """
    f = filters or IncidentFilters()
    c = incidents.c
    q = select(c.id, c.lat, c.lon, c.grade, c.type, c.mode, c.date, c.end_date, c.killed_min, c.killed_max,
               c.place["name"].as_string(), c.n_reports, c.origins)
    q = _incident_where(q, f).order_by(c.date.desc().nulls_last(), c.id).offset(f.offset or 0)
    if f.limit is not None:
        q = q.limit(f.limit)
    out: dict[str, Any] = {k: [] for k in MAP_COLUMNS}
    codes: dict[str, dict[str | None, int]] = {"grades": {g: i for i, g in enumerate(GRADES)}, "types": {},
                                               "modes": {}}

    def code(kind: str, value: str | None) -> int | None:
        if value is None:
            return None
        table = codes[kind]
        return table.setdefault(value, len(table))

    cols = [out[k] for k in MAP_COLUMNS]
    for iid, lat, lon, grade, typ, mode, d, end, kmin, kmax, place, n, origins in conn.execute(q):
        row = (iid, None if lat is None else round(lat, 5), None if lon is None else round(lon, 5),
               code("grades", grade), code("types", typ), code("modes", mode), d, end,
               kmax if kmax is not None else kmin, place, n, origins)
        for col, v in zip(cols, row, strict=True):
            col.append(v)
    out.update({k: list(v) for k, v in codes.items()})
    out["n"] = len(out["id"])
    return out


def incident_facets(conn: Connection) -> dict[str, list[str]]:
    """The values the map's filters offer: types, grades and outlet affiliations present."""
    c = incidents.c
    types = [t for (t,) in conn.execute(select(c.type).where(c.type.is_not(None)).distinct().order_by(c.type))]
    present = {g for (g,) in conn.execute(select(c.grade).distinct())}
    a = s.articles.c
    affs = [x for (x,) in conn.execute(select(a.outlet_affiliation).where(a.outlet_affiliation.is_not(None))
                                       .distinct().order_by(a.outlet_affiliation))]
    return {"types": types, "grades": [g for g in GRADES if g in present] or list(GRADES),
            "affiliations": affs}


def _claim_chain(doc: dict, event: dict, outlet: str | None) -> list[str]:
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
        return rec
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
                       "chain": _claim_chain(doc, ev, rp.get("outlet_name") or art["outlet_name"])})
        reports.append(rp)
    rec["reports"] = reports
    return rec


def article_incidents(conn: Connection, article_id: str) -> list[dict]:
    """The incidents an article's events feed: incident id, event id, grade, type, date, place."""
    r, c = incident_reports.c, incidents.c
    q = (select(r.event_id, c.id, c.grade, c.type, c.mode, c.date, c.place, c.n_reports)
         .join(incidents, c.id == r.incident_id).where(r.article_id == article_id).order_by(r.event_id))
    out = []
    for row in conn.execute(q).mappings():
        d = dict(row)
        place = d.pop("place") or {}
        d["place"] = place.get("name") or place.get("text")
        d["event"] = d.pop("event_id")
        out.append(d)
    return out


# ---------------------------------------------------------------- articles

def search_articles(conn: Connection, *, q: str | None = None, outlet: str | None = None,
                    since: str | None = None, until: str | None = None, limit: int | None = 50,
                    offset: int = 0) -> list[dict]:
    """Stored articles matching a text (title or body), an outlet and a publication window."""
    return list(repo.list_articles(conn, limit=limit, offset=offset, outlet=outlet, since=since,
                                   until=until, q=q))


get_document = repo.get_document


# ---------------------------------------------------------------- events

_EVENT_COLS = ("id", "type", "mode", "context", "actors", "recipients", "place", "date", "end_date",
               "date_precision", "killed", "injured", "trigger", "sentence", "status", "claim", "negated")
SMALL_BOX_DEG2 = 1.0  # a box this small (about a city) over a long window: read it by position first
LONG_WINDOW_DAYS = 180


def _window_days(since: str | None, until: str | None) -> float:
    """Days between two ISO dates; unbounded (inf) when either is missing or unreadable."""
    from datetime import date

    try:
        return (date.fromisoformat(until[:10]) - date.fromisoformat(since[:10])).days  # type: ignore[index]
    except (TypeError, ValueError):
        return float("inf")


_PLACE_COLS = ("text", "name", "geonameid", "lat", "lon", "country", "admin1", "feature_code", "precision")


def _event_where(q, f: EventFilters, box_first: bool = False):
    """`box_first`: compare dates on an expression, so SQLite cannot walk the date range of the
    date/lat/lon index and seeks the box inside it instead (a skip-scan over the dates, `ANY(date)
    AND lat>? AND lat<?`): for a city over ten years, 3 ms instead of 30."""
    e = s.events.c
    date = e.date.concat("") if box_first else e.date
    if f.type:
        q = q.where(e.type == f.type.upper())
    if f.status:
        q = q.where(e.status == f.status)
    if f.since:
        q = q.where(date >= f.since)
    if f.until:
        q = q.where(date <= f.until + "\uffff")
    if f.bbox:
        x0, y0, x1, y1 = f.bbox
        q = q.where(e.lat >= y0, e.lat <= y1, e.lon >= x0, e.lon <= x1)
    if f.article:
        q = q.where(e.article_id == f.article)
    if f.country:
        p = s.places.c
        q = q.where(exists().where(p.article_id == e.article_id, p.id == e.place, p.country == f.country.upper()))
    if f.actor:
        a = s.actors.c
        quoted = literal('%"') + a.id + literal('"%')
        q = q.where(exists().where(
            a.article_id == e.article_id, or_(a.entity == f.actor, a.name == f.actor),
            or_(cast(e.actors, Text).like(quoted), cast(e.recipients, Text).like(quoted))))
    return q


_JSON_COLS = frozenset({"context", "actors", "recipients", "killed", "injured", "trigger", "sentence"})


def _event_rows(conn: Connection, q) -> list[dict]:
    """The page of event rows as dicts. On SQLite the JSON columns come back as their stored text and
    the whole page is decoded in one `json.loads` (a third of the request time saved at 100 rows)."""
    rows = conn.execute(q).all()
    names = ("article_id", *_EVENT_COLS)
    if conn.dialect.name != "sqlite" or not rows:
        return [dict(zip(names, r, strict=True)) for r in rows]
    at = [i for i, n in enumerate(names) if n in _JSON_COLS]
    decoded = iter(json.loads("[" + ",".join("null" if r[i] is None else r[i] for r in rows for i in at) + "]"))
    out = []
    for r in rows:
        d = dict(zip(names, r, strict=True))
        for i in at:
            d[names[i]] = next(decoded)
        out.append(d)
    return out


def list_events(conn: Connection, filters: EventFilters | None = None) -> list[dict]:
    """Stored events (newest date first) with their article, outlet, place and resolved actors.

    The filtering query touches the events table (and its date/lat/lon index) only;
    places, actors and outlets are looked up for the page of results afterwards.
    A small box over a long window (a city over ten years) is sought by position instead
    of walking the dates (see `_event_where`).
    """
    f = filters or EventFilters()
    e = s.events.c
    sqlite = conn.dialect.name == "sqlite"
    small = bool(f.bbox) and (f.bbox[2] - f.bbox[0]) * (f.bbox[3] - f.bbox[1]) <= SMALL_BOX_DEG2
    small = small and _window_days(f.since, f.until) > LONG_WINDOW_DAYS
    cols = [type_coerce(e[c], Text) if sqlite and c in _JSON_COLS else e[c] for c in _EVENT_COLS]
    q = _event_where(select(e.article_id, *cols), f, box_first=small and sqlite)
    # SQLite already sorts NULLs last in DESC order; saying so would stop it reading the index in order
    first = e.date.desc() if sqlite else e.date.desc().nulls_last()
    q = q.order_by(first, e.lat.desc(), e.lon.desc()).offset(f.offset or 0)
    if f.limit is not None:
        q = q.limit(f.limit)
    rows = _event_rows(conn, q)
    if not rows:
        return []
    art_ids = sorted({r["article_id"] for r in rows})
    a, p, ac = s.articles.c, s.places.c, s.actors.c
    arts = {r["id"]: r for r in conn.execute(
        select(a.id, a.published, a.outlet_id, a.outlet_name, a.outlet_country, a.outlet_affiliation, a.title)
        .where(a.id.in_(art_ids))).mappings()}
    place_keys = sorted({(r["article_id"], r["place"]) for r in rows if r["place"]})
    places = {}
    if place_keys:
        for pr in conn.execute(select(p.article_id, p.id, *(p[c] for c in _PLACE_COLS))
                               .where(tuple_(p.article_id, p.id).in_(place_keys))).mappings():
            places[(pr["article_id"], pr["id"])] = {c: pr[c] for c in ("id", *_PLACE_COLS)}
    actor_keys = sorted({(r["article_id"], x) for r in rows for x in (r["actors"] or []) + (r["recipients"] or [])})
    actors = {}
    if actor_keys:
        for ar in conn.execute(select(ac.article_id, ac.id, ac.text, ac.name, ac.entity, ac.country, ac.sector)
                               .where(tuple_(ac.article_id, ac.id).in_(actor_keys))).mappings():
            actors[(ar["article_id"], ar["id"])] = {k: ar[k] for k in ("id", "text", "name", "entity", "country",
                                                                        "sector")}
    out = []
    for r in rows:
        aid = r.pop("article_id")
        art = arts.get(aid) or {}
        d = {"article": aid, **r}
        d["place"] = places.get((aid, r["place"])) if r["place"] else None
        d["actors"] = [actors.get((aid, x)) or {"id": x} for x in r["actors"] or []]
        d["recipients"] = [actors.get((aid, x)) or {"id": x} for x in r["recipients"] or []]
        d["published"] = art.get("published")
        d["title"] = art.get("title")
        d["outlet"] = {"id": art.get("outlet_id"), "name": art.get("outlet_name"),
                       "country": art.get("outlet_country"), "affiliation": art.get("outlet_affiliation")}
        out.append(d)
    return out


def iter_events(conn: Connection, filters: EventFilters | None = None, page: int = 1000) -> Iterator[dict]:
    """Every event matching the filters, fetched a page at a time (for exports)."""
    f = filters or EventFilters()
    base, cap = f.offset or 0, f.limit
    n = 0
    while True:
        size = page if cap is None else min(page, cap - n)
        if size <= 0:
            return
        chunk = list_events(conn, EventFilters(**{**f.__dict__, "limit": size, "offset": base + n}))
        yield from chunk
        n += len(chunk)
        if len(chunk) < size:
            return
