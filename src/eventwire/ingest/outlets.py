"""The outlet registry (data/outlets.csv): name, aliases or domain -> outlet record."""

from __future__ import annotations

import re
from functools import lru_cache

from eventwire.data import read_csv


def _key(s: str) -> str:
    s = s.lower().strip()
    s = re.sub(r"^https?://", "", s)
    s = re.sub(r"^www\.", "", s).split("/")[0]
    return re.sub(r"[^a-z0-9.]+", " ", s).strip()


@lru_cache(maxsize=1)
def _index() -> dict[str, dict]:
    idx: dict[str, dict] = {}
    for row in read_csv("outlets.csv"):
        rec = {"id": row["id"], "name": row["name"], "country": row["country"] or None,
               "affiliation": row["affiliation"] or None}
        names = [row["id"], row["name"], *filter(None, (row.get("aliases") or "").split("|")),
                 *filter(None, (row.get("domains") or "").split("|"))]
        for n in names:
            idx.setdefault(_key(n), rec)
    return idx


def resolve_outlet(name: str | None) -> dict | None:
    """The registry record for an outlet name, alias or URL/domain; None if unknown."""
    if not name:
        return None
    k = _key(name)
    idx = _index()
    if k in idx:
        return dict(idx[k])
    parts = k.split(".")  # news.example.co.uk -> example.co.uk -> co.uk
    for i in range(1, len(parts) - 1):
        sub = ".".join(parts[i:])
        if sub in idx:
            return dict(idx[sub])
    return None


def outlet_record(name: str | None) -> dict | None:
    """A registry record, or an ad-hoc one (no country/affiliation) for an unknown outlet name."""
    rec = resolve_outlet(name)
    if rec or not name:
        return rec
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:60] or "unknown"
    return {"id": slug, "name": name.strip()[:200], "country": None, "affiliation": None}
