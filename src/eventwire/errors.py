"""Input errors: one per bad item, with a message that says what and where.

A batch catches these, writes an `eventwire/error/1` record in the item's
place, and goes on; the exit status turns non-zero at the end.
"""

from __future__ import annotations


class InputError(Exception):
    """A problem with one input item (not with eventwire)."""

    code = "input"

    def __init__(self, message: str, *, source: str | None = None, item_id: str | None = None):
        super().__init__(message)
        self.message = message
        self.source = source
        self.item_id = item_id

    def __str__(self) -> str:
        return f"{self.source}: {self.message}" if self.source else self.message


class EmptyText(InputError):
    code = "empty"


class NotUtf8(InputError):
    code = "not_utf8"


class BinaryInput(InputError):
    code = "binary"


class TooLarge(InputError):
    code = "too_large"


class BadJsonLine(InputError):
    code = "bad_json"


class MissingField(InputError):
    code = "missing_field"


class NoMainText(InputError):
    code = "no_main_text"


class NotEnglish(InputError):
    code = "not_english"


class UnsupportedInput(InputError):
    code = "unsupported"


class BadCharacters(InputError):
    """NUL or a lone surrogate: not text any database stores the same way."""

    code = "bad_characters"


class FieldTooLong(InputError):
    code = "too_long"


class NotProse(InputError):
    """No sentence boundaries: a word list or markup dump, not an article."""

    code = "not_prose"


class SkippedFile(InputError):
    """A file a directory walk did not read (unknown kind, hidden, unreadable link); not a failure."""

    code = "skipped"


class LayerFailed(Exception):
    """An analysis layer raised on an article (a bug or odd input eventwire must handle), naming the layer."""

    code = "analysis"

    def __init__(self, message: str, *, layer: str | None = None):
        super().__init__(message)
        self.layer = layer
