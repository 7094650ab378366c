"""Viterbi decoding and forward-backward marginals with numpy from a CRF's weights.

CRFsuite reads every token's features as strings and looks each one up in the model; a
tagger that knows the weights can instead sum them once per word type (see
``crfner.featurize.emissions``) and decode many sentences at once. The weights are read from
the binary model (the text dump that pycrfsuite parses rounds them to six decimals), and the
recursion and its tie-breaking follow CRFsuite's ``crf1dc_viterbi``, so the tags are the same.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

from ..errors import ModelFileError

_HEADER = struct.Struct("<4sI4sIIIIIIIII")
_CHUNK = struct.Struct("<4sII")
_CQDB = struct.Struct("<4sIIIII")  # a CQDB string table: chunk, size, flag, byte order, strings, where their index is
_FEATURE = np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("weight", "<f8")])
STATE, TRANSITION = 0, 1
_BATCH = 256  # sentences decoded together


@dataclass
class CRFWeights:
    """A linear-chain CRF's parameters: ``state[attribute_row, label]``, ``transition[from, to]``."""

    labels: list[str]
    attributes: dict[bytes, int]  # encoded attribute -> row of ``state``
    state: np.ndarray
    transition: np.ndarray

    @classmethod
    def from_model(cls, model: bytes) -> "CRFWeights":
        """Weights of a CRFsuite model file's bytes, the label and attribute names read from its
        string tables (not pycrfsuite's text dump, whose parser breaks on a name holding a line break)."""
        try:
            magic, _, kind, _, _, n_labels, n_attributes, features_at, labels_at, attributes_at, *_ = _HEADER.unpack_from(model, 0)
            chunk, _, n_features = _CHUNK.unpack_from(model, features_at)
            if magic != b"lCRF" or kind != b"FOMC" or chunk != b"FEAT":
                raise ValueError("not a CRFsuite linear-chain model")
            features = np.frombuffer(model, dtype=_FEATURE, count=n_features, offset=features_at + _CHUNK.size)
            labels = [name.decode() for name in _cqdb_strings(model, labels_at, n_labels)]
            attributes = {name: index for index, name in enumerate(_cqdb_strings(model, attributes_at, n_attributes))}
        except (struct.error, ValueError) as error:
            raise ModelFileError(f"cannot read the CRF weights ({error})") from None
        state = np.zeros((n_attributes, n_labels))
        transition = np.zeros((n_labels, n_labels))
        kinds = features["type"]
        is_state = kinds == STATE
        state[features["src"][is_state], features["dst"][is_state]] = features["weight"][is_state]
        is_transition = kinds == TRANSITION
        transition[features["src"][is_transition], features["dst"][is_transition]] = features["weight"][is_transition]
        return cls(labels, attributes, state, transition)

    def emissions(self, attribute_lists) -> np.ndarray:
        """Label scores of each token from its attributes (the slow, plain way: for checks)."""
        out = np.zeros((len(attribute_lists), len(self.labels)))
        for i, attributes in enumerate(attribute_lists):
            rows = [self.attributes[a] for a in attributes if a in self.attributes]
            if rows:
                out[i] = self.state[rows].sum(axis=0)
        return out


def _cqdb_strings(model: bytes, at: int, count: int) -> list[bytes]:
    """The ``count`` strings of the CQDB table at ``at``, by id (each record: id, size, the
    NUL-terminated bytes); ValueError or struct.error for a damaged table."""
    chunk, _, _, _, size, index_at = _CQDB.unpack_from(model, at)
    if chunk != b"CQDB" or size != count:
        raise ValueError("a damaged string table")
    strings = []
    for expected, record in enumerate(struct.unpack_from(f"<{size}I", model, at + index_at)):
        key, length = struct.unpack_from("<II", model, at + record)
        if key != expected or not length:
            raise ValueError("a damaged string table")
        strings.append(model[at + record + 8 : at + record + 7 + length])
    return strings


