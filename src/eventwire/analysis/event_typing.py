"""Learned event typing: which PLOVER type a trigger in its sentence is, or none.

The rules of ``analysis/events/`` find candidate triggers (the PLOVER trigger lexicon, and verbs that
PETRARCH2's CAMEO dictionary codes) with their frame: arguments, modality, status. Which type a
candidate is in *this* sentence (an air strike is an ASSAULT, a workers' strike a PROTEST; a
verb of a background clause is no event at all) is decided here by a linear model over evidence
that carries across corpora: the trigger's lemma, its WordNet class and CAMEO code, the rules'
type, the dependency frame, the kinds of its arguments (an armed actor, a place, a person),
negation and modality. Words merely near the trigger are left out: on these small corpora they
memorise topics rather than generalise (cross-validation showed no gain from them). The weights (``data/events/type_model.npz``) are
learned by ``benchmarks/train_events.py`` from the PLOVER and CAMEO-penta development sets;
``benchmarks/events_cv.py`` measures them out of sample. Scoring is plain Python (dict lookups).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from spacy.tokens import Span, Token

from eventwire.data import data_path, read_csv, read_yaml

if TYPE_CHECKING:
    from eventwire.analysis.events.candidate import Cand

NONE = "NONE"
MODEL = "events/type_model.npz"
ARG_DEPS = {"nsubj", "nsubjpass", "dobj", "dative", "attr", "agent", "poss"}


@dataclass(frozen=True)
class TypingLexicon:
    """Cross-corpus evidence tables: WordNet verb classes and CAMEO codes mapped to PLOVER, and the
    modal auxiliaries the features mark."""

    wordnet: dict[str, tuple[str, ...]]
    cameo: dict[str, str]
    cameo_plover: dict[str, str]
    modals: frozenset[str] = frozenset()
    nouns: dict[str, str] = field(default_factory=dict)

    def cameo_type(self, lemma: str) -> str | None:
        """The PLOVER type of a verb by its CAMEO code (longest matching prefix), if it has one."""
        code = self.cameo.get(lemma)
        if code is None:
            return None
        for n in range(len(code), 1, -1):
            if code[:n] in self.cameo_plover:
                return self.cameo_plover[code[:n]] or None
        return None


@lru_cache(maxsize=1)
def typing_lexicon() -> TypingLexicon:
    """The typing tables, read once per process (they never change while it runs)."""
    wn = {r["lemma"]: tuple(r["classes"].split()) for r in read_csv("lexicons/wordnet_classes.csv")}
    cameo = {r["verb"]: r["cameo"] for r in read_csv("lexicons/cameo_verbs.csv")}
    cp = {r["prefix"]: r["type"] for r in read_csv("lexicons/cameo_plover.csv")}
    modals = frozenset(str(w).lower() for w in read_yaml("lexicons/event_words.yaml")["modal_auxiliaries"]["words"])
    nouns = {r["lemma"]: r["class"] for r in read_csv("lexicons/wordnet_noun_classes.csv")}
    return TypingLexicon(wn, cameo, cp, modals, nouns)


class TypeModel:
    """A multinomial logistic model over string features: weights per feature, one per class.

    A tied feature ``@key=TYPE`` (the rules' type, the CAMEO dictionary's type) adds one weight per
    key to the score of the class it names: "the dictionary says X" counts the same for every X,
    so it carries over to types the training sentences hardly show.
    """

    def __init__(self, weights: dict[str, list[float]], bias: list[float], classes: list[str],
                 tied: dict[str, float] | None = None):
        self.weights = weights
        self.bias = bias
        self.classes = classes
        self.tied = tied or {}
        self.index = {c: j for j, c in enumerate(classes)}

    @classmethod
    def load(cls, name: str = MODEL) -> TypeModel | None:
        try:
            path = data_path(name)
        except FileNotFoundError:
            return None
        import numpy as np  # only to read the .npz; scoring is plain Python

        with path.open("rb") as fh, np.load(fh, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            w = z["weights"].astype(float)
            bias = [float(x) for x in z["bias"]]
        return cls({f: w[i].tolist() for i, f in enumerate(meta["features"])}, bias, meta["classes"],  # floats
                   meta.get("tied"))

    def probs(self, feats: list[str]) -> list[float]:
        s = list(self.bias)
        for f in feats:
            if f[0] == "@":
                key, _, cls = f[1:].partition("=")
                if cls in self.index:
                    s[self.index[cls]] += self.tied.get(key, 0.0)
                continue
            row = self.weights.get(f)
            if row is not None:
                s = [x + v for x, v in zip(s, row, strict=True)]  # s[j] += v for every class
        m = max(s)
        e = [math.exp(x - m) for x in s]
        z = sum(e)
        return [x / z for x in e]

    def predict(self, feats: list[str]) -> tuple[str, float]:
        p = self.probs(feats)
        j = max(range(len(p)), key=p.__getitem__)
        return self.classes[j], p[j]


def _depth(t: Token) -> int:
    d = 0
    while t.head.i != t.i and d < 20:
        t, d = t.head, d + 1
    return d


def _arg_kind(a: Token, actor_of: dict[int, Span], places: dict[int, Span]) -> str:
    """What an argument is: an actor of some sector, a place, a person, a pronoun, a thing."""
    sp = actor_of.get(a.i)
    if sp is not None:
        info = sp._.ew_actor or {}
        return "actor:" + str(info.get("sector") or ("state" if info.get("country") else "x"))
    if a.i in places:
        return "place"
    if a.ent_type_:
        return "ent:" + a.ent_type_
    if a.pos_ == "PRON":
        return "pron"
    return "thing"


def features(c: Cand, sent: Span, actor_of: dict[int, Span], places: dict[int, Span],
             cands: list[Cand]) -> list[str]:
    """The evidence for one candidate's type, as feature strings."""
    lex = typing_lexicon()
    t = c.tok
    lem = t.lemma_.lower()
    rt = c.rule_type or c.type
    f = ["b", "rt=" + rt, "@rt=" + rt, "@mt=" + c.type, "k=" + c.kind, "or=" + c.origin, "l=" + lem, "lt=" + lem + "|" + rt,
         "pos=" + t.pos_, "d=" + t.dep_]
    if c.mode:
        f.append("rm=" + rt + "/" + c.mode)
    if c.type != rt:
        f.append("mt=" + c.type)  # the type the modality rules turned it into
    for cl in lex.wordnet.get(lem, ("none",))[:2]:
        f.append("wn=" + cl)
        f.append("wnt=" + cl + "|" + rt)
    cp = lex.cameo_type(lem)
    f.append("cp=" + (cp or "none"))
    if cp:
        f.append("@cp=" + cp)
    code = lex.cameo.get(lem)
    if code:
        f.append("cr=" + code[:2])
    depth = _depth(t)
    if all(depth <= _depth(o.tok) for o in cands):
        f.append("main")
    h = t.head
    if h.i != t.i:
        f.append("h=" + h.lemma_.lower() + "|" + t.dep_)
        f.append("hp=" + h.pos_ + "|" + t.dep_)
    verb = c.light or (h if c.kind == "noun" and h.pos_ in ("VERB", "AUX") else None)
    if c.light is not None:
        f.append("lv=" + c.light.lemma_.lower())
    kids = list(t.children) + [k for k in (verb.children if verb is not None and verb is not t else ()) if k != t]
    for k in kids:
        dep = k.dep_
        if dep in ARG_DEPS:
            kind = _arg_kind(k, actor_of, places)
            f.append("a=" + dep + "|" + kind)
            if kind == "thing":  # what kind of thing: "gave euros" (possession), "sent a letter" (communication)
                nc = lex.nouns.get(k.lemma_.lower(), "none")
                f.append("ac=" + dep + "|" + nc)
                f.append("act=" + dep + "|" + nc + "|" + rt)
            if dep in ("dobj", "nsubjpass", "attr"):
                f.append("obj=" + k.lemma_.lower())
        elif dep == "prep":
            f.append("p=" + k.lower_)
            for g in k.children:
                if g.dep_ == "pobj":
                    kind = _arg_kind(g, actor_of, places)
                    f.append("pa=" + k.lower_ + "|" + kind)
                    if kind == "thing":
                        f.append("pc=" + k.lower_ + "|" + lex.nouns.get(g.lemma_.lower(), "none"))
                    f.append("po=" + k.lower_ + "|" + g.lemma_.lower())
        elif dep in ("amod", "compound", "nmod") and k.i < t.i:
            f.append("m=" + k.lemma_.lower())
        elif dep == "aux" and k.lower_ in lex.modals:
            f.append("aux=" + k.lower_)
        elif dep == "prt":
            f.append("prt=" + lem + "|" + k.lower_)
        elif dep in ("xcomp", "ccomp"):
            f.append("cl=" + dep + "|" + k.pos_)
    f.append("ha=" + str(bool(c.actors)) + str(bool(c.recipients)))
    if c.attested:
        f.append("attested")
    if c.negated:
        f.append("neg")
    f.append("st=" + c.status)
    if c.intended:
        f.append("int=" + str(c.intended.get("type")))
    return f


