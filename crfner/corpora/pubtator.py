"""PubTator files: ``PMID|t|title`` and ``PMID|a|abstract`` lines, then one tab-separated
line per mention (``PMID start end text type [identifier ...]``), a blank line between
documents.

Offsets count characters in ``title + " " + abstract``, as in the BioCreative V CDR and NCBI
Disease releases; the document's passages are the title and the abstract. An empty ``|a|``
line makes a one-passage document, its text the title alone (no space after it), which is how
a one-passage text is written and so comes back as it was. Relation lines
(``PMID<TAB>CID<TAB>id<TAB>id``) are skipped and not written back.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterable, Iterator

from ..atomic import atomic_open
from ..errors import DataFormatError, excerpt
from .documents import Document, Mention, mention_problem, sorted_mentions, unwritable
from .lines import numbered_lines

_PASSAGE = re.compile(r"([^|\t]*)\|([ta])\|(.*)")
# Characters that would break PubTator's one-passage-a-line layout; each becomes one space.
_LINE_BREAKS = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


class _Draft:
    """A document being read: its title, abstract and mention lines so far."""

    def __init__(self, pmid: str, title: str, line: int):
        self.pmid, self.title, self.line = pmid, title, line
        self.abstract: str | None = None
        self.mentions: list[tuple[int, list[str]]] = []

    def finish(self, path: Path, check_text: bool) -> Document:
        if self.abstract is None:
            raise DataFormatError(f"document {self.pmid} has a title but no '|a|' (abstract) line", path, self.line)
        text = f"{self.title} {self.abstract}" if self.abstract else self.title
        mentions = [_mention(columns, text, path, number, check_text) for number, columns in self.mentions]
        passages = [(0, len(self.title))] + ([(len(self.title) + 1, len(text))] if self.abstract else [])
        return Document(self.pmid, text, sorted_mentions(mentions), passages)


_OFFSET = re.compile("[0-9]+")


def _mention(columns: list[str], text: str, path: Path, line: int, check_text: bool) -> Mention:
    if len(columns) < 5:
        raise DataFormatError(
            f"a mention line needs PMID, start, end, text and type (found {len(columns)} columns)", path, line
        )
    offsets = f"mention offsets {excerpt(columns[1], 60)} and {excerpt(columns[2], 60)}"
    if not (_OFFSET.fullmatch(columns[1]) and _OFFSET.fullmatch(columns[2])):  # int() takes " 1", "1_0", Arabic digits
        raise DataFormatError(f"{offsets} are not whole numbers", path, line)
    try:
        start, end = int(columns[1]), int(columns[2])
    except ValueError:  # digits past Python's limit for reading a number (sys.get_int_max_str_digits)
        raise DataFormatError(f"{offsets} are far too large for any text", path, line) from None
    identifier = columns[5] if len(columns) > 5 and columns[5] else None
    mention = Mention(start, end, columns[4], columns[3], identifier)
    problem = mention_problem(mention, text)
    if problem and not check_text and 0 <= start < end <= len(text) and columns[4]:
        return Mention(start, end, columns[4], text[start:end], identifier)
    if problem:
        raise DataFormatError(f"document {columns[0]}: {problem}", path, line)
    return mention


def read_pubtator(path: str | os.PathLike, check_text: bool = True, allow_duplicate_ids: bool = False,
                  lines: dict[str, int] | None = None) -> Iterator[Document]:
    """Stream the documents of a PubTator file, one at a time.

    Malformed input (a missing ``|a|`` line, a mention for another PMID, bad offsets, a
    mention text that differs from the document text) raises
    :class:`~crfner.errors.DataFormatError` naming the file and line. ``check_text=False``
    accepts mismatching mention texts and keeps the document's text at their offsets (the
    NCBI training file has one such mention). A PMID that appears twice is refused unless
    ``allow_duplicate_ids`` (the NCBI training file holds one abstract twice). ``lines``, a dict,
    is given each document's PMID and title line as it is read.
    """
    path = Path(path)
    draft: _Draft | None = None
    seen: dict[str, int] = {} if lines is None else lines  # PMID -> the line of its title
    for number, line in numbered_lines(path):
        if not line.strip():
            if draft is not None:
                yield draft.finish(path, check_text)
                draft = None
            continue
        passage = _PASSAGE.fullmatch(line)  # a mention line has a tab before any '|'
        if passage is not None:
            pmid, kind, content = passage.groups()
            if not pmid.strip():
                raise DataFormatError(f"the '|{kind}|' line has no PMID", path, number)
            if kind == "t":
                if draft is not None:
                    if draft.pmid == pmid:
                        raise DataFormatError(f"document {pmid} has a second title line", path, number)
                    yield draft.finish(path, check_text)
                if pmid in seen and not allow_duplicate_ids:
                    raise DataFormatError(f"document {pmid} appears twice (first on line {seen[pmid]})", path, number)
                seen[pmid] = number
                draft = _Draft(pmid, content, number)
            elif draft is None or draft.pmid != pmid:
                raise DataFormatError(f"abstract line for document {pmid}, which has no title line before it", path, number)
            elif draft.abstract is not None or draft.mentions:
                raise DataFormatError(f"document {pmid} has a second or late '|a|' line", path, number)
            else:
                draft.abstract = content
            continue
        columns = line.split("\t")
        if len(columns) < 2:
            raise DataFormatError("neither a 'PMID|t|' / 'PMID|a|' line nor a tab-separated mention line", path, number)
        if draft is None or columns[0] != draft.pmid:
            raise DataFormatError(f"annotation for PMID {excerpt(columns[0])}, which is not the document being read", path, number)
        if draft.abstract is None:
            raise DataFormatError(f"document {draft.pmid} has annotations before its '|a|' (abstract) line", path, number)
        if len(columns) == 4 and not columns[1].lstrip("-").isdigit():
            continue  # a relation: PMID, relation type, two concept ids
        draft.mentions.append((number, columns))
    if draft is not None:
        yield draft.finish(path, check_text)


def _title_abstract(document: Document) -> tuple[str, str]:
    """Title and abstract such that ``title + " " + abstract`` is the (flattened) text, or the
    whole text and ``""`` where the abstract would be empty (the reader adds no space then)."""
    text = _LINE_BREAKS.sub(" ", document.text)
    passages = document.passages or []
    if len(passages) == 2 and passages[0][0] == 0 and passages[1][0] == passages[0][1] + 1:
        cut = passages[0][1]
        if passages[1][1] == len(text) and text[cut] == " " and cut + 1 < len(text):
            return text[:cut], text[cut + 1 :]
    from ..text import split_sentences

    spans = split_sentences(text)
    cut = text.find(" ", spans[0][1]) if spans else -1
    if cut < 0 or cut + 1 == len(text):  # one passage: written whole, a trailing space included
        return text, ""
    return text[:cut], text[cut + 1 :]


def pmid_problem(pmid) -> str | None:
    """Why a document id cannot be a PMID in a PubTator file, or None."""
    if not isinstance(pmid, str):
        return f"document id {excerpt(pmid)} is not a string"
    if not pmid or any(c in pmid for c in "|\t\r\n") or pmid != pmid.strip():
        return f"document id {excerpt(pmid)} cannot be a PMID in PubTator (empty, or holds '|', a tab or spaces)"
    return None


def format_pubtator(document: Document) -> Iterator[str]:
    """The lines of one document, its blank line last.

    Line breaks and tabs in the text become spaces (offsets are kept). A document whose
    passages are not a title and an abstract is cut after its first sentence; one of a single
    passage (or sentence) is all title, with an empty ``|a|`` line.
    """
    pmid = document.id
    problem = pmid_problem(pmid)
    if problem:
        raise DataFormatError(problem)
    for value, what in ((pmid, "the document id"), (document.text, "the text"),
                        *((v, "a mention's type or id") for m in document.mentions for v in (m.type, m.identifier or ""))):
        problem = unwritable(value, what)
        if problem:
            raise DataFormatError(f"document {excerpt(pmid)}: {problem}")
    title, abstract = _title_abstract(document)
    text = f"{title} {abstract}"
    yield f"{pmid}|t|{title}\n"
    yield f"{pmid}|a|{abstract}\n"
    for mention in sorted_mentions(document.mentions):
        problem = mention_problem(mention, document.text)
        if problem:
            raise DataFormatError(f"document {pmid}: {problem}")
        etype = _LINE_BREAKS.sub(" ", mention.type)
        columns = [pmid, str(mention.start), str(mention.end), text[mention.start : mention.end], etype]
        if mention.identifier:
            columns.append(_LINE_BREAKS.sub(" ", mention.identifier))
        yield "\t".join(columns) + "\n"
    yield "\n"


def write_pubtator(documents: Iterable[Document], path: str | os.PathLike) -> None:
    """Write documents to a PubTator file atomically: the file appears complete or not at all.

    Scores are not written (PubTator has no column for them).
    """
    with atomic_open(path) as handle:
        for document in documents:
            handle.writelines(format_pubtator(document))
