"""Where list items begin in a line of a clinical note: the list markers notes write ("#", "2.",
"-", bullets, checkboxes, arrows) and which of them inside a line open a new item, for
:mod:`crfner.text.note_lines`; :func:`marker_end` is also what tagging and negation use to
leave a marker out of an entity."""

from __future__ import annotations

import re

from .note_values import MEASURE, after_value, before_words
from .splitter import LINE_BREAKS

__all__ = ["ENDS_STATEMENT", "item_starts", "marker_end", "opens_with_marker"]

# A list marker: followed by whitespace, or "#" glued to a word ("#HTN", "#1"). A capital and a
# full stop before a lower-case word is a genus ("E. coli", "A. baumannii"), not a lettered item.
# _FEATURE_MARKER holds the markers as the section features first read them (clinical version 7),
# kept so that a saved model's heading features stay as they were; _MARKER adds those learned
# since: a checkbox ("[X]", "[ ]"), two or three dashes, a number and a colon ("1:"), the bullets
# of _BULLETS, and an arrow ("->", "-->", "=>", "\u2192").
_FEATURE_MARKER = re.compile(
    r"(?:#+|[-*\u2022\u00b7]|\d{1,3}[.)]|[A-Za-z]\)|[a-z]\.|[A-Z]\.(?![^\S\r\n]+[a-z]))(?=\s)|#+(?=[^\W_])"
)
#: Bullets that mark an item wherever they stand: "\u2022" and the squares, circles, triangles,
#: arrowheads and ticks that notes pasted from word processors and EHR templates carry, and the
#: Symbol and Wingdings bullets that Word's lists paste as (private-use "\uf0b7", "\uf0a7" ...).
_BULLETS = (
    "\u2022\u2023\u2043\u2219\u25a0\u25a1\u25aa\u25ab\u25b6\u25b8\u25ba\u25cb\u25cf\u25e6\u2713\u2714\u2756\u27a2\u27a4"
    "\uf06e\uf076\uf0a7\uf0a8\uf0b7\uf0d8\uf0fc"
)
# Markers read only where a line opens: a roman numeral of an outline ("II. Renal", "ii) statin";
# "I." and "i." are a letter's), an outline's numbered sub-item before a capitalised word of three
# letters or more ("1.2 Blood cultures", "2.1.3 Renal"; prose wrapped before "1.5 cm", "50.4 Gy"
# or "2.1 Mg" opens a line so), and
# Word's bullets pasted without their font ("o", "\u00a7", "\u00d8"). Not a letter in brackets:
# prose wrapped before "(IV) furosemide" or "(ii) the" opens a line so.
_OUTLINE = r"\d{1,2}(?:\.\d{1,2}){1,2}\.?(?=[ \t]+[A-Z][a-z]{2})"
_LINE_MARKER = rf"(?:II|III|IV|VI|VII|VIII|IX|XI|XII|ii|iii|iv|vi|vii|viii|ix|xi|xii)[.)]|{_OUTLINE}|[o\u00a7\u00d8]"
_ARROW = r"-{1,2}>|=>|\u2192|\u27f6"
# An en or em dash, which notes space like "-" ("Exam \u2014 erythema"). A table's "|" opens a
# row's item ("| Metformin | 1000 mg | PO |"); inside the row, tagging leaves it out.
_DASHES = "[\u2013\u2014]"
_BLANK = rf"[^\S{LINE_BREAKS}]"  # in a checkbox: a space, tab or NBSP, no line break
_MARKER = re.compile(
    rf"(?:\[(?:[_xXyYnN]|{_BLANK})?\]|-{{2,3}}|\d{{1,3}}:|\(\d{{1,2}}\)|[{_BULLETS}]|{_ARROW}|{_DASHES}|{_LINE_MARKER})(?=\s)|\|(?=\s|\Z)|"
    + _FEATURE_MARKER.pattern
)
_IS_ARROW = re.compile(rf"(?:{_ARROW})\Z")
# Where a word opens with a list marker, a measurement's name or a finding's sign ("Abd soft.
# +BS", which the abstract splitter reads as prose going on): one scan of a line finds them (half
# the time of a match at each word); names and signs are looked ahead to, so that a marker right
# after one is still found ("1. Check HR 2. Recheck BP").
_CANDIDATE = re.compile(rf"(?<=\s)(?:{_MARKER.pattern}|(?={MEASURE.pattern})|(?=\+[^\W_]))")
_ENDS_SENTENCE = frozenset(".?!;")
#: What ends a statement: a line ending so is not carried on by the next, and a marker after it opens an item.
ENDS_STATEMENT = tuple(".?!:;")


def opens_with_marker(content: str, frozen: bool = False) -> bool:
    """Whether ``content`` opens with a list marker; ``frozen``: one of the markers as the section
    features first read them (clinical version 7), so that a saved model's features stay as they were."""
    return (_FEATURE_MARKER if frozen else _MARKER).match(content) is not None


