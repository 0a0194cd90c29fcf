"""Flatten contract Documents into one `Report` per event: what the linker compares.

The linker works on plain contract dicts (stored document JSON, or `extract`
output), never on the database or the spaCy Doc, so every step is pure and can be
tested on hand-written records. A report keeps only what linking, origin counting
and grading read: the date as a window of day ordinals (wide when the date is
only a month or the publication date), the place with its precision, actor keys,
casualty ranges, the event sentence and the claim chain's speakers.
"""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date as _date
from functools import lru_cache
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

from eventwire.gazetteer.normalise import key
from eventwire.store.dedup import copy_groups

# Events that did not (or not yet) happen are not reports of an incident.
LINKABLE_STATUS = frozenset({"reported", "alleged", "denied"})
ASSERTING_STATUS = frozenset({"reported", "alleged"})
# Days before publication an event dated only by the publication date may have happened.
PUBLICATION_LOOKBACK = 3
# Windows wider than this (a year, an open range) are too vague to block on.
MAX_WINDOW_DAYS = 62
# Place radius in km by precision: two places closer than the larger radius are "the same place".
RADIUS_KM: dict[str, float] = {
    "point": 2.0, "village": 4.0, "town": 8.0, "city": 20.0, "district": 40.0,
}
COARSE = frozenset({"province", "country", "region"})
# Sectors of state bodies: their actors are keyed by country (army, ministry, police of one state).
STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "JUD", "LEG", "SPY", "GOVMIL"})
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


@dataclass(slots=True)
class Report:
    """One event of one article, as the linker sees it."""

    key: str                      # "<article id>:<event id>", unique
    article: str
    event: str
    idx: int = 0                  # position in the list being linked
    outlet_id: str | None = None
    outlet_name: str | None = None
    outlet_country: str | None = None
    affiliation: str | None = None
    published: str | None = None
    type: str = ""
    mode: str | None = None
    status: str = "reported"
    lo: int | None = None         # date window, day ordinals, inclusive
    hi: int | None = None
    date: str | None = None
    end_date: str | None = None
    date_precision: str | None = None
    place: dict | None = None     # the contract place record
    lat: float | None = None
    lon: float | None = None
    precision: str | None = None
    radius: float | None = None   # km for fine places, None for coarse or missing
    admin1: str | None = None
    country: str | None = None
    geonameid: int | None = None
    actors: list[dict] = field(default_factory=list)      # contract actor records
    recipients: list[dict] = field(default_factory=list)
    actor_keys: frozenset = frozenset()
    recipient_keys: frozenset = frozenset()
    killed: tuple = (None, None)
    injured: tuple = (None, None)
    sentence: str = ""
    words: frozenset = frozenset()
    speakers: list[dict] = field(default_factory=list)    # claim chain, innermost first
    speaker_keys: frozenset = frozenset()
    text: str = ""                # the article text (near-duplicate detection)
    negated: bool = False
    citations: tuple = ()         # filled by origins.py
    copy_of: dict | None = None   # the store's near-copy mark (article.copy_of): {article, outlet, similarity}
    also: tuple = ()              # ids of further events of the same sentence fused into this one
    # article-level evidence, for events whose own place or date is coarse or missing
    art_places: tuple = ()        # fine toponyms of the article (not the dateline): ArtPlace
    art_countries: frozenset = frozenset()   # countries of the article's places (blocking only)
    art_days: frozenset = frozenset()        # day ordinals of the article's day-precise times
    terms: dict = field(default_factory=dict)  # term -> count: event sentence and title words + places
    copy_group: str = ""                     # first article of its near-copy group (`assign_copy_groups`)
    art_areas: frozenset = frozenset()       # (country, province) of the article's places below country
    names: frozenset = frozenset()           # normalised unresolved toponyms the event may be at
    place_name: str = ""                     # the event's own place, when unresolved: its folded name
    # actors for scoring: specific keys, their countries, and generic classes ("civilians", "rebels")
    perp: tuple = (frozenset(), frozenset(), frozenset())
    targ: tuple = (frozenset(), frozenset(), frozenset())
    vec: dict = field(default_factory=dict)    # unit TF-IDF vector of `terms` (set by score.tfidf)
    art_names: frozenset = frozenset()         # skeletons of the capitalised words of its article and title
    art_provinces: tuple = ()                  # the article's province-level place records (not the dateline)
    lead: bool = False                         # its article's first event of its type (what the article is about)

    @property
    def asserting(self) -> bool:
        return self.status in ASSERTING_STATUS and not self.negated

    @property
    def fine(self) -> bool:
        return self.radius is not None and self.lat is not None and self.lon is not None

    def candidate_places(self) -> tuple:
        """Fine places this event may have happened at: its own, else the article's fine places
        inside its coarse place (same country, and same province when it has one), else all of the
        article's fine places when it has no place at all."""
        if self.fine:
            return (ArtPlace(self.geonameid, self.lat, self.lon, self.radius, self.admin1, self.country),)
        if self.place is None:
            return self.art_places
        return tuple(p for p in self.art_places
                     if (not self.country or p.country == self.country)
                     and (self.precision in ("country", "region") or not self.admin1
                          or norm_admin(p.admin1) == norm_admin(self.admin1)))


