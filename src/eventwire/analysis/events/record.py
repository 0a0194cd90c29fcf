"""The output record of one event: role spans, place, date, toll, trigger, status and claim."""

from __future__ import annotations

from spacy.tokens import Span

from eventwire.analysis.events.candidate import Cand
from eventwire.analysis.events.casualties import toll_of
from eventwire.analysis.events.context import DocContext
from eventwire.analysis.events.parties import resolve
from eventwire.analysis.events.place_time import date_of, place_of
from eventwire.analysis.events.status import event_status


def to_record(ctx: DocContext, c: Cand, sent: Span) -> dict:
    """The event's output dict (see the package docstring); spans as [start_char, end_char]."""
    t = c.tok
    actors, recips = _role_spans(ctx, c)
    date, end, prec, _ = date_of(ctx, c, toll_of(ctx.lex, c))
    status, claim = event_status(ctx, c)
    contexts = list(dict.fromkeys(c.context))
    ev = {
        "type": c.type, "mode": c.mode, "context": contexts, "actors": actors, "recipients": recips,
        "place": place_of(ctx, c), "date": date, "end_date": end, "date_precision": prec,
        "killed": dict(c.killed), "injured": dict(c.injured),
        "trigger": [(c.first or t).idx, t.idx + len(t.text)], "sentence": [sent.start_char, sent.end_char],
        "status": status, "claim": claim, "negated": c.negated, "reciprocal": c.reciprocal,
    }
    if c.intended:
        ev["intended"] = c.intended
    return ev


def _role_spans(ctx: DocContext, c: Cand) -> tuple[list[list[int]], list[list[int]]]:
    """The actor and recipient spans the role heads point to; a party is never its own recipient,
    except in a symmetric act, where every party is both."""
    actors: list[list[int]] = []
    recips: list[list[int]] = []
    for lst, out, role in ((c.actors, actors, "actor"), (c.recipients, recips, "recipient")):
        spans = [sp for h in lst if (sp := resolve(ctx, h, role)) is not None]
        if role == "recipient":
            spans += _conjunct_parties(ctx, spans)
        for sp in spans:
            k = [sp.start_char, sp.end_char]
            if k not in out:
                out.append(k)
    if c.reciprocal:  # each party of a symmetric act acts on the other: all of them on both sides
        both = actors + [r for r in recips if r not in actors]
        return both, list(both)
    return actors, [r for r in recips if r not in actors]


def _conjunct_parties(ctx: DocContext, spans: list[Span]) -> list[Span]:
    """'sanctions against the space organization Glavkosmos and the ISRO', 'a number of Syrians,
    Iraqis and Afghans': an actor conjoined to a word inside a party's span is a party too."""
    out: list[Span] = []
    for sp in spans:
        stack = [y for x in sp for y in x.children if y.dep_ == "conj" and not sp.start <= y.i < sp.end]
        while stack:
            y = stack.pop()
            other = ctx.actor_at(y)
            if other is not None and other not in spans and other not in out:
                out.append(other)
            stack += [z for z in y.children if z.dep_ == "conj"]
    return out
