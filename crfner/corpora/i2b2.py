"""i2b2 2010 concepts: a record's ``.txt`` and its ``.con`` (``c="text" 12:3 12:6||t="problem"``)
as Documents with character offsets, or as token-level IOB2, the way i2b2 2010 is scored.

Format, as the 2010 release describes it: the ``.txt`` holds one sentence a line, its tokens
separated by spaces; a position is ``LINE:TOKEN``, lines counted from 1 and tokens from 0, the
concept's first and last tokens both included; the types are problem, test and treatment.
Assumptions where the description is silent:

- a token is a run of characters other than spaces and tabs, so a run of spaces separates
  tokens as one space does; LF, CR LF and a lone CR each end a line;
- the ``c="..."`` text is the release's lower-cased copy of the tokens joined by single spaces:
  it is compared case-insensitively, and the Mention keeps the record's own casing;
- a concept may end on a later line than it starts (the document then spans the line break);
  in IOB, its tokens on each line are a span of their own, ``B-`` at the first;
- a concept repeated in a file is read once; in IOB, of concepts sharing tokens the one
  starting first (then the longest) is tagged and the others counted as ``overlapping``.

Layouts: ``FOLDER/NAME.txt`` beside ``FOLDER/NAME.con``, or the release's ``FOLDER/txt/NAME.txt``
with ``FOLDER/concept/NAME.con``; a record without annotations has no mentions.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..errors import DataFormatError, excerpt
from .documents import Document, Mention, sorted_mentions, type_names
from .lines import numbered_lines, read_text_file

CONCEPT_TYPES = ("problem", "test", "treatment")
_CONCEPT = re.compile(r'c="(.*)" ([0-9]+):([0-9]+) ([0-9]+):([0-9]+)\|\|t="([^"]*)"')
_TOKEN = re.compile(r"[^ \t\r]+")
_LINE_END = re.compile(r"\r\n|\r|\n")

Position = tuple[int, int]


class Record:
    """An i2b2 record's text and the character span of each token, line by line: what turns
    ``LINE:TOKEN`` positions into character offsets."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.text = read_text_file(self.path)
        self.lines: list[list[tuple[int, int]]] = []
        # LF, CR LF and a lone CR (old Mac files) each end a line, as the annotation files' lines are read
        breaks = list(_LINE_END.finditer(self.text))
        starts = [0] + [m.end() for m in breaks]
        ends = [m.start() for m in breaks] + [len(self.text)]
        if len(starts) > 1 and starts[-1] == len(self.text):
            starts.pop(), ends.pop()  # the text's final line break ends its last line
        for start, end in zip(starts, ends):
            self.lines.append([(m.start(), m.end()) for m in _TOKEN.finditer(self.text, start, end)])

    def covered(self, first: Position, last: Position, path: Path, number: int) -> list[Position]:
        """The ``(line, token)`` positions from ``first`` to ``last`` inclusive; a one-line
        DataFormatError naming the annotation file and line when they lie outside the record."""
        for line, token in (first, last):
            if not 1 <= line <= len(self.lines):
                raise DataFormatError(f"line {line} lies outside the record {self.path.name}, which has {len(self.lines)} lines", path, number)
            if not 0 <= token < len(self.lines[line - 1]):
                count = len(self.lines[line - 1])
                raise DataFormatError(f"token {token} lies outside line {line} of {self.path.name}, which has {count} tokens (counted from 0)", path, number)
        if last < first:
            raise DataFormatError(f"the span ends at {last[0]}:{last[1]}, before it starts at {first[0]}:{first[1]}", path, number)
        out = []
        for line in range(first[0], last[0] + 1):
            low = first[1] if line == first[0] else 0
            high = last[1] if line == last[0] else len(self.lines[line - 1]) - 1
            out += [(line, token) for token in range(low, high + 1)]
        return out

    def offsets(self, positions: Sequence[Position]) -> tuple[int, int]:
        """The character span from the first position's token to the last one's."""
        (l1, t1), (l2, t2) = positions[0], positions[-1]
        return self.lines[l1 - 1][t1][0], self.lines[l2 - 1][t2][1]

    def joined(self, positions: Sequence[Position]) -> str:
        """The tokens at ``positions`` joined by single spaces, as i2b2 annotations quote them."""
        return " ".join(self.text[a:b] for a, b in (self.lines[line - 1][token] for line, token in positions))

    def tokens(self, line: int) -> list[str]:
        """The tokens of a line (counted from 1)."""
        return [self.text[a:b] for a, b in self.lines[line - 1]]


