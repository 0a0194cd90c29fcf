"""Short references and what they refer back to.

"the ministry", "the Coalition", "its warplanes", "it" take their antecedent's entity and
carry ``antecedent`` = [start_char, end_char]; "Hungarian and Romanian officials" make one
actor per coordinated country; an ethnic group's demonym names its people, coded with the
country they live in.
"""

from __future__ import annotations

from spacy.attrs import LOWER
from spacy.tokens import Token

from eventwire.analysis.actors.context import ActorDoc, top
from eventwire.analysis.actors.mentions import SUBJ, Mention, is_subject
from eventwire.analysis.columns import string_columns


def antecedent(ctx: ActorDoc, before: list[Mention], t: Token, plural: bool) -> Mention | None:
    """The last compatible actor: in the pronoun's sentence a subject first, else the most recent."""
    doc = ctx.doc

    def ok(m: Mention) -> bool:
        if not m.info or m.kind == "pronoun":
            return False
        if plural:
            return m.plural or m.kind in ("named", "country", "institution")
        return not m.plural and m.kind not in ("person",) and m.info.get("sector") not in ("CVL", "REF")

    cands = [m for m in before if ok(m)]
    if not cands:
        return None
    here = ctx.sent_no(t.i)
    same = [m for m in cands if ctx.sent_no(m.head) == here]
    subj = [m for m in same if is_subject(doc[m.head])]
    if subj:
        return subj[-1]
    if same:
        return same[-1]
    prev_subj = [m for m in cands if is_subject(doc[m.head])]
    last_sent = cands[-1]
    if prev_subj and ctx.sent_no(prev_subj[-1].head) == ctx.sent_no(last_sent.head):
        return prev_subj[-1]
    return last_sent


def refers_to(ctx: ActorDoc, prev: Mention, word: str, phrase_words: bool = True) -> bool:
    """Can `word` (lower case) be a short name of the earlier mention `prev`? Its head noun, a word
    of a named actor's phrase (unless `phrase_words` is off: a modifier "Independence activists"
    is not the Kachin Independence Army), or the head noun of one of its dictionary aliases ("the
    Coalition" after "Combined Joint Task Force - Operation Inherent Resolve")."""
    doc = ctx.doc
    if prev.kind == "pronoun" or not prev.info:
        return False
    if doc[prev.head].lower_ == word:
        return True
    if prev.kind != "named":
        return False
    if phrase_words and word in {t.lower_ for t in doc[prev.start:prev.end]}:
        return True
    return word in ctx.dic.alias_heads.get(prev.info.get("entity") or "", ())


def named_modifier(ctx: ActorDoc, men: Mention, history: list[Mention]) -> dict | None:
    """A capitalised modifier that names an organisation the text already introduced ("a Coalition
    spokesman", "Coalition aircraft" after the coalition was named): that organisation, which beats
    any country the document context would give the phrase."""
    doc, matches = ctx.doc, ctx.matches
    for j in range(men.start, men.head):
        t = doc[j]
        if j in matches or not t.text[:1].isupper() or not t.is_alpha or t.lower_ in ctx.lex.dets \
                or t.dep_ not in ("compound", "nmod", "amod"):
            continue
        for prev in reversed(history):
            if prev.kind == "named" and prev.end <= men.start \
                    and refers_to(ctx, prev, t.lower_, phrase_words=False):
                m = matches.get(prev.head)
                kind = m[2].get("kind") if m else None
                if kind == "person":
                    break
                men.extras["antecedent"] = ctx.span_chars(prev.start, prev.end)
                return {**prev.info, "kind": kind or "org", "match": "named"}
    return None


