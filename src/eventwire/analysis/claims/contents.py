"""Contents: what a cue says. A quotation next to the cue clause wins; else the clause, object or
to-clause the cue governs, the clause an "as X said" comments on, or what follows a colon. A
parsed content never leaves the cue's paragraph, and it takes in a quotation it cuts into.
"""

from __future__ import annotations

from bisect import bisect_right

from spacy.tokens import Token

from eventwire.analysis.claims.context import DocContext
from eventwire.analysis.claims.lexicon import Cue
from eventwire.analysis.claims.quotes import (
    CLOSE_Q,
    OPEN_Q,
    STRAIGHT_Q,
    after_quote,
    only_between,
    subtree_span,
    trim,
    trim_words,
)

OBJ_PREPS = ("of", "as", "for", "over", "about", "with", "against")
MAX_RESUME_GAP = 160  # characters of cue sentence tail allowed between two halves of a quotation
TO_CLAUSE_VERBS = ("say", "claim", "tell", "ask", "warn", "threaten")  # "said to", "warned X to"
CharSpan = tuple[int, int]


def content_of(ctx: DocContext, tok: Token, last: Token, cue: Cue, speaker: Token | None) -> CharSpan | None:
    """The content span of a cue verb (``last`` is the cue's last token), or None."""
    text = ctx.text
    doc = tok.doc
    kids = list(tok.children)
    r0, r1 = _region(ctx, tok, last, cue, speaker, kids)
    got, right = _quoted(ctx, tok, r1, doc[r0].idx, doc[r1].idx + len(doc[r1].text))
    if got:
        return got
    ccomps = [c for c in kids if c.dep_ in ("ccomp",)]
    if ccomps:
        s = min(c.left_edge.idx for c in ccomps)
        e = max(subtree_span(c)[1] for c in ccomps)
        return extend_quotes(ctx, *trim(text, s, e), tok)
    got = _as_clause(ctx, tok, kids)
    if got:
        return got
    if tok.dep_ == "parataxis":
        h = tok.head
        if h.i < tok.i:
            s, e = h.left_edge.idx, doc[r0].idx
        else:  # "But to prevent problems, he said, officials should be vigilant"
            s, e = subtree_span(h)
        return extend_quotes(ctx, *trim(text, s, e), tok)
    oprd = [c for c in kids if c.dep_ == "oprd" and c.i > tok.i]
    if oprd:  # "called X deplorables", "described X as ..."
        first = min([c.left_edge.i for c in kids if c.dep_ == "dobj" and c.i > tok.i] + [oprd[0].left_edge.i])
        return extend_quotes(ctx, *trim(text, doc[first].idx, subtree_span(oprd[-1])[1]), tok)
    if right:
        return right
    colon = _after_colon(ctx, r1)
    if colon:
        return colon
    fronted = _fronted_clause(ctx, tok, cue, speaker, kids)
    if fronted:
        return fronted
    return _argument_content(ctx, tok, last, cue, kids, r1)


def _fronted_clause(ctx: DocContext, tok: Token, cue: Cue, speaker: Token | None,
                    kids: list[Token]) -> CharSpan | None:
    """"A missile attack killed four people, the authorities said": what was said comes first, and
    the parser (reading "attack killed ..." as a reduced relative) gives the verb a second subject
    instead of a clause. The fronted part is a dependent of the cue before a comma and the speaker,
    with a verb of its own."""
    if cue.args != "clause" or speaker is None or speaker.i > tok.i:
        return None
    doc = tok.doc
    left = speaker.left_edge.i
    comma = left - 1
    if comma < 0 or doc[comma].text != ",":
        return None
    parts = [c for c in kids if c.i < comma and c.dep_ in ("nsubj", "nsubjpass", "dep")
             and c.i != speaker.i]
    if not parts or not any(t.pos_ in ("VERB", "AUX") for c in parts for t in c.subtree):
        return None
    s = min(c.left_edge.idx for c in parts)
    return extend_quotes(ctx, *trim(ctx.text, s, doc[comma].idx), tok)


def _region(ctx: DocContext, tok: Token, last: Token, cue: Cue, speaker: Token | None,
            kids: list[Token]) -> tuple[int, int]:
    """First and last token of the cue's clause region: speaker, verb, particles, addressee."""
    quotes = ctx.quotes
    region = [tok, last]
    if speaker is not None and speaker.head == tok:
        region += [after_quote(speaker, speaker.left_edge), speaker.right_edge]
    for c in kids:
        if quotes.containing(c.idx) and not quotes.containing(tok.idx):
            continue  # a quotation's words the parser hung on the cue ("“Probably not,” Ms. Moore said")
        if c.dep_ in ("aux", "auxpass", "neg", "advmod", "dative", "npadvmod", "prt") or \
                (cue.args == "addressee" and c.dep_ == "dobj"):
            region += [c.left_edge, c.right_edge]
    return min(t.i for t in region), max(t.i for t in region)


