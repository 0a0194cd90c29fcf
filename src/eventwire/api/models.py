"""The API's request models: every query parameter and body field typed, bounded and documented.

Query parameters are pydantic models with `extra="forbid"`, so an unknown parameter is a 422 (not
silently ignored); types, statuses, grades and affiliations are enums (the contract's Literals);
dates must be real calendar dates; offsets, limits and every free-text field have a ceiling. The
OpenAPI schema is generated from these models, so what the spec says is what is enforced. The
filters shared with the command line (events, incidents, exports) are `services.filters`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from eventwire.services.filters import (  # noqa: F401 - the routers read the filters as models.*
    BBOX,
    BBOX_HELP,
    GRADE_LIST,
    GRADE_NAMES,
    HINTS,
    MAX_EXPORT,
    MAX_OFFSET,
    NOTE_MAX,
    SORTS,
    TEXT_MAX,
    ArticleQuery,
    Day,
    EventExportQuery,
    EventFilterQuery,
    EventQuery,
    Grade,
    IncidentExportQuery,
    IncidentFilterQuery,
    IncidentQuery,
    Offset,
    Strict,
    Text,
    _real_day,
)


class ListQuery(Strict):
    q: Text = Field(None, description="text in the name")
    limit: int = Field(100, ge=1, le=1000)
    offset: Offset = 0


class CorrectionsQuery(Strict):
    incident: Text = Field(None, description="only corrections naming this incident id")
    limit: int = Field(200, ge=1, le=5000)
    offset: Offset = 0


class LabelsQuery(Strict):
    bbox: str = Field(pattern=BBOX, description=BBOX_HELP)
    limit: int = Field(60, ge=1, le=500)


class CorrectionBody(Strict):
    note: str | None = Field(None, max_length=NOTE_MAX, description=f"why (at most {NOTE_MAX} characters)")
    by: str | None = Field(None, max_length=100, description="who (on loopback; beyond it, the token's name)")


class MergeBody(CorrectionBody):
    other: str = Field(min_length=1, max_length=80, description="the incident merged into this one")


class SplitBody(CorrectionBody):
    event: str = Field(min_length=1, max_length=TEXT_MAX + 20,
                       description="the report taken out: <article id or prefix>:<event id>")


class GradeBody(CorrectionBody):
    grade: Grade


class UndoBody(CorrectionBody):
    pass


_DATETIME = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$"


def _real_datetime(value: str | None) -> str | None:
    """A publication date or datetime that exists on the calendar (2024-02-30 is refused)."""
    if value is None:
        return None
    _real_day(value[:10])
    return value


class ArticleIn(Strict):
    """One article in a JSON body (`POST /api/articles`)."""

    text: str = Field(min_length=1, max_length=10_000_000, description="the article text")
    id: str | None = Field(None, min_length=1, max_length=200, description="default: sha256 of the text")
    published: Annotated[str | None, Field(None, pattern=_DATETIME, max_length=40,
                                           description="YYYY-MM-DD[THH:MM[:SS]]"), AfterValidator(_real_datetime)]
    title: str | None = Field(None, max_length=2000)
    url: str | None = Field(None, max_length=2000)
    outlet: str | None = Field(None, max_length=TEXT_MAX, description="outlet name or id")
