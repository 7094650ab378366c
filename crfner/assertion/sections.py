"""The section of a note each found entity falls under: the last heading before it that names a
known section (``ALLERGIES:``, ``Discharge Medications``, ``FAMILY HISTORY``, a SOAP ``A:``), as
the notes splitter finds headings (:func:`crfner.text.note_sections`). A drug under
``Allergies`` is an allergen, a disease under ``Family history`` a relative's: what a reader of
the entities needs to tell them from the patient's medications and problems.
"""

from __future__ import annotations

from typing import Sequence

from ..text.notes import sections_at

__all__ = ["SECTION_FIELDS", "entity_sections", "section_record"]

#: The fields a section adds to an entity's record (``crfner tag --sections``): JSON keys, CSV columns.
SECTION_FIELDS = ("section",)


def entity_sections(text: str, entities: Sequence, passages: Sequence[tuple[int, int]] | None = None) -> list[str | None]:
    """For each of ``entities`` (anything with a character ``start`` in ``text``), the name of
    the last known section heading that starts before it, as written (``"ALLERGIES"``), or None
    above the first. Headings that name no known section (a problem list's ``HTN:``)
    are passed over: the entity stays in the section around them."""
    return sections_at(text, [entity.start for entity in entities], passages or None, known=True)


def section_record(section: str | None) -> dict:
    """The fields of :data:`SECTION_FIELDS`: ``section``, None (JSON null, an empty cell) above
    the first heading."""
    return {"section": section}