def _quoted(ctx: DocContext, tok: Token, r1: int, rs: int, re_: int) -> tuple[CharSpan | None, CharSpan | None]:
    """A quotation right before the cue region (with its second half after it), and the one right
    after it (returned for a later test, when no clause rule applies)."""
    text, quotes, doc = ctx.text, ctx.quotes, tok.doc
    left = quotes.ending_before(rs, text)
    if left and "\n" in text[left[1]:rs]:
        left = None  # a quotation ending the previous paragraph is not this cue's
    if left and (tok.dep_ in ("advcl", "xcomp", "acl", "pcomp", "amod") or not _opens_sentence(text, left[0])):
        left = None
    right = quotes.starting_after(re_, text)
    if right and not only_between(text, re_, right[0], " \n\t\xa0,:—–―"):
        right = None
    if right and right[0] > re_ and text[re_:right[0]].strip() == "" and not left:
        right = None if r1 + 1 < len(doc) and doc[r1 + 1].text not in OPEN_Q + STRAIGHT_Q else right
    if left and right and "\n" in text[left[1]:right[0]]:
        right = None  # the next paragraph's quotation is not the second half of this one
    if left and right:
        lt = text[left[0]:left[1]].rstrip(CLOSE_Q + STRAIGHT_Q).rstrip()
        if lt.endswith(","):
            return (left[0], right[1]), right
        return left, right
    if left:
        # "“...,” he said" or "“...” - he said"; the quote must lie next to the cue clause.
        # "“A,” he said. “B.”": the quote resumes right after the cue sentence; PolNeAR's content
        # is both halves, so the span runs to the end of the second
        nxt = _resumed_quote(ctx, re_)
        return ((left[0], nxt[1]) if nxt else left), right
    return None, right


def _as_clause(ctx: DocContext, tok: Token, kids: list[Token]) -> CharSpan | None:
    """"As The Washington Post reported, X ...", "..., as police have said", "as he put it": the
    clause it comments on is the content (not "as he discussed his plan": a time)."""
    if not (tok.dep_ == "advcl" and tok.head.pos_ in ("VERB", "AUX") and any(
            c.dep_ == "mark" and c.lower_ == "as" for c in kids) and not any(
            c.i > tok.i and c.dep_ in ("dobj", "ccomp", "xcomp", "prep", "dative", "attr", "oprd")
            and c.lower_ not in ("it", "so") for c in kids)):
        return None
    h = tok.head
    if tok.i < h.i:
        s, e = tok.doc[tok.right_edge.i + 1].idx, subtree_span(h)[1]
    else:
        s, e = h.left_edge.idx, tok.doc[tok.left_edge.i].idx
    return extend_quotes(ctx, *trim_words(ctx.text, s, e, ctx.lex.trail_words), tok)


def _argument_content(ctx: DocContext, tok: Token, last: Token, cue: Cue, kids: list[Token],
                      r1: int) -> CharSpan | None:
    """The object of an object/addressee/belief cue, the rest of a misparsed clause, or a to-clause."""
    text, doc = ctx.text, tok.doc
    if cue.args in ("object", "addressee", "cognition"):
        got = _object_content(ctx, tok, last, cue)
        if got:
            return extend_quotes(ctx, *got, tok)
    elif cue.args == "clause" and any(c.dep_ in ("dobj", "npadvmod", "advcl") for c in kids if c.i > tok.i):
        # a misparsed clause ("said many of the examples ... are wrong"): the rest of the sentence
        sent = ctx.sent_of(tok)
        e = sent.end_char
        s = doc[r1 + 1].idx if r1 + 1 < len(doc) else e
        # a verb coordinated with the cue is its subject's second deed, not what was said ("were
        # observing Maulud celebration and were mistakenly killed")
        own = {t.i for c in kids if c.dep_ == "conj" for t in c.subtree}
        if sum(1 for t in doc[r1 + 1:sent.end] if t.pos_ in ("VERB", "AUX") and t.i not in own) and \
                sent.end - r1 > 5:
            return extend_quotes(ctx, *trim(text, s, e), tok)
    if any(c.dep_ == "xcomp" and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)
           for c in kids) and tok.lemma_.lower() in TO_CLAUSE_VERBS:
        got = _object_content(ctx, tok, last, cue)
        if got:
            return extend_quotes(ctx, *got, tok)
    return None


