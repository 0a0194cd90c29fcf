"""Growing coded mentions to the whole noun phrase a CAMEO/ConfliBERT coder marks as the actor.

A title with its appositive name ("the Palestinian president, Mahmoud Abbas") or a name with
its appositive title, an acronym in brackets ("Nigerian Air Force (NAF)"), an "of" complement
("the Government of Eritrea"), a short locative complement ("the U.S. Embassy in Athens") and
the quantity a group is counted by ("dozens of demonstrators"). Mentions inside a grown phrase
fold into it.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from eventwire.analysis.actors.context import ActorDoc
from eventwire.analysis.actors.mentions import Mention

# a complement longer than this many tokens is a clause, not part of the name
_MAX_COMPLEMENT = 12


def widen(ctx: ActorDoc, mentions: list[Mention]) -> list[Mention]:
    """The mentions with grown phrases, those folded into another's phrase left out."""
    bounds: dict[int, tuple[int, int]] = {}
    for k, men in enumerate(mentions):
        if men.kind in ("pronoun", "coordinated", "capital", "country", "demonym") or not men.info:
            continue
        start, end = quantity_start(ctx, men), phrase_end(ctx, men)
        if (start, end) != (men.start, men.end):
            bounds[k] = (start, end)
    # a name the tagger found inside another actor's phrase ("State" in "US Secretary of State Rex
    # Tillerson") is part of that phrase, not an actor of its own
    dropped: set[int] = {j for j, m in enumerate(mentions) if m.kind in ("org", "norp", "person")
                         and m.info.get("entity") not in ctx.dic.named_entities
                         and any(o is not m and o.kind not in ("pronoun", "coordinated") and o.start <= m.start
                                 and m.end <= o.end and (o.start, o.end) != (m.start, m.end) for o in mentions)}
    for k, (start, end) in sorted(bounds.items(), key=lambda kv: kv[1][0] - kv[1][1]):
        if k in dropped:
            continue
        inner = [j for j, m in enumerate(mentions) if j != k and j not in dropped
                 and m.start < end and m.end > start and m.kind != "pronoun"]
        if any(mentions[j].start < start or mentions[j].end > end for j in inner):
            continue  # the grown phrase would cut another actor in two
        men = mentions[k]
        for j in inner:
            fold(ctx.doc, men, mentions[j])
            dropped.add(j)
        men.start, men.end = start, end
    return [m for j, m in enumerate(mentions) if j not in dropped]


def fold(doc: Doc, men: Mention, inner: Mention) -> None:
    """A phrase folded into a grown one: an appositive person names the entity; an appositive title
    or an "of" complement ("the military government of President X") gives a missing country."""
    if not inner.info:
        return
    if inner.kind == "person" and men.kind == "title" and doc[inner.head].dep_ == "appos":
        men.info = {**men.info, "name": inner.info.get("name"), "entity": inner.info.get("entity")}
        men.extras.pop("canon", None)
        for key in ("country", "sector"):
            men.info[key] = men.info.get(key) or inner.info.get(key)
    elif men.info.get("country") is None and inner.info.get("country"):
        men.info = {**men.info, "country": inner.info["country"],
                    "sector": men.info.get("sector") or inner.info.get("sector")}


def quantity_start(ctx: ActorDoc, men: Mention) -> int:
    """ "dozens of [demonstrators]", "a group of [protesters]": the quantity belongs to the group."""
    doc, start = ctx.doc, men.start
    if start >= 2 and doc[start - 1].lower_ == "of" and doc[start - 1].dep_ == "prep":
        q = doc[start - 1].head
        if q.i == start - 2 and (q.lower_ in ctx.lex.quantity_heads or q.like_num) \
                and ctx.sent_no(q.i) == ctx.sent_no(men.head) and not any(j in ctx.barrier for j in range(q.left_edge.i, start)):
            return q.left_edge.i
    return start


def phrase_end(ctx: ActorDoc, men: Mention) -> int:
    """Where the grown phrase ends: past appositives, "of"/locative complements and brackets."""
    doc, heads = ctx.doc, ctx.lex.heads
    head = doc[men.head]
    sent_end = ctx.sent_span(men.head)[1]
    end = bracket_end(doc, men.end, sent_end)
    for child in sorted(head.rights, key=lambda c: c.i):
        if child.i < end or child.dep_ == "punct":
            continue
        lo, hi = child.left_edge.i, child.right_edge.i + 1
        while hi > lo + 1 and doc[hi - 1].is_punct and doc[hi - 1].text != ")":
            hi -= 1
        gap = [t.text for t in doc[end:lo]]
        sub = doc[lo:hi]
        if hi > sent_end or len(sub) > _MAX_COMPLEMENT or any(t.pos_ in ("VERB", "AUX") for t in sub) \
                or any(j in ctx.barrier for j in range(end, hi)):
            break
        if child.dep_ == "appos" and gap == [","] and men.kind in ("title", "person", "named", "institution", "org") \
                and (child.ent_type_ == "PERSON" or child.lower_ in heads and heads[child.lower_]["kind"] == "title"):
            end = hi  # "the Palestinian president, Mahmoud Abbas", "Vladimir Putin, the Russian president"
        elif child.dep_ == "prep" and not gap and child.lower_ == "of" and men.kind != "norp":
            end = hi  # "the Government of Eritrea", "the head of the World Health Organization"
        elif child.dep_ == "prep" and not gap and child.lower_ in ("in", "from") and simple_place(ctx, child):
            end = hi  # "the U.S. Embassy in Athens", "at least eight people in Kabul"
        else:
            break
        end = bracket_end(doc, end, sent_end)
    return end


def simple_place(ctx: ActorDoc, prep: Token) -> bool:
    """A locative complement that is only a place name ("in eastern Syria"), no clause or list."""
    objs = [c for c in prep.children if c.dep_ == "pobj"]
    if len(objs) != 1:
        return False
    obj = objs[0]
    if any(t.dep_ in ("prep", "conj", "cc", "relcl", "acl") for t in obj.subtree):
        return False
    m = ctx.matches.get(obj.i)
    return obj.i in ctx.topo or obj.ent_type_ in ("GPE", "LOC") or (m is not None and m[2]["match"] != "named")


def bracket_end(doc: Doc, end: int, sent_end: int) -> int:
    """Past an acronym in brackets right after the phrase: "Nigerian Air Force ( NAF )"."""
    if end < sent_end and doc[end].text == "(":
        for k in range(end + 2, min(end + 6, sent_end)):
            if doc[k].text == ")":
                inner = doc[end + 1:k]
                if any(c.isupper() for c in inner[0].text) and not any(t.pos_ == "VERB" for t in inner):
                    return k + 1
                break
    return end
