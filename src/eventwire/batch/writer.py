"""Writing one analysed batch to the store: one transaction, so a killed run leaves no half.

Every engine (local workers, Ray actors, the feed watcher) writes through
`write_batch`. An article and its items go in together with the batch or not at
all; an article already stored is skipped (insert-or-ignore on its id), so a run
started again after `kill -9` stores every article exactly once. A writer that
meets a busy database waits and retries the whole batch (`repo.write`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

SECTIONS = ("places", "times", "actors", "claims", "events", "framing")


@dataclass
class Counts:
    """What a run did: inputs seen, stored, already present, failed, and new items per section."""

    inputs: int = 0
    stored: int = 0
    present: int = 0
    failed: int = 0
    items: dict = field(default_factory=lambda: dict.fromkeys(SECTIONS, 0))
    stored_ids: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def add(self, other: Counts) -> None:
        self.inputs += other.inputs
        self.stored += other.stored
        self.present += other.present
        self.failed += other.failed
        for k in SECTIONS:
            self.items[k] += other.items[k]
        self.stored_ids.extend(other.stored_ids)
        self.errors.extend(other.errors)


def result_row(art, rec) -> dict:
    """What a worker sends back for one input item: plain data, cheap to pickle."""
    return {"id": getattr(art, "article_id", None), "raw": getattr(art, "raw", None),
            "source": getattr(art, "source", None), "kind": getattr(art, "kind", None),
            "record": rec.to_dict() if rec is not None and hasattr(rec, "to_dict") else rec}


_copies: dict[str, object] = {}  # one near-copy index per database in this process


def write_batch(engine, rows: list[dict]) -> Counts:
    """Store a batch of `result_row`s in one transaction; its counts.

    The transaction is `repo.write`'s (retried with backoff while the database is
    busy). Each article goes in under a savepoint, so a value the store refuses
    fails that article only (its error record is stored instead), and near-copies
    are marked with the same `CopyIndex` as `eventwire ingest` uses.
    """
    from sqlalchemy.exc import DBAPIError

    from eventwire.store import repo
    from eventwire.store.dedup import CopyIndex

    copies = _copies.setdefault(str(engine.url), CopyIndex())

    def run(conn) -> Counts:
        c = Counts()
        for row in rows:
            c.inputs += 1
            d = row["record"]
            if d is None:
                c.present += 1
                continue
            if d.get("schema") != "eventwire/error/1":
                try:
                    with conn.begin_nested():
                        outcome = repo.store_document(conn, d, raw=row.get("raw"), source=row.get("source"),
                                                      kind=row.get("kind"), copies=copies)
                except (repo.StoreRefused, DBAPIError) as exc:
                    if isinstance(exc, DBAPIError) and repo.transient(exc):
                        raise  # busy: the whole batch is retried
                    what = str(exc) if isinstance(exc, repo.StoreRefused) else f"cannot store: {exc}"
                    source = row.get("source")
                    d = {"schema": "eventwire/error/1", "id": repo.storable(row.get("id")),
                         "error": repo.storable(f"{source}: {what}"), "code": getattr(exc, "code", "store"),
                         "source": repo.storable(source)}
                else:
                    if outcome == repo.PRESENT:
                        c.present += 1
                    else:
                        c.stored += 1
                        c.stored_ids.append(d["article"]["id"])
                        for k in SECTIONS:
                            c.items[k] += len(d.get(k) or [])
                    continue
            c.failed += 1
            c.errors.append(d)
            repo.save_error(conn, d)
        return c

    try:
        return repo.write(engine, run)
    except Exception:
        copies.reset()  # it may hold articles whose transaction rolled back (as `repo.store` does)
        raise


def known_ids(engine, ids: list[str]) -> set[str]:
    """Which of these article ids are stored (one query per chunk; used to skip before analysing)."""
    from sqlalchemy import select

    from eventwire.store import schema as s

    out: set[str] = set()
    with engine.connect() as conn:
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            out.update(r[0] for r in conn.execute(select(s.articles.c.id).where(s.articles.c.id.in_(chunk))))
    return out
