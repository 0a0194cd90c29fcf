"""CLI commands for incidents: `eventwire link` and the `eventwire incidents` group.

Registered on the root group by `eventwire.cli`. The commands parse options and print;
the work is the services the API runs too: `services.link` (full or incremental link),
`services.corrections` (a correction is stored with who and when and applied at once by
re-linking, and again after every later `eventwire link`) and `services.read`.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter

import click

from eventwire.cli.common import (
    _open_db,
    _settings,
    _shown_db,
    checked_query,
    db_option,
    print_table,
    query_options,
    refusals,
)
from eventwire.records import GRADES
from eventwire.services.filters import MAX_OFFSET, IncidentExportQuery

FORMATS = ("table", "jsonl", "csv", "geojson")
_GROUP_KEY = "eventwire.incidents.options"
_QUERY = tuple(IncidentExportQuery.model_fields)  # the filters, sort, order and limit of /api/incidents


def _who(by: str | None) -> str:
    return by or os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"


def _summary(res, seconds: float) -> str:
    s = res.stats
    grades = s.get("grades") or Counter(i["grade"] for i in res.incidents)  # the full relink counts them
    line = (f"Linked {s['events']} events into {s['incidents']} incidents in {seconds:.1f}s "
            f"({s['pairs']} candidate pairs, {s['links']} links); grades: "
            + ", ".join(f"{g} {n}" for g, n in sorted(grades.items())))
    if res.skipped_corrections:
        line += f"; {len(res.skipped_corrections)} corrections no longer apply (their reports are gone)"
    return line


def _echo_link(res, seconds: float) -> None:
    click.echo(_summary(res, seconds), err=True)


@click.command("link")
@db_option
@click.option("--incremental", is_flag=True,
              help="Link only the events not linked yet, against the incidents of their date and place window.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar (also off when stderr is not a terminal).")
@click.pass_context
def link_cmd(ctx: click.Context, db: str | None, incremental: bool, quiet: bool) -> None:
    """Group the stored events into incidents, count origins and grade them.

    Incident ids stay stable across runs (new articles join existing incidents),
    and people's corrections are applied again after clustering. A full link reads
    every stored document; --incremental reads only the new ones and the stored
    reports near them in date and place, and gives the same incidents.
    """
    from eventwire.services import link

    settings = _settings(ctx, db=db)
    engine = _open_db(settings)
    t0 = time.perf_counter()
    if incremental:
        res = link.link_new(engine, quiet=quiet)
        s = res.stats
        click.echo(f"Linked {s.get('new_reports', 0)} new reports of {s.get('new_articles', 0)} articles "
                   f"incrementally in {time.perf_counter() - t0:.1f}s: {s.get('affected_reports', 0)} reports "
                   f"re-linked, {s.get('incidents_changed', 0)} incidents written, "
                   f"{s.get('incidents_removed', 0)} merged away", err=True)
        return
    _echo_link(link.relink(engine, quiet=quiet), time.perf_counter() - t0)


def _print_incidents(rows: list[dict], fmt: str) -> None:
    from eventwire.link.export import export

    if fmt != "table":
        for chunk in export(rows, fmt):
            sys.stdout.write(chunk)
        return
    head = ["id", "date", "type", "mode", "place", "killed", "grade", "orig", "rep", "reason"]
    table = []
    for r in rows:
        k = r.get("killed") or {}
        killed = "" if k.get("min") is None and k.get("max") is None else \
            f"{k.get('min') if k.get('min') is not None else '?'}-{k.get('max') if k.get('max') is not None else '?'}"
        place = r.get("place") or {}
        table.append([r["id"], r.get("date") or "", r.get("type") or "", r.get("mode") or "",
                      (place.get("name") or place.get("text") or "")[:20], killed, r.get("grade") or "",
                      str(r.get("origins")), str(len(r.get("reports") or [])), (r.get("grade_reason") or "")[:50]])
    print_table(head, table)


def _list(ctx: click.Context, opts: dict) -> None:
    """The incidents `GET /api/incidents` gives for the same filters, sort and order (checked by its
    query model), all of them unless --limit, printed in `opts["fmt"]`."""
    from eventwire.services import filters as query_models
    from eventwire.store.queries import list_incidents

    def build(query):
        return query_models.incident_filters(query, query.limit, opts.get("offset") or 0, query.sort, query.order)

    filters = checked_query(query_models.IncidentExportQuery, {k: opts.get(k) for k in _QUERY}, "incidents", build)
    settings = _settings(ctx, db=opts.get("db"))
    engine = _open_db(settings)
    with engine.connect() as conn:
        rows = list_incidents(conn, filters)
    _print_incidents(rows, opts.get("fmt") or "table")
    if not rows:
        click.echo(f"(no incidents in {_shown_db(settings.db)} match; run eventwire link after eventwire ingest)",
                   err=True)


def _list_options(f):
    """--db, --format, the filters, sort and order of `GET /api/incidents` (`IncidentExportQuery`),
    --limit and --offset."""
    f = click.option("--offset", type=click.IntRange(0, MAX_OFFSET), default=None,
                     help="Skip this many incidents first (as /api/incidents?offset=).")(f)
    f = query_options(IncidentExportQuery)(f)
    f = click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
                     help="table (default), jsonl (eventwire/incident/1 per line), csv (ACLED-like columns), "
                          "geojson (a FeatureCollection).")(f)
    return db_option(f)


@click.group("incidents", invoke_without_command=True)
@_list_options
@click.pass_context
def incidents_group(ctx: click.Context, **opts) -> None:
    """List linked incidents (newest first), with the filters of GET /api/incidents, or correct them
    (merge, split, grade).

    Options given to the group (`eventwire incidents --db F merge A B`) apply to the
    subcommand unless it sets them itself.
    """
    ctx.meta[_GROUP_KEY] = opts
    if ctx.invoked_subcommand is None:
        _list(ctx, opts)


def _group(ctx: click.Context, name: str, value):
    """A subcommand's option, else the same option given to the `incidents` group."""
    if value is not None:
        return value
    return (ctx.meta.get(_GROUP_KEY) or {}).get(name)


