"""Mentions and their candidate places: gazetteer look-ups and the prior a reader gives a reading.

`PlaceFinder` turns a surface string into candidate readings (GeoNames rows plus how
they matched); it holds only the shared, read-only gazetteer and lexicon, so one finder
serves every document and thread.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from eventwire.analysis.places.lexicon import PlacesLexicon
from eventwire.gazetteer.index import Gazetteer
from eventwire.gazetteer.normalise import key

# the share of its score a reading keeps when the text names it only by another of its names
OTHER_NAME = 0.6
_ABBREV_WORDS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort", "pt": "point"}


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


def cap(t) -> bool:
    """A capitalised word, including "McKinney" and "DeKalb" (str.istitle() says no to those)."""
    return t.text[:1].isupper() and any(ch.islower() for ch in t.text)


@lru_cache(maxsize=65536)
def name_words(name: str) -> tuple[str, ...]:
    """The transliteration-folded words of a name, "St."/"Mt." spelt out."""
    return tuple(_ABBREV_WORDS.get(w, w) for w in key(name).split())


@lru_cache(maxsize=65536)
def other_name(words: tuple[str, ...], name: str) -> bool:
    """Whether a surface (its `name_words`) names a place only by another of its names: "Philadelphia"
    for Amman, "Iraq" for Arak, but not "New York" for New York City nor "Normandy" for Normandie."""
    own = name_words(name)
    if set(words) <= set(own):
        return False
    return SequenceMatcher(None, " ".join(words), " ".join(own)).ratio() < 0.8


def fame(p: dict) -> float:
    """What a country, a capital or a province gains over a town of its size when a name is read alone."""
    fc = p.get("feature_code") or "PPL"
    pop = p.get("population") or 0
    bonus = {"PCLI": 0.55, "CONT": 0.45, "ADM1": 0.35, "PPLC": 0.6, "LCTY": 0.3}.get(fc, 0.0)
    if fc in ("PCLI", "ADM1", "PPLC") and pop:
        # the rank a reader gives a capital or a province grows with its size: Douglas, the Isle of
        # Man's capital of 26,000, is not what "Douglas" brings to mind the way Paris is "Paris"
        bonus *= min(1.0, max(0.25, (math.log10(pop) - 4.0) / 2.0))
    return bonus


def prior(p: dict) -> float:
    """Feature class and population: what a reader assumes without context."""
    pop = p.get("population") or 0
    return math.log10(pop + 10) / 6.0 + fame(p) + (0.3 if p.get("source") == "supplement" else 0.0)


def notable(cands: list[dict]) -> bool:
    """A country, a province or a capital: a name that still reads as the place after another name."""
    return any((c.get("feature_code") or "").startswith(("PCL", "ADM1", "PPLA", "PPLC")) for c in cands)


def own_names(surface: str, cands: list[dict]) -> list[dict]:
    """Inside a longer name, a place is named by its own name or an abbreviation of it ("S.C.",
    "Phila."), not by another of its names ("Hamid", an old name of Isparta)."""
    if "." in surface or surface.isupper():
        return cands
    return [c for c in cands if not c.get("_alt")]


def strong(cands: list[dict]) -> bool:
    """A place notable enough to be named inside another name or beside a person's."""
    return any(c.get("feature_code") in ("PCLI", "ADM1", "PPLC", "CONT") or (c.get("population") or 0) >= 100_000
               for c in cands)


class PlaceFinder:
    """Candidate readings of a surface string; shared by all documents (no per-document state)."""

    def __init__(self, lex: PlacesLexicon, gaz: Callable[[], Gazetteer], fuzzy_threshold: float):
        self.lex = lex
        self._gaz = gaz
        self.fuzzy_threshold = fuzzy_threshold
        # news repeats its names: each surface is read once per gazetteer (readings are never
        # changed in place)
        self._readings = lru_cache(maxsize=50_000)(self._read)
        self._read_from: Gazetteer | None = None

    def __call__(self, surface: str, fuzzy: bool, by_key: bool = True) -> list[dict]:
        """Readings of `surface`: exact names first (`by_key` also lets a transliteration key match),
        then, with `fuzzy`, notable places of a close spelling."""
        gaz = self._gaz()
        if gaz is not self._read_from:  # a pipeline loaded from disk brings its own gazetteer
            self._readings.cache_clear()
            self._read_from = gaz
        return list(self._readings(surface, fuzzy, by_key))

    def _read(self, surface: str, fuzzy: bool, by_key: bool) -> tuple[dict, ...]:
        lex = self.lex
        if surface.lower().rstrip(".") in lex.skip:  # "Nov." as "Nov"
            return ()
        if surface.lower() in lex.unit_words or surface.lower() in lex.modifiers or lex.article_prefix.match(surface):
            return ()  # "Pazigyi Village", "Metro Vancouver", "Al-Ahli": a type word or a qualifier is no name
        gaz = self._gaz()
        hits = gaz.lookup(surface)
        if not by_key:
            hits = tuple(h for h in hits if not h[2])
        out = []
        one_word = len(surface.split()) == 1
        words = name_words(surface)
        for gid, kind, keyed in hits:
            p = gaz.place(gid)
            if p and p.get("feature_code") == "ADM2" and one_word and len(p["name"].split()) > 1:
                continue  # "Brown" is a surname far more often than Brown County
            if p and p.get("lat") is not None:
                # matched only through another name of the place ("Philadelphia", an old name of Amman)
                alt = kind == "name" and other_name(words, p["name"])
                out.append({**p, "_kind": kind, "_match": 0.92 if keyed else 1.0, "_loose": keyed, "_alt": alt})
        if not out and fuzzy and len(surface) >= 6:
            for gid, sim in gaz.fuzzy(surface, self.fuzzy_threshold):
                p = gaz.place(gid)
                if p and p.get("lat") is not None:
                    out.append({**p, "_kind": "name", "_match": sim / 100.0 * 0.9, "_loose": True, "_fuzzy": True})
        return tuple(out)
