"""The incidents timeline: matching incidents counted per day, week, month or year in SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Connection,
    select,
)

from eventwire.store.incidents import incidents
from eventwire.store.queries.filters import IncidentFilters
from eventwire.store.queries.incident_list import _incident_where

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
