"""spaCy's attribute ruler with its patterns looked up instead of matched.

The model's attribute ruler maps a token's tag (with its word or dependency for a few
exceptions) to its part of speech and morphology. spaCy runs its ~180 patterns through a
`Matcher` at every token: about a sixth of the model's whole run time on news. Nearly all of
them test one token for equality or membership, so the answer depends only on the token's
(tag, lower, dep, is_space) and is computed once per distinct combination; the few longer
patterns are filed under their first token. Patterns of any other shape (operators, other
attributes) still go through a `Matcher`. `match` returns exactly what spaCy's returns (the
same sorted list), so the annotations are identical; tests compare them token by token.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.pipeline.attributeruler import make_attribute_ruler_scorer  # noqa: F401  (registers the scorer)
from spacy.strings import get_string_id
from spacy.tokens import Doc

# the token attributes a pattern may test here, in the order of a token's row
_KEYS = ("TAG", "LOWER", "DEP", "IS_SPACE")
_ARRAY = [TAG, LOWER, DEP, IS_SPACE]

_MEMO_MAX = 500_000  # distinct token rows kept (a few hundred bytes each)

Test = tuple[int, str, Any]  # (position in _KEYS, "in" | "not_in" | "regex", ids or a compiled regex)
Entry = tuple[int, int, tuple[tuple[Test, ...], ...]]  # (attr id, match id, the tests of each token)


def _test(pos: int, value: Any) -> Test | None:
    """One attribute's test (a string, a bool, IN, NOT_IN or REGEX), or None when the
    Matcher must decide (another operator, a number)."""
    if _KEYS[pos] == "IS_SPACE":
        return (pos, "in", frozenset({int(value)})) if isinstance(value, bool) else None
    if isinstance(value, str):
        return pos, "in", frozenset({get_string_id(value)})
    if not isinstance(value, dict) or len(value) != 1:
        return None
    (op, arg), = value.items()
    if op in ("IN", "NOT_IN") and isinstance(arg, list) and all(isinstance(v, str) for v in arg):
        return pos, op.lower(), frozenset(get_string_id(v) for v in arg)
    if op == "REGEX" and isinstance(arg, str):
        return pos, "regex", re.compile(arg)
    return None


def _token_tests(pattern: list[dict]) -> tuple[tuple[Test, ...], ...] | None:
    """The tests of each token of a fixed-length pattern, or None when it has another shape."""
    out = []
    for spec in pattern:
        if not spec or not set(spec) <= set(_KEYS):  # OP, another attribute, or a wildcard token
            return None
        tests = [_test(_KEYS.index(k), v) for k, v in spec.items()]
        if None in tests:
            return None
        out.append(tuple(sorted(tests, key=lambda t: (t[1] != "in", t[0]))))  # lookups first
    return tuple(out) or None


class IndexedAttributeRuler(AttributeRuler):
    """An `AttributeRuler` whose `match` looks its patterns up by a value they require."""

    def _index(self) -> tuple[list[dict[int, list[Entry]]], list[Entry], Matcher]:
        """Patterns filed under a value their first token requires (or tried everywhere when it
        requires none); a Matcher for any other shape. Rebuilt when patterns were added."""
        built = getattr(self, "_built", None)
        if built is not None and built[0] == len(self.attrs):
            return built[1]
        tables: list[dict[int, list[Entry]]] = [{} for _ in _KEYS]
        anywhere: list[Entry] = []
        rest = Matcher(self.vocab, validate=False)
        for attr_id, entry in enumerate(self.patterns):
            match_id = self.vocab.strings.add(str(attr_id))
            others = []
            for pattern in entry["patterns"]:
                tests = _token_tests(pattern)
                if tests is None:
                    others.append(pattern)
                elif tests[0][0][1] == "in":
                    pos, _, vals = tests[0][0]
                    for v in vals:
                        tables[pos].setdefault(v, []).append((attr_id, match_id, tests))
                else:
                    anywhere.append((attr_id, match_id, tests))
            if others:
                rest.add(match_id, others)
        self._built = (len(self.attrs), (tables, anywhere, rest))
        self._memo: dict[tuple[int, ...], tuple[tuple[int, int], ...]] = {}
        self._regex_memo: dict[tuple[int, int], bool] = {}
        return tables, anywhere, rest

    def _passes(self, row: list[int], tests: tuple[Test, ...]) -> bool:
        for pos, kind, arg in tests:
            v = row[pos]
            if kind == "in":
                if v not in arg:
                    return False
            elif kind == "not_in":
                if v in arg:
                    return False
            else:
                key = (id(arg), v)
                ok = self._regex_memo.get(key)
                if ok is None:
                    ok = self._regex_memo[key] = bool(v) and bool(arg.search(self.vocab.strings[v]))
                if not ok:
                    return False
        return True

    def _at(self, row: tuple[int, ...]) -> tuple[tuple[tuple[int, int], ...], tuple[Entry, ...]]:
        """For a token of this row (tag, word, dependency, space): the (attr id, match id) of the
        one-token patterns it satisfies, each once, and the longer patterns it can start. Rows
        repeat, so the answer is kept."""
        memo = self._memo.get(row)
        if memo is None:
            if len(self._memo) >= _MEMO_MAX:  # new words keep coming in a long run: bound the table
                self._memo.clear()
                self._regex_memo.clear()
            tables, anywhere, _ = self._index()
            starts = [e for e in [*(x for p, t in enumerate(tables) for x in t.get(row[p], ())), *anywhere]
                      if self._passes(row, e[2][0])]
            hits = tuple(dict.fromkeys((a, m) for a, m, tests in starts if len(tests) == 1))
            memo = self._memo[row] = (hits, tuple(e for e in starts if len(e[2]) > 1))
        return memo

    def match(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """The same sorted (attr id, match id, start, end) list as `AttributeRuler.match`."""
        rest = self._index()[2]
        matches = [(int(self.vocab.strings[m_id]), m_id, s, e)
                   for m_id, s, e in rest(doc, allow_missing=True, as_spans=False)] if len(rest) else []
        rows = list(map(tuple, doc.to_array(_ARRAY).tolist()))
        n = len(rows)
        for i, row in enumerate(rows):
            hits, longer = self._at(row)
            matches.extend((a, m, i, i + 1) for a, m in hits)
            if longer:
                matches.extend({(a, m, i, i + len(tests)) for a, m, tests in longer if i + len(tests) <= n and all(
                    self._passes(rows[i + j], t) for j, t in enumerate(tests) if j)})
        matches.sort()
        return matches


@Language.factory("eventwire_attribute_ruler", default_config={
    "validate": False, "scorer": {"@scorers": "spacy.attribute_ruler_scorer.v1"}})
def make_indexed_attribute_ruler(nlp: Language, name: str, validate: bool, scorer: Any) -> IndexedAttributeRuler:
    return IndexedAttributeRuler(nlp.vocab, name, validate=validate, scorer=scorer)


def index_attribute_ruler(nlp: Language, name: str = "attribute_ruler") -> None:
    """Swap the model's attribute ruler for the indexed one, with the same patterns (no-op if absent)."""
    if name not in nlp.pipe_names or isinstance(nlp.get_pipe(name), IndexedAttributeRuler):
        return
    patterns = nlp.get_pipe(name).patterns
    nlp.replace_pipe(name, "eventwire_attribute_ruler").add_patterns(patterns)
