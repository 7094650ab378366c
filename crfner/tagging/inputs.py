"""The documents to tag, read from disk: JSON Lines, PubTator, or raw text (a .txt file is one
document, a folder holds one per .txt file), raw text in any encoding Python knows, since notes
exported from Windows systems are often cp1252 rather than UTF-8."""

from __future__ import annotations

import codecs
import io
import os
from pathlib import Path
from typing import Iterator

from ..corpora.documents import Document
from ..errors import CrfnerError, DataFormatError

__all__ = ["INPUT_FORMATS", "check_encoding", "detect_format", "read_documents"]

INPUT_FORMATS = ("jsonl", "pubtator", "text")


def detect_format(path: str | os.PathLike) -> str:
    """The input format from the path: a folder of .txt files is ``text``, ``*.jsonl`` is
    ``jsonl``, a PubTator file (``*.pubtator``, ``*PubTator*.txt``, ``*_corpus.txt``) is ``pubtator``."""
    path = Path(path)
    name = path.name.lower()
    if name.endswith((".jsonl.gz", ".json.gz", ".ndjson.gz", ".pubtator.gz")):
        name = name[:-3]  # the JSON Lines and PubTator readers read gzip
    if path.is_dir():
        return "text"
    if name.endswith((".jsonl", ".json", ".ndjson")):
        return "jsonl"
    if name.endswith(".pubtator") or "pubtator" in name or name.endswith("_corpus.txt"):
        return "pubtator"
    if name.endswith(".txt"):
        return "text"
    raise CrfnerError(f"{path}: cannot tell the input format from the name; give --input-format ({', '.join(INPUT_FORMATS)})")


def check_encoding(encoding: str) -> str:
    """The codec's canonical name (``"cp1252"``, ``"utf-8"``), or a CrfnerError naming an
    encoding Python does not know or that is no text encoding (``hex``, ``rot13``, ``zlib``)."""
    try:
        name = codecs.lookup(encoding).name
        io.TextIOWrapper(io.BytesIO(), encoding=name)  # what open() checks: text, not a bytes transform
    except (LookupError, TypeError, ValueError):
        raise CrfnerError(f"unknown text encoding {encoding!r} (e.g. utf-8, cp1252, latin-1)") from None
    return name


def read_documents(path: str | os.PathLike, input_format: str | None = None, encoding: str = "utf-8") -> Iterator[Document]:
    """Stream the documents of ``path``: JSON Lines, PubTator, or raw text (a .txt file is one
    document, a folder holds one document per .txt file, in name order). ``encoding`` is raw
    text's (a UTF-8 byte-order mark is dropped); JSON Lines and PubTator files are UTF-8."""
    from ..corpora.jsonl import read_jsonl
    from ..corpora.pubtator import read_pubtator

    path = Path(path)
    if not path.exists():
        raise CrfnerError(f"{path}: no such file or folder")
    encoding = check_encoding(encoding)
    input_format = input_format or detect_format(path)
    if input_format != "text" and encoding != "utf-8":
        raise CrfnerError(f"{input_format} input is UTF-8; an encoding ({encoding}) applies to raw text (.txt) input")
    if input_format == "jsonl":
        return read_jsonl(path)
    if input_format == "pubtator":
        return read_pubtator(path, check_text=False)
    if input_format == "text":
        files = sorted(path.glob("*.txt")) if path.is_dir() else [path]
        return (_text_document(p, encoding) for p in files)
    raise CrfnerError(f"unknown input format {input_format!r}; choose one of {', '.join(INPUT_FORMATS)}")


def _text_document(path: Path, encoding: str) -> Document:
    try:
        text = path.read_text(encoding="utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeError as error:  # a decoding error, or a stream its codec refuses (UTF-16 with no byte-order mark)
        hint = "; give the file's encoding (--encoding, e.g. cp1252)" if encoding == "utf-8" else ""
        name = "UTF-8" if encoding == "utf-8" else encoding
        where = f"{error.reason} at byte {error.start}" if isinstance(error, UnicodeDecodeError) else str(error)
        raise DataFormatError(f"not {name} text ({where}){hint}", path) from None
    return Document(id=path.stem, text=text)
