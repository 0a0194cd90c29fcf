"""The framing layer: loaded language and propaganda techniques (SemEval-2020 Task 11 labels)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from typing import get_args

import pytest
import spacy

from eventwire import records
from eventwire.analysis.document import to_document
from eventwire.data import data_path, read_csv, read_yaml
from eventwire.settings import load_settings

TECHNIQUES = set(get_args(records.Technique))


@pytest.fixture(scope="module")
def fnlp():
    """The spaCy model plus the framing layer only (actors are put on the Doc by hand)."""
    nlp = spacy.load(load_settings().spacy_model)
    nlp.add_pipe("eventwire_framing")
    return nlp


def test_data_files_have_sources_and_known_techniques():
    rows = read_csv("lexicons/loaded_terms.csv")
    assert len(rows) > 100
    for r in rows:
        assert r["term"] and r["source"], r
        assert r["technique"] in TECHNIQUES, r
    spec = read_yaml("lexicons/framing_patterns.yaml")
    for p in spec["patterns"]:
        assert p["technique"] in TECHNIQUES and p["source"], p["id"]
    for name, s in spec["sets"].items():
        assert s["source"] and s["words"], name
    assert all(r["source"] for r in read_csv("lexicons/bias_words.csv"))
    assert data_path("framing/model.npz").read_bytes().__len__() < 2 * 1024 * 1024


def test_sana_framing_phrases(sana_doc):
    text = sana_doc["article"]["text"]
    spans = sana_doc["framing"]
    for phrase in ("illegitimate", "atrocities", "outrageous coalition", "massacres", "Daesh terrorists",
                   "innocent Syrian civilians", "incessant aggressions",
                   "sovereignty, safety and territorial integrity"):
        i = text.find(phrase)
        assert i >= 0
        assert any(s["start"] < i + len(phrase) and s["end"] > i for s in spans), phrase
    for s in spans:
        assert text[s["start"]:s["end"]] == s["text"]
        assert s["technique"] in TECHNIQUES
    flag = [s for s in spans if s["text"] == "sovereignty, safety and territorial integrity"]
    assert flag and flag[0]["technique"] == "Flag-Waving"
    assert not any("\n" in s["text"] for s in spans), "a framing span crosses a line break"
    # fewer, longer spans than one per loaded word (it was ~50 before the two-threshold decoder)
    assert len(spans) < 40, len(spans)


def test_decode_needs_a_confident_token(fnlp):
    """Two thresholds: weak tokens join a confident one, a stretch of weak tokens alone is dropped."""
    from eventwire.analysis.framing import decode, logit

    doc = fnlp.make_doc("They call it a brutal and savage campaign today.\nNext line here.")
    doc[0].is_sent_start = True
    for t in doc[1:]:
        t.is_sent_start = False
    low, seed = logit(0.1), logit(0.5)
    scores = [-5.0] * len(doc)
    scores[4] = scores[6] = logit(0.2)  # weak: brutal, savage
    assert decode(doc, scores, low, seed, 1) == []
    scores[5] = logit(0.9)  # "and" between them is confident: one span, ends trimmed
    assert decode(doc, scores, low, seed, 1) == [(4, 7)]
    nl = next(t.i for t in doc if "\n" in t.text)
    scores = [logit(0.9)] * len(doc)
    spans = decode(doc, scores, low, seed, 2)
    assert all(not (s <= nl < e) for s, e in spans) and len(spans) == 2


def test_actor_called_terrorists_keeps_canonical_name(fnlp):
    text = "Coalition jets bombed Raqqa while the US kept ties with Daesh terrorists in the east."
    doc = fnlp.make_doc(text)
    doc._.ew_meta = {}
    start = text.index("Daesh")
    actor = doc.char_span(start, start + len("Daesh"))
    actor._.ew_actor = {"name": "Islamic State", "country": "IMG", "sector": "REB", "entity": "isis"}
    doc.spans["actors"] = [actor]
    for _, proc in fnlp.pipeline:
        doc = proc(doc)
    rec = to_document(doc, {"id": "t1", "outlet": None}).to_dict()
    (a,) = rec["actors"]
    assert (a["name"], a["entity"], a["text"]) == ("Islamic State", "isis", "Daesh")
    labelled = [f for f in rec["framing"] if "terrorists" in f["text"]]
    assert labelled and labelled[0]["technique"] == "Name_Calling,Labeling"
    assert labelled[0]["about"] == a["id"]


def test_summary_counts(fnlp):
    text = ("The so-called government committed atrocities.\n\n"
            "Officials met on Tuesday to discuss the budget.\n\n"
            "These barbaric massacres threaten our sovereignty and territorial integrity.")
    doc = fnlp(text)
    summ = doc._.ew_framing_summary
    spans = list(doc.spans["framing"])
    assert summ["spans"] == len(spans) == sum(summ["counts"].values())
    assert summ["sentences"] == 3
    assert summ["sentences_with_framing"] == 2
    assert summ["share_sentences"] == pytest.approx(2 / 3, abs=1e-3)
    assert summ["counts"].get("Doubt", 0) >= 1
    rec = to_document(doc, {"id": "t2", "outlet": None}).to_dict()
    assert rec["framing_summary"] == summ


@pytest.mark.parametrize("text", ["", "   \n\n  ", "“", "so - called", "!!!"])
def test_bad_input_does_not_crash(fnlp, text):
    doc = fnlp(text)
    assert doc._.ew_framing_summary["spans"] == len(doc.spans["framing"])


def test_ptc_heldout_floor(fnlp, shared):
    """A few held-out PTC articles (never trained on): span F1 well above the bias-lexicon baseline."""
    path = shared / "data" / "framing-ptc-dev.jsonl"
    if not path.exists():
        pytest.skip("framing-ptc-dev.jsonl missing")
    spec = importlib.util.spec_from_file_location("ew_score", shared / "eval" / "score.py")
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    items = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            it = json.loads(line)
            if int(hashlib.sha1(it["id"].encode()).hexdigest(), 16) % 5 == 0:
                items.append(it)
            if len(items) == 12:
                break
    docs = []
    for it, doc in zip(items, fnlp.pipe(it["text"] for it in items), strict=True):
        framing = [{"start": s.start_char, "end": s.end_char, "technique": s._.ew_framing["technique"]}
                   for s in doc.spans["framing"]]
        docs.append({"schema": "eventwire/document/1", "article": {"id": it["id"], "text": it["text"]},
                     "framing": framing})
    m, _ = score.score("framing", items, docs)
    assert m["si_f1"] >= 0.25, m


def test_token_scores_equal_the_weights_of_token_features(fnlp):
    """The run-time scorer sums the same weights as the training features, to the last bit."""
    import math

    from eventwire.analysis import framing_features as ff

    comp = fnlp.get_pipe("eventwire_framing")
    doc = fnlp("The so-called \"opposition\" is a terrorist regime, the worst ever!\n"
               "Daesh terrorists shelled the town. Sovereignty, safety and territorial integrity matter?")
    inq, _ = ff._quoted(doc, comp.quote_max)
    rules = comp.rules(doc)
    tt = ff.token_table(doc, rules, comp.bias, inq)
    sent = ff.sentence_scores(tt, comp.model.sent)
    w = comp.model.sent.all
    for s, p in zip(doc.sents, sent, strict=True):
        z = w.get("<bias>", 0.0) + sum(w.get(f, 0.0) for f in ff.sentence_features(s, comp.bias, inq))
        assert p == 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
    w = comp.model.si.all
    want = [sum(w.get(f, 0.0) for f in fs) + w.get("<bias>", 0.0)
            for fs in ff.token_features(doc, rules, comp.bias, comp.quote_max, sent)]
    assert comp.token_scores(doc, rules) == want
