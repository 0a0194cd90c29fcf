"""The actors layer's data: head nouns, modifier words, the actor dictionary and named people.

Built once from package data files (``lexicons/actor_patterns.yaml``, ``actors.yaml``,
``phoenix_people.csv``) and handed to the component through the registered loader
``eventwire.actors_lexicon.v1`` (the spaCy way, as ``spacy.LookupsDataLoader.v1`` does), so the
pipeline config names the data and holds no machine path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import spacy

from eventwire.data import read_csv, read_yaml

PATTERNS_FILE = "lexicons/actor_patterns.yaml"
ACTORS_FILE = "actors.yaml"
PEOPLE_FILE = "phoenix_people.csv"

# a role of a named person: country, sector, first and last day held (ISO dates, "" when open)
Role = tuple[str, str, str, str]


@lru_cache(maxsize=1)
def people() -> dict[str, tuple[Role, ...]]:
    """Named people -> their dated roles, latest first (data/phoenix_people.csv, from PETRARCH2's
    Phoenix file, whose CountryInfo roles say whom an office holder acted for and when)."""
    out: dict[str, tuple[Role, ...]] = {}
    for r in read_csv(PEOPLE_FILE):
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


def _words(values: Any) -> frozenset[str]:
    return frozenset(str(w).lower() for w in values or ())


@dataclass
class ActorLexicon:
    """Everything the actors layer knows about words, read-only once loaded (shared by threads)."""

    # head noun -> {sector, kind, canon, label, context} (actor_patterns.yaml `heads`)
    heads: dict[str, dict] = field(default_factory=dict)
    mod_sector: dict[str, str] = field(default_factory=dict)
    role_heads: frozenset[str] = frozenset()
    quantity_heads: frozenset[str] = frozenset()
    ministry_kinds: dict[str, str] = field(default_factory=dict)
    sg_pron: frozenset[str] = frozenset()
    pl_pron: frozenset[str] = frozenset()
    dets: frozenset[str] = frozenset()
    loc_preps: frozenset[str] = frozenset()
    needs_modifier: frozenset[str] = frozenset()
    patron_words: frozenset[str] = frozenset()
    currency_after: frozenset[str] = frozenset()
    domestic_group_sectors: frozenset[str] = frozenset()
    retired_codes: tuple[str, ...] = ()
    capital_aliases: tuple[dict, ...] = ()
    country_names: tuple[dict, ...] = ()
    # the actor dictionary's entries (actors.yaml), in file order
    named: tuple[dict, ...] = ()

    @classmethod
    def load(cls) -> ActorLexicon:
        pats = read_yaml(PATTERNS_FILE)
        heads: dict[str, dict] = {}
        for row in pats["heads"]:
            for w in row["words"]:
                heads.setdefault(w.lower(), {k: v for k, v in row.items() if k != "words"})
        return cls(
            heads=heads,
            mod_sector={w.lower(): r["sector"] for r in pats["modifier_sectors"] for w in r["words"]},
            role_heads=_words(pats["role_heads"]),
            quantity_heads=_words(pats.get("quantity_heads")),
            ministry_kinds={w: r["kind"] for r in pats["ministry_kinds"] for w in r["words"]},
            sg_pron=frozenset(pats["pronouns"]["singular"]),
            pl_pron=frozenset(pats["pronouns"]["plural"]),
            dets=frozenset(pats["determiners"]),
            loc_preps=frozenset(pats["location_preps"]),
            needs_modifier=_words(pats["needs_modifier"]),
            patron_words=_words(pats["patron_words"]),
            currency_after=frozenset(str(w) for w in pats["currency_after"]),  # case matters: "US$"
            domestic_group_sectors=frozenset(pats["domestic_group_sectors"]),
            retired_codes=tuple(pats.get("retired_codes") or ()),
            capital_aliases=tuple(pats.get("capital_aliases") or ()),
            country_names=tuple(pats.get("country_names") or ()),
            named=tuple(read_yaml(ACTORS_FILE)["actors"]),
        )

    def head_info(self, lower: str, text: str) -> dict | None:
        """The head-noun entry of a word, by its lower-case form first, then as written."""
        return self.heads.get(lower) or self.heads.get(text)


@spacy.registry.misc("eventwire.actors_lexicon.v1")
def actors_lexicon() -> ActorLexicon:
    """The actors lexicon from the package data (the factory's ``lexicon`` config block)."""
    return ActorLexicon.load()
