"""The times layer: time expressions found and normalised against the publication date.

Writes ``doc.spans["times"]`` (the key is a setting) and ``Span._.ew_time``, a plain dict:
``date`` ("YYYY-MM-DD" or None), ``end_date`` (None unless a range), ``granularity``
(``minute``/``day``/``month``/``year``, CONTRACT.md), ``kind``, and where useful ``time``
("HH:MM", granularity minute), ``direction`` ("past"/"future", for expressions read against
the publication date), ``modifier`` (early/mid/late/end...), ``anchor`` ([start, end] of the time
an offset is counted from) and ``offset_days``.

Candidates come from a spaCy Matcher whose patterns and vocabulary are data
(``lexicons/time_expressions.yaml``) and from the model's DATE/TIME entities; a
candidate the own grammar cannot read goes to ``dateparser`` (cached; its only importer).

What each kind resolves to (``published`` = ``doc._.ew_meta["published"]``):

* ``absolute``: a date with its year. "June 16, 2018" / "16 June 2018" / "2018-06-16" /
  "6/16/2018" -> day; "June 2018" -> month (date = the 1st); "2018", "early 2015" -> year
  (date = Jan 1); "the 1990s" -> year, 1990-01-01 to 1999-12-31. The first-line publication date
  of a text ("June 16, 2018 13:44") is one too, granularity minute.
* ``partial``: a date without its year. "May 24" -> the latest May 24 not after publication
  (the earliest not before it when the governing verb is future, "will meet on May 24", "is
  expected to vote in late January", or present tense, "takes effect on Jan. 1");
  "in May" -> that month, likewise. In a dateline ("GENEVA, June 3 (AFP) -") the occurrence nearest
  to publication (``role`` "dateline", no direction: wire datelines may run a day ahead).
* ``relative``: read against the publication date. "yesterday"/"today"/"last night"/"tomorrow";
  "on Tuesday" -> the latest Tuesday not after publication ("last Tuesday": strictly before;
  "next Tuesday" or a future verb: the next one); "last/this/next week" -> the Monday of that week,
  ``end_date`` its Sunday, granularity day (weeks are kept as day ranges, not months);
  "last/this month" -> month; "earlier this month" -> this month; "last year" -> year;
  "the weekend" -> Saturday-Sunday; "three days ago" -> day; "a year ago" -> year;
  "the past three days" -> a day range ending on the publication date.
* ``offset``: counted from an *anchor*, the last resolved time before it in the same sentence (else
  in the previous one). "two days later" / "a week earlier" / "the next day" -> anchor +/- N.
  Anaphoric phrases ("on that date", "that night", "the same day", "the following day", "the day
  before") fall back to the last explicit date anywhere before them, never to publication.
  "24 hours after <clause>" dates the *clause's* event, which happened N before the anchor:
  "on May 24 when warplanes struck ... 24 hours after the army aborted an attack" -> 2018-05-23
  (``offset_days`` -1); "N days before <clause>" -> anchor + N. "two days after May 24" (a time
  follows) is one span: May 26. Hours count in whole days unless the anchor has a clock time.
* Times of day ("13:44", "10 a.m.", "noon") are kept only when joined to a date ("Tuesday at
  10 a.m."): the span is merged, granularity minute, ``time`` set.

Not times: durations ("for three years", "three years"), ages ("24-year-old", "aged 24"),
periodic sets ("every year"): skipped, no span. "May" the modal and "march" the noun need a
capital and a day, year or preposition. Nothing resolvable is ever invented: a relative or
partial expression without a publication date, or an offset without an anchor, keeps its span
with ``date: None``; a past-directed expression is never dated after publication.

The layer is a package: `dates` (calendar arithmetic), `grammar` (reading one expression),
`offsets` (anchored offsets) and `component` (candidates, the spaCy factory, and the registered
loader `eventwire.times_lexicon.v1`).
"""

from __future__ import annotations

from eventwire.analysis.times.component import LEXICON, TimesComponent, make_times, times_lexicon
from eventwire.analysis.times.dates import Info, parse_published
from eventwire.analysis.times.grammar import Grammar

__all__ = ["LEXICON", "Grammar", "Info", "TimesComponent", "make_times", "parse_published", "times_lexicon"]
