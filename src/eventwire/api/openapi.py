"""The OpenAPI document: the error answers each operation declares and the schemas FastAPI does not
write itself (the JSON article input, problem+json in place of FastAPI's validation error)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from eventwire.api import models
from eventwire.api.problems import PROBLEM_TYPE
from eventwire.services import formats


def problem_doc(what: str) -> dict:
    return {"description": what, "content": {PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


# every status an operation can answer, in the spec (the problem+json schema is added in `schema`)
GET_ERRORS: dict[int | str, dict] = {
    400: problem_doc("bad request: a Host header not in allowed_hosts"),
    404: problem_doc("not found"), 409: problem_doc("an id prefix matches several"),
    422: problem_doc("invalid or unknown parameter"), 500: problem_doc("internal error"),
}
EXPORT_OK: dict[int | str, dict] = {200: {"description": "the export, streamed", "content": {
    m: {"schema": {}} for m in dict.fromkeys(formats.MEDIA.values())}}}
WRITE_ERRORS: dict[int | str, dict] = {
    **GET_ERRORS, 401: problem_doc("a token is needed (the server listens beyond loopback)"),
    403: problem_doc("cross-site write refused"), 411: problem_doc("no Content-Length"),
    413: problem_doc("the body is larger than max_upload_bytes, or a text too long to analyse"),
    415: problem_doc("unsupported Content-Type"),
}
PROBLEM_SCHEMA = {
    "type": "object", "description": "application/problem+json (RFC 9457), also an eventwire/error/1 record",
    "required": ["type", "title", "status", "detail"], "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "instance": {"type": "string"}, "schema": {"type": "string"},
        "error": {"type": "string"}, "id": {"type": ["string", "null"]}}}


def schema(app: FastAPI) -> dict:
    """The app's OpenAPI document, built once (FastAPI's, with the additions above)."""
    if app.openapi_schema:
        return app.openapi_schema
    spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    spec.setdefault("components", {}).setdefault("schemas", {})["ArticleIn"] = models.ArticleIn.model_json_schema(
        mode="validation")
    spec["components"]["schemas"]["Problem"] = PROBLEM_SCHEMA
    for item in spec.get("paths", {}).values():
        for op in item.values():
            rs = op.setdefault("responses", {})
            if "422" in rs:  # FastAPI's own validation-error entry: ours is problem+json
                rs["422"] = problem_doc("invalid or unknown parameter")
    spec["components"]["schemas"].pop("HTTPValidationError", None)
    spec["components"]["schemas"].pop("ValidationError", None)
    app.openapi_schema = spec
    return spec
