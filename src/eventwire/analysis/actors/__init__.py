"""The actors layer: who acts and who is acted on, coded CAMEO/PLOVER-style.

Every actor mention becomes a span in ``doc.spans["actors"]`` with
``Span._.ew_actor = {name, country, sector, entity, ...}``. Mentions come from
three sources, all compiled once from data files:

* the actor dictionary (``data/actors.yaml``: international bodies, armed groups
  with their aliases, coalitions, named institutions, well-known office holders)
  and the countries of ``eventwire.gazetteer.countries`` (names, demonyms,
  capitals), matched with PhraseMatchers;
* head nouns (``data/lexicons/actor_patterns.yaml``): "ministry", "army",
  "civilians", "president" ... make their noun phrase an actor, whose country
  comes from a modifier ("Syrian", "Russia's"), an "of X", the antecedent of
  "its", or the document's country context (dateline, state outlet, the most
  mentioned country);
* spaCy NER (PERSON, ORG, NORP) for names the dictionary lacks.

A phrase is one mention, spanning its left modifiers ("the Syrian Arab army",
"Daesh terrorists" -> the Islamic State, with a ``label``). Short references
("the ministry", "the Coalition", "its warplanes", "it") take their antecedent's
entity and carry ``antecedent`` = [start, end]. A known place is an actor only as
a metonym subject ("Damascus said"); country names are actors (CAMEO codes states
by their country) except after a locative preposition ("killed in Syria").

One module per job, in the order a document goes through them:

* ``lexicon``: the word data and its registered loader ``eventwire.actors_lexicon.v1``;
  named people and the role they held on a date;
* ``dictionary``: the PhraseMatchers over the actor dictionary and the countries;
* ``context``: ``ActorDoc``, the per-document state (matches, toponyms, country context);
* ``mentions``: candidate heads and the mention each one starts;
* ``coding`` and ``references``: country, sector and entity of each mention, and what
  short references, coordinations and pronouns refer to;
* ``phrases``: growing a mention to the whole noun phrase;
* ``component``: the ``eventwire_actors`` factory.
"""

from __future__ import annotations

from eventwire.analysis.actors.component import ActorsComponent, make_actors
from eventwire.analysis.actors.context import ActorDoc
from eventwire.analysis.actors.lexicon import ActorLexicon, Role, actors_lexicon, people, role_on
from eventwire.analysis.actors.mentions import Mention

__all__ = ["ActorDoc", "ActorLexicon", "ActorsComponent", "Mention", "Role", "actors_lexicon", "make_actors",
           "people", "role_on"]
