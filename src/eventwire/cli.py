"""The command line: click is imported here only.

stdout carries only data; progress and messages go to stderr. A bad input item
gets an `eventwire/error/1` record in its place and the exit status turns 1 at
the end; a usage error exits 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

import click

from eventwire import __version__
from eventwire.settings import load_settings

EXIT_ITEM_ERRORS = 1


def _settings(ctx: click.Context, **overrides: Any):
    root = ctx.find_root()
    base = dict(root.obj or {})
    base.update({k: v for k, v in overrides.items() if v is not None})
    return load_settings(base)


def db_option(f):
    return click.option("--db", "db", default=None, metavar="FILE|URL",
                        help="SQLite file or database URL (default: user data dir; EVENTWIRE_DB).")(f)


def published_option(f):
    return click.option("--published", default=None, metavar="YYYY-MM-DD",
                        help="Reference date for articles that carry none.")(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="eventwire")
@click.option("--model", "spacy_model", default=None, help="spaCy model package name (setting spacy_model).")
@click.pass_context
def cli(ctx: click.Context, spacy_model: str | None) -> None:
    """eventwire: attributed, geolocated, dated event records from news reports."""
    ctx.obj = {"spacy_model": spacy_model}


def analysed_items(paths: tuple[str, ...], settings, published: str | None) -> Iterator[tuple[Any, Any]]:
    """(item, Document-or-ErrorRecord) for every input item, in input order.

    Input errors come from the readers; a failure inside the pipeline on one
    article becomes that article's error record, and the rest go on.
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
        nlp = nlp or get_nlp(settings)
        batch = list(pending)
        pending.clear()
        try:
            for art, doc in zip(batch, analyse_many(batch, published, nlp=nlp, settings=settings),
                                strict=True):
                yield art, doc
        except Exception:  # one article broke a layer: redo one by one so only it fails
            for art in batch:
                try:
                    yield art, next(analyse_many([art], published, nlp=nlp, settings=settings))
                except Exception as exc:  # noqa: BLE001 - reported in the item's error record
                    yield art, records.ErrorRecord(id=art.article_id, error=f"analysis failed: {exc!r}",
                                                   code="analysis", source=art.source)

    for item in iter_articles(paths, limit=settings.max_article_bytes):
        if isinstance(item, InputError):
            yield from flush()
            yield item, records.ErrorRecord(id=item.item_id or item.source, error=str(item),
                                            code=item.code, source=item.source)
            continue
        pending.append(item)
        if len(pending) >= settings.batch_size:
            yield from flush()
    yield from flush()


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...|-")
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl"]), default=None,
              help="json: indented documents (default); jsonl: one document per line.")
@published_option
@click.pass_context
def extract(ctx: click.Context, paths: tuple[str, ...], fmt: str | None, published: str | None) -> None:
    """Analyse articles and print their documents (.txt, .html, .jsonl, a directory, or - for stdin)."""
    settings = _settings(ctx)
    failed = 0
    n = 0
    for _item, rec in analysed_items(paths, settings, published):
        d = rec.to_dict()
        failed += d["schema"] == "eventwire/error/1"
        if d["schema"] == "eventwire/error/1":
            click.echo(f"eventwire: {d['error']}", err=True)
        click.echo(json.dumps(d, ensure_ascii=False, indent=None if fmt == "jsonl" else 2))
        n += 1
    if failed:
        click.echo(f"eventwire: {failed} of {n} inputs failed", err=True)
        sys.exit(EXIT_ITEM_ERRORS)


@cli.command("settings")
@click.pass_context
def settings_cmd(ctx: click.Context) -> None:
    """Print each effective setting and where it came from."""
    s = _settings(ctx)
    for name, value, source in s.as_rows():
        click.echo(f"{name:<18} {value!s:<60} {source}")


def main() -> None:
    cli(prog_name="eventwire")


if __name__ == "__main__":
    main()
