"""Two confidences for the same entities: the score crfner gives today (the mean of the CRF's
marginal probabilities of the entity's tags) and the probability the CRF gives the entity
itself, exactly its span and type (the constrained forward-backward of Culotta and McCallum,
"Confidence Estimation for Information Extraction", HLT-NAACL 2004): the summed weight of
the label paths that tag the span as the entity, with B- on its first token, its I- tags, and
no I- of its type after it, over the weight of all paths.

For each saved model (``--model CORPUS=DIR``, trained on the corpus's train split), the devel
and test sentences of the corpus (its own tokens) are tagged, and each predicted entity is
right when a gold entity has its span and type. Per confidence: the calibration error (as
``score_calibration.py`` computes it), the area under the ROC curve of telling right entities
from wrong ones, the Brier score, and the share right among the entities at 0.9 or more and
0.95 or more. The label scores come from the model's public weights (``token_attributes`` and
``weights_``), and the run checks that its forward-backward gives ``predict_marginals``.

    python benchmarks/span_confidence.py --data-dir ../shared/data \\
        --model maccrobat=/tmp/m/maccrobat-clinical --model phee=/tmp/m/phee-clinical \\
        --out benchmarks/results/span_confidence.json
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
from scipy.special import logsumexp
from sklearn.metrics import brier_score_loss, roc_auc_score

import crfner
from crfner.schemes import tags_to_spans

BINS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0)


def forward_backward(emissions: np.ndarray, transition: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Log forward and backward tables of one sentence, and its log partition function."""
    n = len(emissions)
    forward = np.empty_like(emissions)
    forward[0] = emissions[0]
    for t in range(1, n):
        forward[t] = logsumexp(forward[t - 1][:, None] + transition, axis=0) + emissions[t]
    backward = np.zeros_like(emissions)
    for t in range(n - 2, -1, -1):
        backward[t] = logsumexp(transition + (emissions[t + 1] + backward[t + 1])[None, :], axis=1)
    return forward, backward, float(logsumexp(forward[n - 1]))


def span_probability(path: list[int], start: int, end: int, inside: int, tables, emissions, transition) -> float:
    """The probability of the labels ``path[start:end]`` over those tokens and, after them, no
    ``inside`` label (the I- of the entity's type): the entity exactly, and no longer."""
    forward, backward, log_z = tables
    log_p = forward[start, path[start]]
    for t in range(start + 1, end):
        log_p += transition[path[t - 1], path[t]] + emissions[t, path[t]]
    last = end - 1
    if end == len(path):
        log_p += backward[last, path[last]]
    else:
        others = [j for j in range(transition.shape[0]) if j != inside]
        log_p += logsumexp(transition[path[last], others] + emissions[end, others] + backward[end, others])
    return float(np.exp(log_p - log_z))


def judged(tagger, X, y, documents) -> list[tuple[float, float, bool]]:
    """``(mean marginal, span probability, right)`` of each predicted entity."""
    labels = tagger.weights_.labels
    index = {label: k for k, label in enumerate(labels)}
    transition = tagger.weights_.transition
    attributes = tagger.token_attributes(X, documents=documents)
    predicted = tagger.predict(X, documents=documents)
    reference = tagger.predict_marginals(X, documents=documents)[:50]
    rows = []
    for k, (sentence_attributes, tags, gold) in enumerate(zip(attributes, predicted, y)):
        if not tags:
            continue
        emissions = tagger.weights_.emissions(sentence_attributes)
        tables = forward_backward(emissions, transition)
        marginal = np.exp(tables[0] + tables[1] - tables[2])
        if k < len(reference):  # the public weights give the tagger's own marginals
            expected = np.array([[m[label] for label in labels] for m in reference[k]])
            assert np.abs(marginal - expected).max() < 1e-6, f"sentence {k}: marginals differ"
        path = [index[tag] for tag in tags]
        right = {(s.type, s.start, s.end) for s in tags_to_spans(gold)}
        for span in tags_to_spans(tags):
            mean = float(np.mean([marginal[t, path[t]] for t in range(span.start, span.end)]))
            exact = span_probability(path, span.start, span.end, index.get(f"I-{span.type}", -1), tables, emissions,
                                     transition)
            rows.append((mean, exact, (span.type, span.start, span.end) in right))
    return rows


def figures(scores: np.ndarray, right: np.ndarray) -> dict:
    gap = 0.0
    for low, high in pairwise(BINS):
        inside = (scores >= low) & ((scores < high) | (high == 1.0))
        if inside.any():
            gap += inside.sum() * abs(scores[inside].mean() - right[inside].mean())
    out = {"calibration_error": round(gap / len(scores), 4), "roc_auc": round(float(roc_auc_score(right, scores)), 4),
           "brier": round(float(brier_score_loss(right, scores)), 4)}
    for threshold in (0.9, 0.95):
        kept = scores >= threshold
        out[f"at_least_{threshold}"] = {"entities": int(kept.sum()),
                                        "share_right": round(float(right[kept].mean()), 4) if kept.any() else None}
    return out


def run(corpus: str, model_dir: str, data_dir: str) -> dict:
    tagger = crfner.CRFTagger.load(model_dir, data_dir=data_dir)
    out = {"corpus": corpus, "model": model_dir, "feature_set": f"{tagger.feature_set_.name} v{tagger.feature_set_.version}"}
    for split in ("devel", "test"):
        X, y = crfner.load_corpus(corpus, split, data_dir=data_dir)
        documents = crfner.load_document_ids(corpus, split, data_dir=data_dir)
        rows = np.array(judged(tagger, X, y, documents))
        right = rows[:, 2].astype(bool)
        out[split] = {"entities": len(rows), "right": int(right.sum()),
                      "mean_marginal": figures(rows[:, 0], right), "span_probability": figures(rows[:, 1], right)}
    return out


def _report(corpus: str, row: dict) -> str:
    lines = []
    for split in ("devel", "test"):
        a, b = row[split]["mean_marginal"], row[split]["span_probability"]
        lines.append(f"{corpus} {split}: calibration error {a['calibration_error']} -> {b['calibration_error']}, "
                     f"ROC AUC {a['roc_auc']} -> {b['roc_auc']}, Brier {a['brier']} -> {b['brier']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from corpus_models import main_over_models

    return main_over_models(__doc__, "span_confidence.py", argv, run, _report)


if __name__ == "__main__":
    raise SystemExit(main())
