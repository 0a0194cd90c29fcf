"""The web UI in headless Chromium (Debian's /usr/bin/chromium driven by Playwright for Python).

A uvicorn server is started in a thread on a free localhost port over a SQLite file
holding the SANA example and tests/data/web articles (real pipeline, linked).
Screenshots go to tests/artifacts/ (gitignored): docs/ui.md describes them.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium is missing (apt-get install chromium; .ci/run installs it)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

from click.testing import CliRunner  # noqa: E402

from eventwire.cli import cli  # noqa: E402

WEB = Path(__file__).resolve().parent / "data" / "web"
ART = Path(__file__).resolve().parent / "artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, shared, nlp):
    import uvicorn

    from eventwire.api import create_app
    from eventwire.settings import load_settings

    path = tmp_path_factory.mktemp("web") / "ew.db"
    for args in (["ingest", str(shared / "examples"), str(WEB / "articles.jsonl"), str(WEB / "xss.jsonl"),
                  "--db", str(path)], ["link", "--db", str(path)]):
        res = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert res.exit_code == 0, res.output
    port = _free_port()
    app = create_app(load_settings({"db": str(path)}))
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    ART.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 768})  # a laptop screen
    pg = ctx.new_page()
    pg.dialogs = []
    pg.errors = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    yield pg
    ctx.close()


def _ready(pg) -> None:
    pg.locator("body[data-state=ready]").wait_for(state="attached", timeout=15000)


def test_map_shows_markers_and_filters_by_grade(server, page):
    page.goto(server + "/")
    _ready(page)
    n = int(page.evaluate("document.body.dataset.markers"))
    assert n >= 4
    assert page.locator(".ew-marker, .marker-cluster").count() >= 2
    assert page.locator("#inview li").count() >= n
    assert page.locator("#timeline .bin").count() >= 2
    page.wait_for_timeout(400)  # let the country outlines paint
    page.screenshot(path=str(ART / "map.png"))
    assert not page.errors, page.errors

    for box in page.locator("input[name=grade]").all():
        if box.get_attribute("value") != "contested":
            box.uncheck()
    page.get_by_role("button", name="Apply filters").click()
    _ready(page)
    assert "grade=contested" in page.url
    dots = page.locator("#inview li .dot")
    assert dots.count() >= 1
    assert all("grade-contested" in (d.get_attribute("class") or "") for d in dots.all())
    assert page.locator(".ew-marker.grade-weak").count() == 0
    page.screenshot(path=str(ART / "map-contested.png"))


def test_open_incident_then_article_and_toggle_layers(server, page):
    page.goto(server + "/?grade=contested")
    _ready(page)
    page.locator("#inview li a").first.click()
    page.wait_for_url("**/incidents/**")
    assert page.locator(".badge.grade-contested").count() == 1
    rows = page.locator("table.reports tbody tr")
    assert rows.count() >= 2
    assert "←" in page.locator("td.chain").first.inner_text()
    page.screenshot(path=str(ART / "incident.png"), full_page=True)

    page.locator("table.reports a", has_text="al-Bukamal").first.click()
    page.wait_for_url("**/articles/**")
    text = page.locator("#text")
    assert page.locator("#text .m-places").count() >= 1 and page.locator("#text .m-events").count() >= 1
    assert page.locator("aside a[href^='/incidents/']").count() >= 1
    page.screenshot(path=str(ART / "article.png"), full_page=True)

    place = page.locator("#text .m-places").first
    before = place.evaluate("e => getComputedStyle(e).backgroundColor")
    page.get_by_label("Places").uncheck()
    assert "show-places" not in (text.get_attribute("class") or "")
    after = place.evaluate("e => getComputedStyle(e).backgroundColor")
    assert before != after and after in ("rgba(0, 0, 0, 0)", "transparent")
    page.get_by_role("button", name="Hide all").click()
    assert page.locator("#layers input:checked").count() == 0
    page.screenshot(path=str(ART / "article-layers-off.png"))
    page.get_by_role("button", name="Show all").click()
    assert "show-framing" in (text.get_attribute("class") or "")


def test_map_is_keyboard_usable(server, page):
    page.goto(server + "/")
    _ready(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    # a cluster is a focusable marker: Enter zooms in to split it (or lists its incidents at one place)
    cluster = page.locator(".ew-cluster").first
    if cluster.count():
        zoom = float(page.locator("#map").get_attribute("data-zoom"))
        cluster.focus()
        page.keyboard.press("Enter")
        page.wait_for_timeout(600)
        moved = float(page.locator("#map").get_attribute("data-zoom")) > zoom
        assert moved or page.locator(".leaflet-popup .popup-list a").count() >= 2
    page.goto(server + "/")
    _ready(page)
    page.locator("#inview li a").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/incidents/**")


def test_upload_an_article(server, page, tmp_path):
    f = tmp_path / "upload.txt"
    f.write_text("BEIRUT (Reuters) - Gunmen abducted 5 aid workers in the Syrian city of Homs on Tuesday, "
                 "the United Nations said.\n\nThe UN said the workers were taken from their car in Homs.\n",
                 encoding="utf-8")
    page.goto(server + "/ingest")
    page.get_by_label("or a file").set_input_files(str(f))
    page.get_by_role("button", name="Analyse and store").click()
    page.wait_for_url("**/articles/**", timeout=60000)
    assert "Homs" in page.locator("#text").inner_text()
    page.screenshot(path=str(ART / "uploaded.png"), full_page=True)

    page.goto(server + "/ingest")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"   \n")
    page.get_by_label("or a file").set_input_files(str(empty))
    page.get_by_role("button", name="Analyse and store").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "empty" in alert.inner_text()
    page.screenshot(path=str(ART / "ingest-error.png"))


def test_script_payloads_render_inert(server, page):
    page.goto(server + "/articles/web-xss")
    page.wait_for_load_state("networkidle")
    assert page.dialogs == []
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#text img, #text script, h1 script").count() == 0
    assert "<script>" in page.locator("h1").inner_text()  # shown as text
    assert "onerror=" in page.locator("#text").inner_text()
    page.screenshot(path=str(ART / "xss-inert.png"))
    page.goto(server + "/?actor=" + "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    _ready(page)
    assert page.dialogs == [] and page.locator("img[src=x]").count() == 0
