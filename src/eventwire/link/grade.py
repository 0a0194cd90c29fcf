"""Airwars-style grades, each with a short reason a person can check.

In order of precedence:

* ``discounted``: set by a person (a correction), never by the machine;
* ``confirmed``: the alleged perpetrator itself accepted responsibility: an asserting
  claim whose cue accepts responsibility ("claimed responsibility", "admitted",
  "acknowledged") and whose speaker is the event's perpetrator, or the perpetrator's own
  outlet reporting the event in its own voice; never a denial or a third party's blame;
* ``contested``: an explicit denial by an alleged perpetrator (a ``denied`` event
  whose speaker, or whose outlet, is a perpetrator), or competing claims (speakers
  blaming sides with nothing in common);

Actors are compared by side (`reports.identity`): a country code and a party entity of
that country are one side.
* ``fair``: two or more independent origins say it happened, and not only parties
  to the incident;
* ``weak``: a single origin, or only parties to the incident.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from eventwire.data import read_csv
from eventwire.link.origins import Origin, outlet_origin
from eventwire.link.reports import Report, identity

GRADES = ("confirmed", "fair", "weak", "contested", "discounted")


def _own_key(r: Report) -> str | None:
    """The side of a report's outlet when the outlet is a belligerent's channel."""
    o = outlet_origin({"id": r.outlet_id, "name": r.outlet_name, "affiliation": r.affiliation,
                       "country": r.outlet_country}) if r.outlet_id else None
    if o and o[0].startswith("state:"):
        return "c:" + o[0][6:]
    return None


# cues with which a speaker blames or denies: a speaker "accusing" its own side is a misread actor
BLAME_STEMS = ("accus", "blam", "alleg", "deni", "deny", "reject", "charg", "condemn")


@lru_cache(maxsize=1)
def _responsibility_cues() -> tuple[tuple[str, str], ...]:
    return tuple((r["stem"].lower(), (r.get("needs") or "").strip())
                 for r in read_csv("lexicons/responsibility_cues.csv"))


def accepts_responsibility(cue: str, sentence: str, speaker_is_actor: bool) -> bool:
    """Is a claim's cue one of accepting responsibility ("claimed responsibility", "admitted",
    "acknowledged", "confirmed it carried out")? Saying, accusing or denying is not."""
    cue_words = cue.lower().split()
    for stem, needs in _responsibility_cues():
        if not any(w.startswith(stem) for w in cue_words):
            continue
        if needs and not speaker_is_actor and "responsib" not in cue.lower() + " " + sentence.lower():
            continue
        return True
    return False


@lru_cache(maxsize=1)
def _self_pattern() -> re.Pattern:
    phrases = sorted((r["phrase"].strip().lower() for r in read_csv("lexicons/self_responsibility.csv")),
                     key=len, reverse=True)
    return re.compile(r"\b(?:it|they|we)\s+(?:had\s+|has\s+|have\s+)?(?:" +
                      "|".join(re.escape(p) for p in phrases) + r")\b", re.IGNORECASE)


def _names_itself(sentence: str) -> bool:
    """Does the claim say, with a pronoun for its speaker, that the speaker did it ("it was behind",
    "we carried out")? Negated forms ("it was not behind") do not match."""
    return bool(_self_pattern().search(sentence or ""))


def says_own_action(cue: str) -> bool:
    """A plain statement (not blame or denial) by a speaker the event names as its perpetrator."""
    return not any(w.startswith(BLAME_STEMS) for w in cue.lower().split())


def _sides(actors: Sequence[dict]) -> set[str]:
    return {k for k in (identity(a) for a in actors) if k}


FIRST_PERSON = frozenset({"we", "us", "our", "ours", "ourselves"})


def _first_person(a: dict) -> bool:
    """An actor named in the first person plural ("we", "our forces"): inside a quote, the speaker."""
    words = (a.get("text") or "").lower().split()
    return bool(words) and words[0] in FIRST_PERSON


def perpetrators(reports: Sequence[Report]) -> set[str]:
    """Sides the reports that say the incident happened name as its perpetrators."""
    out: set[str] = set()
    for r in reports:
        if r.asserting:
            out.update(_sides(r.actors))
    return out


def acceptance(r: Report, deniers: frozenset = frozenset()) -> str | None:
    """The side that accepts responsibility in this report: the speaker of its innermost claim, when
    the claim asserts the event with a cue of acceptance and the speaker is the event's perpetrator
    (or the event names none: "IS claimed responsibility for the attack"). A denial, a third party's
    blame ("Russia accused Kyiv of the strike") or a plain statement is never an acceptance."""
    if not r.asserting:
        return None
    sides = _sides(r.actors)
    for v in r.resp_voices if r.lead else ():
        # the article's claim of responsibility for "the attack" speaks for its lead event
        who = identity(v["actor"])
        if who and (not sides or who in sides) and who not in deniers \
                and accepts_responsibility(v["cue"], v["content"], who in sides):
            return who
    if not r.speakers:
        return None
    sp = r.speakers[0]
    who = identity(sp["actor"]) if sp.get("actor") else None
    if who and not sides and any(_first_person(a) for a in r.actors):
        sides = {who}  # "our forces unintentionally hit...", said the prime minister: the speaker's side
    if not who or (sides and who not in sides):
        return None
    cue = sp.get("cue") or ""
    if accepts_responsibility(cue, r.sentence, who in sides):
        return who
    if not sides and _names_itself(r.sentence):
        return who  # "IS said that it was behind the attack", according to Amaq
    # "the army said its forces struck": the perpetrator's own statement, unless the same side
    # denies it elsewhere in the incident (then the actor was misread, e.g. inside a quoted allegation)
    return who if who in sides and who not in deniers and says_own_action(cue) else None


def _denied_in_article(reports: Sequence[Report], perps: set[str]) -> str | None:
    """The alleged perpetrator that denies, in an article of the incident, without naming an event
    ("Hezbollah denied any involvement"): such a denial is about the article's lead attack."""
    for r in reports:
        if not r.lead:
            continue
        hit = sorted({k for v in r.deny_voices if (k := identity(v["actor"]))} & perps)
        if hit:
            return hit[0]
    return None


