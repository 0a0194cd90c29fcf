"""Claims whose cue is not a reporting verb: hedges ("reportedly", "is said to"), "according to",
denials by a negated noun ("no reporting of") and reporting nouns ("Trump's claim that ...").
"""

from __future__ import annotations

from spacy.tokens import Token

from eventwire.analysis.claims.context import DocContext
from eventwire.analysis.claims.cues import left_aux
from eventwire.analysis.claims.lexicon import SUBJ
from eventwire.analysis.claims.quotes import subtree_span, tok_span, trim
from eventwire.analysis.claims.speakers import speaker_dict


def according_to(ctx: DocContext, tok: Token, ctoks: list[Token]) -> dict | None:
    """'according to X': X is the speaker, the longer side of the sentence the content."""
    text = ctx.text
    to = ctoks[-1]
    pobj = [g for g in to.children if g.dep_ == "pobj"]
    src = pobj[0] if pobj else None
    sent = ctx.sent_of(tok)
    phrase_end = subtree_span(src)[1] if src is not None else to.idx + len(to.text)
    phrase_start = tok.idx
    before = trim(text, sent.start_char, phrase_start)
    after = trim(text, phrase_end, sent.end_char)
    if after[1] - after[0] >= before[1] - before[0]:
        s, e = after
    else:
        s, e = before
    if e - s < 3:
        return None
    speaker = None
    if src is not None:
        a, b = trim(text, *subtree_span(src))
        speaker = {"start": a, "end": b, "actor": None}
    return {"kind": "according_to", "speaker": speaker, "cue": list(tok_span(ctoks[0], ctoks[-1])),
            "content": [s, e], "channel": None, "addressees": [], "parent": None,
            "_cue_tok": tok.i, "_speaker_tok": src.i if src is not None else None}


def hedge(ctx: DocContext, tok: Token) -> dict | None:
    """'reportedly' (the clause it modifies) and 'is said to' (its subject and to-clause): a claim
    without a speaker."""
    text, lex = ctx.text, ctx.lex
    if tok.lower_ in lex.hedge_adverbs and tok.dep_ == "advmod":
        h = tok.head
        while h.dep_ in ("aux", "auxpass") and h.head is not h:
            h = h.head
        s, e = trim(text, *subtree_span(h))
        cue = [tok.idx, tok.idx + len(tok.text)]
    elif ((tok.lower_ in lex.hedge_passives or tok.lemma_.lower() in lex.hedge_passives)
          and any(c.dep_ == "nsubjpass" for c in tok.children)
          and any(c.dep_ == "xcomp" for c in tok.children)
          and not any(c.dep_ == "agent" for c in tok.children)):
        subj = [c for c in tok.children if c.dep_ == "nsubjpass"][0]
        xc = [c for c in tok.children if c.dep_ == "xcomp"][-1]
        s, e = trim(text, subj.left_edge.idx, subtree_span(xc)[1])
        cue = list(tok_span(left_aux(tok), tok))  # "is widely expected", "was said"
    else:
        return None
    if e <= s:
        return None
    return {"kind": "indirect", "speaker": None, "cue": cue, "content": [s, e], "channel": None,
            "addressees": [], "parent": None, "hedge": True, "_cue_tok": tok.i, "_speaker_tok": None}


def denial_noun(ctx: DocContext, tok: Token) -> dict | None:
    """A denial by a negated noun ("no operational reporting of a strike")."""
    if tok.pos_ != "NOUN" or tok.lemma_.lower() not in ctx.lex.denial_nouns:
        return None
    neg = [c for c in tok.children if c.lower_ == "no" and c.dep_ in ("det", "neg")]
    if not neg:
        return None
    of = [c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("of", "to", "for")]
    pobj = [g for g in of[0].children if g.dep_ == "pobj"] if of else []
    if not pobj:
        return None
    s, e = trim(ctx.text, *subtree_span(pobj[0]))
    h = tok.head
    speaker = None
    if h.pos_ in ("VERB", "AUX"):
        subj = [c for c in h.children if c.dep_ in SUBJ and c.lower_ not in ("there", "it")]
        speaker = subj[0] if subj else None
    return {"kind": "indirect", "speaker": speaker_dict(ctx, speaker),
            "cue": list(tok_span(neg[0], tok)), "content": [s, e], "channel": None, "addressees": [],
            "parent": None, "denial": True, "_cue_tok": tok.i,
            "_speaker_tok": speaker.i if speaker is not None else None}


