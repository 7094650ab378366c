"""The linker's last resort: the concept name nearest a mention by cosine similarity of
character n-gram TF-IDF vectors (scikit-learn's analyser, idf and normalisation as in
``TfidfVectorizer(analyzer="char_wb", sublinear_tf=True)``).

The index is plain arrays (n-grams, idf, a CSR matrix of names), so it saves without pickle;
queries are vectorised here (:func:`char_ngrams`), so loading and linking import no scikit-learn.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse


class NgramIndex:
    """Names (already normalised) and the id each stands for, searchable by similarity."""

    def __init__(self, ngrams: list[str], idf: np.ndarray, matrix: sparse.csr_matrix, ids: list[str], ngram_range: tuple[int, int]):
        self.ngrams, self.idf, self.ids, self.ngram_range = ngrams, idf, ids, tuple(ngram_range)
        self.matrix = matrix
        self._by_ngram = matrix.T.tocsr()  # one row per n-gram: a query's product reads only its own n-grams' rows
        self._columns = {ngram: column for column, ngram in enumerate(ngrams)}

    @classmethod
    def build(cls, names: Sequence[str], ids: Sequence[str], ngram_range: tuple[int, int] = (2, 3)) -> NgramIndex:
        """Index ``names`` (one id each), with the n-grams and idf learned from them."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(ngram_range), sublinear_tf=True, dtype=np.float32, lowercase=False)
        matrix = vectorizer.fit_transform(names).tocsr()
        ngrams = [""] * len(vectorizer.vocabulary_)
        for ngram, column in vectorizer.vocabulary_.items():
            ngrams[column] = ngram
        return cls(ngrams, vectorizer.idf_.astype(np.float32), matrix, list(ids), ngram_range)

    def vectors(self, queries: Sequence[str]) -> sparse.csr_matrix:
        """TF-IDF vectors of ``queries``, L2-normalised. An n-gram no name has weighs as much
        as the rarest one does in the norm, so what a query adds lowers its similarity."""
        unseen_idf = float(self.idf.max()) if len(self.idf) else 1.0
        rows, columns, values, norms = [], [], [], []
        for row, query in enumerate(queries):
            squared = 0.0
            for ngram, count in Counter(char_ngrams(query, self.ngram_range)).items():
                column = self._columns.get(ngram)
                weight = (1.0 + math.log(count)) * (unseen_idf if column is None else float(self.idf[column]))
                squared += weight * weight
                if column is not None:
                    rows.append(row)
                    columns.append(column)
                    values.append(weight)
            norms.append(math.sqrt(squared) or 1.0)
        values = np.asarray(values, dtype=np.float32) / np.asarray(norms, dtype=np.float32)[np.asarray(rows, dtype=np.int64)]
        return sparse.csr_matrix((values, (rows, columns)), shape=(len(queries), len(self.ngrams)))

    def nearest(self, queries: Sequence[str]) -> list[tuple[str | None, float]]:
        """For each query, the id of the most similar name and the cosine similarity (None, 0.0 when nothing shares an n-gram)."""
        if not queries or not self.ids:
            return [(None, 0.0)] * len(queries)
        similarities = (self.vectors(queries) @ self._by_ngram).tocsr()
        out = []
        for row in range(similarities.shape[0]):
            start, stop = similarities.indptr[row], similarities.indptr[row + 1]
            if start == stop:
                out.append((None, 0.0))
                continue
            best = start + int(np.argmax(similarities.data[start:stop]))
            out.append((self.ids[similarities.indices[best]], float(similarities.data[best])))
        return out


def char_ngrams(text: str, ngram_range: tuple[int, int]) -> list[str]:
    """The character n-grams of each word padded with a space on both sides, as scikit-learn's
    ``analyzer="char_wb"`` gives them (a word shorter than n once, whole); computed here so that
    linking needs no scikit-learn import."""
    low, high = ngram_range
    out = []
    for word in text.split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if len(padded) <= n:
                out.append(padded)
                break
            out.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return out
