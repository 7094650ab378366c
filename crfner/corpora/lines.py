"""UTF-8 text files for the readers, whole or as numbered lines, so that each reports a missing
file, a folder or bytes that are not UTF-8 the same way, with the line number; and the encoding
that notes exported from other systems are read in (:func:`sniffed_encoding`)."""

from __future__ import annotations

import codecs
import gzip
import io
import zlib
from pathlib import Path
from typing import Iterator

from ..errors import CrfnerError, DataFormatError

#: What an error about bytes that are not UTF-8 adds: the option that reads another encoding.
ENCODING_HINT = "; give the file's encoding (--encoding, e.g. cp1252)"
# The byte-order marks of UTF-32 and UTF-16 (UTF-32-LE's opens with UTF-16-LE's, so it comes first).
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
              (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def sniffed_encoding(opening: bytes, encoding: str) -> str:
    """The codec to read a file that opens with ``opening`` (its first 4 bytes or more) in, when
    it was said to be in ``encoding``: UTF-8 is read as ``utf-8-sig`` (a byte-order mark dropped),
    or as UTF-16 or UTF-32 when the file opens with their byte-order mark (as Notepad's "Unicode",
    PowerShell's ``>`` and Excel's "Unicode Text" save); any other encoding as given."""
    if codecs.lookup(encoding).name != "utf-8":
        return encoding
    return next((wide for bom, wide in _WIDE_BOMS if opening.startswith(bom)), "utf-8-sig")


def encoding_label(codec: str) -> str:
    """How an error names the encoding :func:`sniffed_encoding` chose: ``UTF-8`` for ``utf-8-sig``."""
    return "UTF-8" if codec == "utf-8-sig" else codec


def numbered_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Lines without their ends, numbered from 1; LF, CR LF and a lone CR (old Mac files) each
    end a line, as universal newlines do. A BOM is dropped, a file that opens with UTF-16's or
    UTF-32's (a list Excel saved as "Unicode Text") is read in that encoding, and ``*.gz`` files
    are read through gzip."""
    try:
        handle = gzip.open(path, "rb") if path.suffix.lower() == ".gz" else open(path, "rb")
    except FileNotFoundError:
        raise DataFormatError("no such file", path) from None
    except IsADirectoryError:
        raise DataFormatError("is a directory, not a file", path) from None
    with handle:
        try:
            wide = sniffed_encoding(handle.peek(4)[:4], "utf-8")
            yield from _numbered(handle, path) if wide == "utf-8-sig" else _numbered_wide(handle, path, wide)
        except (EOFError, gzip.BadGzipFile, zlib.error) as error:  # a damaged or fake .gz file
            raise DataFormatError(f"cannot be read as gzip ({error})", path) from None


def _numbered_wide(handle, path: Path, codec: str) -> Iterator[tuple[int, str]]:
    """:func:`numbered_lines` of a UTF-16 or UTF-32 file (its byte-order mark read by the codec)."""
    text = io.TextIOWrapper(handle, encoding=codec, newline=None)
    number = 0
    try:
        for line in text:
            number += 1
            yield number, line.removesuffix("\n")
    except UnicodeDecodeError:  # decoded a block at a time, so the bad bytes lie at or after the line given
        raise DataFormatError(f"not {codec.upper()} text, as its byte-order mark says, after line {number}", path) from None
    finally:
        text.detach()  # the caller closes the file


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
    return decoded_text(data, path, wide=False)


def decoded_text(data: bytes, path, wide: bool = True) -> str:
    """``data``, the bytes of the file ``path``, as text, line ends kept: UTF-8, a BOM dropped,
    or (``wide``) UTF-16 or UTF-32 where it opens with their byte-order mark, as
    :func:`numbered_lines` reads it; bytes the encoding cannot read raise a one-line
    DataFormatError naming the file and the line (counted at LF) they are on."""
    codec = sniffed_encoding(data[:4], "utf-8") if wide else "utf-8-sig"
    if codec == "utf-8-sig":  # the mark cut off here, so that an error's offset counts from the file's start
        data, codec = data.removeprefix(codecs.BOM_UTF8), "utf-8"
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        if codec == "utf-8":
            raise DataFormatError("not UTF-8 text", path, data.count(b"\n", 0, error.start) + 1) from None
        line = data[: error.start].decode(codec, "replace").count("\n") + 1
        raise DataFormatError(f"not {codec.upper()} text, as its byte-order mark says", path, line) from None


def check_encoding(encoding: str) -> str:
    """The codec's canonical name (``"cp1252"``, ``"utf-8"``), or a CrfnerError naming an
    encoding Python does not know or that is no text encoding (``hex``, ``rot13``, ``zlib``)."""
    try:
        name = codecs.lookup(encoding).name
        io.TextIOWrapper(io.BytesIO(), encoding=name)  # what open() checks: text, not a bytes transform
    except (LookupError, TypeError, ValueError):
        raise CrfnerError(f"unknown text encoding {encoding!r} (e.g. utf-8, cp1252, latin-1)") from None
    return name
