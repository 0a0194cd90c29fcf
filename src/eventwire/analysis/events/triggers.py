"""Triggers: which words of a sentence may be events, with the type and mode their lexicon entry gives.

A trigger counts only in an eventive frame (precision first: automated coders are known for floods
of false events): a verb with its arguments, a nominalisation with an argument or a light verb
("launched an attack"); a noun modifying a noun ("attack helicopter") and a reporting verb ("said")
are never events. Verbs only PETRARCH2's CAMEO dictionary knows are candidates too, for the type
model to decide. Also: stated obligations read as demands, and an assault's mode from its cues.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from eventwire.analysis.event_typing import TypingLexicon, typing_lexicon
from eventwire.analysis.events.candidate import Cand
from eventwire.analysis.events.context import DocContext
from eventwire.analysis.events.lexicon import Entry, Lexicon
from eventwire.analysis.events.modality import denial_noun
from eventwire.analysis.events.parties import party_noun
from eventwire.analysis.events.tokens import dative, lemma_of, nearby, receivers_on

# where a verb is no predication but a modifier or an argument ("the wounded", "US-backed")
NOT_PREDICATE = ("amod", "compound", "dobj", "nsubj", "nsubjpass", "pobj", "oprd", "acomp")


def match(tok: Token, entries: list[Entry], noun: bool) -> tuple[Entry, set[int]] | None:
    """The first entry whose other words are near the head (before it, for a noun), with their tokens."""
    for e in entries:
        if not e.extra:
            return e, set()
        near = nearby(tok, 3)
        used: set[int] = set()
        ok = True
        for w in e.extra:
            hit = [x for x in near if (lemma_of(x) == w or x.lower_ == w) and x.i not in used]
            if noun:
                hit = [x for x in hit if x.i < tok.i]
            else:  # a verb's particle or preposition follows it ("called on X"; not "On Nov. 2, X called Y")
                hit = [x for x in hit if x.i > tok.i or x.pos_ not in ("ADP", "PART")]
            if not hit:
                ok = False
                break
            used.add(hit[0].i)
        if ok:
            return e, used
    return None


def _transfer(ctx: DocContext, tok: Token) -> Entry | None:
    """'gave 625 rifles to the Marines', 'returned artifacts to the Embassy', 'provide Brazil with
    loans': a verb of giving is an event only with a thing given (not an event noun) and a
    party that receives it, named as an actor."""
    entry = ctx.lex.transfer.get(lemma_of(tok))
    if entry is None or tok.pos_ != "VERB" or tok.dep_ in ("amod", "compound", "nsubj", "nsubjpass", "pobj"):
        return None
    objs = [k for k in tok.children if k.dep_ == "dobj"]
    if not objs or any(lemma_of(o) in ctx.lex.nouns or o.pos_ == "PRON" for o in objs):
        return None
    abstract = ctx.lex.transfer_not_things.get(lemma_of(tok))
    if abstract and all(typing_lexicon().nouns.get(lemma_of(o)) in abstract for o in objs):
        return None  # "sent a letter", "gave a speech", "gave Putin a deadline": no resource changes hands

    def party(x: Token) -> bool:
        return ctx.actor_at(x) is not None or x.pos_ == "PROPN" or party_noun(ctx, x) or any(
            y.dep_ in ("poss", "compound", "amod") and ctx.actor_at(y) is not None for y in x.children)

    if any(party(g) for g in receivers_on(objs)):
        return entry
    for k in tok.children:
        if k.dep_ == "dative" and any(party(g) for g in dative(k)):
            return entry
        if k.dep_ == "prep" and k.lower_ in ("to", "for") and any(
                g.dep_ == "pobj" and party(g) for g in k.children):
            return entry
        if k.dep_ == "prep" and k.lower_ == "with" and any(party(o) for o in objs):
            return entry
    return None


def find_triggers(ctx: DocContext, sent: Span, cameo: TypingLexicon | None = None) -> list[Cand]:
    """Candidates of a sentence: lexicon verbs and nouns in an eventive frame, verbs of giving with a
    receiving party, and (with `cameo`, when a type model decides) verbs only the CAMEO dictionary codes."""
    lex = ctx.lex
    out: list[Cand] = []
    consumed: set[int] = set()
    doc, lems, pos = sent.doc, ctx.lem, ctx.pos
    for i in range(sent.start, sent.end):
        lem = lems[i]
        if lem not in lex.transfer and pos[i] != "VERB":
            continue  # neither branch below can take it
        tok = doc[i]
        if lem in lex.transfer:
            m = match(tok, lex.verbs[lem], noun=False) if lem in lex.verbs else None
            # a light verb's own phrase ("provide aid") wins; so does a full entry that matches
            # ("hand over medicine"), but one that does not leaves the plain giving ("handed over $4m to")
            light = lem not in lex.verbs or lem in lex.light_verbs
            e = _transfer(ctx, tok) if (m is None or light and not m[0].extra) else None
            if e is not None:
                out.append(Cand(tok, e.type, e.mode, list(e.context), "verb", set()))
                continue
        if tok.pos_ == "VERB" and lem in lex.verbs:
            if tok.dep_ in NOT_PREDICATE \
                    or (tok.dep_ == "conj" and tok.head.dep_ in ("oprd", "acomp", "amod")) \
                    or lem in lex.modality.get("reporting", ()):
                continue  # "the wounded", "US-backed": not a predication
            m = match(tok, lex.verbs[lem], noun=False)
            if m:
                e, used = m
                if not e.extra and lem in lex.light_verbs:
                    continue
                typ, mode, ectx = e.type, e.mode, list(e.context)
                if mode == "cyber":
                    kind = _cyber(lex, tok)
                    if kind is None:
                        continue
                    if kind == "primitive":
                        typ, mode, ectx = "ASSAULT", "primitive", ["military"]
                if lem in lex.clausal_types and (any(k.dep_ == "ccomp" for k in tok.children) or (
                        tok.dep_ in ("acl", "parataxis") and tok.head.dep_ == "appos")):
                    # "Y is failing, a rights group protested": the parser hangs the verb on the group
                    typ, mode = lex.clausal_types[lem]
                    ectx = []
                out.append(Cand(tok, typ, mode, ectx, "verb", used))
                consumed |= used
            elif cameo is not None and lem not in lex.grammar and lem not in lex.dispersal \
                    and not (any(k.dep_ == "xcomp" for k in tok.children) and not any(k.dep_ == "dobj" for k in tok.children)) \
                    and (typ := cameo.cameo_type(lem)) is not None:
                # a verb the lexicon knows only in phrases, used outside them ("called Lavrov", not
                # "called for"): the CAMEO dictionary's sense, for the type model to decide. Not
                # when its only complement is a verb ("failing to uphold": the act is there)
                out.append(Cand(tok, typ, None, [], "verb", set(), origin="cameo"))
        elif tok.pos_ == "VERB" and lem not in lex.verbs and tok.dep_ not in NOT_PREDICATE \
                and _munition_at_target(lex, tok):
            # "dropped a bomb on a theatre", "lobbed grenades at the police": a munition sent at a target
            out.append(Cand(tok, "ASSAULT", None, ["military"], "verb", set()))  # mode: `assault_mode`
        elif cameo is not None and tok.pos_ == "VERB" and lem not in lex.verbs and lem not in lex.grammar \
                and tok.dep_ not in NOT_PREDICATE:
            typ = cameo.cameo_type(lem)
            if typ is not None:  # a verb only the CAMEO dictionary knows: the type model decides
                out.append(Cand(tok, typ, None, [], "verb", set(), origin="cameo"))
    nouns = _acts_on_acts(ctx, _noun_triggers(ctx, sent, consumed), {c.tok.i for c in out if c.origin != "cameo"})
    acting = {c.tok.i for c in nouns if c.kind == "verb"}  # an act on an act wins over the dictionary's sense
    out = [c for c in out if c.tok.i not in acting] + nouns
    return [c for c in out if c.tok.i not in consumed or c.kind == "verb"]


def _acts_on_acts(ctx: DocContext, nouns: list[Cand], verb_triggers: set[int]) -> list[Cand]:
    """'reduced humanitarian aid to 50,000 people' (SANCTION), 'eased the curfew' (CONCEDE): an act
    noun that is the object of a verb of cutting or easing makes that verb an event of the type
    `acts_on_acts` gives the pair (CAMEO 16x, 08x)."""
    out = []
    for c in nouns:
        v = c.tok.head
        typ = ctx.lex.acts_on_acts.get((_phrasal(v), c.type)) if c.tok.dep_ == "dobj" and v.pos_ == "VERB" \
            and v.i not in verb_triggers else None
        out.append(c if typ is None else Cand(v, typ[0], typ[1], [], "verb", {c.tok.i}))
    return out


def _phrasal(v: Token) -> str:
    """A verb's lemma with its particle ("scale back", "cut off")."""
    prt = [k.lower_ for k in v.children if k.dep_ == "prt"]
    return lemma_of(v) + (" " + prt[0] if prt else "")


