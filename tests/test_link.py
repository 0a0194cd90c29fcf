"""Incident linking on hand-written reports (tests/data/linking): grouping, origins, grades.

The reports are written for these tests in news style (see tests/data/linking/README.md);
their events are a coder's reading turned into contract documents by
tests/data/linking/annotations.py, so the linker is tested apart from the upstream layers.
"""

from __future__ import annotations

import importlib.util
import json
from itertools import combinations
from pathlib import Path

import pytest

from eventwire.link import link_events, reports_from_documents
from eventwire.link.corrections import apply_corrections, make_correction
from eventwire.link.export import CSV_COLUMNS, export
from eventwire.link.origins import cited_origins, count_origins
from eventwire.link.reports import date_window

DATA = Path(__file__).resolve().parent / "data" / "linking"


@pytest.fixture(scope="module")
def ann():
    spec = importlib.util.spec_from_file_location("linking_annotations", DATA / "annotations.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def contested(ann):
    rows = ann.load_rows("contested.jsonl")
    return rows, [ann.to_document(r) for r in rows]


def _incident_of(res, article: str) -> dict:
    return next(i for i in res.incidents if any(r["article"] == article for r in i["reports"]))


def test_six_outlets_one_contested_incident(contested):
    rows, docs = contested
    res = link_events(docs)
    inc = _incident_of(res, "c01-sana")
    arts = {r["article"] for r in inc["reports"]}
    assert arts == {"c01-sana", "c02-amaq", "c03-reuters", "c04-sohr", "c05-cjtf", "c06-mee"}
    assert len(inc["reports"]) == 7  # the wire's two versions are both kept
    assert inc["grade"] == "contested"
    assert "denied" in inc["grade_reason"]
    # SANA (and the wire and the syndicated copy citing state media), Amaq, SOHR
    assert inc["origins"] == 3
    assert inc["origins_all"] == 4  # plus the denying coalition
    assert {r["status"] for r in inc["reports"]} == {"alleged", "reported", "denied"}
    assert inc["killed"] == {"min": 11, "max": 16}
    assert inc["type"] == "ASSAULT" and inc["mode"] == "aerial" and inc["date"] == "2018-06-12"


def test_nearby_incidents_stay_apart(contested):
    rows, docs = contested
    res = link_events(docs)
    assert len(res.incidents) == 3
    for label in ("bukamal-0612", "shafaa-0616"):
        mine = {r["id"] for r in rows if r["incident"] == label}
        inc = _incident_of(res, next(iter(mine)))
        assert {r["article"] for r in inc["reports"]} == mine
        assert inc["grade"] == "fair" and inc["origins"] == 2


def test_labelled_set_pairwise_precision_recall(ann):
    rows = ann.load_rows("labelled.jsonl") + ann.load_rows("contested.jsonl") + ann.load_rows("nearmiss.jsonl")
    assert len(rows) >= 60 and len({r["incident"] for r in rows}) >= 20
    res = link_events([ann.to_document(r) for r in rows])
    pred = {r["id"]: res.assignment.get(f"{r['id']}:e0") for r in rows}
    tp = fp = fn = 0
    for a, b in combinations(rows, 2):
        gold, got = a["incident"] == b["incident"], pred[a["id"]] == pred[b["id"]]
        tp += gold and got
        fp += got and not gold
        fn += gold and not got
    assert tp / (tp + fp) >= 0.9
    assert tp / (tp + fn) >= 0.9


def test_near_misses_stay_apart(ann):
    """Same town next day, same day next town, same perpetrator other target (nearmiss.jsonl)."""
    rows = ann.load_rows("nearmiss.jsonl")
    res = link_events([ann.to_document(r) for r in rows])
    pred = {r["id"]: res.assignment[f"{r['id']}:e0"] for r in rows}
    for a, b in combinations(rows, 2):
        assert (pred[a["id"]] == pred[b["id"]]) == (a["incident"] == b["incident"]), (a["id"], b["id"])


def _doc(aid: str, events: list[dict], places: list[dict], outlet: str = "reuters", text: str = "x") -> dict:
    return {"article": {"id": aid, "published": "2020-05-02", "text": text,
                        "outlet": {"id": outlet, "name": outlet, "country": None, "affiliation": "wire"}},
            "places": places, "actors": [], "claims": [], "events": events}


def _ev(eid: str, place: str, date: str = "2020-05-01", killed: int | None = None) -> dict:
    return {"id": eid, "type": "ASSAULT", "mode": "aerial", "place": place, "date": date,
            "date_precision": "day", "killed": {"min": killed, "max": killed},
            "sentence": {"start": 0, "end": 1}, "status": "reported"}


PLACES = [{"id": "p0", "lat": 35.0, "lon": 38.0, "precision": "village", "country": "SYR", "admin1": "X"},
          {"id": "p1", "lat": 35.01, "lon": 38.01, "precision": "village", "country": "SYR", "admin1": "X"},
          {"id": "p2", "lat": 36.0, "lon": 39.0, "precision": "village", "country": "SYR", "admin1": "Y"}]


def test_one_article_two_events_two_incidents_unless_repeated():
    # two strikes on two villages in one article: never one incident, even with a third report of each
    d1 = _doc("a1", [_ev("e0", "p0", killed=5), _ev("e1", "p2", killed=5)], PLACES)
    d2 = _doc("a2", [_ev("e0", "p0", killed=5)], PLACES, outlet="afp")
    res = link_events([d1, d2])
    assert res.assignment["a1:e0"] != res.assignment["a1:e1"]
    assert res.assignment["a1:e0"] == res.assignment["a2:e0"]
    # the same strike told twice (lead and later paragraph, nearby place names): one incident
    d3 = _doc("a3", [_ev("e0", "p0", killed=5), _ev("e1", "p1", killed=5)], PLACES)
    res = link_events([d3])
    assert res.assignment["a3:e0"] == res.assignment["a3:e1"]


def test_syndicated_copy_is_one_origin(contested):
    rows, docs = contested
    by_id = {d["article"]["id"]: d for d in docs}
    reps = reports_from_documents([by_id["c03-reuters"], by_id["c06-mee"]])
    origins, per_report = count_origins(reps)
    # the copy adds nothing: both carry SANA's (state media) and Amaq's versions
    assert set(origins) == {"state:SYR", "outlet:amaq"}
    assert per_report["c06-mee:e0"] == ["state:SYR"]


def test_citation_patterns():
    keys = [o[0] for o in cited_origins("the strike killed 12, according to SANA.", None)]
    assert keys == ["state:SYR"]
    keys = [o[0] for o in cited_origins("Iranian state television reported the blast", None)]
    assert keys == ["state:IRN"]
    keys = [o[0] for o in cited_origins("state media said, citing Reuters", "YEM")]
    assert set(keys) == {"state:YEM", "outlet:reuters"}
    assert cited_origins("residents said the strike hit a market", None) == []


def test_date_windows():
    assert date_window({"date": "2020-05-01", "date_precision": "day"}, None)[1] - \
        date_window({"date": "2020-05-01", "date_precision": "day"}, None)[0] == 0
    lo, hi = date_window({"date": "2020-02-10", "date_precision": "month"}, "2020-03-05")
    assert hi - lo == 28  # all of February 2020
    lo, hi = date_window({"date": "2020-03-05", "date_precision": "publication"}, "2020-03-05")
    assert hi - lo == 3  # the days before publication
    assert date_window({"date": "garbage"}, None) == (None, None)


def _grade(docs) -> tuple[str, str]:
    res = link_events(docs)
    assert len(res.incidents) == 1, res.incidents
    return res.incidents[0]["grade"], res.incidents[0]["grade_reason"]


def _gdoc(aid, outlet, affiliation, country, actors, speaker=None, status="reported", killed=3):
    acts = [{"id": f"a{i}", "text": a[0], "start": 0, "end": 1, "name": a[0], "entity": a[0],
             "country": a[1], "sector": a[2]} for i, a in enumerate(actors)]
    claims = []
    ev = _ev("e0", "p0", killed=killed)
    ev.update(actors=[a["id"] for a in acts], status=status)
    if speaker is not None:
        acts.append({"id": "sx", "text": speaker[0], "start": 0, "end": 1, "name": speaker[0], "entity": speaker[0],
                     "country": speaker[1], "sector": speaker[2]})
        claims = [{"id": "c0", "kind": "indirect", "speaker": {"text": speaker[0], "actor": "sx"},
                   "cue": {"text": "said", "start": 0, "end": 0}, "content": {"start": 0, "end": 1}}]
        ev["claim"] = "c0"
    d = _doc(aid, [ev], PLACES, outlet=outlet, text=f"report {aid} " * 3)
    d["article"]["outlet"].update(affiliation=affiliation, country=country)
    d["actors"], d["claims"] = acts, claims
    return d


ARMY = ("syr_army", "SYR", "MIL")
RUSSIA = ("rus_army", "RUS", "MIL")
MONITOR = ("sohr", "GBR", "NGO")
UKRAINE = ("ukr_government", "UKR", "GOV")


def test_grades_from_origins_and_perpetrators():
    assert _grade([_gdoc("g1", "reuters", "wire", "GBR", [ARMY])])[0] == "weak"
    g, why = _grade([_gdoc("g1", "reuters", "wire", "GBR", [ARMY]), _gdoc("g2", "afp", "wire", "FRA", [ARMY])])
    assert g == "fair" and "2 independent origins" in why
    # two origins that are both parties: not fair
    g, why = _grade([_gdoc("g1", "sana", "state", "SYR", [ARMY]), _gdoc("g2", "anha", "armed-group", "SYR", [ARMY])])
    assert g == "confirmed"  # SANA reporting the army's own strike in its own voice
    g, why = _grade([_gdoc("g1", "tass", "state", "RUS", [ARMY]), _gdoc("g2", "anha", "armed-group", "SYR", [ARMY])])
    assert g == "weak" and "only parties" not in why or g == "fair"
    # the perpetrator speaks: confirmed
    g, _ = _grade([_gdoc("g1", "reuters", "wire", "GBR", [ARMY], speaker=ARMY, status="alleged")])
    assert g == "confirmed"
    # competing claims: speakers of two origins blame sides with nothing in common
    g, why = _grade([_gdoc("g1", "reuters", "wire", "GBR", [ARMY], speaker=MONITOR, status="alleged"),
                     _gdoc("g2", "afp", "wire", "FRA", [RUSSIA], speaker=UKRAINE, status="alleged")])
    assert g == "contested" and "competing" in why
    # one side under two keys (the country code and its party entity) does not compete with itself
    g, why = _grade([_gdoc("g1", "reuters", "wire", "GBR", [ARMY], speaker=MONITOR, status="alleged"),
                     _gdoc("g2", "afp", "wire", "FRA", [("syr", "SYR", None)], speaker=UKRAINE, status="alleged")])
    assert g == "fair", why
    # a denial by the alleged perpetrator
    g, why = _grade([_gdoc("g1", "reuters", "wire", "GBR", [RUSSIA]),
                     _gdoc("g2", "afp", "wire", "FRA", [RUSSIA], speaker=RUSSIA, status="denied", killed=None)])
    assert g == "contested" and "denied" in why


def test_corrections_survive_relinking(contested):
    rows, docs = contested
    first = link_events(docs)
    a = _incident_of(first, "c07-sohr-bukamal")["id"]
    b = _incident_of(first, "c09-sana-0616")["id"]
    keys = {i["id"]: [f"{r['article']}:{r['event']}" for r in i["reports"]] for i in first.incidents}
    corr = [make_correction("merge", a, other=b, anchors=keys[a], other_anchors=keys[b], by="t"),
            make_correction("split", _incident_of(first, "c01-sana")["id"], event="c02-amaq:e0",
                            anchors=keys[_incident_of(first, "c01-sana")["id"]], by="t"),
            make_correction("grade", a, grade="discounted", anchors=keys[a], note="wrong village", by="t")]
    again = link_events(docs, previous=first.assignment, corrections=corr)
    merged = _incident_of(again, "c07-sohr-bukamal")
    assert {r["article"] for r in merged["reports"]} >= {"c07-sohr-bukamal", "c09-sana-0616"}
    assert merged["grade"] == "discounted" and "wrong village" in merged["grade_reason"]
    assert merged["id"] == a
    assert len(_incident_of(again, "c02-amaq")["reports"]) == 1
    assert again.assignment["c01-sana:e0"] == first.assignment["c01-sana:e0"]  # the larger part keeps its id
    # pure cluster-level application
    out, grades, skipped, _ids = apply_corrections([["x"], ["y", "z"]], [make_correction("split", "i", event="q",
                                                                                    anchors=["y"])])
    assert out == [["x"], ["y", "z"]] and skipped


def test_new_reports_join_existing_incidents(ann):
    rows = ann.load_rows("labelled.jsonl")
    docs = [ann.to_document(r) for r in rows]
    first = link_events(docs[::2])
    again = link_events(docs, previous=first.assignment)
    for key, iid in first.assignment.items():
        assert again.assignment[key] == iid
    kept = {i["id"] for i in first.incidents}
    grown = [i for i in again.incidents if i["id"] in kept and len(i["reports"]) > 1]
    assert grown


def test_exports(contested):
    rows, docs = contested
    incs = link_events(docs).incidents
    lines = "".join(export(incs, "jsonl")).splitlines()
    rec = json.loads(lines[0])
    for k in ("schema", "id", "type", "mode", "date", "end_date", "place", "actors", "recipients", "killed",
              "injured", "grade", "origins", "reports"):
        assert k in rec
    assert rec["schema"] == "eventwire/incident/1"
    assert set(rec["reports"][0]) >= {"article", "event", "outlet", "status"}
    import csv
    import io

    table = list(csv.DictReader(io.StringIO("".join(export(incs, "csv")))))
    assert len(table) == 3 and list(table[0]) == list(CSV_COLUMNS)
    shafaa = next(r for r in table if r["location"] == "al-Shafaa" and r["event_date"] == "2018-06-12")
    assert shafaa["fatalities"] == "11" and shafaa["event_type"] == "Explosions/Remote violence"
    assert shafaa["sub_event_type"] == "Air/drone strike" and shafaa["geo_precision"] == "1"
    gj = json.loads("".join(export(incs, "geojson")))
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == 3
    assert gj["features"][0]["geometry"]["type"] == "Point"


def test_bad_documents_do_not_crash():
    bad = [{}, {"article": {}}, {"article": {"id": "z", "text": "t"}, "events": [None, {"id": "e0"},
           {"id": "e1", "type": "ASSAULT", "date": "not a date", "place": "p9", "killed": {"min": "many"}}]},
           "not a dict"]
    res = link_events(bad)
    assert len(res.incidents) == 1 and res.incidents[0]["grade"] == "weak"


TOWN = {"id": "p0", "text": "Kafr Nabl", "geonameid": 1, "lat": 35.61, "lon": 36.56, "precision": "town",
        "country": "SYR", "admin1": "Idlib", "kind": "toponym", "start": 0, "end": 9}
PROVINCE = {"id": "p0", "text": "Idlib", "geonameid": 2, "lat": 35.8, "lon": 36.6, "precision": "province",
            "country": "SYR", "admin1": "Idlib", "kind": "toponym", "start": 0, "end": 5}
OTHER_PROVINCE = dict(PROVINCE, geonameid=3, admin1="Hama", text="Hama")


def _one(aid: str, place: dict | None, mode: str | None, killed: int | None, outlet: str, text: str,
         actors: list[dict] = ()) -> dict:
    ev = {"id": "e0", "type": "ASSAULT", "mode": mode, "place": place and "p0", "date": "2020-05-01",
          "date_precision": "day", "killed": {"min": killed, "max": killed}, "actors": [a["id"] for a in actors],
          "sentence": {"start": 0, "end": len(text)}, "status": "reported"}
    return {"article": {"id": aid, "published": "2020-05-01", "text": text,
                        "outlet": {"id": outlet, "name": outlet, "country": None, "affiliation": "wire"}},
            "places": [place] if place else [], "actors": list(actors), "claims": [], "events": [ev]}


RUS = {"id": "a0", "name": "Russian air force", "entity": "rus_air_force", "country": "RUS", "sector": "MIL"}


def test_compatible_not_equal_places_modes_and_tolls():
    """A town and its province, aerial and unspecified mode, a missing toll: still one incident."""
    t1 = "Kafr Nabl market was hit by Russian air strikes on Friday, killing nine civilians."
    t2 = "Russian warplanes struck the Kafr Nabl market in Idlib province on Friday."
    town = _one("a1", TOWN, "aerial", 9, "sohr", t1, [RUS])
    prov = _one("a2", PROVINCE, None, None, "afp", t2, [RUS])
    res = link_events([town, prov])
    assert res.assignment["a1:e0"] == res.assignment["a2:e0"]
    # the province of another governorate is not compatible: the same words cannot join them
    other = _one("a3", OTHER_PROVINCE, None, None, "afp", t2.replace("Idlib", "Hama"), [RUS])
    res = link_events([town, other])
    assert res.assignment["a1:e0"] != res.assignment["a3:e0"]


def test_place_unknown_needs_other_evidence():
    """An event without a place links only on strong other evidence (actors, wording, toll)."""
    t1 = "Kafr Nabl market was hit by Russian air strikes on Friday, killing nine civilians."
    town = _one("a1", TOWN, "aerial", 9, "sohr", t1, [RUS])
    same = _one("a2", None, "aerial", 9, "afp", "Russian air strikes on the Kafr Nabl market killed nine "
                "civilians on Friday, a monitor said.", [RUS])
    unrelated = _one("a3", None, "aerial", None, "ap", "Warplanes bombed positions of fighters on Friday.")
    res = link_events([town, same, unrelated])
    assert res.assignment["a1:e0"] == res.assignment["a2:e0"]
    assert res.assignment["a3:e0"] != res.assignment["a1:e0"]


def test_split_mentions_of_one_article_are_fused():
    """A toll event without a place and the strike event of the next sentence become one report."""
    text = "Air strikes hit Kafr Nabl on Friday. Nine civilians were killed, medics said."
    doc = _one("a1", TOWN, "aerial", None, "sohr", text)
    doc["events"][0]["sentence"] = {"start": 0, "end": 36}
    doc["events"].append({"id": "e1", "type": "ASSAULT", "mode": None, "place": None, "date": "2020-05-01",
                          "date_precision": "day", "killed": {"min": 9, "max": 9},
                          "sentence": {"start": 37, "end": len(text)}, "status": "reported"})
    reps = reports_from_documents([doc])
    assert len(reps) == 1 and reps[0].also == ("e1",) and reps[0].killed == (9, 9)
    assert reps[0].precision == "town"


def test_transliterations_meet_in_text_similarity():
    from eventwire.link.reports import skeleton

    assert skeleton("Younis") == skeleton("Yunis") and skeleton("Houthi") == skeleton("Huthi")
    assert skeleton("Rafah") != skeleton("Younis")


def test_toponym_text_is_folded():
    from eventwire.link.reports import norm_toponym

    assert norm_toponym("al-Shafaa") == norm_toponym("Al Shafa'a") == norm_toponym("SHAFAA") == "shafa"
    assert norm_toponym("El-Fasher") == norm_toponym("Fasher")
    assert norm_toponym("Sobane Da") == norm_toponym("Sobane-Da") != norm_toponym("Sobane")


def test_class_actors_name_no_perpetrator():
    from eventwire.link.reports import perpetrator_key

    assert perpetrator_key({"name": "militants", "entity": "militants", "country": None, "sector": "REB"}) is None
    assert perpetrator_key({"name": "military", "entity": None, "country": None, "sector": "MIL"}) is None
    assert perpetrator_key({"name": "Ambazonia Defence Forces", "entity": "ambazonia_defence_forces",
                            "country": None, "sector": None}) == "e:ambazonia_defence_forces"
    assert perpetrator_key({"name": "US-led coalition", "entity": "us_led_coalition", "country": "USA",
                            "sector": "MIL"}) == "c:USA"


def _unresolved_doc(aid: str, text: str, village: str, day: str, outlet: str) -> dict:
    """A one-event document whose village the gazetteer did not resolve (no id, no coordinates)."""
    s = text.index(village)
    return {"article": {"id": aid, "text": text, "published": f"{day}T20:00", "outlet": {"id": outlet, "name": outlet}},
            "places": [{"id": "p0", "text": village, "start": s, "end": s + len(village), "geonameid": None,
                        "lat": None, "lon": None, "country": None, "precision": None, "kind": "toponym"}],
            "times": [], "actors": [], "claims": [],
            "events": [{"id": "e0", "type": "ASSAULT", "mode": "aerial", "place": "p0", "date": day,
                        "date_precision": "day", "status": "reported", "actors": [], "recipients": [],
                        "sentence": {"start": 0, "end": len(text)}, "killed": {"min": 5, "max": 5}}]}


def test_unresolved_village_is_place_evidence():
    """Two outlets name the same village the gazetteer lacks, spelt differently: one incident on the
    same day, two on days four apart."""
    a = _unresolved_doc("u1", "Warplanes struck al-Shafaa on Tuesday, killing five people.", "al-Shafaa",
                        "2018-06-12", "x")
    b = _unresolved_doc("u2", "Five people died in an air raid on Shafaa village, a monitor said.", "Shafaa",
                        "2018-06-12", "y")
    c = _unresolved_doc("u3", "Five people died in an air raid on Shafaa village, a monitor said.", "Shafaa",
                        "2018-06-16", "y")
    res = link_events([a, b, c])
    assert res.assignment["u1:e0"] == res.assignment["u2:e0"] != res.assignment["u3:e0"]
    # another village the gazetteer lacks, in the same country on the same day: two incidents
    other = _unresolved_doc("u4", "Five people died in an air raid on Susah village, a monitor said.", "Susah",
                            "2018-06-12", "y")
    for d in (a, b, other):
        d["places"][0]["country"] = "SYR"
    res = link_events([a, b, other])
    assert res.assignment["u1:e0"] == res.assignment["u2:e0"] != res.assignment["u4:e0"]


def test_a_year_wholly_after_the_article_does_not_date_the_incident():
    """'Germany pledged to grow its army by 2030' (a real NYT report of 2016-06-07 in bench-news):
    the year was clipped to the article's day into a window ending before it began, and the incident
    showed date 2030-01-01 with end date 2016-06-07. The event is dated by publication instead."""
    base = {"article": {"id": "a1", "published": "2016-06-07",
                        "text": "Germany pledged on Tuesday to expand its military by 2030."}}
    future = {**base, "events": [{"id": "e1", "type": "MOBILIZE", "status": "reported",
                                  "date": "2030-01-01", "date_precision": "year"}]}
    (rep,) = reports_from_documents([future])
    assert rep.lo is not None and rep.lo <= rep.hi == date_window({"date": "2016-06-07"}, None)[1]
    assert rep.date_precision == "publication"
    (inc,) = link_events([future]).incidents
    assert inc["date"] <= "2016-06-07" and not (inc.get("end_date") and inc["end_date"] < inc["date"])
