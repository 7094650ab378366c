"""Word-identity features: a bias, the lower-cased word and its digit-normalised form."""

from __future__ import annotations

import re
from typing import Callable

Pairs = list[tuple[str, object]]
_DIGIT = re.compile(r"\d")


def bias(enabled: bool) -> Callable[[str], Pairs]:
    """A constant feature, so each label gets a weight of its own."""
    pairs: Pairs = [("bias", 1.0)] if enabled else []
    return lambda word: pairs


def lower(enabled: bool) -> Callable[[str], Pairs]:
    """The word, lower-cased."""
    if not enabled:
        return lambda word: []
    return lambda word: [("lower", word.lower())]


def normalise(word: str) -> str:
    """Lower-cased, every digit replaced by 0, so ``IL-2`` and ``IL-6`` share a form."""
    return _DIGIT.sub("0", word.lower())


def norm(enabled: bool) -> Callable[[str], Pairs]:
    """The word lower-cased with digits normalised."""
    if not enabled:
        return lambda word: []
    return lambda word: [("norm", normalise(word))]
