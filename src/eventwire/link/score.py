"""Pairwise score: how strongly two reports look like one incident.

A Fellegi-Sunter-style sum of evidence weights: each kind of evidence (date gap,
place, mode, perpetrators, targets, casualty ranges, TF-IDF similarity of the event
sentences and the article's places) adds a positive weight when it agrees and a
negative one when it disagrees; missing evidence adds nothing, or a small penalty
for a missing place. Values are compared for compatibility, not equality: a town
is inside its province and country (weaker agreement), modes of one type differ
only weakly, a missing toll is neutral, and when an event's own place is coarse or
missing the places its article names (in its sentence first) stand in for it.
Agreement of place and date alone is not enough to link two reports of the same
type; a second kind of agreement must come with it. A clear disagreement of place
or date is a strong negative that other evidence rarely outweighs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from eventwire.link.reports import (
    Report,
    identity,
    norm_admin,
    places_compatible,
    skeleton,
    undated,
    within_radius,
)


@dataclass(frozen=True)
class Weights:
    """Evidence weights and the link threshold (kept round; see tests/data/linking/README.md)."""

    threshold: float = 2.0
    # date: windows of the two events (a day, a month, the days before publication)
    same_day: float = 1.0
    windows_overlap: float = 0.3
    one_day_apart: float = -1.0
    one_day_apart_days: float = -1.5  # both dated to a day, and the days differ
    days_apart: float = -3.0
    named_in_article: float = 0.5     # factor on a date penalty when the other article names that day
    # place: the events' places, compared through precision (a town is inside its province)
    same_place_id: float = 1.5
    within_radius: float = 1.2
    near: float = 0.0
    far: float = -3.0
    same_admin1: float = 0.4          # fine place inside the other's province, or one province
    other_admin1: float = -2.5
    other_country: float = -4.0
    other_town: float = -1.0
    country_only: float = 0.0         # one place only a country: compatible, no evidence
    same_place_name: float = 1.2      # the same unresolved toponym (normalised text) at both events
    other_place_name: float = -1.0    # both events at unresolved toponyms, of different names
    # place named in the articles, for events whose own place is coarse or missing
    article_place_shared: float = 0.8
    article_place_other: float = -0.3
    place_unknown: float = -0.3       # an event without a place and no article-level place evidence
    article_area_shared: float = 0.3  # an event without a place: its article's provinces
    article_area_other: float = -0.5
    same_mode: float = 0.5
    other_mode: float = -0.3          # modes of one type: weak evidence, never a veto
    shared_actor: float = 0.8
    shared_actor_country: float = 0.4
    other_actor: float = -0.2
    shared_target: float = 0.5
    shared_target_country: float = 0.2
    shared_generic: float = 0.2       # "civilians" on both sides: most incidents have them
    other_target: float = -0.5
    casualties_agree: float = 0.6
    casualties_differ: float = -0.4
    casualties_conflict: float = -1.5
    # TF-IDF cosine of event sentence words + the article's named places
    text_scale: float = 5.0
    text_offset: float = -1.5
    same_outlet_text: float = 0.5     # one outlet's house style makes its reports alike
    # near-identical articles (syndicated copies) and the same sentence in both: one mention
    near_duplicate: float = 3.0
    near_duplicate_text: float = 0.6  # Jaccard of the two sentences' words (the same sentence of two copies)
    # names the two whole articles share (share of the shorter one's capitalised-word skeletons):
    # scale * (overlap - offset), at most cap
    names_scale: float = 2.5
    names_offset: float = 0.3
    names_cap: float = 1.0
    names_min: int = 3                # fewer shared names than this say nothing (short texts)


DEFAULT = Weights()
SETTLEMENTS = frozenset({"town", "city"})
SAME_POINT_KM = 3.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


# Fixed term weights by kind (never learnt from the store, so a pair's score does not depend on
# what else is stored): a named place or a name's skeleton says more than a common word.
TERM_WEIGHT = {"@": 2.0, "#": 1.5}


def idf_table(reports: Sequence[Report]) -> dict[str, float]:
    """Kept for callers: term weights are fixed (`TERM_WEIGHT`), not corpus statistics, so linking
    one group of reports gives the same scores whatever else is stored."""
    return {}


def term_weight(t: str) -> float:
    return TERM_WEIGHT.get(t[:1], 1.0)


def tfidf_vector(r: Report, idf: dict[str, float] | None = None) -> dict[str, float]:
    """Unit-length weighted vector of a report's terms (sublinear tf, fixed weights by kind)."""
    v = {t: (1.0 + math.log(c)) * term_weight(t) for t, c in r.terms.items()}
    v = {t: x for t, x in v.items() if x > 0}
    norm = math.sqrt(sum(x * x for x in v.values()))
    return {t: x / norm for t, x in v.items()} if norm else {}


