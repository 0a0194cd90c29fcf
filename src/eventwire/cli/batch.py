"""CLI commands for scale-out runs: `eventwire batch`, `eventwire reanalyse`, `eventwire watch`.

Registered on the main group in cli.py. The engines live in `eventwire.batch`;
this module only parses options, shows progress and prints the summary.
"""

from __future__ import annotations

import sys
import time

import click

from eventwire.cli.common import (
    EXIT_ITEM_ERRORS,
    SECTIONS,
    _open_db,
    _settings,
    _shown_db,
    db_option,
    published_option,
)


def quiet_option(f):
    return click.option("--quiet", "-q", is_flag=True,
                        help="No progress bar (it is also off when stderr is not a terminal).")(f)


def _summary(verb: str, counts, settings, seconds: float) -> None:
    from eventwire.store import repo

    engine = _open_db(settings)
    with engine.connect() as conn:
        total = repo.stats(conn)
    rate = counts.inputs / seconds if seconds > 0 else 0.0
    click.echo(f"{verb} {counts.inputs} input{'s' * (counts.inputs != 1)} into {_shown_db(settings.db)} "
               f"in {seconds:.1f}s ({rate:.2f}/s)")
    click.echo(f"  stored           {counts.stored}")
    click.echo(f"  already present  {counts.present}")
    click.echo(f"  failed           {counts.failed}")
    click.echo("  new items        " + ", ".join(f"{k} {counts.items[k]}" for k in SECTIONS))
    click.echo(f"Database: {total['articles']} article{'s' * (total['articles'] != 1)}, "
               + ", ".join(f"{total[k]} {k}" for k in SECTIONS) + f", {total['ingest_errors']} errors")


def _link_new(settings, quiet: bool) -> None:
    from eventwire.services.link import link_new

    engine = _open_db(settings)
    t0 = time.perf_counter()
    res = link_new(engine, quiet=quiet)
    click.echo(f"Linked {res.stats.get('new_reports', 0)} new reports incrementally in "
               f"{time.perf_counter() - t0:.1f}s: {res.stats.get('incidents_changed', 0)} incidents "
               f"written, {res.stats.get('incidents_removed', 0)} merged away", err=True)


@click.command("batch")
@click.argument("paths", nargs=-1, required=True, metavar="INPUT...")
@db_option
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local: worker processes on this machine; ray: Ray Data with an actor pool.")
@click.option("--workers", type=click.IntRange(1, 512), default=None,
              help="Worker processes or Ray actors, each with the pipeline loaded once (default: CPUs).")
@click.option("--ray-address", default=None, metavar="ADDR",
              help="Join this Ray cluster (e.g. ray://head:10001) instead of starting Ray locally.")
@click.option("--link/--no-link", "link", default=False,
              help="Link the new events into incidents incrementally when done.")
@published_option
@quiet_option
@click.pass_context
def batch_cmd(ctx: click.Context, paths: tuple[str, ...], db: str | None, engine: str, workers: int | None,
              ray_address: str | None, link: bool, published: str | None, quiet: bool) -> None:
    """Analyse and store many articles in parallel; a run killed and started again resumes.

    Inputs are read as `eventwire ingest` reads them (.txt, .html, .jsonl, feeds,
    folders) and give the same documents. Each batch is stored in one
    transaction and stored articles are skipped, so after a crash or kill the
    same command stores each remaining article exactly once.
    """
    import os

    from eventwire.batch.progress import bar, count_inputs

    settings = _settings(ctx, db=db)
    workers = workers or max(1, min(os.cpu_count() or 1, 8))
    _open_db(settings).dispose()
    t0 = time.perf_counter()
    with bar(count_inputs(paths), f"batch ({engine} x{workers})", quiet) as pbar:
        if engine == "ray":
            try:
                from eventwire.batch.ray_engine import run_ray
            except ImportError as exc:
                raise click.ClickException(f"the ray engine needs Ray: pip install 'eventwire[ray]' ({exc})") \
                    from None
            try:
                counts = run_ray(paths, settings, published, workers=workers, address=ray_address, progress=pbar)
            except ValueError as exc:
                raise click.UsageError(str(exc)) from None
        else:
            from eventwire.batch.pool import run_local

            counts = run_local(paths, settings, published, workers=workers, progress=pbar)
    for err in counts.errors:
        click.echo(f"eventwire: {err.get('error')}", err=True)
    _summary("Batch-processed", counts, settings, time.perf_counter() - t0)
    if link:
        _link_new(settings, quiet)
    if counts.failed:
        click.echo(f"eventwire: {counts.failed} of {counts.inputs} inputs failed", err=True)
        sys.exit(EXIT_ITEM_ERRORS)


