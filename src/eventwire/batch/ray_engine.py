"""`eventwire batch --engine ray`: Ray Data reads the files, an actor pool analyses and stores.

Ray Data reads each input file (`read_binary_files`), splits it into input items
with the same readers `eventwire ingest` uses (so ids, sources, errors and the
language check are the same), and `map_batches` hands batches of `batch_size`
items to a pool of `Analyser` actors. Each actor loads the pipeline once, skips
articles already stored, and writes each analysed batch to the store in one
transaction (`writer.write_batch`), so a killed run resumes like the local engine.
Without `--ray-address` Ray runs on this machine with `workers` CPUs; with one it
joins that cluster (the store URL must be reachable from every node: PostgreSQL).

Ray is an optional extra: `pip install 'eventwire[ray]'`.
"""

from __future__ import annotations

import io
import json
import pickle
from pathlib import Path

from eventwire.batch.writer import Counts, known_ids, result_row, write_batch


class _InMemoryFile:
    """A file Ray has read, shaped like the `Path` the readers open (name, suffix, open)."""

    def __init__(self, path: str, data: bytes) -> None:
        self._path, self._data = path, data
        self.suffix = Path(path).suffix
        self.name = Path(path).name

    def open(self, mode: str = "rb") -> io.BytesIO:
        return io.BytesIO(self._data)

    def __str__(self) -> str:
        return self._path


def input_files(paths: tuple[str, ...]) -> list[str]:
    """The files the inputs name, folders walked as `eventwire ingest` walks them."""
    from eventwire.ingest.readers import READERS

    out: list[str] = []
    for p in paths:
        if p == "-":
            raise ValueError("the ray engine reads files, not stdin; save the input to a .jsonl file first")
        path = Path(p)
        if path.is_dir():
            out.extend(str(c) for c in sorted(x for x in path.rglob("*") if x.is_file()
                                              and not x.name.startswith("."))
                       if c.suffix.lower().lstrip(".") in READERS and c.suffix.lower() != ".dir")
        elif path.exists():
            out.append(str(path.resolve()))
        else:
            raise ValueError(f"no such file or directory: {p}")
    return out


def split_items(row: dict, limit: int, languages: str) -> list[dict]:
    """The input items of one file read by Ray (one row per item, pickled)."""
    from eventwire.ingest.readers import READERS, _checked, read_txt

    f = _InMemoryFile(row["path"], row["bytes"])
    reader = READERS.get(f.suffix.lower().lstrip("."), read_txt)
    return [{"item": pickle.dumps(it)} for it in _checked(reader(f, limit), languages)]


class Analyser:
    """A Ray actor: the pipeline and a store engine, loaded once; analyses and stores batches."""

    def __init__(self, settings, published: str | None) -> None:
        from eventwire.analysis import get_nlp
        from eventwire.store import open_store

        self.settings, self.published = settings, published
        self.nlp = get_nlp(settings)
        self.engine = open_store(settings.db)

    def __call__(self, batch: dict) -> dict:
        import numpy as np

        from eventwire.batch.local import analyse_articles, input_error_record
        from eventwire.errors import InputError

        items = [pickle.loads(b) for b in batch["item"]]
        arts = [it for it in items if not isinstance(it, InputError)]
        known = known_ids(self.engine, [a.article_id for a in arts])
        todo = [a for a in arts if a.article_id not in known]
        recs = dict(zip(map(id, todo), analyse_articles(todo, self.settings, self.published, nlp=self.nlp),
                        strict=True))
        rows = [result_row(it, input_error_record(it)) if isinstance(it, InputError) else result_row(it, recs.get(id(it)))
                for it in items]
        c = write_batch(self.engine, rows)
        return {"counts": np.array([json.dumps(c.__dict__)])}


def run_ray(paths: tuple[str, ...], settings, published: str | None, workers: int = 2,
            address: str | None = None, progress=None) -> Counts:
    """Analyse and store every input item with Ray Data; the counts."""
    import ray

    from eventwire.store import open_store

    files = input_files(paths)
    open_store(settings.db).dispose()  # schema at head before the actors start writing
    total = Counts()
    if not files:
        return total
    if not ray.is_initialized():
        if address:
            ray.init(address=address, include_dashboard=False, log_to_driver=False)
        else:
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.verbose_stats_logs = False
    # items are split into blocks of about this many bytes, so even one file feeds every actor
    size = sum(Path(f).stat().st_size for f in files)
    ctx.target_max_block_size = int(min(128 << 20, max(16 << 10, size // (4 * workers))))
    ds = ray.data.read_binary_files(files, include_paths=True, num_cpus=0)
    ds = ds.flat_map(split_items, fn_kwargs={"limit": settings.max_article_bytes,
                                             "languages": settings.languages}, num_cpus=0)
    ds = ds.map_batches(Analyser, fn_constructor_kwargs={"settings": settings, "published": published},
                        batch_size=settings.batch_size, batch_format="numpy",
                        compute=ray.data.ActorPoolStrategy(size=workers), num_cpus=1)
    for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
        for js in batch["counts"]:
            c = Counts(**json.loads(js))
            total.add(c)
            if progress is not None:
                progress.update(c.inputs)
    return total
