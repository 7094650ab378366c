"""Notes in a CSV file, one a row, as clinical data exports and MIMIC's note tables hold them
(MIMIC-IV-Note's ``discharge.csv.gz``: ``note_id``, ..., ``text``; MIMIC-III's
``NOTEEVENTS.csv``: ``ROW_ID``, ..., ``TEXT``): one column names each note, another holds its
text, and a quoted field may span lines. Offsets count the characters of the text field as it
is stored, line ends included, or as unescaped where the export escaped its line breaks."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import itertools
import os
import re
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from ..errors import DataFormatError, excerpt
from ..text.escapes import escaped_note_problem, unescape_text
from .documents import Document
from .lines import ENCODING_HINT, check_encoding, encoding_label, sniffed_encoding

__all__ = ["DELIMITERS", "ID_COLUMNS", "TEXT_COLUMNS", "read_csv_documents"]

#: The columns that name a note when none is given, first found first, in any case.
ID_COLUMNS = ("note_id", "row_id", "id")
#: The columns that hold a note's text when none is given, in any case.
TEXT_COLUMNS = ("text", "note_text")
#: The delimiters tried, in order, on a header when none is given: the comma, the semicolon of
#: Excel where the comma is a decimal mark, the tab of a TSV or Excel's "Unicode Text", a bar.
DELIMITERS = (",", ";", "\t", "|")
_WIDE = frozenset({"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})
# A line of a file whose lines end in a lone CR.
_LONE_CR = re.compile(r"[^\r]*\r|[^\r]+")
# A discharge summary can pass the csv module's default limit of 128 KiB a field.
_FIELD_LIMIT = 1 << 30


def read_csv_documents(path: str | os.PathLike, id_column: str | None = None, text_column: str | None = None,
                       unescape: bool = False, *, encoding: str = "utf-8", delimiter: str | None = None,
                       lines: dict[str, int] | None = None) -> Iterator[Document]:
    """Stream the notes of a CSV file (``*.csv.gz`` through gzip): a header row, then a note a
    row, its id from ``id_column`` and its text from ``text_column`` (by default the first of
    :data:`ID_COLUMNS` and :data:`TEXT_COLUMNS` the header has, in any case).

    ``encoding`` is the file's (UTF-8 by default, where a UTF-8 byte-order mark is dropped and a
    UTF-16 or UTF-32 one, as Excel's "Unicode Text" writes, switches to that encoding; Excel's
    plain "CSV" is ``cp1252`` on Windows). ``delimiter`` is the one of the header that names both
    columns, of :data:`DELIMITERS`, unless given: Excel writes ";" where the comma is a decimal
    mark. Lines may end in LF, CR LF or a lone CR (an old Mac export). ``unescape`` reads line
    breaks and tabs escaped as two characters (``\\n``, as some exports write them) as such
    (:func:`crfner.text.escapes.unescape_text`); without it, a note with such line breaks and none
    of its own is refused. The header is checked at once; a malformed row, a row without an id, or
    an id seen before raises :class:`~crfner.errors.DataFormatError` naming the file and the line
    the row starts on. ``lines``, a dict, is given each note's id and that line as it is read."""
    path = Path(path)
    if path.is_dir():
        raise DataFormatError("is a directory, not a file", path)
    if not path.exists():  # a pipe (standard input) is no regular file but is read
        raise DataFormatError("no such file", path)
    encoding = check_encoding(encoding)
    if delimiter is not None and not (isinstance(delimiter, str) and len(delimiter) == 1):
        raise DataFormatError(f"the delimiter must be one character, not {delimiter!r}", path)
    seen: dict[str, int] = {} if lines is None else lines  # note id -> the line its row starts on
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
    handle = gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")  # noqa: SIM115 (_notes closes it)
    try:
        lines = _decoded(handle, path, encoding)
        with _read_errors(path, None, 1):
            first = next(lines, None)
        if first is None:
            raise DataFormatError("empty: a CSV file of notes needs a header row", path, 1)
        first = first.removeprefix("\ufeff")  # a byte-order mark left by an encoding given as "utf-16-le"
        if delimiter is None:
            delimiter = _delimiter(first, id_column, text_column)
        reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter, strict=True)
        with _read_errors(path, reader, 1):
            header = next(reader)
        columns = (_column(header, id_column, ID_COLUMNS, "id", path), _column(header, text_column, TEXT_COLUMNS, "text", path))
    except BaseException:
        handle.close()
        raise
    return _notes(path, handle, reader, header, *columns, unescape, seen)


def _notes(path: Path, handle, reader, header: list[str], id_index: int, text_index: int,
           unescape: bool, seen: dict[str, int]) -> Iterator[Document]:
    """The rows after the header as documents (see :func:`read_csv_documents`); ``seen`` gets each
    note's id and the line its row starts on."""
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


