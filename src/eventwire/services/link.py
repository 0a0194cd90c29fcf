"""Linking the stored events into incidents: what `eventwire link` (full or `--incremental`),
`eventwire batch`/`reanalyse`/`watch`, `POST /api/articles`, `DELETE /api/articles/{id}` and every
correction run.

Both are one write transaction through `repo.write` (on SQLite it takes the write lock when
it begins, and waits while another writer holds it), so a link never fails half-way because
an ingest committed meanwhile. Every link step also takes `repo.lock_links` first (an advisory
lock on PostgreSQL), so two of them, in two threads or two processes, never overlap: the
second reads what the first committed. The linking itself is `eventwire.link.incremental`.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine

from eventwire.batch.progress import bar
from eventwire.link import LinkResult
from eventwire.link.incremental import (
    IncrementalResult,
    count_linkable,
    link_articles,
    relink_full,
    unlinked_articles,
)
from eventwire.services.read import article_id
from eventwire.store import queries as Q
from eventwire.store import repo

NOTHING_NEW = {"new_articles": 0, "new_reports": 0, "incidents_changed": 0, "incidents_removed": 0}


def relink_in(conn: Connection, *, quiet: bool = True) -> LinkResult:
    """Link every stored event again on `conn` (the caller's transaction): incident ids are kept,
    people's corrections applied again, and the incremental index rebuilt."""
    repo.lock_links(conn)  # a no-op when the caller's transaction holds it already
    with bar(count_linkable(conn), "link (full)", quiet, unit="doc") as pbar:
        return relink_full(conn, progress=pbar)


def relink(engine: Engine, *, quiet: bool = True) -> LinkResult:
    """A full link (`relink_in`) in its own write transaction."""
    return repo.write(engine, lambda conn: relink_in(conn, quiet=quiet))


def link_new(engine: Engine, *, quiet: bool = True) -> IncrementalResult:
    """Link the stored articles the linker has not seen yet, against the incidents of their date and
    place window (the same incidents a full link gives), in one write transaction."""
    def run(conn: Connection) -> IncrementalResult:
        repo.lock_links(conn)  # before reading what is unlinked: another link step may be linking it
        ids = unlinked_articles(conn)
        if not ids:
            return IncrementalResult(stats=dict(NOTHING_NEW))
        with bar(len(ids), "link (incremental)", quiet) as pbar:
            return link_articles(conn, ids, progress=pbar)
    return repo.write(engine, run)


def delete_article(engine: Engine, ident: str, *, quiet: bool = True) -> tuple[str, LinkResult]:
    """Delete the stored article an id or id prefix names, with its items and its reports, and link
    every stored event again (an incident it alone reported goes), in one write transaction:
    (the article id, the link result). NotFound or Ambiguous when `ident` names none or several."""
    def run(conn: Connection) -> tuple[str, LinkResult]:
        repo.lock_links(conn)
        aid = article_id(conn, ident)
        Q.delete_article(conn, aid)
        return aid, relink_in(conn, quiet=quiet)
    return repo.write(engine, run)
