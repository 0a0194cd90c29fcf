"""Speakers: the subject that says, and who a speaker is (an actor, a pronoun's antecedent, an
unnamed source, a document whose author spoke earlier).
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from eventwire.analysis.claims.context import DocContext
from eventwire.analysis.claims.lexicon import PRONOUNS, SUBJ, Cue
from eventwire.analysis.claims.quotes import after_quote, tok_span, trim


def subject(ctx: DocContext, tok: Token, depth: int = 0) -> Token | None:
    """The subject of a cue verb, or of the verb it hangs on ("appeared to suggest")."""
    subjects = [c for c in tok.children if c.dep_ in SUBJ]
    if len(subjects) > 1:
        # "“Like Oakland. Or Ferguson,” Trump said": a quotation's word the parser took for a
        # second subject is never the speaker
        outside = [c for c in subjects if not ctx.quotes.containing(c.idx)]
        subjects = outside or subjects
        before = [c for c in subjects if c.i < tok.i]
        if len(before) > 1:
            # "A missile attack killed four people, the authorities said": of two subjects before the
            # verb, the one next to it speaks; the other is what was said, misparsed
            return before[-1]
    if subjects:
        return subjects[0]
    if depth < 3 and tok.dep_ in ("advcl", "xcomp", "conj", "pcomp", "acl") and tok.head.pos_ in ("VERB", "AUX"):
        if tok.dep_ == "acl" and tok.head.pos_ != "VERB":
            return None
        return subject(ctx, tok.head, depth + 1)
    if depth < 3 and tok.dep_ == "xcomp" and tok.head.dep_ == "acomp" and tok.head.head.pos_ in ("VERB", "AUX"):
        return subject(ctx, tok.head.head, depth + 1)  # "Clinton was quick to embrace"
    return None


def inverted_subject(tok: Token) -> Token | None:
    """'..., added the letter': a post-posed cue whose 'object' is its speaker."""
    if not any(c.dep_ == "ccomp" and c.i < tok.i for c in tok.children):
        return None
    after = [c for c in tok.children if c.i > tok.i and c.dep_ in ("dobj", "attr", "npadvmod")]
    if after and all(t.dep_ != "ccomp" for t in after[0].subtree):
        return after[0]
    return None


def speaker_dict(ctx: DocContext, sp: Token | None) -> dict | None:
    """The speaker span of a head token: its phrase, without a hung-on quotation or an earlier line."""
    if sp is None:
        return None
    if sp.dep_ not in SUBJ and sp.dep_ not in ("pobj", "nsubjpass", "dobj", "attr", "npadvmod"):
        # the head noun of a relative clause: keep its left part only
        s, e = tok_span(sp.left_edge, sp)
    else:
        s, e = tok_span(after_quote(sp, sp.left_edge), sp.right_edge)
    text = ctx.raw
    if "\n" in text[s:sp.idx]:  # a speaker never runs across a line break (title, time line)
        s = text.rfind("\n", s, sp.idx) + 1
    s, e = trim(text, s, e)
    if e <= s:
        return None
    return {"start": s, "end": e, "actor": None}


def addressees(ctx: DocContext, tok: Token, cue: Cue) -> list[list[int]]:
    """Whom a cue of address speaks to ("told X", "called on X")."""
    out = []
    if cue.args == "addressee":
        for c in tok.children:
            if c.dep_ in ("dobj", "dative"):
                out.append(list(trim(ctx.raw, *tok_span(c.left_edge, c))))
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in ("on", "upon"):
                for g in c.children:
                    if g.dep_ == "pobj":
                        out.append(list(trim(ctx.raw, *tok_span(g.left_edge, g))))
    return out


# -- speakers to actors, pronouns, anonymous sources, documents to their author
def resolve(ctx: DocContext, claims: list[dict]) -> None:
    """Link each speaker to an actor span, a pronoun to its antecedent, an unnamed source to its
    sector, and a document ("the letter said") to the claim that introduced it."""
    doc = ctx.doc
    text = ctx.raw
    actors = sorted(doc.spans["actors"], key=lambda s: s.start_char) if "actors" in doc.spans else []
    history: list[tuple[str, dict]] = []  # (type, speaker dict)
    documents: dict[str, int] = {}  # channel -> index of the claim that introduced it
    order = sorted(range(len(claims)), key=lambda i: claims[i]["cue"][0])
    outlet = (doc._.ew_meta or {}).get("dateline_outlet")
    for i in order:
        c = claims[i]
        c["addressees"] = [a for a in (_actor_for(actors, x) for x in c["addressees"]) if a]
        sp = c.get("speaker")
        if sp and outlet and sp["start"] < outlet[1] <= sp["end"]:
            # "Damascus, SANA-Foreign Ministry said": the outlet tag is not the speaker
            sp["start"] = trim(text, outlet[1], sp["end"])[0]
            c["speaker"] = sp = sp if sp["start"] < sp["end"] else None
        if not sp:
            continue
        stok = doc.char_span(sp["start"], sp["end"], alignment_mode="expand")
        head = stok.root if stok is not None and len(stok) else None
        sp["actor"] = _actor_for(actors, [sp["start"], sp["end"]], head)
        hl = head.lemma_.lower() if head is not None else ""
        if head is not None and head.pos_ == "NOUN" and hl in ctx.lex.channels:
            ch = ctx.lex.channels[hl]
            _document_speaker(claims, i, ch, documents.get(ch))
            history.append(("thing", sp))
        else:
            _person_speaker(ctx, c, stok, head, history)
        if c.get("channel") and c.get("_document") is not None and not (head is not None and hl in ctx.lex.channels):
            documents[c["channel"]] = i
    for c in claims:
        c.pop("_document", None)


def _document_speaker(claims: list[dict], i: int, ch: str, author: int | None) -> None:
    """'the letter said': a document speaks through channel ``ch``; it nests under the claim that
    introduced that document and takes that claim's speaker as its author."""
    c = claims[i]
    sp = c["speaker"]
    c["channel"] = c.get("channel") or ch
    if c["kind"] == "indirect":
        c["kind"] = "document"
    if author is not None and author != i:
        c["parent"] = author
        a_sp = claims[author].get("speaker") or {}
        sp["actor"] = sp["actor"] or a_sp.get("actor")
        if not sp["actor"] and a_sp:
            sp["author"] = [a_sp["start"], a_sp["end"]]