def code_reference(ctx: ActorDoc, men: Mention, history: list[Mention], pron: str | None,
                   sector: str | None, canon: str) -> bool:
    """A short reference ("the ministry", "the Coalition", "its warplanes") takes its antecedent's
    entity. True when it found one (``men.info`` is then set)."""
    doc, lex = ctx.doc, ctx.lex
    head = doc[men.head]
    hi = men.extras.get("_hi") or {}
    mod_words = [doc[j].lower_ for j in range(men.start, men.head)]
    plain = all(w in lex.dets or doc[j].is_punct or doc[j].dep_ == "amod" and doc[j].pos_ == "ADJ"
                for j, w in zip(range(men.start, men.head), mod_words, strict=True))
    ante = None
    if plain and mod_words and mod_words[0] in lex.dets and hi.get("kind") != "title":
        for prev in reversed(history):
            if prev.kind == "pronoun":
                continue
            if refers_to(ctx, prev, head.lower_):
                ante = prev
                break
    if ante is None and pron is not None:
        ante = antecedent(ctx, [m for m in history if m.end <= men.start], head, pron in lex.pl_pron)
    if ante is None:
        return False
    men.extras["antecedent"] = ctx.span_chars(ante.start, ante.end)
    men.extras["reference"] = True
    a = ante.info
    if ante.kind in ("country", "capital"):
        men.info = {"name": f"{a['name']} {canon.replace('_', ' ')}", "country": a["country"],
                    "sector": sector, "entity": f"{a['country'].lower()}_{canon}"}
    elif plain and mod_words and pron is None:
        men.info = dict(a)
    else:
        men.info = dict(a)
        if a.get("sector") in (None, "GOV") and sector:
            men.info["sector"] = sector
    return True


def residence(ctx: ActorDoc, men: Mention) -> None:
    """"ethnic Albanians in south Serbia", "ethnic Turks" in a story about Sweden: the demonym of an
    ethnic group names its people, not its state; CAMEO codes the group with the country it lives
    in: the place attached to the phrase, else the country the text is most about (never the
    group's own), else none."""
    doc = ctx.doc
    own = men.info["country"]
    where = None
    for child in doc[men.head].rights:
        if child.dep_ == "prep" and child.lower_ in ("in", "of", "from") and child.i < len(doc):
            for g in child.subtree:
                m = ctx.matches.get(g.i)
                if m is not None and m[2]["match"] in ("country", "capital"):
                    where = m[2]["country"]
                    break
                place = ctx.place_country.get(g.i)
                if place:
                    where = place
                    break
        if where:
            break
    where = where or top(ctx.counts, skip=own)
    if where == own:
        return
    men.info = {**men.info, "country": where}
    men.extras["country_from"] = "residence"


def coordinated(ctx: ActorDoc, mentions: list[Mention]) -> list[Mention]:
    """"Hungarian and Romanian officials": each further coordinated country is an actor of its own."""
    doc, matches = ctx.doc, ctx.matches
    extra = []
    for men in mentions:
        if men.kind not in ("institution", "group", "title") or not men.info or men.extras.get("reference"):
            continue
        for j in range(men.start, men.head):
            m = matches.get(j)
            if m is None or m[1] - 1 != j or m[2]["match"] not in ("demonym", "country") \
                    or doc[j].dep_ != "conj" or m[2]["country"] == men.info.get("country"):
                continue
            canon = men.extras.get("canon") or "actor"
            info = {**men.info, "country": m[2]["country"], "name": f"{m[2]['name']} {canon.replace('_', ' ')}",
                    "entity": f"{m[2]['country'].lower()}_{canon}"}
            extra.append(Mention(m[0], m[1], j, info, "coordinated", plural=men.plural,
                                 extras={"coordinated_with": ctx.span_chars(men.start, men.head + 1)}))
    return extra


def pronoun_subjects(ctx: ActorDoc, mentions: list[Mention]) -> list[Mention]:
    """Stand-alone pronoun subjects ("it said", "they attacked") that refer back to an actor."""
    doc, options = ctx.doc, ctx.options
    extra = []
    taken = {(m.start, m.end) for m in mentions}
    for i, lw in enumerate(string_columns(doc, [LOWER])[0]):
        if lw not in ("it", "they"):
            continue
        t = doc[i]
        if t.dep_ in SUBJ and (t.i, t.i + 1) not in taken and options.pronouns:
            ante = antecedent(ctx, [m for m in mentions if m.end <= t.i], t, lw == "they")
            if ante is not None and options.cross_sentence_pronouns_only and ctx.sent_no(ante.head) == ctx.sent_no(i):
                ante = None  # the antecedent is in the same sentence: a role finder sees it there
            if ante is not None:
                extra.append(Mention(t.i, t.i + 1, t.i, dict(ante.info), "pronoun",
                                     extras={"antecedent": ctx.span_chars(ante.start, ante.end),
                                             "reference": True}))
    return extra
