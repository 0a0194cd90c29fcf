"""The full relink of a large store in bounded memory, on every core, with the incidents of `link_reports`.

`link_reports` holds every report, candidate pair and incident of the store in memory at once: about
15 GB for 1,000,000 events. The full relink instead makes the same incidents in passes, holding only
slices of reports at a time:

1. **Reports.** The stored documents are read in order and flattened (`reports_from_documents`); each
   report is numbered (its position in `link_reports`), packed (`incremental.pack`) into a spill file
   and into the incremental index, which is rebuilt on the way. Only its key, article and blocked days
   stay in memory. Copy groups are then found over all articles at once (`assign_copy_groups`' rule,
   from the stored MinHash values).
2. **Pairs.** Blocking puts a report into buckets of one type and one day (`blocking.candidate_pairs`),
   except the near-copies, bucketed at any date. So the store is blocked in slices of days: a slice
   holds every report blocked on one of its days and makes the pairs that meet on them
   (`candidate_pairs(window=...)`), and the near-copies are blocked on their own (`copy_pairs`). A pair
   that meets in two slices is scored twice and kept once. Slices are scored in worker processes.
3. **Components.** Clustering merges only along pairs scored at or above the threshold, so it acts
   on each connected part of that graph alone. Joined with the reports of one article (an article's
   unlinked mentions can grade its incident) and the reports a correction anchors, the parts are
   clustered in batches, each with its reports in the order of the whole store (ties between equal
   scores are broken by position, and that order is kept).
4. **Incidents.** Corrections and incident ids are settled over all clusters at once (as in
   `link_reports`); the incident records are then built batch by batch and saved.

The incidents are those of `link_reports` over the whole store (tests compare them).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection, Text, delete, exists, insert, select, type_coerce

from eventwire.link import LinkResult, _assign_ids, build_incidents
from eventwire.link.blocking import SLACK_DAYS, candidate_pairs, copy_pairs
from eventwire.link.cluster import cluster
from eventwire.link.corrections import apply_corrections
from eventwire.link.index import (
    _insert_rows,
    day_rows,
    extra_days,
    index_row,
    pack,
    reach,
    signatures,
    unpack,
)
from eventwire.link.reports import Report, reports_from_documents
from eventwire.link.score import DEFAULT, Weights, score_pair, set_vectors
from eventwire.store import incidents as inc
from eventwire.store.dedup import copy_groups
from eventwire.store.scale import link_report_days, link_terms, linked_articles
from eventwire.store.scale import link_reports as lr
from eventwire.store.schema import articles, events

SLICE_DAYS = 30        # days blocked together (about 40,000 reports at 1,370 events a day)
BATCH_REPORTS = 50_000  # reports clustered and made into incidents together
_DOCS = 2000           # documents read and flattened at a time
_NONE = np.iinfo(np.int64).max


class _Clock:
    """Wall seconds of each stage (the benchmark prints them)."""

    def __init__(self) -> None:
        self.t = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self.t, 2)
        self.t = now


@dataclass
class _Spill:
    """Packed reports in a temporary file, read back by position."""

    path: str
    offsets: np.ndarray
    lengths: np.ndarray
    groups: dict[str, str]   # article -> its copy group (articles in a group of two or more)

    def read(self, positions: Iterable[int]) -> list[Report]:
        """The reports at these positions (ascending), with their position and copy group set."""
        out = []
        with open(self.path, "rb") as f:
            for p in positions:
                f.seek(int(self.offsets[p]))
                b = f.read(int(self.lengths[p]))
                r = unpack(b[1:]) if b[:1] == b"m" else pickle.loads(b[1:])  # noqa: S301 - our own file
                r.idx = int(p)
                r.copy_group = self.groups.get(r.article, "")
                out.append(r)
        set_vectors(out, {})
        return out


def _raw_documents(conn: Connection, progress) -> Iterator[list]:
    """The stored documents with events (`store.incidents.load_documents`), in chunks, as the database
    returns them before JSON decoding: the workers decode them."""
    has_events = exists().where(events.c.article_id == articles.c.id)
    q = select(type_coerce(articles.c.document, Text)).where(has_events).order_by(articles.c.id)
    chunk: list = []
    for (raw,) in conn.execute(q):
        chunk.append(raw)
        if len(chunk) >= _DOCS:
            if progress is not None:
                progress.update(len(chunk))
            yield chunk
            chunk = []
    if chunk:
        if progress is not None:
            progress.update(len(chunk))
        yield chunk


def _flatten(raws: list) -> tuple[list[str], list[tuple]]:
    """Documents to reports: for each, what the relink keeps of it in memory (key, article, published,
    copy mark, fused events, blocked days), its spill bytes and its index rows; and the article ids."""
    docs = []
    for raw in raws:
        d = json.loads(raw) if isinstance(raw, str | bytes) else raw
        if isinstance(d, dict):
            docs.append(d)
    seen = [a for a in ((d.get("article") or {}).get("id") for d in docs) if a]
    out = []
    for r in reports_from_documents(docs):
        blob = pack(r)
        r.text = ""
        b = b"m" + blob if blob is not None else b"p" + pickle.dumps(r)
        start = reach(r)
        out.append((r.key, r.article, r.published or "", (r.copy_of or {}).get("article"), len(r.also),
                    start if start is not None else _NONE, r.hi + SLACK_DAYS if start is not None else _NONE,
                    extra_days(r), b, index_row(r, blob), day_rows(r)))
    return seen, out


_SPILL: _Spill | None = None   # the relink's spill, set before worker processes fork (they inherit it)
_CONVERT: dict[str, Callable] = {}   # incident column -> its bind processor, when workers convert (SQLite)


def _read(positions: np.ndarray) -> list[Report]:
    assert _SPILL is not None
    return _SPILL.read(positions)


def _score_slice(task: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scored pairs (global positions i < j, score) of one slice of days, or of the near-copies."""
    positions, window, weights = task
    reports = _read(positions)
    pairs = candidate_pairs(reports, window=window) if window is not None else copy_pairs(reports)
    n = len(pairs)
    i = np.empty(n, dtype=np.int64)
    j = np.empty(n, dtype=np.int64)
    s = np.empty(n, dtype=np.float64)
    for k, (a, b) in enumerate(pairs):
        i[k], j[k] = reports[a].idx, reports[b].idx
        s[k] = score_pair(reports[a], reports[b], {}, weights)
    return i, j, s


