"""Features and linear scores of the framing models (analysis/framing.py, benchmarks/train_framing.py).

``sentence_features`` / ``token_features`` / ``span_features`` build the feature strings the
models were trained on. At run time ``sentence_scores`` and ``token_scores`` add up the same
weights in the same order without building the strings (a :class:`FeatureWeights` looks a value
up in its feature family, so ``w["w=" + x]`` is ``family("w")[x]``): building ~25 strings per
token was most of the layer's cost. tests/test_framing.py checks that both give identical floats.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from spacy.attrs import DEP, HEAD, IS_ALPHA, IS_UPPER, LEMMA, LENGTH, LOWER, ORTH, POS, TAG
from spacy.tokens import Doc, Span

QUOTES_OPEN = {'"', "“", "«", "„"}
QUOTES_CLOSE = {'"', "”", "»", "“"}
CONTENT_POS = ("NOUN", "ADJ", "VERB", "PROPN")

Rule = tuple[int, int, str]  # token start, token end (exclusive), technique


class FeatureWeights:
    """A linear model's weights split by feature family: "w=x" is under "w" as "x", "caps" under ""."""

    def __init__(self, weights: dict[str, float]):
        self.all = weights
        self.families: dict[str, dict[str, float]] = {}
        for f, v in weights.items():
            fam, sep, val = f.partition("=")
            self.families.setdefault(fam if sep else "", {})[val if sep else f] = v

    def __bool__(self) -> bool:
        return bool(self.all)

    def family(self, name: str) -> dict[str, float]:
        return self.families.get(name, {})

    def each(self, name: str, values: list[str]) -> list[float]:
        """The weight of feature ``name=value`` for each value (0.0 when the model lacks it)."""
        fam = self.family(name)
        return [fam.get(v, 0.0) for v in values]


def _bucket(n: int, edges: tuple[int, ...]) -> int:
    return sum(n >= e for e in edges)


def _quoted(doc: Doc, max_tokens: int) -> tuple[list[bool], list[tuple[int, int]]]:
    """Tokens inside double quotes, and the short quoted stretches (scare-quote candidates)."""
    inside = [False] * len(doc)
    short: list[tuple[int, int]] = []
    texts = [t.text for t in doc]
    for sent in doc.sents:
        open_at = None
        for i in range(sent.start, sent.end):
            if open_at is None and texts[i] in QUOTES_OPEN:
                open_at = i
            elif open_at is not None and texts[i] in QUOTES_CLOSE:
                for j in range(open_at + 1, i):
                    inside[j] = True
                if 0 < i - open_at - 1 <= max_tokens:
                    short.append((open_at + 1, i))
                open_at = None
    return inside, short


# -------------------------------------------------------------------------------------- sentences

def sentence_features(sent: Span, bias: frozenset[str], inq: list[bool]) -> list[str]:
    """Features of one sentence for the sentence model: its lemmas, bias-word count, length, quotes."""
    f = {"l=" + t.lemma_.lower() for t in sent if t.is_alpha}
    nb = sum(1 for t in sent if t.lower_ in bias or t.lemma_.lower() in bias)
    f.add(f"nb={min(nb, 5)}")
    f.add(f"len={_bucket(len(sent), (6, 12, 20, 30, 45))}")
    if sent[-1].text in ("!", "?"):
        f.add("end" + sent[-1].text)
    if any(inq[sent.start:sent.end]):
        f.add("quote")
    return sorted(f)


# ----------------------------------------------------------------------------------------- tokens

@dataclass
class TokenTable:
    """Per-token values both token_features and token_scores read (one pass over the Doc)."""

    low: list[str]
    lem: list[str]
    pos: list[str]
    tag: list[str]
    dep: list[str]
    head_lem: list[str]
    last: list[str]  # text, for the sentence's closing punctuation
    alpha: list[bool]
    caps: list[bool]
    isb: list[bool]
    rule_at: list[str | None]
    inq: list[bool]
    content: Counter
    sents: list[tuple[int, int]]