def viterbi(emissions: list[np.ndarray], transition: np.ndarray, glue=None) -> list[np.ndarray]:
    """The best label path (label indices) of each sentence, given its ``(tokens, labels)``
    emission scores; sentences of similar length are decoded together. ``glue``, when given, is
    ``(glued, allowed)``: per sentence None or, per token, whether it is glued to the token
    before it, and ``allowed[i, j]``, the moves a glued token may make (label ``i`` before it,
    ``j`` at it); the best path is then the best of those that make only allowed moves there."""
    return [path for path, _ in _batched(emissions, transition, True, False, glue=glue)]


def marginals(emissions: list[np.ndarray], transition: np.ndarray) -> list[np.ndarray]:
    """The marginal probability of every label at every token, ``(tokens, labels)`` per
    sentence, by forward-backward in log space (no underflow on long sentences); sentences
    of similar length are computed together."""
    return [probabilities for _, probabilities in _batched(emissions, transition, False, True)]


def paths_and_their_marginals(emissions: list[np.ndarray], transition: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each sentence's best path and the marginal probability of each of its labels (what
    entity scores need), without the marginals of the labels not on the path."""
    return _batched(emissions, transition, True, "path")


def paths_and_entity_scores(emissions: list[np.ndarray], transition: np.ndarray, labels, glue=None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each sentence's best path (``glue`` as in :func:`viterbi`) and a score for each of its
    tokens: for a token of an entity the probability of that entity (:mod:`crfner.crf.entity_scores`;
    ``labels``, its :class:`~crfner.crf.entity_scores.EntityLabels`), for any other token its
    label's marginal. A batch whose scaled recursion underflows gives every token its label's marginal."""
    return _batched(emissions, transition, True, "entities", labels, glue=glue)


def _batched(emissions: list[np.ndarray], transition: np.ndarray, paths: bool, probabilities, labels=None,
             glue=None) -> list[tuple]:
    """(path or None, marginals or None) per sentence, in batches of similar length;
    ``probabilities="path"`` gives only those of the path's labels, ``"entities"`` those with
    each entity's tokens given the entity's probability."""
    out: list = [None] * len(emissions)
    n_labels = transition.shape[0]
    order = sorted(range(len(emissions)), key=lambda i: len(emissions[i]))
    for first in range(0, len(order), _BATCH):
        batch = order[first : first + _BATCH]
        lengths = np.array([len(emissions[i]) for i in batch])
        longest = int(lengths.max())
        if longest == 0:
            for i in batch:
                out[i] = (np.zeros(0, dtype=np.intp), np.zeros(0) if probabilities == "path" else np.zeros((0, n_labels)))
            continue
        scores = np.zeros((len(batch), longest, n_labels))
        for b, i in enumerate(batch):
            scores[b, : lengths[b]] = emissions[i]
        best = _viterbi_batch(scores, lengths, transition, _padded_glue(glue, batch, longest)) if paths else None
        if probabilities == "entities":
            marginal = _entity_scores(scores, lengths, transition, best, labels)
        elif probabilities == "path":
            marginal = _on_path(_marginals(scores, lengths, transition), best)
        elif probabilities:
            inside = (np.arange(longest)[None, :] < lengths[:, None])[:, :, None]  # past a sentence's end: padding
            marginal = np.where(inside, _marginals(scores, lengths, transition), 0.0)
        for b, i in enumerate(batch):
            n = lengths[b]
            out[i] = (best[b, :n] if paths else None, marginal[b, :n] if probabilities else None)
    return out


def _entity_scores(scores: np.ndarray, lengths: np.ndarray, transition: np.ndarray, best: np.ndarray, labels) -> np.ndarray:
    """:func:`paths_and_entity_scores` for one padded batch."""
    from .entity_scores import entity_token_scores

    tables = scaled_tables(scores, lengths, transition)
    if tables is None:  # scores far outside trained weights: the marginals, in log space
        return _on_path(np.exp(_log_marginals(scores, lengths, transition)), best)
    # the path's labels picked from each table before multiplying: not every label's product
    on_path = _on_path(tables.forward, best) * _on_path(tables.backward, best)
    return entity_token_scores(tables, lengths, best, labels, on_path)


