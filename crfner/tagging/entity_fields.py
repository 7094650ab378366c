"""What batch tagging adds to each entity it writes: whether the text negates it
(:func:`crfner.negations`) and the known section it falls under (:func:`crfner.entity_sections`),
and the settings that ask for them."""

from __future__ import annotations

from ..corpora.documents import Document
from ..errors import CrfnerError

__all__ = ["check_negation_types", "entity_extras", "extra_columns", "negation_setting"]


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


def entity_extras(document: Document, splitter: str, negation: bool | tuple[str, ...], sections: bool) -> list[dict]:
    """The fields negation and sections add to each of a tagged document's entities, in order of offset."""
    from ..assertion import entity_sections, negation_record, negations, section_record
    from ..corpora.documents import sorted_mentions

    entities = sorted_mentions(document.mentions)
    extras: list[dict] = [{} for _ in entities]
    if negation:
        types = negation if isinstance(negation, tuple) else None
        for extra, found in zip(extras, negations(document.text, entities, splitter=splitter, passages=document.passages,
                                                  types=types)):
            extra.update(negation_record(found))
    if sections:
        for extra, section in zip(extras, entity_sections(document.text, entities, document.passages)):
            extra.update(section_record(section))
    return extras


def extra_columns(negation, sections: bool) -> tuple[str, ...]:
    """The table columns of those fields, in the order :func:`entity_extras` gives them."""
    from ..assertion import NEGATION_FIELDS, SECTION_FIELDS

    return (*(NEGATION_FIELDS if negation else ()), *(SECTION_FIELDS if sections else ()))
