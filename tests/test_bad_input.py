"""Bad input: a clear per-item error record, the batch goes on, exit 1 at the end, nothing stored twice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from eventwire.cli import cli
from eventwire.store import open_store, repo
from eventwire.store import schema as s

BAD = Path(__file__).parent / "data" / "bad"
ENV = {"EVENTWIRE_LAYERS": "places,times", "EVENTWIRE_CONFIG": "/nonexistent/eventwire.toml"}
GOOD = ("BEIRUT (Reuters) - Syrian state media said on Tuesday that an air strike hit a market in "
        "Idlib province, killing at least 12 people, and that rescue workers were searching the rubble.")

# input file -> (error code, words the message must contain)
EXPECTED = {
    "empty.txt": ("empty", ["empty"]),
    "blank.txt": ("empty", ["empty"]),
    "binary.dat": ("binary", ["binary"]),
    "latin1.txt": ("not_utf8", ["UTF-8", "iconv"]),
    "nav_only.html": ("no_main_text", ["no article text", "HTML"]),
    "french.txt": ("not_english", ["not English"]),
    "arabic.txt": ("not_english", ["Latin script"]),
    "big.txt": ("too_large", ["larger than", "max_article_bytes"]),
}
JSONL = [  # broken.jsonl, line by line: (id, code or None for a good line, message words)
    ("ok-1", None, []),
    ("broken-2", "bad_json", [":2: ", "not valid JSON", "'text' string"]),
    (None, "bad_json", [":3: ", "not a JSON object"]),
    ("no-text-4", "missing_field", [":4: ", "'text'"]),
    ("empty-5", "empty", [":5: ", "empty"]),
]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[str]:
    tmp = tmp_path_factory.mktemp("bad")
    big = tmp / "big.txt"
    with big.open("wb") as fh:  # 50 MB, made here rather than kept in the repo
        line = (GOOD + "\n").encode()
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    good = tmp / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    names = [n for n in EXPECTED if n != "big.txt"]
    return [str(good), *(str(BAD / n) for n in names), str(big), str(BAD / "broken.jsonl")]


def _run(args: list[str]):
    return CliRunner().invoke(cli, args, env=ENV, catch_exceptions=False)


def _check_records(records: list[dict], inputs: list[str]) -> None:
    by_source = {}
    for r in records:
        if r["schema"] == "eventwire/error/1":
            by_source[r["source"]] = r
    assert len(records) == 1 + len(EXPECTED) + len(JSONL)  # one record per item, in its place
    assert records[0]["schema"] == "eventwire/document/1"  # the good file before the bad ones
    for path in inputs[1:-1]:
        code, words = EXPECTED[Path(path).name]
        rec = by_source[path]
        assert rec["code"] == code, (path, rec)
        assert rec["id"] and rec["error"].startswith(path)
        for w in words:
            assert w in rec["error"], (path, rec["error"])
    jl = records[-len(JSONL):]
    for (item_id, code, words), rec in zip(JSONL, jl, strict=True):
        if code is None:
            assert rec["schema"] == "eventwire/document/1" and rec["article"]["id"] == item_id
            continue
        assert rec["code"] == code, rec
        if item_id:
            assert rec["id"] == item_id
        for w in words:
            assert w in rec["error"], rec["error"]


def test_extract_reports_each_bad_item_and_goes_on(inputs: list[str]):
    r = _run(["extract", "--format", "jsonl", *inputs])
    assert r.exit_code == 1
    records = [json.loads(x) for x in r.stdout.splitlines()]
    _check_records(records, inputs)
    n_bad = sum(x["schema"] == "eventwire/error/1" for x in records)
    assert f"{n_bad} of {len(records)} inputs failed" in r.stderr
    print("\n".join(f"{x['code']:>14}  {x['error']}" for x in records if x["schema"] == "eventwire/error/1"))


def test_ingest_stores_good_items_once_and_errors_once(inputs: list[str], tmp_path: Path):
    db = str(tmp_path / "bad.db")
    counts = []
    for _ in range(2):
        r = _run(["ingest", "--db", db, *inputs])
        assert r.exit_code == 1
        assert "failed           12" in r.stdout, r.stdout
        engine = open_store("sqlite:///" + db)
        with engine.connect() as conn:
            counts.append(repo.stats(conn))
            stored = {row[0] for row in conn.execute(select(s.articles.c.id))}
            n_err = conn.execute(select(func.count()).select_from(s.ingest_errors)).scalar_one()
        engine.dispose()
    assert counts[0] == counts[1]  # the second run changed nothing
    assert counts[0]["articles"] == 2 and "ok-1" in stored
    assert n_err == 12
    assert "stored           0" in r.stdout and "already present  2" in r.stdout


def test_size_checked_before_decoding(tmp_path: Path):
    """A huge file of invalid UTF-8 is reported as too large, not as undecodable."""
    from eventwire.ingest import iter_articles

    p = tmp_path / "huge.txt"
    p.write_bytes(b"\xff" * 2_000_001)
    (err,) = list(iter_articles([str(p)], limit=2_000_000))
    assert err.code == "too_large"
