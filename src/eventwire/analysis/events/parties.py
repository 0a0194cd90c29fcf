"""Parties: the actor span a role head names, found in the actors layer's spans or made.

Pronouns go to their antecedent, munitions to who fired them, and a name-like head the actors
layer did not cover gets an actor span of its own (added to ``doc.spans["actors"]``).
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from eventwire.analysis.events.context import DocContext
from eventwire.analysis.events.tokens import NON_PARTY_ENTS, lemma_of, nearby


def _antecedent(ctx: DocContext, t: Token) -> Span | None:
    """A pronoun's referent: the subject of the clause that reports it, else the last actor before it."""
    h = t.head
    while h.head.i != h.i and h.dep_ not in ("ccomp",):
        h = h.head
    if h.dep_ == "ccomp":
        v = h.head
        while not any(k.dep_ == "nsubj" for k in v.children) and v.dep_ == "conj" and v.head.i != v.i:
            v = v.head  # "X rejected the plan and said they ...": the conjoined verbs share X
        for k in v.children:
            if k.dep_ in ("nsubj",) and k.i != t.i:
                sp = ctx.actor_at(k)
                if sp is not None:
                    return sp
    for i in range(t.i - 1, max(-1, t.i - 60), -1):
        sp = ctx.actor_tok.get(i)
        if sp is not None and sp.end <= t.i:
            return sp
    return None


def owner(ctx: DocContext, t: Token) -> Token | None:
    """The party a non-party noun belongs to ("Serbia's suppression", "a U.S. request", "calls by
    Belarus's rulers", "an offer from Afghanistan", "the policy imposed by X"): a possessor, a name
    compounded onto it, or its 'by' or 'from' agent (or that of a passive participle on it). None
    when the noun is itself a party (an actor, a name, a pronoun) or has no such owner."""
    if not (t.pos_ == "NOUN" or t.pos_ == "VERB" and t.dep_ in ("dobj", "pobj")) or resolvable(ctx, t) \
            or t.lower_ in ctx.lex.pronouns:
        return None
    for k in t.children:
        if k.dep_ == "poss" and k.lower_ not in ctx.lex.pronouns and resolvable(ctx, k):
            return k
    for k in t.children:
        if k.dep_ in ("compound", "nmod") and k.i < t.i and (
                ctx.actor_at(k) is not None or k.pos_ == "PROPN" and k.ent_type_ in ("GPE", "ORG", "NORP")):
            return k
    participles = [k for k in t.children if k.dep_ == "acl" and k.tag_ == "VBN"]
    for k in (k for h in (t, *participles) for k in h.children):  # "calls by X", "the policy imposed by X"
        if k.dep_ in ("prep", "agent") and k.lower_ in ("by", "from"):
            for g in k.children:
                if g.dep_ == "pobj" and (resolvable(ctx, g) or party_noun(ctx, g)):
                    return g
    for k in t.children:  # "the resignation of President X", "hundreds of banks", "efforts with the truckers"
        if k.dep_ == "prep" and k.lower_ in ("of", "with"):
            for g in k.children:
                if g.dep_ == "pobj" and (resolvable(ctx, g) or party_noun(ctx, g)):
                    return g
    return None


def resolvable(ctx: DocContext, t: Token) -> bool:
    """Would `resolve` find or make an actor for this head (without making one)?"""
    if ctx.actor_at(t) is not None:
        return True
    if t.lower_ in ctx.lex.pronouns or t.pos_ == "PRON":
        return False
    if t.pos_ == "PROPN" or t.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        return True
    return any(x.dep_ in ("poss", "compound", "amod", "nmod", "pobj", "appos") and ctx.actor_at(x) is not None
               for x in nearby(t, 2))


def party_noun(ctx: DocContext, t: Token) -> bool:
    """An unowned noun of people or bodies ("children", "two homeguards"): a party as a recipient."""
    return t.pos_ == "NOUN" and (t.lower_ in ctx.lex.party_nouns or lemma_of(t) in ctx.lex.party_nouns)


