"""Cue recognition: which tokens are reporting cues, and the cue span as PolNeAR/PARC mark it.

A cue comes from the lexicon (single verbs and multi-word phrases) or from the learned cue model;
syntax then licenses the wider cue set (belief verbs need a clause and a named subject,
"attacked" needs a person or an organisation as object).
"""

from __future__ import annotations

from spacy.tokens import Token

from eventwire.analysis.claims.context import DocContext
from eventwire.analysis.claims.cue_model import cue_features
from eventwire.analysis.claims.lexicon import PRONOUNS, Cue
from eventwire.analysis.claims.quotes import tok_span

REPORTING_CLASSES = {"communication"}  # WordNet lexicographer classes of reporting verbs
VERB_TAGS = ("VBD", "VBZ", "VBP", "VBG", "VBN")
PHRASE_DEPS = ("prep", "prt", "pcomp", "xcomp", "advcl")


def match_cue(ctx: DocContext, tok: Token) -> tuple[Cue, list[Token]] | None:
    """The lexicon cue this token starts ("according to", a phrasal cue, a cue verb), with its tokens."""
    lex = ctx.lex
    lemma = tok.lemma_.lower()
    low = tok.lower_
    if low == "according" and tok.i + 1 < len(tok.doc) and tok.nbor(1).lower_ == "to":
        cue = lex.phrases.get("according", [None])[0]
        return (cue, [tok, tok.nbor(1)]) if cue else None
    if tok.pos_ != "VERB" and not (tok.tag_ in VERB_TAGS and lemma in lex.verbs):
        return None
    for cue in lex.phrases.get(lemma, ()):
        toks = [tok]
        cur = tok
        ok = True
        for want in cue.lemmas[1:]:
            nxt = [c for c in cur.children if c.dep_ in PHRASE_DEPS
                   and (c.lemma_.lower() == want or c.lower_ == want) and c.i > cur.i]
            if not nxt:
                ok = False
                break
            cur = nxt[0]
            toks.append(cur)
        if ok and toks[-1].i - tok.i <= 3:
            return cue, toks
    cue = lex.verbs.get(lemma)
    return (cue, [tok]) if cue else None


def reporting_class(ctx: DocContext, lemma: str) -> bool:
    """WordNet files the verb's most frequent sense with verbs of communication."""
    return ctx.lex.wordnet.get(lemma, ("",))[0] in REPORTING_CLASSES


def cue_prob(ctx: DocContext, tok: Token) -> float:
    """The cue model's probability that this verb is a report here (0 without a model)."""
    if ctx.model is None or tok.pos_ != "VERB":
        return 0.0
    return ctx.model.prob(cue_features(tok, ctx.quotes, ctx.lex, ctx.sent_of(tok), ctx.text))


def model_cue(ctx: DocContext, tok: Token, sure: bool) -> tuple[Cue, list[Token]] | None:
    """A cue the lexicon lacks: a verb the model has seen reporting, or an unseen verb of a reporting
    WordNet class, or a light verb with its object, when the model is sure of the context."""
    if not sure or not model_candidate(ctx, tok):
        return None
    args = "clause" if any(c.dep_ == "ccomp" for c in tok.children) else "object"
    return Cue((tok.lemma_.lower(),), "indirect", False, args), [tok]


def model_candidate(ctx: DocContext, tok: Token) -> bool:
    """Whether the model may add this token as a cue when sure of its context: a verb it has seen
    reporting, an unseen verb of a reporting WordNet class, or a light verb with its object."""
    if ctx.model is None:
        return False  # lexicon cues only
    lemma = tok.lemma_.lower()
    seen = ctx.model.weights.get("l=" + lemma)
    known = seen > 0.0 if seen is not None else reporting_class(ctx, lemma)
    return known or (lemma in ctx.lex.light_verbs and light_object(ctx, tok) is not None)


