"""What the text itself says about its places before any ranking: the countries it is clearly
about, "Town, State" pairs, "the Lebanese port of Tripoli", short forms of the counties it names,
and one name, one place. Each narrows the mentions' candidate lists in place."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from eventwire.analysis.places.candidates import Mention
from eventwire.analysis.places.lexicon import PlacesLexicon
from eventwire.gazetteer.normalise import norm

# "Town, State": (the ids of the units it names, their countries)
PairContext = dict[int, tuple[set, set]]


def country_evidence(mentions: list[Mention], outlet: str | None) -> Counter:
    """The countries the story is unambiguously about (single-country names, the dateline, the outlet's
    country), after dropping loose readings that fall outside every country the story names."""
    base_countries: Counter = Counter()
    for m in mentions:  # unambiguous evidence: single-country mentions, the dateline
        if m.cands and len({c.get("country") for c in m.cands}) == 1 and (
                m.source == "dateline" or not all(c.get("_loose") for c in m.cands)):
            base_countries[m.cands[0].get("country")] += 2.0 if m.source == "dateline" else 1.0
    # weaker evidence for the filter below: every exact name shares its weight among its countries
    named: Counter = Counter()
    own: dict[int, Counter] = {}
    for m in mentions:
        if m.cands and (m.source == "dateline" or not all(c.get("_loose") for c in m.cands)):
            ccs = {c.get("country") for c in m.cands}
            own[id(m)] = Counter({cc: 1.0 / len(ccs) for cc in ccs})
            named.update(own[id(m)])
    if outlet and len(outlet) == 3:
        base_countries[outlet] += 1.0
    if named:
        _drop_foreign_guesses(mentions, named, own)
    return base_countries


def _drop_foreign_guesses(mentions: list[Mention], named: Counter, own: dict[int, Counter]) -> None:
    """A name known only by a loose spelling match (transliteration key, fuzzy) must fall in a
    country the story is about: "al-Shafaa" in a Deir Ezzor story is not Ash Shafa in Saudi
    Arabia, "Saada province" not Salta; nor is a village abroad that shares its name with
    one the gazetteer lacks ("the town of Sangha" in a Mali story is not Sangha, Congo).
    Such a name stays a place without coordinates."""
    for m in mentions:
        if not m.cands or m.source == "dateline":
            continue
        loose = all(c.get("_loose") for c in m.cands)
        small = all(_small(c) for c in m.cands)
        others = named - own.get(id(m), Counter())
        # a small place abroad is dropped only against a story clearly set elsewhere (two names)
        if (loose and others) or (small and sum(others.values()) >= 2.0):
            # a fuzzy guess needs a country another name settles; a transliteration one less
            m.cands = [c for c in m.cands
                       if others.get(c.get("country"), 0) >= (0.99 if c.get("_fuzzy") else 1e-9)]


def pair_context(full_text: str, mentions: list[Mention], lex: PlacesLexicon) -> PairContext:
    """"Town, State" pairs (the second name constrains the first), and "the Lebanese port of
    Tripoli", "Lebanon's Tripoli": the country the text gives a name."""
    pair_ctx: PairContext = {}
    for k in range(len(mentions) - 1):
        a, b = mentions[k], mentions[k + 1]
        gap = full_text[a.end:b.start]
        if gap.strip() == "," and len(gap) <= 3:
            units = [c for c in b.cands if c.get("feature_code") in ("ADM1", "PCLI", "ADM2")]
            if units:
                ctx = ({c["geonameid"] for c in units if c["feature_code"] != "PCLI"},
                       {c.get("country") for c in units})
                pair_ctx[id(a)] = ctx
                # "Nashville and Cordova, Tennessee": the state holds both towns
                j = k
                while j > 0 and re.fullmatch(r"\s+(?:and|or|&)\s+", full_text[mentions[j - 1].end:mentions[j].start]):
                    j -= 1
                    pair_ctx.setdefault(id(mentions[j]), ctx)
    for k in range(1, len(mentions)):
        p, m = mentions[k - 1], mentions[k]
        if id(m) in pair_ctx or not p.cands or len({c.get("country") for c in p.cands}) != 1:
            continue
        gap = full_text[p.end:m.start]
        if (p.kind == "demonym" and lex.of_frame.fullmatch(gap)) or (
                all(c.get("feature_code") == "PCLI" for c in p.cands) and re.fullmatch(r"['’]s\s+", gap)):
            pair_ctx[id(m)] = (set(), {p.cands[0].get("country")})
    return pair_ctx


def short_forms(mentions: list[Mention]) -> None:
    """"DeKalb" in a story that names "DeKalb County" may be the county: the short form gets its readings."""
    full: dict[str, list[dict]] = defaultdict(list)
    for m in mentions:
        words = m.text.split()
        if len(words) > 1 and words[-1].lower() in ("county", "parish"):
            full[norm(" ".join(words[:-1]))] += [c for c in m.cands if c.get("feature_code") == "ADM2"]
    for m in mentions:
        extra = full.get(norm(m.text))
        if extra and m.kind == "toponym":
            have = {c["geonameid"] for c in m.cands}
            m.cands = m.cands + [c for c in extra if c["geonameid"] not in have]


def _small(c: dict) -> bool:
    """A village or hamlet (a populated place of under 10,000 people, not a capital)."""
    return (c.get("feature_code") or "PPL").startswith("PPL") and c.get("feature_code") != "PPLC" \
        and (c.get("population") or 0) < 10_000


def drop_foreign_villages(full_text: str, mentions: list[Mention], pair_ctx: PairContext) -> None:
    """"Dasht-e Barchi, Kabul": when the text puts a name in a place and the gazetteer knows the name
    only as villages of other countries, none of them is it: the name stays unresolved (and
    `held.held_by` may still give it the holder's country). Not in a list ("Crockett, Palestine and
    Houston", "the Middle East, Italy and ..."), where the comma joins siblings."""
    for k, m in enumerate(mentions[:-1]):
        if id(m) not in pair_ctx or not m.cands or not all(_small(c) for c in m.cands):
            continue
        ccs = pair_ctx[id(m)][1]
        if any(c.get("country") in ccs for c in m.cands):
            continue
        after = full_text[mentions[k + 1].end:mentions[k + 1].end + 12]
        if re.match(r"\s*(?:,\s*[A-Z]|(?:and|or|&)\b)", after):
            continue
        m.cands = []


def fix_pairs(mentions: list[Mention], pair_ctx: PairContext) -> None:
    """"Atlanta, Georgia": a town the text puts in a province is one of that province's towns (unless
    the name is itself a province of that country: "Washington, Oregon" lists states); one name, one
    place: the later bare "Tripoli" is the one the text placed before."""
    fixed_to: dict[str, set] = {}
    for m in mentions:
        if id(m) in pair_ctx:
            units, ccs = pair_ctx[id(m)]
            if units:
                inside = [c for c in m.cands if c.get("admin1_gid") in units or c["geonameid"] in units]
                sibling = any(c.get("feature_code") in ("ADM1", "PCLI") and c.get("country") in ccs
                              for c in m.cands)
            else:  # "Queensland, Australia", but not the list "Lebanon, Syria"
                inside = [c for c in m.cands if c.get("country") in ccs]
                sibling = any(c.get("feature_code") == "PCLI" for c in m.cands)
            if inside and not sibling:
                m.cands = inside
                fixed_to[norm(m.text)] = {c["geonameid"] for c in inside}
    for m in mentions:
        keep = fixed_to.get(norm(m.text))
        if keep and id(m) not in pair_ctx:
            m.cands = [c for c in m.cands if c["geonameid"] in keep] or m.cands
