"""Flatten contract Documents into one `Report` per event: what the linker compares.

The linker works on plain contract dicts (stored document JSON, or `extract`
output), never on the database or the spaCy Doc, so every step is pure and can be
tested on hand-written records. A report keeps only what linking, origin counting
and grading read: the date as a window of day ordinals (wide when the date is
only a month or the publication date), the place with its precision, actor keys,
casualty ranges, the event sentence and the claim chain's speakers.

What each field is made from lives beside it: `report_dates` (date windows),
`report_places` (places and the article's place evidence), `report_actors` (actor
keys and sides), `report_fusion` (one article's split mentions fused); all their names
are importable from here.
"""

from __future__ import annotations

import calendar
import logging
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

from eventwire.link.report_actors import (  # noqa: F401 - re-exported: the linker's modules import them from here
    GENERIC_SECTORS,
    NON_COUNTRIES,
    NON_STATE_SECTORS,
    STATE_SECTORS,
    actor_key,
    actor_profile,
    identity,
    perpetrator_key,
)
from eventwire.link.report_dates import (  # noqa: F401 - re-exported
    PUBLICATION_LOOKBACK,
    _article_days,
    _ordinal,
    _statement_dated,
    date_window,
)
from eventwire.link.report_fusion import fuse_sentence_events  # noqa: F401 - re-exported
from eventwire.link.report_places import (  # noqa: F401 - re-exported
    COARSE,
    RADIUS_KM,
    ArtPlace,
    _article_places,
    _article_provinces,
    _dateline_place,
    _event_names,
    _filed_in,
    _located,
    _near,
    _unresolved_names,
    norm_admin,
    norm_toponym,
    places_compatible,
    within_radius,
)
from eventwire.store.dedup import copy_groups

# Events that did not (or not yet) happen are not reports of an incident.
LINKABLE_STATUS = frozenset({"reported", "alleged", "denied"})
ASSERTING_STATUS = frozenset({"reported", "alleged"})
# Windows wider than this (a year, an open range) are too vague to block on.
MAX_WINDOW_DAYS = 62
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)

_log = logging.getLogger(__name__)


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
    # the article's claims of responsibility that name no event of their own ("the BLA has claimed
    # responsibility for the attack"): speaker records, read for the lead event's grade
    resp_voices: tuple = ()
    deny_voices: tuple = ()                    # and its denials that hold no event ("X denied any involvement")

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


NEGATIONS = frozenset({"not", "n't", "never", "no"})
# the acts a group claims responsibility for (attacks, abductions): a claim is read for these only
RESPONSIBILITY_TYPES = frozenset({"ASSAULT", "COERCE"})


def _article_voices(doc: dict, actors: dict[str, dict], text: str) -> tuple[tuple, tuple]:
    """Speaker records of the article's claims that point at its incident instead of holding an
    event: claims of responsibility ("X claimed responsibility for the attack", "has taken
    responsibility"; a negated cue is left out, and whether the cue accepts is
    `grade.accepts_responsibility`'s call) and denials whose content holds no event ("Hezbollah
    denied any involvement", "denied any connection with the rocket attack")."""
    triggers = [e["trigger"]["start"] for e in doc.get("events") or [] if isinstance(e, dict)
                and isinstance(e.get("trigger"), dict) and isinstance(e["trigger"].get("start"), int)]
    resp, denials = [], []
    for c in doc.get("claims") or []:
        if not isinstance(c, dict):
            continue
        cue = c.get("cue") if isinstance(c.get("cue"), dict) else {}
        sp = c.get("speaker") if isinstance(c.get("speaker"), dict) else {}
        content = c.get("content") if isinstance(c.get("content"), dict) else {}
        s, e = content.get("start"), content.get("end")
        if sp.get("actor") not in actors or not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e):
            continue
        said, cue_text = text[s:e], (cue.get("text") or "").lower()
        rec = {**_speakers([c], actors)[0], "content": said}
        if c.get("denial"):
            if not any(s <= t < e for t in triggers):
                denials.append(rec)
        elif "responsib" in f"{cue_text} {said[:40].lower()}" \
                and not NEGATIONS & set(cue_text.replace("n't", " n't").split()):
            resp.append(rec)
    return tuple(resp), tuple(denials)


def _speakers(chain: list[dict], actors: dict[str, dict]) -> list[dict]:
    """Speaker records of a claim chain, innermost first: who, how (kind, cue) and the actor."""
    out = []
    for c in chain:
        sp = c.get("speaker") or {}
        cue = c.get("cue") if isinstance(c.get("cue"), dict) else {}
        rec = {"text": sp.get("text") or "", "kind": c.get("kind"), "claim": c.get("id"),
               "cue": (cue.get("text") or "").lower()}
        if sp.get("actor") in actors:
            rec["actor"] = actors[sp["actor"]]
        out.append(rec)
    return out


def _claim_chain(claims: dict[str, dict], cid: str | None) -> list[dict]:
    chain, seen = [], set()
    while cid and cid in claims and cid not in seen:
        seen.add(cid)
        chain.append(claims[cid])
        cid = claims[cid].get("parent")
    return chain


def _event_window(ev: dict, published: str | None) -> tuple[dict, int | None, int | None]:
    """The event and its day window. A month or year wholly after the article ("a force of 10,000
    by 2030") is a plan's deadline, not the day of what it reports: that is dated by publication,
    as an undated event is."""
    lo, hi = date_window(ev, published)
    if lo is not None and hi is not None and lo > hi:
        ev = {**ev, "date_precision": "publication"}
        lo, hi = date_window({**ev, "date": None}, published)
    return ev, lo, hi


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
    resp_voices, deny_voices = _article_voices(doc, actors, text)
    out: list[Report] = []
    for ev in doc.get("events") or []:
        if not isinstance(ev, dict) or not ev.get("id") or not ev.get("type"):
            continue
        status = ev.get("status") or "reported"
        if status not in LINKABLE_STATUS:
            continue
        if _statement_dated(ev, claims.get(ev.get("claim")), doc.get("times") or ()):
            ev = {**ev, "date_precision": "statement"}  # dated by its statement: happened by that day
        ev, lo, hi = _event_window(ev, published)
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
        speakers = _speakers(_claim_chain(claims, ev.get("claim")), actors)
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
            resp_voices=resp_voices if str(ev["type"]) in RESPONSIBILITY_TYPES else (),
            deny_voices=deny_voices if str(ev["type"]) in RESPONSIBILITY_TYPES else (),
        ))
    return out
























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






def undated(r: Report) -> bool:
    """An event its text does not date: its window is only the days before publication."""
    return r.lo is not None and (r.date_precision or "") not in ("day", "minute", "month", "year")














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
        except Exception as exc:  # noqa: BLE001 - a malformed stored document drops only itself, loudly
            art = (d.get("article") or {}).get("id") if isinstance(d, Mapping) else None
            _log.warning("linking skips stored document %s: %s: %s", art, type(exc).__name__, exc)
            continue
    return out
