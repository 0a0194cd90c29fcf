"""The FastAPI application: REST API under /api, pages at /, vendored assets under /static.

Every read goes through `eventwire.store.queries` (the CLI calls the same
functions); writes go through `eventwire.api.ingest` (the CLI's ingest loop) and
the incident repository's correction functions. Errors are problem+json.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import AfterValidator
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from eventwire import __version__
from eventwire.api import exports, ingest, models, security
from eventwire.api.mapcache import MapCache
from eventwire.api.problems import PROBLEM_TYPE, Problem, allowed_methods, problem_body, validation_detail
from eventwire.services import export as export_service
from eventwire.store import queries as Q

WEB = Path(__file__).resolve().parent.parent / "web"
BBOX_HELP = models.BBOX_HELP
DATE = r"^\d{4}-\d{2}-\d{2}$"
DateQ = Annotated[str | None, Query(pattern=DATE, description="YYYY-MM-DD, inclusive"),
                  AfterValidator(models._real_day)]
ArticleId = Annotated[str, PathParam(min_length=1, max_length=200)]
IncidentId = Annotated[str, PathParam(min_length=1, max_length=80)]
ExportFormat = Literal["jsonl", "csv", "geojson", "plover"]


def _problem_doc(what: str) -> dict:
    return {"description": what, "content": {PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


# every status an operation can answer, in the spec (the problem+json schema is added in `openapi`)
GET_ERRORS: dict[int | str, dict] = {
    400: _problem_doc("bad request: a Host header not in allowed_hosts"),
    404: _problem_doc("not found"), 409: _problem_doc("an id prefix matches several"),
    422: _problem_doc("invalid or unknown parameter"), 500: _problem_doc("internal error"),
}
EXPORT_OK: dict[int | str, dict] = {200: {"description": "the export, streamed", "content": {
    m: {"schema": {}} for m in dict.fromkeys(exports.MEDIA.values())}}}
WRITE_ERRORS: dict[int | str, dict] = {
    **GET_ERRORS, 401: _problem_doc("a token is needed (the server listens beyond loopback)"),
    403: _problem_doc("cross-site write refused"), 411: _problem_doc("no Content-Length"),
    413: _problem_doc("the body is larger than max_upload_bytes, or a text too long to analyse"),
    415: _problem_doc("unsupported Content-Type"),
}


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


SPACY_LIMIT = re.compile(r"\[E088\]|nlp\.max_length|exceeds maximum of", re.I)


def explain_error(message: str) -> str:
    """spaCy's raw length error as a sentence a client can act on; other messages unchanged."""
    if not SPACY_LIMIT.search(message or ""):
        return message
    n = re.search(r"length (\d+)", message)
    size = f" ({int(n.group(1)):,} characters)" if n else ""
    return (f"the text is too long to analyse in one piece{size}: the language pipeline takes at most "
            "1,000,000 characters per article. Split it into articles (e.g. one per story or chapter) and send "
            "them as a JSON list or a .jsonl file")


