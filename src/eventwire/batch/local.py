"""The local engine: every input item analysed in order, in nlp.pipe batches.

`eventwire extract`, `eventwire ingest` and the API's upload all run through
`analysed_items`, so a file behaves the same whichever way it comes in. The
worker processes of `eventwire batch` and the Ray actors analyse their batches
with `analyse_articles`, the same per-batch step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any


def analyse_articles(arts: list, settings, published: str | None, nlp=None) -> list:
    """Documents (or error records) for a batch of Articles, in order, through one nlp.pipe run.

    A failure inside the pipeline on one article becomes that article's error
    record: the batch is redone one by one so only the broken article fails.
    """
    from eventwire import records
    from eventwire.analysis import analyse_many, get_nlp

    if not arts:
        return []
    nlp = nlp or get_nlp(settings)
    try:
        return list(analyse_many(arts, published, nlp=nlp, settings=settings))
    except Exception:  # one article broke a layer: redo one by one so only it fails
        out = []
        for art in arts:
            try:
                out.append(next(analyse_many([art], published, nlp=nlp, settings=settings)))
            except Exception as exc:  # noqa: BLE001 - reported in the item's error record
                out.append(records.ErrorRecord(
                    id=art.article_id, error=f"{art.source}: analysis failed: {exc!r}",
                    code="analysis", source=art.source))
        return out


def input_error_record(item) -> Any:
    """The `eventwire/error/1` record of an input error from the readers."""
    from eventwire import records

    return records.ErrorRecord(id=item.item_id or item.source, error=str(item), code=item.code,
                               source=item.source)


def analysed_items(paths: tuple[str, ...], settings, published: str | None,
                   skip: Callable[[Any], bool] | None = None, all_files: bool = False,
                   progress: Any = None) -> Iterator[tuple[Any, Any]]:
    """(item, Document-or-ErrorRecord-or-None) for every input item, in input order.

    Input errors come from the readers; a failure inside the pipeline on one
    article becomes that article's error record, and the rest go on. Articles
    for which `skip(article)` is true are not analysed and come with None.
    Articles go through `nlp.pipe` in batches of `batch_size`, so a long
    JSON-lines input streams. `all_files`: a directory walk reads every file.
    `progress` (a tqdm bar) is advanced per item.
    """
    from eventwire.errors import InputError
    from eventwire.ingest import iter_articles

    pending: list = []

    def flush():
        if not pending:
            return
        batch = list(pending)
        pending.clear()
        todo = [a for a in batch if not (skip and skip(a))]
        done = {id(a): d for a, d in zip(todo, analyse_articles(todo, settings, published), strict=True)}
        for art in batch:
            if progress is not None:
                progress.update(1)
            yield art, done.get(id(art))

    for item in iter_articles(paths, limit=settings.max_article_bytes, languages=settings.languages,
                              all_files=all_files):
        if isinstance(item, InputError):
            yield from flush()
            if progress is not None:
                progress.update(1)
            yield item, input_error_record(item)
            continue
        pending.append(item)
        if len(pending) >= settings.batch_size:
            yield from flush()
    yield from flush()
