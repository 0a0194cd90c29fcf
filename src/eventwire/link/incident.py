"""Assemble the `eventwire/incident/1` record of one cluster of reports.

The incident's type, mode, place and date are read from the reports that say it
happened (denials only add to the grade): the most precise place, the narrowest
date window, the most common type and mode. Casualties are the range across
reports: the lowest figure any report gives to the highest.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from datetime import date as _date

from eventwire.link.origins import Origin
from eventwire.link.reports import Report, actor_key

PLACE_FIELDS = ("text", "name", "geonameid", "lat", "lon", "country", "admin1", "feature_code", "precision")
_PRECISION_RANK = {"point": 0, "village": 1, "town": 2, "city": 3, "district": 4, "province": 5,
                   "country": 6, "region": 7}


def new_incident_id(keys: Sequence[str]) -> str:
    """A deterministic id from the incident's first report key."""
    return "inc-" + hashlib.sha1(min(keys).encode()).hexdigest()[:12]


def _iso(o: int) -> str:
    return _date.fromordinal(o).isoformat()


def _casualties(reports: Sequence[Report], attr: str) -> dict:
    """The range across reports: the lowest minimum, the highest maximum. An open-ended count
    ("at least 14", "scores of", "some") keeps the maximum open unless another report gives a
    bound at or above it: "some civilians" alone is at least one, never exactly one."""
    lows, highs, open_lows = [], [], []
    for r in reports:
        lo, hi = getattr(r, attr)
        if lo is None and hi is None:
            continue
        lows.append(lo if lo is not None else 0)
        if hi is None:
            open_lows.append(lo)
        else:
            highs.append(hi)
    top = max(highs) if highs else None
    if top is not None and any(lo > top for lo in open_lows):
        top = None
    return {"min": min(lows) if lows else None, "max": top}


def _actors(reports: Sequence[Report], attr: str) -> list[dict]:
    out, seen = [], set()
    for r in reports:
        for a in getattr(r, attr):
            k = actor_key(a)
            if k and k not in seen:
                seen.add(k)
                out.append({"name": a.get("name") or a.get("text"), "entity": a.get("entity"),
                            "country": a.get("country"), "sector": a.get("sector")})
    return out


def _place(reports: Sequence[Report]) -> dict | None:
    """The most precise event place; when none is finer than a province, the fine place the
    reports' articles name most often inside it (an event read only as "in Yemen" or with no
    place, in articles that all name Dahyan)."""
    placed = [r for r in reports if r.place]
    best = None
    if placed:
        ids = Counter(r.geonameid for r in placed if r.geonameid is not None)
        best = min(placed, key=lambda r: (_PRECISION_RANK.get(r.precision or "", 8), r.lat is None,
                                          -ids.get(r.geonameid, 0), r.idx))
        if best.fine:
            return {f: best.place.get(f) for f in PLACE_FIELDS}
    named: Counter = Counter()
    records: dict = {}
    for r in reports:
        for p in {(p.geonameid, round(p.lat, 2), round(p.lon, 2)): p for p in r.candidate_places()}.values():
            if p.record is None:
                continue
            k = (p.geonameid, round(p.lat, 2), round(p.lon, 2))
            named[k] += 1
            records.setdefault(k, p.record)
    if named:
        top = max(named.values())
        k = min((k for k, n in named.items() if n == top), key=lambda k: (_PRECISION_RANK.get(
            records[k].get("precision") or "", 8), str(k)))
        if top >= 2 or best is None:
            return {f: records[k].get(f) for f in PLACE_FIELDS}
    if best is not None:
        return {f: best.place.get(f) for f in PLACE_FIELDS}
    # no event place and no fine place in the articles: the province most of the articles name
    provinces: Counter = Counter()
    seen: dict = {}
    for recs in {r.article: r.art_provinces for r in reports}.values():
        for p in recs:
            provinces[p["geonameid"]] += 1
            seen.setdefault(p["geonameid"], p)
    if provinces:
        gid, n = min(provinces.items(), key=lambda kv: (-kv[1], str(kv[0])))
        if 2 * n >= len({r.article for r in reports}):
            return {f: seen[gid].get(f) for f in PLACE_FIELDS}
    return None


