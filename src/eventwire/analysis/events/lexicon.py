"""The events layer's data: trigger lexicon, modality cues, casualty words and grammar word lists.

Everything here is read from package data files (``data/lexicons/``) by one registered loader,
``eventwire.events_lexicon.v1``, which the ``eventwire_events`` factory names in its config, the
way spaCy's ``spacy.LookupsDataLoader.v1`` names lookup tables: the config says which data, not
where on disk it is. The lexicon is read-only once built, so one component serves many threads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import spacy

from eventwire.data import read_csv, read_yaml


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
    """Every word table the events rules read, keyed the way the rules look them up."""

    verbs: dict[str, list[Entry]] = field(default_factory=dict)
    nouns: dict[str, list[Entry]] = field(default_factory=dict)
    recipient_preps: dict[str, set[str]] = field(default_factory=dict)
    strike_military: set[str] = field(default_factory=set)
    mode_cues: dict[str, str] = field(default_factory=dict)
    instruments: set[str] = field(default_factory=set)
    party_nouns: set[str] = field(default_factory=set)
    light_verbs: set[str] = field(default_factory=set)
    # prepositions by which a thing an act is about names whom it is aimed at ("support to X")
    aim_preps: set[str] = field(default_factory=set)
    counter_verbs: set[str] = field(default_factory=set)
    modality: dict[str, set[str]] = field(default_factory=dict)
    killed: dict[str, set[str]] = field(default_factory=dict)
    injured: dict[str, set[str]] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)
    vague: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)
    bounds: dict[str, str] = field(default_factory=dict)
    fallback_preps: set[str] = field(default_factory=set)
    transfer: dict[str, Entry] = field(default_factory=dict)
    # giving verb -> the WordNet classes of what is no thing given ("a letter": communication)
    transfer_not_things: dict[str, frozenset[str]] = field(default_factory=dict)
    # (verb, type of its object act) -> (type, mode): "reduced aid" SANCTION, "eased the curfew" CONCEDE
    acts_on_acts: dict[tuple[str, str], tuple[str, str | None]] = field(default_factory=dict)
    # symmetric acts (VerbNet Co-Agent verbs, their WordNet nouns): verb -> counterpart can be its object
    reciprocal_verbs: dict[str, bool] = field(default_factory=dict)
    reciprocal_nouns: set[str] = field(default_factory=set)
    clausal_recipient_types: set[str] = field(default_factory=set)
    purpose_events: set[str] = field(default_factory=set)
    purpose_types: set[str] = field(default_factory=set)
    responsibility_stems: tuple[str, ...] = ()
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
    pronouns: frozenset[str] = frozenset()
    no_one: frozenset[str] = frozenset()
    place_preps: frozenset[str] = frozenset()
    location_nouns: frozenset[str] = frozenset()
    background_markers: frozenset[str] = frozenset()
    harm_verbs: frozenset[str] = frozenset()
    occurrence_verbs: frozenset[str] = frozenset()
    # words the rules read as grammar (modality, denial, counter-attack, casualty, light verbs):
    # never an event on the CAMEO dictionary's word alone
    grammar: frozenset[str] = frozenset()


def _read_entries(lex: Lexicon, data: dict[str, Any]) -> None:
    """Trigger entries by type: a verb's head is its first word, a noun's its last."""
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


def _read_triggers(lex: Lexicon, data: dict[str, Any]) -> None:
    """The trigger file's entries and the word tables beside them."""
    _read_entries(lex, data)
    lex.strike_military = {w.lower() for w in data.get("strike_military_modifiers") or []}
    for mode, words in (data.get("assault_mode_cues") or {}).items():
        for w in words:
            lex.mode_cues[w.lower()] = mode
    lex.light_verbs = set(data.get("light_verbs") or [])
    lex.fallback_preps = set(data.get("fallback_recipient_preps") or [])
    lex.aim_preps = set(data.get("aim_preps") or [])
    for row in data.get("transfer_verbs") or []:
        for v in row["verbs"]:
            lex.transfer[v] = Entry(v, (), row["type"], row.get("mode"), tuple(row.get("context") or []))
            lex.transfer_not_things[v] = frozenset(row.get("not_things") or ())
    lex.clausal_recipient_types = set(data.get("clausal_recipient_types") or [])
    for row in data.get("acts_on_acts") or []:
        for v in row["verbs"]:
            for t in row["of_types"]:
                lex.acts_on_acts[(v, t)] = (row["type"], row.get("mode"))
    purpose = data.get("purpose_recipients") or {}
    lex.purpose_events = set(purpose.get("events") or [])
    lex.purpose_types = set(purpose.get("purposes") or [])
    lex.threaten_modes = dict(data.get("threaten_modes") or {})
    lex.counter_verbs = {w.split()[0] for w in data.get("counter_verbs") or []}
    lex.instruments = {str(w).split()[-1] for w in data.get("instrument_nouns") or []}
    lex.denial_verbs = {w.split()[0] for w in data.get("denial_verbs") or []}
    lex.denial_objects = set(data.get("denial_objects") or [])
    lex.cyber_objects = set(data.get("cyber_objects") or [])
    lex.clausal_types = {k: (v["type"], v.get("mode")) for k, v in (data.get("clausal_types") or {}).items()}
    lex.toll_nouns = set(data.get("toll_nouns") or [])
    lex.toll_verbs = set(data.get("toll_verbs") or [])
    for phrase in data.get("dispersal_verbs") or []:
        words = str(phrase).lower().split()
        lex.dispersal.setdefault(words[0], []).append(tuple(words[1:]))