def _cluster_batch(task: tuple) -> list[list[int]]:
    """Clusters (global positions) of one batch of whole components."""
    positions, pi, pj, ps, weights = task
    reports = _read(positions)
    local = {int(p): n for n, p in enumerate(positions)}
    scores = {(local[a], local[b]): s for a, b, s in zip(pi.tolist(), pj.tolist(), ps.tolist(), strict=True)}
    return [[int(positions[x]) for x in g] for g in cluster(reports, scores, weights)]


def _build_batch(task: tuple) -> tuple[list[dict], list[dict], dict[str, str], Counter]:
    """Incident rows of one batch of clusters (converted for the database by the columns' own bind
    processors, `_CONVERT`, here rather than in the one process that writes), their report links,
    the assignment and the grades."""
    positions, clusters, overrides, alone = task
    reports = _read(positions)
    records, assignment = build_incidents(reports, clusters, overrides, alone)
    grades = Counter(r["grade"] for r in records)
    links = [{"article_id": rp["article"], "event_id": rp["event"], "incident_id": rec["id"],
              "outlet": rp.get("outlet"), "status": rp.get("status")}
             for rec in records for rp in rec.get("reports") or []]
    rows = [inc._row(r) for r in records]
    for c, convert in _CONVERT.items():
        for row in rows:
            row[c] = convert(row[c])
    return rows, links, assignment, grades


@contextmanager
def _pool_of(workers: int) -> Iterator[Callable[[Callable, Iterable], Iterator]]:
    run = _pool(workers)
    try:
        yield run
    finally:
        if hasattr(run, "pool"):
            run.pool.close()
            run.pool.join()


