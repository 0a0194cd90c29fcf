"""Dependency-tree helpers every job of the events layer uses (no lexicon, no document state)."""

from __future__ import annotations

from spacy.tokens import Token

# dependency labels that open a clause of their own
CLAUSAL = {"ccomp", "xcomp", "advcl", "relcl", "acl", "csubj", "parataxis", "pcomp"}
SUBJ = {"nsubj", "nsubjpass", "csubj"}
# entity types that name an amount or a moment, never a party ("On Nov. 2, X called Y" parsed with
# "Nov" as the object; "donated USD1 million to"; "by 5 a.m."); CARDINAL stays ("killed five")
NON_PARTY_ENTS = {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"}


def lemma_of(t: Token) -> str:
    return t.lemma_.lower()


def receivers_on(things: list[Token]) -> list[Token]:
    """'returned a sculpture [to the ambassador]': the receiver of a giving verb, as the parser often
    hangs it, on the thing given (the object of a 'to' on the verb's object)."""
    return [g for o in things for k in o.children if k.dep_ == "prep" and k.lower_ == "to"
            for g in k.children if g.dep_ == "pobj"]


def dative(k: Token) -> list[Token]:
    """The receiver(s) a 'dative' dependent names: itself ("gave Syria aid"), or, when the parser
    hangs the preposition as the dative ("gives equipment to Nicaragua"), its object."""
    if k.pos_ == "ADP":
        return [g for g in k.children if g.dep_ == "pobj"]
    return [k]


def conjuncts(t: Token) -> list[Token]:
    out = [t]
    for c in t.children:
        if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN", "PRON"):
            out.extend(conjuncts(c))
    return out


def nearby(t: Token, depth: int = 2) -> list[Token]:
    """Dependents of t down to `depth`, without crossing into clauses."""
    out, frontier = [], [t]
    for _ in range(depth):
        nxt = []
        for x in frontier:
            for c in x.children:
                if c.dep_ in CLAUSAL:
                    continue
                out.append(c)
                nxt.append(c)
        frontier = nxt
    return out
