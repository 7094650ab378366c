"""Truecasing: a sentence written in one case (ALL CAPS, or all lower case, as notes often are)
is re-cased word by word to each word's usual form before its features are computed, so
``PT WITH HTN ON ASPIRIN`` and ``pt with htn on aspirin`` look like ``Pt with HTN on
aspirin``. Sentences that mix cases are left as written.

A word's usual form is its most frequent spelling away from the start of a sentence in the
text the table is learned from (a model's training text and its unlabeled text); the table
keeps only the words whose usual form is not all lower case. Case reports and abstracts seldom
write ward shorthand, so a table learned from them leaves ``htn`` and ``sob`` lower case;
``spelled`` (:func:`spelled_forms`) adds, for the words the text did not teach, the spelling
notes use most for each short form of a clinical abbreviation inventory (``HTN``, ``SOB``);
:meth:`TruecaseTable.keeping_words` leaves the short forms notes write like words (``pt``) as
words, where case reports would give them capitals (``PT``, prothrombin time).
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from ..errors import DataFormatError
from .sense_forms import abbreviated
from .tsv_tables import SavedTable, read_rows

_HEADER = "word\tform"
_UNSTORABLE = re.compile(r"[\t\n\r]")


def one_case(tokens: Sequence[str]) -> bool:
    """Whether a sentence's cased letters are all upper case or all lower case (at least one)."""
    joined = "".join(tokens)
    lower, upper = joined.lower(), joined.upper()
    return lower != upper and (joined == upper or joined == lower)


def spelled_forms(spellings: Mapping[tuple[str, str], Mapping[str, int]]) -> dict[str, str]:
    """Lower-cased short form -> how notes spell it most, over all its senses, from an
    inventory's ``(short form, sense) -> {spelling: count}`` (:func:`crfner.corpora.abbreviation_senses.inventory_spellings`:
    ``htn`` -> ``HTN``, 19 of its 20 uses); only spellings that are the word itself with
    capitals, full stops around it dropped ("ASA." is ``asa``'s "ASA", "..HLD" ``hld``'s "HLD"),
    and ties go to a fixed choice."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for (short, _), spelled in spellings.items():
        low = short.lower()
        for written, count in spelled.items():
            written = written.strip(".")
            if written.lower() == low:
                counts[low][written] += count
    forms = {low: _usual(spelled) for low, spelled in counts.items()}
    return {low: form for low, form in forms.items() if form != low}


def _usual(spellings: Counter) -> str:
    """The most frequent spelling; a tie goes to the one sorting last, whatever the order read."""
    return max(spellings.items(), key=lambda item: (item[1], item[0]))[0]


@dataclass(frozen=True)
class TruecaseTable(SavedTable):
    """Lower-cased word -> its usual form, for the words whose usual form has a capital."""

    forms: dict[str, str]

    def __post_init__(self) -> None:
        for word, form in self.forms.items():
            if not word or _UNSTORABLE.search(form) or form.lower() != word or form == word:
                raise DataFormatError(f"truecase entry {word!r} -> {form!r}: the form must be the word with capitals")

    @classmethod
    def learn(cls, sentences: Iterable[Sequence[str]], spelled: Mapping[str, str] | None = None) -> TruecaseTable:
        """The table of ``sentences`` (token lists); sentences in one case teach nothing.
        ``spelled`` (lower-cased word -> its usual form, :func:`spelled_forms`) fills in the
        words the sentences do not teach: what the text says comes first."""
        spellings: dict[str, Counter] = defaultdict(Counter)
        for tokens in sentences:
            if one_case(tokens):
                continue
            for word in tokens[1:]:
                low = word.lower()
                if low != word.upper() and not _UNSTORABLE.search(word):
                    spellings[low][word] += 1
        forms = {}
        for low, counts in spellings.items():
            form = _usual(counts)
            if form != low and form.lower() == low:
                forms[low] = form
        for low, form in (spelled or {}).items():
            if low not in spellings and form != low and form.lower() == low and not _UNSTORABLE.search(form):
                forms[low] = form
        return cls(forms)

    def keeping_words(self, words: Iterable[str]) -> TruecaseTable:
        """The table without the capitals it would give ``words`` (lower-cased) past their first
        letter: ``pt``, which notes write for patient, stays ``pt`` rather than case reports' ``PT``
        (prothrombin time); ``Abd`` stays."""
        words = set(words)
        return type(self)({word: form for word, form in self.forms.items() if not (word in words and abbreviated(form))})

    def recase(self, tokens: Sequence[str]) -> list[str]:
        """``tokens`` with each word in its usual form if the sentence is in one case, else as written."""
        if not one_case(tokens):
            return list(tokens)
        forms = self.forms
        return [forms.get(low, low) for low in map(str.lower, tokens)]

    def _lines(self) -> Iterator[str]:
        yield _HEADER + "\n"
        for word in sorted(self.forms):
            yield f"{word}\t{self.forms[word]}\n"

    @classmethod
    def load(cls, path: str | os.PathLike) -> TruecaseTable:
        """Read a table written by ``save``; a malformed file raises ``DataFormatError`` naming the line."""
        forms: dict[str, str] = {}
        for number, (word, form) in read_rows(path, _HEADER):
            if word in forms:
                raise DataFormatError(f"word {word!r} appears twice", path, number)
            if not word or form.lower() != word or form == word:
                raise DataFormatError(f"{form!r} is not {word!r} with capitals", path, number)
            forms[word] = form
        return cls(forms)

    def __len__(self) -> int:
        return len(self.forms)