@click.command("reanalyse")
@db_option
@click.option("--outdated", "scope", flag_value="outdated", default=True,
              help="Articles an older (or unknown) analysis version made (the default).")
@click.option("--all", "scope", flag_value="all", help="Every stored article.")
@click.option("--link/--no-link", "link", default=True, show_default=True,
              help="Link the re-analysed events again (incrementally) when done.")
@quiet_option
@click.pass_context
def reanalyse_cmd(ctx: click.Context, db: str | None, scope: str, link: bool, quiet: bool) -> None:
    """Analyse stored articles again with this version of eventwire; each batch replaced atomically.

    Every article records the analysis version that produced it (package version
    plus a hash of the analysis code, data files and spaCy model); `eventwire
    settings` and this command print the current one.
    """
    from eventwire.analysis.pipeline import analysis_version
    from eventwire.batch.progress import bar
    from eventwire.batch.reanalyse import outdated_ids, reanalyse

    settings = _settings(ctx, db=db)
    engine = _open_db(settings)
    current = analysis_version(settings)
    with engine.connect() as conn:
        ids = outdated_ids(conn, current, everything=scope == "all")
    click.echo(f"analysis version {current}: {len(ids)} article{'s' * (len(ids) != 1)} to re-analyse", err=True)
    t0 = time.perf_counter()
    with bar(len(ids), "reanalyse", quiet) as pbar:
        counts = reanalyse(engine, settings, ids, progress=pbar)
    for err in counts.errors:
        click.echo(f"eventwire: {err.get('error')}", err=True)
    _summary("Re-analysed", counts, settings, time.perf_counter() - t0)
    if link and counts.stored:
        _link_new(settings, quiet)
    if counts.failed:
        click.echo(f"eventwire: {counts.failed} of {counts.inputs} articles failed (kept as they were)", err=True)
        sys.exit(EXIT_ITEM_ERRORS)


@click.command("watch")
@click.argument("feeds", nargs=-1, required=True, metavar="FEED_URL...")
@db_option
@click.option("--every", default="10m", show_default=True, metavar="INTERVAL",
              help="Time between rounds: 30s, 10m, 1h.")
@click.option("--once", is_flag=True, help="One round, then exit (for cron and tests).")
@click.option("--link/--no-link", "link", default=True, show_default=True,
              help="Link new events into incidents (incrementally) after each round.")
@published_option
@click.pass_context
def watch_cmd(ctx: click.Context, feeds: tuple[str, ...], db: str | None, every: str, once: bool, link: bool,
              published: str | None) -> None:
    """Follow RSS/Atom feeds: fetch each new entry's page, analyse, store and link it, round after round.

    Feeds are pulled with their last ETag/Last-Modified, entries already taken
    are skipped, and a feed that is down or malformed is reported and tried
    again next round. One line per feed and round goes to stderr.
    """
    from eventwire.batch.watch import parse_every, pull

    try:
        interval = parse_every(every)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    settings = _settings(ctx, db=db)
    engine = _open_db(settings)
    while True:
        t0 = time.monotonic()
        stored = 0
        for url in feeds:
            res = pull(engine, url, settings, published)
            c = res.counts
            stored += c.stored
            click.echo(f"{url}: {res.status}; {res.entries} entries, {res.new} new: stored {c.stored}, "
                       f"present {c.present}, failed {c.failed}", err=True)
            for err in c.errors:
                click.echo(f"eventwire: {err.get('error')}", err=True)
        if link and stored:
            _link_new(settings, True)
        if once:
            return
        time.sleep(max(0.0, interval - (time.monotonic() - t0)))


COMMANDS = [batch_cmd, reanalyse_cmd, watch_cmd]
