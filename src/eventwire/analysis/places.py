"""The places layer (placeholder until its issue lands: registers the factory, adds nothing)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

import eventwire.analysis.extensions  # noqa: F401


class PlacesComponent:
    def __init__(self, nlp: Language, name: str, **cfg):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        return doc


@Language.factory("eventwire_places", default_config={"cache_dir": None})
def make_places(nlp: Language, name: str, cache_dir: str | None) -> PlacesComponent:
    return PlacesComponent(nlp, name, cache_dir=cache_dir)
