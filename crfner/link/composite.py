"""Composite mentions: one span naming several concepts that share a head or a modifier,
"breast and ovarian cancer" (breast cancer, ovarian cancer) or "hepatitis B and C"
(hepatitis B, hepatitis C)."""

from __future__ import annotations

import re

#: The most words a name, or a composite of names, is read as having: a longer span is looked up
#: whole, but not read as names sharing a head or modifier, nor cut into final parts, each reading
#: of which costs a lookup of its own length (a 3,000-word span took 20 s).
MAX_NAME_WORDS = 20
_COORDINATION = re.compile(r"\s*,?\s+(?:and/or|and|or|nor)\s+|\s*,\s*|\s*/\s*")


def conjuncts(text: str) -> list[str]:
    """The coordinated pieces of ``text`` ("breast", "ovarian cancer"); one piece when there is no coordination."""
    return [piece for piece in _COORDINATION.split(text.strip()) if piece]


def readings(text: str) -> list[list[str]]:
    """The ways ``text`` may spell several names, most likely first: each piece completed
    with the last piece's final words (a shared head), then with the first piece's opening
    words (a shared modifier). Each reading lists one name per piece."""
    pieces = conjuncts(text)
    if len(pieces) < 2 or len(text.split()) > MAX_NAME_WORDS:
        return []
    out: list[list[str]] = []
    last = pieces[-1].split()
    for k in range(len(last) - 1, 0, -1):  # the shortest shared head first
        head = " ".join(last[k:])
        out.append([f"{piece} {head}" for piece in pieces[:-1]] + [pieces[-1]])
    first = pieces[0].split()
    for k in range(1, len(first)):
        modifier = " ".join(first[:k])
        out.append([pieces[0]] + [f"{modifier} {piece}" for piece in pieces[1:]])
    out.append(pieces)  # each piece a name on its own
    return out
