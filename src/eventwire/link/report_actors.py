"""Actor keys of a report: who acted and who was hit, as comparable keys and sides.

A state's bodies collapse to its country ("the Syrian army" = "Syrian government forces"),
others keep their entity id or name; grading compares sides (`identity`), and a class
("gunmen", "civilians") is weak evidence, keyed by its sector (`actor_profile`).
"""

from __future__ import annotations

# Sectors of state bodies: their actors are keyed by country (army, ministry, police of one state).
STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "JUD", "LEG", "SPY", "GOVMIL"})


def actor_key(a: dict) -> str | None:
    """A stable key of an actor for comparing reports.

    State bodies (army, ministry, police) collapse to their country, so "the Syrian
    army" and "Syrian government forces" match; other actors use their entity id,
    else their name.
    """
    sector = (a.get("sector") or "").upper()
    country = a.get("country")
    if country and sector in STATE_SECTORS and country not in ("IGO", "UNO", "NGO", "IMG", "MNC"):
        return "c:" + country
    if a.get("entity"):
        return "e:" + str(a["entity"]).lower()
    if country and sector in ("", "MIL", "GOV"):
        return "c:" + country
    name = (a.get("name") or a.get("text") or "").strip().lower()
    return "n:" + name if name else None


def identity(a: dict) -> str | None:
    """An actor's side, for grading: a state's bodies and its people under its country code (the
    country code "RUS" and the party entity "rus" are one side); others by `perpetrator_key`."""
    k = perpetrator_key(a)
    if k is None:
        return None
    c = a.get("country")
    if not c or c in NON_COUNTRIES or (a.get("sector") or "").upper() in NON_STATE_SECTORS:
        return k  # rebels, parties, militias of a country are not its state
    return "c:" + c


def perpetrator_key(a: dict) -> str | None:
    """Like `actor_key`, but only for actors specific enough to name a perpetrator.

    Without a country an actor names one only by a proper name ("Ambazonia Defence Forces"); a class
    ("militants", "military", "gunmen", with or without an entity id) names no one, so it never
    competes with, or is denied by, a named perpetrator.
    """
    if not a.get("country"):
        name = a.get("name") or ""
        if not a.get("entity") or not any(w[:1].isupper() for w in name.split() if w.lower() != "the"):
            return None
    sector = (a.get("sector") or "").upper()
    if sector in ("CVL", "REF", "MED", "BUS", "EDU", "HLH"):
        return None
    return actor_key(a)


NON_COUNTRIES = frozenset({"IGO", "UNO", "NGO", "IMG", "MNC"})


# sectors of a country's actors that are not its state (a side of their own in a conflict)
NON_STATE_SECTORS = frozenset({"REB", "UAF", "OPP", "INS", "CRM", "SEP"})


GENERIC_SECTORS = frozenset({"CVL", "REF", "MED", "BUS", "EDU", "HLH", "REL", "LAB", "AGR"})


def actor_profile(actors: list[dict]) -> tuple[frozenset, frozenset, frozenset]:
    """(specific keys, countries, generic keys) of some actors.

    Civilians, refugees, worshippers (whatever country the actors layer gives them) and
    actors without a country ("rebels", "armed group", an unresolved name) are classes:
    weak evidence, keyed by sector. A specific actor also brings its country, so "Russia"
    and "the Russian army" agree at country level when their keys differ.
    """
    spec, countries, generic = set(), set(), set()
    for a in actors:
        k = actor_key(a)
        if not k:
            continue
        c, sector = a.get("country"), (a.get("sector") or "").upper()
        if sector in GENERIC_SECTORS or not c:
            generic.add("g:" + sector if sector else k)
        else:
            spec.add(k)
            if c not in NON_COUNTRIES:
                countries.add(c)
    return frozenset(spec), frozenset(countries), frozenset(generic)
