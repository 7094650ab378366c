"""What batch tagging adds to each entity it writes: whether the text negates it
(:func:`crfner.negations`), names it only as a condition, attributes it to a relative or names it
as possible (:data:`crfner.assertion.READINGS`), and the known section it falls under
(:func:`crfner.entity_sections`), and the settings that ask for them."""

from __future__ import annotations

from dataclasses import dataclass

from ..corpora.documents import Document
from ..errors import CrfnerError

#: The readings a run may add, in the order their fields come (:data:`crfner.assertion.READINGS`).
READING_NAMES = ("hypothetical", "family", "uncertainty")

__all__ = ["NO_FIELDS", "READING_NAMES", "EntityFields", "check_negation_types", "entity_extras", "extra_columns", "negation_setting"]


@dataclass(frozen=True)
class EntityFields:
    """Which fields a run adds to each entity: ``negation`` (True, or the type names it is limited
    to, as :func:`negation_setting` gives them), ``sections``, and the readings
    ``hypothetical``, ``family`` and ``uncertainty``; false when none."""

    negation: bool | tuple[str, ...] = False
    sections: bool = False
    hypothetical: bool = False
    family: bool = False
    uncertainty: bool = False

    def __post_init__(self):
        for name in ("sections", *READING_NAMES):
            if not isinstance(getattr(self, name), bool):
                raise CrfnerError(f"{name} is True or False, not {getattr(self, name)!r}")

    def __bool__(self) -> bool:
        return bool(self.negation or self.sections or self.readings)

    @property
    def readings(self) -> tuple[str, ...]:
        """The names of the readings asked for, in :data:`READING_NAMES`' order."""
        return tuple(name for name in READING_NAMES if getattr(self, name))

    @property
    def columns(self) -> tuple[str, ...]:
        """The table columns of the fields, in the order :meth:`extras` gives them."""
        return extra_columns(self.negation, self.sections, self.readings)

    def extras(self, document: Document, splitter: str) -> list[dict]:
        """The fields for each of ``document``'s entities, in order of offset."""
        return entity_extras(document, splitter, self.negation, self.sections, self.readings)


#: No field added: the batch functions' default.
NO_FIELDS = EntityFields()


def negation_setting(negation) -> bool | tuple[str, ...]:
    """``negation`` as the batch functions pass it on: ``True`` or ``False``, or a collection of
    type names (only entities of those types are negated) as a sorted tuple of them."""
    if isinstance(negation, bool):
        return negation
    if isinstance(negation, str) or not hasattr(negation, "__iter__"):
        raise CrfnerError(f"negation is True, False or a collection of type names, not {negation!r}")
    types = tuple(sorted(set(negation)))
    if not types or not all(isinstance(t, str) and t and t == t.strip() and "," not in t for t in types):
        raise CrfnerError(f"negation's types must be one or more type names, not {negation!r}")
    return types


def check_negation_types(negation, labels, model: str = "the model") -> None:
    """Raise :class:`ParameterError` (a ValueError) when ``negation`` is a collection of type names
    one of which the model's ``labels`` (its tags) have no entity of: such a name would negate nothing."""
    if isinstance(negation, bool) or negation is None or isinstance(negation, str):
        return
    from ..errors import ParameterError
    from ..schemes import entity_types

    known, names = entity_types(labels), list(negation)
    if not names:
        raise ParameterError("negation names no type; give True (every type) or the type names to negate")
    unknown = [t for t in names if t not in known]
    if unknown:
        raise ParameterError(f"negation types: {', '.join(map(str, unknown))} {'is' if len(unknown) == 1 else 'are'} not "
                          f"among {model}'s types ({', '.join(known)})")


def entity_extras(document: Document, splitter: str, negation: bool | tuple[str, ...], sections: bool,
                  readings: tuple[str, ...] = ()) -> list[dict]:
    """The fields negation, sections and ``readings`` (names of :data:`crfner.assertion.READINGS`)
    add to each of a tagged document's entities, in order of offset."""
    from ..assertion import READINGS, entity_sections, negation_record, negations, reading_record, section_record
    from ..corpora.documents import sorted_mentions
    from ..text.splitters import split_text

    entities = sorted_mentions(document.mentions)
    extras: list[dict] = [{} for _ in entities]
    # the text split once for negation and every reading: each reads its own cues in the same sentences
    sentences = split_text(document.text, document.passages or None, splitter) if negation or readings else None
    if negation:
        types = negation if isinstance(negation, tuple) else None
        for extra, found in zip(extras, negations(document.text, entities, splitter=splitter, types=types,
                                                  sentences=sentences)):
            extra.update(negation_record(found))
    if sections:
        for extra, section in zip(extras, entity_sections(document.text, entities, document.passages)):
            extra.update(section_record(section))
    for name in readings:
        reading = READINGS[name]
        for extra, found in zip(extras, reading.read(document.text, entities, splitter=splitter, sentences=sentences)):
            extra.update(reading_record(reading, found))
    return extras


def extra_columns(negation, sections: bool, readings: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The table columns of those fields, in the order :func:`entity_extras` gives them."""
    from ..assertion import NEGATION_FIELDS, READINGS, SECTION_FIELDS

    return (*(NEGATION_FIELDS if negation else ()), *(SECTION_FIELDS if sections else ()),
            *(field for name in readings for field in READINGS[name].fields))
