"""Incremental linking: new events meet only the stored reports of their date and place window.

The store keeps an index of every linked report (`store.scale.link_reports`: type,
date window as day ordinals, place; `link_report_days`: the earlier days an undated
event's article names). Linking new articles then reads, through indexed columns:

1. the new articles' reports (added to the index first);
2. the stored reports every path of `link.blocking` could pair with them: the same type,
   a date window that meets theirs (with the blocking's slack, the days their articles
   name) and a place that could be theirs (same country, no country, or within two grid
   cells), and the near-copies of their articles at any date (the store's `copy_of`
   marks, read by index); the reports among them that score a link with the new
   ones, and every report of their incidents, join the affected set, and so on
   until no stored report links to the set (its connected part of the link graph),
   with the reports any correction on them anchors;
3. the affected set is linked by `link_reports` (term weights are fixed, so scores do
   not depend on what else is stored), and its old incidents are replaced by the new ones.

Incidents outside the affected set cannot change (no link reaches them), so the
result is that of a full relink, which stays available (`relink_full`) and also
rebuilds the index. Blocking, scoring and clustering are `eventwire.link`'s own.
"""

from __future__ import annotations

import gc
import marshal
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path

from sqlalchemy import Connection, bindparam, delete, func, insert, or_, select

from eventwire.link import link_reports
from eventwire.link import reports as _reports_module
from eventwire.link.blocking import ARTICLE_DAYS_BACK, CELL_DEG, SLACK_DAYS, candidate_pairs
from eventwire.link.reports import (
    MAX_WINDOW_DAYS,
    ArtPlace,
    Report,
    assign_copy_groups,
    reports_from_documents,
    undated,
)
from eventwire.link.score import DEFAULT, Weights, score_pair, set_vectors
from eventwire.store import incidents as inc
from eventwire.store.dedup import hashvalues, hashvalues_of
from eventwire.store.scale import SHORT_DAYS, link_report_days, link_terms, linked_articles
from eventwire.store.scale import link_reports as lr
from eventwire.store.schema import articles, events

REACH_DEG = 2 * CELL_DEG                     # a neighbouring grid cell's far edge
_CHUNK = 500
_FIELDS = tuple(f.name for f in fields(Report))
_PLACE_FIELDS = tuple(f.name for f in fields(ArtPlace))
# what linking sets on a report (position, vector, group, citations) and the article text (copy
# groups come from the store's MinHash values): not packed
_BLANK = {"idx": 0, "text": "", "vec": {}, "copy_group": "", "citations": ()}
_AT = {n: i for i, n in enumerate(_FIELDS)}


def _pack_tag() -> int:
    """A fingerprint of the report code (its source and fields): packs made by another version of it
    are not read (their documents are)."""
    try:
        source = Path(_reports_module.__file__).read_bytes()
    except (OSError, TypeError):  # no source file (a frozen install): the fields alone
        source = b""
    return zlib.crc32(source + ",".join(_FIELDS + _PLACE_FIELDS).encode())


PACK_TAG = _pack_tag()


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Linking makes millions of small containers and frees few of them: the cyclic collector's
    repeated full passes over them cost more than the linking itself (a report unpacks in 20 us
    without them, 150 us with), so it waits until linking is done."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def pack(r: Report) -> bytes | None:
    """A report as bytes for the index (`unpack`): marshal of its fields, in a few microseconds."""
    v = [getattr(r, n) for n in _FIELDS]
    for n, blank in _BLANK.items():
        v[_AT[n]] = blank
    v[_AT["art_places"]] = tuple(tuple(getattr(p, n) for n in _PLACE_FIELDS) for p in r.art_places)
    try:
        return marshal.dumps((PACK_TAG, tuple(v)))
    except ValueError:  # a value marshal cannot hold: the document is read instead
        return None


def unpack(b: bytes | None) -> Report | None:
    """The report `pack` made, or None when it was packed by another version of the report code."""
    if not b:
        return None
    try:
        tag, v = marshal.loads(b)
    except (ValueError, EOFError, TypeError):
        return None
    if tag != PACK_TAG:
        return None
    v = list(v)
    v[_AT["art_places"]] = tuple(ArtPlace(*p) for p in v[_AT["art_places"]])
    return Report(*v)


