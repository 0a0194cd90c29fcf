"""Turn an analysed spaCy Doc into a `records.Document` (and nothing else).

Layers store spans in `doc.spans[...]` and plain dicts on `Doc._.ew_*` that
point to spans by character offsets; this module gives every item its contract
id (p0, a0, t0, c0, e0 in text order) and resolves the pointers to those ids.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spacy.tokens import Doc

from eventwire import records
from eventwire.analysis.extensions import doc_text, meta

Key = tuple[int, int]


def _key(v: Any) -> Key | None:
    if v is None:
        return None
    if isinstance(v, dict):
        return int(v["start"]), int(v["end"])
    return int(v[0]), int(v[1])


def _sorted_group(doc: Doc, name: str) -> list:
    if name not in doc.spans:
        return []
    return sorted(doc.spans[name], key=lambda s: (s.start_char, s.end_char))


def _span(text: str, k: Key) -> dict:
    return {"text": text[k[0]:k[1]], "start": k[0], "end": k[1]}


def _numbered(doc: Doc, key: str, ext: str, prefix: str, model: type,
              fields: Callable[[dict], dict]) -> tuple[list, dict[Key, str]]:
    """The records of one span group in text order, with ids prefix0, prefix1, ...; repeats dropped."""
    items: list = []
    ids: dict[Key, str] = {}
    for sp in _sorted_group(doc, key):
        k = (sp.start_char, sp.end_char)
        if k in ids:
            continue
        ids[k] = f"{prefix}{len(items)}"
        items.append(model(id=ids[k], text=sp.text, start=k[0], end=k[1],
                           **fields(getattr(sp._, ext) or {})))
    return items, ids


# the Event fields to_document builds itself; every other key a layer writes passes as it is
_EVENT_BUILT = frozenset({"id", "type", "mode", "context", "actors", "recipients", "place", "date", "end_date",
                          "date_precision", "killed", "injured", "trigger", "sentence", "status", "claim",
                          "negated"})


def to_document(doc: Doc, article: dict) -> records.Document:
    """The contract record for an analysed Doc; `article` holds id, url, title, published, outlet."""
    text = doc_text(doc)
    places, place_ids = _numbered(doc, "places", "ew_place", "p", records.Place, lambda info: {
        **{f: info.get(f) for f in ("geonameid", "name", "lat", "lon", "country", "admin1",
                                    "feature_code", "precision", "score")},
        "kind": info.get("kind") or "toponym"})
    actors, actor_ids = _numbered(doc, "actors", "ew_actor", "a", records.Actor, lambda info: {
        f: info.get(f) for f in ("name", "country", "sector", "entity")})
    times, time_ids = _numbered(doc, "times", "ew_time", "t", records.Time, lambda info: {
        "date": None, "end_date": None, "granularity": None, **info})

    def actor_ref(v: Any) -> str | None:
        k = _key(v)
        return actor_ids.get(k) if k else None

    raw_claims = list(doc._.ew_claims or [])
    order = sorted(range(len(raw_claims)),
                   key=lambda i: (_key(raw_claims[i]["cue"]), _key(raw_claims[i]["content"])))
    claim_ids = {i: f"c{n}" for n, i in enumerate(order)}
    claims = []
    for i in order:
        c = raw_claims[i]
        speaker = None
        if c.get("speaker"):
            sk = _key(c["speaker"])
            speaker = records.Speaker(**_span(text, sk), actor=actor_ref(c["speaker"].get("actor")))
        ck = _key(c["cue"])
        extra = {k: v for k, v in c.items() if k not in (
            "kind", "speaker", "cue", "content", "channel", "addressees", "parent")}
        claims.append(records.Claim(
            id=claim_ids[i], kind=c["kind"], speaker=speaker, cue=records.Span(**_span(text, ck)),
            content=records.Offsets(start=_key(c["content"])[0], end=_key(c["content"])[1]),
            channel=c.get("channel"),
            addressees=[a for a in (actor_ref(x) for x in c.get("addressees") or []) if a],
            parent=claim_ids.get(c["parent"]) if c.get("parent") is not None else None, **extra))

    raw_events = sorted(doc._.ew_events or [], key=lambda e: (_key(e["trigger"]), e["type"]))
    events = []
    for n, e in enumerate(raw_events):
        tk, sk = _key(e["trigger"]), _key(e["sentence"])
        extra = {k: v for k, v in e.items() if k not in _EVENT_BUILT}  # declared extras (intended); others fail
        events.append(records.Event(
            id=f"e{n}", type=e["type"], mode=e.get("mode"), context=list(e.get("context") or []),
            actors=[a for a in (actor_ref(x) for x in e.get("actors") or []) if a],
            recipients=[a for a in (actor_ref(x) for x in e.get("recipients") or []) if a],
            place=place_ids.get(_key(e.get("place"))) if e.get("place") else None,
            date=e.get("date"), end_date=e.get("end_date"), date_precision=e.get("date_precision"),
            killed=records.Range(**(e.get("killed") or {})), injured=records.Range(**(e.get("injured") or {})),
            trigger=records.Span(**_span(text, tk)), sentence=records.Offsets(start=sk[0], end=sk[1]),
            status=e.get("status") or "reported",
            claim=claim_ids.get(e["claim"]) if e.get("claim") is not None else None,
            negated=bool(e.get("negated")), **extra))

    framing = []
    for sp in _sorted_group(doc, "framing"):
        info = sp._.ew_framing or {}
        framing.append(records.Framing(start=sp.start_char, end=sp.end_char, text=sp.text,
                                       technique=info["technique"], about=actor_ref(info.get("about"))))

    m = meta(doc)
    dateline = _key(m.get("dateline"))
    art = records.Article(
        id=article["id"], url=article.get("url"), title=article.get("title"),
        published=article.get("published"), language=article.get("language") or "en",
        outlet=records.Outlet(**article["outlet"]) if article.get("outlet") else None,
        dateline_place=place_ids.get(dateline) if dateline else None, text=text)
    extra = {k: v for k, v in article.items() if k not in records.Article.model_fields}
    for k, v in extra.items():
        setattr(art, k, v)
    return records.Document(article=art, places=places, actors=actors, times=times, claims=claims,
                            events=events, framing=framing,
                            framing_summary=getattr(doc._, "ew_framing_summary", None))
