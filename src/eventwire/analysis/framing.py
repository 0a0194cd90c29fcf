"""The framing layer: the words that do the persuading, labelled with SemEval-2020 Task 11 techniques.

Two sources of spans, both cheap at run time:

* rules: loaded terms (``lexicons/loaded_terms.csv``), token patterns
  (``lexicons/framing_patterns.yaml``), scare quotes and repeated loaded terms. They make the
  layer explainable and cover what state media say in every article ("illegitimate",
  "atrocities", "Daesh terrorists", "sovereignty, safety and territorial integrity");
* linear models (``framing/model.npz``, trained by ``benchmarks/train_framing.py`` on part of
  the PTC dev corpus): a sentence model scores how persuasive each sentence reads as a whole
  (propaganda clusters in sentences, which a token window cannot see); a per-token logistic
  score over word, lemma, suffix, tag, neighbour, bias-lexicon, rule and sentence-score
  features marks the spans, decoded with two thresholds (a stretch must hold one confident
  token, its edges may be weaker, and no span crosses a line break); a third model names each
  span's technique. Plain dict lookups, no numpy at run
  time, so the layer costs a few per cent of the tagger.

Results: ``doc.spans["framing"]`` with ``Span._.ew_framing = {"technique", "about"}`` (``about`` is
[start, end] of the actor span the phrase targets, or None), and ``Doc._.ew_framing_summary``
(counts per technique, share of sentences with framing). Framing never edits actors or events.
"""

from __future__ import annotations

import json
import logging
import math
from collections import Counter
from collections.abc import Iterable
from typing import Any, get_args

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

import eventwire.analysis.extensions  # noqa: F401
from eventwire import records
from eventwire.analysis import framing_features as ff
from eventwire.analysis.framing_features import FeatureWeights, Rule, _quoted, span_features
from eventwire.analysis.framing_features import sentence_features as sentence_features  # for train_framing.py
from eventwire.analysis.framing_features import token_features as token_features  # for train_framing.py
from eventwire.data import data_path, read_csv, read_yaml

log = logging.getLogger(__name__)

TECHNIQUES: tuple[str, ...] = get_args(records.Technique)
TRIM = {"PUNCT", "SPACE", "CCONJ", "DET", "ADP"}
WEAK = ("Repetition", "Doubt")  # yield to another technique found on the same words

if not Doc.has_extension("ew_framing_summary"):
    Doc.set_extension("ew_framing_summary", default=None)


# ------------------------------------------------------------------------------------------ data

class TermLexicon:
    """Loaded terms matched token by token on the lower-cased form or the lemma."""

    def __init__(self, nlp: Language, rows: Iterable[dict[str, str]]):
        self.by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self.single: dict[str, set[str]] = {}
        for row in rows:
            term, tech = (row.get("term") or "").strip().lower(), (row.get("technique") or "").strip()
            if not term or tech not in TECHNIQUES:
                continue
            words = tuple(t.lower_ for t in nlp.make_doc(term))
            self.by_first.setdefault(words[0], []).append((words, tech))
            if len(words) == 1:
                self.single.setdefault(tech, set()).add(words[0])
        for cands in self.by_first.values():
            cands.sort(key=lambda c: -len(c[0]))

    def find(self, doc: Doc) -> list[Rule]:
        """Longest term match at each token (overlaps resolved later)."""
        out: list[Rule] = []
        toks = [(t.lower_, t.lemma_.lower()) for t in doc]
        n = len(toks)
        for i, (low, lem) in enumerate(toks):
            cands = self.by_first.get(low) or self.by_first.get(lem)
            if not cands:
                continue
            for words, tech in cands:
                k = len(words)
                if i + k <= n and all(words[j] in toks[i + j] for j in range(k)):
                    out.append((i, i + k, tech))
                    break
        return out


def _expand(value: Any, sets: dict[str, list[str]], terms: TermLexicon) -> Any:
    """Replace "$name" / "$terms:<technique>" inside IN / NOT_IN lists of a Matcher pattern."""
    if isinstance(value, list):
        out: list[Any] = []
        for v in value:
            if isinstance(v, str) and v.startswith("$terms:"):
                out.extend(sorted(terms.single.get(v[7:], ())))
            elif isinstance(v, str) and v.startswith("$"):
                out.extend(sets[v[1:]])
            else:
                out.append(_expand(v, sets, terms))
        return out
    if isinstance(value, dict):
        return {k: _expand(v, sets, terms) for k, v in value.items()}
    return value


