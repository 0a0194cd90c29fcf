"""Articles in over HTTP: JSON bodies, uploaded files and pasted text, through the CLI's own path.

Each input is written to a private temporary folder under a name with its kind's
suffix and read by `eventwire.ingest.iter_articles` through the same
`analysed_items` loop as `eventwire ingest`, so a file behaves exactly as it does
on the command line (readers, size limit, language check, error messages).
New documents are stored, already stored ones are returned as they are
(idempotent), and the incidents are linked again when anything new arrived.

Requests run side by side, with no lock in this process: each item is stored in its
own write transaction (`repo.write`: SQLite in WAL mode takes its write lock when the
transaction begins and waits out a busy writer; the article's fingerprint is its identity,
so the same article sent twice at once is stored once), and the link step serialises
itself in the database (`repo.lock_links`), so it also holds between processes.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request

from eventwire.api import models
from eventwire.api.problems import Problem, validation_detail
from eventwire.services import ingest as ingest_service
from eventwire.services import link as link_service

SUFFIXES = {".txt": ".txt", ".text": ".txt", ".html": ".html", ".htm": ".html", ".jsonl": ".jsonl",
            ".ndjson": ".jsonl"}


@dataclass
class Upload:
    """One input as received: a display name, its bytes and the reader suffix it is read with."""

    name: str
    data: bytes
    suffix: str


@dataclass
class IngestResult:
    items: list[dict] = field(default_factory=list)
    stored: int = 0
    present: int = 0
    failed: int = 0
    linked: dict | None = None

    def to_dict(self) -> dict:
        return {"items": self.items, "stored": self.stored, "present": self.present, "failed": self.failed,
                "linked": self.linked}


def upload_for_file(name: str, data: bytes, limit: int) -> Upload:
    """An uploaded file, checked for size and kind before anything is decoded."""
    if len(data) > limit:
        raise Problem(413, f"{name}: {len(data):,} bytes is more than the {limit:,}-byte upload limit; "
                           "split the file or raise max_upload_bytes (EVENTWIRE_MAX_UPLOAD_BYTES)")
    suffix = SUFFIXES.get(Path(name).suffix.lower())
    if suffix is None:
        raise Problem(415, f"{name}: unsupported file type; upload a .txt, .html or .jsonl file")
    return Upload(name, data, suffix)


def upload_for_json(body: Any) -> Upload:
    """A JSON body (one object or a list of objects) as JSON lines, so each item is checked alone."""
    items = body if isinstance(body, list) else [body]
    if not items:
        raise Problem(422, "the JSON body is an empty list; send {\"text\": \"...\"} or a list of them")
    lines = "".join(json.dumps(it, ensure_ascii=False) + "\n" for it in items)
    return Upload("body", lines.encode("utf-8"), ".jsonl")


def upload_for_text(text: str, limit: int) -> Upload:
    data = text.encode("utf-8")
    if len(data) > limit:
        raise Problem(413, f"the pasted text is {len(data):,} bytes, more than the {limit:,}-byte limit")
    return Upload("pasted text", data, ".txt")


def _safe(name: str, n: int) -> str:
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(name).stem)[:60] or "input"
    return f"{n:03d}-{stem}"


def ingest(engine: Any, settings: Any, uploads: list[Upload], *, published: str | None = None,
           link: bool = True) -> IngestResult:
    """Analyse, store and (when something is new) re-link; one record per input item, in order."""
    from eventwire.analysis.pipeline import analysis_version
    from eventwire.batch.local import analysed_items
    from eventwire.store import repo
    from eventwire.store.dedup import CopyIndex

    copies, version = CopyIndex(), analysis_version(settings)
    res = IngestResult()
    with tempfile.TemporaryDirectory(prefix="eventwire-upload-") as tmp:
        names = _write_uploads(uploads, tmp)
        for art, rec in analysed_items(tuple(names), settings, published, skip=ingest_service.known(engine)):
            if rec is None:
                res.present += 1
                res.items.append(_stored_doc(engine, art.text))
                continue
            d = rec.to_dict()
            if d["schema"] == "eventwire/error/1":
                for k in ("source", "error", "id"):
                    d[k] = _shown(d.get(k), names, tmp)
                _failed(res, engine, d)
                continue
            outcome = ingest_service.store_item(engine, art, d, copies=copies, version=version,
                                                source=_shown(getattr(art, "source", None), names, tmp))
            if isinstance(outcome, dict):  # refused or failed: the item's error record
                _failed(res, engine, outcome)
            elif outcome == repo.PRESENT:
                res.present += 1
                res.items.append(_stored_doc(engine, d["article"]["text"]) or d)
            else:
                res.stored += 1
                res.items.append(d)
        if link and res.stored:  # incremental: only the new events' date and place window
            res.linked = dict(link_service.link_new(engine).stats)
    return res


def _write_uploads(uploads: list[Upload], folder: str) -> dict[str, str]:
    """Each upload as a file in `folder` named for its reader; {path: the name the client gave}."""
    names: dict[str, str] = {}
    for n, up in enumerate(uploads):
        p = Path(folder) / (_safe(up.name, n) + up.suffix)
        p.write_bytes(up.data)
        names[str(p)] = up.name
    return names


def _shown(value: Any, names: dict[str, str], folder: str) -> Any:
    """A temporary path in a message or source, as the name the client gave."""
    if not isinstance(value, str):
        return value
    for path, name in names.items():
        value = value.replace(path, name)
    return value.replace(folder + "/", "")


def _stored_doc(engine: Any, text: str) -> dict | None:
    from eventwire.store import repo

    with engine.connect() as c:
        return repo.get_document_by_text(c, text)


def _failed(res: IngestResult, engine: Any, record: dict) -> None:
    """Count, save and answer an item's error record."""
    res.failed += 1
    ingest_service.save_error(engine, record)
    res.items.append(record)


