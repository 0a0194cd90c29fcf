"""`eventwire export`: events or incidents in the API's export formats, with the API's filters.

Options are checked by the same query models as `GET /api/export/...` (`services.filters`) and run
through the same `services.export`, so the file is the one the API serves.
"""

from __future__ import annotations

import sys

import click

from eventwire.cli.common import _open_db, _settings, checked_query, db_option

FORMATS = ("jsonl", "csv", "geojson", "plover")
FILTERS = (
    ("--type", "type", "PLOVER type, e.g. ASSAULT"),
    ("--status", "status", "events: reported, alleged, denied, planned or hypothetical"),
    ("--grade", "grade", "incidents: one grade or a comma list"),
    ("--actor", "actor", "text in an actor's or target's name or entity"),
    ("--country", "country", "ISO alpha-3 of the place"),
    ("--province", "province", "incidents: first-level division (admin1) of the place"),
    ("--affiliation", "affiliation", "incidents: outlet affiliation of at least one report"),
    ("--outlet", "outlet", "incidents: outlet id or name of at least one report"),
    ("--since", "since", "on or after YYYY-MM-DD"),
    ("--until", "until", "on or before YYYY-MM-DD"),
    ("--bbox", "bbox", "min_lon,min_lat,max_lon,max_lat"),
    ("--article", "article", "only this article's events / the incidents it reports"),
    ("--q", "q", "every word in the title or text of an article"),
    ("--sort", "sort", "incidents: date, type, country, province, killed, reports, origins or grade"),
    ("--order", "order", "incidents: asc or desc"),
)


def _filter_options(f):
    for flag, name, help_ in reversed(FILTERS):
        f = click.option(flag, name, default=None, help=help_ + ".")(f)
    return f


@click.command("export")
@click.argument("what", type=click.Choice(["events", "incidents"]))
@db_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True,
              help="jsonl (records), csv (ACLED-like columns), geojson (a FeatureCollection), plover (PLOVER JSON lines).")
@click.option("--limit", type=int, default=None, help="At most this many.")
@_filter_options
@click.pass_context
def export_cmd(ctx: click.Context, what: str, db: str | None, fmt: str, limit: int | None, **filters) -> None:
    """Export stored events or linked incidents to stdout, as GET /api/export/{events|incidents}.{format}."""
    from eventwire.services import export as service
    from eventwire.services import filters as query_models

    model = query_models.EventExportQuery if what == "events" else query_models.IncidentExportQuery

    def build(query):  # a malformed bbox is a ValueError here
        query_models.event_filters(query, None) if what == "events" else query_models.incident_filters(query)
        return query

    query = checked_query(model, {**filters, "limit": limit}, f"{what} export", build)
    engine = _open_db(_settings(ctx, db=db))
    with engine.connect() as conn:
        run = service.export_events if what == "events" else service.export_incidents
        for chunk in run(conn, query, fmt):
            sys.stdout.write(chunk)


COMMANDS = (export_cmd,)