@dataclass(frozen=True, slots=True)
class ArtPlace:
    """A fine place named in an article (the linker's article-level place evidence)."""

    geonameid: int | None
    lat: float
    lon: float
    radius: float
    admin1: str | None
    country: str | None
    record: dict | None = field(default=None, compare=False, hash=False)  # the contract place


@lru_cache(maxsize=65536)
def norm_admin(s: str | None) -> str:
    """Province names compared without accents, case, punctuation ("Şāʻdah" = "Sa'dah" = "Sadah")."""
    if not s:
        return ""
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s.lower() if c.isalnum() and c.isascii())


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


def actor_key(a: dict) -> str | None:
    """A stable key of an actor for comparing reports.

    State bodies (army, ministry, police) collapse to their country, so "the Syrian
    army" and "Syrian government forces" match; other actors use their entity id,
    else their name.
    """
    sector = (a.get("sector") or "").upper()
    country = a.get("country")
    if country and sector in STATE_SECTORS and country not in ("IGO", "UNO", "NGO", "IMG", "MNC"):
        return "c:" + country
    if a.get("entity"):
        return "e:" + str(a["entity"]).lower()
    if country and sector in ("", "MIL", "GOV"):
        return "c:" + country
    name = (a.get("name") or a.get("text") or "").strip().lower()
    return "n:" + name if name else None


def identity(a: dict) -> str | None:
    """An actor's side, for grading: a state's bodies and its people under its country code (the
    country code "RUS" and the party entity "rus" are one side); others by `perpetrator_key`."""
    k = perpetrator_key(a)
    if k is None:
        return None
    c = a.get("country")
    if not c or c in NON_COUNTRIES or (a.get("sector") or "").upper() in NON_STATE_SECTORS:
        return k  # rebels, parties, militias of a country are not its state
    return "c:" + c


def perpetrator_key(a: dict) -> str | None:
    """Like `actor_key`, but only for actors specific enough to name a perpetrator.

    Without a country an actor names one only by a proper name ("Ambazonia Defence Forces"); a class
    ("militants", "military", "gunmen", with or without an entity id) names no one, so it never
    competes with, or is denied by, a named perpetrator.
    """
    if not a.get("country"):
        name = a.get("name") or ""
        if not a.get("entity") or not any(w[:1].isupper() for w in name.split() if w.lower() != "the"):
            return None
    sector = (a.get("sector") or "").upper()
    if sector in ("CVL", "REF", "MED", "BUS", "EDU", "HLH"):
        return None
    return actor_key(a)


NON_COUNTRIES = frozenset({"IGO", "UNO", "NGO", "IMG", "MNC"})
# sectors of a country's actors that are not its state (a side of their own in a conflict)
NON_STATE_SECTORS = frozenset({"REB", "UAF", "OPP", "INS", "CRM", "SEP"})


GENERIC_SECTORS = frozenset({"CVL", "REF", "MED", "BUS", "EDU", "HLH", "REL", "LAB", "AGR"})


def actor_profile(actors: list[dict]) -> tuple[frozenset, frozenset, frozenset]:
    """(specific keys, countries, generic keys) of some actors.

    Civilians, refugees, worshippers (whatever country the actors layer gives them) and
    actors without a country ("rebels", "armed group", an unresolved name) are classes:
    weak evidence, keyed by sector. A specific actor also brings its country, so "Russia"
    and "the Russian army" agree at country level when their keys differ.
    """
    spec, countries, generic = set(), set(), set()
    for a in actors:
        k = actor_key(a)
        if not k:
            continue
        c, sector = a.get("country"), (a.get("sector") or "").upper()
        if sector in GENERIC_SECTORS or not c:
            generic.add("g:" + sector if sector else k)
        else:
            spec.add(k)
            if c not in NON_COUNTRIES:
                countries.add(c)
    return frozenset(spec), frozenset(countries), frozenset(generic)


