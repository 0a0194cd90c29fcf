"""Long texts in windows: paragraphs packed into pieces under `WINDOW_CHARS`, analysed one at a
time, their documents merged with offsets into the whole text and ids renumbered.

Memory then grows with the window, not the article, and no text reaches spaCy's
own `max_length` (so the configured `max_article_bytes` is the only limit a user
meets). Articles up to `WINDOW_CHARS` are one window and analysed exactly as before.
"""

from __future__ import annotations

import re
from typing import Any

WINDOW_CHARS = 64_000  # longer than every dev-set article (47,473 characters), far under spaCy's 1,000,000
SECTIONS = ("places", "times", "actors", "claims", "events", "framing")
PREFIX = {"places": "p", "times": "t", "actors": "a", "claims": "c", "events": "e"}
_ID = re.compile(r"[ptace]\d+")
_SENTENCE_END = re.compile(r"[.!?\u2026\u3002]['\"\u2019\u201d)]*\s")


def split_windows(text: str, size: int = WINDOW_CHARS) -> list[tuple[int, int]]:
    """(start, end) of consecutive windows covering the text, cut at paragraph breaks when possible.

    A cut goes after the last blank line in the second half of the window, else
    after the last line break, else after the last sentence end, else at the
    last space; only a window with none of these is cut hard.
    """
    out, pos, n = [], 0, len(text)
    while n - pos > size:
        lo, hi = pos + size // 2, pos + size
        cut = text.rfind("\n\n", lo, hi)
        cut = cut + 2 if cut >= 0 else -1
        if cut < 0:
            cut = text.rfind("\n", lo, hi)
            cut = cut + 1 if cut >= 0 else -1
        if cut < 0:
            ends = list(_SENTENCE_END.finditer(text, lo, hi))
            cut = ends[-1].end() if ends else -1
        if cut < 0:
            cut = text.rfind(" ", lo, hi)
            cut = cut + 1 if cut >= 0 else hi
        if "\udc00" <= text[cut - 1:cut] <= "\udfff" or "\ud800" <= text[cut - 1:cut] <= "\udbff":
            cut -= 1  # never cut a surrogate pair (texts from JSON may hold them)
        out.append((pos, cut))
        pos = cut
    out.append((pos, n))
    return out


def _shift(v: Any, offset: int, ids: dict[str, str], key: str | None = None) -> Any:
    """A copy of a record value with its offsets moved by `offset` and its id references renamed."""
    if isinstance(v, dict):
        out = {k: _shift(x, offset, ids, k) for k, x in v.items()}
        if isinstance(out.get("start"), int) and isinstance(out.get("end"), int) and "start" in v:
            out["start"] += offset
            out["end"] += offset
        return out
    if isinstance(v, list):
        return [_shift(x, offset, ids, key) for x in v]
    if isinstance(v, str) and key != "text" and _ID.fullmatch(v):
        return ids.get(v, v)
    return v


def _summary(parts: list[dict | None]) -> dict | None:
    """The framing summary of the whole text from those of its windows."""
    parts = [p for p in parts if p]
    if not parts:
        return None
    counts: dict[str, int] = {}
    for p in parts:
        for k, c in (p.get("counts") or {}).items():
            counts[k] = counts.get(k, 0) + c
    sents = sum(p.get("sentences") or 0 for p in parts)
    framed = sum(p.get("sentences_with_framing") or 0 for p in parts)
    return {"spans": sum(p.get("spans") or 0 for p in parts), "counts": dict(sorted(counts.items())),
            "sentences": sents, "sentences_with_framing": framed,
            "share_sentences": round(framed / sents, 4) if sents else 0.0}


def merge_documents(text: str, parts: list[tuple[int, dict]]) -> dict:
    """One document dict from (offset, document dict) of consecutive windows of `text`."""
    first = parts[0][1]
    merged: dict[str, Any] = {k: v for k, v in first.items() if k not in SECTIONS}
    merged["article"] = {**first["article"], "text": text}
    for sec in SECTIONS:
        merged[sec] = []
    for offset, d in parts:
        ids: dict[str, str] = {}
        for sec, prefix in PREFIX.items():
            for n, item in enumerate(d.get(sec) or []):
                if isinstance(item.get("id"), str):
                    ids[item["id"]] = f"{prefix}{len(merged[sec]) + n}"
        for sec in SECTIONS:
            merged[sec].extend(_shift(item, offset, ids) for item in d.get(sec) or [])
    merged["framing_summary"] = _summary([d.get("framing_summary") for _, d in parts])
    return merged
