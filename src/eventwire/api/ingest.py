"""Articles in over HTTP: JSON bodies, uploaded files and pasted text, through the CLI's own path.

Each input is written to a private temporary folder under a name with its kind's
suffix and read by `eventwire.ingest.iter_articles` through the same
`analysed_items` loop as `eventwire ingest`, so a file behaves exactly as it does
on the command line (readers, size limit, language check, error messages).
New documents are stored, already stored ones are returned as they are
(idempotent), and the incidents are linked again when anything new arrived.
"""

from __future__ import annotations

import json
import re
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventwire.api.problems import Problem

SUFFIXES = {".txt": ".txt", ".text": ".txt", ".html": ".html", ".htm": ".html", ".jsonl": ".jsonl",
            ".ndjson": ".jsonl"}
_lock = threading.Lock()  # one analysis at a time: the pipeline and SQLite writes are shared


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
    from eventwire.link.incremental import link_articles, unlinked_articles
    from eventwire.store import repo
    from eventwire.store.dedup import CopyIndex

    copies, version = CopyIndex(), analysis_version(settings)

    res = IngestResult()
    with _lock, tempfile.TemporaryDirectory(prefix="eventwire-upload-") as tmp:
        names: dict[str, str] = {}
        paths = []
        for n, up in enumerate(uploads):
            p = Path(tmp) / (_safe(up.name, n) + up.suffix)
            p.write_bytes(up.data)
            names[str(p)] = up.name
            paths.append(str(p))

        def shown(value: Any) -> Any:
            """A temporary path in a message or source, as the name the client gave."""
            if not isinstance(value, str):
                return value
            for path, name in names.items():
                value = value.replace(path, name)
            return value.replace(tmp + "/", "")

        def stored_doc(text: str) -> dict | None:
            with engine.connect() as c:
                return repo.get_document_by_text(c, text)

        def known(art: Any) -> bool:
            with engine.connect() as c:
                return repo.is_known(c, art.text)

        for art, rec in analysed_items(tuple(paths), settings, published, skip=known):
            if rec is None:
                res.present += 1
                res.items.append(stored_doc(art.text))
                continue
            d = rec.to_dict()
            if d["schema"] == "eventwire/error/1":
                res.failed += 1
                for k in ("source", "error", "id"):
                    d[k] = shown(d.get(k))
                repo.write(engine, lambda c, d=d: repo.save_error(c, d))
                res.items.append(d)
                continue
            source = shown(getattr(art, "source", None))
            try:  # own write transaction, retried while busy; a refused value fails this item only
                outcome = repo.store(engine, d, copies=copies, raw=getattr(art, "raw", None), source=source,
                                     kind=getattr(art, "kind", None), analysis_version=version)
            except Exception as exc:  # noqa: BLE001 - becomes the item's error record
                what = str(exc) if isinstance(exc, repo.StoreRefused) else f"cannot store: {exc}"
                d = {"schema": "eventwire/error/1", "id": repo.storable(art.article_id),
                     "error": repo.storable(f"{source}: {what}"), "code": getattr(exc, "code", "store"),
                     "source": repo.storable(source)}
                res.failed += 1
                repo.write(engine, lambda c, d=d: repo.save_error(c, d))
                res.items.append(d)
                continue
            if outcome == repo.PRESENT:
                res.present += 1
                d = stored_doc(d["article"]["text"]) or d
            else:
                res.stored += 1
            res.items.append(d)
        if link and res.stored:  # incremental: only the new events' date and place window
            out = repo.write(engine, lambda c: link_articles(c, unlinked_articles(c)))
            res.linked = dict(getattr(out, "stats", {}) or {})
    return res