@dataclass
class IncrementalResult:
    incidents: list[dict] = field(default_factory=list)
    stats: dict = field(default_factory=dict)


def _chunks(xs: list, n: int = _CHUNK) -> Iterator[list]:
    for i in range(0, len(xs), n):
        yield xs[i:i + n]


def _blockable(r: Report) -> bool:
    return r.lo is not None and r.hi is not None and r.hi - r.lo <= MAX_WINDOW_DAYS


def index_row(r: Report, packed: bytes | None = None) -> dict:
    """The index row of a report (`packed`: its `pack`, when made already)."""
    return {"key": r.key[:220], "article_id": r.article, "type": r.type[:16], "lo": r.lo, "hi": r.hi,
            "reach": reach(r), "lat": r.lat, "lon": r.lon, "country": r.country, "fine": r.fine,
            "wide": _blockable(r) and r.hi + SLACK_DAYS - reach(r) > SHORT_DAYS, "report": packed if packed is not None else pack(r),
            "cell": cell_id(r.lat, r.lon)}


def extra_days(r: Report) -> list[int]:
    """Days blocking files a report under before its `reach`: the earlier days an undated event's
    article names, however far back (`blocking._days`)."""
    if not _blockable(r) or not undated(r):
        return []
    return sorted(d for d in r.art_days if d < r.lo - ARTICLE_DAYS_BACK)


def day_rows(r: Report) -> list[dict]:
    return [{"key": r.key[:220], "day": d, "article_id": r.article, "type": r.type[:16]} for d in extra_days(r)]


_MARKS = {"qmark": lambda n, c: "?", "numeric": lambda n, c: f":{n + 1}", "named": lambda n, c: f":{c}",
          "format": lambda n, c: "%s", "pyformat": lambda n, c: "%s"}


def _insert_rows(conn: Connection, table, rows: list[dict], converted: set[str] | frozenset = frozenset()) -> None:
    """Insert many rows of one shape through the driver's executemany: a million index rows would
    spend more time in SQLAlchemy's per-row parameter processing than in the database. Each column's
    bind processor (JSON, dates) runs once per column, except on the columns `converted` already."""
    if not rows:
        return
    mark = _MARKS.get(conn.dialect.paramstyle)
    cols = list(rows[0])
    if mark is None or any(c not in table.c for c in cols):
        conn.execute(insert(table), rows)
        return
    prep = conn.dialect.identifier_preparer
    # each column's own conversion (JSON text, the dialect's date format), once per column, not per row
    procs = [(c, p) for c in cols if c not in converted
             and (p := table.c[c].type.dialect_impl(conn.dialect).bind_processor(conn.dialect))]
    if procs:
        rows = [dict(r) for r in rows]
        for c, p in procs:
            for r in rows:
                r[c] = p(r[c])
    sql = (f"INSERT INTO {prep.format_table(table)} ({', '.join(prep.quote(c) for c in cols)}) "
           f"VALUES ({', '.join(mark(n, c) for n, c in enumerate(cols))})")
    if conn.dialect.paramstyle == "named":
        conn.exec_driver_sql(sql, rows)
    else:
        conn.exec_driver_sql(sql, [tuple(r[c] for c in cols) for r in rows])


def _insert_index(conn: Connection, reports: list[Report]) -> None:
    for chunk in _chunks(reports, 5000):
        _insert_rows(conn, lr, [index_row(r) for r in chunk])
        _insert_rows(conn, link_report_days, [x for r in chunk for x in day_rows(r)])


def load_reports(conn: Connection, article_ids: Iterable[str]) -> dict[str, Report]:
    """The reports of some stored articles, by key (their documents read by primary key)."""
    out: dict[str, Report] = {}
    for chunk in _chunks(sorted(set(article_ids))):
        docs = [d for (d,) in conn.execute(select(articles.c.document).where(articles.c.id.in_(chunk))
                                           .order_by(articles.c.id)) if isinstance(d, dict)]
        for r in reports_from_documents(docs):
            out[r.key] = r
    return out


def _unpack_rows(rows: Iterable[tuple[str, str, bytes | None]], into: dict[str, Report]) -> set[str]:
    """Unpack index rows (key, article, packed report) into `into`; the articles whose packs another
    version of the report code made (their documents must be read instead)."""
    stale: set[str] = set()
    for key, art, blob in rows:
        r = unpack(blob)
        if r is None:
            stale.add(art)
        else:
            into[key] = r
    return stale


