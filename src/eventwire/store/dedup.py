"""Near-copies: MinHash signatures and an LSH index (datasketch) over the stored articles.

Syndicated wire copy and republished statements are kept (each is a report) but
marked as copies of the first stored article they match, so linking counts
them as one origin. Word 5-gram sets are compared by estimated Jaccard
similarity; `THRESHOLD` is the similarity from which a text is a copy.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from datasketch import MinHash, MinHashLSH
from sqlalchemy import Connection, select

from eventwire.ingest.article import shingles
from eventwire.store import schema as s

NUM_PERM = 64
THRESHOLD = 0.7  # syndicated copies with light edits score 0.8-1.0; two reports of one template less
MIN_SHINGLES = 40  # about 45 words: shorter texts (a headline, a templated one-liner) are never called copies


def signature(text: str) -> MinHash | None:
    """The MinHash of a text's word 5-grams; None for texts too short to compare."""
    sh = shingles(text)
    if len(sh) < MIN_SHINGLES:
        return None
    m = MinHash(num_perm=NUM_PERM)
    m.update_batch(list(sh))
    return m


def to_bytes(m: MinHash) -> bytes:
    return m.hashvalues.astype("<u8").tobytes()


def from_bytes(b: bytes) -> MinHash:
    return MinHash(num_perm=NUM_PERM, hashvalues=np.frombuffer(b, dtype="<u8").astype(np.uint64))


class CopyIndex:
    """The stored articles' signatures in an LSH index, loaded on first use."""

    def __init__(self) -> None:
        self.lsh: MinHashLSH | None = None
        self.sigs: dict[str, MinHash] = {}
        self.origin: dict[str, str] = {}  # article id -> the origin it copies (itself when original)

    def load(self, conn: Connection) -> None:
        a = s.articles.c
        self.lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        for aid, blob, copy_of in conn.execute(select(a.id, a.minhash, a.copy_of).where(a.minhash.is_not(None))):
            self._add(aid, from_bytes(blob), copy_of)

    def _add(self, aid: str, m: MinHash, copy_of: str | None) -> None:
        if aid in self.sigs:
            return
        assert self.lsh is not None
        self.lsh.insert(aid, m)
        self.sigs[aid] = m
        self.origin[aid] = copy_of or aid

    def find(self, conn: Connection, m: MinHash, exclude: str | None = None) -> tuple[str, float] | None:
        """(origin id, similarity) of the most similar stored article, or None."""
        if self.lsh is None:
            self.load(conn)
        assert self.lsh is not None
        best: tuple[float, str] | None = None
        for aid in self.lsh.query(m):
            if aid == exclude:
                continue
            sim = m.jaccard(self.sigs[aid])
            if sim >= THRESHOLD and (best is None or (sim, aid) > best):
                best = (sim, aid)
        if best is None:
            return None
        return self.origin.get(best[1], best[1]), round(best[0], 3)

    def add(self, aid: str, m: MinHash, copy_of: str | None) -> None:
        if self.lsh is not None:
            self._add(aid, m, copy_of)

    def reset(self) -> None:
        """Forget what was loaded (after a rolled-back write)."""
        self.lsh = None
        self.sigs.clear()
        self.origin.clear()


def copy_mark(conn: Connection, origin: str, similarity: float) -> dict[str, Any]:
    """The `copy_of` record put on a copy's document: the origin's id and outlet, and the similarity."""
    a = s.articles.c
    row = conn.execute(select(a.outlet_id, a.outlet_name, a.outlet_country, a.outlet_affiliation)
                       .where(a.id == origin)).first()
    outlet = None
    if row is not None and row[0]:
        outlet = {"id": row[0], "name": row[1], "country": row[2], "affiliation": row[3]}
    return {"article": origin, "outlet": outlet, "similarity": similarity}
