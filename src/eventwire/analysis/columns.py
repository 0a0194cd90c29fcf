"""Token attributes read a column at a time, for the layers that visit every token.

``doc[i]`` and iterating a Doc make a new ``Token`` object each time, and each ``.lemma_`` /
``.pos_`` is another string-store lookup; a layer that tests every token pays that more than its
own logic. ``Doc.to_array`` reads the attributes of all tokens at once, and each distinct string
is fetched once.
"""

from __future__ import annotations

from spacy.tokens import Doc


def string_columns(doc: Doc, attrs: list[int]) -> list[list[str]]:
    """For each attribute id (spacy.attrs LOWER, LEMMA, POS, TAG, DEP, ENT_TYPE ...), its string
    value on every token: the same strings as ``token.lower_``, ``token.lemma_``, ``token.pos_`` ..."""
    if not len(doc):
        return [[] for _ in attrs]
    strings = doc.vocab.strings
    names: dict[int, str] = {}
    out = []
    for col in doc.to_array(attrs).reshape(len(doc), len(attrs)).T.tolist():  # 1-D for one attribute
        for h in set(col) - names.keys():
            names[h] = strings[h]
        out.append([names[h] for h in col])
    return out


def lowered(values: list[str]) -> list[str]:
    """``v.lower()`` of each value, each distinct value lowered once."""
    low = {v: v.lower() for v in set(values)}
    return [low[v] for v in values]