async def read_uploads(request: Request, limit: int) -> tuple[list[Upload], list[tuple[int, dict]]]:
    """The inputs of a request (JSON, multipart files or text, plain text) and, for a JSON list, the
    error records of its invalid items with their places (the valid ones go on)."""
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
        good, errors = checked_json(body)
        return [upload_for_json(good)], errors
    if ctype == "multipart/form-data":
        return await _form_uploads(request, limit), []
    if ctype in ("text/plain", ""):
        raw = await request.body()
        if not raw.strip():
            raise Problem(422, "the body is empty; send the article text")
        return [Upload("body", raw, ".txt")], []
    raise Problem(415, f"unsupported Content-Type {ctype!r}; send application/json, "
                       "multipart/form-data or text/plain")


async def _form_uploads(request: Request, limit: int) -> list[Upload]:
    form = await request.form(max_part_size=limit + 1)
    ups: list[Upload] = []
    for key, value in form.multi_items():
        if isinstance(value, UploadFile) and key == "file":
            if not value.filename:
                continue
            data = await value.read(limit + 1)
            ups.append(upload_for_file(value.filename, data, limit))
        elif key == "text" and isinstance(value, str) and value.strip():
            ups.append(upload_for_text(value, limit))
    if not ups:
        raise Problem(422, "nothing to analyse: attach a .txt, .html or .jsonl file (field 'file') "
                           "or give a 'text' field")
    return ups


def checked_json(body: Any) -> tuple[Any, list[tuple[int, dict]]]:
    """One object must be a valid ArticleIn (else 422); in a list, an invalid item gets an error record
    for its place (returned with the valid items) and the others go on."""
    from pydantic import ValidationError

    def why(exc: ValidationError) -> str:
        return validation_detail([{**e, "loc": tuple(f"'{x}'" if isinstance(x, str) else x for x in e["loc"])}
                                  for e in exc.errors()], models.HINTS)

    if not isinstance(body, list):
        try:
            return models.ArticleIn.model_validate(body).model_dump(exclude_none=True), []
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
    if not good:
        raise Problem(422, "none of the items is a valid article: "
                           + "; ".join(e["error"] for _, e in errors[:5]), errors=[e for _, e in errors])
    return good, errors
