"""Place-name normalisation: one function for the gazetteer build and for queries.

Two levels, because they fail differently:

* `norm` folds only what never changes a name's identity: case, diacritics,
  apostrophes and ʿayn/hamza marks, hyphens and spacing ("Al-Ḩasakah" ->
  "al hasakah").
* `key` also folds the ways one Arabic name is transliterated: the article
  (al-/el-/ad-/ash-/as-/ar-/an-/az-..., written apart, hyphenated or joined and
  assimilated as in "Ezzor"), doubled letters, a final -h, and common vowel
  spellings (ei/ay -> e, aw/ou -> o/u). "Deir Ezzor", "Deir ez-Zor" and
  "Dayr az Zawr" share the key "der zor". Keys collide more often than norms, so
  the gazetteer consults them only when the norm finds nothing.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters that carry no sound in a romanised Arabic name (hamza, ʿayn, modifier letters, quotes).
_MARKS = dict.fromkeys(map(ord, "'’‘`´ʼʻʿʾ′\u02bc\u02bb\u02be\u02bf"), None)
_SPLIT = re.compile(r"[\s\-‐‑–—_/.,()]+")
# The Arabic article as romanised: al, el, ul, and the sun-letter assimilations.
_ARTICLES = frozenset(
    ["al", "el", "ul", "il", "ad", "ed", "at", "et", "ath", "eth", "adh", "edh", "ar", "er", "as", "es", "ash", "esh", "az", "ez", "an", "en", "ad-d"])
_SUN = "tdrzsnl"
_JOINED_ARTICLE = re.compile(rf"^(?:a|e)([{_SUN}])\1(?=[a-z]{{2,}})")
_VOWELS = [("ei", "e"), ("ey", "e"), ("ay", "e"), ("ai", "e"), ("aw", "o"), ("ou", "u"), ("oo", "u"),
           ("ee", "i"), ("ie", "i"), ("dh", "d"), ("th", "t"), ("kh", "k"), ("q", "k"), ("j", "g")]


def strip_accents(text: str) -> str:
    """Remove combining marks (ā -> a, Ḩ -> H) and length/ʿayn marks."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_MARKS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def norm(name: str) -> str:
    """Case-, accent- and punctuation-folded form used as the primary lookup key."""
    s = strip_accents(name).casefold().replace("ı", "i").replace("ß", "ss")
    s = s.replace("&", " and ")
    return " ".join(t for t in _SPLIT.split(s) if t)


def _fold_token(tok: str) -> str:
    tok = _JOINED_ARTICLE.sub(r"\1", tok)  # "ezzor" -> "zor", "arraqqa" -> "raqqa"
    for a, b in _VOWELS:
        tok = tok.replace(a, b)
    tok = re.sub(r"(.)\1+", r"\1", tok)  # raqqa -> raqa, hasakkah -> hasakah
    if len(tok) > 3 and tok.endswith("h") and tok[-2] in "aei":
        tok = tok[:-1]  # hasakah -> hasaka, raqqah -> raqa
    return tok


@lru_cache(maxsize=65536)  # the same names recur in every document
def key(name: str) -> str:
    """Transliteration-folded form: equal for the common spellings of one Arabic name."""
    toks = norm(name).split()
    out: list[str] = []
    for i, t in enumerate(toks):
        if t in _ARTICLES and i + 1 < len(toks):
            continue  # a free-standing article before another word
        out.append(_fold_token(t))
    return " ".join(out)


def is_arabic_or_latin(name: str) -> bool:
    """Whether a name is written in Latin or Arabic script (others are not kept in the index)."""
    for ch in name:
        if ch.isalpha():
            o = ord(ch)
            if o < 0x250 or 0x1E00 <= o <= 0x1EFF:  # Latin, Latin Extended, Latin Extended Additional
                continue
            if 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0xFB50 <= o <= 0xFEFF:  # Arabic
                continue
            return False
    return True
