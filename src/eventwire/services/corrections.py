"""Corrections by hand: what the CLI (`eventwire incidents split`) and the API (`POST .../split`) both
mean by a report named on the command line or in a request."""

from __future__ import annotations


def matching_reports(keys: list[str], event: str) -> list[str]:
    """The reports of an incident (`<article id>:<event id>` keys) that `event` names: the whole key,
    an article id prefix with the event id, or the event id alone."""
    art, _, ev = event.rpartition(":")
    return [k for k in keys if k == event or (art and k.startswith(art) and k.endswith(":" + ev))
            or (not art and k.endswith(":" + ev))]
