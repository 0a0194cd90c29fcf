"""The places layer's words and the name lists it checks against, built from package data.

Everything the layer knows about English place-name usage lives in data files
(`lexicons/place_words.yaml`, `places_context_words.csv`, `places_stopwords.csv`,
the times layer's month and weekday abbreviations, the actor and outlet registries),
and reaches the component through the registered loader `eventwire.places_lexicon.v1`,
so the pipeline config names the data, never a path.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import spacy

from eventwire.data import read_csv, read_yaml
from eventwire.gazetteer.normalise import norm

WORDS = "lexicons/place_words.yaml"


def _alt(words: list[str]) -> str:
    """A regex alternation of `words` in their order; the words of a multi-word value match across any space."""
    return "|".join(r"\s+".join(re.escape(p) for p in w.split()) for w in words)


def actor_names() -> frozenset[str]:
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


@dataclass(frozen=True)
class PlacesLexicon:
    """Word sets and the patterns built from them; read-only, shared by every document."""

    skip: frozenset[str]
    titles: frozenset[str]
    streets: frozenset[str]
    features: frozenset[str]
    settlements: frozenset[str]
    locatives: frozenset[str]
    speech: frozenset[str]
    modifiers: frozenset[str]
    unit_words: frozenset[str]
    connect: frozenset[str]
    directions: frozenset[str]
    admin_suffixes: frozenset[str]
    actor_names: frozenset[str]
    unit_singular: dict[str, str]
    article_prefix: re.Pattern
    unit_words_rx: str
    held_by: re.Pattern
    unit_after: re.Pattern
    plural_unit: re.Pattern
    of_frame: re.Pattern


def _held_by(sec: dict[str, list[str]], dirs: str, units: str) -> re.Pattern:
    """The words between a place the gazetteer lacks and a later place that holds it: "X, Syria",
    "X village in the eastern countryside of Deir Ezzor", "X in central Mali", "X, near the town of Y"."""
    return re.compile(
        rf"^(?:\s+(?:{_alt(sec['settlement_types'])})(?=\s*,))?"
        rf"(?:\s*,)?\s*(?:(?:{_alt(sec['place_types'])})\s+)?"
        rf"(?:(?P<prep>in|inside|near|outside|close\s+to|(?:\d[\d.,]*\s*(?:km|kilomet(?:re|er)s?|miles?)\s+)?"
        rf"(?:{dirs})\s+of)\s+)?"
        rf"(?:the\s+)?(?:(?:{_alt(sec['container_types'])})\s+of\s+)?"
        rf"(?:(?:{dirs})\s+)?(?:{units}\s+of\s+)?$", re.I)


def build_lexicon() -> PlacesLexicon:
    """Read the layer's data files into one `PlacesLexicon`."""
    sec = {k: v["values"] for k, v in read_yaml(WORDS).items()}
    skip = {r["word"].lower() for r in read_csv("places_stopwords.csv")}
    # month and weekday abbreviations ("Nov.", "Wed.") are never places: the times layer's list
    times = read_yaml("lexicons/time_expressions.yaml")
    skip |= {k.rstrip(".") for s in ("months", "weekdays") for k in times[s]["values"] if k.endswith(".")}
    words: dict[str, set[str]] = defaultdict(set)
    for r in read_csv("places_context_words.csv"):
        words[r["role"]].add(r["word"].lower())
    admin_suffixes = frozenset(sec["admin_suffixes"])
    units = f"(?:{_alt(sec['unit_words'])})"
    dirs = f"(?:{_alt(sec['compass_points'])})(?:ern)?|{_alt(sec['position_words'])}"
    singular = dict(sec["plural_units"])
    return PlacesLexicon(
        skip=frozenset(skip), titles=frozenset(words["title"]), streets=frozenset(words["street"]),
        features=frozenset(words["feature"]), settlements=frozenset(words["settlement"]),
        locatives=frozenset(words["locative"]), speech=frozenset(words["speech"]),
        # words that may stand around a known name inside a longer place name ("Far North Queensland",
        # "Sichuan province"); a place-type word alone ("Village", "Region") names no place
        modifiers=frozenset(words["modifier"]),
        unit_words=admin_suffixes | words["settlement"],
        connect=frozenset(sec["connectors"]), directions=frozenset(sec["directions"]),
        admin_suffixes=admin_suffixes, actor_names=actor_names(), unit_singular=singular,
        article_prefix=re.compile(rf"^(?:{_alt(sec['article_prefixes'])})$", re.I),
        unit_words_rx=units,
        held_by=_held_by(sec, dirs, units),
        # a unit word right after a name: the name is used as the unit's ("Kupiansk district")
        unit_after=re.compile(rf"\s+(?:{_alt(sec['unit_after'])})\b", re.I),
        # a plural unit word after a list of names ("Douglas, Sarpy and Lancaster counties")
        plural_unit=re.compile(r"\s+(" + "|".join(singular) + r")\b", re.I),
        # between a demonym and the name it places: "the Lebanese port of Tripoli", "Syrian city of Homs"
        of_frame=re.compile(rf"\s+(?:[a-z-]+\s+){{0,2}}(?:{_alt(sec['of_frame_types'])})\s+of\s+(?:the\s+)?"),
    )


@spacy.registry.misc("eventwire.places_lexicon.v1")
def places_lexicon() -> PlacesLexicon:
    """The registered loader the places factory's config names (`{"@misc": "eventwire.places_lexicon.v1"}`)."""
    return build_lexicon()