def _noun_triggers(ctx: DocContext, sent: Span, consumed: set[int]) -> list[Cand]:
    """Lexicon nouns in an eventive frame (not modifiers: "attack helicopter"); `consumed` (the
    words verb triggers took, "launched an attack") grows with the words each noun takes."""
    lex, doc, lems, pos = ctx.lex, sent.doc, ctx.lem, ctx.pos
    out: list[Cand] = []
    for i in range(sent.start, sent.end):
        if i in consumed or pos[i] not in ("NOUN", "PROPN"):
            continue
        lem = lems[i]
        joined = _hyphenated(lex, doc, lems, i, sent.start)
        entries = joined or lex.nouns.get(lem)
        if not entries:
            continue
        tok = doc[i]
        if tok.dep_ in ("compound", "amod", "nmod") and tok.head.pos_ in ("NOUN", "PROPN"):
            continue  # "attack helicopter", "protest movement"
        m = match(tok, entries, noun=True)
        if not m:
            continue
        e, used = m
        typ, mode = e.type, e.mode
        if lem == "strike" and not e.extra:
            mods = {lemma_of(c) for c in tok.children if c.dep_ in ("amod", "compound", "nmod", "poss")}
            mods |= {c.lower_ for c in tok.children if c.dep_ in ("amod", "compound", "nmod")}
            if mods & lex.strike_military or tok.head.lemma_.lower() in ("launch", "carry", "conduct") \
                    or _military_strike(lex, tok):
                typ, mode = "ASSAULT", "aerial" if "air" in mods else None
            else:
                typ, mode = "PROTEST", "strike"
        out.append(Cand(tok, typ, mode, list(e.context), "noun", used, first=doc[i - 2] if joined else None))
        consumed |= used
    return out


