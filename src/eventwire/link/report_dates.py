"""Date windows of a report: the days an event may have happened on, as day ordinals.

A day date is one day, a month date the whole month, an event dated only by its article's
publication the few days before it; a day that only dates the statement telling the event
bounds it without dating it.
"""

from __future__ import annotations

import calendar
from datetime import date as _date

# Days before publication an event dated only by the publication date may have happened.
PUBLICATION_LOOKBACK = 3


def _ordinal(s: str | None) -> tuple[int, int] | None:
    """(first, last) day ordinal of an ISO date, month (YYYY-MM) or year (YYYY)."""
    if not s or not isinstance(s, str):
        return None
    s = s.strip()[:10]
    try:
        parts = [int(p) for p in s.split("-") if p]
        if len(parts) >= 3:
            d = _date(parts[0], parts[1], parts[2]).toordinal()
            return d, d
        if len(parts) == 2:
            last = calendar.monthrange(parts[0], parts[1])[1]
            return _date(parts[0], parts[1], 1).toordinal(), _date(parts[0], parts[1], last).toordinal()
        if len(parts) == 1:
            return _date(parts[0], 1, 1).toordinal(), _date(parts[0], 12, 31).toordinal()
    except (ValueError, TypeError):
        return None
    return None


def _statement_dated(ev: dict, claim: dict | None, times) -> bool:
    """Is the event's day the day of the statement that tells it ("The army on Thursday denied
    carrying out the strike", "the coalition acknowledged on March 25 that its aircraft struck")?
    So when every mention of that day in the event's sentence lies outside the claim's content,
    between its speaker and the content. Such a day bounds the event (it happened by then) but
    does not date it."""
    if not claim or (ev.get("date_precision") or "") not in ("day", "minute") or not ev.get("date"):
        return False
    content, sent = claim.get("content") or {}, ev.get("sentence") or {}
    c0, c1, s0 = content.get("start"), content.get("end"), sent.get("start")
    if not all(isinstance(x, int) for x in (c0, c1, s0)):
        return False
    day = str(ev["date"])[:10]
    hits = [t for t in times if isinstance(t, dict) and str(t.get("date") or "")[:10] == day
            and isinstance(t.get("start"), int) and s0 <= t["start"] < (sent.get("end") or 0)]
    return bool(hits) and all(t["start"] < c0 for t in hits)


def date_window(ev: dict, published: str | None) -> tuple[int | None, int | None]:
    """The days the event may have happened on, from its date, end date and precision.

    A day (or minute) date is one day; a month date the whole month; an event dated
    only by the publication date (``date_precision`` other than day/minute/month/year,
    or no date) the few days before publication.
    """
    prec = (ev.get("date_precision") or "").lower()
    d = _ordinal(ev.get("date"))
    pub = _ordinal(published)
    if d is None or prec not in ("day", "minute", "month", "year", ""):
        if d is None and pub is None:
            return None, None
        base = (d or pub)[1]
        return base - PUBLICATION_LOOKBACK, base
    lo, hi = d
    if prec == "month":
        m = _ordinal((ev.get("date") or "")[:7])
        lo, hi = m or d
    elif prec == "year":
        y = _ordinal((ev.get("date") or "")[:4])
        lo, hi = y or d
    end = _ordinal(ev.get("end_date"))
    if end and end[1] >= lo:
        hi = max(hi, end[1])
    if pub and hi > pub[1] and prec in ("month", "year"):
        hi = pub[1]  # a month-dated past event cannot come after the article
    return lo, hi


def _article_days(doc: dict) -> frozenset:
    """Day ordinals the article names with day precision (a second version of an event's date)."""
    out = set()
    for t in doc.get("times") or []:
        if isinstance(t, dict) and t.get("granularity") in ("day", "minute"):
            d = _ordinal(t.get("date"))
            if d:
                out.add(d[0])
    return frozenset(out)
