"""Notes in a CSV file, one a row, as clinical data exports and MIMIC's note tables hold them
(MIMIC-IV-Note's ``discharge.csv.gz``: ``note_id``, ..., ``text``; MIMIC-III's
``NOTEEVENTS.csv``: ``ROW_ID``, ..., ``TEXT``): one column names each note, another holds its
text, and a quoted field may span lines. Offsets count the characters of the text field as it
is stored, line ends included, or as unescaped where the export escaped its line breaks."""

from __future__ import annotations

import csv
import gzip
import os
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from ..errors import DataFormatError, excerpt
from ..text.escapes import escaped_note_problem, unescape_text
from .documents import Document

__all__ = ["ID_COLUMNS", "TEXT_COLUMNS", "read_csv_documents"]

#: The columns that name a note when none is given, first found first, in any case.
ID_COLUMNS = ("note_id", "row_id", "id")
#: The columns that hold a note's text when none is given, in any case.
TEXT_COLUMNS = ("text", "note_text")
# A discharge summary can pass the csv module's default limit of 128 KiB a field.
_FIELD_LIMIT = 1 << 30


def read_csv_documents(path: str | os.PathLike, id_column: str | None = None, text_column: str | None = None,
                       unescape: bool = False) -> Iterator[Document]:
    """Stream the notes of a CSV file (``*.csv.gz`` through gzip; UTF-8, a byte-order mark
    dropped): a header row, then a note a row, its id from ``id_column`` and its text from
    ``text_column`` (by default the first of :data:`ID_COLUMNS` and :data:`TEXT_COLUMNS` the
    header has, in any case). ``unescape`` reads line breaks and tabs escaped as two characters
    (``\\n``, as some exports write them) as such (:func:`crfner.text.escapes.unescape_text`);
    without it, a note with such line breaks and none of its own is refused. The header is
    checked at once; a malformed row, a row without an id, or an id seen before raises
    :class:`~crfner.errors.DataFormatError` naming the file and the line the row starts on."""
    path = Path(path)
    if path.is_dir():
        raise DataFormatError("is a directory, not a file", path)
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
    handle = gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")  # noqa: SIM115 (_notes closes it)
    reader = csv.reader(_decoded(handle, path), strict=True)
    try:
        with _read_errors(path, reader, 1):
            header = next(reader, None)
        if header is None:
            raise DataFormatError("empty: a CSV file of notes needs a header row", path, 1)
        columns = (_column(header, id_column, ID_COLUMNS, "id", path), _column(header, text_column, TEXT_COLUMNS, "text", path))
    except BaseException:
        handle.close()
        raise
    return _notes(path, handle, reader, header, *columns, unescape)


def _notes(path: Path, handle, reader, header: list[str], id_index: int, text_index: int,
           unescape: bool) -> Iterator[Document]:
    """The rows after the header as documents (see :func:`read_csv_documents`)."""
    seen: dict[str, int] = {}
    line = reader.line_num + 1  # where the next row starts
    with handle:
        while True:
            with _read_errors(path, reader, line):
                row = next(reader, None)
            if row is None:
                return
            first, line = line, reader.line_num + 1
            if not row:
                continue  # a blank line
            if len(row) != len(header):
                raise DataFormatError(f"{len(row)} fields, where the header has {len(header)}", path, first)
            note_id = row[id_index]
            if not note_id.strip():
                raise DataFormatError(f"no id in column {excerpt(header[id_index], 60)}", path, first)
            if note_id in seen:
                raise DataFormatError(f"note id {excerpt(note_id)} appears twice (first on line {seen[note_id]})", path, first)
            seen[note_id] = first
            text = row[text_index]
            escaped = None if unescape else escaped_note_problem(text)
            if escaped:
                raise DataFormatError(f"note {excerpt(note_id)}: {escaped}", path, first)
            yield Document(note_id, unescape_text(text) if unescape else text)


def _decoded(handle, path: Path) -> Iterator[str]:
    """The file's lines as text, their ends kept (the csv module reads a quoted field's line
    breaks from them), a byte-order mark dropped; bytes that are not UTF-8 name their line."""
    for number, line in enumerate(handle, 1):
        try:
            yield (line[3:] if number == 1 and line.startswith(b"\xef\xbb\xbf") else line).decode("utf-8")
        except UnicodeDecodeError as error:
            raise DataFormatError(f"not UTF-8 text ({error.reason} at byte {error.start + 1} of the line)", path, number) from None


@contextmanager
def _read_errors(path: Path, reader, line: int) -> Iterator[None]:
    """What reading the row starting on ``line`` can raise, as one-line errors naming the file."""
    try:
        yield
    except csv.Error as error:
        raise DataFormatError(f"not valid CSV ({error})", path, max(reader.line_num, line)) from None
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:  # a damaged or fake .gz file
        raise DataFormatError(f"cannot be read as gzip ({error})", path) from None


def _column(header: Sequence[str], wanted: str | None, defaults: Sequence[str], role: str, path: Path) -> int:
    """The index of the ``role`` column: ``wanted`` (exactly, else in any case), or the first
    of ``defaults`` the header has; a one-line error naming the header's columns."""
    folded = [name.strip().lower() for name in header]
    if wanted is not None:
        if wanted in header:
            return header.index(wanted)
        if wanted.strip().lower() in folded:
            return folded.index(wanted.strip().lower())
        problem = f"no column {excerpt(wanted, 60)}"
    else:
        for name in defaults:
            if name in folded:
                return folded.index(name)
        problem = f"no {role} column ({' or '.join(defaults)}); name it with --{role}-column"
    columns = ", ".join(excerpt(name, 40) for name in header[:20]) + (", ..." if len(header) > 20 else "")
    raise DataFormatError(f"{problem} (the header has {columns})", path, 1)
