"""People correct the machine: merge, split and grade, re-applied after every re-link.

A correction names incidents by id for people, but it is stored with *anchors*:
the report keys ("<article>:<event>") the incidents held when the correction was
made. Incident ids can change when new reports arrive; report keys never do, so
a correction finds its incidents again after any re-link and is applied, in the
order it was made, on top of the machine's clustering.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

ACTIONS = ("merge", "split", "grade")


def make_correction(action: str, incident: str, *, anchors: Sequence[str], other: str | None = None,
                    other_anchors: Sequence[str] = (), event: str | None = None, grade: str | None = None,
                    note: str | None = None, by: str | None = None, at: str | None = None) -> dict:
    """A correction record (the shape stored and listed)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown correction {action!r}; choose from {', '.join(ACTIONS)}")
    return {"action": action, "incident": incident, "other": other, "event": event, "grade": grade,
            "note": note, "by": by, "at": at,
            "anchors": {"incident": list(anchors), "other": list(other_anchors)}}


def _find(clusters: list[list[str]], anchors: Iterable[str]) -> int | None:
    """The cluster holding most of the anchors (ties: the earliest cluster)."""
    where = {k: i for i, c in enumerate(clusters) for k in c}
    hits = Counter(where[a] for a in anchors if a in where)
    if not hits:
        return None
    best = max(hits.values())
    return min(i for i, n in hits.items() if n == best)


def apply_corrections(clusters: list[list[str]], corrections: Iterable[dict]
                      ) -> tuple[list[list[str]], dict[int, tuple[str, str]], list[dict], dict[int, str]]:
    """Clusters of report keys after the corrections, grade overrides by cluster position, the
    corrections that could not be applied (their reports are gone), and the incident id a merge
    asked to keep, by cluster position."""
    clusters = [list(c) for c in clusters]
    grades: dict[int, tuple[str, str]] = {}   # cluster position -> (grade, reason)
    pinned: dict[int, tuple[str, str]] = {}
    keep_id: dict[int, str] = {}
    skipped: list[dict] = []
    for corr in corrections:
        anchors = (corr.get("anchors") or {})
        act = corr.get("action")
        if act == "merge":
            a = _find(clusters, anchors.get("incident") or [])
            b = _find(clusters, anchors.get("other") or [])
            if a is None or b is None:
                skipped.append(corr)
                continue
            if a == b:
                continue
            keep, drop = min(a, b), max(a, b)
            clusters[keep].extend(clusters[drop])
            clusters[drop] = []
            if drop in pinned:
                pinned.setdefault(keep, pinned.pop(drop))
            keep_id.pop(drop, None)
            if corr.get("incident"):
                keep_id[keep] = corr["incident"]
        elif act == "split":
            ev = corr.get("event")
            i = next((n for n, c in enumerate(clusters) if ev in c), None)
            if i is None:
                skipped.append(corr)
                continue
            if len(clusters[i]) > 1:
                clusters[i].remove(ev)
                clusters.append([ev])
        elif act == "grade":
            a = _find(clusters, anchors.get("incident") or [])
            if a is None:
                skipped.append(corr)
                continue
            note = corr.get("note") or ""
            reason = f"set by {corr.get('by') or 'a person'}" + (f": {note}" if note else "")
            pinned[a] = (corr.get("grade") or "discounted", reason)
        else:
            skipped.append(corr)
    out, moved = [], {}
    for i, c in enumerate(clusters):
        if c:
            moved[i] = len(out)
            out.append(c)
    grades = {moved[i]: g for i, g in pinned.items() if i in moved}
    ids = {moved[i]: v for i, v in keep_id.items() if i in moved}
    return out, grades, skipped, ids