@incidents_group.command("list")
@_list_options
@click.pass_context
def incidents_list(ctx: click.Context, **opts) -> None:
    """List linked incidents (the same as `eventwire incidents`)."""
    _list(ctx, {k: _group(ctx, k, v) for k, v in opts.items()})


@incidents_group.command("show")
@click.argument("incident_id", metavar="ID")
@db_option
@click.pass_context
def incidents_show(ctx: click.Context, incident_id: str, db: str | None) -> None:
    """Print one incident record with all its reports (an id prefix is enough), as GET /api/incidents/{id}."""
    from eventwire.services import read

    settings = _settings(ctx, db=_group(ctx, "db", db))
    engine = _open_db(settings)
    with engine.connect() as conn, refusals(_shown_db(settings.db)):
        click.echo(json.dumps(read.incident(conn, incident_id), ensure_ascii=False, indent=2))


def _bounded(limit: int):
    """A click callback refusing values longer than `limit` characters (the API's limits too)."""
    def check(_ctx, param, value):
        if value is not None and len(value) > limit:
            raise click.BadParameter(f"at most {limit:,} characters (got {len(value):,})", param=param)
        return value
    return check


def _by_note(f):
    f = click.option("--note", default=None, callback=_bounded(2000),
                     help="Why (kept with the correction; at most 2,000 characters).")(f)
    return click.option("--by", default=None, callback=_bounded(100),
                        help="Who makes the correction (default $USER).")(f)