def _read_shared(lex: Lexicon, party_heads: str, party_wordnet: str, denial_cues: str, reporting_verbs: str,
                 noun_cues: str) -> None:
    """Tables the events layer shares with the actors and claims layers' data files."""
    # nouns of people and bodies (the actors layer's head nouns, kind group or institution): as the
    # object of an act they name a party even unmodified ("deported children", "investigations
    # against hundreds of banks"), which the actors layer leaves out for want of an owner
    lex.party_nouns = {str(w).lower() for r in read_yaml(party_heads)["heads"]
                       if r.get("kind") in ("group", "institution") for w in r["words"]}
    # and any noun whose most frequent WordNet sense is people or a body of them ("truckers",
    # "secessionists", "households"): the same evidence for words the head list never named
    lex.party_nouns |= {r["lemma"] for r in read_csv(party_wordnet) if r["class"] in ("person", "group")}
    try:  # nouns that deny when negated ("no operational reporting of a strike"), shared with claims
        lex.denial_nouns = {r["noun"].lower() for r in read_csv(denial_cues)}
    except (FileNotFoundError, KeyError):
        lex.denial_nouns = set()
    # verbs of saying (the claims layer's reporting verbs): their time is the statement's, not the event's
    lex.statement_verbs = {r["lemma"].split()[0].lower() for r in read_csv(reporting_verbs)
                           if r.get("lemma") and " " not in r["lemma"].strip()}
    # any word that opens a reporting cue, and the claim nouns: what makes a claim attribute an event
    lex.cue_words = {r["lemma"].split()[0].lower() for r in read_csv(reporting_verbs)
                     if r.get("lemma")} | {r["noun"].lower() for r in read_csv(noun_cues)
                                            if r.get("noun")} | lex.denial_nouns


def _read_casualties(lex: Lexicon, name: str) -> None:
    cas = read_yaml(name)
    lex.killed = {k: set(v) for k, v in cas["killed"].items()}
    lex.injured = {k: set(v) for k, v in cas["injured"].items()}
    lex.numbers = {str(k).lower(): int(v) for k, v in cas["numbers"].items()}
    lex.vague = {str(k).lower(): (v[0], v[1]) for k, v in cas["vague"].items()}
    lex.bounds = {str(k).lower(): v for k, v in cas["bounds"].items()}


def word_list(name: str, key: str) -> frozenset[str]:
    """One `words` list of a YAML word-list file (such as ``lexicons/event_words.yaml``)."""
    return frozenset(str(w).lower() for w in read_yaml(name)[key]["words"])


@spacy.registry.misc("eventwire.events_lexicon.v1")
def load_lexicon(triggers: str = "lexicons/triggers.yaml",
                 casualties: str = "lexicons/casualties.yaml",
                 modality: str = "lexicons/modality.csv",
                 words: str = "lexicons/event_words.yaml",
                 party_heads: str = "lexicons/actor_patterns.yaml",
                 party_wordnet: str = "lexicons/wordnet_noun_classes.csv",
                 denial_cues: str = "lexicons/denial_cues.csv",
                 reporting_verbs: str = "lexicons/reporting_verbs.csv",
                 noun_cues: str = "lexicons/noun_cues.csv",
                 responsibility_cues: str = "lexicons/responsibility_cues.csv",
                 reciprocal_words: str = "lexicons/reciprocal_words.csv") -> Lexicon:
    """The events lexicon from the named package data files (paths relative to eventwire/data)."""
    lex = Lexicon()
    _read_triggers(lex, read_yaml(triggers))
    _read_shared(lex, party_heads, party_wordnet, denial_cues, reporting_verbs, noun_cues)
    # verbs that take responsibility ("claimed", "took", "admitted"), shared with link/grade.py
    lex.responsibility_stems = tuple(r["stem"].lower() for r in read_csv(responsibility_cues) if r.get("stem"))
    for r in read_csv(reciprocal_words):
        if r["pos"] == "verb":
            lex.reciprocal_verbs[r["word"]] = r["object_counterpart"] == "1"
        else:
            lex.reciprocal_nouns.add(r["word"])
    for r in read_csv(modality):
        lex.modality.setdefault(r["kind"], set()).add(r["cue"].lower())
    _read_casualties(lex, casualties)
    lex.pronouns = word_list(words, "pronouns")
    lex.no_one = word_list(words, "no_one")
    lex.place_preps = word_list(words, "place_prepositions")
    lex.location_nouns = word_list(words, "location_nouns")
    lex.background_markers = word_list(words, "background_markers")
    lex.harm_verbs = word_list(words, "harm_verbs")
    lex.occurrence_verbs = word_list(words, "occurrence_verbs")
    lex.grammar = frozenset(lex.counter_verbs | lex.denial_verbs | lex.toll_verbs | lex.light_verbs
                            | set().union(*lex.modality.values()) | lex.killed.get("verbs", set())
                            | lex.injured.get("verbs", set()))
    return lex
