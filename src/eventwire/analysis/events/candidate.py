"""An event candidate while a sentence is read, and the groups of PLOVER types the rules treat alike."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

COOP = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"}
CONFLICT_ACTS = {"ASSAULT", "COERCE", "SANCTION", "PROTEST", "MOBILIZE"}
# verbal types that take an action as their content: that action is intended, not done
IRREALIS = {"AGREE", "REQUEST", "REJECT", "THREATEN"}
# deeds a party denies having done ("denied carrying out the strike"): the denied act is the event
DENIABLE = {"ASSAULT", "COERCE", "MOBILIZE"}
# types whose nominal trigger's 'of' phrase names the actor, not the target ("a protest of students")
AGENT_NOUN_INTRANS = {"PROTEST", "CONSULT", "AGREE", "RETREAT", "MOBILIZE", "COOPERATE"}


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
    own_deed: bool = False  # its actor tells of it ("the Houthis claimed that they had attacked")
    reciprocal: bool = False  # a symmetric act: each party acts on the other ("X met Y", "X and Y agreed")
    first: Token | None = None  # the first word of a trigger the tokenizer split ("cease" of "cease-fire")

    def __post_init__(self) -> None:
        self.rule_type = self.rule_type or self.type
