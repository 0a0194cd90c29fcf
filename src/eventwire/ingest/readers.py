"""Readers per input kind, and the one loop that walks every input in order.

Each reader yields `Article` or `InputError` items, so one bad item never
stops a batch: the caller writes an error record in its place and goes on.
Nothing is skipped silently: a directory walk yields a `SkippedFile` notice for
each file it does not read (and `all_files` reads them all as text), and an
input with no items at all is an `EmptyText` error.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from eventwire.errors import (
    BadCharacters,
    BadJsonLine,
    BinaryInput,
    EmptyText,
    FieldTooLong,
    InputError,
    MissingField,
    NotProse,
    NotUtf8,
    SkippedFile,
    TooLarge,
    UnsupportedInput,
)
from eventwire.ingest.article import MAX_ID, MAX_LANGUAGE, MAX_PUBLISHED, Article, bad_character

Item = Article | InputError
Reader = Callable[[Path, int], Iterator[Item]]

DEFAULT_MAX_BYTES = 10_000_000


def read_limited(fh: BinaryIO, limit: int, source: str) -> bytes:
    """Read at most `limit` bytes; a larger input is an error, found before decoding."""
    data = fh.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(
            f"input is larger than {limit:,} bytes; split it or raise max_article_bytes "
            f"(EVENTWIRE_MAX_ARTICLE_BYTES)", source=source)
    return data


# Byte-order marks, longest first (a UTF-32-LE mark starts with the UTF-16-LE one).
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def bom_encoding(data: bytes) -> str | None:
    """The UTF-16/UTF-32 encoding a byte-order mark announces, or None."""
    return next((enc for bom, enc in BOMS if data.startswith(bom)), None)


def decode_text(data: bytes, source: str) -> str:
    """Text from bytes (UTF-8, or UTF-16/UTF-32 with a BOM), with a clear error for binary or others."""
    if not data.strip():
        raise EmptyText("input is empty; nothing to analyse", source=source)
    enc = bom_encoding(data)
    if enc is not None:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as exc:
            raise NotUtf8(f"not valid {enc.upper()} although it starts with a {enc.upper()} byte-order mark "
                          f"(byte {exc.start})", source=source) from None
        if not text.strip():
            raise EmptyText("input has no text; nothing to analyse", source=source)
        return text
    if b"\x00" in data[:8192]:
        raise BinaryInput("input looks binary (NUL bytes); give a text, HTML or JSON-lines file",
                          source=source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotUtf8(f"not valid UTF-8 (byte {exc.start}: {data[exc.start:exc.start + 1]!r}); "
                      f"convert the file to UTF-8 first (e.g. iconv -f latin1 -t utf-8)",
                      source=source) from None
    if not text.strip():
        raise EmptyText("input has no text; nothing to analyse", source=source)
    return text


def read_txt(path: Path, limit: int) -> Iterator[Item]:
    source = str(path)
    try:
        with path.open("rb") as fh:
            text = decode_text(read_limited(fh, limit, source), source)
    except InputError as exc:
        yield exc
        return
    yield Article(text=text, source=source, kind="txt", raw=text)


def read_html(path: Path, limit: int) -> Iterator[Item]:
    from eventwire.ingest.html import article_from_html

    source = str(path)
    try:
        with path.open("rb") as fh:
            html = decode_text(read_limited(fh, limit, source), source)
        yield article_from_html(html, source=source)
    except InputError as exc:
        yield exc


_ID_IN_BROKEN_LINE = re.compile(r'^\s*\{\s*"id"\s*:\s*"([^"\\]{1,200})"')


def parse_json_line(line: str, lineno: int, source: str) -> Item:
    """One JSON line as an Article, or the error that says what is wrong with it."""
    where = f"{source}:{lineno}"
    try:
        obj = json.loads(line.rstrip("\r\n"))
    except json.JSONDecodeError as exc:
        m = _ID_IN_BROKEN_LINE.search(line)  # keep the item's id in its error record where one is legible
        return BadJsonLine(f"not valid JSON ({exc.msg}: column {exc.colno}); "
                           f"each line needs a JSON object with a 'text' string", source=where,
                           item_id=m.group(1) if m else None)
    if not isinstance(obj, dict):
        return BadJsonLine("not a JSON object; each line needs "
                           "{\"text\": \"...\"}", source=where)
    item_id = obj.get("id")
    item_id = str(item_id) if item_id is not None else None
    text = obj.get("text")
    if not isinstance(text, str):
        return MissingField("no 'text' string; each line needs one", source=where,
                            item_id=item_id)
    if not text.strip():
        return EmptyText("'text' is empty; nothing to analyse", source=where,
                         item_id=item_id)
    published = obj.get("published")
    return Article(
        text=text, id=item_id, title=_str(obj.get("title")), published=_str(published),
        url=_str(obj.get("url")), outlet=_str(obj.get("outlet")), language=_str(obj.get("language")),
        source=where, kind="jsonl", raw=line,
    )


def _str(v: object) -> str | None:
    return v if isinstance(v, str) and v.strip() else None


def iter_json_lines(lines: Iterable[bytes], source: str, limit: int) -> Iterator[Item]:
    for n, raw in enumerate(lines, 1):
        if len(raw) > limit:
            yield TooLarge(f"larger than {limit:,} bytes", source=f"{source}:{n}")
            continue
        try:
            line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            yield NotUtf8(f"not valid UTF-8 (byte {exc.start})", source=f"{source}:{n}")
            continue
        if not line.strip():
            continue
        yield parse_json_line(line, n, source)


def read_jsonl(path: Path, limit: int) -> Iterator[Item]:
    with path.open("rb") as fh:
        enc = bom_encoding(fh.peek(4)[:4] if hasattr(fh, "peek") else b"")
        if enc is not None:  # UTF-16/32 lines: decode the file, then read it as UTF-8 lines
            lines = fh.read().decode(enc, "replace").encode("utf-8").splitlines(keepends=True)
            yield from _nonempty(iter_json_lines(lines, str(path), limit), str(path))
            return
        # a line may be as long as one article; the file as a whole may be far bigger
        yield from _nonempty(iter_json_lines(_bounded_lines(fh, limit), str(path), limit), str(path))


def _nonempty(items: Iterable[Item], source: str) -> Iterator[Item]:
    """The items, or an EmptyText error when there are none (empty input is not a success)."""
    n = 0
    for it in items:
        n += 1
        yield it
    if n == 0:
        yield EmptyText("input is empty (no JSON lines); nothing to analyse", source=source)


def _bounded_lines(fh: BinaryIO, limit: int) -> Iterator[bytes]:
    """Lines of a binary file; an over-long line is cut at limit+1 bytes (and reported)."""
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # skip the rest of the over-long line
                rest = fh.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
        yield line


def read_feed(path: Path, limit: int) -> Iterator[Item]:
    """An RSS/Atom file: one Article per entry (feedparser)."""
    from eventwire.ingest.feeds import articles_from_feed

    source = str(path)
    try:
        with path.open("rb") as fh:
            data = read_limited(fh, limit, source)
        if not data.strip():
            raise EmptyText("input is empty; nothing to analyse", source=source)
    except InputError as exc:
        yield exc
        return
    yield from articles_from_feed(data, source)


def _walk(path: Path) -> Iterator[tuple[Path, str | None]]:
    """(file, why it cannot be read or None) under a directory, sorted; symlinked folders are not entered."""
    for root, dirs, files in os.walk(path, followlinks=False, onerror=None):
        r = Path(root)
        for d in sorted(dirs):
            if (r / d).is_symlink():
                yield r / d, "a symbolic link to a folder (not followed, so a link loop cannot recur)"
        for f in sorted(files):
            p = r / f
            if p.is_symlink() and not p.exists():
                try:
                    p.stat()
                    why = "a broken symbolic link"
                except OSError as exc:
                    why = f"a symbolic link that cannot be followed ({exc.strerror or exc})"
                yield p, why
            elif not p.is_file():
                yield p, "not a regular file"
            else:
                yield p, None
        dirs.sort()


def read_dir(path: Path, limit: int, all_files: bool = False) -> Iterator[Item]:
    """Every readable file under a folder; each file left out is reported with the reason.

    Known suffixes pick the reader; with `all_files` any other file (hidden,
    .md, no suffix) is read as text.
    """
    found = 0
    for child, why in _walk(path):
        rel = str(child)
        if why is not None:
            yield SkippedFile(f"skipped: {why}", source=rel)
            continue
        reader = READERS.get(child.suffix.lower().lstrip("."))
        if not all_files:
            if child.name.startswith("."):
                yield SkippedFile("skipped: a hidden file (use --all to read every file)", source=rel)
                continue
            if reader is None:
                kind = f"'{child.suffix}' files" if child.suffix else "files without a suffix"
                yield SkippedFile(f"skipped: {kind} are not a known input kind (.txt, .html, .jsonl, .rss, "
                                  f".atom, .xml); use --all to read every file as text", source=rel)
                continue
        found += 1
        try:
            yield from (reader or read_txt)(child, limit)
        except OSError as exc:
            yield UnsupportedInput(f"cannot read: {exc.strerror or exc}", source=rel)
    if not found:
        yield EmptyText("the folder holds no input files; nothing to analyse", source=str(path))


READERS: dict[str, Reader] = {
    "txt": read_txt,
    "text": read_txt,
    "html": read_html,
    "htm": read_html,
    "jsonl": read_jsonl,
    "ndjson": read_jsonl,
    "rss": read_feed,
    "atom": read_feed,
    "xml": read_feed,
}


def read_stdin(fh: BinaryIO, limit: int) -> Iterator[Item]:
    """`-`: JSON lines (CONTRACT.md); input not starting with `{` is one plain-text article."""
    if not hasattr(fh, "peek"):
        fh = io.BufferedReader(fh)  # type: ignore[arg-type]
    head = fh.peek(64)[:64]
    if bom_encoding(head) or (head and not head.lstrip().startswith(b"{") and head.strip()):
        try:
            yield Article(text=(text := decode_text(read_limited(fh, limit, "-"), "-")), source="-",
                          kind="txt", raw=text)
        except InputError as exc:
            yield exc
        return
    n = 0
    for it in iter_json_lines(_bounded_lines(fh, limit), "-", limit):
        n += 1
        yield it
    if n == 0:
        yield EmptyText("standard input is empty; nothing to analyse", source="-")


MAX_WORDS_WITHOUT_BOUNDARY = 250  # news sentences are far shorter; a longer run is a word list
_BOUNDARY = re.compile(r"[.!?;:\u2026\u3002\u061f]+(?=\s|$)|\n")
_WORDS = re.compile(r"\w+")


def check_fields(art: Article) -> None:
    """Refuse values no store keeps alike: NUL, lone surrogates, and fields longer than their columns."""
    for name in ("text", "id", "title", "published", "url", "outlet", "language"):
        v = getattr(art, name)
        bad = bad_character(v) if isinstance(v, str) else None
        if bad:
            raise BadCharacters(f"'{name}' contains {bad}; remove it and send the item again",
                                source=art.source, item_id=None if name == "id" else art.id)
    for name, limit in (("id", MAX_ID), ("published", MAX_PUBLISHED), ("language", MAX_LANGUAGE)):
        v = getattr(art, name)
        if isinstance(v, str) and len(v) > limit:
            raise FieldTooLong(f"'{name}' is {len(v):,} characters long; at most {limit} are allowed",
                               source=art.source, item_id=None if name == "id" else art.id)


def check_prose(art: Article) -> None:
    """Refuse text with a long run of words and no sentence boundary (not an article)."""
    longest = max((len(_WORDS.findall(seg)) for seg in _BOUNDARY.split(art.text)), default=0)
    if longest > MAX_WORDS_WITHOUT_BOUNDARY:
        raise NotProse(f"a run of {longest:,} words has no sentence boundary (no . ! ? or line break); "
                       f"eventwire reads prose, not word lists (at most {MAX_WORDS_WITHOUT_BOUNDARY} "
                       "words without one)", source=art.source, item_id=art.id)


def _checked(items: Iterable[Item], languages: str) -> Iterator[Item]:
    """Articles with unstorable fields, non-prose text or another language become errors."""
    from eventwire.ingest.language import check_english

    for it in items:
        if isinstance(it, Article):
            try:
                check_fields(it)
                check_prose(it)
                if languages not in ("any", "all", "*", ""):
                    check_english(it.text, source=it.source, item_id=it.id, declared=it.language)
            except InputError as exc:
                yield exc
                continue
        yield it


def iter_articles(paths: Iterable[str], limit: int = DEFAULT_MAX_BYTES,
                  stdin: BinaryIO | None = None, languages: str = "en",
                  all_files: bool = False) -> Iterator[Item]:
    """Every input item, in input order: `-` is JSON lines (or one text) on stdin.

    `languages="any"` turns the English check off; `all_files` makes a
    directory walk read every file (unknown kinds as text).
    """
    yield from _checked(_iter_raw(paths, limit, stdin, all_files), languages)


def _iter_raw(paths: Iterable[str], limit: int, stdin: BinaryIO | None, all_files: bool = False
              ) -> Iterator[Item]:
    for p in paths:
        if p == "-":
            fh = stdin if stdin is not None else sys.stdin.buffer
            yield from read_stdin(fh, limit)
            continue
        path = Path(p)
        if path.is_dir():
            yield from read_dir(path, limit, all_files)
            continue
        if not path.exists():
            yield UnsupportedInput(f"no such file or directory: {p}", source=p)
            continue
        reader = READERS.get(path.suffix.lower().lstrip("."), read_txt)
        try:
            yield from reader(path, limit)
        except OSError as exc:
            yield UnsupportedInput(f"cannot read: {exc.strerror or exc}", source=p)
