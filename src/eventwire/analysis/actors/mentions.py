"""Finding actor mentions: which tokens head an actor phrase, and where each phrase starts.

Candidates come from three sources: dictionary matches (named actors, countries, demonyms,
capitals), head nouns of the lexicon ("ministry", "army", "civilians") and the tagger's names
(PERSON, ORG, NORP). A candidate that modifies a following one ("Syrian army") is absorbed
by it; each remaining one becomes a ``Mention`` spanning its left modifiers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from spacy.attrs import POS
from spacy.tokens import Span, Token

from eventwire.analysis.actors.context import ActorDoc
from eventwire.analysis.actors.dictionary import Match
from eventwire.analysis.columns import string_columns

# dependency labels (spaCy's English parser) of left modifiers that belong to a head's phrase
LEFT_DEPS = {"det", "amod", "compound", "poss", "nummod", "quantmod", "nmod", "predet", "npadvmod",
             "advmod", "punct", "case", "cc", "conj", "appos"}
MOD_DEPS = {"compound", "amod", "nmod", "npadvmod", "poss"}
SUBJ = {"nsubj", "nsubjpass"}
_SLUG = re.compile(r"[^a-z0-9]+")
# the kind of mention a dictionary match makes
_MATCH_KIND = {"named": "named", "country": "country", "people": "norp", "demonym": "demonym", "capital": "capital"}


@dataclass
class Mention:
    """One actor phrase before it becomes a span."""

    start: int  # token indices, end exclusive
    end: int
    head: int
    info: dict[str, Any]
    kind: str  # named, person, country, capital, institution, title, group, org, norp, pronoun
    plural: bool = False
    extras: dict[str, Any] = field(default_factory=dict)


def head_info(ctx: ActorDoc, t: Token) -> dict | None:
    """The lexicon entry of a noun that heads an actor phrase ("ministry", "army"), else None."""
    if t.pos_ not in ("NOUN", "PROPN"):
        return None
    return ctx.lex.head_info(t.lower_, t.text)


def is_subject(t: Token) -> bool:
    """A subject, an agent ("by the army") or a subject's conjunct."""
    if t.dep_ in SUBJ or (t.dep_ == "pobj" and t.head.dep_ == "agent"):
        return True
    return t.dep_ == "conj" and t.head.dep_ in SUBJ


def tagged_names(ctx: ActorDoc) -> dict[int, Span]:
    """Token -> the PERSON/ORG/NORP name the tagger found there, unless the dictionary knows it."""
    doc, matches = ctx.doc, ctx.matches
    ents: dict[int, Span] = {}
    # a time expression is never an actor, whatever the tagger calls it ("Saturday 's meeting")
    when = {i for sp in doc.spans.get("times", []) for i in range(sp.start, sp.end)}
    for ent in doc.ents:
        if ent.label_ in ("PERSON", "ORG", "NORP") and not any(i in when for i in range(ent.start, ent.end)):
            end = ent.end
            while end > ent.start and (doc[end - 1].dep_ == "case" or doc[end - 1].is_punct):
                end -= 1  # "the UN Security Council’s": the possessive is not part of the name
            if end == ent.start or any(i in matches and matches[i][2]["match"] != "demonym"
                                       for i in range(ent.start, end)):
                continue  # the dictionary knows this name better than the tagger
            ent = Span(doc, ent.start, end, label=ent.label_)  # a doc slice would lose the label
            for i in range(ent.start, ent.end):
                ents[i] = ent
    return ents


def candidates(ctx: ActorDoc) -> dict[int, str]:
    """Token -> the kind of actor it may head. Adds unknown acronyms to ``ctx.ents``."""
    doc, matches, ents = ctx.doc, ctx.matches, ctx.ents
    cand: dict[int, str] = {}
    pos = string_columns(doc, [POS])[0]
    for i in range(len(doc)):
        m = matches.get(i)
        if not m and pos[i] not in ("NOUN", "PROPN") and i not in ents:
            continue  # no branch below takes it: spare making its Token
        t = doc[i]
        if m and m[1] - 1 == i:
            cand[i] = "person" if m[2].get("kind") == "person" else _MATCH_KIND[m[2]["match"]]
            continue
        if m:
            continue
        hi = head_info(ctx, t)
        if hi:
            cand[i] = hi["kind"]
            continue
        ent = ents.get(i)
        if ent is None and t.is_upper and t.is_alpha and 2 <= len(t) <= 6 and t.pos_ == "PROPN" \
                and t.dep_ in SUBJ | {"dobj", "pobj", "conj"} and i not in ctx.topo:
            cand[i] = "org"  # an unknown acronym in an argument position ("IMA said", "DPKO is ...")
            ents[i] = doc[i:i + 1]
            continue
        if ent is not None and ent.end - 1 == i:
            if ent.label_ == "PERSON" and t.pos_ in ("PROPN", "NOUN"):
                cand[i] = "person"
            elif ent.label_ == "ORG":
                cand[i] = "org"
            elif ent.label_ == "NORP" and t.pos_ in ("NOUN", "PROPN") and t.dep_ not in ("amod", "compound"):
                cand[i] = "norp"
    return cand


