"""The checks every request passes before any route runs, and the headers every response carries.

This stays middleware (not a route dependency) because it must also cover what no route
handles (static files, unknown paths, a 405) and answer 411/413 before a body is read.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from eventwire.api import security
from eventwire.api.dependencies import ApiState
from eventwire.api.errors import problem_response


def refusal(request: Request, state: ApiState) -> Response | None:
    """The answer for a request that may not go on (bad Host, body size, cross-site or token), else None."""
    host = request.headers.get("host")
    if not security.host_allowed(host, state.allowed_hosts):
        # DNS rebinding: a page on another site whose name now points here cannot read or write
        return problem_response(request, 400, f"Host {security.shown(host)!r} is not served here; allowed: "
                                              + ", ".join(sorted(state.allowed_hosts))
                                              + " (setting allowed_hosts, EVENTWIRE_ALLOWED_HOSTS)")
    if request.method not in security.WRITE_METHODS:
        return None
    length, limit = request.headers.get("content-length"), state.upload_limit
    if length is None and request.headers.get("transfer-encoding"):
        return problem_response(request, 411, "send a Content-Length header with the request body")
    if length is not None and (not length.isdigit() or int(length) > limit):
        return problem_response(
            request, 413, f"the request body is {int(length):,} bytes, more than the {limit:,}-byte upload "
                          "limit; split the input or raise max_upload_bytes (EVENTWIRE_MAX_UPLOAD_BYTES)"
            if length.isdigit() else "invalid Content-Length")
    if security.cross_origin(request.headers.get("origin"), request.headers.get("host")):
        return problem_response(request, 403, "cross-site write refused: post from this server's own pages "
                                              "or without an Origin header")
    if state.require_token and not authorised(request, state):
        resp = problem_response(
            request, 401, "this server listens beyond localhost, so writes need a token: send "
                          "'Authorization: Bearer <EVENTWIRE_TOKEN>'"
            + ("" if state.token else " (the server has no EVENTWIRE_TOKEN set: writes are disabled)"))
        resp.headers["WWW-Authenticate"] = "Bearer"
        return resp
    return None


def authorised(request: Request, state: ApiState) -> bool:
    """Whether a write carries a valid token; its name becomes `request.state.token_name` (the author)."""
    if request.url.path == "/ingest" and request.headers.get("authorization") is None:
        return True  # the ingest form carries its token in a field: checked by pages.ingest_post
    name = state.token_name(security.bearer(request.headers.get("authorization")))
    request.state.token_name = name
    return name is not None


async def guard(request: Request, call_next) -> Response:
    """Refuse what `refusal` refuses, else run the request; add the security headers either way."""
    state: ApiState = request.app.state.api
    resp = refusal(request, state)
    if resp is None:
        resp = await _next(request, call_next)
    resp.headers.setdefault("Content-Security-Policy", state.policy)
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