def _left_frame(first: Token, ctoks: list[Token]) -> Token:
    """A governing verb that shares the cue's subject ("appeared to suggest") or an adjective frame
    ("was quick to embrace", "is likely to say") opens the cue."""
    doc = first.doc
    head = ctoks[0].head
    if ctoks[0].dep_ == "xcomp" and head.pos_ in ("VERB", "AUX") and head.i < first.i \
            and first.i - head.i <= 4 and not any(t.is_punct for t in doc[head.i:first.i]) \
            and not any(c.dep_ in ("dobj", "ccomp") and head.i < c.i < first.i for c in head.children):
        return left_aux(head)
    if ctoks[0].dep_ == "xcomp" and head.pos_ == "ADJ" and head.dep_ == "acomp" and head.i < first.i \
            and head.head.i < head.i and head.i - head.head.i <= 3 and first.i - head.i <= 3 \
            and not any(t.is_punct for t in doc[head.head.i:first.i]):
        return left_aux(head.head)
    return first


def cue_span(ctx: DocContext, ctoks: list[Token]) -> tuple[tuple[int, int], Token | None]:
    """The cue as PolNeAR/PARC mark it, and the linking preposition it took in (or None).

    Left: the verb's auxiliaries, negation and adverbs ("did not respond"), a governing verb that
    shares its subject ("appeared to suggest"). Right: particles and a short adverb ("shot back",
    "said sarcastically"), a time ("said Friday"), a channel ("said in an interview"), a colon,
    and the preposition that links a verb to its content ("apologized for", "warned of", "known
    as") -- but not after verbs of saying, whose prepositions name a topic or an occasion ("said
    of", "told ... on"), nor a passive's "by" (the speaker's, not the cue's).
    """
    lex = ctx.lex
    last = ctoks[-1]
    doc = last.doc
    first = _left_frame(left_aux(ctoks[0]), ctoks)
    link = None
    verb = ctoks[0]
    speech = verb.lemma_.lower() in lex.speech_verbs
    if verb.lemma_.lower() in lex.light_verbs and last is verb:
        obj = light_object(ctx, verb)
        if obj is not None:
            last, link = obj
            if link is not None:
                return tok_span(first, last), link
    j = last.i + 1
    while j < len(doc):
        t = doc[j]
        if t.head.i != verb.i and t.head.i != last.i and not (t.dep_ == "mark" and t.head.head.i == verb.i):
            break
        objs = [g for g in t.children if g.dep_ in ("pobj", "pcomp")]
        if t.dep_ == "npadvmod" and (t.ent_type_ in ("DATE", "TIME") or t.lemma_.lower() in lex.weekdays):
            last = t.right_edge if t.right_edge.i - t.i <= 3 else t
        elif t.dep_ == "prep" and t.lower_ in ("in", "at", "during", "on") and any(
                g.dep_ == "pobj" and g.lemma_.lower() in lex.channels for g in t.children) \
                and t.right_edge.i - t.i <= 6:
            last = t.right_edge
        elif t.dep_ == "mark" and t.lower_ == "for" and t.head.head.i == verb.i and not speech:
            last = link = t  # "is calling for X to step up"
            break
        elif t.dep_ == "prt" or (t.dep_ == "advmod" and t.pos_ == "ADV" and t.i == t.right_edge.i
                                 and t.lower_ not in lex.not_cue_adverbs):
            last = t
        elif t.dep_ == "prep" and t.lower_ in lex.link_preps and not speech and link is None and objs \
                and not any(g.ent_type_ in ("DATE", "TIME") or g.lemma_.lower() in lex.channels
                            for g in objs) and ctoks[-1].dep_ != "prep":
            last = link = t
            break
        else:
            break
        j = last.i + 1
    if last.i + 1 < len(doc) and doc[last.i + 1].text == ":":
        last = doc[last.i + 1]
    return tok_span(first, last), link


def framing_verb(ctx: DocContext, tok: Token) -> Token | None:
    """The verb whose object a participle or relative clause cue hangs on, when that object is a
    document or a light verb's noun ("issued a statement calling", "filed papers opposing")."""
    if tok.dep_ not in ("acl", "relcl") or (tok.dep_ == "acl" and tok.tag_ != "VBG"):
        return None
    noun = tok.head
    verb = noun.head
    if noun.dep_ != "dobj" or verb.pos_ != "VERB" or not verb.i < noun.i < tok.i or tok.i - verb.i > 12:
        return None
    if noun.lemma_.lower() in ctx.lex.channels or verb.lemma_.lower() in ctx.lex.light_verbs:
        return verb
    return None


