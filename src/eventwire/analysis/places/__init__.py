"""The places layer: find toponyms and demonyms and resolve them to GeoNames entries.

Recognition joins two sources: spaCy's entities (GPE/LOC/FAC; NORP for
demonyms; ORG/PERSON only where the gazetteer knows the whole name, since the
small model calls "al-Hasaka" an organisation) and a gazetteer scan of
capitalised token n-grams, kept only with tagger evidence (a proper noun) and
for notable places, so common words that are also towns ("Police", "Reading")
stay out. The dateline place is always a mention.

Resolution ranks each mention's candidates by a prior (feature class and
population) plus document context: the countries and provinces of the other
mentions, the dateline place, the outlet's country, "Town, State" pairs and
"the Lebanese port of X" (which fix a name's country for the whole story),
names listed before "counties"/"provinces", and spatial coherence (places named
together lie together, so two ambiguous names can settle each other). A story
clearly set in one country takes the fame of a capital or country abroad away
from a name that also names a town there ("Paris" beside "Henry County"). A
place matched only through another of its names yields to one called so.
A few rounds let each name's readings support the others.
A name the gazetteer cannot resolve stays a place without coordinates; it never
drops the others.

The layer is a package, one module per job: `lexicon` (the words, through the registered loader
`eventwire.places_lexicon.v1`), `candidates` (gazetteer look-ups and priors), `recognise` and
`scan` (finding mentions), `frames` (unit words around them), `evidence` (what the text says of
them), `rank` (resolution), `held` (unresolved names) and `component` (the spaCy factory).
"""

from __future__ import annotations

from eventwire.analysis.places.candidates import Mention
from eventwire.analysis.places.component import PlacesComponent, make_places
from eventwire.analysis.places.lexicon import PlacesLexicon, build_lexicon, places_lexicon
from eventwire.analysis.places.recognise import NAME_LABELS, PLACE_LABELS, WEAK_MIN_POP

__all__ = ["NAME_LABELS", "PLACE_LABELS", "WEAK_MIN_POP", "Mention", "PlacesComponent", "PlacesLexicon",
           "build_lexicon", "make_places", "places_lexicon"]
