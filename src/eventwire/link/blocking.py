"""Candidate pairs: only reports that could be one incident are ever scored.

Two reports are candidates when they have the same event type, date windows
that meet (allowing one day of slack: a night-time strike is often dated to
either day), and places that could coincide:

* both places precise (point .. district): grid cells of `CELL_DEG` degrees, the
  cell and its eight neighbours;
* one place a province: the same country and admin1;
* one place only a country (or a place without coordinates): the same country;
* one report without a place: a shared actor key.

A report is put into one bucket per day of its window, so a month-dated report
meets every report of that month. Windows wider than `MAX_WINDOW_DAYS` (a year)
are not blocked at all: such a report stays alone unless a person merges it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import combinations

from eventwire.link.reports import MAX_WINDOW_DAYS, Report

CELL_DEG = 1.0
SLACK_DAYS = 1
_FORWARD = ((0, 1), (1, -1), (1, 0), (1, 1))


def _days(r: Report) -> range:
    if r.lo is None or r.hi is None or r.hi - r.lo > MAX_WINDOW_DAYS:
        return range(0)
    return range(r.lo, r.hi + SLACK_DAYS + 1)


def _cell(r: Report) -> tuple[int, int]:
    return int((r.lat + 90.0) // CELL_DEG), int((r.lon + 180.0) // CELL_DEG)


def candidate_pairs(reports: Sequence[Report]) -> set[tuple[int, int]]:
    """Pairs (i, j), i < j, of positions in `reports` worth scoring."""
    cells: dict[tuple, list[int]] = defaultdict(list)
    admin: dict[tuple, list[int]] = defaultdict(list)
    country: dict[tuple, list[int]] = defaultdict(list)
    entity: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(reports):
        days = _days(r)
        if not days:
            continue
        fine = r.fine
        cell = _cell(r) if fine else None
        for d in days:
            if fine:
                cells[(r.type, d, cell)].append(i)
            if r.country and r.admin1:
                admin[(r.type, d, r.country, r.admin1)].append(i)
            if r.country:
                country[(r.type, d, r.country)].append(i)
            for k in r.actor_keys:
                entity[(r.type, d, k)].append(i)

    pairs: set[tuple[int, int]] = set()
    add = pairs.add
    for (t, d, (cy, cx)), members in cells.items():
        for a, b in combinations(members, 2):
            add((a, b) if a < b else (b, a))
        for dy, dx in _FORWARD:
            other = cells.get((t, d, (cy + dy, cx + dx)))
            if other:
                for a in members:
                    for b in other:
                        if a != b:
                            add((a, b) if a < b else (b, a))

    def _join(index: dict[tuple, list[int]], needs) -> None:
        for members in index.values():
            if len(members) < 2:
                continue
            special = [m for m in members if needs(reports[m])]
            for a in special:
                for b in members:
                    if a != b:
                        add((a, b) if a < b else (b, a))

    _join(admin, lambda r: r.precision == "province" or (r.lat is None and r.place is not None))
    _join(country, lambda r: r.precision in ("country", "region")
          or (r.lat is None and r.place is not None and not r.admin1))
    _join(entity, lambda r: r.place is None)
    return pairs


def same_article_groups(reports: Iterable[Report]) -> dict[str, list[int]]:
    """Positions of the reports of each article (the cannot-link constraint's groups)."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(reports):
        groups[r.article].append(i)
    return groups
