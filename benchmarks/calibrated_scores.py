"""What ``crfner calibrate`` does to entity scores: each model calibrated on its corpus's devel
documents, then its test documents tagged as raw text and each entity's score set against
whether it is exactly right (span and type), before and after.

For each saved, uncalibrated model (``--model CORPUS=DIR``, trained on the train split), the
devel and test documents are tagged with the model's own splitter. The calibration method is
chosen on devel only: five folds of devel documents, each fold's entities scored by a map fitted
on the other four, Platt scaling and isotonic regression (``crfner calibrate --method``) against
the raw probabilities, by calibration error and Brier score, and each entity type's own
calibration error (``by_type``; their mean weighted by entities, ``type_calibration_error``).
The same folds also try one Platt map per type (``platt_per_type``: a type with at least
``crfner.crf.calibration.PER_TYPE_MIN`` (30) entities, some right and some wrong, in the other folds gets its own map, the
others the pooled one; ``crfner calibrate --per-type``), and the same pulled toward the pooled
map (``platt_per_type_shrunk_K``: ``fit_score_calibration(..., shrinkage=K)`` for each K of
``SHRINKAGES``; devel chose none of them, so test does not read them). Then, as ``crfner calibrate MODEL
CORPUS --split devel --method M [--per-type]`` does, each map is fitted on all of devel and the test documents
are tagged by the calibrated model: per score bin the share right (as ``score_calibration.py``),
the calibration error, the Brier score, and per ``--min-score`` the strict precision and recall
with the mean score of the entities kept (the precision the scores promise).

    crfner train maccrobat --features clinical --out /tmp/m/maccrobat-clinical --force
    crfner train phee --features clinical --out /tmp/m/phee-clinical --force
    python benchmarks/calibrated_scores.py --data-dir ../shared/data \\
        --model maccrobat=/tmp/m/maccrobat-clinical --model phee=/tmp/m/phee-clinical \\
        --out benchmarks/results/calibrated_scores.json
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

import crfner
from crfner.corpora.split_documents import load_split_documents
from crfner.crf.calibration import METHODS, fit_score_calibration
from crfner.tagging.annotate import tag_documents
from crfner.tagging.calibrate import calibrate_scores, judged_entities
from score_calibration import judged, summary

FOLDS = 5
#: Per-type maps pulled toward the pooled one (``fit_score_calibration(shrinkage=...)``), tried on the devel folds.
SHRINKAGES = (3, 10, 30, 100, 300)
MIN_SCORES = (0.5, 0.6, 0.7, 0.8, 0.9)


def _blank(documents):
    return [replace(d, mentions=[]) for d in documents]


def _calibration_error(scores, right) -> float:
    return summary([(s, r, r) for s, r in zip(scores.tolist(), right.tolist())], 0, [])["calibration_error"]


def _errors(scores, right, types=None) -> dict:
    out = {"calibration_error": _calibration_error(scores, right), "brier": round(float(np.mean((scores - right) ** 2)), 4)}
    if types is not None:
        types = np.asarray(types)
        by_type = {t: {"entities": int((types == t).sum()), "calibration_error": _calibration_error(scores[types == t], right[types == t])}
                   for t in sorted(set(types.tolist()))}
        out["type_calibration_error"] = round(sum(v["entities"] * v["calibration_error"] for v in by_type.values()) / len(types), 4)
        out["by_type"] = by_type
    return out


def _typed(gold, predicted) -> tuple[list, list, list]:
    """Each predicted entity's score, whether it is right, and its type."""
    scores, right = judged_entities(gold, predicted)
    return scores, right, [m.type for d in predicted for m in d.mentions]


