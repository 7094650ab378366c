"""Orthographic flags: case and character classes of the word, each set only when true."""

from __future__ import annotations

from typing import Callable, Sequence

Pairs = list[tuple[str, object]]

FLAGS: dict[str, Callable[[str], bool]] = {
    "upper": str.isupper,
    "title": str.istitle,
    "digit": str.isdigit,
}


def flags(names: Sequence[str]) -> Callable[[str], Pairs]:
    """One feature per named flag (see ``FLAGS``) that holds for the word."""
    tests = [(name, FLAGS[name]) for name in names]
    return lambda word: [(name, 1.0) for name, test in tests if test(word)]