def words(text: str) -> frozenset:
    """Lower-case words of three letters or more (text similarity of event sentences)."""
    return frozenset(w.lower() for w in _WORD.findall(text or ""))


def _range(v: Any) -> tuple[int | None, int | None]:
    if not isinstance(v, dict):
        return None, None
    lo, hi = v.get("min"), v.get("max")
    lo = lo if isinstance(lo, int) and lo >= 0 else None
    hi = hi if isinstance(hi, int) and hi >= 0 else None
    return lo, hi


def _claim_chain(claims: dict[str, dict], cid: str | None) -> list[dict]:
    chain, seen = [], set()
    while cid and cid in claims and cid not in seen:
        seen.add(cid)
        chain.append(claims[cid])
        cid = claims[cid].get("parent")
    return chain


def reports_from_document(doc: dict, start: int = 0) -> list[Report]:
    """One report per linkable event of a contract document (a dict); bad items are skipped."""
    art = doc.get("article") or {}
    aid = str(art.get("id") or "")
    text = art.get("text") or ""
    outlet = art.get("outlet") or {}
    published = art.get("published")
    places = {p.get("id"): p for p in doc.get("places") or [] if isinstance(p, dict)}
    actors = {a.get("id"): a for a in doc.get("actors") or [] if isinstance(a, dict)}
    claims = {c.get("id"): c for c in doc.get("claims") or [] if isinstance(c, dict)}
    art_places, art_countries, place_terms, art_areas = _article_places(doc)
    filed_at = _dateline_place(doc)
    art_days = _article_days(doc)
    unresolved = _unresolved_names(doc)
    title = art.get("title") or ""
    art_names = article_names(f"{title} {text}")
    place_spans = frozenset((p.get("start"), p.get("end")) for p in places.values() if isinstance(p, dict))
    art_provinces = _article_provinces(doc)
    out: list[Report] = []
    for ev in doc.get("events") or []:
        if not isinstance(ev, dict) or not ev.get("id") or not ev.get("type"):
            continue
        status = ev.get("status") or "reported"
        if status not in LINKABLE_STATUS:
            continue
        if _statement_dated(ev, claims.get(ev.get("claim")), doc.get("times") or ()):
            ev = {**ev, "date_precision": "statement"}  # dated by its statement: happened by that day
        lo, hi = date_window(ev, published)
        pl = places.get(ev.get("place"))
        if pl and pl.get("kind") == "demonym":
            pl = None
        lat = lon = None
        if pl and isinstance(pl.get("lat"), int | float) and isinstance(pl.get("lon"), int | float):
            lat, lon = float(pl["lat"]), float(pl["lon"])
        prec = pl.get("precision") if pl else None
        acts = [actors[x] for x in ev.get("actors") or [] if x in actors and not _located(actors[x], text, place_spans)]
        recs = [actors[x] for x in ev.get("recipients") or [] if x in actors]
        sent = ev.get("sentence") or {}
        s0, s1 = sent.get("start"), sent.get("end")
        sentence = text[s0:s1] if isinstance(s0, int) and isinstance(s1, int) and 0 <= s0 < s1 else ""
        chain = _claim_chain(claims, ev.get("claim"))
        speakers = []
        for c in chain:
            sp = c.get("speaker") or {}
            cue = c.get("cue") if isinstance(c.get("cue"), dict) else {}
            rec = {"text": sp.get("text") or "", "kind": c.get("kind"), "claim": c.get("id"),
                   "cue": (cue.get("text") or "").lower()}
            if sp.get("actor") in actors:
                rec["actor"] = actors[sp["actor"]]
            speakers.append(rec)
        out.append(Report(
            key=f"{aid}:{ev['id']}", article=aid, event=str(ev["id"]), idx=start + len(out),
            outlet_id=outlet.get("id"), outlet_name=outlet.get("name"),
            outlet_country=outlet.get("country"), affiliation=outlet.get("affiliation"),
            published=published, type=str(ev["type"]), mode=ev.get("mode"), status=status,
            lo=lo, hi=hi, date=ev.get("date"), end_date=ev.get("end_date"),
            date_precision=ev.get("date_precision"), place=pl, lat=lat, lon=lon, precision=prec,
            radius=RADIUS_KM.get(prec) if lat is not None else None,
            admin1=(pl or {}).get("admin1"), country=(pl or {}).get("country"),
            geonameid=(pl or {}).get("geonameid"),
            actors=acts, recipients=recs,
            actor_keys=frozenset(k for k in map(actor_key, acts) if k),
            recipient_keys=frozenset(k for k in map(actor_key, recs) if k),
            killed=_range(ev.get("killed")), injured=_range(ev.get("injured")),
            sentence=sentence, words=words(sentence), speakers=speakers,
            speaker_keys=frozenset(k for k in (perpetrator_key(s["actor"]) for s in speakers
                                               if s.get("actor")) if k),
            text=text, negated=bool(ev.get("negated")),
            copy_of=art["copy_of"] if isinstance(art.get("copy_of"), dict) else None,
            art_places=_filed_in(filed_at, pl, s0, s1, art_places) or _near(art_places, s0, s1),
            art_countries=art_countries,
            art_days=art_days,
            terms=_terms(sentence, place_terms, title), art_areas=art_areas,
            names=_event_names(pl, unresolved, s0, s1),
            place_name=norm_toponym(pl.get("text")) if pl and pl.get("geonameid") is None
            and pl.get("kind") in (None, "toponym") else "",
            perp=actor_profile(acts), targ=actor_profile(recs), art_names=art_names,
            art_provinces=art_provinces, lead=not any(o.type == str(ev["type"]) for o in out),
        ))
    return out