def item_starts(text: str, start: int, end: int) -> list[int]:
    """Where list items begin in ``text[start:end]`` (a line or what follows its heading)."""
    found: list[int] = []
    hashes = False
    number = None
    opened = marker_end(text, start, end)
    if opened is not None:
        found.append(start)
        hashes, number = text[start] == "#", _number(text[start:opened])
    for match in _CANDIDATE.finditer(text, start, end):
        position = match.start()
        if position == start:
            continue
        marker = match if match.end() > position else None  # a marker is matched; a name only looked ahead to
        if not marker and text[position] == "+":  # a finding's sign, after a statement only ("Pulses: +2" is a value)
            if _last_mark(text, start, position) in _ENDS_SENTENCE:
                found.append(position)
            continue
        if not marker:  # a measurement's name
            if after_value(text, start, position):
                found.append(position)  # the next of a run of measurements: "T 38.9 HR 118 BP 92/54"
            continue
        mark = marker.group()
        before = _last_mark(text, start, position)
        after_end = before in ENDS_STATEMENT
        value = _number(mark)
        if mark.startswith("#"):
            accepted = after_end or hashes
            hashes = hashes or accepted
        elif value is not None:  # a list's first number after a statement, or the next in its style:
            # "Problems: 1. HTN 2. DM2", "(1) HTN (2) DM2"; not a value, "HR: 88. BP: 120/80"
            accepted = (after_end and value[1] == 1) or (number is not None and value == (number[0], number[1] + 1))
        elif _IS_ARROW.match(mark):
            accepted = after_end or before_words(text, marker.end(), end)
        elif mark[0] in "-*\u00b7[|\u2013\u2014" or mark in _BULLETS:
            accepted = (after_end or mark in _BULLETS or mark[0] == "["
                        or (mark[0] in "-\u2013\u2014" and before_words(text, marker.end(), end)
                            and _parts(_word_before(text, start, position), _word_after(text, marker.end(), end))))
        else:
            accepted = False  # "a." inside a line is too often a word and a full stop
        if accepted:
            found.append(position)
            if value is not None:
                number = value
    return found


def _last_mark(text: str, start: int, position: int) -> str:
    """The last character of ``text[start:position]`` that is not whitespace (else its first)."""
    k = position - 1
    while k > start and text[k].isspace():
        k -= 1
    return text[k] if k >= start else ""


def _word_before(text: str, start: int, position: int) -> str:
    """The whitespace-free run of ``text[start:position]`` that ends last ("DM2" in "# DM2 - hold")."""
    k = position
    while k > start and text[k - 1].isspace():
        k -= 1
    j = k
    while j > start and not text[j - 1].isspace():
        j -= 1
    return text[j:k]


def _word_after(text: str, after: int, end: int) -> str:
    """The whitespace-free run of ``text[after:end]`` that comes first ("replete" in "B12 - replete")."""
    k = after
    while k < end and text[k].isspace():
        k += 1
    j = k
    while j < end and not text[j].isspace():
        j += 1
    return text[k:j]


def _parts(before: str, after: str) -> bool:
    """Whether a spaced dash between ``before`` and ``after`` parts a problem from its plan: after a
    word (:func:`_word_like`), or after a letter with digits (``B12 - replete``, ``D3 - start``) when
    a plain word of three letters or more follows, never a value (``q4 - q6h``)."""
    if _word_like(before):
        return True
    one_letter = sum(c.isalpha() for c in before) == 1 and any(c.isdigit() for c in before)
    word = after.rstrip(",.;:")
    return one_letter and len(word) >= 3 and word.isalpha()


def _word_like(word: str) -> bool:
    """Whether a spaced dash after ``word`` can part a problem from its plan: ``word`` ends in a
    letter, or holds two letters or more (``DM2 - hold metformin``, ``COVID-19 - isolate``); not a
    number or a value of one letter (``80 - 90``, ``q4 - q6h``, ``x2 - 3``), which opens a range."""
    return word[-1:].isalpha() or sum(c.isalpha() for c in word) >= 2


def _number(mark: str) -> tuple[str, int] | None:
    """The style and number of a numbered marker ("2." -> ("", 2), "(2)" -> ("(", 2)), or None."""
    style, digits = ("(", mark[1:-1]) if mark.startswith("(") else ("", mark[:-1])
    return (style, int(digits)) if digits.isdigit() else None


def marker_end(text: str, start: int, end: int | None = None) -> int | None:
    """Where the list marker (``#``, ``2.``, ``-``, a bullet, or one alone: an empty item) opening ``text[start:end]`` ends, or None."""
    end = len(text) if end is None else end
    marker = _MARKER.match(text, start, end)
    if marker is None and end - start <= 8:  # "viii)", "1.12.3.", "-->" alone: the space it wants is cut off
        alone = _MARKER.match(text[start:end] + " ")
        return end if alone is not None and alone.end() == end - start else None
    return None if marker is None else marker.end()
