"""Which candidates are events in their frame, and which are background, themes or one act told twice.

A nominal trigger needs a frame (an argument, a light verb, a toll it causes, a dispersal); an act
in an 'after/despite ...' phrase is background unless it names both parties; a noun that is the
object of another event's verb is its theme; one act told twice in a clause is merged.
"""

from __future__ import annotations

from spacy.tokens import Token

from eventwire.analysis.events.candidate import CONFLICT_ACTS, DENIABLE, Cand
from eventwire.analysis.events.context import DocContext
from eventwire.analysis.events.lexicon import Lexicon
from eventwire.analysis.events.tokens import lemma_of

# first words of the two-word prepositions that name a cause ("due to", "owing to", "because of")
CAUSAL_PREPS = ("due", "owing", "because")


def attested(lex: Lexicon, c: Cand) -> bool:
    """An act its frame says happened: the object of a verb of countering ("repelled an attack",
    "thwarted an attempt to assassinate") or of dispersal ("broke up a protest"), or the cause
    of a toll ("lost their lives in barrel bomb attacks"); or a deed someone denies ("no reporting
    of a strike", "did not initiate an attack"): PLOVER codes the denied act, with status denied."""
    if c.denied_by is not None or (c.negated and c.type in DENIABLE):
        return True
    t = c.tok
    heads = [t.head, t.head.head] if t.dep_ in ("dobj", "pobj", "xcomp") else []
    if any(lemma_of(h) in lex.counter_verbs for h in heads):
        return True
    return c.kind == "noun" and (dispersed_by(lex, t) is not None or casualty_frame(lex, t) is not None
                                 or occurred(lex, t))


def claimants(lex: Lexicon, t: Token) -> list[Token]:
    """'The FLN has claimed responsibility for several attacks': who claims (takes, admits)
    responsibility for an act names themselves its actor, as ACLED and GTD code such claims."""
    if t.dep_ != "pobj" or t.head.lower_ != "for" or lemma_of(t.head.head) != "responsibility":
        return []
    v = t.head.head.head
    if v.pos_ not in ("VERB", "AUX") or not lemma_of(v).startswith(lex.responsibility_stems):
        return []
    # "no group has claimed", "nobody claimed": no claimant
    return [k for k in v.children if k.dep_ == "nsubj" and k.lower_ not in lex.no_one
            and not any(d.dep_ == "det" and d.lower_ == "no" for d in k.children)]


def self_reported(lex: Lexicon, c: Cand) -> bool:
    """'The Houthis claimed that they had attacked the airport', 'the BLA has claimed
    responsibility for the attack': a party telling of its own deed (a claim of responsibility, as
    ACLED and GTD code it) attests the deed; the claims layer keeps it theirs to vouch for (status
    alleged)."""
    t = c.tok
    if c.type not in DENIABLE or c.negated:
        return False
    if c.kind == "noun":
        return bool(claimants(lex, t))
    if c.kind != "verb" or t.dep_ != "ccomp" or lemma_of(t.head) not in lex.statement_verbs:
        return False
    speaker = [k for k in t.head.children if k.dep_ == "nsubj"]
    subj = [k for k in t.children if k.dep_ == "nsubj"]
    return bool(speaker and subj) and subj[0].lower_ in lex.pronouns and speaker[0].lower_ not in lex.pronouns


def occurred(lex: Lexicon, t: Token) -> bool:
    """A named act said to have happened in a relative clause ("the suicide attack that occurred at a
    workers' convention", "the blast which took place on Monday")."""
    for k in t.children:
        if k.dep_ != "relcl" or k.pos_ not in ("VERB", "AUX"):
            continue
        lem = lemma_of(k)
        if lem in lex.occurrence_verbs or any(f"{lem} {lemma_of(g)}" in lex.occurrence_verbs
                                              for g in k.children if g.dep_ == "dobj"):
            return True
    return False


def dispersed_by(lex: Lexicon, t: Token) -> Token | None:
    """The verb that suppresses the gathering `t` names ("break up a protest", "dispersed the
    rally", "cracked down on a sit-in", "the march was dispersed"), if one governs it."""
    h = t.head
    if t.dep_ == "pobj" and h.pos_ == "ADP":
        h = h.head
    elif t.dep_ not in ("dobj", "nsubjpass"):
        return None
    if h.pos_ not in ("VERB", "AUX") or h.i == t.i:
        return None
    parts = {k.lower_ for k in h.children if k.dep_ in ("prt", "prep", "dobj", "compound:prt")}
    if t.dep_ == "pobj":
        parts.add(t.head.lower_)
    for extra in lex.dispersal.get(lemma_of(h), ()):
        if all(w in parts or (w == "fire" and lemma_of(h) == "open") for w in extra):
            return h
    return None


