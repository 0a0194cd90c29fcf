"""`eventwire batch --engine local`: worker processes, each with the pipeline loaded once.

The parent reads the inputs in order, skips articles already stored, hands
batches of `batch_size` articles to the workers and writes each analysed batch
in one transaction (`writer.write_batch`). At most two batches per worker are
in flight, so memory stays flat however long the input is. With one worker the
batches are analysed in the parent process, exactly as `eventwire ingest` does.
Workers are started with `spawn`, so no state of the parent (database
connections, threads) leaks into them.
"""

from __future__ import annotations

import multiprocessing as mp
from collections import deque
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from eventwire.batch.writer import Counts, known_ids, result_row, write_batch

_worker: dict = {}


def _init(settings, published: str | None) -> None:
    """Worker start: build the pipeline once."""
    from eventwire.analysis import get_nlp

    _worker["settings"], _worker["published"] = settings, published
    _worker["nlp"] = get_nlp(settings)


def _analyse(arts: list) -> list[dict]:
    from eventwire.batch.local import analyse_articles

    recs = analyse_articles(arts, _worker["settings"], _worker["published"], nlp=_worker["nlp"])
    return [result_row(a, r) for a, r in zip(arts, recs, strict=True)]


def chunks(paths: tuple[str, ...], settings) -> Iterator[tuple[list, list[dict]]]:
    """(articles, input-error rows) in input order, at most `batch_size` articles per chunk."""
    from eventwire.batch.local import input_error_record
    from eventwire.errors import InputError
    from eventwire.ingest import iter_articles

    arts: list = []
    errors: list[dict] = []
    for item in iter_articles(paths, limit=settings.max_article_bytes, languages=settings.languages):
        if isinstance(item, InputError):
            errors.append(result_row(item, input_error_record(item)))
        else:
            arts.append(item)
        if len(arts) >= settings.batch_size or len(errors) >= settings.batch_size:
            yield arts, errors
            arts, errors = [], []
    if arts or errors:
        yield arts, errors


def run_local(paths: tuple[str, ...], settings, published: str | None, workers: int = 1,
              progress=None, on_batch=None) -> Counts:
    """Analyse and store every input item; the counts. `on_batch(counts)` sees each written batch."""
    from eventwire.store import open_store

    engine = open_store(settings.db)
    total = Counts()

    def written(c: Counts) -> None:
        total.add(c)
        if progress is not None:
            progress.update(c.inputs)
        if on_batch is not None:
            on_batch(c)

    def split(arts: list) -> tuple[list, list[dict]]:
        known = known_ids(engine, [a.article_id for a in arts])
        return [a for a in arts if a.article_id not in known], \
            [result_row(a, None) for a in arts if a.article_id in known]

    if workers <= 1:
        from eventwire.batch.local import analyse_articles

        for arts, errors in chunks(paths, settings):
            todo, present = split(arts)
            recs = analyse_articles(todo, settings, published)
            written(write_batch(engine, errors + present + [result_row(a, r) for a, r in
                                                            zip(todo, recs, strict=True)]))
        return total

    ctx = mp.get_context("spawn")
    inflight: deque[Future] = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init,
                             initargs=(settings, published)) as pool:
        def drain(limit: int) -> None:
            while len(inflight) > limit:
                done, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
                for f in done:
                    inflight.remove(f)
                    written(write_batch(engine, f.result()))

        for arts, errors in chunks(paths, settings):
            todo, present = split(arts)
            if errors or present:
                written(write_batch(engine, errors + present))
            if todo:
                inflight.append(pool.submit(_analyse, todo))
            drain(2 * workers)
        drain(0)
    return total
