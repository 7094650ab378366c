"""The documents of a registered corpus's split: their text and gold mentions by character
offsets, wherever the corpus keeps them (BRAT files for ``maccrobat`` and ``phee``, PubTator
files for the others); what raw-text scoring and score calibration read."""

from __future__ import annotations

import os

from .documents import Document

__all__ = ["load_split_documents"]


def load_split_documents(name: str, split: str, data_dir: str | os.PathLike | None = None) -> list[Document]:
    """The documents of ``split`` of the registered corpus ``name``, with its default types and
    flattening policy (a ``CorpusNotFoundError`` for a corpus or split without documents)."""
    from ..errors import CorpusNotFoundError
    from . import clinical, pubtator_splits
    from .registry import REGISTRY

    if name not in REGISTRY:  # a CoNLL file has tokens, not the text these documents need
        known = ", ".join(sorted(n for n, c in REGISTRY.items() if c.pubtator_files or n in clinical.SPECS))
        raise CorpusNotFoundError(f"unknown corpus {name!r}: registered corpora with documents (text and mentions by offset) "
                                  f"are {known}; give annotated documents you hold with --input-format")
    if name in clinical.SPECS:
        return clinical.split_documents(name, split, data_dir)
    return pubtator_splits.load_documents(name, split, data_dir)
