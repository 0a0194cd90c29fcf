"""Near-copies: MinHash signatures and an LSH index (datasketch) over the stored articles.

Syndicated wire copy and republished statements are kept (each is a report) but
marked as copies of the first stored article they match, so linking counts
them as one origin. Word 5-gram sets are compared by estimated Jaccard
similarity; `THRESHOLD` is the similarity from which a text is a copy.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from datasketch import MinHash, MinHashLSH
from sqlalchemy import Connection, select

from eventwire.ingest.article import shingles
from eventwire.store import schema as s

NUM_PERM = 64
THRESHOLD = 0.7  # syndicated copies with light edits score 0.8-1.0; two reports of one template less
MIN_SHINGLES = 40  # about 45 words: shorter texts (a headline, a templated one-liner) are never called copies


_PRIME = np.uint64((1 << 61) - 1)   # datasketch's universal hashing constants
_MAX_HASH = np.uint64((1 << 32) - 1)
_CHUNK = 8192                        # shingles per numpy pass of `hashvalues` (fits the cache)
_SHA1 = hashlib.sha1
_LE32 = struct.Struct("<I").unpack_from   # datasketch's sha1_hash32, without a call per shingle
# Linking's LSH bands: 16 bands of 4 rows find a pair at Jaccard 0.7 with probability 0.99 (the
# 8 x 8 bands `MinHashLSH` picks for 0.7 by default find it with 0.38); candidates are then checked.
BAND_ROWS = 4


@lru_cache(maxsize=1)
def _permutations() -> np.ndarray:
    """datasketch's permutations for `NUM_PERM` (seed 1), made once: MinHash draws them anew each time."""
    return MinHash(num_perm=NUM_PERM).permutations


def signature(text: str) -> MinHash | None:
    """The MinHash of a text's word 5-grams; None for texts too short to compare."""
    sh = shingles(text)
    if len(sh) < MIN_SHINGLES:
        return None
    m = MinHash(num_perm=NUM_PERM, permutations=_permutations())
    m.update_batch(list(sh))
    return m


def hashvalues(texts: Sequence[str]) -> tuple[list[int], np.ndarray]:
    """`signature(t).hashvalues` of many texts in a few numpy passes (what linking computes for
    documents that come without the store's mark): the positions of the texts long enough to
    compare, and their signatures as the rows of one matrix."""
    a, b = (p.reshape(-1, 1) for p in _permutations())
    rows: list[int] = []
    parts: list[np.ndarray] = []
    hv: list[int] = []
    starts: list[int] = []

    def flush() -> None:
        if not starts:
            return
        x = np.array(hv, dtype=np.uint64).reshape(1, -1) * a   # NUM_PERM x shingles
        x += b                                   # (a * hv + b) wraps modulo 2**64, as in datasketch
        high = x >> np.uint64(61)                # x % (2**61 - 1) without a division, in place
        x &= _PRIME
        x += high
        np.subtract(x, _PRIME, out=x, where=x >= _PRIME)
        x &= _MAX_HASH
        parts.append(np.minimum.reduceat(x, starts, axis=1).T)
        hv.clear()
        starts.clear()

    for i, t in enumerate(texts):
        sh = shingles(t)
        if len(sh) < MIN_SHINGLES:
            continue
        rows.append(i)
        starts.append(len(hv))
        hv.extend([_LE32(_SHA1(x).digest())[0] for x in sh])
        if len(hv) >= _CHUNK:
            flush()
    flush()
    return rows, (np.vstack(parts) if parts else np.zeros((0, NUM_PERM), dtype=np.uint64))


