"""Documents checked as they are read against what the output format can hold (a BRAT file pair's
name, a PubTator PMID, text that UTF-8 can write), so that a bad one stops the run before it is
tagged, the error naming the input file and the line it came from."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from ..corpora.brat import brat_name_problem, brat_text_problem
from ..corpora.documents import Document, unwritable
from ..corpora.pubtator import pmid_problem
from ..errors import DataFormatError, excerpt
from .inputs import document_origin


def checked_documents(documents: Iterable[Document], output_format: str, source: Path,
                      lines: dict[str, int]) -> Iterator[Document]:
    """``documents`` of the input ``source``, each checked for ``output_format`` (``brat`` or
    ``pubtator``; the others hold any document) as it is read; ``lines`` is what
    :func:`crfner.tagging.inputs.read_documents` records of where each starts."""
    if output_format not in ("brat", "pubtator"):
        yield from documents
        return
    seen: set[str] = set()  # BRAT output's file pairs
    for document in documents:
        problem = _brat_problem(document, seen) if output_format == "brat" else _pubtator_problem(document)
        if problem:
            raise DataFormatError(problem, *document_origin(source, document.id, lines))
        yield document


def _brat_problem(document: Document, seen: set[str]) -> str | None:
    """Why ``document`` cannot be a BRAT file pair ``ID.txt`` and ``ID.ann``, one of its own, or None."""
    problem = brat_name_problem(document.id)
    if problem is None and document.id in seen:
        problem = f"document id {document.id!r} appears twice; BRAT output names each file pair by its document's id"
    seen.add(document.id)
    text_problem = None if problem else brat_text_problem(document.text)  # a lone surrogate, a U+FEFF opening it
    return problem or (text_problem and f"document {document.id!r}: {text_problem}")


def _pubtator_problem(document: Document) -> str | None:
    """Why ``document`` cannot be written in PubTator (its id as a PMID, its text as UTF-8), or None."""
    problem = pmid_problem(document.id)
    text_problem = None if problem else unwritable(document.text, "the text")
    return problem or (text_problem and f"document {excerpt(document.id)}: {text_problem}")