def set_vectors(reports: Sequence[Report], idf: dict[str, float]) -> None:
    for r in reports:
        r.vec = tfidf_vector(r, idf)


def text_similarity(a: Report, b: Report, idf: dict[str, float]) -> float | None:
    """Cosine of the reports' TF-IDF vectors (None if either has no terms)."""
    va = a.vec or tfidf_vector(a, idf)
    vb = b.vec or tfidf_vector(b, idf)
    if not va or not vb:
        return None
    if len(va) > len(vb):
        va, vb = vb, va
    # the shared terms only, in `va`'s order: the others add exactly 0.0, so the sum is the same
    return sum([x * vb[t] for t, x in va.items() if t in vb])


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


def _named(r: Report, days: frozenset) -> bool:
    return any(r.lo <= d <= r.hi for d in days)


def date_evidence(a: Report, b: Report, w: Weights = DEFAULT) -> float:
    """Same day > overlapping windows > a day apart > days apart; missing is neutral.

    When the days differ but each article names the other's day (a toll update dated to
    the day it was told, "in the strike on Tuesday"), the penalty is scaled down.
    """
    if a.lo is None or b.lo is None:
        return 0.0
    if (b.hi < a.lo and undated(a) and _named(b, a.art_days)) or (a.hi < b.lo and undated(b)
                                                                  and _named(a, b.art_days)):
        return w.windows_overlap  # an undated event whose article names the other's earlier day
    gap = max(a.lo, b.lo) - min(a.hi, b.hi)
    if gap <= 0:
        return w.same_day if a.lo == a.hi == b.lo == b.hi else w.windows_overlap
    if gap == 1:
        pen = w.one_day_apart_days if a.lo == a.hi and b.lo == b.hi else w.one_day_apart
    else:
        pen = w.days_apart
    if _named(a, b.art_days) or _named(b, a.art_days):
        pen *= w.named_in_article
    return pen


def _event_place_evidence(a: Report, b: Report, w: Weights) -> float | None:
    """Evidence of the events' own places (None when either has none)."""
    if a.place is None or b.place is None:
        return None
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
    if a.admin1 and b.admin1 and a.country == b.country:
        return w.same_admin1 if norm_admin(a.admin1) == norm_admin(b.admin1) else w.other_admin1
    return 0.0


def _article_place_evidence(a: Report, b: Report, w: Weights) -> float | None:
    """Fine places the two events may be at (their own, else the ones their articles name inside
    their coarse place): one in common is evidence, none in common weaker counter-evidence."""
    ca, cb = a.candidate_places(), b.candidate_places()
    if not ca or not cb:
        return None
    for p in ca:
        for q in cb:
            if (p.geonameid is not None and p.geonameid == q.geonameid) or \
                    within_radius(p.lat, p.lon, q.lat, q.lon, max(p.radius, q.radius)):
                return w.article_place_shared
    return w.article_place_other


def _areas(r: Report) -> frozenset:
    if r.place is not None:
        return frozenset(((r.country, norm_admin(r.admin1)),)) if r.admin1 and r.country else frozenset()
    return r.art_areas


def _article_area_evidence(a: Report, b: Report, w: Weights) -> float | None:
    """For an event without a place: do the provinces its article names meet the other's?"""
    if a.place is not None and b.place is not None:
        return None
    xa, xb = _areas(a), _areas(b)
    if not xa or not xb:
        return None
    return w.article_area_shared if xa & xb else w.article_area_other


def place_evidence(a: Report, b: Report, w: Weights = DEFAULT) -> float:
    """Event places first; when either is coarse or missing, the articles' named places too.

    A toponym the gazetteer did not resolve still counts: the same name (as folded text) at both
    events is as strong as two places within radius, unless their resolved places disagree.
    """
    ev = _event_place_evidence(a, b, w)
    named = w.same_place_name if a.names and b.names and not a.names.isdisjoint(b.names) else None
    if named is None and a.place_name and b.place_name and skeleton(a.place_name) != skeleton(b.place_name):
        named = w.other_place_name  # two villages the gazetteer lacks, as two towns it knows
    if ev is not None and (ev <= w.other_admin1 or (a.fine and b.fine)):
        return max(ev, named) if named is not None and named > 0 and ev >= w.near else ev
    art = _article_place_evidence(a, b, w)
    area = _article_area_evidence(a, b, w) if art is None or art <= 0 else None
    if ev is None and art is None and area is None and named is None:
        return w.place_unknown
    total = (ev or 0.0) + (art or 0.0) + (area or 0.0)
    if named is None:
        return total
    return max(total, named) if named > 0 else total + named


def _profile_evidence(x: tuple, y: tuple, shared: float, country: float, other: float,
                      generic: float) -> float:
    (ks, cs, gs), (kt, ct, gt) = x, y
    if ks and kt:
        if ks & kt:
            return shared
        if cs & ct:
            return country
        return other
    return generic if gs & gt else 0.0