def _dates(reports: Sequence[Report]) -> tuple[str | None, str | None, str | None]:
    """The incident's day: the day most reports date it to in their text (the earliest on a tie);
    without one, the narrowest windows (a month), else the publication day most reports give
    (an event the text does not date is most often of the day it was published or the day before),
    unless most of the articles name one earlier day (`_named_day`)."""
    dated = [r for r in reports if r.lo is not None]
    if not dated:
        return None, None, None
    days = Counter(r.lo for r in dated if r.lo == r.hi and (r.date_precision or "") in ("day", "minute"))
    if days:
        best = max(days.values())
        return _iso(min(d for d, n in days.items() if n == best)), None, "day"
    own = [r for r in dated if (r.date_precision or "") in ("month", "year")]
    if own:
        width = min(r.hi - r.lo for r in own)
        narrow = [r for r in own if r.hi - r.lo == width]
        lo, hi = min(r.lo for r in narrow), max(r.hi for r in narrow)
        precs = Counter(r.date_precision for r in narrow)
        return _iso(lo), (_iso(hi) if hi != lo else None), precs.most_common(1)[0][0]
    named = _named_day(dated)
    if named is not None:
        return _iso(named), None, "day"
    pubs = Counter(r.hi for r in dated)
    best = max(pubs.values())
    return _iso(min(d for d, n in pubs.items() if n == best)), None, "publication"


NAMED_DAY_BACK = 7  # days before publication an article's named day may date its undated event


def _named_day(reports: Sequence[Report]) -> int | None:
    """For an incident no report dates in its own sentence: the day its articles name most often
    in the week up to their publication, when at least two articles (and most of them) name it.
    One article's statement or report date is not enough: the day the articles agree on is."""
    arts: dict[str, set[int]] = {}
    for r in reports:
        if r.hi is not None:
            arts.setdefault(r.article, set()).update(d for d in r.art_days if r.hi - NAMED_DAY_BACK <= d <= r.hi)
    days = Counter(d for ds in arts.values() for d in ds)
    if not days:
        return None
    best = max(days.values())
    if best < 2 or 2 * best < len(arts):
        return None
    return min(d for d, n in days.items() if n == best)


def build_incident(iid: str, reports: Sequence[Report], origins: dict[str, Origin],
                   per_report: dict[str, list[str]], grade: str, reason: str) -> dict:
    """The incident record (CONTRACT.md "Incidents"), with every report and its status."""
    base = [r for r in reports if r.asserting] or list(reports)
    types = Counter(r.type for r in base)
    modes = Counter(r.mode for r in base if r.mode)
    date, end_date, date_precision = _dates(base)
    asserting = [o for o in origins.values() if o.asserting]
    return {
        "schema": "eventwire/incident/1",
        "id": iid,
        "type": types.most_common(1)[0][0] if types else None,
        "mode": modes.most_common(1)[0][0] if modes else None,
        "date": date, "end_date": end_date, "date_precision": date_precision,
        "place": _place(base),
        "actors": _actors(base, "actors"),
        "recipients": _actors(base, "recipients"),
        "killed": _casualties(base, "killed"),
        "injured": _casualties(base, "injured"),
        "grade": grade,
        "grade_reason": reason,
        "origins": len(asserting),
        "origins_all": len(origins),
        "origin_list": [o.to_dict() for o in origins.values()],
        "reports": [{"article": r.article, "event": ev, "outlet": r.outlet_id,
                     "outlet_name": r.outlet_name, "status": r.status, "published": r.published,
                     "date": r.date, "killed": {"min": r.killed[0], "max": r.killed[1]},
                     "origins": per_report.get(r.key, [])} for r in reports for ev in (r.event, *r.also)],
    }
