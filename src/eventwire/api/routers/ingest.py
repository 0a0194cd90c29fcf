"""`POST /api/articles`: analyse and store articles sent as JSON, uploaded files or plain text."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from eventwire.api import ingest
from eventwire.api.dependencies import AppSettings, DateQ, Db, State
from eventwire.api.openapi import WRITE_ERRORS
from eventwire.api.problems import Problem

router = APIRouter()

SPACY_LIMIT = re.compile(r"\[E088\]|nlp\.max_length|exceeds maximum of", re.I)
BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"oneOf": [
        {"$ref": "#/components/schemas/ArticleIn"},
        {"type": "array", "minItems": 1, "description": "each item an ArticleIn; an item that is "
         "not gets an eventwire/error/1 record in its place", "items": {"type": "object"}}]}},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "file": {"type": "array", "items": {"type": "string", "format": "binary"},
                 "description": ".txt, .html or .jsonl files"},
        "text": {"type": "string", "description": "an article as plain text"}}}},
    "text/plain": {"schema": {"type": "string"}}}}}


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


@router.post("/api/articles", tags=["articles"], summary="Analyse and store articles",
             responses={**WRITE_ERRORS, 201: {"description": "at least one article was stored"}},
             openapi_extra=BODY)
async def post_articles(request: Request, state: State, db: Db, settings: AppSettings, published: DateQ = None,
                        link: Annotated[bool, Query(description="re-link incidents after storing")] = True):
    """Analyse articles and store them; an article already stored is returned as it is (idempotent).

    Send a JSON object `{"text": ..., "id"?, "published"?, "title"?, "url"?, "outlet"?}` or a list
    of them, one or more uploaded `.txt`/`.html`/`.jsonl` files (multipart field `file`), or plain
    text. The answer lists one `eventwire/document/1` per input item, in order, with an
    `eventwire/error/1` record in place of each item that could not be analysed. When no item
    could be analysed the answer is a 422 problem listing them.
    """
    uploads, pre_errors = await ingest.read_uploads(request, state.upload_limit)
    try:
        res = await run_in_threadpool(ingest.ingest, db, settings, uploads, published=published, link=link)
    except Problem:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever the analysis raises, the client gets a reason
        status, why = analysis_failure(exc)
        raise Problem(status, why) from None
    for item in res.items:
        if item and item.get("schema") == "eventwire/error/1" and item.get("error"):
            item["error"] = explain_error(item["error"])
    for i, err in pre_errors:  # invalid list items, in their places
        res.items.insert(i, err)
        res.failed += 1
    body = res.to_dict()
    if res.failed and not (res.stored or res.present):
        raise Problem(422, f"none of the {res.failed} input item(s) could be analysed: "
                           + "; ".join(i.get("error", "") for i in res.items[:5]), errors=res.items)
    return JSONResponse(body, status_code=201 if res.stored else 200)
