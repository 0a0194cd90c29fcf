"""Incident linking: the reports of one event across outlets, graded Airwars-style.

Pure functions over contract Document dicts (what `extract` prints and the store
keeps), so the whole algorithm runs and is tested without a database:

    reports.py      one Report per linkable event (dates as windows, places, actors)
    blocking.py     candidate pairs (date window x place cell/province/country x type)
    score.py        pairwise evidence score and the same-mention rule
    cluster.py      constrained average-linkage clustering
    origins.py      independent origins (outlets, syndicated copies, citations)
    grade.py        confirmed / fair / weak / contested (discounted by people)
    corrections.py  merge / split / grade by people, re-applied after clustering
    incident.py     the eventwire/incident/1 record
    export.py       JSONL, ACLED-like CSV, GeoJSON

`link_events(documents, previous=..., corrections=...)` is the one entry point;
`previous` (report key -> incident id from the last run) keeps incident ids
stable, so new articles join existing incidents under their old ids.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from eventwire.link.blocking import candidate_pairs
from eventwire.link.cluster import cluster, score_pairs
from eventwire.link.corrections import apply_corrections
from eventwire.link.grade import grade_incident
from eventwire.link.incident import build_incident, new_incident_id
from eventwire.link.origins import count_origins
from eventwire.link.reports import Report, assign_copy_groups, reports_from_documents
from eventwire.link.score import DEFAULT, Weights, idf_table, same_mention, set_vectors

__all__ = ["LinkResult", "Report", "Weights", "link_events", "link_reports", "reports_from_documents"]


@dataclass
class LinkResult:
    incidents: list[dict]
    assignment: dict[str, str]                 # report key -> incident id
    skipped_corrections: list[dict] = field(default_factory=list)
    stats: dict = field(default_factory=dict)


def _assign_ids(clusters: Sequence[Sequence[str]], previous: Mapping[str, str],
                preferred: Mapping[int, str] | None = None) -> list[str]:
    """An id per cluster: the one a merge asked to keep, else the previous id most of its
    reports had, else a new one.

    Larger clusters choose first, so when an old incident is split the bigger part
    keeps its id.
    """
    ids: list[str | None] = [None] * len(clusters)
    taken: set[str] = set(v for k, v in (preferred or {}).items() if k < len(clusters))
    for i, v in (preferred or {}).items():
        if i < len(clusters):
            ids[i] = v
    for i in sorted(range(len(clusters)), key=lambda i: (-len(clusters[i]), min(clusters[i]))):
        if ids[i] is not None:
            continue
        votes = Counter(previous[k] for k in clusters[i] if k in previous)
        for iid, _n in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0])):
            if iid not in taken:
                ids[i] = iid
                break
        if ids[i] is None:
            iid = new_incident_id(clusters[i])
            n = 1
            while iid in taken:
                iid = f"{new_incident_id(clusters[i])}-{n}"
                n += 1
            ids[i] = iid
        taken.add(ids[i])
    return ids  # type: ignore[return-value]


def link_reports(reports: Sequence[Report], *, previous: Mapping[str, str] | None = None,
                 corrections: Iterable[dict] = (), weights: Weights = DEFAULT,
                 idf: Mapping[str, float] | None = None, signatures: Mapping | None = None) -> LinkResult:
    """Incidents from reports: block, score, cluster, apply corrections, count origins, grade.

    `idf` (term -> weight) is computed from `reports` unless given: the incremental
    linker passes the whole store's, so a window of reports scores as in a full link.
    `signatures` (article id -> stored MinHash values) spare hashing article texts again.
    """
    reports = list(reports)
    for i, r in enumerate(reports):
        r.idx = i
    assign_copy_groups(reports, signatures)
    idf = dict(idf) if idf is not None else idf_table(reports)
    set_vectors(reports, idf)
    pairs = candidate_pairs(reports)
    scores = score_pairs(reports, pairs, idf, weights)
    groups = cluster(reports, scores, weights)
    key_clusters = [[reports[i].key for i in g] for g in groups]
    key_clusters, overrides, skipped, keep = apply_corrections(key_clusters, corrections)
    alone = {ks[0] for ks in key_clusters if len(ks) == 1}
    ids = _assign_ids(key_clusters, previous or {}, keep)
    incidents, assignment = build_incidents(reports, list(zip(range(len(ids)), ids, key_clusters, strict=True)),
                                            overrides, alone)
    incidents.sort(key=lambda x: (x["date"] or "", x["id"]))
    stats = {"events": sum(1 + len(r.also) for r in reports), "reports": len(reports), "pairs": len(pairs),
             "links": sum(1 for s in scores.values() if s >= weights.threshold),
             "incidents": len(incidents)}
    return LinkResult(incidents, assignment, skipped, stats)


def build_incidents(reports: Sequence[Report], clusters: Sequence[tuple[int, str, Sequence[str]]],
                    overrides: Mapping[int, tuple[str, str]], alone: set[str] | frozenset[str]
                    ) -> tuple[list[dict], dict[str, str]]:
    """Incident records of some clusters (position among all clusters, id, report keys): origins
    counted, graded (or a person's grade, `overrides` by position), and report key -> incident id.

    `reports` holds every report of the clusters and, in linking order, the reports of their articles
    that are alone in a cluster (`alone`: their keys), which may be the accused's acceptance.
    """
    by_key = {r.key: r for r in reports}
    by_article: dict[str, list[Report]] = {}
    for r in reports:
        if r.key in alone:
            by_article.setdefault(r.article, []).append(r)
    incidents, assignment = [], {}
    for n, iid, keys in clusters:
        members = sorted((by_key[k] for k in keys), key=lambda r: (r.published or "", r.key))
        base = [r for r in members if r.asserting] or members
        parts = {k for r in base for k in (*r.actor_keys, *r.recipient_keys)}
        country = Counter(r.country for r in base if r.country).most_common(1)
        origins, per_report = count_origins(members, parts, country[0][0] if country else None)
        # an article's other, unlinked mention of the same happening ("our forces hit them by mistake,"
        # the prime minister said) can still be the accused's acceptance
        asides = [s for m in members for s in by_article.get(m.article, ()) if s.key not in keys
                  and same_mention(m, s)]
        grade, reason = overrides.get(n) or grade_incident(members, origins, per_report, asides)
        incidents.append(build_incident(iid, members, origins, per_report, grade, reason))
        for k in keys:
            assignment[k] = iid
            for extra in by_key[k].also:
                assignment[f"{by_key[k].article}:{extra}"] = iid
    return incidents, assignment


def link_events(documents: Iterable[dict], *, previous: Mapping[str, str] | None = None,
                corrections: Iterable[dict] = (), weights: Weights = DEFAULT) -> LinkResult:
    """Incidents from contract Document dicts (see `link_reports`)."""
    return link_reports(reports_from_documents(documents), previous=previous, corrections=corrections,
                        weights=weights)