def _article_places(doc: dict) -> tuple[tuple, frozenset, tuple, frozenset]:
    """The article's fine toponyms (ArtPlace), the countries of all its places, place terms, and
    the (country, province) areas of its toponyms below country level.

    The dateline place is left out (where the outlet filed from, not where it happened),
    unless the same place is also named in the body.
    """
    art = doc.get("article") or {}
    dateline = art.get("dateline_place")
    places = [p for p in doc.get("places") or [] if isinstance(p, dict)]
    body_ids = {p.get("geonameid") for p in places if p.get("id") != dateline}
    fine: dict = {}   # key -> (ArtPlace, start offsets of its mentions)
    countries: set = set()
    terms: list[str] = []
    areas: set = set()
    for p in places:
        if p.get("id") == dateline and p.get("geonameid") not in body_ids:
            continue
        if p.get("country"):
            countries.add(p["country"])
        if p.get("kind") == "demonym":
            continue
        gid = p.get("geonameid")
        terms.append(f"@{gid}" if gid is not None else "@" + norm_admin(p.get("text")))
        if p.get("admin1") and p.get("country") and p.get("precision") not in ("country", "region"):
            areas.add((p["country"], norm_admin(p["admin1"])))
        lat, lon, prec = p.get("lat"), p.get("lon"), p.get("precision")
        if prec in RADIUS_KM and isinstance(lat, int | float) and isinstance(lon, int | float):
            key = gid if gid is not None else (round(lat, 3), round(lon, 3))
            start = p.get("start") if isinstance(p.get("start"), int) else -1
            if key not in fine:
                fine[key] = (ArtPlace(gid, float(lat), float(lon), RADIUS_KM[prec], p.get("admin1"),
                                      p.get("country"), p), [])
            fine[key][1].append(start)
    places_out = tuple((ap, tuple(starts)) for ap, starts in fine.values())
    return places_out, frozenset(countries), tuple(dict.fromkeys(terms)), frozenset(areas)


_LOCATIVE = re.compile(r"\b(?:in|at|near|outside|inside|across|around|throughout)\s+(?:the\s+)?$", re.IGNORECASE)


def _located(actor: dict, text: str, place_spans: frozenset) -> bool:
    """An 'actor' that is the event's location: its words are a place mention after a locative
    preposition ("an attack outside the Kabul airport in Afghanistan"), not who acted."""
    a0, a1 = actor.get("start"), actor.get("end")
    if not isinstance(a0, int) or (a0, a1) not in place_spans:
        return False
    return bool(_LOCATIVE.search(text[max(0, a0 - 16):a0]))


def _article_provinces(doc: dict) -> tuple:
    """The article's places of province precision (the dateline left out), one record each."""
    dateline = (doc.get("article") or {}).get("dateline_place")
    out: dict = {}
    for p in doc.get("places") or []:
        if isinstance(p, dict) and p.get("id") != dateline and p.get("precision") == "province" \
                and p.get("kind") in (None, "toponym") and p.get("geonameid") is not None:
            out.setdefault(p["geonameid"], p)
    return tuple(out.values())


