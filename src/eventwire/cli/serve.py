"""`eventwire serve`: the REST API and web UI on uvicorn (registered on the root group by `eventwire.cli`)."""

from __future__ import annotations

import os

import click

from eventwire.cli.common import _open_db, _settings, _shown_db, db_option


@click.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Beyond loopback, writes need EVENTWIRE_TOKEN.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--tile-url", default=None, metavar="URL",
              help="Map tile URL template (setting tile_url); default: offline country outlines only.")
@click.pass_context
def serve_cmd(ctx: click.Context, db: str | None, host: str, port: int, tile_url: str | None) -> None:
    """Serve the REST API (/api, spec at /openapi.json, docs at /docs) and the web UI (map, incidents,
    articles, ingest) for a database; with no --db, the same default database as every other
    command (EVENTWIRE_DB, eventwire.toml, else the user data dir: see `eventwire settings`).

    Bound to a non-loopback address, POST requests need 'Authorization: Bearer $EVENTWIRE_TOKEN'
    (without EVENTWIRE_TOKEN the server is read-only).
    """
    try:
        import uvicorn

        from eventwire.api import create_app
        from eventwire.api.security import is_loopback
    except ImportError as exc:  # pragma: no cover - the web extras are dependencies
        raise click.ClickException(f"the web server needs fastapi and uvicorn: {exc}") from None
    settings = _settings(ctx, db=db, tile_url=tile_url)
    engine = _open_db(settings)
    token = os.environ.get("EVENTWIRE_TOKEN") or None
    require = not is_loopback(host)
    if require and settings.sources.get("allowed_hosts") == "default":
        settings.allowed_hosts = ",".join(_served_names(host, settings.allowed_hosts))
    app = create_app(settings, require_token=require, token=token, engine=engine)
    click.echo(f"eventwire: serving {_shown_db(settings.db)} on http://{host}:{port}/ "
               f"(API docs at /docs)", err=True)
    if require:
        click.echo("eventwire: listening beyond localhost: writes need EVENTWIRE_TOKEN"
                   + ("" if token else " (not set: the server is read-only)")
                   + "; the author of a correction is the token's name (EVENTWIRE_TOKEN=name:secret,...)", err=True)
        click.echo(f"eventwire: answering Host names {settings.allowed_hosts} (setting allowed_hosts)", err=True)
    _warm(app)
    uvicorn.run(app, host=host, port=port, log_level="info")


def _served_names(host: str, default: str) -> list[str]:
    """The Host names to answer when bound beyond loopback: the loopback names, the address bound and,
    on a wildcard address, this machine's name."""
    import socket

    names = [x for x in default.split(",") if x]
    extra = [host] if host not in ("0.0.0.0", "::", "") else [socket.gethostname(), socket.getfqdn()]
    return names + [x.lower() for x in extra if x and x.lower() not in names]


def _warm(app) -> None:
    """Encode the unfiltered map data in the background, so the first visit to the map is fast."""
    import contextlib
    import threading

    from eventwire.store.queries import IncidentFilters

    def run() -> None:
        with contextlib.suppress(Exception):  # a cold cache is only slower
            app.state.api.map_cache.get(IncidentFilters())

    threading.Thread(target=run, name="eventwire-warm-map", daemon=True).start()


COMMANDS = (serve_cmd,)
