"""`GET /api/events` and the event exports: stored events, filtered and paged, with their article,
outlet, place and resolved actors. The page statement is built once per shape and reused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    Text,
    and_,
    bindparam,
    cast,
    exists,
    literal,
    or_,
    select,
    type_coerce,
)

from eventwire.store import schema as s
from eventwire.store.queries.filters import EventFilters
from eventwire.store.queries.search import (
    ACTOR_INDEX,
    _events_stored,
    _has_actor_index,
    _has_fts,
    _many_articles,
    _text_articles,
    _text_probe,
    _text_rowids,
    count_text_articles,
    estimate_text_articles,
    fts_query,
)

# ---------------------------------------------------------------- events

_EVENT_COLS = ("id", "type", "mode", "context", "actors", "recipients", "place", "date", "end_date",
               "date_precision", "killed", "injured", "trigger", "sentence", "status", "claim", "negated",
               "reciprocal")
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


def _event_where(q, f: EventFilters, box_first: bool = False, actor_index: bool = False):
    """`box_first`: compare dates on an expression, so SQLite cannot walk the date range of the
    date/lat/lon index and seeks the box inside it instead (a skip-scan over the dates, `ANY(date)
    AND lat>? AND lat<?`): for a city over ten years, 3 ms instead of 30."""
    e = s.events.c
    v = _event_values(f)
    date = e.date.concat("") if box_first else e.date

    def b(name: str):  # the filter's value as a named parameter (see `_event_values`)
        return bindparam(name, v[name])

    if f.type:
        q = q.where(e.type == b("f_type"))
    if f.status:
        q = q.where(e.status == b("f_status"))
    if f.since:
        q = q.where(date >= b("f_since"))
    if f.until:
        q = q.where(date <= b("f_until"))
    if f.bbox:
        q = q.where(e.lat >= b("f_y0"), e.lat <= b("f_y1"), e.lon >= b("f_x0"), e.lon <= b("f_x1"))
    if f.article:
        q = q.where(e.article_id == b("f_article"))
    if f.country:
        q = q.where(e.country == b("f_country"))
    if f.actor and not actor_index:  # with the actor index, `list_events` joins it instead
        a = s.actors.c
        quoted = literal('%"') + a.id + literal('"%')
        q = q.where(exists().where(
            a.article_id == e.article_id, or_(a.entity == b("f_actor"), a.name == b("f_actor")),
            or_(cast(e.actors, Text).like(quoted), cast(e.recipients, Text).like(quoted))))
    return q


def _event_values(f: EventFilters) -> dict[str, Any]:
    """The values of an events query's named parameters. A page statement is built once per shape
    (which filters, read how) and reused with these values (`_statement`): building and mapping a
    new 40-column statement cost more than running it (2-3 ms of 4 for a page of 100)."""
    v: dict[str, Any] = {"f_type": (f.type or "").upper() or None, "f_status": f.status or None,
                         "f_since": f.since or None, "f_until": f.until + "\uffff" if f.until else None,
                         "f_article": f.article or None, "f_country": (f.country or "").upper() or None,
                         "f_actor": f.actor or None, "f_offset": f.offset or 0, "f_limit": f.limit}
    if f.bbox:
        v.update(zip(("f_x0", "f_y0", "f_x1", "f_y1"), f.bbox, strict=True))
    match = fts_query(f.q) if f.q else None
    v.update(fts_r=match, fts_m=match)
    return v


_STATEMENTS: dict[tuple, Any] = {}  # page statements by shape, reused with new values
_STATEMENTS_MAX = 512


def _statement(key: tuple | None, build):
    """The statement for `key` (its shape), built by `build()` the first time; None: always built
    (its values are not all named parameters)."""
    if key is None:
        return build()
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        if len(_STATEMENTS) >= _STATEMENTS_MAX:
            _STATEMENTS.clear()
        stmt = _STATEMENTS[key] = build()
    return stmt


def _few_articles(conn: Connection) -> int:
    """How many articles a filter may name and still be read article by article rather than by walking
    the events newest first: reading k articles costs ~k, walking costs ~events/k, so the break-even
    grows with the square root of the events stored (SQLite: its largest rowid, a seek)."""
    import math

    return max(100, int(math.sqrt(_events_stored(conn))))


def _by_articles(conn: Connection, f: EventFilters, actor_index: bool = False
                 ) -> tuple[list[str] | None, Any, tuple | None]:
    """How to read the articles an actor or text filter allows: (a short list of article ids to read
    by primary key, or None; an extra condition on each event read, or None; the way chosen, for the
    statement's shape, None when its values are not all named parameters).

    A rare actor or word names few articles: reading their events and sorting them is quick. A common
    one matches often, so walking the events newest first and testing each stops early; the article
    ids are then a materialised subquery (`+article_id IN (...)`, so SQLite does not drive from it).
    """
    from sqlalchemy import func

    e = s.events.c
    sets, cond, ways = [], [], []
    few = _few_articles(conn)
    fts = bool(f.q) and bool(fts_query(f.q)) and _has_fts(conn)
    if f.actor and not actor_index:
        a = s.actors.c
        who = or_(a.entity == bindparam("f_actor", f.actor), a.name == bindparam("f_actor", f.actor))
        n = conn.execute(select(func.count()).select_from(s.actors).where(who)).scalar_one()
        if n <= 5 * few:  # an actor is in one event of its article in ~3: more articles read the same
            sets.append({x for (x,) in conn.execute(select(a.article_id).where(who))})
        else:  # the articles naming it, materialised once, tested per event before the JSON check
            cond.append(e.article_id.concat("").in_(select(a.article_id).where(who)))
            ways.append("actor articles")
    if f.q:
        many = _many_articles(conn)
        n = count_text_articles(conn, f.q, cap=few)
        if n <= few:
            sets.append({x for (x,) in conn.execute(_text_articles(conn, f.q))})
        elif estimate_text_articles(conn, f.q, cap=many) <= many:  # matching rowids, materialised once, probed
            cond.append(_text_rowids(conn, f.q))
            ways.append("text rowids")
        else:  # a common word: an FTS5 lookup per event met beats materialising most articles
            cond.append(_text_probe(conn, f.q))
            ways.append("text probe")
    shape = tuple(ways) if fts or not f.q else None
    rest = and_(*cond) if cond else None  # also when a list is read: an actor's few articles, a common word
    if sets:
        ids = set.intersection(*sets)
        return sorted(ids), rest, ("ids", *shape) if shape is not None else None
    return None, rest, shape


_JSON_COLS = frozenset({"context", "actors", "recipients", "killed", "injured", "trigger", "sentence"})


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
    by_actor = bool(f.actor) and sqlite and _has_actor_index(conn)
    few, cond, ways = None, None, ()
    if (f.actor and not by_actor) or f.q:
        few, cond, ways = _by_articles(conn, f, actor_index=by_actor)
        if few is not None and not few:
            return []
    values = _event_values(f)
    values["f_ids"] = few or []
    given = tuple(k for k, v in values.items() if v is not None and k.startswith("f_") and k not in ("f_x1", "f_y0",
                                                                                                    "f_y1", "f_x0"))
    key = None if ways is None else (conn.dialect.name, given, bool(f.bbox), small, by_actor, ways)

    def build():
        cols = [type_coerce(e[c], Text).label(c) if sqlite and c in _JSON_COLS else e[c] for c in _EVENT_COLS]
        cols += [e.lat, e.lon]  # the page's order, repeated outside it
        q = _event_where(select(e.article_id, *cols), f, box_first=small and sqlite, actor_index=by_actor)
        # SQLite already sorts NULLs last in DESC order; saying so would stop it reading the index in order
        first = e.date.desc() if sqlite else e.date.desc().nulls_last()
        if by_actor:  # the actor's events newest first, straight from ix_event_actors_key_date
            from sqlalchemy import column, table

            ea = table(ACTOR_INDEX, column("article_id"), column("event_id"), column("key"), column("date"))
            q = q.join(ea, and_(ea.c.article_id == e.article_id, ea.c.event_id == e.id)).where(
                ea.c.key == bindparam("f_actor", f.actor))
            if f.since:
                q = q.where(ea.c.date >= bindparam("f_since", values["f_since"]))
            if f.until:
                q = q.where(ea.c.date <= bindparam("f_until", values["f_until"]))
            first = ea.c.date.desc()
        if few is not None:
            q = q.where(e.article_id.in_(bindparam("f_ids", few, expanding=True)))
            if sqlite:  # sort the few rows found rather than walk the date index
                first = e.date.concat("").desc()
        if cond is not None:
            q = q.where(cond)
        q = q.order_by(first, *_coords_desc(e.lat, e.lon, sqlite)).offset(bindparam("f_offset", values["f_offset"], Integer))
        if f.limit is not None:
            q = q.limit(bindparam("f_limit", f.limit, Integer))
        return _page_statement(q, sqlite)

    rows = _event_page(conn, _statement(key, build), values, sqlite)
    if not rows:
        return []
    actor_keys = {(r["article"], x) for r in rows for x in (r["actors"] or []) + (r["recipients"] or [])}
    actors = {}
    if actor_keys:
        ac = s.actors.c
        stmt = _statement(("actors",), lambda: select(ac.article_id, ac.id, ac.text, ac.name, ac.entity, ac.country,
                                                      ac.sector).where(ac.article_id.in_(bindparam("ids", expanding=True))))
        for ar in conn.execute(stmt, {"ids": sorted({a for a, _ in actor_keys})}):
            if (ar[0], ar[1]) in actor_keys:
                actors[(ar[0], ar[1])] = dict(zip(_ACTOR_KEYS, ar[1:], strict=True))
    for d in rows:
        aid = d["article"]
        d["actors"] = [actors.get((aid, x)) or {"id": x} for x in d["actors"] or []]
        d["recipients"] = [actors.get((aid, x)) or {"id": x} for x in d["recipients"] or []]
    return rows


_ACTOR_KEYS = ("id", "text", "name", "entity", "country", "sector")
_ARTICLE_COLS = ("published", "title", "outlet_id", "outlet_name", "outlet_country", "outlet_affiliation")


def _page_statement(q, sqlite: bool):
    """The page of events `q` selects, each with its place and article, in one statement: the page
    (ordered and limited inside) joined to `places` and `articles` by primary key, so each row costs
    two index seeks. Looking them up afterwards by article read every place of the page's articles
    (ten times the rows) and cost more than the filter itself."""
    page = q.subquery("page")
    pc, p, a = page.c, s.places.c, s.articles.c
    first = pc.date.desc() if sqlite else pc.date.desc().nulls_last()
    return (select(*pc, p.id.label("p_id"), *(p[c].label("p_" + c) for c in _PLACE_COLS),
                   *(a[c].label("a_" + c) for c in _ARTICLE_COLS))
            .select_from(page.outerjoin(s.places, and_(p.article_id == pc.article_id, p.id == pc.place))
                         .outerjoin(s.articles, a.id == pc.article_id))
            .order_by(first, *_coords_desc(pc.lat, pc.lon, sqlite)))


def _coords_desc(lat, lon, sqlite: bool) -> list:
    """The page's tie order after the date, with events that have no place last on both engines
    (SQLite sorts NULLs last in DESC order by itself; PostgreSQL would put them first, and a page
    cut by `limit` would then hold other events)."""
    return [lat.desc(), lon.desc()] if sqlite else [lat.desc().nulls_last(), lon.desc().nulls_last()]


def _event_page(conn: Connection, stmt, values: dict[str, Any], sqlite: bool) -> list[dict]:
    """The rows of a page statement (`_page_statement`) run with `values`, as event dicts."""
    rows = conn.execute(stmt, values).all()
    if not rows:
        return []
    # positions: 0 the article, 1.. the event's columns, then lat, lon, the place's, the article's
    ev_at = list(enumerate(_EVENT_COLS, start=1))
    place_at = len(_EVENT_COLS) + 3
    art_at = place_at + len(_PLACE_COLS) + 1
    place_keys = ("id", *_PLACE_COLS)
    decoded = None
    if sqlite:  # the JSON columns came back as their stored text: the whole page in one json.loads
        js = [i for i, c in ev_at if c in _JSON_COLS]
        flat = json.loads("[" + ",".join("null" if r[i] is None else r[i] for r in rows for i in js) + "]")
        decoded = [dict(zip((_EVENT_COLS[i - 1] for i in js), flat[k:k + len(js)], strict=True))
                   for k in range(0, len(flat), len(js))]
    out = []
    for n, r in enumerate(rows):
        ev = {"article": r[0], **{c: r[i] for i, c in ev_at}}
        if decoded is not None:
            ev.update(decoded[n])
        ev["place"] = dict(zip(place_keys, r[place_at:art_at], strict=True)) if r[place_at] is not None else None
        published, title, oid, oname, ocountry, oaff = r[art_at:]
        ev["published"], ev["title"] = published, title
        ev["outlet"] = {"id": oid, "name": oname, "country": ocountry, "affiliation": oaff}
        out.append(ev)
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
