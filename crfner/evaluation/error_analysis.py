"""What a tagger gets wrong: every gold entity and every stray prediction sorted into one error category.

Complements the scores with the texts most often missed, invented or cut wrongly, and a type confusion matrix.
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

from ..errors import DataFormatError
from .metrics import check_aligned, check_tag_lists, entity_sets

NONE = "(none)"
CATEGORIES = ("correct", "type_error", "boundary_error", "boundary_and_type_error", "missed", "spurious")


def _by_sentence(sentences: Sequence[Sequence[str]]) -> list[list[tuple[str, int, int]]]:
    """Each sentence's entities as (type, start, end inclusive), left to right, decoded like the strict scorer."""
    found: list[list[tuple[str, int, int]]] = [[] for _ in sentences]
    for index, etype, start, end in sorted(entity_sets(sentences), key=lambda e: (e[0], e[2])):
        found[index].append((etype, start, end))
    return found


def _text(tokens: Sequence[str], entity: tuple[str, int, int]) -> str:
    return " ".join(tokens[entity[1] : entity[2] + 1])


def _overlap(a: tuple[str, int, int], b: tuple[str, int, int]) -> int:
    """Number of tokens two entities share."""
    return max(0, min(a[2], b[2]) - max(a[1], b[1]) + 1)


def _largest_overlap(entity: tuple[str, int, int], candidates: list[tuple[str, int, int]]) -> tuple[str, int, int]:
    """The candidate sharing most tokens with ``entity``; the leftmost among equals."""
    return max(candidates, key=lambda c: (_overlap(entity, c), -c[1]))


def _top(counter: Counter, top: int, fields: tuple[str, ...]) -> list[dict]:
    """The ``top`` most frequent keys, by count then key, as dicts of ``fields`` plus ``count``."""
    ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:top]
    return [{**dict(zip(fields, key)), "count": count} for key, count in ranked]


def analyze_errors(
    X: Sequence[Sequence[str]],
    y_true: Sequence[Sequence[str]],
    y_pred: Sequence[Sequence[str]],
    top: int = 10,
) -> dict:
    """Sort each gold entity and each unmatched prediction into one category; list the frequent errors.

    For each gold entity: ``correct`` if a predicted entity has its span and type; ``type_error``
    if a predicted entity has its span but another type; ``boundary_error`` if not exact but an
    overlapping predicted entity has its type; ``boundary_and_type_error`` if only overlapping
    predicted entities of other types exist; ``missed`` if no predicted entity overlaps it. Each
    predicted entity overlapping no gold entity is ``spurious``.

    Returns ``{"categories": {category: n}, "missed": [{"text", "type", "count"}],
    "spurious": [{"text", "type", "count"}], "boundary_errors": [{"gold", "predicted", "type",
    "count"}], "confusion": {"labels": [types..., "(none)"], "matrix": [[n]]}}``. Texts are the
    tokens joined by spaces, case kept; lists hold the ``top`` most frequent, ties by text. A
    boundary error pairs the gold text with the same-type prediction overlapping it most. The
    confusion matrix has gold types as rows and predicted types as columns: a gold entity counts
    under the type of the prediction with its exact span, else of the one overlapping it most
    (leftmost among equals), else "(none)"; a spurious prediction counts in row "(none)".
    """
    check_tag_lists(y_true, "y_true")
    check_tag_lists(y_pred, "y_pred")
    check_aligned(y_true, y_pred)
    if len(X) != len(y_true):
        raise DataFormatError(f"{len(X)} token sentences but {len(y_true)} tag sentences")
    for index, (tokens, tags) in enumerate(zip(X, y_true)):
        if len(tokens) != len(tags):
            raise DataFormatError(f"sentence {index}: {len(tokens)} tokens but {len(tags)} tags")
    gold_entities = _by_sentence(y_true)
    pred_entities = _by_sentence(y_pred)
    types = sorted({e[0] for sentence in gold_entities + pred_entities for e in sentence})
    if NONE in types:  # its row and column would hold the spurious and missed counts
        raise DataFormatError(f"an entity type is named {NONE!r}, the confusion matrix's name for no entity; rename it")
    labels = types + [NONE]
    column = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    categories = dict.fromkeys(CATEGORIES, 0)
    missed: Counter = Counter()
    spurious: Counter = Counter()
    boundary: Counter = Counter()

    for tokens, gold, pred in zip(X, gold_entities, pred_entities):
        for entity in gold:
            overlapping = [p for p in pred if _overlap(entity, p)]
            exact = [p for p in overlapping if p[1:] == entity[1:]]
            same_type = [p for p in overlapping if p[0] == entity[0]]
            if exact:
                category = "correct" if exact[0][0] == entity[0] else "type_error"
            elif same_type:
                category = "boundary_error"
                boundary[(_text(tokens, entity), _text(tokens, _largest_overlap(entity, same_type)), entity[0])] += 1
            elif overlapping:
                category = "boundary_and_type_error"
            else:
                category = "missed"
                missed[(_text(tokens, entity), entity[0])] += 1
            categories[category] += 1
            matched = exact[0] if exact else _largest_overlap(entity, overlapping) if overlapping else None
            matrix[column[entity[0]]][column[matched[0] if matched else NONE]] += 1

        for entity in pred:
            if not any(_overlap(entity, g) for g in gold):
                categories["spurious"] += 1
                spurious[(_text(tokens, entity), entity[0])] += 1
                matrix[column[NONE]][column[entity[0]]] += 1

    return {
        "categories": categories,
        "missed": _top(missed, top, ("text", "type")),
        "spurious": _top(spurious, top, ("text", "type")),
        "boundary_errors": _top(boundary, top, ("gold", "predicted", "type")),
        "confusion": {"labels": labels, "matrix": matrix},
    }
