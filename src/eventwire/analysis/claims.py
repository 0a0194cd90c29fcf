"""The claims layer: who says what, through which channel, nested under whom.

Writes ``Doc._.ew_claims``: plain dicts with ``kind`` (direct | indirect |
according_to | document), ``speaker`` ({start, end, actor} or None), ``cue`` and
``content`` ([start, end]), ``channel``, ``addressees`` (actor spans),
``parent`` (index into the same list) and extras (``denial``, ``anonymous``,
``sector``, ``hedge``, ``antecedent``). The events layer reads the content spans
to tell what the outlet states from what it relays.

Cues, hedges, channels and unnamed-source nouns are data (``data/lexicons``);
this module holds only the grammar: the dependency tree gives the speaker
(subject) and the content (the clause, object or to-clause the cue governs),
and a character scan gives the quotations, which win over the parse when a quote
sits next to its cue. Like PolNeAR/PARC, a cue inside someone's quotation or
inside another claim's content is not a claim of its own: the outer claim
already covers it.
"""

from __future__ import annotations

import json
import logging
import math
import re
from bisect import bisect_right
from contextvars import ContextVar
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

import eventwire.analysis.extensions  # noqa: F401
from eventwire.analysis.extensions import doc_text
from eventwire.data import open_data, read_csv

log = logging.getLogger(__name__)

OPEN_Q = "“«„"
CLOSE_Q = "”»"
STRAIGHT_Q = '"'
EDGE_PUNCT = set(",.;:—–-―…|/()[]") | {" ", "\n", "\t", "\xa0"}
PARA_RE = re.compile(r"\n\s*\n|\n(?=\s*[\"“])")
DASH_RE = re.compile(r"\s*[―—–]\s*")
# a signature that closes a line: "... shame.” ― Sonya Herridge"
SIGNATURE_RE = re.compile(r"[ \t\xa0]*([―—–]|--)[ \t\xa0]*([A-Z][\w.’'\-]*(?:[ \t\xa0][A-Z][\w.’'\-]*){0,4})"
                          r"(?=[ \t\xa0]*(?:\(@\w+\)|\n|$|</))")
SUBJ = ("nsubj", "csubj")
CLAUSE_DEPS = ("ccomp", "csubj")
OBJ_PREPS = ("of", "as", "for", "over", "about", "with", "against")
PRONOUNS = {"he": "person", "she": "person", "it": "thing", "they": "group", "we": "group", "i": "person"}
MAX_QUOTE_PARAS = 12
MODEL_FILE = "claims/cue_model.json"
MAX_RESUME_GAP = 160  # characters of cue sentence tail allowed between two halves of a quotation
FALLBACK_DEPS = ("dobj", "xcomp", "ccomp", "prep", "oprd", "attr", "acomp", "advcl", "dative", "pcomp")
GENERIC_SUBJECTS = {"you", "anyone", "one", "everyone", "i", "we", "nobody", "people", "who", "that", "which"}
PHYSICAL_TARGETS = {"base", "convoy", "position", "village", "town", "city", "building", "hospital", "school",
                    "checkpoint", "camp", "post", "area", "ship", "vessel", "target", "troops", "forces"}
CHAIN_DETERMINERS = {"the", "a", "an", "this", "that", "its", "his", "her", "their"}
# verbs of saying: a preposition after them names a topic or an occasion ("said of", "told ... on"),
# not the link to the content, so it stays out of the cue
SPEECH_VERBS = {"say", "tell", "write"}
LINK_PREPS = {"to", "for", "about", "against", "on", "with", "of", "as", "over", "into", "in", "at", "behind"}
NOT_CUE_ADVERBS = {"so", "when", "where", "why", "how", "as", "that", "too", "there"}
REL_PRONOUNS = ("which", "what", "that", "who")
REPORTING_CLASSES = {"communication"}  # WordNet lexicographer classes of reporting verbs
WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
            "yesterday", "tonight"}


# ----------------------------------------------------------------------------- data

@dataclass(frozen=True)
class Cue:
    lemmas: tuple[str, ...]
    kind: str
    denial: bool
    args: str


@dataclass
class Lexicon:
    """All cue data, loaded once per component."""

    verbs: dict[str, Cue] = field(default_factory=dict)
    phrases: dict[str, list[Cue]] = field(default_factory=dict)
    hedge_adverbs: set[str] = field(default_factory=set)
    hedge_passives: set[str] = field(default_factory=set)
    channels: dict[str, str] = field(default_factory=dict)
    anonymous: dict[str, dict[str, str]] = field(default_factory=dict)
    denial_nouns: set[str] = field(default_factory=set)
    not_speakers: set[str] = field(default_factory=set)
    nouns: dict[str, bool] = field(default_factory=dict)
    light_verbs: set[str] = field(default_factory=set)
    wordnet: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Lexicon:
        lex = cls()
        for r in read_csv("lexicons/reporting_verbs.csv"):
            lemmas = tuple(r["lemma"].lower().split())
            cue = Cue(lemmas, r["kind"], r["denial"].strip() == "1", r["args"])
            if len(lemmas) == 1:
                lex.verbs[lemmas[0]] = cue
            else:
                lex.phrases.setdefault(lemmas[0], []).append(cue)
        for r in read_csv("lexicons/hedges.csv"):
            p = r["phrase"].lower()
            (lex.hedge_adverbs if r["form"] == "adverb" else lex.hedge_passives).add(p.split()[0])
        lex.channels = {r["word"].lower(): r["channel"] for r in read_csv("lexicons/channels.csv")}
        for r in read_csv("lexicons/anonymous_sources.csv"):
            lex.anonymous.setdefault(r["head"].lower(), {})[r["modifier"].lower()] = r["sector"] or ""
        lex.denial_nouns = {r["noun"].lower() for r in read_csv("lexicons/denial_cues.csv")}
        lex.nouns = {r["noun"].lower(): r["denial"].strip() == "1" for r in read_csv("lexicons/noun_cues.csv")}
        lex.not_speakers = {r["label"].lower() for r in read_csv("lexicons/speaker_labels.csv")}
        lex.light_verbs = {r["lemma"].lower() for r in read_csv("lexicons/light_verbs.csv")}
        lex.wordnet = {r["lemma"]: tuple(r["classes"].split()) for r in read_csv("lexicons/wordnet_classes.csv")}
        return lex


# --------------------------------------------------------------------------- quotes

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


# ------------------------------------------------------------------------- helpers

def _trim(text: str, s: int, e: int, keep_quotes: bool = True) -> tuple[int, int]:
    """Strip edge punctuation and spaces; closing quote marks stay (PARC includes them)."""
    while s < e and (text[s] in EDGE_PUNCT or (not keep_quotes and text[s] in OPEN_Q + STRAIGHT_Q)):
        s += 1
    while e > s and (text[e - 1] in EDGE_PUNCT or (not keep_quotes and text[e - 1] in CLOSE_Q + STRAIGHT_Q)):
        e -= 1
    return s, e


TRAIL_WORDS = ("and", "but", "or", "while", "as", "because", "so", "that", "which", "who")


def _trim_words(text: str, s: int, e: int) -> tuple[int, int]:
    """_trim, then drop a dangling conjunction left at the end ("... Clinton and")."""
    s, e = _trim(text, s, e)
    changed = True
    while changed and e > s:
        changed = False
        for w in TRAIL_WORDS:
            if text[s:e].lower().endswith(" " + w):
                s, e = _trim(text, s, e - len(w) - 1)
                changed = True
    return s, e


def _tok_span(a: Token, b: Token) -> tuple[int, int]:
    return a.idx, b.idx + len(b.text)


def _subtree_span(t: Token) -> tuple[int, int]:
    return _tok_span(t.left_edge, t.right_edge)


def _after_quote(head: Token, left: Token) -> Token:
    """The left edge of a speaker phrase without a quotation the parser hung on it."""
    doc = head.doc
    for i in range(head.i - 1, left.i - 1, -1):
        if doc[i].text in CLOSE_Q + STRAIGHT_Q or doc[i].text == "''":
            return doc[i + 1] if doc[i + 1].is_punct is False else doc[min(i + 2, head.i)]
    return left


