"""The `eventwire_times` spaCy component: candidates (Matcher + NER DATE/TIME), their readings, and
the spans it writes.

The component holds only what every document shares (the Matcher, the grammar and its cache);
each call keeps its document's state in local variables, so documents can run on several
threads at once.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

import spacy
from spacy.attrs import IS_DIGIT, LOWER, ORTH
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

import eventwire.analysis.extensions  # noqa: F401
from eventwire.analysis.columns import string_columns
from eventwire.analysis.extensions import doc_text
from eventwire.analysis.times.dates import _GRAN_RANK, _PAST, Info, _info, _month_end, _valid, parse_published
from eventwire.analysis.times.grammar import Grammar, _dateparser
from eventwire.analysis.times.offsets import resolve_offsets
from eventwire.data import read_yaml

LEXICON = "lexicons/time_expressions.yaml"


@spacy.registry.misc("eventwire.times_lexicon.v1")
def times_lexicon() -> dict[str, Any]:
    """The registered loader the times factory's config names: vocabulary and Matcher patterns."""
    return read_yaml(LEXICON)


def _expand(spec: Any, vocab: dict[str, list[str]]) -> Any:
    if isinstance(spec, dict):
        return {k: _expand(v, vocab) for k, v in spec.items()}
    if isinstance(spec, list):
        return [_expand(v, vocab) for v in spec]
    if isinstance(spec, str) and spec.startswith("$"):
        return vocab[spec[1:]]
    return spec


