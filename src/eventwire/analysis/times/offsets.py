"""Offsets: "two days later", "24 hours after <clause>", "the next day" dated from their anchor time."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from spacy.tokens import Doc, Span

from eventwire.analysis.times.dates import _GRAN_RANK, _UNIT_GRAN, Info, _add, _floor


def resolve_offsets(doc: Doc, found: list[tuple[Span, Info]],
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
            anchor = _anchor(doc, sp, out, found[i + 1:], pub_span, info["_mode"],
                             bool(info.get("_anaphoric")))
            sign = info["_sign"] if info["_mode"] == "anchor" else -info["_sign"]
        resolved = dict(info)
        if anchor is not None and info["_n"] is not None:
            asp, ainfo = anchor
            resolved.update(_shift(ainfo, info["_n"] * sign, info["_unit"]))
            resolved["anchor"] = [asp.start_char, asp.end_char]
        out.append((span, resolved))
    return out


def _anchor(doc: Doc, sp: Span, before: list[tuple[Span, Info]], after: list[tuple[Span, Info]],
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
