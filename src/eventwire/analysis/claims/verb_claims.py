"""One claim per cue token: the reporting verb, its speaker, its content, its channel.

The dependency tree gives the speaker (subject, passive agent or a post-posed "object") and the
content (see ``contents``); the cue span follows PolNeAR/PARC (see ``cues``). Hedges, "according
to" and nominal cues are tried first (``phrase_claims``).
"""

from __future__ import annotations

from spacy.tokens import Token

from eventwire.analysis.claims import phrase_claims
from eventwire.analysis.claims.contents import content_of, extend_quotes
from eventwire.analysis.claims.context import DocContext
from eventwire.analysis.claims.cues import (
    VERB_TAGS,
    cue_prob,
    cue_span,
    framing_verb,
    left_aux,
    licensed,
    match_cue,
    model_candidate,
    model_cue,
)
from eventwire.analysis.claims.lexicon import Cue
from eventwire.analysis.claims.quotes import OPEN_Q, STRAIGHT_Q, subtree_span, tok_span, trim
from eventwire.analysis.claims.speakers import addressees, inverted_subject, speaker_dict, subject

FALLBACK_DEPS = ("dobj", "xcomp", "ccomp", "prep", "oprd", "attr", "acomp", "advcl", "dative", "pcomp")
REL_PRONOUNS = ("which", "what", "that", "who")


def may_cue(ctx: DocContext, low: str, lemma: str, pos: str, tag: str) -> bool:
    """Whether claim_at can find a claim at a token with these attributes (lemma lower-cased).

    A cheap test of every token, so the cue tests below run on the few that pass: it lets through
    every token that a hedge, a denial noun, a reporting noun, a lexicon cue or the model could
    take as a cue (without a model, or below its threshold, the model takes only verbs).
    """
    lex = ctx.lex
    return (pos == "VERB" or low == "according" or ctx.threshold <= 0.0
            or low in lex.hedge_adverbs or low in lex.hedge_passives or lemma in lex.hedge_passives
            or (pos == "NOUN" and (lemma in lex.denial_nouns or lemma in lex.nouns))
            or (tag in VERB_TAGS and lemma in lex.verbs))


def claim_at(ctx: DocContext, tok: Token) -> dict | None:
    """The claim whose cue this token is, if any (a token inside a quotation is never one)."""
    if ctx.quotes.containing(tok.idx):
        return None
    other = phrase_claims.hedge(ctx, tok) or phrase_claims.denial_noun(ctx, tok) or phrase_claims.noun_cue(ctx, tok)
    if other:
        return other
    m = match_cue(ctx, tok)
    if not m and not model_candidate(ctx, tok):
        return None  # neither the lexicon nor the model can take it: spare the model's features
    p = cue_prob(ctx, tok)
    sure = p >= ctx.threshold
    if m and ctx.model is not None and tok.pos_ == "VERB" and p < ctx.veto:
        return None  # a lexicon verb in a context the model reads as no report
    if not m:
        # the model adds verbs it has seen reporting, and unseen verbs of a reporting WordNet class
        m = model_cue(ctx, tok, sure)
        if m is None:
            return None
    cue, ctoks = m
    if cue.kind == "according_to":
        return phrase_claims.according_to(ctx, tok, ctoks)
    return _verb_claim(ctx, tok, cue, ctoks, sure)


def _speaker_of(ctx: DocContext, tok: Token, passive: bool) -> Token | None:
    """The subject, a passive's agent ("by The Post"), or a post-posed speaker ("..., added the letter")."""
    if passive:
        agent = [c for c in tok.children if c.dep_ == "agent"]
        pobj = [g for g in agent[0].children if g.dep_ == "pobj"] if agent else []
        return pobj[0] if pobj else None
    speaker = subject(ctx, tok)
    return speaker if speaker is not None else inverted_subject(tok)


def _allowed(ctx: DocContext, tok: Token, cue: Cue, speaker: Token | None, passive: bool, sure: bool) -> bool:
    """Whether the syntax lets this cue verb make a claim."""
    if cue.args == "cognition" and tok.tag_ == "VBN" and not passive and speaker is not None \
            and speaker.i < tok.i and not any(c.dep_ in ("aux", "auxpass") for c in tok.children):
        # "Gunmen suspected to be bandits attacked ...": a participle without an auxiliary after its
        # noun is a reduced passive the parser read as a finite verb; the noun is suspected, not suspecting
        return False
    # the model may license a belief verb with an object ("see X as Y", "feel affection for"),
    # never one without a named subject ("you'd think")
    return licensed(ctx, tok, cue, speaker, passive) or (
        sure and cue.args == "cognition" and speaker is not None
        and speaker.lower_ not in ctx.lex.generic_subjects and tok.tag_ != "VBP")


def _verb_content(ctx: DocContext, tok: Token, last: Token, cue: Cue, speaker: Token | None, passive: bool,
                  sure: bool) -> tuple[int, int] | None:
    """The content span of a cue verb: the passive subject, the governed clause or quote, or (when
    the model is sure) the verb's arguments."""
    subjpass = [c for c in tok.children if c.dep_ == "nsubjpass"]
    if passive and speaker is not None and subjpass:
        # "was first reported by The Post", "is backed by X": the passive subject is the content
        content = trim(ctx.text, *subtree_span(subjpass[0]))
    else:
        content = content_of(ctx, tok, last, cue, speaker)
    if content is None and sure:
        content = _fallback_content(ctx, tok, last, passive)
    if content is None or content[1] <= content[0]:
        return None
    return content