def actor_evidence(a: Report, b: Report, w: Weights = DEFAULT) -> float:
    """Perpetrators and targets: the same actor, the same country's actors, or generic classes."""
    return _profile_evidence(a.perp, b.perp, w.shared_actor, w.shared_actor_country, w.other_actor, 0.0) + \
        _profile_evidence(a.targ, b.targ, w.shared_target, w.shared_target_country, w.other_target,
                          w.shared_generic)


def score_pair(a: Report, b: Report, idf: dict[str, float], w: Weights = DEFAULT) -> float:
    """The evidence that reports `a` and `b` describe one incident (link when >= threshold)."""
    if a.type != b.type:
        return -10.0
    if near_duplicate(a, b, w):
        # a copy of one article: its events' dates may differ only by how each copy was dated
        return w.near_duplicate + max(0.0, date_evidence(a, b, w)) + max(0.0, place_evidence(a, b, w))
    de, pe = date_evidence(a, b, w), place_evidence(a, b, w)
    s = de + pe
    if a.mode and b.mode:
        s += w.same_mode if a.mode == b.mode else w.other_mode
    s += actor_evidence(a, b, w)
    # tolls of different victims (soldiers in one version, civilians in another) are not comparable
    ta, tb = a.targ[0], b.targ[0]
    c = None if (ta and tb and not ta & tb and not a.targ[1] & b.targ[1]) \
        else casualty_agreement(a.killed, b.killed)
    if c is not None:
        s += w.casualties_agree if c == 1 else (w.casualties_differ if c == 0 else w.casualties_conflict)
    if de >= 0 and pe >= w.place_unknown:  # shared names back up a link; never against another place or day
        s += names_evidence(a, b, w)
    sim = text_similarity(a, b, idf)
    if sim is not None:
        t = w.text_scale * sim + w.text_offset
        s += t * w.same_outlet_text if t > 0 and a.outlet_id and a.outlet_id == b.outlet_id else t
    return s


def names_evidence(a: Report, b: Report, w: Weights = DEFAULT) -> float:
    """How many of the names the shorter article uses the other shares: reports of one incident
    name the same village, victims, spokesmen and groups; unrelated reports of one country share
    only the country's and the sides' names. Zero below `names_min` shared names, and for any event
    but each article's first of its type (`Report.lead`)."""
    if not (a.lead and b.lead):
        return 0.0  # the articles' names speak for what each article is about, not for its asides
    x, y = a.art_names, b.art_names
    shared = len(x & y)
    if shared < w.names_min:
        return 0.0
    j = shared / min(len(x), len(y))
    return min(w.names_cap, max(0.0, w.names_scale * (j - w.names_offset)))


def text_day(r: Report) -> int | None:
    """The one day the report's own text dates it to (day ordinal), else None."""
    return r.lo if r.lo is not None and r.lo == r.hi and (r.date_precision or "") in ("day", "minute") else None


def near_duplicate(a: Report, b: Report, w: Weights = DEFAULT) -> bool:
    """The same sentence of two near-copies (a syndicated copy and its source: one `copy_group`)."""
    if a.article == b.article or not a.copy_group or a.copy_group != b.copy_group or not a.words or not b.words:
        return False
    if text_day(a) is not None and text_day(b) is not None and a.lo != b.lo:
        return False  # one template, two days the texts state: two events
    return len(a.words & b.words) >= w.near_duplicate_text * len(a.words | b.words)


def same_mention(a: Report, b: Report, w: Weights = DEFAULT) -> bool:
    """Two events of one article that are one happening told more than once.

    A lead and a later paragraph, or a wire story giving each side's version
    (state media blames one party, a militia another, the accused denies): same
    type, overlapping dates, compatible places (the same place, one inside the other's
    province, or one without a place) and no conflicting casualty figures. Modes may
    differ; perpetrators only when one of the events is someone's version (a claim, an
    allegation, a denial: versions of one incident disagree on exactly these): told in the
    outlet's own voice, two different perpetrators are two events.
    """
    if a.type != b.type:
        return False
    if a.lo is not None and b.lo is not None and max(a.lo, b.lo) > min(a.hi, b.hi):
        return False
    if not places_compatible(a, b):
        return False
    sa, sb = _sides(a), _sides(b)
    if sa and sb and not sa & sb and _own_voice(a) and _own_voice(b):
        return False  # the article itself says two different actors acted: two events
    return casualty_agreement(a.killed, b.killed) != -1


def _own_voice(r: Report) -> bool:
    """Told by the outlet itself, not as someone's version (a claim, an allegation, a denial)."""
    return r.status == "reported" and not r.speakers


def _sides(r: Report) -> frozenset:
    return frozenset(k for k in (identity(x) for x in r.actors) if k)
