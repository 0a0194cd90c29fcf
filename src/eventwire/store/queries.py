"""The read queries behind the CLI, the REST API and the web pages: one function per question.

`eventwire incidents`, `GET /api/incidents` and the map page all call
`list_incidents`; `GET /api/events` calls `list_events`; the article search and
the article page call `search_articles` and `get_document`; the incident page and
`GET /api/incidents/{id}` call `get_incident`. Each formats the same rows, so
the three front ends cannot disagree. Core expressions with bound values only.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
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

from eventwire.records import GRADES, Incident
from eventwire.store import repo
from eventwire.store import schema as s
from eventwire.store.incidents import incident_reports, incidents

__all__ = ["GRADES", "get_incident", "incident_record", "list_incidents"]


def incident_record(rec: dict) -> dict:
    """A stored incident as its contract record (`records.Incident`): every reader goes through here."""
    return Incident.model_validate(rec).to_dict()
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
    q: str | None = None            # words in the article (title or body) the event comes from


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
    country: str | None = None      # ISO alpha-3 of the incident's place
    province: str | None = None     # first-level division (admin1) of the incident's place
    outlet: str | None = None       # at least one report from this outlet (id or name)
    q: str | None = None            # words in the title or text of one of its reports' articles
    sort: str = "date"              # a key of INCIDENT_SORTS
    desc: bool = True


def filters_from(cls: type, values: Mapping[str, Any]):
    """A filters dataclass from a mapping (query parameters, CLI options); unknown keys ignored."""
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in values.items() if k in names and v not in (None, "")})


# ---------------------------------------------------------------- incidents

def _incident_where(q, f: IncidentFilters, conn: Connection | None = None):
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
    if f.country:
        q = q.where(c.country == f.country.upper())
    if f.province:
        q = q.where(c.admin1 == f.province)
    if f.outlet:
        r, a = incident_reports.c, s.articles.c
        q = q.where(exists().where(r.incident_id == c.id, a.id == r.article_id,
                                   or_(a.outlet_id == f.outlet, a.outlet_name == f.outlet)))
    if f.q:
        q = q.where(_incident_text(conn, f.q))
    return q


def _incident_text(conn: Connection | None, words: str):
    """A condition on each incident: one of its reports' articles holds every word.

    A rare word names few incidents: they are read by id from the word's articles and sorted (work
    grows with the matches). A common word matches often, so the incidents are walked in the table's
    order and each is tested against the matching article rowids, read once from the FTS5 doclist
    (work grows with 50 / the share matched). Break-even near sqrt(50 x incidents) matches; the
    articles' count, from the FTS index, stands in for it (~3 incidents per article)."""
    r = incident_reports.c
    drive = incidents.c.id.in_(select(r.incident_id).where(r.article_id.in_(_text_articles(conn, words))))
    if conn is None or not _has_fts(conn):
        return drive
    few = _few_text_articles(conn)
    if count_text_articles(conn, words, cap=few) <= few:
        return drive
    from sqlalchemy import text

    return text(f"EXISTS (SELECT 1 FROM incident_reports r JOIN articles a ON a.id = r.article_id WHERE "
                f"r.incident_id = incidents.id AND a.rowid IN (SELECT rowid FROM {TEXT_INDEX} WHERE "
                f"{TEXT_INDEX} MATCH :fts_i))").bindparams(fts_i=fts_query(words))


def _few_text_articles(conn: Connection) -> int:
    """Matching articles up to which an incident text filter is read from the word's side: about
    sqrt(50 x incidents) / 3 (incidents: the largest rowid, one seek)."""
    import math

    from sqlalchemy import func, literal_column

    n = int(conn.execute(select(func.max(literal_column("rowid"))).select_from(incidents)).scalar() or 0)
    return max(200, int(math.sqrt(50 * n) / 3))


# the incidents table's sort keys -> columns (ties: id)
INCIDENT_SORTS = {"date": "date", "type": "type", "country": "country", "province": "admin1",
                  "killed": "killed_max", "reports": "n_reports", "origins": "origins", "grade": "grade"}


