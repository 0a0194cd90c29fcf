"""Casualties: counts of killed and injured, on the event they belong to.

Number words, vague quantities ("dozens" -> min 24), bounds ("at least") and ranges ("20 to 30")
come from ``lexicons/casualties.yaml``; a toll told apart from its attack ("..., which left scores
dead") goes to the latest earlier assault at a place its sentence names.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from eventwire.analysis.events.candidate import Cand
from eventwire.analysis.events.context import DocContext
from eventwire.analysis.events.lexicon import Lexicon
from eventwire.analysis.events.tokens import lemma_of

CASUALTY_NUM = re.compile(r"^\d[\d,]*$")
# words between the two ends of a casualty range ("20 to 30", "20 or 30"; dashes only between
# figures: "20-30", not "twenty-five")
RANGE_WORDS = frozenset({"to", "-", "\u2013", "\u2014", "or"})
# where the parser may hang a bare count that is a verb's object ("killed at least 35")
BARE_COUNT_DEPS = frozenset({"npadvmod", "dep", "attr", "oprd", "dobj"})


def _range(lex: Lexicon, q: Token) -> tuple[int | None, int | None] | None:
    """"20 to 30", "20-30", "20 or 30" (parsed as quantmods of 30) and "between 20 and 30" (30 a
    conjunct of 20): a range, never the sum of its two ends."""
    kids = list(q.children)
    low = next((k for k in kids if k.dep_ in ("compound", "nummod", "quantmod") and k.like_num and k.i < q.i),
               None)
    between = q.doc[low.i + 1:q.i] if low is not None else ()
    words = {x.lower_ for x in between}
    if low is not None and (words & {"to", "or"} or (words & RANGE_WORDS and CASUALTY_NUM.match(low.text)
                                                      and CASUALTY_NUM.match(q.text))):
        a, b = number(lex, low), number(lex, q, alone=True)
    else:
        high = next((k for k in kids if k.dep_ == "conj" and k.like_num and k.i > q.i), None)
        if high is None or not any(k.lower_ == "between" for k in kids):
            return None
        a, b = number(lex, q, alone=True), number(lex, high, alone=True)
    if not a or not b or a[0] is None or b[-1] is None:
        return None
    return (min(a[0], b[-1]), max(a[0], b[-1]))


def number(lex: Lexicon, q: Token, alone: bool = False) -> tuple[int | None, int | None] | None:
    """The count a quantity token names, as [min, max]."""
    if not alone:
        rng = _range(lex, q)
        if rng is not None:
            return rng
    low = q.lower_.replace(",", "")
    toks = [q]
    for k in () if alone else q.children:
        if k.dep_ in ("compound", "nummod", "quantmod") and k.like_num and k.i < q.i:
            toks.insert(0, k)
    value = None
    if low in lex.vague:
        rng = lex.vague[low]
    else:
        total, cur = 0, 0
        for t in toks:
            w = t.lower_.replace(",", "")
            parts = w.split("-")
            for p in parts:
                if CASUALTY_NUM.match(p):
                    cur += int(p)
                elif p in lex.numbers:
                    n = lex.numbers[p]
                    if n >= 100:
                        cur = max(cur, 1) * n
                        if n >= 1000:
                            total += cur
                            cur = 0
                    else:
                        cur += n
                else:
                    return None
        value = total + cur
        if not value:
            return None
        rng = (value, value)
    # bound words before the number ("at least", "more than", "up to")
    first = toks[0]
    before = " ".join(t.lower_ for t in first.doc[max(first.sent.start, first.i - 3):first.i])
    for phrase, kind in sorted(lex.bounds.items(), key=lambda kv: -len(kv[0])):
        if before.endswith(phrase):
            lo, hi = rng
            if kind == "min":
                rng = (lo if lo is not None else hi, None)
            elif kind == "max":
                rng = (None, hi if hi is not None else lo)
            break
    return rng


def count_word(lex: Lexicon, t: Token) -> bool:
    """A token that is itself a count (35, dozens, scores), not a noun a count modifies."""
    return t.like_num or t.lower_ in lex.vague or t.lower_ in lex.numbers


def _quantity(lex: Lexicon, np: Token) -> tuple[int | None, int | None] | None:
    """The count a victim noun names, by itself ('35', 'dozens') or on its number modifier."""
    if count_word(lex, np):
        r = number(lex, np)
        if r:
            return r
    for k in np.children:
        if k.dep_ in ("nummod", "amod", "det", "quantmod") and (
                k.like_num or k.lower_ in lex.vague or k.lower_ in lex.numbers):
            if k.lower_ in ("a", "an"):
                continue
            r = number(lex, k)
            if r:
                return r
    return None


def _victims(lex: Lexicon, t: Token, table: dict[str, set[str]]) -> list[Token]:
    """The nouns a casualty word counts ('killed 12 people', '12 people were killed', 'the deaths of
    four children', 'left five dead')."""
    lem = lemma_of(t)
    if t.pos_ == "VERB" and table is lex.killed and any(
            k.dep_ == "prep" and k.lower_ == "to" and any(lemma_of(g) == "death" for g in k.children)
            for k in t.children):  # "hacked / beaten / stabbed to death"
        passive = [k for k in t.children if k.dep_ == "nsubjpass"]
        return passive or [k for k in t.children if k.dep_ == "dobj"]
    if t.pos_ == "VERB" and lem in table.get("verbs", ()):
        if lem in ("die", "perish"):
            return [k for k in t.children if k.dep_ == "nsubj"]
        passive = [k for k in t.children if k.dep_ == "nsubjpass"]
        if passive:
            return passive
        if t.dep_ == "amod" or t.dep_ == "acl":
            return [t.head]
        objs = [k for k in t.children if k.dep_ == "dobj"]
        # "an attack that killed at least 35": a bare count after the verb is its object, whatever
        # the parser hangs it on (npadvmod, dep, attr)
        return objs or [k for k in t.children if k.i > t.i and k.dep_ in BARE_COUNT_DEPS and count_word(lex, k)]
    if t.pos_ == "NOUN" and lem in table.get("nouns", ()) and t.dep_ not in ("compound", "amod", "nmod"):
        # "documented the death of 11 civilians", "the deaths of four children"
        return [g for k in t.children if k.dep_ == "prep" and k.lower_ == "of" for g in k.children
                if g.dep_ == "pobj"]
    if t.pos_ in ("ADJ", "VERB") and (t.lower_ in table.get("adjectives", ()) or lem in table.get("adjectives", ())):
        subj = [k for k in t.children if k.dep_ in ("nsubj", "nsubjpass")]
        if subj:
            return subj
        h = t.head
        if t.dep_ in ("oprd", "ccomp", "xcomp", "acomp", "advcl", "conj"):
            if t.dep_ == "conj":
                return _victims(lex, h, table) if h.i != t.i else []
            return [k for k in h.children if k.dep_ in ("dobj", "nsubj", "nsubjpass")]
        if t.dep_ == "amod":
            return [h]
    return []


def _toll_count(lex: Lexicon, t: Token) -> tuple[str, Token] | None:
    """'the death toll from the attack has risen to 120', 'revised to 35 the death toll', 'a toll of
    10 dead': a casualty total stated on its toll noun, as (killed|injured, the count's token)."""
    if t.pos_ != "NOUN" or lemma_of(t) not in lex.toll_nouns:
        return None
    mods = {lemma_of(k) for k in t.children if k.dep_ in ("compound", "amod", "nmod")}
    injured = lex.injured.get("nouns", set()) | lex.injured.get("adjectives", set())
    if mods & injured:
        key = "injured"
    elif lemma_of(t) == "toll" or mods & lex.killed.get("nouns", set()):
        key = "killed"
    else:
        return None  # "the number of refugees": a count, not of casualties
    counts = [k for k in t.children if k.dep_ in ("nummod", "quantmod") and count_word(lex, k)]
    counts += [g for k in t.children if k.dep_ == "prep" and k.lower_ == "of" for g in k.children
               if g.dep_ == "pobj" and (count_word(lex, g) or any(
                   n.dep_ == "nummod" and count_word(lex, n) for n in g.children))]
    v = t.head
    if v.dep_ == "prep" and t.dep_ == "pobj":
        v = v.head
    if not counts and v.pos_ in ("VERB", "AUX") and (lemma_of(v) in lex.toll_verbs or lemma_of(v) == "be"):
        for k in v.children:
            if k.dep_ in ("dobj", "attr") and k.i > t.i and count_word(lex, k):
                counts.append(k)
            elif k.dep_ == "prep" and k.lower_ in ("to", "at"):
                counts += [g for g in k.children if g.dep_ == "pobj" and count_word(lex, g)]
    return (key, counts[0]) if counts else None


def _toll_event(t: Token, cands: list[Cand]) -> Cand | None:
    """The event a toll noun counts: the act in its 'from/of/in' phrase, else the sentence's."""
    for c in cands:
        x = c.tok
        for _ in range(3):
            if x.dep_ != "pobj" or x.head.lower_ not in ("from", "of", "in"):
                break
            if x.head.head.i == t.i:
                return c
            x = x.head.head
    return _event_for(t, cands)


def count_casualties(ctx: DocContext, sent: Span, cands: list[Cand]) -> None:
    """Counts of killed and injured, on the event they belong to in the sentence."""
    lex, doc = ctx.lex, sent.doc
    low, lem, pos = ctx.low, ctx.lem, ctx.pos
    for i in range(sent.start, sent.end):
        if pos[i] != "NOUN" or lem[i] not in lex.toll_nouns:
            continue  # what _toll_count tests first
        t = doc[i]
        found = _toll_count(ctx.lex, t)
        if found is None:
            continue
        key, q = found
        rng = number(ctx.lex, q)
        ev = _toll_event(t, cands) if rng else None
        if ev is not None and getattr(ev, key)["min"] is None and getattr(ev, key)["max"] is None:
            setattr(ev, key, {"min": rng[0], "max": rng[1]})
    for key, table in (("killed", ctx.lex.killed), ("injured", ctx.lex.injured)):
        nouns, adjectives = table.get("nouns", ()), table.get("adjectives", ())
        for i in range(sent.start, sent.end):
            # the tokens _victims can start from: a verb, a casualty noun or adjective
            if not (pos[i] == "VERB" or (pos[i] == "NOUN" and lem[i] in nouns)
                    or (pos[i] == "ADJ" and (low[i] in adjectives or lem[i] in adjectives))):
                continue
            t = doc[i]
            for v in _victims(ctx.lex, t, table):
                rng = _quantity(ctx.lex, v)
                if rng is None:
                    continue
                ev = _event_for(t, cands)
                if ev is None:
                    places = {_place_key(sp) for x in sent if (sp := ctx.place_tok.get(x.i)) is not None}
                    ctx.orphans.append((t.idx, key, rng, places, sent.text.lower()))
                    continue
                cur = getattr(ev, key)
                if cur["min"] is None and cur["max"] is None:
                    cur["min"], cur["max"] = rng


def _place_key(sp: Span) -> object:
    """What identifies a place across sentences: its GeoNames id, else its text."""
    info = sp._.ew_place or {}
    return info.get("geonameid") or sp.text.lower()


def attach_orphans(ctx: DocContext, events: list[dict]) -> None:
    """A toll told apart from its attack ('..., which left scores dead') goes to the latest
    earlier ASSAULT located at a place that sentence names."""
    spans = {(sp.start_char, sp.end_char): sp for sp in ctx.place_tok.values()}
    for pos, key, rng, places, text in ctx.orphans:
        best = None
        for ev in events:
            if ev["type"] != "ASSAULT" or not ev.get("place") or ev["trigger"][0] >= pos:
                continue
            sp = spans.get(tuple(ev["place"]))
            named = sp is not None and (_place_key(sp) in places or re.search(
                r"\b" + re.escape(sp.text.lower()) + r"\b", text))
            if named and (best is None or ev["trigger"][0] > best["trigger"][0]):
                best = ev
        if best is not None and best[key]["min"] is None and best[key]["max"] is None:
            best[key] = {"min": rng[0], "max": rng[1]}


def _event_for(t: Token, cands: list[Cand]) -> Cand | None:
    """The candidate a casualty word belongs to: itself, its nearest governing candidate, else the
    nearest assault of the sentence."""
    for c in cands:
        if c.tok.i == t.i:
            return c
    anc = [c for c in cands if c.tok.is_ancestor(t)]
    if anc:
        return max(anc, key=lambda c: c.tok.i if c.tok.i < t.i else -c.tok.i)
    assaults = [c for c in cands if c.type == "ASSAULT"]
    if assaults:
        return min(assaults, key=lambda c: abs(c.tok.i - t.i))
    return None


def toll_of(lex: Lexicon, c: Cand) -> Token | None:
    """The toll noun whose 'from/of' phrase holds this nominal event, if a toll clause governs it."""
    if c.kind != "noun":
        return None
    x = c.tok
    for _ in range(3):
        if x.dep_ != "pobj" or x.head.lower_ not in ("from", "of", "in"):
            return None
        n = x.head.head
        if lemma_of(n) in lex.toll_nouns:
            return n
        if n.pos_ in ("VERB", "AUX") and x.head.lower_ == "from":
            # "revised down to 35 the death toll from an attack" with 'from' on the verb
            for k in n.children:
                for y in [k, *(g for g in k.children if k.dep_ == "prep" and g.dep_ == "pobj")]:
                    if y.dep_ in ("dobj", "nsubj", "nsubjpass", "pobj") and lemma_of(y) in lex.toll_nouns:
                        return y
            return None
        if n.pos_ not in ("NOUN", "PROPN"):
            return None
        x = n
    return None
