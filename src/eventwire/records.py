"""The record contract (eventwire/document/1) as pydantic models.

Every part of eventwire (CLI, store, API, exports) reads and writes these, so a
field renamed here would break the outside evaluation scripts: fields are only
ever added. Closed vocabularies are Literals defined once, here.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DOCUMENT_SCHEMA = "eventwire/document/1"
ERROR_SCHEMA = "eventwire/error/1"
INCIDENT_SCHEMA = "eventwire/incident/1"

Precision = Literal["point", "village", "town", "city", "district", "province", "country", "region"]
PlaceKind = Literal["toponym", "demonym"]
Granularity = Literal["minute", "day", "month", "year"]
ClaimKind = Literal["direct", "indirect", "according_to", "document"]
Status = Literal["reported", "alleged", "denied", "planned", "hypothetical"]
Affiliation = Literal[
    "state", "state-affiliated", "wire", "independent", "monitor", "party", "armed-group", "igo", "ngo"
]
EventType = Literal[
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
    "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
]
# PLOVER 2.0 modes per type (CONTRACT.md; openeventdata/PLOVER PLOVER_MANUAL.tex, CC BY-SA 4.0)
PLOVER_MODES: dict[str, tuple[str, ...]] = {
    "AGREE": (),
    "CONSULT": ("visit", "third-party", "multilateral", "phone"),
    "SUPPORT": (),
    "CONCEDE": (),
    "COOPERATE": (),
    "AID": (),
    "RETREAT": ("withdraw", "release", "disarm", "ceasefire", "access", "resign"),
    "REQUEST": ("assist", "change", "yield", "meet"),
    "ACCUSE": ("disapprove", "investigate", "allege"),
    "REJECT": ("assist", "change", "yield", "meet"),
    "THREATEN": ("restrict", "arrest", "relations", "expel", "territory", "violence"),
    "PROTEST": ("demo", "riot", "strike", "hunger", "boycott", "obstruct", "vandalize"),
    "SANCTION": ("convict", "expel", "withdraw", "discontinue"),
    "MOBILIZE": ("troops", "weapons", "police", "militia"),
    "COERCE": ("seize", "restrict", "censor", "curfew", "martial-law", "arrest", "deport", "withhold",
               "misinformation", "cyber"),
    "ASSAULT": ("abduct", "beat", "torture", "sexual", "targeted", "destroy", "primitive", "firearms",
                "explosives", "suicide-attack", "aerial", "drone", "heavy-weapons", "crowd-control",
                "unconventional"),
}
Technique = Literal[
    "Loaded_Language", "Name_Calling,Labeling", "Repetition", "Exaggeration,Minimisation", "Doubt",
    "Appeal_to_fear-prejudice", "Flag-Waving", "Causal_Oversimplification", "Slogans",
    "Appeal_to_Authority", "Black-and-White_Fallacy", "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring", "Bandwagon,Reductio_ad_hitlerum",
]


class Record(BaseModel):
    """Base: extra fields allowed on input so newer records still load."""

    model_config = ConfigDict(extra="allow")


class Outlet(Record):
    id: str
    name: str
    country: str | None = None
    affiliation: str | None = None


class Article(Record):
    id: str
    url: str | None = None
    title: str | None = None
    published: str | None = None
    language: str = "en"
    outlet: Outlet | None = None
    dateline_place: str | None = None
    text: str


class Span(Record):
    text: str
    start: int
    end: int


class Place(Span):
    id: str
    geonameid: int | None = None
    name: str | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    admin1: str | None = None
    feature_code: str | None = None
    precision: Precision | None = None
    kind: PlaceKind = "toponym"
    score: float | None = None


class Actor(Span):
    id: str
    name: str | None = None
    country: str | None = None
    sector: str | None = None
    entity: str | None = None


class Time(Span):
    id: str
    date: str | None = None
    end_date: str | None = None
    granularity: Granularity | None = None


class Speaker(Span):
    actor: str | None = None


class Offsets(Record):
    start: int
    end: int


class Claim(Record):
    id: str
    kind: ClaimKind
    speaker: Speaker | None = None
    cue: Span
    content: Offsets
    channel: str | None = None
    addressees: list[str] = Field(default_factory=list)
    parent: str | None = None


class Range(Record):
    min: int | None = None
    max: int | None = None


class Event(Record):
    id: str
    type: EventType
    mode: str | None = None
    context: list[str] = Field(default_factory=list)
    actors: list[str] = Field(default_factory=list)
    recipients: list[str] = Field(default_factory=list)
    place: str | None = None
    date: str | None = None
    end_date: str | None = None
    date_precision: str | None = None
    killed: Range = Field(default_factory=Range)
    injured: Range = Field(default_factory=Range)
    trigger: Span
    sentence: Offsets
    status: Status = "reported"
    claim: str | None = None
    negated: bool = False


class Framing(Record):
    start: int
    end: int
    text: str
    technique: Technique
    about: str | None = None


class Document(Record):
    schema_: Literal["eventwire/document/1"] = Field(DOCUMENT_SCHEMA, alias="schema")
    article: Article
    places: list[Place] = Field(default_factory=list)
    actors: list[Actor] = Field(default_factory=list)
    times: list[Time] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    framing: list[Framing] = Field(default_factory=list)
    framing_summary: dict | None = None

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def to_dict(self) -> dict:
        return self.model_dump(by_alias=True, mode="json")

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


class ErrorRecord(Record):
    schema_: Literal["eventwire/error/1"] = Field(ERROR_SCHEMA, alias="schema")
    id: str | None = None
    error: str
    code: str | None = None
    source: str | None = None
    layer: str | None = Field(None, description="The analysis layer that raised (code 'analysis').")

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def to_dict(self) -> dict:
        return self.model_dump(by_alias=True, mode="json")


def json_schema(record: str = "document") -> dict:
    """JSON Schema of the document (or error) record, as exported to schema/<record>.schema.json.

    `eventwire schema` writes it; a test checks the committed file is current and
    that real `extract` output validates against it.
    """
    model, name = {"document": (Document, DOCUMENT_SCHEMA), "error": (ErrorRecord, ERROR_SCHEMA)}[record]
    out = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": name}
    out.update(model.model_json_schema(by_alias=True, mode="serialization"))
    return out
