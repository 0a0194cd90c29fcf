"""Candidate pairs: only reports that could be one incident are ever scored.

Two reports are candidates when they have the same event type, date windows
that meet (allowing one day of slack: a night-time strike is often dated to
either day), and places that could coincide:

* both places precise (point .. district): grid cells of `CELL_DEG` degrees, the
  cell and its eight neighbours;
* one place a province: the same country and province (places inside it);
* one place only a country (or without coordinates or province) or missing: the same
  country, the event's own or, for an event without a place, any country the article
  names (compatibility, not equality: the score weighs it);
* neither the event nor its article with a country: a shared actor key;
* an unresolved toponym (the same folded name) at both events, whatever else they have: an
  event whose place the gazetteer did not resolve gets its article's countries, as an event
  without a place does;
* near-copies (syndicated copies, light rewrites: one `Report.copy_group`, the store's mark or
  the same MinHash test), at any date: a copy is compared even when the two events got different
  or no dates;
* an event without any place or country meets the events that share a capitalised name (its
  consonant skeleton) of its sentence or title, on a day both windows cover ("Nairobi", "Olenivka").

A report is put into one bucket per day of its window, so a month-dated report
meets every report of that month; a report whose article also names an earlier
day (up to `ARTICLE_DAYS_BACK` before its window: "on Monday" in a Wednesday
report of a revised toll) meets that day's reports in its country too. Windows
wider than `MAX_WINDOW_DAYS` (a year) are not blocked at all: such a report stays
alone unless a person merges it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import chain, combinations, product

from eventwire.link.reports import MAX_WINDOW_DAYS, Report, norm_admin, undated

CELL_DEG = 1.0
ARTICLE_DAYS_BACK = 7
SLACK_DAYS = 1
# a name shared by more events of one type and day than this ("Parliament") blocks nothing by itself
MAX_NAME_BUCKET = 200
_FORWARD = ((0, 1), (1, -1), (1, 0), (1, 1))


def _days(r: Report) -> range | list[int]:
    """Days a report is blocked on: its window (one day of slack) and, for an event the text does
    not date, the earlier days its article names (a later acknowledgement or anniversary report:
    "the Aug. 29 strike", "on October 3, 2015")."""
    if r.lo is None or r.hi is None or r.hi - r.lo > MAX_WINDOW_DAYS:
        return []
    days = range(r.lo, r.hi + SLACK_DAYS + 1)
    if undated(r) and r.art_days:
        earlier = sorted(d for d in r.art_days if d < r.lo)
        if earlier:
            return [*days, *earlier]
    return days


def _cell(r: Report) -> tuple[int, int]:
    return int((r.lat + 90.0) // CELL_DEG), int((r.lon + 180.0) // CELL_DEG)


def _countries(r: Report) -> frozenset:
    if r.country:
        return frozenset((r.country,))
    if r.place is None or r.lat is None:
        return r.art_countries
    return frozenset()


class _Buckets:
    """The blocking buckets of some reports: report positions by (type, day, key). A `special`
    bucket holds the reports that meet every member of its plain twin (a province meets the places
    inside it, a country every place of the country, a report without a country a shared actor)."""

    def __init__(self) -> None:
        self.cells: dict[tuple, list[int]] = defaultdict(list)
        self.country: dict[tuple, list[int]] = defaultdict(list)
        self.country_special: dict[tuple, list[int]] = defaultdict(list)
        self.admin: dict[tuple, list[int]] = defaultdict(list)
        self.admin_special: dict[tuple, list[int]] = defaultdict(list)
        self.entity: dict[tuple, list[int]] = defaultdict(list)
        self.entity_special: dict[tuple, list[int]] = defaultdict(list)
        self.names: dict[tuple, list[int]] = defaultdict(list)
        self.copies: dict[tuple, list[int]] = {}
        self.skel: dict[tuple, list[int]] = defaultdict(list)
        self.skel_special: dict[tuple, list[int]] = defaultdict(list)

    def file(self, i: int, r: Report, days: Iterable[int], back: Iterable[int], want: dict | None = None) -> None:
        """Put report `i` in its buckets of `days` (its window's) and `back` (earlier days its article
        names, where it meets its countries' reports). With `want` (`wanted`), only in the buckets
        where it can meet a report filed before."""
        fine = r.fine
        cell = _cell(r) if fine else None
        cys = _countries(r)
        area = (r.country, norm_admin(r.admin1)) if r.country and r.admin1 else None
        # a province meets the places inside it; a country (or no place) every place of the country
        by_area = not fine and area is not None and r.precision not in ("country", "region")
        skels = [t for t in r.terms if t[:1] == "#"]
        t = r.type
        for d in days:
            if fine and (want is None or (t, d, cell) in want["cells"]):
                self.cells[(t, d, cell)].append(i)
            if area and (want is None or (t, d, area) in want["admin"]):
                self.admin[(t, d, area)].append(i)
                if by_area:
                    self.admin_special[(t, d, area)].append(i)
            for cy in cys:
                if want is None or (t, d, cy) in want["country"]:
                    self.country[(t, d, cy)].append(i)
                    if not fine and not by_area:
                        self.country_special[(t, d, cy)].append(i)
            for n in r.names:
                if want is None or (t, d, n) in want["names"]:
                    self.names[(t, d, n)].append(i)
            for k in skels:
                if want is None or (t, d, k) in want["skel"]:
                    self.skel[(t, d, k)].append(i)
                    if not cys:
                        self.skel_special[(t, d, k)].append(i)
            for k in r.actor_keys:
                if want is None or (t, d, k) in want["entity"]:
                    self.entity[(t, d, k)].append(i)
                    if not cys:
                        self.entity_special[(t, d, k)].append(i)
        for d in back:
            for cy in cys:
                if want is None or (t, d, cy) in want["country"]:
                    self.country_special[(t, d, cy)].append(i)

    def wanted(self) -> dict[str, set]:
        """The bucket keys a later report can meet the reports filed so far in: their own, and for a
        grid cell its eight neighbours too. A bucket without a report filed so far makes no pair
        across, so a later report need not be filed in it (`candidate_pairs(across=...)`)."""
        cells = {(t, d, (cy + dy, cx + dx)) for t, d, (cy, cx) in self.cells for dy in (-1, 0, 1) for dx in (-1, 0, 1)}
        return {"cells": cells, "admin": set(self.admin), "country": set(self.country) | set(self.country_special),
                "names": set(self.names), "skel": set(self.skel), "entity": set(self.entity)}


def _back_days(r: Report) -> list[int]:
    """The earlier days (up to `ARTICLE_DAYS_BACK` before its window) a report's article names."""
    return [d for d in r.art_days if r.lo - ARTICLE_DAYS_BACK <= d < r.lo]


def candidate_pairs(reports: Sequence[Report], across: int = 0,
                    window: tuple[int, int] | None = None) -> set[tuple[int, int]]:
    """Pairs (i, j), i < j, of positions in `reports` worth scoring. With `across`, only the pairs of
    one report before that position and one from it on (new reports against stored ones: the stored
    ones' pairs among themselves, quadratic in a dense store, are never made).

    With `window` (first day, day after the last), only the pairs that meet on one of its days, and no
    near-copy pairs (`copy_pairs`): the full relink blocks a store in slices of days. Every bucket but
    the near-copies' is one type and day, so a slice's buckets are the whole store's buckets of its
    days, and the union of the slices' pairs and the near-copy pairs is the whole blocking."""
    b = _Buckets()
    if window is None:
        b.copies = _copy_buckets(reports)
    w0, w1 = window or (0, 0)
    # with `across`, a report from `across` on is filed only in the buckets (and so on the type and
    # days) where some report before it is: no pair across is lost, and a bucket's size (a name
    # bucket's cap) is that of the whole blocking wherever a report before `across` is in it
    keep: set[tuple[str, int]] | None = None
    want: dict | None = None
    for i, r in enumerate(reports):
        if i == across and across:
            want = b.wanted()
            keep = {key[:2] for index in want.values() for key in index}
        days = _days(r)
        if not days:
            continue
        back = _back_days(r)
        if window is not None:
            days = [d for d in days if w0 <= d < w1]
            back = [d for d in back if w0 <= d < w1]
        if keep is not None:
            days = [d for d in days if (r.type, d) in keep]
            back = [d for d in back if (r.type, d) in keep]
        b.file(i, r, days, back, want)
    return _pairs(b, across)


def _pairs(b: _Buckets, across: int) -> set[tuple[int, int]]:
    """The pairs of the buckets `b` (with `across`: only those across that position)."""
    pairs: set[tuple[int, int]] = set()
    add = pairs.add

    # a bucket lists its members in order, so those before `across` are its head (`bisect`)
    def _within(members: list[int]) -> Iterable[tuple[int, int]]:
        if not across:
            return combinations(members, 2)
        if members[0] >= across:
            return ()
        k = bisect_left(members, across)
        return product(members[:k], members[k:])

    def _between(xs: Sequence[int], ys: Sequence[int]) -> Iterable[tuple[int, int]]:
        if not across:
            return product(xs, ys)
        if not ys or (xs[0] >= across and ys[0] >= across):
            return ()
        kx, ky = bisect_left(xs, across), bisect_left(ys, across)
        return chain(product(xs[:kx], ys[ky:]), product(xs[kx:], ys[:ky]))

    for (t, d, (cy, cx)), members in b.cells.items():
        for a, c in _within(members):
            add((a, c) if a < c else (c, a))
        for dy, dx in _FORWARD:
            other = b.cells.get((t, d, (cy + dy, cx + dx)))
            if other:
                for a, c in _between(members, other):
                    if a != c:
                        add((a, c) if a < c else (c, a))

    def _join(index: dict[tuple, list[int]], special: dict[tuple, list[int]]) -> None:
        for key, spec in special.items():
            for a, c in _between(spec, index.get(key, ())):
                if a != c:
                    add((a, c) if a < c else (c, a))

    for members in (*b.names.values(), *b.copies.values()):
        if len(members) <= MAX_NAME_BUCKET:
            for a, c in _within(members):
                if a != c:
                    add((a, c) if a < c else (c, a))
    _join(b.admin, b.admin_special)
    _join(b.country, b.country_special)
    _join(b.entity, b.entity_special)
    _join({k: v for k, v in b.skel.items() if len(v) <= MAX_NAME_BUCKET}, b.skel_special)
    return pairs


def _copy_buckets(reports: Sequence[Report]) -> dict[tuple, list[int]]:
    copies: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(reports):
        if r.copy_group:
            copies[(r.type, r.copy_group)].append(i)
    return copies


def copy_pairs(reports: Sequence[Report]) -> set[tuple[int, int]]:
    """The near-copy pairs of `candidate_pairs` alone (at any date): what its `window` leaves out."""
    return {(a, b) for members in _copy_buckets(reports).values() if len(members) <= MAX_NAME_BUCKET
            for a, b in combinations(members, 2)}


def same_article_groups(reports: Iterable[Report]) -> dict[str, list[int]]:
    """Positions of the reports of each article (the cannot-link constraint's groups)."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(reports):
        groups[r.article].append(i)
    return groups
