"""Uncertain entities, by rules: a finding the text names as possible, suspected or still to be
ruled out, not as established ("possible pneumonia", "suspicion of pulmonary embolism", "r/o
MI", "DVT was suspected", "a differential diagnosis included sarcoidosis"), as ConText's
*uncertain* and i2b2 2010's assertion ``possible`` mark them. An assessment and plan names many
such findings; read as diagnoses, they would fill a problem list with what was only considered.

The cues are read by the negation rules' machinery (:func:`crfner.negations`), with narrower
reaches (``window=2``, ``item=0``; :func:`crfner.negations` says what they count). They were
written against MACCROBAT2020's train split, whose ``POLARITY`` hedges are the gold
(``benchmarks/uncertainty.py``; the figures are in the README): the reaches scored alike there,
and the narrowest left out much of what a hand reading found wrong, a hedge reaching across
"and" to another entity ("we suspected drug-induced cardiomyopathy and methylphenidate"). And
the rule-out cues, which the negation rules held before their version 9, are here: "rule out
ischemia" is a finding in question, which MACCROBAT marks uncertain, not absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Collection, Mapping, Sequence

from .cues import cue_phrases
from .negation import RULES, negations

__all__ = ["UNCERTAINTY_FIELDS", "UNCERTAINTY_RULES", "UNCERTAINTY_RULES_VERSION", "Uncertainty", "uncertainties"]

#: 1 since 2026-12-07; 2 since 2026-12-07: a hedge after its finding with an adverb, "cannot be entirely
#: excluded", and "is considered", "less likely" ("infection is considered less likely"); 3 since 2026-12-07:
#: a finding a test is ordered to look for ("TTE to eval for endocarditis"); 4 since 2026-12-07: a hedge toward
#: absence ("Doubt pericarditis", "low probability of PE"); 5 since 2026-12-07: "not excluded" after its finding
#: ("Endocarditis not excluded by TTE"); 6 since 2026-12-07: "unlikely" after its finding ("HIT unlikely given the
#: timing"), a hedge toward absence as version 4's, and a finding still to be considered or excluded ("OSA should be
#: considered").
#: 7 since 2026-12-07: a differential opening a sentence reaches its end ("Differential diagnosis includes subarachnoid
#: hemorrhage, cervical artery dissection, ... and exertional headache.").
#: 8 since 2026-12-07: ward shorthand before a finding (``?PNA``, ``c/f aspiration``), and ``possible`` and ``considered``
#: right after one ("NSTEMI, possible"; "Aortic dissection considered but felt unlikely").
UNCERTAINTY_RULES_VERSION = 8

# Lower-case word sequences, as crfner's tokenizer cuts them ("r/o" is "r / o").
UNCERTAINTY_RULES = {
    "before": cue_phrases(
        "possible, possibly, probable, probably, likely, most likely, presumed, presumably, presumptive, putative",
        "suspected, suspect, suspicion of, suspicion for, suspicious of, suspicious for, suspicious for a, suspicious of a",
        "concern for, concerning for, worrisome for, worrying for, raising concern for, question of, questionable",
        "suggesting, suggestive of, possibility of, possibility that, concern that, versus, vs, vs .",
        "rule out, to rule out, r / o, to exclude, differential diagnosis, differential diagnoses, differential included",
        "differential includes, differential diagnosis included, differential diagnosis includes, ddx",
        "may have, might have, may be, might be, could be, cannot exclude, could not exclude, not excluded",
        "under the suspicion of, on suspicion of, in suspicion of, under the suggestion of, under the impression of",
        # a test ordered to look for a finding ("TTE to eval for endocarditis"), since version 3; not "screening for"
        # nor "workup for", which case reports write before tests the annotators left unhedged
        "evaluate for, to evaluate for, eval for, to eval for, evaluation for, assess for, to assess for, w / u for",
        # a hedge toward absence ("Doubt pericarditis"), since version 4: in question, not absent
        "doubt, doubtful, doubtful for, low suspicion for, low suspicion of, low likelihood of, low probability of",
        # ward shorthand, since version 8: "?PNA", "c/f aspiration" (concern for)
        "?, c / f",
    ),
    "after": cue_phrases(
        "was suspected, were suspected, is suspected, are suspected, suspected, was considered, were considered",
        "was presumed, is likely, was likely, is possible, was possible, is probable, was probable, could not be excluded",
        "cannot be excluded, can not be excluded, could not be ruled out, cannot be ruled out, not ruled out, ?, not excluded",
        "cannot be entirely excluded, cannot be completely excluded, could not be entirely excluded, could not be completely excluded",
        "cannot be entirely ruled out, cannot be completely ruled out, is considered, are considered, is less likely, less likely",
        # a hedge toward absence after its finding, and one still to be considered or excluded, since version 6
        "unlikely, is unlikely, was unlikely, are unlikely, were unlikely, very unlikely, felt unlikely, thought unlikely",
        "considered unlikely, felt to be unlikely, thought to be unlikely, is thought to be unlikely",
        "should be considered, should be excluded, should be ruled out, needs to be ruled out, must be ruled out",
        "possible, considered",  # since version 8: "NSTEMI, possible", "Aortic dissection considered but felt unlikely"
    ),
    # a differential opening a sentence reaches its end, however long its items, since version 7 (as negation's
    # "Negative for": crfner.assertion.note_cues.opening_lists)
    "list_openers": cue_phrases(
        "differential diagnosis includes, differential diagnosis included, differential diagnosis include",
        "differential diagnoses include, differential diagnoses included, differential includes, differential included",
        "differential diagnosis :, differential diagnoses :, differential :, ddx :, ddx includes, ddx include, ddx includes :",
    ),
    # phrases that hold a cue and hedge nothing: matched first, so their words are no cue
    "pseudo": cue_phrases(
        "as soon as possible, if possible, where possible, when possible, whenever possible, possible to, not possible",
        "likely due to, likely secondary to, likely related to, may be due to",
        "may be related to, may be secondary to, as quickly as possible, as early as possible, as much as possible",
    ),
    "terminators": RULES["terminators"] | {"then"},
}


@dataclass(frozen=True)
class Uncertainty:
    """Whether an entity is uncertain, and by which cue: ``text[cue_start:cue_end] == cue``."""

    uncertain: bool
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None


#: The fields an uncertain entity adds to its record (``crfner tag --uncertainty``): JSON keys, CSV columns.
UNCERTAINTY_FIELDS = ("uncertain", "uncertainty_cue", "uncertainty_cue_start", "uncertainty_cue_end")


def uncertainties(text: str, entities: Sequence, *, splitter: str = "abstract",
                  passages: Sequence[tuple[int, int]] | None = None, window: int = 2, post_window: int = 0, item: int = 0,
                  rules: Mapping | None = None, types: Collection[str] | None = None,
                  sentences: Sequence | None = None) -> list[Uncertainty]:
    """An :class:`Uncertainty` for each of ``entities`` (anything with character ``start`` and
    ``end`` in ``text``), in their order; the arguments are :func:`crfner.negations`'s, with
    narrower reaches (a hedge stands next to its finding: "possible pneumonia"; chosen on
    MACCROBAT's train split, see the module), and ``rules`` replaces :data:`UNCERTAINTY_RULES`
    (the same keys)."""
    found = negations(text, entities, splitter=splitter, passages=passages, window=window, post_window=post_window,
                      item=item, sentences=sentences, rules=UNCERTAINTY_RULES if rules is None else rules, types=types)
    return [Uncertainty(f.negated, f.cue, f.cue_start, f.cue_end) for f in found]
