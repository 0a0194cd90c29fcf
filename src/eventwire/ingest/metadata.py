"""Metadata written inside the text: a first-line date, a title line, a dateline.

Recognised in place (offsets into the text, nothing cut out), so that the
analysed text stays exactly the given text and offsets match other tools'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
           "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")

_DAYS = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+"
_TIME = r"(?P<time>\d{1,2}[:.]\d{2}(?::\d{2})?)\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?"
_ZONE = r"(?:\s*(?:GMT|UTC|Z|[A-Z]{2,4})?\s*(?:[+-]\d{1,2}(?::?\d{2})?)?)"

# "June 16, 2018 13:44", "Saturday, June 16, 2018", "16 June 2018", "2018-06-16T13:44:00",
# "Published: June 16, 2018 at 1:44 pm GMT", "Sat 16 Jun 2018 13.44 BST", "16.06.2018"
_DATE_LINE = re.compile(
    rf"^\s*(?:(?:Published|Posted|Updated|Last updated|Date)(?:\s+on)?\s*:?\s*)?(?:{_DAYS})?"
    rf"(?:(?P<mdy>(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
    rf"|(?P<dmy>\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?,?\s+\d{{4}})"
    rf"|(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})|(?P<dotted>\d{{1,2}}\.\d{{1,2}}\.\d{{4}}))"
    rf"(?:\s*(?:[T,|\-–—]|\bat\b)?\s*{_TIME}{_ZONE})?\s*$",
    re.IGNORECASE)

# The pieces of a dateline: PLACE[, Region][, Date] then an outlet mark, then a separator.
_PLACE = r"(?P<place>[A-ZÀ-Þ][\w'’.\-]*(?:[ \-][A-ZÀ-Þ][\w'’.\-]*){0,3})"
_REGION = r"(?:\s*,\s*[A-Z][A-Za-z]+(?:\s[A-Z][a-z]+)?)"
_DL_DATE = (rf"(?:\s*,\s*(?:(?:{_MONTHS})\.?\s+\d{{1,2}}|\d{{1,2}}\s+(?:{_MONTHS})\.?)"
            rf"(?:\s*,\s*\d{{4}})?\.?)")
_SEP = r"\s*(?:--|[-–—_:]|•)"
# BEIRUT (Reuters) -  |  GENEVA, June 3 (AFP) -  |  KYIV, Ukraine (AP) —  |  Gaza City, Oct. 7, 2023 (WAFA) --
_DATELINE_PAREN = re.compile(
    rf"{_PLACE}{_REGION}{{0,2}}?{_DL_DATE}?\s*\((?P<outlet>[^()\n]{{2,40}})\){_SEP}")
# MOSCOW, June 5. /TASS/.  |  NEW YORK, June 3, 2018 /PRNewswire/ --
_DATELINE_SLASH = re.compile(
    rf"{_PLACE}{_REGION}{{0,2}}?{_DL_DATE}?\s*/(?P<outlet>[^/\n]{{2,40}})/\s*(?:\.|--|[-–—:])")
# Damascus, SANA-  |  Hama, SANA –  |  Hasaka, SANA_  |  Sana'a: Saba -  |  Kyiv • Ukrinform.
# GAZA, May 10, 2023, WAFA -  (a date between the place and the outlet)
_DATELINE_OUTLET = re.compile(
    rf"{_PLACE}{_DL_DATE}?\s*[,:•]\s*(?P<outlet>[A-Z][\w\-]{{1,20}}(?:\s[A-Z][\w\-]+)?)\s*(?:--|[-–—_:.])")
# WAFA - text  |  Amaq Agency: text  (a known outlet alone, no place)
_OUTLET_ONLY = re.compile(r"(?P<outlet>[A-Z][\w\-.]{1,20}(?:\s[A-Z][\w\-.]+){0,2})\s*(?:--|[-–—:])\s")
# (Beirut) – text  |  (New York, June 3, 2022) — text   (a place in parentheses: NGO press releases)
_DATELINE_BRACKET = re.compile(rf"\({_PLACE}{_REGION}{{0,2}}?{_DL_DATE}?\){_SEP}\s")
# BAGHDAD — text  |  DEIR EZZOR, Syria — text  |  RIYADH: text   (an all-caps place, a dash or a
# colon, no outlet)
_DATELINE_CAPS = re.compile(
    r"(?P<place>[A-Z][A-Z'’.\-]+(?:[ \-][A-Z][A-Z'’.\-]+){0,3})"
    rf"{_REGION}{{0,2}}?{_DL_DATE}?\s*(?:--|[-–—]|:(?=\s+[A-Z]))\s")


@dataclass
class TextMeta:
    published: str | None = None
    published_span: tuple[int, int] | None = None
    title: str | None = None
    title_span: tuple[int, int] | None = None
    dateline: tuple[int, int] | None = None  # the dateline place's span
    dateline_outlet: str | None = None
    dateline_outlet_span: tuple[int, int] | None = None


def _lines(text: str, limit: int = 6) -> list[tuple[int, str]]:
    """The first non-empty lines with their start offsets."""
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            out.append((pos, line.rstrip("\r\n")))
            if len(out) >= limit:
                break
        pos += len(line)
    return out


def parse_date_line(line: str) -> str | None:
    """An ISO date(time) if the whole line is a date, else None."""
    m = _DATE_LINE.match(line)
    if not m:
        return None
    if m.group("dotted"):
        day, month, year = (int(x) for x in m.group("dotted").split("."))
        try:
            d = datetime(year, month, day)
        except ValueError:
            return None
    else:
        raw = (m.group("mdy") or m.group("dmy") or m.group("iso")).replace(",", " ").replace(".", " ")
        raw = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", raw, flags=re.IGNORECASE)
        raw = " ".join(raw.split()).replace("Sept ", "Sep ").replace("sept ", "sep ")
        for fmt in ("%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d"):
            try:
                d = datetime.strptime(raw, fmt)
                break
            except ValueError:
                continue
        else:
            return None
    t = m.group("time")
    if t:
        parts = [int(x) for x in re.split(r"[:.]", t)]
        ampm = (m.group("ampm") or "").lower().replace(".", "")
        if ampm == "pm" and parts[0] < 12:
            parts[0] += 12
        elif ampm == "am" and parts[0] == 12:
            parts[0] = 0
        if parts[0] > 23 or parts[1] > 59:
            return d.date().isoformat()
        d = d.replace(hour=parts[0], minute=parts[1], second=parts[2] if len(parts) > 2 else 0)
        return d.isoformat()
    return d.date().isoformat()


def find_text_meta(text: str) -> TextMeta:
    """Date line, title line and dateline found at the head of the text."""
    meta = TextMeta()
    lines = _lines(text)
    i = 0
    if lines:
        off, line = lines[0]
        iso = parse_date_line(line)
        if iso:
            meta.published = iso
            s = off + (len(line) - len(line.lstrip()))
            meta.published_span = (s, off + len(line.rstrip()))
            i = 1
    # a title: a short line with no final full stop, followed by more text
    if i < len(lines) - 1:
        off, line = lines[i]
        words = line.split()
        if 2 <= len(words) <= 30 and not line.rstrip().endswith((".", ":", "-", "—")) \
                and not _dateline_match(line):
            s = off + (len(line) - len(line.lstrip()))
            meta.title = line.strip()
            meta.title_span = (s, s + len(meta.title))
            i += 1
    for off, line in lines[i:i + 3]:
        lead = len(line) - len(line.lstrip())
        o = _OUTLET_ONLY.match(line.lstrip())
        if o and _known_outlet(o.group("outlet")):
            meta.dateline_outlet = o.group("outlet").strip()
            meta.dateline_outlet_span = (off + lead + o.start("outlet"), off + lead + o.end("outlet"))
            break
        m = _dateline_match(line)
        if m:
            meta.dateline = (off + lead + m.start("place"), off + lead + m.end("place"))
            if "outlet" in m.groupdict() and m.group("outlet") and not _is_time(m.group("outlet")):
                meta.dateline_outlet = m.group("outlet").strip()
                meta.dateline_outlet_span = (off + lead + m.start("outlet"), off + lead + m.end("outlet"))
            break
    return meta


def _dateline_match(line: str) -> re.Match | None:
    s = line.lstrip()
    for rx in (_DATELINE_PAREN, _DATELINE_SLASH):
        m = rx.match(s)
        if m:
            return m
    m = _DATELINE_BRACKET.match(s)
    if m and not _looks_like_outlet(m.group("place")) and not _known_outlet(m.group("place")):
        return m  # "(Beirut) –", not "(Reuters) -"
    m = _DATELINE_OUTLET.match(s)
    if m and _looks_like_outlet(m.group("outlet")):
        return m
    return _DATELINE_CAPS.match(s)


# "(3:00 A.M.)", "(0300 GMT)", "(10 p.m. local time)": a clock time in the dateline, not an outlet
_CLOCK = re.compile(r"^\s*\d{1,2}(?:[:.]?\d{2})?\s*(?:[ap]\.?\s?m\.?|gmt|utc|hrs|h)?(?:\s*(?:local\s+time|gmt|utc))?"
                    r"\s*$", re.IGNORECASE)


def _is_time(name: str) -> bool:
    """A parenthesis or slash group of a dateline that gives the time or date, not the outlet."""
    return bool(_CLOCK.match(name)) or parse_date_line(name) is not None


def _known_outlet(name: str) -> bool:
    """An outlet of the registry ("WAFA", "Amaq Agency"): only a known name may stand alone as a
    dateline, since a capitalised word before a dash is more often a place ("BAGHDAD -")."""
    from eventwire.ingest.outlets import resolve_outlet

    name = name.strip()
    for cand in (name, re.sub(r"\s+(?:News\s+)?Agency$", "", name)):
        if cand and resolve_outlet(cand) is not None:
            return True
    return False


def _looks_like_outlet(name: str) -> bool:
    """`Damascus, SANA-` names an outlet; `DEIR EZZOR, Syria -` names a country."""
    from eventwire.ingest.outlets import resolve_outlet

    name = name.strip()
    return resolve_outlet(name) is not None or (name.isupper() and len(name) <= 8)