def _name_words(key: str) -> frozenset[str]:
    """The words of a person's or body's key ("e:geoff_garin" -> {geoff, garin}); none for a country."""
    if key.startswith("c:"):
        return frozenset()
    return frozenset(w for w in re.split(r"[\W_]+", key[2:].lower()) if len(w) > 1)


def _merge_speakers(by_speaker: dict[str, set[str]]) -> dict[str, set[str]]:
    """One speaker under two keys is one speaker: a key whose words are all in another's ("garin" and
    "geoff_garin", a surname after the full name) joins it, so a speaker never competes with itself."""
    keys = sorted(by_speaker, key=lambda k: (-len(_name_words(k)), k))
    out: dict[str, set[str]] = {}
    for k in keys:
        words = _name_words(k)
        into = next((o for o in out if words and words < _name_words(o)), None) if words else None
        out.setdefault(into or k, set()).update(by_speaker[k])
    return out


def grade_incident(reports: Sequence[Report], origins: dict[str, Origin],
                   per_report: dict[str, list[str]], asides: Sequence[Report] = ()) -> tuple[str, str]:
    """(grade, reason) for one machine-built incident. `asides`: unlinked mentions, in the incident's
    articles, of the same happening (`score.same_mention`): read for an acceptance only."""
    perps = perpetrators(reports)
    deniers = frozenset(k for r in reports if r.status == "denied"
                        for k in (identity(s["actor"]) for s in r.speakers[:1] if s.get("actor")) if k)
    # confirmed: a perpetrator accepts responsibility in its own asserting claim, or its own outlet
    # reports its action in its own voice
    for r in (*reports, *asides):
        who = acceptance(r, deniers)
        if who:
            return "confirmed", f"{who[2:]} accepted responsibility ({r.outlet_name or r.article[:12]})"
    for r in reports:
        ok = _own_key(r)
        if ok and r.asserting and r.status == "reported" and not r.speakers and ok in _sides(r.actors):
            return "confirmed", f"{ok[2:]} reported its own action ({r.outlet_name or r.article[:12]})"
    # contested: a denial by an alleged perpetrator
    for r in reports:
        if r.status != "denied" and not (r.negated and r.status != "alleged"):
            continue
        deniers = {k for k in (identity(s["actor"]) for s in r.speakers if s.get("actor")) if k}
        ok = _own_key(r)
        if ok:
            deniers.add(ok)
        for o in per_report.get(r.key, []):
            if o.startswith("state:"):
                deniers.add("c:" + o[6:])
        hit = deniers & (perps | _sides(r.actors))
        if hit:
            return "contested", f"denied by the alleged perpetrator {sorted(hit)[0][2:]}"
    hit = _denied_in_article(reports, perps)
    if hit:
        return "contested", f"denied by the alleged perpetrator {hit[2:]}"
    # contested: competing claims of responsibility (speakers blaming different sides)
    by_speaker: dict[str, set[str]] = {}
    for r in reports:
        if r.status != "alleged" or r.negated or not r.speakers:
            continue
        sp = r.speakers[0]
        who = identity(sp["actor"]) if sp.get("actor") else None
        sides = _sides(r.actors) - ({who} if who else set())
        if who and sides:
            by_speaker.setdefault(who, set()).update(sides)
    items = sorted(_merge_speakers(by_speaker).items())
    for i, (sa, a) in enumerate(items):
        for sb, b in items[i + 1:]:
            if not a & b:
                return "contested", f"competing perpetrators: {sorted(a)[0][2:]} (per {sa[2:]}) / " \
                                    f"{sorted(b)[0][2:]} (per {sb[2:]})"
    asserting = [o for o in origins.values() if o.asserting]
    independent = [o for o in asserting if not o.party]
    if len(asserting) >= 2 and independent:
        return "fair", f"{len(asserting)} independent origins ({', '.join(sorted(o.name for o in asserting))})"
    if len(asserting) >= 2:
        return "weak", f"only parties to the incident report it ({', '.join(sorted(o.name for o in asserting))})"
    if asserting:
        return "weak", f"single origin ({asserting[0].name})"
    return "weak", "no report asserts it"
