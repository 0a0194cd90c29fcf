"""Place labels for the map: the most populous gazetteer places inside a view.

The compiled gazetteer (`eventwire.gazetteer`) has ~270,000 places but no spatial index; the
populated places of 15,000 people and more (~25,000) are read once into sorted arrays, so a
view's labels are a filter over them (a few milliseconds) and the page asks only when zoomed in.
"""

from __future__ import annotations

import threading
from typing import Any

MIN_POPULATION = 15_000
_lock = threading.Lock()
_cache: dict[str, list[tuple[int, float, float, str, str | None]]] = {}


def _places(settings: Any) -> list[tuple[int, float, float, str, str | None]]:
    from eventwire.gazetteer import load

    g = load(getattr(settings, "cache_dir", None) or None, progress=False)
    key = str(g.path)
    with _lock:
        if key not in _cache:
            rows = g._db().execute(
                "SELECT pop, lat, lon, name, country FROM places WHERE fcode LIKE 'PPL%' AND fcode NOT IN ('PPLX', 'PPLH', 'PPLQ', 'PPLW', 'PPLCH') AND pop >= ? "
                "AND lat IS NOT NULL AND lon IS NOT NULL ORDER BY pop DESC", (MIN_POPULATION,)).fetchall()
            _cache[key] = [(int(p or 0), float(la), float(lo), str(n), c) for p, la, lo, n, c in rows]
        return _cache[key]


def labels(settings: Any, bbox: tuple[float, float, float, float], limit: int = 60) -> list[dict]:
    """Up to `limit` places inside bbox (min_lon, min_lat, max_lon, max_lat), most populous first."""
    x0, y0, x1, y1 = bbox
    out = []
    for pop, lat, lon, name, country in _places(settings):
        if y0 <= lat <= y1 and x0 <= lon <= x1:
            out.append({"name": name, "lat": round(lat, 4), "lon": round(lon, 4), "country": country,
                        "population": pop})
            if len(out) >= limit:
                break
    return out
