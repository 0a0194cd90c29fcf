"""Incidents out: JSON lines (CONTRACT.md), an ACLED-like CSV, GeoJSON.

Every format formats the same incident records (`store.incidents.list_incidents`
or `link_events(...).incidents`). The CSV carries ACLED's column names so users
can load it where they load ACLED data; the PLOVER type/mode become ACLED
event/sub-event types through `data/link/acled_types.csv`. ``fatalities`` is the
lowest toll any report gives (ACLED codes the most conservative figure), and
``fatalities_max`` the highest.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from datetime import date as _date
from functools import lru_cache

from eventwire.data import read_csv

CSV_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
    "actor1", "actor2", "country", "admin1", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities",
    # eventwire's own columns after ACLED's
    "fatalities_max", "injured_min", "injured_max", "grade", "grade_reason", "origins", "n_reports",
    "plover_type", "plover_mode", "end_date",
)
_GEO_PRECISION = {"point": 1, "village": 1, "town": 1, "city": 1, "district": 2, "province": 3,
                  "country": 3, "region": 3}


@lru_cache(maxsize=1)
def _types() -> tuple[dict, ...]:
    return read_csv("link/acled_types.csv")


def acled_type(inc: dict) -> tuple[str, str]:
    """(event_type, sub_event_type) for an incident's PLOVER type and mode."""
    civ = any((a.get("sector") or "").upper() == "CVL" for a in inc.get("recipients") or [])
    for row in _types():
        if row["type"] not in ("*", inc.get("type")):
            continue
        if row["mode"] != "*" and row["mode"] != inc.get("mode"):
            continue
        if row["target"] == "civilians" and not civ or row["target"] == "other" and civ:
            continue
        return row["event_type"], row["sub_event_type"]
    return "Strategic developments", "Other"


def _time_precision(inc: dict) -> int:
    d, e = inc.get("date"), inc.get("end_date")
    if not d:
        return 3
    if not e or e == d:
        return 1 if inc.get("date_precision") in ("day", "minute", None) else 2
    try:
        span = (_date.fromisoformat(e[:10]) - _date.fromisoformat(d[:10])).days
    except ValueError:
        return 3
    return 2 if span <= 7 else 3


def _country_name(iso3: str | None) -> str | None:
    if not iso3:
        return None
    try:
        from eventwire.gazetteer.countries import by_iso3

        return (by_iso3().get(iso3) or {}).get("name") or iso3
    except Exception:  # noqa: BLE001 - a missing country table leaves the code
        return iso3


def csv_row(inc: dict) -> dict:
    place = inc.get("place") or {}
    killed, injured = inc.get("killed") or {}, inc.get("injured") or {}
    et, st = acled_type(inc)
    actors, targets = inc.get("actors") or [], inc.get("recipients") or []
    outlets = []
    for r in inc.get("reports") or []:
        name = r.get("outlet_name") or r.get("outlet")
        if name and name not in outlets:
            outlets.append(name)
    kmin = killed.get("min") if killed.get("min") is not None else killed.get("max")
    notes = (f"{inc.get('type')}/{inc.get('mode') or '-'} at {place.get('name') or place.get('text') or '?'} "
             f"on {inc.get('date') or '?'}; {len(inc.get('reports') or [])} reports, "
             f"{inc.get('origins')} independent origins; graded {inc.get('grade')}: {inc.get('grade_reason')}")
    return {
        "event_id_cnty": inc.get("id"), "event_date": inc.get("date"),
        "year": (inc.get("date") or "")[:4] or None, "time_precision": _time_precision(inc),
        "event_type": et, "sub_event_type": st,
        "actor1": actors[0].get("name") if actors else None,
        "actor2": targets[0].get("name") if targets else None,
        "country": _country_name(place.get("country")), "admin1": place.get("admin1"),
        "location": place.get("name") or place.get("text"), "latitude": place.get("lat"),
        "longitude": place.get("lon"), "geo_precision": _GEO_PRECISION.get(place.get("precision") or "", 3),
        "source": "; ".join(outlets), "source_scale": None, "notes": notes,
        "fatalities": kmin if kmin is not None else 0,
        "fatalities_max": killed.get("max"), "injured_min": injured.get("min"), "injured_max": injured.get("max"),
        "grade": inc.get("grade"), "grade_reason": inc.get("grade_reason"), "origins": inc.get("origins"),
        "n_reports": len(inc.get("reports") or []), "plover_type": inc.get("type"),
        "plover_mode": inc.get("mode"), "end_date": inc.get("end_date"),
    }


def to_jsonl(incidents: Iterable[dict]) -> Iterable[str]:
    for inc in incidents:
        yield json.dumps(inc, ensure_ascii=False) + "\n"


def to_csv(incidents: Iterable[dict]) -> Iterable[str]:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    yield buf.getvalue()
    for inc in incidents:
        buf.seek(0)
        buf.truncate()
        w.writerow(csv_row(inc))
        yield buf.getvalue()


def geojson_feature(inc: dict) -> dict:
    place = inc.get("place") or {}
    geom = None
    if place.get("lat") is not None and place.get("lon") is not None:
        geom = {"type": "Point", "coordinates": [place["lon"], place["lat"]]}
    props = {k: v for k, v in inc.items() if k not in ("schema",)}
    return {"type": "Feature", "id": inc.get("id"), "geometry": geom, "properties": props}


def to_geojson(incidents: Iterable[dict]) -> Iterable[str]:
    yield '{"type": "FeatureCollection", "features": [\n'
    first = True
    for inc in incidents:
        yield ("" if first else ",\n") + json.dumps(geojson_feature(inc), ensure_ascii=False)
        first = False
    yield "\n]}\n"


EXPORTERS: dict[str, Callable[[Iterable[dict]], Iterable[str]]] = {
    "jsonl": to_jsonl, "csv": to_csv, "geojson": to_geojson,
}


def export(incidents: Iterable[dict], fmt: str) -> Iterable[str]:
    """Text chunks of `incidents` in format `fmt` (jsonl, csv, geojson)."""
    try:
        fn = EXPORTERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(EXPORTERS)}") from None
    return fn(incidents)