def _on_path(table: np.ndarray, best: np.ndarray) -> np.ndarray:
    """``table[b, t, best[b, t]]`` for a padded batch: each token's value for its label on the path."""
    return np.take_along_axis(table, best[:, :, None], axis=2)[:, :, 0]


def _padded_glue(glue, batch: list[int], longest: int):
    """``(glued[sentence, token], barred moves)`` for a padded batch, or None where no sentence of it has glued tokens."""
    if glue is None:
        return None
    glued, allowed = glue
    marks = [(b, flags) for b, i in enumerate(batch) if (flags := glued[i]) is not None]
    if not marks:
        return None
    padded = np.zeros((len(batch), longest), dtype=bool)
    for b, flags in marks:
        padded[b, : len(flags)] = flags
    return padded, np.where(allowed, 0.0, -np.inf)


def _viterbi_batch(scores: np.ndarray, lengths: np.ndarray, transition: np.ndarray, glue=None) -> np.ndarray:
    """Best paths ``[sentence, token]`` of a padded batch ``scores[sentence, token, label]`` of
    the given lengths (zeros past each sentence's end); ``glue``, ``(glued[sentence, token],
    barred)``, adds ``barred`` (0 or -inf per move) to the moves into each glued token."""
    size, longest, n_labels = scores.shape
    rows = np.arange(size)
    back = np.zeros((size, longest, n_labels), dtype=np.intp)
    current = scores[:, 0].copy()
    for t in range(1, longest):
        # candidate[b, i, j]: best score ending in label i at t-1, then moving to j.
        candidate = current[:, :, None] + transition[None, :, :]
        if glue is not None and len(rows_glued := np.flatnonzero(glue[0][:, t])):
            candidate[rows_glued] += glue[1]
        best_from = candidate.argmax(axis=1)  # the first maximum, as CRFsuite keeps it
        back[:, t] = best_from
        moved = np.take_along_axis(candidate, best_from[:, None, :], axis=1)[:, 0] + scores[:, t]
        active = (t < lengths)[:, None]
        current = np.where(active, moved, current)
    paths = np.zeros((size, longest), dtype=np.intp)
    label = current.argmax(axis=1)
    for t in range(longest - 1, -1, -1):
        ends_here = lengths - 1 == t
        if t + 1 < longest:
            label = np.where(ends_here, current.argmax(axis=1), back[rows, t + 1, label])
        paths[:, t] = label
    return np.where(np.arange(longest)[None, :] < lengths[:, None], paths, 0)


def _marginals(scores: np.ndarray, lengths: np.ndarray, transition: np.ndarray) -> np.ndarray:
    """Marginals ``[sentence, token, label]`` of a padded batch (meaningless past each
    sentence's end), by the scaled forward-backward recursion that CRFsuite uses.

    Each token's label scores and the transitions enter as ``exp(score - its maximum)``
    (largest term 1, so nothing overflows) and the forward vector is renormalised to sum 1 at
    each step, so no product can overflow or vanish over a long sentence; this takes half the
    array operations of the log-sum-exp form. Should a normaliser still underflow (score gaps
    of about 700 nats, far outside trained weights), the batch is redone in log space.
    """
    tables = scaled_tables(scores, lengths, transition)
    if tables is None:
        return np.exp(_log_marginals(scores, lengths, transition))
    return tables.forward * tables.backward


@dataclass
class ScaledTables:
    """The scaled forward-backward tables of a padded batch (see :func:`scaled_tables`)."""

    weights: np.ndarray  # exp(transition - its maximum)
    emit: np.ndarray  # exp(scores - each token's maximum)
    forward: np.ndarray
    backward: np.ndarray
    norm: np.ndarray


