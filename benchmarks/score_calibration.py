"""What an entity's score says: how often an entity of a given score is right, and what keeping
only the entities above a threshold gives in precision and recall, on clinical case reports
tagged as raw text.

A score is the mean marginal probability of an entity's tags (``crfner tag`` writes it). For
each saved model (``--model CORPUS=DIR``, trained on the corpus's train split with ``crfner
train``), the devel and test documents' raw text is tagged with the model's own splitter, and
each entity counted as right when a gold entity has its start, end and type (strict) or shares
a character with one of its type (overlap). Per score bin: how many entities, their mean score,
and the share right, with a Wilson 95% interval; the calibration error is the mean gap between
a bin's mean score and its strict share right, weighted by its entities. Per threshold: the
entities kept and their strict and overlap precision, recall and F1. The threshold that first
reaches a strict precision of 0.8 (and 0.9) on devel is then read on test, so that test
chooses nothing.

    crfner train maccrobat --features clinical --out /tmp/m/maccrobat-clinical --force
    crfner train phee --features clinical --out /tmp/m/phee-clinical --force
    python benchmarks/score_calibration.py --data-dir ../shared/data \\
        --model maccrobat=/tmp/m/maccrobat-clinical --model phee=/tmp/m/phee-clinical \\
        --out benchmarks/results/score_calibration.json
"""

from __future__ import annotations

import math
import time
from dataclasses import replace
from itertools import pairwise

import crfner
from crfner.corpora.clinical import split_documents
from crfner.tagging.annotate import model_splitter, tag_documents

BINS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0)
THRESHOLDS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
TARGETS = (0.8, 0.9)


def judged(gold, predicted) -> tuple[list[tuple[float, bool, bool]], int, list]:
    """``(score, strict right, overlap right)`` of each predicted entity, the number of gold
    entities, and for each gold entity the scores of the predicted ones of its type it overlaps."""
    rows, total, covering = [], 0, []
    for g, p in zip(gold, predicted):
        spans = {(m.start, m.end, m.type) for m in g.mentions}
        total += len(g.mentions)
        for m in p.mentions:
            overlaps = any(o.type == m.type and o.start < m.end and m.start < o.end for o in g.mentions)
            rows.append((m.score, (m.start, m.end, m.type) in spans, overlaps))
        for o in g.mentions:
            covering.append([m.score for m in p.mentions if m.type == o.type and m.start < o.end and o.start < m.end])
    return rows, total, covering


def wilson(right: int, n: int) -> list[float]:
    """The Wilson score 95% interval of a share ``right / n``."""
    if not n:
        return [0.0, 1.0]
    z, p = 1.96, right / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return [round(centre - half, 4), round(centre + half, 4)]


def prf(correct: int, predicted: int, support: int) -> dict:
    p = correct / predicted if predicted else 0.0
    r = correct / support if support else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}


def summary(rows, total: int, covering) -> dict:
    bins, gap = [], 0.0
    for low, high in pairwise(BINS):
        inside = [r for r in rows if low <= r[0] < high or (high == 1.0 and r[0] == 1.0)]
        if not inside:
            continue
        strict = sum(r[1] for r in inside)
        mean = sum(r[0] for r in inside) / len(inside)
        gap += len(inside) * abs(mean - strict / len(inside))
        bins.append({"scores": [low, high], "entities": len(inside), "mean_score": round(mean, 4),
                     "strict_right": round(strict / len(inside), 4), "strict_right_95ci": wilson(strict, len(inside)),
                     "overlap_right": round(sum(r[2] for r in inside) / len(inside), 4)})
    thresholds = []
    for threshold in THRESHOLDS:
        kept = [r for r in rows if r[0] >= threshold]
        found = sum(1 for scores in covering if any(s >= threshold for s in scores))
        thresholds.append({"min_score": threshold, "entities": len(kept),
                           "strict": prf(sum(r[1] for r in kept), len(kept), total),
                           "overlap": {"precision": prf(sum(r[2] for r in kept), len(kept), total)["precision"],
                                       "recall": round(found / total, 4) if total else 0.0}})
    return {"gold_entities": total, "predicted_entities": len(rows),
            "calibration_error": round(gap / len(rows), 4) if rows else None, "bins": bins, "thresholds": thresholds}


def least_threshold(rows, target: float) -> float | None:
    """The least score (on a grid of 0.01) at which the entities kept reach ``target`` strict precision."""
    for k in range(101):
        kept = [r for r in rows if r[0] >= k / 100]
        if kept and sum(r[1] for r in kept) / len(kept) >= target:
            return k / 100
    return None


def run(corpus: str, model_dir: str, data_dir: str) -> dict:
    tagger = crfner.CRFTagger.load(model_dir, data_dir=data_dir)
    splitter = model_splitter(tagger)
    out = {"corpus": corpus, "model": model_dir, "feature_set": f"{tagger.feature_set_.name} v{tagger.feature_set_.version}",
           "splitter": splitter}
    judged_by = {}
    for split in ("devel", "test"):
        gold = split_documents(corpus, split, data_dir=data_dir)
        started = time.perf_counter()
        predicted = tag_documents(tagger, [replace(d, mentions=[]) for d in gold])
        judged_by[split] = judged(gold, predicted)
        out[split] = {"documents": len(gold), "tag_seconds": round(time.perf_counter() - started, 2),
                      **summary(*judged_by[split])}
    out["chosen_on_devel"] = []
    for target in TARGETS:
        threshold = least_threshold(judged_by["devel"][0], target)
        row = {"strict_precision_target": target, "min_score": threshold}
        if threshold is not None:
            rows, total, _ = judged_by["test"]
            kept = [r for r in rows if r[0] >= threshold]
            row["test"] = {"entities": len(kept), "strict": prf(sum(r[1] for r in kept), len(kept), total)}
        out["chosen_on_devel"].append(row)
    return out


def _report(corpus: str, row: dict) -> str:
    return "\n".join(f"{corpus} {split}: calibration error {row[split]['calibration_error']}, scores >= 0.95: "
                     f"{row[split]['bins'][-1]['entities']} entities, {row[split]['bins'][-1]['strict_right']} right"
                     for split in ("devel", "test"))


def main(argv: list[str] | None = None) -> int:
    from corpus_models import main_over_models

    return main_over_models(__doc__, "score_calibration.py", argv, run, _report)


if __name__ == "__main__":
    raise SystemExit(main())
