"""Out-of-sample accuracy of the events layer: k-fold cross-validation over the dev files.

    .venv/bin/python benchmarks/events_cv.py [--folds 5] [--json]

Both files hold one sentence per item, so folds are drawn by item (``train_events.fold``: sha1 of
the id, no random state). For each fold the type model is fit (``train_events.fit``) on the other
folds of BOTH files, the real pipeline is run with it on the held-out fold of both, and the
pooled output is scored with ../shared/eval/score.py: every figure printed under "cross-validated"
comes from sentences the model never saw. Printed too, on the same folds:

* "rules only": the pipeline without a type model (no CAMEO-only candidates). The rules were
  written against the PLOVER dev file, so on it this is NOT an out-of-sample figure.
* "cross-corpus": the model fit on all of one file and run on the other (PLOVER scored with a
  model that saw only penta sentences, and the reverse): the strictest out-of-sample check here.
* "TF-IDF LR": a multinomial logistic regression on word unigrams+bigrams (TF-IDF), one label per
  sentence (the PLOVER type of its first event / the penta class), the baseline the issue names.

Actor countries are not learned (dictionaries and rules), so they do not change across folds.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train_events as te  # noqa: E402

KEYS = {"events": ("type_p", "type_r", "type_f1", "actor_country_accuracy", "recipient_country_accuracy"),
        "penta": ("penta_accuracy", "penta_macro_f1", "conflict_accuracy"),
        "actors": ("target_overlap_p", "target_overlap_r", "target_overlap_f1", "source_overlap_f1")}


def scorer():
    sys.path.insert(0, str(te.SHARED / "eval"))
    import score  # noqa: PLC0415

    return score


def outputs(nlp, items: list[dict]) -> list[dict]:
    from eventwire.analysis import analyse_many
    from eventwire.ingest.article import Article

    arts = [Article(text=it["text"], id=it["id"]) for it in items]
    return [d.to_dict() for d in analyse_many(arts, nlp=nlp)]


def scored(task: str, items: list[dict], docs: list[dict]) -> dict:
    return scorer().score(task, items, docs)[0]


def line(name: str, res: dict, keys: tuple[str, ...]) -> str:
    return f"  {name:<34}" + "  ".join(f"{k}={res[k]:.4f}" for k in keys if res.get(k) is not None)


# ------------------------------------------------------------------ TF-IDF baseline
TOKEN = re.compile(r"\w+")


def grams(text: str) -> list[str]:
    w = TOKEN.findall(text.lower())
    return w + [a + " " + b for a, b in zip(w, w[1:], strict=False)]


def tfidf_lr(train: list[tuple[str, str]], test: list[str], l2: float = 1.0, iters: int = 200) -> list[str]:
    """Fit TF-IDF + softmax regression (L2, Adam) on (text, label) pairs; predict the test texts."""
    df = Counter(g for text, _ in train for g in set(grams(text)))
    vocab = {g: i for i, g in enumerate(sorted(g for g, n in df.items() if n >= 2))}
    n = len(train)
    idf = np.array([math.log((1 + n) / (1 + df[g])) + 1 for g in sorted(vocab, key=vocab.get)])

    def matrix(texts: list[str]) -> np.ndarray:
        X = np.zeros((len(texts), len(vocab)))
        for r, text in enumerate(texts):
            for g, c in Counter(grams(text)).items():
                if g in vocab:
                    X[r, vocab[g]] = c
        X *= idf
        X /= np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)
        return X

    labels = sorted({y for _, y in train})
    X = matrix([t for t, _ in train])
    Y = np.zeros((n, len(labels)))
    for r, (_, y) in enumerate(train):
        Y[r, labels.index(y)] = 1
    W = np.zeros((X.shape[1], len(labels)))
    b = np.zeros(len(labels))
    m, v = np.zeros_like(W), np.zeros_like(W)
    for t in range(1, iters + 1):
        S = X @ W + b
        S -= S.max(axis=1, keepdims=True)
        P = np.exp(S)
        P /= P.sum(axis=1, keepdims=True)
        G = (P - Y) / n
        gW = X.T @ G + l2 * W / n
        b -= 0.1 * G.sum(axis=0)
        m = 0.9 * m + 0.1 * gW
        v = 0.999 * v + 0.001 * gW * gW
        W -= 0.1 * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    pred = (matrix(test) @ W + b).argmax(axis=1)
    return [labels[j] for j in pred]


def baseline_docs(items: list[dict], preds: list[str], task: str) -> list[dict]:
    docs = []
    for it, p in zip(items, preds, strict=True):
        if task == "penta":  # a class as the event type of that class the scorer maps back
            p = {"0": "", "1": "AGREE", "2": "AID", "3": "ACCUSE", "4": "ASSAULT"}[p]
        evs = [{"type": p, "actors": [], "recipients": []}] if p else []
        docs.append({"schema": "eventwire/document/1", "article": {"id": it["id"], "text": it["text"]},
                     "actors": [], "events": evs})
    return docs


def tfidf_cv(plover: list[dict], penta: list[dict], k: int) -> dict:
    out = {}
    for task, items, label in (("events", plover, lambda it: it["events"][0]["type"]),
                               ("penta", penta, lambda it: str(it["penta"]))):
        preds: dict[str, str] = {}
        for f in range(k):
            tr = [(it["text"], label(it)) for it in items if te.fold(it["id"], k) != f]
            ts = [it for it in items if te.fold(it["id"], k) == f]
            for it, p in zip(ts, tfidf_lr(tr, [it["text"] for it in ts]), strict=True):
                preds[it["id"]] = p
        out[task] = scored(task, items, baseline_docs(items, [preds[it["id"]] for it in items], task))
    return out


# ------------------------------------------------------------------ the events layer
def model_cv(nlp, plover: list[dict], penta: list[dict], conflibert: list[dict], k: int, penta_weight: float,
             l2: float, roles_weight: float, dump: Path | None = None, dump_events: Path | None = None) -> dict:
    """Each fold's model is fit on the other folds of all three files and run on its own fold; a
    ConfliBERT sentence is in the fold of its penta twin (the same sentence), so the model that
    reads it never saw it in either file."""
    untwinned = te.pair_roles(penta, conflibert)
    if roles_weight <= 0:  # the fold grouping still holds; only the role labels are left out
        for it in penta:
            it.pop("_roles", None)
        untwinned = []
    p_rows, q_rows, r_rows = te.collect(nlp, plover), te.collect(nlp, penta), te.collect(nlp, untwinned)
    typer = nlp.get_pipe("eventwire_events").typer
    docs: dict[str, dict] = {}
    roles_docs: dict[str, dict] = {}
    for f in range(k):
        def tr(items, rows, f=f):
            keep = [i for i, it in enumerate(items) if te.fold(te.group(it), k) != f]
            return [items[i] for i in keep], [rows[i] for i in keep]

        r_items, r_kept = tr(untwinned, r_rows)
        data = te.training_rows(*tr(plover, p_rows), *tr(penta, q_rows), penta_weight=penta_weight,
                                roles=r_items, r_rows=r_kept, roles_weight=roles_weight)
        typer.model = te.fit(data, l2=l2)
        test = [it for it in plover + penta if te.fold(it["id"], k) == f]
        for it, d in zip(test, outputs(nlp, test), strict=True):
            docs[it["id"]] = d
        test = [it for it in conflibert if te.fold(te.group(it), k) == f]
        for it, d in zip(test, outputs(nlp, test), strict=True):
            roles_docs[it["id"]] = d
    typer.model = None
    if dump is not None:
        with dump.open("w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(roles_docs[it["id"]]) + "\n" for it in conflibert)
    if dump_events is not None:
        with dump_events.open("w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(docs[it["id"]]) + "\n" for it in plover + penta)
    return {"events": scored("events", plover, [docs[it["id"]] for it in plover]),
            "penta": scored("penta", penta, [docs[it["id"]] for it in penta]),
            "actors": scored("actors", conflibert, [roles_docs[it["id"]] for it in conflibert])}


def cross_corpus(nlp, plover: list[dict], penta: list[dict], penta_weight: float, l2: float) -> dict:
    """Fit on all of one file, score on the other: a corpus the model never saw any sentence of."""
    p_rows, q_rows = te.collect(nlp, plover), te.collect(nlp, penta)
    typer = nlp.get_pipe("eventwire_events").typer
    typer.model = te.fit(te.training_rows(plover, p_rows, [], [], penta_weight=penta_weight), l2=l2)
    on_penta = scored("penta", penta, outputs(nlp, penta))
    typer.model = te.fit(te.training_rows([], [], penta, q_rows, penta_weight=penta_weight), l2=l2)
    on_plover = scored("events", plover, outputs(nlp, plover))
    typer.model = None
    return {"events": on_plover, "penta": on_penta}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=te.FOLDS)
    ap.add_argument("--penta-weight", type=float, default=te.PENTA_WEIGHT)
    ap.add_argument("--l2", type=float, default=te.L2)
    ap.add_argument("--roles-weight", type=float, default=te.ROLES_WEIGHT,
                    help="weight of the ConfliBERT role labels in training (0: not used)")
    ap.add_argument("--dump-actors", type=Path, help="write the cross-validated ConfliBERT documents here")
    ap.add_argument("--dump-events", type=Path, help="write the cross-validated PLOVER and penta documents here")
    ap.add_argument("--no-baselines", action="store_true", help="only the cross-validated model")
    ap.add_argument("--json", action="store_true", help="print only the JSON line")
    args = ap.parse_args(argv)
    plover, penta, conflibert = te.read(te.PLOVER), te.read(te.PENTA), te.read(te.CONFLIBERT)
    nlp = te.build_nlp(learned=False)
    res: dict[str, dict] = {"cross_validated": model_cv(nlp, plover, penta, conflibert, args.folds,
                                                        args.penta_weight, args.l2, args.roles_weight,
                                                        args.dump_actors, args.dump_events)}
    if not args.no_baselines:
        res["rules_only"] = {"events": scored("events", plover, outputs(nlp, plover)),
                             "penta": scored("penta", penta, outputs(nlp, penta))}
        res["cross_corpus"] = cross_corpus(nlp, plover, penta, args.penta_weight, args.l2)
        res["tfidf_lr_cv"] = tfidf_cv(plover, penta, args.folds)
    summary = {name: {task: {key: r[task].get(key) for key in KEYS[task]} for task in r} for name, r in res.items()}
    if not args.json:
        print(f"events layer, {args.folds}-fold CV by sentence over {te.PLOVER.name} ({len(plover)}) "
              f"and {te.PENTA.name} ({len(penta)})")
        titles = {"cross_validated": "type model, cross-validated (out of sample)",
                  "rules_only": "rules only, no type model (PLOVER: in sample)",
                  "cross_corpus": "type model fit on the OTHER file only (events: fit on penta; penta: fit on PLOVER)",
                  "tfidf_lr_cv": "TF-IDF LR baseline, cross-validated"}
        for name, r in res.items():
            print(titles[name])
            for task in r:
                print(line(task, r[task], KEYS[task]))
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