def token_table(doc: Doc, rules: list[Rule], bias: frozenset[str], inq: list[bool]) -> TokenTable:
    """Read every token attribute the span model needs once (to_array: no Token objects)."""
    n = len(doc)
    rule_at: list[str | None] = [None] * n
    for s, e, tech in rules:
        for j in range(s, e):
            rule_at[j] = tech
    cols = doc.to_array([ORTH, LOWER, LEMMA, POS, TAG, DEP, IS_ALPHA, IS_UPPER, LENGTH]).T.tolist() if n else [[]] * 9
    orth, lower, lemma, pos_id, tag, dep, alpha, upper, length = cols
    head = doc.to_array(HEAD).astype("int64").tolist()  # signed offsets, stored as uint64
    strings = doc.vocab.strings
    names: dict[int, str] = {}
    lowered: dict[int, str] = {}

    def text(h: int) -> str:
        return names[h] if h in names else names.setdefault(h, strings[h])

    low = [text(h) for h in lower]
    lem = [lowered[h] if h in lowered else lowered.setdefault(h, strings[h].lower()) for h in lemma]
    pos = [text(h) for h in pos_id]
    return TokenTable(
        low=low, lem=lem, pos=pos, tag=[text(h) for h in tag], dep=[text(h) for h in dep],
        head_lem=[lem[i + d] for i, d in enumerate(head)], last=[text(h) for h in orth],
        alpha=[a == 1 for a in alpha], caps=[u == 1 and k > 1 for u, k in zip(upper, length, strict=True)],
        isb=[low[i] in bias or lem[i] in bias for i in range(n)], rule_at=rule_at, inq=inq,
        content=Counter(lem[i] for i in range(n) if pos[i] in CONTENT_POS),
        sents=[(s.start, s.end) for s in doc.sents])


def sentence_scores(tt: TokenTable, weights: FeatureWeights) -> list[float]:
    """Probability that each sentence carries framing: the sentence model over sentence_features.

    The weights are summed in sentence_features' sorted order: the "l=" features sort as one
    block (by lemma), after the other features below "l=" and before the rest.
    """
    lem, alpha, isb = tt.lem, tt.alpha, tt.isb
    lemmas, w = weights.family("l"), weights.all
    b = w.get("<bias>", 0.0)
    out = []
    for s0, s1 in tt.sents:
        other = [f"nb={min(sum(isb[s0:s1]), 5)}", f"len={_bucket(s1 - s0, (6, 12, 20, 30, 45))}"]
        if tt.last[s1 - 1] in ("!", "?"):
            other.append("end" + tt.last[s1 - 1])
        if any(tt.inq[s0:s1]):
            other.append("quote")
        other.sort()
        words = sorted({lem[i] for i in range(s0, s1) if alpha[i]})
        vals = [w.get(f, 0.0) for f in other if f < "l="]
        vals += [lemmas.get(x, 0.0) for x in words]
        vals += [w.get(f, 0.0) for f in other if f >= "l="]
        z = b + sum(vals)
        out.append(1 / (1 + math.exp(-max(-30.0, min(30.0, z)))))
    return out


def _sentence_flags(tt: TokenTable, si: int, sent_scores: list[float] | None) -> tuple[list[str], int | None]:
    """Features every token of sentence ``si`` shares, and its sentence-score decile."""
    s0, s1 = tt.sents[si]
    nb = sum(tt.isb[s0:s1])
    nr = sum(1 for j in range(s0, s1) if tt.rule_at[j])
    sf = [f"sb={_bucket(nb, (1, 2, 3, 5))}", f"sr={_bucket(nr, (1, 2, 4))}",
          f"sl={_bucket(s1 - s0, (6, 12, 20, 30, 45))}", "title" if si == 0 else "body",
          f"sq={any(tt.inq[s0:s1])}"]
    if tt.last[s1 - 1] in ("!", "?"):
        sf.append("s" + tt.last[s1 - 1])
    ss = None
    if sent_scores is not None and si < len(sent_scores):
        ss = min(9, max(0, int(sent_scores[si] * 10)))
        sf.append(f"ss={ss}")
    return sf, ss


def token_features(doc: Doc, rules: list[Rule], bias: frozenset[str], quote_max: int,
                   sent_scores: list[float] | None = None) -> list[list[str]]:
    """Features of every token for the span model (train_framing.py; token_scores sums their weights).

    ``sent_scores`` (one probability per sentence, from the sentence model) gives each token the
    decile of its sentence's score, alone and with the token's part of speech.
    """
    tt = token_table(doc, rules, bias, _quoted(doc, quote_max)[0])
    low, lem, pos, isb = tt.low, tt.lem, tt.pos, tt.isb
    feats: list[list[str]] = [[] for _ in low]
    for si, (s0, s1) in enumerate(tt.sents):
        sf, ss = _sentence_flags(tt, si, sent_scores)
        words = s1 - s0
        for i in range(s0, s1):
            p1 = low[i - 1] if i > s0 else "<s>"
            n1 = low[i + 1] if i + 1 < s1 else "</s>"
            pp = pos[i - 1] if i > s0 else "<s>"
            pn = pos[i + 1] if i + 1 < s1 else "</s>"
            rel = (i - s0) * 4 // max(1, words)
            f = ["w=" + low[i], "l=" + lem[i], "p=" + pos[i], "t=" + tt.tag[i], "d=" + tt.dep[i],
                 "w-1=" + p1, "w+1=" + n1, "pp=" + pp + "|" + pos[i], "pn=" + pos[i] + "|" + pn,
                 "hl=" + tt.head_lem[i], f"rel={rel}", *sf,
                 "w-2=" + (low[i - 2] if i - 2 >= s0 else "<s>"), "w+2=" + (low[i + 2] if i + 2 < s1 else "</s>")]
            if tt.alpha[i]:
                f.append("suf=" + low[i][-3:])
            if ss is not None:
                f.append(f"ss={ss}|{pos[i]}")
            if isb[i]:
                f.append("bias")
            if i > s0 and isb[i - 1]:
                f.append("bias-1")
            if i + 1 < s1 and isb[i + 1]:
                f.append("bias+1")
            if tt.rule_at[i]:
                f.append("rule=" + tt.rule_at[i])
            if tt.inq[i]:
                f.append("inq")
            if tt.caps[i]:
                f.append("caps")
            if pos[i] in CONTENT_POS:
                f.append(f"rep={_bucket(tt.content[lem[i]], (2, 3, 5))}")
            feats[i] = f
    return feats


