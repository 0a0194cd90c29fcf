"""The pipeline has spaCy's shape: configs hold no machine paths, and analyze_pipes finds each
layer's inputs set before it (requires/assigns say the order, not a comment)."""

from __future__ import annotations

from pathlib import Path

# Layers with a known analyze_pipes problem, and the attributes it names (none left: the actors
# layer reads token.pos, which the model's attribute_ruler sets from token.tag without declaring
# it, so actors requires token.tag, as places and framing do).
NOT_YET: dict[str, list[str]] = {}


def test_config_holds_no_machine_path(nlp):
    from eventwire.settings import load_settings

    text = nlp.config.to_str()
    for path in (load_settings().cache_dir, str(Path.home()), "/root/", "/tmp/"):
        assert path not in text, f"{path} is in the pipeline config"
    assert nlp.get_pipe("eventwire_places").cache_dir == load_settings().cache_dir  # set at run time


def test_analyze_pipes_reports_no_problems(nlp):
    problems = {k: v for k, v in nlp.analyze_pipes(pretty=False)["problems"].items() if v}
    assert problems == {k: v for k, v in NOT_YET.items() if k in nlp.pipe_names}


def test_actors_requires_what_it_reads():
    """Without the tagger, parser and NER before it, analyze_pipes names each input the actors layer
    reads (the parse, sentences, tags, entities) and the spans of the layers before it."""
    import spacy

    blank = spacy.blank("en")
    blank.add_pipe("eventwire_actors")
    problems = set(blank.analyze_pipes(pretty=False)["problems"]["eventwire_actors"])
    assert {"token.tag", "token.dep", "token.head", "doc.sents", "doc.ents", "token.ent_type", "doc.spans"} <= problems