def load_indexed(conn: Connection, article_ids: Iterable[str]) -> dict[str, Report]:
    """The reports of some indexed articles, by key: unpacked from the index, or (for an article
    with a row packed by another version, or none) flattened from its document."""
    out: dict[str, Report] = {}
    stale: set[str] = set()
    for chunk in _chunks(sorted(set(article_ids))):
        rows = conn.execute(select(lr.c.key, lr.c.article_id, lr.c.report).where(lr.c.article_id.in_(chunk)))
        stale |= _unpack_rows(rows, out)
    if stale:
        for k in [k for k, r in out.items() if r.article in stale]:
            del out[k]
        out.update(load_reports(conn, stale))
    return out


def signatures(conn: Connection, article_ids: Iterable[str], known: dict | None = None, *,
               scan: bool = False) -> dict:
    """Article id -> its stored MinHash values (None: too short to compare), for `copy_groups`;
    an article stored without them is hashed from its text. `known` is filled and reused.
    `scan`: the ids are most of the store (a full relink), read in one pass over the table rather
    than by thousands of key lookups (an incremental step never asks for that: a pass over a
    million articles costs more than its few thousand lookups)."""
    out = known if known is not None else {}
    want = sorted(set(article_ids) - set(out))
    a = articles.c
    if scan and len(want) > 50 * _CHUNK:
        wanted = set(want)
        rows = ((aid, blob) for aid, blob in conn.execute(select(a.id, a.minhash)) if aid in wanted)
        batches: Iterable = [rows]
    else:
        batches = (conn.execute(select(a.id, a.minhash).where(a.id.in_(chunk))) for chunk in _chunks(want))
    for batch in batches:
        missing = []
        for aid, blob in batch:
            if blob:
                out[aid] = hashvalues_of(blob)
            else:
                missing.append(aid)
        for chunk in _chunks(missing):
            rows = list(conn.execute(select(a.id, a.text).where(a.id.in_(chunk))))
            found, sigs = hashvalues([t or "" for _, t in rows])
            got = dict(zip(found, sigs, strict=True))
            for n, (aid, _t) in enumerate(rows):
                out[aid] = got.get(n)
    return out


def unlinked_articles(conn: Connection) -> list[str]:
    """Articles the linker has not seen yet: with events, or changed since it last saw them (still
    in its index or in an incident)."""
    has_events = select(events.c.article_id).where(events.c.article_id == articles.c.id).exists()
    indexed = select(lr.c.article_id).where(lr.c.article_id == articles.c.id).exists()
    in_incident = select(inc.incident_reports.c.article_id).where(
        inc.incident_reports.c.article_id == articles.c.id).exists()
    seen = select(linked_articles.c.article_id).where(linked_articles.c.article_id == articles.c.id).exists()
    # the cheap test first: every stored article is looked up once in `linked_articles`, only the few
    # it lacks are looked up in the other tables
    q = select(articles.c.id).where(~seen, or_(has_events, indexed, in_incident)).order_by(articles.c.id)
    return [a for (a,) in conn.execute(q)]


def forget_articles(conn: Connection, article_ids: list[str]) -> list[str]:
    """Take articles out of the link index (before re-analysing them); the incidents they were in."""
    ir = inc.incident_reports.c
    touched = sorted({i for (i,) in conn.execute(select(ir.incident_id).where(ir.article_id.in_(article_ids)))})
    for chunk in _chunks(article_ids):
        conn.execute(delete(lr).where(lr.c.article_id.in_(chunk)))
        conn.execute(delete(link_report_days).where(link_report_days.c.article_id.in_(chunk)))
        conn.execute(delete(linked_articles).where(linked_articles.c.article_id.in_(chunk)))
        conn.execute(delete(inc.incident_reports).where(ir.article_id.in_(chunk)))
    return touched


def reach(r: Report) -> int | None:
    """The earliest day blocking files a report under: its window's first day, or an earlier day its
    article names (up to ARTICLE_DAYS_BACK before); None when it is not blocked at all."""
    if not _blockable(r):
        return None
    back = [d for d in r.art_days if r.lo - ARTICLE_DAYS_BACK <= d < r.lo]
    return min([r.lo, *back])


