"""The claims layer's data: cue verbs and phrases, hedges, channels, unnamed-source nouns and the
closed word classes its grammar tests against, built once from package data files.

The component receives it through the registered loader ``eventwire.claims_lexicon.v1`` (the
spaCy way, as ``spacy.LookupsDataLoader.v1`` does), so the pipeline config names the data and
holds no machine path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import spacy

from eventwire.data import read_csv, read_yaml

WORDS_FILE = "lexicons/claims_words.yaml"
# dependency labels of a verb's subject, and the referent type of each personal pronoun (grammar)
SUBJ = ("nsubj", "csubj")
PRONOUNS = {"he": "person", "she": "person", "it": "thing", "they": "group", "we": "group", "i": "person"}


@dataclass(frozen=True)
class Cue:
    """One lexicon cue: its lemmas, claim kind, whether it denies, and what its content is."""

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
    # closed word classes (lexicons/claims_words.yaml)
    generic_subjects: frozenset[str] = frozenset()
    physical_targets: frozenset[str] = frozenset()
    chain_determiners: frozenset[str] = frozenset()
    speech_verbs: frozenset[str] = frozenset()
    link_preps: frozenset[str] = frozenset()
    not_cue_adverbs: frozenset[str] = frozenset()
    weekdays: frozenset[str] = frozenset()
    trail_words: tuple[str, ...] = ()
    falsity_words: frozenset[str] = frozenset()
    report_nouns: frozenset[str] = frozenset()

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
        words = read_yaml(WORDS_FILE)
        for key in ("generic_subjects", "physical_targets", "chain_determiners", "speech_verbs", "link_preps",
                    "not_cue_adverbs", "weekdays", "falsity_words", "report_nouns"):
            setattr(lex, key, frozenset(str(w).lower() for w in words[key]["words"]))
        lex.trail_words = tuple(str(w).lower() for w in words["trail_words"]["words"])  # order: trimmed in turn
        return lex


@spacy.registry.misc("eventwire.claims_lexicon.v1")
def claims_lexicon() -> Lexicon:
    """The claims lexicon from the package data (the factory's ``lexicon`` config block)."""
    return Lexicon.load()
