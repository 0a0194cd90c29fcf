"""Find the place mentions of one document: the dateline, spaCy's entities and a gazetteer scan.

All per-document state (the story's people, the tokens inside organisations' and actors'
names, which tokens are taken) lives on a `MentionReader` made for that document, so one
component serves documents on many threads at once.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from eventwire.analysis.extensions import doc_text, meta
from eventwire.analysis.places.candidates import Mention, PlaceFinder, cap, own_names
from eventwire.analysis.places.frames import admin_frames, unit_lists
from eventwire.analysis.places.scan import ScanMixin
from eventwire.gazetteer.normalise import norm

PLACE_LABELS = {"GPE", "LOC", "FAC"}
# entity labels the small model gives to place names it does not know ("Sobane Da" WORK_OF_ART)
NAME_LABELS = {"PERSON", "ORG", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW"}
# the population a town named only as the first word of an organisation's name needs to be read as a place
WEAK_MIN_POP = 20_000


def _people(ents: list[Span]) -> list[Span]:
    """The story's people: PERSON entities, and names with a middle initial ("Tyrise M. Bell"), which
    make a name a person's whatever the tagger called it."""
    persons = [e for e in ents if e.label_ == "PERSON"]
    return persons + [e for e in ents if e.label_ != "PERSON" and len(e) >= 3 and any(
        len(t.text) == 2 and t.text[0].isupper() and t.text[1] == "." for t in e[1:-1])]


