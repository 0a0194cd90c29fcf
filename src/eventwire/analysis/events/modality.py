"""Status and modality of a candidate: negation, intention, condition, and speech acts that wrap an act.

An action inside a promise, demand, refusal or threat is coded as that promise, demand, refusal or
threat (PLOVER's convention), not as a second, unreal event; a denied deed is the event, with
status denied.
"""

from __future__ import annotations

from spacy.tokens import Token

from eventwire.analysis.events.candidate import CONFLICT_ACTS, COOP, DENIABLE, IRREALIS, Cand
from eventwire.analysis.events.lexicon import Lexicon
from eventwire.analysis.events.tokens import lemma_of

THREATEN_MODES = {"ASSAULT": "violence", "SANCTION": "relations", "PROTEST": None, "MOBILIZE": "violence"}


def read_modality(lex: Lexicon, c: Cand) -> None:
    """Negation, intention (future), condition and failure around the trigger; an intention to act
    becomes the promise or threat PLOVER codes, with the intended act kept in `intended`."""
    mod = lex.modality
    t = c.tok
    verb = t if c.kind != "noun" else (c.light or _negation_verb(lex, t))
    kids = list(t.children) + (list(verb.children) if verb is not None and verb is not t else [])
    # "no strikes", and "no Coalition strikes" / "no rocket or artillery strikes" (the parser hangs
    # "no" on the noun's modifier)
    mods = [g for k in t.children if k.dep_ in ("compound", "amod", "nmod") and k.i < t.i for g in k.children]
    c.negated = any(k.dep_ == "neg" or (k.dep_ == "det" and k.lower_ == "no") for k in kids) or any(
        g.dep_ == "det" and g.lower_ == "no" for g in mods)
    future = any(k.dep_ == "aux" and k.lower_ in mod.get("future", ()) for k in kids)
    # intention words governing the trigger: "is willing to send", "plans to attack"
    h = verb if verb is not None else t
    if h.dep_ == "xcomp" and lemma_of(h.head) in mod.get("intent", ()):
        future = True
    if h.dep_ == "xcomp" and h.head.dep_ == "acomp" and lemma_of(h.head) in mod.get("intent", ()):
        future = True
    if h.dep_ == "xcomp" and lemma_of(h.head) == "fail" and c.type in COOP:
        c.intended = {"type": c.type, "mode": c.mode}
        c.type, c.mode = "REJECT", None
    # conditional: inside an if/unless clause
    x = h
    while x.dep_ not in ("ROOT",) and x.head.i != x.i:
        if x.dep_ == "advcl" and any(k.dep_ == "mark" and lemma_of(k) in mod.get("conditional", ()) for k in x.children):
            c.status = "hypothetical"
            break
        if x.dep_ in ("ccomp", "relcl"):
            break
        x = x.head
    if future and c.kind != "obligation":
        if c.type in COOP:
            c.intended = {"type": c.type, "mode": c.mode}
            c.type, c.mode = ("REJECT", None) if c.negated else ("AGREE", None)
            c.negated = False
        elif c.type in CONFLICT_ACTS:
            c.intended = {"type": c.type, "mode": c.mode}
            c.type, c.mode = "THREATEN", _threat_mode(lex, c.type, c.mode, "restrict")
        elif c.negated:
            c.intended = {"type": c.type, "mode": c.mode}
            c.type, c.mode, c.negated = "REJECT", None, False
        if c.status == "reported":
            c.status = "planned"


def _threat_mode(lex: Lexicon, typ: str, mode: str | None, default: str | None) -> str | None:
    """The THREATEN mode of a threatened act: by its type and mode, else by its type."""
    table = lex.threaten_modes
    key = f"{typ}/{mode}"
    if key in table:
        return table[key]
    return THREATEN_MODES.get(typ, default)


def _negation_verb(lex: Lexicon, t: Token) -> Token | None:
    """The verb whose negation negates a noun trigger: the verb it is the object of ("did not
    conduct strikes"), or whose prepositional phrase it is in ("did not engage in combat
    operations"); as a subject only of a verb of doing or happening ("the strike did not take
    place"), not of one that says something else of it ("the bombings did not stop")."""
    h = t.head
    if t.dep_ == "pobj" and h.dep_ == "prep" and h.head.pos_ in ("VERB", "AUX"):
        return h.head
    if h.pos_ not in ("VERB", "AUX"):
        return None
    if t.dep_ in ("nsubj", "nsubjpass") and lemma_of(h) not in lex.light_verbs \
            and lemma_of(h) not in lex.modality.get("occur", ()):
        return None
    return h


