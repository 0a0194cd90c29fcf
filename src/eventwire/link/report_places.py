"""Place evidence of a report: the event's place, the article's fine places, unresolved names.

What `reports` reads from a document's places (fine places with their mentions, the
dateline's town, provinces, toponyms the gazetteer lacks, folded as it folds names) and
the test two reports' places must pass to be one place (`places_compatible`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from eventwire.gazetteer.normalise import key

if TYPE_CHECKING:
    from eventwire.link.reports import Report


# Place radius in km by precision: two places closer than the larger radius are "the same place".
RADIUS_KM: dict[str, float] = {
    "point": 2.0, "village": 4.0, "town": 8.0, "city": 20.0, "district": 40.0,
}


COARSE = frozenset({"province", "country", "region"})


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