def _only_between(text: str, a: int, b: int, allowed: str) -> bool:
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
                return q if _only_between(text, q[1], pos, allowed) else None
            i -= 1
        return None

    def starting_after(self, pos: int, text: str, allowed: str = " \n\t\xa0,:—–―") -> tuple[int, int] | None:
        i = bisect_right(self.starts, pos - 1)
        if i < len(self.spans):
            q = self.spans[i]
            if q[0] >= pos and _only_between(text, pos, q[0], allowed):
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


# ------------------------------------------------------------------ learned cues

PERSONISH_ENTS = {"PERSON", "ORG", "NORP", "GPE"}
SUBJ_PRONOUNS = {"he", "she", "they", "we", "i", "you", "it", "who"}


def _bucket(n: int) -> str:
    return "0" if n <= 0 else "1" if n == 1 else "2-3" if n <= 3 else "4-8" if n <= 8 else "9+"


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
    for k in kids:
        f.append("c=" + k)
        if k in ("ccomp", "xcomp", "dobj", "that", "to-clause", "pass") or k.startswith("prep:"):
            f.append("lc=" + lem + "|" + k)
    if subj is None and tok.dep_ in ("xcomp", "conj", "advcl") and tok.head.pos_ in ("VERB", "AUX"):
        subj = next((c for c in tok.head.children if c.dep_ in SUBJ), None)
        f.append("h=" + tok.head.lemma_.lower() + "|" + tok.dep_)
        f.append("hx=" + ("lex" if tok.head.lemma_.lower() in lex.verbs else "none") + "|" + tok.dep_)
    for k in kids:
        if k.startswith("a="):
            f.append("la=" + lem + "|" + k)
        elif k in ("ccomp", "that", "to-clause", "dobj", "pass", "ccomp<", "ccomp+subj"):
            f.append("wc=" + wn[0] + "|" + k)
    f.append("lt=" + lem + "|" + tok.tag_)
    obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
    if obj is not None:
        f.append("o=" + obj.lemma_.lower())
        f.append("lo=" + lem + "|" + obj.lemma_.lower())
    # inside the clause of a lexicon cue ("X said he would vote"): PolNeAR does not nest claims
    anc, hops = tok, 0
    while anc.dep_ in ("ccomp", "xcomp", "conj", "advcl", "relcl", "acl") and anc.head is not anc and hops < 4:
        hops += 1
        rel = anc.dep_
        anc = anc.head
        if anc.pos_ == "VERB" and anc.lemma_.lower() in lex.verbs:
            f.append("under=" + rel + "|" + lex.verbs[anc.lemma_.lower()].args)
            break
    if subj is None:
        f.append("s=none")
    else:
        low = subj.lower_
        if low in SUBJ_PRONOUNS:
            f.append("s=pron:" + low)
        elif subj.ent_type_:
            f.append("s=ent:" + subj.ent_type_)
        else:
            f.append("s=" + subj.pos_)
        f.append("ls=" + lem + "|" + f[-1])
        if subj.ent_type_ in PERSONISH_ENTS or low in PRONOUNS or subj.lemma_.lower() in lex.anonymous:
            f.append("s=personlike")
            f.append("ls=" + lem + "|personlike")
            f.append("ws=" + wn[0] + "|personlike")
        if subj.lemma_.lower() in lex.channels:
            f.append("s=channel")
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


# ----------------------------------------------------------------------- component

@dataclass
class _DocState:
    """What the claims layer knows of the document it is reading (its text with '' read as a quote,
    paragraphs, the sentence being walked). One per `find` call, in a context variable, so the
    component itself holds no per-document state and threads can share it."""

    doc: Doc | None = None
    text: str = ""
    quotes: Quotes | None = None
    paras: list[tuple[int, int]] = field(default_factory=list)
    para_starts: list[int] = field(default_factory=list)
    sent: Span | None = None


_STATE: ContextVar[_DocState | None] = ContextVar("eventwire_claims_document", default=None)


def _state() -> _DocState:
    """The document being read (an empty state outside `find`)."""
    return _STATE.get() or _DocState()


