"""Who may write, how much, and what the browser may run.

* Write requests (POST) carry at most `max_upload_bytes`; a larger declared body
  gets 413 before it is read, a body without a declared length gets 411.
* A write whose `Origin` is another site is refused (a page elsewhere cannot make
  a browser post to a local server).
* When the server listens on a non-loopback address, writes need
  `Authorization: Bearer $EVENTWIRE_TOKEN` (or the `token` field of the ingest form).
* Every response carries a Content-Security-Policy without 'unsafe-inline': the
  pages run only the package's own scripts, so text from articles cannot execute.
"""

from __future__ import annotations

import hmac
import ipaddress
from urllib.parse import urlsplit

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def is_loopback(host: str) -> bool:
    """Whether a bind address only accepts local connections."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def token_ok(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison; no expected token means no write is allowed."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def cross_origin(origin: str | None, host: str | None) -> bool:
    """True when a request's Origin names another host than the one it was sent to."""
    if not origin or origin == "null" or not host:
        return bool(origin == "null")
    return urlsplit(origin).netloc.lower() != host.lower()


def csp(tile_url: str | None) -> str:
    """The Content-Security-Policy of every response (tiles allowed from the configured host only)."""
    img = "'self' data:"
    if tile_url:
        parts = urlsplit(tile_url.replace("{s}", "a"))
        if parts.scheme and parts.netloc:
            host = parts.netloc.split(".", 1)[1] if "{s}" in tile_url and "." in parts.netloc else parts.netloc
            img += f" {parts.scheme}://{'*.' if '{s}' in tile_url else ''}{host}"
    return ("default-src 'self'; script-src 'self'; style-src 'self'; "
            f"img-src {img}; connect-src 'self'; font-src 'self'; object-src 'none'; "
            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
