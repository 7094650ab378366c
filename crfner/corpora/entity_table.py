"""Tagged documents as a table of their entities, one CSV row each, for a database or a data
frame: ``id, start, end, type, text, score``, and ``concept, concept_score`` where a linker
gave them. A document without entities has no row. For a spreadsheet, ``formula_guard``
keeps a cell from being read as a formula (``+2 pedal pulses``, ``-3.45*``, ``=``, ``@``)."""

from __future__ import annotations

import csv
import io
from typing import Mapping, Sequence

from ..errors import DataFormatError
from ..text.tokenizer import encodable
from .documents import Document, mention_problem, sorted_mentions

__all__ = ["ENTITY_COLUMNS", "FORMULA_STARTS", "LINKED_COLUMNS", "entity_rows", "entity_table_header", "guarded"]

ENTITY_COLUMNS = ("id", "start", "end", "type", "text", "score")
LINKED_COLUMNS = (*ENTITY_COLUMNS, "concept", "concept_score")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet reads as opening a formula


def _csv_text(rows) -> str:
    """``rows`` as CSV text, each ended by CR LF as RFC 4180 has it; a cell holding a quote, a
    comma, a CR or a LF is quoted (ended by a lone LF, a cell holding a lone CR would not be)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def _cell(value) -> object:
    return "" if value is None else str(value).lower() if isinstance(value, bool) else value


def entity_table_header(linked: bool = False, extra_columns: Sequence[str] = ()) -> str:
    """The header row (with its CR LF): :data:`LINKED_COLUMNS` when ``linked``, then ``extra_columns``."""
    return _csv_text([(*(LINKED_COLUMNS if linked else ENTITY_COLUMNS), *extra_columns)])


def guarded(cell: object) -> object:
    """A text cell that opens as a formula would, with a ``'`` before it (the guard OWASP
    recommends against CSV injection, which spreadsheets show as the text itself); others as they are."""
    return "'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell


def entity_rows(document: Document, linked: bool = False, extras: Sequence[Mapping] | None = None,
                extra_columns: Sequence[str] = (), formula_guard: bool = False) -> str:
    """The rows of ``document``'s entities in order of offset (each with its CR LF): the
    offsets index the document's text, and ``text`` is what they span, a line break in it
    quoted as CSV quotes one (a lone surrogate, which UTF-8 cannot write, as U+FFFD); an unset
    score or concept is an empty cell. ``extras`` gives each entity, in order of offset, the
    cells of ``extra_columns`` (``true`` and ``false`` for a flag, an empty cell for one unset).
    ``formula_guard`` puts a ``'`` before each text cell that opens with one of
    :data:`FORMULA_STARTS` (:func:`guarded`): the table is then for reading in a spreadsheet, and
    such a ``text`` is no longer the offsets' slice."""
    rows = []
    for k, mention in enumerate(sorted_mentions(document.mentions)):
        problem = mention_problem(mention, document.text)
        if problem:
            raise DataFormatError(f"document {document.id}: {problem}")
        row = [document.id, mention.start, mention.end, mention.type, mention.text,
               "" if mention.score is None else mention.score]
        if linked:
            row += ["" if mention.identifier is None else mention.identifier,
                    "" if mention.link_score is None else mention.link_score]
        if extras is not None:
            row += [_cell(extras[k].get(column)) for column in extra_columns]
        rows.append([guarded(cell) for cell in row] if formula_guard else row)
    return encodable(_csv_text(rows))  # a lone surrogate as U+FFFD