def _spans(r: Report) -> list[tuple[int, int]]:
    """The day intervals blocking files a report under: from its reach to its window's end (with
    slack), and each earlier day named by the article of an undated event."""
    return [(reach(r), r.hi + SLACK_DAYS), *((d, d) for d in extra_days(r))]  # type: ignore[list-item]


def _countries_of(r: Report) -> frozenset | None:
    """The countries blocking files a report under (`blocking._countries`); None when it has none,
    so that it meets reports of any place through a shared actor."""
    if r.country:
        return frozenset((r.country,))
    if r.place is None or r.lat is None:
        return r.art_countries or None
    return None


def _merged(spans: list[tuple[int, int, Report]]) -> list[tuple[int, int, list[Report]]]:
    out: list[tuple[int, int, list[Report]]] = []
    for lo, hi, r in sorted(spans, key=lambda x: x[0]):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi), out[-1][2] + [r])
        else:
            out.append((lo, hi, [r]))
    return out


def cell_id(lat: float | None, lon: float | None) -> int | None:
    """The `REACH_DEG` grid square of a place as one integer (the index's `cell` column)."""
    if lat is None or lon is None:
        return None
    cy, cx = _Buckets.cell(lat, lon)
    return cy * 1000 + cx


_COLS = (lr.c.key, lr.c.article_id, lr.c.type, lr.c.reach, lr.c.lo, lr.c.hi, lr.c.country, lr.c.lat, lr.c.lon,
         lr.c.fine, lr.c.report)
# a stored report starts at most its own length before an interval: short ones a few days
_BACK = ((False, SHORT_DAYS), (True, MAX_WINDOW_DAYS + SLACK_DAYS + ARTICLE_DAYS_BACK))


def _window_stmt(kind: str, n_cells: int = 0):
    """One bound statement per kind of place lookup (compiled once, executed per interval), each an
    index range scan: `null` rows without a country, `loose` every row of a country, `strict` the rows
    of a country a fine place can meet there (coarse ones, or on a day their article names), `cell`
    the fine rows in a box of `n_cells` grid squares, `any` every row."""
    where = [lr.c.type == bindparam("t"), lr.c.wide == bindparam("w"), lr.c.lo.between(bindparam("a"), bindparam("b")),
             lr.c.reach <= bindparam("hi"), lr.c.hi >= bindparam("lo")]
    if kind == "null":
        where.append(lr.c.country.is_(None))
    elif kind in ("loose", "strict"):
        where.append(lr.c.country == bindparam("cy"))
        if kind == "strict":
            where.append(or_(lr.c.fine.is_(False), lr.c.reach < lr.c.lo))
    elif kind == "cell":
        where += [lr.c.cell.in_([bindparam(f"c{n}") for n in range(n_cells)]),
                  lr.c.lat.between(bindparam("y0"), bindparam("y1")), lr.c.lon.between(bindparam("x0"), bindparam("x1"))]
    return select(*_COLS).where(*where)


_SQL: dict[tuple, tuple[str, tuple[str, ...] | None]] = {}


def _window_sql(conn: Connection, kind: str, n_cells: int) -> tuple[str, tuple[str, ...] | None]:
    """The driver's SQL of `_window_stmt` and, for a positional paramstyle, its parameters' order:
    run through the driver, a lookup skips SQLAlchemy's per-statement and per-row work (a few
    thousand lookups and a hundred thousand rows per step)."""
    at = (conn.dialect.name, kind, n_cells)
    if at not in _SQL:
        compiled = _window_stmt(kind, n_cells).compile(dialect=conn.dialect)
        _SQL[at] = (compiled.string, tuple(compiled.positiontup) if compiled.positional else None)
    return _SQL[at]


