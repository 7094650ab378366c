"""The rule-based readings of found entities that negation's machinery reads with other cues,
by name: hypothetical mentions, relatives' entities and uncertain ones. What tagging, the spaCy
component and explanations add for each comes from here, so that each is added alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .family import FAMILY_FIELDS, FAMILY_RULES_VERSION, family_attributions
from .hypothetical import HYPOTHETICAL_FIELDS, HYPOTHETICAL_RULES_VERSION, hypotheticals
from .uncertainty import UNCERTAINTY_FIELDS, UNCERTAINTY_RULES_VERSION, uncertainties

__all__ = ["READINGS", "Reading", "reading_record"]


@dataclass(frozen=True)
class Reading:
    """One reading: the function that reads it (``text, entities, splitter=, passages=``), the
    fields it adds to an entity's record (the answer's name first, then the cue and its offsets),
    its rules' version, and how an explanation's line says it (``{cue}``, ``{start}``, ``{end}``)."""

    read: Callable
    fields: tuple[str, str, str, str]
    version: int
    note: str

    @property
    def answer(self) -> str:
        """The name of the answer's field, and of the attribute of each result that holds it."""
        return self.fields[0]


#: By the name of its option (``crfner tag --hypothetical``, ``--family``, ``--uncertainty``).
READINGS = {
    "hypothetical": Reading(hypotheticals, HYPOTHETICAL_FIELDS, HYPOTHETICAL_RULES_VERSION,
                            ", hypothetical by {cue!r} [{start}:{end}]"),
    "family": Reading(family_attributions, FAMILY_FIELDS, FAMILY_RULES_VERSION, ", a relative's by {cue!r} [{start}:{end}]"),
    "uncertainty": Reading(uncertainties, UNCERTAINTY_FIELDS, UNCERTAINTY_RULES_VERSION, ", uncertain by {cue!r} [{start}:{end}]"),
}


def reading_record(reading: Reading, found) -> dict:
    """The fields of ``reading`` that its result ``found`` sets: the answer, and where it is true
    the cue and the cue's offsets."""
    if not getattr(found, reading.answer):
        return {reading.answer: False}
    return dict(zip(reading.fields, (True, found.cue, found.cue_start, found.cue_end)))
