"""Long forms of clinical abbreviations from a sense inventory (``[abbreviations] senses``): a
short form a document never defines (``HTN``, ``DM2``, ``CT`` in a note) gets the features of
its usual sense ("hypertension") as a short form defined in the document gets those of its long
form, so that weights learned on defined abbreviations carry over to undefined ones.

A token written like an abbreviation is looked up: a capital letter after the first character
(``HTN``, ``mEq``), a digit beside a letter (``q6h``), or an inner ``.`` or ``/`` (``b.i.d.``,
``s/p``, in token lists that keep them whole: raw text's tokenizer cuts them at their marks).
A token written like a word (``neg``, ``Abd``, ``Pt``) is looked up only when its short
form is rare as a lower-case word in the text the model learned from (fewer than
:data:`WORD_COUNT` times in the training and unlabeled text), so that ``as`` and ``hr`` stay
words; with ``as_words = "spelled"``, also only when the inventory records that notes write the
kept sense like a word at least as often as otherwise (Vanderbilt's variations): ``neg``
(negative: neg, Neg, NEG) is read as a word, ``hit`` (heparin-induced thrombocytopenia: always
HIT) only as ``HIT``, so "she hit her head" keeps its verb. A short form keeps its most frequent
sense when that sense is meant at least ``min_share`` of the time.

The forms are kept in the model directory (``senses.tsv``), so a model tags the same way
whatever inventory files the data folder holds later.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from ..errors import DataFormatError
from .tsv_tables import SavedTable, read_rows

#: The smallest share of uses the kept sense must have, unless the declaration says otherwise.
MIN_SHARE = 0.5
#: A short form written in lower case at least this often in the text a model learns from is a word there.
WORD_COUNT = 10
_HEADER = "short\tlong\tas_word"
_NOT_A_SENSE = "not an abbreviation"
_REMARK = re.compile(r"\([^()]*\)")


def _is_sense(sense: str, short: str) -> bool:
    folded = sense.casefold()
    return (any(c.isalpha() for c in sense) and not folded.startswith(_NOT_A_SENSE)
            and folded.replace(".", "") != short.replace(".", ""))


def abbreviated(token: str) -> bool:
    """Written like an abbreviation rather than a word (see the module docstring)."""
    if len(token) < 2 or not any(c.isalpha() for c in token):
        return False
    return (any(c.isupper() for c in token[1:]) or any(c.isdigit() for c in token)
            or any(c in "./" for c in token[1:-1]))


def _written_as_word(spelled: Mapping[str, int]) -> bool:
    """Notes wrote it like a word (lower case or a capital first: ``neg``, ``Abd``, ``Pt.``) at
    least as often as otherwise (``HIT``); False with no spellings."""
    words = sum(n for written, n in spelled.items()
                if not abbreviated(written.rstrip(".")) and (written.islower() or written.istitle()))
    return sum(spelled.values()) > 0 and 2 * words >= sum(spelled.values())


def _keys(token: str) -> Iterator[str]:
    """Inventory keys to try for a token: as written (case folded), then without full stops."""
    key = token.casefold()
    yield key
    if "." in key:
        yield key.replace(".", "")


@dataclass(frozen=True)
class SenseForms(SavedTable):
    """Short form (case folded, as the inventory spells it) -> the long form features read;
    ``as_words``: the short forms also looked up when written like a word."""

    forms: dict[str, str]
    as_words: frozenset = frozenset()

    def __post_init__(self) -> None:
        if not self.as_words <= self.forms.keys():
            raise DataFormatError(f"sense forms: {min(self.as_words - self.forms.keys())!r} is looked up as a word but has no form")
        for short, long in self.forms.items():
            for text in (short, long):
                if not text.strip() or text != text.strip() or any(c in text for c in "\t\n\r"):
                    raise DataFormatError(f"sense form {short!r} -> {long!r}: empty, padded, or holds a TAB or line break")
            if short != short.casefold():
                raise DataFormatError(f"sense form {short!r}: short forms are kept case folded")

    @classmethod
    def from_senses(cls, table: dict[str, list[tuple[str, float]]], min_share: float = MIN_SHARE,
                    word_counts: Mapping[str, int] | None = None,
                    spellings: Mapping[tuple[str, str], Mapping[str, int]] | None = None) -> SenseForms:
        """The forms of a sense table (``crfner.corpora.abbreviation_senses.sense_table``): each
        short form's most frequent sense with a share of at least ``min_share`` that is a sense
        and not the short form again ("not an abbreviation ...", "ms." for ``ms``). With
        ``word_counts`` (token -> count, as written, in the text a model learns from), the short
        forms rarer than :data:`WORD_COUNT` as a lower-case token are looked up as words too;
        with ``spellings`` as well (``inventory_spellings``), only those whose kept sense notes
        write like a word at least half the time."""
        forms, kept = {}, {}
        for short, senses in table.items():
            for listed, share in senses:
                sense = " ".join(_REMARK.sub(" ", listed).split())  # "t2 (thoracic vertebra 2)" -> "t2"
                if share >= min_share and _is_sense(sense, short):
                    forms[short], kept[short] = sense, listed.casefold()
                    break
        as_words = frozenset() if word_counts is None else frozenset(
            short for short in forms if short.isalpha() and len(short) > 1 and word_counts.get(short, 0) < WORD_COUNT
            and (spellings is None or _written_as_word(spellings.get((short, kept[short]), {}))))
        return cls(dict(sorted(forms.items())), as_words)

    def long_form(self, token: str) -> str | None:
        """The long form of a token, or None (see the module docstring)."""
        if abbreviated(token):
            return next((self.forms[k] for k in _keys(token) if k in self.forms), None)
        key = token.casefold()
        return self.forms[key] if key in self.as_words and (token.islower() or token.istitle()) else None

    def _lines(self) -> Iterator[str]:
        yield _HEADER + "\n"
        for short, long in self.forms.items():
            yield f"{short}\t{long}\t{'y' if short in self.as_words else 'n'}\n"

    @classmethod
    def load(cls, path: str | os.PathLike) -> SenseForms:
        """Read forms written by ``save``; a malformed file raises ``DataFormatError`` naming the line."""
        forms: dict[str, str] = {}
        as_words = set()
        for number, (short, long, as_word) in read_rows(path, _HEADER):
            if forms and short <= next(reversed(forms)):
                raise DataFormatError(f"short form {short[:30]!r} is out of order or repeated", path, number)
            if as_word not in ("y", "n"):
                raise DataFormatError(f"as_word is {as_word[:10]!r}, not y or n", path, number)
            try:
                cls({short: long})
            except DataFormatError as error:
                raise DataFormatError(error.problem, path, number) from None
            forms[short] = long
            if as_word == "y":
                as_words.add(short)
        return cls(forms, frozenset(as_words))

    def __len__(self) -> int:
        return len(self.forms)


def forms_from_rows(rows: Iterable[tuple[str, str, float]], min_share: float = MIN_SHARE,
                    word_counts: Mapping[str, int] | None = None,
                    spellings: Mapping[tuple[str, str], Mapping[str, int]] | None = None) -> SenseForms:
    """:meth:`SenseForms.from_senses` of inventory rows ``(abbreviation, sense, share)``."""
    from ..corpora.abbreviation_senses import sense_table

    return SenseForms.from_senses(sense_table(rows), min_share, word_counts, spellings)
