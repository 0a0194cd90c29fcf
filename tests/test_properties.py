"""Properties of `analyse` on any text (hypothesis), and of long texts analysed in windows.

Random unicode, odd whitespace and markup raise nothing; every span points at its
own text (`text[start:end] == span.text`); every document validates against
schema/document.schema.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventwire.analysis import analyse, analyse_long
from eventwire.analysis.windows import split_windows
from eventwire.ingest.article import Article

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schema" / "document.schema.json").read_text())

WORDS = ["Damascus", "killed", "said", "on May 24", "Reuters", "the army", "shelled", "12 civilians",
         "according to SANA", "Idlib", ".", ",", '"', "denied", "al-Bukamal", "on Monday"]
SPACE = [" ", "  ", "\n", "\r\n", "\t", "\u00a0", "\u2028", "\u3000", "\n\n", "\u200b"]
MARKUP = ["<p>", "</p>", "<b>", "&amp;", "&#x27;", "<script>alert(1)</script>", "<br/>", "<!-- c -->", "]]>"]
UNICODE = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
PIECES = st.one_of(st.sampled_from(WORDS), st.sampled_from(SPACE), st.sampled_from(MARKUP), UNICODE)
TEXTS = st.lists(PIECES, min_size=1, max_size=40).map("".join)


def spans(v, out: list) -> list:
    """Every dict with text/start/end inside a record value."""
    if isinstance(v, dict):
        if isinstance(v.get("text"), str) and isinstance(v.get("start"), int) and isinstance(v.get("end"), int):
            out.append(v)
        for x in v.values():
            spans(x, out)
    elif isinstance(v, list):
        for x in v:
            spans(x, out)
    return out


def check(doc: dict) -> None:
    import jsonschema

    jsonschema.validate(doc, SCHEMA)
    text = doc["article"]["text"]
    for sp in spans({k: v for k, v in doc.items() if k != "article"}, []):
        assert text[sp["start"]:sp["end"]] == sp["text"], sp
    ids = {sec: [x["id"] for x in doc[sec]] for sec in ("places", "times", "actors", "claims", "events")}
    for sec, got in ids.items():
        assert len(got) == len(set(got)), sec
    for ev in doc["events"]:
        assert set(ev["actors"]) <= set(ids["actors"]) and (ev["place"] is None or ev["place"] in ids["places"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(text=TEXTS)
def test_analyse_any_text(nlp, text):
    check(analyse(text, nlp=nlp).to_dict())


@given(text=st.text(max_size=400), size=st.integers(min_value=8, max_value=120))
def test_windows_cover_the_text_in_order(text, size):
    w = split_windows(text, size)
    assert w[0][0] == 0 and w[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(w, w[1:], strict=False))
    assert all(e - s <= size for s, e in w) and all(e > s for s, e in w[:-1])


def test_long_text_in_windows_keeps_offsets_in_the_whole_text(nlp, shared):
    one = (shared / "examples" / "sana-2018-06-16.txt").read_text(encoding="utf-8").strip()
    single = analyse(one, nlp=nlp).to_dict()
    text = "\n\n".join([one] * 3)
    doc = analyse_long(nlp, Article(text=text), size=len(one) + 50).to_dict()
    check(doc)
    assert doc["article"]["text"] == text
    # the first window is the article itself, analysed as before
    n = len(single["events"])
    assert [e["trigger"] for e in doc["events"][:n]] == [e["trigger"] for e in single["events"]]
    assert len(doc["events"]) > 2 * n and max(e["trigger"]["start"] for e in doc["events"]) > 2 * len(one)


@pytest.mark.parametrize("n", [1_000_001])
def test_over_a_million_characters_is_analysed_not_refused_by_spacy(nlp, n):
    """spaCy's own max_length (E088) is never what a user meets: windows stay under it."""
    from eventwire.analysis.windows import WINDOW_CHARS

    text = ("Officials said the talks would resume. " * (n // 39 + 1))[:n]
    w = split_windows(text)
    assert len(w) > 1 and max(e - s for s, e in w) <= WINDOW_CHARS < nlp.max_length
