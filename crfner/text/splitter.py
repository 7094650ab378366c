"""Sentence splitting of raw text into token lists (see :mod:`crfner.text.tokenizer`).

Sentences end at ``.``, ``?`` or ``!`` followed by whitespace, unless the full stop closes an
abbreviation (``e.g.``, ``i.v.``, ``et al.``, ``Fig.``), stands inside matched brackets, or is
followed by an ordinary lower-case word. Blank lines always end a sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate, repeat
from typing import Iterable, NamedTuple, Sequence

from .tokenizer import Token, token_columns

__all__ = ["split_sentences", "sentences", "sentence_columns", "SentenceColumns", "ABBREVIATIONS"]

_NEW = tuple.__new__
#: What ends a line, as str.splitlines counts them, as the inside of a regex character class.
LINE_BREAKS = r"\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029"
#: A line break, "\r\n" being one.
LINE_BREAK = re.compile(rf"\r\n|[{LINE_BREAKS}]")
#: A page break (form feed, the file, group and record separators, U+2029): it always ends a sentence.
PAGE_BREAK = re.compile(r"[\x0c\x1c-\x1e\u2029]")
_SPACE = re.compile(r"\s")

_ENDERS = frozenset(".?!\u2026\u203c\u2047\u2048\u2049\u3002\uff01\uff1f")
_CLOSERS = frozenset(")]}\"'\u2019\u201d\u00bb")
_OPEN_FOR = {")": "(", "]": "[", "}": "{"}
_OPENERS = frozenset(_OPEN_FOR.values())
_MAY_END = _ENDERS | _CLOSERS  # a sentence can end after these only (see _ends_sentence)
_MARKS = _MAY_END | _OPENERS | frozenset(_OPEN_FOR)
# Brackets that open and close further apart than this are not trusted to hold one sentence
# (80 reproduces the most corpus sentences; a stray "(" must not glue a whole text together).
_MAX_BRACKET_TOKENS = 80

#: Words that, followed by a full stop, do not end a sentence: as listed or capitalised
#: ("Fig"), never in capitals ("CA" is California or a cancer). Dotted forms such as "e.g.",
#: "i.v." and "b.i.d." are recognised by their shape instead.
ABBREVIATIONS = frozenset(
    """
    al approx ca cf dept dr eq eqs fig figs jr mr mrs ms prof ref refs resp st suppl viz vol vols vs
    acad biochem biol chem clin exp immunol int j med mol nat natl neurobiol neurosci pharm
    pharmacol physiol proc res sci
    jan feb mar apr jun jul aug sep sept oct nov dec
    """.split()
)
# "i.v.", "b.i.d.", "U.S.", "a.m.": letters and full stops alternating, at least two of each.
_DOTTED = re.compile(r"(?:^|[^A-Za-z0-9.])(?:[A-Za-z]{1,2}\.)+[A-Za-z]{1,2}\.?$")
_LIST_MARKER = re.compile(r"(?:[-*\u2022\u00b7\u2013\u2014]|\d{1,3}[.)]|[a-zA-Z][.)])(?=\s)")


class SentenceColumns(NamedTuple):
    """A text's tokens as columns (texts, starts, ends) and its sentences as ``(first, stop)``
    ranges of token indices: :func:`sentences` without a :class:`Token` per token."""

    words: list[str]
    starts: list[int]
    ends: list[int]
    sentences: list[tuple[int, int]]

    @classmethod
    def of(cls, token_sentences: Iterable[Sequence[Token]]) -> "SentenceColumns":
        """The columns of sentences given as token lists (from any splitter)."""
        words: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        spans: list[tuple[int, int]] = []
        for sentence in token_sentences:
            first = len(words)
            for word, start, end in sentence:
                words.append(word)
                starts.append(start)
                ends.append(end)
            spans.append((first, len(words)))
        return cls(words, starts, ends, spans)

    def token_sentences(self) -> list[list[Token]]:
        """The sentences as lists of :class:`Token`."""
        tokens = list(map(_NEW, repeat(Token), zip(self.words, self.starts, self.ends)))
        return [tokens[a:b] for a, b in self.sentences]


def sentences(text: str, passages: Sequence[tuple[int, int]] | None = None) -> list[list[Token]]:
    """Sentences of ``text`` as token lists; every sentence has at least one token.

    ``passages`` (character spans, e.g. a PubTator title and abstract) are split one by one,
    so no sentence crosses from one passage into the next; text outside them is skipped.
    """
    return sentence_columns(text, passages).token_sentences()


def sentence_columns(text: str, passages: Sequence[tuple[int, int]] | None = None) -> SentenceColumns:
    """:func:`sentences` as :class:`SentenceColumns`."""
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    spans: list[tuple[int, int]] = []
    for start, end in clip_passages(passages, len(text)):
        columns = _Columns(*token_columns(text, start, end))
        if not columns.words:
            continue
        first = len(words)
        cuts = [first + cut for cut in _boundaries(text, columns)]
        words += columns.words
        starts += columns.starts
        ends += columns.ends
        spans += zip([first, *cuts], [*cuts, len(words)])
    return SentenceColumns(words, starts, ends, spans)


def split_sentences(text: str, passages: Sequence[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the sentences of ``text``, trimmed to their tokens."""
    return [(s[0].start, s[-1].end) for s in sentences(text, passages)]


