"""The Article: one input item, before analysis, and the text's identity (its fingerprint)."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass, field

_TAG = re.compile(r"<[A-Za-z!/?][^<>]*>")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_SURROGATE = re.compile("[\ud800-\udfff]")

# Column widths of the store (store/schema.py): longer values are refused before analysis.
MAX_ID = 200
MAX_PUBLISHED = 32
MAX_LANGUAGE = 16


@dataclass
class Article:
    """Text plus what the source said about it; `raw` is the input as received."""

    text: str
    id: str | None = None
    title: str | None = None
    published: str | None = None  # ISO date or datetime
    url: str | None = None
    outlet: str | None = None  # a name, id or domain as given; resolved by ingest.outlets
    language: str | None = None
    source: str | None = None  # where it came from: path, path:line, "-:3"
    kind: str = "txt"  # reader that produced it
    raw: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def article_id(self) -> str:
        return self.id if self.id else text_id(self.text)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.text)


def text_id(text: str) -> str:
    """The contract's default article id: sha256 of the text (hex)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def normalise_text(text: str) -> str:
    """The text as identity sees it: markup removed, entities decoded, NFC, whitespace folded.

    The same article saved as .txt (LF or CRLF), as an HTML page, in a feed
    entry or in a JSON line normalises to the same string.
    """
    t = html.unescape(_TAG.sub(" ", text)) if "<" in text or "&" in text else text
    t = unicodedata.normalize("NFC", t)
    return _SPACE.sub(" ", t).strip()


def fingerprint(text: str) -> str:
    """sha256 (hex) of the normalised text: two inputs with one fingerprint are one article."""
    return hashlib.sha256(normalise_text(text).encode("utf-8", "surrogatepass")).hexdigest()


def bad_character(value: str) -> str | None:
    """Why a string cannot be stored (a NUL or a lone surrogate, with its offset), or None."""
    i = value.find("\x00")
    if i >= 0:
        return f"a NUL character (\\u0000) at offset {i}"
    m = _SURROGATE.search(value)
    if m:
        return f"a lone surrogate (\\u{ord(m.group(0)):04x}) at offset {m.start()}, which is not valid Unicode"
    return None


def shingles(text: str, n: int = 5) -> set[bytes]:
    """Word n-grams of the normalised, lower-cased text (the sets MinHash compares)."""
    w = _WORD.findall(normalise_text(text).lower())
    if len(w) < n:
        return {" ".join(w).encode("utf-8", "surrogatepass")} if w else set()
    return {" ".join(w[i:i + n]).encode("utf-8", "surrogatepass") for i in range(len(w) - n + 1)}