class TimesComponent:
    """Finds time expressions (Matcher + NER DATE/TIME) and writes normalised spans."""

    def __init__(self, nlp: Language, name: str, spans_key: str = "times", use_ner: bool = True,
                 use_dateparser: bool = True, lexicon: dict[str, Any] | None = None):
        self.name = name
        self.spans_key = spans_key
        self.use_ner = use_ner
        self.use_dateparser = use_dateparser
        lex = lexicon if lexicon is not None else times_lexicon()
        self.grammar = Grammar(lex)
        vocab = {k: [str(x) for x in sec["values"]] for k, sec in lex.items()
                 if isinstance(sec, dict) and "values" in sec}
        macros = _expand(lex["macros"], vocab)
        self.matcher = Matcher(nlp.vocab)
        self.trim: dict[str, int] = {}
        for item in lex["patterns"]["items"]:
            pattern = []
            for tok in item["pattern"]:
                if isinstance(tok, str):
                    spec = dict(macros[tok.rstrip("?")])
                    if tok.endswith("?"):
                        spec["OP"] = "?"
                    pattern.append(spec)
                else:
                    pattern.append(_expand(tok, vocab))
            self.matcher.add(item["name"], [pattern])
            self.trim[item["name"]] = int(item.get("trim_left", 0))
        self.clock_names = {"clock", "clock12", "noon"}
        # every pattern holds one of these words or a digit; patterns reach <= 6 tokens either side
        self.triggers = {w for sec in ("months", "weekdays", "units", "day_words", "trigger_words")
                         for w in vocab[sec]}
        self.window = (6, 8)
        # the grammar's reading of a text is the same in every document: cached across documents
        # (functools' cache is safe to share between threads, unlike per-document state)
        self._grammar_read = lru_cache(maxsize=50_000)(self.grammar.read)
        fc = self.grammar.future_cues
        self.future_aux = {k for k, v in fc.items() if v == "aux"}
        self.future_heads = {k for k, v in fc.items() if v == "head"}

    # -- candidates
    def _matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """Matcher hits, run only on windows around trigger tokens (a month, a digit, 'ago'...):
        running every pattern over every token costs more than the rest of the layer."""
        windows: list[list[int]] = []
        low, text = string_columns(doc, [LOWER, ORTH])
        digit = doc.to_array([IS_DIGIT]).tolist() if len(doc) else []
        for i in range(len(doc)):
            if low[i] in self.triggers or digit[i] or (text[i][:1].isdigit() and len(text[i]) <= 10):
                s, e = max(0, i - self.window[0]), min(len(doc), i + self.window[1])
                if windows and s <= windows[-1][1]:
                    windows[-1][1] = e
                else:
                    windows.append([s, e])
        out = set()
        for s, e in windows:
            for m_id, ms, me in self.matcher(doc[s:e]):
                out.add((m_id, s + ms, s + me))
        return sorted(out, key=lambda x: (x[1], x[2]))

    def _candidates(self, doc: Doc) -> tuple[list[Span], list[Span]]:
        """(date candidates, clock-time candidates), non-overlapping, in text order."""
        dates, clocks = [], []
        for match_id, s, e in self._matches(doc):
            name = doc.vocab.strings[match_id]
            s += self.trim.get(name, 0)
            while s < e and doc[s].is_punct:  # optional commas/dashes matched at an edge
                s += 1
            while e > s and doc[e - 1].is_punct:
                e -= 1
            if s >= e:
                continue
            (clocks if name in self.clock_names else dates).append(Span(doc, s, e, label=name))
        dates = filter_spans(dates)
        if self.use_ner:
            taken = {i for sp in dates for i in range(sp.start, sp.end)}
            for ent in doc.ents:
                if ent.label_ in ("DATE", "TIME") and not any(i in taken for i in range(ent.start, ent.end)):
                    if ent.label_ == "TIME" and self.grammar.clock_time(ent.text):
                        clocks.append(Span(doc, ent.start, ent.end, label="ner_clock"))
                    else:
                        dates.append(Span(doc, ent.start, ent.end, label="ner"))
        dates = [sp for sp in dates if not self._year_in_name(sp)]
        dates.sort(key=lambda sp: sp.start)
        used = {i for sp in dates for i in range(sp.start, sp.end)}
        clocks = [c for c in filter_spans(clocks) if not any(i in used for i in range(c.start, c.end))]
        return dates, clocks

    def _year_in_name(self, sp: Span) -> bool:
        """'the Finance Bill 2024', 'Euro 2024', 'Vision 2030': a year that ends a name is part of
        the name, not a time (a bare four-digit year right after a capitalised word that is not a
        month or weekday)."""
        if len(sp) != 1 or not re.fullmatch(r"\d{4}", sp.text) or sp.start == 0:
            return False
        prev = sp.doc[sp.start - 1]
        return prev.text[:1].isupper() and prev.pos_ in ("PROPN", "NOUN") \
            and prev.lower_ not in self.triggers and not prev.is_sent_start

    def _tense(self, span: Span) -> str | None:
        """'future' if the verb governing `span` is future ('will meet on Tuesday', 'is expected to vote
        in late January'), 'present' for a present-tense finite verb ('takes effect on Jan. 1'), else None.
        Climbs non-finite verbs up to the first finite one."""
        tok = span.root
        for _ in range(8):
            if tok.pos_ in ("VERB", "AUX"):
                if tok.lemma_.lower() in self.future_heads:
                    return "future"
                auxes = [c for c in tok.children if c.dep_ in ("aux", "auxpass")]
                perfect = any(c.lower_ in ("have", "has", "had", "'ve") for c in auxes)
                if not perfect and any(c.lower_ in self.future_aux for c in auxes):
                    return "future"
                if any(c.lower_ == "going" and any(g.lower_ == "to" for g in c.children) for c in tok.children):
                    return "future"
                finite = [x.tag_ for x in [tok, *auxes] if x.tag_ in ("VBD", "VBZ", "VBP", "MD")]
                if finite:
                    return "present" if "VBD" not in finite and tok.tag_ in ("VBZ", "VBP") else None
            if tok.head is tok:
                break
            tok = tok.head
        return None

    def _read(self, span: Span, base: date | None, dateline: tuple[int, int] | None = None) -> Info | None:
        g = self.grammar
        text = span.text
        if span.label_ == "ner":
            # trim leading articles/prepositions the model sometimes includes
            text = re.sub(r"^(?:on|in|since|by|from|until|between)\s+", "", text, flags=re.I)
        if not re.search(r"[A-Za-z0-9]", text):
            return None
        prev = span.doc[span.start - 1].lower_ if span.start > 0 else ""
        if prev in g.duration_cues and span.label_ == "ner":
            return None
        if dateline and dateline[0] <= span.start_char < dateline[1] and base:
            info = g.read(text, base)
            if info and info["kind"] == "partial" and info["granularity"] == "day" and info["date"]:
                # "GENEVA, June 3 (AFP) -": the dateline's date is the day of publication, give or take
                # a time zone; take the occurrence nearest to it, not the latest before it
                d = date.fromisoformat(info["date"])
                near = min((d.replace(year=d.year + k) for k in (0, 1) if _valid(d, d.year + k)),
                           key=lambda x: abs((x - base).days))
                return dict(info, date=near.isoformat(), direction=None, role="dateline")
            lead = doc_text(span.doc)[dateline[0]:span.start_char]
            if info and info.get("date") and info.get("kind") == "absolute" and not re.search(r"[-–—(:]", lead):
                # "GAZA, May 10, 2023, WAFA -": a full date before the dateline's separator dates the report
                return dict(info, role="dateline")
            return info
        tense = self._tense(span)
        info = self._grammar_read(text, base, tense == "future", tense == "present")
        if info is not None:
            return dict(info)
        if span.label_ != "ner" or g.is_duration_or_age(text):
            return None
        if not self.use_dateparser or base is None:
            return None
        low = text.lower()
        if not (any(w in low.split() for w in g.months) or any(w in low for w in g.weekdays)
                or re.search(r"\b(?:1[5-9]|20)\d\d\b", low)):
            return None  # dateparser reads too much into vague words ("the season", "days")
        got = _dateparser(text, base.isoformat())
        if got is None or not "1500" <= got[0][:4] <= "2099":
            return None  # "at around 0700 local time" is a clock, not the year 700
        return {"date": got[0], "end_date": None, "granularity": got[1], "kind": "relative",
                "direction": _PAST, "source": "dateparser"}

    def __call__(self, doc: Doc) -> Doc:
        return self._process(doc)  # a failure becomes the article's error record, naming the layer

    def _process(self, doc: Doc) -> Doc:
        meta = doc._.ew_meta or {}
        pub = parse_published(meta.get("published"))
        base = pub.date() if pub else None
        pspan = meta.get("published_span")
        pub_span = doc.char_span(pspan[0], pspan[1], alignment_mode="expand") if pspan else None
        found: list[tuple[Span, Info]] = []
        if pub_span is not None and pub:
            has_time = bool(re.search(r"\d[:.]\d\d", pub_span.text))
            found.append((pub_span, _info("absolute", base, "minute" if has_time else "day", role="published",
                                          time=pub.strftime("%H:%M") if has_time else None)))
        dl = meta.get("dateline")
        dl_zone = None
        if dl:
            text = doc_text(doc)
            nl = text.find("\n", dl[0])
            dl_zone = (dl[0], min(dl[0] + 60, nl if nl >= 0 else len(text)))
        dates, clocks = self._candidates(doc)
        for sp in dates:
            if pub_span is not None and sp.start < pub_span.end and pub_span.start < sp.end:
                continue
            info = self._read(sp, base, dl_zone)
            if info is not None:
                found.append((sp, info))
        found.sort(key=lambda x: x[0].start)
        found = self._attach_clocks(doc, found, clocks, pub_span)
        found = self._merge_ranges(doc, found)
        found = resolve_offsets(doc, found, pub_span)
        spans = []
        for sp, info in found:
            info = {k: v for k, v in info.items() if not k.startswith("_")}
            info = {k: v for k, v in info.items() if v is not None or k in ("date", "end_date")}
            if info.get("direction") == _PAST and base and info.get("date") and info["date"] > base.isoformat():
                info["date"], info["end_date"] = None, None  # never a past expression after publication
            out = Span(doc, sp.start, sp.end, label="TIME")
            out._.ew_time = info
            spans.append(out)
        doc.spans[self.spans_key] = spans
        return doc

    def _attach_clocks(self, doc: Doc, found: list[tuple[Span, Info]], clocks: list[Span],
                       pub_span: Span | None) -> list[tuple[Span, Info]]:
        """Join '10 a.m.' to a day expression right before or after it (granularity minute)."""
        glue = {",", "at", "on", "around", "about", "of", "by"}
        for c in clocks:
            if pub_span is not None and c.start < pub_span.end and pub_span.start < c.end:
                continue
            hhmm = self.grammar.clock_time(c.text)
            if hhmm is None:
                continue
            for i, (sp, info) in enumerate(found):
                if info.get("granularity") != "day" or info.get("end_date") or info["kind"] == "offset":
                    continue
                if sp.end <= c.start:
                    between, new = doc[sp.end:c.start], (sp.start, c.end)
                elif c.end <= sp.start:
                    between, new = doc[c.end:sp.start], (c.start, sp.end)
                else:
                    continue
                if len(between) <= 2 and all(t.lower_ in glue for t in between):
                    merged = dict(info, time=hhmm)
                    if merged.get("date"):
                        merged["granularity"] = "minute"
                    found[i] = (Span(doc, *new), merged)
                    break
        found.sort(key=lambda x: x[0].start)
        return found

    def _merge_ranges(self, doc: Doc, found: list[tuple[Span, Info]]) -> list[tuple[Span, Info]]:
        """'between May 1 and May 3', 'from 2014 to 2016': one span with date and end_date."""
        out: list[tuple[Span, Info]] = []
        for sp, info in found:
            if out:
                psp, pinfo = out[-1]
                between = doc[psp.end:sp.start]
                before = doc[psp.start - 1].lower_ if psp.start > 0 else ""
                joined = [t.lower_ for t in between]
                ok = ((before == "between" and joined == ["and"])
                      or (before in ("from", "between") and joined in (["to"], ["until"], ["through"], ["-"]))
                      or joined in (["-"], ["–"]))
                if (ok and pinfo.get("date") and info.get("date") and pinfo["kind"] != "offset"
                        and info["kind"] != "offset" and not pinfo.get("end_date")
                        and info["date"] > pinfo["date"]):
                    gran = max(pinfo["granularity"], info["granularity"], key=_GRAN_RANK.__getitem__)
                    end = date.fromisoformat(info["date"])
                    if gran == "year":
                        end = date(end.year, 12, 31)
                    elif gran == "month":
                        end = _month_end(end.year, end.month)
                    merged = dict(pinfo, end_date=end.isoformat(), granularity=gran)
                    merged.pop("time", None)
                    out[-1] = (Span(doc, psp.start, sp.end), merged)
                    continue
            out.append((sp, info))
        return out

@Language.factory(
    "eventwire_times",
    default_config={"spans_key": "times", "use_ner": True, "use_dateparser": True,
                    "lexicon": {"@misc": "eventwire.times_lexicon.v1"}},
    assigns=["doc.spans"],
    # the tense of the governing verb reads the parse, its tags and lemmas (see the places layer on token.pos)
    requires=["doc.ents", "doc.sents", "token.tag", "token.dep", "token.lemma"],
)
def make_times(nlp: Language, name: str, spans_key: str, use_ner: bool, use_dateparser: bool,
               lexicon: dict[str, Any]) -> TimesComponent:
    return TimesComponent(nlp, name, spans_key=spans_key, use_ner=use_ner, use_dateparser=use_dateparser,
                          lexicon=lexicon)
