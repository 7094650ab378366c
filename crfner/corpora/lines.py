"""UTF-8 text files for the readers, whole or as numbered lines, so that each reports a missing
file, a folder or bytes that are not UTF-8 the same way, with the line number."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path
from typing import Iterator

from ..errors import DataFormatError


def numbered_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Lines without their ends, numbered from 1; LF, CR LF and a lone CR (old Mac files) each
    end a line, as universal newlines do. A BOM is dropped and ``*.gz`` files are read through gzip."""
    try:
        handle = gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")
    except FileNotFoundError:
        raise DataFormatError("no such file", path) from None
    except IsADirectoryError:
        raise DataFormatError("is a directory, not a file", path) from None
    with handle:
        try:
            yield from _numbered(handle, path)
        except (EOFError, gzip.BadGzipFile, zlib.error) as error:  # a damaged or fake .gz file
            raise DataFormatError(f"cannot be read as gzip ({error})", path) from None


def _numbered(handle, path: Path) -> Iterator[tuple[int, str]]:
    number = 0
    for chunk in handle:
        chunk = chunk[:-1] if chunk.endswith(b"\n") else chunk
        chunk = chunk[:-1] if chunk.endswith(b"\r") else chunk
        for raw in chunk.split(b"\r") if b"\r" in chunk else (chunk,):
            number += 1
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                raise DataFormatError(f"not UTF-8 text (byte {error.start + 1} of the line)", path, number) from None
            yield number, text


def read_text_file(path: Path) -> str:
    """A whole UTF-8 text file as stored (a BOM dropped, line ends kept, since offsets count
    them); a one-line DataFormatError naming the file, and the line of bad bytes."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DataFormatError(f"cannot read ({error.strerror or error})", path) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DataFormatError("not UTF-8 text", path, data[: error.start].count(b"\n") + 1) from None
