"""Readers and metadata: plain-text heads, HTML, JSON lines, feeds, directories, stdin, outlets."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from eventwire.errors import InputError
from eventwire.ingest import Article, iter_articles, text_id
from eventwire.ingest.language import check_english
from eventwire.ingest.metadata import find_text_meta, parse_date_line
from eventwire.ingest.outlets import outlet_record, resolve_outlet

DATA = Path(__file__).parent / "data" / "ingest"

# (lead paragraph, dateline place, outlet as written): styles of real wires and state agencies
HEADS = [
    ("Damascus, SANA-Foreign and Expatriates Ministry said", "Damascus", "SANA"),
    ("Hama, SANA – Army units destroyed", "Hama", "SANA"),
    ("Hasaka, SANA_ Civilians were", "Hasaka", "SANA"),
    ("BEIRUT (Reuters) - Syrian state media said", "BEIRUT", "Reuters"),
    ("GENEVA, June 3 (AFP) - The UN said", "GENEVA", "AFP"),
    ("KYIV, Ukraine (AP) — Russian forces", "KYIV", "AP"),
    ("ALEPPO, Syria, March 3 (Reuters) - Rebels", "ALEPPO", "Reuters"),
    ("Sanaa, Jan 12 (Saba) - The Ministry", "Sanaa", "Saba"),
    ("MOSCOW, June 5. /TASS/. The Russian Defense Ministry", "MOSCOW", "TASS"),
    ("Ankara (AA) - Turkish", "Ankara", "AA"),
    ("Gaza City, Oct. 7, 2023 (WAFA) -- Israeli", "Gaza City", "WAFA"),
    ("Tehran, IRNA -- Iran's foreign", "Tehran", "IRNA"),
    ("BAGHDAD — A car bomb", "BAGHDAD", None),
    ("Jerusalem, 12 June (Xinhua) -- Israel", "Jerusalem", "Xinhua"),
    ("UNITED NATIONS (AP) — The Security Council", "UNITED NATIONS", "AP"),
    ("WASHINGTON -- The Pentagon", "WASHINGTON", None),
    ("Kiev, January 18 (Interfax-Ukraine) - Ukrainian", "Kiev", "Interfax-Ukraine"),
    ("Idlib, Syria (Anadolu Agency) - At least", "Idlib", "Anadolu Agency"),
    ("Kyiv • Ukrinform. Russian troops shelled", "Kyiv", "Ukrinform"),
    ("SANAA, Yemen, Dec. 2 (Xinhua) -- Saudi-led", "SANAA", "Xinhua"),
    ("DEIR EZZOR, Syria — Kurdish", "DEIR EZZOR", None),
    ("Sana'a: Saba - The Supreme", "Sana'a", "Saba"),
    ("GAZA, May 10, 2023, WAFA - Seven citizens", "GAZA", "WAFA"),
]


@pytest.mark.parametrize(("lead", "place", "outlet"), HEADS)
def test_datelines(lead: str, place: str, outlet: str | None):
    text = f"June 16, 2018 13:44\n\nA headline about the news\n\n{lead} more words of the story follow."
    m = find_text_meta(text)
    assert m.dateline is not None, lead
    assert text[m.dateline[0]:m.dateline[1]] == place
    assert m.dateline_outlet == outlet
    if outlet:
        assert text[m.dateline_outlet_span[0]:m.dateline_outlet_span[1]] == outlet
    assert m.published == "2018-06-16T13:44:00"
    assert m.title == "A headline about the news"


@pytest.mark.parametrize(("lead", "outlet"), [("WAFA - Seven citizens were killed", "WAFA"),
                                             ("Amaq Agency: 16 civilians were killed", "Amaq Agency")])
def test_outlet_alone_is_a_dateline_without_place(lead: str, outlet: str):
    """A known outlet alone before a dash is the outlet mark (not a place, not part of the first actor)."""
    m = find_text_meta(lead + " in an air strike on Wednesday.")
    assert m.dateline is None and m.dateline_outlet == outlet
    assert lead[m.dateline_outlet_span[0]:m.dateline_outlet_span[1]] == outlet


def test_unknown_capitalised_word_before_a_dash_is_no_outlet():
    m = find_text_meta("Rebels - the army says - shelled the town on Monday.")
    assert m.dateline_outlet is None


def test_no_dateline_in_ordinary_prose():
    m = find_text_meta("The ministry said on Tuesday that talks would resume. Officials in Geneva agreed.")
    assert m.dateline is None and m.published is None and m.title is None


@pytest.mark.parametrize(("line", "iso"), [
    ("June 16, 2018 13:44", "2018-06-16T13:44:00"),
    ("Saturday, June 16, 2018", "2018-06-16"),
    ("16 June 2018", "2018-06-16"),
    ("2018-06-16T13:44:00", "2018-06-16T13:44:00"),
    ("Jun 16, 2018 | 1:44 pm", "2018-06-16T13:44:00"),
    ("Published: June 16, 2018 at 12:05 AM", "2018-06-16T00:05:00"),
    ("Updated June 16, 2018 13:44 GMT", "2018-06-16T13:44:00"),
    ("Sat 16 Jun 2018 13.44 BST", "2018-06-16T13:44:00"),
    ("16.06.2018", "2018-06-16"),
    ("Sept. 3rd, 2019", "2019-09-03"),
    ("June 16, 2018 was a Saturday", None),
    ("31.02.2018", None),
])
def test_date_lines(line: str, iso: str | None):
    assert parse_date_line(line) == iso


def test_sana_example_head(shared: Path):
    (art,) = list(iter_articles([str(shared / "examples" / "sana-2018-06-16.txt")]))
    m = find_text_meta(art.text)
    assert m.published == "2018-06-16T13:44:00"
    assert m.title.startswith("Foreign Ministry says US-led Coalition")
    assert art.text[m.dateline[0]:m.dateline[1]] == "Damascus"
    assert resolve_outlet(m.dateline_outlet)["id"] == "sana"
    assert art.article_id == text_id(art.text) and art.raw == art.text


def test_html_page():
    (art,) = list(iter_articles([str(DATA / "article.html")]))
    assert isinstance(art, Article), art
    assert art.title == "Shelling hits market in Idlib province, monitor says"
    assert art.published.startswith("2019-05-14")
    assert art.outlet == "Example Wire"
    assert art.url == "https://news.example.org/2019/05/14/idlib-market"
    assert "Maarat al-Numan" in art.text and "Syrian Observatory" in art.text
    assert "About us" not in art.text and "Copyright" not in art.text
    assert art.raw.startswith("<!DOCTYPE html>") and art.kind == "html"
    m = find_text_meta(art.text)
    assert art.text[m.dateline[0]:m.dateline[1]] == "BEIRUT"


def test_feed_entries():
    items = list(iter_articles([str(DATA / "feed.rss")]))
    assert [type(i).__name__ for i in items] == ["Article", "EmptyText"]
    art = items[0]
    assert art.title == "Army units repel attack in Hama countryside"
    assert art.published == "2018-06-16T13:44:00"
    assert outlet_record(art.outlet)["id"] == "sana"
    assert art.text.startswith("Hama, SANA-Army units") and "<p>" not in art.text
    assert "\n\nThe source added" in art.text
    assert items[1].source.endswith("feed.rss#2")


def test_jsonl_keeps_text_and_id(tmp_path: Path):
    p = tmp_path / "a.jsonl"
    text = "BEIRUT (Reuters) - Syrian state media said the army shelled rebel positions near Idlib."
    p.write_text(json.dumps({"id": "x1", "text": text, "published": "2019-01-02", "outlet": "Reuters"}) + "\n\n")
    (art,) = list(iter_articles([str(p)]))
    assert (art.id, art.text, art.published, art.outlet, art.source) == ("x1", text, "2019-01-02", "Reuters",
                                                                         f"{p}:1")


def test_directory_reads_known_kinds_in_order(tmp_path: Path):
    (tmp_path / "b.txt").write_text("Second article: the army said officials in Hama met on Monday.")
    (tmp_path / "a.txt").write_text("First article: the ministry said the talks in Geneva would resume.")
    (tmp_path / "notes.json").write_text("{}")
    (tmp_path / ".hidden.txt").write_text("hidden")
    items = list(iter_articles([str(tmp_path)]))
    assert [Path(i.source).name for i in items if not isinstance(i, InputError)] == ["a.txt", "b.txt"]
    skipped = {Path(i.source).name: i.message for i in items if isinstance(i, InputError)}
    assert set(skipped) == {"notes.json", ".hidden.txt"}  # reported, not silently left out
    assert all(i.code == "skipped" for i in items if isinstance(i, InputError))
    assert "not a known input kind" in skipped["notes.json"] and "hidden" in skipped[".hidden.txt"]


def test_stdin_jsonl_and_plain_text():
    lines = b'{"text": "The ministry said the talks would resume in Geneva on Monday."}\n{"text": ""}\n'
    items = list(iter_articles(["-"], stdin=io.BytesIO(lines)))
    assert isinstance(items[0], Article) and isinstance(items[1], InputError)
    assert items[0].source == "-:1"
    (one,) = list(iter_articles(["-"], stdin=io.BytesIO(b"BEIRUT (Reuters) - The army said it had retaken the town.")))
    assert one.text.startswith("BEIRUT") and one.source == "-"


def test_outlet_registry_lookups():
    assert resolve_outlet("Syrian Arab News Agency")["id"] == "sana"
    assert resolve_outlet("https://www.reuters.com/world/middle-east/")["id"] == "reuters"
    assert resolve_outlet("news.sky.com")["id"] == "skynews"
    assert resolve_outlet("saba.ye")["id"] != resolve_outlet("sabanew.net")["id"]
    assert resolve_outlet("sabanew.net")["affiliation"] == "state"
    assert resolve_outlet("Saba")["affiliation"] == "armed-group"
    assert resolve_outlet("SOHR")["affiliation"] == "monitor"
    assert resolve_outlet("Some Local Paper") is None
    assert outlet_record("Some Local Paper") == {"id": "some_local_paper", "name": "Some Local Paper",
                                                 "country": None, "affiliation": None}


def test_language_check_passes_name_heavy_english(shared: Path):
    checked = 0
    for name in ("geo-lgl.jsonl", "geo-trnews.jsonl", "events-plover-dev.jsonl"):
        with open(shared / "data" / name, encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                check_english(d["text"], source=d["id"])  # raises on a false alarm
                checked += 1
    assert checked > 100


@pytest.mark.parametrize("name", ["french.txt", "arabic.txt"])
def test_language_check_rejects_other_languages(name: str):
    path = Path(__file__).parent / "data" / "bad" / name
    (err,) = list(iter_articles([str(path)]))
    assert err.code == "not_english" and "not English" in str(err) and "languages=any" in str(err)
    (art,) = list(iter_articles([str(path)], languages="any"))
    assert isinstance(art, Article)
