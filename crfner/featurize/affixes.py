"""Prefix and suffix features: the first or last n characters of the word."""

from __future__ import annotations

from typing import Callable, Sequence

Pairs = list[tuple[str, object]]


def suffixes(lengths: Sequence[int]) -> Callable[[str], Pairs]:
    """``sufN``: the last N characters (the whole word when it is shorter), for each N."""
    lengths = sorted(set(lengths), reverse=True)
    return lambda word: [(f"suf{n}", word[-n:]) for n in lengths]


def prefixes(lengths: Sequence[int]) -> Callable[[str], Pairs]:
    """``preN``: the first N characters (the whole word when it is shorter), for each N."""
    lengths = sorted(set(lengths))
    return lambda word: [(f"pre{n}", word[:n]) for n in lengths]