def _incident_order(f: IncidentFilters, sqlite: bool = False) -> list:
    """Sort keys, unknown values last. SQLite already puts NULLs last when descending; saying so would
    stop it reading the column's index in order."""
    c = incidents.c
    col = c[INCIDENT_SORTS.get(f.sort or "date", "date")]
    if f.desc:
        return [col.desc() if sqlite else col.desc().nulls_last(), c.id.desc() if sqlite else c.id]
    return [col.asc().nulls_last(), c.id]


TOTAL_CAP = 10_000  # the incidents table counts matches up to this many ("10,000+" beyond)
TEXT_TOTAL_CAP = 1_000  # ... and up to this many with a text filter (counted from the words' articles)


_INCIDENT_FILTERS = ("grade", "type", "since", "until", "bbox", "actor", "affiliation", "article", "country", "province",
                     "outlet", "q")


def count_incidents(conn: Connection, filters: IncidentFilters | None = None, cap: int | None = None) -> int:
    """How many incidents match (the table's total); with `cap`, at most cap + 1, so the work per
    request is bounded however many match (a count over a million rows is not).

    Capped, the rows counted are a constant (an index on the filtered column covers them: no table
    row is read), and a text filter is counted from its articles' reports (distinct incidents, until
    cap + 1 are found) rather than by testing incidents."""
    from sqlalchemy import func

    f = filters or IncidentFilters()
    if cap is None:
        q = _incident_where(select(func.count()).select_from(incidents), f, conn)
        return int(conn.execute(q).scalar_one())
    if f.q:  # aliases: the other filters' EXISTS name incident_reports and articles themselves
        tr, ta = incident_reports.alias("tr"), s.articles.alias("ta")
        r, c, a = tr.c, incidents.c, ta.c
        rest = IncidentFilters(**{**f.__dict__, "q": None})
        alone = not any(getattr(rest, k) for k in _INCIDENT_FILTERS)  # only the text: no incident row needed
        joined = tr if alone else tr.join(incidents, c.id == r.incident_id)
        match = fts_query(f.q)
        if match and _has_fts(conn):  # the word's doclist streamed: stops once cap + 1 incidents are seen
            from sqlalchemy import column, literal_column, table

            fts = table(TEXT_INDEX, column("rowid"))
            joined = fts.join(ta, literal_column("ta.rowid") == fts.c.rowid).join(joined, r.article_id == a.id)
            text_cond = literal_column(TEXT_INDEX).op("MATCH")(match)
        else:
            text_cond = r.article_id.in_(_text_articles(conn, f.q))
        inner = _incident_where(select(r.incident_id).distinct().select_from(joined).where(text_cond), rest, conn)
    else:
        inner = _incident_where(select(literal(1)).select_from(incidents), f, conn)
    inner = inner.limit(cap + 1).subquery()
    return int(conn.execute(select(func.count()).select_from(inner)).scalar_one())


def incident_total(conn: Connection, filters: IncidentFilters) -> tuple[int, bool]:
    """The incidents table's total: (count, exact). Beyond the cap, (cap, False): shown as "cap+"."""
    cap = TEXT_TOTAL_CAP if filters.q else TOTAL_CAP
    n = count_incidents(conn, filters, cap=cap)
    return min(n, cap), n <= cap


# ---------------------------------------------------------------- free text

TEXT_INDEX = "articles_fts"


