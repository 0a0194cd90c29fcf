"""The record contract (eventwire/document/1) as pydantic models.

Every part of eventwire (CLI, store, API, exports) reads and writes these, so a
field renamed here would break the outside evaluation scripts: fields are only
ever added. Closed vocabularies are Literals defined once, here.
"""

from __future__ import annotations

import json
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

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
Grade = Literal["confirmed", "fair", "weak", "contested", "discounted"]
GRADES: tuple[str, ...] = ("confirmed", "fair", "weak", "contested", "discounted")  # the one grade list
Technique = Literal[
    "Loaded_Language", "Name_Calling,Labeling", "Repetition", "Exaggeration,Minimisation", "Doubt",
    "Appeal_to_fear-prejudice", "Flag-Waving", "Causal_Oversimplification", "Slogans",
    "Appeal_to_Authority", "Black-and-White_Fallacy", "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring", "Bandwagon,Reductio_ad_hitlerum",
]


class Record(BaseModel):
    """Base: every field is declared (an undeclared one is an error, never a silent leak).

    `omitted_when_none` names fields a layer writes only when they apply: they are
    left out of the output when None, as they always were, rather than written as null.
    """

    model_config = ConfigDict(extra="forbid")
    omitted_when_none: ClassVar[frozenset[str]] = frozenset()

    @model_serializer(mode="wrap")
    def _drop_unused(self, handler: SerializerFunctionWrapHandler):  # noqa: ANN202 - keeps the schema
        out = handler(self)
        for name in self.omitted_when_none:
            if out.get(name, 0) is None:
                del out[name]
        return out


class CopyOf(Record):
    """The store's near-copy mark: the stored article this one copies (MinHash Jaccard)."""

    article: str
    outlet: str | None = None
    similarity: float | None = None


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
    copy_of: CopyOf | None = Field(None, description="Set by the store on a near-copy of a stored article.")

    omitted_when_none = frozenset({"copy_of"})


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
    kind: str | None = Field(None, description="absolute, partial, relative or offset: how the date was found.")
    direction: str | None = Field(None, description="past or future: where a relative expression points.")
    anchor: list[int] | None = Field(None, description="[start, end] of the time an offset counts from.")
    offset_days: int | None = Field(None, description="Days from the anchor.")
    modifier: str | None = Field(None, description="early, mid, late, end...: a part of the period.")
    role: str | None = Field(None, description="dateline: the article's own date line.")
    source: str | None = Field(None, description="dateparser when that library resolved the expression.")
    time: str | None = Field(None, description="Clock time HH:MM when the text gives one.")

    omitted_when_none = frozenset({"kind", "direction", "anchor", "offset_days", "modifier", "role",
                                   "source", "time"})


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
    chain: list[str] | None = Field(None, description="Who passed the claim on, outermost first.")
    denial: bool | None = Field(None, description="True when the claim is a denial.")
    hedge: bool | None = Field(None, description="True when the cue hedges (reportedly, allegedly).")
    anonymous: bool | None = Field(None, description="True for an unnamed source (officials, a source).")
    sector: str | None = Field(None, description="CAMEO sector code of an unnamed source (GOV, MIL...).")
    antecedent: list[int] | None = Field(None, description="[start, end] of the name a pronoun speaker stands for.")

    omitted_when_none = frozenset({"chain", "denial", "hedge", "anonymous", "sector", "antecedent"})


class Range(Record):
    min: int | None = None
    max: int | None = None


class Intended(Record):
    """The action a stated intention is about."""

    type: EventType
    mode: str | None = None


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
    reciprocal: bool = Field(False, description="A symmetric act (met, held talks with, clashed with): "
                                                 "every party is listed as an actor and as a recipient.")
    intended: Intended | None = Field(None, description="For a stated intention: the action intended.")

    omitted_when_none = frozenset({"intended"})


class Framing(Record):
    start: int
    end: int
    text: str
    technique: Technique
    about: str | None = None


class FramingSummary(Record):
    """Counts per technique and the share of sentences with framing."""

    spans: int
    counts: dict[str, int] = Field(default_factory=dict)
    sentences: int
    sentences_with_framing: int
    share_sentences: float


class Document(Record):
    schema_: Literal["eventwire/document/1"] = Field(DOCUMENT_SCHEMA, alias="schema")
    article: Article
    places: list[Place] = Field(default_factory=list)
    actors: list[Actor] = Field(default_factory=list)
    times: list[Time] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    framing: list[Framing] = Field(default_factory=list)
    framing_summary: FramingSummary | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

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

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_dict(self) -> dict:
        return self.model_dump(by_alias=True, mode="json")


class IncidentPlace(Record):
    text: str | None = None
    name: str | None = None
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    admin1: str | None = None
    feature_code: str | None = None
    precision: Precision | None = None


class IncidentActor(Record):
    name: str | None = None
    entity: str | None = None
    country: str | None = None
    sector: str | None = None


class Origin(Record):
    """One independent origin of the incident's reports (an outlet, or the source they all cite)."""

    key: str
    name: str | None = None
    affiliation: str | None = None
    country: str | None = None
    party: bool = False
    asserting: bool = False
    reports: list[str] = Field(default_factory=list)


class IncidentReport(Record):
    """One event of one article in the incident; the fields from title on come from the stored
    article in the detail read (`get_incident`) and are null in list rows, which read no articles."""

    article: str
    event: str
    outlet: str | None = None
    outlet_name: str | None = None
    status: Status | None = None
    published: str | None = None
    date: str | None = None
    killed: Range = Field(default_factory=Range)
    origins: list[str] = Field(default_factory=list)
    title: str | None = None
    url: str | None = None
    outlet_affiliation: str | None = None
    outlet_country: str | None = None
    trigger: Span | None = None
    claim: str | None = Field(None, description="The claim (of the article's document) that reports the event.")
    chain: list[str] | None = Field(None, description="Who said it, outermost first: outlet, speakers, event.")



class Incident(Record):
    """An `eventwire/incident/1` record (CONTRACT.md, incidents): what `eventwire incidents --format
    jsonl`, `eventwire incidents show` and `GET /api/incidents/{id}` give, all through
    `store.queries.get_incident` / `incident_record`."""

    schema_: Literal["eventwire/incident/1"] = Field(INCIDENT_SCHEMA, alias="schema")
    id: str
    type: EventType | None = None
    mode: str | None = None
    date: str | None = None
    end_date: str | None = None
    date_precision: str | None = None
    place: IncidentPlace | None = None
    actors: list[IncidentActor] = Field(default_factory=list)
    recipients: list[IncidentActor] = Field(default_factory=list)
    killed: Range = Field(default_factory=Range)
    injured: Range = Field(default_factory=Range)
    grade: Grade
    grade_reason: str | None = None
    origins: int = 0
    origins_all: int = 0
    origin_list: list[Origin] = Field(default_factory=list)
    reports: list[IncidentReport] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_dict(self) -> dict:
        return self.model_dump(by_alias=True, mode="json")


def json_schema(record: str = "document") -> dict:
    """JSON Schema of the document (or error) record, as exported to schema/<record>.schema.json.

    `eventwire schema` writes it; a test checks the committed file is current and
    that real `extract` output validates against it.
    """
    model, name = {"document": (Document, DOCUMENT_SCHEMA), "error": (ErrorRecord, ERROR_SCHEMA),
                   "incident": (Incident, INCIDENT_SCHEMA)}[record]
    out = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": name}
    out.update(model.model_json_schema(by_alias=True, mode="serialization"))
    return out
