"""The places layer: find toponyms and demonyms and resolve them to GeoNames entries.

Recognition joins two sources: spaCy's entities (GPE/LOC/FAC; NORP for
demonyms; ORG/PERSON only where the gazetteer knows the whole name, since the
small model calls "al-Hasaka" an organisation) and a gazetteer scan of
capitalised token n-grams, kept only with tagger evidence (a proper noun) and
for notable places, so common words that are also towns ("Police", "Reading")
stay out. The dateline place is always a mention.

Resolution ranks each mention's candidates by a prior (feature class and
population) plus document context: the countries and provinces of the other
mentions, the dateline place, the outlet's country, "Town, State" pairs and
"the Lebanese port of X" (which fix a name's country for the whole story),
names listed before "counties"/"provinces", and spatial coherence (places named
together lie together, so two ambiguous names can settle each other). A story
clearly set in one country takes the fame of a capital or country abroad away
from a name that also names a town there ("Paris" beside "Henry County"). A
place matched only through another of its names yields to one called so.
A few rounds let each name's readings support the others.
A name the gazetteer cannot resolve stays a place without coordinates; it never
drops the others.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import ensure_path

import eventwire.analysis.extensions  # noqa: F401
from eventwire.analysis.extensions import doc_text, meta
from eventwire.data import read_csv, read_yaml
from eventwire.gazetteer.index import Gazetteer, load, precision_of
from eventwire.gazetteer.normalise import key, norm

PLACE_LABELS = {"GPE", "LOC", "FAC"}
# entity labels the small model gives to place names it does not know ("Sobane Da" WORK_OF_ART)
NAME_LABELS = {"PERSON", "ORG", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW"}
# words after a name that make it the name's administrative unit ("Deir Ezzor countryside")
ADMIN_SUFFIXES = {"countryside", "province", "governorate", "region", "district", "county", "state",
                  "oblast", "prefecture", "department"}
_CONNECT = {"of", "de", "del", "la", "le", "du", "al", "el", "the", "-", "'", "upon", "on", "am", "an", "sur",
            "y", "da", "do", "dos", "das", "and"}
_DIRECTIONS = {"northern", "southern", "eastern", "western", "north", "south", "east", "west", "northeastern",
               "northwestern", "southeastern", "southwestern", "central", "northeast", "northwest", "southeast",
               "southwest"}
_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an|ed|er|es|ez)$", re.I)
_UNIT_WORDS = r"(?:countryside|province|governorate|region|district|county|state|department|outskirts|suburbs)"
_DIR_WORDS = r"(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:ern)?|central|rural"
# the words between a place the gazetteer lacks and a later place that holds it: "X, Syria",
# "X village in the eastern countryside of Deir Ezzor", "X in central Mali", "X, near the town of Y"
_HELD_BY = re.compile(
    r"^(?:\s+(?:village|town|area|neighbou?rhood|camp|locality|settlement|suburb)(?=\s*,))?"
    r"(?:\s*,)?\s*(?:(?:village|town|city|area|district|neighbou?rhood|camp|locality|settlement|suburb)\s+)?"
    rf"(?:(?P<prep>in|inside|near|outside|close\s+to|(?:\d[\d.,]*\s*(?:km|kilomet(?:re|er)s?|miles?)\s+)?(?:{_DIR_WORDS})\s+of)\s+)?"
    r"(?:the\s+)?(?:(?:town|city|village|capital|province|region|governorate|state|district)\s+of\s+)?"
    rf"(?:(?:{_DIR_WORDS})\s+)?(?:{_UNIT_WORDS}\s+of\s+)?$", re.I)
_UNIT_CODES = ("PCLI", "ADM1", "ADM2")
# the population a town named only as the first word of an organisation's name needs to be read as a place
WEAK_MIN_POP = 20_000
# a unit word right after a name: the name is used as the unit's ("Kupiansk district")
_UNIT_AFTER = re.compile(r"\s+(?:countryside|province|governorate|region|district|county|state|oblast|township|"
                         r"prefecture|local\s+government\s+area)\b", re.I)
# a plural unit word after a list of names, and its singular as GeoNames spells units ("Henry County");
# not "departments", which after US town names are their fire or police departments
_UNIT_SINGULAR = {"counties": "County", "parishes": "Parish", "provinces": "Province", "districts": "District",
                  "governorates": "Governorate", "states": "State", "regions": "Region", "prefectures": "Prefecture",
                  "oblasts": "Oblast", "boroughs": "Borough", "townships": "Township"}
_PLURAL_UNIT = re.compile(r"\s+(" + "|".join(_UNIT_SINGULAR) + r")\b", re.I)
# between a demonym and the name it places: "the Lebanese port of Tripoli", "Syrian city of Homs"
_OF_FRAME = re.compile(r"\s+(?:[a-z-]+\s+){0,2}(?:port|city|town|village|capital|province|region|district|"
                       r"governorate|state|island|county|area|border\s+town|enclave)\s+of\s+(?:the\s+)?")
_LIST_TOKEN = re.compile(r"[^\W\d][\w'’.-]*|[,&]")
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+|&\s+)?|\s+(?:and|or|&)\s+)", re.I)


@dataclass
class Mention:
    start: int  # char offsets
    end: int
    text: str
    source: str  # "ner", "gazetteer", "dateline"
    label: str = ""
    kind: str = "toponym"
    admin_only: bool = False
    weak: bool = False  # named only inside an organisation's name ("Columbia University")
    lead: bool = True   # inside a name, its first words or after "of" ("University of Kentucky")
    cands: list[dict] = field(default_factory=list)
    best: dict | None = None
    score: float = 0.0


def _cap(t) -> bool:
    """A capitalised word, including "McKinney" and "DeKalb" (str.istitle() says no to those)."""
    return t.text[:1].isupper() and any(ch.islower() for ch in t.text)


# the share of its score a reading keeps when the text names it only by another of its names
_OTHER_NAME = 0.6
_ABBREV_WORDS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort", "pt": "point"}


@lru_cache(maxsize=65536)
def _name_words(name: str) -> tuple[str, ...]:
    """The transliteration-folded words of a name, "St."/"Mt." spelt out."""
    return tuple(_ABBREV_WORDS.get(w, w) for w in key(name).split())


@lru_cache(maxsize=65536)
def _other_name(words: tuple[str, ...], name: str) -> bool:
    """Whether a surface (its `_name_words`) names a place only by another of its names: "Philadelphia"
    for Amman, "Iraq" for Arak, but not "New York" for New York City nor "Normandy" for Normandie."""
    own = _name_words(name)
    if set(words) <= set(own):
        return False
    return SequenceMatcher(None, " ".join(words), " ".join(own)).ratio() < 0.8


def _fame(p: dict) -> float:
    """What a country, a capital or a province gains over a town of its size when a name is read alone."""
    fc = p.get("feature_code") or "PPL"
    pop = p.get("population") or 0
    bonus = {"PCLI": 0.55, "CONT": 0.45, "ADM1": 0.35, "PPLC": 0.6, "LCTY": 0.3}.get(fc, 0.0)
    if fc in ("PCLI", "ADM1", "PPLC") and pop:
        # the rank a reader gives a capital or a province grows with its size: Douglas, the Isle of
        # Man's capital of 26,000, is not what "Douglas" brings to mind the way Paris is "Paris"
        bonus *= min(1.0, max(0.25, (math.log10(pop) - 4.0) / 2.0))
    return bonus


def _prior(p: dict) -> float:
    """Feature class and population: what a reader assumes without context."""
    pop = p.get("population") or 0
    return math.log10(pop + 10) / 6.0 + _fame(p) + (0.3 if p.get("source") == "supplement" else 0.0)


def _actor_names() -> frozenset[str]:
    """Normalised aliases of the named actors (armed groups, bodies, office holders) and of the
    registry's news outlets: not places."""
    try:
        data = read_yaml("actors.yaml") or {}
    except FileNotFoundError:
        return frozenset()
    out = set()
    for e in data.get("actors") or []:
        for a in [e.get("name"), *(e.get("aliases") or [])]:
            if a:
                out.add(norm(str(a)))
    # the outlet registry's names: "Al Jazeera", "IRNA" and "Amaq" name news outlets, not places
    for row in read_csv("outlets.csv"):
        for a in [row.get("name"), *(row.get("aliases") or "").split("|")]:
            if a and len(a) > 3:
                out.add(norm(a))
    return frozenset(out)


