"""Word shape: letters and digits mapped to classes, so ``IL-2`` and ``TNF-5`` look alike."""

from __future__ import annotations

from typing import Callable, Sequence

Pairs = list[tuple[str, object]]


def long_shape(word: str) -> str:
    """Upper-case letters to ``X``, lower-case to ``x``, digits to ``d``, others kept: ``Xxxx-dd``."""
    out = []
    for c in word:
        if c.isupper():
            out.append("X")
        elif c.islower():
            out.append("x")
        elif c.isdigit():
            out.append("d")
        else:
            out.append(c)
    return "".join(out)


def short_shape(word: str) -> str:
    """The long shape with runs of one class collapsed: ``Xx-d``."""
    shape = long_shape(word)
    return "".join(c for i, c in enumerate(shape) if i == 0 or c != shape[i - 1])


def shapes(kinds: Sequence[str]) -> Callable[[str], Pairs]:
    """``shape`` (long) and/or ``shape_short`` features, as ``kinds`` names them."""
    wanted = [("shape", long_shape) if kind == "long" else ("shape_short", short_shape) for kind in kinds]
    return lambda word: [(name, function(word)) for name, function in wanted]