def _correct(ctx: click.Context, db: str | None, write) -> None:
    """Make a correction with `write(engine)` (a `services.corrections` call), say what it was and how
    the incidents were linked again with it."""
    settings = _settings(ctx, db=_group(ctx, "db", db))
    engine = _open_db(settings)
    t0 = time.perf_counter()
    with refusals(_shown_db(settings.db)):
        made = write(engine)
    corr = made.record
    click.echo(f"correction {made.id}: {corr['action']} {corr['incident']}"
               + (f" {corr['other']}" if corr.get("other") else "")
               + (f" --event {corr['event']}" if corr.get("event") else "")
               + (f" -> {corr['grade']}" if corr.get("grade") else "")
               + f" by {corr['by']}", err=True)
    _echo_link(made.linked, time.perf_counter() - t0)


@incidents_group.command("merge")
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@db_option
@_by_note
@click.pass_context
def incidents_merge(ctx: click.Context, a: str, b: str, db: str | None, by: str | None,
                    note: str | None) -> None:
    """Merge incident B into incident A (kept across re-links)."""
    from eventwire.services import corrections

    _correct(ctx, db, lambda engine: corrections.merge(engine, a, b, by=_who(by), note=note))


@incidents_group.command("split")
@click.argument("a", metavar="A")
@click.option("--event", "event", required=True, metavar="ARTICLE:EVENT",
              help="The report to take out: <article id or prefix>:<event id>, or the event id alone "
                   "when the incident has one article with it.")
@db_option
@_by_note
@click.pass_context
def incidents_split(ctx: click.Context, a: str, event: str, db: str | None, by: str | None,
                    note: str | None) -> None:
    """Take one report out of incident A into an incident of its own (kept across re-links)."""
    from eventwire.services import corrections

    _correct(ctx, db, lambda engine: corrections.split(engine, a, event, by=_who(by), note=note))


@incidents_group.command("grade")
@click.argument("a", metavar="A")
@click.argument("grade", type=click.Choice(list(GRADES)))
@db_option
@_by_note
@click.pass_context
def incidents_grade(ctx: click.Context, a: str, grade: str, db: str | None, by: str | None,
                    note: str | None) -> None:
    """Set the grade of incident A by hand (usually `discounted`, with a --note saying why)."""
    from eventwire.services import corrections

    _correct(ctx, db, lambda engine: corrections.regrade(engine, a, grade, by=_who(by), note=note))


@incidents_group.command("corrections")
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@click.pass_context
def incidents_corrections(ctx: click.Context, db: str | None, fmt: str) -> None:
    """List the corrections people made, oldest first, with who and when (and those undone)."""
    from eventwire.services import corrections

    settings = _settings(ctx, db=_group(ctx, "db", db))
    engine = _open_db(settings)
    with engine.connect() as conn:
        rows = corrections.history(conn)
    if fmt == "jsonl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
        return
    for r in rows:
        what = {"merge": f"merge {r['incident']} {r['other']}", "split": f"split {r['incident']} --event {r['event']}",
                "grade": f"grade {r['incident']} {r['grade']}"}.get(r["action"], r["action"])
        click.echo(f"{r['id']:>4}  {r['at'][:19]}  {r['by']:<12}  {what}" + (f"  ({r['note']})" if r["note"] else "")
                   + (f"  [undone by {r.get('undone_by')} {r['undone_at'][:19]}]" if r.get("undone_at") else ""))
    if not rows:
        click.echo("(no corrections)", err=True)


@incidents_group.command("undo")
@click.argument("correction_id", metavar="CORRECTION", type=int)
@db_option
@click.option("--by", default=None, help="Who undoes it (default $USER).")
@click.pass_context
def incidents_undo(ctx: click.Context, correction_id: int, db: str | None, by: str | None) -> None:
    """Undo a correction (see `eventwire incidents corrections`): it stays in the history, marked
    undone, and the incidents are re-linked without it."""
    from eventwire.services import corrections

    settings = _settings(ctx, db=_group(ctx, "db", db))
    engine = _open_db(settings)
    t0 = time.perf_counter()
    with refusals(_shown_db(settings.db)):
        done = corrections.undo(engine, correction_id, by=_who(by))
    click.echo(f"correction {correction_id} undone by {done.by}", err=True)
    _echo_link(done.linked, time.perf_counter() - t0)


COMMANDS = (link_cmd, incidents_group)
