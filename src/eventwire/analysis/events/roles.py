"""Roles: the actor and the recipient heads of a candidate, from its dependency frame.

Subjects are inherited through control (xcomp, advcl, conj); a nominal trigger takes its
possessor, compounded actor or 'by' agent as actor, and the objects of its type's recipient
prepositions as recipients. Forces an actor moves are the theme, not a party.
"""

from __future__ import annotations

from spacy.tokens import Token

from eventwire.analysis.event_typing import typing_lexicon
from eventwire.analysis.events.candidate import AGENT_NOUN_INTRANS, CONFLICT_ACTS, Cand
from eventwire.analysis.events.context import DocContext
from eventwire.analysis.events.frames import claimants, dispersed_by
from eventwire.analysis.events.lexicon import Lexicon
from eventwire.analysis.events.modality import denial_noun
from eventwire.analysis.events.parties import resolvable
from eventwire.analysis.events.tokens import (
    NON_PARTY_ENTS,
    SUBJ,
    conjuncts,
    dative,
    lemma_of,
    nearby,
    receivers_on,
)

REL_PRONOUNS = {"who", "which", "that", "whom"}
# where moved forces go or come from ("withdrew troops from X", "sent troops to X", "deployed into X")
MOVE_PREPS = {"to", "into", "from", "in"}


def subject(lex: Lexicon, v: Token, depth: int = 0) -> tuple[list[Token], bool]:
    """Subject heads of verb v (inherited through xcomp/advcl/conj/pcomp), and whether v is passive."""
    passive = any(k.dep_ in ("nsubjpass", "auxpass") for k in v.children)
    if passive:
        ag = [g for k in v.children if k.dep_ == "agent" for g in k.children if g.dep_ == "pobj"]
        return ag, True
    subj = [k for k in v.children if k.dep_ in ("nsubj", "csubj")]
    if subj:
        s = subj[0]
        if s.lower_ in REL_PRONOUNS and v.dep_ == "relcl":
            return [v.head], False
        return [s], False
    if depth < 4 and v.dep_ in ("xcomp", "advcl", "conj", "pcomp", "acl", "prep") and v.head.i != v.i:
        h = v.head
        if v.dep_ == "pcomp" or h.pos_ == "ADP":
            h = h.head
        if v.dep_ == "xcomp" and h.pos_ == "ADJ" and h.dep_ in ("acomp", "oprd") and h.head.i != h.i:
            h = h.head  # "Syria is willing to withdraw": the predicate adjective's subject controls
        if v.dep_ == "acl" and h.pos_ in ("NOUN", "PROPN"):
            return [h], False
        if v.dep_ == "xcomp":  # object control: "urged X to", "asked X to"
            obj = [k for k in h.children if k.dep_ == "dobj"]
            if obj and lemma_of(h) not in lex.modality.get("intent", ()):
                return obj, False
        if h.pos_ in ("VERB", "AUX"):
            ctrl = subject(lex, h, depth + 1)[0]
            if not ctrl and v.dep_ == "xcomp":
                # "it is prepared to impose", "X was asked to leave": the passive subject controls
                ctrl = [k for k in h.children if k.dep_ == "nsubjpass"][:1]
            return ctrl, False
    return [], passive


def prep_objs(t: Token, preps: set[str]) -> list[Token]:
    """Objects of the given prepositions on t (also a particle read as one: "called on X"); never a date."""
    out = []
    for k in t.children:
        if (k.dep_ in ("prep", "agent") or k.dep_ == "dative" and k.pos_ == "ADP") and k.lower_ in preps:
            out += [g for g in k.children if g.dep_ == "pobj" and g.ent_type_ not in ("DATE", "TIME")]
        elif k.dep_ == "prt" and k.lower_ in preps:  # "called on X" parsed as a particle
            out += [g for g in t.children if g.dep_ == "dobj"]
    return out


def assign_roles(ctx: DocContext, c: Cand) -> None:
    """Actor and recipient heads of a candidate (with their conjuncts), by the kind of its trigger."""
    t = c.tok
    rp = ctx.lex.recipient_preps.get(c.type, set())
    if c.kind == "obligation":
        actors = subject(ctx.lex, t.head)[0]
        recips = [k for k in t.children if k.dep_ in SUBJ]
    elif c.kind == "verb":
        actors, recips = _verb_roles(ctx, c, rp)
    else:
        actors, recips = _noun_roles(ctx, c, rp)
    c.actors = [x for a in actors for x in conjuncts(a)]
    c.recipients = [x for r in recips for x in conjuncts(r) if x not in c.actors]
    if c.kind == "verb" and c.type not in ("ASSAULT", "COERCE"):
        _moved_forces(ctx, c)


