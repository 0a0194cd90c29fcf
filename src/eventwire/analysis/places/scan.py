"""The gazetteer scan and the word-context tests a name must pass to be read as a place.

Mixed into `MentionReader`: these read the reader's per-document state (the story's
people, the tokens inside organisations' names, the taken tokens) and its shared lexicon.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span

from eventwire.analysis.places.candidates import Mention, cap, notable, own_names, strong
from eventwire.gazetteer.normalise import norm

if TYPE_CHECKING:
    from eventwire.analysis.places.candidates import PlaceFinder
    from eventwire.analysis.places.lexicon import PlacesLexicon


class ScanMixin:
    """Gazetteer n-gram scan and context checks of one document (see `MentionReader`)."""

    doc: Doc
    find: PlaceFinder
    lex: PlacesLexicon
    taken: list[bool]
    persons: set[str]
    person_tokens: set[str]
    person_starts: set[int]
    speakers: set[str]
    place_tokens: set[int]
    in_org: set[int]
    in_actor: set[int]

    def _gazetteer_scan(self) -> list[Mention]:
        """Capitalised n-grams (<= 5 tokens) that the gazetteer knows, longest first, left to right."""
        doc, taken, lex = self.doc, self.taken, self.lex
        out: list[Mention] = []
        n = len(doc)
        i = 0
        while i < n:
            t = doc[i]
            starts = (t.is_title or (t.is_upper and len(t) > 1) or
                      (lex.article_prefix.match(t.text) and i + 2 < n and doc[i + 1].text == "-"))
            if not starts or taken[i] or t.is_punct:
                i += 1
                continue
            found = self._longest_known(i)
            if found is None:
                i += 1
                continue
            j, cands = found
            span = doc[i:j]
            # a capitalised name the tagger did not mark runs into the match ("National Unity Government")
            before = self._after_name(span)
            if cands and self._plausible(span, cands):
                org = span.start in self.in_org and span.end in self.in_org
                out.append(Mention(span.start_char, span.end_char, span.text, "gazetteer", cands=cands,
                                   kind="demonym" if all(c["_kind"] == "demonym" for c in cands) else "toponym",
                                   weak=org or before,
                                   lead=not before))
                for k in range(i, j):
                    taken[k] = True
            i = j
        return out

    def _longest_known(self, i: int) -> tuple[int, list[dict]] | None:
        """(end, candidates) of the longest capitalised n-gram from token i the gazetteer knows."""
        doc, taken, lex = self.doc, self.taken, self.lex
        n = len(doc)
        t = doc[i]
        for j in range(min(n, i + 5), i, -1):
            span = doc[i:j]
            last = doc[j - 1]
            if any(taken[k] for k in range(i, j)):
                continue
            if not (last.is_title or last.is_upper or (last.text.endswith(".") and last.text[:1].isupper())):
                continue
            if any(not (x.is_title or x.is_upper or x.lower_ in lex.connect or x.text == "-")
                   for x in span[1:-1]):
                continue
            if j - i == 1 and (t.lower_ in lex.skip or t.is_stop):
                continue
            if j - i == 1 and t.lower_ in lex.directions and j < n and cap(doc[j]):
                continue  # "Northeast Georgia", "Southern Sudan", "Western Conference": a modifier
            if span.text in self.persons:
                continue
            cands = self.find(span.text, fuzzy=False, by_key=False)
            if i in self.in_org:
                cands = own_names(span.text, cands)  # "Hamid Karzai ... Airport" is not Isparta
            if i in self.in_actor:
                cands = [c for c in cands if c.get("feature_code") in ("PCLI", "ADM1")]
            if cands:
                return j, cands
        return None

    def _inner(self, span: Span) -> tuple[Span, list[dict]]:
        """The longest known sub-name of an entity the gazetteer does not know whole
        ("Far North Queensland" -> "Queensland", "Sichuan province" -> "Sichuan")."""
        n = len(span)
        for size in range(n - 1, 0, -1):
            for i in range(0, n - size + 1):
                sub = span[i:i + size]
                if not (cap(sub[0]) or sub[0].is_upper) or sub[-1].is_punct or sub[0].is_stop:
                    continue
                # a transliteration's spelling only beside type words ("Sa'ada province" is Sa'dah's)
                plain = all(self._generic(t) for t in (*span[:i], *span[i + size:]))
                cands = self.find(sub.text, fuzzy=False, by_key=plain)
                if not all(self._generic(t) for t in span[:i]) and span[i - 1].lower_ != "of" \
                        and not notable(cands):
                    # "Tudun Biri" is not Biri, "Al-Ahli al-Arabi" not Arabi: a small place needs its whole
                    # name; a name after it or "of" before it is another's ("Henderson County Jail", "Port of
                    # Los Angeles" are fine)
                    continue
                if cands:
                    return sub, cands
        return span, []

    def _after_name(self, span: Span) -> bool:
        """Whether a gazetteer match comes after another proper name inside one capitalised name ("National
        Unity Government", "Al-Ahli al-Arabi"), type, unit and qualifier words aside ("Far North Queensland")."""
        doc = span.doc

        def name_word(t) -> bool:
            return ((t.is_title or t.is_upper) and not t.is_punct and not t.like_num and not t.is_stop
                    and not self._generic(t))

        def joined(i: int) -> bool:
            """A name word next to the match, or across an Arabic article ("Al-Ahli al-Arabi"); not across
            "of" ("University of Kentucky") nor a bare hyphen ("Wisconsin-Milwaukee", "D-N.Y.")."""
            article = False
            for k in range(3):
                if i < 0:
                    return False
                t = doc[i]
                if self.lex.article_prefix.match(t.text):
                    article = True
                elif name_word(t):
                    return k == 0 or article
                elif t.text != "-" or t.whitespace_:
                    return False
                if t.is_sent_start:
                    return False
                i -= 1
            return False

        return not doc[span.start].is_sent_start and joined(span.start - 1)

    def _generic(self, t) -> bool:
        """A word that may stand beside a place's name inside a longer name of that place: a type or unit
        word, a direction, a connector, a lower-case word or punctuation, not another proper name."""
        low, lex = t.lower_, self.lex
        return (t.is_punct or not (t.is_title or t.is_upper) or low in lex.unit_words or low in lex.features
                or low in lex.directions or low in lex.connect or low in lex.modifiers)

    def _context_says_not_place(self, span: Span, cands: list[dict], ner: bool = False) -> bool:
        """Words around a name that make it a person, a street or part of a longer name.

        "Officer Ripley", "Mrs. Lincoln", "Main Street", "City Hall", "Taco Bell",
        "Best Western", "Patrick Smith": a town's name used so is not the town.
        """
        doc, lex = span.doc, self.lex
        prev = doc[span.start - 1] if span.start > 0 else None
        nxt = doc[span.end] if span.end < len(doc) else None
        if prev is not None and prev.lower_ in lex.titles:
            return True
        if nxt is not None and (nxt.lower_ in lex.streets or nxt.text in lex.streets) and nxt.is_title:
            return True
        if strong(cands):
            return False
        if nxt is not None and nxt.i in self.person_starts:
            return True  # a given name or a title before a person's name
        if span.text in self.person_tokens or span.text in self.speakers:
            return True  # a surname ("Farrin", after "Henry Farrin"; "Robertson said")
        return bool(not ner and prev is not None and not prev.is_sent_start and prev.is_title
                    and prev.lower_ not in lex.connect and prev.i not in self.place_tokens and len(span) == 1)

    def _lone_person_names(self, doc: Doc, ents: list[Span]) -> set[str]:
        """One-word names the story uses for a person: the subject of a verb of speaking ("Robertson
        said") or a name the tagger calls a person and never a place. One name keeps one sense in one
        story, so the other mentions of such a name are not the town of that name either."""
        out = {t.text for t in doc if t.dep_ == "nsubj" and t.pos_ == "PROPN" and t.head.lemma_ in self.lex.speech
               and cap(t) and not any(c.dep_ == "compound" for c in t.children)
               and not (t.i > 0 and doc[t.i - 1].dep_ == "compound" and doc[t.i - 1].head.i == t.i)}
        placed = {e.text for e in ents if e.label_ in ("GPE", "LOC")}
        return out - placed

    def _plausible(self, span: Span, cands: list[dict]) -> bool:
        """A gazetteer-only match needs a proper-noun reading and a place worth naming."""
        if not any(x.pos_ == "PROPN" for x in span) and not all(c["_kind"] == "demonym" for c in cands):
            return False
        if span[0].lower_ in self.lex.skip and len(span) == 1:
            return False
        worth = any((c.get("feature_code") in ("PCLI", "ADM1", "CONT", "LCTY", "PPLC")
                     or (c.get("population") or 0) >= 5000 or c.get("source") == "supplement"
                     or c.get("feature_code") == "ADM2" and len(span) > 1) for c in cands)
        if not worth:
            return False
        org_head = span.start in self.in_org and (span.start == 0 or span.start - 1 not in self.in_org)
        if span.start in self.in_org and not org_head and not any(
                c.get("feature_code") in ("PCLI", "ADM1", "PPLC") or (c.get("population") or 0) >= 100_000
                for c in cands):
            return False
        return not self._context_says_not_place(span, cands)

    def _place_frame(self, span: Span) -> str | None:
        """Words around a name that make it a place whatever the tagger says: "settlement" for 'the town
        of Maarat al-Numan', 'al-Shafaa village'; "locative" for 'in Khan Younis'."""
        doc, lex = span.doc, self.lex
        prev = doc[span.start - 1] if span.start > 0 else None
        nxt = doc[span.end] if span.end < len(doc) else None
        if nxt is not None and nxt.lower_ in lex.settlements:
            after = doc[span.end + 1] if span.end + 1 < len(doc) else None
            # "a Dogon village", "the Dogon village of Sobane Da": a modifier, not the village's name
            if not (prev is not None and prev.lower_ in ("a", "an")) and not (after is not None and after.lower_ == "of"):
                return "settlement"
        if prev is None:
            return None
        if prev.lower_ == "of" and span.start > 1 and (doc[span.start - 2].lower_ in lex.settlements
                                                        or doc[span.start - 2].lemma_.lower() in lex.settlements):
            return "settlement"
        return "locative" if prev.lower_ in lex.locatives else None

    def _unresolved_is_place(self, span: Span) -> bool:
        """Keep a name the gazetteer cannot resolve only when it reads as a place name.

        An armed group or a person ("Daesh", "Saakashvili") is not a place, nor is a
        road ("Highway 19", "Main Street"): keep names with a generic feature term
        ("Chestatee River", "Lake Lanier") and nothing that marks them as something else.
        """
        lex = self.lex
        toks = [t for t in span if not t.is_punct]
        if not toks or any(t.like_num or any(ch.isdigit() for ch in t.text) for t in toks):
            return False
        if norm(span.text) in lex.actor_names or any(t.text in self.person_tokens for t in toks):
            return False
        if span.start > 0 and span.doc[span.start - 1].lower_ in lex.titles:
            return False
        if toks[-1].lower_ in lex.streets or (span.end < len(span.doc) and span.doc[span.end].lower_ in lex.streets
                                              and span.doc[span.end].is_title):
            return False
        return len(toks) > 1 and all(t.is_title or t.lower_ in lex.connect for t in toks) and any(
            t.lower_ in lex.features for t in toks)
