"""A cheap English check, so a French or Arabic article fails clearly instead of yielding junk.

The English pipeline would tag every capitalised word of another language as a
name and place; an error record saying "not English" is more useful. The check
looks at the script (share of Latin letters) and, for texts long enough to
judge, at the share of English function words (data/ingest/english_words.csv),
which stays well above the threshold even in name-heavy English news. Short
texts (a headline, one sentence) are never rejected for their words.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from eventwire.data import read_csv
from eventwire.errors import NotEnglish

MIN_WORDS = 40  # below this the function-word share says little
MIN_SHARE = 0.02  # English news: 0.04-0.35 (dev sets), other Latin-script languages: ~0
MIN_LATIN = 0.5  # share of letters in Latin script
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    return frozenset(r["word"].strip().lower() for r in read_csv("ingest/english_words.csv"))


def latin_share(text: str, sample: int = 20_000) -> float:
    """Share of letters (in the first `sample` characters) that are Latin script."""
    letters = latin = 0
    for ch in text[:sample]:
        if ch.isalpha():
            letters += 1
            if ch.isascii() or "LATIN" in unicodedata.name(ch, ""):
                latin += 1
    return latin / letters if letters else 1.0


def english_share(text: str, sample: int = 20_000) -> tuple[float, int]:
    """(share of words that are English function words, number of words) in a sample."""
    words = _WORD.findall(text[:sample].lower())
    if not words:
        return 0.0, 0
    ew = english_words()
    return sum(w in ew for w in words) / len(words), len(words)


def check_english(text: str, source: str | None = None, item_id: str | None = None,
                  declared: str | None = None) -> None:
    """Raise NotEnglish when the text is clearly not English (or is declared as another language)."""
    hint = "eventwire analyses English news; translate it first, or set languages=any to skip this check"
    if declared and not declared.lower().startswith("en"):
        raise NotEnglish(f"the input declares language {declared!r}, not English; {hint}",
                         source=source, item_id=item_id)
    ls = latin_share(text)
    if ls < MIN_LATIN:
        raise NotEnglish(f"not English: only {ls:.0%} of its letters are Latin script; {hint}",
                         source=source, item_id=item_id)
    share, n = english_share(text)
    if n >= MIN_WORDS and share < MIN_SHARE:
        raise NotEnglish(f"not English: {share:.1%} of its {n} words are common English words "
                         f"(English news has over {MIN_SHARE:.0%}); {hint}",
                         source=source, item_id=item_id)