def ensure_text_index(engine: Any) -> bool:
    """On SQLite, an FTS5 index of article titles and texts kept in step by triggers; True when present.

    Created here rather than in a migration because Alembic cannot describe a virtual table (the
    migration test compares every table with `schema.metadata`); it is derived data, rebuilt from
    `articles` when first made. Other backends search with ILIKE.
    """
    if engine.dialect.name != "sqlite":
        return False
    from sqlalchemy import text

    with engine.begin() as conn:
        have = conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = :n"), {"n": TEXT_INDEX}).first()
        if have:
            return True
        try:
            conn.execute(text(f"CREATE VIRTUAL TABLE {TEXT_INDEX} USING fts5(title, text, content='articles', "
                              "content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')"))
        except Exception:  # noqa: BLE001 - SQLite without FTS5: fall back to LIKE
            return False
        conn.execute(text(f"CREATE TRIGGER {TEXT_INDEX}_ai AFTER INSERT ON articles BEGIN INSERT INTO "
                          f"{TEXT_INDEX}(rowid, title, text) VALUES (new.rowid, new.title, new.text); END"))
        conn.execute(text(f"CREATE TRIGGER {TEXT_INDEX}_ad AFTER DELETE ON articles BEGIN INSERT INTO "
                          f"{TEXT_INDEX}({TEXT_INDEX}, rowid, title, text) VALUES ('delete', old.rowid, old.title, "
                          "old.text); END"))
        conn.execute(text(f"CREATE TRIGGER {TEXT_INDEX}_au AFTER UPDATE ON articles BEGIN INSERT INTO "
                          f"{TEXT_INDEX}({TEXT_INDEX}, rowid, title, text) VALUES ('delete', old.rowid, old.title, "
                          f"old.text); INSERT INTO {TEXT_INDEX}(rowid, title, text) VALUES (new.rowid, new.title, "
                          "new.text); END"))
        conn.execute(text(f"INSERT INTO {TEXT_INDEX}({TEXT_INDEX}) VALUES ('rebuild')"))
    return True


ACTOR_INDEX = "event_actors"


def _actor_keys_sql(new: bool) -> str:
    """SELECT of an event's actor keys (entity id and name of each actor and recipient) with its date:
    of the row `new` (in a trigger) or of every event."""
    e, src = ("new", "") if new else ("e", "events e, ")
    parts = [f"SELECT {e}.article_id, {e}.id, a.{key}, {e}.date FROM {src}json_each({e}.{role}) j JOIN actors a "
             f"ON a.article_id = {e}.article_id AND a.id = j.value WHERE a.{key} IS NOT NULL"
             for role in ("actors", "recipients") for key in ("entity", "name")]
    return " UNION ALL ".join(parts)


def ensure_actor_index(engine: Any) -> bool:
    """On SQLite, `event_actors`: one row per (event, actor entity or name) with the event's date,
    indexed by (key, date) and kept in step by triggers on `events`, so the actor filter reads the
    newest events of an actor directly. Derived data like the text index (built from `events` and
    `actors` when first made); other backends test each event's actors."""
    if engine.dialect.name != "sqlite":
        return False
    from sqlalchemy import text

    with engine.begin() as conn:
        if conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = :n"), {"n": ACTOR_INDEX}).first():
            return True
        conn.execute(text(f"CREATE TABLE {ACTOR_INDEX} (article_id TEXT NOT NULL, event_id TEXT NOT NULL, "
                          "key TEXT NOT NULL, date TEXT, PRIMARY KEY (article_id, event_id, key))"))
        conn.execute(text(f"CREATE INDEX ix_{ACTOR_INDEX}_key_date ON {ACTOR_INDEX} (key, date)"))
        conn.execute(text(f"CREATE TRIGGER {ACTOR_INDEX}_ai AFTER INSERT ON events BEGIN INSERT OR IGNORE INTO "
                          f"{ACTOR_INDEX} {_actor_keys_sql(True)}; END"))
        conn.execute(text(f"CREATE TRIGGER {ACTOR_INDEX}_ad AFTER DELETE ON events BEGIN DELETE FROM {ACTOR_INDEX} "
                          "WHERE article_id = old.article_id AND event_id = old.id; END"))
        conn.execute(text(f"INSERT OR IGNORE INTO {ACTOR_INDEX} {_actor_keys_sql(False)}"))
    return True


def ensure_search_indexes(engine: Any) -> None:
    """The derived search structures of a SQLite store (text index, actor index); none elsewhere."""
    ensure_text_index(engine)
    ensure_actor_index(engine)


_PRESENT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # engine -> derived structures seen in it


def _sqlite_has(conn: Connection, name: str) -> bool:
    """Whether a SQLite store has the derived table `name`. Once seen it is remembered for the engine
    (they are created, never dropped): a text request asked sqlite_master five times."""
    if conn.dialect.name != "sqlite":
        return False
    seen = _PRESENT.setdefault(conn.engine, set())
    if name in seen:
        return True
    from sqlalchemy import text

    if conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = :n"), {"n": name}).first() is None:
        return False
    seen.add(name)
    return True


