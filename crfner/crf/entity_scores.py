"""The probability a linear-chain CRF gives each entity of a label path: that the entity, its
type and exactly its tokens, is among the entities read from the labels (IOB2, as
:func:`crfner.schemes.tags_to_spans` reads them), summed over every labelling of the sentence.

It is the constrained forward-backward of Culotta and McCallum ("Confidence Estimation for
Information Extraction", HLT-NAACL 2004), from the scaled tables of
:func:`crfner.crf.decoding.scaled_tables`. An entity of type T over tokens s..e is read from a
labelling when token s opens it (``B-T``, or ``I-T`` after neither ``B-T`` nor ``I-T``), tokens
s+1..e are ``I-T``, and token e+1 is not ``I-T``; the weight of those labellings over the
weight of all is the entity's probability. Unlike the mean of its tags' marginals, it counts
the paths that cut the entity shorter or run it longer against it, and is both better
calibrated and better at telling right entities from wrong (``benchmarks/span_confidence.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["EntityLabels", "continuations", "entity_token_scores"]

_TINY = 1e-300  # keeps the logarithm of a vanished label weight finite


@dataclass(frozen=True)
class EntityLabels:
    """What each label index says of entities: ``kind`` 0 (``O``), 1 (``B-``) or 2 (``I-``),
    its entity type's number (-1 for ``O``), and per type the index of its ``B-`` and ``I-``
    labels (-1 where the model has none)."""

    kind: np.ndarray
    type_of: np.ndarray
    begin: np.ndarray
    inside: np.ndarray

    @classmethod
    def of(cls, labels: list[str]) -> EntityLabels | None:
        """The structure of IOB2 ``labels`` (``O``, ``B-X``, ``I-X``), or None for labels of another scheme."""
        types: dict[str, int] = {}
        kind, type_of = [], []
        for label in labels:
            if label == "O":
                kind.append(0)
                type_of.append(-1)
            elif label[:2] in ("B-", "I-") and len(label) > 2:
                kind.append(1 if label[0] == "B" else 2)
                type_of.append(types.setdefault(label[2:], len(types)))
            else:
                return None
        begin, inside = np.full(len(types), -1), np.full(len(types), -1)
        for index, (k, t) in enumerate(zip(kind, type_of)):
            if k == 1:
                begin[t] = index
            elif k == 2:
                inside[t] = index
        return cls(np.array(kind), np.array(type_of), begin, inside)


def continuations(labels: EntityLabels) -> np.ndarray:
    """``allowed[i, j]``: whether label ``j`` at a token continues label ``i`` before it within
    one unit, neither opening nor closing an entity there: ``O`` after ``O``, ``I-T`` after
    ``B-T`` or ``I-T``."""
    kind, type_of = labels.kind, labels.type_of
    outside = (kind[:, None] == 0) & (kind[None, :] == 0)
    inside = (kind[:, None] > 0) & (kind[None, :] == 2) & (type_of[:, None] == type_of[None, :])
    return outside | inside


def entity_token_scores(tables, lengths: np.ndarray, paths: np.ndarray, labels: EntityLabels,
                        path_marginals: np.ndarray) -> np.ndarray:
    """``path_marginals[b, t]`` (the marginal of each token's label on ``paths``, a padded
    batch) with each token of an entity of a path given that entity's probability instead;
    ``tables`` are the batch's :class:`crfner.crf.decoding.ScaledTables` (this module imports
    nothing from the decoder, which calls it)."""
    _, longest = paths.shape
    valid = np.arange(longest)[None, :] < lengths[:, None]
    kind, kinds_type = labels.kind[paths], labels.type_of[paths]
    in_entity = (kind > 0) & valid
    same_type_before = np.zeros_like(in_entity)
    same_type_before[:, 1:] = in_entity[:, :-1] & (kinds_type[:, :-1] == kinds_type[:, 1:])
    opens = in_entity & ((kind == 1) | ~same_type_before)
    continued = np.zeros_like(in_entity)
    continued[:, :-1] = in_entity[:, 1:] & (kind[:, 1:] == 2) & (kinds_type[:, 1:] == kinds_type[:, :-1])
    closes = in_entity & ~continued
    b, s = np.nonzero(opens)
    _, e = np.nonzero(closes)  # entities neither nest nor overlap: the n-th close ends the n-th opening
    if not len(b):
        return path_marginals
    probability = _probabilities(tables, lengths, b, s, e, kinds_type[b, s], labels)
    entity_of_token = np.cumsum(opens.ravel()).reshape(opens.shape) - 1
    out = path_marginals.copy()
    out[in_entity] = probability[entity_of_token[in_entity]]
    return out


def _probabilities(tables, lengths, b, s, e, entity_type, labels: EntityLabels) -> np.ndarray:
    """The probability of each entity (sentence ``b``, tokens ``s``..``e``, ``entity_type``)."""
    weights, emit, forward, backward, norm = tables.weights, tables.emit, tables.forward, tables.backward, tables.norm
    first, inner = labels.begin[entity_type], labels.inside[entity_type]
    has_first, has_inner = first >= 0, inner >= 0
    first_at, inner_at = np.where(has_first, first, 0), np.where(has_inner, inner, 0)
    # the weight of the paths up to token s that open the entity there, ending in B-T or in I-T
    open_first = np.where(has_first, forward[b, s, first_at], 0.0)
    before = forward[b, np.maximum(s - 1, 0)]  # [entity, label]
    into_inner = np.einsum("ei,ie->e", before, weights[:, inner_at])
    into_inner -= before[np.arange(len(b)), inner_at] * weights[inner_at, inner_at]  # not I-T to I-T
    into_inner -= np.where(has_first, before[np.arange(len(b)), first_at] * weights[first_at, inner_at], 0.0)  # nor B-T
    open_inner = np.where(s == 0, forward[b, s, inner_at], into_inner * emit[b, s, inner_at] / norm[b, s])
    open_inner = np.where(has_inner, open_inner, 0.0)
    # through tokens s+1..e, all I-T: log of each token's factor, summed by a cumulative sum
    # (over the I- labels only, a column per entity type)
    inner_of_type = np.where(labels.inside >= 0, labels.inside, 0)
    ratio = np.log(np.maximum(emit[:, :, inner_of_type] / norm[:, :, None], _TINY))
    summed = np.cumsum(ratio, axis=1)
    stay = weights[inner_at, inner_at]
    opened = open_first * np.where(has_first, weights[first_at, inner_at], 0.0) + open_inner * stay
    # the product of the tokens' factors and of the stays, taken as one sum of logs: over thousands of
    # tokens the first overflowed and the second underflowed, and inf * 0 made the score NaN
    with np.errstate(divide="ignore"):
        log_through = summed[b, e, entity_type] - summed[b, s, entity_type] + np.maximum(e - s - 1, 0) * np.log(stay)
        longer = np.exp(np.log(opened) + log_through)
    # after token e: anything but I-T (nothing at the sentence's end)
    last = e == lengths[b] - 1
    after = np.minimum(e + 1, forward.shape[1] - 1)
    following = emit[b, after] * backward[b, after] / norm[b, after][:, None]  # [entity, label]

    def closing(label):
        kept = np.einsum("ij,ij->i", weights[label], following) - np.where(
            has_inner, weights[label, inner_at] * following[np.arange(len(b)), inner_at], 0.0)
        return np.where(last, 1.0, kept)

    single = open_first * closing(first_at) + open_inner * closing(inner_at)
    probability = np.where(e == s, single, longer * closing(inner_at))
    return np.clip(probability, 0.0, 1.0)