class LinearModel:
    """Shipped weights: per-token span scores and per-span technique scores (plain dicts)."""

    def __init__(self, name: str | None):
        self.si = FeatureWeights({})
        self.sent = FeatureWeights({})
        self.tc: dict[str, list[float]] = {}
        self.tc_labels: list[str] = []
        self.meta: dict[str, Any] = {}
        if not name:
            return
        import numpy as np  # only to read the .npz; scoring is plain Python

        with data_path(name).open("rb") as fh, np.load(fh, allow_pickle=False) as z:
            self.si = FeatureWeights(dict(zip(z["si_features"].tolist(), z["si_weights"].astype(float).tolist(),
                                              strict=True)))
            self.tc = dict(zip(z["tc_features"].tolist(), z["tc_weights"].astype(float).tolist(), strict=True))
            if "sent_features" in z:
                self.sent = FeatureWeights(dict(zip(z["sent_features"].tolist(),
                                                    z["sent_weights"].astype(float).tolist(), strict=True)))
            self.tc_labels = z["tc_labels"].tolist()
            self.meta = json.loads(str(z["meta"]))

    def __bool__(self) -> bool:
        return bool(self.si.all)


# ------------------------------------------------------------------------------------- component

class FramingComponent:
    """Writes doc.spans[spans_key] + Span._.ew_framing and Doc._.ew_framing_summary."""

    def __init__(self, nlp: Language, name: str, spans_key: str, terms: str, patterns: str,
                 bias_words: str, model: str, threshold: float | None, seed_threshold: float | None,
                 max_gap: int,
                 scare_quote_max_tokens: int, use_rules: bool, use_model: bool):
        self.name = name
        self.spans_key = spans_key
        self.terms = TermLexicon(nlp, read_csv(terms))
        self.bias = frozenset(r["word"].strip().lower() for r in read_csv(bias_words) if r.get("word"))
        self.quote_max = scare_quote_max_tokens
        self.use_rules = use_rules
        self.matcher = Matcher(nlp.vocab)
        self.pattern_info: dict[str, tuple[str, str | None]] = {}
        spec = read_yaml(patterns) or {}
        sets = {k: [str(w) for w in v["words"]] for k, v in (spec.get("sets") or {}).items()}
        for p in spec.get("patterns") or []:
            if p["technique"] not in TECHNIQUES:
                raise ValueError(f"{patterns}: pattern {p['id']!r} has unknown technique {p['technique']!r}")
            self.matcher.add(p["id"], [_expand(p["pattern"], sets, self.terms)])
            self.pattern_info[p["id"]] = (p["technique"], p.get("extend"))
        self.model = LinearModel(model if use_model else None)
        meta = self.model.meta
        self.threshold = threshold if threshold is not None else float(meta.get("threshold", 0.5))
        seed = seed_threshold if seed_threshold is not None else meta.get("seed_threshold")
        self.seed_threshold = max(self.threshold, float(seed)) if seed is not None else self.threshold
        self.max_gap = max_gap if max_gap >= 0 else int(meta.get("max_gap", 1))

    # ----- rules
    def rules(self, doc: Doc, short: list[tuple[int, int]] | None = None) -> list[Rule]:
        """All rule matches (token offsets), before overlap resolution (``short``: from _quoted)."""
        out = list(self.terms.find(doc))
        for mid, s, e in self.matcher(doc):
            tech, extend = self.pattern_info[doc.vocab.strings[mid]]
            if extend == "conjuncts":
                s, e = _extend_conjuncts(doc, s, e)
            elif extend == "clause":
                e = _clause_end(doc, s, e)
            out.append((s, e, tech))
        if short is None:
            _, short = _quoted(doc, self.quote_max)
        for s, e in short:
            span = doc[s:e]
            if any(t.pos_ in ("VERB", "AUX") for t in span) or doc[s - 2:s - 1].text == ":":
                continue
            s2, e2 = _trim(doc, s, e)
            if s2 < e2:
                out.append((s2, e2, "Doubt"))
        out.extend(_repetitions(doc, out))
        return out

    # ----- model
    def token_scores(self, doc: Doc, rules: list[Rule], inq: list[bool] | None = None) -> list[float]:
        """Log-odds that each token lies inside a framing span (``inq``: from _quoted)."""
        if inq is None:
            inq, _ = _quoted(doc, self.quote_max)
        tt = ff.token_table(doc, rules, self.bias, inq)
        sent = ff.sentence_scores(tt, self.model.sent) if self.model.sent else None
        return ff.token_scores(tt, sent, self.model.si)

    def model_spans(self, doc: Doc, scores: list[float]) -> list[tuple[int, int]]:
        return decode(doc, scores, logit(self.threshold), logit(self.seed_threshold), self.max_gap)

    def technique(self, span: Span, rules: list[Rule]) -> str:
        tc, labels = self.model.tc, self.model.tc_labels
        scores = [0.0] * len(labels)
        for f in ["<bias>", *span_features(span, rules)]:
            ws = tc.get(f)
            if ws:
                scores = [x + v for x, v in zip(scores, ws, strict=True)]  # scores[k] += v for every label
        return labels[max(range(len(labels)), key=scores.__getitem__)]

    # ----- assembly
    def __call__(self, doc: Doc) -> Doc:
        self._annotate(doc)  # a failure reaches spaCy's error handler: the article's error record
        return doc

    def _annotate(self, doc: Doc) -> None:
        if not len(doc):
            doc.spans[self.spans_key] = []
            doc._.ew_framing_summary = summary(doc, [])
            return
        inq, short = _quoted(doc, self.quote_max)
        rules = self.rules(doc, short)
        scores = self.token_scores(doc, rules, inq) if self.model else None
        found: dict[tuple[int, int, str], None] = {}
        if self.use_rules:
            for s, e, tech in _resolve(rules):
                found[(s, e, tech)] = None
        rule_keys = set(found)
        if scores is not None:
            covered = [(s, e) for s, e, _ in found]
            for s, e in self.model_spans(doc, scores):
                if any(cs <= s and e <= ce for cs, ce in covered):
                    continue
                found[(s, e, self.technique(doc[s:e], rules))] = None
        actors = list(doc.spans["actors"]) if "actors" in doc.spans else []
        spans = []
        places = [(p.start, p.end) for p in doc.spans["places"]] if "places" in doc.spans else []
        # span extensions are keyed by offsets: one technique per stretch, the most specific first
        by_offsets: dict[tuple[int, int], str] = {}
        for s, e, tech in sorted(found, key=lambda k: (k[0], k[1], k[2] in WEAK, k[2])):
            by_offsets.setdefault((s, e), tech)
        for (s, e), tech in sorted(by_offsets.items()):
            if (s, e, tech) not in rule_keys and any(ps <= s and e <= pe for ps, pe in places):
                continue  # a place name alone is not framing (the model is noisy on rare names)
            if (s, e, tech) not in rule_keys and any(t2 == tech and s2 <= s and e <= e2 and (s2, e2) != (s, e)
                                                     for (s2, e2), t2 in by_offsets.items()):
                continue  # the same technique on a longer stretch already says it
            span = Span(doc, s, e, label=tech)
            span._.ew_framing = {"technique": tech, "about": _about(span, actors)}
            spans.append(span)
        doc.spans[self.spans_key] = spans
        doc._.ew_framing_summary = summary(doc, spans)


