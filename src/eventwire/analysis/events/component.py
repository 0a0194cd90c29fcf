"""The events component: runs the jobs of the events layer over each sentence of a Doc.

Each call makes its own `DocContext`; the component keeps only what every Doc shares (the
lexicon, the CAMEO typing tables and the type model), so one component serves several threads.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from eventwire.analysis.event_typing import TypeModel, Typer, typing_lexicon
from eventwire.analysis.events.candidate import Cand
from eventwire.analysis.events.casualties import attach_orphans, count_casualties
from eventwire.analysis.events.context import DocContext
from eventwire.analysis.events.frames import attested, background, framed, merge, self_reported
from eventwire.analysis.events.lexicon import Lexicon, load_lexicon
from eventwire.analysis.events.modality import read_modality, wrap
from eventwire.analysis.events.recipients import late_recipients
from eventwire.analysis.events.record import to_record
from eventwire.analysis.events.roles import assign_roles
from eventwire.analysis.events.triggers import assault_mode, find_triggers, obligations


def _kept(cands: list[Cand]) -> list[Cand]:
    return [c for c in cands if not c.suppressed]


class EventsComponent:
    """Finds PLOVER events on a parsed Doc whose places, times, actors and claims are set."""

    def __init__(self, nlp: Language, name: str, hypothetical: bool = True, max_chars: int = 400,
                 learned_typing: bool = True, lexicon: Lexicon | None = None):
        self.name = name
        self.lex = lexicon if lexicon is not None else load_lexicon()
        self.typing = typing_lexicon()
        self.typer = Typer(TypeModel.load() if learned_typing else None)
        self.keep_hypothetical = hypothetical
        self.max_sentence_chars = max_chars

    def __call__(self, doc: Doc) -> Doc:
        doc._.ew_events = self.find(doc)  # a failure becomes the article's error record, naming the layer
        return doc

    def find(self, doc: Doc) -> list[dict]:
        """The events of a Doc, as output records."""
        ctx = DocContext(doc, self.lex)
        events: list[dict] = []
        for sent in doc.sents:
            events.extend(self._sentence(sent, ctx))
        attach_orphans(ctx, events)
        return events

    def _sentence(self, sent: Span, ctx: DocContext) -> list[dict]:
        """One sentence, job by job: triggers, modality, roles, frames, typing, recipients, casualties."""
        lex = ctx.lex
        cands = find_triggers(ctx, sent, self.typing if self.typer.active else None)
        cands += obligations(ctx, sent, cands)
        if not cands:
            return []
        for c in cands:
            read_modality(lex, c)
        for c in cands:
            assign_roles(ctx, c)
        cands = [c for c in cands if not c.suppressed and framed(ctx, c)]
        background(ctx, cands)
        cands = _kept(cands)
        wrap(lex, cands)
        cands = _kept(cands)
        merge(cands)
        cands = _kept(cands)
        for c in cands:
            c.attested = attested(lex, c)
            c.own_deed = self_reported(lex, c)
        self.typer.apply(cands, sent, ctx.actor_tok, ctx.place_tok)
        cands = _kept(cands)
        for c in cands:
            assault_mode(lex, c)
            late_recipients(ctx, c)
        count_casualties(ctx, sent, cands)
        cands = self.typer.settle(cands)
        out = []
        for c in cands:
            if c.status == "hypothetical" and not self.keep_hypothetical or ctx.in_title(c.tok):
                continue
            out.append(to_record(ctx, c, sent))
        return out


@Language.factory("eventwire_events",
                  default_config={"hypothetical": True, "max_chars": 400, "learned_typing": True,
                                  "lexicon": {"@misc": "eventwire.events_lexicon.v1"}},
                  assigns=["doc._.ew_events", "doc.spans"],
                  # the places', times' and actors' spans (where, when, who) and the claims (status)
                  requires=["token.dep", "token.lemma", "token.tag", "token.ent_type", "doc.sents", "doc.spans",
                            "doc._.ew_claims"])
def make_events(nlp: Language, name: str, hypothetical: bool, max_chars: int,
                learned_typing: bool, lexicon: Lexicon) -> EventsComponent:
    """The spaCy factory: the lexicon comes resolved from its registered loader."""
    return EventsComponent(nlp, name, hypothetical, max_chars, learned_typing, lexicon)
