"""Distributional word clusters learned from unlabeled text, used like Brown-cluster prefixes.

Words are embedded by a truncated SVD of their PPMI-weighted co-occurrence counts and
clustered with k-means at several granularities; each granularity gives one CRF feature,
``clu32``, ``clu128``, ..., so the CRF can back off from a rare word to its neighbours.
"""

from __future__ import annotations

import os
import re
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator, Sequence

import numpy as np

from ..errors import CrfnerError, DataFormatError
from .lexical import normalise
from .schema import DEFAULT_GRANULARITIES, check_window
from .tsv_tables import SavedTable, read_lines

if TYPE_CHECKING:  # SciPy is imported where clusters are learned, so a model that only looks them up skips it
    import scipy.sparse as sp

Pairs = list[tuple[str, object]]
_ID = re.compile(r"[0-9]+")
_HEADER_WORD = "word"
# Words holding these cannot be stored in the TSV file, so they get no cluster.
_UNSTORABLE = re.compile(r"[\t\n\r]")
# Context-distribution smoothing of PPMI (Levy, Goldberg & Dagan 2015): damps the
# high PMI that rare contexts otherwise get.
_CONTEXT_ALPHA = 0.75


class ClusterError(CrfnerError, ValueError):
    """Word clusters are asked for with invalid settings."""


def normalise_word(word: str) -> str:
    """Lower-case ``word`` and replace every digit by 0: the form clusters are learned and looked up by."""
    return normalise(word)


def _check_granularities(granularities: Sequence[int]) -> tuple[int, ...]:
    """Return the granularities as a tuple, or raise if any is not a positive integer."""
    values = tuple(granularities)
    if not values:
        raise ClusterError("at least one granularity (number of clusters) is needed")
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ClusterError(f"granularities must be positive integers, not {value!r}")
    return tuple(int(value) for value in values)


@dataclass(frozen=True)
class ClusterTable(SavedTable):
    """Normalised word -> cluster id at each granularity; turns a word into ``cluN`` features."""

    granularities: tuple[int, ...]
    table: dict[str, tuple[int, ...]]

    def __post_init__(self) -> None:
        granularities = _check_granularities(self.granularities)
        if any(a >= b for a, b in zip(granularities, granularities[1:])):
            raise ClusterError(f"granularities must be strictly increasing, not {granularities}")
        object.__setattr__(self, "granularities", granularities)
        for word, ids in self.table.items():
            if not word or _UNSTORABLE.search(word):
                raise ClusterError(f"word {word!r} is empty or holds a tab or line break")
            if len(ids) != len(granularities) or not all(0 <= i < g for i, g in zip(ids, granularities)):
                raise ClusterError(f"word {word!r}: cluster ids {ids} do not fit granularities {granularities}")

    def features(self, word: str) -> Pairs:
        """``[("clu32", "17"), ("clu128", "90"), ...]`` for ``word``; ``[]`` when it has no cluster."""
        ids = self.table.get(normalise_word(word))
        if ids is None:
            return []
        return [(f"clu{g}", str(i)) for g, i in zip(self.granularities, ids)]

    def _lines(self) -> Iterator[str]:
        """The TSV text, line by line: a header naming the granularities, then words in sorted order."""
        yield "\t".join([_HEADER_WORD, *map(str, self.granularities)]) + "\n"
        for word in sorted(self.table):
            yield "\t".join([word, *map(str, self.table[word])]) + "\n"

    @classmethod
    def load(cls, path: str | os.PathLike) -> ClusterTable:
        """Read a table written by ``save``; a malformed file raises ``DataFormatError`` naming the line."""
        lines = read_lines(path)
        if not lines:
            raise DataFormatError("the file is empty; expected a header line", path)
        granularities = _parse_header(lines[0], path)
        table: dict[str, tuple[int, ...]] = {}
        for number, line in enumerate(lines[1:], start=2):
            word, ids = _parse_row(line, granularities, path, number)
            if word in table:
                raise DataFormatError(f"word {word!r} appears twice", path, number)
            table[word] = ids
        return cls(granularities, table)

    def __len__(self) -> int:
        return len(self.table)


def _parse_header(line: str, path) -> tuple[int, ...]:
    """The granularities named by the header line ``word<TAB>32<TAB>128...``."""
    fields = line.split("\t")
    if fields[0] != _HEADER_WORD or len(fields) < 2 or not all(_ID.fullmatch(f) for f in fields[1:]):
        raise DataFormatError(
            f"expected a header 'word<TAB>granularity...' with positive integers, got {line[:60]!r}", path, 1
        )
    granularities = tuple(int(f) for f in fields[1:])
    if any(g < 1 for g in granularities) or any(a >= b for a, b in zip(granularities, granularities[1:])):
        raise DataFormatError(f"granularities must be positive and increasing, got {granularities}", path, 1)
    return granularities


def _parse_row(line: str, granularities: tuple[int, ...], path, number: int) -> tuple[str, tuple[int, ...]]:
    """One ``word<TAB>id<TAB>id...`` line, checked against the granularities."""
    fields = line.split("\t")
    if len(fields) != len(granularities) + 1:
        raise DataFormatError(f"expected {len(granularities) + 1} tab-separated columns, got {len(fields)}", path, number)
    word, *ids = fields
    if not word or "\r" in word:
        raise DataFormatError("the word column is empty or holds a line break", path, number)
    for text, granularity in zip(ids, granularities):
        if not _ID.fullmatch(text) or int(text) >= granularity:
            raise DataFormatError(
                f"cluster id {text!r} is not an integer from 0 to {granularity - 1}", path, number
            )
    return word, tuple(int(text) for text in ids)


