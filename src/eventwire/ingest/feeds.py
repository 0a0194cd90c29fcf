"""RSS and Atom feeds through feedparser (its only importer): one Article per entry.

A feed entry carries its text as HTML (`content` or `summary`); the markup is
dropped, the entry's link, title, date and the feed's title (the outlet) are
kept, and the entry's own XML-free record is kept as the raw input.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

from eventwire.errors import EmptyText, InputError, UnsupportedInput
from eventwire.ingest.article import Article


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment, one paragraph per block element."""
    import lxml.html

    if "<" not in markup:
        return markup.strip()
    try:
        root = lxml.html.fromstring(f"<div>{markup}</div>")
    except Exception:  # noqa: BLE001 - lxml raises several kinds on broken fragments
        return markup.strip()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for el in root.iter("p", "div", "li", "h1", "h2", "h3", "h4", "blockquote"):
        el.tail = "\n\n" + (el.tail or "")
    lines = [" ".join(x.split()) for x in root.text_content().split("\n")]
    out, blank = [], False
    for ln in lines:
        if ln:
            out.append(ln)
            blank = False
        elif not blank and out:
            out.append("")
            blank = True
    return "\n".join(out).strip()


def _iso(st: time.struct_time | None) -> str | None:
    if not st:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%S", st)


def articles_from_feed(data: bytes, source: str) -> Iterator[Article | InputError]:
    """Every entry of an RSS/Atom document, in feed order."""
    import feedparser

    feed = feedparser.parse(data)
    entries = feed.get("entries") or []
    if not entries:
        reason = f" ({feed.bozo_exception})" if feed.get("bozo") and feed.get("bozo_exception") else ""
        yield UnsupportedInput(f"no RSS/Atom entries found{reason}; give a feed file, or the "
                               f"article as .txt/.html", source=source)
        return
    outlet = (feed.get("feed") or {}).get("title") or (feed.get("feed") or {}).get("link")
    for n, e in enumerate(entries, 1):
        where = f"{source}#{n}"
        item_id = e.get("id") or e.get("link")
        html = ""
        if e.get("content"):
            html = max((c.get("value") or "" for c in e["content"]), key=len)
        html = html or e.get("summary") or ""
        text = html_to_text(html)
        if not text:
            yield EmptyText(f"entry {n} has no text (no content or summary); nothing to analyse",
                            source=where, item_id=item_id)
            continue
        raw = {k: e[k] for k in ("id", "link", "title", "published", "author") if k in e}
        raw["content"] = html
        yield Article(text=text, title=e.get("title") or None,
                      published=_iso(e.get("published_parsed")),
                      url=e.get("link") or None, outlet=outlet or None, source=where, kind="rss",
                      raw=json.dumps(raw, ensure_ascii=False), extra={"entry_id": item_id})
