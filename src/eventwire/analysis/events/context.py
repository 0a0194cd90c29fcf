"""The per-document context: what one call of the events layer reads and builds on one Doc.

Made afresh for every Doc (never kept on the component), so one component can serve several
threads at once: token -> span lookups of the places, times and actors layers, the article's
title, publication date and dateline, the actors made for role heads, and the casualty counts
found apart from their attack (the claims are read from ``Doc._.ew_claims`` where needed).
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.attrs import DEP, LEMMA, LOWER, POS
from spacy.tokens import Doc, Span, Token

from eventwire.analysis.columns import lowered, string_columns
from eventwire.analysis.events.lexicon import Lexicon
from eventwire.analysis.extensions import meta


def _by_token(spans: Iterable[Span]) -> dict[int, Span]:
    out: dict[int, Span] = {}
    for sp in spans:
        for i in range(sp.start, sp.end):
            out[i] = sp
    return out


class DocContext:
    """Per-document lookups: spans of the other layers, title, publication date, dateline."""

    def __init__(self, doc: Doc, lex: Lexicon):
        self.doc = doc
        self.lex = lex
        # lower-case form, lower-cased lemma, part of speech and dependency of every token, for the
        # per-token tests
        self.low, lem, self.pos, self.dep = string_columns(doc, [LOWER, LEMMA, POS, DEP])
        self.lem = lowered(lem)
        m = meta(doc)
        self.title = m.get("title")
        self.published = (m.get("published") or "")[:10] or None
        if "actors" not in doc.spans:
            doc.spans["actors"] = []
        # smallest span wins
        self.actor_tok: dict[int, Span] = _by_token(sorted(doc.spans["actors"], key=lambda s: -(s.end - s.start)))
        self.place_tok: dict[int, Span] = _by_token(doc.spans.get("places", []))
        self.time_tok: dict[int, Span] = _by_token(doc.spans.get("times", []))
        # casualty counts whose attack the sentence does not tell: (char, key, range, place keys, text)
        self.orphans: list[tuple[int, str, tuple, set, str]] = []
        self.dateline_end = 0
        if m.get("dateline"):
            ends = [int(m["dateline"][1])] + ([int(m["dateline_outlet"][1])] if m.get("dateline_outlet") else [])
            ends += [sp.end_char for sp in doc.spans.get("times", [])
                     if (sp._.ew_time or {}).get("role") == "dateline"]
            self.dateline_end = max(ends)
        from eventwire.gazetteer.countries import name_index

        self.countries = name_index()

    def in_title(self, t: Token) -> bool:
        """Headlines are summaries of the body's events, not events of their own."""
        return bool(self.title) and self.title[0] <= t.idx < self.title[1]

    def actor_at(self, t: Token) -> Span | None:
        return self.actor_tok.get(t.i)
