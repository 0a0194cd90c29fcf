"""The claims layer on real text: the SANA example, quotes, hedges, denials, PolNeAR items."""

from __future__ import annotations

import json

import pytest

from eventwire.analysis.claims import find_quotes


def _claims(nlp, text: str) -> list[dict]:
    from eventwire.analysis import analyse

    doc = analyse(text, nlp=nlp).to_dict()
    for c in doc["claims"]:
        c["content_text"] = text[c["content"]["start"]:c["content"]["end"]]
    return doc["claims"]


def test_sana_expected_claims(sana_doc, shared):
    """Every claim the example's .expected.json lists is there (speaker, cue, content, channel, kind)."""
    exp = json.loads((shared / "examples" / "sana-2018-06-16.expected.json").read_text())["claims"]
    text = sana_doc["article"]["text"]
    claims = sana_doc["claims"]

    def holds(c, e):
        sp = (c.get("speaker") or {}).get("text") or ""
        return (e["speaker"].lower() in sp.lower() and e["cue"].lower() in c["cue"]["text"].lower()
                and e["content"].lower() in text[c["content"]["start"]:c["content"]["end"]].lower()
                and ("channel" not in e or c.get("channel") == e["channel"])
                and ("kind" not in e or c["kind"] == e["kind"]))

    missing = [e for e in exp if not any(holds(c, e) for c in claims)]
    assert not missing


def test_sana_letter_claims_nest_under_the_ministry(sana_doc):
    """'the letter said' -> parent is the ministry's claim made 'in a letter addressed to the UN'."""
    by_id = {c["id"]: c for c in sana_doc["claims"]}
    letter = [c for c in sana_doc["claims"] if c.get("speaker") and "letter" in c["speaker"]["text"].lower()]
    assert len(letter) >= 3
    for c in letter:
        assert c["channel"] == "letter"
        parent = by_id.get(c["parent"])
        assert parent is not None and "ministry" in parent["speaker"]["text"].lower()
        assert parent["cue"]["text"] == "lambasted"


def test_quotes_curly_straight_and_multi_paragraph():
    text = ('He said: “One. Two.\n\n“Three.” Then "four" and “five”.\n\nShe added "six.')
    qs = [text[s:e] for s, e in find_quotes(text)]
    assert qs[0].startswith("“One.") and qs[0].endswith("“Three.”")
    assert '"four"' in qs and "“five”" in qs
    assert not any("six" in q for q in qs)  # unbalanced at the end: dropped


def test_unbalanced_quote_does_not_swallow_the_article(nlp):
    text = ("The army said “the town was taken by noon.\n\n"
            "Residents said the shelling continued overnight.\n\n"
            "The governor said the roads would reopen on Monday.")
    claims = _claims(nlp, text)
    later = [c for c in claims if c["cue"]["start"] > text.index("Residents")]
    assert len(later) == 2
    assert all(c["content"]["end"] <= text.index("Residents") or c["cue"]["start"] > text.index("Residents")
               for c in claims)
    res = [c for c in claims if c["speaker"] and c["speaker"]["text"] == "Residents"][0]
    assert res.get("anonymous") is True and res.get("sector") == "CVL"


def test_split_quote_is_one_direct_claim(nlp):
    text = ('"By locking in China," Mr. Obama said, "it allowed me to go to India and South Africa."')
    claims = _claims(nlp, text)
    assert len(claims) == 1
    c = claims[0]
    assert c["kind"] == "direct" and c["speaker"]["text"] == "Mr. Obama" and c["cue"]["text"] == "said"
    assert c["content_text"].startswith('"By locking') and c["content_text"].endswith('Africa."')


def test_hedge_makes_a_claim_without_speaker(nlp):
    text = "Government forces reportedly shelled the village of Kafr Nabl on Tuesday."
    claims = _claims(nlp, text)
    hedge = [c for c in claims if c.get("hedge")]
    assert hedge and hedge[0]["speaker"] is None and hedge[0]["cue"]["text"] == "reportedly"
    assert "shelled the village" in hedge[0]["content_text"]


