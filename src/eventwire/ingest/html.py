"""Saved web pages: main text and metadata through trafilatura (its only importer)."""

from __future__ import annotations

from eventwire.errors import NoMainText
from eventwire.ingest.article import Article


def article_from_html(html: str, source: str | None = None, url: str | None = None) -> Article:
    """The page's main text, title, date, site name and URL as an Article."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_precision=True)
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise NoMainText("no article text found in this HTML page (empty, broken or only navigation); "
                         "save the article page itself, or give its text as .txt", source=source)
    title = getattr(doc, "title", None) or None
    head, _, rest = text.lstrip().partition("\n")
    if title and rest.strip() and " ".join(head.split()) == " ".join(title.split()):
        text = rest  # the page's headline repeated as the first line: the title field holds it
    return Article(
        text=text,
        title=title,
        published=getattr(doc, "date", None) or None,
        url=getattr(doc, "url", None) or url,
        outlet=getattr(doc, "sitename", None) or getattr(doc, "hostname", None) or None,
        language=getattr(doc, "language", None) or None,
        source=source, kind="html", raw=html,
    )
