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
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

import eventwire.analysis.extensions  # noqa: F401
from eventwire.analysis.extensions import meta
from eventwire.data import read_csv, read_yaml

# dependency labels of left modifiers that belong to a head's phrase
_LEFT_DEPS = {"det", "amod", "compound", "poss", "nummod", "quantmod", "nmod", "predet", "npadvmod",
              "advmod", "punct", "case", "cc", "conj", "appos"}
_MOD_DEPS = {"compound", "amod", "nmod", "npadvmod", "poss"}
_SUBJ = {"nsubj", "nsubjpass"}
# heads that make an actor only with a modifier other than a determiner ("the group" alone is not one)
_NEEDS_MOD = {"group", "groups", "force", "office", "department", "union", "unions", "community", "communities",
              "family", "families", "head", "media", "press", "agency", "mission", "delegation", "front",
              "movement", "alliance", "bloc", "cell", "cells", "division", "organization", "organisation",
              "organisations", "organizations", "population", "television", "newspaper", "business",
              "businesses", "company", "companies", "bank", "banks", "church", "terror", "insurgency",
              "peacekeeping", "vice", "chief", "men", "man", "woman", "person", "persons", "individuals",
              "boy", "girl", "boys", "girls", "security", "guard", "major", "general", "captain", "party",
              "parties", "coalition", "coalitions", "crowd", "crowds", "executive", "assembly", "authority",
              "guards", "jet", "drone", "drones", "aircraft", "tanks", "artillery", "helicopter",
              "helicopters", "representative", "representatives", "director", "minority",
              "minorities", "expert", "experts", "observer", "observers", "suspect", "suspects", "source",
              "member", "members", "leader", "leaders", "people", "children", "women", "nations", "countries",
              "states", "allies", "partners", "donors", "powers", "neighbours", "neighbors", "staff", "crew",
              "crews", "personnel"}
# "X-backed" / "X-allied" name the patron of a group, not its country ("Vietnamese-led forces" are Vietnam's)
_PATRON = {"backed", "allied", "sponsored", "supported", "trained", "funded", "armed", "aligned",
           "controlled", "held"}
_SLUG = re.compile(r"[^a-z0-9]+")
# tokens after a country name that make it a currency ("US $", "U.S. dollars"), no evidence of place
_CURRENCY_AFTER = {"$", "dollar", "dollars", "US$"}


# a role of a named person: country, sector, first and last day held (ISO dates, "" when open)
Role = tuple[str, str, str, str]


@lru_cache(maxsize=1)
def _people() -> dict[str, tuple[Role, ...]]:
    """Named people -> their dated roles, latest first (data/phoenix_people.csv, from PETRARCH2's
    Phoenix file, whose CountryInfo roles say whom an office holder acted for and when)."""
    out: dict[str, tuple[Role, ...]] = {}
    for r in read_csv("phoenix_people.csv"):
        roles = [tuple(x.split(":")) for x in (r.get("roles") or "").split()]
        latest = (r["country"], r["sector"], "", "")
        out[r["name"]] = (latest, *(x for x in roles if len(x) == 4))  # type: ignore[misc]
    return out


def role_on(roles: tuple[Role, ...], day: str | None) -> tuple[str, str]:
    """(country, sector) of the role held on `day` (an ISO date): the dated role that covers it (the
    most recent appointment if several do), else the entry's undated role (Phoenix's "otherwise",
    e.g. ELI between offices), else the latest role, which is also the answer without a date."""
    if day:
        held = [r for r in roles[1:] if (r[2] or r[3]) and (not r[2] or r[2] <= day) and (not r[3] or day <= r[3])]
        if held:
            best = max(held, key=lambda r: r[2])
            return best[0], best[1]
        undated = [r for r in roles[1:] if not r[2] and not r[3]]
        if undated:
            return undated[0][0], undated[0][1]
    return roles[0][0], roles[0][1]


def _slug(text: str) -> str:
    return _SLUG.sub("_", text.lower()).strip("_")


@dataclass
class Mention:
    """One actor phrase before it becomes a span."""

    start: int  # token indices, end exclusive
    end: int
    head: int
    info: dict[str, Any]
    kind: str  # named, person, country, capital, institution, title, group, org, norp, pronoun
    plural: bool = False
    extras: dict[str, Any] = field(default_factory=dict)