def light_object(ctx: DocContext, verb: Token) -> tuple[Token, Token | None] | None:
    """The object of a light verb that is part of the cue ("made the case", "expressed support
    for", "made it clear"): its last cue token and the linking preposition after it, if any."""
    doc = verb.doc
    obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i), None)
    if obj is None or obj.left_edge.i != verb.i + 1 or obj.i - verb.i > 4:
        return None
    if obj.pos_ == "PRON":
        if obj.lower_ != "it":
            return None
        nxt = doc[obj.i + 1] if obj.i + 1 < len(doc) else None
        if nxt is not None and nxt.pos_ == "ADJ" and nxt.head.i == verb.i:
            return nxt, None  # "made it clear"
        return obj, None  # "as he put it"
    if obj.pos_ != "NOUN":
        return None
    nxt = doc[obj.i + 1] if obj.i + 1 < len(doc) else None
    if nxt is not None and nxt.dep_ == "prep" and nxt.head.i == obj.i and nxt.lower_ in ctx.lex.link_preps \
            and any(g.dep_ in ("pobj", "pcomp") for g in nxt.children):
        return nxt, nxt
    return obj, None


def licensed(ctx: DocContext, tok: Token, cue: Cue, speaker: Token | None, passive: bool) -> bool:
    """Syntax that keeps the wider PolNeAR cue set precise.

    A verb of belief or wish ("think", "want", "hope") is a cue only with a clause or to-clause
    and a named or third-person subject ("you'd think", "anyone wanting to" are not claims);
    "attacked" is a cue only against people or organisations, not places or military targets.
    """
    prev = tok.doc[tok.i - 1] if tok.i > 0 else None
    if prev is not None and prev.text in ("<", "</", "<tweet"):
        return False  # markup left in the text ("<tweet id=...>")
    if cue.args == "cognition":
        if speaker is None or passive or speaker.lower_ in ctx.lex.generic_subjects:
            return False
        kids = list(tok.children)
        if any(c.dep_ == "dobj" for c in kids) and any(c.dep_ == "prep" and c.lower_ == "as" for c in kids):
            return True  # "see the program as an easier way": a belief about the object
        return any(c.dep_ == "ccomp" or (c.dep_ == "xcomp" and c.i > tok.i) for c in kids)
    if tok.lemma_.lower() == "attack":
        return _verbal_attack(ctx, tok, speaker, passive)
    return True


def _verbal_attack(ctx: DocContext, tok: Token, speaker: Token | None, passive: bool) -> bool:
    """'attacked X for/as ...' or an attack on a person or an organisation: the verbal sense."""
    objs = [c for c in tok.children if c.dep_ == "dobj"]
    if passive or not objs or speaker is None:
        return False
    o = objs[0]
    if any(c.dep_ == "prep" and c.lower_ in ("for", "as", "over") for c in tok.children):
        return True  # "attacked X for/as ...": the verbal sense
    places = tok.doc.spans.get("places", [])
    if o.ent_type_ in ("LOC", "FAC") or o.lemma_.lower() in ctx.lex.physical_targets \
            or any(p.start <= o.i < p.end for p in places):
        return False
    return o.ent_type_ in ("PERSON", "ORG", "NORP") or o.pos_ == "PROPN" or o.lower_ in PRONOUNS or \
        o.lower_ in ("him", "her", "them", "me", "us")


def left_aux(tok: Token) -> Token:
    """The leftmost token of the auxiliaries, negation and short adverbs right before a verb."""
    doc = tok.doc
    allowed: set[int] = set()
    for c in tok.children:
        if c.i < tok.i and c.dep_ in ("aux", "auxpass", "neg", "advmod") and c.pos_ != "PUNCT" \
                and c.lower_ not in ("when", "where", "why", "how") and len(list(c.subtree)) <= 3:
            allowed.update(t.i for t in c.subtree)
    i = tok.i - 1
    first = tok
    while i >= 0 and i in allowed:
        first = doc[i]
        i -= 1
    return first
