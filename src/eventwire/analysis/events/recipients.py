"""Recipients from weaker evidence, added once a sentence's events are settled.

They never decide whether an event is kept: the owner of an object ("a U.S. request"), the
party it is aimed at ("support to X"), a protest's aim, a threat's condition, a demand's that-clause, a symmetric act's second party,
then the nearest party in the event's own phrase, then the nearest other actor of its clause.
"""

from __future__ import annotations

from spacy.tokens import Token

from eventwire.analysis.event_typing import typing_lexicon
from eventwire.analysis.events.candidate import Cand
from eventwire.analysis.events.context import DocContext
from eventwire.analysis.events.lexicon import Lexicon
from eventwire.analysis.events.parties import owner, party_noun, resolvable
from eventwire.analysis.events.place_time import clause_tokens
from eventwire.analysis.events.roles import _given_to, prep_objs
from eventwire.analysis.events.tokens import CLAUSAL, SUBJ, conjuncts, dative, lemma_of


def late_recipients(ctx: DocContext, c: Cand) -> None:
    """Recipients from weaker evidence, added once the events of a sentence are settled (so they
    never decide whether an event is kept); then one party per phrase (`_one_per_party`)."""
    _weaker_recipients(ctx, c)
    c.recipients = _one_per_party(ctx, c.recipients + _appositive_conjuncts(ctx, c))
    c.reciprocal = bool(c.actors) and (c.reciprocal or bool(_counterparts(ctx.lex, c)))


def _symmetric(lex: Lexicon, c: Cand) -> bool:
    """Whether the act is one of parties dealing with each other: its verb (or light verb's noun)
    is a VerbNet Co-Agent verb or a WordNet noun of one ("met", "held talks", "clashed")."""
    words = [c.tok, *([c.light] if c.light is not None else []), *(c.tok.doc[i] for i in c.consumed)]
    return any(lemma_of(w) in (lex.reciprocal_verbs if w.pos_ in ("VERB", "AUX") else lex.reciprocal_nouns)
               for w in words)


def _counterparts(lex: Lexicon, c: Cand) -> list[Token]:
    """The recipients named as the other party of a symmetric act: 'with X', 'between X and Y', or
    the object of a verb whose counterpart can be one ('met Erdogan', 'fought the army')."""
    if not c.recipients or not _symmetric(lex, c):
        return []
    out = []
    for r in c.recipients:
        x = r
        while x.dep_ == "conj" and x.head.i != x.i:
            x = x.head
        if x.dep_ == "pobj" and x.head.lower_ in ("with", "between") \
                or x.dep_ == "dobj" and lex.reciprocal_verbs.get(lemma_of(x.head)):
            out.append(r)
    return out


def _weaker_recipients(ctx: DocContext, c: Cand) -> None:
    """The rules of `late_recipients`, strongest first; each one that finds a party ends the search."""
    aimed = [[] if _owned(ctx, r) else [x for x in _aimed_at(ctx, r) if x not in c.actors] for r in c.recipients]
    if any(aimed):  # "pledged support to the Palestinian people", "condolences for the British people"
        c.recipients = [x for r, a in zip(c.recipients, aimed, strict=True) for x in (a or [r])]
        return
    if any(resolvable(ctx, r) or party_noun(ctx, r) for r in c.recipients):
        return
    owners = [o for r in c.recipients if (o := owner(ctx, r)) is not None and o not in c.actors]
    if owners:  # "rejected a U.S. request", "denounced Serbia's crackdown": the party behind the thing
        c.recipients = owners
        return
    if c.type == "PROTEST":
        aim = [x for r in _aim_targets(ctx.lex, c) for x in [r if resolvable(ctx, r) else owner(ctx, r)]
               if x is not None and x not in c.actors]
        if aim:
            c.recipients = aim
            return
    if c.type == "THREATEN":
        cond = _condition_subjects(ctx.lex, c)
        cond = [x for x in cond if resolvable(ctx, x) and x not in c.actors]
        if cond:  # "threatened to stop talks if the United States goes ahead": the party warned
            c.recipients = cond
            return
    if c.type in ctx.lex.clausal_recipient_types:
        # "demanded that the US cancel its plans": the party told to act is the clause's subject
        subj = [s for k in _content_clauses(c) for s in k.children if s.dep_ in ("nsubj", "nsubjpass")]
        subj = [s for s in subj if resolvable(ctx, s) and s not in c.actors]
        if subj:
            c.recipients = subj
            return
    if len(c.actors) > 1 and all(a.dep_ == "conj" for a in c.actors[1:]) and _symmetric(ctx.lex, c):
        # "X and Y agreed / met / held talks": in a symmetric act each party is the other's
        # counterpart (`to_record` lists every party on both sides)
        c.recipients, c.reciprocal = [], True
        return
    acted = [x for x in _act_noun_parties(ctx, c) if x not in c.actors]
    if acted:  # "lifts 4-year boycott of U.S. products", "halted its aid to the rebels"
        c.recipients = acted
        return
    c.recipients = [x for r in _fallback_recipients(ctx, c) for x in conjuncts(r) if x not in c.actors]
    if not c.recipients and c.type in ctx.lex.purpose_events:
        c.recipients = _beneficiaries(ctx, c)
    if not c.recipients:
        c.recipients = _other_party(ctx, c)


