"""Status from the claims layer: whether an event is alleged or denied, and by which claim."""

from __future__ import annotations

from spacy.tokens import Token

from eventwire.analysis.events.candidate import Cand
from eventwire.analysis.events.context import DocContext
from eventwire.analysis.events.lexicon import Lexicon
from eventwire.analysis.events.tokens import lemma_of


def _attributes(ctx: DocContext, cl: dict) -> bool:
    """Does a claim attribute what it contains to its speaker? Its cue must be a way of saying
    ("said", "according to", "denied", "a statement", a quote's colon): a cue the claims model
    guessed from a verb of doing ("struck", "unleashed", "has ordered", "recites") does not, nor
    does a "speaker" that is the dateline."""
    sp = cl.get("speaker")
    if isinstance(sp, dict) and isinstance(sp.get("end"), int) and sp["end"] <= ctx.dateline_end:
        return False  # "GAZA: About 500 ...": the dateline is not a speaker
    if cl.get("kind") in ("according_to", "document"):
        return True
    cue = cl.get("cue")
    if not cue:
        return True
    sp = ctx.doc.char_span(cue[0], cue[1], alignment_mode="expand")
    if sp is None:
        return True
    return any(x.text == ":" or x.lower_ in ("reportedly", "allegedly") or lemma_of(x) in ctx.lex.cue_words
               for x in sp)


def claim_of(ctx: DocContext, start: int, attributing: bool = False) -> tuple[int | None, dict | None]:
    """The innermost claim whose content holds the character `start` (only claims that attribute, if asked)."""
    best, best_len = None, None
    for i, cl in enumerate(ctx.doc._.ew_claims or []):
        if not isinstance(cl, dict) or not cl.get("content"):
            continue
        s, e = cl["content"][0], cl["content"][1]
        # whether it attributes is asked last: it reads the cue's tokens, the rest is arithmetic
        if s <= start < e and (best_len is None or e - s < best_len) and (not attributing or _attributes(ctx, cl)):
            best, best_len = i, e - s
    return best, (ctx.doc._.ew_claims[best] if best is not None else None)


def claim_by_cue(ctx: DocContext, tok: Token) -> int | None:
    """The claim whose cue holds this token."""
    for i, cl in enumerate(ctx.doc._.ew_claims or []):
        cue = cl.get("cue") if isinstance(cl, dict) else None
        if cue and cue[0] <= tok.idx < cue[1]:
            return i
    return None


def reporting_governor(lex: Lexicon, t: Token) -> Token | None:
    """A reporting verb ('citing', 'said') that governs the event through a participle: a relayed act."""
    rep = lex.modality.get("reporting", set())
    h = t
    seen_clause = False
    for _ in range(8):
        if h.head.i == h.i:
            return None
        if h.dep_ in ("ccomp", "advcl", "xcomp", "dobj", "relcl", "acl"):
            seen_clause = True
        h = h.head
        if h.pos_ == "VERB" and lemma_of(h) in rep and seen_clause and h.i != t.i:
            subj = [k for k in h.children if k.dep_ == "nsubj"]
            if h.tag_ == "VBG" or subj:
                return h
    return None


def event_status(ctx: DocContext, c: Cand) -> tuple[str, int | None]:
    """The event's status and the index of the claim that carries it: an event inside what a claim
    reports is alleged (denied, if the claim denies), whatever the rules found otherwise."""
    status, claim = c.status, None
    idx, cl = claim_of(ctx, c.tok.idx, attributing=True)
    if idx is not None and status == "reported":
        status = "denied" if cl.get("denial") else "alleged"
    if idx is not None:
        claim = idx
    if status == "denied" and c.denied_by is not None:
        by_cue = claim_by_cue(ctx, c.denied_by)
        if by_cue is not None:
            claim = by_cue
    if c.negated and idx is not None and status in ("reported", "alleged"):
        status = "denied"  # "X did not conduct any strikes there, its spokesman said": a denial
    if c.alleged_by is not None and status == "reported":
        status = "alleged"
    if claim is None and status == "reported":
        cue = reporting_governor(ctx.lex, c.tok)
        if cue is not None:
            # "the ministry confirmed that it did not initiate an attack": someone says it did not happen
            status = "denied" if c.negated else "alleged"
            claim = claim_by_cue(ctx, cue)
    return status, claim
