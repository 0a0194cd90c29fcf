"""Where and when: the place and date of an event from its own clause.

The dateline says where the report was filed and when, not where or when the event was; a time
counted from a statement ("X said on Friday") is the statement's; a casualty toll's revision
date is not its attack's.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import re

from spacy.tokens import Span, Token

from eventwire.analysis.events.candidate import Cand
from eventwire.analysis.events.context import DocContext
from eventwire.analysis.events.lexicon import Lexicon
from eventwire.analysis.events.status import claim_by_cue
from eventwire.analysis.events.tokens import CLAUSAL, lemma_of

# dependency labels under which a governing clause's time may hang
TIME_DEPS = {"prep", "npadvmod", "advmod", "tmod", "pobj", "nmod", "obl", "dobj", "appos", "compound", "nummod"}
NIGHT = re.compile(r"\b(?:night|overnight|midnight)\b|^late\b", re.IGNORECASE)


def clause_tokens(c: Cand) -> list[Token]:
    """Tokens of the event's clause, nearest first: its own phrase, then its light verb's."""
    roots = [c.tok]
    if c.light is not None:
        roots.append(c.light)
    elif c.kind == "noun" and c.tok.head.pos_ in ("VERB", "AUX"):
        roots.append(c.tok.head)
    elif c.kind == "noun" and c.tok.head.pos_ == "ADP":
        roots.append(c.tok.head.head)
    elif c.tok.dep_ in ("advcl", "xcomp", "conj") and c.tok.head.pos_ in ("VERB", "AUX"):
        roots.append(c.tok.head)
    roots += c.merged
    out, seen = [], set()
    for r in roots:
        stack = [r]
        while stack:
            x = stack.pop()
            if x.i in seen:
                continue
            seen.add(x.i)
            out.append(x)
            for k in x.children:
                if k.dep_ in ("ccomp", "relcl", "csubj", "parataxis") or (k.dep_ == "advcl" and k.i != c.tok.i):
                    continue
                stack.append(k)
    out.sort(key=lambda x: abs(x.i - c.tok.i))
    # "were killed on Tuesday when a bomb hit a minibus near X": the when-clause tells the same act
    extra = []
    if c.tok.dep_ == "ccomp" and c.tok.head.i > c.tok.i:
        roots = [*roots, c.tok.head]  # "were killed, when a bomb hit X, an official said": parsed on 'said'
    for r in roots:
        for k in r.children:
            if r is not c.tok and r.i == c.tok.head.i and c.tok.dep_ == "ccomp" and not c.tok.i < k.i < r.i:
                continue
            if k.dep_ == "advcl" and k.i not in seen and any(
                    m.dep_ in ("advmod", "mark") and m.lower_ in ("when", "as") and m.i < k.i for m in k.children):
                extra += [x for x in k.subtree if x.i not in seen and not seen.add(x.i)]
    extra.sort(key=lambda x: abs(x.i - c.tok.i))
    return out + extra


def place_of(ctx: DocContext, c: Cand) -> list[int] | None:
    """The nearest place in the event's clause that tells where it happened; one the gazetteer
    resolved beats an unresolved name ('the town of al-Shafaa in the Hajin area')."""
    role_toks = {i for a in c.actors + c.recipients for i in range(a.i, a.i + 1)}
    unresolved = origin = None
    for x in clause_tokens(c):
        sp = ctx.place_tok.get(x.i)
        if sp is None or sp.start_char < ctx.dateline_end:
            continue  # the dateline says where the report was filed, not where the event was
        info = sp._.ew_place or {}
        if info.get("kind") == "demonym":
            continue
        act = ctx.actor_tok.get(x.i)
        if act is not None and (act.end - act.start) > (sp.end - sp.start) and act.start <= sp.start \
                and sp.end <= act.end and not _where_they_are(ctx.lex, x, sp):
            continue  # a name inside an actor's name ("the Azov battalion", "the Kherson brigade")
        if _in_org_name(ctx, x, sp):
            continue  # "the Islamic Resistance in Iraq", "27th Brigade of Kherson": part of a group's name
        if _names_a_kind(ctx, x, sp):
            continue  # "the Red Sea port city of Hodeida": the sea only says what kind of city
        if x.i in role_toks and not (x.dep_ == "pobj" and x.head.lower_ in ctx.lex.place_preps) \
                and info.get("precision") in ("country", "region", None):
            continue  # a country that is a party ('attacked Syria') is not where; 'in Tbilisi' still is
        # a place must be a location of the event, not a modifier of an actor ("Iraqi" -> no)
        if _locative(ctx.lex, x, sp, c):
            if _origin(x, sp):
                # "Islamists from Iraq", "a drone operated out of Qatar": where they came from,
                # the event's place only when the clause names no other
                origin = origin or [sp.start_char, sp.end_char]
                continue
            if info.get("lat") is not None:
                return [sp.start_char, sp.end_char]
            if unresolved is None:
                unresolved = [sp.start_char, sp.end_char]
    return unresolved or origin


def _top(x: Token, sp: Span) -> Token:
    """The token of the place span `sp` (holding `x`) whose head lies outside it: the span's role in the clause."""
    h = x
    while h.head.i != h.i and sp.start <= h.head.i < sp.end:
        h = h.head
    return h