def _hyphenated(lex: Lexicon, doc: Doc, lems: list[str], i: int, start: int) -> list[Entry] | None:
    """The entries of a noun the tokenizer split at its hyphen ("cease-fire", "sit-in",
    "counter-attack"): the word ending at token i, written with the hyphen or without it."""
    if i - 2 < start or doc[i - 1].text != "-":
        return None
    first = lems[i - 2]
    return lex.nouns.get(f"{first}-{lems[i]}") or lex.nouns.get(first + lems[i])


# prepositions that name what a munition was sent at ("dropped bombs on", "fired rockets into")
TARGET_PREPS = ("on", "at", "into", "onto", "upon", "against", "toward", "towards")


def _munition_at_target(lex: Lexicon, tok: Token) -> bool:
    """Does the verb send a munition at a target: a direct object that is a munition and a target
    phrase ('on/at/into X') on the verb or the object? Any verb will do (drop, lob, hurl, rain,
    fire), so the frame carries where no verb list does."""
    objs = [k for k in tok.children if k.dep_ == "dobj" and lemma_of(k) in lex.instruments]
    return any(k.dep_ == "prep" and k.lower_ in TARGET_PREPS and any(g.dep_ == "pobj" for g in k.children)
               for holder in (tok, *objs) for k in holder.children) if objs else False


