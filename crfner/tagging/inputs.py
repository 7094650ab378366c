"""The documents to tag, read from disk: JSON Lines, PubTator, CSV (a note a row, as MIMIC's note
tables and data warehouse exports hold them), or raw text (a .txt file is one document, a folder
holds one per .txt file), raw text in any encoding Python knows, since notes exported from
Windows systems are often cp1252 rather than UTF-8."""

from __future__ import annotations

import codecs
import io
import os
from collections import Counter
from pathlib import Path
from typing import Iterator

from ..corpora.documents import Document
from ..corpora.lines import ENCODING_HINT, check_encoding, encoding_label, sniffed_encoding
from ..errors import CrfnerError, DataFormatError
from ..text.escapes import escaped_note_problem, unescape_text

__all__ = ["INPUT_FORMATS", "check_encoding", "detect_format", "document_origin", "read_documents", "text_files",
           "unescape_text"]

INPUT_FORMATS = ("csv", "jsonl", "pubtator", "text")
# What a file's first bytes say it is when it is no plain text, so that a note saved from a word
# processor, or a PDF, stops the run with what to do instead of being tagged as characters.
_NOT_TEXT = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (a Word .docx or OpenDocument file?)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE2 file (a Word .doc?)"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "gzip-compressed"),
)
# How a markup document opens (after white space, in any case), checked once the text is read:
# tagged as characters, its tags and entities would be tagged with the note.
_MARKUP = (("<!doctype html", "an HTML document"), ("<html", "an HTML document"), ("<body", "an HTML document"),
           ("<?xml", "an XML document (an HL7 CDA?)"))


def detect_format(path: str | os.PathLike) -> str:
    """The input format from the path: a folder of .txt files is ``text``, ``*.jsonl`` is
    ``jsonl``, ``*.csv`` is ``csv``, a PubTator file (``*.pubtator``, ``*PubTator*.txt``,
    ``*_corpus.txt``) is ``pubtator``."""
    path = Path(path)
    name = path.name.lower()
    if name.endswith((".jsonl.gz", ".json.gz", ".ndjson.gz", ".pubtator.gz", ".csv.gz")):
        name = name[:-3]  # the JSON Lines, PubTator and CSV readers read gzip
    if path.is_dir():
        return "text"
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".jsonl", ".json", ".ndjson")):
        return "jsonl"
    if name.endswith((".pubtator", "_corpus.txt")) or "pubtator" in name:
        return "pubtator"
    if name.endswith(".txt"):
        return "text"
    raise CrfnerError(f"{path}: cannot tell the input format from the name; give --input-format ({', '.join(INPUT_FORMATS)})")


def read_documents(path: str | os.PathLike, input_format: str | None = None, encoding: str = "utf-8",
                   unescape: bool = False, id_column: str | None = None, text_column: str | None = None,
                   lines: dict[str, int] | None = None) -> Iterator[Document]:
    """Stream the documents of ``path``: JSON Lines, PubTator, CSV, or raw text (a .txt file is
    one document, a folder holds one document per .txt file, in name order). ``encoding`` is raw
    text's (a UTF-8 byte-order mark is dropped); JSON Lines, PubTator and CSV files are UTF-8.
    ``unescape`` reads raw text's and CSV notes' escaped line breaks and tabs as such
    (:func:`unescape_text`); without it, a note of escaped line breaks and no line break is refused. ``id_column`` and
    ``text_column`` name a CSV file's columns (:func:`crfner.corpora.csv_notes.read_csv_documents`).
    ``lines``, a dict, is given each document's id and the line it starts on as it is read (JSON
    Lines, PubTator, CSV), for :func:`document_origin`."""
    from ..corpora.csv_notes import read_csv_documents
    from ..corpora.jsonl import read_jsonl
    from ..corpora.pubtator import read_pubtator

    path = Path(path)
    if not path.exists():
        raise CrfnerError(f"{path}: no such file or folder")
    encoding = check_encoding(encoding)
    input_format = input_format or detect_format(path)
    if input_format not in ("text", "csv") and encoding != "utf-8":
        raise CrfnerError(f"{input_format} input is UTF-8; an encoding ({encoding}) applies to raw text (.txt) and CSV input")
    if input_format not in ("text", "csv") and unescape:
        raise CrfnerError(f"{input_format} input is read as written; unescaping applies to raw text (.txt) and CSV input")
    if input_format != "csv" and (id_column is not None or text_column is not None):
        raise CrfnerError(f"{input_format} input has no columns; id and text columns apply to CSV input")
    if input_format == "csv":
        return read_csv_documents(path, id_column, text_column, unescape, encoding=encoding, lines=lines)
    if input_format == "jsonl":
        return read_jsonl(path, lines)
    if input_format == "pubtator":
        return read_pubtator(path, check_text=False, lines=lines)
    if input_format == "text":
        files = text_files(path) if path.is_dir() else [path]
        if not files:
            raise CrfnerError(f"{path}: no .txt file in this folder{_holding(path)}; raw-text input reads a .txt "
                              "file, or each .txt file in a folder")
        _check_unique_ids(files)
        return (_text_document(p, encoding, unescape) for p in files)
    raise CrfnerError(f"unknown input format {input_format!r}; choose one of {', '.join(INPUT_FORMATS)}")


