"""Claims marked by punctuation rather than a cue verb: transcript and headline labels
("PENCE: ..."), a colon before a quotation, and a quotation signed after a dash ("“...” ― Name").
"""

from __future__ import annotations

import re

from eventwire.analysis.claims.context import DocContext
from eventwire.analysis.claims.cues import left_aux, reporting_class
from eventwire.analysis.claims.lexicon import SUBJ
from eventwire.analysis.claims.quotes import CLOSE_Q, STRAIGHT_Q, Quotes, paragraphs, trim
from eventwire.analysis.claims.speakers import speaker_dict

DASH_RE = re.compile(r"\s*[―—–]\s*")
LABEL_RE = re.compile(r"([A-Z][\w.’'\-]*(?: [A-Z][\w.’'\-]*){0,3}):\s+(?=\S)")
NAME_RE = re.compile(r"[A-Z][\w.’'\-]*(?:\s[A-Z][\w.’'\-]*){0,4}")
# a signature that closes a line: "... shame.” ― Sonya Herridge"
SIGNATURE_RE = re.compile(r"[ \t\xa0]*([―—–]|--)[ \t\xa0]*([A-Z][\w.’'\-]*(?:[ \t\xa0][A-Z][\w.’'\-]*){0,4})"
                          r"(?=[ \t\xa0]*(?:\(@\w+\)|\n|$|</))")


def _direct(speaker: dict | None, cue: list[int], content: list[int]) -> dict:
    """A direct claim with no cue token (its cue is punctuation or a label)."""
    return {"kind": "direct", "speaker": speaker, "cue": cue, "content": content, "channel": None,
            "addressees": [], "parent": None, "_cue_tok": None, "_speaker_tok": None}


def colon_labels(ctx: DocContext) -> list[dict]:
    """'PENCE: Well, ...' (transcripts) and 'Pence: Flowers won't be at debate' (headlines)."""
    doc, text = ctx.doc, ctx.raw
    places = {i for sp in doc.spans.get("places", []) for i in range(sp.start, sp.end)}
    out = []
    for n, (s, e) in enumerate(paragraphs(text)):
        lead = s
        while lead < e and text[lead] in " \t\xa0\"“":
            lead += 1
        head = text[lead:min(e, lead + 60)]
        m = LABEL_RE.match(head)
        if not m or m.group(1).lower() in ctx.lex.not_speakers:
            continue
        colon = lead + m.end(1)
        label = doc.char_span(lead, colon, alignment_mode="expand")
        if n == 0 and label is not None and all(t.i in places for t in label if t.is_alpha):
            continue  # "New Delhi: The death toll ...": a place opening the article is its dateline
        cs, ce = trim(text, colon + 1, e)
        if ce - cs < 12 or len(text[cs:ce].split()) < 3:
            continue
        cue, sp_start = [colon, colon + 1], lead
        first = m.group(1).split(" ", 1)
        verb = doc.char_span(lead, lead + len(first[0]))
        if len(first) == 2 and verb is not None and len(verb) == 1 and verb[0].tag_ in ("VBD", "VBZ") \
                and verb[0].lemma_.lower() in ctx.lex.verbs:
            # "Said Ellis: ...", "Continued Stone: ...": the inverted verb is the cue
            cue, sp_start = [lead, lead + len(first[0])], lead + len(first[0]) + 1
        out.append(_direct({"start": sp_start, "end": colon, "actor": None}, cue, [cs, ce]))
    return out


def colon_quotes(ctx: DocContext, found: list[dict]) -> list[dict]:
    """'... exemplified by this finding: “...”', 'X listed the qualities:\n\n“...”': a colon that
    introduces a quotation no cue verb has claimed is itself the cue (PolNeAR), its speaker the
    subject of the clause before it, if any."""
    doc, text, quotes = ctx.doc, ctx.text, ctx.quotes
    out = []
    for q0, q1 in quotes.spans:
        j = q0 - 1
        while j >= 0 and text[j] in " \t\xa0\n":
            j -= 1
        if j < 0 or text[j] != ":" or quotes.containing(j) or "\n\n\n" in text[j:q0]:
            continue
        if any(c["cue"][0] <= j < c["cue"][1] or (c["content"][0] < q1 and q0 < c["content"][1])
               for c in found):
            continue
        tok = doc.char_span(j, j + 1, alignment_mode="expand")
        speaker = None
        cue = [j, j + 1]
        if tok is not None and len(tok):
            head = tok[0].head
            subj = next((c for c in head.children if c.dep_ in SUBJ and c.i < tok[0].i), None)
            if subj is not None and subj.pos_ in ("PROPN", "NOUN", "PRON"):
                speaker = speaker_dict(ctx, subj)
            prev = doc[tok[0].i - 1] if tok[0].i > 0 else None
            if prev is not None and prev.pos_ == "VERB" and (
                    prev.lemma_.lower() in ctx.lex.verbs or reporting_class(ctx, prev.lemma_.lower())):
                cue = [left_aux(prev).idx, j + 1]  # "McCrummen reports:": the verb and its colon
        out.append(_direct(speaker, cue, [q0, q1]))
    return out


def dash_quotes(ctx: DocContext) -> list[dict]:
    """'“...” ― Name': a quotation signed after a dash."""
    text, quotes = ctx.raw, ctx.quotes
    out = []
    for qs, qe in quotes.spans:
        m = DASH_RE.match(text, qe)
        if not m or not any(ch in "―—–" for ch in m.group()):
            continue
        n = NAME_RE.match(text[m.end():m.end() + 80])
        if not n:
            continue
        d = m.group().strip()
        ds = text.index(d, qe)
        out.append(_direct({"start": m.end(), "end": m.end() + n.end(), "actor": None}, [ds, ds + len(d)],
                           [qs, qe]))
    out.extend(_signatures(text, quotes))
    return out


def _signatures(text: str, quotes: Quotes) -> list[dict]:
    """A line ending in a dash and a name signs the quotation before it on that line, also one
    the quote scan could not balance (nested marks: "... what he calls “hell” ...” ― Name")."""
    out = []
    for m in SIGNATURE_RE.finditer(text):
        ds = m.start(1)
        if quotes.containing(ds):
            continue
        j = ds
        while j > 0 and text[j - 1] in " \t\xa0":
            j -= 1
        line = text.rfind("\n", 0, j) + 1
        tag = text.rfind(">", line, j)
        start = tag + 1 if tag >= 0 and "<" in text[line:tag] else line
        q = quotes.ending_before(j, text, " \t\xa0")
        if q is not None and q[0] >= start:
            start = q[0]
        cs, ce = trim(text, start, j)
        if ce - cs < 12 or len(text[cs:ce].split()) < 3:
            continue
        if text[ce - 1] not in CLOSE_Q + STRAIGHT_Q:
            continue  # a dash inside running prose, or a tweet's byline (not a claim in PolNeAR)
        out.append(_direct({"start": m.start(2), "end": m.end(2), "actor": None}, [ds, m.end(1)], [cs, ce]))
    return out
