"""Query the compiled gazetteer: name -> candidate places, id -> place, fuzzy fallback.

The index is a read-only SQLite file, so loading it is opening a file (no
parsing, little memory); lookups go through an LRU cache because news repeats
its names.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from functools import lru_cache
from pathlib import Path

from eventwire.gazetteer.normalise import key, norm

PLACE_FIELDS = ("geonameid", "name", "lat", "lon", "country", "admin1", "admin1_gid", "feature_code",
                "population", "source")

# GeoNames feature code -> contract precision (towns by population where the code says only "PPL")
_FCODE_PRECISION = {"PCLI": "country", "ADM1": "province", "ADM2": "district", "ADM3": "district",
                    "CONT": "region", "RGN": "region", "LCTY": "point", "AIRP": "point", "FAC": "point"}


def precision_of(place: dict) -> str:
    """The contract `precision` of a gazetteer place."""
    fc = place.get("feature_code") or "PPL"
    if fc in _FCODE_PRECISION:
        return _FCODE_PRECISION[fc]
    pop = place.get("population") or 0
    if fc in ("PPLC", "PPLA") or pop >= 100_000:
        return "city"
    return "town" if pop >= 10_000 else "village"


class Gazetteer:
    """A compiled gazetteer file opened read-only; safe to share between threads."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"no compiled gazetteer at {self.path}: run `eventwire gazetteer build`")
        self._local = threading.local()
        self.meta = {k: json.loads(v) for k, v in self._db().execute("SELECT k, v FROM meta")}
        self._fuzzy_keys: dict[str, list[int]] = {}
        self._fuzzy_blocks: dict[str, list[str]] = {}
        self._fuzzy_lock = threading.Lock()
        self.lookup = lru_cache(maxsize=50_000)(self._lookup)
        self.place = lru_cache(maxsize=50_000)(self._place)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
            self._local.db = db
        return db

    @property
    def build_id(self) -> str:
        return self.meta.get("build_id", "")

    def _place(self, gid: int) -> dict | None:
        row = self._db().execute(
            "SELECT gid, name, lat, lon, country, admin1, admin1_gid, fcode, pop, source FROM places WHERE gid=?",
            (gid,)).fetchone()
        return dict(zip(PLACE_FIELDS, row, strict=True)) if row else None

    def _lookup(self, surface: str) -> tuple[tuple[int, str, bool], ...]:
        """(geonameid, kind, by_key) for every entry whose name matches `surface`.

        The normalised form is tried first; only when it finds nothing is the
        transliteration key used. Abbreviations ("US", "Ky.") must match their case.
        """
        n = norm(surface)
        if not n:
            return ()
        bare = surface.replace(".", "").replace(" ", "")
        rows = self._db().execute("SELECT gid, kind, abbr, form FROM names WHERE norm=?", (n,)).fetchall()
        shouted = bare.isupper() and len(bare) <= 4  # "UN", "US": only an abbreviation, never the town "Un"
        out = [(g, k, False) for g, k, ab, form in rows
               if (not ab and not shouted) or (ab and (form or "").replace(".", "").replace(" ", "") == bare)]
        if not out:
            k = key(surface)
            if k and len(k) >= 4:
                rows = self._db().execute("SELECT gid, kind, abbr FROM names WHERE key=?", (k,)).fetchall()
                out = [(g, kd, True) for g, kd, ab in rows if not ab]
        seen: set[tuple[int, str]] = set()
        uniq = []
        for g, k, by_key in out:
            if (g, k) not in seen:
                seen.add((g, k))
                uniq.append((g, k, by_key))
        return tuple(uniq)

    def _fuzzy_block(self, first: str) -> list[str]:
        """Keys of the notable entries (admin units, countries, towns >= 15k) starting with `first`.

        Blocked by first letter (a misspelling rarely changes it) and read on first use from the
        build's fuzzy table, so no process pays for the whole list up front.
        """
        block = self._fuzzy_blocks.get(first)
        if block is not None:
            return block
        with self._fuzzy_lock:  # two threads filling one block would list a key's places twice
            block = self._fuzzy_blocks.get(first)
            return block if block is not None else self._fill_fuzzy_block(first)

    def _fill_fuzzy_block(self, first: str) -> list[str]:
        """Read one block of the build's fuzzy table and publish it (under the lock), its keys'
        places listed once."""
        rows = self._db().execute("SELECT key, gid FROM fuzzy WHERE key >= ? AND key < ? ORDER BY rowid",
                                  (first, chr(ord(first) + 1)))
        block = []
        for k, g in rows:
            if k not in self._fuzzy_keys:
                self._fuzzy_keys[k] = []
                block.append(k)
            self._fuzzy_keys[k].append(g)
        self._fuzzy_blocks[first] = block
        return block

    def fuzzy(self, surface: str, threshold: float = 88.0) -> list[tuple[int, float]]:
        """(geonameid, similarity 0-100) of notable places whose key is close to the surface's."""
        from rapidfuzz import fuzz, process

        k = key(surface)
        if len(k) < 5:
            return []
        block = self._fuzzy_block(k[0])
        hits = process.extract(k, block, scorer=fuzz.ratio, score_cutoff=threshold, limit=5)
        return [(g, float(score)) for name, score, _ in hits for g in self._fuzzy_keys[name]]


_open: dict[str, Gazetteer] = {}
_lock = threading.Lock()


def load(cache_dir: str | os.PathLike | None = None, build_if_missing: bool = True,
         progress: bool = True, supplement: list[dict[str, str]] | None = None) -> Gazetteer:
    """The compiled gazetteer for the current sources (built first if missing), shared per process.

    `supplement`: a saved pipeline's supplement rows, in place of the packaged ones."""
    from eventwire.gazetteer.builder import build, gazetteer_path

    path = gazetteer_path(cache_dir, supplement)
    with _lock:
        g = _open.get(str(path))
        if g is None:
            if not path.is_file():
                if not build_if_missing:
                    raise FileNotFoundError(f"no compiled gazetteer at {path}: run `eventwire gazetteer build`")
                build(cache_dir, progress=progress, supplement=supplement)
            g = _open[str(path)] = Gazetteer(path)
        return g
