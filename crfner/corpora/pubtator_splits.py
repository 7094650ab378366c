"""The documents of a registered corpus's split, with character offsets and concept ids, from
its PubTator files (``<data dir>/pubtator/``): what concept linking learns from and is scored on."""

from __future__ import annotations

import os
from dataclasses import replace

from ..errors import CorpusNotFoundError
from .documents import Document
from .registry import PUBTATOR_FOLDER, REGISTRY, corpus_info, resolve_data_dir


def load_documents(name: str, split: str, data_dir: str | os.PathLike | None = None) -> list[Document]:
    """The documents of a registered corpus's split with their gold mentions and concept ids,
    from ``<data dir>/pubtator/``; mention types as the corpus's IOB files name them (NCBI
    Disease's four PubTator types are all ``Disease``)."""
    from .pubtator import read_pubtator

    if name not in REGISTRY:  # corpus_info would suggest a CoNLL file, which has no offsets or ids
        with_ids = ", ".join(sorted(n for n, c in REGISTRY.items() if c.pubtator_files))
        raise CorpusNotFoundError(f"unknown corpus {name!r}; the registered corpora with PubTator documents are {with_ids}")
    corpus = corpus_info(name)
    if split not in corpus.pubtator_files:
        raise CorpusNotFoundError(f"{name} has no PubTator documents (text, mentions by offset, concept ids) for the split "
                                  f"{split!r} (splits with them: {', '.join(corpus.pubtator_files) or 'none'})")
    path = resolve_data_dir(data_dir) / PUBTATOR_FOLDER / corpus.pubtator_files[split]
    if not path.is_file():
        raise CorpusNotFoundError(f"{name} {split}: no {path}")
    documents = list(read_pubtator(path, check_text=False, allow_duplicate_ids=True))
    if not corpus.pubtator_types:
        return documents
    kinds = corpus.pubtator_types
    return [replace(d, mentions=[replace(m, type=kinds.get(m.type, m.type)) for m in d.mentions]) for d in documents]