# --------------------------------------------------------------------------------------- helpers

def logit(p: float) -> float:
    """Log-odds of a probability threshold (clipped away from 0 and 1)."""
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def decode(doc: Doc, scores: list[float], low: float, seed: float, gap: int) -> list[tuple[int, int]]:
    """Spans of tokens scoring >= `low` (log-odds) that hold at least one token >= `seed`.

    Two thresholds: a framing phrase has a confident core, and its weaker edges join it, while a
    stretch of weak tokens alone is noise. The one decoder of the token model, used at run time
    and by the training script.
    """
    on = [z >= low and "\n" not in t.text for z, t in zip(scores, doc, strict=True)]
    return [(s, e) for s, e in token_runs(doc, on, gap) if max(scores[s:e]) >= seed]


def token_runs(doc: Doc, on: list[bool], gap: int) -> list[tuple[int, int]]:
    """Token spans of switched-on tokens within a sentence, bridging gaps of < `gap` tokens."""
    spans: list[tuple[int, int]] = []
    for sent in doc.sents:
        i = sent.start
        while i < sent.end:
            if not on[i]:
                i += 1
                continue
            j = i + 1
            while j < sent.end:
                if on[j]:
                    j += 1
                    continue
                k = j
                while k < sent.end and not on[k] and k - j < gap and "\n" not in doc[k].text:
                    k += 1
                if k < sent.end and on[k]:
                    j = k
                else:
                    break
            s, e = _trim(doc, i, j)
            if s < e:
                spans.append((s, e))
            i = j
    return spans


def _trim(doc: Doc, s: int, e: int) -> tuple[int, int]:
    """Drop punctuation, conjunctions, determiners and prepositions at both ends of a span."""
    while s < e and doc[s].pos_ in TRIM:
        s += 1
    while e > s and doc[e - 1].pos_ in TRIM:
        e -= 1
    return s, e


def _extend_conjuncts(doc: Doc, s: int, e: int) -> tuple[int, int]:
    """Widen a match over the noun phrase it is coordinated in ("sovereignty, safety and ... integrity")."""
    head = doc[e - 1]
    later = [t.i for t in head.conjuncts if t.i > head.i]
    return s, max(e, max(later) + 1) if later else e


