"""Calendar arithmetic and the shape of a normalised time (`Info`), shared by the times modules."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from typing import Any

_PAST, _FUTURE = "past", "future"
_UNIT_GRAN = {"minute": "day", "hour": "day", "day": "day", "week": "day", "month": "month", "year": "year"}
_GRAN_RANK = {"minute": 0, "day": 1, "month": 2, "year": 3}
Info = dict[str, Any]


# ---------------------------------------------------------------------------- calendar helpers

def _add(d: date, n: int, unit: str) -> date:
    """`d` moved by n units (months/years clamp the day to the month's length)."""
    if unit in ("day", "minute", "hour"):
        return d + timedelta(days=n)
    if unit == "week":
        return d + timedelta(weeks=n)
    months = n * (12 if unit == "year" else 1)
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _floor(d: date, gran: str) -> date:
    if gran == "year":
        return date(d.year, 1, 1)
    if gran == "month":
        return date(d.year, d.month, 1)
    return d


def _info(kind: str, d: date | None, gran: str, end: date | None = None, **extra: Any) -> Info:
    out: Info = {"date": d.isoformat() if d else None, "end_date": end.isoformat() if end else None,
                 "granularity": gran, "kind": kind}
    out.update({k: v for k, v in extra.items() if v is not None})
    return out


def parse_published(value: Any) -> datetime | None:
    """The publication date(time) from ew_meta, or None when absent or unreadable."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).strip().replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return None


def _valid(d: date, year: int) -> bool:
    try:
        d.replace(year=year)
    except ValueError:
        return False
    return True


def _norm(text: str) -> str:
    t = text.lower().replace("’", "'").replace("–", "-").replace("—", "-")
    t = re.sub(r"\s*-\s*", "-", t)  # "May 1 - 3", "mid - 2015": tokens joined by a dash
    t = re.sub(r"\s+", " ", t).strip()
    t = re.sub(r"\s*,\s*", ", ", t)
    return t.replace(" ,", ",")

