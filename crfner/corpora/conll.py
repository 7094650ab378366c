"""CoNLL/IOB files: one token per line, columns split by tabs or spaces, the tag last,
blank lines between sentences, ``-DOCSTART-`` lines between documents."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator, Sequence

from ..atomic import atomic_open
from ..errors import DataFormatError, excerpt
from ..schemes import convert, is_valid_tag
from .lines import numbered_lines

DOCSTART = "-DOCSTART-"


@dataclass
class ConllBlock:
    """One sentence as read: each line's number and columns (the token first), and how many
    ``-DOCSTART-`` lines came before it (0: none)."""

    lines: list[int]
    rows: list[list[str]]
    document: int = 0

    @property
    def tokens(self) -> list[str]:
        return [row[0] for row in self.rows]


def split_columns(line: str) -> list[str]:
    """The columns of a line: split at tabs when it has one, else at runs of ASCII spaces; only
    tabs and ASCII spaces count as separators, so a no-break space stays inside its token
    (``10\u00a0mg``). A blank line has none."""
    if "\t" in line:
        columns = [c.strip(" ") for c in line.split("\t")]
        return columns if any(columns) else []
    return [c for c in line.split(" ") if c]


def iter_blocks(path: str | os.PathLike) -> Iterator[ConllBlock]:
    """Stream the sentences of a CoNLL file as blocks of split lines; ``-DOCSTART-`` lines
    and blank lines end a sentence."""
    path = Path(path)
    document = 0
    block = ConllBlock([], [])
    for number, line in numbered_lines(path):
        columns = split_columns(line)
        if not columns or columns[0] == DOCSTART:
            if block.rows:
                yield block
            document += bool(columns)
            block = ConllBlock([], [], document)
            continue
        if not columns[0]:
            raise DataFormatError("the token column is empty", path, number)
        block.lines.append(number)
        block.rows.append(columns)
    if block.rows:
        yield block


def column_tags(block: ConllBlock, column: int, path, what: str = "tag") -> list[str]:
    """The tags in ``column`` (negative: from the end) of a block, each checked."""
    needed = -column + 1 if column < 0 else column + 1
    tags = []
    for number, row in zip(block.lines, block.rows):
        if len(row) < needed:
            raise DataFormatError(
                f"token {excerpt(row[0])} has no {what} (expected {needed} columns, found {len(row)})", path, number
            )
        tag = row[column]
        if not is_valid_tag(tag):
            raise DataFormatError(
                f"{what} {excerpt(tag)} fits no tagging scheme (expected O, or B-/I-/E-/S- followed by a type)", path, number
            )
        tags.append(tag)
    return tags


def read_conll(path: str | os.PathLike) -> tuple[list[list[str]], list[list[str]]]:
    """Read a tagged CoNLL/IOB file into ``(X, y)``: token lists and IOB2 tag lists.

    Tags in IOB1 or IOBES are converted to IOB2. An empty file, a line without a tag or a tag
    that fits no scheme raises :class:`~crfner.errors.DataFormatError` naming file and line.
    """
    X: list[list[str]] = []
    y: list[list[str]] = []
    for block in iter_blocks(path):
        y.append(convert(column_tags(block, -1, path), "iob2"))
        X.append(block.tokens)
    if not X:
        raise DataFormatError("the file holds no sentences", path)
    return X, y


def read_conll_document_ids(path: str | os.PathLike) -> list[str] | None:
    """The document of each sentence that :func:`read_conll` reads, as the ordinal of the
    ``-DOCSTART-`` line before it (``"1"``, ``"2"``, ...; ``"0"`` before the first one).

    None when no sentence follows a ``-DOCSTART-`` line: the file marks no documents.
    """
    documents = [block.document for block in iter_blocks(path)]
    if not any(documents):
        return None
    return [str(document) for document in documents]


def read_tokens(path: str | os.PathLike) -> tuple[list[list[str]], list[list[str]] | None]:
    """Read a CoNLL file whose tag column is optional: ``(X, y)`` when every line carries a
    tag, ``(X, None)`` when the file holds tokens only."""
    X: list[list[str]] = []
    y: list[list[str]] = []
    has_tags: bool | None = None
    for block in iter_blocks(path):
        if has_tags is None:
            has_tags = len(block.rows[0]) > 1
        if has_tags:
            y.append(convert(column_tags(block, -1, path), "iob2"))
        else:
            for number, row in zip(block.lines, block.rows):
                if len(row) > 1:
                    raise DataFormatError("this line has a tag column but the first sentence has none", path, number)
        X.append(block.tokens)
    if not X:
        raise DataFormatError("the file holds no sentences", path)
    return X, (y if has_tags else None)


def read_predictions(path: str | os.PathLike) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    """Read a predictions file in conlleval's layout (token ... gold predicted) into
    ``(X, gold, predicted)``, tags converted to IOB2. Every line must have the same columns."""
    X, gold, pred = [], [], []
    first: tuple[int, int] | None = None  # the first line's number and column count
    for block in iter_blocks(path):
        for number, row in zip(block.lines, block.rows):
            if len(row) < 3:
                raise DataFormatError(
                    f"{len(row)} column(s); a predictions file needs token, gold and predicted columns", path, number
                )
            # a line with a column more or less than the others would have its gold or predicted tag read from the
            # wrong column
            first = first or (number, len(row))
            if len(row) != first[1]:
                raise DataFormatError(f"{len(row)} columns where line {first[0]} has {first[1]}: every line of a "
                                      "predictions file needs the same columns (token ... gold predicted)", path, number)
        gold.append(convert(column_tags(block, -2, path, "gold tag"), "iob2"))
        pred.append(convert(column_tags(block, -1, path, "predicted tag"), "iob2"))
        X.append(block.tokens)
    if not X:
        raise DataFormatError("the file holds no sentences", path)
    return X, gold, pred


def read_sentences(path: str | os.PathLike) -> list[list[str]]:
    """Read pre-tokenised text: one sentence a line, tokens separated by whitespace."""
    sentences = [line.split() for _, line in numbered_lines(Path(path)) if line.strip()]
    if not sentences:
        raise DataFormatError("the file holds no sentences", path)
    return sentences


# What a column may not hold: what splits columns (tabs, ASCII spaces) or lines, and lone
# surrogates, which UTF-8 cannot store. A token that is -DOCSTART- would read as a document break.
_UNWRITABLE = re.compile("[\t \n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029\ud800-\udfff]")


def format_conll(tokens_list: Sequence[Sequence[str]], *tag_columns: Sequence[Sequence[str]]) -> Iterator[str]:
    """Lines of a CoNLL file: token and tag columns tab-separated, a blank line after each sentence.
    A value the file could not give back as written (empty, holding a tab, space, line break or
    lone surrogate, a ``-DOCSTART-`` token), a tag column of another length, or an empty sentence
    (it would read back as none, and every later sentence one place earlier) is a DataFormatError."""
    for number, column in enumerate(tag_columns, start=1):
        if len(column) != len(tokens_list):
            raise DataFormatError(f"tag column {number} has {len(column)} sentences for {len(tokens_list)} token lists")
    for index, tokens in enumerate(tokens_list):
        if not tokens:
            raise DataFormatError(f"sentence {index} has no tokens: a CoNLL file cannot hold an empty sentence (it would read "
                                  "back as none, and every later sentence one place earlier)")
        columns = [column[index] for column in tag_columns]
        for number, column in enumerate(columns, start=1):
            if len(column) != len(tokens):
                raise DataFormatError(f"sentence {index}: tag column {number} has {len(column)} tags for {len(tokens)} tokens")
        for position, token in enumerate(tokens):
            row = [token, *(column[position] for column in columns)]
            if any(not value or _UNWRITABLE.search(value) for value in row) or token == DOCSTART:
                raise DataFormatError(f"sentence {index}, token {position}: {excerpt(row)} cannot be written to a CoNLL "
                                      "file and read back (empty, or holds a tab, space, line break or lone surrogate, or "
                                      "is -DOCSTART-)")
            yield "\t".join(row) + "\n"
        yield "\n"


def write_conll(
    destination: str | os.PathLike | IO[str], tokens_list: Sequence[Sequence[str]], *tag_columns: Sequence[Sequence[str]]
) -> None:
    """Write sentences with any number of tag columns (e.g. gold, then predicted), atomically
    when ``destination`` is a path."""
    if hasattr(destination, "write"):
        destination.writelines(format_conll(tokens_list, *tag_columns))
        return
    with atomic_open(destination) as handle:
        handle.writelines(format_conll(tokens_list, *tag_columns))
