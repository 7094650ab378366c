"""Label scores of every token straight from a trained CRF's weights, without building the
tokens' feature strings.

A token's own features and what its neighbours see of them depend on the word alone, so
their summed weights are kept per word type: one row of ``own`` and one row per context
offset. A sentence's scores are then a few array gathers and shifted additions; only the
features that depend on the sentence (gazetteer matches, word conjunctions, boundaries,
abbreviations) are looked up token by token. The sums equal those of the attributes that
:meth:`Featurizer.document_attributes` gives, which the tests check.
"""

from __future__ import annotations

import threading
from typing import Sequence

import numpy as np

from .context import attribute


def _doubled(own: np.ndarray, seen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A table of rows (``own``) and its per-offset companion (``seen``), with room for twice as many rows."""
    return np.concatenate([own, np.zeros_like(own)]), np.concatenate([seen, np.zeros_like(seen)], axis=1)


class EmissionScorer:
    """Scores ``(tokens, labels)`` for the sentences of a document, for a featurizer and the
    weights (:class:`crfner.crf.decoding.CRFWeights`) of a model trained on its features.
    Safe to share between threads: a call holds the scorer while its tables grow."""

    def __init__(self, featurizer, weights):
        self.featurizer = featurizer
        self._state = weights.state
        self._padded = np.vstack([weights.state, np.zeros((1, len(weights.labels)))])
        self._zero_row = len(weights.state)
        self._rows = weights.attributes
        self._offsets = [offset for offset, _ in featurizer.context.offsets]
        n_labels = len(weights.labels)
        self._zero = np.zeros(n_labels)
        self._index: dict[str, int] = {}
        self._conjoined: list[tuple] = []  # per row: the values conjunctions join
        self._own = np.zeros((1024, n_labels))
        self._seen = np.zeros((len(self._offsets), 1024, n_labels))
        self._gazetteer: dict[tuple, int] = {}
        self._gazetteer_own = np.zeros((64, n_labels))
        self._gazetteer_seen = np.zeros((len(self._offsets), 64, n_labels))
        context = featurizer.context
        self._conjunctions = [(offsets, f"{name}:".encode(), slot) for offsets, name, slot in context.conjunctions]
        self._bos = self._sum([b"BOS"]) if context.boundaries else None
        self._eos = self._sum([b"EOS"]) if context.boundaries else None
        self._lock = threading.Lock()  # the row tables grow and are cleared during a call

    def _sum(self, attributes) -> np.ndarray:
        rows = [self._rows[a] for a in attributes if a in self._rows]
        return self._state[rows].sum(axis=0) if rows else self._zero

    def _word_row(self, word: str) -> int:
        row = self._index.get(word)
        if row is None:
            row = len(self._index)
            if row == len(self._own):
                self._own, self._seen = _doubled(self._own, self._seen)
            own, projections, conjoined = self.featurizer.word_items(word, True)
            self._conjoined.append(conjoined)
            # One gather and one segmented sum for the word's own items and each offset's;
            # every segment starts with the zero row, so none is empty.
            rows, starts = [], []
            for items in (own, *projections):
                starts.append(len(rows))
                rows.append(self._zero_row)
                rows.extend(self._rows[a] for a in items if a in self._rows)
            sums = np.add.reduceat(self._padded[rows], starts)
            self._own[row] = sums[0]
            self._seen[:, row] = sums[1:]
            self._index[word] = row
        return row

    def _gazetteer_id(self, pairs: list) -> int:
        """Row of one token's gazetteer features in ``_gazetteer_own`` / ``_gazetteer_seen``
        (few distinct feature sets occur, so they are summed once each)."""
        key = tuple(pairs)
        gid = self._gazetteer.get(key)
        if gid is None:
            gid = len(self._gazetteer)
            if gid == len(self._gazetteer_own):
                self._gazetteer_own, self._gazetteer_seen = _doubled(self._gazetteer_own, self._gazetteer_seen)
            own, projections = self.featurizer.gazetteer_items(pairs, True)
            self._gazetteer_own[gid] = self._sum(own)
            for k, items in enumerate(projections):
                self._gazetteer_seen[k, gid] = self._sum(items)
            self._gazetteer[key] = gid
        return gid

    def scores(self, sentences: Sequence[Sequence[str]], document_pairs: Sequence | None = None) -> list[np.ndarray]:
        """Scores of many sentences, computed together so that the array work is done once per
        batch; ``document_pairs`` holds, per sentence, what :meth:`Featurizer.document_pairs` gives."""
        if not sentences:
            return []
        sentences = self.featurizer.read_as(self.featurizer.recased(sentences), document_pairs)
        with self._lock:
            return self._scores(sentences, document_pairs)

    def _scores(self, sentences: Sequence[Sequence[str]], document_pairs: Sequence | None) -> list[np.ndarray]:
        lengths = [len(tokens) for tokens in sentences]
        tokens = [token for sentence in sentences for token in sentence]
        total = len(tokens)
        if len(self._index) + total > self.featurizer.CACHE_LIMIT:  # rows stay valid within a batch
            self._index.clear()
            self._conjoined.clear()
        index = self._index
        found = [index.get(t, -1) for t in tokens]
        if -1 in found:
            word_row = self._word_row
            found = [word_row(t) for t in tokens]
        rows = np.array(found, dtype=np.intp)
        scores = self._own[rows]
        counts = np.array(lengths, dtype=np.intp)
        starts = np.cumsum(counts) - counts
        within = np.arange(total) - np.repeat(starts, counts)  # position inside its sentence
        length = np.repeat(counts, counts)
        for k, offset in enumerate(self._offsets):
            # The token at p sees its neighbour at p + offset when both are in one sentence.
            sees = (within + offset >= 0) & (within + offset < length)
            scores[sees] += self._seen[k, rows[np.flatnonzero(sees) + offset]]
        featurizer = self.featurizer
        if featurizer.gazetteers:
            self._add_gazetteers(scores, sentences, starts, within, length)
        if self._conjunctions:
            self._add_conjunctions(scores, sentences, found, starts)
        if self._bos is not None and total:
            present = counts > 0
            scores[starts[present]] += self._bos
            scores[(starts + counts - 1)[present]] += self._eos
        if document_pairs is not None:
            for start, pairs_of_sentence in zip(starts.tolist(), document_pairs):
                for i, pairs in enumerate(pairs_of_sentence or ()):
                    if pairs:
                        scores[start + i] += self._sum([attribute(name, value).encode() for name, value in pairs])
        return np.split(scores, np.cumsum(counts)[:-1])

    def _add_gazetteers(self, scores, sentences, starts, within, length) -> None:
        from .gazetteer import gazetteer_features

        positions, ids = [], []
        gazetteers, gazetteer_id = self.featurizer.gazetteers, self._gazetteer_id
        for start, tokens in zip(starts.tolist(), sentences):
            for j, pairs in enumerate(gazetteer_features(tokens, gazetteers)):
                if pairs:
                    positions.append(start + j)
                    ids.append(gazetteer_id(pairs))
        if not positions:
            return
        positions = np.array(positions, dtype=np.intp)
        ids = np.array(ids, dtype=np.intp)
        scores[positions] += self._gazetteer_own[ids]
        inner, span = within[positions], length[positions]
        for k, offset in enumerate(self._offsets):
            seen_by = (inner - offset >= 0) & (inner - offset < span)  # the token at p - offset sees p
            scores[positions[seen_by] - offset] += self._gazetteer_seen[k, ids[seen_by]]

    def _add_conjunctions(self, scores, sentences, found: list[int], starts) -> None:
        values, lookup, joined = self._conjoined, self._rows.get, self.featurizer.context.joined
        by_slot: dict[int, list] = {}
        for offsets, prefix, slot in self._conjunctions:
            conjoined = by_slot.get(slot)
            if conjoined is None:
                conjoined = by_slot[slot] = [values[r][slot] for r in found]
            positions, rows = [], []
            for start, tokens in zip(starts.tolist(), sentences):
                part = conjoined[start : start + len(tokens)]
                for i, value in enumerate(joined(part, offsets, b"|", b"<s>", b"</s>")):
                    row = lookup(prefix + value)
                    if row is not None:
                        positions.append(start + i)
                        rows.append(row)
            if positions:
                scores[positions] += self._state[rows]

    def document(self, sentences: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """Scores of each sentence of one document (empty arrays for empty sentences)."""
        return self.scores(sentences, self.featurizer.document_pairs(sentences))
