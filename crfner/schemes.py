"""Tagging schemes (IOB1, IOB2, IOBES): tags to entity spans and back.

One lenient decoder reads all three schemes the way seqeval's default mode does: an entity
starts at ``B-``/``S-``, or at ``I-``/``E-`` that does not continue an open entity of the
same type; it ends at ``O``, ``E-``, ``S-`` or a change of type. On IOB1 and IOB2 tags
(``B-``, ``I-``, ``O``) that is conlleval's reading too, ill-formed tags included (an ``I-``
after ``O`` or after another type begins an entity). conlleval.pl knows no ``S-`` and does not
end an entity at ``E-`` followed by ``B-`` of its type, so it reads IOBES otherwise
(``B-X E-X B-X E-X`` as one entity, not two): give it IOB2.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, NamedTuple, Sequence

SCHEMES = ("iob1", "iob2", "iobes")
TAG_PATTERN = re.compile(r"O|([BIES])-(\S.*)")


class Span(NamedTuple):
    """An entity: its type and token offsets, ``end`` exclusive."""

    type: str
    start: int
    end: int


def split_tag(tag: str) -> tuple[str, str | None]:
    """Split ``"B-Disease"`` into ``("B", "Disease")``; ``"O"`` gives ``("O", None)``.

    Raises ValueError for a tag that fits no scheme.
    """
    match = TAG_PATTERN.fullmatch(tag)
    if match is None:
        raise ValueError(
            f"tag {tag!r} fits no tagging scheme (expected O, or B-/I-/E-/S- followed by a type)"
        )
    if tag == "O":
        return "O", None
    return match.group(1), match.group(2)


# Decoding calls this once per tag, over a handful of distinct tags.
_split_known = lru_cache(maxsize=4096)(split_tag)


def is_valid_tag(tag: str) -> bool:
    """Whether ``tag`` is ``O`` or a prefixed tag of IOB1, IOB2 or IOBES."""
    return TAG_PATTERN.fullmatch(tag) is not None


def entity_types(tags: Iterable[str]) -> list[str]:
    """The entity types that ``tags`` (a model's labels, say) name, sorted; tags of no scheme
    are passed over."""
    return sorted({match.group(2) for tag in tags if isinstance(tag, str) and (match := TAG_PATTERN.fullmatch(tag))
                   and match.group(2)})


def tags_to_spans(tags: Sequence[str]) -> list[Span]:
    """Entity spans of one sentence's tags, in any of the three schemes."""
    spans: list[Span] = []
    open_type: str | None = None
    open_start = 0
    for i, tag in enumerate(tags):
        prefix, etype = _split_known(tag)
        continues = open_type is not None and etype == open_type and prefix in ("I", "E")
        if not continues and open_type is not None:
            spans.append(Span(open_type, open_start, i))
            open_type = None
        if prefix == "O":
            continue
        if not continues:
            open_type, open_start = etype, i
        if prefix in ("E", "S"):
            spans.append(Span(open_type, open_start, i + 1))
            open_type = None
    if open_type is not None:
        spans.append(Span(open_type, open_start, len(tags)))
    return spans


def spans_to_tags(spans: Iterable[Span | tuple[str, int, int]], length: int, scheme: str = "iob2") -> list[str]:
    """Tags of a sentence of ``length`` tokens holding ``spans`` (non-overlapping), in ``scheme``."""
    scheme = _check_scheme(scheme)
    tags = ["O"] * length
    previous_end, previous_type = -1, None
    for etype, start, end in sorted(spans, key=lambda s: s[1]):
        if not 0 <= start < end <= length:
            raise ValueError(f"span ({etype}, {start}, {end}) lies outside a sentence of {length} tokens")
        if start < previous_end:
            raise ValueError(f"span ({etype}, {start}, {end}) overlaps the span before it")
        for i in range(start, end):
            tags[i] = f"I-{etype}"
        if scheme == "iob2":
            tags[start] = f"B-{etype}"
        elif scheme == "iob1":
            if previous_end == start and previous_type == etype:
                tags[start] = f"B-{etype}"
        else:
            if end - start == 1:
                tags[start] = f"S-{etype}"
            else:
                tags[start] = f"B-{etype}"
                tags[end - 1] = f"E-{etype}"
        previous_end, previous_type = end, etype
    return tags


def convert(tags: Sequence[str], scheme: str = "iob2") -> list[str]:
    """Re-encode one sentence's tags (any scheme) in ``scheme``."""
    return spans_to_tags(tags_to_spans(tags), len(tags), scheme)


def detect_scheme(sentences: Iterable[Sequence[str]]) -> str:
    """Guess the scheme of tagged sentences: ``iobes`` if any E-/S- tag, ``iob1`` if an entity
    opens with ``I-``, else ``iob2``."""
    found = "iob2"
    for tags in sentences:
        previous = ("O", None)
        for tag in tags:
            prefix, etype = split_tag(tag)
            if prefix in ("E", "S"):
                return "iobes"
            if prefix == "I" and (previous[0] == "O" or previous[1] != etype):
                found = "iob1"
            previous = (prefix, etype)
    return found


def _check_scheme(scheme: str) -> str:
    if not isinstance(scheme, str):
        raise ValueError(f"the tagging scheme must be one of {', '.join(SCHEMES)}, not {scheme!r}")
    lowered = scheme.lower()
    if lowered not in SCHEMES:
        raise ValueError(f"unknown tagging scheme {scheme!r}; choose one of {', '.join(SCHEMES)}")
    return lowered
