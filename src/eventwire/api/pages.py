"""The server-rendered pages: map, incident, articles, article, ingest, API docs.

Templates are Jinja2 with autoescaping on for every template, so article text
(untrusted) is always escaped; data reaches the page scripts as JSON in
`<script type="application/json">` blocks (`tojson` escapes `<`, `>`, `&`, `'`)
or `data-` attributes, never as code. The scripts build the DOM with
`textContent`, never `innerHTML`.

The handlers are on `router` (included last by `create_app`); what they need
(database, settings, ids resolved) comes through `api.dependencies`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from eventwire.api import ingest, security
from eventwire.api.dependencies import ApiState, AppSettings, Db, State
from eventwire.api.problems import Problem
from eventwire.services import corrections, read
from eventwire.store import queries as Q

WEB = Path(__file__).resolve().parent.parent / "web"  # templates/ and static/
LAYERS = (  # (key, label, what it marks): the article page's toggles
    ("places", "Places", "place names resolved to the gazetteer"),
    ("actors", "Actors", "people, groups and institutions"),
    ("times", "Dates", "dates and times, resolved"),
    ("claims", "Claims", "speaker, cue and content of reported speech"),
    ("events", "Events", "event triggers"),
    ("framing", "Framing", "loaded language and other techniques"),
)
# the incidents table's filters: "these incidents on the map" keeps every one of them
MAP_FILTERS = ("since", "until", "type", "grade", "country", "province", "actor", "outlet", "affiliation", "q")
TABLE_SORTS = (("date", "Date"), ("type", "Type"), ("country", "Country"), ("province", "Province"),
               ("killed", "Killed"), ("reports", "Reports"), ("origins", "Origins"), ("grade", "Grade"))
GRADE_NOTE = {
    "confirmed": "two or more independent origins agree, or a party reports its own action",
    "fair": "independent origins, with some doubt", "weak": "a single origin",
    "contested": "independent origins disagree, or a party denies it", "discounted": "set aside by a person",
}


def _templates() -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(str(WEB / "templates")),
                      autoescape=select_autoescape(default=True, default_for_string=True), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["rng"] = _range
    return Jinja2Templates(env=env)


def _range(r: dict | None) -> str:
    """A casualty range as text: '12', '40+', 'up to 30', '12-20', or an empty string."""
    r = r or {}
    lo, hi = r.get("min"), r.get("max")
    if lo is None and hi is None:
        return ""
    if lo is not None and hi is not None:
        return str(lo) if lo == hi else f"{lo}-{hi}"
    return f"{lo}+" if lo is not None else f"up to {hi}"


TEMPLATES: Jinja2Templates | None = None


def render(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    global TEMPLATES
    TEMPLATES = TEMPLATES or _templates()
    ctx.setdefault("nav", name.split(".")[0])
    return TEMPLATES.TemplateResponse(request, name, ctx, status_code=status)


def error_page(request: Request, status: int, detail: str) -> HTMLResponse:
    from eventwire.api.problems import TITLES

    return render(request, "error.html", status=status, status_code=status, title=TITLES.get(status, "Error"),
                  detail=detail)


def marked_text(doc: dict) -> list[dict]:
    """The article text cut at every span boundary; each piece says which layers mark it and why.

    Overlapping spans (a place inside a claim's content) become pieces with several
    classes, so the page never nests or reorders the text and every layer can be
    toggled alone.
    """
    text = (doc.get("article") or {}).get("text") or ""
    n = len(text)
    spans: list[tuple[int, int, str, str]] = []

    def add(start: Any, end: Any, cls: str, label: str) -> None:
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= n:
            spans.append((start, end, cls, label))

    for p in doc.get("places") or []:
        add(p.get("start"), p.get("end"), "places",
            f"place {p.get('id')}: {p.get('name') or p.get('text')} ({p.get('precision') or '?'}, "
            f"{p.get('country') or '?'})")
    for a in doc.get("actors") or []:
        add(a.get("start"), a.get("end"), "actors",
            f"actor {a.get('id')}: {a.get('name') or a.get('text')} [{a.get('entity') or '-'}]")
    for t in doc.get("times") or []:
        add(t.get("start"), t.get("end"), "times",
            f"time {t.get('id')}: {t.get('date') or '?'} ({t.get('granularity') or '?'})")
    for c in doc.get("claims") or []:
        sp, cue, content = c.get("speaker") or {}, c.get("cue") or {}, c.get("content") or {}
        add(content.get("start"), content.get("end"), "claim-content", f"claim {c.get('id')} content ({c.get('kind')})")
        add(sp.get("start"), sp.get("end"), "claim-speaker", f"claim {c.get('id')} speaker")
        add(cue.get("start"), cue.get("end"), "claim-cue", f"claim {c.get('id')} cue ({c.get('kind')})")
    for e in doc.get("events") or []:
        tr = e.get("trigger") or {}
        add(tr.get("start"), tr.get("end"), "events",
            f"event {e.get('id')}: {e.get('type')}{'/' + e['mode'] if e.get('mode') else ''} ({e.get('status')})")
    for i, f in enumerate(doc.get("framing") or []):
        add(f.get("start"), f.get("end"), "framing", f"framing {i}: {f.get('technique')}")
    cuts = sorted({0, n, *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
    starts = {s for s, _, _, _ in spans}
    pieces = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        cover = [(cls, label) for s, e, cls, label in spans if s <= a and b <= e]
        classes = sorted({cls for cls, _ in cover})
        pieces.append({"text": text[a:b], "classes": " ".join("m-" + c for c in classes),
                       "title": "; ".join(label for _, label in cover), "anchor": f"s{a}" if a in starts else None})
    return pieces


def _chains(doc: dict) -> dict[str, list[str]]:
    """Each event's claim chain (outlet <- speaker <- ... <- event), as on the incident page."""
    outlet = ((doc.get("article") or {}).get("outlet") or {}).get("name")
    return {e["id"]: Q.claim_chain(doc, e, outlet) for e in doc.get("events") or []}


router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def map_page(request: Request, db: Db, settings: AppSettings):
    with db.connect() as c:
        facets = Q.incident_facets(c)
    q = {k: v[:200] for k, v in request.query_params.items()}  # the fields' own limit (longer: a 422)
    if "grade" in q:  # only known grades; none left means none ticked
        q["grade"] = ",".join(g for g in q["grade"].split(",") if g.strip() in Q.GRADES) or "none"
    # the page's first data request, started by <link rel=preload> while the scripts load
    # (map.js reads this URL back, so the two always agree)
    keep = {k: v for k, v in q.items() if k in MAP_FILTERS and v}
    url = None if keep.get("grade") == "none" else "/api/map" + ("?" + urlencode(keep) if keep else "")
    return render(request, "map.html", facets=facets, tile_url=settings.tile_url, grade_note=GRADE_NOTE,
                  q=q, map_data_url=url)


@router.get("/incidents", response_class=HTMLResponse, include_in_schema=False)
def incidents_page(request: Request, db: Db, state: State):
    with db.connect() as c:
        facets = Q.incident_facets(c)
    q = {k: v[:200] for k, v in request.query_params.items()}
    return render(request, "incidents.html", facets=facets, q=q, grade_note=GRADE_NOTE, grades=Q.GRADES,
                  need_token=state.require_token, sorts=TABLE_SORTS)


@router.get("/incidents/{incident_id}", response_class=HTMLResponse, include_in_schema=False)
def incident_page(request: Request, incident_id: str, db: Db, state: State):
    with db.connect() as c:
        inc = read.incident(c, incident_id)
        history = corrections.history(c, inc["id"])
    return render(request, "incident.html", inc=inc, grade_note=GRADE_NOTE, nav="incident", grades=Q.GRADES,
                  history=history[::-1], need_token=state.require_token)


@router.get("/corrections", response_class=HTMLResponse, include_in_schema=False)
def corrections_page(request: Request, db: Db, state: State):
    with db.connect() as c:
        rows = corrections.history(c)[::-1]
    return render(request, "corrections.html", rows=rows, need_token=state.require_token)


@router.get("/outlets", response_class=HTMLResponse, include_in_schema=False)
def outlets_page(request: Request, db: Db, q: str | None = None, offset: int = 0):
    return _counted_list(request, db, Q.list_outlets, "outlets.html", q, offset)


@router.get("/actors", response_class=HTMLResponse, include_in_schema=False)
def actors_page(request: Request, db: Db, q: str | None = None, offset: int = 0):
    return _counted_list(request, db, Q.list_actors, "actors.html", q, offset)


def _counted_list(request: Request, db: Engine, fetch: Callable[..., dict], template: str, q: str | None,
                  offset: int) -> HTMLResponse:
    """A page of 100 names with their counts (outlets, actors), searched by `q`."""
    limit, offset = 100, min(max(offset, 0), 10**9)
    with db.connect() as c:
        res = fetch(c, q=(q or "")[:200] or None, limit=limit, offset=offset)
    return render(request, template, res=res, q=q or "", offset=offset, limit=limit)


@router.get("/articles", response_class=HTMLResponse, include_in_schema=False)
def articles_page(request: Request, db: Db, q: str | None = None, outlet: str | None = None,
                  since: str | None = None, until: str | None = None, offset: int = 0):
    limit = 50
    with db.connect() as c:
        rows = Q.search_articles(c, q=q or None, outlet=outlet or None, since=since or None,
                                 until=until or None, limit=limit, offset=min(max(offset, 0), 10**9))
    return render(request, "articles.html", rows=rows, q=q or "", outlet=outlet or "", since=since or "",
                  until=until or "", offset=offset, limit=limit)


@router.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
def article_page(request: Request, article_id: str, db: Db):
    with db.connect() as c:
        aid = read.article_id(c, article_id)
        doc = Q.get_document(c, aid)
        incs = Q.article_incident_list(c, aid)  # each incident once, with the events it takes
    by_event: dict[str, list[dict]] = {}
    for i in incs:
        for ev in i["events"]:
            by_event.setdefault(ev, []).append(i)
    return render(request, "article.html", doc=doc, art=doc.get("article") or {}, pieces=marked_text(doc),
                  layers=LAYERS, incidents=incs, by_event=by_event, chains=_chains(doc))


@router.get("/ingest", response_class=HTMLResponse, include_in_schema=False)
def ingest_page(request: Request, state: State):
    return render(request, "ingest.html", result=None, errors=[], need_token=state.require_token,
                  limit=state.settings.max_upload_bytes)


@router.post("/ingest", response_class=HTMLResponse, include_in_schema=False)
async def ingest_post(request: Request, state: State):
    errors: list[str] = []
    result = None
    status = 200
    try:
        if state.require_token:
            await _check_form_token(request, state)
        uploads, _ = await ingest.read_uploads(request, state.upload_limit)
        result = await run_in_threadpool(ingest.ingest, state.engine, state.settings, uploads)
        errors = [i.get("error") or "" for i in result.items if i and i.get("schema") == "eventwire/error/1"]
        if result.failed and not (result.stored or result.present):
            status = 422
    except Problem as exc:
        errors, status = [exc.detail], exc.status
    docs = [i for i in (result.items if result else []) if i and i.get("schema") == "eventwire/document/1"]
    if status == 200 and len(docs) == 1 and not errors and "text/html" in request.headers.get("accept", "") \
            and request.query_params.get("stay") is None:
        return RedirectResponse(f"/articles/{docs[0]['article']['id']}?new=1", status_code=303)
    return render(request, "ingest.html", status=status, result=result, docs=docs, errors=errors,
                  need_token=state.require_token, limit=state.settings.max_upload_bytes)


async def _check_form_token(request: Request, state: ApiState) -> None:
    """The ingest form's token (header or `token` field) must be valid (401 otherwise)."""
    form = await request.form(max_part_size=int(state.settings.max_upload_bytes) + 1)
    given = security.bearer(request.headers.get("authorization")) or form.get("token")
    if state.token_name(given if isinstance(given, str) else None) is None:
        raise Problem(401, "a valid token is needed to add articles on this server (EVENTWIRE_TOKEN)")


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def docs_page(request: Request):
    return render(request, "docs.html", ops=api_operations(request.app.openapi()), nav="docs")


def api_operations(spec: dict) -> list[dict]:
    """The operations of an OpenAPI document, grouped by tag and numbered, for the docs page."""
    ops = []
    for path, item in spec.get("paths", {}).items():
        for method, op in item.items():
            params = [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                       "description": p.get("description") or (p.get("schema") or {}).get("description") or ""}
                      for p in op.get("parameters", [])]
            ops.append({"method": method.upper(), "path": path, "summary": op.get("summary") or "",
                        "description": op.get("description") or "", "params": params,
                        "tag": (op.get("tags") or ["other"])[0],
                        "body": bool(op.get("requestBody"))})
    ops.sort(key=lambda o: o["tag"])  # grouped by tag on the page; the contents list follows that order
    for n, op in enumerate(ops, 1):
        op["n"] = n
    return ops
