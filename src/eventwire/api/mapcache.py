"""The map's marker data, serialised and gzipped once per filter set and store version.

The map page asks for every incident that matches its filters (10,000 and more):
reading and encoding them takes ~100 ms, so the finished bodies (plain and gzip)
are kept for the few most recent filter sets. A cached body is reused only while
the store is unchanged: for a SQLite file the version is the size and mtime of the
database and its WAL (any commit by any process changes them); elsewhere it is the
incident count and the newest `linked_at`, read in SQL.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import threading
from collections import OrderedDict
from dataclasses import astuple, dataclass
from typing import Any

from sqlalchemy import Engine, func, select

from eventwire.store import queries as Q


@dataclass(frozen=True)
class Body:
    """One encoded answer: the JSON bytes, their gzip, and an ETag naming both."""

    raw: bytes
    gz: bytes
    etag: str


def store_version(engine: Engine, conn: Any) -> tuple:
    """Something that changes whenever the incidents may have changed (cheap to read)."""
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if path and path != ":memory:" and os.path.exists(path):
        out: list = []
        for p in (path, path + "-wal"):
            try:
                st = os.stat(p)
                out += [st.st_size, st.st_mtime_ns]
            except OSError:
                out += [None, None]
        return tuple(out)
    from eventwire.store.incidents import incidents

    c = incidents.c
    return tuple(conn.execute(select(func.count(), func.max(c.linked_at))).one())


class MapCache:
    """A small LRU of encoded `map_incidents` answers keyed by (filters, store version)."""

    def __init__(self, engine: Engine, size: int = 16) -> None:
        self.engine = engine
        self.size = size
        self._items: OrderedDict[tuple, Body] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, filters: Q.IncidentFilters) -> Body:
        with self.engine.connect() as conn:
            key = (astuple(filters), store_version(self.engine, conn))
            with self._lock:
                hit = self._items.get(key)
                if hit is not None:
                    self._items.move_to_end(key)
                    return hit
            data = Q.map_incidents(conn, filters)
        raw = json.dumps(data, separators=(",", ":")).encode()
        body = Body(raw, gzip.compress(raw, compresslevel=6, mtime=0),
                    '"' + hashlib.blake2b(raw, digest_size=12).hexdigest() + '"')
        with self._lock:
            self._items[key] = body
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return body