def _person_speaker(ctx: DocContext, c: dict, stok: Span | None, head: Token | None,
                    history: list[tuple[str, dict]]) -> None:
    """A pronoun takes its antecedent's actor, an unnamed source its sector, 'the ministry' the
    earlier speaker it names; the speaker joins the history pronouns look back on."""
    sp = c["speaker"]
    low = ctx.raw[sp["start"]:sp["end"]].lower()
    if low in PRONOUNS:
        ante = _antecedent(history, PRONOUNS[low])
        if ante:
            sp["actor"] = ante.get("actor")
            c["antecedent"] = [ante["start"], ante["end"]]
        return
    anon = _anonymous(ctx, stok) if stok is not None else None
    if anon is not None:
        c["anonymous"] = True
        if anon:
            c["sector"] = anon
    elif sp["actor"] is None and head is not None and head.pos_ == "NOUN":
        ante = _definite(ctx.raw, history, head)
        if ante:
            sp["actor"] = ante.get("actor")
            c["antecedent"] = [ante["start"], ante["end"]]
    history.append((_speaker_type(head, low), sp))


def _actor_for(actors: list[Span], key: list[int], head: Token | None = None) -> list[int] | None:
    """The actor span overlapping a speaker span, preferring the one that holds its head."""
    s, e = key
    best = None
    for a in actors:
        if a.start_char < e and s < a.end_char:
            if head is not None and a.start <= head.i < a.end:
                return [a.start_char, a.end_char]
            best = best or [a.start_char, a.end_char]
    return best


def _speaker_type(head: Token | None, low: str) -> str:
    """person, group or thing: what a later pronoun may refer back to."""
    if head is None:
        return "thing"
    if head.ent_type_ == "PERSON" or low.split()[0:1] in (["mr."], ["ms."], ["mrs."]):
        return "person"
    if head.tag_ in ("NNS", "NNPS"):
        return "group"
    if head.ent_type_ in ("ORG", "GPE", "NORP") or head.pos_ == "NOUN":
        return "thing"
    return "person" if head.pos_ == "PROPN" else "thing"


def _antecedent(history: list[tuple[str, dict]], want: str) -> dict | None:
    """The latest earlier speaker of a type the pronoun can refer to."""
    ok = {"person": ("person",), "thing": ("thing", "group"), "group": ("group", "thing")}[want]
    for kind, sp in reversed(history):
        if kind in ok:
            return sp
    return None


def _definite(text: str, history: list[tuple[str, dict]], head: Token) -> dict | None:
    """'the ministry' refers back to an earlier speaker whose name holds 'ministry'."""
    if not any(c.lower_ in ("the", "this", "that") for c in head.children):
        return None
    h = head.lower_
    for _, sp in reversed(history):
        if h in text[sp["start"]:sp["end"]].lower() and sp.get("actor"):
            return sp
    return None


def _anonymous(ctx: DocContext, span: Span) -> str | None:
    """The sector of an unnamed source ('a military source' -> MIL), '' if unknown; None if named."""
    if any(t.pos_ == "PROPN" for t in span):
        return None
    head = span.root
    table = ctx.lex.anonymous.get(head.lemma_.lower())
    if table is None:
        return None
    for c in head.children:
        if c.dep_ in ("amod", "compound") and c.lemma_.lower() in table:
            return table[c.lemma_.lower()]
    return table.get("*", "")