def analysis_failure(exc: Exception) -> tuple[int, str]:
    """The status and sentence for an exception the analysis raised for a whole request."""
    msg = str(exc)
    if SPACY_LIMIT.search(msg):
        return 413, explain_error(msg)
    if isinstance(exc, MemoryError):
        return 413, "the input is too large to analyse in memory; split it into smaller articles"
    return 500, (f"the analysis failed ({type(exc).__name__}: {msg[:300]}); items before the failing one were "
                 "stored, the rest were not. The server log has details")


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
    app.state.settings = settings
    app.state.engine = engine
    app.state.require_token = require_token
    app.state.token = token
    app.state.tokens = security.named_tokens(token)
    app.state.allowed_hosts = security.allowed_hosts(getattr(settings, "allowed_hosts", None))
    Q.ensure_search_indexes(engine)
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
        host = request.headers.get("host")
        if not security.host_allowed(host, app.state.allowed_hosts):
            # DNS rebinding: a page on another site whose name now points here cannot read or write
            resp = problem_response(request, 400, f"Host {security.shown(host)!r} is not served here; allowed: "
                                                  + ", ".join(sorted(app.state.allowed_hosts))
                                                  + " (setting allowed_hosts, EVENTWIRE_ALLOWED_HOSTS)")
        elif request.method in security.WRITE_METHODS:
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
        name = security.token_name(app.state.tokens, security.bearer(request.headers.get("authorization")))
        request.state.token_name = name
        return name is not None

    app.state.authorised_token = lambda given: security.token_name(app.state.tokens, given) is not None

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem):
        return problem_response(request, exc.status, exc.detail, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        return problem_response(request, 422, validation_detail(list(exc.errors()), models.HINTS))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no such page or endpoint: {request.url.path}; the API is listed at /docs"
        if exc.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}; see /docs"
        resp = problem_response(request, exc.status_code, detail)
        for k, v in (exc.headers or {}).items():  # Allow on a 405
            resp.headers[k] = v
        if exc.status_code == 405:
            resp.headers["Allow"] = allowed_methods(request.app.routes, request.url.path) or resp.headers.get("Allow", "")
        return resp

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
              responses={**WRITE_ERRORS, 201: {"description": "at least one article was stored"}},
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/json": {"schema": {"oneOf": [
                      {"$ref": "#/components/schemas/ArticleIn"},
                      {"type": "array", "minItems": 1, "description": "each item an ArticleIn; an item that is "
                       "not gets an eventwire/error/1 record in its place", "items": {"type": "object"}}]}},
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
        try:
            res = await run_in_threadpool(ingest.ingest, engine, settings, uploads, published=published, link=link)
        except Problem:
            raise
        except Exception as exc:  # noqa: BLE001 - whatever the analysis raises, the client gets a reason
            status, why = analysis_failure(exc)
            raise Problem(status, why) from None
        for item in res.items:
            if item and item.get("schema") == "eventwire/error/1" and item.get("error"):
                item["error"] = explain_error(item["error"])
        for i, err in getattr(request.state, "pre_errors", []):  # invalid list items, in their places
            res.items.insert(i, err)
            res.failed += 1
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
            return [ingest.upload_for_json(_checked_json(request, body))]
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

    def _checked_json(request: Request, body: Any) -> Any:
        """One object must be a valid ArticleIn (else 422); in a list, an invalid item gets an error record
        in its place (`request.state.pre_errors`) and the others go on."""
        from pydantic import ValidationError

        def why(exc: ValidationError) -> str:
            return validation_detail([{**e, "loc": tuple(f"'{x}'" if isinstance(x, str) else x for x in e["loc"])}
                                      for e in exc.errors()], models.HINTS)

        if not isinstance(body, list):
            try:
                return models.ArticleIn.model_validate(body).model_dump(exclude_none=True)
            except ValidationError as exc:
                raise Problem(422, "the article is not valid: " + why(exc)) from None
        good, errors = [], []
        for i, item in enumerate(body):
            try:
                good.append(models.ArticleIn.model_validate(item).model_dump(exclude_none=True))
            except ValidationError as exc:
                ident = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else None
                errors.append((i, {"schema": "eventwire/error/1", "id": ident, "source": f"body item {i + 1}",
                                   "code": "input", "error": f"item {i + 1}: {why(exc)}"}))
        request.state.pre_errors = errors
        if not good:
            raise Problem(422, "none of the items is a valid article: "
                               + "; ".join(e["error"] for _, e in errors[:5]), errors=[e for _, e in errors])
        return good

    app.state.read_uploads = _uploads

    @app.get("/api/articles", tags=["articles"], summary="Search stored articles", responses=GET_ERRORS)
    def get_articles(m: Annotated[models.ArticleQuery, Query()]):
        """Stored articles, newest publication first, with their item counts (paginated)."""
        with conn() as c:
            return page(Q.search_articles(c, q=m.q, outlet=m.outlet, since=m.since, until=m.until, limit=m.limit,
                                          offset=m.offset), m.limit, m.offset)

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

    @app.get("/api/articles/{article_id}", tags=["articles"], summary="One document (eventwire/document/1)",
             responses=GET_ERRORS)
    def get_article(article_id: ArticleId):
        """The stored `eventwire/document/1` record, exactly as `eventwire extract` printed it."""
        with conn() as c:
            return Q.get_document(c, _article_id(c, article_id))

    @app.delete("/api/articles/{article_id}", tags=["articles"], summary="Delete an article and re-link",
                responses=WRITE_ERRORS)
    def delete_article(article_id: ArticleId):
        """Delete a stored article with its places, actors, claims, events and framing; its reports leave
        their incidents, which are re-linked from the reports left (an incident it alone reported goes)."""
        from eventwire.store import incidents as store

        with ingest._lock, conn() as c:
            aid = _article_id(c, article_id)
            Q.delete_article(c, aid)
            res = store.relink(c)
            c.commit()
        return {"deleted": aid, "linked": dict(getattr(res, "stats", {}) or {})}

    @app.get("/api/articles/{article_id}/incidents", tags=["articles"], summary="Incidents an article feeds",
             responses=GET_ERRORS)
    def get_article_incidents(article_id: ArticleId):
        """Each incident the article's events feed, once, with the article's events in it."""
        with conn() as c:
            return {"items": Q.article_incident_list(c, _article_id(c, article_id))}

    # ------------------------------------------------------------ events

    def event_filters(m: models.EventFilterQuery, limit: int | None, offset: int) -> Q.EventFilters:
        bbox_of(m.bbox)  # a malformed box is a 422 problem
        return export_service.event_filters(m, limit, offset)

    @app.get("/api/events", tags=["events"], summary="Search events", responses=GET_ERRORS)
    def get_events(m: Annotated[models.EventQuery, Query()]):
        """Events newest first, each with its article, outlet, place and resolved actors (paginated)."""
        with conn() as c:
            return JSONResponse(page(Q.list_events(c, event_filters(m, m.limit, m.offset)), m.limit, m.offset))

    # ------------------------------------------------------------ incidents

    def incident_filters(m: models.IncidentFilterQuery, limit: int | None = None, offset: int = 0,
                         sort: str = "date", order: str = "desc") -> Q.IncidentFilters:
        bbox_of(m.bbox)  # a malformed box is a 422 problem
        return export_service.incident_filters(m, limit, offset, sort, order)

    app.state.incident_filters = incident_filters

    @app.get("/api/incidents", tags=["incidents"], summary="Search incidents", responses=GET_ERRORS)
    def get_incidents(m: Annotated[models.IncidentQuery, Query()]):
        """Incident records (`eventwire/incident/1`), sorted (newest first by default) and paginated, with
        the `total` that match (counted up to 10,000, so a page costs the same at any size: beyond,
        `total_exact` is false); `brief` gives the flat fields of the incidents table and the map."""
        f = incident_filters(m, m.limit, m.offset, m.sort, m.order)
        with conn() as c:
            body = page(Q.list_incidents(c, f, brief=m.brief), m.limit, m.offset)
            body["total"], body["total_exact"] = Q.incident_total(c, f)
            return JSONResponse(body)

    map_cache = app.state.map_cache = MapCache(engine)

    @app.get("/api/map", tags=["incidents"], summary="Incidents as compact marker arrays (the map)",
             responses={**GET_ERRORS, 304: {"description": "not modified (If-None-Match matched the ETag)"}})
    def get_map(request: Request, m: Annotated[models.IncidentFilterQuery, Query()]):
        """Every matching incident (same filters as `/api/incidents`, newest first) as parallel arrays
        `id`, `lat`, `lon`, `grade`, `type`, `mode`, `date`, `end_date`, `killed` (highest toll), `place`
        (name), `reports`, `origins`; `grade`/`type`/`mode` are indexes into `grades`/`types`/`modes`.
        Cached per filter set until the store changes; gzip when the client accepts it; ETag."""
        body = map_cache.get(incident_filters(m))
        headers = {"ETag": body.etag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
        if request.headers.get("if-none-match") == body.etag:
            return Response(status_code=304, headers=headers)
        if "gzip" in request.headers.get("accept-encoding", ""):
            return Response(body.gz, media_type="application/json", headers={**headers, "Content-Encoding": "gzip"})
        return Response(body.raw, media_type="application/json", headers=headers)

    @app.get("/api/facets", tags=["incidents"], summary="Filter values present in the store", responses=GET_ERRORS)
    def get_facets():
        with conn() as c:
            return Q.incident_facets(c)

    def _incident_id(c, ident: str) -> str:
        from eventwire.store import incidents as store

        return _unique(store.resolve_incident(c, ident), ident, "incident",
                       f"no incident {ident!r}; list them at /api/incidents")

    app.state.incident_id = _incident_id

    @app.get("/api/incidents/{incident_id}", tags=["incidents"], summary="One incident with its reports",
             responses=GET_ERRORS)
    def get_incident(incident_id: IncidentId):
        """The incident record; each report also has its article title, outlet affiliation and claim chain."""
        with conn() as c:
            return Q.get_incident(c, _incident_id(c, incident_id))

    # ------------------------------------------------------------ corrections

    def author(request: Request, body: models.CorrectionBody) -> str:
        """Who makes a write: the name of the token used when tokens are required (beyond loopback),
        else the `by` the client gives (default "local")."""
        named = getattr(request.state, "token_name", None)
        return named or (body.by or "").strip() or "local"

    def _correct(ident: str, make) -> dict:
        from eventwire.store import incidents as store

        with ingest._lock, conn() as c:
            iid = _incident_id(c, ident)
            corr = make(c, iid)
            cid = store.add_correction(c, corr)
            res = store.relink(c)
            c.commit()
            target = res.assignment.get(corr["event"]) if corr.get("event") else iid
            return {"correction": cid, "action": corr["action"], "by": corr["by"],
                    "incident": Q.get_incident(c, target) if target else None,
                    "skipped_corrections": len(res.skipped_corrections)}

    @app.post("/api/incidents/{incident_id}/merge", tags=["corrections"], summary="Merge another incident into this",
              responses=WRITE_ERRORS)
    def post_merge(request: Request, incident_id: IncidentId, body: models.MergeBody):
        """Merge `other` into this incident (kept across re-links); `note` says why."""
        from eventwire.link.corrections import make_correction
        from eventwire.store import incidents as store

        def make(c, iid):
            other = _incident_id(c, body.other)
            if other == iid:
                raise Problem(422, "an incident cannot be merged with itself")
            return make_correction("merge", iid, other=other, anchors=store.incident_keys(c, iid),
                                   other_anchors=store.incident_keys(c, other), note=body.note,
                                   by=author(request, body))
        return _correct(incident_id, make)

    @app.post("/api/incidents/{incident_id}/split", tags=["corrections"], summary="Take one report out",
              responses=WRITE_ERRORS)
    def post_split(request: Request, incident_id: IncidentId, body: models.SplitBody):
        """Take one report (`<article>:<event>`) out of the incident into an incident of its own."""
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
            return make_correction("split", iid, event=hits[0], anchors=keys, note=body.note,
                                   by=author(request, body))
        return _correct(incident_id, make)

    @app.post("/api/incidents/{incident_id}/grade", tags=["corrections"], summary="Set the grade by hand",
              responses=WRITE_ERRORS)
    def post_grade(request: Request, incident_id: IncidentId, body: models.GradeBody):
        """Regrade the incident by hand; `discounted` sets it aside (with a `note` saying why)."""
        from eventwire.link.corrections import make_correction
        from eventwire.store import incidents as store

        def make(c, iid):
            return make_correction("grade", iid, grade=body.grade, anchors=store.incident_keys(c, iid),
                                   note=body.note, by=author(request, body))
        return _correct(incident_id, make)

    @app.get("/api/corrections", tags=["corrections"], summary="The corrections history", responses=GET_ERRORS)
    def get_corrections(m: Annotated[models.CorrectionsQuery, Query()]):
        """Every correction, newest first, with who, when and why, and whether (and by whom) it was undone."""
        from eventwire.store import incidents as store

        with conn() as c:
            rows = store.list_corrections(c, include_undone=True)
        if m.incident:
            rows = [r for r in rows if m.incident in (r.get("incident"), r.get("other"))]
        rows.reverse()
        body = page(rows[m.offset:m.offset + m.limit], m.limit, m.offset)
        body["total"] = len(rows)
        return body

    @app.post("/api/corrections/{correction_id}/undo", tags=["corrections"], summary="Undo a correction",
              responses=WRITE_ERRORS)
    def post_undo(request: Request, correction_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)],
                  body: models.UndoBody | None = None):
        """Undo a correction: it stays in the history, marked undone, and the incidents are re-linked
        without it."""
        from eventwire.store import incidents as store

        body = body or models.UndoBody()
        with ingest._lock, conn() as c:
            known = {r["id"]: r for r in store.list_corrections(c, include_undone=True)}
            if correction_id not in known:
                raise Problem(404, f"no correction {correction_id}; list them at /api/corrections")
            if known[correction_id].get("undone_at"):
                raise Problem(409, f"correction {correction_id} was undone already", title="Conflict")
            store.undo_correction(c, correction_id, author(request, body))
            res = store.relink(c)
            c.commit()
            return {"undone": correction_id, "by": author(request, body),
                    "skipped_corrections": len(res.skipped_corrections)}

    # ------------------------------------------------------------ lists

    @app.get("/api/outlets", tags=["lists"], summary="Outlets with counts", responses=GET_ERRORS)
    def get_outlets(m: Annotated[models.ListQuery, Query()]):
        """Outlets of the stored articles with their article, event and incident-report counts."""
        with conn() as c:
            res = Q.list_outlets(c, q=m.q, limit=m.limit, offset=m.offset)
        return {**page(res["items"], m.limit, m.offset), "total": res["total"]}

    @app.get("/api/actors", tags=["lists"], summary="Actors with counts", responses=GET_ERRORS)
    def get_actors(m: Annotated[models.ListQuery, Query()]):
        """Actors as the analysis names them (entity id, else name) with mention and article counts."""
        with conn() as c:
            res = Q.list_actors(c, q=m.q, limit=m.limit, offset=m.offset)
        return {**page(res["items"], m.limit, m.offset), "total": res["total"]}

    @app.get("/api/places/labels", tags=["lists"], summary="Gazetteer place labels for a map view",
             responses=GET_ERRORS)
    def get_labels(m: Annotated[models.LabelsQuery, Query()]):
        """The most populous gazetteer places inside a box (the map's place labels when zoomed in)."""
        from eventwire.api.labels import labels

        box = bbox_of(m.bbox)
        return {"items": labels(settings, box, m.limit) if box else []}

    # ------------------------------------------------------------ exports

    def _stream(chunks, fmt: str, name: str) -> StreamingResponse:
        return StreamingResponse(iter(chunks), media_type=exports.MEDIA[fmt],
                                 headers={"Content-Disposition": f'attachment; filename="{name}.{exports.SUFFIX[fmt]}"'})

    @app.get("/api/export/events.{fmt}", tags=["exports"], summary="Export events",
             responses={**GET_ERRORS, **EXPORT_OK})
    def export_events(fmt: ExportFormat, m: Annotated[models.EventExportQuery, Query()]):
        """Events as `jsonl`, `csv` (ACLED-like columns), `geojson` or `plover` (PLOVER JSON lines);
        the same filters as `/api/events`."""
        bbox_of(m.bbox)
        with conn() as c:
            chunks = export_service.export_events(c, m, fmt)
        return _stream(chunks, fmt, "events")

    @app.get("/api/export/incidents.{fmt}", tags=["exports"], summary="Export incidents",
             responses={**GET_ERRORS, **EXPORT_OK})
    def export_incidents(fmt: ExportFormat, m: Annotated[models.IncidentExportQuery, Query()]):
        """Incidents as `jsonl` (eventwire/incident/1), `csv` (ACLED-like), `geojson` or `plover`; the same
        filters and sorts as `/api/incidents` and the incidents table."""
        bbox_of(m.bbox)
        with conn() as c:
            chunks = export_service.export_incidents(c, m, fmt)
        return _stream(chunks, fmt, "incidents")

    # ------------------------------------------------------------ schema of the JSON article input

    def openapi():
        if app.openapi_schema:
            return app.openapi_schema
        from fastapi.openapi.utils import get_openapi

        spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        spec.setdefault("components", {}).setdefault("schemas", {})["ArticleIn"] = models.ArticleIn.model_json_schema(
            mode="validation")
        spec["components"]["schemas"]["Problem"] = {
            "type": "object", "description": "application/problem+json (RFC 9457), also an eventwire/error/1 record",
            "required": ["type", "title", "status", "detail"], "properties": {
                "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                "detail": {"type": "string"}, "instance": {"type": "string"}, "schema": {"type": "string"},
                "error": {"type": "string"}, "id": {"type": ["string", "null"]}}}
        for item in spec.get("paths", {}).values():
            for op in item.values():
                rs = op.setdefault("responses", {})
                if "422" in rs:  # FastAPI's own validation-error entry: ours is problem+json
                    rs["422"] = _problem_doc("invalid or unknown parameter")
        spec["components"]["schemas"].pop("HTTPValidationError", None)
        spec["components"]["schemas"].pop("ValidationError", None)
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]

    from eventwire.api.pages import add_pages

    add_pages(app)
    return app