def clip_passages(passages: Iterable[tuple[int, int]] | None, length: int) -> list[tuple[int, int]]:
    """Passages limited to a text of ``length`` characters, in order, overlaps cut away; no
    passages: the whole text."""
    if passages is None:
        return [(0, length)]
    out: list[tuple[int, int]] = []
    previous = 0
    for start, end in sorted((int(a), int(b)) for a, b in passages):
        start, end = max(start, previous, 0), min(end, length)
        if start < end:
            out.append((start, end))
            previous = end
    return out


class _Columns:
    """A passage's tokens as columns: texts, starts and ends (the rules below read them so,
    without an object per token)."""

    __slots__ = ("ends", "starts", "words")

    def __init__(self, words: list[str], starts: list[int], ends: list[int]):
        self.words, self.starts, self.ends = words, starts, ends

    def __len__(self) -> int:
        return len(self.words)


def _boundaries(text: str, tokens: _Columns) -> list[int]:
    """Indices of the tokens that start a new sentence (never 0)."""
    # The few tokens the rules look at (marks, brackets), found in one pass at C speed.
    marks = [(i, t) for i, t in enumerate(tokens.words) if t in _MARKS]
    inside = _bracketed(marks, len(tokens))
    starts, ends = tokens.starts, tokens.ends
    cuts: list[int] = []
    for i in _candidates(text, tokens, marks):
        if ends[i] == starts[i + 1]:
            continue
        gap = text[ends[i] : starts[i + 1]]
        breaks = 0
        if gap != " ":
            breaks = len(LINE_BREAK.findall(gap))
            if breaks >= 2 or PAGE_BREAK.search(gap):  # a blank line or a page break
                cuts.append(i + 1)
                continue
            if not _SPACE.search(gap):  # only invisible characters between: one word
                continue
        if _ends_sentence(text, tokens, i, inside) or (breaks and _starts_line_item(text, tokens, i)):
            cuts.append(i + 1)
    return cuts


def _candidates(text: str, tokens: _Columns, marks: list[tuple[int, str]]) -> list[int]:
    """The tokens after which a sentence may end, in order: those that can end one (a full
    stop, a closing bracket) and those followed by a line break; no other token is looked at."""
    last = len(tokens) - 1
    found = {i for i, t in marks if t in _MAY_END and i < last}
    ends = tokens.ends
    first, stop = tokens.starts[0], tokens.starts[-1]
    for match in LINE_BREAK.finditer(text, first, stop):
        i = bisect_right(ends, match.start()) - 1  # the token the break follows
        if 0 <= i < last:
            found.add(i)
    return sorted(found)


def _bracketed(marks: list[tuple[int, str]], length: int) -> list[int]:
    """For each of ``length`` tokens, how many matched bracket pairs enclose it (pairs longer
    than ``_MAX_BRACKET_TOKENS`` tokens are ignored); ``marks`` holds every bracket token."""
    depth_change = [0] * length
    stack: list[tuple[str, int]] = []
    # where on the stack each kind of opener is, so that a closer finds its own in one step (a
    # search down the stack took time that grew with its square: 40,000 "(" and "]", 46 s)
    depths: dict[str, list[int]] = {opener: [] for opener in _OPENERS}
    for index, t in marks:
        if t in _OPENERS:
            depths[t].append(len(stack))
            stack.append((t, index))
        elif t in _OPEN_FOR and depths[_OPEN_FOR[t]]:
            depth = depths[_OPEN_FOR[t]][-1]
            opened = stack[depth][1]
            for kind, _ in stack[depth:]:  # brackets left open inside the pair are unmatched
                depths[kind].pop()
            del stack[depth:]
            if index - opened <= _MAX_BRACKET_TOKENS:
                depth_change[opened + 1] += 1
                depth_change[index] -= 1
    return list(accumulate(depth_change))


