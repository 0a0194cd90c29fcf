"""Quotations found by a character scan, and the span helpers every job of the claims layer uses.

A quotation next to its cue wins over the parse, so the quote scan runs before any grammar: it
balances curly and straight marks per paragraph and follows the newswire convention for a quote
running over paragraphs.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.tokens import Token

OPEN_Q = "“«„"
CLOSE_Q = "”»"
STRAIGHT_Q = '"'
EDGE_PUNCT = set(",.;:—–-―…|/()[]") | {" ", "\n", "\t", "\xa0"}
PARA_RE = re.compile(r"\n\s*\n|\n(?=\s*[\"“])")
MAX_QUOTE_PARAS = 12


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph spans: blank lines, or a line break before an opening quote."""
    out, pos = [], 0
    for m in PARA_RE.finditer(text):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text)))
    return out


def _para_quotes(text: str, s: int, e: int) -> tuple[list[tuple[int, int]], int | None]:
    """Balanced quotes inside one paragraph, and the offset of a quote left open at its end."""
    found: list[tuple[int, int]] = []
    open_at: int | None = None
    for i in range(s, e):
        ch = text[i]
        if ch in OPEN_Q:
            open_at = i
        elif ch in CLOSE_Q:
            if open_at is not None:
                found.append((open_at, i + 1))
                open_at = None
        elif ch == STRAIGHT_Q:
            if open_at is None:
                open_at = i
            else:
                found.append((open_at, i + 1))
                open_at = None
    return found, open_at


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Quotations as [start, end) including the marks, merged across paragraphs.

    The newswire convention for a quote running over paragraphs (no closing mark
    at the end of a paragraph, an opening mark at the start of the next) is
    followed; any other unbalanced mark is dropped, so it can never swallow the
    rest of the article.
    """
    paras = paragraphs(text)
    quotes: list[tuple[int, int]] = []
    carry: int | None = None  # start of a quote still running from earlier paragraphs
    carried = 0
    for n, (s, e) in enumerate(paras):
        lead = s
        while lead < e and text[lead] in " \t\xa0":
            lead += 1
        starts_quote = lead < e and text[lead] in OPEN_Q + STRAIGHT_Q
        if carry is not None and not starts_quote:
            carry = None  # the open quote never continued: unbalanced, drop it
        found, open_at = _para_quotes(text, s, e)
        if carry is not None and found and found[0][0] == lead:
            # the continuation paragraph: its first quote closes the running one
            quotes.append((carry, found[0][1]))
            found = found[1:]
            carry = None
        elif carry is not None and open_at == lead and not found:
            open_at = carry  # still running through this paragraph
        else:
            carry = None
        quotes.extend(found)
        nxt = paras[n + 1][0] if n + 1 < len(paras) else None
        if open_at is not None and nxt is not None:
            carried = carried + 1 if carry is not None else 1
            carry = open_at if carried <= MAX_QUOTE_PARAS else None
        else:
            carry, carried = None, 0
    return sorted(quotes)


# ------------------------------------------------------------------------- span helpers

def trim(text: str, s: int, e: int, keep_quotes: bool = True) -> tuple[int, int]:
    """Strip edge punctuation and spaces; closing quote marks stay (PARC includes them)."""
    while s < e and (text[s] in EDGE_PUNCT or (not keep_quotes and text[s] in OPEN_Q + STRAIGHT_Q)):
        s += 1
    while e > s and (text[e - 1] in EDGE_PUNCT or (not keep_quotes and text[e - 1] in CLOSE_Q + STRAIGHT_Q)):
        e -= 1
    return s, e


def trim_words(text: str, s: int, e: int, trail_words: tuple[str, ...]) -> tuple[int, int]:
    """trim, then drop a dangling conjunction left at the end ("... Clinton and")."""
    s, e = trim(text, s, e)
    changed = True
    while changed and e > s:
        changed = False
        for w in trail_words:
            if text[s:e].lower().endswith(" " + w):
                s, e = trim(text, s, e - len(w) - 1)
                changed = True
    return s, e


def tok_span(a: Token, b: Token) -> tuple[int, int]:
    """Character span from the start of token a to the end of token b."""
    return a.idx, b.idx + len(b.text)


def subtree_span(t: Token) -> tuple[int, int]:
    """Character span of a token's whole subtree."""
    return tok_span(t.left_edge, t.right_edge)


def after_quote(head: Token, left: Token) -> Token:
    """The left edge of a speaker phrase without a quotation the parser hung on it."""
    doc = head.doc
    for i in range(head.i - 1, left.i - 1, -1):
        if doc[i].text in CLOSE_Q + STRAIGHT_Q or doc[i].text == "''":
            return doc[i + 1] if doc[i + 1].is_punct is False else doc[min(i + 2, head.i)]
    return left


def only_between(text: str, a: int, b: int, allowed: str) -> bool:
    """Whether text[a:b] holds only the allowed characters (a <= b)."""
    return a <= b and all(ch in allowed for ch in text[a:b])


class Quotes:
    """Sorted quote spans with lookups by offset."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = spans
        self.starts = [s for s, _ in spans]

    def containing(self, pos: int) -> tuple[int, int] | None:
        i = bisect_right(self.starts, pos) - 1
        if i >= 0 and self.spans[i][0] <= pos < self.spans[i][1]:
            return self.spans[i]
        return None

    def ending_before(self, pos: int, text: str, allowed: str = " \n\t\xa0,.") -> tuple[int, int] | None:
        i = bisect_right(self.starts, pos) - 1
        while i >= 0:
            q = self.spans[i]
            if q[1] <= pos:
                return q if only_between(text, q[1], pos, allowed) else None
            i -= 1
        return None

    def starting_after(self, pos: int, text: str, allowed: str = " \n\t\xa0,:—–―") -> tuple[int, int] | None:
        i = bisect_right(self.starts, pos - 1)
        if i < len(self.spans):
            q = self.spans[i]
            if q[0] >= pos and only_between(text, pos, q[0], allowed):
                return q
        return None

    def overlapping(self, s: int, e: int) -> list[tuple[int, int]]:
        i = max(0, bisect_right(self.starts, s) - 1)
        out = []
        while i < len(self.spans) and self.spans[i][0] < e:
            if self.spans[i][1] > s:
                out.append(self.spans[i])
            i += 1
        return out