def _similar_pairs(sigs: np.ndarray) -> np.ndarray:
    """Pairs (i, j), i < j, of rows sharing an LSH band whose estimated Jaccard is >= `THRESHOLD`."""
    n = len(sigs)
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    mult = np.random.RandomState(1).randint(1, 1 << 62, size=BAND_ROWS, dtype=np.uint64) | np.uint64(1)
    keys = (sigs.reshape(n, -1, BAND_ROWS) * mult).sum(axis=2)   # one 64-bit key per band (wrapping)
    found: list[np.ndarray] = []
    for col in keys.T:
        order = np.argsort(col, kind="stable")
        c = col[order]
        same = np.flatnonzero(c[1:] == c[:-1])   # order[k], order[k + 1] share this band
        if not len(same):
            continue
        run_start = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
        for s0 in np.unique(np.searchsorted(run_start, same, side="right") - 1):
            lo = run_start[s0]
            hi = run_start[s0 + 1] if s0 + 1 < len(run_start) else n
            members = np.sort(order[lo:hi])
            ii, jj = np.triu_indices(len(members), 1)
            found.append(np.stack([members[ii], members[jj]], axis=1))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.unique(np.vstack(found), axis=0)
    sim = np.count_nonzero(sigs[pairs[:, 0]] == sigs[pairs[:, 1]], axis=1) / NUM_PERM
    return pairs[sim >= THRESHOLD]


def copy_groups(items: Sequence[tuple[str, str, str | None]],
                signatures: Mapping[str, np.ndarray | None] | None = None) -> dict[str, str]:
    """Near-copy groups of some articles, found as the store finds its marks.

    `items` are (article id, text, the store's `copy_of` mark or None), earliest first. An article
    joins the group of its mark and of the articles whose signature (`signature`) is as similar as
    a copy's (estimated Jaccard >= `THRESHOLD`); `signatures` (article id -> its stored hash values,
    None when too short) spare hashing texts again. Returns article
    id -> its group's first article (a marked origin counts as before all of `items`), for the
    articles in a group of two or more.
    """
    rank = {aid: n for n, (aid, _, _) in enumerate(items)}
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x: str, y: str) -> None:
        rx, ry = find(x), find(y)
        if rx != ry:
            first, second = sorted((rx, ry), key=lambda k: (rank[k], k))
            parent[second] = first

    for aid, _, mark in items:
        if mark and mark != aid:
            rank.setdefault(mark, -1)   # an origin stored before all of `items`
            union(aid, mark)
    sigs_of = signatures or {}
    todo = [n for n, (aid, _, _) in enumerate(items) if aid not in sigs_of]
    hashed, sigs = hashvalues([items[n][1] for n in todo])
    rows = [todo[i] for i in hashed]
    known = [(n, sigs_of[aid]) for n, (aid, _, _) in enumerate(items) if sigs_of.get(aid) is not None]
    if known:
        rows += [n for n, _ in known]
        sigs = np.vstack([sigs, *(v.reshape(1, -1) for _, v in known)])
    for i, j in _similar_pairs(sigs).tolist():
        union(items[rows[i]][0], items[rows[j]][0])
    groups: dict[str, list[str]] = {}
    for aid in rank:
        groups.setdefault(find(aid), []).append(aid)
    return {aid: root for root, g in groups.items() if len(g) > 1 for aid in g}


def to_bytes(m: MinHash) -> bytes:
    return m.hashvalues.astype("<u8").tobytes()


def hashvalues_of(b: bytes) -> np.ndarray:
    """A stored signature's hash values (`to_bytes` undone), as `hashvalues` gives them."""
    return np.frombuffer(b, dtype="<u8").astype(np.uint64)


def from_bytes(b: bytes) -> MinHash:
    return MinHash(num_perm=NUM_PERM, hashvalues=hashvalues_of(b))


class CopyIndex:
    """The stored articles' signatures in an LSH index, loaded on first use."""

    def __init__(self) -> None:
        self.lsh: MinHashLSH | None = None
        self.sigs: dict[str, MinHash] = {}
        self.origin: dict[str, str] = {}  # article id -> the origin it copies (itself when original)

    def load(self, conn: Connection) -> None:
        a = s.articles.c
        # the bands linking uses (`BAND_ROWS`): the default 8 x 8 bands miss most pairs near 0.7
        self.lsh = MinHashLSH(num_perm=NUM_PERM, params=(NUM_PERM // BAND_ROWS, BAND_ROWS))
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
