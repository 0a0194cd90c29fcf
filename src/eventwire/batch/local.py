"""The local engine: every input item analysed in order, in nlp.pipe batches.

`eventwire extract`, `eventwire ingest` and the API's upload all run through
`analysed_items`, so a file behaves the same whichever way it comes in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any


def analysed_items(paths: tuple[str, ...], settings, published: str | None,
                   skip: Callable[[Any], bool] | None = None, all_files: bool = False
                   ) -> Iterator[tuple[Any, Any]]:
    """(item, Document-or-ErrorRecord-or-None) for every input item, in input order.

    Input errors come from the readers; a failure inside the pipeline on one
    article becomes that article's error record, and the rest go on. Articles
    for which `skip(article)` is true are not analysed and come with None.
    Articles go through `nlp.pipe` in batches of `batch_size`, so a long
    JSON-lines input streams. `all_files`: a directory walk reads every file.
    """
    from eventwire import records
    from eventwire.analysis import analyse_many, get_nlp
    from eventwire.errors import InputError
    from eventwire.ingest import iter_articles

    nlp = None
    pending: list = []

    def flush():
        nonlocal nlp
        if not pending:
            return
        batch = list(pending)
        pending.clear()
        todo = [a for a in batch if not (skip and skip(a))]
        done: dict[int, Any] = {}
        if todo:
            nlp = nlp or get_nlp(settings)
            try:
                for art, doc in zip(todo, analyse_many(todo, published, nlp=nlp, settings=settings),
                                    strict=True):
                    done[id(art)] = doc
            except Exception:  # one article broke a layer: redo one by one so only it fails
                for art in todo:
                    try:
                        done[id(art)] = next(analyse_many([art], published, nlp=nlp, settings=settings))
                    except Exception as exc:  # noqa: BLE001 - reported in the item's error record
                        done[id(art)] = records.ErrorRecord(
                            id=art.article_id, error=f"{art.source}: analysis failed: {exc!r}",
                            code="analysis", source=art.source)
        for art in batch:
            yield art, done.get(id(art))

    for item in iter_articles(paths, limit=settings.max_article_bytes, languages=settings.languages,
                              all_files=all_files):
        if isinstance(item, InputError):
            yield from flush()
            yield item, records.ErrorRecord(id=item.item_id or item.source, error=str(item),
                                            code=item.code, source=item.source)
            continue
        pending.append(item)
        if len(pending) >= settings.batch_size:
            yield from flush()
    yield from flush()
