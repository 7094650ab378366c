"""The linker's dictionary tables in memory: ``key -> (id, share)`` packed into one int."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

_SHARE = 1000  # a share is kept in thousandths


def pack_table(entries: Mapping[str, tuple[str, float]], numbers: dict[str, int]) -> dict[str, int]:
    """A table of ``key -> (id, share)`` as ``key -> int``: the id's number (given by, and added
    to, ``numbers``) and the share in thousandths. A dict of strings to ints is not tracked by
    the garbage collector, so half a million entries cost nothing to the collections that
    linking's many small objects set off."""
    packed = {}
    for key, (identifier, share) in entries.items():
        number = numbers.setdefault(identifier, len(numbers))
        packed[key] = number * (_SHARE + 1) + max(1, min(_SHARE, round(share * _SHARE)))
    return packed


def unpack(value: int, concepts: Sequence[str]) -> tuple[str, float]:
    """``(id, share)`` of a packed entry."""
    number, share = divmod(value, _SHARE + 1)
    return concepts[number], share / _SHARE


def concept_number(value: int) -> int:
    """The number of a packed entry's id (its index in the concepts list), without its share."""
    return value // (_SHARE + 1)
