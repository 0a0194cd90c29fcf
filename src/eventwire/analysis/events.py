"""The events layer: PLOVER events (who did what to whom, where, when, how many hurt).

Writes ``Doc._.ew_events``: plain dicts with ``type``, ``mode``, ``context``,
``actors``/``recipients`` ([start, end] of spans in ``doc.spans["actors"]``),
``place`` ([start, end] of a place span or None), ``date``/``end_date``/
``date_precision``, ``killed``/``injured`` ({min, max}), ``trigger``,
``sentence``, ``status``, ``claim`` (index into ``Doc._.ew_claims``),
``negated`` and, where the event is a stated intention, ``intended``
({type, mode} of the action intended).

Triggers, light verbs, modality cues and casualty words are data
(``data/lexicons/triggers.yaml``, ``modality.csv``, ``casualties.yaml``); this
module holds only the grammar. Precision comes first (automated coders are
known for floods of false events), so a trigger counts only in an eventive
frame: a verb with its arguments, or a nominalisation with an argument or a
light verb ("launched an attack"); a noun modifying a noun ("attack
helicopter") and a reporting verb ("said") are never events, and an action
inside a promise, demand or threat is coded as that promise, demand or threat
(PLOVER's convention), not as a second, unreal event.

Which type a candidate is, or whether it is an event at all, is decided last by a learned model
(``analysis/event_typing.py``, ``data/events/type_model.npz``) that weighs the rules' reading with
the trigger's WordNet class, CAMEO code and frame; verbs only PETRARCH2's CAMEO dictionary knows are
candidates too. Out-of-sample figures: ``benchmarks/events_cv.py``.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import logging
import re
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

import eventwire.analysis.extensions  # noqa: F401
from eventwire.analysis.event_typing import TypeModel, Typer, typing_lexicon
from eventwire.analysis.extensions import meta
from eventwire.data import read_csv, read_yaml

log = logging.getLogger(__name__)

COOP = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"}
CONFLICT_ACTS = {"ASSAULT", "COERCE", "SANCTION", "PROTEST", "MOBILIZE"}
# verbal types that take an action as their content: that action is intended, not done
IRREALIS = {"AGREE", "REQUEST", "REJECT", "THREATEN"}
# deeds a party denies having done ("denied carrying out the strike"): the denied act is the event
DENIABLE = {"ASSAULT", "COERCE", "MOBILIZE"}
CLAUSAL = {"ccomp", "xcomp", "advcl", "relcl", "acl", "csubj", "parataxis", "pcomp"}
SUBJ = {"nsubj", "nsubjpass", "csubj"}
AGENT_NOUN_INTRANS = {"PROTEST", "CONSULT", "AGREE", "RETREAT", "MOBILIZE", "COOPERATE"}
PRONOUNS = {"it", "they", "he", "she", "we", "its", "their", "his", "her", "our", "them", "him"}
REL_PRONOUNS = {"who", "which", "that", "whom"}
PLACE_PREPS = {"in", "near", "at", "between", "outside", "across", "around", "inside", "into", "on", "off",
               "from", "throughout", "along", "towards", "toward"}
TIME_DEPS = {"prep", "npadvmod", "advmod", "tmod", "pobj", "nmod", "obl", "dobj", "appos", "compound", "nummod"}
THREATEN_MODES = {"ASSAULT": "violence", "SANCTION": "relations", "PROTEST": None, "MOBILIZE": "violence"}
DURATION_UNITS = {"hour": 1 / 24, "day": 1, "week": 7, "month": 30, "year": 365}
LOCATION_NOUNS = {"countryside", "area", "region", "province", "outskirts", "suburb", "suburbs", "district",
                  "city", "town", "village", "border", "capital", "governorate", "neighbourhood",
                  "neighborhood", "part", "north", "south", "east", "west", "centre", "center", "enclave", "camp",
                  "pocket", "outskirt", "vicinity", "port"}
# entity types that name an amount or a moment, never a party ("On Nov. 2, X called Y" parsed with
# "Nov" as the object; "donated USD1 million to"; "by 5 a.m."); CARDINAL stays ("killed five")
NON_PARTY_ENTS = {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"}
# where moved forces go or come from ("withdrew troops from X", "sent troops to X", "deployed into X")
MOVE_PREPS = {"to", "into", "from", "in"}
BACKGROUND = {"after", "following", "before", "since", "despite", "amid", "amidst", "until", "while", "when",
              "over", "because", "as", "during"}
CASUALTY_NUM = re.compile(r"^\d[\d,]*$")
NIGHT = re.compile(r"\b(?:night|overnight|midnight)\b|^late\b", re.IGNORECASE)
# words between the two ends of a casualty range ("20 to 30", "20 or 30"; dashes only between
# figures: "20-30", not "twenty-five")
RANGE_WORDS = frozenset({"to", "-", "–", "—", "or"})
# where the parser may hang a bare count that is a verb's object ("killed at least 35")
BARE_COUNT_DEPS = frozenset({"npadvmod", "dep", "attr", "oprd", "dobj"})


# ----------------------------------------------------------------------------- data

@dataclass(frozen=True)

class Entry:
    """One trigger: a head lemma, the other lemmas it needs around it, its type and mode."""

    head: str
    extra: tuple[str, ...]
    type: str
    mode: str | None
    context: tuple[str, ...]


@dataclass
class Lexicon:
    verbs: dict[str, list[Entry]] = field(default_factory=dict)
    nouns: dict[str, list[Entry]] = field(default_factory=dict)
    recipient_preps: dict[str, set[str]] = field(default_factory=dict)
    strike_military: set[str] = field(default_factory=set)
    mode_cues: dict[str, str] = field(default_factory=dict)
    instruments: set[str] = field(default_factory=set)
    party_nouns: set[str] = field(default_factory=set)
    light_verbs: set[str] = field(default_factory=set)
    counter_verbs: set[str] = field(default_factory=set)
    modality: dict[str, set[str]] = field(default_factory=dict)
    killed: dict[str, set[str]] = field(default_factory=dict)
    injured: dict[str, set[str]] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)
    vague: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)
    bounds: dict[str, str] = field(default_factory=dict)
    fallback_preps: set[str] = field(default_factory=set)
    transfer: dict[str, Entry] = field(default_factory=dict)
    reciprocal_types: set[str] = field(default_factory=set)
    clausal_recipient_types: set[str] = field(default_factory=set)
    threaten_modes: dict[str, str | None] = field(default_factory=dict)
    denial_verbs: set[str] = field(default_factory=set)
    denial_objects: set[str] = field(default_factory=set)
    denial_nouns: set[str] = field(default_factory=set)
    statement_verbs: set[str] = field(default_factory=set)
    cue_words: set[str] = field(default_factory=set)
    cyber_objects: set[str] = field(default_factory=set)
    clausal_types: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    toll_nouns: set[str] = field(default_factory=set)
    toll_verbs: set[str] = field(default_factory=set)
    dispersal: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Lexicon:
        lex = cls()
        data = read_yaml("lexicons/triggers.yaml")
        for typ, spec in data["types"].items():
            lex.recipient_preps[typ] = set(spec.get("recipient_preps") or [])
            base_ctx = tuple(spec.get("context") or [])
            for ent in spec["entries"]:
                ctx = base_ctx + tuple(ent.get("context") or [])
                for key, table, head_last in (("verbs", lex.verbs, False), ("nouns", lex.nouns, True)):
                    for phrase in ent.get(key) or []:
                        words = str(phrase).lower().split()
                        head = words[-1] if head_last else words[0]
                        extra = tuple(words[:-1] if head_last else words[1:])
                        table.setdefault(head, []).append(Entry(head, extra, typ, ent.get("mode"), ctx))
        for table in (lex.verbs, lex.nouns):
            for k in table:  # most specific first, file order otherwise (stable sort)
                table[k].sort(key=lambda e: -len(e.extra))
        lex.strike_military = {w.lower() for w in data.get("strike_military_modifiers") or []}
        for mode, words in (data.get("assault_mode_cues") or {}).items():
            for w in words:
                lex.mode_cues[w.lower()] = mode
        lex.light_verbs = set(data.get("light_verbs") or [])
        lex.fallback_preps = set(data.get("fallback_recipient_preps") or [])
        for row in data.get("transfer_verbs") or []:
            for v in row["verbs"]:
                lex.transfer[v] = Entry(v, (), row["type"], row.get("mode"), tuple(row.get("context") or []))
        lex.reciprocal_types = set(data.get("reciprocal_types") or [])
        lex.clausal_recipient_types = set(data.get("clausal_recipient_types") or [])
        lex.threaten_modes = dict(data.get("threaten_modes") or {})
        lex.counter_verbs = {w.split()[0] for w in data.get("counter_verbs") or []}
        lex.instruments = {str(w).split()[-1] for w in data.get("instrument_nouns") or []}
        # nouns of people and bodies (the actors layer's head nouns, kind group or institution): as the
        # object of an act they name a party even unmodified ("deported children", "investigations
        # against hundreds of banks"), which the actors layer leaves out for want of an owner
        lex.party_nouns = {str(w).lower() for r in read_yaml("lexicons/actor_patterns.yaml")["heads"]
                           if r.get("kind") in ("group", "institution") for w in r["words"]}
        lex.denial_verbs = {w.split()[0] for w in data.get("denial_verbs") or []}
        lex.denial_objects = set(data.get("denial_objects") or [])
        lex.cyber_objects = set(data.get("cyber_objects") or [])
        lex.clausal_types = {k: (v["type"], v.get("mode")) for k, v in (data.get("clausal_types") or {}).items()}
        lex.toll_nouns = set(data.get("toll_nouns") or [])
        lex.toll_verbs = set(data.get("toll_verbs") or [])
        for phrase in data.get("dispersal_verbs") or []:
            words = str(phrase).lower().split()
            lex.dispersal.setdefault(words[0], []).append(tuple(words[1:]))
        try:  # nouns that deny when negated ("no operational reporting of a strike"), shared with claims
            lex.denial_nouns = {r["noun"].lower() for r in read_csv("lexicons/denial_cues.csv")}
        except (FileNotFoundError, KeyError):
            lex.denial_nouns = set()
        # verbs of saying (the claims layer's reporting verbs): their time is the statement's, not the event's
        lex.statement_verbs = {r["lemma"].split()[0].lower() for r in read_csv("lexicons/reporting_verbs.csv")
                               if r.get("lemma") and " " not in r["lemma"].strip()}
        # any word that opens a reporting cue, and the claim nouns: what makes a claim attribute an event
        lex.cue_words = {r["lemma"].split()[0].lower() for r in read_csv("lexicons/reporting_verbs.csv")
                         if r.get("lemma")} | {r["noun"].lower() for r in read_csv("lexicons/noun_cues.csv")
                                                if r.get("noun")} | lex.denial_nouns
        for r in read_csv("lexicons/modality.csv"):
            lex.modality.setdefault(r["kind"], set()).add(r["cue"].lower())
        cas = read_yaml("lexicons/casualties.yaml")
        lex.killed = {k: set(v) for k, v in cas["killed"].items()}
        lex.injured = {k: set(v) for k, v in cas["injured"].items()}
        lex.numbers = {str(k).lower(): int(v) for k, v in cas["numbers"].items()}
        lex.vague = {str(k).lower(): (v[0], v[1]) for k, v in cas["vague"].items()}
        lex.bounds = {str(k).lower(): v for k, v in cas["bounds"].items()}
        return lex


@dataclass
class Cand:
    """An event candidate while a sentence is being read."""

    tok: Token
    type: str
    mode: str | None
    context: list[str]
    kind: str  # verb | noun | obligation
    consumed: set[int] = field(default_factory=set)
    light: Token | None = None
    actors: list[Token] = field(default_factory=list)
    recipients: list[Token] = field(default_factory=list)
    own_actor: bool = False
    status: str = "reported"
    negated: bool = False
    intended: dict | None = None
    suppressed: bool = False
    alleged_by: Token | None = None
    denied_by: Token | None = None
    merged: list[Token] = field(default_factory=list)
    killed: dict = field(default_factory=lambda: {"min": None, "max": None})
    injured: dict = field(default_factory=lambda: {"min": None, "max": None})
    origin: str = "lexicon"  # lexicon | cameo: which dictionary proposed the trigger
    rule_type: str = ""  # the type the dictionary gave, before modality and the type model
    unlikely: bool = False  # the type model reads no event here (kept only if attested or with a toll)
    attested: bool = False  # its frame says it happened ("repelled an attack", "killed in attacks")

    def __post_init__(self) -> None:
        self.rule_type = self.rule_type or self.type


# ------------------------------------------------------------------------- helpers

def _lem(t: Token) -> str:
    return t.lemma_.lower()


def _dative(k: Token) -> list[Token]:
    """The receiver(s) a 'dative' dependent names: itself ("gave Syria aid"), or, when the parser
    hangs the preposition as the dative ("gives equipment to Nicaragua"), its object."""
    if k.pos_ == "ADP":
        return [g for g in k.children if g.dep_ == "pobj"]
    return [k]


def _conjuncts(t: Token) -> list[Token]:
    out = [t]
    for c in t.children:
        if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN", "PRON"):
            out.extend(_conjuncts(c))
    return out


def _near(t: Token, depth: int = 2) -> list[Token]:
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


class EventsComponent:
    """Finds PLOVER events on a parsed Doc whose places, times, actors and claims are set."""

    def __init__(self, nlp: Language, name: str, hypothetical: bool = True, max_chars: int = 400,
                 learned_typing: bool = True):
        self.name = name
        self.lex = Lexicon.load()
        self.typing = typing_lexicon()
        self.typer = Typer(TypeModel.load() if learned_typing else None)
        # words the rules read as grammar (modality, denial, counter-attack, casualty, light verbs):
        # never an event on the CAMEO dictionary's word alone
        lex = self.lex
        self._grammar = lex.counter_verbs | lex.denial_verbs | lex.toll_verbs | lex.light_verbs \
            | set().union(*lex.modality.values()) | lex.killed.get("verbs", set()) | lex.injured.get("verbs", set())
        self.keep_hypothetical = hypothetical
        self.max_sentence_chars = max_chars
        self._places: dict[int, Span] = {}

    # ------------------------------------------------------------------ entry
    def __call__(self, doc: Doc) -> Doc:
        doc._.ew_events = self.find(doc)  # a failure becomes the article's error record, naming the layer
        return doc

    def find(self, doc: Doc) -> list[dict]:
        ctx = _DocContext(doc, self.lex)
        events: list[dict] = []
        for sent in doc.sents:
            events.extend(self._sentence(sent, ctx))
        ctx.attach_orphans(events)
        return events

    # ------------------------------------------------------------- sentences
    def _sentence(self, sent: Span, ctx: _DocContext) -> list[dict]:
        self._places = ctx.place_tok
        cands = self._triggers(sent, ctx)
        cands += self._obligations(sent, cands)
        if not cands:
            return []
        by_tok = {c.tok.i: c for c in cands}
        for c in cands:
            self._modality(c, by_tok)
        for c in cands:
            self._roles(c, ctx)
        cands = [c for c in cands if not c.suppressed and self._framed(c)]
        self._background(cands)
        cands = [c for c in cands if not c.suppressed]
        self._wrap(cands)
        cands = [c for c in cands if not c.suppressed]
        self._merge(cands)
        cands = [c for c in cands if not c.suppressed]
        for c in cands:
            c.attested = self._attested(c)
        self.typer.apply(cands, sent, ctx.actor_tok, ctx.place_tok)
        cands = [c for c in cands if not c.suppressed]
        for c in cands:
            self._assault_mode(c)
            self._late_recipients(c, ctx)
        ctx.casualties(sent, cands)
        cands = self.typer.settle(cands)
        out = []
        for c in cands:
            if c.status == "hypothetical" and not self.keep_hypothetical or ctx.in_title(c.tok):
                continue
            out.append(ctx.record(c, sent))
        return out

    # ------------------------------------------------------------- triggers
    def _match(self, tok: Token, entries: list[Entry], noun: bool) -> tuple[Entry, set[int]] | None:
        for e in entries:
            if not e.extra:
                return e, set()
            near = _near(tok, 3)
            used: set[int] = set()
            ok = True
            for w in e.extra:
                hit = [x for x in near if (_lem(x) == w or x.lower_ == w) and x.i not in used]
                if noun:
                    hit = [x for x in hit if x.i < tok.i]
                if not hit:
                    ok = False
                    break
                used.add(hit[0].i)
            if ok:
                return e, used
        return None

    def _transfer(self, tok: Token, ctx: _DocContext) -> Entry | None:
        """'gave 625 rifles to the Marines', 'returned artifacts to the Embassy', 'provide Brazil with
        loans': a verb of giving is an event only with a thing given (not an event noun) and a
        party that receives it, named as an actor."""
        entry = self.lex.transfer.get(_lem(tok))
        if entry is None or tok.pos_ != "VERB" or tok.dep_ in ("amod", "compound", "nsubj", "nsubjpass", "pobj"):
            return None
        objs = [k for k in tok.children if k.dep_ == "dobj"]
        if not objs or any(_lem(o) in self.lex.nouns or o.pos_ == "PRON" for o in objs):
            return None

        def party(x: Token) -> bool:
            return ctx.actor_at(x) is not None or x.pos_ == "PROPN" or any(
                y.dep_ in ("poss", "compound", "amod") and ctx.actor_at(y) is not None for y in x.children)

        for k in tok.children:
            if k.dep_ == "dative" and any(party(g) for g in _dative(k)):
                return entry
            if k.dep_ == "prep" and k.lower_ in ("to", "for") and any(
                    g.dep_ == "pobj" and party(g) for g in k.children):
                return entry
            if k.dep_ == "prep" and k.lower_ == "with" and any(party(o) for o in objs):
                return entry
        return None

    def _triggers(self, sent: Span, ctx: _DocContext) -> list[Cand]:
        lex = self.lex
        out: list[Cand] = []
        consumed: set[int] = set()
        for tok in sent:
            lem = _lem(tok)
            if lem in lex.transfer and (lem not in lex.verbs or lem in lex.light_verbs):
                e = self._transfer(tok, ctx)
                m = self._match(tok, lex.verbs[lem], noun=False) if lem in lex.verbs else None
                if e is not None and (m is None or not m[0].extra):
                    out.append(Cand(tok, e.type, e.mode, list(e.context), "verb", set()))
                    continue
            if tok.pos_ == "VERB" and lem in lex.verbs:
                if tok.dep_ in ("amod", "compound", "dobj", "nsubj", "nsubjpass", "pobj", "oprd", "acomp") \
                        or (tok.dep_ == "conj" and tok.head.dep_ in ("oprd", "acomp", "amod")) \
                        or lem in lex.modality.get("reporting", ()):
                    continue  # "the wounded", "US-backed": not a predication
                m = self._match(tok, lex.verbs[lem], noun=False)
                if m:
                    e, used = m
                    if not e.extra and lem in lex.light_verbs:
                        continue
                    typ, mode, ectx = e.type, e.mode, list(e.context)
                    if mode == "cyber":
                        kind = self._cyber(tok)
                        if kind is None:
                            continue
                        if kind == "primitive":
                            typ, mode, ectx = "ASSAULT", "primitive", ["military"]
                    if lem in lex.clausal_types and (any(k.dep_ == "ccomp" for k in tok.children) or (
                            tok.dep_ in ("acl", "parataxis") and tok.head.dep_ == "appos")):
                        # "Y is failing, a rights group protested": the parser hangs the verb on the group
                        typ, mode = lex.clausal_types[lem]
                        ectx = []
                    out.append(Cand(tok, typ, mode, ectx, "verb", used))
                    consumed |= used
            elif self.typer.active and tok.pos_ == "VERB" and lem not in lex.verbs and lem not in self._grammar \
                    and tok.dep_ not in ("amod", "compound", "dobj", "nsubj", "nsubjpass", "pobj", "oprd", "acomp"):
                typ = self.typing.cameo_type(lem)
                if typ is not None:  # a verb only the CAMEO dictionary knows: the type model decides
                    out.append(Cand(tok, typ, None, [], "verb", set(), origin="cameo"))
        for tok in sent:
            if tok.i in consumed or tok.pos_ not in ("NOUN", "PROPN"):
                continue
            lem = _lem(tok)
            entries = lex.nouns.get(lem)
            if not entries:
                continue
            if tok.dep_ in ("compound", "amod", "nmod") and tok.head.pos_ in ("NOUN", "PROPN"):
                continue  # "attack helicopter", "protest movement"
            m = self._match(tok, entries, noun=True)
            if not m:
                continue
            e, used = m
            typ, mode = e.type, e.mode
            if lem == "strike" and not e.extra:
                mods = {_lem(c) for c in tok.children if c.dep_ in ("amod", "compound", "nmod", "poss")}
                mods |= {c.lower_ for c in tok.children if c.dep_ in ("amod", "compound", "nmod")}
                if mods & lex.strike_military or tok.head.lemma_.lower() in ("launch", "carry", "conduct") \
                        or self._military_strike(tok):
                    typ, mode = "ASSAULT", "aerial" if "air" in mods else None
                else:
                    typ, mode = "PROTEST", "strike"
            out.append(Cand(tok, typ, mode, list(e.context), "noun", used))
            consumed |= used
        return [c for c in out if c.tok.i not in consumed or c.kind == "verb"]

    def _attested(self, c: Cand) -> bool:
        """An act its frame says happened: the object of a verb of countering ("repelled an attack",
        "thwarted an attempt to assassinate") or of dispersal ("broke up a protest"), or the cause
        of a toll ("lost their lives in barrel bomb attacks"); or a deed someone denies ("no reporting
        of a strike", "did not initiate an attack"): PLOVER codes the denied act, with status denied."""
        if c.denied_by is not None or (c.negated and c.type in DENIABLE):
            return True
        t = c.tok
        heads = [t.head, t.head.head] if t.dep_ in ("dobj", "pobj", "xcomp") else []
        if any(_lem(h) in self.lex.counter_verbs for h in heads):
            return True
        return c.kind == "noun" and (self._dispersed_by(t) is not None or self._casualty_frame(t) is not None)

    def _military_strike(self, tok: Token) -> bool:
        """'strike' read as an attack from its frame: aimed at something ('a strike on the village'),
        doing harm ('the strikes destroyed homes', 'killed in the strikes'), or denied ('no
        reporting of a strike'); a labour strike is 'by workers', 'at a factory', 'over pay'."""
        if any(k.dep_ == "prep" and k.lower_ in ("on", "near", "targeting") and any(
                g.dep_ == "pobj" and g.ent_type_ not in ("DATE", "TIME") for g in k.children) for k in tok.children):
            return True
        h = tok.head
        harm = {"destroy", "hit", "target", "kill", "wound", "injure", "damage", "level", "flatten"}
        if tok.dep_ == "nsubj" and _lem(h) in harm:
            return True
        if tok.dep_ == "pobj" and h.lower_ in ("in", "by") and (
                _lem(h.head) in self.lex.killed.get("verbs", set()) | self.lex.injured.get("verbs", set())
                or _lem(h.head) in ("die", "death")):
            return True
        return self._denial_noun(tok) is not None

    def _cyber(self, tok: Token) -> str | None:
        """'hacked the ministry's website' is a cyber attack; 'hacked villagers (to death)' is an
        assault with a blade. Which one the object says; neither without an object or a cue."""
        objs = [k for k in tok.children if k.dep_ in ("dobj", "nsubjpass")]
        objs += [g for k in tok.children if k.dep_ == "prep" and k.lower_ in ("into", "to")
                 for g in k.children if g.dep_ == "pobj"]
        words = {_lem(x) for o in objs for x in [o, *o.children] if x.dep_ not in ("prep", "relcl", "acl")}
        words |= {x.lower_ for o in objs for x in o.subtree}
        if words & self.lex.cyber_objects:
            return "cyber"
        subj = [k for k in tok.children if k.dep_ == "nsubj"]
        if any(_lem(x) in ("hacker", "cyber", "cyberattack") for s in subj for x in s.subtree):
            return "cyber"
        if objs:
            return "primitive"
        return None

    def _obligations(self, sent: Span, cands: list[Cand]) -> list[Cand]:
        """'X said Y must Z': X demands that Y Z (a REQUEST), PLOVER's reading of a stated obligation."""
        out = []
        oblig = self.lex.modality.get("obligation", set())
        reporting = self.lex.modality.get("reporting", set())
        have = {c.tok.i for c in cands}
        for tok in sent:
            if tok.pos_ not in ("VERB", "AUX") or tok.dep_ != "ccomp":
                continue
            if not any(c.dep_ == "aux" and _lem(c) in oblig and _lem(c) not in ("have", "need") for c in tok.children):
                continue
            if _lem(tok.head) not in reporting:
                continue
            c = Cand(tok, "REQUEST", None, [], "obligation")
            if tok.i in have:
                inner = next(x for x in cands if x.tok.i == tok.i)
                inner.suppressed = True
                c.intended = {"type": inner.type, "mode": inner.mode}
            out.append(c)
        return out

    # ------------------------------------------------------------- modality
    def _modality(self, c: Cand, by_tok: dict[int, Cand]) -> None:
        mod = self.lex.modality
        t = c.tok
        verb = t if c.kind != "noun" else (c.light or self._negation_verb(t))
        kids = list(t.children) + (list(verb.children) if verb is not None and verb is not t else [])
        # "no strikes", and "no Coalition strikes" / "no rocket or artillery strikes" (the parser hangs
        # "no" on the noun's modifier)
        mods = [g for k in t.children if k.dep_ in ("compound", "amod", "nmod") and k.i < t.i for g in k.children]
        c.negated = any(k.dep_ == "neg" or (k.dep_ == "det" and k.lower_ == "no") for k in kids) or any(
            g.dep_ == "det" and g.lower_ == "no" for g in mods)
        future = any(k.dep_ == "aux" and k.lower_ in mod.get("future", ()) for k in kids)
        # intention words governing the trigger: "is willing to send", "plans to attack"
        h = verb if verb is not None else t
        if h.dep_ == "xcomp" and _lem(h.head) in mod.get("intent", ()):
            future = True
        if h.dep_ == "xcomp" and h.head.dep_ == "acomp" and _lem(h.head) in mod.get("intent", ()):
            future = True
        if h.dep_ == "xcomp" and _lem(h.head) == "fail" and c.type in COOP:
            c.intended = {"type": c.type, "mode": c.mode}
            c.type, c.mode = "REJECT", None
        # conditional: inside an if/unless clause
        x = h
        while x.dep_ not in ("ROOT",) and x.head.i != x.i:
            if x.dep_ == "advcl" and any(k.dep_ == "mark" and _lem(k) in mod.get("conditional", ()) for k in x.children):
                c.status = "hypothetical"
                break
            if x.dep_ in ("ccomp", "relcl"):
                break
            x = x.head
        if future and c.kind != "obligation":
            if c.type in COOP:
                c.intended = {"type": c.type, "mode": c.mode}
                c.type, c.mode = ("REJECT", None) if c.negated else ("AGREE", None)
                c.negated = False
            elif c.type in CONFLICT_ACTS:
                c.intended = {"type": c.type, "mode": c.mode}
                c.type, c.mode = "THREATEN", self._threat_mode(c.type, c.mode, "restrict")
            elif c.negated:
                c.intended = {"type": c.type, "mode": c.mode}
                c.type, c.mode, c.negated = "REJECT", None, False
            if c.status == "reported":
                c.status = "planned"

    def _threat_mode(self, typ: str, mode: str | None, default: str | None) -> str | None:
        """The THREATEN mode of a threatened act: by its type and mode, else by its type."""
        table = self.lex.threaten_modes
        key = f"{typ}/{mode}"
        if key in table:
            return table[key]
        return THREATEN_MODES.get(typ, default)

    # ---------------------------------------------------------------- roles
    def _subject(self, v: Token, depth: int = 0) -> tuple[list[Token], bool]:
        """Subject heads of verb v (inherited through xcomp/advcl/conj/pcomp), and whether v is passive."""
        passive = any(k.dep_ in ("nsubjpass", "auxpass") for k in v.children)
        if passive:
            ag = [g for k in v.children if k.dep_ == "agent" for g in k.children if g.dep_ == "pobj"]
            return ag, True
        subj = [k for k in v.children if k.dep_ in ("nsubj", "csubj")]
        if subj:
            s = subj[0]
            if s.lower_ in REL_PRONOUNS and v.dep_ == "relcl":
                return [v.head], False
            return [s], False
        if depth < 4 and v.dep_ in ("xcomp", "advcl", "conj", "pcomp", "acl", "prep") and v.head.i != v.i:
            h = v.head
            if v.dep_ == "pcomp" or h.pos_ == "ADP":
                h = h.head
            if v.dep_ == "xcomp" and h.pos_ == "ADJ" and h.dep_ in ("acomp", "oprd") and h.head.i != h.i:
                h = h.head  # "Syria is willing to withdraw": the predicate adjective's subject controls
            if v.dep_ == "acl" and h.pos_ in ("NOUN", "PROPN"):
                return [h], False
            if v.dep_ == "xcomp":  # object control: "urged X to", "asked X to"
                obj = [k for k in h.children if k.dep_ == "dobj"]
                if obj and _lem(h) not in self.lex.modality.get("intent", ()):
                    return obj, False
            if h.pos_ in ("VERB", "AUX"):
                ctrl = self._subject(h, depth + 1)[0]
                if not ctrl and v.dep_ == "xcomp":
                    # "it is prepared to impose", "X was asked to leave": the passive subject controls
                    ctrl = [k for k in h.children if k.dep_ == "nsubjpass"][:1]
                return ctrl, False
        return [], passive

    def _prep_objs(self, t: Token, preps: set[str]) -> list[Token]:
        out = []
        for k in t.children:
            if (k.dep_ in ("prep", "agent") or k.dep_ == "dative" and k.pos_ == "ADP") and k.lower_ in preps:
                out += [g for g in k.children if g.dep_ == "pobj" and g.ent_type_ not in ("DATE", "TIME")]
            elif k.dep_ == "prt" and k.lower_ in preps:  # "called on X" parsed as a particle
                out += [g for g in t.children if g.dep_ == "dobj"]
        return out

    def _roles(self, c: Cand, ctx: _DocContext) -> None:
        t = c.tok
        rp = self.lex.recipient_preps.get(c.type, set())
        actors: list[Token] = []
        recips: list[Token] = []
        if c.kind == "obligation":
            actors = self._subject(t.head)[0]
            recips = [k for k in t.children if k.dep_ in SUBJ]
        elif c.kind == "verb":
            subj, passive = self._subject(t)
            actors = subj
            if passive:
                recips = [k for k in t.children if k.dep_ == "nsubjpass"]
            else:
                recips = [g for k in t.children if k.dep_ in ("dobj", "dative") and k.i not in c.consumed
                          for g in (_dative(k) if k.dep_ == "dative" else [k])]
            kept = self._given_to(recips + self._prep_objs(t, {"to"}), ctx)
            recips = [r for r in recips if r in kept]
            recips += self._prep_objs(t, rp)
            for k in t.children:  # "urged X", "accused X of", also dobj consumed by a phrase
                if k.dep_ == "dobj" and k.i in c.consumed:
                    recips += self._prep_objs(k, rp)
                    if c.type not in AGENT_NOUN_INTRANS:  # "mounted an invasion of X": as for the noun
                        recips += [o for o in self._prep_objs(k, {"of"}) if ctx.actor_at(o) is not None
                                   or o.pos_ == "PROPN"]
            c.own_actor = any(k.dep_ in SUBJ or k.dep_ == "agent" for k in t.children)
        else:
            own = [k for k in t.children if k.dep_ == "poss"]
            own += [k for k in t.children if k.dep_ in ("compound", "amod", "nmod") and ctx.actor_at(k) is not None
                    and k.i not in c.consumed]
            own += self._prep_objs(t, {"by"})
            of = self._prep_objs(t, {"of"})
            if c.type in AGENT_NOUN_INTRANS:
                own += of
            else:
                recips += [o for o in of if ctx.actor_at(o) is not None or o.pos_ == "PROPN"]
            recips += self._prep_objs(t, rp - {"of"})
            for k in t.children:  # "atrocities the Coalition perpetrated": a light verb in a relative clause
                if k.dep_ == "relcl" and _lem(k) in self.lex.light_verbs and not own:
                    own = self._subject(k)[0]
                    c.light = k
                elif k.dep_ == "acl" and _lem(k) in self.lex.light_verbs and not own and c.light is None \
                        and c.type in CONFLICT_ACTS:
                    # "attacks carried out by regime helicopters on X": the participle's agent acts
                    agent = [g for x in k.children if x.dep_ == "agent" for g in x.children if g.dep_ == "pobj"]
                    if agent:
                        own = agent
                        c.light = k
                        recips += self._prep_objs(k, rp)
            denier = self._denial_noun(t)
            if denier is not None:
                c.status, c.denied_by = "denied", denier
                if not own and denier.head.pos_ in ("VERB", "AUX"):
                    own = self._subject(denier.head)[0]
            if c.type == "PROTEST" and not own:
                v = self._dispersed_by(t)
                if v is not None and not any(k.dep_ in ("nsubjpass", "auxpass") for k in v.children):
                    # "used tear gas to break up a protest by thousands": an active verb has no agent
                    # phrase of its own, so the parser's "by" on it belongs to the protest
                    own = self._prep_objs(v, {"by"})
            c.own_actor = bool(own)
            actors = own
            h = t.head
            if h.pos_ == "ADP" and h.dep_ == "prep":
                h = h.head
            if h.pos_ in ("VERB", "AUX") and (_lem(h) in self.lex.light_verbs or t.dep_ in ("dobj", "attr")):
                if t.dep_ == "pobj" and t.head.lower_ in ("on", "for") and not actors:
                    actors = self._subject(h)[0]
                if t.dep_ in ("dobj", "attr", "pobj", "nsubjpass") and (t.dep_ != "pobj" or t.head.lower_ in ("in", "of")):
                    c.light = h if _lem(h) in self.lex.light_verbs else None
                    if not actors and c.light is not None:
                        actors = self._subject(h)[0]
                    if c.light is not None:
                        recips += self._prep_objs(h, rp)
                        recips += [g for k in h.children if k.dep_ == "dative" for g in _dative(k)]
                if _lem(h) in self.lex.counter_verbs and not any(
                        ctx.actor_at(x) is not None for r in recips for x in [r] + _near(r, 2)):
                    recips = self._subject(h)[0]
        c.actors = [x for a in actors for x in _conjuncts(a)]
        c.recipients = [x for r in recips for x in _conjuncts(r) if x not in c.actors]
        if c.kind == "verb" and c.type not in ("ASSAULT", "COERCE"):
            self._moved_forces(c, ctx)

    def _moved_forces(self, c: Cand, ctx: _DocContext) -> None:
        """"withdrew its troops from Syria", "is deploying 300 troops to Mali": the actor's own forces
        are the theme of the move, not a party to it; the place they go to or leave is (CAMEO codes
        the withdrawal or deployment as directed at it)."""
        themes = [r for r in c.recipients if r.dep_ == "dobj" and r.head.i == c.tok.i and self._own_forces(r, c, ctx)]
        if not themes:
            return
        dest = [x for x in self._prep_objs(c.tok, MOVE_PREPS) if x.ent_type_ not in NON_PARTY_ENTS]
        for th in themes:  # "troops to Uganda" parsed on the noun
            dest += [x for x in self._prep_objs(th, MOVE_PREPS) if x.ent_type_ not in NON_PARTY_ENTS]
        if not dest:  # "mobilized troops for a battle against X": whom the forces are moved against
            dest = self._against(c.tok)
        owned = all(any(k.dep_ == "poss" and k.lower_ in PRONOUNS for k in th.children) for th in themes)
        if not dest and not owned:
            return
        gone = {x.i for th in themes for x in _conjuncts(th)}
        c.recipients = [r for r in c.recipients if r.i not in gone]
        c.recipients += [x for d in dest for x in _conjuncts(d) if x not in c.recipients and x not in c.actors]

    @staticmethod
    def _against(t: Token, depth: int = 4) -> list[Token]:
        """The object of the first 'against' below t, not entering other clauses: the opponent a
        purpose phrase names ("for a battle against X", "to move against X")."""
        frontier = [t]
        for _ in range(depth):
            nxt = []
            for h in frontier:
                for k in h.children:
                    if k.dep_ in ("ccomp", "relcl", "parataxis", "nsubj", "nsubjpass", "punct"):
                        continue
                    if k.dep_ == "prep" and k.lower_ == "against":
                        return [g for g in k.children if g.dep_ == "pobj"]
                    nxt.append(k)
            frontier = nxt
        return []

    @staticmethod
    def _own_forces(r: Token, c: Cand, ctx: _DocContext) -> bool:
        """A military noun phrase that names no other party: "its troops", "300 troops", "peacekeepers"
        (not "Ukrainian forces", "the Philippines army", "Hamas fighters")."""
        sp = ctx.actor_at(r)
        info = (sp._.ew_actor or {}) if sp is not None else {}
        if info.get("sector") != "MIL":
            return False
        own = {(ctx.actor_at(a)._.ew_actor or {}).get("country") for a in c.actors if ctx.actor_at(a) is not None}
        if info.get("country") and info.get("country") in own:
            return True
        return not any(x.ent_type_ in ("NORP", "GPE", "ORG") or x.pos_ == "PROPN"
                       for x in r.subtree if x.i < r.i and x.dep_ != "poss" or x.dep_ == "poss" and x.lower_ not in PRONOUNS)

    def _negation_verb(self, t: Token) -> Token | None:
        """The verb whose negation negates a noun trigger: the verb it is the object of ("did not
        conduct strikes"), or whose prepositional phrase it is in ("did not engage in combat
        operations"); as a subject only of a verb of doing or happening ("the strike did not take
        place"), not of one that says something else of it ("the bombings did not stop")."""
        h = t.head
        if t.dep_ == "pobj" and h.dep_ == "prep" and h.head.pos_ in ("VERB", "AUX"):
            return h.head
        if h.pos_ not in ("VERB", "AUX"):
            return None
        if t.dep_ in ("nsubj", "nsubjpass") and _lem(h) not in self.lex.light_verbs \
                and _lem(h) not in self.lex.modality.get("occur", ()):
            return None
        return h

    def _denial_noun(self, t: Token) -> Token | None:
        """'(it had) no operational reporting of a strike': the negated noun that denies the event."""
        if t.dep_ != "pobj" or t.head.lower_ != "of":
            return None
        n = t.head.head
        if n.pos_ != "NOUN" or _lem(n) not in self.lex.denial_nouns:
            return None
        negs = [k for k in n.children if k.lower_ == "no" and k.dep_ == "det"]
        if not negs and n.head.pos_ in ("VERB", "AUX"):
            negs = [k for k in n.head.children if k.dep_ == "neg"]
        return n if negs else None

    def _late_recipients(self, c: Cand, ctx: _DocContext) -> None:
        """Recipients from weaker evidence, added once the events of a sentence are settled (so they
        never decide whether an event is kept)."""
        if any(ctx.resolvable(r) or ctx.party_noun(r) for r in c.recipients):
            return
        owners = [o for r in c.recipients if (o := ctx.owner(r)) is not None and o not in c.actors]
        if owners:  # "rejected a U.S. request", "denounced Serbia's crackdown": the party behind the thing
            c.recipients = owners
            return
        if c.type == "PROTEST":
            aim = [x for r in self._aim_targets(c) for x in [r if ctx.resolvable(r) else ctx.owner(r)]
                   if x is not None and x not in c.actors]
            if aim:
                c.recipients = aim
                return
        if c.type == "THREATEN":
            cond = self._condition_subjects(c)
            cond = [x for x in cond if ctx.resolvable(x) and x not in c.actors]
            if cond:  # "threatened to stop talks if the United States goes ahead": the party warned
                c.recipients = cond
                return
        if c.type in self.lex.clausal_recipient_types:
            # "demanded that the US cancel its plans": the party told to act is the clause's subject
            subj = [s for k in self._content_clauses(c) for s in k.children if s.dep_ in ("nsubj", "nsubjpass")]
            subj = [s for s in subj if ctx.resolvable(s) and s not in c.actors]
            if subj:
                c.recipients = subj
                return
        if c.type in self.lex.reciprocal_types and len(c.actors) > 1 \
                and all(a.dep_ == "conj" for a in c.actors[1:]):
            # "X and Y agreed / met / signed": with a symmetric act each party is the other's counterpart
            c.actors, c.recipients = c.actors[:1], c.actors[1:]
            return
        c.recipients = [x for r in self._fallback_recipients(c, ctx) for x in _conjuncts(r) if x not in c.actors]
        if not c.recipients:
            c.recipients = self._other_party(c, ctx)

    def _other_party(self, c: Cand, ctx: _DocContext) -> list[Token]:
        """Last resort: the nearest other actor of the event's own clause ("Hamas accepted a formula to
        end its conflict with Israel"): an act between parties rarely names only one of them."""
        own = {id(sp) for a in c.actors if (sp := ctx.actor_at(a)) is not None}
        rep = self.lex.modality.get("reporting", set())
        for x in ctx._clause_tokens(c):
            sp = ctx.actor_at(x)
            if sp is None or id(sp) in own or x.i == c.tok.i or x.idx < ctx.dateline_end:
                continue
            if x.dep_ in SUBJ and _lem(x.head) in rep:
                continue  # "..., the ministry said": the speaker, not a party
            if sp.root.i != x.i:
                continue  # take each span once, at its head
            return [sp.root]
        return []

    @staticmethod
    def _verb_heads(c: Cand) -> list[Token]:
        """The trigger and, for a nominal trigger, the verb it is the object of ('began a hunger strike')."""
        heads = [c.tok]
        if c.light is not None:
            heads.append(c.light)
        elif c.kind == "noun" and c.tok.dep_ == "dobj" and c.tok.head.pos_ in ("VERB", "AUX"):
            heads.append(c.tok.head)
        return heads

    def _aim_targets(self, c: Cand) -> list[Token]:
        """What a protest is against, told as its aim: 'to protest against Sweden's decision', 'to demand
        the resignation of X', 'in protest at X's refusal'."""
        preps = {"against", "at", "over", "of"}
        out: list[Token] = []
        for h in self._verb_heads(c):
            for k in h.children:
                if k.dep_ in ("advcl", "xcomp") and k.pos_ == "VERB" and k.i > c.tok.i and any(
                        a.dep_ == "aux" and a.lower_ == "to" for a in k.children):
                    objs = [g for g in k.children if g.dep_ == "dobj"]
                    out += objs + self._prep_objs(k, preps - {"of"})
                    # "to show their disapproval of X's policies": what the stance is about
                    out += [g for o in objs for g in self._prep_objs(o, preps | {"for"})]
                elif k.dep_ == "prep" and k.lower_ == "in":
                    for g in k.children:
                        if g.dep_ == "pobj" and any(e.type == "PROTEST" for e in self.lex.nouns.get(_lem(g), ())):
                            out += self._prep_objs(g, preps)
        return out

    def _condition_subjects(self, c: Cand) -> list[Token]:
        """Subjects of the if/unless clauses under a threat (down through its content, not into
        other reported clauses)."""
        cond = self.lex.modality.get("conditional", set())
        out, stack = [], list(self._verb_heads(c))
        seen = {x.i for x in stack}
        while stack:
            h = stack.pop()
            for k in h.children:
                if k.i in seen or k.dep_ in ("ccomp", "relcl", "parataxis") and k.head.i != c.tok.i:
                    continue
                seen.add(k.i)
                if k.dep_ == "advcl" and any(m.dep_ == "mark" and _lem(m) in cond for m in k.children):
                    out += [g for g in k.children if g.dep_ in ("nsubj", "nsubjpass")]
                elif k.dep_ in ("xcomp", "ccomp", "dobj", "conj"):
                    stack.append(k)
        return out

    def _content_clauses(self, c: Cand) -> list[Token]:
        """The that-clauses a speech act governs: on the verb, on a nominal trigger ('its demand that
        Israel ease ...'), or on the verb whose object the nominal trigger is."""
        heads = self._verb_heads(c)
        return [k for h in heads for k in h.children
                if k.dep_ in ("ccomp", "acl") and k.pos_ in ("VERB", "AUX") and k.i > c.tok.i
                and any(m.dep_ == "mark" and m.lower_ == "that" for m in k.children)
                or k.dep_ == "ccomp" and k.pos_ in ("VERB", "AUX") and k.i > c.tok.i and c.kind == "verb"]

    def _fallback_recipients(self, c: Cand, ctx: _DocContext) -> list[Token]:
        """The other party when the type's own rules found none: the nearest actor (or name) in an
        object or a prepositional complement inside the event's own phrase ("opened its borders to
        X", "pledged support to X", "assistance in northern Iraq", "returned paintings to the
        government of Brazil"). The search walks down from the trigger (and its light verb) without
        entering other clauses and stops at the first level that has one."""
        preps = self.lex.fallback_preps
        frontier = [c.tok] + ([c.light] if c.light is not None else [])
        seen = {x.i for x in frontier}
        for _ in range(4):
            found: list[Token] = []
            nxt: list[Token] = []
            for h in frontier:
                for k in h.children:
                    if k.i in seen or k.dep_ in ("ccomp", "relcl", "parataxis", "csubj", "advcl", "nsubj",
                                                  "nsubjpass", "agent", "appos", "punct", "cc", "mark"):
                        continue
                    if k.dep_ == "conj" and k.pos_ in ("VERB", "AUX"):
                        continue
                    seen.add(k.i)
                    nxt.append(k)
                    if k.dep_ in ("dobj", "dative") and k.i not in c.consumed:
                        targets = _dative(k) if k.dep_ == "dative" else [k]
                    elif k.dep_ == "prep" and k.lower_ in preps:
                        targets = [g for g in k.children if g.dep_ == "pobj" and g.ent_type_ not in ("DATE", "TIME")]
                        seen.update(g.i for g in targets)
                        nxt.extend(targets)
                    else:
                        continue
                    for g in targets:
                        if g not in c.actors and g not in found and ctx.resolvable(g):
                            found.append(g)
            if found:
                return self._given_to(found, ctx)
            frontier = nxt
        return []

    @staticmethod
    def _given_to(parties: list[Token], ctx: _DocContext) -> list[Token]:
        """'returned six Iraqi artifacts to the government of Iraq': with a party the object goes to,
        an object that is no actor itself (only its modifier is) is the thing given, not a party."""
        if not any((p.dep_ == "dative" or p.dep_ == "pobj" and p.head.lower_ == "to") and ctx.actor_at(p) is not None
                   for p in parties):
            return parties
        return [p for p in parties if p.dep_ != "dobj" or ctx.actor_at(p) is not None or p.pos_ == "PROPN"]

    def _dispersed_by(self, t: Token) -> Token | None:
        """The verb that suppresses the gathering `t` names ("break up a protest", "dispersed the
        rally", "cracked down on a sit-in", "the march was dispersed"), if one governs it."""
        h = t.head
        if t.dep_ == "pobj" and h.pos_ == "ADP":
            h = h.head
        elif t.dep_ not in ("dobj", "nsubjpass"):
            return None
        if h.pos_ not in ("VERB", "AUX") or h.i == t.i:
            return None
        parts = {k.lower_ for k in h.children if k.dep_ in ("prt", "prep", "dobj", "compound:prt")}
        if t.dep_ == "pobj":
            parts.add(t.head.lower_)
        for extra in self.lex.dispersal.get(_lem(h), ()):
            if all(w in parts or (w == "fire" and _lem(h) == "open") for w in extra):
                return h
        return None

    def _framed(self, c: Cand) -> bool:
        """A nominal trigger must be an event in context: an argument, a light verb, or an event verb's subject."""
        if c.kind != "noun":
            return True
        t = c.tok
        if c.type == "PROTEST" and self._dispersed_by(t) is not None:
            return True  # "police broke up a protest": a protest that happened
        if c.type == "ASSAULT":
            frame = self._casualty_frame(t)
            if frame is not None:
                c.merged.append(frame)  # its place and date may sit on the toll's verb ("In X, a woman died ...")
                return True
        if c.light is not None or c.actors or c.recipients or c.denied_by is not None:
            return True
        if c.type in CONFLICT_ACTS and t.dep_ == "dobj" and self._situated(t) and any(
                e.type == "ACCUSE" and e.mode == "disapprove" for e in self.lex.verbs.get(_lem(t.head), ())):
            return True  # "condemned an attack near Beni in which 36 were killed"
        return t.dep_ == "nsubj" and t.head.pos_ == "VERB"

    def _casualty_frame(self, t: Token) -> Token | None:
        """'killed in airstrikes', 'documented the death of 11 civilians in shelling', 'lost their
        lives in attacks', 'died as a result of shelling': an attack named as the cause of a toll."""
        lex = self.lex
        cas = set()
        for table in (lex.killed, lex.injured):
            for k in ("verbs", "nouns", "adjectives"):
                cas |= table.get(k, set())
        for k in t.children:  # "an attack that killed at least 35": the toll's cause told the other way round
            if k.dep_ == "relcl" and k.pos_ == "VERB" and _lem(k) in cas:
                return k
        x = t
        for _ in range(3):
            if x.dep_ != "pobj" or x.head.lower_ not in ("in", "by", "of", "from"):
                return None
            h = x.head.head
            lem = _lem(h)
            if lem in cas or h.lower_ in cas:
                return h
            if lem in lex.toll_nouns and (lem == "toll" or any(
                    _lem(k) in cas for k in h.children if k.dep_ in ("compound", "amod"))):
                return h  # "the death toll from the bombing"
            if h.pos_ in ("VERB", "AUX") and (
                    lem == "lose" and any(_lem(k) == "life" for k in h.children if k.dep_ == "dobj")
                    or any(k.dep_ == "dobj" and _lem(k) in cas for k in h.children)):
                return h
            if lem not in ("result", "consequence", "wake"):
                return None
            x = h.head if h.dep_ == "pobj" else h  # "as a result of": climb to what 'as' modifies
            if x.dep_ == "prep":
                x = x.head
                return x if (_lem(x) in cas or x.lower_ in cas) else None
        return None

    def _background(self, cands: list[Cand]) -> None:
        """Drop the weak events a sentence mentions only as background or as another event's theme.

        An event inside an 'after/following/despite/before/until ...' phrase of another clause
        is kept only with both an actor and a recipient; a nominal event that is the object of
        another event's verb ('rejected calls for aid', 'conceded to demands') is that event's
        theme, not a second event.
        """
        verbs = {c.tok.i: c for c in cands if c.kind != "noun"}
        for c in cands:
            t = c.tok
            if c.kind == "noun":
                h = t.head
                if h.pos_ == "ADP" and h.dep_ == "prep":
                    h = h.head
                other = verbs.get(h.i)
                if other is not None and other is not c and other.type != c.type and t.dep_ in ("dobj", "pobj") \
                        and not (other.type == "ACCUSE" and other.mode == "disapprove" and t.dep_ == "dobj"
                                 and c.type in CONFLICT_ACTS and self._situated(t)):
                    c.suppressed = True
                    if c.recipients and any(r.i == t.i for r in other.recipients):
                        # "removed sanctions on X, Y and Z": the parties of the theme are the verb's
                        other.recipients = [r for r in other.recipients if r.i != t.i] + [
                            r for r in c.recipients if r not in other.recipients and r not in other.actors]
                    continue
            if c.type in ("REQUEST", "ACCUSE") and t.dep_ in ("advcl", "xcomp") and (
                    t.head.i in verbs and verbs[t.head.i].type == "PROTEST"
                    or any(p.type == "PROTEST" and p.kind == "noun" and p.tok.head.i == t.head.i
                           and p.tok.dep_ == "dobj" for p in cands)):
                # "demonstrated to demand", "blocked roads calling for", "began a hunger strike to
                # demand": the protest's aim, not a second event
                c.suppressed = True
                continue
            if c.type == "PROTEST" and c.kind == "verb" and t.dep_ in ("advcl", "xcomp", "acl") \
                    and (t.tag_ == "VBG" or any(k.dep_ == "aux" and k.lower_ == "to" for k in t.children)) \
                    and any(x.i != t.i and any(e.type == "PROTEST" for e in self.lex.nouns.get(_lem(x), ()))
                            for x in t.sent):
                c.suppressed = True  # "began a hunger strike to protest": one protest, told with its aim
                continue
            if c.kind == "verb" and c.type == "ASSAULT" and self._in_toll(t):
                c.suppressed = True  # "bringing to 15 the number of civilians killed this week": a count
                continue
            x = t
            background = False
            while x.head.i != x.i:
                if x.dep_ == "relcl" and any(k.lower_ in ("where", "which", "when") for k in x.subtree if k.i < t.i):
                    background = True
                    break
                marker = x if x.dep_ == "prep" else next(
                    (k for k in x.children if k.dep_ in ("mark", "advmod") and x.dep_ == "advcl"), None)
                if marker is not None and marker.lower_ in BACKGROUND and not (
                        marker.lower_ == "as" and any(_lem(k) in ("result", "consequence") for k in marker.children)):
                    background = True
                    break
                if x.dep_ in ("ccomp",):
                    break
                x = x.head
            if background and not (c.actors and c.recipients):
                c.suppressed = True

    def _situated(self, t: Token) -> bool:
        """A nominal act told with its own place or toll ('condemned an attack near Beni in which 36
        were killed'): an event in its own right, not only the theme of the condemnation."""
        for k in t.children:
            if k.dep_ == "prep" and k.lower_ in PLACE_PREPS and any(
                    g.ent_type_ in ("GPE", "LOC", "FAC") or g.i in self._places for g in k.subtree):
                return True
            if k.dep_ == "relcl" and _lem(k) in ("kill", "wound", "injure", "die"):
                return True
        return False

    def _in_toll(self, t: Token) -> bool:
        """A participle describing a casualty total ('the number of civilians killed')."""
        if t.dep_ != "acl":
            return False
        n = t.head
        if _lem(n) in self.lex.toll_nouns:
            return True
        return n.dep_ == "pobj" and n.head.lower_ == "of" and _lem(n.head.head) in self.lex.toll_nouns

    def _denies(self, outer: Cand, inner: Cand, path: Token) -> bool:
        """Is outer a denial of inner as a deed ('denied (reports that) it bombed', 'denied carrying
        out the strike', 'rejected claims that it struck')? Rejecting a proposal is not."""
        if outer.type != "REJECT" or outer.kind != "verb" or outer.negated or outer.status != "reported":
            return False
        if _lem(outer.tok) not in self.lex.denial_verbs or inner.type not in DENIABLE:
            return False
        if path.dep_ in ("ccomp", "xcomp", "pcomp") or (path.dep_ == "prep" and path.lower_ in ("to", "for")):
            return _lem(outer.tok) == "deny" or path.dep_ != "prep"
        if path.dep_ == "dobj" and _lem(path) in self.lex.denial_objects:
            return True
        return path.i == inner.tok.i and path.dep_ == "dobj" and _lem(outer.tok) == "deny" \
            and inner.type in CONFLICT_ACTS

    def _wrap(self, cands: list[Cand]) -> None:
        """An action inside a promise/demand/refusal/threat is its content: keep the speech act only."""
        for outer in cands:
            if outer.type not in IRREALIS or outer.kind == "noun" and outer.light is None:
                continue
            for inner in cands:
                if inner is outer or inner.suppressed or not outer.tok.is_ancestor(inner.tok):
                    continue
                if outer.type == "THREATEN" and inner.status == "hypothetical" and outer.status != "hypothetical":
                    inner.suppressed = True  # "... if the US goes ahead with the deployment": the threat's condition
                    continue
                path = inner.tok
                blocked = False
                while path.head.i != outer.tok.i and path.head.i != path.i:
                    path = path.head
                    if path.i in {x.tok.i for x in cands if x is not inner}:
                        blocked = True
                        break
                if blocked or path.dep_ in ("advcl", "relcl", "conj") and inner.kind != "noun":
                    continue
                if path.dep_ in ("prep",) and path.lower_ not in ("to", "for", "of", "on"):
                    continue
                if self._denies(outer, inner, path):
                    # the denied deed is the event; the denier ('it', or unnamed) is its accused actor
                    inner.status, inner.denied_by = "denied", outer.tok
                    if outer.actors and (not inner.actors or all(a.lower_ in PRONOUNS for a in inner.actors)):
                        inner.actors = list(outer.actors)
                    # a denial of someone's charges ("denied charges by the US that ...") also rejects
                    # that party: PLOVER REJECT with the accuser as target; otherwise no REJECT event
                    accuser = [g for x in path.subtree if x.dep_ == "agent" or (x.dep_ == "prep" and x.lower_ == "by")
                               for g in x.children if g.dep_ == "pobj"] if path.dep_ == "dobj" else []
                    if accuser:
                        outer.recipients = accuser
                    else:
                        outer.suppressed = True
                    continue
                inner.suppressed = True
                outer.intended = {"type": inner.type, "mode": inner.mode}
                if outer.type == "THREATEN" and outer.mode is None:
                    outer.mode = self._threat_mode(inner.type, inner.mode,
                                                   "restrict" if inner.type == "COERCE" else None)
                if outer.type in self.lex.clausal_recipient_types and path.dep_ == "ccomp" and inner.actors \
                        and not outer.recipients:
                    outer.recipients = inner.actors  # "demanded that the government release ...": who must act
                if not outer.recipients and inner.recipients:
                    outer.recipients = inner.recipients
        for outer in cands:
            if outer.type == "ACCUSE" and outer.mode == "allege":
                for inner in cands:
                    if inner is not outer and outer.tok.is_ancestor(inner.tok):
                        inner.alleged_by = outer.tok

    def _merge(self, cands: list[Cand]) -> None:
        """One act told twice in a clause ('killed ... in a bomb attack') is one event."""
        for a in cands:
            if a.suppressed:
                continue
            for b in cands:
                if b is a or b.suppressed or b.type != a.type or not a.tok.is_ancestor(b.tok):
                    continue
                if a.kind == "noun" and any(x.i == a.tok.i for x in b.actors):
                    # "an attack that killed five": the relative clause's subject is the act itself
                    b.actors, b.own_actor = [], False
                if b.kind == "noun" and any(x.i == b.tok.i for x in a.actors):
                    # "an air strike by the coalition killed 12": the verb's subject is the act itself,
                    # whose own actor is the verb's
                    a.actors = [x for x in a.actors if x.i != b.tok.i] + [x for x in b.actors if x not in a.actors]
                if b.own_actor and b.actors and a.actors and {x.i for x in b.actors} != {x.i for x in a.actors}:
                    continue
                if a.type not in CONFLICT_ACTS and a.recipients and b.recipients \
                        and {x.i for x in a.recipients} != {x.i for x in b.recipients}:
                    continue  # "urged X ..., calling on Y": two demands to two parties
                if b.own_actor and b.actors and not a.actors:
                    a.actors = b.actors
                b.suppressed = True
                a.merged += [x for x in (b.tok, b.light, *b.merged) if x is not None]
                if a.mode is None:
                    a.mode = b.mode
                if not a.recipients:
                    a.recipients = b.recipients
                for key in ("killed", "injured"):
                    for k in ("min", "max"):
                        if getattr(a, key)[k] is None:
                            getattr(a, key)[k] = getattr(b, key)[k]

    def _assault_mode(self, c: Cand) -> None:
        if c.type != "ASSAULT" or c.mode is not None:
            return
        words = []
        for a in c.actors:
            words += _near(a, 2) + [a]  # "suicide bomber": the modifier says more than the head
        for k in c.tok.children:
            if k.dep_ == "prep" and k.lower_ in ("with", "using", "in", "by"):
                words += [g for g in k.subtree]
            if k.dep_ in ("advcl", "xcomp") and _lem(k) in ("use", "fire"):
                words += list(k.subtree)
        for w in words:
            m = self.lex.mode_cues.get(_lem(w)) or self.lex.mode_cues.get(w.lower_)
            if m:
                c.mode = m
                return


class _DocContext:
    """Per-document lookups: spans of the other layers, claims, publication date."""

    def __init__(self, doc: Doc, lex: Lexicon):
        self.doc = doc
        self.lex = lex
        m = meta(doc)
        self.title = m.get("title")
        self.published = (m.get("published") or "")[:10] or None
        if "actors" not in doc.spans:
            doc.spans["actors"] = []
        self.actor_tok: dict[int, Span] = {}
        for sp in sorted(doc.spans["actors"], key=lambda s: -(s.end - s.start)):
            for i in range(sp.start, sp.end):
                self.actor_tok[i] = sp  # smallest span wins
        self.place_tok: dict[int, Span] = {}
        for sp in doc.spans.get("places", []):
            for i in range(sp.start, sp.end):
                self.place_tok[i] = sp
        self.time_tok: dict[int, Span] = {}
        for sp in doc.spans.get("times", []):
            for i in range(sp.start, sp.end):
                self.time_tok[i] = sp
        self.orphans: list[tuple[int, str, tuple, set, str]] = []
        self.claims = [c for c in (doc._.ew_claims or []) if isinstance(c, dict) and c.get("content")]
        self.dateline_end = 0
        if m.get("dateline"):
            ends = [int(m["dateline"][1])] + ([int(m["dateline_outlet"][1])] if m.get("dateline_outlet") else [])
            ends += [sp.end_char for sp in doc.spans.get("times", [])
                     if (sp._.ew_time or {}).get("role") == "dateline"]
            self.dateline_end = max(ends)
        from eventwire.gazetteer.countries import name_index

        self.countries = name_index()

    def in_title(self, t: Token) -> bool:
        """Headlines are summaries of the body's events, not events of their own."""
        return bool(self.title) and self.title[0] <= t.idx < self.title[1]

    # -------------------------------------------------------------- actors
    def actor_at(self, t: Token) -> Span | None:
        return self.actor_tok.get(t.i)

    def _antecedent(self, t: Token) -> Span | None:
        """A pronoun's referent: the subject of the clause that reports it, else the last actor before it."""
        h = t.head
        while h.head.i != h.i and h.dep_ not in ("ccomp",):
            h = h.head
        if h.dep_ == "ccomp":
            for k in h.head.children:
                if k.dep_ in ("nsubj",) and k.i != t.i:
                    sp = self.actor_at(k)
                    if sp is not None:
                        return sp
        best = None
        for i in range(t.i - 1, max(-1, t.i - 60), -1):
            sp = self.actor_tok.get(i)
            if sp is not None and sp.end <= t.i:
                best = sp
                break
        return best

    def owner(self, t: Token) -> Token | None:
        """The party a non-party noun belongs to ("Serbia's suppression", "a U.S. request", "calls by
        Belarus's rulers"): a possessor, a name compounded onto it, or its 'by' agent. None when the
        noun is itself a party (an actor, a name, a pronoun) or has no such owner."""
        if not (t.pos_ == "NOUN" or t.pos_ == "VERB" and t.dep_ in ("dobj", "pobj")) or self.resolvable(t) \
                or t.lower_ in PRONOUNS:
            return None
        for k in t.children:
            if k.dep_ == "poss" and k.lower_ not in PRONOUNS and self.resolvable(k):
                return k
        for k in t.children:
            if k.dep_ in ("compound", "nmod") and k.i < t.i and (
                    self.actor_at(k) is not None or k.pos_ == "PROPN" and k.ent_type_ in ("GPE", "ORG", "NORP")):
                return k
        for k in t.children:
            if k.dep_ in ("prep", "agent") and k.lower_ == "by":
                for g in k.children:
                    if g.dep_ == "pobj" and self.resolvable(g):
                        return g
        for k in t.children:  # "the resignation of President X": the party the act is about
            if k.dep_ == "prep" and k.lower_ == "of":
                for g in k.children:
                    if g.dep_ == "pobj" and self.resolvable(g):
                        return g
        return None

    def resolvable(self, t: Token) -> bool:
        """Would `resolve` find or make an actor for this head (without making one)?"""
        if self.actor_at(t) is not None:
            return True
        if t.lower_ in PRONOUNS or t.pos_ == "PRON":
            return False
        if t.pos_ == "PROPN" or t.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
            return True
        return any(x.dep_ in ("poss", "compound", "amod", "nmod", "pobj", "appos") and self.actor_at(x) is not None
                   for x in _near(t, 2))

    def party_noun(self, t: Token) -> bool:
        """An unowned noun of people or bodies ("children", "two homeguards"): a party as a recipient."""
        return t.pos_ == "NOUN" and t.lower_ in self.lex.party_nouns

    def resolve(self, t: Token, role: str) -> Span | None:
        """The actor span a role head points to, found or (for a name-like head) made."""
        if t.idx < self.dateline_end:
            return None  # "MOGADISHU, Sept. 13 (Xinhua) --": the dateline is no participant
        if _lem(t) in self.lex.instruments:
            return self._firer(t, role)
        sp = self.actor_at(t)
        if sp is not None:
            return sp
        if t.lower_ in PRONOUNS or t.pos_ == "PRON":
            return self._antecedent(t) if t.lower_ in PRONOUNS else None
        near = sorted(_near(t, 2), key=lambda x: abs(x.i - t.i))
        for x in near:
            if x.dep_ in ("poss", "compound", "amod", "nmod", "pobj", "appos", "conj") or x.head.i == t.i:
                sp = self.actor_at(x)
                if sp is not None:
                    return sp
                if x.dep_ == "poss" and x.lower_ in PRONOUNS:
                    return self._antecedent(x)
        made = self._make(t, role)
        if made is None:  # "thousands of Iraqi Kurds", "leaders of the opposition coalition"
            for x in near:
                if (x.dep_ == "pobj" and x.head.lower_ == "of" and x.head.head.i == t.i) or x.dep_ == "appos":
                    made = self._make(x, role)
                    if made is not None:
                        break
        return made

    def _firer(self, t: Token, role: str) -> Span | None:
        """Who fired a munition named as a participant ("mortar rounds fired by terrorists"), or
        None: a weapon is never an actor."""
        for k in t.children:
            if k.dep_ in ("acl", "relcl"):
                for a in k.children:
                    if a.dep_ == "agent":
                        for g in a.children:
                            if g.dep_ == "pobj" and _lem(g) not in self.lex.instruments:
                                return self.resolve(g, role)
        return None

    def _make(self, t: Token, role: str = "actor") -> Span | None:
        """A new actor span for a name-like role head the actors layer did not cover."""
        if t.ent_type_ in NON_PARTY_ENTS or t.i in self.time_tok:
            return None  # an amount or a moment tagged as a proper noun ("Nov", "USD1")
        named = t.pos_ == "PROPN" or t.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")
        named = named or any(x.dep_ in ("amod", "compound", "poss") and (
            x.ent_type_ in ("NORP", "GPE", "ORG") or x.pos_ == "PROPN") for x in t.lefts)
        named = named or (role == "recipient" and self.party_noun(t))
        if not named:
            return None
        place = self.place_tok.get(t.i)
        if place is not None and (place._.ew_place or {}).get("kind") == "demonym":
            place = None
        mods = [x for x in t.lefts if x.dep_ in ("compound", "amod", "det", "poss", "nmod", "nummod", "quantmod")]
        left = min(mods, key=lambda x: x.left_edge.i).left_edge if mods else t
        while left.i < t.i and (left.is_punct or left.dep_ == "cc"):
            left = left.doc[left.i + 1]
        right = t
        for x in t.rights:
            if x.dep_ in ("compound", "flat", "appos") and x.i == right.i + 1:
                right = x
        span = Span(t.doc, left.i, right.i + 1, label="ACTOR")
        for i in range(span.start, span.end):
            if self.actor_tok.get(i) is not None:
                return self.actor_tok[i]
        country = None
        if place is not None:
            country = (place._.ew_place or {}).get("country")
        if country is None:
            for x in span:
                hit = self.countries.get(x.text.lower()) or self.countries.get(x.lemma_.lower())
                if hit:
                    country = hit[0]
                    break
        if country is None:
            hit = self.countries.get(span.text.lower())
            country = hit[0] if hit else None
        span._.ew_actor = {"name": span.text, "country": country, "sector": None, "entity": None}
        self.doc.spans["actors"].append(span)
        for i in range(span.start, span.end):
            self.actor_tok[i] = span
        return span

    # -------------------------------------------------------------- place, time
    def _clause_tokens(self, c: Cand) -> list[Token]:
        """Tokens of the event's clause, nearest first: its own phrase, then its light verb's."""
        roots = [c.tok]
        if c.light is not None:
            roots.append(c.light)
        elif c.kind == "noun" and c.tok.head.pos_ in ("VERB", "AUX"):
            roots.append(c.tok.head)
        elif c.kind == "noun" and c.tok.head.pos_ == "ADP":
            roots.append(c.tok.head.head)
        elif c.tok.dep_ in ("advcl", "xcomp", "conj") and c.tok.head.pos_ in ("VERB", "AUX"):
            roots.append(c.tok.head)
        roots += c.merged
        out, seen = [], set()
        for r in roots:
            stack = [r]
            while stack:
                x = stack.pop()
                if x.i in seen:
                    continue
                seen.add(x.i)
                out.append(x)
                for k in x.children:
                    if k.dep_ in ("ccomp", "relcl", "csubj", "parataxis") or (k.dep_ == "advcl" and k.i != c.tok.i):
                        continue
                    stack.append(k)
        out.sort(key=lambda x: abs(x.i - c.tok.i))
        # "were killed on Tuesday when a bomb hit a minibus near X": the when-clause tells the same act
        extra = []
        if c.tok.dep_ == "ccomp" and c.tok.head.i > c.tok.i:
            roots = [*roots, c.tok.head]  # "were killed, when a bomb hit X, an official said": parsed on 'said'
        for r in roots:
            for k in r.children:
                if r is not c.tok and r.i == c.tok.head.i and c.tok.dep_ == "ccomp" and not c.tok.i < k.i < r.i:
                    continue
                if k.dep_ == "advcl" and k.i not in seen and any(
                        m.dep_ in ("advmod", "mark") and m.lower_ in ("when", "as") and m.i < k.i for m in k.children):
                    extra += [x for x in k.subtree if x.i not in seen and not seen.add(x.i)]
        extra.sort(key=lambda x: abs(x.i - c.tok.i))
        return out + extra

    def place_of(self, c: Cand) -> list[int] | None:
        """The nearest place in the event's clause that tells where it happened; one the gazetteer
        resolved beats an unresolved name ('the town of al-Shafaa in the Hajin area')."""
        role_toks = {i for a in c.actors + c.recipients for i in range(a.i, a.i + 1)}
        unresolved = origin = None
        for x in self._clause_tokens(c):
            sp = self.place_tok.get(x.i)
            if sp is None or sp.start_char < self.dateline_end:
                continue  # the dateline says where the report was filed, not where the event was
            info = sp._.ew_place or {}
            if info.get("kind") == "demonym":
                continue
            act = self.actor_tok.get(x.i)
            if act is not None and (act.end - act.start) > (sp.end - sp.start) and act.start <= sp.start \
                    and sp.end <= act.end:
                continue  # a name inside an actor's name ("the Azov battalion", "the Kherson brigade")
            if self._names_a_kind(x, sp):
                continue  # "the Red Sea port city of Hodeida": the sea only says what kind of city
            if x.i in role_toks and not (x.dep_ == "pobj" and x.head.lower_ in PLACE_PREPS) \
                    and info.get("precision") in ("country", "region", None):
                continue  # a country that is a party ('attacked Syria') is not where; 'in Tbilisi' still is
            # a place must be a location of the event, not a modifier of an actor ("Iraqi" -> no)
            if self._locative(x, sp, c):
                if self._origin(x, sp):
                    # "Islamists from Iraq", "a drone operated out of Qatar": where they came from,
                    # the event's place only when the clause names no other
                    origin = origin or [sp.start_char, sp.end_char]
                    continue
                if info.get("lat") is not None:
                    return [sp.start_char, sp.end_char]
                if unresolved is None:
                    unresolved = [sp.start_char, sp.end_char]
        return unresolved or origin

    def _names_a_kind(self, x: Token, sp: Span) -> bool:
        """Is this place a modifier of a location noun that names its own place with 'of'
        ('the Red Sea port city of Hodeida', 'the Syrian province of Idlib')?"""
        h = x
        while h.head.i != h.i and sp.start <= h.head.i < sp.end:
            h = h.head
        if h.dep_ not in ("compound", "amod", "nmod") or _lem(h.head) not in LOCATION_NOUNS:
            return False
        return any(k.dep_ == "prep" and k.lower_ == "of" and any(
            g.dep_ == "pobj" and g.i in self.place_tok for g in k.children) for k in h.head.children)

    @staticmethod
    def _origin(x: Token, sp: Span) -> bool:
        """Is this place the object of 'from' / 'out of' (an origin, not the place of the event)?"""
        h = x
        while h.head.i != h.i and sp.start <= h.head.i < sp.end:
            h = h.head
        up = h.head
        if up.pos_ != "ADP":
            return False
        return up.lower_ == "from" or (up.lower_ == "of" and up.i > 0 and up.doc[up.i - 1].lower_ == "out")

    @staticmethod
    def _locative(x: Token, sp: Span, c: Cand) -> bool:
        """Is this place where the event happened: 'in/near/between X', 'X countryside', 'shelled X'?"""
        h = x
        while h.head.i != h.i and sp.start <= h.head.i < sp.end:
            h = h.head
        for _ in range(4):
            if h.dep_ in ("dobj", "nsubjpass") and h.head.i == c.tok.i and c.type == "ASSAULT":
                return True
            if h.dep_ == "appos" and h.head.i != h.i:
                h = h.head  # "in al-Shafaa, Syria": the appositive shares its head's role
                continue
            up = h.head
            if up.i == h.i:
                return False
            if up.pos_ == "ADP":
                if up.lower_ in PLACE_PREPS:
                    return True
                if up.lower_ != "of":
                    return False
            elif not (up.pos_ in ("NOUN", "PROPN", "ADV") and up.lemma_.lower() in LOCATION_NOUNS):
                return False
            h = up
        return False

    @staticmethod
    def _own_time(sp: Span | None) -> dict | None:
        """A time that can date an event: resolved, and not the report's own dateline/publication date."""
        if sp is None:
            return None
        info = sp._.ew_time or {}
        if not info.get("date") or info.get("role") in ("dateline", "published"):
            return None
        first = sp[0] if sp[0].lower_ == "since" else (sp.doc[sp.start - 1] if sp.start > 0 else None)
        if first is not None and first.lower_ == "since":
            return None  # "strikes since March 2015": when a period began, background, not the event's day
        return info

    def date_of(self, c: Cand, toll: Token | None = None) -> tuple[str | None, str | None, str | None, Span | None]:
        """The event's date, end date, precision and the time span they come from. A night ("Thursday
        night", "late Saturday", "overnight") runs past midnight: such a day ends the next day, so
        the report that says "early Friday" of the same strike meets it."""
        day, end, gran, sp = self._date_of(c, toll)
        if sp is not None and day and not end and gran == "day" and NIGHT.search(sp.text):
            with contextlib.suppress(ValueError):
                end = (_dt.date.fromisoformat(day[:10]) + _dt.timedelta(days=1)).isoformat()
        return day, end, gran, sp

    def _date_of(self, c: Cand, toll: Token | None = None) -> tuple[str | None, str | None, str | None, Span | None]:
        if toll is not None:
            return self._toll_date(c, toll)
        toks = self._clause_tokens(c)
        found: list[tuple[dict, Span]] = []
        for x in toks:
            sp = self.time_tok.get(x.i)
            info = self._own_time(sp)
            if info is not None and all(sp is not f[1] for f in found):
                found.append((info, sp))
        if found:
            # a calendar date beats a weekday or "yesterday" of the same clause: those are counted from
            # publication, and a later report's "after Friday prayers ... on September 30" is not its Friday
            info, sp = next(((i, s) for i, s in found if i.get("kind") in ("absolute", "partial")
                             and i.get("granularity") in ("day", "minute")), found[0]) \
                if found[0][0].get("kind") == "relative" else found[0]
            return info.get("date"), info.get("end_date"), info.get("granularity"), sp
        # the nearest governing clause's time, up to the verb of a claim that contains the event: the
        # time of "X said on Friday", "acknowledged on March 25" is the statement's, not the event's
        h = c.tok
        for _ in range(8):
            if h.head.i == h.i:
                break
            h = h.head
            if self.claim_by_cue(h) is not None or (_lem(h) in self.lex.statement_verbs
                                                    and h.pos_ in ("VERB", "AUX")):
                break  # a verb of saying (the noun "attack" is no statement: "in an attack that killed")
            sp = self.time_tok.get(h.i)
            if sp is None:
                for k in h.children:
                    if k.dep_ in TIME_DEPS and k.dep_ not in CLAUSAL:
                        for y in k.subtree:
                            if y.i in self.time_tok:
                                sp = self.time_tok[y.i]
                                break
                    if sp is not None:
                        break
            info = self._own_time(sp)
            if info is not None:
                return info.get("date"), info.get("end_date"), info.get("granularity"), sp
        return self.published, None, "published" if self.published else None, None

    def _toll_date(self, c: Cand, toll: Token) -> tuple[str | None, str | None, str | None, Span | None]:
        """'revised down to 35 on Wednesday the death toll from an attack': the clause's date is the
        revision's. The attack keeps a date of its own phrase, else the latest earlier date the report
        gives outside toll clauses, else the publication date (precision 'published')."""
        for x in sorted(c.tok.subtree, key=lambda y: abs(y.i - c.tok.i)):
            info = self._own_time(self.time_tok.get(x.i))
            if info is not None:
                return info.get("date"), info.get("end_date"), info.get("granularity"), self.time_tok[x.i]
        clause = toll.head if toll.head.i != toll.i else toll
        while clause.pos_ not in ("VERB", "AUX") and clause.head.i != clause.i:
            clause = clause.head
        update = None
        for x in clause.subtree:
            info = self._own_time(self.time_tok.get(x.i))
            if info is not None:
                update = info["date"]
                break
        if update is None:  # the report verb's date ("..., officials said on Saturday")
            h = clause
            while h.head.i != h.i and update is None:
                h = h.head
                for k in h.children:
                    info = self._own_time(self.time_tok.get(k.i)) or next(
                        (i for y in k.subtree if k.dep_ in ("prep", "npadvmod") and
                         (i := self._own_time(self.time_tok.get(y.i)))), None)
                    if info is not None:
                        update = info["date"]
                        break
        best = None
        for sp in {id(s): s for s in self.time_tok.values()}.values():
            info = self._own_time(sp)
            if info is None or info.get("granularity") not in ("day", "minute"):
                continue
            if update is not None and info["date"] >= update:
                continue
            if update is None:
                continue
            if self._toll_clause(sp):
                continue
            if best is None or info["date"] > best[0]:
                best = (info["date"], info.get("end_date"), info.get("granularity"), sp)
        if best is not None:
            return best
        return self.published, None, "published" if self.published else None, None

    def _toll_clause(self, sp: Span) -> bool:
        """Is this time span in a clause whose subject or object is a casualty toll?"""
        h = sp.root
        while h.pos_ not in ("VERB", "AUX") and h.head.i != h.i:
            h = h.head
        return any(k.dep_ in ("nsubj", "nsubjpass", "dobj") and _lem(k) in self.lex.toll_nouns for k in h.children)

    # -------------------------------------------------------------- claims
    def _attributes(self, cl: dict) -> bool:
        """Does a claim attribute what it contains to its speaker? Its cue must be a way of saying
        ("said", "according to", "denied", "a statement", a quote's colon): a cue the claims model
        guessed from a verb of doing ("struck", "unleashed", "has ordered", "recites") does not, nor
        does a "speaker" that is the dateline."""
        sp = cl.get("speaker")
        if isinstance(sp, dict) and isinstance(sp.get("end"), int) and sp["end"] <= self.dateline_end:
            return False  # "GAZA: About 500 ...": the dateline is not a speaker
        if cl.get("kind") in ("according_to", "document"):
            return True
        cue = cl.get("cue")
        if not cue:
            return True
        sp = self.doc.char_span(cue[0], cue[1], alignment_mode="expand")
        if sp is None:
            return True
        return any(x.text == ":" or x.lower_ in ("reportedly", "allegedly") or _lem(x) in self.lex.cue_words
                   for x in sp)

    def claim_of(self, start: int, attributing: bool = False) -> tuple[int | None, dict | None]:
        best, best_len = None, None
        for i, cl in enumerate(self.doc._.ew_claims or []):
            if not isinstance(cl, dict) or not cl.get("content"):
                continue
            if attributing and not self._attributes(cl):
                continue
            s, e = cl["content"][0], cl["content"][1]
            if s <= start < e and (best_len is None or e - s < best_len):
                best, best_len = i, e - s
        return best, (self.doc._.ew_claims[best] if best is not None else None)

    def claim_by_cue(self, tok: Token) -> int | None:
        for i, cl in enumerate(self.doc._.ew_claims or []):
            cue = cl.get("cue") if isinstance(cl, dict) else None
            if cue and cue[0] <= tok.idx < cue[1]:
                return i
        return None

    # -------------------------------------------------------------- casualties
    def _range(self, q: Token) -> tuple[int | None, int | None] | None:
        """"20 to 30", "20-30", "20 or 30" (parsed as quantmods of 30) and "between 20 and 30" (30 a
        conjunct of 20): a range, never the sum of its two ends."""
        kids = list(q.children)
        low = next((k for k in kids if k.dep_ in ("compound", "nummod", "quantmod") and k.like_num and k.i < q.i),
                   None)
        between = q.doc[low.i + 1:q.i] if low is not None else ()
        words = {x.lower_ for x in between}
        if low is not None and (words & {"to", "or"} or (words & RANGE_WORDS and CASUALTY_NUM.match(low.text)
                                                          and CASUALTY_NUM.match(q.text))):
            a, b = self._number(low), self._number(q, alone=True)
        else:
            high = next((k for k in kids if k.dep_ == "conj" and k.like_num and k.i > q.i), None)
            if high is None or not any(k.lower_ == "between" for k in kids):
                return None
            a, b = self._number(q, alone=True), self._number(high, alone=True)
        if not a or not b or a[0] is None or b[-1] is None:
            return None
        return (min(a[0], b[-1]), max(a[0], b[-1]))

    def _number(self, q: Token, alone: bool = False) -> tuple[int | None, int | None] | None:
        """The count a quantity token names, as [min, max]."""
        lex = self.lex
        if not alone:
            rng = self._range(q)
            if rng is not None:
                return rng
        low = q.lower_.replace(",", "")
        toks = [q]
        for k in () if alone else q.children:
            if k.dep_ in ("compound", "nummod", "quantmod") and k.like_num and k.i < q.i:
                toks.insert(0, k)
        value = None
        if low in lex.vague:
            rng = lex.vague[low]
        else:
            total, cur = 0, 0
            for t in toks:
                w = t.lower_.replace(",", "")
                parts = w.split("-")
                for p in parts:
                    if CASUALTY_NUM.match(p):
                        cur += int(p)
                    elif p in lex.numbers:
                        n = lex.numbers[p]
                        if n >= 100:
                            cur = max(cur, 1) * n
                            if n >= 1000:
                                total += cur
                                cur = 0
                        else:
                            cur += n
                    else:
                        return None
            value = total + cur
            if not value:
                return None
            rng = (value, value)
        # bound words before the number ("at least", "more than", "up to")
        first = toks[0]
        before = " ".join(t.lower_ for t in first.doc[max(first.sent.start, first.i - 3):first.i])
        for phrase, kind in sorted(lex.bounds.items(), key=lambda kv: -len(kv[0])):
            if before.endswith(phrase):
                lo, hi = rng
                if kind == "min":
                    rng = (lo if lo is not None else hi, None)
                elif kind == "max":
                    rng = (None, hi if hi is not None else lo)
                break
        return rng

    def _count_word(self, t: Token) -> bool:
        """A token that is itself a count (35, dozens, scores), not a noun a count modifies."""
        return t.like_num or t.lower_ in self.lex.vague or t.lower_ in self.lex.numbers

    def _quantity(self, np: Token) -> tuple[int | None, int | None] | None:
        if self._count_word(np):
            r = self._number(np)
            if r:
                return r
        for k in np.children:
            if k.dep_ in ("nummod", "amod", "det", "quantmod") and (
                    k.like_num or k.lower_ in self.lex.vague or k.lower_ in self.lex.numbers):
                if k.lower_ in ("a", "an"):
                    continue
                r = self._number(k)
                if r:
                    return r
        for k in np.children:  # "scores of civilians" parsed with "of" on the number
            if k.dep_ == "prep" and k.lower_ == "of":
                pass
        return None

    def _victims(self, t: Token, table: dict[str, set[str]]) -> list[Token]:
        lem = _lem(t)
        if t.pos_ == "VERB" and table is self.lex.killed and any(
                k.dep_ == "prep" and k.lower_ == "to" and any(_lem(g) == "death" for g in k.children)
                for k in t.children):  # "hacked / beaten / stabbed to death"
            passive = [k for k in t.children if k.dep_ == "nsubjpass"]
            return passive or [k for k in t.children if k.dep_ == "dobj"]
        if t.pos_ == "VERB" and lem in table.get("verbs", ()):
            if lem in ("die", "perish"):
                return [k for k in t.children if k.dep_ == "nsubj"]
            passive = [k for k in t.children if k.dep_ == "nsubjpass"]
            if passive:
                return passive
            if t.dep_ == "amod" or t.dep_ == "acl":
                return [t.head]
            objs = [k for k in t.children if k.dep_ == "dobj"]
            # "an attack that killed at least 35": a bare count after the verb is its object, whatever
            # the parser hangs it on (npadvmod, dep, attr)
            return objs or [k for k in t.children if k.i > t.i and k.dep_ in BARE_COUNT_DEPS and self._count_word(k)]
        if t.pos_ == "NOUN" and lem in table.get("nouns", ()) and t.dep_ not in ("compound", "amod", "nmod"):
            # "documented the death of 11 civilians", "the deaths of four children"
            return [g for k in t.children if k.dep_ == "prep" and k.lower_ == "of" for g in k.children
                    if g.dep_ == "pobj"]
        if t.pos_ in ("ADJ", "VERB") and (t.lower_ in table.get("adjectives", ()) or lem in table.get("adjectives", ())):
            subj = [k for k in t.children if k.dep_ in ("nsubj", "nsubjpass")]
            if subj:
                return subj
            h = t.head
            if t.dep_ in ("oprd", "ccomp", "xcomp", "acomp", "advcl", "conj"):
                if t.dep_ == "conj":
                    return self._victims(h, table) if h.i != t.i else []
                return [k for k in h.children if k.dep_ in ("dobj", "nsubj", "nsubjpass")]
            if t.dep_ == "amod":
                return [h]
        return []

    def _toll_count(self, t: Token) -> tuple[str, Token] | None:
        """'the death toll from the attack has risen to 120', 'revised to 35 the death toll', 'a toll of
        10 dead': a casualty total stated on its toll noun, as (killed|injured, the count's token)."""
        if t.pos_ != "NOUN" or _lem(t) not in self.lex.toll_nouns:
            return None
        mods = {_lem(k) for k in t.children if k.dep_ in ("compound", "amod", "nmod")}
        injured = self.lex.injured.get("nouns", set()) | self.lex.injured.get("adjectives", set())
        if mods & injured:
            key = "injured"
        elif _lem(t) == "toll" or mods & self.lex.killed.get("nouns", set()):
            key = "killed"
        else:
            return None  # "the number of refugees": a count, not of casualties
        counts = [k for k in t.children if k.dep_ in ("nummod", "quantmod") and self._count_word(k)]
        counts += [g for k in t.children if k.dep_ == "prep" and k.lower_ == "of" for g in k.children
                   if g.dep_ == "pobj" and (self._count_word(g) or any(
                       n.dep_ == "nummod" and self._count_word(n) for n in g.children))]
        v = t.head
        if v.dep_ == "prep" and t.dep_ == "pobj":
            v = v.head
        if not counts and v.pos_ in ("VERB", "AUX") and (_lem(v) in self.lex.toll_verbs or _lem(v) == "be"):
            for k in v.children:
                if k.dep_ in ("dobj", "attr") and k.i > t.i and self._count_word(k):
                    counts.append(k)
                elif k.dep_ == "prep" and k.lower_ in ("to", "at"):
                    counts += [g for g in k.children if g.dep_ == "pobj" and self._count_word(g)]
        return (key, counts[0]) if counts else None

    def _toll_event(self, t: Token, cands: list[Cand]) -> Cand | None:
        """The event a toll noun counts: the act in its 'from/of/in' phrase, else the sentence's."""
        for c in cands:
            x = c.tok
            for _ in range(3):
                if x.dep_ != "pobj" or x.head.lower_ not in ("from", "of", "in"):
                    break
                if x.head.head.i == t.i:
                    return c
                x = x.head.head
        return self._event_for(t, cands)

    def casualties(self, sent: Span, cands: list[Cand]) -> None:
        """Counts of killed and injured, on the event they belong to in the sentence."""
        for t in sent:
            found = self._toll_count(t)
            if found is None:
                continue
            key, q = found
            rng = self._number(q)
            ev = self._toll_event(t, cands) if rng else None
            if ev is not None and getattr(ev, key)["min"] is None and getattr(ev, key)["max"] is None:
                setattr(ev, key, {"min": rng[0], "max": rng[1]})
        for key, table in (("killed", self.lex.killed), ("injured", self.lex.injured)):
            for t in sent:
                for v in self._victims(t, table):
                    rng = self._quantity(v)
                    if rng is None:
                        continue
                    ev = self._event_for(t, cands)
                    if ev is None:
                        places = {self._place_key(sp) for x in sent if (sp := self.place_tok.get(x.i)) is not None}
                        self.orphans.append((t.idx, key, rng, places, sent.text.lower()))
                        continue
                    cur = getattr(ev, key)
                    if cur["min"] is None and cur["max"] is None:
                        cur["min"], cur["max"] = rng

    @staticmethod
    def _place_key(sp: Span) -> object:
        info = sp._.ew_place or {}
        return info.get("geonameid") or sp.text.lower()

    def attach_orphans(self, events: list[dict]) -> None:
        """A toll told apart from its attack ('..., which left scores dead') goes to the latest
        earlier ASSAULT located at a place that sentence names."""
        spans = {(sp.start_char, sp.end_char): sp for sp in self.place_tok.values()}
        for pos, key, rng, places, text in self.orphans:
            best = None
            for ev in events:
                if ev["type"] != "ASSAULT" or not ev.get("place") or ev["trigger"][0] >= pos:
                    continue
                sp = spans.get(tuple(ev["place"]))
                named = sp is not None and (self._place_key(sp) in places or re.search(
                    r"\b" + re.escape(sp.text.lower()) + r"\b", text))
                if named and (best is None or ev["trigger"][0] > best["trigger"][0]):
                    best = ev
            if best is not None and best[key]["min"] is None and best[key]["max"] is None:
                best[key] = {"min": rng[0], "max": rng[1]}

    @staticmethod
    def _event_for(t: Token, cands: list[Cand]) -> Cand | None:
        for c in cands:
            if c.tok.i == t.i:
                return c
        anc = [c for c in cands if c.tok.is_ancestor(t)]
        if anc:
            return max(anc, key=lambda c: c.tok.i if c.tok.i < t.i else -c.tok.i)
        assaults = [c for c in cands if c.type == "ASSAULT"]
        if assaults:
            return min(assaults, key=lambda c: abs(c.tok.i - t.i))
        return None

    # -------------------------------------------------------------- output
    def record(self, c: Cand, sent: Span) -> dict:
        t = c.tok
        actors, recips = [], []
        for lst, out, role in ((c.actors, actors, "actor"), (c.recipients, recips, "recipient")):
            spans = [sp for h in lst if (sp := self.resolve(h, role)) is not None]
            if role == "recipient":
                spans += self._conjunct_parties(spans)
            for sp in spans:
                k = [sp.start_char, sp.end_char]
                if k not in out:
                    out.append(k)
        recips = [r for r in recips if r not in actors]
        date, end, prec, _ = self.date_of(c, self._toll_of(c))
        status, claim = c.status, None
        idx, cl = self.claim_of(t.idx, attributing=True)
        if idx is not None and status == "reported":
            status = "denied" if cl.get("denial") else "alleged"
        if idx is not None:
            claim = idx
        if status == "denied" and c.denied_by is not None:
            by_cue = self.claim_by_cue(c.denied_by)
            if by_cue is not None:
                claim = by_cue
        if c.negated and idx is not None and status in ("reported", "alleged"):
            status = "denied"  # "X did not conduct any strikes there, its spokesman said": a denial
        if c.alleged_by is not None and status == "reported":
            status = "alleged"
        if claim is None and status == "reported":
            cue = self._reporting_governor(t)
            if cue is not None:
                # "the ministry confirmed that it did not initiate an attack": someone says it did not happen
                status = "denied" if c.negated else "alleged"
                claim = self.claim_by_cue(cue)
        ctx = list(dict.fromkeys(c.context))
        ev = {
            "type": c.type, "mode": c.mode, "context": ctx, "actors": actors, "recipients": recips,
            "place": self.place_of(c), "date": date, "end_date": end, "date_precision": prec,
            "killed": dict(c.killed), "injured": dict(c.injured),
            "trigger": [t.idx, t.idx + len(t.text)], "sentence": [sent.start_char, sent.end_char],
            "status": status, "claim": claim, "negated": c.negated,
        }
        if c.intended:
            ev["intended"] = c.intended
        return ev

    def _conjunct_parties(self, spans: list[Span]) -> list[Span]:
        """'sanctions against the space organization Glavkosmos and the ISRO', 'a number of Syrians,
        Iraqis and Afghans': an actor conjoined to a word inside a party's span is a party too."""
        out: list[Span] = []
        for sp in spans:
            stack = [y for x in sp for y in x.children if y.dep_ == "conj" and not sp.start <= y.i < sp.end]
            while stack:
                y = stack.pop()
                other = self.actor_at(y)
                if other is not None and other not in spans and other not in out:
                    out.append(other)
                stack += [z for z in y.children if z.dep_ == "conj"]
        return out

    def _toll_of(self, c: Cand) -> Token | None:
        """The toll noun whose 'from/of' phrase holds this nominal event, if a toll clause governs it."""
        if c.kind != "noun":
            return None
        x = c.tok
        for _ in range(3):
            if x.dep_ != "pobj" or x.head.lower_ not in ("from", "of", "in"):
                return None
            n = x.head.head
            if _lem(n) in self.lex.toll_nouns:
                return n
            if n.pos_ in ("VERB", "AUX") and x.head.lower_ == "from":
                # "revised down to 35 the death toll from an attack" with 'from' on the verb
                for k in n.children:
                    for y in [k, *(g for g in k.children if k.dep_ == "prep" and g.dep_ == "pobj")]:
                        if y.dep_ in ("dobj", "nsubj", "nsubjpass", "pobj") and _lem(y) in self.lex.toll_nouns:
                            return y
                return None
            if n.pos_ not in ("NOUN", "PROPN"):
                return None
            x = n
        return None

    def _reporting_governor(self, t: Token) -> Token | None:
        """A reporting verb ('citing', 'said') that governs the event through a participle: a relayed act."""
        rep = self.lex.modality.get("reporting", set())
        h = t
        seen_clause = False
        for _ in range(8):
            if h.head.i == h.i:
                return None
            if h.dep_ in ("ccomp", "advcl", "xcomp", "dobj", "relcl", "acl"):
                seen_clause = True
            h = h.head
            if h.pos_ == "VERB" and _lem(h) in rep and seen_clause and h.i != t.i:
                subj = [k for k in h.children if k.dep_ == "nsubj"]
                if h.tag_ == "VBG" or subj:
                    return h
        return None


@Language.factory("eventwire_events", default_config={"hypothetical": True, "max_chars": 400,
                                                      "learned_typing": True},
                  assigns=["doc._.ew_events", "doc.spans"],
                  requires=["token.dep", "token.lemma", "doc.sents"])
def make_events(nlp: Language, name: str, hypothetical: bool, max_chars: int,
                learned_typing: bool) -> EventsComponent:
    return EventsComponent(nlp, name, hypothetical, max_chars, learned_typing)
