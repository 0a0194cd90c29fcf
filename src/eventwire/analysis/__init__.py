"""Analysis: article text in, contract `Document` out. Pure and deterministic."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from eventwire import records
from eventwire.analysis.pipeline import build_nlp, get_nlp
from eventwire.ingest.article import Article
from eventwire.ingest.metadata import find_text_meta
from eventwire.ingest.outlets import outlet_record
from eventwire.settings import Settings

__all__ = ["analyse", "analyse_many", "build_nlp", "get_nlp", "prepare"]


def _iso(value: object) -> str | None:
    """A published value as ISO text (date or datetime), or None."""
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    s = str(value).strip()
    return s or None


def prepare(nlp: Language, art: Article, published: str | None = None) -> tuple[Doc, dict]:
    """A tokenised Doc with `ew_meta` set, and the article fields of its record."""
    tm = find_text_meta(art.text)
    pub = _iso(art.published) or tm.published or _iso(published)
    outlet = outlet_record(art.outlet or tm.dateline_outlet)
    doc = nlp.make_doc(art.text)
    doc._.ew_meta = {
        "published": pub,
        "outlet": outlet,
        "dateline": list(tm.dateline) if tm.dateline else None,
        "dateline_outlet": list(tm.dateline_outlet_span) if tm.dateline_outlet_span else None,
        "published_span": list(tm.published_span) if tm.published_span else None,
        "title": list(tm.title_span) if tm.title_span else None,
    }
    fields = {
        "id": art.article_id, "url": art.url, "title": art.title or tm.title, "published": pub,
        "language": art.language or "en", "outlet": outlet,
    }
    return doc, fields


def analyse_many(items: Iterable[Article | str], published: str | None = None, *,
                 nlp: Language | None = None, settings: Settings | None = None,
                 batch_size: int | None = None) -> Iterator[records.Document]:
    """Documents for many articles, in order, through one `nlp.pipe` run."""
    nlp = nlp or get_nlp(settings)
    fields_queue: deque[dict] = deque()

    def docs() -> Iterator[Doc]:
        for it in items:
            art = it if isinstance(it, Article) else Article(text=it)
            doc, fields = prepare(nlp, art, published)
            fields_queue.append(fields)
            yield doc

    bs = batch_size or (settings.batch_size if settings else 32)
    for doc in nlp.pipe(docs(), batch_size=bs):
        yield to_document(doc, fields_queue.popleft())


def analyse(text: str, published: str | None = None, *, id: str | None = None, title: str | None = None,
            url: str | None = None, outlet: str | None = None, nlp: Language | None = None,
            settings: Settings | None = None) -> records.Document:
    """The contract Document for one article text."""
    art = Article(text=text, id=id, title=title, url=url, outlet=outlet)
    return next(analyse_many([art], published, nlp=nlp, settings=settings))


from eventwire.analysis.document import to_document  # noqa: E402