def _verb_claim(ctx: DocContext, tok: Token, cue: Cue, ctoks: list[Token], sure: bool) -> dict | None:
    """The claim of a cue verb (or phrase), if its speaker and content can be read."""
    text = ctx.text
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)
    speaker = _speaker_of(ctx, tok, passive)
    if not _allowed(ctx, tok, cue, speaker, passive, sure):
        return None
    addr = addressees(ctx, tok, cue)
    content = _verb_content(ctx, tok, ctoks[-1], cue, speaker, passive, sure)
    if content is None:
        return None
    s, e = content
    span, _link = cue_span(ctx, ctoks)
    if span[0] <= s < span[1] < e:
        # the cue took in the start of the content (a linking preposition, a light verb's
        # object): the content is what follows
        s, e = trim(text, span[1], e)
        if e <= s:
            return None
    frame = framing_verb(ctx, tok)
    if frame is not None:
        # "issued a statement calling X ...", "released a letter that says ...": PolNeAR marks the
        # verb, its document and the participle as one cue, spoken by the verb's subject
        span = (left_aux(frame).idx, span[1])
        if speaker is None or speaker.lower_ in REL_PRONOUNS or speaker.i > frame.i:
            speaker = subject(ctx, frame)
    kind = "direct" if _is_quote(ctx, s, e) else "indirect"
    claim = {"kind": kind, "speaker": speaker_dict(ctx, speaker), "cue": list(span),
             "content": [s, e], "channel": None, "addressees": addr, "parent": None,
             "_cue_tok": tok.i, "_speaker_tok": speaker.i if speaker is not None else None,
             "_shared_subject": speaker is not None and not passive and speaker.head.i != tok.i
             and speaker.i < tok.i}
    if cue.denial:
        claim["denial"] = True
    channel(ctx, tok, claim)
    return claim


def _fallback_content(ctx: DocContext, tok: Token, last: Token, passive: bool) -> tuple[int, int] | None:
    """Content for a cue the model is sure of but the clause rules found none for: its
    arguments after the cue ("voted for the bill", "responded by using ..."), the passive
    subject, or the noun a relative clause hangs on ("the plan Trump backed")."""
    parts = [c for c in tok.children if c.i > last.i and c.dep_ in FALLBACK_DEPS]
    if parts:
        s = min(c.left_edge.idx for c in parts)
        e = max(subtree_span(c)[1] for c in parts)
    elif passive and any(c.dep_ == "nsubjpass" for c in tok.children):
        s, e = subtree_span([c for c in tok.children if c.dep_ == "nsubjpass"][0])
    elif tok.dep_ in ("relcl", "acl") and tok.head.i < tok.i:
        s, e = tok_span(tok.head.left_edge, tok.head)
    else:
        return None
    return extend_quotes(ctx, *trim(ctx.text, s, e), tok)


def _is_quote(ctx: DocContext, s: int, e: int) -> bool:
    """A content that opens with a quote mark and is mostly quotation is a direct quote."""
    qs = ctx.quotes.overlapping(s, e)
    covered = sum(min(e, b) - max(s, a) for a, b in qs)
    return bool(qs) and ctx.text[s] in OPEN_Q + STRAIGHT_Q and covered >= 0.6 * (e - s)


# -- channels and documents
def channel(ctx: DocContext, tok: Token, claim: dict) -> None:
    """'in a letter (addressed) to X', 'in a statement', 'told X' set channel and addressees."""
    channels = ctx.lex.channels
    cands = list(tok.children)
    root = tok
    while root.dep_ in ("advcl", "xcomp", "conj") and root.head is not root:
        root = root.head
        cands += [c for c in root.children if c.dep_ == "prep"]
    for p in cands:
        if p.dep_ != "prep" or p.lower_ not in ("in", "at", "during", "through", "via", "on"):
            continue
        for n in p.children:
            if n.dep_ == "pobj" and n.lemma_.lower() in channels:
                claim["channel"] = channels[n.lemma_.lower()]
                claim["_document"] = n.i
                for a in _to_addressees(n):
                    claim["addressees"].append(list(trim(ctx.raw, *a)))
                return
    sp = claim.get("_speaker_tok")
    if sp is not None:
        st = tok.doc[sp]
        if st.lemma_.lower() in channels and st.pos_ == "NOUN":
            claim["channel"] = channels[st.lemma_.lower()]


def _to_addressees(noun: Token) -> list[tuple[int, int]]:
    """'a letter (addressed) to X and Y': the addressees of a document."""
    out = []
    heads = [noun] + [c for c in noun.children if c.dep_ == "acl"]
    for h in heads:
        for p in h.children:
            if p.dep_ == "prep" and p.lower_ == "to":
                for g in p.children:
                    if g.dep_ == "pobj":
                        out.extend(_conjuncts(g))
    return out


def _conjuncts(t: Token) -> list[tuple[int, int]]:
    """The spans of a noun and the nouns coordinated after it, each without the others."""
    items = [t] + [c for c in t.conjuncts if c.i > t.i]
    out = []
    for x in items:
        right = x
        for c in x.subtree:
            if c.i > x.i and c.dep_ in ("cc", "conj"):
                break
            right = c if c.i > right.i else right
        out.append(tok_span(x.left_edge, right))
    return out
