"""Every error as application/problem+json (an HTML error page for a browser asking for a page)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from eventwire.api import models
from eventwire.api.dependencies import problem
from eventwire.api.pages import error_page
from eventwire.api.problems import PROBLEM_TYPE, Problem, allowed_methods, problem_body, validation_detail
from eventwire.services.errors import ServiceError


def wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api") and "text/html" in request.headers.get("accept", "")


def problem_response(request: Request, status: int, detail: str, **extra: Any) -> Response:
    """The error as problem+json, or as the error page when a browser asked for a page."""
    if wants_html(request):
        return error_page(request, status, detail)
    body = problem_body(status, detail, instance=request.url.path, **extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_TYPE)


async def on_problem(request: Request, exc: Problem) -> Response:
    """The problem with its own title (e.g. "Ambiguous id" on a 409), not only its status's."""
    return problem_response(request, exc.status, exc.detail, title=exc.title, **exc.extra)


async def on_refused(request: Request, exc: ServiceError) -> Response:
    """What a service refused (no such id, an ambiguous prefix, a correction not allowed), in the API's words."""
    return await on_problem(request, problem(exc))


async def on_invalid(request: Request, exc: RequestValidationError) -> Response:
    return problem_response(request, 422, validation_detail(list(exc.errors()), models.HINTS))


async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
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


async def on_crash(request: Request, exc: Exception) -> Response:
    return problem_response(request, 500, f"internal error ({type(exc).__name__}); the server log has details")


def add_handlers(app: FastAPI) -> None:
    """Register the handlers above on `app`."""
    app.add_exception_handler(Problem, on_problem)  # type: ignore[arg-type]
    app.add_exception_handler(ServiceError, on_refused)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, on_invalid)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, on_http)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, on_crash)
