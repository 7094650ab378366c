"""n2c2 2018 track 2 (medications and adverse drug events): BRAT ``.txt`` + ``.ann`` read with
crfner's BRAT reader, keeping the text-bound entities of the track's nine types as Documents.

Entities: Drug, Strength, Form, Dosage, Frequency, Route, Duration, Reason, ADE (``T`` lines);
relations (``R`` lines, e.g. ``Strength-Drug``), notes and any other type are left out. A
discontinuous entity (``T5<TAB>Reason 10 15;20 31<TAB>...``) is one mention over its outer
extent, first fragment's start to last fragment's end, the rule of :mod:`crfner.corpora.brat`,
which checks each fragment's text. Entities overlap (a Reason holding a Drug, a Strength
repeated for two Drugs...): for IOB, flatten them as :mod:`crfner.corpora.flatten` does for
MACCROBAT and PHEE (policy ``outermost:span`` matches this outer extent), then take its
``tagged_sentences``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from ..errors import DataFormatError
from .brat import brat_texts, read_brat_document
from .documents import Document, type_names

N2C2_TYPES = ("Drug", "Strength", "Form", "Dosage", "Frequency", "Route", "Duration", "Reason", "ADE")


def read_n2c2(
    path: str | os.PathLike, ann_path: str | os.PathLike | None = None, *, types: Sequence[str] = N2C2_TYPES
) -> Iterator[Document]:
    """Documents of an n2c2 2018 track 2 folder (every ``NAME.txt`` and its ``NAME.ann``) or of
    one ``.txt`` (and its ``.ann``), with the mentions of ``types`` only (a list, or one
    comma-separated string)."""
    path = Path(path)
    if ann_path is not None and path.is_dir():  # not left unread: each .txt of a folder is read with its own .ann
        raise DataFormatError("give the annotation file with a document's .txt, not with a folder", path)
    texts = brat_texts(path) if path.is_dir() else [path]
    documents = (read_brat_document(text, ann_path) for text in texts)
    wanted = set(type_names(types))
    for document in documents:
        yield replace(document, mentions=[m for m in document.mentions if m.type in wanted])
