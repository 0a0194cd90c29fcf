"""`eventwire watch --once` against feeds served from a local HTTP server (127.0.0.1, a free port).

The server serves tests/data/ingest/feed.rss (its links pointed at the server) and
tests/data/ingest/article.html as the article page, answers conditional requests with
304, and counts what is asked of it; a malformed feed and a feed that is down sit beside it.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from eventwire.cli import cli

DATA = Path(__file__).resolve().parent / "data" / "ingest"


class Site:
    def __init__(self) -> None:
        self.feed = (DATA / "feed.rss").read_text(encoding="utf-8")
        self.page = (DATA / "article.html").read_bytes()
        self.etag = '"v1"'
        self.hits: dict[str, int] = {}
        self.not_modified = 0


@pytest.fixture()
def site():
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            state.hits[self.path] = state.hits.get(self.path, 0) + 1
            if self.path == "/feed.rss":
                if self.headers.get("If-None-Match") == state.etag:
                    state.not_modified += 1
                    self.send_response(304)
                    self.end_headers()
                    return
                body = state.feed.replace("https://example.org/en/?p=1", base + "/article.html") \
                    .replace("https://example.org/en/?p=2", base + "/gone.html") \
                    .replace("https://example.org/en/?p=3", base + "/copy.html").encode()
                self._send(200, body, "application/rss+xml", {"ETag": state.etag,
                                                              "Last-Modified": "Sat, 16 Jun 2018 15:00:00 GMT"})
            elif self.path == "/broken.rss":
                self._send(200, b"<rss><channel><item><title>cut off", "application/rss+xml")
            elif self.path in ("/article.html", "/copy.html"):
                self._send(200, state.page, "text/html; charset=utf-8")
            else:
                self._send(404, b"not here", "text/plain")

        def _send(self, code: int, body: bytes, ctype: str, headers: dict | None = None) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.base = base
    yield state
    server.shutdown()
    server.server_close()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_watch_once_takes_new_entries_and_survives_bad_feeds(site, nlp, tmp_path: Path):
    from eventwire.store import open_store
    from eventwire.store import schema as s
    from eventwire.store.incidents import incidents
    from eventwire.store.scale import feed_entries, feed_state

    db = str(tmp_path / "w.db")
    feeds = [site.base + "/feed.rss", site.base + "/broken.rss", f"http://127.0.0.1:{_free_port()}/down.rss"]
    runner = CliRunner()
    r = runner.invoke(cli, ["watch", *feeds, "--db", db, "--once"])
    assert r.exit_code == 0, r.output
    assert "/feed.rss: ok; 2 entries, 2 new: stored 1, present 0, failed 1" in r.output
    assert "/broken.rss: malformed" in r.output
    assert "/down.rss: unreachable" in r.output
    assert site.hits["/article.html"] == 1 and site.hits["/gone.html"] == 1
    engine = open_store(f"sqlite:///{db}")
    with engine.connect() as conn:
        (doc,) = [d for (d,) in conn.execute(select(s.articles.c.document))]
        n_inc = conn.execute(select(func.count()).select_from(incidents)).scalar_one()
        states = dict(conn.execute(select(feed_state.c.url, feed_state.c.status)).all())
    assert "Artillery shells" in doc["article"]["text"]  # the page's text, not the feed summary
    assert doc["article"]["url"] == site.base + "/article.html"
    assert doc["article"]["title"] == "Shelling hits market in Idlib province, monitor says"  # the page's
    assert doc["events"] and n_inc >= 1  # stored and linked
    assert states[feeds[0]] == "ok" and states[feeds[1]].startswith("malformed")

    r = runner.invoke(cli, ["watch", feeds[0], "--db", db, "--once"])
    assert "not modified; 0 entries" in r.output and site.not_modified == 1

    site.etag = '"v2"'
    site.feed = site.feed.replace("</channel>", "<item><title>Copy</title><link>https://example.org/en/?p=3</link>"
                                                "<description>Short.</description></item></channel>")
    r = runner.invoke(cli, ["watch", feeds[0], "--db", db, "--once"])
    assert r.exit_code == 0, r.output
    assert "ok; 3 entries, 1 new: stored 0, present 1, failed 0" in r.output  # the copy of a stored page
    assert site.hits["/article.html"] == 1 and site.hits["/copy.html"] == 1  # seen entries are not fetched
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(feed_entries)).scalar_one() == 3
        assert conn.execute(select(func.count()).select_from(s.articles)).scalar_one() == 1


def test_every_is_parsed():
    from eventwire.batch.watch import parse_every

    assert parse_every("10m") == 600 and parse_every("30s") == 30 and parse_every("2") == 2
    with pytest.raises(ValueError):
        parse_every("soon")
    r = CliRunner().invoke(cli, ["watch", "http://127.0.0.1:9/x", "--every", "soon", "--once"])
    assert r.exit_code == 2 and "--every" in r.output
