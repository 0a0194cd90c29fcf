"""The `eventwire_places` spaCy component: mentions, resolution and the spans it writes.

The component holds only what every document shares (the lexicon, the gazetteer, the
finder); each call makes its own `MentionReader` and `Ranking`, so documents can run on
several threads at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import ensure_path

import eventwire.analysis.extensions  # noqa: F401
from eventwire.analysis.extensions import doc_text, meta
from eventwire.analysis.places.candidates import Mention, PlaceFinder
from eventwire.analysis.places.evidence import (
    country_evidence,
    drop_foreign_villages,
    fix_pairs,
    pair_context,
    short_forms,
)
from eventwire.analysis.places.held import held_by
from eventwire.analysis.places.lexicon import PlacesLexicon, build_lexicon
from eventwire.analysis.places.rank import Ranking, Weights
from eventwire.analysis.places.recognise import MentionReader
from eventwire.gazetteer.index import Gazetteer, load, precision_of


class PlacesComponent:
    """Writes doc.spans[spans_key] with Span._.ew_place dicts (see extensions.py)."""

    def __init__(self, nlp: Language, name: str, cache_dir: str | None = None, fuzzy_threshold: float = 88.0,
                 min_score: float = 0.2, spans_key: str = "places", lexicon: PlacesLexicon | None = None):
        self.name = name
        self.cache_dir = cache_dir
        self.fuzzy_threshold = float(fuzzy_threshold)
        self.min_score = float(min_score)
        self.spans_key = spans_key
        self.lexicon = lexicon or build_lexicon()
        self.weights = Weights()
        # the supplement rows of a pipeline loaded from disk (None: the packaged supplement)
        self.supplement: list[dict[str, str]] | None = None
        self._gaz: Gazetteer | None = None
        self.find = PlaceFinder(self.lexicon, lambda: self.gaz, self.fuzzy_threshold)

    @property
    def gaz(self) -> Gazetteer:
        if self._gaz is None:
            self._gaz = load(self.cache_dir, supplement=self.supplement)
        return self._gaz

    def __call__(self, doc: Doc) -> Doc:
        # a failure reaches spaCy's error handler: the article becomes an error record naming the layer
        mentions = MentionReader(doc, self.find).read()
        self._resolve(doc, mentions)
        held = held_by(doc_text(doc), mentions, self.lexicon)
        spans = []
        for m in mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                continue
            if m.source == "gazetteer" and (m.best is None or m.score < self.min_score):
                continue  # found only through the gazetteer, and none of its readings fits the story
            span._.ew_place = self._place_info(m, held)
            spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc

    def _resolve(self, doc: Doc, mentions: list[Mention]) -> None:
        """Narrow each mention's readings by what the text says, then rank the rest together."""
        full_text = doc_text(doc)
        outlet = (meta(doc).get("outlet") or {}).get("country")
        base_countries = country_evidence(mentions, outlet)
        pair_ctx = pair_context(full_text, mentions, self.lexicon)
        short_forms(mentions)
        drop_foreign_villages(full_text, mentions, pair_ctx)
        fix_pairs(mentions, pair_ctx)
        live = [m for m in mentions if m.cands]
        if live:
            Ranking(full_text, live, pair_ctx, base_countries, self.weights).run()

    @staticmethod
    def _place_info(m: Mention, held: dict[int, dict]) -> dict[str, Any]:
        """The `ew_place` dict of a mention."""
        b = m.best
        if b is None:
            # a name the gazetteer lacks keeps what the text says of it (country, province), no point
            ctx = held.get(id(m)) or {}
            return {"geonameid": None, "name": None, "lat": None, "lon": None, "country": ctx.get("country"),
                    "admin1": ctx.get("admin1"), "feature_code": None, "precision": ctx.get("precision"),
                    "kind": m.kind, "score": 0.0}
        gid = b["geonameid"]
        return {"geonameid": gid if gid and gid > 0 else None, "name": b["name"], "lat": b["lat"],
                "lon": b["lon"], "country": b.get("country"), "admin1": b.get("admin1"),
                "feature_code": b.get("feature_code"), "precision": precision_of(b),
                "kind": m.kind, "score": round(m.score, 3)}

    # ------------------------------------------------------------------ serialisation
    def to_disk(self, path: str | Path, exclude: tuple = ()) -> None:
        """Save the supplement and the gazetteer's identity (not the big index, which lives in the cache)."""
        import srsly

        from eventwire.gazetteer.builder import supplement_rows, write_supplement

        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        rows = self.supplement if self.supplement is not None else supplement_rows()
        write_supplement(rows, path / "supplement.csv")
        srsly.write_json(path / "gazetteer.json", {"build_id": self.gaz.build_id, **self.gaz.meta,
                                                   "fuzzy_threshold": self.fuzzy_threshold,
                                                   "min_score": self.min_score})

    def from_disk(self, path: str | Path, exclude: tuple = ()) -> PlacesComponent:
        """Load a saved component: its supplement is the one the gazetteer is compiled with (the packaged
        build when they are equal, else a build of its own in the cache); the source packages must match."""
        import srsly

        from eventwire.gazetteer.builder import FORMAT, read_supplement, source_versions

        path = ensure_path(path)
        info_path = path / "gazetteer.json"
        if not info_path.is_file():
            raise ValueError(f"eventwire_places: no gazetteer.json in {path}")
        info = srsly.read_json(info_path)
        versions = source_versions()
        if info.get("versions") != versions or info.get("format") != FORMAT:
            raise ValueError(f"eventwire_places: the pipeline at {path} was saved with gazetteer build "
                             f"{info.get('build_id')} of {info.get('versions')} (format {info.get('format')}), "
                             f"but this installation compiles {versions} (format {FORMAT})")
        sup = path / "supplement.csv"
        self.supplement = read_supplement(sup) if sup.is_file() else None
        self._gaz = None
        return self


@Language.factory(
    "eventwire_places",
    default_config={"cache_dir": None, "fuzzy_threshold": 88.0, "min_score": 0.2, "spans_key": "places",
                    "lexicon": {"@misc": "eventwire.places_lexicon.v1"}},
    assigns=["doc.spans"],
    # token.pos is read, but en_core_web_sm sets it in its attribute_ruler from token.tag without
    # declaring it: token.tag is what makes it there, so analyze_pipes can check the order. The parse
    # and the lemmas tell a speaker ("Robertson said") and a settlement word ("the villages of X")
    requires=["doc.ents", "token.tag", "token.dep", "token.lemma"],
)
def make_places(nlp: Language, name: str, cache_dir: str | None, fuzzy_threshold: float, min_score: float,
                spans_key: str, lexicon: PlacesLexicon) -> PlacesComponent:
    return PlacesComponent(nlp, name, cache_dir=cache_dir, fuzzy_threshold=fuzzy_threshold,
                           min_score=min_score, spans_key=spans_key, lexicon=lexicon)