def _where_they_are(lex: Lexicon, x: Token, sp: Span) -> bool:
    """Is a place inside an actor's phrase only where that actor is ("protesters in Zahedan",
    "police in Nairobi"): the object of a place preposition after a common noun?"""
    h = _top(x, sp)
    up = h.head
    return h.dep_ == "pobj" and up.lower_ in lex.place_preps and up.head.pos_ == "NOUN"


def _in_org_name(ctx: DocContext, x: Token, sp: Span) -> bool:
    """Is this place part of an organisation's name ("the Islamic Resistance in Iraq", "27th
    Brigade of Kherson", "Islamic State in Iraq")? It is when the parser's ORG entity around it, or
    the ORG name it follows with 'in'/'of', has a word that is neither a place nor a kind of place
    (the small model also tags "Hroza in Kharkiv Oblast" ORG). A group's name says where it comes
    from, not where its act happened."""
    def org_word(t: Token) -> bool:
        if t.pos_ not in ("PROPN", "NOUN") or t.i in ctx.place_tok or sp.start <= t.i < sp.end \
                or lemma_of(t) in ctx.lex.location_nouns:
            return False
        n = t
        while n.dep_ == "compound" and n.head.i != n.i:
            n = n.head
        # "the village of Hroza": a name a kind of place introduces is a place the gazetteer lacks
        return not (n.dep_ == "pobj" and n.head.lower_ == "of" and lemma_of(n.head.head) in ctx.lex.location_nouns)

    if x.ent_type_ == "ORG":
        ent = next((e for e in x.doc.ents if e.start <= x.i < e.end), None)
        if ent is not None and any(org_word(t) for t in ent):
            return True
    h = _top(x, sp)
    up = h.head
    return h.dep_ == "pobj" and up.lower_ in ("in", "of") and up.head.ent_type_ == "ORG" and org_word(up.head)


def _names_a_kind(ctx: DocContext, x: Token, sp: Span) -> bool:
    """Is this place a modifier of a location noun that names its own place with 'of'
    ('the Red Sea port city of Hodeida', 'the Syrian province of Idlib')?"""
    h = _top(x, sp)
    if h.dep_ not in ("compound", "amod", "nmod") or lemma_of(h.head) not in ctx.lex.location_nouns:
        return False
    return any(k.dep_ == "prep" and k.lower_ == "of" and any(
        g.dep_ == "pobj" and g.i in ctx.place_tok for g in k.children) for k in h.head.children)


def _origin(x: Token, sp: Span) -> bool:
    """Is this place the object of 'from' / 'out of' (an origin, not the place of the event)?"""
    h = _top(x, sp)
    up = h.head
    if up.pos_ != "ADP":
        return False
    return up.lower_ == "from" or (up.lower_ == "of" and up.i > 0 and up.doc[up.i - 1].lower_ == "out")


def _locative(lex: Lexicon, x: Token, sp: Span, c: Cand) -> bool:
    """Is this place where the event happened: 'in/near/between X', 'X countryside', 'shelled X'?"""
    h = _top(x, sp)
    for _ in range(4):
        if h.dep_ in ("dobj", "nsubjpass") and h.head.i == c.tok.i and c.type == "ASSAULT":
            return True
        if h.dep_ == "appos" and h.head.i != h.i:
            h = h.head  # "in al-Shafaa, Syria": the appositive shares its head's role
            continue
        up = h.head
        if up.i == h.i:
            return False
        if up.pos_ == "ADP":
            if up.lower_ in lex.place_preps:
                return True
            if up.lower_ != "of":
                return False
        elif not (up.pos_ in ("NOUN", "PROPN", "ADV") and up.lemma_.lower() in lex.location_nouns):
            return False
        h = up
    return False


def _own_time(sp: Span | None) -> dict | None:
    """A time that can date an event: resolved, and not the report's own dateline/publication date."""
    if sp is None:
        return None
    info = sp._.ew_time or {}
    if not info.get("date") or info.get("role") in ("dateline", "published"):
        return None
    first = sp[0] if sp[0].lower_ == "since" else (sp.doc[sp.start - 1] if sp.start > 0 else None)
    if first is not None and first.lower_ == "since":
        return None  # "strikes since March 2015": when a period began, background, not the event's day
    return info


