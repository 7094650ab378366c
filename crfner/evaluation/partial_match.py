"""Lenient entity scores: the four schemes of SemEval-2013 task 9.1, counted by ``nervaluate``.

Entities are decoded exactly as the strict scorer decodes them, so the ``strict`` scheme agrees with
:func:`crfner.evaluate`.
"""

from __future__ import annotations

from typing import Sequence

from .metrics import check_aligned, check_tag_lists, entity_sets

SCHEMES = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}
FIELDS = ("correct", "incorrect", "partial", "missed", "spurious", "possible", "actual")


def _figures(result) -> dict:
    """One nervaluate ``EvaluationResult`` as a plain dict of ints and floats."""
    figures = {name: int(getattr(result, name)) for name in FIELDS}
    figures.update(precision=float(result.precision), recall=float(result.recall), f1=float(result.f1))
    return figures


def _zeros() -> dict:
    return {**{name: 0 for name in FIELDS}, "precision": 0.0, "recall": 0.0, "f1": 0.0}


def partial_match_scores(y_true: Sequence[Sequence[str]], y_pred: Sequence[Sequence[str]]) -> dict:
    """Strict, exact-boundary, partial-boundary and type scores, overall and per type.

    The schemes (SemEval-2013 9.1): ``strict`` needs span and type; ``exact`` the span only;
    ``partial`` counts an overlap as half right (P = (COR + 0.5 PAR) / ACT); ``type`` needs the
    type and any overlap. Returns ``{"strict": {...}, "exact", "partial", "type", "per_type":
    {TYPE: {"strict": {...}, ...}}}``, each ``{...}`` holding ``correct, incorrect, partial,
    missed, spurious, possible, actual, precision, recall, f1``.

    Quirks of nervaluate 1.2 that show in these numbers:

    - matching is greedy, one gold entity per prediction: a prediction overlapping two gold
      entities counts once (INC or PAR, against the leftmost; in ``type`` the same-type one with
      the closest boundaries) and the other gold entity is MIS; a second prediction overlapping
      an already matched gold entity is SPU.
    - ``per_type`` scores each type on that type's entities alone, so a prediction of the wrong
      type is never INC there but MIS for the gold type and SPU for the predicted one (even in
      ``exact`` and ``partial``, which ignore types overall): per-type counts need not sum to the
      overall ones.
    """
    from nervaluate import Evaluator

    check_tag_lists(y_true, "y_true")
    check_tag_lists(y_pred, "y_pred")
    check_aligned(y_true, y_pred)
    documents: dict[str, list[list[dict]]] = {}
    for side, corpus in (("true", y_true), ("pred", y_pred)):
        documents[side] = [[] for _ in corpus]
        # Sorted by start: nervaluate's greedy matching depends on the order of the entities.
        for sentence, etype, start, end in sorted(entity_sets(corpus), key=lambda e: (e[0], e[2])):
            documents[side][sentence].append({"label": etype, "start": start, "end": end})
    types = sorted({e["label"] for doc in documents["true"] + documents["pred"] for e in doc})

    results = Evaluator(documents["true"], documents["pred"], tags=types, loader="dict").evaluate()
    overall, entities = results["overall"], results["entities"]
    scores = {ours: _figures(overall[theirs]) if theirs in overall else _zeros() for ours, theirs in SCHEMES.items()}
    scores["per_type"] = {
        etype: {ours: _figures(entities[etype][theirs]) for ours, theirs in SCHEMES.items()} for etype in types
    }
    return scores
