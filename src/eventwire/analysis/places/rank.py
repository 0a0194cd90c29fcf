"""Pick each mention's reading: prior + country evidence + spatial coherence, a few rounds.

Names in one story refer to places near each other (a local paper's "Athens" and
"Henderson County" are both in Texas), and a state named in the text holds the towns
in it. Each distinct name's candidates get a probability; a few rounds let every
name's likely readings support close readings of the others, weighted down for names
with many readings. A `Ranking` is made per document.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np

from eventwire.analysis.places.candidates import OTHER_NAME, Mention, fame, prior
from eventwire.analysis.places.evidence import PairContext

# between two names of one list: "Montana and Wyoming", "Douglas, Sarpy"
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+|&\s+)?|\s+(?:and|or|&)\s+)", re.I)


@dataclass(frozen=True)
class Weights:
    """How much each kind of evidence counts (set by hand on the dev sets)."""

    country: float = 0.45
    spatial: float = 0.6
    temperature: float = 0.1
    plausible: float = 0.5
    fame: float = 0.7


def _haversine_km(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """All-pairs great-circle distances (km) between points given in degrees."""
    la, lo = np.radians(lat), np.radians(lon)
    dlat = la[:, None] - la[None, :]
    dlon = lo[:, None] - lo[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(la)[:, None] * np.cos(la)[None, :] * np.sin(dlon / 2) ** 2
    return 12742.0 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def relation(cands: list[dict]) -> np.ndarray:
    """How much candidate j supports candidate i as a neighbour in one story (0..1).

    Spatial minimality: places named together lie close together. A first-level
    unit supports the places inside it (and they support it); other places support
    each other by distance (1 within 40 km, fading to 0 at 300 km) or by sharing a
    first-level unit. Countries and continents carry country evidence separately.
    """
    n = len(cands)
    lat = np.array([c["lat"] for c in cands], dtype=float)
    lon = np.array([c["lon"] for c in cands], dtype=float)
    gid = np.array([c["geonameid"] for c in cands], dtype=np.int64)
    a1 = np.array([c.get("admin1_gid") or 0 for c in cands], dtype=np.int64)
    fc = [c.get("feature_code") or "PPL" for c in cands]
    big = np.array([f in ("PCLI", "CONT", "RGN") for f in fc])
    adm1 = np.array([f == "ADM1" for f in fc])
    d = _haversine_km(lat, lon)
    near = np.clip(1.0 - (d - 40.0) / 260.0, 0.0, 1.0)
    same_a1 = (a1[:, None] == a1[None, :]) & (a1[:, None] != 0)
    r = np.maximum(near, 0.5 * same_a1)
    inside = a1[:, None] == gid[None, :]  # i lies in unit j
    r = np.where(adm1[None, :], inside.astype(float), r)
    r = np.where(adm1[:, None], (a1[None, :] == gid[:, None]).astype(float), r)
    r = np.where(adm1[:, None] & adm1[None, :], (gid[:, None] == gid[None, :]).astype(float), r)
    r[big[:, None] | big[None, :]] = 0.0
    return r.reshape(n, n)


class Ranking:
    """The candidate readings of one document's live mentions, scored together."""

    def __init__(self, full_text: str, live: list[Mention], pair_ctx: PairContext, base_countries: Counter,
                 w: Weights):
        self.live, self.pair_ctx, self.base_countries, self.w = live, pair_ctx, base_countries, w
        self.adm1_of = {id(m): [c for c in m.cands if c.get("feature_code") == "ADM1" and c.get("lat") is not None]
                        for m in live if not any(c.get("feature_code") == "PCLI" for c in m.cands)}
        # a place called so only by another of its names ("Philadelphia", an old name of Amman) yields to
        # one called so by its own; not a country ("Palestine" for the Palestinian Territory)
        self.primary = {id(m) for m in live if any(not c.get("_alt") for c in m.cands)}
        self._rows()
        self._relations(full_text)
        self._fame_rows()

    def other_name(self, m: Mention, c: dict) -> bool:
        return bool(c.get("_alt")) and id(m) in self.primary and c.get("feature_code") != "PCLI"

    def fixed(self, m: Mention, c: dict) -> float:
        """A reading's score from its own evidence: prior, the text's pairs, unit words."""
        s = prior(c) * c["_match"]
        if self.other_name(m, c):
            s *= OTHER_NAME
        if id(m) in self.pair_ctx:
            units, ccs = self.pair_ctx[id(m)]
            if c.get("admin1_gid") in units or c["geonameid"] in units:
                s += 1.5
            elif c.get("country") in ccs:
                s += 0.6
        if m.admin_only and c.get("feature_code") == "ADM1":
            s += 0.2
        elif not m.admin_only and (c.get("feature_code") or "PPL").startswith("PPL") \
                and (c.get("population") or 0) >= 10_000 and any(
                a.get("country") == c.get("country") and abs(a["lat"] - c["lat"]) + abs(a["lon"] - c["lon"]) < 0.6
                for a in self.adm1_of.get(id(m), ())):
            s += 0.5  # "Kandahar", "Khan Yunis": the city, not the province named after it
        if "county" in m.text.lower() and c.get("feature_code") == "ADM2":
            s += 0.5
        return s

    def _rows(self) -> None:
        """One row per (mention, candidate); mentions of one name share their evidence group."""
        live = self.live
        rows: list[tuple[int, int, dict]] = []
        group_of: dict[str, int] = {}
        for mi, m in enumerate(live):
            g = group_of.setdefault(m.text.lower(), len(group_of))
            ranked = sorted(m.cands, key=lambda c: -self.fixed(m, c))[:40]
            m.cands = ranked
            rows += [(mi, g, c) for c in ranked]
        self.rows, self.group_of, self.n_groups = rows, group_of, len(group_of)
        self.cands = [c for _, _, c in rows]
        self.mi_of = np.array([r[0] for r in rows])
        self.g_of = np.array([r[1] for r in rows])
        self.base = np.array([self.fixed(live[r[0]], r[2]) for r in rows])
        self.idx_of = [np.flatnonzero(self.mi_of == mi) for mi in range(len(live))]
        # the rows grouped by name, for the best support of each name (a max per group of columns)
        order = np.argsort(self.g_of, kind="stable")
        self.group_cols = order, np.flatnonzero(np.r_[True, self.g_of[order][1:] != self.g_of[order][:-1]])
        self.dateline_g = {group_of[m.text.lower()] for m in live if m.source == "dateline"}

    def _relations(self, full_text: str) -> None:
        """Spatial support between readings, siblings in a list, and how much each name's word weighs."""
        live, cands, mi_of, g_of = self.live, self.cands, self.mi_of, self.g_of
        rel = relation(cands)
        # names listed together are of one kind: "Montana and Wyoming" are two states of one country
        listed = np.zeros((len(live), len(live)), dtype=bool)
        for a in range(len(live) - 1):
            if _LIST_GAP.fullmatch(full_text[live[a].end:live[a + 1].start]):
                listed[a, a + 1] = listed[a + 1, a] = True
        if listed.any():
            adm1_row = np.array([c.get("feature_code") == "ADM1" for c in cands])
            ctry = np.array([str(c.get("country")) for c in cands])
            sib = listed[mi_of[:, None], mi_of[None, :]] & adm1_row[:, None] & adm1_row[None, :] \
                & (ctry[:, None] == ctry[None, :])
            rel[sib] = 1.0
        rel[g_of[:, None] == g_of[None, :]] = 0.0  # a name does not support itself
        self.rel = rel
        # a name with many readings ("Washington") is weak evidence for any one of them
        n_read = np.bincount(mi_of, minlength=len(live)).astype(float)
        self.weight = 1.0 / (1.0 + 0.5 * np.log(n_read[mi_of]))
        self.demonym = np.array([live[r[0]].kind == "demonym" for r in self.rows])
        self.weight[self.demonym] = 0.0

    def _fame_rows(self) -> None:
        """The fame a name's reading abroad loses is the same for all its readings in one country, so
        that Washington, D.C. keeps its rank over Washington State however foreign the story."""
        cands, mi_of = self.cands, self.mi_of
        self.cc = cc = [c.get("country") for c in cands]
        fm = np.array([fame(c) * c["_match"] for c in cands])
        top: dict[tuple[int, str], float] = {}
        for i, c in enumerate(cc):
            top[(mi_of[i], c)] = max(top.get((mi_of[i], c), 0.0), fm[i])
        self.fame = np.array([top[(mi_of[i], c)] for i, c in enumerate(cc)])
        self.alt_row = np.array([self.other_name(self.live[mi_of[i]], c) for i, c in enumerate(cands)])

    def run(self) -> None:
        """Three rounds of scoring, then each mention's best reading and its confidence."""
        score = self.base.copy()
        q = np.zeros(len(self.rows))
        prob = np.zeros(len(self.rows))
        for _round in range(3):
            self._round(score, q, prob)
        cands = self.cands
        for mi, m in enumerate(self.live):
            idx = self.idx_of[mi]
            order = sorted(idx, key=lambda i: (-score[i], -(cands[i].get("population") or 0), cands[i]["geonameid"]))
            best = order[0]
            m.best = cands[best]
            if len(order) > 1:
                margin = score[best] - score[order[1]]
                m.score = max(0.05, min(1.0, cands[best]["_match"] * (0.6 + margin)))
            else:
                m.score = max(0.05, min(1.0, cands[best]["_match"] * 0.95))

    def _round(self, score: np.ndarray, q: np.ndarray, prob: np.ndarray) -> None:
        w, g_of, base = self.w, self.g_of, self.base
        # each name's readings: their probabilities, and how plausible each is beside the name's best
        for idx in self.idx_of:
            rel_score = score[idx] - score[idx].max()
            z = np.exp(rel_score / w.temperature)
            prob[idx] = z / z.sum()
            q[idx] = np.exp(rel_score / w.plausible)
        # spatial support: for each other name, its best-supporting plausible reading. Counting every
        # plausible reading, not only the likely one, lets two ambiguous names settle each other:
        # "Lebanon" and "Boone County" are both in Indiana, though neither alone says so
        contrib = self.rel * (q * self.weight)[None, :]
        per_group = np.zeros((len(self.rows), self.n_groups))
        order, starts = self.group_cols
        per_group[:, g_of[order][starts]] = np.maximum(np.maximum.reduceat(contrib[:, order], starts, axis=1), 0.0)
        support = per_group.sum(axis=1)
        mass, seen_g, setting_g = self._countries(prob)
        setting: Counter = Counter()
        for cnt in setting_g.values():
            setting.update(cnt)
        total = sum(setting.values())
        own_total = {g: sum(cnt.values()) for g, cnt in setting_g.items()}
        share = np.zeros(len(self.rows))
        conf = np.zeros(len(self.rows))
        for i, c in enumerate(self.cc):
            m_c = mass.get(c, 0.0) - seen_g[g_of[i]][c]
            score[i] = (base[i] + w.country * min(m_c, 3.0) / 3.0 + (0.1 if m_c > 0.3 else 0.0)
                        + w.spatial * min(support[i], 3.0))
            others = total - own_total.get(g_of[i], 0.0)
            if others > 1e-6:
                share[i] = (setting[c] - setting_g[g_of[i]][c]) / others
                conf[i] = min(1.0, others)
        # a capital's or a country's fame is what a reader assumes without context; a story set in
        # another country that has a town of that name takes the fame away ("Paris" in a story about
        # Dallas is Paris, Texas), in proportion to how clearly the story is set there
        for mi, idx in enumerate(self.idx_of):
            if self.group_of[self.live[mi].text.lower()] in self.dateline_g:
                continue  # a dateline names a place its readers know: "OTTAWA -" is Canada's capital
            score[idx] -= w.fame * self.fame[idx] * np.maximum(0.0, share[idx].max() - share[idx]) * conf[idx]
        score[self.alt_row] *= OTHER_NAME  # its prior yielded above; the context it gathers yields too

    def _countries(self, prob: np.ndarray) -> tuple[Counter, dict[int, Counter], dict[int, Counter]]:
        """Country evidence: the probability mass of the names in each country (mass, and per name
        group), and where the story is set: the countries of its towns and provinces per group (a
        country it names may be only its topic: "the U.S." in a story from Gaza)."""
        g_of, demonym, cands = self.g_of, self.demonym, self.cands
        mass: Counter = Counter(self.base_countries)
        seen_g: dict[int, Counter] = defaultdict(Counter)
        setting_m: dict[int, Counter] = defaultdict(Counter)
        for i, c in enumerate(self.cc):
            seen_g[g_of[i]][c] = max(seen_g[g_of[i]][c], prob[i] * (0.5 if demonym[i] else 1.0))
            if not demonym[i] and cands[i].get("feature_code") not in ("PCLI", "CONT", "RGN"):
                setting_m[self.mi_of[i]][c] += prob[i]  # "Henry County": ten counties, all in the US
        setting_g: dict[int, Counter] = defaultdict(Counter)
        for mi, cnt in setting_m.items():
            g = g_of[self.idx_of[mi][0]]
            for c, w in cnt.items():
                setting_g[g][c] = max(setting_g[g][c], w)
        for cnt in seen_g.values():
            mass.update(cnt)
        return mass, seen_g, setting_g
