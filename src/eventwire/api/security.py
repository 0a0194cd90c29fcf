"""Who may write, how much, and what the browser may run.

* Write requests (POST) carry at most `max_upload_bytes`; a larger declared body
  gets 413 before it is read, a body without a declared length gets 411.
* A write whose `Origin` is another site is refused (a page elsewhere cannot make
  a browser post to a local server).
* When the server listens on a non-loopback address, writes need
  `Authorization: Bearer $EVENTWIRE_TOKEN` (or the `token` field of the ingest form).
* Only requests whose `Host` is in `allowed_hosts` (loopback names by default) are served, so a
  page elsewhere cannot reach a local server through DNS rebinding.
* Tokens may be named (`EVENTWIRE_TOKEN=alice:secret1,bob:secret2`); the name is the author of
  the corrections made with it. A bare token is named "token".
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


LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def allowed_hosts(value: str | None) -> frozenset[str]:
    """The Host names served: a comma list from the setting (`*` for any), loopback names by default."""
    names = [x.strip().lower() for x in (value or "").split(",") if x.strip()]
    return frozenset(names or LOOPBACK_NAMES)


def _hostname(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def host_allowed(host: str | None, allowed: frozenset[str]) -> bool:
    """Whether a request's Host header names this server (any port)."""
    if "*" in allowed:
        return True
    if not host:
        return False
    return _hostname(host) in allowed


def shown(value: str | None, n: int = 80) -> str:
    return (value or "")[:n]


def named_tokens(value: str | None) -> dict[str, str]:
    """`name:secret,...` (or one bare secret, named "token") as {secret: name}."""
    out: dict[str, str] = {}
    for part in (value or "").split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, secret = part.partition(":")
        if not sep or not name.strip() or not secret:
            name, secret = "token", part
        out[secret] = name.strip()
    return out


def token_name(tokens: dict[str, str], given: str | None) -> str | None:
    """The name of the token given (constant-time comparison with each), or None."""
    found = None
    for secret, name in tokens.items():
        if given and hmac.compare_digest(secret.encode(), given.encode()):
            found = name
    return found


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
