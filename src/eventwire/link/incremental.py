"""Incremental linking: new events meet only the stored reports of their date and place window.

The store keeps an index of every linked report (`store.scale.link_reports`: type,
date window as day ordinals, place; `link_report_days`: the earlier days an undated
event's article names). Linking new articles then reads, through indexed columns:

1. the new articles' reports (added to the index first);
2. the stored reports every path of `link.blocking` could pair with them: the same type,
   a date window that meets theirs (with the blocking's slack, the days their articles
   name) and a place that could be theirs (same country, no country, or within two grid
   cells), and the near-copies of their articles at any date (the store's `copy_of`
   marks, read by index); the reports among them that score a link with the new
   ones, and every report of their incidents, join the affected set, and so on
   until no stored report links to the set (its connected part of the link graph),
   with the reports any correction on them anchors;
3. the affected set is linked by `link_reports` (term weights are fixed, so scores do
   not depend on what else is stored), and its old incidents are replaced by the new ones.

Incidents outside the affected set cannot change (no link reaches them), so the
result is that of a full relink, which stays available (`relink_full`) and also
rebuilds the index. Blocking, scoring and clustering are `eventwire.link`'s own; the index
itself is `link.index`, the window lookups of step 2 `link.window`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection, bindparam, delete, func, insert, or_, select

from eventwire.link import link_reports
from eventwire.link.blocking import candidate_pairs
from eventwire.link.index import (  # noqa: F401 - re-exported: relink, the CLI and tests import them from here
    PACK_TAG,
    REACH_DEG,
    _chunks,
    _gc_paused,
    _insert_index,
    _insert_rows,
    _unpack_rows,
    cell_id,
    day_rows,
    extra_days,
    index_row,
    load_indexed,
    load_reports,
    pack,
    reach,
    rebuild_index,
    signatures,
    unpack,
)
from eventwire.link.reports import Report, assign_copy_groups
from eventwire.link.score import DEFAULT, Weights, score_pair, set_vectors
from eventwire.link.window import _candidates
from eventwire.store import incidents as inc
from eventwire.store.scale import link_report_days, linked_articles
from eventwire.store.scale import link_reports as lr
from eventwire.store.schema import articles, events


@dataclass
class IncrementalResult:
    incidents: list[dict] = field(default_factory=list)
    stats: dict = field(default_factory=dict)


























def unlinked_articles(conn: Connection) -> list[str]:
    """Articles the linker has not seen yet: with events, or changed since it last saw them (still
    in its index or in an incident)."""
    has_events = select(events.c.article_id).where(events.c.article_id == articles.c.id).exists()
    indexed = select(lr.c.article_id).where(lr.c.article_id == articles.c.id).exists()
    in_incident = select(inc.incident_reports.c.article_id).where(
        inc.incident_reports.c.article_id == articles.c.id).exists()
    seen = select(linked_articles.c.article_id).where(linked_articles.c.article_id == articles.c.id).exists()
    # the cheap test first: every stored article is looked up once in `linked_articles`, only the few
    # it lacks are looked up in the other tables
    q = select(articles.c.id).where(~seen, or_(has_events, indexed, in_incident)).order_by(articles.c.id)
    return [a for (a,) in conn.execute(q)]


def forget_articles(conn: Connection, article_ids: list[str]) -> list[str]:
    """Take articles out of the link index (before re-analysing them); the incidents they were in."""
    ir = inc.incident_reports.c
    touched = sorted({i for (i,) in conn.execute(select(ir.incident_id).where(ir.article_id.in_(article_ids)))})
    for chunk in _chunks(article_ids):
        conn.execute(delete(lr).where(lr.c.article_id.in_(chunk)))
        conn.execute(delete(link_report_days).where(link_report_days.c.article_id.in_(chunk)))
        conn.execute(delete(linked_articles).where(linked_articles.c.article_id.in_(chunk)))
        conn.execute(delete(inc.incident_reports).where(ir.article_id.in_(chunk)))
    return touched
































def _incident_members(conn: Connection, keys: Iterable[str]) -> dict[str, set[str]]:
    """Incident id -> its report keys, for the incidents holding any of `keys`."""
    ir = inc.incident_reports.c
    pairs = [k.rsplit(":", 1) for k in keys]
    ids: set[str] = set()
    for chunk in _chunks(pairs):
        arts = sorted({a for a, _ in chunk})
        want = {f"{a}:{e}" for a, e in chunk}
        for a, e, i in conn.execute(select(ir.article_id, ir.event_id, ir.incident_id).where(ir.article_id.in_(arts))):
            if f"{a}:{e}" in want:
                ids.add(i)
    out: dict[str, set[str]] = {}
    for chunk in _chunks(sorted(ids)):
        for a, e, i in conn.execute(select(ir.article_id, ir.event_id, ir.incident_id).where(ir.incident_id.in_(chunk))):
            out.setdefault(i, set()).add(f"{a}:{e}")
    return out


def _affected(conn: Connection, new: dict[str, Report], corrections: list[dict],
              weights: Weights, stats: dict, sigs: dict) -> tuple[dict[str, Report], set[str]]:
    """The reports whose incidents may change, and the incident ids they were in."""
    S: dict[str, Report] = dict(new)
    old_ids: set[str] = set()
    frontier = list(new.values())
    cache: dict[str, Report] = {}
    anchored: list[tuple[set, dict]] = [(set((c.get("anchors") or {}).get("incident") or [])
                                         | set((c.get("anchors") or {}).get("other") or [])
                                         | ({c["event"]} if c.get("event") else set()), c) for c in corrections]
    applied: set[int] = set()
    while frontier:
        cand_keys = _candidates(conn, frontier, S)
        need = _unpack_rows(((k, art, blob) for k, (art, blob) in cand_keys.items() if k not in cache), cache)
        if need:
            cache.update(load_indexed(conn, need))
        cands = [cache[k] for k in cand_keys if k in cache]
        joined: set[str] = set()
        if cands:
            pool = frontier + cands
            assign_copy_groups(pool, signatures(conn, {r.article for r in pool}, sigs))
            nf = len(frontier)
            pairs = candidate_pairs(pool, across=nf)
            # term vectors (fixed weights: a report's own) of the reports some pair scores, made once
            set_vectors([r for r in {pool[k].key: pool[k] for p in pairs for k in p}.values() if not r.vec], {})
            for i, j in pairs:
                if score_pair(pool[i], pool[j], {}, weights) >= weights.threshold:
                    joined.add(pool[j if i < nf else i].key)
        # a report joining brings its whole incident; a correction on the set brings its anchors
        members = _incident_members(conn, joined | {r.key for r in frontier if r.key not in new})
        for iid, keys in members.items():
            old_ids.add(iid)
            joined |= keys
        for n, (keys, _c) in enumerate(anchored):
            if n not in applied and keys & (set(S) | joined):
                applied.add(n)
                joined |= keys
        joined -= set(S)
        need = {k.rsplit(":", 1)[0] for k in joined if k not in cache}
        if need:
            cache.update(load_indexed(conn, need))
        frontier = []
        for k in sorted(joined):
            r = cache.get(k)
            if r is not None and k not in S:
                S[k] = r
                frontier.append(r)
    old_ids |= set(_incident_members(conn, S.keys()))
    stats["stored_reports_read"] = len(cache)
    return S, old_ids


def _save_some(conn: Connection, old_ids: set[str], records: list[dict]) -> None:
    """Replace incidents `old_ids` with `records` (their report links included)."""
    for chunk in _chunks(sorted(old_ids)):
        conn.execute(delete(inc.incident_reports).where(inc.incident_reports.c.incident_id.in_(chunk)))
        conn.execute(delete(inc.incidents).where(inc.incidents.c.id.in_(chunk)))
    if not records:
        return
    known = set()
    arts = sorted({rp["article"] for rec in records for rp in rec.get("reports") or []})
    for chunk in _chunks(arts):
        known.update(a for (a,) in conn.execute(select(articles.c.id).where(articles.c.id.in_(chunk))))
    conn.execute(insert(inc.incidents), [inc._row(rec) for rec in records])
    links = [{"article_id": rp["article"], "event_id": rp["event"], "incident_id": rec["id"],
              "outlet": rp.get("outlet"), "status": rp.get("status")}
             for rec in records for rp in rec.get("reports") or [] if rp["article"] in known]
    ir = inc.incident_reports.c
    gone = delete(inc.incident_reports).where(ir.article_id == bindparam("a"), ir.event_id == bindparam("e"))
    for chunk in _chunks(links, 5000):  # a report's row from an incident outside the set (never expected)
        conn.execute(gone, [{"a": x["article_id"], "e": x["event_id"]} for x in chunk])
        conn.execute(insert(inc.incident_reports), chunk)


def link_articles(conn: Connection, article_ids: list[str], *, weights: Weights = DEFAULT,
                  progress=None) -> IncrementalResult:
    """Link the events of these stored articles into the stored incidents (the caller commits)."""
    with _gc_paused():
        return _link_articles(conn, article_ids, weights, progress)


def _link_articles(conn: Connection, article_ids: list[str], weights: Weights, progress) -> IncrementalResult:
    touched = forget_articles(conn, article_ids)
    new: dict[str, Report] = {}
    for chunk in _chunks(sorted(set(article_ids))):
        got = load_reports(conn, chunk)
        new.update(got)
        if progress is not None:
            progress.update(len(chunk))
    _insert_index(conn, list(new.values()))
    marks = [{"article_id": a, "at": inc._now()} for a in sorted(set(article_ids))]
    for chunk in _chunks(marks, 5000):
        conn.execute(insert(linked_articles), chunk)
    # incidents that lost reports (re-analysed articles) are re-linked from what they have left
    left = set(_keys_of(conn, touched))
    seeds = {k: r for k, r in load_indexed(conn, {k.rsplit(":", 1)[0] for k in left}).items() if k in left}
    corrections = inc.list_corrections(conn)
    stats: dict = {}
    sigs: dict = {}
    S, old_ids = _affected(conn, {**seeds, **new}, corrections, weights, stats, sigs)
    old_ids |= set(touched)
    previous = {}
    ir = inc.incident_reports.c
    for chunk in _chunks(sorted(old_ids)):
        for a, e, i in conn.execute(select(ir.article_id, ir.event_id, ir.incident_id).where(ir.incident_id.in_(chunk))):
            previous[f"{a}:{e}"] = i
    reports = sorted(S.values(), key=lambda r: r.key)
    rel = [c for c in corrections if _touches(c, S)]
    sigs = signatures(conn, {r.article for r in reports}, sigs)
    res = link_reports(reports, previous=previous, corrections=rel, weights=weights,
                       signatures=sigs) if reports else None
    records = res.incidents if res else []
    _save_some(conn, old_ids, records)
    new_ids = {r["id"] for r in records}
    return IncrementalResult(records, {"new_articles": len(set(article_ids)), "new_reports": len(new),
                                       "affected_reports": len(S), "incidents_changed": len(records),
                                       "incidents_removed": len(old_ids - new_ids), **stats})


def _keys_of(conn: Connection, incident_ids: list[str]) -> list[str]:
    ir = inc.incident_reports.c
    out = []
    for chunk in _chunks(incident_ids):
        out += [f"{a}:{e}" for a, e in conn.execute(select(ir.article_id, ir.event_id).where(ir.incident_id.in_(chunk)))]
    return out


def _touches(corr: dict, S: dict) -> bool:
    anchors = corr.get("anchors") or {}
    keys = set(anchors.get("incident") or []) | set(anchors.get("other") or [])
    if corr.get("event"):
        keys.add(corr["event"])
    return bool(keys & set(S))


def link_new(engine, *, quiet: bool = True, weights: Weights = DEFAULT) -> IncrementalResult:
    """Link every stored article the linker has not seen yet, in one transaction."""
    from eventwire.batch.progress import bar

    with engine.begin() as conn:
        ids = unlinked_articles(conn)
        if not ids:
            return IncrementalResult(stats={"new_articles": 0, "new_reports": 0, "incidents_changed": 0,
                                            "incidents_removed": 0})
        with bar(len(ids), "link (incremental)", quiet) as pbar:
            return link_articles(conn, ids, weights=weights, progress=pbar)




def relink_full(conn: Connection, *, progress=None, weights: Weights = DEFAULT, workers: int | None = None):
    """Link every stored event again (the incidents of `store.incidents.relink`, in bounded memory and
    on every core: `link.relink`), save them and rebuild the incremental index."""
    from eventwire.link.relink import relink_streaming

    with _gc_paused():
        return relink_streaming(conn, progress=progress, weights=weights, workers=workers)


def count_linkable(conn: Connection) -> int:
    """Stored articles with events (the full relink's progress total)."""
    has_events = select(events.c.article_id).where(events.c.article_id == articles.c.id).exists()
    return conn.execute(select(func.count()).select_from(articles).where(has_events)).scalar_one()
