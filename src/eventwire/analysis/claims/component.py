"""The claims component: runs the jobs of the layer over one Doc and writes ``Doc._.ew_claims``.

The component holds only shared, read-only data (lexicon, cue model, thresholds); everything it
learns of a document lives in a ``DocContext`` made per call, so threads can share it.
"""

from __future__ import annotations

from spacy.attrs import LEMMA, LOWER, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc

import eventwire.analysis.extensions  # noqa: F401
from eventwire.analysis.claims.context import DocContext
from eventwire.analysis.claims.cue_model import MODEL_FILE, CueModel
from eventwire.analysis.claims.lexicon import Lexicon
from eventwire.analysis.claims.marks import colon_labels, colon_quotes, dash_quotes
from eventwire.analysis.claims.nesting import chains, nest
from eventwire.analysis.claims.phrase_claims import calls_reports_false
from eventwire.analysis.claims.speakers import resolve
from eventwire.analysis.claims.verb_claims import claim_at, may_cue
from eventwire.analysis.columns import lowered, string_columns


class ClaimsComponent:
    """Finds claims (quotes, reported speech, documents, hedges, denials) on a parsed Doc."""

    def __init__(self, nlp: Language, name: str, model: CueModel | str | None = MODEL_FILE,
                 threshold: float | None = None, lexicon: Lexicon | None = None):
        self.name = name
        self.lex = lexicon if lexicon is not None else Lexicon.load()
        # a data name (older configs, benchmarks) is loaded here; the factory passes a loaded model
        self.model = (CueModel.load(model) if model else None) if isinstance(model, str) else model
        self.threshold = threshold if threshold is not None else (self.model.threshold if self.model else 1.0)
        self.veto = self.model.veto if self.model else 0.0

    def __call__(self, doc: Doc) -> Doc:
        # a failure reaches spaCy's error handler: the article becomes an error record
        doc._.ew_claims = self.find(doc)
        return doc

    def find(self, doc: Doc) -> list[dict]:
        """The claims of a Doc; what it learns of this document lives in a `DocContext`, not on self."""
        ctx = DocContext.read(doc, self.lex, self.model, self.threshold, self.veto)
        raw: list[dict] = []
        low, lemma, pos, tag = string_columns(doc, [LOWER, LEMMA, POS, TAG])
        lemma = lowered(lemma)
        gate = [may_cue(ctx, *a) for a in zip(low, lemma, pos, tag, strict=True)]
        for sent in doc.sents:
            ctx.sent = sent
            for i in range(sent.start, sent.end):
                c = claim_at(ctx, doc[i]) if gate[i] else None
                if c:
                    raw.append(c)
        raw.extend(colon_labels(ctx))
        raw.extend(dash_quotes(ctx))
        raw.extend(colon_quotes(ctx, raw))
        for c in raw:
            if not c.get("denial") and calls_reports_false(ctx, c):
                c["denial"] = True  # "the junta said reports of the strike were fabricated news"
        claims = nest(ctx, raw)
        resolve(ctx, claims)
        chains(ctx, claims)
        for c in claims:
            for k in [k for k in c if k.startswith("_")]:
                del c[k]
        return claims


@Language.factory("eventwire_claims",
                  default_config={"model": {"@misc": "eventwire.claims_cue_model.v1", "name": MODEL_FILE},
                                  "threshold": None,
                                  "lexicon": {"@misc": "eventwire.claims_lexicon.v1"}},
                  assigns=["doc._.ew_claims"],
                  # the actors' spans name the speakers; entity types and tags type them
                  requires=["token.dep", "token.lemma", "token.tag", "token.ent_type", "doc.sents", "doc.spans"])
def make_claims(nlp: Language, name: str, model: CueModel | str | None, threshold: float | None,
                lexicon: Lexicon) -> ClaimsComponent:
    return ClaimsComponent(nlp, name, model, threshold, lexicon)