def test_denial(nlp):
    text = "The Pentagon denied striking the hospital in Kunduz, and rejected the reports of civilian deaths."
    claims = _claims(nlp, text)
    denials = [c for c in claims if c.get("denial")]
    assert any("striking the hospital" in c["content_text"] and c["speaker"]["text"] == "The Pentagon"
               for c in denials)
    text2 = "A spokesman said there was no operational reporting of a strike in the area."
    d2 = [c for c in _claims(nlp, text2) if c.get("denial")]
    assert d2 and "a strike" in d2[0]["content_text"] and d2[0]["parent"] is not None


def test_polnear_items_floor(nlp, shared, benchmark_script):
    """Real PolNeAR articles the cue model never saw (train_claims.py's held-out folds, read at
    test time): cue-matched claim F1 stays above a floor (out-of-sample).

    The shipped model must have been fit on exactly the other folds (its meta counts them), so
    these 8 articles are out of sample. Measured on them: P 0.813, R 0.627, F1 0.708 (all 62
    held-out articles: F1 0.784; 8 training articles score 0.913). The floor sits 4 points under
    the measured figure, so a real loss of cues fails it.
    """
    from eventwire.analysis import analyse_many
    from eventwire.analysis.claims import MODEL_FILE
    from eventwire.data import open_data
    from eventwire.ingest.article import Article

    path = shared / "data" / "attribution-polnear-dev.jsonl"
    if not path.exists():
        pytest.skip("attribution-polnear-dev.jsonl is missing")
    train = benchmark_script("train_claims")
    with path.open(encoding="utf-8") as fh:
        every = [json.loads(line) for line in fh]
    held = [it for it in every if train.fold(it["id"]) in train.HELD_OUT]
    with open_data(MODEL_FILE) as fh:
        meta = json.load(fh)["meta"]
    assert meta["articles"] == len(every) - len(held), "the cue model was fit on another split"
    items = held[:8]
    assert len(items) == 8
    arts = [Article(text=it["text"], id=it["id"]) for it in items]
    tp = n_sys = n_gold = 0
    for it, doc in zip(items, analyse_many(arts, nlp=nlp), strict=True):
        gold = [(a["cue"]["start"], a["cue"]["end"]) for a in it["attributions"]]
        sys_ = [(c.cue.start, c.cue.end) for c in doc.claims]
        n_gold += len(gold)
        n_sys += len(sys_)
        used = set()
        for gs, ge in gold:
            for j, (s, e) in enumerate(sys_):
                if j not in used and s < ge and gs < e:
                    used.add(j)
                    tp += 1
                    break
    p, r = tp / max(n_sys, 1), tp / max(n_gold, 1)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    assert f1 >= 0.67, (p, r, f1)


def test_sana_claim_chain_runs_from_the_ministry_down_to_the_letter(sana_doc):
    """`chain` lists speakers outermost first, so a reader sees outlet <- ministry <- letter."""
    letter = [c for c in sana_doc["claims"] if c.get("parent") and "letter" in c["speaker"]["text"].lower()]
    assert letter
    for c in letter:
        assert len(c["chain"]) == 2
        assert "ministry" in c["chain"][0].lower() and "letter" in c["chain"][-1].lower()
    top = [c for c in sana_doc["claims"] if c["parent"] is None and c.get("speaker")]
    assert all(c["chain"] == [c["chain"][-1]] for c in top)
    assert not any("\n" in n for c in sana_doc["claims"] for n in c["chain"])  # no title/time line


def _polnear_sentence(shared, needle: str) -> str:
    path = shared / "data" / "attribution-polnear-dev.jsonl"
    if not path.exists():
        pytest.skip("attribution-polnear-dev.jsonl is missing")
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line)["text"]
            k = text.find(needle)
            if k >= 0:
                s = text.rfind("\n", 0, k) + 1
                e = text.find("\n", k)
                return text[s:e if e >= 0 else len(text)]
    pytest.skip(f"{needle!r} is not in the dev file")