def _row_products(rows: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``rows @ weights``, each row on its own: one matrix product over the whole batch rounds a
    sentence's sums differently with the sentences beside it (BLAS picks its kernel by the batch's
    size), so that a score's last digits changed with --n-jobs and --chunk-size."""
    return (np.ascontiguousarray(rows)[:, None, :] @ weights)[:, 0]


def scaled_tables(scores: np.ndarray, lengths: np.ndarray, transition: np.ndarray) -> ScaledTables | None:
    """The forward and backward tables of a padded batch by CRFsuite's scaled recursion, or
    None should a normaliser underflow (see :func:`_marginals`). ``forward[b, t, j]`` is the
    weight of the paths over tokens 0..t ending in label j and ``backward[b, t, i]`` that of the
    paths over tokens t+1..end from label i, each divided by the norms of its tokens, so that
    their product is a probability; ``backward`` is one at and past a sentence's end."""
    size, longest, _ = scores.shape
    weights = np.exp(transition - transition.max())
    weights_back = np.ascontiguousarray(weights.T)
    emit = np.exp(scores - scores.max(axis=2, keepdims=True))
    # forward[b, t]: the summed weight of all paths over tokens 0..t ending in each label,
    # divided by norm[b, t] (its sum over labels, given the earlier divisions).
    forward = np.empty_like(emit)
    norm = np.empty((size, longest))
    step = emit[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):  # a zero norm is caught below
        for t in range(longest):
            if t:
                step = _row_products(forward[:, t - 1], weights) * emit[:, t]
            norm[:, t] = total = step.sum(axis=1)
            forward[:, t] = step / total[:, None]
    inside = np.arange(longest)[None, :] < lengths[:, None]
    if not (np.isfinite(norm) & (norm > 0))[inside].all():
        return None
    # backward[b, t]: the same for tokens t+1..end starting from each label, divided by the
    # following tokens' norms; one at and past a sentence's end.
    backward = np.ones_like(emit)
    for t in range(longest - 2, -1, -1):
        following = _row_products(emit[:, t + 1] * backward[:, t + 1], weights_back) / norm[:, t + 1, None]
        backward[:, t] = np.where((t < lengths - 1)[:, None], following, 1.0)
    return ScaledTables(weights, emit, forward, backward, norm)


def _log_marginals(scores: np.ndarray, lengths: np.ndarray, transition: np.ndarray) -> np.ndarray:
    """Log marginals ``[sentence, token, label]`` of a padded batch of the given lengths
    (meaningless past each sentence's end), by forward-backward with a full log-sum-exp over
    every pair of labels at each step: slower than :func:`_marginals`, exact for any scores."""
    size, longest, n_labels = scores.shape
    # forward[b, t, j]: log of the summed scores of all paths over tokens 0..t ending in j.
    forward = np.empty((size, longest, n_labels))
    forward[:, 0] = scores[:, 0]
    for t in range(1, longest):
        forward[:, t] = _log_sum_exp(forward[:, t - 1, :, None] + transition, axis=1) + scores[:, t]
    # backward[b, t, i]: the same for tokens t+1..end starting from i; zero at and past the end.
    backward = np.zeros((size, longest, n_labels))
    for t in range(longest - 2, -1, -1):
        step = _log_sum_exp(transition + (scores[:, t + 1] + backward[:, t + 1])[:, None, :], axis=2)
        backward[:, t] = np.where((t < lengths - 1)[:, None], step, 0.0)
    log_z = _log_sum_exp(forward[np.arange(size), lengths - 1], axis=1)
    return forward + backward - log_z[:, None, None]


def _log_sum_exp(values: np.ndarray, axis: int) -> np.ndarray:
    """``log(sum(exp(values)))`` along ``axis``, shifted by the maximum so nothing overflows."""
    top = values.max(axis=axis, keepdims=True)
    return np.log(np.exp(values - top).sum(axis=axis)) + np.squeeze(top, axis=axis)
