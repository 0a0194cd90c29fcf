"""The FastAPI application: REST API under /api, pages at /, vendored assets under /static.

`create_app` only builds the application: its state (`dependencies.ApiState`), the
middleware, the error handlers and the routers, one module per job under
`api/routers/` plus the pages. Every read goes through `eventwire.store.queries`
(the CLI calls the same functions); writes go through `eventwire.api.ingest` (the
CLI's ingest path) and the incident repository's correction functions. Errors are
problem+json.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles

from eventwire import __version__
from eventwire.api import errors, middleware, openapi, pages
from eventwire.api.dependencies import ApiState, known_parameters
from eventwire.api.routers import articles, corrections, events, exports, incidents, ingest, lists
from eventwire.store import queries as Q

WEB = pages.WEB
# in this order: it is the order of the paths in the OpenAPI document
ROUTERS = (ingest.router, articles.router, events.router, incidents.router, corrections.router, lists.router,
           exports.router, pages.router)


def create_app(settings: Any = None, *, require_token: bool = False, token: str | None = None,
               engine: Any = None) -> FastAPI:
    """The application for `settings` (a `Settings`; loaded from the environment when None).

    `require_token`: writes need `Authorization: Bearer <token>` (set by `eventwire serve`
    when it binds a non-loopback address; the token is `EVENTWIRE_TOKEN`).
    """
    from eventwire.settings import load_settings
    from eventwire.store import open_store

    settings = settings or load_settings()
    engine = engine or open_store(settings.db)
    app = FastAPI(title="eventwire", version=__version__, docs_url=None, redoc_url=None,
                  dependencies=[Depends(known_parameters)],
                  description="Attributed, geolocated, dated event records from news reports: articles, "
                              "events, incidents, corrections and exports. Errors are application/problem+json.")
    app.state.api = ApiState.build(settings, engine, require_token, token)
    Q.ensure_search_indexes(engine)
    app.mount("/static", StaticFiles(directory=str(WEB / "static")), name="static")
    # compress JSON, HTML, scripts and the outlines for remote browsers (bodies of 1 kB and more);
    # a response that is already encoded (the map data, gzipped once when cached) passes through
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=6)
    app.middleware("http")(middleware.guard)  # outside the compression: it sees every request first
    errors.add_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    app.openapi = lambda: openapi.schema(app)  # type: ignore[method-assign]
    return app
