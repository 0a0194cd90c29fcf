"""What a service refuses, said once; the CLI and the API each put it in their own words.

A front end catches `ServiceError` and answers with its own kind of error (a click error
naming the command to list things, a problem+json naming the endpoint), so the rule that
refuses is the same on both and only the sentence around it differs.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A request a service refuses."""


class NotFound(ServiceError):
    """No `what` (article, incident, correction) with this id or id prefix."""

    def __init__(self, what: str, ident: str | int) -> None:
        super().__init__(f"no {what} {ident!r}")
        self.what, self.ident = what, ident


class Ambiguous(ServiceError):
    """An id prefix that names several records of `what`."""

    def __init__(self, what: str, ident: str, matches: list[str]) -> None:
        super().__init__(f"{what} prefix {ident!r} matches several")
        self.what, self.ident, self.matches = what, ident, matches


class Refused(ServiceError):
    """A correction the incident's state does not allow (the message says why and what to do)."""


class Conflict(ServiceError):
    """A write that was made already (a correction undone twice)."""