def _resumed_quote(ctx: DocContext, pos: int) -> CharSpan | None:
    """The quotation that opens the sentence right after the cue's one, in the same paragraph
    ("“A,” he said in August. “B.”"), if the words between are only the rest of that sentence."""
    quotes = ctx.quotes
    i = bisect_right(quotes.starts, pos - 1)
    if i >= len(quotes.spans):
        return None
    q = quotes.spans[i]
    gap = ctx.text[pos:q[0]].rstrip(" \t\xa0")
    if not gap or len(gap) > MAX_RESUME_GAP or gap[-1] not in ".!?" or "\n" in gap \
            or any(ch in gap for ch in OPEN_Q + CLOSE_Q + STRAIGHT_Q):
        return None
    return q


def _opens_sentence(text: str, pos: int) -> bool:
    """A quote that opens a sentence or paragraph (not a scare quote inside a clause)."""
    j = pos - 1
    while j >= 0 and text[j] in " \t\xa0":
        j -= 1
    return j < 0 or text[j] in "\n.?!:;”\"—―–-…)"


def _after_colon(ctx: DocContext, r1: int) -> CharSpan | None:
    """'X said:' followed by a quote, the rest of the sentence, or the next paragraph."""
    text, doc = ctx.text, ctx.doc
    j = r1 + 1
    if j >= len(doc) or doc[j].text != ":":
        return None
    q = ctx.quotes.starting_after(doc[j].idx + 1, text, " \n\t\xa0")
    if q:
        return q
    start = doc[j].idx + 1
    para_end = text.find("\n\n", start)
    para_end = len(text) if para_end < 0 else para_end
    if text[start:para_end].strip():
        return trim(text, start, min(para_end, doc[j].sent.end_char if doc[j].sent.end_char > start
                                     else para_end))
    # the colon ends the paragraph: the next paragraph is the content
    nxt = para_end
    while nxt < len(text) and text[nxt] in "\n \t\xa0":
        nxt += 1
    end = text.find("\n\n", nxt)
    end = len(text) if end < 0 else end
    return trim(text, nxt, end) if end > nxt else None


def _object_content(ctx: DocContext, tok: Token, last: Token, cue: Cue) -> CharSpan | None:
    """The object (and its clause or linked preposition) of a cue verb; for a phrasal cue ("called
    for X", "called on X to Y"), the object of its last word."""
    text = ctx.text
    kids = [c for c in tok.children if c.i > tok.i]
    if last is not tok:  # phrasal cue: "called for X", "called on X to Y"
        pobj = [g for g in last.children if g.dep_ in ("pobj", "pcomp")]
        kids2 = [c for c in kids if c.dep_ == "xcomp"]
        if pobj:
            s = pobj[0].left_edge.idx
            e = subtree_span(pobj[0])[1]
            if kids2:
                e = max(e, subtree_span(kids2[-1])[1])
            return trim(text, s, e)
        return None
    parts = []
    for c in kids:
        is_arg = c.dep_ in ("dobj", "xcomp", "oprd") and not (cue.args == "addressee" and c.dep_ == "dobj")
        if is_arg or c.dep_ == "ccomp" or (c.dep_ == "prep" and c.lower_ in OBJ_PREPS and parts):
            parts.append(c)
    if not parts:
        return None
    s = min(p.left_edge.idx for p in parts)
    e = max(subtree_span(p)[1] for p in parts)
    return trim(text, s, e)


def extend_quotes(ctx: DocContext, s: int, e: int, tok: Token) -> CharSpan | None:
    """A parsed content kept inside the cue's paragraph and widened to the quotations it cuts into.

    The parser often joins a paragraph to the next one into one sentence, and a reporting clause
    does not cross a paragraph break (quotations that do are found by the quote scan, not here).
    """
    para = ctx.para_of(tok.idx)
    if para is not None and (s < para[0] or e > para[1]):
        s, e = trim(ctx.text, max(s, para[0]), min(e, para[1]))
    if e <= s:
        return None
    for a, b in ctx.quotes.overlapping(s, e):
        if a <= tok.idx < b:
            continue
        if a < s and b > s and b - a < 4000:
            s = a
        if b > e and a < e and b - a < 4000:
            e = b
    return s, e