def framed(ctx: DocContext, c: Cand) -> bool:
    """A nominal trigger must be an event in context: an argument, a light verb, or an event verb's subject."""
    if c.kind != "noun":
        return True
    t = c.tok
    if c.type == "PROTEST" and dispersed_by(ctx.lex, t) is not None:
        return True  # "police broke up a protest": a protest that happened
    if c.type == "ASSAULT":
        frame = casualty_frame(ctx.lex, t)
        if frame is not None:
            c.merged.append(frame)  # its place and date may sit on the toll's verb ("In X, a woman died ...")
            return True
    if c.light is not None or c.actors or c.recipients or c.denied_by is not None:
        return True
    if c.type in CONFLICT_ACTS and occurred(ctx.lex, t):
        return True
    if c.type in CONFLICT_ACTS and t.dep_ == "dobj" and _situated(ctx, t) and any(
            e.type == "ACCUSE" and e.mode == "disapprove" for e in ctx.lex.verbs.get(lemma_of(t.head), ())):
        return True  # "condemned an attack near Beni in which 36 were killed"
    return t.dep_ == "nsubj" and t.head.pos_ == "VERB"


def casualty_frame(lex: Lexicon, t: Token) -> Token | None:
    """'killed in airstrikes', 'documented the death of 11 civilians in shelling', 'lost their
    lives in attacks', 'died as a result of shelling': an attack named as the cause of a toll."""
    cas = set()
    for table in (lex.killed, lex.injured):
        for k in ("verbs", "nouns", "adjectives"):
            cas |= table.get(k, set())
    def left_dead(v: Token) -> bool:  # "left at least 47 dead", "left 53 dead and dozens injured"
        return lemma_of(v) == "leave" and any(lemma_of(g) in cas or g.lower_ in cas for g in v.subtree if g.i > v.i)

    if t.dep_ == "nsubj" and left_dead(t.head):
        return t.head  # "a suicide blast during a procession left 53 dead"
    for k in t.children:  # "an attack that killed at least 35": the toll's cause told the other way round
        if k.dep_ != "relcl" or k.pos_ != "VERB":
            continue
        for v in (k, *(c for c in k.children if c.dep_ == "conj" and c.pos_ == "VERB")):
            if lemma_of(v) in cas or left_dead(v):
                return v  # "which claimed 32 lives and wounded 150 others": the toll's verb may be the second
    x = t
    for _ in range(3):
        if x.dep_ != "pobj":
            return None
        p = x.head
        if p.dep_ == "pcomp" and p.head.lower_ in CAUSAL_PREPS:
            p = p.head  # "died due to a rocket strike", "killed because of shelling": climb to 'due'
        elif p.lower_ not in ("in", "by", "of", "from", *CAUSAL_PREPS):  # the parser hangs it on either
            return None
        h = p.head
        lem = lemma_of(h)
        if lem in cas or h.lower_ in cas:
            return h
        if lem in lex.toll_nouns and (lem == "toll" or any(
                lemma_of(k) in cas for k in h.children if k.dep_ in ("compound", "amod"))):
            return h  # "the death toll from the bombing"
        if h.pos_ in ("VERB", "AUX") and (
                lem == "lose" and any(lemma_of(k) == "life" for k in h.children if k.dep_ == "dobj")
                or any(k.dep_ == "dobj" and lemma_of(k) in cas for k in h.children)):
            return h
        if lem not in ("result", "consequence", "wake"):
            return None
        x = h.head if h.dep_ == "pobj" else h  # "as a result of": climb to what 'as' modifies
        if x.dep_ == "prep":
            x = x.head
            return x if (lemma_of(x) in cas or x.lower_ in cas) else None
    return None