def token_scores(tt: TokenTable, sent_scores: list[float] | None, w: FeatureWeights) -> list[float]:
    """Log-odds that each token lies in a framing span: sum(w[f] for f in token_features) + bias.

    Each weight is looked up from the values token_features would join into a string, and the
    weights are added in token_features' order, so the floats are the same to the last bit.
    """
    low, pos, isb, rule_at = tt.low, tt.pos, tt.isb, tt.rule_at
    ww, wl, wp, wt, wd, whl = (w.each(k, v) for k, v in (("w", low), ("l", tt.lem), ("p", pos), ("t", tt.tag),
                                                         ("d", tt.dep), ("hl", tt.head_lem)))
    wm1, wp1, wm2, wp2 = (w.each(k, low) for k in ("w-1", "w+1", "w-2", "w+2"))
    start1, end1 = w.family("w-1").get("<s>", 0.0), w.family("w+1").get("</s>", 0.0)
    start2, end2 = w.family("w-2").get("<s>", 0.0), w.family("w+2").get("</s>", 0.0)
    suf = w.each("suf", [x[-3:] for x in low])
    rep = w.each("rep", [str(_bucket(tt.content[x], (2, 3, 5))) for x in tt.lem])
    pp, pn, ssd, rules, rel = (w.family(k) for k in ("pp", "pn", "ss", "rule", "rel"))
    flag = w.family("")
    f_bias, f_bm1, f_bp1, f_inq, f_caps = (flag.get(k, 0.0) for k in ("bias", "bias-1", "bias+1", "inq", "caps"))
    relw = [rel.get(str(k), 0.0) for k in range(5)]
    b = w.all.get("<bias>", 0.0)
    out: list[float] = []
    for si, (s0, s1) in enumerate(tt.sents):
        sf, ss = _sentence_flags(tt, si, sent_scores)
        sfw = [w.all.get(f, 0.0) for f in sf]
        words = max(1, s1 - s0)
        for i in range(s0, s1):
            v = [ww[i], wl[i], wp[i], wt[i], wd[i],
                 wm1[i - 1] if i > s0 else start1, wp1[i + 1] if i + 1 < s1 else end1,
                 pp.get((pos[i - 1] if i > s0 else "<s>") + "|" + pos[i], 0.0),
                 pn.get(pos[i] + "|" + (pos[i + 1] if i + 1 < s1 else "</s>"), 0.0),
                 whl[i], relw[(i - s0) * 4 // words], *sfw,
                 wm2[i - 2] if i - 2 >= s0 else start2, wp2[i + 2] if i + 2 < s1 else end2]
            if tt.alpha[i]:
                v.append(suf[i])
            if ss is not None:
                v.append(ssd.get(f"{ss}|{pos[i]}", 0.0))
            if isb[i]:
                v.append(f_bias)
            if i > s0 and isb[i - 1]:
                v.append(f_bm1)
            if i + 1 < s1 and isb[i + 1]:
                v.append(f_bp1)
            if rule_at[i]:
                v.append(rules.get(rule_at[i], 0.0))
            if tt.inq[i]:
                v.append(f_inq)
            if tt.caps[i]:
                v.append(f_caps)
            if pos[i] in CONTENT_POS:
                v.append(rep[i])
            out.append(sum(v) + b)
    return out


# ------------------------------------------------------------------------------------------ spans

def span_features(span: Span, rules: list[Rule]) -> list[str]:
    """Features of one span for the technique model."""
    f = [f"len={_bucket(len(span), (2, 3, 5, 8, 13, 21))}"]
    for t in span:
        if not t.is_punct:
            f.append("w=" + t.lower_)
            f.append("l=" + t.lemma_.lower())
        f.append("p=" + t.pos_)
    f.append("first=" + span[0].lower_)
    f.append("last=" + span[-1].lower_)
    f.append("root=" + span.root.lemma_.lower())
    for s, e, tech in rules:
        if s < span.end and e > span.start:
            f.append("rule=" + tech)
    if span.start > 0 and span.doc[span.start - 1].text in QUOTES_OPEN:
        f.append("quoted")
    return f