def _verb_roles(ctx: DocContext, c: Cand, rp: set[str]) -> tuple[list[Token], list[Token]]:
    """A verb's subject (or passive agent) acts; its objects and recipient-preposition objects receive."""
    t = c.tok
    subj, passive = subject(ctx.lex, t)
    actors = subj
    if passive:
        recips = [k for k in t.children if k.dep_ == "nsubjpass"]
    else:
        recips = [g for k in t.children if k.dep_ in ("dobj", "dative") and k.i not in c.consumed
                  for g in (dative(k) if k.dep_ == "dative" else [k])]
    on_thing = receivers_on([r for r in recips if r.dep_ == "dobj"]) if lemma_of(t) in ctx.lex.transfer else []
    kept = _given_to(ctx, recips + prep_objs(t, {"to"}) + on_thing)
    recips = [r for r in recips if r in kept] + on_thing
    recips += prep_objs(t, rp)
    for k in t.children:  # "urged X", "accused X of", also dobj consumed by a phrase
        if k.dep_ == "dobj" and k.i in c.consumed:
            recips += prep_objs(k, rp)
            if c.type not in AGENT_NOUN_INTRANS:  # "mounted an invasion of X": as for the noun
                recips += [o for o in prep_objs(k, {"of"}) if ctx.actor_at(o) is not None
                           or o.pos_ == "PROPN"]
    c.own_actor = any(k.dep_ in SUBJ or k.dep_ == "agent" for k in t.children)
    return actors, recips


def _noun_roles(ctx: DocContext, c: Cand, rp: set[str]) -> tuple[list[Token], list[Token]]:
    """A nominal trigger's possessor, actor modifier or 'by' agent acts (else its light verb's subject);
    its recipient-preposition objects receive."""
    t = c.tok
    recips: list[Token] = []
    own = [k for k in t.children if k.dep_ == "poss"]
    own += [k for k in t.children if k.dep_ in ("compound", "amod", "nmod") and ctx.actor_at(k) is not None
            and k.i not in c.consumed]
    own += prep_objs(t, {"by"})
    of = prep_objs(t, {"of"})
    if c.type in AGENT_NOUN_INTRANS:
        own += of
    else:
        recips += [o for o in of if ctx.actor_at(o) is not None or o.pos_ == "PROPN"]
    recips += prep_objs(t, rp - {"of"})
    for k in t.children:  # "atrocities the Coalition perpetrated": a light verb in a relative clause
        if k.dep_ == "relcl" and lemma_of(k) in ctx.lex.light_verbs and not own:
            own = subject(ctx.lex, k)[0]
            c.light = k
        elif k.dep_ == "acl" and lemma_of(k) in ctx.lex.light_verbs and not own and c.light is None \
                and c.type in CONFLICT_ACTS:
            # "attacks carried out by regime helicopters on X": the participle's agent acts
            agent = [g for x in k.children if x.dep_ == "agent" for g in x.children if g.dep_ == "pobj"]
            if agent:
                own = agent
                c.light = k
                recips += prep_objs(k, rp)
    denier = denial_noun(ctx.lex, t)
    if denier is not None:
        c.status, c.denied_by = "denied", denier
        if not own and denier.head.pos_ in ("VERB", "AUX"):
            own = subject(ctx.lex, denier.head)[0]
    if c.type in CONFLICT_ACTS and all(k.ent_type_ in ("DATE", "TIME") for k in own):
        own += claimants(ctx.lex, t)  # "claimed responsibility for Friday's bombing"
    if c.type == "PROTEST" and not own:
        v = dispersed_by(ctx.lex, t)
        if v is not None and not any(k.dep_ in ("nsubjpass", "auxpass") for k in v.children):
            # "used tear gas to break up a protest by thousands": an active verb has no agent
            # phrase of its own, so the parser's "by" on it belongs to the protest
            own = prep_objs(v, {"by"})
    c.own_actor = bool(own)
    actors = own
    h = t.head
    if h.pos_ == "ADP" and h.dep_ == "prep":
        h = h.head
    if h.pos_ in ("VERB", "AUX") and (lemma_of(h) in ctx.lex.light_verbs or t.dep_ in ("dobj", "attr")):
        if t.dep_ == "pobj" and t.head.lower_ in ("on", "for") and not actors:
            actors = subject(ctx.lex, h)[0]
        if t.dep_ in ("dobj", "attr", "pobj", "nsubjpass") and (t.dep_ != "pobj" or t.head.lower_ in ("in", "of")):
            c.light = h if lemma_of(h) in ctx.lex.light_verbs else None
            if not actors and c.light is not None:
                actors = subject(ctx.lex, h)[0]
            if c.light is not None:
                recips += prep_objs(h, rp)
                recips += [g for k in h.children if k.dep_ == "dative" for g in dative(k)]
        if lemma_of(h) in ctx.lex.counter_verbs and not any(
                ctx.actor_at(x) is not None for r in recips for x in [r] + nearby(r, 2)):
            recips = subject(ctx.lex, h)[0]
    return actors, recips


