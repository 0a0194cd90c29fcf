"""The `ew_` extension attributes every layer writes on the spaCy Doc.

Registered once, on import, behind `has_extension`. Values stay plain (dicts,
lists, str, int, float) so a Doc survives DocBin(store_user_data=True) and
pickling to Ray workers. Layers talk to each other only through these and
`doc.spans[...]`.

* ``Doc._.ew_meta``: article metadata set before the pipeline runs:
  ``published`` (ISO datetime str or None), ``outlet`` (dict or None),
  ``dateline`` ([start, end] of the dateline place or None), ``title``
  ([start, end] or None).
* ``doc.spans["places"]`` + ``Span._.ew_place``: geonameid, name, lat, lon,
  country, admin1, feature_code, precision, kind, score.
* ``doc.spans["times"]`` + ``Span._.ew_time``: date, end_date, granularity.
* ``doc.spans["actors"]`` + ``Span._.ew_actor``: name, country, sector, entity.
* ``Doc._.ew_claims``: list of dicts; spans as [start_char, end_char]; ``parent``
  is an index into the same list.
* ``Doc._.ew_events``: list of dicts; actors/recipients/place as
  [start_char, end_char] of spans in the groups above; ``claim`` an index into
  ``ew_claims``.
* ``doc.spans["framing"]`` + ``Span._.ew_framing``: technique, about.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

SPAN_KEYS = ("places", "times", "actors", "framing")

for _name in ("ew_meta",):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)
for _name in ("ew_claims", "ew_events"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)
for _name in ("ew_place", "ew_time", "ew_actor", "ew_framing"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


def meta(doc: Doc) -> dict:
    """The article metadata dict of a Doc (empty if none was set)."""
    return doc._.ew_meta or {}


def doc_text(doc: Doc) -> str:
    """The Doc's text, read once: `Doc.text` re-joins every token on each access (milliseconds on
    a long article, and every layer needs it). A Doc's text never changes, so the first read is kept
    in ``doc.user_data``."""
    text = doc.user_data.get("ew_text")
    if text is None:
        text = doc.user_data["ew_text"] = doc.text
    return text
