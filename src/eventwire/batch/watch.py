"""`eventwire watch`: pull RSS/Atom feeds again and again; analyse, store and link what is new.

Each pull sends the feed's last ETag and Last-Modified (`feed_state`), so an
unchanged feed costs one 304. Entries already taken (`feed_entries`, keyed by the
entry's id or link) are skipped. For a new entry the article page is fetched and
its main text extracted (trafilatura, as for saved .html files); when the page
cannot be had, the entry's own text stands in, and without that the entry gets an
error record. New documents are stored in one transaction per feed and linked
incrementally. A feed that is down, slow or malformed is reported and skipped
until the next round; the others go on.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from sqlalchemy import select

from eventwire.batch.writer import Counts, result_row, write_batch
from eventwire.store.scale import feed_entries, feed_state

USER_AGENT = "eventwire-watch/1 (+https://example.invalid/eventwire)"
TIMEOUT = 30


@dataclass
class PullResult:
    url: str
    status: str = "ok"
    entries: int = 0
    new: int = 0
    counts: Counts = field(default_factory=Counts)


def entry_key(entry_id: str | None, link: str | None, text: str) -> str:
    return hashlib.sha256((entry_id or link or text).encode("utf-8")).hexdigest()


def fetch(url: str, limit: int, headers: dict | None = None) -> tuple[int, bytes, dict]:
    """(status, body, headers) of a GET; 304 comes back with an empty body. Size-bounded."""
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:  # noqa: S310 - the user's feed URLs
            body = resp.read(limit + 1)
            if len(body) > limit:
                raise ValueError(f"larger than {limit:,} bytes")
            return resp.status, body, dict(resp.headers.items())
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return 304, b"", dict(exc.headers.items())
        raise


def _page_article(entry_art, limit: int):
    """The entry's article page as an Article (trafilatura), else the entry itself."""
    from eventwire.errors import InputError
    from eventwire.ingest.html import article_from_html
    from eventwire.ingest.readers import decode_text

    url = entry_art.url
    if not url or not url.startswith(("http://", "https://")):
        return entry_art
    try:
        _status, body, _h = fetch(url, limit)
        art = article_from_html(decode_text(body, url), source=url, url=url)
    except (InputError, OSError, ValueError):
        return entry_art  # the page is gone or has no main text: the entry's own text stands in
    art.title = art.title or entry_art.title
    art.published = entry_art.published or art.published
    art.outlet = art.outlet or entry_art.outlet
    art.url = url
    art.extra = dict(entry_art.extra)
    return art


def pull(engine, url: str, settings, published: str | None = None) -> PullResult:
    """One round for one feed: fetch it (conditionally), take its new entries, store them."""
    res = PullResult(url)
    etag, modified = _validators(engine, url)
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    try:
        code, body, got = fetch(url, settings.max_article_bytes, headers)
    except (OSError, ValueError) as exc:
        return _nothing_taken(engine, res, etag, modified, f"unreachable: {getattr(exc, 'reason', None) or exc}")
    if code == 304:
        return _nothing_taken(engine, res, etag, modified, "not modified")
    items, links, problem = _read_feed(body, url)
    if problem:
        return _nothing_taken(engine, res, etag, modified, problem)
    res.entries = len(items)
    fresh = _fresh_entries(engine, url, items, links)
    rows, marks = _take_entries(fresh, url, settings, published)
    res.new = len(fresh)
    res.counts = write_batch(engine, rows) if rows else Counts()
    if marks:
        from eventwire.store.scale import _now

        with engine.begin() as conn:
            conn.execute(feed_entries.insert(), [{**m, "seen_at": _now()} for m in marks])
    _save_state(engine, url, got.get("ETag") or got.get("Etag") or etag,
                got.get("Last-Modified") or modified, "ok")
    return res


def _validators(engine, url: str) -> tuple[str | None, str | None]:
    """The feed's ETag and Last-Modified from its last pull (None, None the first time)."""
    with engine.connect() as conn:
        st = conn.execute(select(feed_state).where(feed_state.c.url == url)).mappings().first()
    return (st or {}).get("etag"), (st or {}).get("last_modified")


