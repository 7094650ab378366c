"""i2b2 2010 assertions: a record's ``.txt`` and its ``.ast`` (``c="chest pain" 5:3 5:4||t="problem"||a="absent"``)
as documents whose problems carry the assertion the annotators gave them, the gold with which
to measure negation (:func:`crfner.negations`) on notes: ``absent`` is negated.

Format, as the 2010 release describes it: one concept a line, its text, positions and type as
in the ``.con`` files (:mod:`crfner.corpora.i2b2`), then ``||a="..."``, one of
:data:`ASSERTIONS`. Assumptions where the description is silent: a concept asserted twice
alike is read once, and twice differently is an error; spaces around ``||`` are allowed.

Layouts: ``FOLDER/NAME.txt`` beside ``FOLDER/NAME.ast``, or the release's ``FOLDER/txt/NAME.txt``
with ``FOLDER/ast/NAME.ast``; a record without an ``.ast`` has no asserted concepts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataFormatError, excerpt
from .documents import type_names
from .i2b2 import CONCEPT_TYPES, Record, concept_positions, record_pairs
from .lines import numbered_lines

__all__ = ["ASSERTIONS", "AssertedDocument", "AssertedEntity", "read_i2b2_assertions"]

ASSERTIONS = ("present", "absent", "possible", "conditional", "hypothetical", "associated_with_someone_else")
_ASSERTION = re.compile(r'c="(.*)" ([0-9]+):([0-9]+) ([0-9]+):([0-9]+)\s*\|\|\s*t="([^"]*)"\s*\|\|\s*a="([^"]*)"')


@dataclass(frozen=True, order=True)
class AssertedEntity:
    """A concept of a record, ``text[start:end]``, and its assertion."""

    start: int
    end: int
    type: str
    text: str
    assertion: str

    @property
    def negated(self) -> bool:
        return self.assertion == "absent"


@dataclass(frozen=True)
class AssertedDocument:
    """A record: its text, its asserted concepts by offset, and its lines as ``passages`` (the
    record holds a sentence a line, so negation reads no further than one)."""

    id: str
    text: str
    entities: tuple[AssertedEntity, ...]
    passages: tuple[tuple[int, int], ...]


def read_i2b2_assertions(
    path: str | os.PathLike, ast_path: str | os.PathLike | None = None, *,
    types: Sequence[str] = CONCEPT_TYPES, check_text: bool = True,
) -> Iterator[AssertedDocument]:
    """Documents of a folder of i2b2 2010 records (or of one ``.txt`` and its ``.ast``), in order
    of file name; each malformed line is a one-line DataFormatError naming the file and line;
    ``check_text=False`` accepts concept texts that differ from the tokens."""
    types = type_names(types)
    for txt, ast in record_pairs(path, ast_path, (".ast",), "ast"):
        record = Record(txt)
        found: dict[tuple[int, int, str], AssertedEntity] = {}
        for number, line in numbered_lines(ast) if ast is not None else ():
            if line.strip():
                entity = _entity(line.strip(), record, ast, number, types, check_text)
                key = (entity.start, entity.end, entity.type)
                if key in found and found[key].assertion != entity.assertion:
                    raise DataFormatError(f"concept {excerpt(entity.text)} is asserted {found[key].assertion} on an "
                                          f"earlier line and {entity.assertion} on this one", ast, number)
                found[key] = entity
        lines = tuple((tokens[0][0], tokens[-1][1]) for tokens in record.lines if tokens)  # first token to last
        yield AssertedDocument(txt.stem, record.text, tuple(sorted(found.values())), lines)


def _entity(line: str, record: Record, path: Path, number: int, types: Sequence[str], check_text: bool) -> AssertedEntity:
    match = _ASSERTION.fullmatch(line)
    if match is None:
        raise DataFormatError('not an i2b2 assertion line: expected c="TEXT" LINE:TOKEN LINE:TOKEN||t="TYPE"||a="ASSERTION"',
                              path, number)
    recorded, ctype, assertion = match.group(1), match.group(6), match.group(7)
    if ctype not in types:
        raise DataFormatError(f"concept type {excerpt(ctype)} is not one of {', '.join(types)}", path, number)
    if assertion not in ASSERTIONS:
        raise DataFormatError(f"assertion {excerpt(assertion)} is not one of {', '.join(ASSERTIONS)}", path, number)
    positions = concept_positions(record, recorded, match.group(2, 3, 4, 5), path, number, check_text)
    start, end = record.offsets(positions)
    return AssertedEntity(start, end, ctype, record.text[start:end], assertion)