def _window_terms(frontier: list[Report]) -> list[tuple[str, dict]]:
    """(kind, parameters) of the lookups whose union holds every stored report that blocking could
    pair with a frontier report: per type and country (and per type for rows without a country, and
    per grid square for fine places), the frontier's day intervals merged."""
    groups: dict[tuple, list] = {}
    for r in frontier:
        if not _blockable(r):
            continue
        spans = [(lo, hi, r) for lo, hi in _spans(r)]
        cys = _countries_of(r)
        if cys is None:
            groups.setdefault((r.type, "any", None), []).extend(spans)
            continue
        groups.setdefault((r.type, "null", None), []).extend(spans)
        kind = "loose" if not r.fine or bool(r.names) or reach(r) < r.lo else "strict"
        for cy in cys:
            groups.setdefault((r.type, kind, cy), []).extend(spans)
        if r.lat is not None and r.lon is not None:
            groups.setdefault((r.type, "cell", _Buckets.cell(r.lat, r.lon)), []).extend(spans)
    terms = []
    for (t, kind, where), spans in groups.items():
        for lo, hi, rs in _merged(spans):
            extra: dict = {}
            if kind in ("loose", "strict"):
                extra["cy"] = where
            elif kind == "cell":
                y0, y1 = min(r.lat for r in rs) - REACH_DEG, max(r.lat for r in rs) + REACH_DEG
                x0, x1 = min(r.lon for r in rs) - REACH_DEG, max(r.lon for r in rs) + REACH_DEG
                extra.update(y0=y0, y1=y1, x0=x0, x1=x1,
                             cells=[cy * 1000 + cx for cy in range(int(y0 // REACH_DEG), int(y1 // REACH_DEG) + 1)
                                    for cx in range(int(x0 // REACH_DEG), int(x1 // REACH_DEG) + 1)])
            for wide, back in _BACK:
                terms.append((kind, {"t": t, "w": wide, "a": lo - back, "b": hi + ARTICLE_DAYS_BACK, "hi": hi,
                                     "lo": lo - SLACK_DAYS, **extra}))
    return terms


def _window_rows(conn: Connection, frontier: list[Report]) -> Iterator[tuple]:
    """The rows of `_window_terms`, one statement per term: each is an index range scan, where an OR
    of many terms makes SQLite scan the whole table."""
    seen: set[str] = set()
    for kind, params in _window_terms(frontier):
        cells = params.pop("cells", ())
        params.update((f"c{n}", c) for n, c in enumerate(cells))
        sql, order = _window_sql(conn, kind, len(cells))
        for row in conn.exec_driver_sql(sql, tuple(params[k] for k in order) if order else params):
            if row[0] not in seen:
                seen.add(row[0])
                yield row


class _Buckets:
    """The frontier reports filed by (type, day) and by country or grid square, so each stored row
    is tested with a few set lookups: could blocking pair it with some frontier report?

    A row without a country meets any report of its days. Otherwise: a report without countries
    meets every place (through a shared actor); two places within `REACH_DEG` may share or touch a
    grid cell; within one country a coarse place, a shared unresolved name or a day one article
    names (`back`) joins them; two fine places of one country that are far apart never pair.
    """

    def __init__(self, frontier: list[Report]) -> None:
        self.any: set[tuple] = set()        # (type, day): some report meets every place
        self.loose: set[tuple] = set()      # (type, day, country): a report meeting the whole country
        self.strict: set[tuple] = set()     # (type, day, country): a fine report (cells only)
        self.cells: dict[tuple, list[Report]] = {}
        self.days: set[tuple] = set()       # (type, day): any report at all
        for r in frontier:
            if not _blockable(r):
                continue
            days = sorted({d for lo, hi in _spans(r) for d in range(lo, hi + 1)})
            cys = _countries_of(r)
            loose = not r.fine or bool(r.names) or reach(r) < r.lo
            cell = self.cell(r.lat, r.lon) if r.lat is not None and r.lon is not None else None
            for d in days:
                self.days.add((r.type, d))
                if cys is None:
                    self.any.add((r.type, d))
                else:
                    for cy in cys:
                        (self.loose if loose else self.strict).add((r.type, d, cy))
                if cell is not None:
                    self.cells.setdefault((r.type, d, cell), []).append(r)

    @staticmethod
    def cell(lat: float, lon: float) -> tuple[int, int]:
        return int(lat // REACH_DEG), int(lon // REACH_DEG)

    def meets(self, typ: str, d: int, country, lat, lon, fine: bool, back: bool) -> bool:
        if country is None:
            return (typ, d) in self.days
        if (typ, d) in self.any or (typ, d, country) in self.loose:
            return True
        if (typ, d, country) in self.strict and (not fine or back):
            return True
        if lat is None or lon is None:
            return False
        cy, cx = self.cell(lat, lon)
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                for r in self.cells.get((typ, d, (cy + dy, cx + dx)), ()):
                    if abs(r.lat - lat) <= REACH_DEG and abs(r.lon - lon) <= REACH_DEG:
                        return True
        return False


def _far_day_rows(conn: Connection, frontier: list[Report]) -> Iterator[tuple]:
    """(key, article, type, day, country, lat, lon, fine) of the stored reports filed under a day
    outside their window (`link_report_days`) that is one of the frontier's days."""
    d = link_report_days.c
    by_type: dict[str, list] = {}
    for r in frontier:
        if _blockable(r):
            by_type.setdefault(r.type, []).extend((lo, hi, r) for lo, hi in _spans(r))
    cols = (lr.c.key, lr.c.article_id, lr.c.type, d.day, lr.c.country, lr.c.lat, lr.c.lon, lr.c.fine)
    for t, spans in by_type.items():
        for lo, hi, _rs in _merged(spans):
            yield from conn.execute(select(*cols).join(lr, lr.c.key == d.key)
                                    .where(d.type == t, d.day.between(lo, hi)))


def _copy_rows(conn: Connection, frontier: list[Report]) -> Iterator[tuple[str, str]]:
    """(key, article) of the stored reports of the frontier's near-copies, at any date: the articles
    of one `copy_of` origin (the store marks a copy with the origin of the article it copies, so a
    group is its origin and the articles marked with it), of the frontier's report types."""
    a = articles.c
    origins = sorted({(r.copy_of or {}).get("article") or r.article for r in frontier})
    group: set[str] = set(origins)
    for chunk in _chunks(origins):
        group.update(x for (x,) in conn.execute(select(a.id).where(a.copy_of.in_(chunk))))
        group.update(x for (x,) in conn.execute(select(a.copy_of).where(a.id.in_(chunk), a.copy_of.is_not(None))))
    group -= {r.article for r in frontier}
    types = sorted({r.type for r in frontier})
    for chunk in _chunks(sorted(group)):
        yield from conn.execute(select(lr.c.key, lr.c.article_id).where(lr.c.article_id.in_(chunk),
                                                                          lr.c.type.in_(types)))


def _candidates(conn: Connection, frontier: list[Report], skip) -> dict[str, tuple[str, bytes | None]]:
    """Key -> (article, packed report when read already) of the stored reports some frontier report
    could be blocked with."""
    b = _Buckets(frontier)
    out: dict[str, tuple[str, bytes | None]] = {}
    for key, art, typ, c_reach, c_lo, c_hi, country, lat, lon, fine, blob in _window_rows(conn, frontier):
        if key in skip:
            continue
        back = c_reach < c_lo
        for d in range(c_reach, c_hi + SLACK_DAYS + 1):
            if b.meets(typ, d, country, lat, lon, bool(fine), back):
                out[key] = (art, blob)
                break
    for key, art, typ, day, country, lat, lon, fine in _far_day_rows(conn, frontier):
        if key not in skip and key not in out and b.meets(typ, day, country, lat, lon, bool(fine), True):
            out[key] = (art, None)
    for key, art in _copy_rows(conn, frontier):
        if key not in skip and key not in out:
            out[key] = (art, None)
    return out


def _incident_members(conn: Connection, keys: Iterable[str]) -> dict[str, set[str]]:
    """Incident id -> its report keys, for the incidents holding any of `keys`."""
    ir = inc.incident_reports.c
    pairs = [k.rsplit(":", 1) for k in keys]
    ids: set[str] = set()
    for chunk in _chunks(pairs):
        arts = sorted({a for a, _ in chunk})
        want = {f"{a}:{e}" for a, e in chunk}
        for a, e, i in conn.execute(select(ir.article_id, ir.event_id, ir.incident_id).where(ir.article_id.in_(arts))):
            if f"{a}:{e}" in want:
                ids.add(i)
    out: dict[str, set[str]] = {}
    for chunk in _chunks(sorted(ids)):
        for a, e, i in conn.execute(select(ir.article_id, ir.event_id, ir.incident_id).where(ir.incident_id.in_(chunk))):
            out.setdefault(i, set()).add(f"{a}:{e}")
    return out


def _affected(conn: Connection, new: dict[str, Report], corrections: list[dict],
              weights: Weights, stats: dict, sigs: dict) -> tuple[dict[str, Report], set[str]]:
    """The reports whose incidents may change, and the incident ids they were in."""
    S: dict[str, Report] = dict(new)
    old_ids: set[str] = set()
    frontier = list(new.values())
    cache: dict[str, Report] = {}
    anchored: list[tuple[set, dict]] = [(set((c.get("anchors") or {}).get("incident") or [])
                                         | set((c.get("anchors") or {}).get("other") or [])
                                         | ({c["event"]} if c.get("event") else set()), c) for c in corrections]
    applied: set[int] = set()
    while frontier:
        cand_keys = _candidates(conn, frontier, S)
        need = _unpack_rows(((k, art, blob) for k, (art, blob) in cand_keys.items() if k not in cache), cache)
        if need:
            cache.update(load_indexed(conn, need))
        cands = [cache[k] for k in cand_keys if k in cache]
        joined: set[str] = set()
        if cands:
            pool = frontier + cands
            assign_copy_groups(pool, signatures(conn, {r.article for r in pool}, sigs))
            nf = len(frontier)
            pairs = candidate_pairs(pool, across=nf)
            # term vectors (fixed weights: a report's own) of the reports some pair scores, made once
            set_vectors([r for r in {pool[k].key: pool[k] for p in pairs for k in p}.values() if not r.vec], {})
            for i, j in pairs:
                if score_pair(pool[i], pool[j], {}, weights) >= weights.threshold:
                    joined.add(pool[j if i < nf else i].key)
        # a report joining brings its whole incident; a correction on the set brings its anchors
        members = _incident_members(conn, joined | {r.key for r in frontier if r.key not in new})
        for iid, keys in members.items():
            old_ids.add(iid)
            joined |= keys
        for n, (keys, _c) in enumerate(anchored):
            if n not in applied and keys & (set(S) | joined):
                applied.add(n)
                joined |= keys
        joined -= set(S)
        need = {k.rsplit(":", 1)[0] for k in joined if k not in cache}
        if need:
            cache.update(load_indexed(conn, need))
        frontier = []
        for k in sorted(joined):
            r = cache.get(k)
            if r is not None and k not in S:
                S[k] = r
                frontier.append(r)
    old_ids |= set(_incident_members(conn, S.keys()))
    stats["stored_reports_read"] = len(cache)
    return S, old_ids


def _save_some(conn: Connection, old_ids: set[str], records: list[dict]) -> None:
    """Replace incidents `old_ids` with `records` (their report links included)."""
    for chunk in _chunks(sorted(old_ids)):
        conn.execute(delete(inc.incident_reports).where(inc.incident_reports.c.incident_id.in_(chunk)))
        conn.execute(delete(inc.incidents).where(inc.incidents.c.id.in_(chunk)))
    if not records:
        return
    known = set()
    arts = sorted({rp["article"] for rec in records for rp in rec.get("reports") or []})
    for chunk in _chunks(arts):
        known.update(a for (a,) in conn.execute(select(articles.c.id).where(articles.c.id.in_(chunk))))
    conn.execute(insert(inc.incidents), [inc._row(rec) for rec in records])
    links = [{"article_id": rp["article"], "event_id": rp["event"], "incident_id": rec["id"],
              "outlet": rp.get("outlet"), "status": rp.get("status")}
             for rec in records for rp in rec.get("reports") or [] if rp["article"] in known]
    ir = inc.incident_reports.c
    gone = delete(inc.incident_reports).where(ir.article_id == bindparam("a"), ir.event_id == bindparam("e"))
    for chunk in _chunks(links, 5000):  # a report's row from an incident outside the set (never expected)
        conn.execute(gone, [{"a": x["article_id"], "e": x["event_id"]} for x in chunk])
        conn.execute(insert(inc.incident_reports), chunk)


def link_articles(conn: Connection, article_ids: list[str], *, weights: Weights = DEFAULT,
                  progress=None) -> IncrementalResult:
    """Link the events of these stored articles into the stored incidents (the caller commits)."""
    with _gc_paused():
        return _link_articles(conn, article_ids, weights, progress)


def _link_articles(conn: Connection, article_ids: list[str], weights: Weights, progress) -> IncrementalResult:
    touched = forget_articles(conn, article_ids)
    new: dict[str, Report] = {}
    for chunk in _chunks(sorted(set(article_ids))):
        got = load_reports(conn, chunk)
        new.update(got)
        if progress is not None:
            progress.update(len(chunk))
    _insert_index(conn, list(new.values()))
    marks = [{"article_id": a, "at": inc._now()} for a in sorted(set(article_ids))]
    for chunk in _chunks(marks, 5000):
        conn.execute(insert(linked_articles), chunk)
    # incidents that lost reports (re-analysed articles) are re-linked from what they have left
    left = set(_keys_of(conn, touched))
    seeds = {k: r for k, r in load_indexed(conn, {k.rsplit(":", 1)[0] for k in left}).items() if k in left}
    corrections = inc.list_corrections(conn)
    stats: dict = {}
    sigs: dict = {}
    S, old_ids = _affected(conn, {**seeds, **new}, corrections, weights, stats, sigs)
    old_ids |= set(touched)
    previous = {}
    ir = inc.incident_reports.c
    for chunk in _chunks(sorted(old_ids)):
        for a, e, i in conn.execute(select(ir.article_id, ir.event_id, ir.incident_id).where(ir.incident_id.in_(chunk))):
            previous[f"{a}:{e}"] = i
    reports = sorted(S.values(), key=lambda r: r.key)
    rel = [c for c in corrections if _touches(c, S)]
    sigs = signatures(conn, {r.article for r in reports}, sigs)
    res = link_reports(reports, previous=previous, corrections=rel, weights=weights,
                       signatures=sigs) if reports else None
    records = res.incidents if res else []
    _save_some(conn, old_ids, records)
    new_ids = {r["id"] for r in records}
    return IncrementalResult(records, {"new_articles": len(set(article_ids)), "new_reports": len(new),
                                       "affected_reports": len(S), "incidents_changed": len(records),
                                       "incidents_removed": len(old_ids - new_ids), **stats})


def _keys_of(conn: Connection, incident_ids: list[str]) -> list[str]:
    ir = inc.incident_reports.c
    out = []
    for chunk in _chunks(incident_ids):
        out += [f"{a}:{e}" for a, e in conn.execute(select(ir.article_id, ir.event_id).where(ir.incident_id.in_(chunk)))]
    return out


def _touches(corr: dict, S: dict) -> bool:
    anchors = corr.get("anchors") or {}
    keys = set(anchors.get("incident") or []) | set(anchors.get("other") or [])
    if corr.get("event"):
        keys.add(corr["event"])
    return bool(keys & set(S))


def link_new(engine, *, quiet: bool = True, weights: Weights = DEFAULT) -> IncrementalResult:
    """Link every stored article the linker has not seen yet, in one transaction."""
    from eventwire.batch.progress import bar

    with engine.begin() as conn:
        ids = unlinked_articles(conn)
        if not ids:
            return IncrementalResult(stats={"new_articles": 0, "new_reports": 0, "incidents_changed": 0,
                                            "incidents_removed": 0})
        with bar(len(ids), "link (incremental)", quiet) as pbar:
            return link_articles(conn, ids, weights=weights, progress=pbar)


def rebuild_index(conn: Connection, reports: list[Report], article_ids: Iterable[str]) -> None:
    """Replace the link index with these reports (after a full relink)."""
    conn.execute(delete(lr))
    conn.execute(delete(link_report_days))
    conn.execute(delete(link_terms))  # term counts of older versions: no longer kept
    conn.execute(delete(linked_articles))
    _insert_index(conn, reports)
    now = inc._now()
    for chunk in _chunks([{"article_id": a, "at": now} for a in sorted(set(article_ids))], 5000):
        conn.execute(insert(linked_articles), chunk)


def relink_full(conn: Connection, *, progress=None, weights: Weights = DEFAULT, workers: int | None = None):
    """Link every stored event again (the incidents of `store.incidents.relink`, in bounded memory and
    on every core: `link.relink`), save them and rebuild the incremental index."""
    from eventwire.link.relink import relink_streaming

    with _gc_paused():
        return relink_streaming(conn, progress=progress, weights=weights, workers=workers)


def count_linkable(conn: Connection) -> int:
    """Stored articles with events (the full relink's progress total)."""
    has_events = select(events.c.article_id).where(events.c.article_id == articles.c.id).exists()
    return conn.execute(select(func.count()).select_from(articles).where(has_events)).scalar_one()
