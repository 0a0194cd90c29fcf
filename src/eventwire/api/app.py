"""The FastAPI application: REST API under /api, pages at /, vendored assets under /static.

Every read goes through `eventwire.store.queries` (the CLI calls the same
functions); writes go through `eventwire.api.ingest` (the CLI's ingest loop) and
the incident repository's correction functions. Errors are problem+json.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from eventwire import __version__
from eventwire.api import exports, ingest, security
from eventwire.api.mapcache import MapCache
from eventwire.api.problems import PROBLEM_TYPE, Problem, problem_body, validation_detail
from eventwire.store import queries as Q

WEB = Path(__file__).resolve().parent.parent / "web"
DATE = r"^\d{4}-\d{2}-\d{2}$"
BBOX_HELP = "min_lon,min_lat,max_lon,max_lat (WGS84 degrees)"

DateQ = Annotated[str | None, Query(pattern=DATE, description="YYYY-MM-DD, inclusive")]


class MergeBody(BaseModel):
    other: str = Field(description="The incident merged into this one")
    note: str | None = None
    by: str | None = Field(None, description="Who makes the correction")


class SplitBody(BaseModel):
    event: str = Field(description="The report taken out: <article id or prefix>:<event id>")
    note: str | None = None
    by: str | None = None


class GradeBody(BaseModel):
    grade: str = Field(description="confirmed, fair, weak, contested or discounted")
    note: str | None = None
    by: str | None = None


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
                  description="Attributed, geolocated, dated event records from news reports: articles, "
                              "events, incidents, corrections and exports. Errors are application/problem+json.")
    app.state.settings = settings
    app.state.engine = engine
    app.state.require_token = require_token
    app.state.token = token
    app.mount("/static", StaticFiles(directory=str(WEB / "static")), name="static")
    # compress JSON, HTML, scripts and the outlines for remote browsers (bodies of 1 kB and more);
    # a response that is already encoded (the map data, gzipped once when cached) passes through
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=6)
    policy = security.csp(settings.tile_url)
    limit = int(settings.max_upload_bytes)

    # ------------------------------------------------------------ middleware and errors

    def wants_html(request: Request) -> bool:
        return not request.url.path.startswith("/api") and "text/html" in request.headers.get("accept", "")

    def problem_response(request: Request, status: int, detail: str, **extra: Any) -> Response:
        if wants_html(request):
            from eventwire.api.pages import error_page

            return error_page(request, status, detail)
        body = problem_body(status, detail, instance=request.url.path, **extra)
        return JSONResponse(body, status_code=status, media_type=PROBLEM_TYPE)

    @app.middleware("http")
    async def guard(request: Request, call_next):
        if request.method in security.WRITE_METHODS:
            length = request.headers.get("content-length")
            if length is None and request.headers.get("transfer-encoding"):
                resp = problem_response(request, 411, "send a Content-Length header with the request body")
            elif length is not None and (not length.isdigit() or int(length) > limit):
                resp = problem_response(
                    request, 413, f"the request body is {int(length):,} bytes, more than the {limit:,}-byte upload "
                                  "limit; split the input or raise max_upload_bytes (EVENTWIRE_MAX_UPLOAD_BYTES)"
                    if length.isdigit() else "invalid Content-Length")
            elif security.cross_origin(request.headers.get("origin"), request.headers.get("host")):
                resp = problem_response(request, 403, "cross-site write refused: post from this server's own pages "
                                                      "or without an Origin header")
            elif app.state.require_token and not _authorised(request):
                resp = problem_response(
                    request, 401, "this server listens beyond localhost, so writes need a token: send "
                                  "'Authorization: Bearer <EVENTWIRE_TOKEN>'"
                    + ("" if app.state.token else " (the server has no EVENTWIRE_TOKEN set: writes are disabled)"))
                resp.headers["WWW-Authenticate"] = "Bearer"
            else:
                resp = await _next(request, call_next)
        else:
            resp = await _next(request, call_next)
        resp.headers.setdefault("Content-Security-Policy", policy)
        for k, v in security.SECURITY_HEADERS.items():
            resp.headers.setdefault(k, v)
        return resp

    async def _next(request: Request, call_next) -> Response:
        try:
            return await call_next(request)
        except RuntimeError as exc:
            # a browser that leaves while a (gzipped, streamed) file is on its way: nothing to answer
            if str(exc) != "No response returned." or not await request.is_disconnected():
                raise
            return Response(status_code=499)

    def _authorised(request: Request) -> bool:
        if request.url.path == "/ingest" and request.headers.get("authorization") is None:
            return True  # the ingest form carries its token in a field: checked by pages.ingest_post
        return security.token_ok(app.state.token, security.bearer(request.headers.get("authorization")))

    app.state.authorised_token = lambda given: security.token_ok(app.state.token, given)

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem):
        return problem_response(request, exc.status, exc.detail, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        return problem_response(request, 422, validation_detail(list(exc.errors())))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no such page or endpoint: {request.url.path}; the API is listed at /docs"
        if exc.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}; see /docs"
        return problem_response(request, exc.status_code, detail)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):
        return problem_response(request, 500, f"internal error ({type(exc).__name__}); the server log has details")

    # ------------------------------------------------------------ helpers

    def conn():
        return engine.connect()

    def bbox_of(value: str | None):
        try:
            return Q.parse_bbox(value)
        except ValueError as exc:
            raise Problem(422, str(exc)) from None

    def page(items: list, limit: int, offset: int) -> dict:
        return {"items": items, "limit": limit, "offset": offset,
                "next_offset": offset + limit if len(items) == limit else None}

    # ------------------------------------------------------------ articles

    @app.post("/api/articles", tags=["articles"], summary="Analyse and store articles",
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/json": {"schema": {"oneOf": [
                      {"$ref": "#/components/schemas/ArticleIn"},
                      {"type": "array", "items": {"$ref": "#/components/schemas/ArticleIn"}}]}},
                  "multipart/form-data": {"schema": {"type": "object", "properties": {
                      "file": {"type": "array", "items": {"type": "string", "format": "binary"},
                               "description": ".txt, .html or .jsonl files"},
                      "text": {"type": "string", "description": "an article as plain text"}}}},
                  "text/plain": {"schema": {"type": "string"}}}}})
    async def post_articles(request: Request, published: DateQ = None,
                            link: Annotated[bool, Query(description="re-link incidents after storing")] = True):
        """Analyse articles and store them; an article already stored is returned as it is (idempotent).

        Send a JSON object `{"text": ..., "id"?, "published"?, "title"?, "url"?, "outlet"?}` or a list
        of them, one or more uploaded `.txt`/`.html`/`.jsonl` files (multipart field `file`), or plain
        text. The answer lists one `eventwire/document/1` per input item, in order, with an
        `eventwire/error/1` record in place of each item that could not be analysed. When no item
        could be analysed the answer is a 422 problem listing them.
        """
        uploads = await _uploads(request)
        res = await run_in_threadpool(ingest.ingest, engine, settings, uploads, published=published, link=link)
        body = res.to_dict()
        if res.failed and not (res.stored or res.present):
            raise Problem(422, f"none of the {res.failed} input item(s) could be analysed: "
                               + "; ".join(i.get("error", "") for i in res.items[:5]), errors=res.items)
        return JSONResponse(body, status_code=201 if res.stored else 200)

    async def _uploads(request: Request) -> list[ingest.Upload]:
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/json":
            raw = await request.body()
            try:
                body = json.loads(raw.decode("utf-8")) if raw.strip() else None
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise Problem(400, f"the body is not valid JSON ({exc}); send {{\"text\": \"...\"}} "
                                   "or a list of such objects") from None
            if body is None:
                raise Problem(422, "the body is empty; send {\"text\": \"...\"} or a list of such objects")
            return [ingest.upload_for_json(body)]
        if ctype == "multipart/form-data":
            form = await request.form(max_part_size=limit + 1)
            ups: list[ingest.Upload] = []
            for key, value in form.multi_items():
                if isinstance(value, UploadFile) and key == "file":
                    if not value.filename:
                        continue
                    data = await value.read(limit + 1)
                    ups.append(ingest.upload_for_file(value.filename, data, limit))
                elif key == "text" and isinstance(value, str) and value.strip():
                    ups.append(ingest.upload_for_text(value, limit))
            if not ups:
                raise Problem(422, "nothing to analyse: attach a .txt, .html or .jsonl file (field 'file') "
                                   "or give a 'text' field")
            return ups
        if ctype in ("text/plain", ""):
            raw = await request.body()
            if not raw.strip():
                raise Problem(422, "the body is empty; send the article text")
            return [ingest.Upload("body", raw, ".txt")]
        raise Problem(415, f"unsupported Content-Type {ctype!r}; send application/json, "
                           "multipart/form-data or text/plain")

    app.state.read_uploads = _uploads

    @app.get("/api/articles", tags=["articles"], summary="Search stored articles")
    def get_articles(q: Annotated[str | None, Query(description="text in the title or body")] = None,
                     outlet: Annotated[str | None, Query(description="outlet id or name")] = None,
                     since: DateQ = None, until: DateQ = None,
                     limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0)] = 0):
        """Stored articles, newest publication first, with their item counts (paginated)."""
        with conn() as c:
            return page(Q.search_articles(c, q=q, outlet=outlet, since=since, until=until, limit=limit,
                                          offset=offset), limit, offset)

    def _unique(ids: list[str], ident: str, what: str, missing: str) -> str:
        """The one id an id or id prefix names; 404 (`missing`) for none, 409 for several."""
        if not ids:
            raise Problem(404, missing)
        if len(ids) > 1:
            raise Problem(409, f"id prefix {ident!r} matches several {what}s; give more characters",
                          title="Ambiguous id")
        return ids[0]

    def _article_id(c, article_id: str) -> str:
        from eventwire.store import repo

        return _unique(repo.resolve_id(c, article_id), article_id, "article",
                       f"no stored article with id {article_id!r}; search them at /api/articles")

    app.state.article_id = _article_id

    @app.get("/api/articles/{article_id}", tags=["articles"], summary="One document (eventwire/document/1)")
    def get_article(article_id: Annotated[str, PathParam(max_length=200)]):
        """The stored `eventwire/document/1` record, exactly as `eventwire extract` printed it."""
        with conn() as c:
            return Q.get_document(c, _article_id(c, article_id))

    @app.get("/api/articles/{article_id}/incidents", tags=["articles"], summary="Incidents an article feeds")
    def get_article_incidents(article_id: Annotated[str, PathParam(max_length=200)]):
        with conn() as c:
            return {"items": Q.article_incidents(c, _article_id(c, article_id))}

    # ------------------------------------------------------------ events

    def event_filters(type, status, actor, country, since, until, bbox, article, limit, offset) -> Q.EventFilters:
        return Q.EventFilters(type=type, status=status, actor=actor, country=country, since=since, until=until,
                              bbox=bbox_of(bbox), article=article, limit=limit, offset=offset)

    @app.get("/api/events", tags=["events"], summary="Search events")
    def get_events(type: Annotated[str | None, Query(description="PLOVER type, e.g. ASSAULT")] = None,
                   status: Annotated[str | None, Query(description="reported, alleged, denied, planned, "
                                                                   "hypothetical")] = None,
                   actor: Annotated[str | None, Query(description="actor entity id (actor or recipient)")] = None,
                   country: Annotated[str | None, Query(description="ISO alpha-3 of the place")] = None,
                   since: DateQ = None, until: DateQ = None,
                   bbox: Annotated[str | None, Query(description=BBOX_HELP)] = None,
                   article: str | None = None,
                   limit: Annotated[int, Query(ge=1, le=1000)] = 100, offset: Annotated[int, Query(ge=0)] = 0):
        """Events newest first, each with its article, outlet, place and resolved actors (paginated)."""
        f = event_filters(type, status, actor, country, since, until, bbox, article, limit, offset)
        with conn() as c:
            return JSONResponse(page(Q.list_events(c, f), limit, offset))

    # ------------------------------------------------------------ incidents

    def incident_filters(grade, type, since, until, bbox, actor, affiliation, article, limit, offset):
        if grade:
            bad = [g for g in grade.split(",") if g.strip() and g.strip() not in Q.GRADES]
            if bad:
                raise Problem(422, f"unknown grade {bad[0]!r}; choose from {', '.join(Q.GRADES)}")
        return Q.IncidentFilters(grade=grade, type=type, since=since, until=until, bbox=bbox_of(bbox), actor=actor,
                                 affiliation=affiliation, article=article, limit=limit, offset=offset)

    @app.get("/api/incidents", tags=["incidents"], summary="Search incidents")
    def get_incidents(grade: Annotated[str | None, Query(description="one grade or a comma list")] = None,
                      type: Annotated[str | None, Query(description="PLOVER type")] = None,
                      since: DateQ = None, until: DateQ = None,
                      bbox: Annotated[str | None, Query(description=BBOX_HELP)] = None,
                      actor: Annotated[str | None, Query(description="text in an actor's name or entity")] = None,
                      affiliation: Annotated[str | None, Query(description="outlet affiliation of a report, "
                                                                           "e.g. state")] = None,
                      article: str | None = None,
                      brief: Annotated[bool, Query(description="flat map fields instead of records")] = False,
                      limit: Annotated[int, Query(ge=1, le=50000)] = 100, offset: Annotated[int, Query(ge=0)] = 0):
        """Incident records (`eventwire/incident/1`) newest first (paginated); `brief` for the map."""
        f = incident_filters(grade, type, since, until, bbox, actor, affiliation, article, limit, offset)
        with conn() as c:
            return JSONResponse(page(Q.list_incidents(c, f, brief=brief), limit, offset))

    map_cache = app.state.map_cache = MapCache(engine)

    @app.get("/api/map", tags=["incidents"], summary="Incidents as compact marker arrays (the map)")
    def get_map(request: Request,
                grade: Annotated[str | None, Query(description="one grade or a comma list")] = None,
                type: Annotated[str | None, Query(description="PLOVER type")] = None,
                since: DateQ = None, until: DateQ = None,
                bbox: Annotated[str | None, Query(description=BBOX_HELP)] = None,
                actor: Annotated[str | None, Query(description="text in an actor's name or entity")] = None,
                affiliation: Annotated[str | None, Query(description="outlet affiliation of a report")] = None,
                article: str | None = None):
        """Every matching incident (same filters as `/api/incidents`, newest first) as parallel arrays
        `id`, `lat`, `lon`, `grade`, `type`, `mode`, `date`, `end_date`, `killed` (highest toll), `place`
        (name), `reports`, `origins`; `grade`/`type`/`mode` are indexes into `grades`/`types`/`modes`.
        Cached per filter set until the store changes; gzip when the client accepts it; ETag."""
        f = incident_filters(grade, type, since, until, bbox, actor, affiliation, article, None, 0)
        body = map_cache.get(f)
        headers = {"ETag": body.etag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
        if request.headers.get("if-none-match") == body.etag:
            return Response(status_code=304, headers=headers)
        if "gzip" in request.headers.get("accept-encoding", ""):
            return Response(body.gz, media_type="application/json", headers={**headers, "Content-Encoding": "gzip"})
        return Response(body.raw, media_type="application/json", headers=headers)

    @app.get("/api/facets", tags=["incidents"], summary="Filter values present in the store")
    def get_facets():
        with conn() as c:
            return Q.incident_facets(c)

    def _incident_id(c, ident: str) -> str:
        from eventwire.store import incidents as store

        return _unique(store.resolve_incident(c, ident), ident, "incident",
                       f"no incident {ident!r}; list them at /api/incidents")

    app.state.incident_id = _incident_id

    @app.get("/api/incidents/{incident_id}", tags=["incidents"], summary="One incident with its reports")
    def get_incident(incident_id: Annotated[str, PathParam(max_length=80)]):
        """The incident record; each report also has its article title, outlet affiliation and claim chain."""
        with conn() as c:
            return Q.get_incident(c, _incident_id(c, incident_id))

    def _correct(ident: str, make) -> dict:
        from eventwire.store import incidents as store

        with ingest._lock, conn() as c:
            iid = _incident_id(c, ident)
            corr = make(c, iid)
            cid = store.add_correction(c, corr)
            res = store.relink(c)
            c.commit()
            target = res.assignment.get(corr["event"]) if corr.get("event") else iid
            return {"correction": cid, "action": corr["action"], "incident": Q.get_incident(c, target)
                    if target else None, "skipped_corrections": len(res.skipped_corrections)}

    @app.post("/api/incidents/{incident_id}/merge", tags=["corrections"], summary="Merge another incident into this")
    def post_merge(incident_id: str, body: MergeBody):
        from eventwire.link.corrections import make_correction
        from eventwire.store import incidents as store

        def make(c, iid):
            other = _incident_id(c, body.other)
            if other == iid:
                raise Problem(422, "an incident cannot be merged with itself")
            return make_correction("merge", iid, other=other, anchors=store.incident_keys(c, iid),
                                   other_anchors=store.incident_keys(c, other), note=body.note, by=body.by or "api")
        return _correct(incident_id, make)

    @app.post("/api/incidents/{incident_id}/split", tags=["corrections"], summary="Take one report out")
    def post_split(incident_id: str, body: SplitBody):
        from eventwire.link.corrections import make_correction
        from eventwire.store import incidents as store

        def make(c, iid):
            keys = store.incident_keys(c, iid)
            art, _, ev = body.event.rpartition(":")
            hits = [k for k in keys if k == body.event or (art and k.startswith(art) and k.endswith(":" + ev))
                    or (not art and k.endswith(":" + ev))]
            if len(hits) != 1:
                raise Problem(422, f"{body.event!r} matches {len(hits)} reports of {iid}; its reports are: "
                                   + ", ".join(keys[:10]))
            if len(keys) == 1:
                raise Problem(422, f"{iid} has only one report; nothing to split")
            return make_correction("split", iid, event=hits[0], anchors=keys, note=body.note, by=body.by or "api")
        return _correct(incident_id, make)

    @app.post("/api/incidents/{incident_id}/grade", tags=["corrections"], summary="Set the grade by hand")
    def post_grade(incident_id: str, body: GradeBody):
        from eventwire.link.corrections import make_correction
        from eventwire.store import incidents as store

        if body.grade not in Q.GRADES:
            raise Problem(422, f"unknown grade {body.grade!r}; choose from {', '.join(Q.GRADES)}")

        def make(c, iid):
            return make_correction("grade", iid, grade=body.grade, anchors=store.incident_keys(c, iid),
                                   note=body.note, by=body.by or "api")
        return _correct(incident_id, make)

    # ------------------------------------------------------------ exports

    def _stream(chunks, fmt: str, name: str) -> StreamingResponse:
        return StreamingResponse(iter(chunks), media_type=exports.MEDIA[fmt],
                                 headers={"Content-Disposition": f'attachment; filename="{name}.{exports.SUFFIX[fmt]}"'})

    def _fmt(fmt: str) -> str:
        if fmt not in exports.FORMATS:
            raise Problem(404, f"unknown export format {fmt!r}; choose from {', '.join(exports.FORMATS)}")
        return fmt

    @app.get("/api/export/events.{fmt}", tags=["exports"], summary="Export events")
    def export_events(fmt: str, type: str | None = None, status: str | None = None, actor: str | None = None,
                      country: str | None = None, since: DateQ = None, until: DateQ = None,
                      bbox: Annotated[str | None, Query(description=BBOX_HELP)] = None, article: str | None = None,
                      limit: Annotated[int | None, Query(ge=1)] = None):
        """Events as `jsonl`, `csv` (ACLED-like columns), `geojson` or `plover` (PLOVER JSON lines)."""
        fmt = _fmt(fmt)
        f = event_filters(type, status, actor, country, since, until, bbox, article, limit, 0)
        with conn() as c:
            rows = list(Q.iter_events(c, f))
        return _stream(exports.export_events(rows, fmt), fmt, "events")

    @app.get("/api/export/incidents.{fmt}", tags=["exports"], summary="Export incidents")
    def export_incidents(fmt: str, grade: str | None = None, type: str | None = None, since: DateQ = None,
                         until: DateQ = None, bbox: Annotated[str | None, Query(description=BBOX_HELP)] = None,
                         actor: str | None = None, affiliation: str | None = None, article: str | None = None,
                         limit: Annotated[int | None, Query(ge=1)] = None):
        """Incidents as `jsonl` (eventwire/incident/1), `csv` (ACLED-like), `geojson` or `plover`."""
        fmt = _fmt(fmt)
        f = incident_filters(grade, type, since, until, bbox, actor, affiliation, article, limit, 0)
        with conn() as c:
            rows = Q.list_incidents(c, f)
        return _stream(exports.export_incidents(rows, fmt), fmt, "incidents")

    # ------------------------------------------------------------ schema of the JSON article input

    def openapi():
        if app.openapi_schema:
            return app.openapi_schema
        from fastapi.openapi.utils import get_openapi

        spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        spec.setdefault("components", {}).setdefault("schemas", {})["ArticleIn"] = {
            "type": "object", "required": ["text"], "properties": {
                "text": {"type": "string"}, "id": {"type": "string"},
                "published": {"type": "string", "description": "YYYY-MM-DD[THH:MM[:SS]]"},
                "title": {"type": "string"}, "url": {"type": "string"}, "outlet": {"type": "string"}}}
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]

    from eventwire.api.pages import add_pages

    add_pages(app)
    return app

