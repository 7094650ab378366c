"""Sentence splitting of raw text into token lists (see :mod:`crfner.text.tokenizer`).

Sentences end at ``.``, ``?`` or ``!`` followed by whitespace, unless the full stop closes an
abbreviation (``e.g.``, ``i.v.``, ``et al.``, ``Fig.``), stands inside matched brackets, or is
followed by an ordinary lower-case word. Blank lines always end a sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate
from operator import itemgetter
from typing import Iterable, Sequence

from .tokenizer import Token, tokenize

__all__ = ["split_sentences", "sentences", "ABBREVIATIONS"]

# Line breaks as str.splitlines counts them, "\r\n" being one.
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_PAGE_BREAK = re.compile(r"[\x0c\x1c-\x1e\u2029]")
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


def sentences(text: str, passages: Sequence[tuple[int, int]] | None = None) -> list[list[Token]]:
    """Sentences of ``text`` as token lists; every sentence has at least one token.

    ``passages`` (character spans, e.g. a PubTator title and abstract) are split one by one,
    so no sentence crosses from one passage into the next; text outside them is skipped.
    """
    spans = clip_passages(passages, len(text))
    out: list[list[Token]] = []
    for start, end in spans:
        tokens = tokenize(text, start, end)
        if not tokens:
            continue
        cuts = _boundaries(text, tokens)
        out.extend(tokens[a:b] for a, b in zip([0, *cuts], [*cuts, len(tokens)]))
    return out


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


def _boundaries(text: str, tokens: list[Token]) -> list[int]:
    """Indices of the tokens that start a new sentence (never 0)."""
    # The few tokens the rules look at (marks, brackets), found in one pass at C speed.
    marks = [(i, t) for i, t in enumerate(map(itemgetter(0), tokens)) if t in _MARKS]
    inside = _bracketed(marks, len(tokens))
    cuts: list[int] = []
    for i in _candidates(text, tokens, marks):
        token, following = tokens[i], tokens[i + 1]
        if token.end == following.start:
            continue
        gap = text[token.end : following.start]
        breaks = 0
        if gap != " ":
            breaks = len(_LINE_BREAK.findall(gap))
            if breaks >= 2 or _PAGE_BREAK.search(gap):  # a blank line or a page break
                cuts.append(i + 1)
                continue
            if not _SPACE.search(gap):  # only invisible characters between: one word
                continue
        if _ends_sentence(text, tokens, i, inside) or (breaks and _starts_line_item(text, tokens, i)):
            cuts.append(i + 1)
    return cuts


def _candidates(text: str, tokens: list[Token], marks: list[tuple[int, str]]) -> list[int]:
    """The tokens after which a sentence may end, in order: those that can end one (a full
    stop, a closing bracket) and those followed by a line break; no other token is looked at."""
    last = len(tokens) - 1
    found = {i for i, t in marks if t in _MAY_END and i < last}
    ends = [token.end for token in tokens]
    first, stop = tokens[0].start, tokens[-1].start
    for match in _LINE_BREAK.finditer(text, first, stop):
        i = bisect_right(ends, match.start()) - 1  # the token the break follows
        if 0 <= i < last:
            found.add(i)
    return sorted(found)


def _bracketed(marks: list[tuple[int, str]], length: int) -> list[int]:
    """For each of ``length`` tokens, how many matched bracket pairs enclose it (pairs longer
    than ``_MAX_BRACKET_TOKENS`` tokens are ignored); ``marks`` holds every bracket token."""
    depth_change = [0] * length
    stack: list[tuple[str, int]] = []
    for index, t in marks:
        if t in _OPENERS:
            stack.append((t, index))
        elif t in _OPEN_FOR:
            want = _OPEN_FOR[t]
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == want:
                    opened = stack[depth][1]
                    del stack[depth:]  # brackets left open inside the pair are unmatched
                    if index - opened <= _MAX_BRACKET_TOKENS:
                        depth_change[opened + 1] += 1
                        depth_change[index] -= 1
                    break
    return list(accumulate(depth_change))


def _ends_sentence(text: str, tokens: list[Token], i: int, inside: list[int]) -> bool:
    """Whether a sentence ends after token ``i``, which whitespace separates from the next."""
    # Walk back over closing quotes and brackets glued to a sentence-final mark: `done.)`.
    j = i
    while tokens[j].text in _CLOSERS and j > 0 and tokens[j - 1].end == tokens[j].start:
        j -= 1
    if tokens[j].text not in _ENDERS or inside[i]:
        return False
    following = tokens[i + 1].text
    first = following[0]
    if tokens[j].text == "." and (_is_abbreviation(text, tokens, j) or _is_line_number(text, tokens, j)):
        return False
    if first.isupper() or first.isdigit():
        return True
    if first.isalpha():  # lower case: only a word that looks like a name (p53, mRNA, cTnI)
        chunk = _chunk_after(text, tokens, i + 1)
        return any(c.isupper() or c.isdigit() for c in chunk)
    return first in "([\"'\u2018\u201c"


def _is_abbreviation(text: str, tokens: list[Token], dot: int) -> bool:
    """Whether the full stop at token ``dot`` closes an abbreviation (``et al.``, ``i.v.``)."""
    if dot == 0:
        return False
    word = tokens[dot - 1]
    if word.end != tokens[dot].start:
        return False
    text_ = word.text
    # "vs", "Fig", "Dr" but not "CA" (California, a cancer) or "NAT" (a gene).
    if text_ in ABBREVIATIONS or (text_[1:].islower() and text_.lower() in ABBREVIATIONS):
        return True
    # Initials in a row: "J. B. Smith" (a lone initial, as in "vitamin E. The", may end one).
    if len(text_) == 1 and text_.isupper() and (_is_initial(tokens, dot + 1) or _is_initial(tokens, dot - 3)):
        return True
    start = dot - 1
    while start > 0 and tokens[start - 1].end == tokens[start].start and dot - start < 12:
        start -= 1
    chunk = text[tokens[start].start : tokens[dot].end]
    return _DOTTED.search(chunk) is not None


def _is_line_number(text: str, tokens: list[Token], dot: int) -> bool:
    """Whether the full stop at ``dot`` closes a number that opens a line: a list item ("1.")."""
    if dot < 2 or not tokens[dot - 1].text.isdigit() or len(tokens[dot - 1].text) > 3:
        return False
    before, number = tokens[dot - 2], tokens[dot - 1]
    return number.end == tokens[dot].start and _LINE_BREAK.search(text, before.end, number.start) is not None


def _is_initial(tokens: list[Token], k: int) -> bool:
    """Whether tokens ``k`` and ``k + 1`` are an upper-case letter and its full stop."""
    if k < 0 or k + 1 >= len(tokens):
        return False
    letter, stop = tokens[k], tokens[k + 1]
    return len(letter.text) == 1 and letter.text.isupper() and stop.text == "." and letter.end == stop.start


def _chunk_after(text: str, tokens: list[Token], k: int) -> str:
    """The whitespace-free stretch of text that begins with token ``k``."""
    end = k
    while end + 1 < len(tokens) and tokens[end].end == tokens[end + 1].start and end - k < 12:
        end += 1
    return text[tokens[k].start : tokens[end].end]


def _starts_line_item(text: str, tokens: list[Token], i: int) -> bool:
    """At a single line break: a new sentence if the line before ends with ':' or the new
    line opens a list item (``-``, ``*``, ``1.``, ``a)``)."""
    if tokens[i].text == ":":
        return True
    start = tokens[i + 1].start
    return _LIST_MARKER.match(text, start, min(len(text), start + 8)) is not None
