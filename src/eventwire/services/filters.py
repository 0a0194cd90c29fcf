"""The filters every reader takes, on the command line and over HTTP: typed, bounded query models.

`GET /api/events`, `/api/incidents`, `/api/map`, the exports and `eventwire export` all read
their filters through these models (`api.models` re-exports them for the routers), so a
filter means the same and is checked the same way everywhere. Query parameters are models with
`extra="forbid"`, so an unknown parameter is refused rather than silently ignored; types,
statuses, grades and affiliations are the contract's Literals; dates must be real calendar
dates; offsets, limits and free-text fields have a ceiling.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from eventwire import records
from eventwire.store import queries as Q

MAX_OFFSET = 1_000_000_000          # far below SQLite's 2**63 and more rows than any store holds
MAX_EXPORT = 1_000_000
TEXT_MAX = 200                      # a search word, a name, an id
NOTE_MAX = 2000                     # a correction's note
GRADE_NAMES = records.GRADES
Grade = records.Grade
_G = "(" + "|".join(records.GRADES) + ")"
GRADE_LIST = rf"^{_G}(,{_G})*$"
_NUM = r"-?\d{1,3}(\.\d{1,12})?"
BBOX = rf"^{_NUM},{_NUM},{_NUM},{_NUM}$"
BBOX_HELP = "min_lon,min_lat,max_lon,max_lat (WGS84 degrees)"
SORTS = Literal["date", "type", "country", "province", "killed", "reports", "origins", "grade"]

# what to say when a value does not match its pattern (pydantic prints the regular expression)
HINTS = {
    "grade": "unknown grade: give one or a comma list of " + ", ".join(GRADE_NAMES),
    "since": "not a date: give YYYY-MM-DD", "until": "not a date: give YYYY-MM-DD",
    "bbox": "bbox needs 4 numbers " + BBOX_HELP, "country": "give an ISO 3166-1 alpha-3 code such as SYR",
}


def _real_day(value: str | None) -> str | None:
    """A YYYY-MM-DD string that is a calendar date (2024-02-30 and 2024-13-45 are refused)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(f"{value!r} is not a real date (YYYY-MM-DD)") from None


Day = Annotated[str | None, Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$", json_schema_extra={"format": "date"},
                                  description="YYYY-MM-DD, inclusive"), AfterValidator(_real_day)]
Text = Annotated[str | None, Field(None, min_length=1, max_length=TEXT_MAX)]
Offset = Annotated[int, Field(0, ge=0, le=MAX_OFFSET, description=f"rows to skip (at most {MAX_OFFSET:,})")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ArticleQuery(Strict):
    q: Text = Field(None, description="text in the title or body")
    outlet: Text = Field(None, description="outlet id or name")
    since: Day = None
    until: Day = None
    limit: int = Field(50, ge=1, le=500)
    offset: Offset = 0


class EventFilterQuery(Strict):
    type: records.EventType | None = Field(None, description="PLOVER type, e.g. ASSAULT")
    status: records.Status | None = None
    actor: Text = Field(None, description="actor entity id or name (as actor or recipient)")
    country: str | None = Field(None, pattern=r"^[A-Za-z]{3}$", description="ISO alpha-3 of the place")
    since: Day = None
    until: Day = None
    bbox: str | None = Field(None, pattern=BBOX, description=BBOX_HELP)
    article: Text = Field(None, description="events of this article id")
    q: Text = Field(None, description="every word in the title or text of the event's article")


class EventQuery(EventFilterQuery):
    limit: int = Field(100, ge=1, le=1000)
    offset: Offset = 0


class EventExportQuery(EventFilterQuery):
    limit: int | None = Field(None, ge=1, le=MAX_EXPORT, description=f"at most this many (≤ {MAX_EXPORT:,})")


class IncidentFilterQuery(Strict):
    grade: str | None = Field(None, pattern=GRADE_LIST, max_length=80, description="one grade or a comma list")
    type: records.EventType | None = Field(None, description="PLOVER type")
    since: Day = None
    until: Day = None
    bbox: str | None = Field(None, pattern=BBOX, description=BBOX_HELP)
    actor: Text = Field(None, description="text in an actor's or target's name or entity")
    affiliation: records.Affiliation | None = Field(None, description="outlet affiliation of at least one report")
    outlet: Text = Field(None, description="outlet id or name of at least one report")
    country: str | None = Field(None, pattern=r"^[A-Za-z]{3}$", description="ISO alpha-3 of the place")
    province: Text = Field(None, description="first-level division (admin1) of the place")
    article: Text = Field(None, description="incidents this article reports")
    q: Text = Field(None, description="every word in the title or text of one of its reports' articles")


class IncidentQuery(IncidentFilterQuery):
    brief: bool = Field(False, description="flat table/map fields instead of records")
    sort: SORTS = "date"
    order: Literal["asc", "desc"] = "desc"
    limit: int = Field(100, ge=1, le=50000)
    offset: Offset = 0


class IncidentExportQuery(IncidentFilterQuery):
    sort: SORTS = "date"
    order: Literal["asc", "desc"] = "desc"
    limit: int | None = Field(None, ge=1, le=MAX_EXPORT, description=f"at most this many (≤ {MAX_EXPORT:,})")


def event_filters(m: EventFilterQuery, limit: int | None, offset: int = 0) -> Q.EventFilters:
    """Store filters from the event query model (ValueError for a malformed bbox)."""
    return Q.EventFilters(type=m.type, status=m.status, actor=m.actor, country=m.country, since=m.since,
                          until=m.until, bbox=Q.parse_bbox(m.bbox), article=m.article, q=m.q, limit=limit,
                          offset=offset)


def incident_filters(m: IncidentFilterQuery, limit: int | None = None, offset: int = 0,
                     sort: str = "date", order: str = "desc") -> Q.IncidentFilters:
    """Store filters from the incident query model (ValueError for a malformed bbox)."""
    return Q.IncidentFilters(grade=m.grade, type=m.type, since=m.since, until=m.until, bbox=Q.parse_bbox(m.bbox),
                             actor=m.actor, affiliation=m.affiliation, article=m.article, country=m.country,
                             province=m.province, outlet=m.outlet, q=m.q, limit=limit, offset=offset,
                             sort=sort, desc=order == "desc")
