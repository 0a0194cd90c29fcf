"""Sentence fusion: one article's split mentions of one happening become one report.

The events layer sometimes reads one mention as two events ("Air strikes killed 14 civilians
in X": a toll event and a strike event); `fuse_sentence_events` folds them together before
linking, and never fuses two fully located, dated events (the clustering decides those).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventwire.link.report_places import places_compatible

if TYPE_CHECKING:
    from eventwire.link.reports import Report


_PREC_RANK = {"point": 0, "village": 1, "town": 2, "city": 3, "district": 4, "province": 5, "country": 6,
              "region": 7}


def _fuse(a: Report, b: Report) -> None:
    """Fold `b` (same article, sentence and type) into `a`: one mention the events layer split in two.

    ("Air strikes killed 14 civilians in X", read as a 'killed' event with the toll and a
    'strikes' event with the place and the perpetrator.)
    """
    a.also = (*a.also, b.event, *b.also)
    if b.place is not None and (a.place is None or (b.fine and not a.fine) or (
            b.fine == a.fine and _PREC_RANK.get(b.precision or "", 8) < _PREC_RANK.get(a.precision or "", 8))):
        for f in ("place", "lat", "lon", "precision", "radius", "admin1", "country", "geonameid", "place_name"):
            setattr(a, f, getattr(b, f))
    a.mode = a.mode or b.mode
    if b.lo is not None and a.lo is not None and max(a.lo, b.lo) > min(a.hi, b.hi):
        a.lo, a.hi = min(a.lo, b.lo), max(a.hi, b.hi)  # one day apart: either day
    elif b.lo is not None and (a.lo is None or b.hi - b.lo < a.hi - a.lo):
        a.lo, a.hi, a.date, a.end_date, a.date_precision = b.lo, b.hi, b.date, b.end_date, b.date_precision
    a.actors = a.actors + [x for x in b.actors if x not in a.actors]
    a.recipients = a.recipients + [x for x in b.recipients if x not in a.recipients]
    a.actor_keys, a.recipient_keys = a.actor_keys | b.actor_keys, a.recipient_keys | b.recipient_keys
    a.names = a.names | b.names
    a.perp = tuple(x | y for x, y in zip(a.perp, b.perp, strict=True))
    a.targ = tuple(x | y for x, y in zip(a.targ, b.targ, strict=True))
    if a.killed == (None, None):
        a.killed = b.killed
    if a.injured == (None, None):
        a.injured = b.injured
    a.speakers = a.speakers or b.speakers
    a.speaker_keys = a.speaker_keys | b.speaker_keys
    if b.sentence != a.sentence:
        a.words = a.words | b.words
        for t, c in b.terms.items():
            if not t.startswith("@"):
                a.terms[t] = a.terms.get(t, 0) + c


def _windows_meet(a: Report, b: Report, slack: int = 0) -> bool:
    return a.lo is None or b.lo is None or max(a.lo, b.lo) <= min(a.hi, b.hi) + slack


def _tolls_conflict(a: tuple, b: tuple) -> bool:
    """Two casualty ranges that cannot be one toll (3x apart)."""
    lo_a, hi_a = a[0] if a[0] is not None else a[1], a[1] if a[1] is not None else a[0]
    lo_b, hi_b = b[0] if b[0] is not None else b[1], b[1] if b[1] is not None else b[0]
    if lo_a is None or lo_b is None:
        return False
    hi_a = hi_a if a[1] is not None else max(hi_a, lo_a * 2 + 2)
    hi_b = hi_b if b[1] is not None else max(hi_b, lo_b * 2 + 2)
    return max(lo_a, lo_b) >= 3 * max(min(hi_a, hi_b), 1)


def _incomplete(r: Report) -> bool:
    """An event the events layer left without a fine place or a day: often a split-off part."""
    return not r.fine or r.lo is None or r.hi != r.lo


def fuse_sentence_events(reports: list[Report]) -> list[Report]:
    """Fuse one article's split mentions of one happening before linking.

    * One sentence: events of one type and assertion whose places are compatible and
      dates meet ("Air strikes killed 14 in X", read as a toll event and a strike event,
      becomes one; "Strikes hit X and Y" stays two: two fine places).
    * Across sentences ("Sixty-one people were wounded in the strike on Tuesday"): only
      when one of the two lacks a fine place or a day, both have the same status and
      speakers, places are compatible, dates meet (one day of slack: a toll update dated to
      the day it was told) and tolls do not conflict. Two fully located, dated events are
      never fused: they may be two incidents, and the clustering decides.
    """
    out: list[Report] = []
    seen: dict[tuple, list[Report]] = {}
    for r in reports:
        if not r.sentence:
            out.append(r)
            continue
        group = seen.setdefault((r.sentence, r.type, r.asserting), [])
        host = next((g for g in group if places_compatible(g, r) and _windows_meet(g, r)), None)
        if host is not None:
            _fuse(host, r)
        else:
            group.append(r)
            out.append(r)
    fused: list[Report] = []
    for r in out:
        host = next((g for g in fused if g.type == r.type and g.status == r.status
                     and g.negated == r.negated and g.speaker_keys == r.speaker_keys
                     and [s.get("text") for s in g.speakers] == [s.get("text") for s in r.speakers]
                     and (_incomplete(g) or _incomplete(r)) and places_compatible(g, r)
                     and _windows_meet(g, r, 1) and not _tolls_conflict(g.killed, r.killed)), None)
        if host is not None:
            _fuse(host, r)
        else:
            fused.append(r)
    return fused