def _military_strike(lex: Lexicon, tok: Token) -> bool:
    """'strike' read as an attack from its frame: aimed at something ('a strike on the village'),
    doing harm ('the strikes destroyed homes', 'killed in the strikes'), or denied ('no
    reporting of a strike'); a labour strike is 'by workers', 'at a factory', 'over pay'."""
    if any(k.dep_ == "prep" and k.lower_ in ("on", "near", "targeting") and any(
            g.dep_ == "pobj" and g.ent_type_ not in ("DATE", "TIME") for g in k.children) for k in tok.children):
        return True
    h = tok.head
    if tok.dep_ == "nsubj" and lemma_of(h) in lex.harm_verbs:
        return True
    if tok.dep_ == "pobj" and h.lower_ in ("in", "by") and (
            lemma_of(h.head) in lex.killed.get("verbs", set()) | lex.injured.get("verbs", set())
            or lemma_of(h.head) in ("die", "death")):
        return True
    return denial_noun(lex, tok) is not None


def _cyber(lex: Lexicon, tok: Token) -> str | None:
    """'hacked the ministry's website' is a cyber attack; 'hacked villagers (to death)' is an
    assault with a blade. Which one the object says; neither without an object or a cue."""
    objs = [k for k in tok.children if k.dep_ in ("dobj", "nsubjpass")]
    objs += [g for k in tok.children if k.dep_ == "prep" and k.lower_ in ("into", "to")
             for g in k.children if g.dep_ == "pobj"]
    words = {lemma_of(x) for o in objs for x in [o, *o.children] if x.dep_ not in ("prep", "relcl", "acl")}
    words |= {x.lower_ for o in objs for x in o.subtree}
    if words & lex.cyber_objects:
        return "cyber"
    subj = [k for k in tok.children if k.dep_ == "nsubj"]
    if any(lemma_of(x) in ("hacker", "cyber", "cyberattack") for s in subj for x in s.subtree):
        return "cyber"
    if objs:
        return "primitive"
    return None


def obligations(ctx: DocContext, sent: Span, cands: list[Cand]) -> list[Cand]:
    """'X said Y must Z': X demands that Y Z (a REQUEST), PLOVER's reading of a stated obligation."""
    out = []
    lex, doc, pos, dep = ctx.lex, sent.doc, ctx.pos, ctx.dep
    oblig = lex.modality.get("obligation", set())
    reporting = lex.modality.get("reporting", set())
    have = {c.tok.i for c in cands}
    for i in range(sent.start, sent.end):
        if pos[i] not in ("VERB", "AUX") or dep[i] != "ccomp":
            continue
        tok = doc[i]
        if not any(c.dep_ == "aux" and lemma_of(c) in oblig and lemma_of(c) not in ("have", "need") for c in tok.children):
            continue
        if lemma_of(tok.head) not in reporting:
            continue
        c = Cand(tok, "REQUEST", None, [], "obligation")
        if tok.i in have:
            inner = next(x for x in cands if x.tok.i == tok.i)
            inner.suppressed = True
            c.intended = {"type": inner.type, "mode": inner.mode}
        out.append(c)
    return out


def assault_mode(lex: Lexicon, c: Cand) -> None:
    """An assault's mode from the cue words of its actors and its instrument phrases ("with mortars")."""
    if c.type != "ASSAULT" or c.mode is not None:
        return
    words = []
    for a in c.actors:
        words += nearby(a, 2) + [a]  # "suicide bomber": the modifier says more than the head
    for k in c.tok.children:
        if k.dep_ == "prep" and k.lower_ in ("with", "using", "in", "by"):
            words += [g for g in k.subtree]
        if k.dep_ in ("advcl", "xcomp") and lemma_of(k) in ("use", "fire"):
            words += list(k.subtree)
    # last, the munition it sent ("dropped barrel bombs": the helicopters above still say aerial)
    words += [g for k in c.tok.children if k.dep_ == "dobj" and lemma_of(k) in lex.instruments for g in k.subtree]
    for w in words:
        m = lex.mode_cues.get(lemma_of(w)) or lex.mode_cues.get(w.lower_)
        if m:
            c.mode = m
            return
