"""Train the events layer's type model from the PLOVER and CAMEO-penta dev files (reproducible).

    .venv/bin/python benchmarks/train_events.py            # writes src/eventwire/data/events/type_model.npz

Data: ../shared/data/events-plover-dev.jsonl (one sentence, full PLOVER labels),
events-cameo-penta-dev.jsonl (one sentence, the CAMEO penta class of its main event) and
actors-conflibert-dev.jsonl (the main event's source and target spans). None is copied into the
repo; only weights learnt from them are shipped.

Rows: every event candidate the rules of ``analysis/events.py`` keep in a sentence (lexicon
triggers and verbs the CAMEO dictionary codes), with ``event_typing.features`` (the function the
component calls). Labels, over the 16 PLOVER types and NONE:

* PLOVER: each gold event claims one candidate (its trigger word is in the gold ``event_texts``;
  else the rules gave it the gold type; else the candidate nearest the root) and labels it with
  its type; every other candidate is NONE (the GSR codes the sentence's event, nothing else).
* penta (weak supervision, partial labels): the sentence's main candidate (the rules' type in the
  gold class, else nearest the root) may be any type of the gold class; every other candidate
  any type of a class no more conflictual (the scorer takes the most conflictual class), or NONE.
  Most penta sentences are also in the ConfliBERT actors file (``actors-conflibert-dev.jsonl``,
  the same sentences tokenised), which marks the main event's source and target spans: where
  one candidate's parties are those spans, that candidate is the main one.
* ConfliBERT (roles only): a sentence with no penta twin has one candidate whose parties are the
  labelled source/target; it is an event of some type (any of the 16).

Model: multinomial logistic regression with partial-label likelihood (log of the probability of
the allowed set), L2, full-batch Adam in numpy from zero, fixed iterations: no random state.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PLOVER = SHARED / "data" / "events-plover-dev.jsonl"
PENTA = SHARED / "data" / "events-cameo-penta-dev.jsonl"
CONFLIBERT = SHARED / "data" / "actors-conflibert-dev.jsonl"
OUT = ROOT / "src" / "eventwire" / "data" / "events" / "type_model.npz"

from eventwire.analysis.event_typing import NONE, TypeModel  # noqa: E402

TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
         "REJECT", "THREATEN", "SANCTION", "PROTEST", "MOBILIZE", "COERCE", "ASSAULT"]
CLASSES = TYPES + [NONE]
# CAMEO penta class of each PLOVER type, as ../shared/eval/score.py maps them (REQUEST and none: 0)
PENTA_OF = {"AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "CONCEDE": 2, "COOPERATE": 2, "AID": 2, "RETREAT": 2,
            "ACCUSE": 3, "REJECT": 3, "THREATEN": 3, "SANCTION": 3, "PROTEST": 4, "MOBILIZE": 4,
            "COERCE": 4, "ASSAULT": 4, "REQUEST": 0, NONE: 0}
MIN_COUNT = 2
L2 = 0.003
ITERS = 300
LR = 0.05
PENTA_WEIGHT = 1.0
ROLES_WEIGHT = 1.0
FOLDS = 5


def read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def fold(item_id: str, k: int = FOLDS) -> int:
    """The CV fold of an item (a sentence, the unit both files are drawn by): stable, seedless."""
    return int(hashlib.sha1(item_id.encode("utf-8")).hexdigest(), 16) % k


def build_nlp(learned: bool):
    from eventwire.analysis import build_nlp as _build

    nlp = _build()
    if not learned:
        nlp.get_pipe("eventwire_events").typer.model = None
    return nlp


def collect(nlp, items: list[dict]) -> list[list[dict]]:
    """The candidates (feature rows) of each item, from the real component with no type model."""
    from eventwire.analysis import analyse

    typer = nlp.get_pipe("eventwire_events").typer
    saved = typer.model
    typer.model, typer.trace = None, []
    out = []
    try:
        for it in items:
            n = len(typer.trace)
            analyse(it["text"], nlp=nlp, id=it["id"])
            out.append(typer.trace[n:])
    finally:
        typer.model, typer.trace = saved, None
    return out


def _mask(types: set[str]) -> np.ndarray:
    return np.array([c in types for c in CLASSES], dtype=bool)


def _claims_word(row: dict, words: list[str]) -> bool:
    lem, text = row["lemma"], row["text"]
    return any(w == text or w.startswith(lem[:5]) or lem.startswith(w[:5]) for w in words if len(w) > 2)


def plover_labels(item: dict, rows: list[dict]) -> list[np.ndarray]:
    # the GSR codes one event a sentence: another candidate is NONE, unless it is a whole event of
    # its own (an actor and a recipient found), which the GSR leaves uncoded, not denies
    masks = [_mask({NONE, r["type"]} if "ha=TrueTrue" in r["feats"] else {NONE}) for r in rows]
    free = set(range(len(rows)))
    texts = item.get("event_texts") or []
    for k, ev in enumerate(item["events"]):
        words = (texts[k] if k < len(texts) else "").lower().split()
        order = sorted(free, key=lambda i: rows[i]["depth"])
        pick = next((i for i in order if _claims_word(rows[i], words) and rows[i]["type"] == ev["type"]), None)
        if pick is None:
            pick = next((i for i in order if _claims_word(rows[i], words)), None)
        if pick is None:
            pick = next((i for i in order if rows[i]["type"] == ev["type"]), None)
        if pick is None and order:
            pick = order[0]
        if pick is None:
            break
        free.discard(pick)
        masks[pick] = _mask({ev["type"]})
    return masks


def words(text: str) -> str:
    """A sentence's word characters, lower-cased: the key that finds one sentence in two files
    tokenised differently ("Kiev killed" / "Kiev killed ,")."""
    return re.sub(r"\W", "", text).lower()


def _word_index(text: str) -> list[int]:
    return [m.start() for m in re.finditer(r"\w", text)]


def aligned_roles(role_item: dict, text: str) -> tuple[list[list[int]], list[list[int]]] | None:
    """The labelled source and target spans of a ConfliBERT item, as character ranges of `text`
    (the same sentence in another tokenisation); reciprocal spans count as both. None when the
    sentences differ."""
    src_idx, dst_idx = _word_index(role_item["text"]), _word_index(text)
    if words(role_item["text"]) != words(text):
        return None
    pos = {j: k for k, j in enumerate(src_idx)}

    def mapped(a: int, b: int) -> list[int] | None:
        ks = [pos[j] for j in range(a, b) if j in pos]
        return [dst_idx[ks[0]], dst_idx[ks[-1]] + 1] if ks else None

    src: list[list[int]] = []
    tgt: list[list[int]] = []
    for sp in role_item.get("spans") or []:
        m = mapped(sp["start"], sp["end"])
        if m is None:
            continue
        if sp["role"] in ("source", "reciprocal"):
            src.append(m)
        if sp["role"] in ("target", "reciprocal"):
            tgt.append(m)
    return src, tgt


def _overlaps(x: list[int], spans: list[list[int]]) -> bool:
    return any(min(x[1], s[1]) > max(x[0], s[0]) for s in spans)


def role_match(row: dict, roles: tuple[list[list[int]], list[list[int]]]) -> int:
    """How many of a candidate's sides (actor, recipient) are the labelled source and target; -1
    when a party sits on the wrong side (the candidate is some other act)."""
    src, tgt = roles
    acts, recs = row.get("actors") or [], row.get("recipients") or []
    if any(_overlaps(a, tgt) and not _overlaps(a, src) for a in acts) or \
            any(_overlaps(r, src) and not _overlaps(r, tgt) for r in recs):
        return -1
    return any(_overlaps(a, src) for a in acts) + any(_overlaps(r, tgt) for r in recs)


def _role_main(rows: list[dict], roles: tuple | None) -> int | None:
    """The candidate whose parties best match the labelled roles (ties: nearest the root)."""
    if not roles:
        return None
    scored = [(role_match(r, roles), -r["depth"], -i) for i, r in enumerate(rows)]
    best = max(range(len(rows)), key=lambda i: scored[i], default=None)
    return best if best is not None and scored[best][0] > 0 else None


def penta_labels(item: dict, rows: list[dict], roles: tuple | None = None) -> list[np.ndarray]:
    k = int(item["penta"])
    below = {c for c in CLASSES if PENTA_OF[c] <= k}
    masks = [_mask(below) for _ in rows]
    if not rows:
        return masks
    order = sorted(range(len(rows)), key=lambda i: rows[i]["depth"])
    main = _role_main(rows, roles)
    if main is None:
        main = next((i for i in order if PENTA_OF[rows[i]["type"]] == k), order[0])
    masks[main] = _mask({c for c in CLASSES if PENTA_OF[c] == k})
    return masks


def role_labels(item: dict, rows: list[dict]) -> list[np.ndarray]:
    """A ConfliBERT sentence without a penta twin: the candidate whose parties are the labelled
    roles is an event of some type; the others are left open (the file labels one event)."""
    masks = [_mask(set(CLASSES)) for _ in rows]
    main = _role_main(rows, aligned_roles(item, item["text"]))
    if main is not None:
        masks[main] = _mask(set(TYPES))
    return masks


def dataset(per_item: list[list[dict]], items: list[dict], kind: str) -> list[tuple[list[str], np.ndarray]]:
    out = []
    for it, rows in zip(items, per_item, strict=True):
        if kind == "plover":
            masks = plover_labels(it, rows)
        elif kind == "penta":
            masks = penta_labels(it, rows, it.get("_roles"))
        else:
            masks = role_labels(it, rows)
        # a ConfliBERT sentence tells nothing of its other candidates: they are left out
        out += [(r["feats"], m) for r, m in zip(rows, masks, strict=True) if kind != "roles" or not m.all()]
    return out


def pair_roles(penta: list[dict], roles: list[dict]) -> list[dict]:
    """Give each penta item the role spans of its ConfliBERT twin (``_roles``) and each ConfliBERT
    item its twin's id to be grouped by (``_fold_id``, see `group`); return the ConfliBERT items
    that have no twin (they train as `role_labels`)."""
    twin_of = {words(it["text"]): it for it in penta}
    alone = []
    for it in roles:
        twin = twin_of.get(words(it["text"]))
        if twin is None:
            alone.append(it)
            continue
        it["_fold_id"] = twin["id"]  # a sentence the file holds twice goes with its twin too
        twin.setdefault("_roles", aligned_roles(it, twin["text"]))
    return alone


def group(item: dict) -> str:
    """The id a CV fold is drawn by: a ConfliBERT sentence goes with its penta twin."""
    return item.get("_fold_id") or item["id"]


def fit(data: list[tuple[list[str], np.ndarray, float]], l2: float = L2, iters: int = ITERS) -> TypeModel:
    """Partial-label softmax regression: maximise sum w * log P(label in allowed set)."""
    counts: dict[str, int] = {}
    tied_keys = sorted({f[1:].partition("=")[0] for feats, _, _ in data for f in feats if f[0] == "@"})
    T = np.zeros((len(data), len(CLASSES), len(tied_keys)))
    for r, (feats, _, _) in enumerate(data):
        for f in set(feats):
            if f[0] == "@":
                key, _, cls = f[1:].partition("=")
                if cls in CLASSES:
                    T[r, CLASSES.index(cls), tied_keys.index(key)] = 1.0
                continue
            counts[f] = counts.get(f, 0) + 1
    vocab = sorted(f for f, n in counts.items() if n >= MIN_COUNT)
    index = {f: i for i, f in enumerate(vocab)}
    cols, starts, lens = [], [], []
    for feats, _, _ in data:
        ids = sorted({index[f] for f in feats if f in index})
        starts.append(len(cols))
        lens.append(len(ids))
        cols += ids
    cols_a = np.array(cols, dtype=np.int64)
    rows_a = np.repeat(np.arange(len(data)), lens)
    allowed = np.stack([m for _, m, _ in data]).astype(float)
    wts = np.array([w for _, _, w in data])
    wts = wts / wts.sum()
    n_f, n_c = len(vocab), len(CLASSES)
    W = np.zeros((n_f, n_c))
    b = np.zeros(n_c)
    a = np.zeros(len(tied_keys))
    mW, vW, mb, vb = np.zeros_like(W), np.zeros_like(W), np.zeros_like(b), np.zeros_like(b)
    ma, va = np.zeros_like(a), np.zeros_like(a)
    b1, b2, eps = 0.9, 0.999, 1e-8
    for t in range(1, iters + 1):
        S = np.zeros((len(data), n_c))
        np.add.at(S, rows_a, W[cols_a])
        S += b + T @ a
        S -= S.max(axis=1, keepdims=True)
        P = np.exp(S)
        P /= P.sum(axis=1, keepdims=True)
        Q = P * allowed
        Q /= np.maximum(Q.sum(axis=1, keepdims=True), 1e-12)
        G = (P - Q) * wts[:, None]
        gW = np.zeros_like(W)
        np.add.at(gW, cols_a, G[rows_a])
        gW += l2 * W
        gb = G.sum(axis=0)
        ga = np.einsum("rc,rck->k", G, T)
        for p, g, m, v in ((W, gW, mW, vW), (b, gb, mb, vb), (a, ga, ma, va)):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            p -= LR * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
    keep = np.abs(W).max(axis=1) >= 1e-3
    weights = {f: [round(float(x), 4) for x in W[i]] for i, f in enumerate(vocab) if keep[i]}
    tied = {k: round(float(x), 4) for k, x in zip(tied_keys, a, strict=True)}
    return TypeModel(weights, [round(float(x), 4) for x in b], list(CLASSES), tied)


def save(model: TypeModel, path: Path) -> None:
    feats = sorted(model.weights)
    w = np.array([model.weights[f] for f in feats], dtype=np.float32).reshape(len(feats), len(model.classes))
    meta = json.dumps({"features": feats, "classes": model.classes, "tied": model.tied,
                       "trained_on": [PLOVER.name, PENTA.name, CONFLIBERT.name], "script": "benchmarks/train_events.py"})
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        np.savez_compressed(fh, weights=w, bias=np.array(model.bias, dtype=np.float32), meta=np.array(meta))


def training_rows(plover: list[dict], p_rows: list[list[dict]], penta: list[dict], q_rows: list[list[dict]],
                  penta_weight: float = PENTA_WEIGHT, roles: list[dict] | None = None,
                  r_rows: list[list[dict]] | None = None,
                  roles_weight: float = ROLES_WEIGHT) -> list[tuple[list[str], np.ndarray, float]]:
    data = [(f, m, 1.0) for f, m in dataset(p_rows, plover, "plover")]
    data += [(f, m, penta_weight) for f, m in dataset(q_rows, penta, "penta")]
    if roles:
        data += [(f, m, roles_weight) for f, m in dataset(r_rows or [], roles, "roles")]
    return data


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    if not PLOVER.exists():
        raise SystemExit(f"dev sets not found at {PLOVER.parent}")
    plover, penta = read(PLOVER), read(PENTA)
    roles = pair_roles(penta, read(CONFLIBERT)) if CONFLIBERT.exists() else []
    nlp = build_nlp(learned=False)
    data = training_rows(plover, collect(nlp, plover), penta, collect(nlp, penta),
                         roles=roles, r_rows=collect(nlp, roles))
    model = fit(data)
    save(model, args.out)
    print(f"{len(data)} candidates, {len(model.weights)} features -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
