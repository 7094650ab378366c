"""The section names the notes splitter knows (:mod:`crfner.text.notes`): a heading that names
one, in any case, is a heading even where its shape alone would not say so, and is layout, never
an entity.

The section features (:mod:`crfner.featurize.sections`) fold headings to a frozen copy,
:data:`FEATURE_SECTION_NAMES`, so a saved model featurizes a note the same way when the splitter
learns more names: add new names to :data:`ADDED_SECTION_NAMES`, never to the frozen set."""

from __future__ import annotations

#: The names the section features know (``section=allergies``), as of clinical version 7; frozen.
FEATURE_SECTION_NAMES = frozenset(
    line.strip()
    for line in """
    a/p
    addendum
    admission diagnoses
    admission diagnosis
    admission labs
    admission medications
    allergies
    assessment
    assessment and plan
    assessment/plan
    brief hospital course
    cc
    chief complaint
    consult
    diagnoses
    diagnosis
    discharge condition
    discharge diagnoses
    discharge diagnosis
    discharge disposition
    discharge instructions
    discharge medications
    disposition
    exam
    family history
    findings
    follow up
    follow-up
    followup
    history
    history of present illness
    home medications
    hospital course
    hpi
    imaging
    impression
    impression and plan
    indication
    labs
    meds
    medications
    medications on admission
    past medical history
    past surgical history
    pe
    pertinent results
    physical exam
    physical examination
    plan
    pmh
    pmhx
    problem list
    problems
    procedures
    psh
    reason for admission
    review of systems
    ros
    sh
    fh
    social history
    studies
    vital signs
    vitals
    """.strip().splitlines()
)

#: Names the splitter learned after the section features were frozen: radiology report and
#: progress note headings.
ADDED_SECTION_NAMES = frozenset(
    line.strip()
    for line in """
    a&p
    assessment & plan
    clinical history
    clinical indication
    comparison
    conclusion
    conclusions
    examination
    imp
    objective
    reason for exam
    reason for examination
    recommendation
    recommendations
    subjective
    technique
    """.strip().splitlines()
)

#: Section names recognised in any case (``Allergies:``, ``MEDICATIONS``, ``Technique:``); any
#: other ALL-CAPS line of two or more words, or ALL-CAPS or Title-Case name before a colon, is a
#: heading too.
SECTION_NAMES = FEATURE_SECTION_NAMES | ADDED_SECTION_NAMES

#: A progress note's SOAP headings, known only as one capital letter and a colon opening a line
#: (``S: 34 yo F ...``), and ``P:`` only when no number follows (``P: 88`` is a pulse).
SOAP_HEADINGS = {"S": "subjective", "O": "objective", "A": "assessment", "P": "plan"}
