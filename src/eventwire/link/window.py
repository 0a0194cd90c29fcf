"""The stored reports new ones could be blocked with, read through the index's columns.

Every path of `link.blocking` becomes indexed lookups: the same type, a date window that
meets the new reports' (with the blocking's slack and the days their articles name), a place
that could be theirs (same country, no country, or within two grid cells), the earlier
days an undated event's article names (`link_report_days`) and the near-copies of their
articles at any date (`copy_of`). Each row read is tested against buckets of the new
reports (`_Buckets`), so only those blocking could pair with them are candidates.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, bindparam, select

from eventwire.link.blocking import ARTICLE_DAYS_BACK, SLACK_DAYS
from eventwire.link.index import REACH_DEG, _blockable, _chunks, extra_days, grid_cell, reach
from eventwire.link.reports import MAX_WINDOW_DAYS, Report
from eventwire.store.scale import COARSE_OR_BACK, SHORT_DAYS, link_report_days
from eventwire.store.scale import link_reports as lr
from eventwire.store.schema import articles


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
            where.append(COARSE_OR_BACK)  # the partial index ix_link_reports_coarse_country_lo
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
            groups.setdefault((r.type, "cell", grid_cell(r.lat, r.lon)), []).extend(spans)
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
    cur = conn.connection.cursor()   # the driver's own cursor, in this connection's transaction: plain tuples
    try:
        for kind, params in _window_terms(frontier):
            cells = params.pop("cells", ())
            params.update((f"c{n}", c) for n, c in enumerate(cells))
            sql, order = _window_sql(conn, kind, len(cells))
            cur.execute(sql, tuple(params[k] for k in order) if order else params)
            for row in cur.fetchall():
                if row[0] not in seen:
                    seen.add(row[0])
                    yield row
    finally:
        cur.close()


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
            cell = grid_cell(r.lat, r.lon) if r.lat is not None and r.lon is not None else None
            for d in days:
                self.days.add((r.type, d))
                if cys is None:
                    self.any.add((r.type, d))
                else:
                    for cy in cys:
                        (self.loose if loose else self.strict).add((r.type, d, cy))
                if cell is not None:
                    self.cells.setdefault((r.type, d, cell), []).append(r)

    def meets(self, typ: str, d: int, country, lat, lon, fine: bool, back: bool) -> bool:
        if country is None:
            return (typ, d) in self.days
        if (typ, d) in self.any or (typ, d, country) in self.loose:
            return True
        if (typ, d, country) in self.strict and (not fine or back):
            return True
        if lat is None or lon is None:
            return False
        cy, cx = grid_cell(lat, lon)
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
