"""Entities a text attributes to a relative, by rules: a disease of the patient's family, not the
patient's own ("her father died of sudden cardiac death", "brother with hypertrophic
cardiomyopathy", "family history of colon cancer"), as ConText's experiencer *other* (Harkema et
al. 2009, J Biomed Inform 42:839) and i2b2 2010's assertion ``associated_with_someone_else``
mark them. A problem list or a cohort built from a note's entities must leave them out.

The cues are read by the negation rules' machinery (:func:`crfner.negations`), as the
hypothetical ones are: a relative before an entity reaches ``window`` words after it in its
sentence and the items of a list after that, a terminator (and a mention of the patient) ends
its reach, and a relative who reports or brings the patient ("mom reports fever", "brought in by
her daughter for confusion") is an informant, no cue. Under a heading that names the family
history alone (``Family history:``, ``FH:``, ``FHx``), every entity up to the next heading is a
relative's, the heading its cue ("FH: mother with type 2 DM and HTN": the HTN too, however far
from the mother). No corpus here marks whose an entity is, so :data:`FAMILY_RULES` were written, not chosen on data;
``benchmarks/family.py`` says what they mark in MACCROBAT and PHEE.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Collection, Mapping, Sequence

from .cues import cue_phrases
from .negation import RULES, negations
from .note_cues import under_headings

__all__ = ["FAMILY_FIELDS", "FAMILY_RULES", "FAMILY_RULES_VERSION", "FamilyAttribution", "family_attributions"]

#: 1 since 2026-12-07; 2 since 2026-12-07: every entity under a family history's own heading, up to the next
#: heading, and a relative after the finding (``CAD in father``); 3 since 2026-12-07: a relative who noted, reported or
#: witnessed a finding is an informant, no cue ("noted by his wife to have enlarged").
FAMILY_RULES_VERSION = 3

#: A heading's name (:func:`crfner.text.section_names.normal_name`) that names the family history
#: alone: not "Social and family history", whose tobacco and alcohol are the patient's.
FAMILY_HEADING = re.compile(r"(?:family|fam)\.? (?:medical )?(?:history|hx)|fhx?|family")


_RELATIVES = ("mother mom father dad parent parents brother brothers sister sisters sibling siblings son sons daughter "
              "daughters aunt aunts uncle uncles grandmother grandfather grandparent grandparents cousin cousins niece "
              "nephew husband wife spouse").split()
# what a relative does as the patient's informant or companion: no cue ("mom reports fever")
_INFORMANT = ("reports, reported, states, stated, says, said, notes, noted, brought, brings, called, calls, denies, "
              "denied, verbalized, asks, asked, is at bedside, at bedside, was present, is present, endorses, "
              "describes, feels, believes, thinks, is concerned, was concerned, is worried, was worried, noticed, "
              "observed, witnessed, refused, declined, consented, agreed, requested").split(", ")

# Lower-case word sequences, as crfner's tokenizer cuts them.
FAMILY_RULES = {
    "before": cue_phrases(
        ", ".join(_RELATIVES),
        "family history of, family history significant for, family history positive for, family history includes",
        "family hx of, fhx of, fh of, fhx, fh, family member, family members, maternal, paternal",
    ),
    "after": cue_phrases("in the family, in his family, in her family, in family, in a first - degree relative",
                         # a relative after the finding, as family histories list them ("CAD in father"), since version 2
                         ", ".join(f"in {whose}{relative}" for whose in ("", "his ", "her ", "their ", "the ", "a ")
                                   for relative in _RELATIVES)),
    # phrases that hold a cue and attribute nothing to the relative: matched first, so their words are no cue
    "pseudo": cue_phrases(
        ", ".join(f"{relative} {verb}" for relative in _RELATIVES for verb in _INFORMANT),
        ", ".join(f"{lead} {whose}{relative}" for lead in ("brought by", "brought in by", "accompanied by", "per", "noted by",
                                                          "noticed by", "reported by", "observed by", "witnessed by")
                  for whose in ("", "her ", "his ", "their ") for relative in _RELATIVES),
        "per family, family at bedside, family meeting",
        # whom the patient was born to: "a newborn of healthy nonconsanguineous parents was delivered"
        "consanguineous parents, nonconsanguineous parents, non - consanguineous parents, unrelated parents",
    ),
    # words that end a cue's reach: the negation rules' and a mention of the patient ("mother with DM2; patient with HTN")
    "terminators": RULES["terminators"] | {"patient", "pt", "then"},
}


@dataclass(frozen=True)
class FamilyAttribution:
    """Whether an entity is a relative's, and by which cue: ``text[cue_start:cue_end] == cue``."""

    family: bool
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None


#: The fields a relative's entity adds to its record (``crfner tag --family``): JSON keys, CSV columns.
FAMILY_FIELDS = ("family", "family_cue", "family_cue_start", "family_cue_end")


def family_attributions(text: str, entities: Sequence, *, splitter: str = "abstract",
                        passages: Sequence[tuple[int, int]] | None = None, window: int = 4, post_window: int = 0,
                        item: int = 2, rules: Mapping | None = None,
                        types: Collection[str] | None = None,
                        sentences: Sequence | None = None) -> list[FamilyAttribution]:
    """A :class:`FamilyAttribution` for each of ``entities`` (anything with character ``start``
    and ``end`` in ``text``), in their order; the arguments are :func:`crfner.negations`'s, and
    ``rules`` replaces :data:`FAMILY_RULES` (the same keys)."""
    found = negations(text, entities, splitter=splitter, passages=passages, window=window, post_window=post_window,
                      item=item, sentences=sentences, rules=FAMILY_RULES if rules is None else rules, types=types)
    out = [FamilyAttribution(f.negated, f.cue, f.cue_start, f.cue_end) for f in found]
    lowered = text.lower()
    if any(not f.family for f in out) and ("fh" in lowered or "fam" in lowered):  # no such heading in most texts
        for k, (start, end) in under_headings(text, entities, FAMILY_HEADING, passages, types).items():
            if not out[k].family:  # the heading is its cue: "FH: mother with type 2 DM and HTN"
                out[k] = FamilyAttribution(True, text[start:end], start, end)
    return out