def _pool(workers: int) -> Callable[[Callable, Iterable], Iterator]:
    """`map` over worker processes (forked: they inherit the code already imported, and the spill),
    else in-process. Tasks are made in this thread and at most two per worker wait at a time, so a
    task source that reads the database stays here and ahead of the workers by little."""
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return map
    pool = multiprocessing.get_context("fork").Pool(workers, maxtasksperchild=8)

    def run(fn: Callable, tasks: Iterable) -> Iterator:
        pending: deque = deque()
        try:
            for t in tasks:
                pending.append(pool.apply_async(fn, (t,)))
                if len(pending) >= 2 * workers:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
        except BaseException:
            pool.terminate()
            raise
    run.pool = pool  # type: ignore[attr-defined]
    return run


def _components(n: int, edges: Iterable[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Connected component label of each of `n` nodes."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    ii, jj = [], []
    for a, b in edges:
        ii.append(a)
        jj.append(b)
    i = np.concatenate(ii) if ii else np.zeros(0, dtype=np.int64)
    j = np.concatenate(jj) if jj else np.zeros(0, dtype=np.int64)
    g = coo_matrix((np.ones(len(i), dtype=np.int8), (i, j)), shape=(n, n)).tocsr()
    return connected_components(g, directed=False)[1]


def relink_streaming(conn: Connection, *, progress=None, weights: Weights = DEFAULT,
                     workers: int | None = None, slice_days: int = SLICE_DAYS,
                     batch_reports: int = BATCH_REPORTS) -> LinkResult:
    """Link every stored event again, save the incidents and rebuild the incremental index (the caller
    commits). `workers`: processes for scoring and building (default: the machine's cores, at most 4).
    Returns the stats, skipped corrections and assignment; the incidents are in the store."""
    if workers is None:
        workers = min(os.cpu_count() or 1, 4)
    previous = inc.previous_assignment(conn)
    corrections = inc.list_corrections(conn)
    conn.execute(delete(lr))
    conn.execute(delete(link_report_days))
    conn.execute(delete(link_terms))
    conn.execute(delete(linked_articles))
    tmp = tempfile.TemporaryDirectory(prefix="eventwire-relink-")
    try:
        return _relink(conn, progress, weights, workers, slice_days, batch_reports, previous, corrections,
                       tmp.name)
    finally:
        tmp.cleanup()


def _relink(conn, progress, weights, workers, slice_days, batch_reports, previous, corrections,
            tmpdir) -> LinkResult:
    # 1. reports: numbered, spilled packed, indexed; kept in memory only as key, article, days
    clock = _Clock()
    path = os.path.join(tmpdir, "reports.bin")
    pos: dict[str, int] = {}
    keys: list[str] = []
    art_of: list[int] = []
    offsets: list[int] = []
    lengths: list[int] = []
    first: list[int] = []
    last: list[int] = []
    far: list[tuple[int, int]] = []         # (day, position): a day blocked on far before the window
    also: list[int] = []
    articles: dict[str, int] = {}
    art_info: list[tuple[str, str, str | None]] = []   # (published, article, copy_of mark)
    seen: list[str] = []
    with open(path, "wb") as f, _pool_of(workers) as run_a:
        for got, items in run_a(_flatten, _raw_documents(conn, progress)):
            seen.extend(got)
            rows, drows = [], []
            for key, article, published, mark, n_also, start, end, far_days, b, row, day_rows in items:
                at = f.tell()
                f.write(b)
                if key in pos:    # a key seen before keeps its place, with the later report (a dict's way)
                    p = pos[key]
                    offsets[p], lengths[p] = at, len(b)
                    continue
                p = pos[key] = len(keys)
                keys.append(key)
                if article not in articles:
                    articles[article] = len(art_info)
                    art_info.append((published, article, mark))
                art_of.append(articles[article])
                offsets.append(at)
                lengths.append(len(b))
                also.append(n_also)
                first.append(start)
                last.append(end)
                far.extend((d, p) for d in far_days)
                rows.append(row)
                drows.extend(day_rows)
            _insert_rows(conn, lr, rows)
            _insert_rows(conn, link_report_days, drows)
    now = inc._now()
    seen = sorted({a for a in seen if a})
    for i in range(0, len(seen), 5000):
        conn.execute(insert(linked_articles), [{"article_id": a, "at": now} for a in seen[i:i + 5000]])
    n = len(keys)
    # `assign_copy_groups` over all reports: articles earliest published first, from stored signatures
    sigs = signatures(conn, [a for _, a, _ in art_info], scan=True)
    groups = copy_groups([(a, "", mark) for _, a, mark in sorted(art_info)], sigs)
    del sigs
    clock.lap("reports")
    spill = _Spill(path, np.asarray(offsets, dtype=np.int64), np.asarray(lengths, dtype=np.int64), groups)
    del offsets, lengths
    first_a, last_a = np.asarray(first, dtype=np.int64), np.asarray(last, dtype=np.int64)
    del first, last
    global _SPILL, _CONVERT
    _SPILL = spill
    if conn.dialect.name == "sqlite":   # its processors make plain text: workers can run them
        _CONVERT = {c.name: p for c in inc.incidents.c
                    if (p := c.type.dialect_impl(conn.dialect).bind_processor(conn.dialect))}
    try:
        with _pool_of(workers) as run:
            return _link(conn, run, spill, n, keys, pos, art_of, also, first_a, last_a, far, previous,
                         corrections, weights, slice_days, batch_reports, clock)
    finally:
        _SPILL, _CONVERT = None, {}


def _scored_pairs(run, spill: _Spill, n: int, keys: list[str], first: np.ndarray, last: np.ndarray,
                  far: list[tuple[int, int]], weights: Weights,
                  slice_days: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """2. The candidate pairs (positions i < j) and their scores: slice by slice of days, and the
    near-copies; a pair met in two slices is kept once."""
    tasks = []
    blocked = first != _NONE
    if blocked.any():
        lo, hi = int(first[blocked].min()), int(last[blocked].max())
        far_days = np.asarray([d for d, _ in far], dtype=np.int64)
        far_pos = np.asarray([p for _, p in far], dtype=np.int64)
        for w0 in range(lo, hi + 1, slice_days):
            w1 = w0 + slice_days
            inside = np.flatnonzero(blocked & (first < w1) & (last >= w0))
            if len(far_pos):
                inside = np.union1d(inside, far_pos[(far_days >= w0) & (far_days < w1)])
            if len(inside) > 1:
                tasks.append((inside, (w0, w1), weights))
    grouped = np.asarray([bool(spill.groups.get(keys[p].rsplit(":", 1)[0])) for p in range(n)], dtype=bool) \
        if spill.groups else np.zeros(n, dtype=bool)
    if grouped.sum() > 1:
        tasks.append((np.flatnonzero(grouped), None, weights))
    parts = list(run(_score_slice, tasks))
    pi = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    pj = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    ps = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, dtype=np.float64)
    del parts
    _, keep = np.unique(pi * n + pj, return_index=True)
    return pi[keep], pj[keep], ps[keep]


def _clusters(run, n: int, pi: np.ndarray, pj: np.ndarray, ps: np.ndarray, linked: np.ndarray,
              art_of: list[int], pos: dict[str, int], corrections, weights: Weights,
              batch_reports: int) -> tuple[list[list[int]], np.ndarray, list[np.ndarray]]:
    """3. Clusters (positions, earliest first) of the connected parts of links, one article's reports
    and a correction's anchors, clustered in batches of whole parts; each position's batch; each
    batch's positions."""
    art = np.asarray(art_of, dtype=np.int64)
    order = np.arange(n, dtype=np.int64)
    same = np.flatnonzero(art[1:] == art[:-1]) if n > 1 else np.zeros(0, dtype=np.int64)
    edges = [(pi[linked], pj[linked]), (order[same], order[same] + 1)]
    for c in corrections:
        anchors = c.get("anchors") or {}
        ks = [pos_ for k in (*(anchors.get("incident") or []), *(anchors.get("other") or []),
                             *([c["event"]] if c.get("event") else []))
              if (pos_ := pos.get(k)) is not None]
        if len(ks) > 1:
            edges.append((np.asarray(ks[:-1], dtype=np.int64), np.asarray(ks[1:], dtype=np.int64)))
    comp = _components(n, edges)
    # batches of whole components, in order of their earliest report
    comp_first = np.full(comp.max() + 1 if n else 0, n, dtype=np.int64)
    np.minimum.at(comp_first, comp, order)
    comp_order = np.argsort(comp_first, kind="stable")
    sizes = np.bincount(comp, minlength=len(comp_first))
    batch_of_comp = np.empty(len(comp_first), dtype=np.int64)
    b, filled = 0, 0
    for c in comp_order:
        if filled and filled + sizes[c] > batch_reports:
            b, filled = b + 1, 0
        batch_of_comp[c] = b
        filled += sizes[c]
    batch = batch_of_comp[comp] if n else np.zeros(0, dtype=np.int64)
    n_batches = int(batch.max()) + 1 if n else 0
    inner = comp[pi] == comp[pj]
    qi, qj, qs = pi[inner], pj[inner], ps[inner]
    qb = batch[qi]
    by = np.argsort(qb, kind="stable")
    qi, qj, qs, qb = qi[by], qj[by], qs[by], qb[by]
    cuts = np.searchsorted(qb, np.arange(n_batches + 1))
    members = np.argsort(batch, kind="stable")
    mcuts = np.searchsorted(batch[members], np.arange(n_batches + 1))
    batch_positions = [members[mcuts[k]:mcuts[k + 1]] for k in range(n_batches)]
    ctasks = [(batch_positions[k], qi[cuts[k]:cuts[k + 1]], qj[cuts[k]:cuts[k + 1]],
               qs[cuts[k]:cuts[k + 1]], weights) for k in range(n_batches)]
    clusters = [g for part in run(_cluster_batch, ctasks) for g in part]
    del ctasks, qi, qj, qs, qb
    clusters.sort(key=lambda g: g[0])
    return clusters, batch, batch_positions


def _link(conn, run, spill: _Spill, n: int, keys: list[str], pos: dict[str, int], art_of: list[int],
          also: list[int], first: np.ndarray, last: np.ndarray, far: list[tuple[int, int]], previous,
          corrections, weights: Weights, slice_days: int, batch_reports: int, clock: _Clock) -> LinkResult:
    pi, pj, ps = _scored_pairs(run, spill, n, keys, first, last, far, weights, slice_days)
    linked = ps >= weights.threshold
    clock.lap("pairs")
    clusters, batch, batch_positions = _clusters(run, n, pi, pj, ps, linked, art_of, pos, corrections, weights,
                                                 batch_reports)
    n_batches = len(batch_positions)
    clock.lap("clusters")

    # 4. corrections and ids over all clusters, then the incidents batch by batch
    key_clusters = [[keys[p] for p in g] for g in clusters]
    del clusters
    key_clusters, overrides, skipped, keep_ids = apply_corrections(key_clusters, corrections)
    alone = {ks[0] for ks in key_clusters if len(ks) == 1}
    ids = _assign_ids(key_clusters, previous, keep_ids)
    per_batch: list[list[tuple[int, str, list[str]]]] = [[] for _ in range(n_batches)]
    for m, (iid, ks) in enumerate(zip(ids, key_clusters, strict=True)):
        per_batch[int(batch[pos[ks[0]]])].append((m, iid, ks))
    btasks = ((batch_positions[k], per_batch[k], {m: overrides[m] for m, _, _ in per_batch[k]
                                                          if m in overrides},
               {k_ for _, _, ks in per_batch[k] for k_ in ks if k_ in alone}) for k in range(n_batches))
    conn.execute(delete(inc.incident_reports))
    conn.execute(delete(inc.incidents))
    assignment: dict[str, str] = {}
    grades: Counter = Counter()
    n_incidents = 0
    for rows, links, assigned, g in run(_build_batch, btasks):
        _insert_rows(conn, inc.incidents, rows, converted=set(_CONVERT))
        for i in range(0, len(links), 5000):
            _insert_rows(conn, inc.incident_reports, links[i:i + 5000])
        assignment.update(assigned)
        grades.update(g)
        n_incidents += len(rows)
    clock.lap("incidents")
    stats = {"events": n + sum(also), "reports": n, "pairs": len(pi), "links": int(linked.sum()),
             "incidents": n_incidents, "grades": dict(grades),
             "stage_s": clock.laps}
    return LinkResult([], assignment, skipped, stats)