def resolve(ctx: DocContext, t: Token, role: str) -> Span | None:
    """The actor span a role head points to, found or (for a name-like head) made."""
    if t.idx < ctx.dateline_end:
        return None  # "MOGADISHU, Sept. 13 (Xinhua) --": the dateline is no participant
    if lemma_of(t) in ctx.lex.instruments:
        return _firer(ctx, t, role)
    sp = ctx.actor_at(t)
    if sp is not None:
        return sp
    if t.lower_ in ctx.lex.pronouns or t.pos_ == "PRON":
        return _antecedent(ctx, t) if t.lower_ in ctx.lex.pronouns else None
    near = sorted(nearby(t, 2), key=lambda x: abs(x.i - t.i))
    for x in near:
        if x.dep_ in ("poss", "compound", "amod", "nmod", "pobj", "appos", "conj") or x.head.i == t.i:
            sp = ctx.actor_at(x)
            if sp is not None:
                return sp
            if x.dep_ == "poss" and x.lower_ in ctx.lex.pronouns:
                return _antecedent(ctx, x)
    made = _make(ctx, t, role)
    if made is None:  # "thousands of Iraqi Kurds", "leaders of the opposition coalition"
        for x in near:
            if (x.dep_ == "pobj" and x.head.lower_ == "of" and x.head.head.i == t.i) or x.dep_ == "appos":
                made = _make(ctx, x, role)
                if made is not None:
                    break
    return made


def _firer(ctx: DocContext, t: Token, role: str) -> Span | None:
    """Who fired a munition named as a participant ("mortar rounds fired by terrorists"), or
    None: a weapon is never an actor."""
    for k in t.children:
        if k.dep_ in ("acl", "relcl"):
            for a in k.children:
                if a.dep_ == "agent":
                    for g in a.children:
                        if g.dep_ == "pobj" and lemma_of(g) not in ctx.lex.instruments:
                            return resolve(ctx, g, role)
    return None


def _make(ctx: DocContext, t: Token, role: str = "actor") -> Span | None:
    """A new actor span for a name-like role head the actors layer did not cover."""
    if t.ent_type_ in NON_PARTY_ENTS or t.i in ctx.time_tok:
        return None  # an amount or a moment tagged as a proper noun ("Nov", "USD1")
    named = t.pos_ == "PROPN" or t.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")
    named = named or any(x.dep_ in ("amod", "compound", "poss") and (
        x.ent_type_ in ("NORP", "GPE", "ORG") or x.pos_ == "PROPN") for x in t.lefts)
    named = named or (role == "recipient" and party_noun(ctx, t))
    if not named:
        return None
    place = ctx.place_tok.get(t.i)
    if place is not None and (place._.ew_place or {}).get("kind") == "demonym":
        place = None
    mods = [x for x in t.lefts if x.dep_ in ("compound", "amod", "det", "poss", "nmod", "nummod", "quantmod")]
    left = min(mods, key=lambda x: x.left_edge.i).left_edge if mods else t
    while left.i < t.i and (left.is_punct or left.dep_ == "cc"):
        left = left.doc[left.i + 1]
    right = t
    for x in t.rights:
        if x.dep_ in ("compound", "flat", "appos") and x.i == right.i + 1:
            right = x
    span = Span(t.doc, left.i, right.i + 1, label="ACTOR")
    for i in range(span.start, span.end):
        if ctx.actor_tok.get(i) is not None:
            return ctx.actor_tok[i]
    country = None
    if place is not None:
        country = (place._.ew_place or {}).get("country")
    if country is None:
        for x in span:
            hit = ctx.countries.get(x.text.lower()) or ctx.countries.get(x.lemma_.lower())
            if hit:
                country = hit[0]
                break
    if country is None:
        hit = ctx.countries.get(span.text.lower())
        country = hit[0] if hit else None
    span._.ew_actor = {"name": span.text, "country": country, "sector": None, "entity": None}
    ctx.doc.spans["actors"].append(span)
    for i in range(span.start, span.end):
        ctx.actor_tok[i] = span
    return span
