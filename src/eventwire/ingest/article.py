"""The Article: one input item, before analysis."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


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


def text_id(text: str) -> str:
    """The contract's default article id: sha256 of the text (hex)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
