"""Independent origins: how many separate sources stand behind an incident.

Reports are not independent just because outlets differ:

* one outlet is one origin; every outlet and body of one government ("state:SYR":
  SANA, Syrian TV, the Foreign Ministry) is one origin;
* near-copies (syndicated wire copy, a republished press release) are one origin: the
  store marks a near-copy with its origin (`article.copy_of`, MinHash LSH in
  `store.dedup`), and texts without a mark get the same test (`Report.copy_group`);
* a report that cites someone ("according to SANA", "Syrian state media reported",
  "citing Reuters", a claim whose speaker is the Observatory or a ministry) counts
  as the origin(s) it cites, not as a new one: a wire quoting both sides adds
  those two sides and nothing else.

An origin is a *party* when it is a belligerent's own channel: an outlet of a
party or armed group, or a state (its media or bodies) whose country is among
the incident's actors or targets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from eventwire.data import read_csv
from eventwire.ingest.outlets import resolve_outlet
from eventwire.link.reports import Report, perpetrator_key

STATE_AFFILIATIONS = frozenset({"state", "state-affiliated"})
PARTY_AFFILIATIONS = frozenset({"party", "armed-group"})
GENERIC_SECTORS = frozenset({"CVL", "REF", "MED", "BUS", "EDU", "HLH", "NGO", ""})
_WORDS = re.compile(r"\w+", re.UNICODE)


@dataclass
class Origin:
    key: str
    name: str
    affiliation: str | None = None
    country: str | None = None
    party: bool = False
    reports: list[str] = field(default_factory=list)   # report keys that carry this origin
    asserting: bool = False                            # some report says it happened

    def to_dict(self) -> dict:
        return {"key": self.key, "name": self.name, "affiliation": self.affiliation,
                "country": self.country, "party": self.party, "asserting": self.asserting,
                "reports": list(self.reports)}


def outlet_origin(rec: dict | None) -> tuple[str, str, str | None, str | None] | None:
    """(key, name, affiliation, country) of the origin an outlet record stands for."""
    if not rec or not rec.get("id"):
        return None
    aff, country = rec.get("affiliation"), rec.get("country")
    if aff in STATE_AFFILIATIONS and country:
        return f"state:{country}", rec.get("name") or rec["id"], aff, country
    return f"outlet:{rec['id']}", rec.get("name") or rec["id"], aff, country


@lru_cache(maxsize=1)
def _outlet_pattern() -> re.Pattern | None:
    names: set[str] = set()
    for row in read_csv("outlets.csv"):
        for n in [row.get("name"), *(row.get("aliases") or "").split("|")]:
            n = (n or "").strip()
            if len(n) >= 2 and not n.islower():
                names.add(n)
                if n.startswith("the "):
                    names.add("T" + n[1:])
    if not names:
        return None
    alts = sorted(names, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in alts) + r")(?![\w-])")


@lru_cache(maxsize=1)
def _phrase_pattern() -> re.Pattern | None:
    phrases = [r["phrase"].strip() for r in read_csv("link/citation_phrases.csv") if r.get("phrase")]
    if not phrases:
        return None
    alts = sorted(phrases, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(p) for p in alts) + r")(?![\w-])", re.I)


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    from eventwire.gazetteer.countries import name_index

    return {k: v[0] for k, v in name_index().items()}


def _country_before(text: str, start: int) -> str | None:
    """The country of a demonym or country name in the three words before `start`."""
    words = _WORDS.findall(text[max(0, start - 60):start])[-3:]
    names = _country_names()
    for n in (3, 2, 1):
        for i in range(len(words) - n, -1, -1):
            iso = names.get(" ".join(words[i:i + n]).lower())
            if iso:
                return iso
    return None


def cited_origins(text: str, fallback_country: str | None) -> list[tuple[str, str, str | None, str | None]]:
    """Origins named in a piece of text: registry outlets and "state media"-style phrases."""
    out = []
    pat = _outlet_pattern()
    if pat is not None:
        for m in pat.finditer(text):
            o = outlet_origin(resolve_outlet(m.group(0)))
            if o:
                out.append(o)
    ph = _phrase_pattern()
    if ph is not None:
        for m in ph.finditer(text):
            c = _country_before(text, m.start()) or fallback_country
            if c:
                out.append((f"state:{c}", f"{c} state media", "state", c))
    return out


def report_citations(r: Report, fallback_country: str | None = None) -> list[tuple]:
    """The origins a report relays (empty: the outlet speaks for itself).

    Read from the event's claim chain (speaker names and speaker actors) and from
    the event sentence. A named non-generic speaker (a ministry, an armed group, a
    military) is an origin of its own; anonymous and generic sources (residents,
    medics, "a source") are not, so the report stays the outlet's own.
    """
    own = outlet_origin({"id": r.outlet_id, "name": r.outlet_name, "affiliation": r.affiliation,
                         "country": r.outlet_country}) if r.outlet_id else None
    country = fallback_country or r.country
    found: list[tuple] = []
    for sp in r.speakers:
        hits = cited_origins(sp.get("text") or "", country)
        actor = sp.get("actor")
        if not hits and actor:
            hits = cited_origins(actor.get("name") or actor.get("text") or "", country)
            if not hits and (actor.get("sector") or "").upper() not in GENERIC_SECTORS:
                k = perpetrator_key(actor)
                if k and k.startswith("c:"):
                    c = k[2:]
                    hits = [(f"state:{c}", f"{c} government", "state", c)]
                elif k:
                    hits = [(f"actor:{k[2:]}", actor.get("name") or k[2:], "armed-group", actor.get("country"))]
        found.extend(hits)
    found.extend(cited_origins(r.sentence, country))
    seen, out = set(), []
    for o in found:
        if own and o[0] == own[0]:
            continue
        if o[0] not in seen:
            seen.add(o[0])
            out.append(o)
    return out


def count_origins(reports: Sequence[Report], participants: Iterable[str] = (),
                  country: str | None = None) -> tuple[dict[str, Origin], dict[str, list[str]]]:
    """Origins of one incident's reports, and each report's origin keys.

    `participants` are the incident's actor and target keys ("c:SYR", "e:isis"):
    a state origin of a participant country is a party.
    """
    parts = set(participants)
    arts: dict[str, Report] = {}
    for r in reports:
        arts.setdefault(r.article, r)
    # near-copies: the earliest published of a copy group in this incident is the original
    order = sorted(arts, key=lambda a: (arts[a].published or "", a))
    first: dict[str, str] = {}
    original = {a: first.setdefault(arts[a].copy_group or (arts[a].copy_of or {}).get("article") or a, a)
                for a in order}
    # a copy whose origin is not in this incident: the store's mark names the origin's outlet
    marked = {a: arts[a].copy_of for a in order if (arts[a].copy_of or {}).get("article") not in (None, a)}
    origins: dict[str, Origin] = {}
    per_report: dict[str, list[str]] = {}

    def add(o: tuple, rkey: str, asserting: bool) -> str:
        key, name, aff, ctry = o
        org = origins.get(key)
        if org is None:
            party = aff in PARTY_AFFILIATIONS or (key.startswith("state:") and f"c:{ctry}" in parts) \
                or (key.startswith("actor:") and f"e:{key[6:]}" in parts)
            org = origins[key] = Origin(key, name, aff, ctry, party)
        if rkey not in org.reports:
            org.reports.append(rkey)
        org.asserting = org.asserting or asserting
        return key

    cites_of_article: dict[str, list[tuple]] = {}
    cites_of_report: dict[str, list[tuple]] = {}
    for r in reports:
        cites = cites_of_report[r.key] = report_citations(r, country)
        cites_of_article.setdefault(r.article, []).extend(cites)
        r.citations = tuple(c[0] for c in cites)
    # an article that denies the incident restates the allegation it answers ("has reviewed reports
    # that aircraft killed civilians ... did not conduct any strikes"): its own-voice versions of it
    # do not make it an origin that says the incident happened
    denying = {r.article for r in reports if r.status == "denied"}
    for r in reports:
        src = arts[original[r.article]]
        cites = cites_of_report[r.key]
        asserting = r.asserting and not (r.article in denying and not cites)
        if not cites and original[r.article] != r.article:
            cites = cites_of_article.get(src.article, [])
        if not cites:
            own = outlet_origin({"id": src.outlet_id, "name": src.outlet_name, "affiliation": src.affiliation,
                                 "country": src.outlet_country}) if src.outlet_id else None
            if src is arts[r.article] and r.article in marked:  # a copy whose origin is not in the incident
                own = outlet_origin(marked[r.article].get("outlet")) or own
            cites = [own or (f"article:{src.article}", src.outlet_name or src.article[:12], None, None)]
        per_report[r.key] = [add(o, r.key, asserting) for o in cites]
    return origins, per_report