class MentionReader(ScanMixin):
    """The mentions of one document; made per call, never shared between documents."""

    def __init__(self, doc: Doc, find: PlaceFinder):
        self.doc = doc
        self.find = find
        self.lex = find.lex
        self.full_text = doc_text(doc)
        self.mentions: list[Mention] = []
        self.taken = [False] * len(doc)
        self.in_org: set[int] = set()
        self.in_actor: set[int] = set()
        ents = list(doc.ents)
        self.ents = ents
        # names of people: a surname alone later in the text ("Walsh said") is not the county
        persons = _people(ents)
        self.persons = {t.text for e in persons for t in e if cap(t)} | {e.text for e in persons}
        self.person_tokens = {t.text for e in persons if len(e) > 1 for t in e if cap(t)}
        self.person_starts = {e.start for e in persons}
        self.speakers = self._lone_person_names(doc, ents)
        self.place_tokens = {k for e in ents if e.label_ in ("GPE", "LOC") for k in range(e.start, e.end)}

    def _take(self, span: Span, m: Mention) -> None:
        self.mentions.append(m)
        self._block(span.start, span.end)

    def _block(self, start: int, end: int) -> None:
        for k in range(start, end):
            self.taken[k] = True

    def read(self) -> list[Mention]:
        """The document's mentions in text order, each with its candidate readings."""
        self._dateline()
        for ent in self.ents:
            if not any(self.taken[k] for k in range(ent.start, ent.end)):
                self._entity(ent)
        mentions = self.mentions + self._gazetteer_scan()
        # a town named only inside organisations' names ("Columbia University", "Templeton Construction",
        # "Chelsea announced") is the organisation's; named once on its own, it is the place throughout
        # inside a name, a word that is not its lead ("National Unity Government") names no place, and a lead
        # word only a notable one ("Kaduna State Government", "Kabul University")
        confirmed = {norm(m.text) for m in mentions if not m.weak}
        mentions = [m for m in mentions if not m.weak or norm(m.text) in confirmed
                    or any(c.get("feature_code") in ("PCLI", "CONT") for c in m.cands)
                    or m.lead and any(c.get("feature_code") in ("ADM1", "ADM2", "PPLC")
                                      or (c.get("population") or 0) >= WEAK_MIN_POP for c in m.cands)]
        mentions.sort(key=lambda m: m.start)
        unit_lists(self.full_text, mentions, self.find)
        admin_frames(self.doc, self.full_text, mentions, self.lex)
        return sorted(mentions, key=lambda m: m.start)

    def _dateline(self) -> None:
        """The dateline place is always a mention; the outlet tag after it ("Damascus, SANA-") names the
        outlet, not Sanaa."""
        doc = self.doc
        dl = meta(doc).get("dateline")
        if dl:
            span = doc.char_span(int(dl[0]), int(dl[1]), alignment_mode="expand")
            if span is not None and span.text.strip():
                cands = self.find(span.text, fuzzy=True)
                self._take(span, Mention(span.start_char, span.end_char, span.text, "dateline", cands=cands))
        ol = meta(doc).get("dateline_outlet")
        if ol:
            span = doc.char_span(int(ol[0]), int(ol[1]), alignment_mode="expand")
            if span is not None:
                self._block(span.start, span.end)

    def _entity(self, ent: Span) -> None:
        """One spaCy entity: a place mention, a name whose words hold no place, or an organisation's
        name whose words the gazetteer scan may still read (for notable places only)."""
        span = ent
        if span[0].lower_ == "the" and len(span) > 1:
            span = span[1:]
        if ent.label_ in NAME_LABELS and self._settlement_entity(ent, span):
            return
        if ent.label_ in PLACE_LABELS:
            self._place_entity(ent, span)
            return
        if ent.label_ == "NORP":
            cands = [c for c in self.find(span.text, fuzzy=False) if c["_kind"] == "demonym"]
            if cands:
                self._take(span, Mention(span.start_char, span.end_char, span.text, "ner", ent.label_, "demonym",
                                         cands=cands))
                return
        if ent.label_ in ("ORG", "PERSON", "NORP") and self._named_entity(ent, span):
            return
        if ent.label_ in NAME_LABELS and norm(span.text) in self.lex.actor_names:
            # a known actor's name holds no place ("Rapid Support Forces", "Hamas"), but the country or
            # province it belongs to ("U.S. Senate")
            self.in_actor.update(range(ent.start, ent.end))
            self.in_org.update(range(ent.start, ent.end))
            return
        if ent.label_ not in ("ORG", "FAC", "WORK_OF_ART", "EVENT", "PRODUCT"):
            # a person's, a date's or a number's words are not scanned for places; an
            # organisation's are ("University of Kentucky"), for notable places only
            self._block(ent.start, ent.end)
        else:
            self.in_org.update(range(ent.start, ent.end))

    def _settlement_entity(self, ent: Span, span: Span) -> bool:
        """"the town of Maarat al-Numan", "al-Shafaa village", whatever the tagger called it (a name the
        gazetteer lacks is left out: an unresolved place costs more than it gives)."""
        lex, text = self.lex, span.text
        if self._place_frame(span) == "settlement" \
                and all(t.is_title or t.lower_ in lex.connect or t.text == "-" for t in span) \
                and norm(text) not in lex.actor_names and text not in self.person_tokens:
            cands = [c for c in self.find(text, fuzzy=False) if c["_kind"] == "name"]
            if cands:
                self._take(span, Mention(span.start_char, span.end_char, text, "ner", ent.label_, cands=cands))
                return True
        return False

    def _place_entity(self, ent: Span, span: Span) -> None:
        """A GPE/LOC/FAC entity: its place, the known place inside it, or no place at all (a street, a
        modifier, a name that reads as something else)."""
        doc, lex = self.doc, self.lex
        if len(span) == 1 and span[0].lower_ in lex.directions and span.end < len(doc) and cap(doc[span.end]):
            self.taken[span.start] = True  # "Northeast Georgia": a modifier of the next name, the place
            return
        if span[-1].lower_ in lex.streets and len(span) > 1:
            self._block(ent.start, ent.end)  # a street ("West Broad Street"), not the town in its name
            return
        cands = self.find(span.text, fuzzy=False)
        if not cands and span.text.endswith("'s"):
            span = span[:-1]
            cands = self.find(span.text, fuzzy=False)
        inner = False
        if not cands and len(span) > 1:
            # "Saada province" -> "Saada" before any fuzzy guess ("Salta province")
            sub, sub_cands = self._inner(span)
            if sub_cands:
                span, cands, inner = sub, sub_cands, True
        if not cands:
            cands = self.find(span.text, fuzzy=True)
        if cands and len(span) == 1 and self._context_says_not_place(span, cands, ner=not inner):
            self._block(ent.start, ent.end)
            return
        if not cands and not self._unresolved_is_place(span) and self._place_frame(span) != "settlement":
            self._block(ent.start, ent.end)
            return
        kind = "demonym" if cands and all(c["_kind"] == "demonym" for c in cands) else "toponym"
        self._take(span, Mention(span.start_char, span.end_char, span.text, "ner", ent.label_, kind, cands=cands))

    def _named_entity(self, ent: Span, span: Span) -> bool:
        """A name the tagger calls a person or a body is a place only by that place's own name, not
        another of its names ("Hamid" is an old name of Isparta, "Hamas" one of Hamm)."""
        lex, text = self.lex, span.text
        cands = own_names(text, [c for c in self.find(text, fuzzy=False) if c["_kind"] == "name"])
        strong = [c for c in cands if c.get("feature_code") in ("PCLI", "ADM1")
                  or (c.get("population") or 0) >= (20_000 if ent.label_ != "NORP" else 200_000)
                  or c.get("source") == "supplement" or lex.article_prefix.match(span[0].text)]
        frame = self._place_frame(span)
        if not strong and cands and frame:
            strong = cands  # "the town of Maarat al-Numan", "in Maarat al-Numan": a place, however small
        if (strong and (ent.label_ == "ORG" or len(span) == 1 or frame)
                and span.text not in self.person_tokens
                and norm(span.text) not in lex.actor_names
                and not self._context_says_not_place(span, cands, ner=True)):
            self._take(span, Mention(span.start_char, span.end_char, span.text, "ner", ent.label_, cands=cands))
            return True
        return False
