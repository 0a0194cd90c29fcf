"""The learned cue model: which verbs are attribution cues in their context.

``cue_features`` is shared by the component and ``benchmarks/train_claims.py`` so training and use
see the same features; ``CueModel`` scores them. The model adds the long tail of PolNeAR cue verbs
("vote", "expect", "decide") only where the context (subject, clause, quotes) makes them reports.
"""

from __future__ import annotations

import json
import logging
import math

import spacy
from spacy.tokens import Span, Token

from eventwire.analysis.claims.lexicon import PRONOUNS, SUBJ, Lexicon
from eventwire.analysis.claims.quotes import Quotes
from eventwire.analysis.extensions import doc_text
from eventwire.data import open_data

log = logging.getLogger(__name__)

MODEL_FILE = "claims/cue_model.json"
PERSONISH_ENTS = {"PERSON", "ORG", "NORP", "GPE"}
SUBJ_PRONOUNS = {"he", "she", "they", "we", "i", "you", "it", "who"}
# child labels whose pairing with the lemma (lc=) or with the WordNet class (wc=) is a feature
LEMMA_KIDS = ("ccomp", "xcomp", "dobj", "that", "to-clause", "pass")
CLASS_KIDS = ("ccomp", "that", "to-clause", "dobj", "pass", "ccomp<", "ccomp+subj")


def _bucket(n: int) -> str:
    return "0" if n <= 0 else "1" if n == 1 else "2-3" if n <= 3 else "4-8" if n <= 8 else "9+"


def _children(tok: Token) -> tuple[Token | None, set[str]]:
    """The verb's subject and the labels of its children (with the clause shapes that matter)."""
    subj = None
    kids = set()
    for c in tok.children:
        dep = c.dep_
        if dep == "prep" or dep == "prt":
            dep = dep + ":" + c.lower_
        kids.add(dep)
        if dep in ("nsubj", "csubj"):
            subj = c
        elif dep == "nsubjpass":
            kids.add("pass")
        elif dep in ("aux", "auxpass"):
            kids.add("a=" + c.lower_)
        elif dep == "ccomp":
            if any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children):
                kids.add("that")
            if c.i < tok.i:
                kids.add("ccomp<")
            if c.pos_ in ("VERB", "AUX") and any(g.dep_ in SUBJ for g in c.children):
                kids.add("ccomp+subj")
        elif dep == "xcomp" and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children):
            kids.add("to-clause")
    return subj, kids


def _under(tok: Token, lex: Lexicon) -> list[str]:
    """Inside the clause of a lexicon cue ("X said he would vote"): PolNeAR does not nest claims."""
    anc, hops = tok, 0
    while anc.dep_ in ("ccomp", "xcomp", "conj", "advcl", "relcl", "acl") and anc.head is not anc and hops < 4:
        hops += 1
        rel = anc.dep_
        anc = anc.head
        if anc.pos_ == "VERB" and anc.lemma_.lower() in lex.verbs:
            return ["under=" + rel + "|" + lex.verbs[anc.lemma_.lower()].args]
    return []


def _subject_features(subj: Token | None, lem: str, wn: tuple[str, ...], lex: Lexicon) -> list[str]:
    """What kind of subject the verb has (pronoun, entity, person-like, a document)."""
    if subj is None:
        return ["s=none"]
    low = subj.lower_
    if low in SUBJ_PRONOUNS:
        kind = "s=pron:" + low
    elif subj.ent_type_:
        kind = "s=ent:" + subj.ent_type_
    else:
        kind = "s=" + subj.pos_
    f = [kind, "ls=" + lem + "|" + kind]
    if subj.ent_type_ in PERSONISH_ENTS or low in PRONOUNS or subj.lemma_.lower() in lex.anonymous:
        f.extend(("s=personlike", "ls=" + lem + "|personlike", "ws=" + wn[0] + "|personlike"))
    if subj.lemma_.lower() in lex.channels:
        f.append("s=channel")
    return f


