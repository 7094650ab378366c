"""MACCROBAT2020's polarity attributes as gold for negation: each entity of a split with
the ``POLARITY`` its annotators gave it (``NEG`` on 1,049 entities and events of the corpus:
a sign that is absent, a drug stopped, a procedure not done; ``UNCERTAIN``, ``MAYBE_POS``,
``MAYBE_NEG`` on a few hundred; none on the rest, which are affirmed)."""

from __future__ import annotations

from dataclasses import dataclass

from .brat import read_brat_attributes, read_brat_fragments
from .clinical import split_paths

__all__ = ["PolarEntity", "PolarDocument", "maccrobat_polarity"]


@dataclass(frozen=True, order=True)
class PolarEntity:
    """An annotated entity (its outer extent, for a discontinuous one) and its polarity."""

    start: int
    end: int
    type: str
    polarity: str | None  # "NEG", "UNCERTAIN", "MAYBE_POS", "MAYBE_NEG", "POS" or None (affirmed)

    @property
    def negated(self) -> bool:
        return self.polarity == "NEG"


@dataclass(frozen=True)
class PolarDocument:
    id: str
    text: str
    entities: tuple[PolarEntity, ...]
    passages: tuple[tuple[int, int], ...] | None = None  # none: a case report is read whole


def maccrobat_polarity(split: str, data_dir=None, types=None) -> list[PolarDocument]:
    """The documents of a MACCROBAT split with their entities of ``types`` (all by default)
    and each one's polarity, in document order and, within one, by offset."""
    documents = []
    for path in split_paths("maccrobat", split, data_dir):
        text, entities = read_brat_fragments(path)
        attributes = read_brat_attributes(path.with_suffix(".ann"))
        kept = sorted(
            PolarEntity(fragments[0][0], max(b for _, b in fragments), etype, attributes.get(tid, {}).get("POLARITY"))
            for tid, etype, fragments in entities
            if types is None or etype in types
        )
        documents.append(PolarDocument(path.stem, text, tuple(kept)))
    return documents
