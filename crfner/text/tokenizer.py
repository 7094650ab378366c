"""Tokenisation of raw text: a token is a run of letters and digits (``FK506``, ``50mg``) or
a single other character, as the bundled corpora (BC5CDR, NCBI Disease) were tokenised, so
``2.5`` is ``2 . 5`` and ``56-year-old`` is ``56 - year - old``; every token keeps its
character offsets.
"""

from __future__ import annotations

import re
from itertools import accumulate, chain, repeat
from operator import itemgetter
from typing import NamedTuple

__all__ = ["Token", "tokenize", "token_columns", "LONE_SURROGATE", "SEPARATOR", "encodable"]


class Token(NamedTuple):
    """A token and its character span in the text it came from (``end`` exclusive); a named
    tuple, being made for every token of every text tagged (cheaper than a frozen dataclass)."""

    text: str
    start: int
    end: int


# Combining marks, joiners, variation selectors and emoji skin tones stay inside a token:
# "cafe" + U+0301 is one word, not "cafe" and an accent. Listed by block (the marks of the
# common scripts) rather than by scanning Unicode at import time, which takes a third of a second.
_JOINERS = (
    "\u00ad\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
    "\u0900-\u0963\u0966-\u0dff\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd"
    "\u1ab0-\u1aff\u1dc0-\u1dff\u200c\u200d\u20d0-\u20ff\u302a-\u302f\u3099\u309a"
    "\ufe00-\ufe0f\ufe20-\ufe2f\U0001f3fb-\U0001f3ff\U000e0100-\U000e01ef"
)
# Characters that separate tokens without being whitespace to Python: C0/C1 controls,
# zero-width space, word joiner, byte-order mark.
_INVISIBLE = "\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u200b\u2060\ufeff"
# Runs of letters/digits and of joiners: the same tokens as (?:[^\W_]|[joiners])+ taken one
# character at a time, with fewer steps. (Nothing follows the group, so a match never backtracks.)
_TOKEN = re.compile(rf"(?:[^\W_]+|[{_JOINERS}]+)+|[^\s{_INVISIBLE}][{_JOINERS}]*")


# A token with the separators before it, so that findall (C speed) yields both and the
# offsets follow from the lengths: separators are exactly what no token can start with.
_SEPARATED_TOKEN = re.compile(rf"([\s{_INVISIBLE}]*)({_TOKEN.pattern})")
#: A character that separates tokens and is none: whitespace, a control, a zero-width space, a
#: word joiner or a byte-order mark (a note saved by Notepad opens with one).
SEPARATOR = re.compile(rf"[\s{_INVISIBLE}]")
_NEW = tuple.__new__

#: A lone surrogate (half of a UTF-16 pair, from a badly decoded text): no tokenizer or model
#: file can encode it, so taggers read U+FFFD in its place.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def encodable(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD (same length, so offsets hold)."""
    return LONE_SURROGATE.sub("\ufffd", text)


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of ``text`` (or of ``text[start:end]``, offsets still into ``text``)."""
    return list(map(_NEW, repeat(Token), zip(*token_columns(text, start, end))))


def token_columns(text: str, start: int = 0, end: int | None = None) -> tuple[list[str], list[int], list[int]]:
    """:func:`tokenize`'s tokens as three lists, texts, starts and ends (no object per
    token: what raw-text tagging, which needs only the texts and a few offsets, reads)."""
    if end is None:
        end = len(text)
    # Trailing separators are no token's: findall would scan them to the end from each of them
    # in turn, in time that grows with their number squared (100,000 spaces: minutes).
    while end > start and SEPARATOR.match(text, end - 1):
        end -= 1
    pairs = _SEPARATED_TOKEN.findall(text, start, end)
    bounds = list(accumulate(map(len, chain.from_iterable(pairs)), initial=start))
    return list(map(itemgetter(1), pairs)), bounds[1::2], bounds[2::2]
