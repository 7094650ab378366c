"""Hypothetical mentions among found entities, by rules: a finding the text names only as a
condition or a warning, not as the patient's ("return if fever persists", "go to the ED for
chest pain or syncope", "acetaminophen PRN pain"), as ConText calls them (Harkema et al. 2009,
J Biomed Inform 42:839) and i2b2 2010's assertions mark them ``hypothetical``. Return
precautions close most outpatient, emergency and discharge notes; read as findings, they list
symptoms the patient does not have.

The cues are read by the negation rules' machinery (:func:`crfner.negations`): a cue before an
entity reaches ``window`` words after it in its sentence and the items of a list after that, a
terminator ends its reach, and a phrase that holds a cue without one ("if any", "as if") is
none; a cue that opens a drug's indication (``PRN``) reaches across no comma. No corpus here marks hypothetical entities (MACCROBAT's case reports tell a
past course), so :data:`HYPOTHETICAL_RULES` and the reaches were written, not chosen on data;
``benchmarks/hypothetical.py`` says what they mark in MACCROBAT and PHEE.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Collection, Mapping, Sequence

from .negation import RULES, negations

__all__ = ["HYPOTHETICAL_FIELDS", "HYPOTHETICAL_RULES", "HYPOTHETICAL_RULES_VERSION", "Hypothetical", "hypothetical_record",
           "hypotheticals"]

#: 1 since 2026-12-07; 2 since 2026-12-07: a drug's indication cue (``PRN``) reaches across no comma, so
#: that in a list of drugs the next drug and its dose are not the previous one's indication.
HYPOTHETICAL_RULES_VERSION = 2


def _phrases(*lines: str) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(phrase.split()) for line in lines for phrase in line.split(",") if phrase.strip())


# Lower-case word sequences, as crfner's tokenizer cuts them ("p.r.n." is "p . r . n .").
HYPOTHETICAL_RULES = {
    "before": _phrases(
        "if, in case of, in the event of",
        # "should" only opening a condition ("should she develop a rash"), not advising ("should be aware that")
        "should he, should she, should they, should you, should the patient, should there be, should it",
        "call for, call if, call with, return for, return if, return with, come back for, come back if",
        "go to ed for, go to the ed for, go to er for, go to the er for, go to the emergency department for",
        "seek care for, seek medical care for, seek medical attention for, seek attention for",
        "watch for, monitor for, look out for, precautions for, warning signs of, warning signs such as",
    ),
    # not "as needed" or "PRN" after an entity: "acetaminophen (as needed) was begun" was given
    "after": _phrases("if needed, if necessary, if required, if present, if it occurs, if they occur"),
    # phrases that hold a cue but state nothing hypothetical: matched first, so their words are no cue
    "pseudo": _phrases(
        "if any, if so, as if, even if, only if, if not",
    ),
    # words that end a cue's reach: the negation rules' ("but", "however", ";" ...) and "then"
    "terminators": RULES["terminators"] | {"then"},
    # cues that open a drug's indication ("PRN pain", "as needed for nausea or vomiting"), read
    # like "before" cues but across no comma: in a list of drugs the next one follows one
    # ("morphine IV q3h PRN pain, ondansetron 4 mg IV q6h PRN nausea"); optional in rules= given by hand
    "indications": _phrases("as needed for, prn, p . r . n ., prn for"),
}


@dataclass(frozen=True)
class Hypothetical:
    """Whether an entity is hypothetical, and by which cue: ``text[cue_start:cue_end] == cue``."""

    hypothetical: bool
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None


#: The fields a hypothetical mention adds to an entity's record (``crfner tag --hypothetical``): JSON keys, CSV columns.
HYPOTHETICAL_FIELDS = ("hypothetical", "hypothetical_cue", "hypothetical_cue_start", "hypothetical_cue_end")


def hypothetical_record(found: Hypothetical) -> dict:
    """The fields of :data:`HYPOTHETICAL_FIELDS` that ``found`` sets: ``hypothetical``, and for a
    hypothetical entity its cue and the cue's offsets."""
    if not found.hypothetical:
        return {"hypothetical": False}
    return {"hypothetical": True, "hypothetical_cue": found.cue, "hypothetical_cue_start": found.cue_start,
            "hypothetical_cue_end": found.cue_end}


def hypotheticals(text: str, entities: Sequence, *, splitter: str = "abstract",
                  passages: Sequence[tuple[int, int]] | None = None, window: int = 4, post_window: int = 0, item: int = 2,
                  rules: Mapping | None = None, types: Collection[str] | None = None) -> list[Hypothetical]:
    """A :class:`Hypothetical` for each of ``entities`` (anything with character ``start`` and
    ``end`` in ``text``), in their order; the arguments are :func:`crfner.negations`'s, and
    ``rules`` replaces :data:`HYPOTHETICAL_RULES` (the same keys; ``indications`` may be left out)."""
    rules = HYPOTHETICAL_RULES if rules is None else rules
    options = {"splitter": splitter, "passages": passages, "window": window, "post_window": post_window, "item": item,
               "types": types}
    found = negations(text, entities, rules=rules, **options)
    indications = rules.get("indications") if isinstance(rules, Mapping) else None
    if indications:
        by_indication = negations(text, entities, rules={"before": indications, "after": frozenset(),
                                                         "pseudo": rules["pseudo"], "terminators": rules["terminators"] | {","}},
                                  **options)
        found = [f if f.negated else g for f, g in zip(found, by_indication)]
    return [Hypothetical(f.negated, f.cue, f.cue_start, f.cue_end) for f in found]
