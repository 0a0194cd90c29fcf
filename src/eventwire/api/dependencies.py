"""What the routers take from the application, through `Depends`: its state, the database, the
settings, the shared parameter types, and what a service refuses as a problem (`problem`; the
handler in `api.errors` answers any `services.errors.ServiceError` with it).

`create_app` puts one `ApiState` (data only: settings, engine, tokens, allowed hosts, the map
cache) on `app.state.api`; handlers ask for what they need with the annotated types below,
so a router module holds handlers only and no function is passed around on `app.state`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request
from fastapi import Path as PathParam
from pydantic import AfterValidator
from sqlalchemy import Engine

from eventwire.api import models, security
from eventwire.api.mapcache import MapCache
from eventwire.api.problems import Problem
from eventwire.services import filters
from eventwire.services.errors import Ambiguous, Conflict, NotFound, ServiceError
from eventwire.store import queries as Q

DATE = r"^\d{4}-\d{2}-\d{2}$"
DateQ = Annotated[str | None, Query(pattern=DATE, description="YYYY-MM-DD, inclusive"),
                  AfterValidator(models._real_day)]
ArticleId = Annotated[str, PathParam(min_length=1, max_length=200)]
IncidentId = Annotated[str, PathParam(min_length=1, max_length=80)]
ExportFormat = Literal["jsonl", "csv", "geojson", "plover"]


@dataclass
class ApiState:
    """One application's settings and shared objects (`app.state.api`)."""

    settings: Any
    engine: Engine
    require_token: bool
    token: str | None
    tokens: dict[str, str]
    allowed_hosts: frozenset[str]
    policy: str  # the Content-Security-Policy of every response
    upload_limit: int
    map_cache: MapCache

    @classmethod
    def build(cls, settings: Any, engine: Engine, require_token: bool, token: str | None) -> ApiState:
        return cls(settings=settings, engine=engine, require_token=require_token, token=token,
                   tokens=security.named_tokens(token),
                   allowed_hosts=security.allowed_hosts(getattr(settings, "allowed_hosts", None)),
                   policy=security.csp(settings.tile_url), upload_limit=int(settings.max_upload_bytes),
                   map_cache=MapCache(engine))

    def token_name(self, given: str | None) -> str | None:
        """The name of a valid token, else None (constant-time comparison)."""
        return security.token_name(self.tokens, given)


# async, so FastAPI calls them on the event loop rather than sending each to the thread pool
async def api_state(request: Request) -> ApiState:
    return request.app.state.api


async def _engine(state: Annotated[ApiState, Depends(api_state)]) -> Engine:
    return state.engine


async def _settings(state: Annotated[ApiState, Depends(api_state)]) -> Any:
    return state.settings


State = Annotated[ApiState, Depends(api_state)]
Db = Annotated[Engine, Depends(_engine)]
AppSettings = Annotated[Any, Depends(_settings)]


def known_parameters(request: Request) -> None:
    """Refuse a query parameter the operation does not take (422), rather than ignore it."""
    route = request.scope.get("route")
    if not request.url.path.startswith("/api/") or route is None or not hasattr(route, "dependant"):
        return
    known: set[str] = set()
    todo = [route.dependant]
    while todo:
        dep = todo.pop()
        todo.extend(dep.dependencies)
        for p in dep.query_params:
            fields = getattr(getattr(p.field_info, "annotation", None), "model_fields", None)
            if fields:  # a query model: its fields are the parameters
                known.update(f.alias or n for n, f in fields.items())
            else:
                known.add(p.alias)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise Problem(422, f"unknown parameter{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
                           f"{request.url.path} takes: {', '.join(sorted(known)) or 'none'} (see /docs)")


def author(request: Request, body: models.CorrectionBody) -> str:
    """Who makes a write: the name of the token used when tokens are required (beyond loopback),
    else the `by` the client gives (default "local")."""
    named = getattr(request.state, "token_name", None)
    return named or (body.by or "").strip() or "local"


def page(items: list, limit: int, offset: int) -> dict:
    """A page of a list, with the offset of the next one (None on the last page)."""
    return {"items": items, "limit": limit, "offset": offset,
            "next_offset": offset + limit if len(items) == limit else None}


def bbox_of(value: str | None):
    """The parsed box; a malformed one is a 422 problem."""
    try:
        return Q.parse_bbox(value)
    except ValueError as exc:
        raise Problem(422, str(exc)) from None


def event_filters(m: models.EventFilterQuery, limit: int | None, offset: int) -> Q.EventFilters:
    bbox_of(m.bbox)  # a malformed box is a 422 problem
    return filters.event_filters(m, limit, offset)


def incident_filters(m: models.IncidentFilterQuery, limit: int | None = None, offset: int = 0,
                     sort: str = "date", order: str = "desc") -> Q.IncidentFilters:
    bbox_of(m.bbox)  # a malformed box is a 422 problem
    return filters.incident_filters(m, limit, offset, sort, order)


def problem(exc: ServiceError) -> Problem:
    """What a service refused, as the API says it: 404 naming where to list the records, 409 for an
    ambiguous id prefix or a write made already, 422 for a correction the incident does not allow."""
    if isinstance(exc, NotFound):
        where = {"article": f"no stored article with id {exc.ident!r}; search them at /api/articles",
                 "incident": f"no incident {exc.ident!r}; list them at /api/incidents",
                 "correction": f"no correction {exc.ident}; list them at /api/corrections"}
        return Problem(404, where.get(exc.what, str(exc)))
    if isinstance(exc, Ambiguous):
        return Problem(409, f"id prefix {exc.ident!r} matches several {exc.what}s; give more characters",
                       title="Ambiguous id")
    if isinstance(exc, Conflict):
        return Problem(409, str(exc), title="Conflict")
    return Problem(422, str(exc))