def _moved_forces(ctx: DocContext, c: Cand) -> None:
    """"withdrew its troops from Syria", "is deploying 300 troops to Mali": the actor's own forces
    are the theme of the move, not a party to it; the place they go to or leave is (CAMEO codes
    the withdrawal or deployment as directed at it)."""
    themes = [r for r in c.recipients if r.dep_ == "dobj" and r.head.i == c.tok.i and _own_forces(ctx, r, c)]
    if not themes:
        return
    dest = [x for x in prep_objs(c.tok, MOVE_PREPS) if x.ent_type_ not in NON_PARTY_ENTS]
    for th in themes:  # "troops to Uganda" parsed on the noun
        dest += [x for x in prep_objs(th, MOVE_PREPS) if x.ent_type_ not in NON_PARTY_ENTS]
    if not dest:  # "mobilized troops for a battle against X": whom the forces are moved against
        dest = _against(c.tok)
    owned = all(any(k.dep_ == "poss" and k.lower_ in ctx.lex.pronouns for k in th.children) for th in themes)
    if not dest and not owned:
        return
    gone = {x.i for th in themes for x in conjuncts(th)}
    c.recipients = [r for r in c.recipients if r.i not in gone]
    c.recipients += [x for d in dest for x in conjuncts(d) if x not in c.recipients and x not in c.actors]


def _against(t: Token, depth: int = 4) -> list[Token]:
    """The object of the first 'against' below t, not entering other clauses: the opponent a
    purpose phrase names ("for a battle against X", "to move against X")."""
    frontier = [t]
    for _ in range(depth):
        nxt = []
        for h in frontier:
            for k in h.children:
                if k.dep_ in ("ccomp", "relcl", "parataxis", "nsubj", "nsubjpass", "punct"):
                    continue
                if k.dep_ == "prep" and k.lower_ == "against":
                    return [g for g in k.children if g.dep_ == "pobj"]
                nxt.append(k)
        frontier = nxt
    return []


def _own_forces(ctx: DocContext, r: Token, c: Cand) -> bool:
    """A military noun phrase that names no other party: "its troops", "300 troops", "peacekeepers"
    (not "Ukrainian forces", "the Philippines army", "Hamas fighters")."""
    sp = ctx.actor_at(r)
    info = (sp._.ew_actor or {}) if sp is not None else {}
    if info.get("sector") != "MIL":
        return False
    own = {(ctx.actor_at(a)._.ew_actor or {}).get("country") for a in c.actors if ctx.actor_at(a) is not None}
    if info.get("country") and info.get("country") in own:
        return True
    return not any(x.ent_type_ in ("NORP", "GPE", "ORG") or x.pos_ == "PROPN"
                   for x in r.subtree if x.i < r.i and x.dep_ != "poss" or x.dep_ == "poss" and x.lower_ not in ctx.lex.pronouns)


def _given_to(ctx: DocContext, parties: list[Token]) -> list[Token]:
    """'returned six Iraqi artifacts to the government of Iraq': with a party the object goes to,
    an object that is no actor itself (only its modifier is) is the thing given, not a party; so
    is any object of a verb of sending ('dispatched a team to Detroit': the team is sent)."""
    to = [p for p in parties if p.dep_ == "dative" or p.dep_ == "pobj" and p.head.lower_ == "to"]
    if not any(resolvable(ctx, p) for p in to):
        return parties
    named = any(ctx.actor_at(p) is not None for p in to)

    def theme(p: Token) -> bool:
        if _sent(ctx, p.head):
            return True
        return named and ctx.actor_at(p) is None and not (
            p.pos_ == "PROPN" and not any(ch.isdigit() for ch in p.text))  # "donated USD1 million": an amount
    return [p for p in parties if p.dep_ != "dobj" or not theme(p)]


def _sent(ctx: DocContext, v: Token) -> bool:
    """A verb of sending or handing over ('dispatched a team to Detroit', 'returned the prisoners to
    X'): with a party it goes to, its object is what moves, whether a thing or people (WordNet's
    motion verbs and the lexicon's verbs of giving)."""
    lem = lemma_of(v)
    return lem in ctx.lex.transfer or "motion" in typing_lexicon().wordnet.get(lem, ())