def _nothing_taken(engine, res: PullResult, etag: str | None, modified: str | None, status: str) -> PullResult:
    """A round that took no entry: keep the old validators, note why."""
    res.status = status
    _save_state(engine, res.url, etag, modified, status)
    return res


def _read_feed(body: bytes, url: str) -> tuple[list, list, str | None]:
    """The feed's items (Articles or InputErrors), each entry's link, and why it is malformed (or None)."""
    import feedparser

    from eventwire.errors import InputError
    from eventwire.ingest import Article
    from eventwire.ingest.feeds import articles_from_feed

    items = list(articles_from_feed(body, url))
    if len(items) == 1 and isinstance(items[0], InputError) and items[0].code == "unsupported":
        return items, [], f"malformed: {items[0]}"
    parsed = feedparser.parse(body)
    if parsed.get("bozo") and not any(isinstance(it, Article) for it in items):
        # broken XML with nothing usable in it: try again next round, take nothing from it now
        return items, [], f"malformed: {parsed.get('bozo_exception') or 'not RSS or Atom'}"
    return items, [e.get("link") for e in parsed.get("entries") or []], None


def _fresh_entries(engine, url: str, items: list, links: list) -> list[tuple[str, object]]:
    """(entry key, item) for the entries not taken before; an entry without text becomes an empty html
    Article of its link (its page may have the text), carrying its error in `extra`."""
    from eventwire.errors import InputError
    from eventwire.ingest import Article

    with engine.connect() as conn:
        seen = {k for (k,) in conn.execute(select(feed_entries.c.entry).where(feed_entries.c.feed == url))}
    fresh = []
    for it, link in zip(items, links, strict=False):
        text = getattr(it, "text", "") or str(it)
        key = entry_key((getattr(it, "extra", None) or {}).get("entry_id") or getattr(it, "item_id", None),
                        link, text)
        if key in seen:
            continue
        seen.add(key)
        if isinstance(it, InputError) and link:  # an entry without text: its page may have it
            it = Article(text="", url=link, source=it.source, kind="html", extra={"error": it})
        fresh.append((key, it))
    return fresh


def _take_entries(fresh: list, url: str, settings, published: str | None) -> tuple[list, list[dict]]:
    """Fetch, check and analyse the new entries: the rows to write and the feed_entries marks."""
    from eventwire.batch.local import analyse_articles, input_error_record
    from eventwire.errors import InputError
    from eventwire.ingest import Article
    from eventwire.ingest.readers import _checked

    rows, marks, arts = [], [], []
    for key, it in fresh:
        if isinstance(it, Article) and not it.text:
            page = _page_article(it, settings.max_article_bytes)
            it = page if page.text else it.extra["error"]
        if not isinstance(it, InputError):
            art = it if it.kind == "html" and it.text else _page_article(it, settings.max_article_bytes)
            it = list(_checked([art], settings.languages))[0]
        if isinstance(it, InputError):
            rows.append(result_row(it, input_error_record(it)))
            marks.append({"feed": url, "entry": key, "article_id": None, "status": "failed"})
            continue
        arts.append((key, it))
    recs = analyse_articles([a for _, a in arts], settings, published)
    for (key, art), rec in zip(arts, recs, strict=True):
        rows.append(result_row(art, rec))
        failed = rec.to_dict().get("schema") == "eventwire/error/1"
        marks.append({"feed": url, "entry": key, "article_id": None if failed else art.article_id,
                      "status": "failed" if failed else "stored"})
    return rows, marks


def _save_state(engine, url: str, etag: str | None, modified: str | None, status: str) -> None:
    from sqlalchemy import delete

    from eventwire.store.scale import _now

    with engine.begin() as conn:
        conn.execute(delete(feed_state).where(feed_state.c.url == url))
        conn.execute(feed_state.insert().values(url=url, etag=etag, last_modified=modified, checked_at=_now(),
                                                status=status[:500]))


def parse_every(text: str) -> float:
    """'10m', '30s', '1h', '90' (seconds) as seconds."""
    t = text.strip().lower()
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    try:
        if t and t[-1] in units:
            return float(t[:-1]) * units[t[-1]]
        return float(t)
    except ValueError:
        raise ValueError(f"--every {text!r}: give a number with s, m, h or d (e.g. 10m)") from None