def phrase_heads(ctx: ActorDoc) -> list[int]:
    """The candidates that head a phrase of their own, in text order: not those absorbed by a
    following actor head they modify ("Syrian army", "Daesh terrorists")."""
    doc, cand = ctx.doc, ctx.cand
    heads = []
    for i, kind in cand.items():
        t = doc[i]
        if i in ctx.barrier:
            continue
        # "an Indian proposal", "Israeli air raids": CAMEO codes the country as the actor; a
        # demonym inside an actor phrase ("Syrian army") is absorbed by it below instead
        if kind == "demonym" and not (
                ctx.options.demonym_actors and t.dep_ in ("amod", "compound", "nmod") and t.head.i > i
                and t.head.pos_ == "NOUN" and t.head.i not in cand and t.head.i not in ctx.topo
                and not any(j in cand for j in range(i + 1, t.head.i))):
            continue
        if t.dep_ in MOD_DEPS and t.head.i > i and t.head.i in cand and cand[t.head.i] != "demonym" \
                and ctx.sent_no(t.head.i) == ctx.sent_no(i):
            continue
        heads.append(i)
    return sorted(heads)


def extent(ctx: ActorDoc, i: int, lo: int) -> int:
    """Leftmost token of the phrase headed by token i (its left modifiers), not before lo."""
    doc = ctx.doc
    t = doc[i]
    start = i
    lefts = list(t.lefts)
    if t.dep_ == "compound" and t.head.i > i:
        # "Israeli army bulldozers": the parse hangs "Israeli" on the last noun; it modifies the army
        lefts += [c for c in t.head.lefts if c.i < i]
    for child in lefts:
        if child.dep_ in LEFT_DEPS and child.i >= lo:
            start = min(start, max(child.left_edge.i, lo))
    for j in range(i - 1, start - 1, -1):
        if j in ctx.barrier:
            start = j + 1
            break
    while start < i and (doc[start].is_punct or doc[start].dep_ in ("cc", "case")) \
            and doc[start].text not in ("(", "“", '"'):
        start += 1
    return start


def _not_an_actor(ctx: ActorDoc, t: Token, kind: str) -> bool:
    """A place, a country that modifies a non-actor or belongs to a title, a kind of place."""
    i, cand = t.i, ctx.cand
    if kind == "capital":
        return not is_subject(t)  # a capital is an actor only as a metonym subject ("Damascus said")
    # a tagged name of a known place is no actor, but a name in the actor dictionary ("Bush") is
    # not the town of that name; country names are actors
    if i in ctx.topo and kind in ("org", "person", "norp") and not (kind == "person" and i in ctx.matches):
        return True
    if kind == "country":
        if t.dep_ in ("compound", "amod", "nmod", "npadvmod") and t.head.i > i:
            return True  # "Syria-related topics": a modifier of a non-actor
        if t.dep_ == "pobj" and t.head.dep_ == "prep" and t.head.head.i in cand \
                and t.head.lower_ == "of" and cand.get(t.head.head.i) in ("title", "institution", "person"):
            return True  # "President ... of Turkey": part of the title
    return False


def _kind_of_thing(ctx: ActorDoc, t: Token, hi: dict | None) -> bool:
    """ "a refugee camp", "a migrant camp": a group word modifying a kind of place or thing, not a
    party; with a party named in the phrase ("the Cambodian refugee camp", "Kampuchean guerrilla
    camps") its people are one (CAMEO/PLOVER code them as the target)."""
    i = t.i
    return hi is not None and hi.get("kind") == "group" and t.dep_ in ("compound", "nmod", "amod") \
        and t.head.i > i and t.head.i not in ctx.cand and t.tag_ in ("NN", "NNP", "JJ") \
        and not any(x.i < i and (x.ent_type_ in ("NORP", "GPE", "ORG") or x.pos_ == "PROPN" or x.i in ctx.matches)
                    for x in t.head.subtree)


