"""The REST API and web UI (FastAPI): `create_app(settings)` builds the application.

FastAPI, Starlette and Jinja2 are imported under this package only; the read
queries are `eventwire.store.queries`, shared with the CLI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(settings: Any = None, **kwargs: Any) -> FastAPI:
    """The FastAPI application (see `eventwire.api.app.create_app`)."""
    from eventwire.api.app import create_app as _create

    return _create(settings, **kwargs)


__all__ = ["create_app"]