def _vocabulary(sentences: Sequence[Sequence[str]], min_count: int) -> tuple[list[str], list[list[str]]]:
    """The normalised sentences, and their words seen at least ``min_count`` times, most frequent first."""
    forms: dict[str, str] = {}
    normalised = [[forms.get(t) or forms.setdefault(t, normalise_word(t)) for t in s] for s in sentences]
    counts = Counter(word for sentence in normalised for word in sentence)
    words = [w for w, c in counts.items() if c >= min_count and w and not _UNSTORABLE.search(w)]
    words.sort(key=lambda w: (-counts[w], w))
    return words, normalised


def cooccurrences(word_ids: np.ndarray, sentence_ids: np.ndarray, size: int, window: int) -> sp.csr_matrix:
    """Symmetric ``size`` x ``size`` counts of in-vocabulary words within ``window`` tokens in one sentence.

    ``word_ids`` holds the token stream (-1 for out-of-vocabulary tokens) and
    ``sentence_ids`` the sentence of each token.
    """
    import scipy.sparse as sp

    rows, cols = [], []
    for offset in range(1, window + 1):
        left, right = word_ids[:-offset], word_ids[offset:]
        keep = (sentence_ids[:-offset] == sentence_ids[offset:]) & (left >= 0) & (right >= 0)
        rows += [left[keep], right[keep]]
        cols += [right[keep], left[keep]]
    row = np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)
    col = np.concatenate(cols) if cols else np.empty(0, dtype=np.int64)
    counts = sp.coo_matrix((np.ones(len(row)), (row, col)), shape=(size, size))
    return counts.tocsr()  # sums the duplicate (row, col) entries


def ppmi(counts: sp.csr_matrix, alpha: float = _CONTEXT_ALPHA) -> sp.csr_matrix:
    """Positive pointwise mutual information of a word x context count matrix, kept sparse."""
    import scipy.sparse as sp

    counts = counts.tocoo()
    word_totals = np.asarray(counts.sum(axis=1)).ravel()
    context_weights = np.asarray(counts.sum(axis=0)).ravel() ** alpha
    context_probs = context_weights / context_weights.sum()
    pmi = np.log(counts.data / (word_totals[counts.row] * context_probs[counts.col]))
    keep = pmi > 0
    return sp.csr_matrix((pmi[keep], (counts.row[keep], counts.col[keep])), shape=counts.shape)


def _embed(weights: sp.csr_matrix, dims: int, seed: int) -> np.ndarray:
    """Unit-length rows of the rank-``dims`` truncated SVD of ``weights``."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    components = min(dims, weights.shape[1] - 1)
    if components < 1:  # a one-word vocabulary: nothing to factorise
        return np.ones((weights.shape[0], 1))
    vectors = TruncatedSVD(components, random_state=seed).fit_transform(weights)
    return normalize(vectors)


def cluster_labels(vectors: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    """k-means labels of the rows of ``vectors``, ``k`` capped at the number of rows."""
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning

    k = min(k, len(vectors))
    if k == 1:
        return np.zeros(len(vectors), dtype=np.int64)
    with warnings.catch_warnings():
        # Fewer distinct points than clusters (e.g. words with no context) is harmless here.
        warnings.simplefilter("ignore", ConvergenceWarning)
        # Full-batch k-means: on a vocabulary of ~10k words it is as fast as mini-batch
        # k-means, and unlike it gives the same labels whatever the number of threads.
        return KMeans(k, n_init=1, random_state=seed).fit_predict(vectors)


def learn_clusters(
    sentences: Sequence[Sequence[str]],
    granularities: Sequence[int] = DEFAULT_GRANULARITIES,
    dims: int = 100,
    window: int = 2,
    min_count: int = 2,
    seed: int = 0,
) -> ClusterTable:
    """Cluster the words of tokenised ``sentences`` by the company they keep, at each granularity.

    Deterministic for a given ``seed``; a granularity above the vocabulary size yields one cluster per word.
    """
    granularities = tuple(sorted(set(_check_granularities(granularities))))
    for name, value, least in (("dims", dims, 1), ("min_count", min_count, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
            raise ClusterError(f"{name} must be an integer of at least {least}, not {value!r}")
    try:
        check_window(int(window) if isinstance(window, np.integer) else window)
    except ValueError as error:  # the declaration's own check: one rule for both
        raise ClusterError(f"window: {error}, not {window!r}") from None
    words, vectors = word_vectors(sentences, dims, window, min_count, seed)
    labels = np.column_stack([cluster_labels(vectors, k, seed) for k in granularities])
    return ClusterTable(granularities, {w: tuple(int(i) for i in row) for w, row in zip(words, labels)})


def word_vectors(sentences: Sequence[Sequence[str]], dims: int = 100, window: int = 2, min_count: int = 2,
                 seed: int = 0) -> tuple[list[str], np.ndarray]:
    """The normalised words seen ``min_count`` times, most frequent first, and their unit-length
    vectors: the truncated SVD of their PPMI-weighted co-occurrences within ``window`` tokens."""
    if isinstance(sentences, str):
        raise DataFormatError("expected a sequence of token lists, not one string")
    words, normalised = _vocabulary(sentences, min_count)
    if not any(normalised):
        raise DataFormatError("no tokens to learn clusters from")
    if not words:
        raise DataFormatError(f"no word occurs at least {min_count} times in the {len(normalised)} sentences")
    index = {word: i for i, word in enumerate(words)}
    word_ids = np.fromiter((index.get(w, -1) for s in normalised for w in s), dtype=np.int64)
    sentence_ids = np.repeat(np.arange(len(normalised)), [len(s) for s in normalised])
    counts = cooccurrences(word_ids, sentence_ids, len(words), window)
    if counts.nnz == 0:
        raise DataFormatError(f"no two frequent words occur within {window} tokens of each other")
    return words, _embed(ppmi(counts), dims, seed)
