"""Documents with character-offset mentions: what the PubTator, BRAT and JSON Lines readers
give and their writers take."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import excerpt
from ..text import LONE_SURROGATE


@dataclass(frozen=True)
class Mention:
    """An entity mention: ``text[start:end]`` of its document, its type, and optionally a
    concept identifier (MeSH, OMIM...), a confidence score (predictions only) and how sure
    the linker that gave the identifier was (``link_score``, 0 to 1)."""

    start: int
    end: int
    type: str
    text: str
    identifier: str | None = None
    score: float | None = None
    link_score: float | None = None


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


def unwritable(value: str, what: str) -> str | None:
    """Why ``value`` (a text, type or id, named ``what``) cannot be written to a UTF-8 file (it
    holds a lone surrogate, as text decoded with ``surrogateescape`` may), or None."""
    found = LONE_SURROGATE.search(value) if isinstance(value, str) else None
    if found is None:
        return None
    return f"{what} holds a lone surrogate ({found.group()!a} at {found.start()}), which no UTF-8 file can hold"


def type_names(types: Sequence[str] | str) -> tuple[str, ...]:
    """A reader's ``types`` as a tuple of names: a string is one comma-separated list (``"problem,test"``),
    not letters, whose substrings (``"prob"``, ``""``) would pass for types and a set of which matches none."""
    return tuple(t for t in types.split(",") if t) if isinstance(types, str) else tuple(types)


def sorted_mentions(mentions: list[Mention]) -> list[Mention]:
    """Mentions in reading order: by start, then end, then type."""
    return sorted(mentions, key=lambda m: (m.start, m.end, m.type))


#: The id BC5CDR gives a mention that has no concept.
NO_CONCEPT = "-1"
_ID_PARTS = re.compile(r"[|+]")
_BARE_MESH = re.compile(r"[DC]\d+")


def concept_id(identifier: str) -> str:
    """One concept id in one spelling: surrounding space gone, ``D009203`` and ``mesh:D009203``
    written ``MESH:D009203``, any other id (``OMIM:164400``) as it is."""
    identifier = identifier.strip()
    if _BARE_MESH.fullmatch(identifier):
        return f"MESH:{identifier}"
    if identifier[:5].lower() == "mesh:":
        return f"MESH:{identifier[5:]}"
    return identifier


def concept_ids(identifier: str | None) -> list[str]:
    """The concept ids of a mention's identifier, in order and once each: composite ones
    (``D001943|D010051`` in BC5CDR, ``D007674+D006222`` in NCBI Disease) split; empty parts,
    ``-1`` (no concept) and ``None`` left out."""
    if not identifier:
        return []
    parts = (concept_id(part) for part in _ID_PARTS.split(identifier))
    return list(dict.fromkeys(part for part in parts if part and part not in (NO_CONCEPT, "None")))


def has_no_concept(identifier: str | None) -> bool:
    """Whether the identifier says the mention has no concept (BC5CDR's ``-1``)."""
    return identifier is not None and NO_CONCEPT in (part.strip() for part in _ID_PARTS.split(identifier))
