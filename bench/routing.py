"""Routing quality and speed: trains ``renda.assist.routing.Router`` — the code the platform
uses for `renda assist train` — on a CSV with columns subject, detail, label.

    uv run python bench/routing.py --train ../shared/data/messages-labeled.csv
    uv run python bench/routing.py --train TRAIN.csv --eval EVAL.csv

Without --eval: 5-fold cross-validation over the whole file, reported overall and, on a
separate line, for the rows that have the full message text (the rest carry only the
subject line); the RESULT line gives the full-text rows' figures (the task the platform
meets: whole messages). train_s is one fit on the whole training file; predict_ms is the
median time to route one message (segmentation included).

Ends with: RESULT train=<n> eval=<n> accuracy=<x> macro_f1=<x> top3=<x> train_s=<s> predict_ms=<median>
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
warnings.filterwarnings("ignore", category=SyntaxWarning)

from sklearn.metrics import accuracy_score, f1_score  # noqa: E402

from renda.assist.routing import Router, compose, cross_validate  # noqa: E402


def read(path: str) -> tuple[list[str], list[str], list[bool]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f) if (r.get("label") or "").strip()]
    texts = [compose(r.get("subject", ""), r.get("detail", "")) for r in rows]
    return texts, [r["label"].strip() for r in rows], [bool((r.get("detail") or "").strip()) for r in rows]


def figures(y: list[str], pred: list[str], hits: list[bool]) -> tuple[float, float, float]:
    return (accuracy_score(y, pred), f1_score(y, pred, average="macro"), float(np.mean(hits)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", required=True)
    parser.add_argument("--eval")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()

    texts, labels, full = read(args.train)
    print(f"# Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    if args.eval:
        t0 = time.perf_counter()
        router = Router().fit(texts, labels)
        train_s = time.perf_counter() - t0
        etexts, elabels, _ = read(args.eval)
        p = router.scores(etexts)
        order = np.argsort(-p, axis=1)
        classes = np.array(router.classes)
        pred = classes[order[:, 0]].tolist()
        hits = [elabels[i] in classes[order[i, :3]] for i in range(len(elabels))]
        acc, f1, top3 = figures(elabels, pred, hits)
        n_eval = len(elabels)
    else:
        q = cross_validate(texts, labels, folds=args.folds)
        y = np.array(labels)
        f = np.array(full)
        pred = np.array(q.predictions)
        hits = np.array(q.top3_hits)
        acc_all, f1_all, top3_all = figures(y.tolist(), pred.tolist(), hits.tolist())
        print(f"# {q.folds}-fold CV, all {len(y)} rows: accuracy={acc_all:.4f} macro_f1={f1_all:.4f} "
              f"top3={top3_all:.4f}")
        if f.any():
            acc, f1, top3 = figures(y[f].tolist(), pred[f].tolist(), hits[f].tolist())
            print(f"# {q.folds}-fold CV, {int(f.sum())} full-text rows: accuracy={acc:.4f} "
                  f"macro_f1={f1:.4f} top3={top3:.4f}")
            n_eval = int(f.sum())
        else:
            acc, f1, top3, n_eval = acc_all, f1_all, top3_all, len(y)
        t0 = time.perf_counter()
        router = Router().fit(texts, labels)
        train_s = time.perf_counter() - t0
        etexts = [t for t, ok in zip(texts, full, strict=True) if ok] or texts
    times, cpu = [], []
    for text in (etexts * 3)[:300]:
        t0, c0 = time.perf_counter(), time.process_time()
        router.top(text, k=3)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    print(f"# load average {os.getloadavg()[0]:.1f}; median CPU time per prediction "
          f"{statistics.median(cpu):.2f} ms")
    cmd = " ".join(["uv run python bench/routing.py", *sys.argv[1:]])
    print(f"# reproduce: {cmd}")
    print(f"RESULT train={len(labels)} eval={n_eval} accuracy={acc:.4f} macro_f1={f1:.4f} top3={top3:.4f} "
          f"train_s={train_s:.1f} predict_ms={statistics.median(times):.2f}")


if __name__ == "__main__":
    main()
