"""What the readers filter on: the events and incidents filter sets and the map box.

The API, the CLI and the exports build these (through `services.filters`), and every query
module reads them, so a filter means the same everywhere."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

BBox = tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat


def parse_bbox(value: str | None) -> BBox | None:
    """`min_lon,min_lat,max_lon,max_lat` as four floats; ValueError with the reason when malformed."""
    if value is None or not str(value).strip():
        return None
    parts = [p.strip() for p in str(value).split(",")]
    if len(parts) != 4:
        raise ValueError(f"bbox needs 4 numbers min_lon,min_lat,max_lon,max_lat; got {len(parts)}")
    try:
        x0, y0, x1, y1 = (float(p) for p in parts)
    except ValueError:
        raise ValueError(f"bbox {value!r} is not four numbers (min_lon,min_lat,max_lon,max_lat)") from None
    if not (-180 <= x0 <= 180 and -180 <= x1 <= 180 and -90 <= y0 <= 90 and -90 <= y1 <= 90):
        raise ValueError(f"bbox {value!r} is outside -180..180 / -90..90")
    if x0 > x1 or y0 > y1:
        raise ValueError(f"bbox {value!r}: min must not exceed max")
    return x0, y0, x1, y1


@dataclass
class EventFilters:
    """What `GET /api/events` filters on; every field is optional."""

    type: str | None = None
    status: str | None = None
    actor: str | None = None        # actor entity id (or name), as actor or recipient
    country: str | None = None      # ISO alpha-3 of the event's place
    since: str | None = None        # YYYY-MM-DD, inclusive
    until: str | None = None        # YYYY-MM-DD, inclusive
    bbox: BBox | None = None
    article: str | None = None
    limit: int | None = 100
    offset: int = 0
    q: str | None = None            # words in the article (title or body) the event comes from


@dataclass
class IncidentFilters:
    """What `eventwire incidents`, `GET /api/incidents` and the map filter on."""

    grade: str | None = None
    type: str | None = None
    since: str | None = None
    until: str | None = None
    bbox: BBox | None = None
    actor: str | None = None        # substring of an actor's or recipient's name or entity
    affiliation: str | None = None  # at least one report from an outlet of this affiliation
    article: str | None = None      # incidents this article reports
    limit: int | None = None
    offset: int = 0
    country: str | None = None      # ISO alpha-3 of the incident's place
    province: str | None = None     # first-level division (admin1) of the incident's place
    outlet: str | None = None       # at least one report from this outlet (id or name)
    q: str | None = None            # words in the title or text of one of its reports' articles
    sort: str = "date"              # a key of INCIDENT_SORTS
    desc: bool = True


def filters_from(cls: type, values: Mapping[str, Any]):
    """A filters dataclass from a mapping (query parameters, CLI options); unknown keys ignored."""
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in values.items() if k in names and v not in (None, "")})