def cross_validated(gold, predicted) -> dict:
    """Calibration error and Brier score on devel of raw scores, Platt and isotonic maps, each
    entity scored by a map fitted on the folds of documents it is not in."""
    order = np.random.default_rng(0).permutation(len(gold))
    folds = np.array_split(order, FOLDS)
    per_document = [_typed([g], [p]) for g, p in zip(gold, predicted)]
    out = {}
    shrunk = {f"platt_per_type_shrunk_{k}": k for k in SHRINKAGES}
    for method in ("raw", *METHODS, "platt_per_type", *shrunk):
        scores, right, types = [], [], []
        for fold in folds:
            inside = set(fold.tolist())
            train_s, train_r, train_t = ([v for k, judged_k in enumerate(per_document) if k not in inside for v in judged_k[i]]
                                         for i in range(3))
            held_s, held_r, held_t = ([v for k in fold.tolist() for v in per_document[k][i]] for i in range(3))
            if method == "raw":
                scores += held_s
            elif method == "platt_per_type" or method in shrunk:
                typed = fit_score_calibration(train_s, train_r, "platt", types=train_t, shrinkage=shrunk.get(method, 0.0))
                scores += typed(held_s, [f"B-{t}" for t in held_t]).tolist()  # applied by type, as to a tagger's tags
            else:
                scores += fit_score_calibration(train_s, train_r, method)(held_s).tolist()
            right += held_r
            types += held_t
        out[method] = _errors(np.asarray(scores, dtype=float), np.asarray(right, dtype=float), types)
    return out


def kept_table(scores: np.ndarray, right: np.ndarray, total: int) -> list[dict]:
    """Per ``--min-score``: entities kept, strict precision and recall (of ``total`` gold
    entities), and their mean score."""
    rows = []
    for threshold in MIN_SCORES:
        kept = scores >= threshold
        n = int(kept.sum())
        rows.append({"min_score": threshold, "entities": n,
                     "precision": round(float(right[kept].mean()), 4) if n else None,
                     "mean_score": round(float(scores[kept].mean()), 4) if n else None,
                     "recall": round(float(right[kept].sum()) / total, 4) if total else None})
    return rows


def _judged_test(gold, predicted) -> dict:
    scores, right, types = _typed(gold, predicted)
    scores, right = np.asarray(scores, dtype=float), np.asarray(right, dtype=float)
    return {**_errors(scores, right, types), "bins": summary(*judged(gold, predicted))["bins"],
            "min_scores": kept_table(scores, right, sum(len(d.mentions) for d in gold))}


def run(corpus: str, model_dir: str, data_dir: str) -> dict:
    tagger = crfner.CRFTagger.load(model_dir, data_dir=data_dir)
    if tagger.score_calibration_ is not None:
        raise SystemExit(f"{model_dir} is calibrated already: give the model crfner train wrote")
    gold = {split: load_split_documents(corpus, split, data_dir) for split in ("devel", "test")}
    raw = {split: tag_documents(tagger, _blank(gold[split])) for split in gold}
    out = {"corpus": corpus, "model": model_dir, "feature_set": f"{tagger.feature_set_.name} v{tagger.feature_set_.version}",
           "devel_cross_validated": cross_validated(gold["devel"], raw["devel"])}
    out["calibration"], out["test"] = {}, {"raw": _judged_test(gold["test"], raw["test"])}
    # the default (platt) first; the choices were made on devel, above
    for name, method, per_type in [*((m, m, False) for m in METHODS), ("platt_per_type", "platt", True)]:
        started = time.perf_counter()
        tagger.score_calibration_ = calibrate_scores(tagger, gold["devel"], method=method, fitted_on=f"{corpus} devel",
                                                     per_type=per_type)
        out["calibration"][name] = {"seconds": round(time.perf_counter() - started, 2), **tagger.score_calibration_.to_dict()}
        calibrated = tag_documents(tagger, _blank(gold["test"]))
        if [[(m.start, m.end, m.type) for m in d.mentions] for d in calibrated] != \
           [[(m.start, m.end, m.type) for m in d.mentions] for d in raw["test"]]:
            raise SystemExit("calibration changed the entities, not only their scores")
        out["test"][name] = _judged_test(gold["test"], calibrated)
    return out


def _report(corpus: str, row: dict) -> str:
    cv, test = row["devel_cross_validated"], row["test"]
    def figures(v):
        return f"{v['calibration_error']}/{v['type_calibration_error']}/{v['brier']}"

    return (f"{corpus} devel (5-fold): " + ", ".join(f"{k} {figures(v)}" for k, v in cv.items())
            + "; test calibration error, by type, and Brier: " + ", ".join(f"{k} {figures(v)}" for k, v in test.items()))


def main(argv: list[str] | None = None) -> int:
    from corpus_models import main_over_models

    return main_over_models(__doc__, "calibrated_scores.py", argv, run, _report)


if __name__ == "__main__":
    raise SystemExit(main())