def test_quote_before_speaker_with_appositive(nlp, shared):
    """'“...,” Sarandon, 69, told MSNBC Monday': the parser hangs the quote on the speaker; the
    speaker stays the name and the quote is the content."""
    para = _polnear_sentence(shared, "Sarandon, 69, told MSNBC")
    told = [c for c in _claims(nlp, para) if c["cue"]["text"].startswith("told")]
    assert told and told[0]["speaker"]["text"].startswith("Sarandon")
    assert told[0]["content_text"].startswith("“That’s a legitimate concern")


def test_double_apostrophe_quotes(nlp):
    text = ("''The day that was abrogated was the day this became personal,'' he said. "
            "Residents of the town said they had seen nothing.")
    claims = _claims(nlp, text)
    c = [c for c in claims if c["speaker"] and c["speaker"]["text"] == "he"][0]
    assert c["kind"] == "direct" and "abrogated" in c["content_text"]


def test_belief_verbs_need_a_clause_and_a_named_subject(nlp):
    text = ("You'd think the business community would be up in arms. "
            "Sanders believes the party will unite behind him. Voters want change.")
    claims = _claims(nlp, text)
    cues = [c["cue"]["text"] for c in claims]
    assert "believes" in cues
    assert not any("think" in c for c in cues) and not any("want" in c for c in cues)


def test_attacked_is_a_cue_for_people_not_for_places(nlp):
    verbal = _claims(nlp, "Donald Trump attacked Hillary Clinton for her record on trade.")
    assert any(c["cue"]["text"] == "attacked" and c["speaker"]["text"] == "Donald Trump" for c in verbal)
    verbal = _claims(nlp, "The Democratic nominee aggressively attacked her opponent as a fraud.")
    assert any(c["cue"]["text"].endswith("attacked") and "opponent" in c["content_text"] for c in verbal)
    physical = _claims(nlp, "Militants attacked an army base near Aleppo on Friday, killing four soldiers.")
    assert not any("attack" in c["cue"]["text"] for c in physical)


def test_cue_span_takes_auxiliaries_and_channel(nlp):
    text = "Clinton has not once again mentioned the plan. Obama said in an interview that he was proud."
    claims = _claims(nlp, text)
    cues = [c["cue"]["text"] for c in claims]
    assert "said in an interview" in cues
    assert any(c.startswith("has not") for c in cues)


def test_cue_model_loads_and_separates_reports(nlp):
    """The shipped cue model loads through eventwire.data and scores a report above a plain act."""
    from eventwire.analysis.claims import MODEL_FILE, CueModel, Lexicon, Quotes, cue_features

    model = CueModel.load(MODEL_FILE)
    assert model is not None and 0.0 < model.threshold < 1.0 and len(model.weights) > 100
    lex = Lexicon.load()

    def prob(text: str, verb: str) -> float:
        doc = nlp(text)
        tok = next(t for t in doc if t.text == verb)
        return model.prob(cue_features(tok, Quotes([]), lex))

    assert prob("The senator predicted that the bill would fail in the House.", "predicted") >= model.threshold
    assert prob("Workers painted the bridge over the river last summer.", "painted") < model.threshold


def test_split_quote_resumes_after_the_cue_sentence(nlp):
    """'“A,” he said. “B.”': PolNeAR's content is both halves of the quotation."""
    text = "“We will win this state,” Kasich said. “And then we will win the nomination.”"
    c = [c for c in _claims(nlp, text) if c["cue"]["text"] == "said"][0]
    assert c["content_text"].startswith("“We will") and c["content_text"].endswith("nomination.”")


def test_conjoined_report_ends_the_first_content(nlp):
    """'X praised A and said B': two claims; the first content stops before the second cue."""
    text = "Sanders praised the voters of Michigan and said it was another step closer to the White House."
    claims = _claims(nlp, text)
    said = [c for c in claims if c["cue"]["text"] == "said"]
    assert said and "another step" in said[0]["content_text"]
    assert not any("another step" in c["content_text"] for c in claims if c["cue"]["text"] != "said")