def _decoded(handle, path: Path, encoding: str) -> Iterator[str]:
    """The file's lines as text, their ends kept (the csv module reads a quoted field's line
    breaks from them); see :func:`read_csv_documents` for the encodings. A line that is not
    text in the encoding is named, by its number, or for UTF-16 and UTF-32 by the first line
    of the block it is in."""
    encoding = sniffed_encoding(handle.peek(4)[:4], encoding)
    name = encoding_label(encoding)
    hint = ENCODING_HINT if encoding == "utf-8-sig" else ""
    if codecs.lookup(encoding).name in _WIDE:  # no single byte is a line break: let io find the lines
        yield from _wide_lines(handle, path, encoding, name)
        return
    decoder = codecs.getincrementaldecoder(encoding)()
    lone_cr = False
    number = 0
    for raw in handle:
        try:
            line = decoder.decode(raw)
        except UnicodeDecodeError as error:
            # the chunk runs to an LF; in an old Mac export its lone CRs end lines before the bad byte
            cut = lone_cr or (number == 0 and b"\r" in raw.rstrip(b"\r\n"))
            before = raw[: error.start] if cut else b""
            byte = error.start - before.rfind(b"\r")
            raise DataFormatError(f"not {name} text ({error.reason} at byte {byte} of the line){hint}",
                                  path, number + 1 + before.count(b"\r")) from None
        if number == 0 and "\r" in line.rstrip("\r\n"):
            lone_cr = True  # the header ends in a lone CR: an old Mac export (read to its first LF), cut at each CR
        if lone_cr:
            pieces = _LONE_CR.findall(line)
            number += len(pieces)
            yield from pieces
        else:
            number += 1
            yield line
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise DataFormatError(f"not {name} text (the file ends inside a character: {error.reason})", path, max(number, 1)) from None


def _wide_lines(handle, path: Path, encoding: str, name: str) -> Iterator[str]:
    """The lines of a UTF-16 or UTF-32 file, ends kept; lines end at LF, CR LF or a lone CR."""
    number = 0
    text = io.TextIOWrapper(handle, encoding=encoding, newline="")
    try:
        for line in text:
            number += 1
            yield line
    except UnicodeError as error:
        where = error.reason if isinstance(error, UnicodeDecodeError) else str(error)
        raise DataFormatError(f"not {name} text ({where}) on this line or after", path, number + 1) from None
    finally:
        if not handle.closed:
            text.detach()  # the caller closes the file


def _delimiter(header_line: str, id_column: str | None, text_column: str | None) -> str:
    """The first of :data:`DELIMITERS` that splits ``header_line`` into a header naming both
    columns; a comma where none does (for the error to name the header as read with it)."""
    for delimiter in DELIMITERS:
        try:
            header = next(csv.reader([header_line], delimiter=delimiter))
        except csv.Error:
            continue
        if _find(header, id_column, ID_COLUMNS) is not None and _find(header, text_column, TEXT_COLUMNS) is not None:
            return delimiter
    return ","


@contextmanager
def _read_errors(path: Path, reader, line: int) -> Iterator[None]:
    """What reading the row starting on ``line`` can raise, as one-line errors naming the file."""
    try:
        yield
    except csv.Error as error:
        raise DataFormatError(f"not valid CSV ({error})", path, max(reader.line_num, line)) from None
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:  # a damaged or fake .gz file
        raise DataFormatError(f"cannot be read as gzip ({error})", path) from None


def _find(header: Sequence[str], wanted: str | None, defaults: Sequence[str]) -> int | None:
    """The index of ``wanted`` in ``header`` (exactly, else in any case), or of the first of
    ``defaults`` the header has in any case; None if there is none."""
    folded = [name.strip().lower() for name in header]
    if wanted is not None:
        if wanted in header:
            return header.index(wanted)
        return folded.index(wanted.strip().lower()) if wanted.strip().lower() in folded else None
    return next((folded.index(name) for name in defaults if name in folded), None)


def _column(header: Sequence[str], wanted: str | None, defaults: Sequence[str], role: str, path: Path) -> int:
    """The index of the ``role`` column (:func:`_find`), or a one-line error naming the header's columns."""
    index = _find(header, wanted, defaults)
    if index is not None:
        return index
    if wanted is not None:
        problem = f"no column {excerpt(wanted, 60)}"
    else:
        problem = f"no {role} column ({' or '.join(defaults)}); name it with --{role}-column"
    columns = ", ".join(excerpt(name, 40) for name in header[:20]) + (", ..." if len(header) > 20 else "")
    raise DataFormatError(f"{problem} (the header has {columns})", path, 1)
