"""Countries: ISO codes, names, aliases, demonyms, capital and a GeoNames-style point.

From `countryinfo` (names, alt spellings, demonym, capital, lat/lon as GeoNames
gives them), plus `data/countries_extra.csv` for demonyms and short names that
news uses and the package lacks. Shared by the places layer (demonyms as places)
and the actors layer (countries as actors).
"""

from __future__ import annotations

from functools import lru_cache

from eventwire.data import read_csv


def _clean(names) -> list[str]:
    out = []
    for n in names or []:
        n = str(n).strip()
        if len(n) > 2 and n not in out:  # two-letter codes ("SY") are not names in running text
            out.append(n)
    return out


@lru_cache(maxsize=1)
def countries() -> tuple[dict, ...]:
    """Every country: iso3, iso2, name, aliases, demonyms, capital, lat, lon, population."""
    from countryinfo import all_countries

    rows: dict[str, dict] = {}
    for c in all_countries():
        d = c.info()
        iso = d.get("ISO") or {}
        iso3 = iso.get("alpha3")
        if not iso3:
            continue
        latlng = d.get("latlng") or [None, None]
        dem = d.get("demonym")
        prev = rows.get(iso3)
        if prev is not None and (prev["population"] >= int(d.get("population") or 0)):
            # countryinfo lists some codes twice ("United Kingdom" and "Wales" as GBR): keep the
            # populated entry (the other is a constituent or an old name, not the country)
            continue
        rows[iso3] = {
            "iso3": iso3, "iso2": iso.get("alpha2"), "name": d.get("name"),
            "aliases": _clean([d.get("name"), *(d.get("altSpellings") or [])]),
            "demonyms": _clean([dem] if dem else []),
            "capital": d.get("capital") or None,
            "lat": float(latlng[0]) if latlng and latlng[0] is not None else None,
            "lon": float(latlng[1]) if len(latlng) > 1 and latlng[1] is not None else None,
            "population": int(d.get("population") or 0),
        }
    for extra in read_csv("countries_extra.csv"):
        r = rows.get(extra["iso3"])
        if r is None:
            continue
        for field in ("aliases", "demonyms"):
            for v in filter(None, (extra.get(field) or "").split("|")):
                if v not in r[field]:
                    r[field].append(v)
    return tuple(rows[k] for k in sorted(rows))


@lru_cache(maxsize=1)
def by_iso3() -> dict[str, dict]:
    return {c["iso3"]: c for c in countries()}


@lru_cache(maxsize=1)
def name_index() -> dict[str, tuple[str, str]]:
    """Lower-cased country name/alias/demonym -> (iso3, "name"|"demonym")."""
    idx: dict[str, tuple[str, str]] = {}
    # a shared name ("American": USA, Northern Mariana Islands) goes to the most populous country
    for c in sorted(countries(), key=lambda c: -c["population"]):
        for n in c["aliases"]:
            idx.setdefault(n.lower(), (c["iso3"], "name"))
        for n in c["demonyms"]:
            idx.setdefault(n.lower(), (c["iso3"], "demonym"))
    return idx