def noun_cue(ctx: DocContext, tok: Token) -> dict | None:
    """A nominal cue ("Trump's claim that ...", "a call to end ..."): its clause is the content,
    its possessor or 'by'/'from' object the speaker."""
    text = ctx.text
    if tok.pos_ != "NOUN" or tok.lemma_.lower() not in ctx.lex.nouns:
        return None
    clause = [c for c in tok.children if c.i > tok.i and (
        (c.dep_ in ("acl", "ccomp") and any(g.dep_ in ("mark", "aux") and g.lower_ in ("that", "to")
                                            for g in c.children))
        or (c.dep_ == "relcl" and _complement_relcl(c)))]
    if not clause:
        return None
    s, e = trim(text, *subtree_span(clause[0]))
    src = [c for c in tok.children if c.dep_ == "poss"]
    if not src:
        by = [c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("by", "from")]
        src = [g for g in by[0].children if g.dep_ == "pobj"] if by else []
    speaker = src[0] if src else None
    claim = {"kind": "indirect", "speaker": speaker_dict(ctx, speaker) if speaker is not None else None,
             "cue": [tok.idx, tok.idx + len(tok.text)], "content": [s, e], "channel": None,
             "addressees": [], "parent": None, "_cue_tok": tok.i, "_noun": True,
             "_speaker_tok": speaker.i if speaker is not None else None}
    if speaker is not None and speaker.dep_ == "poss":
        a, b = trim(text, *tok_span(speaker.left_edge, speaker))
        b = a + len(text[a:b].removesuffix("’s").removesuffix("'s"))
        claim["speaker"] = {"start": a, "end": b, "actor": None}
    if ctx.lex.nouns[tok.lemma_.lower()]:
        claim["denial"] = True
    return claim


def _complement_relcl(v: Token) -> bool:
    """A clause the parser took for a relative clause but that is the noun's content: "that" is
    its marker, or "that" opens it while the clause has its own subject and object, so no
    slot is left for a relative pronoun ("claims that militants bombed the market")."""
    kids = list(v.children)
    if any(g.lower_ == "that" and g.dep_ == "mark" for g in kids):
        return True
    if v.left_edge.lower_ != "that":
        return False
    return any(g.dep_ in SUBJ and g.lower_ != "that" for g in kids) and \
        any(g.dep_ in ("dobj", "attr", "ccomp", "xcomp") and g.lower_ != "that" for g in kids)


def calls_reports_false(ctx: DocContext, claim: dict) -> bool:
    """Does the claim's content call a report untrue ("reports of the strike were fabricated news",
    "denounced reports of the airstrike as fabricated", "the allegations are baseless")? Then the
    speaker denies what the reports tell: the claim is a denial. A negated falsity word ("not
    false") does not count."""
    cont = claim.get("content")
    if not cont:
        return False
    span = ctx.doc.char_span(cont[0], cont[1], alignment_mode="expand")
    if span is None or not any(t.lower_ in ctx.lex.report_nouns for t in span):
        return False
    return any(t.lower_ in ctx.lex.falsity_words and _predicated(t)
               and not any(k.dep_ == "neg" for h in (t, t.head) for k in h.children) for t in span)


def _predicated(t: Token) -> bool:
    """Is the falsity word said of something ("were fabricated news", "are baseless", "denounced ...
    as fabricated"), not a description inside an accusation ("charged him with filing a false report")?"""
    if any(k.dep_ in ("nsubj", "nsubjpass") for k in t.children):
        return True  # "reports ... were fabricated": the parser made it the verb of the report
    x = t.head if t.dep_ in ("amod", "compound") else t
    return x.dep_ in ("acomp", "attr", "oprd") or (x.dep_ == "pobj" and x.head.lower_ == "as")
