"""Word-identity features: a bias and the lower-cased word."""

from __future__ import annotations

from typing import Callable

Pairs = list[tuple[str, object]]


def bias(enabled: bool) -> Callable[[str], Pairs]:
    """A constant feature, so each label gets a weight of its own."""
    pairs: Pairs = [("bias", 1.0)] if enabled else []
    return lambda word: pairs


def lower(enabled: bool) -> Callable[[str], Pairs]:
    """The word, lower-cased."""
    if not enabled:
        return lambda word: []
    return lambda word: [("lower", word.lower())]
