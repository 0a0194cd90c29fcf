"""Pairwise score: how strongly two reports look like one incident.

A Fellegi-Sunter-style sum of evidence weights: each kind of evidence (date gap,
place distance, mode, perpetrators, targets, casualty ranges, words of the event
sentences) adds a positive weight when it agrees and a negative one when it
disagrees; missing evidence adds nothing. Agreement of place and date alone is
not enough to link two reports of the same type; a second kind of agreement
(mode, actors, casualties or wording) must come with it. A clear disagreement of
place or date is a strong negative that other evidence rarely outweighs.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from eventwire.link.reports import Report


@dataclass(frozen=True)
class Weights:
    """Evidence weights and the link threshold (tuned on tests/data/linking, kept round)."""

    threshold: float = 2.0
    same_day: float = 1.0
    windows_overlap: float = 0.3
    one_day_apart: float = -1.0
    days_apart: float = -3.0
    same_place_id: float = 1.5
    within_radius: float = 1.2
    near: float = 0.0
    far: float = -3.0
    same_admin1: float = 0.4
    other_admin1: float = -2.5
    other_country: float = -4.0
    other_town: float = -1.0
    country_only: float = -0.5
    same_mode: float = 0.5
    other_mode: float = -0.8
    shared_actor: float = 0.8
    other_actor: float = -0.2
    shared_target: float = 0.5
    other_target: float = -0.5
    casualties_agree: float = 0.6
    casualties_differ: float = -0.4
    casualties_conflict: float = -1.5
    text_scale: float = 2.5
    text_offset: float = -0.5


DEFAULT = Weights()
SETTLEMENTS = frozenset({"town", "city"})
SAME_POINT_KM = 3.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def idf_table(reports: Sequence[Report]) -> dict[str, float]:
    """Inverse document frequency of sentence words over the reports being linked."""
    df: Counter = Counter()
    for r in reports:
        df.update(r.words)
    n = max(1, len(reports))
    return {w: math.log((n + 1) / (c + 0.5)) for w, c in df.items()}


def text_similarity(a: Report, b: Report, idf: dict[str, float]) -> float | None:
    """IDF-weighted Jaccard of the event sentences' words (None if either has none)."""
    if not a.words or not b.words:
        return None
    inter = a.words & b.words
    if not inter:
        return 0.0
    union = a.words | b.words
    top = sum(idf.get(w, 1.0) for w in inter)
    bot = sum(idf.get(w, 1.0) for w in union)
    return top / bot if bot else 0.0


def _span(r: tuple) -> tuple[int, int] | None:
    lo, hi = r
    if lo is None and hi is None:
        return None
    lo = lo if lo is not None else hi
    hi = hi if hi is not None else lo * 2 + 2  # "at least 12": open-ended, but not unbounded
    return lo, hi


def casualty_agreement(a: tuple, b: tuple) -> int | None:
    """1 ranges meet (with tolerance), 0 they differ somewhat, -1 they conflict, None unknown."""
    ra, rb = _span(a), _span(b)
    if ra is None or rb is None:
        return None
    tol = max(2, 0.35 * max(ra[1], rb[1]))
    gap = max(ra[0], rb[0]) - min(ra[1], rb[1])
    if gap <= tol:
        return 1
    small, big = min(ra[1], rb[1]), max(ra[0], rb[0])
    return -1 if big >= 3 * max(small, 1) else 0


def date_evidence(a: Report, b: Report, w: Weights = DEFAULT) -> float:
    if a.lo is None or b.lo is None:
        return 0.0
    gap = max(a.lo, b.lo) - min(a.hi, b.hi)
    if gap > 1:
        return w.days_apart
    if gap == 1:
        return w.one_day_apart
    if a.lo == a.hi == b.lo == b.hi:
        return w.same_day
    return w.windows_overlap


def place_evidence(a: Report, b: Report, w: Weights = DEFAULT) -> float:
    if a.place is None or b.place is None:
        return 0.0
    if a.country and b.country and a.country != b.country:
        return w.other_country
    if a.precision in ("country", "region") or b.precision in ("country", "region"):
        return w.country_only
    if a.geonameid is not None and a.geonameid == b.geonameid:
        return w.same_place_id
    if a.fine and b.fine:
        d = haversine_km(a.lat, a.lon, b.lat, b.lon)
        tol = max(a.radius, b.radius)
        if a.geonameid is not None and b.geonameid is not None and a.precision in SETTLEMENTS \
                and b.precision in SETTLEMENTS:
            # two different towns or cities are two places, however close
            return w.within_radius if d <= SAME_POINT_KM else w.other_town
        if d <= tol:
            return w.within_radius
        if d <= 2.5 * tol:
            return w.near
        return w.far
    if a.admin1 and b.admin1 and a.country == b.country and "province" in (a.precision, b.precision):
        return w.same_admin1 if a.admin1 == b.admin1 else w.other_admin1
    return 0.0


def actor_evidence(a: Report, b: Report, w: Weights = DEFAULT) -> float:
    s = 0.0
    if a.actor_keys and b.actor_keys:
        s += w.shared_actor if a.actor_keys & b.actor_keys else w.other_actor
    if a.recipient_keys and b.recipient_keys:
        s += w.shared_target if a.recipient_keys & b.recipient_keys else w.other_target
    return s


def score_pair(a: Report, b: Report, idf: dict[str, float], w: Weights = DEFAULT) -> float:
    """The evidence that reports `a` and `b` describe one incident (link when >= threshold)."""
    if a.type != b.type:
        return -10.0
    s = date_evidence(a, b, w) + place_evidence(a, b, w)
    if a.mode and b.mode:
        s += w.same_mode if a.mode == b.mode else w.other_mode
    s += actor_evidence(a, b, w)
    # tolls of different victims (soldiers in one version, civilians in another) are not comparable
    c = None if (a.recipient_keys and b.recipient_keys and not a.recipient_keys & b.recipient_keys) \
        else casualty_agreement(a.killed, b.killed)
    if c is not None:
        s += w.casualties_agree if c == 1 else (w.casualties_differ if c == 0 else w.casualties_conflict)
    sim = text_similarity(a, b, idf)
    if sim is not None:
        s += w.text_scale * sim + w.text_offset
    return s


def same_mention(a: Report, b: Report, w: Weights = DEFAULT) -> bool:
    """Two events of one article that are one happening told more than once.

    A lead and a later paragraph, or a wire story giving each side's version
    (state media blames one party, a militia another, the accused denies): same
    type, overlapping dates, the same place (or one without a place) and no
    conflicting casualty figures. Modes and perpetrators may differ, since
    versions of one incident disagree on exactly these.
    """
    if a.type != b.type:
        return False
    if a.lo is not None and b.lo is not None and max(a.lo, b.lo) > min(a.hi, b.hi):
        return False
    if a.place is not None and b.place is not None and place_evidence(a, b, w) < w.same_admin1:
        return False
    return casualty_agreement(a.killed, b.killed) != -1