def _act_noun_parties(ctx: DocContext, c: Cand) -> list[Token]:
    """The parties of the act noun a verb acts on ("eased the ban on aid agencies", "lifted a
    boycott of U.S. products"): its aimed-at or 'of' complement, or that thing's owner."""
    out: list[Token] = []
    doc = c.tok.doc
    for i in sorted(c.consumed):
        if doc[i].pos_ != "NOUN":
            continue
        for k in doc[i].children:
            if k.dep_ != "prep" or k.lower_ not in ctx.lex.aim_preps | {"of"}:
                continue
            for g in (g for g in k.children if g.dep_ == "pobj"):
                for x in conjuncts(g):
                    y = x if resolvable(ctx, x) or party_noun(ctx, x) else owner(ctx, x)
                    if y is not None and y not in out:
                        out.append(y)
    return out


def _owned(ctx: DocContext, thing: Token) -> bool:
    """Whether a thing names a party it belongs to ('Trump's invitation', 'the JIA demand', 'the
    evacuation of children', 'an offer from Afghanistan'); the actor's own does not count ('his
    country's support', 'its commitment')."""
    def party(x: Token) -> bool:
        return ctx.actor_at(x) is not None or x.pos_ == "PROPN" or party_noun(ctx, x)

    def own(k: Token) -> bool:
        return k.lower_ in ctx.lex.pronouns or any(g.dep_ == "poss" and g.lower_ in ctx.lex.pronouns for g in k.children)
    for k in thing.children:
        if k.dep_ == "poss" and not own(k) or k.dep_ in ("compound", "nmod") and k.i < thing.i and party(k):
            return True
        if k.dep_ in ("prep", "agent") and k.lower_ in ("of", "by", "from") and any(
                g.dep_ == "pobj" and party(g) for g in k.children):
            return True
    return False


def _aimed_at(ctx: DocContext, thing: Token) -> list[Token]:
    """The parties a thing the act is about is directed at: 'support to X', 'condolences for X',
    'commitment to X', 'a ban on X' (each conjunct a party: a name, an actor or a person noun)."""
    if thing.pos_ != "NOUN" or thing.dep_ == "appos" or ctx.actor_at(thing) is not None or party_noun(ctx, thing):
        return []  # an appositive restates a party ("the University of the Streets, a jazz venue on ...")
    # "concern for President Buhari's health": a thing aimed at is its owner's
    return [y for k in thing.children if k.dep_ == "prep" and k.lower_ in ctx.lex.aim_preps
            for g in k.children if g.dep_ == "pobj" for x in conjuncts(g)
            if (y := x if resolvable(ctx, x) or party_noun(ctx, x) else owner(ctx, x)) is not None]


def _beneficiaries(ctx: DocContext, c: Cand) -> list[Token]:
    """The party an act is done for, named by its purpose clause ("earmarked aid to help Haiti
    cope", "offered to send troops to help the Philippines army", "a mediation effort designed to
    help the Government and the secessionists"): the object of a verb the CAMEO dictionary codes
    as helping (a PLOVER type in ``purpose_types``), or the subject of the clause it governs."""
    cameo = typing_lexicon()
    heads = _verb_heads(c)
    heads += [o for h in heads for o in h.children if o.dep_ in ("dobj", "xcomp")]
    purposes: list[Token] = []
    for h in heads:
        purposes += [k for k in h.children if k.dep_ in ("advcl", "xcomp", "acl") and k.pos_ == "VERB"
                     and k.i > c.tok.i and cameo.cameo_type(lemma_of(k)) in ctx.lex.purpose_types]
    out: list[Token] = []
    for k in purposes:
        objs = [g for g in k.children if g.dep_ in ("dobj", "dative")]
        objs += [g for x in k.children if x.dep_ in ("ccomp", "xcomp") for g in x.children if g.dep_ in ("nsubj", "dobj")]
        out += [x for o in objs for x in conjuncts(o) if resolvable(ctx, x) and x not in c.actors and x not in out]
    return out