def text_files(folder: str | os.PathLike) -> list[Path]:
    """The files a folder of raw-text documents holds, in name order: those named ``*.txt`` in
    any case (``NOTE1.TXT``, as Windows systems export them). An entry so named that is no file
    it could read (a broken link, a folder, a pipe) is an error naming each, not a note skipped unseen."""
    named = sorted(p for p in Path(folder).iterdir() if p.suffix.lower() == ".txt")
    unreadable = [f"{p.name} ({_not_a_file(p)})" for p in named if not p.is_file()]
    if unreadable:
        shown = ", ".join(unreadable[:5]) + (f", and {len(unreadable) - 5} more" if len(unreadable) > 5 else "")
        raise CrfnerError(f"{folder}: named as notes but not files that can be read: {shown}; repair or move "
                          "them out of the folder, so that no note is left untagged unseen")
    return named


def _not_a_file(path: Path) -> str:
    """What a folder entry named like a note is instead of a file, for an error."""
    if path.is_symlink() and not path.exists():
        return f"a broken link to {os.readlink(path)}"
    return "a folder" if path.is_dir() else "not a regular file"


def document_origin(path: str | os.PathLike, document_id: str, lines: dict[str, int]) -> tuple[Path, int | None]:
    """Where a document of ``path`` was read, for an error about it: its own .txt file in a folder,
    else the file and the line :func:`read_documents` gave it in ``lines`` (None if none)."""
    path = Path(path)
    if path.is_dir():
        return next((p for p in text_files(path) if p.stem == document_id), path), None
    return path, lines.get(document_id)


def _check_unique_ids(files: list[Path]) -> None:
    """A document is named by its file's name without the extension: two files of one name
    (``note.txt`` and ``note.TXT``) would give two documents one id."""
    seen: dict[str, Path] = {}
    for file in files:
        if file.stem in seen:
            raise CrfnerError(f"{file.parent}: {seen[file.stem].name} and {file.name} would both be document "
                              f"{file.stem!r}; rename one")
        seen[file.stem] = file


def _holding(folder: Path) -> str:
    """What a folder holds instead of .txt files, for an error: " (it holds 3 .rtf, 1 .pdf)"."""
    counts = Counter(p.suffix.lower() or "without extension" for p in folder.iterdir() if p.is_file())
    if not counts:
        return " (it holds no file)"
    common = ", ".join(f"{n} {suffix}" for suffix, n in sorted(counts.items(), key=lambda c: (-c[1], c[0]))[:5])
    return f" (it holds {common}{', ...' if len(counts) > 5 else ''})"


def _text_document(path: Path, encoding: str, unescape: bool = False) -> Document:
    """One raw-text file as a document. Its lines end as Python reads text (CR LF is one
    character). Read as UTF-8, a file that opens with a UTF-16 or UTF-32 byte-order mark (as
    Notepad's "Unicode" and PowerShell's ``>`` save) is read in that encoding; files that are no
    text (PDF, Word, RTF, gzip, HTML, XML) or hold NUL characters are refused with what to do."""
    raw = path.read_bytes()
    opening = raw[:16].removeprefix(codecs.BOM_UTF8)  # enough for the longest mark: no copy of the whole file
    for magic, kind in _NOT_TEXT:
        if opening.startswith(magic):
            raise DataFormatError(f"{kind}, not plain text; save or convert it as plain text (.txt) first", path)
    encoding = sniffed_encoding(raw[:4], encoding)
    try:
        text = io.TextIOWrapper(io.BytesIO(raw), encoding=encoding).read()
    except UnicodeError as error:  # a decoding error, or a stream its codec refuses (UTF-16 with no byte-order mark)
        hint = ENCODING_HINT if encoding == "utf-8-sig" else ""
        name = encoding_label(encoding)
        where = f"{error.reason} at byte {error.start}" if isinstance(error, UnicodeDecodeError) else str(error)
        raise DataFormatError(f"not {name} text ({where}){hint}", path) from None
    opening = text[:64].lstrip().lower()
    for markup, kind in _MARKUP:
        if opening.startswith(markup):
            raise DataFormatError(f"{kind}, not plain text; save or convert it as plain text (.txt) first", path)
    nul = text.find("\x00")
    if nul >= 0:
        raise DataFormatError("a NUL character: binary data, or text in UTF-16 or UTF-32 with no byte-order mark "
                              "(give --encoding, e.g. utf-16-le)", path, text.count("\n", 0, nul) + 1)
    text = text.removeprefix("\ufeff")  # a byte-order mark an encoding given as "utf-16-le" leaves as a character
    escaped = None if unescape else escaped_note_problem(text)
    if escaped:
        raise DataFormatError(f"{escaped} (JSON Lines input is read as written)", path)
    if unescape:
        text = unescape_text(text)
    return Document(id=path.stem, text=text)