def _position_features(tok: Token, quotes: Quotes, wn: tuple[str, ...], sent: Span | None,
                       text: str | None) -> list[str]:
    """Where the verb sits: in or next to a quotation, in its sentence, before a colon."""
    f = []
    if quotes.containing(tok.idx):
        f.append("inquote")
    text = text if text is not None else doc_text(tok.doc)
    if quotes.ending_before(tok.left_edge.idx, text) or quotes.ending_before(tok.idx, text):
        f.append("q<")
        f.append("wq=" + wn[0] + "|q<")
    if quotes.starting_after(tok.right_edge.idx + len(tok.right_edge.text), text) or \
            quotes.starting_after(tok.idx + len(tok.text), text):
        f.append("q>")
    sent = sent if sent is not None else tok.sent
    f.append("sp=" + _bucket(tok.i - sent.start))
    f.append("se=" + _bucket(sent.end - 1 - tok.i))
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    if nxt is not None and nxt.text == ":":
        f.append("colon")
    return f


def cue_features(tok: Token, quotes: Quotes, lex: Lexicon, sent: Span | None = None,
                 text: str | None = None) -> list[str]:
    """Sparse string features of a candidate cue verb, for the learned cue model.

    Shared by the component and ``benchmarks/train_claims.py`` so training and use see the same
    features. The verb's WordNet classes (``wn=``) carry what was learnt to verbs the training
    corpus never showed. Only the token, its children, its head and its subject are read: cheap, per verb.
    Pass the token's sentence and the Doc's text when at hand (``Token.sent`` and ``Doc.text`` are
    rebuilt on every access).
    """
    lem = tok.lemma_.lower()
    entry = lex.verbs.get(lem)
    f = ["bias", "l=" + lem, "t=" + tok.tag_, "d=" + tok.dep_, "ld=" + lem + "|" + tok.dep_,
         "x=" + (entry.args if entry else "none")]
    if lem in lex.phrases:
        f.append("xphrase")
    wn = lex.wordnet.get(lem, ("none",))
    f.extend("wn=" + c for c in wn)
    subj, kids = _children(tok)
    for k in kids:
        f.append("c=" + k)
        if k in LEMMA_KIDS or k.startswith("prep:"):
            f.append("lc=" + lem + "|" + k)
    if subj is None and tok.dep_ in ("xcomp", "conj", "advcl") and tok.head.pos_ in ("VERB", "AUX"):
        subj = next((c for c in tok.head.children if c.dep_ in SUBJ), None)
        f.append("h=" + tok.head.lemma_.lower() + "|" + tok.dep_)
        f.append("hx=" + ("lex" if tok.head.lemma_.lower() in lex.verbs else "none") + "|" + tok.dep_)
    for k in kids:
        if k.startswith("a="):
            f.append("la=" + lem + "|" + k)
        elif k in CLASS_KIDS:
            f.append("wc=" + wn[0] + "|" + k)
    f.append("lt=" + lem + "|" + tok.tag_)
    obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
    if obj is not None:
        f.append("o=" + obj.lemma_.lower())
        f.append("lo=" + lem + "|" + obj.lemma_.lower())
    f.extend(_under(tok, lex))
    f.extend(_subject_features(subj, lem, wn, lex))
    f.extend(_position_features(tok, quotes, wn, sent, text))
    return f


class CueModel:
    """A logistic regression over ``cue_features``: P(a candidate verb is an attribution cue).

    Trained by ``benchmarks/train_claims.py``; it adds the long tail of PolNeAR cue verbs ("vote",
    "expect", "decide") only where the context (subject, clause, quotes) makes them reports.
    """

    def __init__(self, weights: dict[str, float], threshold: float, veto: float = 0.0):
        self.weights = weights
        self.threshold = threshold
        self.veto = veto

    @classmethod
    def load(cls, name: str) -> CueModel | None:
        try:
            with open_data(name) as fh:
                raw = json.load(fh)
        except (FileNotFoundError, ValueError):
            log.warning("claims cue model %s missing or unreadable; lexicon cues only", name)
            return None
        return cls({k: float(v) for k, v in raw["weights"].items()}, float(raw["threshold"]),
                   float(raw.get("veto", 0.0)))

    def prob(self, feats: list[str]) -> float:
        w = self.weights
        z = sum(w.get(f, 0.0) for f in feats)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@spacy.registry.misc("eventwire.claims_cue_model.v1")
def claims_cue_model(name: str = MODEL_FILE) -> CueModel | None:
    """The shipped cue model (a package data name, never a machine path); None if it is missing."""
    return CueModel.load(name)