def same_text(recorded: str, tokens: str) -> bool:
    """Whether an annotation's quoted text is the tokens', ignoring case and runs of spaces."""
    return " ".join(recorded.split()).lower() == " ".join(tokens.split()).lower()


def record_pairs(
    path: str | os.PathLike, annotation: str | os.PathLike | None, suffixes: Sequence[str], subfolder: str | None = None
) -> list[tuple[Path, Path | None]]:
    """``(text, annotations or None)`` pairs: of a folder of ``NAME.txt`` beside ``NAME`` +
    one of ``suffixes`` (or ``txt/`` beside ``subfolder/``), or of one record's paths; annotation
    files that would not be read (in the other layout's place, or a record's second) are an error."""
    path = Path(path)
    if not path.is_dir():
        given = next((s for s in suffixes if path.name.endswith(s)), None)
        if given is not None and path.suffix != ".txt":
            raise DataFormatError(f"this is a record's annotations ({given}); give the record's text, "
                                  f"{path.name[: -len(given)]}.txt, which is read with them", path)
        if annotation is not None:
            return [(path, Path(annotation))]
        return [(path, _annotations(path, suffixes, subfolder))]
    if annotation is not None:
        raise DataFormatError("give the annotation file with a record's .txt, not with a folder", path)
    texts = sorted(path.glob("*.txt")) or sorted((path / "txt").glob("*.txt"))
    if not texts:
        raise DataFormatError("no .txt records in this folder (nor in its txt/ folder)", path)
    pairs = [(text, _annotations(text, suffixes, subfolder)) for text in texts]
    by_stem = {text.stem: (text, annotations) for text, annotations in pairs}
    for folder in {path, texts[0].parent, *([path / subfolder] if subfolder else [])}:
        for suffix in suffixes:
            for orphan in sorted(folder.glob(f"*{suffix}")):
                text, annotations = by_stem.get(orphan.name[: -len(suffix)], (None, None))
                if text is None:
                    raise DataFormatError(f"annotations without a record: no {orphan.name[: -len(suffix)]}.txt", orphan)
                if orphan != annotations:  # in another layout's place: an error, not a record silently without them
                    where = annotations or " or ".join(map(str, _candidates(text, suffixes, subfolder)))
                    raise DataFormatError(f"annotations not read: those of {text} are read from the file {where}", orphan)
    return pairs


def _annotations(text: Path, suffixes: Sequence[str], subfolder: str | None) -> Path | None:
    """The one annotation file of the record ``text``, or None; a DataFormatError when it has two."""
    found = [p for p in _candidates(text, suffixes, subfolder) if p.is_file()]
    if len(found) > 1:
        raise DataFormatError(f"annotations not read: {text.name} is read with {found[0]}, which comes first", found[1])
    return found[0] if found else None


def _candidates(text: Path, suffixes: Sequence[str], subfolder: str | None) -> list[Path]:
    folders = [text.parent] + ([text.parent.parent / subfolder] if subfolder and text.parent.name == "txt" else [])
    return [folder / f"{text.stem}{suffix}" for folder in folders for suffix in suffixes]


