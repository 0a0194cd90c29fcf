"""Readers per input kind, and the one loop that walks every input in order.

Each reader yields `Article` or `InputError` items, so one bad item never
stops a batch: the caller writes an error record in its place and goes on.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from eventwire.errors import (
    BadJsonLine,
    BinaryInput,
    EmptyText,
    InputError,
    MissingField,
    NotUtf8,
    TooLarge,
    UnsupportedInput,
)
from eventwire.ingest.article import Article

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


def decode_text(data: bytes, source: str) -> str:
    """UTF-8 text from bytes, with a clear error for binary or other encodings."""
    if not data.strip():
        raise EmptyText("input is empty; nothing to analyse", source=source)
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
        # a line may be as long as one article; the file as a whole may be far bigger
        yield from iter_json_lines(_bounded_lines(fh, limit), str(path), limit)


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


def read_dir(path: Path, limit: int) -> Iterator[Item]:
    for child in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
        reader = READERS.get(child.suffix.lower().lstrip("."))
        if reader is None or reader is read_dir:
            continue
        yield from reader(child, limit)


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
    "dir": read_dir,
}


def read_stdin(fh: BinaryIO, limit: int) -> Iterator[Item]:
    """`-`: JSON lines (CONTRACT.md); input not starting with `{` is one plain-text article."""
    if not hasattr(fh, "peek"):
        fh = io.BufferedReader(fh)  # type: ignore[arg-type]
    head = fh.peek(64)[:64]
    if head and not head.lstrip().startswith(b"{") and head.strip():
        try:
            yield Article(text=(text := decode_text(read_limited(fh, limit, "-"), "-")), source="-",
                          kind="txt", raw=text)
        except InputError as exc:
            yield exc
        return
    yield from iter_json_lines(_bounded_lines(fh, limit), "-", limit)


def _checked(items: Iterable[Item], languages: str) -> Iterator[Item]:
    """Articles that fail the language check become NotEnglish errors."""
    from eventwire.ingest.language import check_english

    for it in items:
        if isinstance(it, Article) and languages not in ("any", "all", "*", ""):
            try:
                check_english(it.text, source=it.source, item_id=it.id, declared=it.language)
            except InputError as exc:
                yield exc
                continue
        yield it


def iter_articles(paths: Iterable[str], limit: int = DEFAULT_MAX_BYTES,
                  stdin: BinaryIO | None = None, languages: str = "en") -> Iterator[Item]:
    """Every input item, in input order: `-` is JSON lines (or one text) on stdin.

    `languages="any"` turns the English check off.
    """
    yield from _checked(_iter_raw(paths, limit, stdin), languages)


def _iter_raw(paths: Iterable[str], limit: int, stdin: BinaryIO | None) -> Iterator[Item]:
    for p in paths:
        if p == "-":
            fh = stdin if stdin is not None else sys.stdin.buffer
            yield from read_stdin(fh, limit)
            continue
        path = Path(p)
        if path.is_dir():
            yield from read_dir(path, limit)
            continue
        if not path.exists():
            yield UnsupportedInput(f"no such file or directory: {p}", source=p)
            continue
        reader = READERS.get(path.suffix.lower().lstrip("."), read_txt)
        try:
            yield from reader(path, limit)
        except OSError as exc:
            yield UnsupportedInput(f"cannot read: {exc.strerror or exc}", source=p)
