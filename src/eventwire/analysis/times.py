"""The times layer: time expressions found and normalised against the publication date.

Writes ``doc.spans["times"]`` (the key is a setting) and ``Span._.ew_time``, a plain dict:
``date`` ("YYYY-MM-DD" or None), ``end_date`` (None unless a range), ``granularity``
(``minute``/``day``/``month``/``year``, CONTRACT.md), ``kind``, and where useful ``time``
("HH:MM", granularity minute), ``direction`` ("past"/"future", for expressions read against
the publication date), ``modifier`` (early/mid/late/end...), ``anchor`` ([start, end] of the time
an offset is counted from) and ``offset_days``.

Candidates come from a spaCy Matcher whose patterns and vocabulary are data
(``lexicons/time_expressions.yaml``) and from the model's DATE/TIME entities; a
candidate the own grammar cannot read goes to ``dateparser`` (cached; its only importer).

What each kind resolves to (``published`` = ``doc._.ew_meta["published"]``):

* ``absolute``: a date with its year. "June 16, 2018" / "16 June 2018" / "2018-06-16" /
  "6/16/2018" -> day; "June 2018" -> month (date = the 1st); "2018", "early 2015" -> year
  (date = Jan 1); "the 1990s" -> year, 1990-01-01 to 1999-12-31. The first-line publication date
  of a text ("June 16, 2018 13:44") is one too, granularity minute.
* ``partial``: a date without its year. "May 24" -> the latest May 24 not after publication
  (the earliest not before it when the governing verb is future, "will meet on May 24", "is
  expected to vote in late January", or present tense, "takes effect on Jan. 1");
  "in May" -> that month, likewise. In a dateline ("GENEVA, June 3 (AFP) -") the occurrence nearest
  to publication (``role`` "dateline", no direction: wire datelines may run a day ahead).
* ``relative``: read against the publication date. "yesterday"/"today"/"last night"/"tomorrow";
  "on Tuesday" -> the latest Tuesday not after publication ("last Tuesday": strictly before;
  "next Tuesday" or a future verb: the next one); "last/this/next week" -> the Monday of that week,
  ``end_date`` its Sunday, granularity day (weeks are kept as day ranges, not months);
  "last/this month" -> month; "earlier this month" -> this month; "last year" -> year;
  "the weekend" -> Saturday-Sunday; "three days ago" -> day; "a year ago" -> year;
  "the past three days" -> a day range ending on the publication date.
* ``offset``: counted from an *anchor*, the last resolved time before it in the same sentence (else
  in the previous one). "two days later" / "a week earlier" / "the next day" -> anchor +/- N.
  Anaphoric phrases ("on that date", "that night", "the same day", "the following day", "the day
  before") fall back to the last explicit date anywhere before them, never to publication.
  "24 hours after <clause>" dates the *clause's* event, which happened N before the anchor:
  "on May 24 when warplanes struck ... 24 hours after the army aborted an attack" -> 2018-05-23
  (``offset_days`` -1); "N days before <clause>" -> anchor + N. "two days after May 24" (a time
  follows) is one span: May 26. Hours count in whole days unless the anchor has a clock time.
* Times of day ("13:44", "10 a.m.", "noon") are kept only when joined to a date ("Tuesday at
  10 a.m."): the span is merged, granularity minute, ``time`` set.

Not times: durations ("for three years", "three years"), ages ("24-year-old", "aged 24"),
periodic sets ("every year"): skipped, no span. "May" the modal and "march" the noun need a
capital and a day, year or preposition. Nothing resolvable is ever invented: a relative or
partial expression without a publication date, or an offset without an anchor, keeps its span
with ``date: None``; a past-directed expression is never dated after publication.
"""

from __future__ import annotations

import calendar
import logging
import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

import eventwire.analysis.extensions  # noqa: F401
from eventwire.analysis.extensions import doc_text
from eventwire.data import read_yaml

_log = logging.getLogger(__name__)
LEXICON = "lexicons/time_expressions.yaml"
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


# ---------------------------------------------------------------------------- the grammar

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
        Y = r"(\d{4})"
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
        self.clock = re.compile(r"(?:at |around |about )?(\d{1,2})(?:[:.](\d\d))? ?(a\.?m\.?|p\.?m\.?)?"
                                r"(?: (?:gmt|utc|local|est|edt|pst|pdt|cet)(?: time)?)?|(noon|midnight)")

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


# ---------------------------------------------------------------------------- the component

