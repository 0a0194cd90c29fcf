"""The actors component: the spaCy factory ``eventwire_actors`` and the run over one Doc.

The component holds only what it compiled at load time (the lexicon and the dictionary's
PhraseMatchers); everything about one document lives in an ``ActorDoc`` made per call, so one
component serves several threads at once.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

import eventwire.analysis.extensions  # noqa: F401  (Span._.ew_actor, Span._.ew_place)
from eventwire.analysis.actors.coding import resolve
from eventwire.analysis.actors.context import ActorDoc, Options
from eventwire.analysis.actors.dictionary import ActorDictionary
from eventwire.analysis.actors.lexicon import ActorLexicon
from eventwire.analysis.actors.mentions import Mention, candidates, mention, phrase_heads, tagged_names
from eventwire.analysis.actors.phrases import widen

# What the layer reads, so analyze_pipes checks the order: the parse (dep, head, sentences),
# the tagger's fine tags (the attribute ruler maps them to the coarse `token.pos` it reads;
# that ruler declares no attributes, so `token.tag` is the one to require), the named entities
# and the spans of the places and times layers (Span._.ew_place).
REQUIRES = ["token.tag", "token.dep", "token.head", "doc.sents", "doc.ents", "token.ent_type", "doc.spans"]
ASSIGNS = ["doc.spans"]


class ActorsComponent:
    """Writes doc.spans["actors"] with Span._.ew_actor dicts (see extensions.py)."""

    def __init__(self, nlp: Language, name: str, spans_key: str = "actors", pronouns: str = "cross_sentence",
                 demonym_actors: bool = True, lexicon: ActorLexicon | None = None):
        self.name = name
        self.spans_key = spans_key
        self.options = Options(pronouns=pronouns != "none", cross_sentence_pronouns_only=pronouns == "cross_sentence",
                               demonym_actors=demonym_actors)
        self.lexicon = lexicon if lexicon is not None else ActorLexicon.load()
        self.dictionary = ActorDictionary(nlp.vocab, nlp.make_doc, self.lexicon)

    def __call__(self, doc: Doc) -> Doc:
        self._run(doc)  # a failure reaches the pipeline's error handler: the article's error record
        return doc

    def _run(self, doc: Doc) -> None:
        ctx = ActorDoc.read(doc, self.lexicon, self.dictionary, self.options)
        doc.spans[self.spans_key] = to_spans(doc, find_mentions(ctx))


def find_mentions(ctx: ActorDoc) -> list[Mention]:
    """Every coded actor mention of the document, in text order, phrases grown."""
    ctx.ents = tagged_names(ctx)
    ctx.cand = candidates(ctx)
    mentions = [men for i in phrase_heads(ctx) if (men := mention(ctx, i)) is not None]
    resolve(ctx, mentions)
    return widen(ctx, mentions)


def to_spans(doc: Doc, mentions: list[Mention]) -> list[Span]:
    """One ACTOR span per coded phrase (the first of two mentions with one extent)."""
    spans = []
    taken: set[tuple[int, int]] = set()
    for men in mentions:
        if not men.info or (men.start, men.end) in taken:
            continue
        taken.add((men.start, men.end))
        sp = Span(doc, men.start, men.end, label="ACTOR")
        info = {k: men.info.get(k) for k in ("name", "country", "sector", "entity")}
        info.update({k: v for k, v in men.extras.items() if v is not None})
        sp._.ew_actor = info
        spans.append(sp)
    return spans


@Language.factory("eventwire_actors",
                  default_config={"spans_key": "actors", "pronouns": "cross_sentence", "demonym_actors": True,
                                  "lexicon": {"@misc": "eventwire.actors_lexicon.v1"}},
                  assigns=ASSIGNS, requires=REQUIRES)
def make_actors(nlp: Language, name: str, spans_key: str, pronouns: str, demonym_actors: bool,
                lexicon: ActorLexicon) -> ActorsComponent:
    """pronouns: "all" adds every resolved subject "it"/"they" as an actor; "cross_sentence" (default)
    only those whose antecedent is in an earlier sentence; "none" adds none. demonym_actors: a demonym
    modifying a non-actor noun ("an Indian proposal") is the country as an actor (CAMEO practice).
    lexicon: the layer's word data, from the registered loader ``eventwire.actors_lexicon.v1``."""
    return ActorsComponent(nlp, name, spans_key=spans_key, pronouns=pronouns, demonym_actors=demonym_actors,
                           lexicon=lexicon)