def _dateline_place(doc: dict) -> ArtPlace | None:
    """The dateline's place, when it is a fine place ("SAADA, Yemen -")."""
    dl = (doc.get("article") or {}).get("dateline_place")
    p = next((p for p in doc.get("places") or [] if isinstance(p, dict) and dl and p.get("id") == dl), None)
    if p is None or p.get("precision") not in RADIUS_KM or not isinstance(p.get("lat"), int | float) \
            or not isinstance(p.get("lon"), int | float):
        return None
    return ArtPlace(p.get("geonameid"), float(p["lat"]), float(p["lon"]), RADIUS_KM[p["precision"]],
                    p.get("admin1"), p.get("country"), p)


def _filed_in(filed_at: ArtPlace | None, pl: dict | None, s0: object, s1: object, art_places: tuple) -> tuple:
    """Where a lead event placed only in a country may be: the dateline's town, when the dateline heads
    the event's own sentence, is in that country and the sentence names no fine place ("SAADA, Yemen -
    The coalition denied carrying out an air strike on a prison in Yemen's north"). A dateline in
    another country, or for an event with no place at all, is where the speaker or the reporter was
    (MOSCOW, CAIRO, KYIV), so it says nothing."""
    if filed_at is None or not pl or pl.get("precision") not in ("country", "region") \
            or pl.get("country") != filed_at.country or not isinstance(s0, int) or not isinstance(s1, int):
        return ()
    rec = filed_at.record or {}
    if not isinstance(rec.get("start"), int) or not s0 <= rec["start"] < s1:
        return ()
    if any(s0 <= x < s1 for _, starts in art_places for x in starts):
        return ()
    return (filed_at,)


def _near(art_places: tuple, s0: object, s1: object) -> tuple:
    """The article's fine places named in the event's sentence if any, else all of them."""
    if isinstance(s0, int) and isinstance(s1, int):
        inside = tuple(p for p, starts in art_places if any(s0 <= x < s1 for x in starts))
        if inside:
            return inside
    return tuple(p for p, _ in art_places)


@lru_cache(maxsize=65536)
def norm_toponym(s: str | None) -> str:
    """A toponym the gazetteer lacks, folded as the gazetteer folds its names (`normalise.key`), so
    spellings of one name meet: "al-Shafaa" = "Al Shafa'a" = "Shafaa", "Deir ez-Zor" = "Dayr az Zawr"."""
    out = key(s) if s else ""
    return out if len(out.replace(" ", "")) >= 3 else ""


def _unresolved_names(doc: dict) -> tuple:
    """(normalised name, start) of the article's toponyms the gazetteer did not resolve, dateline left out."""
    dateline = (doc.get("article") or {}).get("dateline_place")
    out = []
    for p in doc.get("places") or []:
        if not isinstance(p, dict) or p.get("id") == dateline or p.get("geonameid") is not None \
                or p.get("kind") not in (None, "toponym"):
            continue
        n = norm_toponym(p.get("text"))
        if n:
            out.append((n, p.get("start") if isinstance(p.get("start"), int) else -1))
    return tuple(out)


def _event_names(pl: dict | None, unresolved: tuple, s0: object, s1: object) -> frozenset:
    """Unresolved toponyms an event may be at: its own place's, and those named in its sentence (often
    a village inside the place the event resolved to: "al-Shafaa in the Hajin area"); without a
    sentence, an event with no fine place gets all of its article's."""
    out = set()
    if pl and pl.get("geonameid") is None and pl.get("kind") in (None, "toponym"):
        n = norm_toponym(pl.get("text"))
        if n:
            out.add(n)
    if isinstance(s0, int) and isinstance(s1, int):
        out.update(n for n, st in unresolved if s0 <= st < s1)
    elif not pl or pl.get("precision") in (None, "province", "country", "region"):
        out.update(n for n, _ in unresolved)
    return frozenset(out)


def _article_days(doc: dict) -> frozenset:
    """Day ordinals the article names with day precision (a second version of an event's date)."""
    out = set()
    for t in doc.get("times") or []:
        if isinstance(t, dict) and t.get("granularity") in ("day", "minute"):
            d = _ordinal(t.get("date"))
            if d:
                out.add(d[0])
    return frozenset(out)


