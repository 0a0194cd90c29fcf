"""Errors as `application/problem+json` (RFC 9457) that also read as `eventwire/error/1` records.

Every API error has a real HTTP status, a short `title`, and a `detail` that says
what went wrong and what to do; `error` repeats the detail so a client that reads
error records (CONTRACT.md) finds its message in the usual place.
"""

from __future__ import annotations

from typing import Any

PROBLEM_TYPE = "application/problem+json"

TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
          405: "Method not allowed", 411: "Length required", 413: "Content too large",
          415: "Unsupported media type", 422: "Unprocessable content", 500: "Internal server error",
          503: "Service unavailable"}


class Problem(Exception):
    """An error the API reports to the client as problem+json."""

    def __init__(self, status: int, detail: str, *, title: str | None = None, **extra: Any):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title or TITLES.get(status, "Error")
        self.extra = extra

    def body(self, instance: str | None = None) -> dict:
        return problem_body(self.status, self.detail, title=self.title, instance=instance, **self.extra)


def problem_body(status: int, detail: str, *, title: str | None = None, instance: str | None = None,
                 **extra: Any) -> dict:
    out = {"type": "about:blank", "title": title or TITLES.get(status, "Error"), "status": status,
           "detail": detail, "schema": "eventwire/error/1", "id": None, "error": detail}
    if instance:
        out["instance"] = instance
    out.update(extra)
    return out


try:  # FastAPI keeps an included router whole in `app.routes`; this walks into it, as its OpenAPI does
    from fastapi.routing import iter_route_contexts as _flat_routes
except ImportError:  # older FastAPI copies the routes of an included router into the app's list
    def _flat_routes(routes: Any) -> Any:
        return routes


def allowed_methods(routes: Any, path: str) -> str:
    """The Allow header of a 405: every method a route serves at `path`. Starlette names only the
    methods of the first route whose path matched, but GET and POST on one path are two routes."""
    methods = {m for r in _flat_routes(routes) if getattr(r, "methods", None) and getattr(r, "path_regex", None)
               and r.path_regex.match(path) for m in r.methods}
    return ", ".join(sorted(methods))


def validation_detail(errors: list[dict], hints: dict[str, str] | None = None) -> str:
    """One sentence per invalid parameter, from FastAPI's validation errors (`hints`: what to say
    for a field whose value does not match its pattern, instead of the regular expression)."""
    parts = []
    for e in errors:
        loc = [str(x) for x in e.get("loc", ()) if x not in ("query", "body", "path", "header")]
        where = ".".join(loc) or "request"
        msg = e.get("msg", "invalid")
        if e.get("type") == "extra_forbidden":
            msg = "unknown parameter (see /docs)"
        elif e.get("type") == "string_too_short" and (e.get("ctx") or {}).get("min_length") == 1:
            msg = "is empty"
        elif e.get("type") == "string_pattern_mismatch" and hints and loc and loc[-1] in hints:
            msg = f"{hints[loc[-1]]} (got {str(e.get('input'))[:60]!r})"
        parts.append(f"{where}: {msg}")
    return "; ".join(parts) or "invalid request"
