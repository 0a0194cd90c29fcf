"""Analysed articles into the store, one item at a time: what `eventwire ingest` and
`POST /api/articles` (and the ingest page) both run, so a refused or failed write means the
same on the command line and over HTTP.

The callers keep their own loops over `batch.local.analysed_items` because they report
differently (a summary on stderr, one record per item in the answer).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from eventwire.store import repo
from eventwire.store.dedup import CopyIndex


def known(engine: Engine) -> Callable[[Any], bool]:
    """`skip` for `analysed_items`: whether an article's text is stored already (it is not analysed again)."""
    def is_known(art: Any) -> bool:
        with engine.connect() as conn:
            return repo.is_known(conn, art.text)
    return is_known


def store_item(engine: Engine, art: Any, doc: dict, *, copies: CopyIndex, version: str,
               source: str | None) -> str | dict:
    """Store one analysed document in its own write transaction (retried while the database is busy).

    Returns the store's outcome (`repo.STORED`, `repo.VERSION` or `repo.PRESENT`), or, when the
    store refuses a value or fails, the item's `eventwire/error/1` record (not saved yet: the
    caller reports it and saves it with `save_error`).
    """
    try:
        return repo.store(engine, doc, copies=copies, raw=getattr(art, "raw", None), source=source,
                          kind=getattr(art, "kind", None), analysis_version=version)
    except Exception as exc:  # noqa: BLE001 - one article's storage failure is its error record
        what = str(exc) if isinstance(exc, repo.StoreRefused) else f"cannot store: {exc}"
        return {"schema": "eventwire/error/1", "id": repo.storable(art.article_id),
                "error": repo.storable(f"{source}: {what}"), "code": getattr(exc, "code", "store"),
                "source": repo.storable(source)}


def save_error(engine: Engine, record: dict) -> None:
    """Keep an item's error record in the ingest_errors table (its own write transaction)."""
    repo.write(engine, lambda conn: repo.save_error(conn, record))
