"""Composite mentions: one span naming several concepts that share a head or a modifier,
"breast and ovarian cancer" (breast cancer, ovarian cancer) or "hepatitis B and C"
(hepatitis B, hepatitis C)."""

from __future__ import annotations

import re

_COORDINATION = re.compile(r"\s*,?\s+(?:and/or|and|or|nor)\s+|\s*,\s*|\s*/\s*")


def conjuncts(text: str) -> list[str]:
    """The coordinated pieces of ``text`` ("breast", "ovarian cancer"); one piece when there is no coordination."""
    return [piece for piece in _COORDINATION.split(text.strip()) if piece]


def readings(text: str) -> list[list[str]]:
    """The ways ``text`` may spell several names, most likely first: each piece completed
    with the last piece's final words (a shared head), then with the first piece's opening
    words (a shared modifier). Each reading lists one name per piece."""
    pieces = conjuncts(text)
    if len(pieces) < 2:
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