def _haversine_km(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """All-pairs great-circle distances (km) between points given in degrees."""
    la, lo = np.radians(lat), np.radians(lon)
    dlat = la[:, None] - la[None, :]
    dlon = lo[:, None] - lo[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(la)[:, None] * np.cos(la)[None, :] * np.sin(dlon / 2) ** 2
    return 12742.0 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def _relation(cands: list[dict]) -> np.ndarray:
    """How much candidate j supports candidate i as a neighbour in one story (0..1).

    Spatial minimality: places named together lie close together. A first-level
    unit supports the places inside it (and they support it); other places support
    each other by distance (1 within 40 km, fading to 0 at 300 km) or by sharing a
    first-level unit. Countries and continents carry country evidence separately.
    """
    n = len(cands)
    lat = np.array([c["lat"] for c in cands], dtype=float)
    lon = np.array([c["lon"] for c in cands], dtype=float)
    gid = np.array([c["geonameid"] for c in cands], dtype=np.int64)
    a1 = np.array([c.get("admin1_gid") or 0 for c in cands], dtype=np.int64)
    fc = [c.get("feature_code") or "PPL" for c in cands]
    big = np.array([f in ("PCLI", "CONT", "RGN") for f in fc])
    adm1 = np.array([f == "ADM1" for f in fc])
    d = _haversine_km(lat, lon)
    near = np.clip(1.0 - (d - 40.0) / 260.0, 0.0, 1.0)
    same_a1 = (a1[:, None] == a1[None, :]) & (a1[:, None] != 0)
    r = np.maximum(near, 0.5 * same_a1)
    inside = a1[:, None] == gid[None, :]  # i lies in unit j
    r = np.where(adm1[None, :], inside.astype(float), r)
    r = np.where(adm1[:, None], (a1[None, :] == gid[:, None]).astype(float), r)
    r = np.where(adm1[:, None] & adm1[None, :], (gid[:, None] == gid[None, :]).astype(float), r)
    r[big[:, None] | big[None, :]] = 0.0
    return r.reshape(n, n)


class PlacesComponent:
    """Writes doc.spans[spans_key] with Span._.ew_place dicts (see extensions.py)."""

    def __init__(self, nlp: Language, name: str, cache_dir: str | None = None, fuzzy_threshold: float = 88.0,
                 min_score: float = 0.2, spans_key: str = "places"):
        self.name = name
        self.cache_dir = cache_dir
        self.fuzzy_threshold = float(fuzzy_threshold)
        self.min_score = float(min_score)
        self.spans_key = spans_key
        self._gaz: Gazetteer | None = None
        self._persons: set[str] = set()
        self._person_tokens: set[str] = set()
        self._person_starts: set[int] = set()
        self._place_tokens: set[int] = set()
        self.w_country, self.w_admin = 0.45, 0.3
        self._in_org: set[int] = set()
        self._in_actor: set[int] = set()
        self.skip = {r["word"].lower() for r in read_csv("places_stopwords.csv")}
        # month and weekday abbreviations ("Nov.", "Wed.") are never places: the times layer's list
        times = read_yaml("lexicons/time_expressions.yaml")
        self.skip |= {k.rstrip(".") for sec in ("months", "weekdays") for k in times[sec]["values"] if k.endswith(".")}
        words: dict[str, set[str]] = defaultdict(set)
        for r in read_csv("places_context_words.csv"):
            words[r["role"]].add(r["word"].lower())
        self.titles, self.streets, self.features = words["title"], words["street"], words["feature"]
        self.settlements, self.locatives = words["settlement"], words["locative"]
        self.speech = words["speech"]
        # words that may stand around a known name inside a longer place name ("Far North Queensland",
        # "Sichuan province"); a place-type word alone ("Village", "Region") names no place
        self.modifiers = words["modifier"]
        self.unit_words = ADMIN_SUFFIXES | self.settlements
        self._speakers: set[str] = set()
        self.actor_names = _actor_names()
        self.w_spatial, self.temperature, self.plausible, self.w_fame = 0.6, 0.1, 0.5, 0.7

    @property
    def gaz(self) -> Gazetteer:
        if self._gaz is None:
            self._gaz = load(self.cache_dir)
        return self._gaz

    # ------------------------------------------------------------------ candidates
    def _places_for(self, surface: str, fuzzy: bool, by_key: bool = True) -> list[dict]:
        if surface.lower().rstrip(".") in self.skip:  # "Nov." as "Nov"
            return []
        if surface.lower() in self.unit_words or surface.lower() in self.modifiers or _ARTICLE_PREFIX.match(surface):
            return []  # "Pazigyi Village", "Metro Vancouver", "Al-Ahli": a type word or a qualifier is no name
        hits = self.gaz.lookup(surface)
        if not by_key:
            hits = tuple(h for h in hits if not h[2])
        out = []
        one_word = len(surface.split()) == 1
        words = _name_words(surface)
        for gid, kind, by_key in hits:
            p = self.gaz.place(gid)
            if p and p.get("feature_code") == "ADM2" and one_word and len(p["name"].split()) > 1:
                continue  # "Brown" is a surname far more often than Brown County
            if p and p.get("lat") is not None:
                # matched only through another name of the place ("Philadelphia", an old name of Amman)
                alt = kind == "name" and _other_name(words, p["name"])
                out.append({**p, "_kind": kind, "_match": 0.92 if by_key else 1.0, "_loose": by_key, "_alt": alt})
        if not out and fuzzy and len(surface) >= 6:
            for gid, sim in self.gaz.fuzzy(surface, self.fuzzy_threshold):
                p = self.gaz.place(gid)
                if p and p.get("lat") is not None:
                    out.append({**p, "_kind": "name", "_match": sim / 100.0 * 0.9, "_loose": True, "_fuzzy": True})
        return out

    def _gazetteer_scan(self, doc: Doc, taken: list[bool]) -> list[Mention]:
        """Capitalised n-grams (<= 5 tokens) that the gazetteer knows, longest first, left to right."""
        out: list[Mention] = []
        n = len(doc)
        i = 0
        while i < n:
            t = doc[i]
            starts = (t.is_title or (t.is_upper and len(t) > 1) or
                      (_ARTICLE_PREFIX.match(t.text) and i + 2 < n and doc[i + 1].text == "-"))
            if not starts or taken[i] or t.is_punct:
                i += 1
                continue
            found = None
            for j in range(min(n, i + 5), i, -1):
                span = doc[i:j]
                last = doc[j - 1]
                if any(taken[k] for k in range(i, j)):
                    continue
                if not (last.is_title or last.is_upper or (last.text.endswith(".") and last.text[:1].isupper())):
                    continue
                if any(not (x.is_title or x.is_upper or x.lower_ in _CONNECT or x.text == "-")
                       for x in span[1:-1]):
                    continue
                if j - i == 1 and (t.lower_ in self.skip or t.is_stop):
                    continue
                if j - i == 1 and t.lower_ in _DIRECTIONS and j < n and _cap(doc[j]):
                    continue  # "Northeast Georgia", "Southern Sudan", "Western Conference": a modifier
                if span.text in self._persons:
                    continue
                cands = self._places_for(span.text, fuzzy=False, by_key=False)
                if i in self._in_org:
                    cands = self._own_names(span.text, cands)  # "Hamid Karzai ... Airport" is not Isparta
                if i in self._in_actor:
                    cands = [c for c in cands if c.get("feature_code") in ("PCLI", "ADM1")]
                if cands:
                    found = (j, cands)
                    break
            if found is None:
                i += 1
                continue
            j, cands = found
            span = doc[i:j]
            # a capitalised name the tagger did not mark runs into the match ("National Unity Government")
            before = self._after_name(span)
            if cands and self._plausible(span, cands):
                org = span.start in self._in_org and span.end in self._in_org
                out.append(Mention(span.start_char, span.end_char, span.text, "gazetteer", cands=cands,
                                   kind="demonym" if all(c["_kind"] == "demonym" for c in cands) else "toponym",
                                   weak=org or before,
                                   lead=not before))
                for k in range(i, j):
                    taken[k] = True
            i = j
        return out

    def _inner(self, span: Span) -> tuple[Span, list[dict]]:
        """The longest known sub-name of an entity the gazetteer does not know whole
        ("Far North Queensland" -> "Queensland", "Sichuan province" -> "Sichuan")."""
        n = len(span)
        for size in range(n - 1, 0, -1):
            for i in range(0, n - size + 1):
                sub = span[i:i + size]
                if not (_cap(sub[0]) or sub[0].is_upper) or sub[-1].is_punct or sub[0].is_stop:
                    continue
                # a transliteration's spelling only beside type words ("Sa'ada province" is Sa'dah's)
                plain = all(self._generic(t) for t in (*span[:i], *span[i + size:]))
                cands = self._places_for(sub.text, fuzzy=False, by_key=plain)
                if not all(self._generic(t) for t in span[:i]) and span[i - 1].lower_ != "of" \
                        and not self._notable(cands):
                    # "Tudun Biri" is not Biri, "Al-Ahli al-Arabi" not Arabi: a small place needs its whole
                    # name; a name after it or "of" before it is another's ("Henderson County Jail", "Port of
                    # Los Angeles" are fine)
                    continue
                if cands:
                    return sub, cands
        return span, []

    def _after_name(self, span: Span) -> bool:
        """Whether a gazetteer match comes after another proper name inside one capitalised name ("National
        Unity Government", "Al-Ahli al-Arabi"), type, unit and qualifier words aside ("Far North Queensland")."""
        doc = span.doc

        def name_word(t) -> bool:
            return ((t.is_title or t.is_upper) and not t.is_punct and not t.like_num and not t.is_stop
                    and not self._generic(t))

        def joined(i: int) -> bool:
            """A name word next to the match, or across an Arabic article ("Al-Ahli al-Arabi"); not across
            "of" ("University of Kentucky") nor a bare hyphen ("Wisconsin-Milwaukee", "D-N.Y.")."""
            article = False
            for k in range(3):
                if i < 0:
                    return False
                t = doc[i]
                if _ARTICLE_PREFIX.match(t.text):
                    article = True
                elif name_word(t):
                    return k == 0 or article
                elif t.text != "-" or t.whitespace_:
                    return False
                if t.is_sent_start:
                    return False
                i -= 1
            return False

        return not doc[span.start].is_sent_start and joined(span.start - 1)

    def _generic(self, t) -> bool:
        """A word that may stand beside a place's name inside a longer name of that place: a type or unit
        word, a direction, a connector, a lower-case word or punctuation, not another proper name."""
        low = t.lower_
        return (t.is_punct or not (t.is_title or t.is_upper) or low in self.unit_words or low in self.features
                or low in _DIRECTIONS or low in _CONNECT or low in self.modifiers)

    @staticmethod
    def _notable(cands: list[dict]) -> bool:
        """A country, a province or a capital: a name that still reads as the place after another name."""
        return any((c.get("feature_code") or "").startswith(("PCL", "ADM1", "PPLA", "PPLC")) for c in cands)

    @staticmethod
    def _own_names(surface: str, cands: list[dict]) -> list[dict]:
        """Inside a longer name, a place is named by its own name or an abbreviation of it ("S.C.",
        "Phila."), not by another of its names ("Hamid", an old name of Isparta)."""
        if "." in surface or surface.isupper():
            return cands
        return [c for c in cands if not c.get("_alt")]

    def _strong(self, cands: list[dict]) -> bool:
        """A place notable enough to be named inside another name or beside a person's."""
        return any(c.get("feature_code") in ("PCLI", "ADM1", "PPLC", "CONT") or (c.get("population") or 0) >= 100_000
                   for c in cands)

    def _context_says_not_place(self, span: Span, cands: list[dict], ner: bool = False) -> bool:
        """Words around a name that make it a person, a street or part of a longer name.

        "Officer Ripley", "Mrs. Lincoln", "Main Street", "City Hall", "Taco Bell",
        "Best Western", "Patrick Smith": a town's name used so is not the town.
        """
        doc = span.doc
        prev = doc[span.start - 1] if span.start > 0 else None
        nxt = doc[span.end] if span.end < len(doc) else None
        if prev is not None and prev.lower_ in self.titles:
            return True
        if nxt is not None and (nxt.lower_ in self.streets or nxt.text in self.streets) and nxt.is_title:
            return True
        if self._strong(cands):
            return False
        if nxt is not None and nxt.i in self._person_starts:
            return True  # a given name or a title before a person's name
        if span.text in self._person_tokens or span.text in self._speakers:
            return True  # a surname ("Farrin", after "Henry Farrin"; "Robertson said")
        return bool(not ner and prev is not None and not prev.is_sent_start and prev.is_title and prev.lower_ not in _CONNECT
                    and prev.i not in self._place_tokens and len(span) == 1)

    def _lone_person_names(self, doc: Doc, ents: list[Span]) -> set[str]:
        """One-word names the story uses for a person: the subject of a verb of speaking ("Robertson
        said") or a name the tagger calls a person and never a place. One name keeps one sense in one
        story, so the other mentions of such a name are not the town of that name either."""
        out = {t.text for t in doc if t.dep_ == "nsubj" and t.pos_ == "PROPN" and t.head.lemma_ in self.speech
               and _cap(t) and not any(c.dep_ == "compound" for c in t.children)
               and not (t.i > 0 and doc[t.i - 1].dep_ == "compound" and doc[t.i - 1].head.i == t.i)}
        placed = {e.text for e in ents if e.label_ in ("GPE", "LOC")}
        return out - placed

    def _plausible(self, span: Span, cands: list[dict]) -> bool:
        """A gazetteer-only match needs a proper-noun reading and a place worth naming."""
        if not any(x.pos_ == "PROPN" for x in span) and not all(c["_kind"] == "demonym" for c in cands):
            return False
        if span[0].lower_ in self.skip and len(span) == 1:
            return False
        notable = any((c.get("feature_code") in ("PCLI", "ADM1", "CONT", "LCTY", "PPLC")
                       or (c.get("population") or 0) >= 5000 or c.get("source") == "supplement"
                       or c.get("feature_code") == "ADM2" and len(span) > 1) for c in cands)
        if not notable:
            return False
        org_head = span.start in self._in_org and (span.start == 0 or span.start - 1 not in self._in_org)
        if span.start in self._in_org and not org_head and not any(
                c.get("feature_code") in ("PCLI", "ADM1", "PPLC") or (c.get("population") or 0) >= 100_000
                for c in cands):
            return False
        return not self._context_says_not_place(span, cands)

    def _place_frame(self, span: Span) -> str | None:
        """Words around a name that make it a place whatever the tagger says: "settlement" for 'the town
        of Maarat al-Numan', 'al-Shafaa village'; "locative" for 'in Khan Younis'."""
        doc = span.doc
        prev = doc[span.start - 1] if span.start > 0 else None
        nxt = doc[span.end] if span.end < len(doc) else None
        if nxt is not None and nxt.lower_ in self.settlements:
            after = doc[span.end + 1] if span.end + 1 < len(doc) else None
            # "a Dogon village", "the Dogon village of Sobane Da": a modifier, not the village's name
            if not (prev is not None and prev.lower_ in ("a", "an")) and not (after is not None and after.lower_ == "of"):
                return "settlement"
        if prev is None:
            return None
        if prev.lower_ == "of" and span.start > 1 and (doc[span.start - 2].lower_ in self.settlements
                                                        or doc[span.start - 2].lemma_.lower() in self.settlements):
            return "settlement"
        return "locative" if prev.lower_ in self.locatives else None

    def _unresolved_is_place(self, span: Span) -> bool:
        """Keep a name the gazetteer cannot resolve only when it reads as a place name.

        An armed group or a person ("Daesh", "Saakashvili") is not a place, nor is a
        road ("Highway 19", "Main Street"): keep names with a generic feature term
        ("Chestatee River", "Lake Lanier") and nothing that marks them as something else.
        """
        toks = [t for t in span if not t.is_punct]
        if not toks or any(t.like_num or any(ch.isdigit() for ch in t.text) for t in toks):
            return False
        if norm(span.text) in self.actor_names or any(t.text in self._person_tokens for t in toks):
            return False
        if span.start > 0 and span.doc[span.start - 1].lower_ in self.titles:
            return False
        if toks[-1].lower_ in self.streets or (span.end < len(span.doc) and span.doc[span.end].lower_ in self.streets
                                               and span.doc[span.end].is_title):
            return False
        return len(toks) > 1 and all(t.is_title or t.lower_ in _CONNECT for t in toks) and any(
            t.lower_ in self.features for t in toks)

    def _mentions(self, doc: Doc) -> list[Mention]:
        full_text = doc_text(doc)
        mentions: list[Mention] = []
        taken = [False] * len(doc)

        def take(span: Span, m: Mention) -> None:
            mentions.append(m)
            for k in range(span.start, span.end):
                taken[k] = True

        dl = meta(doc).get("dateline")
        if dl:
            span = doc.char_span(int(dl[0]), int(dl[1]), alignment_mode="expand")
            if span is not None and span.text.strip():
                cands = self._places_for(span.text, fuzzy=True)
                take(span, Mention(span.start_char, span.end_char, span.text, "dateline", cands=cands))
        # the outlet tag of a dateline ("Damascus, SANA-") names the outlet, not Sanaa
        ol = meta(doc).get("dateline_outlet")
        if ol:
            span = doc.char_span(int(ol[0]), int(ol[1]), alignment_mode="expand")
            for k in range(span.start, span.end) if span is not None else ():
                taken[k] = True
        # names of people: a surname alone later in the text ("Walsh said") is not the county
        ents = list(doc.ents)
        persons = [e for e in ents if e.label_ == "PERSON"]
        # "Tyrise M. Bell": a middle initial makes a name a person's whatever the tagger called it
        persons += [e for e in ents if e.label_ != "PERSON" and len(e) >= 3 and any(
            len(t.text) == 2 and t.text[0].isupper() and t.text[1] == "." for t in e[1:-1])]
        self._persons = {t.text for e in persons for t in e if _cap(t)} | {e.text for e in persons}
        self._person_tokens = {t.text for e in persons if len(e) > 1 for t in e if _cap(t)}
        self._person_starts = {e.start for e in persons}
        self._speakers = self._lone_person_names(doc, ents)
        self._place_tokens = {k for e in ents if e.label_ in ("GPE", "LOC") for k in range(e.start, e.end)}
        self._in_org: set[int] = set()
        self._in_actor: set[int] = set()
        for ent in ents:
            if any(taken[k] for k in range(ent.start, ent.end)):
                continue
            span = ent
            if span[0].lower_ == "the" and len(span) > 1:
                span = span[1:]
            text = span.text
            if ent.label_ in NAME_LABELS and self._place_frame(span) == "settlement" \
                    and all(t.is_title or t.lower_ in _CONNECT or t.text == "-" for t in span) \
                    and norm(text) not in self.actor_names and text not in self._person_tokens:
                # "the town of Maarat al-Numan", "al-Shafaa village", whatever the tagger called it (a name
                # the gazetteer lacks is left out: an unresolved place costs more than it gives)
                cands = [c for c in self._places_for(text, fuzzy=False) if c["_kind"] == "name"]
                if cands:
                    take(span, Mention(span.start_char, span.end_char, text, "ner", ent.label_, cands=cands))
                    continue
            if ent.label_ in PLACE_LABELS:
                if len(span) == 1 and span[0].lower_ in _DIRECTIONS and span.end < len(doc) and _cap(doc[span.end]):
                    taken[span.start] = True  # "Northeast Georgia": a modifier of the next name, the place
                    continue
                if span[-1].lower_ in self.streets and len(span) > 1:
                    for k in range(ent.start, ent.end):
                        taken[k] = True  # a street ("West Broad Street"), not the town in its name
                    continue
                cands = self._places_for(text, fuzzy=False)
                if not cands and text.endswith("'s"):
                    span = span[:-1]
                    cands = self._places_for(span.text, fuzzy=False)
                inner = False
                if not cands and len(span) > 1:
                    # "Saada province" -> "Saada" before any fuzzy guess ("Salta province")
                    sub, sub_cands = self._inner(span)
                    if sub_cands:
                        span, cands, inner = sub, sub_cands, True
                if not cands:
                    cands = self._places_for(span.text, fuzzy=True)
                if cands and len(span) == 1 and self._context_says_not_place(span, cands, ner=not inner):
                    for k in range(ent.start, ent.end):
                        taken[k] = True
                    continue
                if not cands and not self._unresolved_is_place(span) and self._place_frame(span) != "settlement":
                    for k in range(ent.start, ent.end):
                        taken[k] = True
                    continue
                kind = "demonym" if cands and all(c["_kind"] == "demonym" for c in cands) else "toponym"
                take(span, Mention(span.start_char, span.end_char, span.text, "ner", ent.label_, kind, cands=cands))
                continue
            if ent.label_ == "NORP":
                cands = [c for c in self._places_for(text, fuzzy=False) if c["_kind"] == "demonym"]
                if cands:
                    take(span, Mention(span.start_char, span.end_char, span.text, "ner", ent.label_, "demonym",
                                       cands=cands))
                    continue
            if ent.label_ in ("ORG", "PERSON", "NORP"):
                # a name the tagger calls a person or a body is a place only by that place's own name, not
                # another of its names ("Hamid" is an old name of Isparta, "Hamas" one of Hamm)
                cands = self._own_names(text, [c for c in self._places_for(text, fuzzy=False) if c["_kind"] == "name"])
                strong = [c for c in cands if c.get("feature_code") in ("PCLI", "ADM1")
                          or (c.get("population") or 0) >= (20_000 if ent.label_ != "NORP" else 200_000)
                          or c.get("source") == "supplement" or _ARTICLE_PREFIX.match(span[0].text)]
                frame = self._place_frame(span)
                if not strong and cands and frame:
                    strong = cands  # "the town of Maarat al-Numan", "in Maarat al-Numan": a place, however small
                if (strong and (ent.label_ == "ORG" or len(span) == 1 or frame)
                        and span.text not in self._person_tokens
                        and norm(span.text) not in self.actor_names
                        and not self._context_says_not_place(span, cands, ner=True)):
                    take(span, Mention(span.start_char, span.end_char, span.text, "ner", ent.label_, cands=cands,
                                       ))
                    continue
            if ent.label_ in NAME_LABELS and norm(text) in self.actor_names:
                # a known actor's name holds no place ("Rapid Support Forces", "Hamas"), but the country or
                # province it belongs to ("U.S. Senate")
                self._in_actor.update(range(ent.start, ent.end))
                self._in_org.update(range(ent.start, ent.end))
                continue
            if ent.label_ not in ("ORG", "FAC", "WORK_OF_ART", "EVENT", "PRODUCT"):
                # a person's, a date's or a number's words are not scanned for places; an
                # organisation's are ("University of Kentucky"), for notable places only
                for k in range(ent.start, ent.end):
                    taken[k] = True
            else:
                for k in range(ent.start, ent.end):
                    self._in_org.add(k)
        mentions += self._gazetteer_scan(doc, taken)
        # a town named only inside organisations' names ("Columbia University", "Templeton Construction",
        # "Chelsea announced") is the organisation's; named once on its own, it is the place throughout
        # inside a name, a word that is not its lead ("National Unity Government") names no place, and a lead
        # word only a notable one ("Kaduna State Government", "Kabul University")
        confirmed = {norm(m.text) for m in mentions if not m.weak}
        mentions = [m for m in mentions if not m.weak or norm(m.text) in confirmed
                    or any(c.get("feature_code") in ("PCLI", "CONT") for c in m.cands)
                    or m.lead and any(c.get("feature_code") in ("ADM1", "ADM2", "PPLC")
                                      or (c.get("population") or 0) >= WEAK_MIN_POP for c in m.cands)]
        mentions.sort(key=lambda m: m.start)
        self._unit_lists(full_text, mentions)
        # "X countryside/province": the admin unit
        for m in mentions:
            nxt = doc.char_span(m.end + 1, m.end + 1 + 24, alignment_mode="expand") if m.end + 1 < len(full_text) else None
            before = full_text[max(0, m.start - 20):m.start].lower().split()
            admin_frame = (nxt is not None and len(nxt) and full_text[m.end:m.end + 1] == " " and (
                nxt[0].lower_ in ADMIN_SUFFIXES or (len(nxt) > 1 and nxt[0].lower_ in _DIRECTIONS
                                                    and nxt[1].lower_ in ADMIN_SUFFIXES)))
            # "the eastern countryside of Deir Ezzor", "the province of Idlib"
            admin_frame = admin_frame or (len(before) >= 2 and before[-1] == "of" and before[-2] in ADMIN_SUFFIXES)
            if admin_frame:
                admin = [c for c in m.cands if c.get("feature_code") in ("ADM1", "ADM2")]
                if admin:
                    m.cands, m.admin_only = admin, True
            after = full_text[m.end:m.end + 8].lower()
            if len(before) >= 2 and before[-1] == "of" and before[-2] in ("town", "village", "city"):
                # "the town of Deir al-Balah": the town, or the unit of its name when the gazetteer has no town
                m.cands = [c for c in m.cands if (c.get("feature_code") or "PPL").startswith("PPL")] or m.cands
            elif (re.match(r" (?:city|town)\b", after) and not re.match(r" (?:city|town) of\b", full_text[m.end:m.end + 12])
                  or re.search(r"\s(?:city|town)$", m.text.lower())):  # not "the Hunan city of Yueyang"
                towns = [c for c in m.cands if (c.get("feature_code") or "PPL").startswith("PPL")]
                if towns:
                    m.cands = towns  # "Kandahar city": the city, not the province of its name
        return sorted(mentions, key=lambda m: m.start)

    def _unit_lists(self, full_text: str, mentions: list[Mention]) -> None:
        """Names listed before a plural unit word are units of that kind: "Douglas, Sarpy and Lancaster
        counties", "Becker, Clay, Douglas, Grant ... and Wilkin counties" name counties, not towns (the
        list runs back over capitalised words, commas and conjunctions, known names or not)."""
        for plural in _PLURAL_UNIT.finditer(full_text):
            unit = _UNIT_SINGULAR[plural.group(1).lower()]
            end = plural.start()
            toks = list(_LIST_TOKEN.finditer(full_text, max(0, end - 300), end))
            begin = end
            for t in reversed(toks):
                if full_text[t.end():begin].strip():
                    break  # something else between: the list ends here
                w = t.group(0)
                if not (w[:1].isupper() or w.lower() in ("and", "or", "&", ",")) or w.endswith(("'s", "’s")):
                    break  # "China's Hunan and Hubei provinces": the possessive holds the list
                begin = t.start()
            if not re.search(r",|&|\b(?:and|or)\b", full_text[begin:end]):
                continue  # one name is no list: "Indiana counties", "the metro Athens counties" are in it
            inside = [m for m in mentions if begin <= m.start and m.end <= end and m.kind != "demonym"]
            for m in inside:
                named = [c for c in self._places_for(f"{m.text} {unit}", fuzzy=False, by_key=False)
                         if c.get("feature_code") in ("ADM1", "ADM2")]
                named = named or [c for c in m.cands if c.get("feature_code") in ("ADM1", "ADM2")]
                if named:
                    m.cands, m.admin_only = named, True

    # ------------------------------------------------------------------ resolution
    def _resolve(self, doc: Doc, mentions: list[Mention]) -> None:
        full_text = doc_text(doc)
        """Pick each mention's candidate: prior + country evidence + spatial coherence.

        Names in one story refer to places near each other (a local paper's "Athens"
        and "Henderson County" are both in Texas), and a state named in the text
        holds the towns in it. Each distinct name's candidates get a probability;
        a few rounds let every name's likely readings support close readings of the
        others, weighted down for names with many readings.
        """
        outlet = (meta(doc).get("outlet") or {}).get("country")
        base_countries: Counter = Counter()
        for m in mentions:  # unambiguous evidence: single-country mentions, the dateline
            if m.cands and len({c.get("country") for c in m.cands}) == 1 and (
                    m.source == "dateline" or not all(c.get("_loose") for c in m.cands)):
                base_countries[m.cands[0].get("country")] += 2.0 if m.source == "dateline" else 1.0
        # weaker evidence for the filter below: every exact name shares its weight among its countries
        named: Counter = Counter()
        own: dict[int, Counter] = {}
        for m in mentions:
            if m.cands and (m.source == "dateline" or not all(c.get("_loose") for c in m.cands)):
                ccs = {c.get("country") for c in m.cands}
                own[id(m)] = Counter({cc: 1.0 / len(ccs) for cc in ccs})
                named.update(own[id(m)])
        if outlet and len(outlet) == 3:
            base_countries[outlet] += 1.0
        if named:
            # a name known only by a loose spelling match (transliteration key, fuzzy) must fall in a
            # country the story is about: "al-Shafaa" in a Deir Ezzor story is not Ash Shafa in Saudi
            # Arabia, "Saada province" not Salta; nor is a village abroad that shares its name with
            # one the gazetteer lacks ("the town of Sangha" in a Mali story is not Sangha, Congo).
            # Such a name stays a place without coordinates.
            for m in mentions:
                if not m.cands or m.source == "dateline":
                    continue
                loose = all(c.get("_loose") for c in m.cands)
                small = all((c.get("feature_code") or "PPL").startswith("PPL") and c.get("feature_code") != "PPLC"
                            and (c.get("population") or 0) < 10_000 for c in m.cands)
                others = named - own.get(id(m), Counter())
                # a small place abroad is dropped only against a story clearly set elsewhere (two names)
                if (loose and others) or (small and sum(others.values()) >= 2.0):
                    # a fuzzy guess needs a country another name settles; a transliteration one less
                    m.cands = [c for c in m.cands
                               if others.get(c.get("country"), 0) >= (0.99 if c.get("_fuzzy") else 1e-9)]
        # "Town, State" pairs: the second name constrains the first
        pair_ctx: dict[int, tuple[set, set]] = {}
        for k in range(len(mentions) - 1):
            a, b = mentions[k], mentions[k + 1]
            gap = full_text[a.end:b.start]
            if gap.strip() == "," and len(gap) <= 3:
                units = [c for c in b.cands if c.get("feature_code") in ("ADM1", "PCLI", "ADM2")]
                if units:
                    ctx = ({c["geonameid"] for c in units if c["feature_code"] != "PCLI"},
                           {c.get("country") for c in units})
                    pair_ctx[id(a)] = ctx
                    # "Nashville and Cordova, Tennessee": the state holds both towns
                    j = k
                    while j > 0 and re.fullmatch(r"\s+(?:and|or|&)\s+", full_text[mentions[j - 1].end:mentions[j].start]):
                        j -= 1
                        pair_ctx.setdefault(id(mentions[j]), ctx)
        # "the Lebanese port of Tripoli", "Lebanon's Tripoli": the country the text gives a name
        for k in range(1, len(mentions)):
            p, m = mentions[k - 1], mentions[k]
            if id(m) in pair_ctx or not p.cands or len({c.get("country") for c in p.cands}) != 1:
                continue
            gap = full_text[p.end:m.start]
            if (p.kind == "demonym" and _OF_FRAME.fullmatch(gap)) or (
                    all(c.get("feature_code") == "PCLI" for c in p.cands) and re.fullmatch(r"['’]s\s+", gap)):
                pair_ctx[id(m)] = (set(), {p.cands[0].get("country")})
        # "DeKalb" in a story that names "DeKalb County" may be the county: the short form gets its readings
        full: dict[str, list[dict]] = defaultdict(list)
        for m in mentions:
            words = m.text.split()
            if len(words) > 1 and words[-1].lower() in ("county", "parish"):
                full[norm(" ".join(words[:-1]))] += [c for c in m.cands if c.get("feature_code") == "ADM2"]
        for m in mentions:
            extra = full.get(norm(m.text))
            if extra and m.kind == "toponym":
                have = {c["geonameid"] for c in m.cands}
                m.cands = m.cands + [c for c in extra if c["geonameid"] not in have]
        fixed_to: dict[str, set] = {}
        for m in mentions:
            # "Atlanta, Georgia": a town the text puts in a province is one of that province's towns
            # (unless the name is itself a province of that country: "Washington, Oregon" lists states)
            if id(m) in pair_ctx:
                units, ccs = pair_ctx[id(m)]
                if units:
                    inside = [c for c in m.cands if c.get("admin1_gid") in units or c["geonameid"] in units]
                    sibling = any(c.get("feature_code") in ("ADM1", "PCLI") and c.get("country") in ccs
                                  for c in m.cands)
                else:  # "Queensland, Australia", but not the list "Lebanon, Syria"
                    inside = [c for c in m.cands if c.get("country") in ccs]
                    sibling = any(c.get("feature_code") == "PCLI" for c in m.cands)
                if inside and not sibling:
                    m.cands = inside
                    fixed_to[norm(m.text)] = {c["geonameid"] for c in inside}
        # one name, one place: the later bare "Tripoli" is the one the text placed before
        for m in mentions:
            keep = fixed_to.get(norm(m.text))
            if keep and id(m) not in pair_ctx:
                m.cands = [c for c in m.cands if c["geonameid"] in keep] or m.cands
        live = [m for m in mentions if m.cands]
        if not live:
            return
        adm1_of = {id(m): [c for c in m.cands if c.get("feature_code") == "ADM1" and c.get("lat") is not None]
                   for m in live if not any(c.get("feature_code") == "PCLI" for c in m.cands)}

        # a place called so only by another of its names ("Philadelphia", an old name of Amman) yields to
        # one called so by its own; not a country ("Palestine" for the Palestinian Territory)
        primary = {id(m) for m in live if any(not c.get("_alt") for c in m.cands)}

        def other_name(m: Mention, c: dict) -> bool:
            return bool(c.get("_alt")) and id(m) in primary and c.get("feature_code") != "PCLI"

        def fixed(m: Mention, c: dict) -> float:
            s = _prior(c) * c["_match"]
            if other_name(m, c):
                s *= _OTHER_NAME
            if id(m) in pair_ctx:
                units, ccs = pair_ctx[id(m)]
                if c.get("admin1_gid") in units or c["geonameid"] in units:
                    s += 1.5
                elif c.get("country") in ccs:
                    s += 0.6
            if m.admin_only and c.get("feature_code") == "ADM1":
                s += 0.2
            elif not m.admin_only and (c.get("feature_code") or "PPL").startswith("PPL") \
                    and (c.get("population") or 0) >= 10_000 and any(
                    a.get("country") == c.get("country") and abs(a["lat"] - c["lat"]) + abs(a["lon"] - c["lon"]) < 0.6
                    for a in adm1_of.get(id(m), ())):
                s += 0.5  # "Kandahar", "Khan Yunis": the city, not the province named after it
            if "county" in m.text.lower() and c.get("feature_code") == "ADM2":
                s += 0.5
            return s

        # one row per (mention, candidate); mentions of one name share their evidence group
        rows: list[tuple[int, int, dict]] = []
        group_of: dict[str, int] = {}
        for mi, m in enumerate(live):
            g = group_of.setdefault(m.text.lower(), len(group_of))
            ranked = sorted(m.cands, key=lambda c: -fixed(m, c))[:40]
            m.cands = ranked
            rows += [(mi, g, c) for c in ranked]
        n_groups = len(group_of)
        cands = [c for _, _, c in rows]
        mi_of = np.array([r[0] for r in rows])
        g_of = np.array([r[1] for r in rows])
        base = np.array([fixed(live[r[0]], r[2]) for r in rows])
        rel = _relation(cands)
        # names listed together are of one kind: "Montana and Wyoming" are two states of one country
        listed = np.zeros((len(live), len(live)), dtype=bool)
        for a in range(len(live) - 1):
            if _LIST_GAP.fullmatch(full_text[live[a].end:live[a + 1].start]):
                listed[a, a + 1] = listed[a + 1, a] = True
        if listed.any():
            adm1_row = np.array([c.get("feature_code") == "ADM1" for c in cands])
            ctry = np.array([str(c.get("country")) for c in cands])
            sib = listed[mi_of[:, None], mi_of[None, :]] & adm1_row[:, None] & adm1_row[None, :] \
                & (ctry[:, None] == ctry[None, :])
            rel[sib] = 1.0
        rel[g_of[:, None] == g_of[None, :]] = 0.0  # a name does not support itself
        # a name with many readings ("Washington") is weak evidence for any one of them
        n_read = np.bincount(mi_of, minlength=len(live)).astype(float)
        weight = 1.0 / (1.0 + 0.5 * np.log(n_read[mi_of]))
        demonym = np.array([live[r[0]].kind == "demonym" for r in rows])
        weight[demonym] = 0.0
        cc = [c.get("country") for c in cands]
        fame = np.array([_fame(c) * c["_match"] for c in cands])
        # the fame a name's reading abroad loses is the same for all its readings in one country, so
        # that Washington, D.C. keeps its rank over Washington State however foreign the story
        top: dict[tuple[int, str], float] = {}
        for i, c in enumerate(cc):
            top[(mi_of[i], c)] = max(top.get((mi_of[i], c), 0.0), fame[i])
        fame = np.array([top[(mi_of[i], c)] for i, c in enumerate(cc)])
        alt_row = np.array([other_name(live[mi_of[i]], c) for i, c in enumerate(cands)])
        idx_of = [np.flatnonzero(mi_of == mi) for mi in range(len(live))]
        dateline_g = {group_of[m.text.lower()] for m in live if m.source == "dateline"}
        score = base.copy()
        q = np.zeros(len(rows))
        prob = np.zeros(len(rows))
        for _round in range(3):
            # each name's readings: their probabilities, and how plausible each is beside the name's best
            for idx in idx_of:
                rel_score = score[idx] - score[idx].max()
                z = np.exp(rel_score / self.temperature)
                prob[idx] = z / z.sum()
                q[idx] = np.exp(rel_score / self.plausible)
            # spatial support: for each other name, its best-supporting plausible reading. Counting every
            # plausible reading, not only the likely one, lets two ambiguous names settle each other:
            # "Lebanon" and "Boone County" are both in Indiana, though neither alone says so
            contrib = rel * (q * weight)[None, :]
            per_group = np.zeros((len(rows), n_groups))
            np.maximum.at(per_group.T, g_of, contrib.T)
            support = per_group.sum(axis=1)
            # country evidence: the probability mass of other names in each country
            mass: Counter = Counter(base_countries)
            seen_g: dict[int, Counter] = defaultdict(Counter)
            # where the story is set: the countries of its towns and provinces (a country it names may
            # be only its topic: "the U.S." in a story from Gaza)
            setting_m: dict[int, Counter] = defaultdict(Counter)
            for i, c in enumerate(cc):
                seen_g[g_of[i]][c] = max(seen_g[g_of[i]][c], prob[i] * (0.5 if demonym[i] else 1.0))
                if not demonym[i] and cands[i].get("feature_code") not in ("PCLI", "CONT", "RGN"):
                    setting_m[mi_of[i]][c] += prob[i]  # "Henry County": ten counties, all in the US
            setting_g: dict[int, Counter] = defaultdict(Counter)
            for mi, cnt in setting_m.items():
                g = g_of[idx_of[mi][0]]
                for c, w in cnt.items():
                    setting_g[g][c] = max(setting_g[g][c], w)
            for cnt in seen_g.values():
                mass.update(cnt)
            setting: Counter = Counter()
            for cnt in setting_g.values():
                setting.update(cnt)
            total = sum(setting.values())
            own_total = {g: sum(cnt.values()) for g, cnt in setting_g.items()}
            share = np.zeros(len(rows))
            conf = np.zeros(len(rows))
            for i, c in enumerate(cc):
                m_c = mass.get(c, 0.0) - seen_g[g_of[i]][c]
                score[i] = (base[i] + self.w_country * min(m_c, 3.0) / 3.0 + (0.1 if m_c > 0.3 else 0.0)
                            + self.w_spatial * min(support[i], 3.0))
                others = total - own_total.get(g_of[i], 0.0)
                if others > 1e-6:
                    share[i] = (setting[c] - setting_g[g_of[i]][c]) / others
                    conf[i] = min(1.0, others)
            # a capital's or a country's fame is what a reader assumes without context; a story set in
            # another country that has a town of that name takes the fame away ("Paris" in a story about
            # Dallas is Paris, Texas), in proportion to how clearly the story is set there
            for mi, idx in enumerate(idx_of):
                if group_of[live[mi].text.lower()] in dateline_g:
                    continue  # a dateline names a place its readers know: "OTTAWA -" is Canada's capital
                score[idx] -= self.w_fame * fame[idx] * np.maximum(0.0, share[idx].max() - share[idx]) * conf[idx]
            score[alt_row] *= _OTHER_NAME  # its prior yielded above; the context it gathers yields too
        for mi, m in enumerate(live):
            idx = idx_of[mi]
            order = sorted(idx, key=lambda i: (-score[i], -(cands[i].get("population") or 0), cands[i]["geonameid"]))
            best = order[0]
            m.best = cands[best]
            if len(order) > 1:
                margin = score[best] - score[order[1]]
                m.score = max(0.05, min(1.0, cands[best]["_match"] * (0.6 + margin)))
            else:
                m.score = max(0.05, min(1.0, cands[best]["_match"] * 0.95))

    # ------------------------------------------------------------------ context of unresolved names
    @staticmethod
    def _held_by(full_text: str, mentions: list[Mention]) -> dict[int, dict]:
        """What the text says about places the gazetteer lacks: the country and province of the place
        that holds them.

        One rule: a name followed by a place that holds it ("al-Shafaa, Syria", "X village in the
        eastern countryside of Deir Ezzor", "X in central Mali", "X, near the town of Sangha", "X in Mopti
        region") or preceded by one in the possessive ("Syria's X") lies in that place's country and,
        below country level, its province. A bare comma counts only before a country or an
        administrative unit (a list "X, Aleppo and Hama" names siblings); "near"/"outside"/"N km north
        of" count only before a town or province (a place near a country may lie across its border).
        Nothing else is invented: no point, no GeoNames id. Returns id(mention) -> place fields.
        """
        out: dict[int, dict] = {}

        def info(c: Mention) -> tuple[str | None, str | None, bool] | None:
            if c.kind == "demonym":
                return None
            if c.best is not None:
                fc = c.best.get("feature_code") or "PPL"
                return c.best.get("country"), (c.best.get("admin1") if fc != "PCLI" else None), fc in _UNIT_CODES
            got = out.get(id(c))
            return (got["country"], got["admin1"], False) if got else None

        for i in range(len(mentions) - 1, -1, -1):  # right to left: "X, near Y in Mopti region"
            m = mentions[i]
            if m.best is not None or m.kind == "demonym":
                continue
            held = None
            if i + 1 < len(mentions):
                c = mentions[i + 1]
                gap = _HELD_BY.match(full_text[m.end:c.start]) if c.start - m.end <= 80 else None
                got = info(c) if gap and (gap.group("prep") or "," in gap.group(0)) else None
                if got and got[0]:
                    country, admin1, unit = got
                    bare = not gap.group("prep") and "," in gap.group(0) and not re.search(
                        r"[a-z]", gap.group(0).split(",")[-1], re.I)
                    # "Hroza, Kupiansk district", "Pazigyi Village, Kanbalu Township": named as a unit
                    unit = unit or _UNIT_AFTER.match(full_text, c.end) is not None or bool(
                        re.search(rf"\s{_UNIT_WORDS}$|\s(?:township|oblast|prefecture)$", c.text, re.I))
                    near = bool(gap.group("prep")) and not gap.group("prep").lower().startswith("in")
                    if (not bare or unit) and not (near and admin1 is None):
                        held = (country, admin1)
            if held is None and i > 0:
                p = mentions[i - 1]
                got = info(p)
                if got and got[0] and got[2] and re.fullmatch(r"['’]s\s+(?:the\s+)?", full_text[p.end:m.start]):
                    held = got[:2]  # "Syria's al-Shafaa", "Mopti region's"
            if held:
                out[id(m)] = {"country": held[0], "admin1": held[1],
                              "precision": "province" if held[1] else "country"}
        # one name in one story is one place: a later bare "al-Shafaa" is the "al-Shafaa, Syria" above
        by_name = {norm(m.text): out[id(m)] for m in mentions if id(m) in out}
        for m in mentions:
            if m.best is None and m.kind != "demonym" and id(m) not in out and norm(m.text) in by_name:
                out[id(m)] = by_name[norm(m.text)]
        return out

    # ------------------------------------------------------------------ component
    def __call__(self, doc: Doc) -> Doc:
        # a failure reaches spaCy's error handler: the article becomes an error record naming the layer
        mentions = self._mentions(doc)
        self._resolve(doc, mentions)
        held = self._held_by(doc_text(doc), mentions)
        spans = []
        for m in mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                continue
            if m.source == "gazetteer" and (m.best is None or m.score < self.min_score):
                continue  # found only through the gazetteer, and none of its readings fits the story
            b = m.best
            if b is None:
                # a name the gazetteer lacks keeps what the text says of it (country, province), no point
                ctx = held.get(id(m)) or {}
                info = {"geonameid": None, "name": None, "lat": None, "lon": None, "country": ctx.get("country"),
                        "admin1": ctx.get("admin1"), "feature_code": None, "precision": ctx.get("precision"),
                        "kind": m.kind, "score": 0.0}
            else:
                gid = b["geonameid"]
                info = {"geonameid": gid if gid and gid > 0 else None, "name": b["name"], "lat": b["lat"],
                        "lon": b["lon"], "country": b.get("country"), "admin1": b.get("admin1"),
                        "feature_code": b.get("feature_code"), "precision": precision_of(b),
                        "kind": m.kind, "score": round(m.score, 3)}
            span._.ew_place = info
            spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc

    # ------------------------------------------------------------------ serialisation
    def to_disk(self, path: str | Path, exclude: tuple = ()) -> None:
        """Save the supplement and the gazetteer's identity (not the big index, which lives in the cache)."""
        import srsly

        from eventwire.gazetteer.builder import supplement_rows, write_supplement

        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        write_supplement(supplement_rows(), path / "supplement.csv")
        srsly.write_json(path / "gazetteer.json", {"build_id": self.gaz.build_id, **self.gaz.meta,
                                                   "fuzzy_threshold": self.fuzzy_threshold,
                                                   "min_score": self.min_score})

    def from_disk(self, path: str | Path, exclude: tuple = ()) -> PlacesComponent:
        import srsly

        path = ensure_path(path)
        info_path = path / "gazetteer.json"
        if not info_path.is_file():
            raise ValueError(f"eventwire_places: no gazetteer.json in {path}")
        info = srsly.read_json(info_path)
        if info.get("build_id") != self.gaz.build_id:
            raise ValueError(f"eventwire_places: the pipeline at {path} was saved with gazetteer build "
                             f"{info.get('build_id')}, but this installation compiles {self.gaz.build_id}: "
                             f"the source packages or the supplement differ")
        return self


@Language.factory(
    "eventwire_places",
    default_config={"cache_dir": None, "fuzzy_threshold": 88.0, "min_score": 0.2, "spans_key": "places"},
    assigns=["doc.spans"],
    # token.pos is read, but en_core_web_sm sets it in its attribute_ruler from token.tag without
    # declaring it: token.tag is what makes it there, so analyze_pipes can check the order
    requires=["doc.ents", "token.tag"],
)
def make_places(nlp: Language, name: str, cache_dir: str | None, fuzzy_threshold: float, min_score: float,
                spans_key: str) -> PlacesComponent:
    return PlacesComponent(nlp, name, cache_dir=cache_dir, fuzzy_threshold=fuzzy_threshold,
                           min_score=min_score, spans_key=spans_key)
