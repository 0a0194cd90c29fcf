"""The times layer (placeholder until its issue lands: registers the factory, adds nothing)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

import eventwire.analysis.extensions  # noqa: F401


class TimesComponent:
    def __init__(self, nlp: Language, name: str, **cfg):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        return doc


@Language.factory("eventwire_times", default_config={})
def make_times(nlp: Language, name: str) -> TimesComponent:
    return TimesComponent(nlp, name)
