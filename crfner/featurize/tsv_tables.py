"""What the tables a model keeps beside its weights (word clusters, truecasing) share: saved as
UTF-8 TSV lines atomically, hashed as saved, and read back with a one-line error for a file
that is missing, a folder or not UTF-8."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator

from ..atomic import atomic_open
from ..errors import DataFormatError


class SavedTable:
    """A table written as the lines its ``_lines`` gives."""

    def _lines(self) -> Iterator[str]:
        raise NotImplementedError

    def save(self, path: str | os.PathLike) -> None:
        """Write the table as UTF-8 TSV, atomically: the file is complete or not there at all."""
        with atomic_open(path) as handle:
            handle.writelines(self._lines())

    def sha256(self) -> str:
        """SHA-256 of the saved form, so equal tables hash equally (and match their file's hash)."""
        digest = hashlib.sha256()
        for line in self._lines():
            digest.update(line.encode("utf-8"))
        return digest.hexdigest()


def read_lines(path: str | os.PathLike, newline: str | None = None) -> list[str]:
    """The lines of a saved table, without the final empty one; ``DataFormatError`` naming the
    file if it cannot be read as UTF-8 text (``newline=""`` keeps carriage returns to refuse)."""
    try:
        with open(path, encoding="utf-8", newline=newline) as handle:
            lines = handle.read().split("\n")
    except FileNotFoundError:
        raise DataFormatError("no such file", path) from None
    except IsADirectoryError:
        raise DataFormatError("is a directory, not a file", path) from None
    except UnicodeDecodeError as error:
        raise DataFormatError(f"not UTF-8 text (byte {error.start + 1} of the file)", path) from None
    if lines[-1] == "":
        lines.pop()
    return lines


def read_rows(path: str | os.PathLike, header: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of each row below a saved table's fixed ``header`` line; a missing
    header, or a row with another number of fields or a carriage return, raises
    ``DataFormatError`` naming the line."""
    lines = read_lines(path, newline="")
    shown = "'" + header.replace("\t", "<TAB>") + "'"
    if not lines or lines[0] != header:
        raise DataFormatError(f"expected the header line {shown}", path, 1)
    width = header.count("\t") + 1
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != width or "\r" in line:
            raise DataFormatError(f"expected {shown}, got {line[:60]!r}", path, number)
        yield number, fields
