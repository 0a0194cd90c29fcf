"""The grammar of time expressions: the text of one candidate span -> its normalised value.

Vocabulary comes from the times lexicon; the shapes are regular expressions built from it. A
candidate the grammar cannot read may go to `dateparser` (cached; its only importer).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from eventwire.analysis.times.dates import (
    _FUTURE,
    _PAST,
    _UNIT_GRAN,
    Info,
    _add,
    _floor,
    _info,
    _month_end,
    _norm,
)


class Grammar:
    """Reads the text of one candidate span; vocabulary from the lexicon, rules in regexes."""

    def __init__(self, lex: dict[str, Any]):
        v = {k: sec["values"] for k, sec in lex.items() if isinstance(sec, dict) and "values" in sec}
        self.months: dict[str, int] = v["months"]
        self.weekdays: dict[str, int] = v["weekdays"]
        self.numbers: dict[str, int | None] = v["numbers"]
        self.units: dict[str, tuple[str, int]] = {k: (u[0], int(u[1])) for k, u in v["units"].items()}
        self.day_words: dict[str, int] = v["day_words"]
        self.offset_words: dict[str, int] = v["offset_words"]
        self.parts = set(v["parts_of_day"])
        self.duration_cues = set(v["duration_cues"])
        self.future_cues: dict[str, str] = v["future_cues"]

        def alt(keys: Any) -> str:
            return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))

        M, W, U = alt(self.months), alt(self.weekdays), alt(self.units)
        N = rf"(?:\d{{1,3}}|{alt(self.numbers)})"
        D = r"(\d{1,2})(?:st|nd|rd|th)?"
        Y = r"((?:1[5-9]|20)\d\d)"  # the years the patterns file takes (15xx-20xx): "0700 local time" is a clock
        E = r"(?:(early|mid|late|end|beginning|start|middle)(?: of)?[ -]?)?"
        P = rf"(?: (?:{alt(self.parts)}))?"
        self.rules: list[tuple[str, re.Pattern]] = [(name, re.compile(rx)) for name, rx in (
            ("iso", rf"{Y}-(\d\d)-(\d\d)"),
            ("slash", r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})"),
            ("mdy", rf"(?:(?:{W}),? )?(?:the )?({M}) {D}(?:,? {Y})?{P}"),
            ("dmy", rf"(?:(?:{W}),? )?(?:the )?{D} (?:of )?({M})(?:,? {Y})?{P}"),
            ("m_range", rf"({M}) {D} ?(?:-|–|—|to|through|until|and) ?{D}(?:,? {Y})?"),
            ("m_range2", rf"({M}) {D} ?(?:-|–|—|to|through|until|and) ?({M}) {D}(?:,? {Y})?"),
            ("d_range", rf"{D} ?(?:-|–|—|to|and) ?{D} ({M})(?:,? {Y})?"),
            ("y_range", rf"{Y} ?(?:-|–|—|to|through|until) ?{Y}"),
            ("month", rf"{E}({M})(?:,? {Y})?"),
            ("rel_month", rf"(last|this past|this|next|this coming|past) ({M})"),
            ("year", rf"{E}(?:the year )?{Y}"),
            ("decade", r"(?:the )?(?:(early|mid|late)[ -])?(\d\d)?(\d)0'?s"),
            ("weekday", rf"(?:(last|next|this|coming|this coming|previous|past|this past) )?({W})(?:'s)?{P}"),
            ("day_word", rf"({alt(self.day_words)})(?:'s)?{P}"),
            ("calendar", r"(?:(earlier|later|end of|the end of|beginning of|the beginning of|start of|"
                         r"the start of|middle of|the middle of) )?(last|this|next|coming|this past|past) "
                         r"(week|month|year|weekend)(?:'s)?"),
            ("weekend", r"(?:the )?weekend"),
            ("ago", rf"({N}) ({U}) ago"),
            ("offset", rf"({N}) ({U}) ({alt(self.offset_words)})"),
            ("the_next", r"the (next|following|previous|preceding|same) (day|night|morning|evening|week|"
                         r"month|year)"),
            ("the_before", r"the (day|night|week|month|year) (before|after|earlier|later)"),
            ("that_day", r"that (day|date|night|morning|evening)"),
            ("period", rf"(?:the )?(?:past|last) (?:({N}) )?({U})"),
        )]
        zones = "|".join(re.escape(z) for z in v["time_zones"])
        self.clock = re.compile(r"(?:at |around |about )?(\d{1,2})(?:[:.](\d\d))? ?(a\.?m\.?|p\.?m\.?)?"
                                rf"(?: (?:{zones})(?: time)?)?|(noon|midnight)")

    # -- small readers
    def num(self, s: str) -> int | None:
        return int(s) if s.isdigit() else self.numbers.get(s)

    def month(self, s: str) -> int:
        return self.months[s]

    def clock_time(self, text: str) -> str | None:
        """'HH:MM' for a time of day ('13:44', '10 a.m.', 'noon'), else None."""
        m = self.clock.fullmatch(_norm(text))
        if not m:
            return None
        if m.group(4):
            return "12:00" if m.group(4) == "noon" else "00:00"
        h, mi, ampm = int(m.group(1)), int(m.group(2) or 0), (m.group(3) or "").replace(".", "")
        if not ampm and m.group(2) is None:
            return None  # a bare number is not a time
        if ampm == "pm" and h < 12:
            h += 12
        elif ampm == "am" and h == 12:
            h = 0
        return f"{h:02d}:{mi:02d}" if h < 24 and mi < 60 else None

    def is_duration_or_age(self, text: str) -> bool:
        """'three years', '24-year-old', 'aged 24', 'decades': an amount of time, not a point in it."""
        t = _norm(text)
        if re.search(r"\byears?[ -]old\b|\bold\b|\baged?\b|-year\b|-day\b|-week\b|-month\b", t):
            return True
        toks = t.replace("-", " ").split()
        return bool(toks) and toks[-1] in self.units and not any(w in self.offset_words for w in toks)

    # -- the normaliser
    def read(self, text: str, base: date | None, future: bool = False, present: bool = False) -> Info | None:
        """The normalised value of a time expression, or None if the grammar does not read it.

        `future`: the governing verb is future; `present`: it is present tense, which makes a date
        without a year ('takes effect on Jan. 1') a coming one but not a weekday (headline present)."""
        t = _norm(text)
        for name, rx in self.rules:
            m = rx.fullmatch(t)
            if m:
                if present and name in ("mdy", "dmy", "m_range", "m_range2", "d_range", "month"):
                    future = True
                try:
                    return getattr(self, "_r_" + name)(m, base, future)
                except (ValueError, KeyError, IndexError, OverflowError):
                    return None
        return None

    def _partial(self, m_: int, d_: int | None, base: date | None, future: bool) -> date | None:
        """The latest (or, future, the earliest) month/day not after (not before) `base`."""
        if base is None:
            return None
        years = range(base.year, base.year + 3) if future else range(base.year, base.year - 4, -1)
        for y in years:
            try:
                cand = date(y, m_, d_ or 1)
            except ValueError:
                continue
            last = cand if d_ else _month_end(y, m_)
            if (future and last >= base) or (not future and cand <= base):
                return cand
        return None

    def _dated(self, m_: int, d_: int | None, y: str | None, base: date | None, future: bool,
               gran: str) -> Info:
        if y:
            return _info("absolute", date(int(y), m_, d_ or 1), gran)
        dt = self._partial(m_, d_, base, future)
        return _info("partial", dt, gran, direction=_FUTURE if future else _PAST)

    def _r_iso(self, m: re.Match, base: date | None, future: bool) -> Info:
        return _info("absolute", date(int(m[1]), int(m[2]), int(m[3])), "day")

    def _r_slash(self, m: re.Match, base: date | None, future: bool) -> Info:
        y = int(m[3])
        if y < 100:
            y += 2000 if y <= ((base.year % 100) if base else 30) else 1900
        return _info("absolute", date(y, int(m[1]), int(m[2])), "day")

    def _r_mdy(self, m: re.Match, base: date | None, future: bool) -> Info:
        return self._dated(self.month(m[1]), int(m[2]), m[3], base, future, "day")

    def _r_dmy(self, m: re.Match, base: date | None, future: bool) -> Info:
        return self._dated(self.month(m[2]), int(m[1]), m[3], base, future, "day")

    def _range(self, m1: int, d1: int, m2: int, d2: int, y: str | None, base: date | None,
               future: bool) -> Info:
        first = self._dated(m1, d1, y, base, future, "day")
        if first["date"] is None:
            return first
        start = date.fromisoformat(first["date"])
        end = date(start.year + (1 if (m2, d2) < (m1, d1) else 0), m2, d2)
        first["end_date"] = end.isoformat()
        return first

    def _r_m_range(self, m: re.Match, base: date | None, future: bool) -> Info:
        mo = self.month(m[1])
        return self._range(mo, int(m[2]), mo, int(m[3]), m[4], base, future)

    def _r_m_range2(self, m: re.Match, base: date | None, future: bool) -> Info:
        return self._range(self.month(m[1]), int(m[2]), self.month(m[3]), int(m[4]), m[5], base, future)

    def _r_d_range(self, m: re.Match, base: date | None, future: bool) -> Info:
        mo = self.month(m[3])
        return self._range(mo, int(m[1]), mo, int(m[2]), m[4], base, future)

    def _r_y_range(self, m: re.Match, base: date | None, future: bool) -> Info | None:
        a, b = int(m[1]), int(m[2])
        if b <= a:
            return None
        return _info("absolute", date(a, 1, 1), "year", date(b, 12, 31))

    def _r_month(self, m: re.Match, base: date | None, future: bool) -> Info:
        out = self._dated(self.month(m[2]), None, m[3], base, future, "month")
        if m[1]:
            out["modifier"] = m[1]
        return out

    def _r_rel_month(self, m: re.Match, base: date | None, future: bool) -> Info:
        """'last December': the latest such month strictly before the current one ('next': after)."""
        rel, mo = m[1], self.month(m[2])
        fut = rel in ("next", "this coming") or (rel == "this" and future)
        if base is None:
            return _info("relative", None, "month", direction=_FUTURE if fut else _PAST)
        if fut:
            y = base.year + (1 if mo <= base.month else 0)
        elif rel == "this":
            y = base.year if mo <= base.month else base.year - 1
        else:
            y = base.year if mo < base.month else base.year - 1
        return _info("relative", date(y, mo, 1), "month", direction=_FUTURE if fut else _PAST)

    def _r_year(self, m: re.Match, base: date | None, future: bool) -> Info:
        return _info("absolute", date(int(m[2]), 1, 1), "year", modifier=m[1])

    def _r_decade(self, m: re.Match, base: date | None, future: bool) -> Info:
        if m[2]:
            start = int(m[2] + m[3] + "0")
        else:  # "the '90s": the latest such decade not after publication
            ref = base.year if base else 2099
            start = (ref // 100) * 100 + int(m[3]) * 10
            if start > ref:
                start -= 100
        return _info("absolute", date(start, 1, 1), "year", date(start + 9, 12, 31), modifier=m[1])

    def _r_weekday(self, m: re.Match, base: date | None, future: bool) -> Info:
        rel, wd = m[1], self.weekdays[m[2]]
        fut = rel in ("next", "coming", "this coming") or (future and rel not in ("last", "past", "this past",
                                                                                  "previous"))
        direction = _FUTURE if fut else _PAST
        if base is None:
            return _info("relative", None, "day", direction=direction)
        if fut and rel in ("next", "coming", "this coming"):
            dt = base + timedelta(days=(wd - base.weekday() - 1) % 7 + 1)
        elif fut:  # "will vote Friday", said on a Friday: that day
            dt = base + timedelta(days=(wd - base.weekday()) % 7)
        else:
            back = (base.weekday() - wd) % 7
            if back == 0 and rel in ("last", "previous"):
                back = 7
            dt = base - timedelta(days=back)
        return _info("relative", dt, "day", direction=direction)

    def _r_day_word(self, m: re.Match, base: date | None, future: bool) -> Info:
        n = self.day_words[m[1]]
        dt = base + timedelta(days=n) if base else None
        return _info("relative", dt, "day", direction=_FUTURE if n > 0 else _PAST)

    def _r_calendar(self, m: re.Match, base: date | None, future: bool) -> Info:
        edge, rel, unit = (m[1] or "").removeprefix("the "), m[2], m[3]
        step = {"last": -1, "this": 0, "next": 1, "coming": 1, "this past": -1, "past": -1}[rel]
        direction = _FUTURE if step > 0 or edge == "later" else _PAST
        edge_mod = edge.replace(" of", "") if edge and edge not in ("earlier", "later") else None
        if unit == "weekend":
            if base is None:
                return _info("relative", None, "day", direction=direction)
            sat = base - timedelta(days=(base.weekday() - 5) % 7)
            if step < 0 and base.weekday() >= 5:
                sat -= timedelta(days=7)
            sat += timedelta(days=7 * max(step, 0))
            if step > 0 and sat <= base:
                sat += timedelta(days=7)
            return _info("relative", sat, "day", sat + timedelta(days=1), direction=direction)
        gran = "day" if unit == "week" else unit
        if base is None:
            return _info("relative", None, gran, direction=direction, modifier=edge_mod)
        if unit == "week":
            monday = base - timedelta(days=base.weekday()) + timedelta(weeks=step)
            end = monday + timedelta(days=6)
            if edge == "earlier" and step == 0:
                end = max(monday, base - timedelta(days=1))
            return _info("relative", monday, "day", end, direction=direction, modifier=edge_mod)
        start = _floor(_add(_floor(base, unit), step, unit), unit)
        return _info("relative", start, gran, direction=direction, modifier=edge_mod)

    def _r_weekend(self, m: re.Match, base: date | None, future: bool) -> Info:
        if base is None:
            return _info("relative", None, "day", direction=_PAST)
        sat = base - timedelta(days=(base.weekday() - 5) % 7)
        return _info("relative", sat, "day", min(sat + timedelta(days=1), base), direction=_PAST)

    def _r_ago(self, m: re.Match, base: date | None, future: bool) -> Info:
        n, (unit, mult) = self.num(m[1]), self.units[m[2]]
        gran = _UNIT_GRAN[unit]
        if n is None or base is None:
            return _info("relative", None, gran, direction=_PAST)
        if unit in ("hour", "minute"):
            n, unit = (n * mult) // (24 if unit == "hour" else 1440), "day"
            mult = 1
        return _info("relative", _floor(_add(base, -n * mult, unit), gran), gran, direction=_PAST)

    def _r_offset(self, m: re.Match, base: date | None, future: bool) -> Info:
        n, (unit, mult), word = self.num(m[1]), self.units[m[2]], m[3]
        mode = "clause" if word in ("after", "before") else "anchor"
        return {"kind": "offset", "date": None, "end_date": None, "granularity": _UNIT_GRAN[unit],
                "_n": None if n is None else n * mult, "_unit": unit, "_sign": self.offset_words[word],
                "_mode": mode}

    def _r_the_next(self, m: re.Match, base: date | None, future: bool) -> Info:
        sign = {"next": 1, "following": 1, "previous": -1, "preceding": -1, "same": 0}[m[1]]
        unit = {"night": "day", "morning": "day", "evening": "day"}.get(m[2], m[2])
        return {"kind": "offset", "date": None, "end_date": None, "granularity": _UNIT_GRAN[unit],
                "_n": abs(sign), "_unit": unit, "_sign": sign or 1, "_mode": "anchor", "_anaphoric": True}

    def _r_that_day(self, m: re.Match, base: date | None, future: bool) -> Info:
        # "on that date", "that night": the day of the last date the text named
        return {"kind": "offset", "date": None, "end_date": None, "granularity": "day",
                "_n": 0, "_unit": "day", "_sign": 1, "_mode": "anchor", "_anaphoric": True}

    def _r_the_before(self, m: re.Match, base: date | None, future: bool) -> Info:
        unit = "day" if m[1] == "night" else m[1]
        word = m[2]
        return {"kind": "offset", "date": None, "end_date": None, "granularity": _UNIT_GRAN[unit],
                "_n": 1, "_unit": unit, "_sign": self.offset_words[word],
                "_mode": "clause" if word in ("after", "before") else "anchor", "_anaphoric": True}

    def _r_period(self, m: re.Match, base: date | None, future: bool) -> Info:
        n = self.num(m[1]) if m[1] else 1
        unit, mult = self.units[m[2]]
        if n is None or base is None:
            return _info("relative", None, "day", direction=_PAST)
        if unit in ("hour", "minute"):
            n, unit, mult = max(1, (n * mult) // (24 if unit == "hour" else 1440)), "day", 1
        return _info("relative", _add(base, -n * mult, unit), "day", base, direction=_PAST)


# ---------------------------------------------------------------------------- dateparser fallback

@lru_cache(maxsize=4096)
def _dateparser(text: str, base_iso: str | None) -> tuple[str, str] | None:
    """(date, granularity) from dateparser for `text`, relative to `base_iso`; cached (it is slow)."""
    if base_iso is None:
        return None
    parser = _dd_parser(base_iso)
    try:
        data = parser.get_date_data(text)
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    if data is None or data.date_obj is None:
        return None
    gran = {"time": "day", "day": "day", "week": "day", "month": "month", "year": "year"}.get(
        data.period or "day", "day")
    return _floor(data.date_obj.date(), gran).isoformat(), gran


@lru_cache(maxsize=32)
def _dd_parser(base_iso: str) -> Any:
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en"], settings={
        "RELATIVE_BASE": datetime.fromisoformat(base_iso), "PREFER_DATES_FROM": "past",
        "RETURN_TIME_AS_PERIOD": True, "STRICT_PARSING": False})