_VOWELS = frozenset("aeiouyw")


@lru_cache(maxsize=65536)
def skeleton(name: str) -> str:
    """Consonant skeleton of a name, so transliterations meet: Younis/Yunis, Huthi/Houthi."""
    s = "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if c.isascii() and c.isalpha())
    out = s[:1]
    for c in s[1:]:
        if c not in _VOWELS and c != out[-1:]:
            out += c
    return out


def _terms(sentence: str, place_terms: tuple, title: str = "") -> dict:
    """Term counts of an event for text similarity: the content words of its sentence and of its
    article's title (a headline names the incident the article is about), the consonant skeletons
    of their capitalised words (names in any transliteration) and the article's named places."""
    out: dict[str, int] = {}
    for part in (sentence or "", title or ""):
        for w in _WORD.findall(part):
            lw = w.lower()
            if lw in STOP_WORDS:
                continue
            out[lw] = out.get(lw, 0) + 1
            if w[0].isupper() and len(w) >= 4:
                k = "#" + skeleton(w)
                out[k] = out.get(k, 0) + 1
    for t in place_terms:
        out[t] = out.get(t, 0) + 1
    return out


_NAME = re.compile(r"\b[A-Z][a-z]{3,}")
MAX_ART_CHARS = 20_000  # names of a long article's opening: enough to say what it is about


_NOT_NAMES = frozenset(w.lower() for w in (*calendar.day_name, *calendar.month_name) if w)


def article_names(text: str) -> frozenset:
    """The consonant skeletons of an article's capitalised words (names of places, people, groups,
    in any transliteration): two reports of one incident name mostly the same ones. Capitalised
    function words ("This", "When") and day and month names are not names."""
    return frozenset(skeleton(w) for w in _NAME.findall(text[:MAX_ART_CHARS])
                     if w.lower() not in STOP_WORDS and w.lower() not in _NOT_NAMES)


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


def undated(r: Report) -> bool:
    """An event its text does not date: its window is only the days before publication."""
    return r.lo is not None and (r.date_precision or "") not in ("day", "minute", "month", "year")


def within_radius(a_lat: float, a_lon: float, b_lat: float, b_lon: float, km: float) -> bool:
    """Equirectangular distance test (exact enough at the few-km scale of a radius)."""
    dy = (a_lat - b_lat) * 111.2
    dx = (a_lon - b_lon) * 111.2 * math.cos(math.radians((a_lat + b_lat) / 2))
    return math.hypot(dx, dy) <= km


def places_compatible(a: Report, b: Report) -> bool:
    """Places that can be one place: one missing, the same id, fine places within radius, or a
    fine place inside the other's province or country (a coarser reading of the same place)."""
    if a.place is None or b.place is None:
        return True
    if a.geonameid is not None and a.geonameid == b.geonameid:
        return True
    if a.fine and b.fine:
        return within_radius(a.lat, a.lon, b.lat, b.lon, max(a.radius, b.radius))
    if a.country and b.country and a.country != b.country:
        return False
    coarse = [r for r in (a, b) if not r.fine]
    if any(r.precision in ("country", "region") or not r.admin1 for r in coarse):
        return True
    return norm_admin(a.admin1) == norm_admin(b.admin1)


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


def assign_copy_groups(reports: Sequence[Report], signatures: Mapping[str, Any] | None = None) -> None:
    """Set each report's `copy_group`: its article's near-copy group (the store's `copy_of` mark
    where the article has one, else the same MinHash test the store uses, `store.dedup`), named by
    the group's earliest published article; empty for an article that copies and is copied by none.
    `signatures`: the store's MinHash values of some articles (`copy_groups`), not hashed again."""
    arts: dict[str, Report] = {}
    for r in reports:
        arts.setdefault(r.article, r)
    order = sorted(arts.values(), key=lambda r: (r.published or "", r.article))
    groups = copy_groups([(r.article, r.text, (r.copy_of or {}).get("article")) for r in order], signatures)
    for r in reports:
        r.copy_group = groups.get(r.article, "")


def reports_from_documents(docs) -> list[Report]:
    """Reports of many documents, numbered in order (`Report.idx`)."""
    out: list[Report] = []
    for d in docs:
        try:
            out.extend(fuse_sentence_events(reports_from_document(d, start=len(out))))
        except Exception:  # noqa: BLE001 - a malformed stored document drops only itself
            continue
    return out
