"""Words around a mention that fix what kind of place it names: "Douglas, Sarpy and Lancaster
counties" are counties, "Deir Ezzor countryside" the governorate, "Kandahar city" the city."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from eventwire.analysis.places.candidates import Mention, PlaceFinder
from eventwire.analysis.places.lexicon import PlacesLexicon

_LIST_TOKEN = re.compile(r"[^\W\d][\w'’.-]*|[,&]")


def unit_lists(full_text: str, mentions: list[Mention], find: PlaceFinder) -> None:
    """Names listed before a plural unit word are units of that kind: "Douglas, Sarpy and Lancaster
    counties", "Becker, Clay, Douglas, Grant ... and Wilkin counties" name counties, not towns (the
    list runs back over capitalised words, commas and conjunctions, known names or not)."""
    lex = find.lex
    for plural in lex.plural_unit.finditer(full_text):
        unit = lex.unit_singular[plural.group(1).lower()]
        end = plural.start()
        toks = list(_LIST_TOKEN.finditer(full_text, max(0, end - 300), end))
        begin = end
        for t in reversed(toks):
            if full_text[t.end():begin].strip():
                break  # something else between: the list ends here
            w = t.group(0)
            if not (w[:1].isupper() or w.lower() in ("and", "or", "&", ",")) or w.endswith(("'s", "’s")):
                break  # "China's Hunan and Hubei provinces": the possessive holds the list
            begin = t.start()
        if not re.search(r",|&|\b(?:and|or)\b", full_text[begin:end]):
            continue  # one name is no list: "Indiana counties", "the metro Athens counties" are in it
        inside = [m for m in mentions if begin <= m.start and m.end <= end and m.kind != "demonym"]
        for m in inside:
            named = [c for c in find(f"{m.text} {unit}", fuzzy=False, by_key=False)
                     if c.get("feature_code") in ("ADM1", "ADM2")]
            named = named or [c for c in m.cands if c.get("feature_code") in ("ADM1", "ADM2")]
            if named:
                m.cands, m.admin_only = named, True


def admin_frames(doc: Doc, full_text: str, mentions: list[Mention], lex: PlacesLexicon) -> None:
    """"X countryside/province", "the province of X": the administrative unit; "the town of X",
    "X city": the town, not the unit of its name."""
    suffixes, directions = lex.admin_suffixes, lex.directions
    for m in mentions:
        nxt = doc.char_span(m.end + 1, m.end + 1 + 24, alignment_mode="expand") if m.end + 1 < len(full_text) else None
        before = full_text[max(0, m.start - 20):m.start].lower().split()
        admin_frame = (nxt is not None and len(nxt) and full_text[m.end:m.end + 1] == " " and (
            nxt[0].lower_ in suffixes or (len(nxt) > 1 and nxt[0].lower_ in directions
                                          and nxt[1].lower_ in suffixes)))
        # "the eastern countryside of Deir Ezzor", "the province of Idlib"
        admin_frame = admin_frame or (len(before) >= 2 and before[-1] == "of" and before[-2] in suffixes)
        if admin_frame:
            admin = [c for c in m.cands if c.get("feature_code") in ("ADM1", "ADM2")]
            if admin:
                m.cands, m.admin_only = admin, True
        after = full_text[m.end:m.end + 8].lower()
        if len(before) >= 2 and before[-1] == "of" and before[-2] in ("town", "village", "city"):
            # "the town of Deir al-Balah": the town, or the unit of its name when the gazetteer has no town
            m.cands = [c for c in m.cands if (c.get("feature_code") or "PPL").startswith("PPL")] or m.cands
        elif (re.match(r" (?:city|town)\b", after) and not re.match(r" (?:city|town) of\b", full_text[m.end:m.end + 12])
              or re.search(r"\s(?:city|town)$", m.text.lower())):  # not "the Hunan city of Yueyang"
            towns = [c for c in m.cands if (c.get("feature_code") or "PPL").startswith("PPL")]
            if towns:
                m.cands = towns  # "Kandahar city": the city, not the province of its name
