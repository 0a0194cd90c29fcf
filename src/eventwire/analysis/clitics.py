"""A possessive written apart from its word ("Sudan ’ s government"), read as the clitic it is.

Tokenised corpora (ConfliBERT's CAMEO sentences, text copied out of PDFs) put spaces around the
apostrophe. spaCy then sees a quote mark and a stray "s": the parser loses the possessive
("President Buhari ’ s health" parses as two clauses) and with it whose act or thing it is. This
component, first in the pipeline, joins such an apostrophe and "s" into one token (its text
keeps the spaces, so every offset stays that of the input) and gives that token's lexeme the
features the model reads for "'s" (norm, prefix, suffix, shape), so the tagger and the parser
read it exactly as they read "Sudan's".
"""

from __future__ import annotations

import numpy
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc

APOSTROPHES = ("’", "'", "ʼ")  # not ‘, which opens a quotation
FEATURES = ("norm_", "prefix_", "suffix_", "shape_")


class SpacedClitics:
    """Joins "X ’ s" into "X" + one possessive token that the model reads as "'s"."""

    def __init__(self, nlp: Language):
        ref = nlp.vocab["'s"]
        for a in APOSTROPHES:
            for s in ("s", "S"):
                lex = nlp.vocab[f"{a} {s}"]
                for f in FEATURES:
                    setattr(lex, f, getattr(ref, f))
        self._marks = [nlp.vocab.strings.add(a) for a in APOSTROPHES]

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        marks = numpy.isin(doc.to_array(ORTH), self._marks)  # in C: most tokens are no apostrophe
        for i in numpy.flatnonzero(marks).tolist():
            if not 0 < i < len(doc) - 1:
                continue
            a, s, before = doc[i], doc[i + 1], doc[i - 1]
            if a.whitespace_ == " " and s.text in ("s", "S") \
                    and before.whitespace_ and not before.is_punct and not before.is_space \
                    and (i + 2 == len(doc) or s.whitespace_ or doc[i + 2].is_punct):
                spans.append(doc[i:i + 2])
        if spans:
            with doc.retokenize() as rt:
                for sp in spans:
                    rt.merge(sp)
        return doc


@Language.factory("eventwire_clitics", assigns=["token.orth"])
def make_clitics(nlp: Language, name: str) -> SpacedClitics:
    return SpacedClitics(nlp)