def _appositive_conjuncts(ctx: DocContext, c: Cand) -> list[Token]:
    """'sanctions against the Russian space organization Glavkosmos and the ISRO': the parser hangs
    the coordination on the nearest noun, the appositive name, so its conjuncts are parties of the
    recipient's own phrase."""
    out: list[Token] = []
    for r in c.recipients:
        for a in r.children:
            if a.dep_ == "appos":
                out += [x for x in conjuncts(a)[1:] if resolvable(ctx, x) and x not in c.actors
                        and x not in c.recipients and x not in out]
    return out


def _one_per_party(ctx: DocContext, recips: list[Token]) -> list[Token]:
    """Drop recipient heads that only restate or locate another one: the setting of an act on a
    party ("detained dozens of demonstrators in Yerevan", "surrendered to the police in Camarines
    Norte": the place is where, a CAMEO coder marks the one phrase) and an appositive of a party
    ("the Sudanese Foreign Minister, Professor Ibrahim Ahmed Ghandour": one person, not two). A
    place stays the recipient when it is the only one ("intervened in Syria")."""
    if len(recips) < 2:
        return recips
    spans = [ctx.actor_at(r) for r in recips]

    def locative(r: Token) -> bool:
        return r.dep_ == "pobj" and r.head.lower_ == "in" and r.head.dep_ == "prep"

    def holds(j: int, x: Token) -> bool:
        o = spans[j]
        return o.start <= x.i < o.end if o is not None else recips[j].i == x.i

    def restates(k: int) -> bool:
        """Reached from another recipient up its own phrase through an appositive."""
        x = spans[k].root if spans[k] is not None else recips[k]
        appos = False
        while x.head.i != x.i and x.dep_ not in CLAUSAL and x.dep_ != "conj":
            appos = appos or x.dep_ == "appos"
            x = x.head
            if any(j != k and holds(j, x) for j in range(len(recips))):
                return appos
        return False

    def country(r: Token) -> str | None:
        sp = ctx.actor_at(r)
        return (sp._.ew_actor or {}).get("country") if sp is not None else None

    kept = [r for k, r in enumerate(recips) if not restates(k)]
    parties = [r for r in kept if not locative(r)]
    if not parties:
        return kept
    # "inspectors to the Esfahan facilities in central Iran": a setting that alone says whose
    # the recipient is (it has no country of its own) stays
    known = any(country(r) for r in parties)
    return [r for r in kept if not locative(r) or not known and country(r)]


def _other_party(ctx: DocContext, c: Cand) -> list[Token]:
    """Last resort: the nearest other actor of the event's own clause ("Hamas accepted a formula to
    end its conflict with Israel"): an act between parties rarely names only one of them."""
    own = {id(sp) for a in c.actors if (sp := ctx.actor_at(a)) is not None}
    rep = ctx.lex.modality.get("reporting", set())
    for x in clause_tokens(c):
        sp = ctx.actor_at(x)
        if sp is None or id(sp) in own or x.i == c.tok.i or x.idx < ctx.dateline_end:
            continue
        if x.dep_ in SUBJ and lemma_of(x.head) in rep:
            continue  # "..., the ministry said": the speaker, not a party
        if sp.root.i != x.i:
            continue  # take each span once, at its head
        return [sp.root]
    return []


def _verb_heads(c: Cand) -> list[Token]:
    """The trigger and, for a nominal trigger, the verb it is the object of ('began a hunger strike')."""
    heads = [c.tok]
    if c.light is not None:
        heads.append(c.light)
    elif c.kind == "noun" and c.tok.dep_ == "dobj" and c.tok.head.pos_ in ("VERB", "AUX"):
        heads.append(c.tok.head)
    return heads


