"""Annotated documents a user holds, to train on or to score against: a BRAT folder, i2b2 2010
concept records, an n2c2 2018 track 2 folder, a PubTator file or crfner's own JSON Lines, read
into one flat layer of mentions by a flattening policy (:mod:`crfner.corpora.flatten`), and
into IOB2 sentences cut as tagging will cut them (``splitter``: ``abstract`` or ``notes``)."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from ..errors import DataFormatError
from .brat import brat_texts, read_brat_fragments, refuse_split_parent
from .clinical import DEFAULT_POLICY
from .documents import Document
from .flatten import CorpusOptionError, check_types, flatten, tagged_sentences
from .i2b2 import read_i2b2_concepts
from .jsonl import read_jsonl
from .n2c2 import N2C2_TYPES
from .pubtator import read_pubtator

__all__ = ["ANNOTATED_FORMATS", "annotated_sentences", "read_annotated"]

#: The formats :func:`read_annotated` reads: ``brat`` (a folder of ``.txt`` and ``.ann``),
#: ``i2b2`` (2010 concepts: ``.txt`` and ``.con``), ``n2c2`` (2018 track 2, BRAT, its nine
#: types), ``pubtator`` (a file), ``jsonl`` (crfner's documents, ``entities`` as the gold).
ANNOTATED_FORMATS = ("brat", "i2b2", "n2c2", "pubtator", "jsonl")


def read_annotated(path: str | os.PathLike, input_format: str, types: Sequence[str] | str | None = None,
                   policy: str | None = None, stats: Counter | None = None) -> list[Document]:
    """The documents at ``path`` in ``input_format`` with one flat layer of contiguous mentions
    of ``types`` (default: every type the documents have; n2c2: its nine), nested, overlapping
    and discontinuous ones resolved by ``policy`` (default ``innermost:first``, the clinical
    corpora's); each annotation left out is counted in ``stats`` under its reason."""
    if input_format not in ANNOTATED_FORMATS:
        raise CorpusOptionError(f"unknown annotated format {input_format!r}; choose one of {', '.join(ANNOTATED_FORMATS)}")
    path = Path(path)
    if not path.exists():
        raise DataFormatError("no such file or folder", path)
    raw = list(_entities(path, input_format))
    found = sorted({etype for _, _, entities, _ in raw for etype, _ in entities})
    if types is None:
        types = [t for t in N2C2_TYPES if t in found] if input_format == "n2c2" else found
        if not types:
            if path.is_dir() and not raw:  # a corpus's folder of split folders
                refuse_split_parent(path)
            raise DataFormatError("holds no annotated entity to learn or score", path)
    else:
        types = check_types(types, found, str(path))
    return [Document(doc_id, text, flatten(text, entities, types, policy or DEFAULT_POLICY, stats), passages)
            for doc_id, text, entities, passages in raw]


def annotated_sentences(documents: Sequence[Document], splitter: str = "abstract",
                        stats: Counter | None = None) -> tuple[list[list[str]], list[list[str]], list[str]]:
    """``(X, y, document ids)`` of flat documents: their sentences as tagging with ``splitter``
    reads them (:func:`crfner.corpora.flatten.tagged_sentences`), tags from their mentions."""
    if splitter not in ("abstract", "notes"):
        raise CorpusOptionError(f"unknown splitter {splitter!r}; choose abstract or notes")
    rows = list(tagged_sentences(documents, stats, splitter=splitter))
    return [tokens for _, tokens, _ in rows], [tags for _, _, tags in rows], [doc_id for doc_id, _, _ in rows]


def _entities(path: Path, input_format: str):
    """``(id, text, [(type, fragments)], passages)`` of each document, in the format's order."""
    if input_format in ("brat", "n2c2"):
        if path.is_dir():
            texts = brat_texts(path)
        elif path.suffix.lower() == ".txt":
            texts = [path]
        else:
            raise DataFormatError(f"a {input_format} corpus is a folder of .txt and .ann files, or one .txt", path)
        for txt in texts:
            text, entities = read_brat_fragments(txt)
            yield txt.stem, text, [(etype, fragments) for _, etype, fragments in entities], None
        return
    if input_format == "i2b2":
        documents = read_i2b2_concepts(path)
    elif input_format == "pubtator":
        documents = read_pubtator(path)
    else:
        documents = read_jsonl(path)
    for document in documents:
        yield document.id, document.text, [(m.type, ((m.start, m.end),)) for m in document.mentions], document.passages
