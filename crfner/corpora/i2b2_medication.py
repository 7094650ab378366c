"""i2b2 2009 medication entries (``m="..." 5:3 5:4||do="..." 5:6 5:7||mo="nm"||...||ln="narrative"``)
as Documents: one mention per field present, at character offsets of the record's ``.txt``.

Format, as the 2009 challenge describes it: one entry a line, fields separated by ``||`` in
the order m (medication), do (dosage), mo (mode/route), f (frequency), du (duration), r
(reason), ln (``list`` or ``narrative``); a field not mentioned reads ``"nm"`` with no
position; positions are ``LINE:TOKEN LINE:TOKEN`` as in i2b2 2010 (lines from 1, tokens from 0,
both ends included, tokens between spaces; see :mod:`crfner.corpora.i2b2`) and may cross lines.
Assumptions where the description is loose:

- several spans in one field, separated by commas (``115:9 115:9,116:2 116:2``), are the
  fragments of one discontinuous value whose text separates them with ``...``; the mention
  covers the first fragment's start to the last one's end (as crfner's BRAT reader does);
- the quoted text is lower-cased: it must equal the tokens joined by single spaces, ignoring
  case (``check_text=False`` accepts the mismatches real releases hold, trusting positions);
- the gold entries' extra fields e (event), t (temporal marker) and c (certainty) are
  accepted and ignored; a field twice, or another field, is an error; spaces around ``||``
  are allowed;
- a span shared by several entries (one reason for two medications) is one mention.

Layout: ``FOLDER/NAME.txt`` beside ``NAME.m`` or ``NAME.entries`` (the release names records
without ``.txt``: rename them, or pass a record's two paths).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from ..errors import DataFormatError, ParameterError, excerpt
from .documents import Document, Mention, sorted_mentions, type_names
from .i2b2 import Record, record_pairs, same_text
from .lines import numbered_lines

MEDICATION_TYPES = {"m": "Medication", "do": "Dosage", "mo": "Mode", "f": "Frequency", "du": "Duration", "r": "Reason"}
_REQUIRED = ("m", "do", "mo", "f", "du", "r", "ln")
_IGNORED = ("e", "t", "c")
_FIELD = re.compile(r'(\w+)="(.*)"((?:(?:\s*,\s*|\s+)[0-9]+:[0-9]+ [0-9]+:[0-9]+)*)')
_SPAN = re.compile(r"([0-9]+):([0-9]+) ([0-9]+):([0-9]+)")


def read_i2b2_medications(
    path: str | os.PathLike, entries_path: str | os.PathLike | None = None, *,
    types: Mapping[str, str] = MEDICATION_TYPES, check_text: bool = True,
) -> Iterator[Document]:
    """Documents of a folder of i2b2 2009 records (or of one ``.txt`` and its entries file),
    in order of file name; ``types`` maps field names to mention types (leave one out to skip it),
    or names the fields to keep under their usual types (``"m,do"`` or ``["m", "do"]``)."""
    types = medication_types(types)
    for txt, entries in record_pairs(path, entries_path, (".m", ".entries")):
        record = Record(txt)
        spans: dict[tuple[int, int, str], None] = {}
        if entries is not None:
            for number, line in numbered_lines(entries):
                if line.strip():
                    for key, start, end in _entry(line, record, entries, number, check_text):
                        if key in types:
                            spans[(start, end, types[key])] = None
        mentions = [Mention(start, end, etype, record.text[start:end]) for start, end, etype in spans]
        yield Document(txt.stem, record.text, sorted_mentions(mentions), None)


def medication_types(types: Mapping[str, str] | Sequence[str] | str) -> Mapping[str, str]:
    """``types`` as field name -> mention type: a mapping as it is; field names (a list, or one
    comma-separated string) under :data:`MEDICATION_TYPES`' types, each checked to be a field."""
    if isinstance(types, Mapping):
        return types
    names = type_names(types)
    unknown = [name for name in names if name not in MEDICATION_TYPES]
    if unknown:
        raise ParameterError(f"types: {', '.join(map(repr, unknown))} is not a medication field "
                             f"(choose from {', '.join(MEDICATION_TYPES)}, or give a mapping of fields to types)")
    return {name: MEDICATION_TYPES[name] for name in names}


def _entry(line: str, record: Record, path: Path, number: int, check_text: bool) -> list[tuple[str, int, int]]:
    """The ``(field, start, end)`` of each field present in one entry line."""
    fields: dict[str, tuple[str, str]] = {}
    for part in line.split("||"):
        match = _FIELD.fullmatch(part.strip())
        if match is None:
            raise DataFormatError(f'not an i2b2 medication field: {part.strip()[:40]!r} (expected KEY="TEXT" LINE:TOKEN LINE:TOKEN or KEY="nm")', path, number)
        key, value, positions = match.groups()
        if key not in _REQUIRED and key not in _IGNORED:
            raise DataFormatError(f"unknown medication field {excerpt(key)} (expected {', '.join(_REQUIRED)})", path, number)
        if key in fields:
            raise DataFormatError(f"field {excerpt(key)} appears twice in the entry", path, number)
        fields[key] = (value, positions)
    missing = [key for key in _REQUIRED if key not in fields]
    if missing:
        raise DataFormatError(f"the entry lacks the field(s) {', '.join(missing)}", path, number)
    if fields["ln"][0].lower() not in ("list", "narrative") or fields["ln"][1].strip():
        raise DataFormatError(f"ln must be \"list\" or \"narrative\", not {excerpt(fields['ln'][0])}", path, number)
    found = []
    for key in MEDICATION_TYPES:
        value, positions = fields[key]
        try:
            spans = [((int(a), int(b)), (int(c), int(d))) for a, b, c, d in _SPAN.findall(positions)]
        except ValueError:  # more digits than int() converts (4,300)
            raise DataFormatError(f"field {excerpt(key)}: a LINE:TOKEN position is far larger than any record", path, number) from None
        if not spans:
            if value != "nm" or key == "m":
                raise DataFormatError(f"field {excerpt(key)} has text {excerpt(value)} but no LINE:TOKEN positions", path, number)
            continue
        fragments = [record.covered(first, last, path, number) for first, last in spans]
        if check_text:
            _check(key, value, fragments, record, path, number)
        starts, ends = zip(*(record.offsets(fragment) for fragment in fragments))
        found.append((key, min(starts), max(ends)))
    return found


def _check(key: str, value: str, fragments: list, record: Record, path: Path, number: int) -> None:
    """A field's quoted text against its fragments' tokens (fragments separated by ``...``)."""
    pieces = [value] if len(fragments) == 1 else value.split("...")
    tokens = [record.joined(fragment) for fragment in fragments]
    if len(pieces) != len(tokens) or not all(same_text(p, t) for p, t in zip(pieces, tokens)):
        raise DataFormatError(f"field {excerpt(key)} text {excerpt(value)} differs from the record's tokens {excerpt(' ... '.join(tokens))}", path, number)
