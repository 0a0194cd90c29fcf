"""The framing layer (placeholder until its issue lands: registers the factory, adds nothing)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

import eventwire.analysis.extensions  # noqa: F401


class FramingComponent:
    def __init__(self, nlp: Language, name: str, **cfg):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        return doc


@Language.factory("eventwire_framing", default_config={})
def make_framing(nlp: Language, name: str) -> FramingComponent:
    return FramingComponent(nlp, name)