class ClaimsComponent:
    """Finds claims (quotes, reported speech, documents, hedges, denials) on a parsed Doc."""

    def __init__(self, nlp: Language, name: str, model: str | None = MODEL_FILE,
                 threshold: float | None = None):
        self.name = name
        self.lex = Lexicon.load()
        self.model = CueModel.load(model) if model else None
        self.threshold = threshold if threshold is not None else (self.model.threshold if self.model else 1.0)
        self.veto = self.model.veto if self.model else 0.0

    # -- entry point
    def __call__(self, doc: Doc) -> Doc:
        # a failure reaches spaCy's error handler: the article becomes an error record
        doc._.ew_claims = self.find(doc)
        return doc

    def find(self, doc: Doc) -> list[dict]:
        """The claims of a Doc; what it learns of this document lives in a `_DocState`, not on self."""
        # '' is a quotation mark in some newswire styles: read it as a straight quote (same length)
        text_of_doc = doc_text(doc)
        text = text_of_doc.replace("''", ' "') if "''" in text_of_doc else text_of_doc
        paras = paragraphs(text)
        state = _DocState(doc=doc, text=text, paras=paras, para_starts=[a for a, _ in paras])
        token = _STATE.set(state)
        try:
            return self._find(doc, text_of_doc, text, state)
        finally:
            _STATE.reset(token)  # hold no reference to a finished Doc

    def _find(self, doc: Doc, text_of_doc: str, text: str, state: _DocState) -> list[dict]:
        quotes = state.quotes = Quotes(find_quotes(text))
        raw: list[dict] = []
        for sent in doc.sents:
            state.sent = sent
            for tok in sent:
                c = self._from_token(tok, quotes, text)
                if c:
                    raw.append(c)
        raw.extend(self._colon_labels(doc, quotes))
        raw.extend(self._dash_quotes(doc, quotes))
        raw.extend(self._colon_quotes(doc, quotes, text, raw))
        claims = self._nest(raw, quotes)
        self._resolve(doc, claims)
        self._chains(text_of_doc, claims)
        for c in claims:
            for k in [k for k in c if k.startswith("_")]:
                del c[k]
        return claims

    @staticmethod
    def _chains(text: str, claims: list[dict]) -> None:
        """``chain``: the speakers from the outermost parent claim down to this one, so a reader
        sees "outlet <- Foreign Ministry <- letter <- alleged strike" (the outlet is the article's)."""
        for c in claims:
            names: list[str] = []
            cur: dict | None = c
            seen: set[int] = set()
            while cur is not None and id(cur) not in seen:
                seen.add(id(cur))
                sp = cur.get("speaker")
                if sp:
                    name = text[sp["start"]:sp["end"]]
                    first, _, rest = name.partition(" ")
                    names.append(rest if rest and first.lower() in CHAIN_DETERMINERS else name)
                p = cur.get("parent")
                cur = claims[p] if isinstance(p, int) and 0 <= p < len(claims) else None
            c["chain"] = names[::-1]

    # -- cue recognition
    def _match_cue(self, tok: Token) -> tuple[Cue, list[Token]] | None:
        lemma = tok.lemma_.lower()
        low = tok.lower_
        if low == "according" and tok.i + 1 < len(tok.doc) and tok.nbor(1).lower_ == "to":
            cue = self.lex.phrases.get("according", [None])[0]
            return (cue, [tok, tok.nbor(1)]) if cue else None
        if tok.pos_ != "VERB" and not (tok.tag_ in ("VBD", "VBZ", "VBP", "VBG", "VBN") and lemma in self.lex.verbs):
            return None
        for cue in self.lex.phrases.get(lemma, ()):
            rest = cue.lemmas[1:]
            toks = [tok]
            cur = tok
            ok = True
            for want in rest:
                nxt = [c for c in cur.children if c.dep_ in ("prep", "prt", "pcomp", "xcomp", "advcl")
                       and (c.lemma_.lower() == want or c.lower_ == want) and c.i > cur.i]
                if not nxt:
                    ok = False
                    break
                cur = nxt[0]
                toks.append(cur)
            if ok and toks[-1].i - tok.i <= 3:
                return cue, toks
        cue = self.lex.verbs.get(lemma)
        return (cue, [tok]) if cue else None

    def _reporting_class(self, lemma: str) -> bool:
        """WordNet files the verb's most frequent sense with verbs of communication."""
        return self.lex.wordnet.get(lemma, ("",))[0] in REPORTING_CLASSES

    def _cue_prob(self, tok: Token, quotes: Quotes) -> float:
        """The cue model's probability that this verb is a report here (0 without a model)."""
        if self.model is None or tok.pos_ != "VERB":
            return 0.0
        return self.model.prob(cue_features(tok, quotes, self.lex, self._sent_of(tok), _state().text))

    def _sent_of(self, tok: Token) -> Span:
        """The sentence of a token: the one ``find`` is walking if it holds it (cheap), else Token.sent."""
        s = _state().sent
        return s if s is not None and s.start <= tok.i < s.end else tok.sent

    def _fallback_content(self, tok: Token, last: Token, passive: bool, quotes: Quotes,
                          text: str) -> tuple[int, int] | None:
        """Content for a cue the model is sure of but the clause rules found none for: its
        arguments after the cue ("voted for the bill", "responded by using ..."), the passive
        subject, or the noun a relative clause hangs on ("the plan Trump backed")."""
        parts = [c for c in tok.children if c.i > last.i and c.dep_ in FALLBACK_DEPS]
        if parts:
            s = min(c.left_edge.idx for c in parts)
            e = max(_subtree_span(c)[1] for c in parts)
        elif passive and any(c.dep_ == "nsubjpass" for c in tok.children):
            s, e = _subtree_span([c for c in tok.children if c.dep_ == "nsubjpass"][0])
        elif tok.dep_ in ("relcl", "acl") and tok.head.i < tok.i:
            s, e = _tok_span(tok.head.left_edge, tok.head)
        else:
            return None
        return self._extend_quotes(*_trim(text, s, e), quotes, tok)

    # -- one claim per cue token
    def _from_token(self, tok: Token, quotes: Quotes, text: str) -> dict | None:
        if quotes.containing(tok.idx):
            return None
        hedge = self._hedge(tok, quotes, text)
        if hedge:
            return hedge
        denial = self._denial_noun(tok, text)
        if denial:
            return denial
        noun = self._noun_cue(tok, text)
        if noun:
            return noun
        m = self._match_cue(tok)
        p = self._cue_prob(tok, quotes)
        sure = p >= self.threshold
        if m and self.model is not None and tok.pos_ == "VERB" and p < self.veto:
            return None  # a lexicon verb in a context the model reads as no report
        if not m:
            lemma = tok.lemma_.lower()
            # the model adds verbs it has seen reporting, and unseen verbs of a reporting WordNet class
            seen = self.model.weights.get("l=" + lemma)
            known = seen > 0.0 if seen is not None else self._reporting_class(lemma)
            if not sure or not (known or (lemma in self.lex.light_verbs and self._light_object(tok))):
                return None
            args = "clause" if any(c.dep_ == "ccomp" for c in tok.children) else "object"
            m = Cue((tok.lemma_.lower(),), "indirect", False, args), [tok]
        cue, ctoks = m
        if cue.kind == "according_to":
            return self._according_to(tok, ctoks, quotes, text)
        last = ctoks[-1]
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)
        speaker = None if passive else self._subject(tok)
        if passive:
            agent = [c for c in tok.children if c.dep_ == "agent"]
            pobj = [g for g in agent[0].children if g.dep_ == "pobj"] if agent else []
            speaker = pobj[0] if pobj else None
        if speaker is None and not passive:
            speaker = self._inverted_subject(tok)
        if cue.args == "cognition" and tok.tag_ == "VBN" and not passive and speaker is not None \
                and speaker.i < tok.i and not any(c.dep_ in ("aux", "auxpass") for c in tok.children):
            # "Gunmen suspected to be bandits attacked ...": a participle without an auxiliary after its
            # noun is a reduced passive the parser read as a finite verb; the noun is suspected, not suspecting
            return None
        # the model may license a belief verb with an object ("see X as Y", "feel affection for"),
        # never one without a named subject ("you'd think")
        if not self._licensed(tok, cue, speaker, passive) and not (
                sure and cue.args == "cognition" and speaker is not None
                and speaker.lower_ not in GENERIC_SUBJECTS and tok.tag_ != "VBP"):
            return None
        addressees = self._addressees(tok, cue)
        subjpass = [c for c in tok.children if c.dep_ == "nsubjpass"]
        if passive and speaker is not None and subjpass:
            # "was first reported by The Post", "is backed by X": the passive subject is the content
            content = _trim(text, *_subtree_span(subjpass[0]))
        else:
            content = self._content(tok, last, cue, speaker, quotes, text)
        if content is None and sure:
            content = self._fallback_content(tok, last, passive, quotes, text)
        if content is None:
            return None
        s, e = content
        if e <= s:
            return None
        cue_span, link = self._cue_span(ctoks)
        if cue_span[0] <= s < cue_span[1] < e:
            # the cue took in the start of the content (a linking preposition, a light verb's
            # object): the content is what follows
            s, e = _trim(text, cue_span[1], e)
            if e <= s:
                return None
        frame = self._framing_verb(tok)
        if frame is not None:
            # "issued a statement calling X ...", "released a letter that says ...": PolNeAR marks the
            # verb, its document and the participle as one cue, spoken by the verb's subject
            cue_span = (self._left_aux(frame).idx, cue_span[1])
            if speaker is None or speaker.lower_ in REL_PRONOUNS or speaker.i > frame.i:
                speaker = self._subject(frame)
        kind = "direct" if self._is_quote(text, s, e, quotes) else "indirect"
        claim = {"kind": kind, "speaker": self._speaker_dict(speaker), "cue": list(cue_span),
                 "content": [s, e], "channel": None, "addressees": addressees, "parent": None,
                 "_cue_tok": tok.i, "_speaker_tok": speaker.i if speaker is not None else None,
                 "_shared_subject": speaker is not None and not passive and speaker.head.i != tok.i
                 and speaker.i < tok.i}
        if cue.denial:
            claim["denial"] = True
        self._channel(tok, claim)
        return claim

    def _cue_span(self, ctoks: list[Token]) -> tuple[tuple[int, int], Token | None]:
        """The cue as PolNeAR/PARC mark it, and the linking preposition it took in (or None).

        Left: the verb's auxiliaries, negation and adverbs ("did not respond"), a governing verb that
        shares its subject ("appeared to suggest"). Right: particles and a short adverb ("shot back",
        "said sarcastically"), a time ("said Friday"), a channel ("said in an interview"), a colon,
        and the preposition that links a verb to its content ("apologized for", "warned of", "known
        as") -- but not after verbs of saying, whose prepositions name a topic or an occasion ("said
        of", "told ... on"), nor a passive's "by" (the speaker's, not the cue's).
        """
        first, last = ctoks[0], ctoks[-1]
        doc = first.doc
        first = self._left_aux(first)
        head = ctoks[0].head
        if ctoks[0].dep_ == "xcomp" and head.pos_ in ("VERB", "AUX") and head.i < first.i \
                and first.i - head.i <= 4 and not any(t.is_punct for t in doc[head.i:first.i]) \
                and not any(c.dep_ in ("dobj", "ccomp") and head.i < c.i < first.i for c in head.children):
            first = self._left_aux(head)
        elif ctoks[0].dep_ == "xcomp" and head.pos_ == "ADJ" and head.dep_ == "acomp" and head.i < first.i \
                and head.head.i < head.i and head.i - head.head.i <= 3 and first.i - head.i <= 3 \
                and not any(t.is_punct for t in doc[head.head.i:first.i]):
            first = self._left_aux(head.head)  # "was quick to embrace", "is likely to say": the frame is the cue
        link = None
        verb = ctoks[0]
        speech = verb.lemma_.lower() in SPEECH_VERBS
        if verb.lemma_.lower() in self.lex.light_verbs and last is verb:
            obj = self._light_object(verb)
            if obj is not None:
                last, link = obj
                if link is not None:
                    return _tok_span(first, last), link
        j = last.i + 1
        while j < len(doc):
            t = doc[j]
            if t.head.i != verb.i and t.head.i != last.i and not (t.dep_ == "mark" and t.head.head.i == verb.i):
                break
            objs = [g for g in t.children if g.dep_ in ("pobj", "pcomp")]
            if t.dep_ == "npadvmod" and (t.ent_type_ in ("DATE", "TIME") or t.lemma_.lower() in WEEKDAYS):
                last = t.right_edge if t.right_edge.i - t.i <= 3 else t
            elif t.dep_ == "prep" and t.lower_ in ("in", "at", "during", "on") and any(
                    g.dep_ == "pobj" and g.lemma_.lower() in self.lex.channels for g in t.children) \
                    and t.right_edge.i - t.i <= 6:
                last = t.right_edge
            elif t.dep_ == "mark" and t.lower_ == "for" and t.head.head.i == verb.i and not speech:
                last = link = t  # "is calling for X to step up"
                break
            elif t.dep_ == "prt" or (t.dep_ == "advmod" and t.pos_ == "ADV" and t.i == t.right_edge.i
                                     and t.lower_ not in NOT_CUE_ADVERBS):
                last = t
            elif t.dep_ == "prep" and t.lower_ in LINK_PREPS and not speech and link is None and objs \
                    and not any(g.ent_type_ in ("DATE", "TIME") or g.lemma_.lower() in self.lex.channels
                                for g in objs) and ctoks[-1].dep_ != "prep":
                last = link = t
                break
            else:
                break
            j = last.i + 1
        if last.i + 1 < len(doc) and doc[last.i + 1].text == ":":
            last = doc[last.i + 1]
        return _tok_span(first, last), link

    def _framing_verb(self, tok: Token) -> Token | None:
        """The verb whose object a participle or relative clause cue hangs on, when that object is a
        document or a light verb's noun ("issued a statement calling", "filed papers opposing")."""
        if tok.dep_ not in ("acl", "relcl") or (tok.dep_ == "acl" and tok.tag_ != "VBG"):
            return None
        noun = tok.head
        verb = noun.head
        if noun.dep_ != "dobj" or verb.pos_ != "VERB" or not verb.i < noun.i < tok.i or tok.i - verb.i > 12:
            return None
        if noun.lemma_.lower() in self.lex.channels or verb.lemma_.lower() in self.lex.light_verbs:
            return verb
        return None

    @staticmethod
    def _light_object(verb: Token) -> tuple[Token, Token | None] | None:
        """The object of a light verb that is part of the cue ("made the case", "expressed support
        for", "made it clear"): its last cue token and the linking preposition after it, if any."""
        doc = verb.doc
        obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i), None)
        if obj is None or obj.left_edge.i != verb.i + 1 or obj.i - verb.i > 4:
            return None
        if obj.pos_ == "PRON":
            if obj.lower_ != "it":
                return None
            nxt = doc[obj.i + 1] if obj.i + 1 < len(doc) else None
            if nxt is not None and nxt.pos_ == "ADJ" and nxt.head.i == verb.i:
                return nxt, None  # "made it clear"
            return obj, None  # "as he put it"
        if obj.pos_ != "NOUN":
            return None
        nxt = doc[obj.i + 1] if obj.i + 1 < len(doc) else None
        if nxt is not None and nxt.dep_ == "prep" and nxt.head.i == obj.i and nxt.lower_ in LINK_PREPS \
                and any(g.dep_ in ("pobj", "pcomp") for g in nxt.children):
            return nxt, nxt
        return obj, None

    def _licensed(self, tok: Token, cue: Cue, speaker: Token | None, passive: bool) -> bool:
        """Syntax that keeps the wider PolNeAR cue set precise.

        A verb of belief or wish ("think", "want", "hope") is a cue only with a clause or to-clause
        and a named or third-person subject ("you'd think", "anyone wanting to" are not claims);
        "attacked" is a cue only against people or organisations, not places or military targets.
        """
        prev = tok.doc[tok.i - 1] if tok.i > 0 else None
        if prev is not None and prev.text in ("<", "</", "<tweet"):
            return False  # markup left in the text ("<tweet id=...>")
        lemma = tok.lemma_.lower()
        if cue.args == "cognition":
            if speaker is None or passive or speaker.lower_ in GENERIC_SUBJECTS:
                return False
            kids = list(tok.children)
            if any(c.dep_ == "dobj" for c in kids) and any(c.dep_ == "prep" and c.lower_ == "as" for c in kids):
                return True  # "see the program as an easier way": a belief about the object
            return any(c.dep_ == "ccomp" or (c.dep_ == "xcomp" and c.i > tok.i) for c in kids)
        if lemma == "attack":
            objs = [c for c in tok.children if c.dep_ == "dobj"]
            if passive or not objs or speaker is None:
                return False
            o = objs[0]
            if any(c.dep_ == "prep" and c.lower_ in ("for", "as", "over") for c in tok.children):
                return True  # "attacked X for/as ...": the verbal sense
            places = tok.doc.spans.get("places", [])
            if o.ent_type_ in ("LOC", "FAC") or o.lemma_.lower() in PHYSICAL_TARGETS \
                    or any(p.start <= o.i < p.end for p in places):
                return False
            return o.ent_type_ in ("PERSON", "ORG", "NORP") or o.pos_ == "PROPN" or o.lower_ in PRONOUNS or \
                o.lower_ in ("him", "her", "them", "me", "us")
        return True

    @staticmethod
    def _left_aux(tok: Token) -> Token:
        """The leftmost token of the auxiliaries, negation and short adverbs right before a verb."""
        doc = tok.doc
        allowed: set[int] = set()
        for c in tok.children:
            if c.i < tok.i and c.dep_ in ("aux", "auxpass", "neg", "advmod") and c.pos_ != "PUNCT" \
                    and c.lower_ not in ("when", "where", "why", "how") and len(list(c.subtree)) <= 3:
                allowed.update(t.i for t in c.subtree)
        i = tok.i - 1
        first = tok
        while i >= 0 and i in allowed:
            first = doc[i]
            i -= 1
        return first

    def _is_quote(self, text: str, s: int, e: int, quotes: Quotes) -> bool:
        qs = quotes.overlapping(s, e)
        covered = sum(min(e, b) - max(s, a) for a, b in qs)
        return bool(qs) and text[s] in OPEN_Q + STRAIGHT_Q and covered >= 0.6 * (e - s)

    # -- speakers
    def _subject(self, tok: Token, depth: int = 0) -> Token | None:
        subjects = [c for c in tok.children if c.dep_ in SUBJ]
        if len(subjects) > 1:
            # "“Like Oakland. Or Ferguson,” Trump said": a quotation's word the parser took for a
            # second subject is never the speaker
            quotes = _state().quotes
            outside = [c for c in subjects if quotes is None or not quotes.containing(c.idx)]
            subjects = outside or subjects
        if subjects:
            return subjects[0]
        if depth < 3 and tok.dep_ in ("advcl", "xcomp", "conj", "pcomp", "acl") and tok.head.pos_ in ("VERB", "AUX"):
            if tok.dep_ == "acl" and tok.head.pos_ != "VERB":
                return None
            return self._subject(tok.head, depth + 1)
        if depth < 3 and tok.dep_ == "xcomp" and tok.head.dep_ == "acomp" and tok.head.head.pos_ in ("VERB", "AUX"):
            return self._subject(tok.head.head, depth + 1)  # "Clinton was quick to embrace"
        return None

    @staticmethod
    def _inverted_subject(tok: Token) -> Token | None:
        """'..., added the letter': a post-posed cue whose 'object' is its speaker."""
        if not any(c.dep_ == "ccomp" and c.i < tok.i for c in tok.children):
            return None
        after = [c for c in tok.children if c.i > tok.i and c.dep_ in ("dobj", "attr", "npadvmod")]
        if after and all(t.dep_ != "ccomp" for t in after[0].subtree):
            return after[0]
        return None

    def _speaker_dict(self, sp: Token | None) -> dict | None:
        if sp is None:
            return None
        doc = sp.doc
        if sp.dep_ not in SUBJ and sp.dep_ not in ("pobj", "nsubjpass", "dobj", "attr", "npadvmod"):
            # the head noun of a relative clause: keep its left part only
            s, e = _tok_span(sp.left_edge, sp)
        else:
            s, e = _tok_span(_after_quote(sp, sp.left_edge), sp.right_edge)
        text = doc_text(doc)
        if "\n" in text[s:sp.idx]:  # a speaker never runs across a line break (title, time line)
            s = text.rfind("\n", s, sp.idx) + 1
        s, e = _trim(text, s, e)
        if e <= s:
            return None
        return {"start": s, "end": e, "actor": None}

    def _addressees(self, tok: Token, cue: Cue) -> list[list[int]]:
        out = []
        if cue.args == "addressee":
            for c in tok.children:
                if c.dep_ in ("dobj", "dative"):
                    out.append(list(_trim(doc_text(tok.doc), *_tok_span(c.left_edge, c))))
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ in ("on", "upon"):
                    for g in c.children:
                        if g.dep_ == "pobj":
                            out.append(list(_trim(doc_text(tok.doc), *_tok_span(g.left_edge, g))))
        return out

    # -- content
    def _content(self, tok: Token, last: Token, cue: Cue, speaker: Token | None, quotes: Quotes,
                 text: str) -> tuple[int, int] | None:
        kids = list(tok.children)
        # the clause region of the cue: speaker, verb, particles, addressee
        region = [tok, last]
        if speaker is not None and speaker.head == tok:
            region += [_after_quote(speaker, speaker.left_edge), speaker.right_edge]
        for c in kids:
            if quotes.containing(c.idx) and not quotes.containing(tok.idx):
                continue  # a quotation's words the parser hung on the cue ("“Probably not,” Ms. Moore said")
            if c.dep_ in ("aux", "auxpass", "neg", "advmod", "dative", "npadvmod", "prt") or \
                    (cue.args == "addressee" and c.dep_ == "dobj"):
                region += [c.left_edge, c.right_edge]
        r0 = min(t.i for t in region)
        r1 = max(t.i for t in region)
        doc = tok.doc
        rs, re_ = doc[r0].idx, doc[r1].idx + len(doc[r1].text)
        left = quotes.ending_before(rs, text)
        if left and "\n" in text[left[1]:rs]:
            left = None  # a quotation ending the previous paragraph is not this cue's
        if left and (tok.dep_ in ("advcl", "xcomp", "acl", "pcomp", "amod") or not self._opens_sentence(text, left[0])):
            left = None
        right = quotes.starting_after(re_, text)
        if right and not _only_between(text, re_, right[0], " \n\t\xa0,:—–―"):
            right = None
        if right and right[0] > re_ and text[re_:right[0]].strip() == "" and not left:
            right = None if r1 + 1 < len(doc) and doc[r1 + 1].text not in OPEN_Q + STRAIGHT_Q else right
        if left and right and "\n" in text[left[1]:right[0]]:
            right = None  # the next paragraph's quotation is not the second half of this one
        if left and right:
            lt = text[left[0]:left[1]].rstrip(CLOSE_Q + STRAIGHT_Q).rstrip()
            if lt.endswith(","):
                return left[0], right[1]
            return left
        if left:
            # "“...,” he said" or "“...” - he said"; the quote must lie next to the cue clause.
            # "“A,” he said. “B.”": the quote resumes right after the cue sentence; PolNeAR's content
            # is both halves, so the span runs to the end of the second
            nxt = self._resumed_quote(re_, quotes, text)
            return (left[0], nxt[1]) if nxt else left
        ccomps = [c for c in kids if c.dep_ in ("ccomp",)]
        if ccomps:
            s = min(c.left_edge.idx for c in ccomps)
            e = max(_subtree_span(c)[1] for c in ccomps)
            return self._extend_quotes(*_trim(text, s, e), quotes, tok)
        if tok.dep_ == "advcl" and tok.head.pos_ in ("VERB", "AUX") and any(
                c.dep_ == "mark" and c.lower_ == "as" for c in kids) and not any(
                c.i > tok.i and c.dep_ in ("dobj", "ccomp", "xcomp", "prep", "dative", "attr", "oprd")
                and c.lower_ not in ("it", "so") for c in kids):
            # "As The Washington Post reported, X ...", "..., as police have said", "as he put it":
            # the clause it comments on is the content (not "as he discussed his plan": a time)
            h = tok.head
            if tok.i < h.i:
                s, e = doc[tok.right_edge.i + 1].idx, _subtree_span(h)[1]
            else:
                s, e = h.left_edge.idx, doc[tok.left_edge.i].idx
            got = self._extend_quotes(*_trim_words(text, s, e), quotes, tok)
            if got:
                return got
        if tok.dep_ == "parataxis":
            h = tok.head
            if h.i < tok.i:
                s, e = h.left_edge.idx, doc[r0].idx
            else:  # "But to prevent problems, he said, officials should be vigilant"
                s, e = _subtree_span(h)
            return self._extend_quotes(*_trim(text, s, e), quotes, tok)
        oprd = [c for c in kids if c.dep_ == "oprd" and c.i > tok.i]
        if oprd:  # "called X deplorables", "described X as ..."
            first = min([c.left_edge.i for c in kids if c.dep_ == "dobj" and c.i > tok.i] + [oprd[0].left_edge.i])
            return self._extend_quotes(*_trim(text, doc[first].idx, _subtree_span(oprd[-1])[1]), quotes, tok)
        if right:
            return right
        colon = self._after_colon(doc, r1, quotes, text)
        if colon:
            return colon
        if cue.args in ("object", "addressee", "cognition"):
            got = self._object_content(tok, last, cue, text)
            if got:
                return self._extend_quotes(*got, quotes, tok)
        elif cue.args == "clause" and any(c.dep_ in ("dobj", "npadvmod", "advcl") for c in kids if c.i > tok.i):
            # a misparsed clause ("said many of the examples ... are wrong"): the rest of the sentence
            sent = self._sent_of(tok)
            e = sent.end_char
            s = doc[r1 + 1].idx if r1 + 1 < len(doc) else e
            # a verb coordinated with the cue is its subject's second deed, not what was said ("were
            # observing Maulud celebration and were mistakenly killed")
            own = {t.i for c in kids if c.dep_ == "conj" for t in c.subtree}
            if sum(1 for t in doc[r1 + 1:sent.end] if t.pos_ in ("VERB", "AUX") and t.i not in own) and \
                    sent.end - r1 > 5:
                return self._extend_quotes(*_trim(text, s, e), quotes, tok)
        if any(c.dep_ == "xcomp" and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)
                 for c in kids) and tok.lemma_.lower() in ("say", "claim", "tell", "ask", "warn", "threaten"):
            got = self._object_content(tok, last, cue, text)
            if got:
                return self._extend_quotes(*got, quotes, tok)
        return None

    @staticmethod
    def _resumed_quote(pos: int, quotes: Quotes, text: str) -> tuple[int, int] | None:
        """The quotation that opens the sentence right after the cue's one, in the same paragraph
        ("“A,” he said in August. “B.”"), if the words between are only the rest of that sentence."""
        i = bisect_right(quotes.starts, pos - 1)
        if i >= len(quotes.spans):
            return None
        q = quotes.spans[i]
        gap = text[pos:q[0]].rstrip(" \t\xa0")
        if not gap or len(gap) > MAX_RESUME_GAP or gap[-1] not in ".!?" or "\n" in gap \
                or any(ch in gap for ch in OPEN_Q + CLOSE_Q + STRAIGHT_Q):
            return None
        return q

    @staticmethod
    def _opens_sentence(text: str, pos: int) -> bool:
        """A quote that opens a sentence or paragraph (not a scare quote inside a clause)."""
        j = pos - 1
        while j >= 0 and text[j] in " \t\xa0":
            j -= 1
        return j < 0 or text[j] in "\n.?!:;”\"—―–-…)"

    def _after_colon(self, doc: Doc, r1: int, quotes: Quotes, text: str) -> tuple[int, int] | None:
        """'X said:' followed by a quote, the rest of the sentence, or the next paragraph."""
        j = r1 + 1
        if j >= len(doc) or doc[j].text != ":":
            return None
        q = quotes.starting_after(doc[j].idx + 1, text, " \n\t\xa0")
        if q:
            return q
        start = doc[j].idx + 1
        para_end = text.find("\n\n", start)
        para_end = len(text) if para_end < 0 else para_end
        if text[start:para_end].strip():
            return _trim(text, start, min(para_end, doc[j].sent.end_char if doc[j].sent.end_char > start
                                          else para_end))
        # the colon ends the paragraph: the next paragraph is the content
        nxt = para_end
        while nxt < len(text) and text[nxt] in "\n \t\xa0":
            nxt += 1
        end = text.find("\n\n", nxt)
        end = len(text) if end < 0 else end
        return _trim(text, nxt, end) if end > nxt else None

    def _object_content(self, tok: Token, last: Token, cue: Cue, text: str) -> tuple[int, int] | None:
        kids = [c for c in tok.children if c.i > tok.i]
        if last is not tok:  # phrasal cue: "called for X", "called on X to Y"
            pobj = [g for g in last.children if g.dep_ in ("pobj", "pcomp")]
            kids2 = [c for c in kids if c.dep_ == "xcomp"]
            if pobj:
                s = pobj[0].left_edge.idx
                e = _subtree_span(pobj[0])[1]
                if kids2:
                    e = max(e, _subtree_span(kids2[-1])[1])
                return _trim(text, s, e)
            return None
        parts = []
        for c in kids:
            is_arg = c.dep_ in ("dobj", "xcomp", "oprd") and not (cue.args == "addressee" and c.dep_ == "dobj")
            if is_arg or c.dep_ == "ccomp" or (c.dep_ == "prep" and c.lower_ in OBJ_PREPS and parts):
                parts.append(c)
        if not parts:
            return None
        s = min(p.left_edge.idx for p in parts)
        e = max(_subtree_span(p)[1] for p in parts)
        return _trim(text, s, e)

    def _para_of(self, pos: int) -> tuple[int, int] | None:
        """The paragraph holding a character offset (set per document in ``find``)."""
        state = _state()
        if not state.para_starts:
            return None
        i = bisect_right(state.para_starts, pos) - 1
        return state.paras[i] if i >= 0 else None

    def _extend_quotes(self, s: int, e: int, quotes: Quotes, tok: Token) -> tuple[int, int] | None:
        # a parsed clause never runs past the cue's paragraph: the parser often joins a paragraph
        # to the next one into one sentence, and a reporting clause does not cross a paragraph
        # break (quotations that do are found by the quote scan, not here)
        para = self._para_of(tok.idx)
        if para is not None and (s < para[0] or e > para[1]):
            s, e = _trim(_state().text, max(s, para[0]), min(e, para[1]))
        if e <= s:
            return None
        for a, b in quotes.overlapping(s, e):
            if a <= tok.idx < b:
                continue
            if a < s and b > s and b - a < 4000:
                s = a
            if b > e and a < e and b - a < 4000:
                e = b
        return s, e

    # -- according to
    def _according_to(self, tok: Token, ctoks: list[Token], quotes: Quotes, text: str) -> dict | None:
        to = ctoks[-1]
        pobj = [g for g in to.children if g.dep_ == "pobj"]
        src = pobj[0] if pobj else None
        sent = self._sent_of(tok)
        phrase_end = _subtree_span(src)[1] if src is not None else to.idx + len(to.text)
        phrase_start = tok.idx
        before = _trim(text, sent.start_char, phrase_start)
        after = _trim(text, phrase_end, sent.end_char)
        if after[1] - after[0] >= before[1] - before[0]:
            s, e = after
        else:
            s, e = before
        if e - s < 3:
            return None
        speaker = None
        if src is not None:
            a, b = _trim(text, *_subtree_span(src))
            speaker = {"start": a, "end": b, "actor": None}
        claim = {"kind": "according_to", "speaker": speaker, "cue": list(_tok_span(ctoks[0], ctoks[-1])),
                 "content": [s, e], "channel": None, "addressees": [], "parent": None,
                 "_cue_tok": tok.i, "_speaker_tok": src.i if src is not None else None}
        return claim

    # -- hedges ("reportedly", "is said to")
    def _hedge(self, tok: Token, quotes: Quotes, text: str) -> dict | None:
        low = tok.lower_
        if low in self.lex.hedge_adverbs and tok.dep_ == "advmod":
            h = tok.head
            while h.dep_ in ("aux", "auxpass") and h.head is not h:
                h = h.head
            s, e = _trim(text, *_subtree_span(h))
            cue = [tok.idx, tok.idx + len(tok.text)]
        elif ((tok.lower_ in self.lex.hedge_passives or tok.lemma_.lower() in self.lex.hedge_passives)
              and any(c.dep_ == "nsubjpass" for c in tok.children)
              and any(c.dep_ == "xcomp" for c in tok.children)
              and not any(c.dep_ == "agent" for c in tok.children)):
            subj = [c for c in tok.children if c.dep_ == "nsubjpass"][0]
            xc = [c for c in tok.children if c.dep_ == "xcomp"][-1]
            s, e = _trim(text, subj.left_edge.idx, _subtree_span(xc)[1])
            cue = list(_tok_span(self._left_aux(tok), tok))  # "is widely expected", "was said"
        else:
            return None
        if e <= s:
            return None
        return {"kind": "indirect", "speaker": None, "cue": cue, "content": [s, e], "channel": None,
                "addressees": [], "parent": None, "hedge": True, "_cue_tok": tok.i, "_speaker_tok": None}

    # -- denials by a negated noun ("no operational reporting of a strike")
    def _denial_noun(self, tok: Token, text: str) -> dict | None:
        if tok.pos_ != "NOUN" or tok.lemma_.lower() not in self.lex.denial_nouns:
            return None
        neg = [c for c in tok.children if c.lower_ == "no" and c.dep_ in ("det", "neg")]
        if not neg:
            return None
        of = [c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("of", "to", "for")]
        pobj = [g for g in of[0].children if g.dep_ == "pobj"] if of else []
        if not pobj:
            return None
        s, e = _trim(text, *_subtree_span(pobj[0]))
        h = tok.head
        speaker = None
        if h.pos_ in ("VERB", "AUX"):
            subj = [c for c in h.children if c.dep_ in SUBJ and c.lower_ not in ("there", "it")]
            speaker = subj[0] if subj else None
        return {"kind": "indirect", "speaker": self._speaker_dict(speaker),
                "cue": list(_tok_span(neg[0], tok)), "content": [s, e], "channel": None, "addressees": [],
                "parent": None, "denial": True, "_cue_tok": tok.i,
                "_speaker_tok": speaker.i if speaker is not None else None}

    # -- nominal cues ("Trump's claim that ...", "a call to end ...")
    def _noun_cue(self, tok: Token, text: str) -> dict | None:
        if tok.pos_ != "NOUN" or tok.lemma_.lower() not in self.lex.nouns:
            return None
        clause = [c for c in tok.children if c.i > tok.i and (
            (c.dep_ in ("acl", "ccomp") and any(g.dep_ in ("mark", "aux") and g.lower_ in ("that", "to")
                                                for g in c.children))
            or (c.dep_ == "relcl" and self._complement_relcl(c)))]
        if not clause:
            return None
        s, e = _trim(text, *_subtree_span(clause[0]))
        src = [c for c in tok.children if c.dep_ == "poss"]
        if not src:
            by = [c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("by", "from")]
            src = [g for g in by[0].children if g.dep_ == "pobj"] if by else []
        speaker = src[0] if src else None
        claim = {"kind": "indirect", "speaker": self._speaker_dict(speaker) if speaker is not None else None,
                 "cue": [tok.idx, tok.idx + len(tok.text)], "content": [s, e], "channel": None,
                 "addressees": [], "parent": None, "_cue_tok": tok.i, "_noun": True,
                 "_speaker_tok": speaker.i if speaker is not None else None}
        if speaker is not None and speaker.dep_ == "poss":
            a, b = _trim(text, *_tok_span(speaker.left_edge, speaker))
            b = a + len(text[a:b].removesuffix("’s").removesuffix("'s"))
            claim["speaker"] = {"start": a, "end": b, "actor": None}
        if self.lex.nouns[tok.lemma_.lower()]:
            claim["denial"] = True
        return claim

    @staticmethod
    def _complement_relcl(v: Token) -> bool:
        """A clause the parser took for a relative clause but that is the noun's content: "that" is
        its marker, or "that" opens it while the clause has its own subject and object, so no
        slot is left for a relative pronoun ("claims that militants bombed the market")."""
        kids = list(v.children)
        if any(g.lower_ == "that" and g.dep_ == "mark" for g in kids):
            return True
        if v.left_edge.lower_ != "that":
            return False
        return any(g.dep_ in SUBJ and g.lower_ != "that" for g in kids) and \
            any(g.dep_ in ("dobj", "attr", "ccomp", "xcomp") and g.lower_ != "that" for g in kids)

    # -- channels and documents
    def _channel(self, tok: Token, claim: dict) -> None:
        """'in a letter (addressed) to X', 'in a statement', 'told X' set channel and addressees."""
        text = doc_text(tok.doc)
        cands = list(tok.children)
        root = tok
        while root.dep_ in ("advcl", "xcomp", "conj") and root.head is not root:
            root = root.head
            cands += [c for c in root.children if c.dep_ == "prep"]
        for p in cands:
            if p.dep_ != "prep" or p.lower_ not in ("in", "at", "during", "through", "via", "on"):
                continue
            for n in p.children:
                if n.dep_ == "pobj" and n.lemma_.lower() in self.lex.channels:
                    claim["channel"] = self.lex.channels[n.lemma_.lower()]
                    claim["_document"] = n.i
                    for a in self._to_addressees(n):
                        claim["addressees"].append(list(_trim(text, *a)))
                    return
        sp = claim.get("_speaker_tok")
        if sp is not None:
            st = tok.doc[sp]
            if st.lemma_.lower() in self.lex.channels and st.pos_ == "NOUN":
                claim["channel"] = self.lex.channels[st.lemma_.lower()]

    def _to_addressees(self, noun: Token) -> list[tuple[int, int]]:
        out = []
        heads = [noun] + [c for c in noun.children if c.dep_ == "acl"]
        for h in heads:
            for p in h.children:
                if p.dep_ == "prep" and p.lower_ == "to":
                    for g in p.children:
                        if g.dep_ == "pobj":
                            out.extend(self._conjuncts(g))
        return out

    def _conjuncts(self, t: Token) -> list[tuple[int, int]]:
        items = [t] + [c for c in t.conjuncts if c.i > t.i]
        out = []
        for x in items:
            right = x
            for c in x.subtree:
                if c.i > x.i and c.dep_ in ("cc", "conj"):
                    break
                right = c if c.i > right.i else right
            out.append(_tok_span(x.left_edge, right))
        return out

    # -- headline / transcript labels and dash attributions
    def _colon_labels(self, doc: Doc, quotes: Quotes) -> list[dict]:
        """'PENCE: Well, ...' (transcripts) and 'Pence: Flowers won't be at debate' (headlines)."""
        text = doc_text(doc)
        out = []
        for s, e in paragraphs(text):
            lead = s
            while lead < e and text[lead] in " \t\xa0\"“":
                lead += 1
            head = text[lead:min(e, lead + 60)]
            m = re.match(r"([A-Z][\w.’'\-]*(?: [A-Z][\w.’'\-]*){0,3}):\s+(?=\S)", head)
            if not m or m.group(1).lower() in self.lex.not_speakers:
                continue
            colon = lead + m.end(1)
            cs, ce = _trim(text, colon + 1, e)
            if ce - cs < 12 or len(text[cs:ce].split()) < 3:
                continue
            cue, sp_start = [colon, colon + 1], lead
            first = m.group(1).split(" ", 1)
            verb = doc.char_span(lead, lead + len(first[0]))
            if len(first) == 2 and verb is not None and len(verb) == 1 and verb[0].tag_ in ("VBD", "VBZ") \
                    and verb[0].lemma_.lower() in self.lex.verbs:
                # "Said Ellis: ...", "Continued Stone: ...": the inverted verb is the cue
                cue, sp_start = [lead, lead + len(first[0])], lead + len(first[0]) + 1
            out.append({"kind": "direct", "speaker": {"start": sp_start, "end": colon, "actor": None},
                        "cue": cue, "content": [cs, ce], "channel": None, "addressees": [],
                        "parent": None, "_cue_tok": None, "_speaker_tok": None})
        return out

    def _colon_quotes(self, doc: Doc, quotes: Quotes, text: str, found: list[dict]) -> list[dict]:
        """'... exemplified by this finding: “...”', 'X listed the qualities:\n\n“...”': a colon that
        introduces a quotation no cue verb has claimed is itself the cue (PolNeAR), its speaker the
        subject of the clause before it, if any."""
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
                    speaker = self._speaker_dict(subj)
                prev = doc[tok[0].i - 1] if tok[0].i > 0 else None
                if prev is not None and prev.pos_ == "VERB" and (
                        prev.lemma_.lower() in self.lex.verbs or self._reporting_class(prev.lemma_.lower())):
                    cue = [self._left_aux(prev).idx, j + 1]  # "McCrummen reports:": the verb and its colon
            out.append({"kind": "direct", "speaker": speaker, "cue": cue, "content": [q0, q1],
                        "channel": None, "addressees": [], "parent": None, "_cue_tok": None,
                        "_speaker_tok": None})
        return out

    def _dash_quotes(self, doc: Doc, quotes: Quotes) -> list[dict]:
        """'“...” ― Name': a quotation signed after a dash."""
        text = doc_text(doc)
        out = []
        for qs, qe in quotes.spans:
            m = DASH_RE.match(text, qe)
            if not m or not any(ch in "―—–" for ch in m.group()):
                continue
            n = re.match(r"[A-Z][\w.’'\-]*(?:\s[A-Z][\w.’'\-]*){0,4}", text[m.end():m.end() + 80])
            if not n:
                continue
            d = m.group().strip()
            ds = text.index(d, qe)
            out.append({"kind": "direct", "speaker": {"start": m.end(), "end": m.end() + n.end(), "actor": None},
                        "cue": [ds, ds + len(d)], "content": [qs, qe], "channel": None, "addressees": [],
                        "parent": None, "_cue_tok": None, "_speaker_tok": None})
        out.extend(self._signatures(text, quotes))
        return out

    @staticmethod
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
            cs, ce = _trim(text, start, j)
            if ce - cs < 12 or len(text[cs:ce].split()) < 3:
                continue
            if text[ce - 1] not in CLOSE_Q + STRAIGHT_Q:
                continue  # a dash inside running prose, or a tweet's byline (not a claim in PolNeAR)
            out.append({"kind": "direct", "speaker": {"start": m.start(2), "end": m.end(2), "actor": None},
                        "cue": [ds, m.end(1)], "content": [cs, ce], "channel": None, "addressees": [],
                        "parent": None, "_cue_tok": None, "_speaker_tok": None})
        return out

    # -- nesting: drop cues inside another claim's content, link documents to their author
    def _nest(self, raw: list[dict], quotes: Quotes) -> list[dict]:
        raw.sort(key=lambda c: (c["cue"][0], c["cue"][1]))
        seen = set()
        uniq = []
        for c in raw:
            k = tuple(c["cue"])
            if k in seen:
                continue
            seen.add(k)
            uniq.append(c)
        # a cue that another one with the same start takes in ("issued a statement" inside "issued a
        # statement calling") is the same report
        uniq = [c for c in uniq if not any(o is not c and o["cue"][0] == c["cue"][0] and o["cue"][1] > c["cue"][1]
                                           for o in uniq)]
        keep = []
        for c in uniq:
            outer = [o for o in uniq if o is not c and o["content"][0] <= c["cue"][0] < o["content"][1]
                     and not (o["content"][0] <= o["cue"][0] < o["content"][1])]
            if not outer:
                keep.append(c)
                continue
            o = outer[0]
            if c.get("denial") or c.get("hedge") or (c.get("_noun") and not c.get("speaker")):
                # a denial, a hedge, or unnamed reports ("it reviewed reports that ...") relayed
                # inside someone's claim: nested under it, the outer content stays whole
                c["_outer"] = o
                keep.append(c)
                continue
            # PARC/PolNeAR never nest: a later reporting clause ("X says A and said B") ends the outer
            # content; a cue at the very start of it ("X said Y claimed Z") belongs to the outer claim
            sp = c.get("speaker")
            region = c["cue"][0]
            if sp and o["content"][0] <= sp["start"] < o["content"][1] and not c.get("_shared_subject"):
                # a subject shared with an earlier verb ("X promised A and said B", "X doubted A,
                # arguing B") stays with that verb's clause: the cut falls at the inner cue
                region = min(region, sp["start"])
            # a speaker outside the outer content ("X declared A and said B": shared subject) does
            # not hold the cut back; the cut falls at the inner cue
            lead = _state().text[c["content"][0]:region].strip().lower()
            if lead in REL_PRONOUNS:
                region = c["content"][0]  # "..., which he said were ...": the relative pronoun opens it
            if self._weak_nested(c, lead):
                continue
            if o["kind"] != "direct" and region > o["content"][0] and c["content"][0] >= region - 1:
                s, e = _trim_words(_state().text, o["content"][0], region)
                if e - s >= 8:
                    o["content"] = [s, e]
                    keep.append(c)
        index = {id(c): i for i, c in enumerate(keep)}
        for c in keep:
            o = c.pop("_outer", None)
            if o is not None and id(o) in index:
                c["parent"] = index[id(o)]
                if c["speaker"] is None and c.get("denial"):
                    c["speaker"] = dict(o["speaker"]) if o.get("speaker") else None
        return keep

    def _weak_nested(self, c: dict, lead: str) -> bool:
        """A cue inside another claim's content that PolNeAR rarely annotates on its own (it does not
        nest): a gerund after a preposition ("criticized X for saying"), an infinitive or a
        participle or relative clause hanging on a noun ("plans to support", "a bill supporting",
        "the group he leads"), a modal; the outer content keeps it. Finite verbs, "..., saying",
        coordinated and complement verbs, and "which he said ..." still cut."""
        i = c.get("_cue_tok")
        doc = _state().doc
        if i is None or doc is None:
            return False
        tok = doc[i]
        if tok.dep_ in ("pcomp", "acl", "xcomp") or tok.tag_ in ("VB", "MD"):
            return True
        return tok.dep_ == "relcl" and lead not in REL_PRONOUNS

    # -- speakers to actors, pronouns, anonymous sources, documents to their author
    def _resolve(self, doc: Doc, claims: list[dict]) -> None:
        text = doc_text(doc)
        actors = sorted(doc.spans["actors"], key=lambda s: s.start_char) if "actors" in doc.spans else []
        history: list[tuple[str, dict]] = []  # (type, speaker dict)
        documents: dict[str, int] = {}  # channel -> index of the claim that introduced it
        order = sorted(range(len(claims)), key=lambda i: claims[i]["cue"][0])
        outlet = (doc._.ew_meta or {}).get("dateline_outlet")
        for i in order:
            c = claims[i]
            c["addressees"] = [a for a in (self._actor_for(actors, x) for x in c["addressees"]) if a]
            sp = c.get("speaker")
            if sp and outlet and sp["start"] < outlet[1] <= sp["end"]:
                # "Damascus, SANA-Foreign Ministry said": the outlet tag is not the speaker
                sp["start"] = _trim(text, outlet[1], sp["end"])[0]
                c["speaker"] = sp = sp if sp["start"] < sp["end"] else None
            if not sp:
                continue
            stok = doc.char_span(sp["start"], sp["end"], alignment_mode="expand")
            head = stok.root if stok is not None and len(stok) else None
            low = text[sp["start"]:sp["end"]].lower()
            sp["actor"] = self._actor_for(actors, [sp["start"], sp["end"]], head)
            kind = self._speaker_type(head, low)
            hl = head.lemma_.lower() if head is not None else ""
            if head is not None and head.pos_ == "NOUN" and hl in self.lex.channels:
                ch = self.lex.channels[hl]
                c["channel"] = c.get("channel") or ch
                if c["kind"] == "indirect":
                    c["kind"] = "document"
                author = documents.get(ch)
                if author is not None and author != i:
                    c["parent"] = author
                    a_sp = claims[author].get("speaker") or {}
                    sp["actor"] = sp["actor"] or a_sp.get("actor")
                    if not sp["actor"] and a_sp:
                        sp["author"] = [a_sp["start"], a_sp["end"]]
                history.append(("thing", sp))
            elif low in PRONOUNS:
                ante = self._antecedent(history, PRONOUNS[low])
                if ante:
                    sp["actor"] = ante.get("actor")
                    c["antecedent"] = [ante["start"], ante["end"]]
            else:
                anon = self._anonymous(stok) if stok is not None else None
                if anon is not None:
                    c["anonymous"] = True
                    if anon:
                        c["sector"] = anon
                elif sp["actor"] is None and head is not None and head.pos_ == "NOUN":
                    ante = self._definite(history, head)
                    if ante:
                        sp["actor"] = ante.get("actor")
                        c["antecedent"] = [ante["start"], ante["end"]]
                history.append((kind, sp))
            if c.get("channel") and c.get("_document") is not None and not (head is not None and hl in self.lex.channels):
                documents[c["channel"]] = i
        for c in claims:
            c.pop("_document", None)

    @staticmethod
    def _actor_for(actors: list[Span], key: list[int], head: Token | None = None) -> list[int] | None:
        s, e = key
        best = None
        for a in actors:
            if a.start_char < e and s < a.end_char:
                if head is not None and a.start <= head.i < a.end:
                    return [a.start_char, a.end_char]
                best = best or [a.start_char, a.end_char]
        return best

    @staticmethod
    def _speaker_type(head: Token | None, low: str) -> str:
        if head is None:
            return "thing"
        if head.ent_type_ == "PERSON" or low.split()[0:1] in (["mr."], ["ms."], ["mrs."]):
            return "person"
        if head.tag_ in ("NNS", "NNPS"):
            return "group"
        if head.ent_type_ in ("ORG", "GPE", "NORP") or head.pos_ == "NOUN":
            return "thing"
        return "person" if head.pos_ == "PROPN" else "thing"

    @staticmethod
    def _antecedent(history: list[tuple[str, dict]], want: str) -> dict | None:
        ok = {"person": ("person",), "thing": ("thing", "group"), "group": ("group", "thing")}[want]
        for kind, sp in reversed(history):
            if kind in ok:
                return sp
        return None

    @staticmethod
    def _definite(history: list[tuple[str, dict]], head: Token) -> dict | None:
        """'the ministry' refers back to an earlier speaker whose name holds 'ministry'."""
        if not any(c.lower_ in ("the", "this", "that") for c in head.children):
            return None
        h = head.lower_
        text = doc_text(head.doc)
        for _, sp in reversed(history):
            if h in text[sp["start"]:sp["end"]].lower() and sp.get("actor"):
                return sp
        return None

    def _anonymous(self, span: Span) -> str | None:
        """The sector of an unnamed source ('a military source' -> MIL), '' if unknown; None if named."""
        if any(t.pos_ == "PROPN" for t in span):
            return None
        head = span.root
        table = self.lex.anonymous.get(head.lemma_.lower())
        if table is None:
            return None
        for c in head.children:
            if c.dep_ in ("amod", "compound") and c.lemma_.lower() in table:
                return table[c.lemma_.lower()]
        return table.get("*", "")


@Language.factory("eventwire_claims", default_config={"model": MODEL_FILE, "threshold": None},
                  assigns=["doc._.ew_claims"],
                  # the actors' spans name the speakers
                  requires=["token.dep", "token.lemma", "doc.sents", "doc.spans"])
def make_claims(nlp: Language, name: str, model: str | None, threshold: float | None) -> ClaimsComponent:
    return ClaimsComponent(nlp, name, model, threshold)