def _clause_end(doc: Doc, s: int, e: int) -> int:
    """End of the sentence of a match, minus closing punctuation and a trailing attribution."""
    sent = doc[s].sent
    end = sent.end
    for t in doc[e:sent.end]:
        if t.text == "," and t.i + 1 < sent.end and doc[t.i + 1].lemma_ in ("add", "say", "state", "conclude"):
            end = t.i
            break
    while end > e and doc[end - 1].is_punct:
        end -= 1
    return end


def _repetitions(doc: Doc, rules: list[Rule]) -> list[Rule]:
    """Later occurrences of a loaded term already used in the article (SemEval Repetition)."""
    seen: set[str] = set()
    out: list[Rule] = []
    spans = sorted({(s, e) for s, e, tech in rules if tech in ("Loaded_Language", "Name_Calling,Labeling")})
    for s, e in spans:
        key = " ".join(t.lemma_.lower() for t in doc[s:e])
        if key in seen:
            out.append((s, e, "Repetition"))
        seen.add(key)
    return out


def _resolve(rules: list[Rule]) -> list[Rule]:
    """Per technique, keep the longest of overlapping matches (earliest on ties)."""
    out: list[Rule] = []
    by_tech: dict[str, list[tuple[int, int]]] = {}
    for s, e, tech in rules:
        by_tech.setdefault(tech, []).append((s, e))
    for tech, spans in by_tech.items():
        taken: list[tuple[int, int]] = []
        for s, e in sorted(set(spans), key=lambda x: (-(x[1] - x[0]), x[0])):
            if all(e <= ts or s >= te for ts, te in taken):
                taken.append((s, e))
        out.extend((s, e, tech) for s, e in taken)
    # a label inside a longer span of another technique adds nothing but noise: keep both only if
    # neither contains the other
    keep = []
    for s, e, tech in out:
        inside = any(s2 <= s and e <= e2 and (s2, e2) != (s, e) and t2 != "Repetition"
                     and tech == "Loaded_Language" for s2, e2, t2 in out)
        if not inside:
            keep.append((s, e, tech))
    return sorted(keep)


def _about(span: Span, actors: list[Span]) -> list[int] | None:
    """The actor span the phrase targets: one inside/overlapping it or its head noun."""
    if not actors:
        return None
    cands = {t.i for t in span}
    root = span.root
    if root.dep_ in ("amod", "compound", "nmod", "appos") and not (span.start <= root.head.i < span.end):
        cands.add(root.head.i)
    best = None
    for a in actors:
        ov = sum(1 for i in range(a.start, a.end) if i in cands)
        if ov and (best is None or ov > best[0]):
            best = (ov, a)
    return [best[1].start_char, best[1].end_char] if best else None


def summary(doc: Doc, spans: list[Span]) -> dict:
    """Counts per technique and the share of sentences with framing (plain values)."""
    counts = Counter(sp._.ew_framing["technique"] for sp in spans)
    try:
        sents = list(doc.sents)
    except ValueError:
        sents = [doc[:]] if len(doc) else []
    framed = sum(1 for s in sents if any(sp.start < s.end and sp.end > s.start for sp in spans))
    return {"spans": len(spans), "counts": dict(sorted(counts.items())),
            "sentences": len(sents), "sentences_with_framing": framed,
            "share_sentences": round(framed / len(sents), 4) if sents else 0.0}


@Language.factory(
    "eventwire_framing",
    default_config={
        "spans_key": "framing",
        "terms": "lexicons/loaded_terms.csv",
        "patterns": "lexicons/framing_patterns.yaml",
        "bias_words": "lexicons/bias_words.csv",
        "model": "framing/model.npz",
        "threshold": None,
        "seed_threshold": None,
        "max_gap": -1,
        "scare_quote_max_tokens": 4,
        "use_rules": True,
        "use_model": True,
    },
    assigns=["doc.spans", "doc._.ew_framing_summary"],
    # reads token.pos (set from token.tag by the model's attribute_ruler, which does not declare it)
    # and the actors' spans (what a framing span is about)
    requires=["token.tag", "token.lemma", "token.dep", "doc.sents", "doc.spans"],
)
def make_framing(nlp: Language, name: str, spans_key: str, terms: str, patterns: str, bias_words: str,
                 model: str, threshold: float | None, seed_threshold: float | None,
                 max_gap: int, scare_quote_max_tokens: int,
                 use_rules: bool, use_model: bool) -> FramingComponent:
    if model:
        try:
            data_path(model)
        except FileNotFoundError:
            log.warning("framing model %s not found: rules only", model)
            model = ""
    return FramingComponent(nlp, name, spans_key, terms, patterns, bias_words, model, threshold,
                            seed_threshold, max_gap, scare_quote_max_tokens, use_rules, use_model)

