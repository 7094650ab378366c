"""Strict entity-level scores: precision, recall and F1, micro, macro and per type.

Entities are decoded with seqeval's default rules, and an entity is correct only when its
type and both boundaries match the gold one. On IOB1 and IOB2 tags the scores are conlleval's;
conlleval.pl does not read IOBES (see :mod:`crfner.schemes`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Sequence

from ..errors import DataFormatError


@dataclass
class TypeScores:
    """Scores of one entity type: ``support`` gold entities, ``predicted`` system entities."""

    precision: float
    recall: float
    f1: float
    support: int
    predicted: int
    correct: int


@dataclass
class Scores:
    """The result of :func:`evaluate`; prints as a table, serialises with :meth:`to_dict`."""

    precision: float
    recall: float
    f1: float
    support: int
    predicted: int
    correct: int
    macro_precision: float
    macro_recall: float
    macro_f1: float
    per_type: dict[str, TypeScores] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Plain dict of every figure, ready for ``json.dump``."""
        return asdict(self)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, sort_keys=False)

    def __str__(self) -> str:
        rows = [(name, s.precision, s.recall, s.f1, s.support, s.predicted) for name, s in sorted(self.per_type.items())]
        rows.append(("micro avg", self.precision, self.recall, self.f1, self.support, self.predicted))
        rows.append(("macro avg", self.macro_precision, self.macro_recall, self.macro_f1, self.support, self.predicted))
        width = max(9, *(len(r[0]) for r in rows))
        lines = [f"{'type':<{width}}  precision  recall      f1  support  predicted"]
        for i, (name, p, r, f, n, k) in enumerate(rows):
            if i == len(rows) - 2:
                lines.append("-" * len(lines[0]))
            lines.append(f"{name:<{width}}  {p:9.4f}  {r:6.4f}  {f:6.4f}  {n:7d}  {k:9d}")
        return "\n".join(lines)


def prf(correct: int, predicted: int, support: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts; 0.0 where a denominator is 0."""
    precision = correct / predicted if predicted else 0.0
    recall = correct / support if support else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def entity_sets(sentences: Sequence[Sequence[str]]) -> set[tuple[int, str, int, int]]:
    """All entities of a corpus as (sentence index, type, start, end inclusive), seqeval's way."""
    from seqeval.metrics.sequence_labeling import get_entities

    found = set()
    for index, tags in enumerate(sentences):
        for etype, start, end in get_entities(list(tags)):
            found.add((index, etype, start, end))
    return found


def check_tag_lists(y: Sequence[Sequence[str]], name: str) -> None:
    """Raise :class:`DataFormatError` unless ``y`` is a list of tag lists whose tags fit a scheme
    (``O`` or ``B-``/``I-``/``E-``/``S-`` and a type): a flat list of tags would otherwise be read
    as sentences of one-character tags, and an unknown tag as outside any entity."""
    from ..schemes import is_valid_tag

    if isinstance(y, (str, bytes)) or not hasattr(y, "__len__"):
        raise DataFormatError(f"{name} must be a list of tag lists, not {type(y).__name__}")
    for index, tags in enumerate(y):
        if isinstance(tags, (str, bytes)) or not hasattr(tags, "__iter__"):
            raise DataFormatError(f"{name}[{index}] must be a list of tags, not {type(tags).__name__} "
                                  f"(give one list per sentence: [['B-Disease', 'O']], not ['B-Disease', 'O'])")
    valid: set[str] = set()  # each distinct tag is matched once
    for index, tags in enumerate(y):
        for tag in tags:
            if not (isinstance(tag, str) and (tag in valid or is_valid_tag(tag))):
                raise DataFormatError(f"{name}[{index}]: tag {tag!r} fits no tagging scheme (O, or B-/I-/E-/S- and a type)")
            valid.add(tag)


def check_aligned(y_true: Sequence[Sequence], y_pred: Sequence[Sequence], what: str = "predicted") -> None:
    """Raise :class:`DataFormatError` unless both corpora have the same sentences and lengths."""
    if len(y_true) != len(y_pred):
        raise DataFormatError(f"{len(y_true)} gold sentences but {len(y_pred)} {what} ones")
    for index, (gold, pred) in enumerate(zip(y_true, y_pred)):
        if len(gold) != len(pred):
            raise DataFormatError(f"sentence {index}: {len(gold)} gold tags but {len(pred)} {what} tags")


def evaluate(y_true: Sequence[Sequence[str]], y_pred: Sequence[Sequence[str]]) -> Scores:
    """Strict entity-level scores of ``y_pred`` against ``y_true`` (lists of tag lists)."""
    check_tag_lists(y_true, "y_true")
    check_tag_lists(y_pred, "y_pred")
    check_aligned(y_true, y_pred)
    gold_entities = entity_sets(y_true)
    pred_entities = entity_sets(y_pred)
    types = sorted({e[1] for e in gold_entities} | {e[1] for e in pred_entities})
    per_type = {}
    for etype in types:
        gold_t = {e for e in gold_entities if e[1] == etype}
        pred_t = {e for e in pred_entities if e[1] == etype}
        correct = len(gold_t & pred_t)
        per_type[etype] = TypeScores(*prf(correct, len(pred_t), len(gold_t)), len(gold_t), len(pred_t), correct)
    correct = len(gold_entities & pred_entities)
    precision, recall, f1 = prf(correct, len(pred_entities), len(gold_entities))
    count = len(per_type) or 1
    return Scores(
        precision=precision,
        recall=recall,
        f1=f1,
        support=len(gold_entities),
        predicted=len(pred_entities),
        correct=correct,
        macro_precision=sum(s.precision for s in per_type.values()) / count,
        macro_recall=sum(s.recall for s in per_type.values()) / count,
        macro_f1=sum(s.f1 for s in per_type.values()) / count,
        per_type=per_type,
    )