def _expand(spec: Any, vocab: dict[str, list[str]]) -> Any:
    if isinstance(spec, dict):
        return {k: _expand(v, vocab) for k, v in spec.items()}
    if isinstance(spec, list):
        return [_expand(v, vocab) for v in spec]
    if isinstance(spec, str) and spec.startswith("$"):
        return vocab[spec[1:]]
    return spec


class TimesComponent:
    """Finds time expressions (Matcher + NER DATE/TIME) and writes normalised spans."""

    def __init__(self, nlp: Language, name: str, spans_key: str = "times", use_ner: bool = True,
                 use_dateparser: bool = True):
        self.name = name
        self.spans_key = spans_key
        self.use_ner = use_ner
        self.use_dateparser = use_dateparser
        lex = read_yaml(LEXICON)
        self.grammar = Grammar(lex)
        vocab = {k: [str(x) for x in sec["values"]] for k, sec in lex.items()
                 if isinstance(sec, dict) and "values" in sec}
        macros = _expand(lex["macros"], vocab)
        self.matcher = Matcher(nlp.vocab)
        self.trim: dict[str, int] = {}
        for item in lex["patterns"]["items"]:
            pattern = []
            for tok in item["pattern"]:
                if isinstance(tok, str):
                    spec = dict(macros[tok.rstrip("?")])
                    if tok.endswith("?"):
                        spec["OP"] = "?"
                    pattern.append(spec)
                else:
                    pattern.append(_expand(tok, vocab))
            self.matcher.add(item["name"], [pattern])
            self.trim[item["name"]] = int(item.get("trim_left", 0))
        self.clock_names = {"clock", "clock12", "noon"}
        # every pattern holds one of these words or a digit; patterns reach <= 6 tokens either side
        self.triggers = {w for sec in ("months", "weekdays", "units", "day_words")
                         for w in vocab[sec]} | {"ago", "noon", "midnight", "weekend", "week", "month", "year", "date"}
        self.window = (6, 8)
        self._cache: dict[tuple, Info | None] = {}
        fc = self.grammar.future_cues
        self.future_aux = {k for k, v in fc.items() if v == "aux"}
        self.future_heads = {k for k, v in fc.items() if v == "head"}

    # -- candidates
    def _matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """Matcher hits, run only on windows around trigger tokens (a month, a digit, 'ago'...):
        running every pattern over every token costs more than the rest of the layer."""
        windows: list[list[int]] = []
        for tok in doc:
            if tok.lower_ in self.triggers or tok.is_digit or (tok.text[:1].isdigit() and len(tok.text) <= 10):
                s, e = max(0, tok.i - self.window[0]), min(len(doc), tok.i + self.window[1])
                if windows and s <= windows[-1][1]:
                    windows[-1][1] = e
                else:
                    windows.append([s, e])
        out = set()
        for s, e in windows:
            for m_id, ms, me in self.matcher(doc[s:e]):
                out.add((m_id, s + ms, s + me))
        return sorted(out, key=lambda x: (x[1], x[2]))

    def _candidates(self, doc: Doc) -> tuple[list[Span], list[Span]]:
        """(date candidates, clock-time candidates), non-overlapping, in text order."""
        dates, clocks = [], []
        for match_id, s, e in self._matches(doc):
            name = doc.vocab.strings[match_id]
            s += self.trim.get(name, 0)
            while s < e and doc[s].is_punct:  # optional commas/dashes matched at an edge
                s += 1
            while e > s and doc[e - 1].is_punct:
                e -= 1
            if s >= e:
                continue
            (clocks if name in self.clock_names else dates).append(Span(doc, s, e, label=name))
        dates = filter_spans(dates)
        if self.use_ner:
            taken = {i for sp in dates for i in range(sp.start, sp.end)}
            for ent in doc.ents:
                if ent.label_ in ("DATE", "TIME") and not any(i in taken for i in range(ent.start, ent.end)):
                    if ent.label_ == "TIME" and self.grammar.clock_time(ent.text):
                        clocks.append(Span(doc, ent.start, ent.end, label="ner_clock"))
                    else:
                        dates.append(Span(doc, ent.start, ent.end, label="ner"))
        dates = [sp for sp in dates if not self._year_in_name(sp)]
        dates.sort(key=lambda sp: sp.start)
        used = {i for sp in dates for i in range(sp.start, sp.end)}
        clocks = [c for c in filter_spans(clocks) if not any(i in used for i in range(c.start, c.end))]
        return dates, clocks

    def _year_in_name(self, sp: Span) -> bool:
        """'the Finance Bill 2024', 'Euro 2024', 'Vision 2030': a year that ends a name is part of
        the name, not a time (a bare four-digit year right after a capitalised word that is not a
        month or weekday)."""
        if len(sp) != 1 or not re.fullmatch(r"\d{4}", sp.text) or sp.start == 0:
            return False
        prev = sp.doc[sp.start - 1]
        return prev.text[:1].isupper() and prev.pos_ in ("PROPN", "NOUN") \
            and prev.lower_ not in self.triggers and not prev.is_sent_start

    def _tense(self, span: Span) -> str | None:
        """'future' if the verb governing `span` is future ('will meet on Tuesday', 'is expected to vote
        in late January'), 'present' for a present-tense finite verb ('takes effect on Jan. 1'), else None.
        Climbs non-finite verbs up to the first finite one."""
        tok = span.root
        for _ in range(8):
            if tok.pos_ in ("VERB", "AUX"):
                if tok.lemma_.lower() in self.future_heads:
                    return "future"
                auxes = [c for c in tok.children if c.dep_ in ("aux", "auxpass")]
                perfect = any(c.lower_ in ("have", "has", "had", "'ve") for c in auxes)
                if not perfect and any(c.lower_ in self.future_aux for c in auxes):
                    return "future"
                if any(c.lower_ == "going" and any(g.lower_ == "to" for g in c.children) for c in tok.children):
                    return "future"
                finite = [x.tag_ for x in [tok, *auxes] if x.tag_ in ("VBD", "VBZ", "VBP", "MD")]
                if finite:
                    return "present" if "VBD" not in finite and tok.tag_ in ("VBZ", "VBP") else None
            if tok.head is tok:
                break
            tok = tok.head
        return None

    def _read(self, span: Span, base: date | None, dateline: tuple[int, int] | None = None) -> Info | None:
        g = self.grammar
        text = span.text
        if span.label_ == "ner":
            # trim leading articles/prepositions the model sometimes includes
            text = re.sub(r"^(?:on|in|since|by|from|until|between)\s+", "", text, flags=re.I)
        if not re.search(r"[A-Za-z0-9]", text):
            return None
        prev = span.doc[span.start - 1].lower_ if span.start > 0 else ""
        if prev in g.duration_cues and span.label_ == "ner":
            return None
        if dateline and dateline[0] <= span.start_char < dateline[1] and base:
            info = g.read(text, base)
            if info and info["kind"] == "partial" and info["granularity"] == "day" and info["date"]:
                # "GENEVA, June 3 (AFP) -": the dateline's date is the day of publication, give or take
                # a time zone; take the occurrence nearest to it, not the latest before it
                d = date.fromisoformat(info["date"])
                near = min((d.replace(year=d.year + k) for k in (0, 1) if _valid(d, d.year + k)),
                           key=lambda x: abs((x - base).days))
                return dict(info, date=near.isoformat(), direction=None, role="dateline")
            lead = doc_text(span.doc)[dateline[0]:span.start_char]
            if info and info.get("date") and info.get("kind") == "absolute" and not re.search(r"[-–—(:]", lead):
                # "GAZA, May 10, 2023, WAFA -": a full date before the dateline's separator dates the report
                return dict(info, role="dateline")
            return info
        tense = self._tense(span)
        key = (text, base, tense)
        info = self._cache.get(key, False)
        if info is False:
            if len(self._cache) > 50_000:
                self._cache.clear()
            info = self._cache[key] = g.read(text, base, tense == "future", tense == "present")
        if info is not None:
            return dict(info)
        if span.label_ != "ner" or g.is_duration_or_age(text):
            return None
        if not self.use_dateparser or base is None:
            return None
        low = text.lower()
        if not (any(w in low.split() for w in g.months) or any(w in low for w in g.weekdays)
                or re.search(r"\b\d{4}\b", low)):
            return None  # dateparser reads too much into vague words ("the season", "days")
        got = _dateparser(text, base.isoformat())
        if got is None:
            return None
        return {"date": got[0], "end_date": None, "granularity": got[1], "kind": "relative",
                "direction": _PAST, "source": "dateparser"}

    def __call__(self, doc: Doc) -> Doc:
        return self._process(doc)  # a failure becomes the article's error record, naming the layer

    def _process(self, doc: Doc) -> Doc:
        meta = doc._.ew_meta or {}
        pub = parse_published(meta.get("published"))
        base = pub.date() if pub else None
        pspan = meta.get("published_span")
        pub_span = doc.char_span(pspan[0], pspan[1], alignment_mode="expand") if pspan else None
        found: list[tuple[Span, Info]] = []
        if pub_span is not None and pub:
            has_time = bool(re.search(r"\d[:.]\d\d", pub_span.text))
            found.append((pub_span, _info("absolute", base, "minute" if has_time else "day", role="published",
                                          time=pub.strftime("%H:%M") if has_time else None)))
        dl = meta.get("dateline")
        dl_zone = None
        if dl:
            text = doc_text(doc)
            nl = text.find("\n", dl[0])
            dl_zone = (dl[0], min(dl[0] + 60, nl if nl >= 0 else len(text)))
        dates, clocks = self._candidates(doc)
        for sp in dates:
            if pub_span is not None and sp.start < pub_span.end and pub_span.start < sp.end:
                continue
            info = self._read(sp, base, dl_zone)
            if info is not None:
                found.append((sp, info))
        found.sort(key=lambda x: x[0].start)
        found = self._attach_clocks(doc, found, clocks, pub_span)
        found = self._merge_ranges(doc, found)
        found = self._resolve_offsets(doc, found, pub_span)
        spans = []
        for sp, info in found:
            info = {k: v for k, v in info.items() if not k.startswith("_")}
            info = {k: v for k, v in info.items() if v is not None or k in ("date", "end_date")}
            if info.get("direction") == _PAST and base and info.get("date") and info["date"] > base.isoformat():
                info["date"], info["end_date"] = None, None  # never a past expression after publication
            out = Span(doc, sp.start, sp.end, label="TIME")
            out._.ew_time = info
            spans.append(out)
        doc.spans[self.spans_key] = spans
        return doc

    def _attach_clocks(self, doc: Doc, found: list[tuple[Span, Info]], clocks: list[Span],
                       pub_span: Span | None) -> list[tuple[Span, Info]]:
        """Join '10 a.m.' to a day expression right before or after it (granularity minute)."""
        glue = {",", "at", "on", "around", "about", "of", "by"}
        for c in clocks:
            if pub_span is not None and c.start < pub_span.end and pub_span.start < c.end:
                continue
            hhmm = self.grammar.clock_time(c.text)
            if hhmm is None:
                continue
            for i, (sp, info) in enumerate(found):
                if info.get("granularity") != "day" or info.get("end_date") or info["kind"] == "offset":
                    continue
                if sp.end <= c.start:
                    between, new = doc[sp.end:c.start], (sp.start, c.end)
                elif c.end <= sp.start:
                    between, new = doc[c.end:sp.start], (c.start, sp.end)
                else:
                    continue
                if len(between) <= 2 and all(t.lower_ in glue for t in between):
                    merged = dict(info, time=hhmm)
                    if merged.get("date"):
                        merged["granularity"] = "minute"
                    found[i] = (Span(doc, *new), merged)
                    break
        found.sort(key=lambda x: x[0].start)
        return found

    def _merge_ranges(self, doc: Doc, found: list[tuple[Span, Info]]) -> list[tuple[Span, Info]]:
        """'between May 1 and May 3', 'from 2014 to 2016': one span with date and end_date."""
        out: list[tuple[Span, Info]] = []
        for sp, info in found:
            if out:
                psp, pinfo = out[-1]
                between = doc[psp.end:sp.start]
                before = doc[psp.start - 1].lower_ if psp.start > 0 else ""
                joined = [t.lower_ for t in between]
                ok = ((before == "between" and joined == ["and"])
                      or (before in ("from", "between") and joined in (["to"], ["until"], ["through"], ["-"]))
                      or joined in (["-"], ["–"]))
                if (ok and pinfo.get("date") and info.get("date") and pinfo["kind"] != "offset"
                        and info["kind"] != "offset" and not pinfo.get("end_date")
                        and info["date"] > pinfo["date"]):
                    gran = max(pinfo["granularity"], info["granularity"], key=_GRAN_RANK.__getitem__)
                    end = date.fromisoformat(info["date"])
                    if gran == "year":
                        end = date(end.year, 12, 31)
                    elif gran == "month":
                        end = _month_end(end.year, end.month)
                    merged = dict(pinfo, end_date=end.isoformat(), granularity=gran)
                    merged.pop("time", None)
                    out[-1] = (Span(doc, psp.start, sp.end), merged)
                    continue
            out.append((sp, info))
        return out

    def _resolve_offsets(self, doc: Doc, found: list[tuple[Span, Info]],
                         pub_span: Span | None) -> list[tuple[Span, Info]]:
        """Date 'two days later' / '24 hours after <clause>' from their anchor time."""
        out: list[tuple[Span, Info]] = []
        skip: set[int] = set()
        for i, (sp, info) in enumerate(found):
            if i in skip:
                continue
            if info["kind"] != "offset":
                out.append((sp, info))
                continue
            anchor = None
            nxt = found[i + 1] if i + 1 < len(found) else None
            if (info["_mode"] == "clause" and nxt is not None and nxt[0].start == sp.end
                    and nxt[1].get("date") and nxt[1]["kind"] != "offset"):
                # "two days after May 24": the whole phrase is the later date
                anchor, sign = nxt, info["_sign"]
                span = Span(doc, sp.start, nxt[0].end)
                skip.add(i + 1)
            else:
                span = sp
                if info["_mode"] == "clause" and (sp.end >= sp.sent.end or doc[sp.end].is_punct):
                    info = dict(info, _mode="anchor")  # "the day before." has no clause: anchor-relative
                anchor = self._anchor(doc, sp, out, found[i + 1:], pub_span, info["_mode"],
                                      bool(info.get("_anaphoric")))
                sign = info["_sign"] if info["_mode"] == "anchor" else -info["_sign"]
            resolved = dict(info)
            if anchor is not None and info["_n"] is not None:
                asp, ainfo = anchor
                resolved.update(self._shift(ainfo, info["_n"] * sign, info["_unit"]))
                resolved["anchor"] = [asp.start_char, asp.end_char]
            out.append((span, resolved))
        return out

    def _anchor(self, doc: Doc, sp: Span, before: list[tuple[Span, Info]], after: list[tuple[Span, Info]],
                pub_span: Span | None, mode: str, anaphoric: bool = False) -> tuple[Span, Info] | None:
        """The time an offset counts from: in its sentence, else the previous one; an anaphoric
        phrase ("that date", "the next day") else the last explicit date anywhere before it, never
        the publication date (which would date the event to the day it was reported)."""
        def usable(x: tuple[Span, Info]) -> bool:
            s, inf = x
            return bool(inf.get("date")) and (pub_span is None or s.start != pub_span.start) \
                and inf.get("_mode") != "clause"

        sent = sp.sent
        prev_sent = doc[sent.start - 1].sent if sent.start > 0 else None
        for x in reversed(before):
            if x[0].start >= sent.start and usable(x):
                return x
        if mode == "clause":
            for x in after:
                if x[0].start < sent.end and usable(x):
                    return x
        if prev_sent is not None:
            for x in reversed(before):
                if x[0].start >= prev_sent.start and usable(x):
                    return x
        if anaphoric:
            for x in reversed(before):
                if usable(x) and x[1].get("kind") != "offset" and x[1].get("role") != "dateline":
                    return x
        return None

    @staticmethod
    def _shift(ainfo: Info, n: int, unit: str) -> Info:
        """The anchor's date moved by n units, with the coarser of the two granularities."""
        adate = date.fromisoformat(ainfo["date"])
        agran = ainfo["granularity"]
        if unit in ("hour", "minute") and ainfo.get("time"):
            at = datetime.combine(adate, datetime.strptime(ainfo["time"], "%H:%M").time())
            t = at + (timedelta(hours=n) if unit == "hour" else timedelta(minutes=n))
            return {"date": t.date().isoformat(), "time": t.strftime("%H:%M"), "granularity": "minute",
                    "offset_days": (t.date() - adate).days}
        if unit == "hour":
            n, unit = int(n / 24), "day"
        elif unit == "minute":
            n, unit = int(n / 1440), "day"
        gran = max(_UNIT_GRAN[unit], "day" if agran == "minute" else agran, key=_GRAN_RANK.__getitem__)
        new = _floor(_add(adate, n, unit), gran)
        return {"date": new.isoformat(), "granularity": gran, "offset_days": (new - adate).days}


@Language.factory(
    "eventwire_times",
    default_config={"spans_key": "times", "use_ner": True, "use_dateparser": True},
    assigns=["doc.spans"],
    requires=["doc.ents", "doc.sents"],
)
def make_times(nlp: Language, name: str, spans_key: str, use_ner: bool, use_dateparser: bool) -> TimesComponent:
    return TimesComponent(nlp, name, spans_key=spans_key, use_ner=use_ner, use_dateparser=use_dateparser)
