"""Context of unresolved names: the country and province the text gives a place the gazetteer lacks."""

from __future__ import annotations

import re

from eventwire.analysis.places.candidates import Mention
from eventwire.analysis.places.lexicon import PlacesLexicon
from eventwire.gazetteer.normalise import norm

_UNIT_CODES = ("PCLI", "ADM1", "ADM2")


def held_by(full_text: str, mentions: list[Mention], lex: PlacesLexicon) -> dict[int, dict]:
    """What the text says about places the gazetteer lacks: the country and province of the place
    that holds them.

    One rule: a name followed by a place that holds it ("al-Shafaa, Syria", "X village in the
    eastern countryside of Deir Ezzor", "X in central Mali", "X, near the town of Sangha", "X in Mopti
    region") or preceded by one in the possessive ("Syria's X") lies in that place's country and,
    below country level, its province. A bare comma counts only before a country or an
    administrative unit (a list "X, Aleppo and Hama" names siblings); "near"/"outside"/"N km north
    of" count only before a town or province (a place near a country may lie across its border).
    Nothing else is invented: no point, no GeoNames id. Returns id(mention) -> place fields.
    """
    out: dict[int, dict] = {}
    for i in range(len(mentions) - 1, -1, -1):  # right to left: "X, near Y in Mopti region"
        m = mentions[i]
        if m.best is not None or m.kind == "demonym":
            continue
        held = _held_after(full_text, m, mentions[i + 1], out, lex) if i + 1 < len(mentions) else None
        if held is None and i > 0:
            p = mentions[i - 1]
            got = _info(p, out)
            if got and got[0] and got[2] and re.fullmatch(r"['’]s\s+(?:the\s+)?", full_text[p.end:m.start]):
                held = got[:2]  # "Syria's al-Shafaa", "Mopti region's"
        if held:
            out[id(m)] = {"country": held[0], "admin1": held[1],
                          "precision": "province" if held[1] else "country"}
    # one name in one story is one place: a later bare "al-Shafaa" is the "al-Shafaa, Syria" above
    by_name = {norm(m.text): out[id(m)] for m in mentions if id(m) in out}
    for m in mentions:
        if m.best is None and m.kind != "demonym" and id(m) not in out and norm(m.text) in by_name:
            out[id(m)] = by_name[norm(m.text)]
    return out


def _info(c: Mention, out: dict[int, dict]) -> tuple[str | None, str | None, bool] | None:
    """(country, province, is a unit) of a mention that may hold another."""
    if c.kind == "demonym":
        return None
    if c.best is not None:
        fc = c.best.get("feature_code") or "PPL"
        return c.best.get("country"), (c.best.get("admin1") if fc != "PCLI" else None), fc in _UNIT_CODES
    got = out.get(id(c))
    return (got["country"], got["admin1"], False) if got else None


def _held_after(full_text: str, m: Mention, c: Mention, out: dict[int, dict],
                lex: PlacesLexicon) -> tuple[str | None, str | None] | None:
    """(country, province) of the place named after `m` that holds it, if the words between say so."""
    gap = lex.held_by.match(full_text[m.end:c.start]) if c.start - m.end <= 80 else None
    got = _info(c, out) if gap and (gap.group("prep") or "," in gap.group(0)) else None
    if not (got and got[0]):
        return None
    country, admin1, unit = got
    bare = not gap.group("prep") and "," in gap.group(0) and not re.search(
        r"[a-z]", gap.group(0).split(",")[-1], re.I)
    # "Hroza, Kupiansk district", "Pazigyi Village, Kanbalu Township": named as a unit
    unit = unit or lex.unit_after.match(full_text, c.end) is not None or bool(
        re.search(rf"\s{lex.unit_words_rx}$|\s(?:township|oblast|prefecture)$", c.text, re.I))
    near = bool(gap.group("prep")) and not gap.group("prep").lower().startswith("in")
    if (not bare or unit) and not (near and admin1 is None):
        return country, admin1
    return None