def denial_noun(lex: Lexicon, t: Token) -> Token | None:
    """'(it had) no operational reporting of a strike': the negated noun that denies the event."""
    if t.dep_ != "pobj" or t.head.lower_ != "of":
        return None
    n = t.head.head
    if n.pos_ != "NOUN" or lemma_of(n) not in lex.denial_nouns:
        return None
    negs = [k for k in n.children if k.lower_ == "no" and k.dep_ == "det"]
    if not negs and n.head.pos_ in ("VERB", "AUX"):
        negs = [k for k in n.head.children if k.dep_ == "neg"]
    return n if negs else None


def _denies(lex: Lexicon, outer: Cand, inner: Cand, path: Token) -> bool:
    """Is outer a denial of inner as a deed ('denied (reports that) it bombed', 'denied carrying
    out the strike', 'rejected claims that it struck')? Rejecting a proposal is not."""
    if outer.type != "REJECT" or outer.kind != "verb" or outer.negated or outer.status != "reported":
        return False
    if lemma_of(outer.tok) not in lex.denial_verbs or inner.type not in DENIABLE:
        return False
    if path.dep_ in ("ccomp", "xcomp", "pcomp") or (path.dep_ == "prep" and path.lower_ in ("to", "for")):
        return lemma_of(outer.tok) == "deny" or path.dep_ != "prep"
    if path.dep_ == "dobj" and lemma_of(path) in lex.denial_objects:
        return True
    return path.i == inner.tok.i and path.dep_ == "dobj" and lemma_of(outer.tok) == "deny" \
        and inner.type in CONFLICT_ACTS


def wrap(lex: Lexicon, cands: list[Cand]) -> None:
    """An action inside a promise/demand/refusal/threat is its content: keep the speech act only."""
    for outer in cands:
        if outer.type not in IRREALIS or outer.kind == "noun" and outer.light is None:
            continue
        for inner in cands:
            if inner is outer or inner.suppressed or not outer.tok.is_ancestor(inner.tok):
                continue
            if outer.type == "THREATEN" and inner.status == "hypothetical" and outer.status != "hypothetical":
                inner.suppressed = True  # "... if the US goes ahead with the deployment": the threat's condition
                continue
            path = inner.tok
            blocked = False
            while path.head.i != outer.tok.i and path.head.i != path.i:
                path = path.head
                if path.i in {x.tok.i for x in cands if x is not inner}:
                    blocked = True
                    break
            if blocked or path.dep_ in ("advcl", "relcl", "conj") and inner.kind != "noun":
                continue
            if path.dep_ in ("prep",) and path.lower_ not in ("to", "for", "of", "on"):
                continue
            if _denies(lex, outer, inner, path):
                # the denied deed is the event; the denier ('it', or unnamed) is its accused actor
                inner.status, inner.denied_by = "denied", outer.tok
                if outer.actors and (not inner.actors or all(a.lower_ in lex.pronouns for a in inner.actors)):
                    inner.actors = list(outer.actors)
                # a denial of someone's charges ("denied charges by the US that ...") also rejects
                # that party: PLOVER REJECT with the accuser as target; otherwise no REJECT event
                accuser = [g for x in path.subtree if x.dep_ == "agent" or (x.dep_ == "prep" and x.lower_ == "by")
                           for g in x.children if g.dep_ == "pobj"] if path.dep_ == "dobj" else []
                if accuser:
                    outer.recipients = accuser
                else:
                    outer.suppressed = True
                continue
            inner.suppressed = True
            outer.intended = {"type": inner.type, "mode": inner.mode}
            if outer.type == "THREATEN" and outer.mode is None:
                outer.mode = _threat_mode(lex, inner.type, inner.mode,
                                               "restrict" if inner.type == "COERCE" else None)
            if outer.type in lex.clausal_recipient_types and path.dep_ == "ccomp" and inner.actors \
                    and not outer.recipients:
                outer.recipients = inner.actors  # "demanded that the government release ...": who must act
            if not outer.recipients and inner.recipients:
                outer.recipients = inner.recipients
    for outer in cands:
        if outer.type == "ACCUSE" and outer.mode == "allege":
            for inner in cands:
                if inner is not outer and outer.tok.is_ancestor(inner.tok):
                    inner.alleged_by = outer.tok