def _aim_targets(lex: Lexicon, c: Cand) -> list[Token]:
    """What a protest is against, told as its aim: 'to protest against Sweden's decision', 'to demand
    the resignation of X', 'in protest at X's refusal'."""
    preps = {"against", "at", "over", "of"}
    out: list[Token] = []
    for h in _verb_heads(c):
        for k in h.children:
            if k.dep_ in ("advcl", "xcomp") and k.pos_ == "VERB" and k.i > c.tok.i and any(
                    a.dep_ == "aux" and a.lower_ == "to" for a in k.children):
                objs = [g for g in k.children if g.dep_ == "dobj"]
                out += objs + prep_objs(k, preps - {"of"})
                # "to show their disapproval of X's policies": what the stance is about
                out += [g for o in objs for g in prep_objs(o, preps | {"for"})]
            elif k.dep_ == "prep" and k.lower_ == "in":
                for g in k.children:
                    if g.dep_ == "pobj" and any(e.type == "PROTEST" for e in lex.nouns.get(lemma_of(g), ())):
                        out += prep_objs(g, preps)
    return out


def _condition_subjects(lex: Lexicon, c: Cand) -> list[Token]:
    """Subjects of the if/unless clauses under a threat (down through its content, not into
    other reported clauses)."""
    cond = lex.modality.get("conditional", set())
    out, stack = [], list(_verb_heads(c))
    seen = {x.i for x in stack}
    while stack:
        h = stack.pop()
        for k in h.children:
            if k.i in seen or k.dep_ in ("ccomp", "relcl", "parataxis") and k.head.i != c.tok.i:
                continue
            seen.add(k.i)
            if k.dep_ == "advcl" and any(m.dep_ == "mark" and lemma_of(m) in cond for m in k.children):
                out += [g for g in k.children if g.dep_ in ("nsubj", "nsubjpass")]
            elif k.dep_ in ("xcomp", "ccomp", "dobj", "conj"):
                stack.append(k)
    return out


def _content_clauses(c: Cand) -> list[Token]:
    """The that-clauses a speech act governs: on the verb, on a nominal trigger ('its demand that
    Israel ease ...'), or on the verb whose object the nominal trigger is."""
    heads = _verb_heads(c)
    return [k for h in heads for k in h.children
            if k.dep_ in ("ccomp", "acl") and k.pos_ in ("VERB", "AUX") and k.i > c.tok.i
            and any(m.dep_ == "mark" and m.lower_ == "that" for m in k.children)
            or k.dep_ == "ccomp" and k.pos_ in ("VERB", "AUX") and k.i > c.tok.i and c.kind == "verb"]


def _fallback_recipients(ctx: DocContext, c: Cand) -> list[Token]:
    """The other party when the type's own rules found none: the nearest actor (or name) in an
    object or a prepositional complement inside the event's own phrase ("opened its borders to
    X", "pledged support to X", "assistance in northern Iraq", "returned paintings to the
    government of Brazil"). The search walks down from the trigger (and its light verb) without
    entering other clauses and stops at the first level that has one."""
    preps = ctx.lex.fallback_preps
    frontier = [c.tok] + ([c.light] if c.light is not None else [])
    seen = {x.i for x in frontier}
    for _ in range(4):
        found: list[Token] = []
        nxt: list[Token] = []
        for h in frontier:
            for k in h.children:
                if k.i in seen or k.dep_ in ("ccomp", "relcl", "parataxis", "csubj", "advcl", "nsubj",
                                              "nsubjpass", "agent", "appos", "punct", "cc", "mark"):
                    continue
                if k.dep_ == "conj" and k.pos_ in ("VERB", "AUX"):
                    continue
                seen.add(k.i)
                nxt.append(k)
                if k.dep_ in ("dobj", "dative") and k.i not in c.consumed:
                    targets = dative(k) if k.dep_ == "dative" else [k]
                elif k.dep_ == "prep" and k.lower_ in preps:
                    targets = [g for g in k.children if g.dep_ == "pobj" and g.ent_type_ not in ("DATE", "TIME")]
                    seen.update(g.i for g in targets)
                    nxt.extend(targets)
                else:
                    continue
                for g in targets:
                    if g not in c.actors and g not in found and resolvable(ctx, g):
                        found.append(g)
        if found:
            return _given_to(ctx, found)
        frontier = nxt
    return []