def mention(ctx: ActorDoc, i: int) -> Mention | None:
    """The mention headed by candidate token i, with what its kind already says, or None."""
    doc = ctx.doc
    t = doc[i]
    kind = ctx.cand[i]
    m = ctx.matches.get(i)
    first = m[0] if m else i
    ent = ctx.ents.get(i)
    if kind in ("person", "org", "norp") and ent is not None and not m:
        first = ent.start
    start = min(first, extent(ctx, i, ctx.sent_span(i)[0]))
    if _not_an_actor(ctx, t, kind):
        return None
    hi = head_info(ctx, t) if kind in ("institution", "title", "group") else None
    if _kind_of_thing(ctx, t, hi):
        return None
    needs_ante = False
    if hi is not None and t.lower_ in ctx.lex.needs_modifier \
            and not any(c.dep_ in MOD_DEPS | {"nummod"} for c in t.lefts) \
            and not any(c.dep_ == "prep" and c.lower_ == "of" for c in t.rights):
        if not any(c.dep_ == "det" for c in t.lefts):
            return None
        needs_ante = True  # "the Coalition": an actor only as a reference to an earlier one
    men = Mention(start, i + 1, i, {}, kind, plural=t.tag_ in ("NNS", "NNPS") or kind == "norp")
    if needs_ante:
        men.extras["_needs_ante"] = True
    _first_info(ctx, men, m, hi, first)
    return men


def _first_info(ctx: ActorDoc, men: Mention, m: Match | None, hi: dict | None, first: int) -> None:
    """What a mention's own words say: a dictionary entry, a demonym, a country, a capital's
    government, a tagged group of people; a head noun's entry waits for its modifiers."""
    doc, kind, t = ctx.doc, men.kind, ctx.doc[men.head]
    if kind in ("named", "person") and m:
        men.info = {k: m[2].get(k) for k in ("name", "country", "sector", "entity")}
        title_sector(ctx, men)
    elif kind == "demonym":
        men.info = {"name": m[2]["name"], "country": m[2]["country"], "sector": None, "entity": m[2]["entity"]}
        men.extras["demonym"] = True
    elif kind == "country":
        men.info = {"name": m[2]["name"], "country": m[2]["country"], "sector": None, "entity": m[2]["entity"]}
        if t.dep_ == "pobj" and t.head.lower_ in ctx.lex.loc_preps:
            # "killed in Syria": CAMEO coders (and the ConfliBERT gold) code it as the target
            # country; the flag lets a consumer treat it as a location instead
            men.extras["locative"] = True
    elif kind == "capital":
        men.info = {"name": m[2]["name"] + " government", "country": m[2]["country"], "sector": "GOV",
                    "entity": m[2]["entity"] + "_government"}
        men.extras["metonym"] = True
    elif kind == "norp":
        c = m[2]["country"] if m else None
        for j in range(men.start, men.head):  # "Bosnian Serbs": a demonym before the name is more specific
            if j in ctx.matches and ctx.matches[j][2]["match"] == "demonym":
                c = ctx.matches[j][2]["country"]
                break
        men.info = {"name": t.text, "country": c, "sector": None,
                    "entity": (m[2]["entity"] + "_people") if m else slug(doc[first:men.head + 1].text)}
    else:
        men.extras["_hi"] = hi


def title_sector(ctx: ActorDoc, men: Mention) -> None:
    """A title before a named person's name gives the sector ("army spokesman" MIL)."""
    lex = ctx.lex
    for j in range(men.start, men.head):
        w = ctx.doc[j].lower_
        h = lex.heads.get(w)
        if h and h["kind"] == "title" and men.info.get("sector") in (None, "GOV", "MIL"):
            men.info["sector"] = lex.mod_sector.get(w, h["sector"]) if w not in lex.role_heads else \
                men.info.get("sector") or h["sector"]


def slug(text: str) -> str:
    """An entity id made of a name: lower-case words joined by "_"."""
    return _SLUG.sub("_", text.lower()).strip("_")
