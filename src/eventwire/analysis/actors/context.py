"""What the actors layer knows about one document while it reads it.

An ``ActorDoc`` is made per call and dropped after it: the dictionary matches, the tokens a
phrase never crosses, the toponyms, how strongly the text is about each country and the
country an unmodified institution belongs to. Nothing of one document is kept on the shared
component, so threads can run the layer on different documents at once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from eventwire.analysis.actors.dictionary import ActorDictionary, Match
from eventwire.analysis.actors.lexicon import ActorLexicon
from eventwire.analysis.extensions import meta

# outlet countries that are no state (an outlet of the UN is no country's)
_NON_STATE = ("IGO", "UNO", "NGO", "IMG", "MNC")


@dataclass(frozen=True)
class Options:
    """The component's settings (its config), which every document reads the same way."""

    pronouns: bool = True  # add resolved subject pronouns ("it said") as actors
    cross_sentence_pronouns_only: bool = True  # ... only when the antecedent is in an earlier sentence
    demonym_actors: bool = True  # "an Indian proposal": the demonym is the country as an actor


@dataclass
class ActorDoc:
    """Per-document state of one run of the actors layer."""

    doc: Doc
    lex: ActorLexicon
    dic: ActorDictionary
    options: Options
    matches: dict[int, Match]
    barrier: set[int]  # tokens a phrase never extends over
    topo: set[int]  # tokens of place names
    counts: Counter  # country -> how strongly the text is about it
    place_country: dict[int, str]  # token of a place -> its country
    ctx_country: str | None  # the document's country, for an institution without one
    ents: dict[int, Span] = field(default_factory=dict)  # token -> tagged name (PERSON, ORG, NORP)
    cand: dict[int, str] = field(default_factory=dict)  # token -> kind of the actor it may head
    sents: list[tuple[int, int]] = field(default_factory=list)  # (start, end) of each sentence, on first use
    sent_ids: list[int] = field(default_factory=list)  # token -> index of its sentence, on first use

    def sent_no(self, i: int) -> int:
        """The index of token i's sentence: comparing these is comparing ``Token.sent`` spans,
        which spaCy rebuilds on every access."""
        if not self.sent_ids:
            self.sents = [(s.start, s.end) for s in self.doc.sents]
            self.sent_ids = [k for k, (a, b) in enumerate(self.sents) for _ in range(a, b)]
        return self.sent_ids[i]

    def sent_span(self, i: int) -> tuple[int, int]:
        """(start, end) token offsets of token i's sentence: ``Token.sent.start`` / ``.end``."""
        k = self.sent_no(i)  # first: it fills self.sents
        return self.sents[k]

    @classmethod
    def read(cls, doc: Doc, lex: ActorLexicon, dic: ActorDictionary, options: Options) -> ActorDoc:
        matches = dic.matches(doc)
        counts = country_counts(doc, matches, lex)
        place_country = {i: sp._.ew_place["country"] for sp in doc.spans.get("places", [])
                         if (sp._.ew_place or {}).get("country") for i in range(sp.start, sp.end)}
        return cls(doc=doc, lex=lex, dic=dic, options=options, matches=matches, barrier=barriers(doc),
                   topo=toponyms(doc), counts=counts, place_country=place_country,
                   ctx_country=context_country(doc, counts))

    def span_chars(self, start: int, end: int) -> list[int]:
        """[start_char, end_char] of tokens start..end (end exclusive), as output records cite spans."""
        last = self.doc[end - 1]
        return [self.doc[start].idx, last.idx + len(last)]


def barriers(doc: Doc) -> set[int]:
    """Tokens a phrase never extends over: line breaks and the dateline/outlet lead."""
    out = {t.i for t in doc if t.is_space or "\n" in t.whitespace_}
    m = meta(doc)
    for key in ("dateline", "dateline_outlet"):
        span = m.get(key)
        if span:
            sp = doc.char_span(span[0], span[1], alignment_mode="expand")
            if sp is not None:
                out.update(range(sp.start, sp.end))
    return out


def toponyms(doc: Doc) -> set[int]:
    """Tokens of toponyms, and of every other tagged name with a toponym's text: a name the text
    uses as a place is a place throughout it (one sense per discourse), even where the places
    layer missed a repeat."""
    out: set[int] = set()
    if "places" not in doc.spans:
        return out
    names = set()
    for sp in doc.spans["places"]:
        info = sp._.ew_place or {}
        if (info.get("kind") or "toponym") == "toponym":
            out.update(range(sp.start, sp.end))
            names.add(sp.text)
    for ent in doc.ents:
        if ent.text in names:
            out.update(range(ent.start, ent.end))
    return out


def country_counts(doc: Doc, matches: dict[int, Match], lex: ActorLexicon) -> Counter:
    """How strongly the text is about each country: 2 for a country named or a demonym, 1 for a
    place of that country the dictionary did not match. A country name is stronger evidence than
    a gazetteer reading of a capitalised word ("Vice", "Freedom")."""
    places = list(doc.spans["places"]) if "places" in doc.spans else []
    counts: Counter = Counter()
    seen = set()
    for _i, (s, e, info) in matches.items():
        if s in seen or info["match"] == "named":
            continue
        seen.add(s)
        if e < len(doc) and doc[e].text in lex.currency_after:
            continue  # "US $50 million": a currency, not a country the text is about
        counts[info["country"]] += 2
    for sp in places:
        c = (sp._.ew_place or {}).get("country")
        if c and not any(i in matches for i in range(sp.start, sp.end)):
            counts[c] += 1
    return counts


def top(counts: Counter, skip: str | None = None) -> str | None:
    """The most mentioned country (other than `skip`); a tie is no evidence at all."""
    ranked = [(c, n) for c, n in counts.most_common() if c != skip][:2]
    if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def context_country(doc: Doc, counts: Counter) -> str | None:
    """The country an unmodified institution belongs to: dateline, state outlet, most mentioned."""
    m = meta(doc)
    dl = m.get("dateline")
    if dl and "places" in doc.spans:
        for sp in doc.spans["places"]:
            if sp.start_char <= dl[0] < sp.end_char and (sp._.ew_place or {}).get("country"):
                return sp._.ew_place["country"]
    outlet = m.get("outlet") or {}
    if outlet.get("affiliation") in ("state", "state-affiliated") and len(outlet.get("country") or "") == 3 \
            and outlet["country"] not in _NON_STATE:
        return outlet["country"]
    return top(counts)
