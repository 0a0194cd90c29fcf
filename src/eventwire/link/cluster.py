"""Clustering: candidate pairs above the threshold become incidents.

Greedy average linkage with a cannot-link constraint. Edges are taken strongest
first; two clusters merge only when (a) no two of their reports come from one
article unless those two are the same mention repeated (`score.same_mention`),
and (b) the mean over their cross pairs of articles of each article pair's best event
pair stays above `AVERAGE_FACTOR * threshold` (pairs that blocking never proposed count as
`UNBLOCKED`), so one strong link cannot chain two different incidents together. An article
is counted once however many of its mentions a cluster holds: its weaker second mention of
the incident does not outvote its lead.
"""

from __future__ import annotations

from collections.abc import Sequence

from eventwire.link.reports import Report
from eventwire.link.score import DEFAULT, Weights, same_mention, score_pair, text_day

AVERAGE_FACTOR = 0.5
UNBLOCKED = -3.0
DAY_SLACK = 1  # a night strike is dated to either day


def score_pairs(reports: Sequence[Report], pairs, idf: dict[str, float],
                w: Weights = DEFAULT) -> dict[tuple[int, int], float]:
    """Scores of the candidate pairs."""
    return {p: score_pair(reports[p[0]], reports[p[1]], idf, w) for p in pairs}


def _days_conflict(a: Report, b: Report) -> bool:
    """Two reports whose texts date them to days more than `DAY_SLACK` apart: one incident has one
    day, so no chain of links through undated mentions may join them."""
    da, db = text_day(a), text_day(b)
    return da is not None and db is not None and abs(da - db) > DAY_SLACK


def cluster(reports: Sequence[Report], scores: dict[tuple[int, int], float],
            w: Weights = DEFAULT) -> list[list[int]]:
    """Incidents as lists of report positions (each list sorted; lists in order of first member)."""
    n = len(reports)
    parent = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def pair_score(x: int, y: int) -> float:
        return scores.get((x, y) if x < y else (y, x), UNBLOCKED)

    edges = sorted(((s, p) for p, s in scores.items() if s >= w.threshold), key=lambda e: (-e[0], e[1]))
    floor = AVERAGE_FACTOR * w.threshold
    for _s, (a, b) in edges:
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        ma, mb = members[ra], members[rb]
        best: dict[tuple[str, str], float] = {}  # (article, article) -> its best event pair
        ok = True
        for x in ma:
            rx = reports[x]
            for y in mb:
                ry = reports[y]
                if (rx.article == ry.article and not same_mention(rx, ry, w)) or _days_conflict(rx, ry):
                    ok = False
                    break
                k = (rx.article, ry.article)
                sc = pair_score(x, y)
                if sc > best.get(k, UNBLOCKED - 1.0):
                    best[k] = sc
            if not ok:
                break
        if not ok or sum(best.values()) / len(best) < floor:
            continue
        if len(ma) < len(mb):
            ra, rb, ma, mb = rb, ra, mb, ma
        parent[rb] = ra
        ma.extend(mb)
        del members[rb]
    out = [sorted(m) for m in members.values()]
    out.sort(key=lambda m: m[0])
    return out