class ActorsComponent:
    """Writes doc.spans["actors"] with Span._.ew_actor dicts (see extensions.py)."""

    def __init__(self, nlp: Language, name: str, spans_key: str = "actors", pronouns: str = "cross_sentence",
                 demonym_actors: bool = True):
        self.name = name
        self.spans_key = spans_key
        self.cross_sentence_pronouns_only = pronouns == "cross_sentence"
        self.pronouns = pronouns != "none"
        self.demonym_actors = demonym_actors
        pats = read_yaml("lexicons/actor_patterns.yaml")
        self.heads: dict[str, dict] = {}
        for row in pats["heads"]:
            for w in row["words"]:
                self.heads.setdefault(w.lower(), {k: v for k, v in row.items() if k != "words"})
        self.mod_sector = {w.lower(): r["sector"] for r in pats["modifier_sectors"] for w in r["words"]}
        self.role_heads = {w.lower() for w in pats["role_heads"]}
        self.quantity_heads = {w.lower() for w in pats.get("quantity_heads") or []}
        self.ministry_kinds = {w: r["kind"] for r in pats["ministry_kinds"] for w in r["words"]}
        self.sg_pron = set(pats["pronouns"]["singular"])
        self.pl_pron = set(pats["pronouns"]["plural"])
        self.dets = set(pats["determiners"])
        self.loc_preps = set(pats["location_preps"])
        self.infos: list[dict] = []
        self.cs = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.ci = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._load_named(nlp)
        self._retired = pats.get("retired_codes") or []
        self._load_countries(nlp, pats.get("capital_aliases") or [], pats.get("country_names") or [])

    # ------------------------------------------------------------------ compile
    def _add(self, nlp: Language, alias: str, info: dict, case_sensitive: bool | None = None) -> None:
        doc = nlp.make_doc(alias)
        if not len(doc):
            return
        if case_sensitive is None:
            case_sensitive = len(doc) == 1 and alias != alias.lower()
        key = f"A{len(self.infos)}"
        self.infos.append(info)
        (self.cs if case_sensitive else self.ci).add(key, [doc])

    def _load_named(self, nlp: Language) -> None:
        # entity -> the lower-case head nouns of its multi-word aliases ("coalition" of "US-led
        # coalition"): what a short reference to the entity ("the Coalition") is called
        self.alias_heads: dict[str, set[str]] = {}
        self._named_entities: set[str] = set()
        for e in read_yaml("actors.yaml")["actors"]:
            self._named_entities.add(e["entity"])
            info = {"name": e["name"], "country": e.get("country"), "sector": e.get("sector"),
                    "entity": e["entity"], "kind": e.get("kind", "org")}
            for alias in e.get("aliases") or []:
                alias = str(alias)
                words = alias.split()
                if len(words) > 1 and words[-1].isalpha() and not words[-1].isupper():
                    self.alias_heads.setdefault(e["entity"], set()).add(words[-1].lower())
                cs = True if info["kind"] == "person" or (alias.isupper() and len(alias) <= 5) else None
                self._add(nlp, alias, {**info, "match": "named"}, cs)

    def _load_countries(self, nlp: Language, capital_aliases: list[dict], extra_names: list[dict]) -> None:
        from eventwire.gazetteer.countries import countries

        seen: set[str] = set()
        retired = set(self._retired)
        for c in sorted(countries(), key=lambda c: -c["population"]):
            if c["iso3"] in retired:
                continue  # "Belgrade" is Serbia's capital, not that of Serbia and Montenegro (SCG)
            base = {"name": c["name"], "country": c["iso3"], "entity": c["iso3"].lower()}
            for alias in c["aliases"]:
                if alias in seen or (alias.isupper() and alias == c["iso3"]):
                    continue
                seen.add(alias)
                self._add(nlp, alias, {**base, "match": "country"}, True)
            for dem in c["demonyms"]:
                if dem in seen:
                    continue
                seen.add(dem)
                self._add(nlp, dem, {**base, "match": "demonym"}, True)
                if dem[-1:] in "nibtk" and dem + "s" not in seen:  # "Syrians", "Iraqis", "Palestinians"
                    seen.add(dem + "s")
                    self._add(nlp, dem + "s", {**base, "match": "people"}, True)
            caps = c["capital"] if isinstance(c["capital"], list) else [c["capital"]]
            if c["population"] >= 500_000:
                for cap in caps:
                    if cap and cap not in seen:
                        seen.add(cap)
                        self._add(nlp, cap, {**base, "match": "capital"}, True)
        from eventwire.gazetteer.countries import by_iso3

        for row in extra_names:
            c = by_iso3().get(row["country"])
            if c is None:
                continue
            base = {"name": c["name"], "country": c["iso3"], "entity": c["iso3"].lower()}
            for kind, key in (("country", "names"), ("demonym", "demonyms")):
                for alias in row.get(key) or []:
                    if alias not in seen:
                        seen.add(alias)
                        self._add(nlp, alias, {**base, "match": kind}, True)
                    if kind == "demonym" and alias[-1:] in "nibtk" and alias + "s" not in seen:
                        seen.add(alias + "s")
                        self._add(nlp, alias + "s", {**base, "match": "people"}, True)
        for row in capital_aliases:
            c = by_iso3().get(row["country"])
            if c and row["name"] not in seen:
                seen.add(row["name"])
                self._add(nlp, row["name"], {"name": c["name"], "country": c["iso3"],
                                             "entity": c["iso3"].lower(), "match": "capital"}, True)

    # ------------------------------------------------------------------ per doc
    def __call__(self, doc: Doc) -> Doc:
        self._run(doc)  # a failure reaches the pipeline's error handler: the article's error record
        return doc

    def _matches(self, doc: Doc) -> dict[int, tuple[int, int, dict]]:
        """Dictionary matches, longest first, as token -> (start, end, info) for their tokens."""
        found = []
        for matcher in (self.cs, self.ci):
            for key, s, e in matcher(doc):
                found.append((s, e, self.infos[int(doc.vocab.strings[key][1:])]))
        rank = {"named": 0, "country": 1, "people": 1, "demonym": 2, "capital": 3}
        found.sort(key=lambda m: (-(m[1] - m[0]), rank.get(m[2]["match"], 9), m[0]))
        tok: dict[int, tuple[int, int, dict]] = {}
        for s, e, info in found:
            if any(i in tok for i in range(s, e)):
                continue
            for i in range(s, e):
                tok[i] = (s, e, info)
        return tok

    def _toponyms(self, doc: Doc) -> set[int]:
        """Tokens of toponyms, and of every other tagged name with a toponym's text: a name the text
        uses as a place is a place throughout it (one sense per discourse), even where the places
        layer missed a repeat."""
        out: set[int] = set()
        if "places" not in doc.spans:
            return out
        names = set()
        for sp in doc.spans["places"]:
            info = sp._.ew_place or {}
            if (info.get("kind") or "toponym") == "toponym":
                out.update(range(sp.start, sp.end))
                names.add(sp.text)
        for ent in doc.ents:
            if ent.text in names:
                out.update(range(ent.start, ent.end))
        return out

    def _country_counts(self, doc: Doc, matches: dict) -> Counter:
        """How strongly the text is about each country: 2 for a country named or a demonym, 1 for a
        place of that country the dictionary did not match. A country name is stronger evidence than
        a gazetteer reading of a capitalised word ("Vice", "Freedom")."""
        places = list(doc.spans["places"]) if "places" in doc.spans else []
        counts: Counter = Counter()
        seen = set()
        for _i, (s, e, info) in matches.items():
            if s in seen or info["match"] == "named":
                continue
            seen.add(s)
            if e < len(doc) and doc[e].text in _CURRENCY_AFTER:
                continue  # "US $50 million": a currency, not a country the text is about
            counts[info["country"]] += 2
        for sp in places:
            c = (sp._.ew_place or {}).get("country")
            if c and not any(i in matches for i in range(sp.start, sp.end)):
                counts[c] += 1
        return counts

    @staticmethod
    def _top(counts: Counter, skip: str | None = None) -> str | None:
        """The most mentioned country (other than `skip`); a tie is no evidence at all."""
        ranked = [(c, n) for c, n in counts.most_common() if c != skip][:2]
        if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
            return None
        return ranked[0][0]

    def _context_country(self, doc: Doc, counts: Counter) -> str | None:
        """The country an unmodified institution belongs to: dateline, state outlet, most mentioned."""
        m = meta(doc)
        dl = m.get("dateline")
        if dl and "places" in doc.spans:
            for sp in doc.spans["places"]:
                if sp.start_char <= dl[0] < sp.end_char and (sp._.ew_place or {}).get("country"):
                    return sp._.ew_place["country"]
        outlet = m.get("outlet") or {}
        if outlet.get("affiliation") in ("state", "state-affiliated") and len(outlet.get("country") or "") == 3 \
                and outlet["country"] not in ("IGO", "UNO", "NGO", "IMG", "MNC"):
            return outlet["country"]
        return self._top(counts)

    def _head_info(self, t: Token) -> dict | None:
        if t.pos_ not in ("NOUN", "PROPN"):
            return None
        return self.heads.get(t.lower_) or self.heads.get(t.text)

    def _barriers(self, doc: Doc) -> set[int]:
        """Tokens a phrase never extends over: line breaks and the dateline/outlet lead."""
        out = {t.i for t in doc if t.is_space or "\n" in t.whitespace_}
        m = meta(doc)
        for key in ("dateline", "dateline_outlet"):
            span = m.get(key)
            if span:
                sp = doc.char_span(span[0], span[1], alignment_mode="expand")
                if sp is not None:
                    out.update(range(sp.start, sp.end))
        return out

    def _run(self, doc: Doc) -> None:
        matches = self._matches(doc)
        self._barrier = self._barriers(doc)
        topo = self._toponyms(doc)
        self._counts = self._country_counts(doc, matches)
        self._place_country = {i: sp._.ew_place["country"] for sp in doc.spans.get("places", [])
                               if (sp._.ew_place or {}).get("country") for i in range(sp.start, sp.end)}
        ctx_country = self._context_country(doc, self._counts)
        ents = {}
        # a time expression is never an actor, whatever the tagger calls it ("Saturday 's meeting")
        when = {i for sp in doc.spans.get("times", []) for i in range(sp.start, sp.end)}
        for ent in doc.ents:
            if ent.label_ in ("PERSON", "ORG", "NORP") and not any(i in when for i in range(ent.start, ent.end)):
                end = ent.end
                while end > ent.start and (doc[end - 1].dep_ == "case" or doc[end - 1].is_punct):
                    end -= 1  # "the UN Security Council’s": the possessive is not part of the name
                if end == ent.start or any(i in matches and matches[i][2]["match"] != "demonym"
                                           for i in range(ent.start, end)):
                    continue  # the dictionary knows this name better than the tagger
                ent = Span(doc, ent.start, end, label=ent.label_)  # a doc slice would lose the label
                for i in range(ent.start, ent.end):
                    ents[i] = ent
        cand: dict[int, str] = {}
        for t in doc:
            i = t.i
            m = matches.get(i)
            if m and m[1] - 1 == i:
                kind = {"named": "named", "country": "country", "people": "norp", "demonym": "demonym",
                        "capital": "capital"}[m[2]["match"]]
                if m[2].get("kind") == "person":
                    kind = "person"
                cand[i] = kind
                continue
            if m:
                continue
            hi = self._head_info(t)
            if hi:
                cand[i] = hi["kind"]
                continue
            ent = ents.get(i)
            if ent is None and t.is_upper and t.is_alpha and 2 <= len(t) <= 6 and t.pos_ == "PROPN" \
                    and t.dep_ in _SUBJ | {"dobj", "pobj", "conj"} and i not in topo:
                cand[i] = "org"  # an unknown acronym in an argument position ("IMA said", "DPKO is ...")
                ents[i] = doc[i:i + 1]
                continue
            if ent is not None and ent.end - 1 == i:
                if ent.label_ == "PERSON" and t.pos_ in ("PROPN", "NOUN"):
                    cand[i] = "person"
                elif ent.label_ == "ORG":
                    cand[i] = "org"
                elif ent.label_ == "NORP" and t.pos_ in ("NOUN", "PROPN") and t.dep_ not in ("amod", "compound"):
                    cand[i] = "norp"
        # heads absorbed by a following actor head they modify ("Syrian army", "Daesh terrorists")
        heads = []
        for i, kind in cand.items():
            t = doc[i]
            if i in self._barrier:
                continue
            # "an Indian proposal", "Israeli air raids": CAMEO codes the country as the actor; a
            # demonym inside an actor phrase ("Syrian army") is absorbed by it below instead
            if kind == "demonym" and not (
                    self.demonym_actors and t.dep_ in ("amod", "compound", "nmod") and t.head.i > i
                    and t.head.pos_ == "NOUN" and t.head.i not in cand and t.head.i not in topo
                    and not any(j in cand for j in range(i + 1, t.head.i))):
                continue
            if t.dep_ in _MOD_DEPS and t.head.i > i and t.head.i in cand and cand[t.head.i] != "demonym" \
                    and t.head.sent == t.sent:
                continue
            heads.append(i)
        mentions = []
        for i in sorted(heads):
            men = self._mention(doc, i, cand, matches, ents, topo)
            if men is not None:
                mentions.append(men)
        self._resolve(doc, mentions, matches, ctx_country)
        mentions = self._widen(doc, mentions, matches, topo)
        spans = []
        taken: set[tuple[int, int]] = set()
        for men in mentions:
            if not men.info or (men.start, men.end) in taken:
                continue
            taken.add((men.start, men.end))
            sp = Span(doc, men.start, men.end, label="ACTOR")
            info = {k: men.info.get(k) for k in ("name", "country", "sector", "entity")}
            info.update({k: v for k, v in men.extras.items() if v is not None})
            sp._.ew_actor = info
            spans.append(sp)
        doc.spans[self.spans_key] = spans

    # ------------------------------------------------------------------ whole phrases
    def _widen(self, doc: Doc, mentions: list[Mention], matches: dict, topo: set) -> list[Mention]:
        """Grow each mention to the noun phrase a CAMEO/ConfliBERT coder marks as the actor: a title with
        its appositive name ("the Palestinian president, Mahmoud Abbas") or a name with its appositive
        title, an acronym in brackets ("Nigerian Air Force (NAF)"), an "of" complement ("the Government of
        Eritrea"), a short locative complement ("the U.S. Embassy in Athens") and the quantity a group is
        counted by ("dozens of demonstrators"). Mentions inside a grown phrase fold into it."""
        bounds: dict[int, tuple[int, int]] = {}
        for k, men in enumerate(mentions):
            if men.kind in ("pronoun", "coordinated", "capital", "country", "demonym") or not men.info:
                continue
            start, end = self._quantity_start(doc, men), self._phrase_end(doc, men, matches, topo)
            if (start, end) != (men.start, men.end):
                bounds[k] = (start, end)
        # a name the tagger found inside another actor's phrase ("State" in "US Secretary of State Rex
        # Tillerson") is part of that phrase, not an actor of its own
        dropped: set[int] = {j for j, m in enumerate(mentions) if m.kind in ("org", "norp", "person")
                             and m.info.get("entity") not in self._named_entities
                             and any(o is not m and o.kind not in ("pronoun", "coordinated") and o.start <= m.start
                                     and m.end <= o.end and (o.start, o.end) != (m.start, m.end) for o in mentions)}
        if not bounds:
            return [m for j, m in enumerate(mentions) if j not in dropped]
        for k, (start, end) in sorted(bounds.items(), key=lambda kv: kv[1][0] - kv[1][1]):
            if k in dropped:
                continue
            inner = [j for j, m in enumerate(mentions) if j != k and j not in dropped
                     and m.start < end and m.end > start and m.kind != "pronoun"]
            if any(mentions[j].start < start or mentions[j].end > end for j in inner):
                continue  # the grown phrase would cut another actor in two
            men = mentions[k]
            for j in inner:
                self._fold(doc, men, mentions[j])
                dropped.add(j)
            men.start, men.end = start, end
        return [m for j, m in enumerate(mentions) if j not in dropped]

    def _fold(self, doc: Doc, men: Mention, inner: Mention) -> None:
        """A phrase folded into a grown one: an appositive person names the entity; an appositive title
        or an "of" complement ("the military government of President X") gives a missing country."""
        if not inner.info:
            return
        if inner.kind == "person" and men.kind == "title" and doc[inner.head].dep_ == "appos":
            men.info = {**men.info, "name": inner.info.get("name"), "entity": inner.info.get("entity")}
            men.extras.pop("canon", None)
            for key in ("country", "sector"):
                men.info[key] = men.info.get(key) or inner.info.get(key)
        elif men.info.get("country") is None and inner.info.get("country"):
            men.info = {**men.info, "country": inner.info["country"],
                        "sector": men.info.get("sector") or inner.info.get("sector")}

    def _quantity_start(self, doc: Doc, men: Mention) -> int:
        """ "dozens of [demonstrators]", "a group of [protesters]": the quantity belongs to the group."""
        start = men.start
        if start >= 2 and doc[start - 1].lower_ == "of" and doc[start - 1].dep_ == "prep":
            q = doc[start - 1].head
            if q.i == start - 2 and (q.lower_ in self.quantity_heads or q.like_num) \
                    and q.sent == doc[men.head].sent and not any(j in self._barrier for j in range(q.left_edge.i, start)):
                return q.left_edge.i
        return start

    def _phrase_end(self, doc: Doc, men: Mention, matches: dict, topo: set) -> int:
        head = doc[men.head]
        sent_end = head.sent.end
        end = self._bracket_end(doc, men.end, sent_end)
        for child in sorted(head.rights, key=lambda c: c.i):
            if child.i < end or child.dep_ == "punct":
                continue
            lo, hi = child.left_edge.i, child.right_edge.i + 1
            while hi > lo + 1 and doc[hi - 1].is_punct and doc[hi - 1].text != ")":
                hi -= 1
            gap = [t.text for t in doc[end:lo]]
            sub = doc[lo:hi]
            if hi > sent_end or len(sub) > 12 or any(t.pos_ in ("VERB", "AUX") for t in sub) \
                    or any(j in self._barrier for j in range(end, hi)):
                break
            if child.dep_ == "appos" and gap == [","] and men.kind in ("title", "person", "named", "institution", "org") \
                    and (child.ent_type_ == "PERSON" or child.lower_ in self.heads
                         and self.heads[child.lower_]["kind"] == "title"):
                end = hi  # "the Palestinian president, Mahmoud Abbas", "Vladimir Putin, the Russian president"
            elif child.dep_ == "prep" and not gap and child.lower_ == "of" and men.kind != "norp":
                end = hi  # "the Government of Eritrea", "the head of the World Health Organization"
            elif child.dep_ == "prep" and not gap and child.lower_ in ("in", "from") \
                    and self._simple_place(doc, child, matches, topo):
                end = hi  # "the U.S. Embassy in Athens", "at least eight people in Kabul"
            else:
                break
            end = self._bracket_end(doc, end, sent_end)
        return end

    def _simple_place(self, doc: Doc, prep: Token, matches: dict, topo: set) -> bool:
        """A locative complement that is only a place name ("in eastern Syria"), no clause or list."""
        objs = [c for c in prep.children if c.dep_ == "pobj"]
        if len(objs) != 1:
            return False
        obj = objs[0]
        if any(t.dep_ in ("prep", "conj", "cc", "relcl", "acl") for t in obj.subtree):
            return False
        m = matches.get(obj.i)
        return obj.i in topo or obj.ent_type_ in ("GPE", "LOC") or (m is not None and m[2]["match"] != "named")

    @staticmethod
    def _bracket_end(doc: Doc, end: int, sent_end: int) -> int:
        """Past an acronym in brackets right after the phrase: "Nigerian Air Force ( NAF )"."""
        if end < sent_end and doc[end].text == "(":
            for k in range(end + 2, min(end + 6, sent_end)):
                if doc[k].text == ")":
                    inner = doc[end + 1:k]
                    if any(c.isupper() for c in inner[0].text) and not any(t.pos_ == "VERB" for t in inner):
                        return k + 1
                    break
        return end

    # ------------------------------------------------------------------ one phrase
    def _extent(self, doc: Doc, i: int, lo: int) -> int:
        """Leftmost token of the phrase headed by token i (its left modifiers), not before lo."""
        t = doc[i]
        start = i
        lefts = list(t.lefts)
        if t.dep_ == "compound" and t.head.i > i:
            # "Israeli army bulldozers": the parse hangs "Israeli" on the last noun; it modifies the army
            lefts += [c for c in t.head.lefts if c.i < i]
        for child in lefts:
            if child.dep_ in _LEFT_DEPS and child.i >= lo:
                start = min(start, max(child.left_edge.i, lo))
        for j in range(i - 1, start - 1, -1):
            if j in self._barrier:
                start = j + 1
                break
        while start < i and (doc[start].is_punct or doc[start].dep_ in ("cc", "case")) \
                and doc[start].text not in ("(", "“", '"'):
            start += 1
        return start

    def _mention(self, doc: Doc, i: int, cand: dict, matches: dict, ents: dict, topo: set) -> Mention | None:
        t = doc[i]
        kind = cand[i]
        m = matches.get(i)
        sent_start = t.sent.start
        first = m[0] if m else i
        ent = ents.get(i)
        if kind in ("person", "org", "norp") and ent is not None and not m:
            first = ent.start
        start = min(first, self._extent(doc, i, sent_start))
        if kind in ("named", "org") and start < first:
            # keep a named phrase's own modifiers only when they are plain words ("the", "illegitimate")
            pass
        # a known place is an actor only as a metonym subject; country names are actors
        head_in_place = i in topo
        locative = False
        if kind == "person" and m is not None:
            head_in_place = False  # a name in the actor dictionary ("Bush") is not the town of that name
        if kind == "capital" or (head_in_place and kind in ("org", "person", "norp")):
            if not self._is_subject(t):
                return None
            if kind != "capital":
                return None
        if kind == "country":
            locative = t.dep_ == "pobj" and t.head.lower_ in self.loc_preps
            if t.dep_ in ("compound", "amod", "nmod", "npadvmod") and t.head.i > i:
                return None  # "Syria-related topics": a modifier of a non-actor
            if t.dep_ == "pobj" and t.head.dep_ == "prep" and t.head.head.i in cand \
                    and t.head.lower_ == "of" and cand.get(t.head.head.i) in ("title", "institution", "person"):
                return None  # "President ... of Turkey": part of the title
        hi = self._head_info(t) if kind in ("institution", "title", "group") else None
        if hi is not None and hi.get("kind") == "group" and t.dep_ in ("compound", "nmod", "amod") \
                and t.head.i > i and t.head.i not in cand and t.tag_ in ("NN", "NNP", "JJ") \
                and not any(x.i < i and (x.ent_type_ in ("NORP", "GPE", "ORG") or x.pos_ == "PROPN" or x.i in matches)
                            for x in t.head.subtree):
            # "a refugee camp", "a migrant camp": a kind of place or thing, not a party; with a party
            # named in the phrase ("the Cambodian refugee camp", "Kampuchean guerrilla camps") its
            # people are one (CAMEO/PLOVER code them as the target)
            return None
        needs_ante = False
        if hi is not None and t.lower_ in _NEEDS_MOD \
                and not any(c.dep_ in _MOD_DEPS | {"nummod"} for c in t.lefts) \
                and not any(c.dep_ == "prep" and c.lower_ == "of" for c in t.rights):
            if not any(c.dep_ == "det" for c in t.lefts):
                return None
            needs_ante = True  # "the Coalition": an actor only as a reference to an earlier one
        plural = t.tag_ in ("NNS", "NNPS") or kind == "norp"
        men = Mention(start, i + 1, i, {}, kind, plural=plural)
        if needs_ante:
            men.extras["_needs_ante"] = True
        if kind in ("named", "person") and m:
            men.info = {k: m[2].get(k) for k in ("name", "country", "sector", "entity")}
            self._title_sector(doc, men, hi=None)
        elif kind == "demonym":
            men.info = {"name": m[2]["name"], "country": m[2]["country"], "sector": None, "entity": m[2]["entity"]}
            men.extras["demonym"] = True
        elif kind == "country":
            men.info = {"name": m[2]["name"], "country": m[2]["country"], "sector": None, "entity": m[2]["entity"]}
            if locative:
                # "killed in Syria": CAMEO coders (and the ConfliBERT gold) code it as the target
                # country; the flag lets a consumer treat it as a location instead
                men.extras["locative"] = True
        elif kind == "capital":
            men.info = {"name": m[2]["name"] + " government", "country": m[2]["country"], "sector": "GOV",
                        "entity": m[2]["entity"] + "_government"}
            men.extras["metonym"] = True
        elif kind == "norp":
            c = m[2]["country"] if m else None
            for j in range(start, i):  # "Bosnian Serbs": a demonym before the name is more specific
                if j in matches and matches[j][2]["match"] == "demonym":
                    c = matches[j][2]["country"]
                    break
            men.info = {"name": t.text, "country": c, "sector": None,
                        "entity": (m[2]["entity"] + "_people") if m else _slug(doc[first:i + 1].text)}
        else:
            men.extras["_hi"] = hi
        return men

    def _is_subject(self, t: Token) -> bool:
        if t.dep_ in _SUBJ or (t.dep_ == "pobj" and t.head.dep_ == "agent"):
            return True
        return t.dep_ == "conj" and t.head.dep_ in _SUBJ

    def _title_sector(self, doc: Doc, men: Mention, hi: dict | None) -> None:
        for j in range(men.start, men.head):
            w = doc[j].lower_
            h = self.heads.get(w)
            if h and h["kind"] == "title" and men.info.get("sector") in (None, "GOV", "MIL"):
                men.info["sector"] = self.mod_sector.get(w, h["sector"]) if w not in self.role_heads else \
                    men.info.get("sector") or h["sector"]

    # ------------------------------------------------------------------ countries, sectors, references
    def _modifiers(self, doc: Doc, men: Mention, matches: dict) -> tuple[dict | None, dict | None, str | None]:
        """(named actor, country ref, possessive pronoun) among the phrase's modifiers."""
        named = country = None
        pron = None
        for j in range(men.start, men.head):
            m = matches.get(j)
            if m is not None and m[1] <= men.head:
                info = m[2]
                if m[1] + 1 < len(doc) and doc[m[1]].text == "-" and doc[m[1] + 1].lower_ in _PATRON:
                    continue  # "US-allied militias", "government-backed troops": the backer, not the actor
                if info["match"] == "named" and named is None:
                    named = info
                elif info["match"] in ("country", "demonym", "capital", "people") and country is None:
                    country = info
            lw = doc[j].lower_
            if doc[j].dep_ == "poss" and lw in self.sg_pron | self.pl_pron:
                pron = lw
        head = doc[men.head]
        if country is None and named is None:
            for child in head.rights:  # "President ... of Turkey", "police in Kenya"
                if child.dep_ == "prep" and child.lower_ in ("of", "in", "from"):
                    for g in child.children:
                        if g.dep_ == "pobj":
                            m = matches.get(g.i)
                            if m is not None:
                                if m[2]["match"] == "named":
                                    named = named or (m[2] if child.lower_ == "of" else None)
                                else:
                                    country = m[2]
        return named, country, pron

    def _resolve(self, doc: Doc, mentions: list[Mention], matches: dict, ctx_country: str | None) -> None:
        history: list[Mention] = []
        for men in mentions:
            head = doc[men.head]
            if men.kind in ("institution", "title", "group", "org", "person") and not men.info.get("entity"):
                self._code_phrase(doc, men, matches, history, ctx_country)
            elif men.kind in ("named", "person"):
                named, country, _ = self._modifiers(doc, men, matches)
                if men.kind == "person" and men.info.get("country") is None and country:
                    men.info["country"] = country["country"]
            men.extras.pop("_hi", None)
            if men.info and men.kind == "person" and men.extras.get("country_from") == "context":
                owner = self._possessor_country(doc, men, matches)
                if owner is not None:  # "Mauritania 's President Mohamed Ould Abdel Aziz": the text says
                    men.info["country"] = owner
                    men.extras.pop("country_from", None)
            if men.info and (not men.info.get("country") or men.kind == "person"
                             and men.extras.get("country_from") == "context"):
                # a named office holder acts for the country they held office for on the article's
                # date ("President Hassan Rouhani" in a SANA article is Iran's), not the text's country
                self._known_person(doc, men)
            if men.info and men.info.get("country") and any(doc[j].lower_ == "ethnic" for j in range(men.start, men.head)):
                self._residence(doc, men, matches)
            if men.info:
                history.append(men)
            del head
        # "Hungarian and Romanian officials": each further coordinated country is an actor of its own
        extra = []
        for men in mentions:
            if men.kind not in ("institution", "group", "title") or not men.info or men.extras.get("reference"):
                continue
            for j in range(men.start, men.head):
                m = matches.get(j)
                if m is None or m[1] - 1 != j or m[2]["match"] not in ("demonym", "country") \
                        or doc[j].dep_ != "conj" or m[2]["country"] == men.info.get("country"):
                    continue
                canon = men.extras.get("canon") or "actor"
                info = {**men.info, "country": m[2]["country"], "name": f"{m[2]['name']} {canon.replace('_', ' ')}",
                        "entity": f"{m[2]['country'].lower()}_{canon}"}
                extra.append(Mention(m[0], m[1], j, info, "coordinated", plural=men.plural,
                                     extras={"coordinated_with": [doc[men.start].idx, doc[men.head].idx
                                                                  + len(doc[men.head])]}))
        mentions.extend(extra)
        # stand-alone pronoun subjects ("it said", "they attacked") refer back too
        extra = []
        taken = {(m.start, m.end) for m in mentions}
        for t in doc:
            lw = t.lower_
            if lw in ("it", "they") and t.dep_ in _SUBJ and (t.i, t.i + 1) not in taken and self.pronouns:
                ante = self._antecedent(doc, [m for m in mentions if m.end <= t.i], t, lw == "they")
                if ante is not None and self.cross_sentence_pronouns_only and doc[ante.head].sent == t.sent:
                    ante = None  # the antecedent is in the same sentence: a role finder sees it there
                if ante is not None:
                    extra.append(Mention(t.i, t.i + 1, t.i, dict(ante.info), "pronoun",
                                         extras={"antecedent": [doc[ante.start].idx,
                                                                doc[ante.end - 1].idx + len(doc[ante.end - 1])],
                                                 "reference": True}))
        mentions.extend(extra)
        mentions.sort(key=lambda m: m.start)

    def _residence(self, doc: Doc, men: Mention, matches: dict) -> None:
        """"ethnic Albanians in south Serbia", "ethnic Turks" in a story about Sweden: the demonym of an
        ethnic group names its people, not its state; CAMEO codes the group with the country it lives
        in: the place attached to the phrase, else the country the text is most about (never the
        group's own), else none."""
        own = men.info["country"]
        where = None
        for child in doc[men.head].rights:
            if child.dep_ == "prep" and child.lower_ in ("in", "of", "from") and child.i < len(doc):
                for g in child.subtree:
                    m = matches.get(g.i)
                    if m is not None and m[2]["match"] in ("country", "capital"):
                        where = m[2]["country"]
                        break
                    place = self._place_country.get(g.i)
                    if place:
                        where = place
                        break
            if where:
                break
        where = where or self._top(self._counts, skip=own)
        if where == own:
            return
        men.info = {**men.info, "country": where}
        men.extras["country_from"] = "residence"

    def _antecedent(self, doc: Doc, before: list[Mention], t: Token, plural: bool) -> Mention | None:
        """The last compatible actor: in the pronoun's sentence a subject first, else the most recent."""
        def ok(m: Mention) -> bool:
            if not m.info or m.kind == "pronoun":
                return False
            if plural:
                return m.plural or m.kind in ("named", "country", "institution")
            return not m.plural and m.kind not in ("person",) and m.info.get("sector") not in ("CVL", "REF")

        cands = [m for m in before if ok(m)]
        if not cands:
            return None
        same = [m for m in cands if doc[m.head].sent == t.sent]
        subj = [m for m in same if self._is_subject(doc[m.head])]
        if subj:
            return subj[-1]
        if same:
            return same[-1]
        prev_subj = [m for m in cands if self._is_subject(doc[m.head])]
        last_sent = cands[-1]
        if prev_subj and doc[prev_subj[-1].head].sent == doc[last_sent.head].sent:
            return prev_subj[-1]
        return last_sent

    def _refers_to(self, doc: Doc, prev: Mention, word: str, phrase_words: bool = True) -> bool:
        """Can `word` (lower case) be a short name of the earlier mention `prev`? Its head noun, a word
        of a named actor's phrase (unless `phrase_words` is off: a modifier "Independence activists"
        is not the Kachin Independence Army), or the head noun of one of its dictionary aliases ("the
        Coalition" after "Combined Joint Task Force - Operation Inherent Resolve")."""
        if prev.kind == "pronoun" or not prev.info:
            return False
        if doc[prev.head].lower_ == word:
            return True
        if prev.kind != "named":
            return False
        if phrase_words and word in {t.lower_ for t in doc[prev.start:prev.end]}:
            return True
        return word in self.alias_heads.get(prev.info.get("entity") or "", ())

    def _named_modifier(self, doc: Doc, men: Mention, matches: dict, history: list[Mention]) -> dict | None:
        """A capitalised modifier that names an organisation the text already introduced ("a Coalition
        spokesman", "Coalition aircraft" after the coalition was named): that organisation, which beats
        any country the document context would give the phrase."""
        for j in range(men.start, men.head):
            t = doc[j]
            if j in matches or not t.text[:1].isupper() or not t.is_alpha or t.lower_ in self.dets \
                    or t.dep_ not in ("compound", "nmod", "amod"):
                continue
            for prev in reversed(history):
                if prev.kind == "named" and prev.end <= men.start \
                        and self._refers_to(doc, prev, t.lower_, phrase_words=False):
                    m = matches.get(prev.head)
                    kind = m[2].get("kind") if m else None
                    if kind == "person":
                        break
                    men.extras["antecedent"] = [doc[prev.start].idx, doc[prev.end - 1].idx + len(doc[prev.end - 1])]
                    return {**prev.info, "kind": kind or "org", "match": "named"}
        return None

    def _code_phrase(self, doc: Doc, men: Mention, matches: dict, history: list[Mention],
                     ctx_country: str | None) -> None:
        head = doc[men.head]
        hi = men.extras.get("_hi") or {}
        named, country, pron = self._modifiers(doc, men, matches)
        if named is None and country is None:
            named = self._named_modifier(doc, men, matches, history)
        sector = hi.get("sector")
        mod_words = [doc[j].lower_ for j in range(men.start, men.head)]
        for w in mod_words:
            if w in self.mod_sector and (hi.get("kind") != "institution" or self.mod_sector[w] in ("REB", "OPP")
                                         or head.lower_ in self.role_heads):
                sector = self.mod_sector[w]
                break
        if hi.get("label"):
            men.extras["label"] = head.lower_
        canon = hi.get("canon") or "actor"
        if canon == "ministry":
            kinds = [self.ministry_kinds[w] for w in mod_words if w in self.ministry_kinds]
            canon = "ministry_" + (kinds[0] if kinds else _slug("_".join(
                w for w in mod_words if w not in self.dets and w not in ("and", "of", "'s")) or "unknown"))
        plain = all(w in self.dets or doc[j].is_punct or doc[j].dep_ == "amod" and doc[j].pos_ == "ADJ"
                    for j, w in zip(range(men.start, men.head), mod_words, strict=True))
        needs_ante = men.extras.pop("_needs_ante", False)
        # a short reference ("the ministry", "the Coalition", "its warplanes") takes its antecedent
        if named is None and country is None and men.kind in ("institution", "title", "group"):
            ante = None
            if plain and mod_words and mod_words[0] in self.dets and hi.get("kind") != "title":
                for prev in reversed(history):
                    if prev.kind == "pronoun":
                        continue
                    if self._refers_to(doc, prev, head.lower_):
                        ante = prev
                        break
            if ante is None and pron is not None:
                ante = self._antecedent(doc, [m for m in history if m.end <= men.start], head, pron in self.pl_pron)
            if ante is not None:
                men.extras["antecedent"] = [doc[ante.start].idx, doc[ante.end - 1].idx + len(doc[ante.end - 1])]
                men.extras["reference"] = True
                a = ante.info
                if ante.kind in ("country", "capital") or (plain and mod_words and pron is None):
                    if ante.kind in ("country", "capital"):
                        men.info = {"name": f"{a['name']} {canon.replace('_', ' ')}", "country": a["country"],
                                    "sector": sector, "entity": f"{a['country'].lower()}_{canon}"}
                    else:
                        men.info = dict(a)
                else:
                    men.info = dict(a)
                    if a.get("sector") in (None, "GOV") and sector:
                        men.info["sector"] = sector
                return
            if needs_ante:
                men.info = {}
                return
        if men.kind == "person":
            c = country["country"] if country else (named or {}).get("country")
            self._code_person(doc, men, c, (named or {}).get("sector"), ctx_country)
            return
        if named is not None:
            if hi.get("kind") == "title" and named.get("kind") != "person":
                # "NATO Secretary General", "President of the UN Security Council": an officer of the body
                men.info = {"name": f"{named['name']} {head.text.lower()}", "country": named.get("country"),
                            "sector": named.get("sector") if named.get("country") in ("UNO", "IGO", "NGO", "IMG")
                            or head.lower_ in self.role_heads else sector, "entity": f"{named['entity']}_{canon}"}
                return
            if named.get("kind") == "person":
                c = named.get("country")
                men.info = {"name": f"{named['name']} {canon.replace('_', ' ')}", "country": c, "sector": sector,
                            "entity": f"{(c or 'xxx').lower()}_{canon}"}
            else:
                men.info = {k: named.get(k) for k in ("name", "country", "sector", "entity")}
                if head.lower_ in self.role_heads or hi.get("kind") == "title":
                    men.info["sector"] = named.get("sector")
            return
        c = country["country"] if country else None
        # a domestic group with no country of its own ("protesters", "workers", "militants") is
        # where the document is; refugees, foreign "states" and monitors are not
        domestic_group = hi.get("kind") == "group" and hi.get("sector") in ("CVL", "REB", "OPP", "UAF", "PTY",
                                                                           "BUS", "REL", "CRM", "MED")
        if c is None and (hi.get("kind") in ("institution", "title") or domestic_group) and men.kind != "person" \
                and hi.get("context", True):
            c = ctx_country
            if c:
                men.extras["country_from"] = "context"
        if men.kind == "org":
            text = doc[men.start:men.end].text
            words = [self.heads.get(doc[j].lower_) for j in range(men.start, men.end)]
            sec = next((w["sector"] for w in reversed(words) if w), None)
            men.info = {"name": text, "country": c, "sector": sec, "entity": _slug(text)}
            return
        men.extras["canon"] = canon
        name = canon.replace("_", " ")
        if c:
            from eventwire.gazetteer.countries import by_iso3

            cname = (by_iso3().get(c) or {}).get("name") or c
            name = f"{cname} {name}"
        # an unowned force ("warplanes", "gunmen") names no one: no entity id, so it never stands for a
        # perpetrator of its own when reports are compared
        entity = f"{c.lower()}_{canon}" if c else (None if hi.get("context") is False else canon)
        men.info = {"name": name, "country": c, "sector": sector, "entity": entity}

    @staticmethod
    def _possessor_country(doc: Doc, men: Mention, matches: dict) -> str | None:
        """The country named as the possessor of a phrase that left it out ("Japan 's Prime Minister
        Shinzo Abe", where the phrase starts at the title)."""
        for j in range(men.start, men.end):
            for k in doc[j].children:
                m = matches.get(k.i)
                if k.dep_ == "poss" and k.i < men.start and m is not None and m[2]["match"] in ("country", "demonym"):
                    return m[2]["country"]
        return None

    @staticmethod
    def _known_person(doc: Doc, men: Mention) -> None:
        """A named person with no country word gets the country the Phoenix actor dictionary says
        they act for on the article's date ("Vice-President Moody Awori" -> KEN; Mohamed ElBaradei is
        the UN's in 2005 and Egypt's in 2013), and the sector of that role unless a title said one.
        The dictionary beats the country of the document context, which a bare title would take."""
        toks = [doc[j] for j in range(men.start, men.end)]
        known = None
        for k in range(len(toks) - 1):  # the longest run of proper nouns ending the phrase, titles dropped
            run = toks[k:]
            # name particles ("bin", "al", "dos") are short lower-case words inside the run
            if len(run) >= 2 and run[0].pos_ == "PROPN" and all(
                    t.pos_ == "PROPN" or t.text == "-" or t.is_lower and t.is_alpha and len(t) <= 3 for t in run):
                known = _people().get(" ".join(" ".join(t.text for t in run).replace("-", " ").lower().split()))
                if known is not None:
                    break
        if known is not None:
            day = (meta(doc).get("published") or "")[:10] or None
            country, sector = role_on(known, day)
            men.info["country"] = country
            men.info["sector"] = men.info.get("sector") or sector or None
            men.extras["country_from"] = "dictionary"

    def _code_person(self, doc: Doc, men: Mention, country: str | None, sector: str | None,
                     ctx_country: str | None = None) -> None:
        title_sector = None
        first_name = men.start
        for j in range(men.start, men.head + 1):
            h = self.heads.get(doc[j].lower_)
            # the tagger often takes a title into the name ("Vice-President Moody Awori"): a title word
            # before the head is still a title
            if h and h["kind"] == "title" and (doc[j].ent_type_ != "PERSON" or j < men.head):
                title_sector = title_sector or h["sector"]
                first_name = j + 1
            elif doc[j].lower_ in self.mod_sector and doc[j].ent_type_ != "PERSON":
                title_sector = self.mod_sector[doc[j].lower_]
        name_toks = [doc[j] for j in range(first_name, men.head + 1) if doc[j].ent_type_ == "PERSON"]
        name = " ".join(x.text for x in name_toks) or doc[men.head].text
        if country is None and title_sector is not None and ctx_country:
            # "President Laurent Gbagbo" with no country word: an office holder of the country the
            # text is about, as a bare "the president" would be
            country = ctx_country
            men.extras["country_from"] = "context"
        men.info = {"name": name, "country": country, "sector": title_sector or sector, "entity": _slug(name)}


@Language.factory("eventwire_actors",
                  default_config={"spans_key": "actors", "pronouns": "cross_sentence", "demonym_actors": True},
                  assigns=["doc.spans"], requires=["token.dep", "token.tag", "doc.ents", "doc.spans"])
def make_actors(nlp: Language, name: str, spans_key: str, pronouns: str, demonym_actors: bool) -> ActorsComponent:
    """pronouns: "all" adds every resolved subject "it"/"they" as an actor; "cross_sentence" (default)
    only those whose antecedent is in an earlier sentence; "none" adds none. demonym_actors: a demonym
    modifying a non-actor noun ("an Indian proposal") is the country as an actor (CAMEO practice)."""
    return ActorsComponent(nlp, name, spans_key=spans_key, pronouns=pronouns, demonym_actors=demonym_actors)
