"""Numbered lines of a UTF-8 text file, shared by the line-based readers so that each reports
a missing file, a folder or bytes that are not UTF-8 the same way, with the line number."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Iterator

from ..errors import DataFormatError


def numbered_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Lines without their CR/LF ends, numbered from 1; a BOM is dropped and ``*.gz`` files
    are read through gzip."""
    try:
        handle = gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")
    except FileNotFoundError:
        raise DataFormatError("no such file", path) from None
    except IsADirectoryError:
        raise DataFormatError("is a directory, not a file", path) from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                raise DataFormatError(f"not UTF-8 text (byte {error.start + 1} of the line)", path, number) from None
            yield number, text.rstrip("\r\n")
