"""The per-document context of the claims layer.

One ``DocContext`` is made for every ``find`` call and handed to each job (cues, contents,
speakers, nesting), so the shared component holds no per-document state and threads can run it
at once.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from eventwire.analysis.claims.cue_model import CueModel
from eventwire.analysis.claims.lexicon import Lexicon
from eventwire.analysis.claims.quotes import Quotes, find_quotes, paragraphs
from eventwire.analysis.extensions import doc_text


@dataclass
class DocContext:
    """What the claims layer knows of the document it reads, and the shared data it reads it with.

    ``raw`` is the Doc's text; ``text`` the same with '' read as a straight quote (same length, so
    offsets agree). ``sent`` is the sentence being walked (``Token.sent`` is costly).
    """

    doc: Doc
    raw: str
    text: str
    quotes: Quotes
    lex: Lexicon
    model: CueModel | None
    threshold: float
    veto: float
    paras: list[tuple[int, int]] = field(default_factory=list)
    para_starts: list[int] = field(default_factory=list)
    sent: Span | None = None

    @classmethod
    def read(cls, doc: Doc, lex: Lexicon, model: CueModel | None, threshold: float, veto: float) -> DocContext:
        """The context of one Doc: its text, quotations and paragraphs."""
        raw = doc_text(doc)
        # '' is a quotation mark in some newswire styles: read it as a straight quote (same length)
        text = raw.replace("''", ' "') if "''" in raw else raw
        paras = paragraphs(text)
        return cls(doc=doc, raw=raw, text=text, quotes=Quotes(find_quotes(text)), lex=lex, model=model,
                   threshold=threshold, veto=veto, paras=paras, para_starts=[a for a, _ in paras])

    def sent_of(self, tok: Token) -> Span:
        """The sentence of a token: the one being walked if it holds it (cheap), else Token.sent."""
        s = self.sent
        return s if s is not None and s.start <= tok.i < s.end else tok.sent

    def para_of(self, pos: int) -> tuple[int, int] | None:
        """The paragraph holding a character offset."""
        if not self.para_starts:
            return None
        i = bisect_right(self.para_starts, pos) - 1
        return self.paras[i] if i >= 0 else None
