"""Document-level evaluation by character offsets, independent of any tokenisation.

Strict: a predicted mention is correct when a gold one has the same start, end and type.
Overlap: when a gold one of the same type shares at least one character with it; each gold
and each predicted mention counts at most once, pairs chosen to match as many as possible.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable, Sequence

from ..corpora.documents import Document, Mention
from ..errors import DataFormatError
from .metrics import Scores, TypeScores, prf


def scores_from_counts(correct: Counter, predicted: Counter, support: Counter) -> Scores:
    """Micro, macro and per-type figures from per-type counts."""
    per_type = {}
    for etype in sorted(set(predicted) | set(support)):
        c, p, s = correct[etype], predicted[etype], support[etype]
        per_type[etype] = TypeScores(*prf(c, p, s), support=s, predicted=p, correct=c)
    c, p, s = sum(correct.values()), sum(predicted.values()), sum(support.values())
    n = len(per_type) or 1
    return Scores(
        *prf(c, p, s),
        support=s,
        predicted=p,
        correct=c,
        macro_precision=sum(t.precision for t in per_type.values()) / n,
        macro_recall=sum(t.recall for t in per_type.values()) / n,
        macro_f1=sum(t.f1 for t in per_type.values()) / n,
        per_type=per_type,
    )


def strict_matches(gold: Sequence[Mention], pred: Sequence[Mention]) -> Counter:
    """Per type, how many predicted mentions equal a gold one in start, end and type."""
    common = Counter((m.start, m.end, m.type) for m in gold) & Counter((m.start, m.end, m.type) for m in pred)
    out: Counter = Counter()
    for (_, _, etype), count in common.items():
        out[etype] += count
    return out


def overlap_matches(gold: Sequence[Mention], pred: Sequence[Mention]) -> Counter:
    """Per type, the largest number of (gold, predicted) pairs of that type whose spans
    overlap, each mention used at most once (maximum bipartite matching)."""
    by_type: dict[str, tuple[list[Mention], list[Mention]]] = defaultdict(lambda: ([], []))
    for m in gold:
        by_type[m.type][0].append(m)
    for m in pred:
        by_type[m.type][1].append(m)
    out: Counter = Counter()
    for etype, (golds, preds) in by_type.items():
        if golds and preds:
            out[etype] = _max_matching(golds, preds)
    return out


def _max_matching(golds: list[Mention], preds: list[Mention]) -> int:
    """Size of a maximum matching between overlapping spans, by augmenting paths (searched
    without recursion, larger overlaps first)."""
    edges = []
    for p in preds:
        options = [(min(p.end, g.end) - max(p.start, g.start), j) for j, g in enumerate(golds) if p.start < g.end and g.start < p.end]
        edges.append([j for _, j in sorted(options, key=lambda o: -o[0])])
    owner = [-1] * len(golds)
    matched = 0
    for root in range(len(preds)):
        if not edges[root]:
            continue
        seen: set[int] = set()
        stack = [[root, 0]]  # predicted mention, next edge to try
        path: list[tuple[int, int]] = []  # (predicted, gold) pairs along the current path
        while stack:
            frame = stack[-1]
            i, k = frame
            if k == len(edges[i]):
                stack.pop()
                if path:
                    path.pop()
                continue
            frame[1] += 1
            j = edges[i][k]
            if j in seen:
                continue
            seen.add(j)
            path.append((i, j))
            if owner[j] == -1:
                for i2, j2 in path:
                    owner[j2] = i2
                matched += 1
                break
            stack.append([owner[j], 0])
    return matched


def documents_by_id(documents: Iterable[Document], what: str) -> dict[str, Document]:
    """The documents by id; an id given twice is a DataFormatError (``what``: gold, predicted...)."""
    out: dict[str, Document] = {}
    for document in documents:
        if document.id in out:
            raise DataFormatError(f"the {what} documents hold id {document.id!r} twice")
        out[document.id] = document
    return out


def evaluate_documents(gold_docs: Iterable[Document], pred_docs: Iterable[Document]) -> dict:
    """Strict and overlap precision, recall and F1 (micro, macro, per type) of predicted
    mentions against gold ones, documents matched by id.

    Returns ``{"documents": n, "strict": {...}, "overlap": {...}}``, each score block laid
    out as :meth:`crfner.evaluation.metrics.Scores.to_dict`. The two sets of ids must be equal and each
    pair of documents must have the same text; otherwise DataFormatError.
    """
    gold, pred = documents_by_id(gold_docs, "gold"), documents_by_id(pred_docs, "predicted")
    if gold.keys() != pred.keys():
        only_gold, only_pred = sorted(gold.keys() - pred.keys()), sorted(pred.keys() - gold.keys())
        parts = [f"{len(ids)} only in the {what} (first: {ids[0]!r})" for ids, what in ((only_gold, "gold"), (only_pred, "predictions")) if ids]
        raise DataFormatError(f"the gold and predicted documents differ: {'; '.join(parts)}")
    support: Counter = Counter()
    predicted: Counter = Counter()
    strict: Counter = Counter()
    overlap: Counter = Counter()
    for doc_id, g in gold.items():
        p = pred[doc_id]
        if g.text != p.text:
            raise DataFormatError(f"document {doc_id!r}: the gold and predicted texts differ, so their offsets cannot be compared")
        support.update(m.type for m in g.mentions)
        predicted.update(m.type for m in p.mentions)
        strict.update(strict_matches(g.mentions, p.mentions))
        overlap.update(overlap_matches(g.mentions, p.mentions))
    return {
        "documents": len(gold),
        "strict": scores_from_counts(strict, predicted, support).to_dict(),
        "overlap": scores_from_counts(overlap, predicted, support).to_dict(),
    }
