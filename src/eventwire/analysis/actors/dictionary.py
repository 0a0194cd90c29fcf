"""The actor dictionary compiled for matching: named actors, countries, demonyms and capitals.

Compiled once per component from the lexicon and the country list of
``eventwire.gazetteer.countries`` into two PhraseMatchers (exact case for short and
capitalised names, lower case for the rest). Load-time data only: matching a Doc reads it
and never changes it, so threads can share it.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from eventwire.analysis.actors.lexicon import ActorLexicon

# a dictionary match: (first token, end token, the entry's info dict)
Match = tuple[int, int, dict]
# which match wins when two of one length overlap
_RANK = {"named": 0, "country": 1, "people": 1, "demonym": 2, "capital": 3}
# demonyms whose plural names the people ("Syrians", "Iraqis", "Palestinians", "Uzbeks")
_PEOPLE_ENDINGS = "nibtk"


class ActorDictionary:
    """PhraseMatchers over every dictionary alias, with the info each match stands for."""

    def __init__(self, vocab: Vocab, make_doc: Callable[[str], Doc], lex: ActorLexicon) -> None:
        self._make_doc = make_doc
        self._strings = vocab.strings
        # match id -> the info of its alias, so a Doc of another Vocab (a rebuilt pipeline) still matches
        self._info_of: dict[int, dict] = {}
        self.cs = PhraseMatcher(vocab, attr="ORTH")
        self.ci = PhraseMatcher(vocab, attr="LOWER")
        # entity -> the lower-case head nouns of its multi-word aliases ("coalition" of "US-led
        # coalition"): what a short reference to the entity ("the Coalition") is called
        self.alias_heads: dict[str, set[str]] = {}
        self.named_entities: set[str] = set()
        self._load_named(lex)
        self._load_countries(lex)

    def _add(self, alias: str, info: dict, case_sensitive: bool | None = None) -> None:
        doc = self._make_doc(alias)
        if not len(doc):
            return
        if case_sensitive is None:
            case_sensitive = len(doc) == 1 and alias != alias.lower()
        key = f"A{len(self._info_of)}"
        self._info_of[self._strings.add(key)] = info
        (self.cs if case_sensitive else self.ci).add(key, [doc])

    def _load_named(self, lex: ActorLexicon) -> None:
        for e in lex.named:
            self.named_entities.add(e["entity"])
            info = {"name": e["name"], "country": e.get("country"), "sector": e.get("sector"),
                    "entity": e["entity"], "kind": e.get("kind", "org")}
            for alias in e.get("aliases") or []:
                alias = str(alias)
                words = alias.split()
                if len(words) > 1 and words[-1].isalpha() and not words[-1].isupper():
                    self.alias_heads.setdefault(e["entity"], set()).add(words[-1].lower())
                cs = True if info["kind"] == "person" or (alias.isupper() and len(alias) <= 5) else None
                self._add(alias, {**info, "match": "named"}, cs)

    def _add_new(self, seen: set[str], alias: str, info: dict) -> None:
        """Add an exact-case alias unless an earlier (more populous) country took it."""
        if alias not in seen:
            seen.add(alias)
            self._add(alias, info, True)

    def _load_countries(self, lex: ActorLexicon) -> None:
        from eventwire.gazetteer.countries import by_iso3, countries

        seen: set[str] = set()
        retired = set(lex.retired_codes)
        for c in sorted(countries(), key=lambda c: -c["population"]):
            if c["iso3"] in retired:
                continue  # "Belgrade" is Serbia's capital, not that of Serbia and Montenegro (SCG)
            base = {"name": c["name"], "country": c["iso3"], "entity": c["iso3"].lower()}
            for alias in c["aliases"]:
                if not (alias.isupper() and alias == c["iso3"]):
                    self._add_new(seen, alias, {**base, "match": "country"})
            for dem in c["demonyms"]:
                if dem in seen:
                    continue
                self._add_new(seen, dem, {**base, "match": "demonym"})
                if dem[-1:] in _PEOPLE_ENDINGS:
                    self._add_new(seen, dem + "s", {**base, "match": "people"})
            caps = c["capital"] if isinstance(c["capital"], list) else [c["capital"]]
            if c["population"] >= 500_000:
                for cap in caps:
                    if cap:
                        self._add_new(seen, cap, {**base, "match": "capital"})
        for row in lex.country_names:
            c = by_iso3().get(row["country"])
            if c is None:
                continue
            base = {"name": c["name"], "country": c["iso3"], "entity": c["iso3"].lower()}
            for kind, key in (("country", "names"), ("demonym", "demonyms")):
                for alias in row.get(key) or []:
                    self._add_new(seen, alias, {**base, "match": kind})
                    if kind == "demonym" and alias[-1:] in _PEOPLE_ENDINGS:
                        self._add_new(seen, alias + "s", {**base, "match": "people"})
        for row in lex.capital_aliases:
            c = by_iso3().get(row["country"])
            if c:
                self._add_new(seen, row["name"], {"name": c["name"], "country": c["iso3"],
                                                  "entity": c["iso3"].lower(), "match": "capital"})

    def matches(self, doc: Doc) -> dict[int, Match]:
        """Dictionary matches, longest first, as token -> (start, end, info) for their tokens."""
        found = []
        for matcher in (self.cs, self.ci):
            for key, s, e in matcher(doc):
                found.append((s, e, self._info_of[key]))
        found.sort(key=lambda m: (-(m[1] - m[0]), _RANK.get(m[2]["match"], 9), m[0]))
        tok: dict[int, Match] = {}
        for s, e, info in found:
            if any(i in tok for i in range(s, e)):
                continue
            for i in range(s, e):
                tok[i] = (s, e, info)
        return tok
