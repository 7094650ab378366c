"""Concept-level evaluation of linked mentions: which concept ids a document asserts, and how
well a linker picks them.

``evaluate_concepts`` is BioCreative V CDR's official measure: per type, the set of
(document, concept id) pairs of the predictions against the gold ones, each pair counted once
however many mentions assert it. ``mention_accuracy`` scores a linker on gold mentions (no
tagging errors): the share whose predicted id set equals the gold one.

Identifiers may be composite, ``D014786|D006311`` (BC5CDR, NCBI) or ``D007674+D006222``
(NCBI): every part is a concept. ``-1`` (BC5CDR: no concept) and empty parts are dropped,
and a bare MeSH id (``D009203``, ``C536528``) gets the ``MESH:`` prefix so that the corpora's
ids and a linker's ``MESH:D009203`` compare equal.
"""

from __future__ import annotations

import numbers
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

import numpy as np

from ..corpora.documents import NO_CONCEPT, Document, concept_ids, has_no_concept
from ..errors import DataFormatError
from .documents import documents_by_id, scores_from_counts
from .metrics import Scores
from .significance import prf_arrays, prf_of_present

__all__ = ["NCBI_TYPES", "NIL", "concept_bootstrap", "concept_pairs", "concept_set", "evaluate_concepts", "mention_accuracy"]

#: NCBI Disease's four PubTator mention types, all diseases.
NCBI_TYPES = {"SpecificDisease": "Disease", "DiseaseClass": "Disease", "Modifier": "Disease", "CompositeMention": "Disease"}
NIL = NO_CONCEPT


def concept_set(identifier: str | None) -> frozenset[str]:
    """The concept ids of one mention identifier as a set (see :func:`crfner.corpora.documents.concept_ids`)."""
    return frozenset(concept_ids(identifier))


def _mapped(etype: str, type_map: Mapping[str, str] | None) -> str:
    return type_map.get(etype, etype) if type_map else etype


def _document_pairs(document: Document, type_map: Mapping[str, str] | None) -> set[tuple[str, str]]:
    """The (type, concept id) pairs one document asserts."""
    return {(_mapped(m.type, type_map), cid) for m in document.mentions for cid in concept_set(m.identifier)}


def concept_pairs(documents: Iterable[Document], types: Iterable[str] | None = None,
                  type_map: Mapping[str, str] | None = None) -> set[tuple[str, str, str]]:
    """The set of (document id, type, concept id) the documents assert; types are mapped by
    ``type_map`` first (e.g. :data:`NCBI_TYPES`), then only ``types`` kept, if given."""
    wanted = None if types is None else set(types)
    return {(d.id, etype, cid) for d in documents for etype, cid in _document_pairs(d, type_map)
            if wanted is None or etype in wanted}


def _paired(gold_docs: Iterable[Document], pred_docs: Iterable[Document]) -> list[tuple[Document, Document | None]]:
    """Each gold document with the predicted one of its id (None if there is none); a predicted
    id that no gold document has is a DataFormatError."""
    gold, pred = documents_by_id(gold_docs, "gold"), documents_by_id(pred_docs, "predicted")
    unknown = sorted(pred.keys() - gold.keys())
    if unknown:
        raise DataFormatError(f"{len(unknown)} predicted documents have no gold document (first: {unknown[0]!r})")
    return [(g, pred.get(doc_id)) for doc_id, g in gold.items()]


def _document_counts(gold: Document, pred: Document | None, type_map) -> tuple[Counter, Counter, Counter]:
    """Per type: correct, predicted and gold (type, concept) pairs of one document."""
    g = _document_pairs(gold, type_map)
    p = _document_pairs(pred, type_map) if pred is not None else set()
    return Counter(t for t, _ in g & p), Counter(t for t, _ in p), Counter(t for t, _ in g)


def evaluate_concepts(gold_docs: Iterable[Document], pred_docs: Iterable[Document],
                      type_map: Mapping[str, str] | None = None) -> Scores:
    """Document-level concept precision, recall and F1, micro, macro and per type: the
    predicted (document, type, concept) pairs against the gold ones (BC5CDR's measure).

    Documents are matched by id; a gold document without a predicted one predicts nothing, and
    a predicted id that no gold document has raises :class:`~crfner.errors.DataFormatError`.
    """
    correct, predicted, support = Counter(), Counter(), Counter()
    for gold, pred in _paired(gold_docs, pred_docs):
        c, p, s = _document_counts(gold, pred, type_map)
        correct.update(c)
        predicted.update(p)
        support.update(s)
    return scores_from_counts(correct, predicted, support)


