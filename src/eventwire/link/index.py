"""The incremental linker's index of stored reports (`store.scale.link_reports`).

One row per linkable report: its type, date window as day ordinals, place and grid square,
read through indexed columns (`link.window`), and the report itself packed (`pack`), so a
stored candidate is unpacked in microseconds rather than flattened again from its document.
Also what reading stored reports needs besides: their documents (`load_reports`), the
store's MinHash values (`signatures`) and bulk inserts through the driver (`_insert_rows`).
"""

from __future__ import annotations

import gc
import marshal
import sys
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path

from sqlalchemy import Connection, delete, insert, select

from eventwire.link.blocking import ARTICLE_DAYS_BACK, CELL_DEG, SLACK_DAYS
from eventwire.link.reports import MAX_WINDOW_DAYS, ArtPlace, Report, reports_from_documents, undated
from eventwire.store import incidents as inc
from eventwire.store.dedup import hashvalues, hashvalues_of
from eventwire.store.scale import SHORT_DAYS, link_report_days, link_terms, linked_articles
from eventwire.store.scale import link_reports as lr
from eventwire.store.schema import articles

REACH_DEG = 2 * CELL_DEG                     # a neighbouring grid cell's far edge


_CHUNK = 500


_FIELDS = tuple(f.name for f in fields(Report))


_PLACE_FIELDS = tuple(f.name for f in fields(ArtPlace))


# what linking sets on a report (position, vector, group, citations) and the article text (copy
# groups come from the store's MinHash values): not packed
_BLANK = {"idx": 0, "text": "", "vec": {}, "copy_group": "", "citations": ()}


_AT = {n: i for i, n in enumerate(_FIELDS)}


# the modules that make a report from a document: a change to any of them changes the packs
REPORT_MODULES = ("eventwire.link.reports", "eventwire.link.report_dates", "eventwire.link.report_places",
                  "eventwire.link.report_actors", "eventwire.link.report_fusion")


def _pack_tag() -> int:
    """A fingerprint of the report code (its sources and fields): packs made by another version of it
    are not read (their documents are)."""
    source = b""
    for name in REPORT_MODULES:
        try:
            source += Path(sys.modules[name].__file__).read_bytes()
        except (OSError, TypeError, KeyError):  # no source file (a frozen install): the fields alone
            continue
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


def reach(r: Report) -> int | None:
    """The earliest day blocking files a report under: its window's first day, or an earlier day its
    article names (up to ARTICLE_DAYS_BACK before); None when it is not blocked at all."""
    if not _blockable(r):
        return None
    back = [d for d in r.art_days if r.lo - ARTICLE_DAYS_BACK <= d < r.lo]
    return min([r.lo, *back])


def cell_id(lat: float | None, lon: float | None) -> int | None:
    """The `REACH_DEG` grid square of a place as one integer (the index's `cell` column)."""
    if lat is None or lon is None:
        return None
    cy, cx = grid_cell(lat, lon)
    return cy * 1000 + cx


def grid_cell(lat: float, lon: float) -> tuple[int, int]:
    """The `REACH_DEG` grid square (row, column) of a place."""
    return int(lat // REACH_DEG), int(lon // REACH_DEG)


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