def concept_positions(record: Record, recorded: str, numbers: Sequence[str], path: Path, number: int,
                      check_text: bool = True) -> list[Position]:
    """The positions of a concept quoted as ``recorded`` at ``LINE:TOKEN LINE:TOKEN`` (``numbers``,
    the four as written), checked against the record: a one-line DataFormatError naming the
    annotation file and line when they lie outside it or, with ``check_text``, quote other tokens."""
    try:
        first, last = (int(numbers[0]), int(numbers[1])), (int(numbers[2]), int(numbers[3]))
    except ValueError:  # more digits than int() converts (4,300)
        raise DataFormatError("a LINE:TOKEN position is far larger than any record", path, number) from None
    positions = record.covered(first, last, path, number)
    if check_text and not same_text(recorded, record.joined(positions)):
        raise DataFormatError(
            f"concept text {excerpt(recorded)} differs from the record's tokens {excerpt(record.joined(positions))} at "
            f"{first[0]}:{first[1]}-{last[0]}:{last[1]}", path, number,
        )
    return positions


def read_concepts(
    record: Record, con_path: Path, types: Sequence[str] = CONCEPT_TYPES, check_text: bool = True
) -> list[tuple[str, list[Position]]]:
    """The ``(type, positions)`` of each concept of a ``.con`` file, in file order, repeats
    dropped; each malformed line is a one-line DataFormatError naming the file and line."""
    types = type_names(types)
    concepts: list[tuple[str, list[Position]]] = []
    seen = set()
    for number, line in numbered_lines(con_path):
        if not line.strip():
            continue
        match = _CONCEPT.fullmatch(line.strip())
        if match is None:
            raise DataFormatError('not an i2b2 concept line: expected c="TEXT" LINE:TOKEN LINE:TOKEN||t="TYPE"', con_path, number)
        ctype = match.group(6)
        if ctype not in types:
            raise DataFormatError(f"concept type {excerpt(ctype)} is not one of {', '.join(types)}", con_path, number)
        positions = concept_positions(record, match.group(1), match.group(2, 3, 4, 5), con_path, number, check_text)
        first, last = positions[0], positions[-1]
        if (ctype, first, last) not in seen:
            seen.add((ctype, first, last))
            concepts.append((ctype, positions))
    return concepts


def read_i2b2_concepts(
    path: str | os.PathLike, con_path: str | os.PathLike | None = None, *,
    types: Sequence[str] = CONCEPT_TYPES, check_text: bool = True,
) -> Iterator[Document]:
    """Documents of a folder of i2b2 2010 records (or of one ``.txt`` and its ``.con``), in
    order of file name; ``check_text=False`` accepts concept texts that differ from the tokens."""
    for txt, con in record_pairs(path, con_path, (".con",), "concept"):
        record = Record(txt)
        mentions = []
        if con is not None:
            for ctype, positions in read_concepts(record, con, types, check_text):
                start, end = record.offsets(positions)
                mentions.append(Mention(start, end, ctype, record.text[start:end]))
        yield Document(txt.stem, record.text, sorted_mentions(mentions), None)


def read_i2b2_concepts_iob(
    path: str | os.PathLike, con_path: str | os.PathLike | None = None, *,
    types: Sequence[str] = CONCEPT_TYPES, check_text: bool = True, stats: Counter | None = None,
) -> tuple[list[list[str]], list[list[str]]]:
    """Token-level ``(X, y)`` in IOB2: a sentence per non-empty line of each record, its tokens
    the line's, its tags from the concepts (overlaps counted in ``stats["overlapping"]``)."""
    stats = stats if stats is not None else Counter()
    X: list[list[str]] = []
    y: list[list[str]] = []
    for txt, con in record_pairs(path, con_path, (".con",), "concept"):
        record = Record(txt)
        tags = [["O"] * len(line) for line in record.lines]
        concepts = read_concepts(record, con, types, check_text) if con is not None else []
        for ctype, positions in sorted(concepts, key=lambda c: (c[1][0], -len(c[1]))):
            if any(tags[line - 1][token] != "O" for line, token in positions):
                stats["overlapping"] += 1
                continue
            stats["concepts"] += 1
            for index, (line, token) in enumerate(positions):
                begins = index == 0 or positions[index - 1][0] != line
                tags[line - 1][token] = f"{'B' if begins else 'I'}-{ctype}"
        for number, line_tags in enumerate(tags, start=1):
            if line_tags:
                X.append(record.tokens(number))
                y.append(line_tags)
    return X, y