def _ends_sentence(text: str, tokens: _Columns, i: int, inside: list[int]) -> bool:
    """Whether a sentence ends after token ``i``, which whitespace separates from the next."""
    words, starts, ends = tokens.words, tokens.starts, tokens.ends
    # Walk back over closing quotes and brackets glued to a sentence-final mark: `done.)`.
    j = i
    while words[j] in _CLOSERS and j > 0 and ends[j - 1] == starts[j]:
        j -= 1
    if words[j] not in _ENDERS or inside[i]:
        return False
    first = words[i + 1][0]
    if words[j] == "." and (_is_abbreviation(text, tokens, j) or _is_line_number(text, tokens, j)):
        return False
    if first.isupper() or first.isdigit():
        return True
    if first.isalpha():  # lower case: only a word that looks like a name (p53, mRNA, cTnI)
        chunk = _chunk_after(text, tokens, i + 1)
        return any(c.isupper() or c.isdigit() for c in chunk)
    return first in "([\"'\u2018\u201c"


def _is_abbreviation(text: str, tokens: _Columns, dot: int) -> bool:
    """Whether the full stop at token ``dot`` closes an abbreviation (``et al.``, ``i.v.``)."""
    words, starts, ends = tokens.words, tokens.starts, tokens.ends
    if dot == 0 or ends[dot - 1] != starts[dot]:
        return False
    word = words[dot - 1]
    # "vs", "Fig", "Dr" but not "CA" (California, a cancer) or "NAT" (a gene).
    if word in ABBREVIATIONS or (word[1:].islower() and word.lower() in ABBREVIATIONS):
        return True
    # Initials in a row: "J. B. Smith" (a lone initial, as in "vitamin E. The", may end one).
    if len(word) == 1 and word.isupper() and (_is_initial(tokens, dot + 1) or _is_initial(tokens, dot - 3)):
        return True
    start = dot - 1
    while start > 0 and ends[start - 1] == starts[start] and dot - start < 12:
        start -= 1
    return _DOTTED.search(text[starts[start] : ends[dot]]) is not None


def _is_line_number(text: str, tokens: _Columns, dot: int) -> bool:
    """Whether the full stop at ``dot`` closes a number that opens a line: a list item ("1.")."""
    words, starts, ends = tokens.words, tokens.starts, tokens.ends
    if dot < 2 or not words[dot - 1].isdigit() or len(words[dot - 1]) > 3:
        return False
    return ends[dot - 1] == starts[dot] and LINE_BREAK.search(text, ends[dot - 2], starts[dot - 1]) is not None


def _is_initial(tokens: _Columns, k: int) -> bool:
    """Whether tokens ``k`` and ``k + 1`` are an upper-case letter and its full stop."""
    if k < 0 or k + 1 >= len(tokens):
        return False
    letter = tokens.words[k]
    return len(letter) == 1 and letter.isupper() and tokens.words[k + 1] == "." and tokens.ends[k] == tokens.starts[k + 1]


def _chunk_after(text: str, tokens: _Columns, k: int) -> str:
    """The whitespace-free stretch of text that begins with token ``k``."""
    starts, ends = tokens.starts, tokens.ends
    end = k
    while end + 1 < len(tokens) and ends[end] == starts[end + 1] and end - k < 12:
        end += 1
    return text[starts[k] : ends[end]]


def _starts_line_item(text: str, tokens: _Columns, i: int) -> bool:
    """At a single line break: a new sentence if the line before ends with ':' or the new
    line opens a list item (``-``, ``*``, ``1.``, ``a)``)."""
    if tokens.words[i] == ":":
        return True
    start = tokens.starts[i + 1]
    return _LIST_MARKER.match(text, start, min(len(text), start + 8)) is not None