def test_training_is_deterministic_on_a_small_subset(nlp, shared, benchmark_script):
    """benchmarks/train_claims.py gives identical weights on two runs over the same 10 items."""
    from eventwire.analysis.claims import Lexicon

    path = shared / "data" / "attribution-polnear-dev.jsonl"
    if not path.exists():
        pytest.skip("dev file missing")
    train = benchmark_script("train_claims")
    with path.open(encoding="utf-8") as fh:
        items = [json.loads(line) for line in fh.readlines()[:10]]
    docs = [nlp(it["text"]) for it in items]
    feats, labels = train.examples(docs, items, Lexicon.load())
    assert 0 < sum(labels) < len(labels)
    w1 = train.fit(feats, labels, iters=40)
    w2 = train.fit(feats, labels, iters=40)
    assert w1 == w2 and any(abs(v) > 0.01 for k, v in w1.items() if k != "bias")


def test_linking_preposition_is_part_of_the_cue_not_the_content(nlp):
    """PolNeAR marks the preposition that links a cue to its content as cue ("apologized for")."""
    claims = _claims(nlp, "The senator apologized for the remark. Trump warned of a rigged election.")
    got = {c["cue"]["text"]: c["content_text"] for c in claims}
    assert got.get("apologized for") == "the remark"
    assert got.get("warned of") == "a rigged election"


def test_parsed_content_stays_in_its_paragraph(nlp):
    """A reporting clause never runs into the next paragraph, so the next paragraph's cue survives."""
    text = ('He said the United States will seek new sanctions against the regime.\n\n'
            '"To be clear, we will never accept a nuclear North Korea," he said.\n')
    claims = _claims(nlp, text)
    first = next(c for c in claims if c["content_text"].startswith("the United States"))
    assert "To be clear" not in first["content_text"]
    assert any(c["kind"] == "direct" and "To be clear" in c["content_text"] for c in claims)


def test_unnamed_reports_make_the_events_inside_alleged(nlp):
    """'reports that ...', 'allegations that ...', 'Claims that ...': claims without a speaker, so the
    killings inside them are alleged, not reported; nested under a speaker who relays them."""
    from eventwire.analysis import analyse

    text = ("The UN commission said on Monday it had reviewed reports that government forces killed "
            "12 civilians in an airstrike on the village. There were also allegations that rebels "
            "shelled a school in Aleppo. Claims that militants bombed the market could not be verified.")
    doc = analyse(text, nlp=nlp).to_dict()
    cues = {c["cue"]["text"].lower(): c for c in doc["claims"]}
    assert {"reports", "allegations", "claims"} <= set(cues)
    assert all(cues[k]["speaker"] is None for k in ("reports", "allegations", "claims"))
    assert cues["reports"]["parent"] is not None  # relayed by the commission
    events = [e for e in doc["events"] if e["type"] == "ASSAULT"]
    assert events and all(e["status"] == "alleged" for e in events)


def test_shared_subject_and_relative_clause_cues_cut_the_outer_content(nlp):
    """PolNeAR does not nest: "X promised A and said B" and "..., which he said were B" are claims of
    their own, and the outer claim's content stops before them."""
    text = ("Machado says she promised to keep supporting Clinton and said she would stand up to the attacks. "
            "He attacked other candidates for accepting donations, which he said were accompanied by favors.")
    claims = _claims(nlp, text)
    said = [c for c in claims if c["cue"]["text"] == "said"]
    assert len(said) == 2
    says = [c for c in claims if c["cue"]["text"] == "says"][0]
    assert "stand up" not in says["content_text"]
    assert any(c["content_text"].startswith("which") or "accompanied" in c["content_text"] for c in said)


def test_colon_before_a_quotation_is_a_cue_but_not_a_column_label(nlp):
    text = ("The Latest: Trump urges supporters to monitor polling places.\n\n"
            "The challenge of transparency is exemplified by this finding: “27 companies reported 16,389 "
            "subsidiaries to the Federal Reserve.”")
    claims = _claims(nlp, text)
    colon = [c for c in claims if c["cue"]["text"] == ":"]
    assert len(colon) == 1 and "27 companies" in colon[0]["content_text"]


def test_passive_expectation_is_an_unsourced_claim(nlp):
    claims = _claims(nlp, "Trump is expected to deliver a victory speech later tonight in New York.")
    c = [c for c in claims if "expected" in c["cue"]["text"]]
    assert c and c[0]["cue"]["text"] == "is expected" and c[0]["speaker"] is None
    assert "victory speech" in c[0]["content_text"]


