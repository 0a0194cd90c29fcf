"""A possessive written apart from its word ("Libya ’ s government", as tokenised corpora write
it) is read as the possessive: real ConfliBERT sentences, whose parties it decides."""

from __future__ import annotations

import json


def _item(shared, item_id):
    for line in (shared / "data" / "actors-conflibert-dev.jsonl").open(encoding="utf-8"):
        d = json.loads(line)
        if d["id"] == item_id:
            return d
    raise AssertionError(f"{item_id} not in the ConfliBERT dev file")


def test_a_spaced_possessive_parses_as_one(nlp, shared):
    text = _item(shared, "conflibert-cameo-train-0213")["text"]  # "called on Libya ’ s ... government"
    doc = nlp(text)
    assert doc.text == text  # the input, offset for offset
    (clitic,) = [t for t in doc if t.text == "’ s"]
    assert clitic.tag_ == "POS" and clitic.head.text == "Libya" and clitic.head.dep_ == "poss"
    (ev,) = [e for e in doc._.ew_events if e["type"] == "REQUEST"]
    assert [text[s:e] for s, e in ev["recipients"]] == ["Libya ’ s internationally recognized government"]


def test_a_name_with_a_spaced_possessive_is_one_party(nlp, shared):
    """'issued an ultimatum to the Tigray People ’ s Liberation Front': one party, where the
    stray 's' once made three ('the Tigray People', 's', 'Liberation Front')."""
    text = _item(shared, "conflibert-cameo-train-1083")["text"]
    doc = nlp(text)
    recips = [text[s:e] for ev in doc._.ew_events for s, e in ev["recipients"]]
    assert "the Tigray People ’ s Liberation Front" in recips
    assert "s" not in recips and "Liberation Front" not in recips


def test_quotes_and_plain_possessives_are_left_alone(nlp):
    text = "Iran's envoy rejected the ‘ s ’ label , and the U.S. ' s envoy left ."
    doc = nlp(text)
    assert doc.text == text
    assert [t.text for t in doc][:3] == ["Iran", "'s", "envoy"]
    assert "‘ s" not in [t.text for t in doc]  # an opening quote before a lone letter is no clitic
