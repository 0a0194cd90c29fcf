"""The claims layer: who says what, through which channel, nested under whom.

Writes ``Doc._.ew_claims``: plain dicts with ``kind`` (direct | indirect |
according_to | document), ``speaker`` ({start, end, actor} or None), ``cue`` and
``content`` ([start, end]), ``channel``, ``addressees`` (actor spans),
``parent`` (index into the same list) and extras (``denial``, ``anonymous``,
``sector``, ``hedge``, ``antecedent``, ``chain``). The events layer reads the content spans
to tell what the outlet states from what it relays.

Cues, hedges, channels, unnamed-source nouns and closed word classes are data
(``data/lexicons``, through the registered loader ``eventwire.claims_lexicon.v1``); the
modules hold only the grammar, one job each:

* ``quotes``: the character scan for quotations (they win over the parse next to a cue);
* ``cue_model``: the learned cue model and its features (shared with the training script);
* ``cues``: which tokens are cues, and the cue span;
* ``verb_claims`` / ``phrase_claims`` / ``marks``: claims of cue verbs; of hedges, "according
  to" and nouns; of colons, labels and dash signatures;
* ``contents``: what a cue says (the clause, object or to-clause it governs, or the quotation);
* ``speakers``: who says it (subject, actor, pronoun, unnamed source, document author);
* ``nesting``: which claims stand and under whom, as PolNeAR/PARC annotate it;
* ``context``: the per-document state; ``component``: the spaCy factory ``eventwire_claims``.
"""

from __future__ import annotations

from eventwire.analysis.claims.component import ClaimsComponent, make_claims
from eventwire.analysis.claims.context import DocContext
from eventwire.analysis.claims.cue_model import MODEL_FILE, CueModel, claims_cue_model, cue_features
from eventwire.analysis.claims.lexicon import Cue, Lexicon, claims_lexicon
from eventwire.analysis.claims.quotes import Quotes, find_quotes, paragraphs

__all__ = ["MODEL_FILE", "ClaimsComponent", "Cue", "CueModel", "DocContext", "Lexicon", "Quotes",
           "claims_cue_model", "claims_lexicon", "cue_features", "find_quotes", "make_claims", "paragraphs"]
