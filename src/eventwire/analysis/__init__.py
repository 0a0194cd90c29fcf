"""Analysis: article text in, contract `Document` out. Pure and deterministic."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from eventwire import records
from eventwire.analysis.pipeline import build_nlp, failure_of, get_nlp
from eventwire.analysis.windows import WINDOW_CHARS, merge_documents, split_windows
from eventwire.errors import LayerFailed
from eventwire.ingest.article import Article
from eventwire.ingest.metadata import find_text_meta
from eventwire.ingest.outlets import outlet_record
from eventwire.settings import Settings

__all__ = ["analyse", "analyse_long", "analyse_many", "build_nlp", "get_nlp", "prepare"]


def _iso(value: object) -> str | None:
    """A published value as ISO text (date or datetime), or None."""
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    s = str(value).strip()
    return s or None


def prepare(nlp: Language, art: Article, published: str | None = None,
            window: tuple[int, int] | None = None) -> tuple[Doc, dict]:
    """A tokenised Doc with `ew_meta` set, and the article fields of its record.

    With `window` (start, end), the Doc holds only that part of the text; spans
    found at the top of the article (dateline, title) stay with the first window.
    """
    tm = find_text_meta(art.text)
    pub = _iso(art.published) or tm.published or _iso(published)
    outlet = outlet_record(art.outlet or tm.dateline_outlet)
    start, end = window or (0, len(art.text))
    doc = nlp.make_doc(art.text[start:end] if window else art.text)

    def span(v: tuple | None) -> list | None:
        return list(v) if v and start == 0 and v[1] <= end else None

    doc._.ew_meta = {
        "published": pub,
        "outlet": outlet,
        "dateline": span(tm.dateline),
        "dateline_outlet": span(tm.dateline_outlet_span),
        "published_span": span(tm.published_span),
        "title": span(tm.title_span),
    }
    fields = {
        "id": art.article_id, "url": art.url, "title": art.title or tm.title, "published": pub,
        "language": art.language or "en", "outlet": outlet,
    }
    return doc, fields


def analyse_many(items: Iterable[Article | str], published: str | None = None, *,
                 nlp: Language | None = None, settings: Settings | None = None,
                 batch_size: int | None = None) -> Iterator[records.Document | records.ErrorRecord]:
    """Documents for many articles, in order, through `nlp.pipe` in batches.

    An article a layer raised on comes as an `eventwire/error/1` record naming the
    layer, in its place; the rest of the batch goes on.
    An article longer than `WINDOW_CHARS` is analysed alone, window by window
    (`analyse_long`), so memory stays bounded whatever its length.
    """
    nlp = nlp or get_nlp(settings)
    bs = batch_size or (settings.batch_size if settings else 32)
    run: list[Article] = []
    for it in items:
        art = it if isinstance(it, Article) else Article(text=it)
        if len(art.text) > WINDOW_CHARS:
            yield from _pipe(nlp, run, published, bs)
            run = []
            yield analyse_long(nlp, art, published)
            continue
        run.append(art)
        if len(run) >= bs:
            yield from _pipe(nlp, run, published, bs)
            run = []
    yield from _pipe(nlp, run, published, bs)


def _pipe(nlp: Language, arts: list[Article], published: str | None,
          bs: int) -> Iterator[records.Document | records.ErrorRecord]:
    """One record per article, in order; an article a layer raised on is its error record.

    spaCy's error handler (`pipeline.keep_failure`) marks the Doc and `nlp.pipe` drops
    it, so a Doc that does not come back, or comes back marked, failed.
    """
    waiting: deque[tuple[Doc, dict, Article]] = deque()

    def docs() -> Iterator[Doc]:
        for art in arts:
            doc, fields = prepare(nlp, art, published)
            waiting.append((doc, fields, art))
            yield doc

    for doc in nlp.pipe(docs(), batch_size=bs):
        if any(w[0] is doc for w in waiting):
            while waiting[0][0] is not doc:
                yield _failed_entry(waiting.popleft())
        _, fields, art = waiting.popleft()
        yield record_for(doc, fields, art)
    while waiting:
        yield _failed_entry(waiting.popleft())


def _failed_entry(entry: tuple[Doc, dict, Article]) -> records.ErrorRecord:
    doc, _fields, art = entry
    return failed(art, failure_of(doc))


def failed(art: Article, failure: tuple[str, str] | None) -> records.ErrorRecord:
    """The error record of an article a layer raised on, naming the layer."""
    layer, error = failure or (None, "the pipeline dropped the document")
    where = art.source or art.article_id
    what = f"the {layer} layer failed: {error}" if layer else f"analysis failed: {error}"
    return records.ErrorRecord(id=art.article_id, error=f"{where}: {what}"[:2000], code="analysis",
                               source=art.source, layer=layer)


def record_for(doc: Doc, fields: dict, art: Article) -> records.Document | records.ErrorRecord:
    """The Document of an analysed Doc, or the error record when a layer raised on it."""
    failure = failure_of(doc)
    return failed(art, failure) if failure else to_document(doc, fields)


def analyse_long(nlp: Language, art: Article, published: str | None = None,
                 size: int = WINDOW_CHARS) -> records.Document | records.ErrorRecord:
    """One document for a long article, analysed in windows of paragraphs (one at a time).

    A layer that raises on any window makes the whole article its error record.
    """
    parts = []
    for start, end in split_windows(art.text, size):
        doc, fields = prepare(nlp, art, published, window=(start, end))
        out = next(nlp.pipe([doc], batch_size=1), None)
        if out is None or failure_of(out):
            return failed(art, failure_of(doc))
        parts.append((start, to_document(out, fields).to_dict()))
        del doc, out
    return records.Document.model_validate(merge_documents(art.text, parts))


def analyse(text: str, published: str | None = None, *, id: str | None = None, title: str | None = None,
            url: str | None = None, outlet: str | None = None, nlp: Language | None = None,
            settings: Settings | None = None) -> records.Document:
    """The contract Document for one article text; `LayerFailed` names a layer that raised."""
    art = Article(text=text, id=id, title=title, url=url, outlet=outlet)
    out = next(analyse_many([art], published, nlp=nlp, settings=settings))
    if isinstance(out, records.ErrorRecord):
        raise LayerFailed(out.error, layer=out.layer)
    return out


from eventwire.analysis.document import to_document  # noqa: E402
