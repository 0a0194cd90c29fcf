"""The incidents table, the map and the filter values: filtered, sorted and counted incidents.

`eventwire incidents`, `GET /api/incidents`, `/api/map`, `/api/facets` and the exports read
incidents through these, so the table, the map and a file agree."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Connection,
    Text,
    and_,
    cast,
    exists,
    literal,
    or_,
    select,
)

from eventwire.records import GRADES
from eventwire.store import schema as s
from eventwire.store.incidents import incident_reports, incidents
from eventwire.store.queries.detail import incident_record
from eventwire.store.queries.filters import IncidentFilters
from eventwire.store.queries.search import (
    TEXT_INDEX,
    _has_fts,
    _text_articles,
    count_text_articles,
    fts_query,
)

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