def test_signed_quotation_with_nested_quote_marks(nlp):
    """'“... what he calls “hell” ...” ― Name': the quote scan cannot balance it; the dash signs it."""
    text = ("“Mr. Trump is clueless about the struggles of minorities.” ― Edwin G. Monroy\n"
            "“As a young woman, I’d rather live in what he calls “hell” than live in a world where he is "
            "president.” ― Adriana Rodarte\n")
    claims = _claims(nlp, text)
    signed = [c for c in claims if c["cue"]["text"] == "―"]
    assert any(c["speaker"]["text"] == "Adriana Rodarte" and "rather live" in c["content_text"] for c in signed)


def test_as_x_reported_takes_the_main_clause(nlp):
    text = ("As The Washington Post reported, Sanders would still trail Clinton in delegates "
            "even if he won every remaining contest.")
    c = [c for c in _claims(nlp, text) if c["cue"]["text"].endswith("reported")]
    assert c and c[0]["content_text"].startswith("Sanders would still trail")


def test_speaker_outside_the_quotation(nlp):
    """'“Like Oakland. Or Ferguson,” Trump said.': the quoted word the parser took for a subject is not
    the speaker."""
    text = "“There are dangerous places in America.”\n“Like Oakland. Or Ferguson,” Trump said. “The numbers are worse.”"
    c = [c for c in _claims(nlp, text) if c["cue"]["text"] == "said"]
    assert c and c[0]["speaker"]["text"] == "Trump" and "Ferguson" in c[0]["content_text"]


def test_unseen_communication_verb_is_a_cue_by_its_wordnet_class(nlp):
    """A verb the cue model never saw ("aver") is a cue when WordNet files it with communication
    verbs and the context is a report; one filed elsewhere ("paint") is not."""
    from eventwire.analysis.claims import MODEL_FILE, CueModel, Lexicon

    assert "l=aver" not in CueModel.load(MODEL_FILE).weights and "aver" not in Lexicon.load().verbs
    text = "Senator Jones averred that the tax plan would ruin farmers in the state."
    cues = [(c["cue"]["text"], c["speaker"]["text"]) for c in _claims(nlp, text)]
    assert ("averred", "Senator Jones") in cues
    assert not _claims(nlp, "Senator Jones repainted the barn that the farmers in the state had built.")


def test_document_and_participle_are_one_cue(nlp):
    """'issued a statement calling X ...': one claim whose cue runs from the verb to the participle,
    spoken by the verb's subject (PolNeAR marks it so), not a second claim for 'issued a statement'."""
    text = "The Foreign Ministry issued a statement calling the strike a flagrant violation of international law."
    claims = _claims(nlp, text)
    assert [c["cue"]["text"] for c in claims] == ["issued a statement calling"]
    assert claims[0]["speaker"]["text"] == "The Foreign Ministry"
    assert claims[0]["content_text"].startswith("the strike")


def test_verb_before_a_colon_quotation_is_in_the_cue(nlp):
    text = ("McCrummen reports:\n\n“The first time she had seen him, at a rally in June, she was just "
            "beginning to realize what he meant.”")
    claims = _claims(nlp, text)
    assert [c["cue"]["text"] for c in claims] == ["reports:"]
    assert claims[0]["speaker"]["text"] == "McCrummen"


def test_adjective_frame_is_in_the_cue(nlp):
    claims = _claims(nlp, "Clinton was quick to embrace the proposal for a higher minimum wage.")
    assert [(c["cue"]["text"], c["speaker"]["text"]) for c in claims] == [("was quick to embrace", "Clinton")]


def test_belief_about_an_object_is_a_claim_with_a_named_subject(nlp):
    """'X see Y as Z' is a belief PolNeAR marks; 'you see the river as you drive' is not."""
    text = "Patrick Leahy and Chuck Grassley see reauthorization of the program as an opportunity to fix problems."
    claims = _claims(nlp, text)
    assert [(c["cue"]["text"], c["speaker"]["text"]) for c in claims] == [("see", "Patrick Leahy and Chuck Grassley")]
    assert claims[0]["content_text"].startswith("reauthorization")
    assert not _claims(nlp, "You see the river as you drive into town.")


