"""The events layer: PLOVER events (who did what to whom, where, when, how many hurt).

Writes ``Doc._.ew_events``: plain dicts with ``type``, ``mode``, ``context``,
``actors``/``recipients`` ([start, end] of spans in ``doc.spans["actors"]``),
``place`` ([start, end] of a place span or None), ``date``/``end_date``/
``date_precision``, ``killed``/``injured`` ({min, max}), ``trigger``,
``sentence``, ``status``, ``claim`` (index into ``Doc._.ew_claims``),
``negated``, ``reciprocal`` (a symmetric act, "X met Y": every party is an actor and a
recipient) and, where the event is a stated intention, ``intended``
({type, mode} of the action intended).

One module per job, run in this order for each sentence by ``component.py``:

* ``triggers``: candidate words in an eventive frame (``data/lexicons/triggers.yaml``);
* ``modality``: negation, intention, condition, and speech acts that wrap an act;
* ``roles`` and ``recipients``: who acts and who is acted on (``parties`` finds their spans);
* ``frames``: which candidates are events, background, themes or one act told twice;
* ``casualties``: killed and injured counts; ``place_time``: where and when;
* ``status`` and ``record``: alleged/denied from the claims, and the output dict.

Per-document state lives in ``context.DocContext``, made per call; the word tables come from
``lexicon.load_lexicon`` (registered as ``eventwire.events_lexicon.v1``). Which type a candidate
is, or whether it is an event at all, is decided last by a learned model
(``analysis/event_typing.py``, ``data/events/type_model.npz``) that weighs the rules' reading with
the trigger's WordNet class, CAMEO code and frame. Out-of-sample figures: ``benchmarks/events_cv.py``.
"""

from __future__ import annotations

import eventwire.analysis.extensions  # noqa: F401
from eventwire.analysis.events.candidate import Cand
from eventwire.analysis.events.component import EventsComponent, make_events
from eventwire.analysis.events.context import DocContext
from eventwire.analysis.events.lexicon import Entry, Lexicon, load_lexicon

__all__ = ["Cand", "DocContext", "Entry", "EventsComponent", "Lexicon", "load_lexicon", "make_events"]
