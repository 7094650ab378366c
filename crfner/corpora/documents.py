"""Documents with character-offset mentions: what the PubTator, BRAT and JSON Lines readers
give and their writers take."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import excerpt


@dataclass(frozen=True)
class Mention:
    """An entity mention: ``text[start:end]`` of its document, its type, and optionally a
    concept identifier (MeSH, OMIM...) and a confidence score (predictions only)."""

    start: int
    end: int
    type: str
    text: str
    identifier: str | None = None
    score: float | None = None


@dataclass(frozen=True)
class Document:
    """A text, its mentions in order of offset, and optionally its passages: character spans
    (a PubTator title and abstract) that no sentence crosses."""

    id: str
    text: str
    mentions: list[Mention] = field(default_factory=list)
    passages: list[tuple[int, int]] | None = None


def mention_problem(mention: Mention, text: str) -> str | None:
    """Why ``mention`` does not fit ``text`` (bad offsets, a text that differs), or None."""
    start, end = mention.start, mention.end
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
        return f"mention offsets must be whole numbers, not {excerpt(start, 60)} and {excerpt(end, 60)}"
    if not 0 <= start < end <= len(text):
        return f"mention offsets {start}-{end} lie outside a text of {len(text)} characters or are empty"
    if text[start:end] != mention.text:
        return f"mention text {excerpt(mention.text)} differs from the document text {excerpt(text[start:end])} at {start}-{end}"
    if not mention.type:
        return "the mention has no type"
    return None


def sorted_mentions(mentions: list[Mention]) -> list[Mention]:
    """Mentions in reading order: by start, then end, then type."""
    return sorted(mentions, key=lambda m: (m.start, m.end, m.type))