def _has_actor_index(conn: Connection) -> bool:
    return _sqlite_has(conn, ACTOR_INDEX)


def fts_query(words: str) -> str | None:
    """User text as an FTS5 query: every word must occur (each quoted, so no operator is read)."""
    import re

    toks = re.findall(r"\w+", words or "")
    return " ".join(f'"{t}"' for t in toks[:20]) or None


def _has_fts(conn: Connection) -> bool:
    return _sqlite_has(conn, TEXT_INDEX)


def _text_articles(conn: Connection | None, words: str):
    """A subquery of the ids of the articles whose title or text holds every word of `words`
    (FTS5 on SQLite when the index exists, else ILIKE per word)."""
    from sqlalchemy import column, literal_column, table

    a = s.articles.c
    match = fts_query(words)
    if conn is not None and match and _has_fts(conn):
        fts = table(TEXT_INDEX, column("rowid"))
        rowids = select(fts.c.rowid).where(literal_column(TEXT_INDEX).op("MATCH")(match))
        return select(a.id).where(literal_column("articles.rowid").in_(rowids))
    cond = [or_(a.title.icontains(w, autoescape=True), a.text.icontains(w, autoescape=True))
            for w in (words.split() or [words])]
    return select(a.id).where(and_(*cond))


def _many_articles(conn: Connection) -> int:
    """Above this many matching articles, testing each event met (an FTS5 lookup) is cheaper than
    materialising the matching rowids: measured break-even near the square root of 2000 x the events
    stored (45,000 at a million)."""
    import math

    return max(1000, int(math.sqrt(2000 * _events_stored(conn))))


def _text_rowids(conn: Connection, words: str):
    """A condition on each event: its article's rowid is among those FTS5 matches (the set of integers
    read once from the index's doclists, with no lookup of article rows)."""
    from sqlalchemy import text

    match = fts_query(words)
    if match and _has_fts(conn):
        return text(f"(SELECT articles.rowid FROM articles WHERE articles.id = events.article_id) IN "
                    f"(SELECT rowid FROM {TEXT_INDEX} WHERE {TEXT_INDEX} MATCH :fts_r)").bindparams(fts_r=match)
    return s.events.c.article_id.concat("").in_(_text_articles(conn, words))


def _text_probe(conn: Connection, words: str):
    """A condition on each event: its article holds every word. For a common word, testing the events
    met newest first (an FTS5 lookup of one rowid each) beats materialising every matching article."""
    from sqlalchemy import text

    match = fts_query(words)
    if match and _has_fts(conn):
        return text(f"EXISTS (SELECT 1 FROM {TEXT_INDEX} WHERE {TEXT_INDEX} MATCH :fts_m AND {TEXT_INDEX}.rowid = "
                    "(SELECT articles.rowid FROM articles WHERE articles.id = events.article_id))"
                    ).bindparams(fts_m=match)
    return s.events.c.article_id.concat("").in_(_text_articles(conn, words))


def count_text_articles(conn: Connection, words: str, cap: int | None = None) -> int:
    """How many articles hold every word (decides how a text query is read; see `list_events`); with
    `cap`, at most cap + 1 (the doclist read only that far: a common word is in most articles)."""
    from sqlalchemy import func, text

    match = fts_query(words)
    limit = "" if cap is None else f" LIMIT {int(cap) + 1}"
    if match and _has_fts(conn):
        return int(conn.execute(text(f"SELECT count(*) FROM (SELECT 1 FROM {TEXT_INDEX} WHERE {TEXT_INDEX} "
                                     f"MATCH :m{limit})"), {"m": match}).scalar_one())
    q = _text_articles(conn, words)
    if cap is not None:
        q = q.limit(cap + 1)
    return int(conn.execute(select(func.count()).select_from(q.subquery())).scalar_one())


SAMPLE_SHARE = 8  # estimate_text_articles counts the matches among the newest 1/8 of article rowids