def test_component_keeps_no_per_document_state(nlp):
    """Per-document state lives in a context object for one `find` call, not on the shared component."""
    from spacy.tokens import Doc, Span

    from eventwire.analysis import analyse_many
    from eventwire.ingest.article import Article

    comp = nlp.get_pipe("eventwire_claims")
    before = {k: id(v) for k, v in vars(comp).items()}
    next(analyse_many([Article(text='"We will not stop," the minister said on Monday.', id="s")], nlp=nlp))
    assert {k: id(v) for k, v in vars(comp).items()} == before
    assert not any(isinstance(v, Doc | Span) for v in vars(comp).values())


def test_a_reduced_passive_of_belief_is_no_claim_by_its_noun(nlp):
    # issue 13: "Gunmen suspected to be bandits ... attacked" made the gunmen a speaker and the attack alleged
    claims = _claims(nlp, "Gunmen suspected to be bandits on Sunday attacked St. Francis Catholic Church in "
                          "Owo, killing over 50 members of the congregation.")
    assert not any(c["cue"]["text"] == "suspected" for c in claims), claims
    claims = _claims(nlp, "Police suspected that the gunmen were bandits.")
    assert any(c["cue"]["text"] == "suspected" and c["speaker"]["text"] == "Police" for c in claims)


def test_a_verb_coordinated_with_the_cue_is_not_its_content(nlp):
    text = ("The villagers were observing Maulud celebration and were mistakenly killed and many others "
            "injured following a military drone attack.")
    for c in _claims(nlp, text):
        assert "killed" not in c["content_text"], c


def test_component_runs_two_documents_from_two_threads_at_once(nlp, sana_doc, shared):
    """Two threads sharing the one component on two different Docs get what one thread gets: the
    per-document state lives in the context object of each call."""
    import sys
    from concurrent.futures import ThreadPoolExecutor

    texts = [(shared / "examples" / "sana-2018-06-16.txt").read_text(encoding="utf-8"),
             ('"We will not stop," the minister said on Monday. "Never."\n\n'
              "Residents said the shelling continued, and the army denied striking the hospital. "
              "According to a military source, the convoy was hit. The letter said the raid was illegal.\n\n"
              "PENCE: Well, we will see what the voters decide tomorrow.")]
    comp = nlp.get_pipe("eventwire_claims")
    docs = [nlp(t) for t in texts]
    alone = [comp.find(d) for d in docs]
    assert all(alone)
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, so any shared state shows
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            for _ in range(6):
                assert list(pool.map(comp.find, docs)) == alone
                assert list(pool.map(comp.find, docs[::-1])) == alone[::-1]
    finally:
        sys.setswitchinterval(old)


def test_config_names_the_data_through_registered_loaders(nlp):
    """The factory's config refers to the lexicon and the cue model by registered loader (no
    path), and a pipeline rebuilt from the config finds the same claims."""
    import spacy
    from spacy.lang.en import English
    from thinc.api import Config

    from eventwire.analysis.claims import MODEL_FILE, CueModel, Lexicon

    cfg = nlp.config["components"]["eventwire_claims"]
    assert cfg["lexicon"] == {"@misc": "eventwire.claims_lexicon.v1"}
    assert cfg["model"] == {"@misc": "eventwire.claims_cue_model.v1", "name": MODEL_FILE}
    assert isinstance(spacy.registry.misc.get("eventwire.claims_lexicon.v1")(), Lexicon)
    assert isinstance(spacy.registry.misc.get("eventwire.claims_cue_model.v1")(MODEL_FILE), CueModel)
    blank = spacy.blank("en")
    blank.add_pipe("eventwire_claims")
    rebuilt = English.from_config(Config().from_str(blank.config.to_str()))
    comp = rebuilt.get_pipe("eventwire_claims")
    assert comp.model is not None and comp.threshold == comp.model.threshold and comp.lex.verbs
    doc = nlp("The Foreign Ministry said in a statement that the strike was a violation of the law.")
    assert comp.find(doc) == nlp.get_pipe("eventwire_claims").find(doc)