def background(ctx: DocContext, cands: list[Cand]) -> None:
    """Drop the weak events a sentence mentions only as background or as another event's theme.

    An event inside an 'after/following/despite/before/until ...' phrase of another clause
    is kept only with both an actor and a recipient; a nominal event that is the object of
    another event's verb ('rejected calls for aid', 'conceded to demands') is that event's
    theme, not a second event.
    """
    verbs = {c.tok.i: c for c in cands if c.kind != "noun"}
    for c in cands:
        t = c.tok
        if c.kind == "noun":
            h = t.head
            if h.pos_ == "ADP" and h.dep_ == "prep":
                h = h.head
            other = verbs.get(h.i)
            if other is not None and other is not c and other.type != c.type and t.dep_ in ("dobj", "pobj") \
                    and not (other.type == "ACCUSE" and other.mode == "disapprove" and t.dep_ == "dobj"
                             and c.type in CONFLICT_ACTS and _situated(ctx, t)):
                c.suppressed = True
                if c.recipients and any(r.i == t.i for r in other.recipients):
                    # "removed sanctions on X, Y and Z": the parties of the theme are the verb's
                    other.recipients = [r for r in other.recipients if r.i != t.i] + [
                        r for r in c.recipients if r not in other.recipients and r not in other.actors]
                continue
        if c.type in ("REQUEST", "ACCUSE") and t.dep_ in ("advcl", "xcomp") and (
                t.head.i in verbs and verbs[t.head.i].type == "PROTEST"
                or any(p.type == "PROTEST" and p.kind == "noun" and p.tok.head.i == t.head.i
                       and p.tok.dep_ == "dobj" for p in cands)):
            # "demonstrated to demand", "blocked roads calling for", "began a hunger strike to
            # demand": the protest's aim, not a second event
            c.suppressed = True
            continue
        if c.type == "PROTEST" and c.kind == "verb" and t.dep_ in ("advcl", "xcomp", "acl") \
                and (t.tag_ == "VBG" or any(k.dep_ == "aux" and k.lower_ == "to" for k in t.children)) \
                and any(x.i != t.i and any(e.type == "PROTEST" for e in ctx.lex.nouns.get(lemma_of(x), ()))
                        for x in t.sent):
            c.suppressed = True  # "began a hunger strike to protest": one protest, told with its aim
            continue
        if c.kind == "verb" and c.type == "ASSAULT" and _in_toll(ctx.lex, t):
            c.suppressed = True  # "bringing to 15 the number of civilians killed this week": a count
            continue
        x = t
        background = False
        while x.head.i != x.i:
            if x.dep_ == "relcl" and any(k.lower_ in ("where", "which", "when") for k in x.subtree if k.i < t.i):
                background = True
                break
            marker = x if x.dep_ == "prep" else next(
                (k for k in x.children if k.dep_ in ("mark", "advmod") and x.dep_ == "advcl"), None)
            if marker is not None and marker.lower_ in ctx.lex.background_markers and not (
                    marker.lower_ == "as" and any(lemma_of(k) in ("result", "consequence") for k in marker.children)):
                background = True
                break
            if x.dep_ in ("ccomp",):
                break
            x = x.head
        if background and not (c.actors and c.recipients):
            c.suppressed = True


def _situated(ctx: DocContext, t: Token) -> bool:
    """A nominal act told with its own place or toll ('condemned an attack near Beni in which 36
    were killed'): an event in its own right, not only the theme of the condemnation."""
    for k in t.children:
        if k.dep_ == "prep" and k.lower_ in ctx.lex.place_preps and any(
                g.ent_type_ in ("GPE", "LOC", "FAC") or g.i in ctx.place_tok for g in k.subtree):
            return True
        if k.dep_ == "relcl" and lemma_of(k) in ("kill", "wound", "injure", "die"):
            return True
    return False


def _in_toll(lex: Lexicon, t: Token) -> bool:
    """A participle describing a casualty total ('the number of civilians killed')."""
    if t.dep_ != "acl":
        return False
    n = t.head
    if lemma_of(n) in lex.toll_nouns:
        return True
    return n.dep_ == "pobj" and n.head.lower_ == "of" and lemma_of(n.head.head) in lex.toll_nouns


def _purpose_of(a: Cand, b: Cand) -> bool:
    """'began a sit-in to protest against X': an act of the same type as its purpose restates it."""
    return a.light is not None and b.tok.head.i == a.light.i and b.tok.dep_ in ("advcl", "xcomp") \
        and any(k.dep_ == "aux" and k.lower_ == "to" for k in b.tok.children)


def merge(cands: list[Cand]) -> None:
    """One act told twice in a clause ('killed ... in a bomb attack') is one event."""
    for a in cands:
        if a.suppressed:
            continue
        for b in cands:
            if b is a or b.suppressed or b.type != a.type or not (a.tok.is_ancestor(b.tok) or _purpose_of(a, b)):
                continue
            if a.kind == "noun" and any(x.i == a.tok.i for x in b.actors):
                # "an attack that killed five": the relative clause's subject is the act itself
                b.actors, b.own_actor = [], False
            if b.kind == "noun" and any(x.i == b.tok.i for x in a.actors):
                # "an air strike by the coalition killed 12": the verb's subject is the act itself,
                # whose own actor is the verb's
                a.actors = [x for x in a.actors if x.i != b.tok.i] + [x for x in b.actors if x not in a.actors]
            if b.own_actor and b.actors and a.actors and {x.i for x in b.actors} != {x.i for x in a.actors}:
                continue
            if a.type not in CONFLICT_ACTS and a.recipients and b.recipients \
                    and {x.i for x in a.recipients} != {x.i for x in b.recipients}:
                continue  # "urged X ..., calling on Y": two demands to two parties
            if (b.own_actor or b.light is not None) and b.actors and not a.actors:
                # "23 were killed as forces launched air strikes": the light verb's subject acts
                a.actors = b.actors
            b.suppressed = True
            a.merged += [x for x in (b.tok, b.light, *b.merged) if x is not None]
            if a.mode is None:
                a.mode = b.mode
            if not a.recipients:
                a.recipients = b.recipients
            for key in ("killed", "injured"):
                for k in ("min", "max"):
                    if getattr(a, key)[k] is None:
                        getattr(a, key)[k] = getattr(b, key)[k]