class Typer:
    """Applies the type model to a sentence's candidates; can also record their features."""

    def __init__(self, model: TypeModel | None):
        self.model = model
        self.trace: list[dict] | None = None  # set to a list to collect training rows

    @property
    def active(self) -> bool:
        """Whether candidates only the CAMEO dictionary proposes are worth making (someone decides)."""
        return self.model is not None or self.trace is not None

    def apply(self, cands: list[Cand], sent: Span, actor_of: dict[int, Span], places: dict[int, Span]) -> None:
        for c in cands:
            if c.suppressed:
                continue
            feats = features(c, sent, actor_of, places, cands)
            if self.trace is not None:
                self.trace.append({"feats": feats, "rule_type": c.rule_type or c.type, "type": c.type,
                                   "lemma": c.tok.lemma_.lower(), "text": c.tok.lower_,
                                   "depth": _depth(c.tok), "trigger": [c.tok.idx, c.tok.idx + len(c.tok)],
                                   "actors": [_chars(a, actor_of) for a in c.actors],
                                   "recipients": [_chars(r, actor_of) for r in c.recipients]})
            if self.model is None:
                continue
            label, _ = self.model.predict(feats)
            if label == NONE and c.origin == "lexicon":
                c.unlikely = True  # dropped in `settle` unless it turns out to have a toll
            elif label == NONE:
                c.suppressed = True
            elif label != c.type:
                c.type, c.mode, c.context = label, None, []

    @staticmethod
    def settle(cands: list[Cand]) -> list[Cand]:
        """Drop the candidates the model found to be no event, once their tolls are known: an act
        with its own toll, or one its frame attests (repelled, dispersed, a toll's cause), happened, and stays, although the
        one-event-a-sentence training data would drop it behind a sentence's main event (a condemnation,
        the act of repelling or dispersing it, the claim of it)."""
        out = []
        for c in cands:
            toll = c.killed.get("min") is not None or c.injured.get("min") is not None
            if c.unlikely and not toll and not c.attested and not c.own_deed and not _own_frame(c):
                continue
            out.append(c)
        return out


def _chars(t: Token, actor_of: dict[int, Span]) -> list[int]:
    """[start, end] characters of a role head's actor span, or of the head word: what training
    matches against a corpus's labelled role spans."""
    sp = actor_of.get(t.i)
    return [sp.start_char, sp.end_char] if sp is not None else [t.idx, t.idx + len(t)]


def _own_frame(c: Cand) -> bool:
    """A named attack with its own attacker and target ("an Israeli strike on a tent camp"): it
    happened, even where the sentence's main event is something said about it."""
    return c.kind == "noun" and c.type == "ASSAULT" and bool(c.actors) and bool(c.recipients)
