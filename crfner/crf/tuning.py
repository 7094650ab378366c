"""Hyper-parameter search on a development split, then a final fit on train+devel.

The grid and the split are scikit-learn's (``ParameterGrid``, ``PredefinedSplit``); the
candidates train in parallel with joblib, each scored by strict entity micro-F1 on devel.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Sequence

from sklearn.base import clone
from sklearn.model_selection import ParameterGrid, PredefinedSplit


@dataclass
class TuneResult:
    """Every candidate's devel score, the best parameters, and the final model."""

    best_params: dict
    best_score: float
    candidates: list[dict] = field(default_factory=list)
    final: object = None


def _fit_and_score(estimator, params, X, y, documents, train_index, test_index) -> dict:
    def part(index):
        return None if documents is None else [documents[i] for i in index]

    started = time.perf_counter()
    model = clone(estimator).set_params(**params)
    model.fit([X[i] for i in train_index], [y[i] for i in train_index], documents=part(train_index))
    seconds = time.perf_counter() - started
    f1 = model.score([X[i] for i in test_index], [y[i] for i in test_index], documents=part(test_index))
    return {"params": params, "f1": f1, "seconds": round(seconds, 1)}


def tune(
    estimator,
    param_grid: dict[str, Sequence],
    X_train,
    y_train,
    X_dev,
    y_dev,
    n_jobs: int = 1,
    refit: bool = True,
    progress: bool = False,
    corpus: str | None = None,
    documents_train=None,
    documents_dev=None,
) -> TuneResult:
    """Train one model per point of ``param_grid`` on train, score it on devel, and (with
    ``refit``) train the best on train+devel, as the literature reports final figures.
    ``documents_train`` and ``documents_dev`` give each sentence's document id, or None."""
    from joblib import Parallel, delayed
    from tqdm.auto import tqdm

    X = list(X_train) + list(X_dev)
    y = list(y_train) + list(y_dev)
    documents = None
    if documents_train is not None and documents_dev is not None:
        # A document id may recur across splits (CoNLL ordinals): keep the splits' documents apart.
        documents = [("train", d) for d in documents_train] + [("devel", d) for d in documents_dev]
    split = PredefinedSplit([-1] * len(X_train) + [0] * len(X_dev))
    ((train_index, test_index),) = list(split.split())
    grid = list(ParameterGrid(param_grid))
    jobs = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(
        delayed(_fit_and_score)(estimator, params, X, y, documents, train_index, test_index) for params in grid
    )
    candidates = list(tqdm(jobs, total=len(grid), desc="tuning", unit="fit", disable=not progress))
    candidates.sort(key=lambda c: -c["f1"])
    best = candidates[0]
    result = TuneResult(best_params=best["params"], best_score=best["f1"], candidates=candidates)
    if refit:
        result.final = clone(estimator).set_params(**best["params"]).fit(X, y, documents=documents, corpus=corpus)
        result.final.metrics_["tuning"] = {"devel_f1": best["f1"], "params": best["params"], "grid_size": len(grid)}
    return result
