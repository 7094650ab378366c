"""Featurizing many sentences at once: grouped by document, with the garbage collector
paused, over joblib worker processes when asked.
"""

from __future__ import annotations

import contextlib
import gc
from typing import Sequence

from ..errors import DataFormatError
from .featureset import FeatureSet
from .featurizer import Featurizer, Resources


@contextlib.contextmanager
def paused_gc():
    """Pause the cyclic garbage collector for a batch of featurizing and tagging.

    Featurizing allocates many small containers and no reference cycles; with the collector
    on, its repeated passes over the large gazetteer and cache tables cost about a third of
    the tagging time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def document_groups(documents: Sequence | None, n: int) -> list[list[int]]:
    """Sentence indices grouped by document id, in order of first appearance; without ids,
    each sentence is a document of its own."""
    if documents is None:
        return [[i] for i in range(n)]
    if isinstance(documents, (str, bytes)) or len(documents) != n:
        found = "a string" if isinstance(documents, (str, bytes)) else f"{len(documents)} ids"
        raise DataFormatError(f"documents must give one document id per sentence: {n} sentences but {found}")
    groups: dict = {}
    for index, document in enumerate(documents):
        try:
            groups.setdefault(document, []).append(index)
        except TypeError:  # a list, say: ids are compared as keys
            raise DataFormatError(f"documents[{index}]: a document id is a string or a number, not {type(document).__name__}") from None
    return list(groups.values())


def featurize_many(
    feature_set: FeatureSet,
    sentences: Sequence[Sequence[str]],
    n_jobs: int = 1,
    progress: bool | None = False,
    desc: str = "featurizing",
    resources: Resources | None = None,
    featurizer: "Featurizer | None" = None,
    documents: Sequence | None = None,
) -> list[list[list[bytes]]]:
    """CRFsuite attributes of many sentences, over ``n_jobs`` processes with joblib when
    ``n_jobs != 1``; ``documents`` (one id per sentence) groups them for document-level features."""
    from tqdm.auto import tqdm

    groups = document_groups(documents, len(sentences))
    if n_jobs == 1 or len(sentences) < 200:
        featurizer = featurizer or feature_set.featurizer(resources)
        out: list = [None] * len(sentences)
        with paused_gc():
            for group in tqdm(groups, desc=desc, unit="doc", disable=not progress, leave=False):
                for index, features in zip(group, featurizer.document_attributes([sentences[i] for i in group])):
                    out[index] = features
        return out

    from joblib import Parallel, delayed, effective_n_jobs

    workers = effective_n_jobs(n_jobs)
    size = max(50, -(-len(sentences) // (workers * 4)))
    chunks: list[list[list[int]]] = [[]]
    filled = 0
    for group in groups:
        if filled >= size:
            chunks.append([])
            filled = 0
        chunks[-1].append(group)
        filled += len(group)
    spec = feature_set.to_dict()
    known = None if featurizer is None else featurizer.known  # a model's: only the attributes it has weights for
    jobs = (delayed(_featurize_chunk)(spec, resources, [[sentences[i] for i in g] for g in chunk], known) for chunk in chunks)
    results = Parallel(n_jobs=n_jobs, return_as="generator")(jobs)
    out = [None] * len(sentences)
    for chunk, part in tqdm(zip(chunks, results), total=len(chunks), desc=desc, unit="chunk", disable=not progress, leave=False):
        for group, features in zip(chunk, part):
            for index, sentence_features in zip(group, features):
                out[index] = sentence_features
    return out


def _featurize_chunk(spec: dict, resources: Resources | None, documents: list[list[Sequence[str]]],
                     known: frozenset | None = None) -> list[list[list[list[bytes]]]]:
    featurizer = FeatureSet.from_dict(spec).featurizer(resources, known)
    with paused_gc():
        return [featurizer.document_attributes(sentences) for sentences in documents]
