"""Nesting: which claims stand, and under whom.

Like PolNeAR/PARC, a cue inside another claim's content is not a claim of its own (the outer claim
already covers it) unless it denies, hedges or relays unnamed reports; a later reporting clause
("X says A and said B") ends the outer content instead. ``chains`` then lists, for each claim,
the speakers from the outermost parent down.
"""

from __future__ import annotations

from eventwire.analysis.claims.context import DocContext
from eventwire.analysis.claims.quotes import trim_words
from eventwire.analysis.claims.verb_claims import REL_PRONOUNS


def _unique(raw: list[dict]) -> list[dict]:
    """One claim per cue span, in text order; a cue that another one with the same start takes in
    ("issued a statement" inside "issued a statement calling") is the same report."""
    raw.sort(key=lambda c: (c["cue"][0], c["cue"][1]))
    seen = set()
    uniq = []
    for c in raw:
        k = tuple(c["cue"])
        if k in seen:
            continue
        seen.add(k)
        uniq.append(c)
    return [c for c in uniq if not any(o is not c and o["cue"][0] == c["cue"][0] and o["cue"][1] > c["cue"][1]
                                       for o in uniq)]


def nest(ctx: DocContext, raw: list[dict]) -> list[dict]:
    """The claims that stand, with ``parent`` set for those nested under another."""
    uniq = _unique(raw)
    keep = []
    for c in uniq:
        outer = [o for o in uniq if o is not c and o["content"][0] <= c["cue"][0] < o["content"][1]
                 and not (o["content"][0] <= o["cue"][0] < o["content"][1])]
        if not outer:
            keep.append(c)
            continue
        o = outer[0]
        if c.get("denial") or c.get("hedge") or (c.get("_noun") and not c.get("speaker")):
            # a denial, a hedge, or unnamed reports ("it reviewed reports that ...") relayed
            # inside someone's claim: nested under it, the outer content stays whole
            c["_outer"] = o
            keep.append(c)
        elif _cut(ctx, c, o):
            keep.append(c)
    index = {id(c): i for i, c in enumerate(keep)}
    for c in keep:
        o = c.pop("_outer", None)
        if o is not None and id(o) in index:
            c["parent"] = index[id(o)]
            if c["speaker"] is None and c.get("denial"):
                c["speaker"] = dict(o["speaker"]) if o.get("speaker") else None
    return keep


def _cut(ctx: DocContext, c: dict, o: dict) -> bool:
    """Whether claim ``c``, whose cue lies in ``o``'s content, stands on its own; if so ``o``'s
    content is cut before it.

    PARC/PolNeAR never nest: a later reporting clause ("X says A and said B") ends the outer
    content; a cue at the very start of it ("X said Y claimed Z") belongs to the outer claim.
    """
    sp = c.get("speaker")
    region = c["cue"][0]
    if sp and o["content"][0] <= sp["start"] < o["content"][1] and not c.get("_shared_subject"):
        # a subject shared with an earlier verb ("X promised A and said B", "X doubted A,
        # arguing B") stays with that verb's clause: the cut falls at the inner cue
        region = min(region, sp["start"])
    # a speaker outside the outer content ("X declared A and said B": shared subject) does
    # not hold the cut back; the cut falls at the inner cue
    lead = ctx.text[c["content"][0]:region].strip().lower()
    if lead in REL_PRONOUNS:
        region = c["content"][0]  # "..., which he said were ...": the relative pronoun opens it
    if _weak_nested(ctx, c, lead):
        return False
    if o["kind"] != "direct" and region > o["content"][0] and c["content"][0] >= region - 1:
        s, e = trim_words(ctx.text, o["content"][0], region, ctx.lex.trail_words)
        if e - s >= 8:
            o["content"] = [s, e]
            return True
    return False


def _weak_nested(ctx: DocContext, c: dict, lead: str) -> bool:
    """A cue inside another claim's content that PolNeAR rarely annotates on its own (it does not
    nest): a gerund after a preposition ("criticized X for saying"), an infinitive or a
    participle or relative clause hanging on a noun ("plans to support", "a bill supporting",
    "the group he leads"), a modal; the outer content keeps it. Finite verbs, "..., saying",
    coordinated and complement verbs, and "which he said ..." still cut."""
    i = c.get("_cue_tok")
    if i is None:
        return False
    tok = ctx.doc[i]
    if tok.dep_ in ("pcomp", "acl", "xcomp") or tok.tag_ in ("VB", "MD"):
        return True
    return tok.dep_ == "relcl" and lead not in REL_PRONOUNS


def chains(ctx: DocContext, claims: list[dict]) -> None:
    """``chain``: the speakers from the outermost parent claim down to this one, so a reader
    sees "outlet <- Foreign Ministry <- letter <- alleged strike" (the outlet is the article's)."""
    text = ctx.raw
    for c in claims:
        names: list[str] = []
        cur: dict | None = c
        seen: set[int] = set()
        while cur is not None and id(cur) not in seen:
            seen.add(id(cur))
            sp = cur.get("speaker")
            if sp:
                name = text[sp["start"]:sp["end"]]
                first, _, rest = name.partition(" ")
                names.append(rest if rest and first.lower() in ctx.lex.chain_determiners else name)
            p = cur.get("parent")
            cur = claims[p] if isinstance(p, int) and 0 <= p < len(claims) else None
        c["chain"] = names[::-1]