def concept_bootstrap(gold_docs: Iterable[Document], pred_docs: Iterable[Document], type_map: Mapping[str, str] | None = None,
                      n: int = 1000, confidence: float = 0.95, seed: int = 0) -> dict:
    """Percentile bootstrap intervals of concept precision, recall and F1 (micro and per type),
    resampling gold documents with replacement and recounting their pairs.

    Returns plain floats: ``{"level", "unit": "document", "resamples", "units", "precision":
    [lo, hi], "recall", "f1", "per_type": {TYPE: {"precision", "recall", "f1"}}}``. A type's
    interval is that of the resamples holding a pair of it, gold or predicted (as in
    :func:`crfner.evaluation.significance.bootstrap_ci`): :func:`evaluate_concepts` would not know
    the type in the others.
    """
    if not isinstance(n, numbers.Integral) or isinstance(n, bool) or n < 2:
        raise ValueError(f"n must be a whole number of resamples, at least 2, not {n!r}")
    if isinstance(confidence, bool) or not isinstance(confidence, numbers.Real) or not 0 < confidence < 1:
        raise ValueError(f"confidence must lie between 0 and 1, not {confidence!r}")
    n = int(n)
    per_document = [_document_counts(g, p, type_map) for g, p in _paired(gold_docs, pred_docs)]
    types = sorted({t for counts in per_document for counter in counts for t in counter})
    # Columns: correct, predicted, gold over all types, then the same for each type.
    counts = np.array([[sum(c.values()), sum(p.values()), sum(s.values())] + [x[t] for t in types for x in (c, p, s)]
                       for c, p, s in per_document], dtype=np.int64).reshape(len(per_document), 3 + 3 * len(types))
    bounds = _percentile_bounds(counts, n, confidence, seed)

    def pair(column: int) -> list[float]:
        return [float(bounds[0, column]), float(bounds[1, column])]

    return {
        "level": float(confidence),
        "unit": "document",
        "resamples": n,
        "units": len(per_document),
        "precision": pair(0),
        "recall": pair(1),
        "f1": pair(2),
        "per_type": {t: {"precision": pair(3 + 3 * i), "recall": pair(4 + 3 * i), "f1": pair(5 + 3 * i)} for i, t in enumerate(types)},
    }


def _percentile_bounds(counts: np.ndarray, n: int, confidence: float, seed: int) -> np.ndarray:
    """(2, 3k) lower and upper percentile bounds of precision, recall, F1 of each of the k count
    triples (columns of ``counts``, one row per unit), over ``n`` resamples of the rows. Each
    triple after the first (a type's) is NaN in the resamples whose predicted and gold counts of
    it are both 0, and its bounds are the percentiles of the other resamples."""
    n_units, width = counts.shape
    if n_units == 0:
        return np.zeros((2, width))
    rng = np.random.default_rng(seed)
    batch = max(1, min(n, 4_000_000 // n_units))  # bounded memory: a (batch, n_units) matrix of draw counts
    scores = []
    for start in range(0, n, batch):
        weights = rng.multinomial(n_units, np.full(n_units, 1.0 / n_units), size=min(batch, n - start))
        sums = weights @ counts  # (resamples, 3k): each resample's summed counts
        # The overall triple scores 0 where a resample holds no pair, as evaluate_concepts does; a
        # type's is NaN there (counting it 0 pulled the intervals of rare types below their point values).
        triples = [(prf_arrays if j == 0 else prf_of_present)(sums[:, j], sums[:, j + 1], sums[:, j + 2]) for j in range(0, width, 3)]
        scores.append(np.stack([row for triple in triples for row in triple], axis=1))
    distribution = np.concatenate(scores)
    alpha = (1 - confidence) / 2
    bounds = np.nanquantile(distribution, [alpha, 1 - alpha], axis=0)
    constant = np.all(distribution == distribution[:1], axis=0)  # a constant distribution is [v, v], not v +- rounding
    bounds[:, constant] = distribution[0, constant]
    return bounds


def _tally() -> dict:
    return {"mentions": 0, "correct": 0, "nil": 0, "nil_agreed": 0, "without_id": 0}


def _with_accuracy(tally: dict) -> dict:
    return {"accuracy": tally["correct"] / tally["mentions"] if tally["mentions"] else 0.0, **tally}


def mention_accuracy(gold_docs: Iterable[Document], linked_docs: Iterable[Document], type_map: Mapping[str, str] | None = None) -> dict:
    """Accuracy@1 of linking gold mentions: a gold mention with a concept id is correct when the
    linked document has a mention at the same offsets and type whose id set (composite ids
    split, see :func:`concept_set`) equals the gold one.

    Gold mentions whose id is ``-1`` are left out and counted as ``nil`` (``nil_agreed``: those
    the linker also left without a concept), those without any id as ``without_id``. Returns
    ``{"accuracy", "mentions", "correct", "nil", "nil_agreed", "without_id", "per_type": {TYPE: {...}}}``.
    """
    total, per_type = _tally(), defaultdict(_tally)
    for gold, linked in _paired(gold_docs, linked_docs):
        predicted = defaultdict(list)
        for m in linked.mentions if linked is not None else []:
            predicted[m.start, m.end, m.type].append(concept_set(m.identifier))
        for m in gold.mentions:
            candidates = predicted.get((m.start, m.end, m.type))
            guess = candidates.pop(0) if candidates else frozenset()  # a mention given twice is linked twice
            expected = concept_set(m.identifier)
            if expected:
                key, agreed = "mentions", None
            elif has_no_concept(m.identifier):
                key, agreed = "nil", "nil_agreed"
            else:
                key, agreed = "without_id", None
            for tally in (total, per_type[_mapped(m.type, type_map)]):
                tally[key] += 1
                if key == "mentions" and guess == expected:
                    tally["correct"] += 1
                if agreed and not guess:
                    tally[agreed] += 1
    return {**_with_accuracy(total), "per_type": {t: _with_accuracy(per_type[t]) for t in sorted(per_type)}}
