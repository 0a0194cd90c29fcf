"""Airwars-style grades, each with a short reason a person can check.

In order of precedence:

* ``discounted``: set by a person (a correction), never by the machine;
* ``confirmed``: the alleged perpetrator itself accepted responsibility: a report
  whose claim speaker is one of the perpetrators, or the perpetrator's own outlet
  reporting the event in its own voice;
* ``contested``: an explicit denial by an alleged perpetrator (a ``denied`` event
  whose speaker, or whose outlet, is a perpetrator), or competing perpetrators
  (two origins name perpetrators with nothing in common);
* ``fair``: two or more independent origins say it happened, and not only parties
  to the incident;
* ``weak``: a single origin, or only parties to the incident.
"""

from __future__ import annotations

from collections.abc import Sequence

from eventwire.link.origins import Origin, outlet_origin
from eventwire.link.reports import Report, perpetrator_key

GRADES = ("confirmed", "fair", "weak", "contested", "discounted")


def _own_key(r: Report) -> str | None:
    """The actor key of a report's outlet when the outlet is a belligerent's channel."""
    o = outlet_origin({"id": r.outlet_id, "name": r.outlet_name, "affiliation": r.affiliation,
                       "country": r.outlet_country}) if r.outlet_id else None
    if o and o[0].startswith("state:"):
        return "c:" + o[0][6:]
    return None


def perpetrators(reports: Sequence[Report]) -> set[str]:
    """Perpetrator keys named by the reports that say the incident happened."""
    out: set[str] = set()
    for r in reports:
        if r.asserting:
            out.update(k for k in (perpetrator_key(a) for a in r.actors) if k)
    return out


def grade_incident(reports: Sequence[Report], origins: dict[str, Origin],
                   per_report: dict[str, list[str]]) -> tuple[str, str]:
    """(grade, reason) for one machine-built incident."""
    perps = perpetrators(reports)
    # confirmed: a perpetrator speaks for itself
    for r in reports:
        if not r.asserting:
            continue
        own_perps = {k for k in (perpetrator_key(a) for a in r.actors) if k}
        if r.speaker_keys & own_perps:
            who = next(iter(sorted(r.speaker_keys & own_perps)))[2:]
            return "confirmed", f"{who} accepted responsibility ({r.outlet_name or r.article[:12]})"
        ok = _own_key(r)
        if ok and r.status == "reported" and ok in own_perps and not r.speakers:
            return "confirmed", f"{ok[2:]} reported its own action ({r.outlet_name or r.article[:12]})"
    # contested: a denial by an alleged perpetrator
    for r in reports:
        if r.status != "denied" and not (r.negated and r.status != "alleged"):
            continue
        deniers = set(r.speaker_keys)
        ok = _own_key(r)
        if ok:
            deniers.add(ok)
        for o in per_report.get(r.key, []):
            if o.startswith("state:"):
                deniers.add("c:" + o[6:])
            elif o.startswith("actor:"):
                deniers.add("e:" + o[6:])
        hit = deniers & (perps | {k for k in (perpetrator_key(a) for a in r.actors) if k})
        if hit:
            return "contested", f"denied by the alleged perpetrator {sorted(hit)[0][2:]}"
    # contested: competing perpetrators between origins
    by_origin: dict[str, set[str]] = {}
    for r in reports:
        if not r.asserting:
            continue
        keys = {k for k in (perpetrator_key(a) for a in r.actors) if k}
        if keys:
            for o in per_report.get(r.key, []):
                by_origin.setdefault(o, set()).update(keys)
    sets = list(by_origin.values())
    for i, a in enumerate(sets):
        for b in sets[i + 1:]:
            if not a & b:
                x, y = sorted(a)[0][2:], sorted(b)[0][2:]
                return "contested", f"competing perpetrators: {x} / {y}"
    asserting = [o for o in origins.values() if o.asserting]
    independent = [o for o in asserting if not o.party]
    if len(asserting) >= 2 and independent:
        return "fair", f"{len(asserting)} independent origins ({', '.join(sorted(o.name for o in asserting))})"
    if len(asserting) >= 2:
        return "weak", f"only parties to the incident report it ({', '.join(sorted(o.name for o in asserting))})"
    if asserting:
        return "weak", f"single origin ({asserting[0].name})"
    return "weak", "no report asserts it"