def date_of(ctx: DocContext, c: Cand, toll: Token | None = None) -> tuple[str | None, str | None, str | None, Span | None]:
    """The event's date, end date, precision and the time span they come from. A night ("Thursday
    night", "late Saturday", "overnight") runs past midnight: such a day ends the next day, so
    the report that says "early Friday" of the same strike meets it."""
    day, end, gran, sp = _date_of(ctx, c, toll)
    if sp is not None and day and not end and gran == "day" and NIGHT.search(sp.text):
        with contextlib.suppress(ValueError):
            end = (_dt.date.fromisoformat(day[:10]) + _dt.timedelta(days=1)).isoformat()
    return day, end, gran, sp


def _date_of(ctx: DocContext, c: Cand, toll: Token | None = None) -> tuple[str | None, str | None, str | None, Span | None]:
    """The event's own date from its clause; else a governing clause's, up to a verb of saying; else
    the publication date."""
    if toll is not None:
        return _toll_date(ctx, c, toll)
    toks = clause_tokens(c)
    found: list[tuple[dict, Span]] = []
    for x in toks:
        sp = ctx.time_tok.get(x.i)
        info = _own_time(sp)
        if info is not None and all(sp is not f[1] for f in found):
            found.append((info, sp))
    if found:
        # a calendar date beats a weekday or "yesterday" of the same clause: those are counted from
        # publication, and a later report's "after Friday prayers ... on September 30" is not its Friday
        info, sp = next(((i, s) for i, s in found if i.get("kind") in ("absolute", "partial")
                         and i.get("granularity") in ("day", "minute")), found[0]) \
            if found[0][0].get("kind") == "relative" else found[0]
        return info.get("date"), info.get("end_date"), info.get("granularity"), sp
    # the nearest governing clause's time, up to the verb of a claim that contains the event: the
    # time of "X said on Friday", "acknowledged on March 25" is the statement's, not the event's
    h = c.tok
    for _ in range(8):
        if h.head.i == h.i:
            break
        h = h.head
        if claim_by_cue(ctx, h) is not None or (lemma_of(h) in ctx.lex.statement_verbs
                                                and h.pos_ in ("VERB", "AUX")):
            break  # a verb of saying (the noun "attack" is no statement: "in an attack that killed")
        sp = ctx.time_tok.get(h.i)
        if sp is None:
            for k in h.children:
                if k.dep_ in TIME_DEPS and k.dep_ not in CLAUSAL:
                    for y in k.subtree:
                        if y.i in ctx.time_tok:
                            sp = ctx.time_tok[y.i]
                            break
                if sp is not None:
                    break
        info = _own_time(sp)
        if info is not None:
            return info.get("date"), info.get("end_date"), info.get("granularity"), sp
    return ctx.published, None, "published" if ctx.published else None, None


def _toll_date(ctx: DocContext, c: Cand, toll: Token) -> tuple[str | None, str | None, str | None, Span | None]:
    """'revised down to 35 on Wednesday the death toll from an attack': the clause's date is the
    revision's. The attack keeps a date of its own phrase, else the latest earlier date the report
    gives outside toll clauses, else the publication date (precision 'published')."""
    for x in sorted(c.tok.subtree, key=lambda y: abs(y.i - c.tok.i)):
        info = _own_time(ctx.time_tok.get(x.i))
        if info is not None:
            return info.get("date"), info.get("end_date"), info.get("granularity"), ctx.time_tok[x.i]
    clause = toll.head if toll.head.i != toll.i else toll
    while clause.pos_ not in ("VERB", "AUX") and clause.head.i != clause.i:
        clause = clause.head
    update = None
    for x in clause.subtree:
        info = _own_time(ctx.time_tok.get(x.i))
        if info is not None:
            update = info["date"]
            break
    if update is None:  # the report verb's date ("..., officials said on Saturday")
        h = clause
        while h.head.i != h.i and update is None:
            h = h.head
            for k in h.children:
                info = _own_time(ctx.time_tok.get(k.i)) or next(
                    (i for y in k.subtree if k.dep_ in ("prep", "npadvmod") and
                     (i := _own_time(ctx.time_tok.get(y.i)))), None)
                if info is not None:
                    update = info["date"]
                    break
    best = None
    for sp in {id(s): s for s in ctx.time_tok.values()}.values():
        info = _own_time(sp)
        if info is None or info.get("granularity") not in ("day", "minute"):
            continue
        if update is not None and info["date"] >= update:
            continue
        if update is None:
            continue
        if _toll_clause(ctx.lex, sp):
            continue
        if best is None or info["date"] > best[0]:
            best = (info["date"], info.get("end_date"), info.get("granularity"), sp)
    if best is not None:
        return best
    return ctx.published, None, "published" if ctx.published else None, None


def _toll_clause(lex: Lexicon, sp: Span) -> bool:
    """Is this time span in a clause whose subject or object is a casualty toll?"""
    h = sp.root
    while h.pos_ not in ("VERB", "AUX") and h.head.i != h.i:
        h = h.head
    return any(k.dep_ in ("nsubj", "nsubjpass", "dobj") and lemma_of(k) in lex.toll_nouns for k in h.children)