def estimate_text_articles(conn: Connection, words: str, cap: int) -> int:
    """About how many articles hold every word, at most about cap + 1: the matches among the newest
    1/SAMPLE_SHARE of article rowids, times SAMPLE_SHARE (FTS5 seeks the rowid range, so a common
    word costs a tenth of counting its whole doclist: 0.3 ms instead of 3-6 ms at 100,000 articles).
    It only chooses how a text filter is read, never what it finds. Exact where there is no FTS5."""
    from sqlalchemy import func, literal_column, text

    match = fts_query(words)
    if not (match and _has_fts(conn)):
        return count_text_articles(conn, words, cap=cap)
    hi = int(conn.execute(select(func.max(literal_column("rowid"))).select_from(s.articles)).scalar() or 0)
    n = conn.execute(text(f"SELECT count(*) FROM (SELECT 1 FROM {TEXT_INDEX} WHERE {TEXT_INDEX} MATCH :m AND "
                          f"rowid > :lo LIMIT {int(cap) // SAMPLE_SHARE + 1})"),
                     {"m": match, "lo": hi - hi // SAMPLE_SHARE}).scalar_one()
    return int(n) * SAMPLE_SHARE


def list_incidents(conn: Connection, filters: IncidentFilters | None = None, *,
                   brief: bool = False) -> list[dict]:
    """Incident records (newest first). `brief` gives the flat map fields instead of whole records."""
    f = filters or IncidentFilters()
    c = incidents.c
    if brief:
        q = select(c.id, c.type, c.mode, c.date, c.end_date, c.lat, c.lon, c.country,
                   c.place["name"].as_string().label("place"), c.killed_min, c.killed_max, c.grade, c.origins,
                   c.n_reports, c.admin1, c.grade_reason, c.actors, c.recipients)
    else:
        q = select(c.record)
    q = _incident_where(q, f, conn).order_by(*_incident_order(f, conn.dialect.name == "sqlite")).offset(f.offset or 0)
    if f.limit is not None:
        q = q.limit(f.limit)
    if not brief:
        return [incident_record(r) for (r,) in conn.execute(q)]
    out = []
    for r in conn.execute(q).mappings():
        d = dict(r)
        for k in ("actors", "recipients"):  # names only: what a table row shows
            d[k] = [a.get("name") or a.get("entity") for a in d.get(k) or [] if isinstance(a, dict)]
        out.append(d)
    return out


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
    q = _incident_where(q, f, conn).order_by(c.date.desc().nulls_last(), c.id).offset(f.offset or 0)
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


TIMELINE_UNITS = ("day", "week", "month", "year")


def _day(value: str | None) -> int | None:
    """An ISO date (or datetime, or a year-month / year) as a day number; None when unreadable."""
    from datetime import date

    v = (value or "")[:10]
    v = v + "-01-01"[len(v) - 4:] if len(v) in (4, 7) else v
    try:
        return date.fromisoformat(v).toordinal()
    except ValueError:
        return None


def _bin_start(day: int, unit: str) -> int:
    from datetime import date

    d = date.fromordinal(day)
    if unit == "week":  # Monday
        return day - d.weekday()
    if unit == "month":
        return d.replace(day=1).toordinal()
    if unit == "year":
        return d.replace(month=1, day=1).toordinal()
    return day


def _bin_next(start: int, unit: str) -> int:
    from datetime import date

    d = date.fromordinal(start)
    if unit == "week":
        return start + 7
    if unit == "month":
        return date(d.year + d.month // 12, d.month % 12 + 1, 1).toordinal()
    if unit == "year":
        return date(d.year + 1, 1, 1).toordinal()
    return start + 1


def timeline_unit(span_days: int) -> str:
    """The bin that keeps a range to at most a few hundred bars (as the web timeline chooses it)."""
    if span_days <= 92:
        return "day"
    if span_days <= 2 * 366:
        return "week"
    return "month" if span_days <= 25 * 366 else "year"


def incident_timeline(conn: Connection, filters: IncidentFilters | None = None, unit: str | None = None) -> dict:
    """How many matching incidents fall in each day, week, month or year: the timeline, counted in SQL
    (one row per distinct date, read from the date index) instead of sending every incident's date.

    The range shown runs over the bulk of the dates: with 20 or more, dates further than a quarter of
    the 1st-99th percentile span outside it are clipped and counted (`clipped_before`/`clipped_after`),
    so one event dated 1964 does not stretch ten years of bars. `unit` (day, week, month, year) is
    chosen from the range when not given. Bins are contiguous, empty ones included; `end` is the bin's
    last day."""
    from datetime import date

    from sqlalchemy import func

    if unit is not None and unit not in TIMELINE_UNITS:
        raise ValueError(f"unit {unit!r} is not one of {', '.join(TIMELINE_UNITS)}")
    f = IncidentFilters(**{**(filters or IncidentFilters()).__dict__, "limit": None, "offset": 0})
    c = incidents.c
    q = _incident_where(select(c.date, func.count()).where(c.date.is_not(None)), f, conn).group_by(c.date)
    per_day: dict[int, int] = {}
    for d, n in conn.execute(q):
        k = _day(d)
        if k is not None:
            per_day[k] = per_day.get(k, 0) + int(n)
    out: dict[str, Any] = {"unit": unit, "bins": [], "n": sum(per_day.values()), "lo": None, "hi": None,
                           "min": None, "max": None, "clipped_before": 0, "clipped_after": 0}
    if not per_day:
        return out
    days = sorted(per_day)
    lo, hi, total = days[0], days[-1], out["n"]
    if total >= 20:
        def at(rank: int) -> int:  # the day holding the rank-th date (0-based) in date order
            seen = 0
            for d in days:
                seen += per_day[d]
                if seen > rank:
                    return d
            return days[-1]

        import math

        p1, p99 = at(math.floor(0.01 * (total - 1))), at(math.ceil(0.99 * (total - 1)))
        span = max(p99 - p1, 30)
        lo = next(d for d in days if d >= p1 - 0.25 * span)
        hi = next(d for d in reversed(days) if d <= p99 + 0.25 * span)
    unit = unit or timeline_unit(hi - lo + 1)
    counts: dict[int, int] = {}
    for d, n in per_day.items():
        if d < lo:
            out["clipped_before"] += n
        elif d > hi:
            out["clipped_after"] += n
        else:
            b = _bin_start(d, unit)
            counts[b] = counts.get(b, 0) + n
    start = _bin_start(lo, unit)
    while start <= hi:
        nxt = _bin_next(start, unit)
        out["bins"].append({"start": date.fromordinal(start).isoformat(), "end": date.fromordinal(nxt - 1).isoformat(),
                            "total": counts.get(start, 0)})
        start = nxt
    out.update(unit=unit, lo=date.fromordinal(lo).isoformat(), hi=date.fromordinal(hi).isoformat(),
               min=date.fromordinal(days[0]).isoformat(), max=date.fromordinal(days[-1]).isoformat())
    return out


def distinct_values(conn: Connection, table: str, column: str) -> list[str]:
    """The distinct non-null values of an indexed column, in order, one index seek per value (a loose
    index scan written as a recursive CTE, valid on SQLite and PostgreSQL) instead of reading every
    row: 40 countries out of 330,000 incidents in 40 seeks. `table`/`column` are names from the schema,
    never user input."""
    from sqlalchemy import text

    sql = (f"WITH RECURSIVE v(x) AS (SELECT (SELECT {column} FROM {table} WHERE {column} IS NOT NULL "
           f"ORDER BY {column} LIMIT 1) UNION ALL SELECT (SELECT {column} FROM {table} WHERE {column} > v.x "
           f"ORDER BY {column} LIMIT 1) FROM v WHERE v.x IS NOT NULL) SELECT x FROM v WHERE x IS NOT NULL")
    return [x for (x,) in conn.execute(text(sql))]


def incident_facets(conn: Connection) -> dict[str, list[str]]:
    """The values the map's filters offer: types, grades, outlet affiliations and countries present
    (each read from its column's index, see `distinct_values`)."""
    present = set(distinct_values(conn, "incidents", "grade"))
    return {"types": distinct_values(conn, "incidents", "type"),
            "grades": [g for g in GRADES if g in present] or list(GRADES),
            "affiliations": distinct_values(conn, "articles", "outlet_affiliation"),
            "countries": distinct_values(conn, "incidents", "country")}


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


def _events_stored(conn: Connection) -> int:
    """About how many events are stored (SQLite: the largest rowid, one seek; else a round million)."""
    from sqlalchemy import func, literal_column

    if conn.dialect.name != "sqlite":
        return 1_000_000
    return int(conn.execute(select(func.max(literal_column("rowid"))).select_from(s.events)).scalar() or 0)


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
        q = q.order_by(first, e.lat.desc(), e.lon.desc()).offset(bindparam("f_offset", values["f_offset"], Integer))
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
            .order_by(first, pc.lat.desc(), pc.lon.desc()))


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


# ---------------------------------------------------------------- lists: outlets and actors

def list_outlets(conn: Connection, *, q: str | None = None, limit: int | None = 100, offset: int = 0) -> dict:
    """Outlets with how many articles, events and incidents they feed (most articles first)."""
    from sqlalchemy import func

    a, e, r = s.articles.c, s.events.c, incident_reports.c
    name = func.coalesce(a.outlet_id, a.outlet_name, literal("(unknown)"))
    n_events = (select(func.count()).select_from(s.events).where(e.article_id == a.id).scalar_subquery())
    n_inc = (select(func.count(r.incident_id.distinct())).where(r.article_id == a.id).scalar_subquery())
    base = select(name.label("id"), func.max(a.outlet_name).label("name"), func.max(a.outlet_country).label("country"),
                  func.max(a.outlet_affiliation).label("affiliation"), func.count().label("articles"),
                  func.sum(n_events).label("events"), func.sum(n_inc).label("incident_reports"),
                  func.max(a.published).label("latest")).group_by(name)
    if q:
        base = base.where(or_(a.outlet_id.icontains(q, autoescape=True), a.outlet_name.icontains(q, autoescape=True)))
    total = conn.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    stmt = base.order_by(func.count().desc(), name).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return {"items": [dict(x) for x in conn.execute(stmt).mappings()], "total": int(total)}


def list_actors(conn: Connection, *, q: str | None = None, limit: int | None = 100, offset: int = 0) -> dict:
    """Actors as the analysis names them (entity id, else name), with how often and in how many
    articles they are mentioned (most mentioned first). Shown as the data says, noise included."""
    from sqlalchemy import func

    a = s.actors.c
    key = func.coalesce(a.entity, a.name, a.text)
    base = select(key.label("key"), func.max(a.entity).label("entity"), func.max(a.name).label("name"),
                  func.max(a.country).label("country"), func.max(a.sector).label("sector"),
                  func.count().label("mentions"), func.count(a.article_id.distinct()).label("articles")
                  ).group_by(key)
    if q:
        base = base.where(or_(a.entity.icontains(q, autoescape=True), a.name.icontains(q, autoescape=True),
                              a.text.icontains(q, autoescape=True)))
    total = conn.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    stmt = base.order_by(func.count().desc(), key).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return {"items": [dict(x) for x in conn.execute(stmt).mappings()], "total": int(total)}


def delete_article(conn: Connection, article_id: str) -> bool:
    """Delete a stored article with its items and its reports in incidents (foreign keys cascade);
    the caller re-links so its incidents are rebuilt from the reports left."""
    from sqlalchemy import delete

    r = incident_reports.c
    conn.execute(delete(incident_reports).where(r.article_id == article_id))
    for t in s.SECTIONS.values():
        conn.execute(delete(t).where(t.c.article_id == article_id))
    return bool(conn.execute(delete(s.articles).where(s.articles.c.id == article_id)).rowcount)


def article_incident_list(conn: Connection, article_id: str) -> list[dict]:
    """The incidents an article feeds, each once, with the article's events in it (`events`)."""
    out: dict[str, dict] = {}
    for row in article_incidents(conn, article_id):
        d = out.setdefault(row["id"], {**{k: v for k, v in row.items() if k != "event"}, "events": []})
        d["events"].append(row["event"])
    return list(out.values())
