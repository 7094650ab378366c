"""The section names the notes splitter knows (:mod:`crfner.text.notes`): a heading that names
one, in any case, is a heading even where its shape alone would not say so, and is layout, never
an entity."""

from __future__ import annotations

#: Section names recognised in any case (``Allergies:``, ``MEDICATIONS``); any other ALL-CAPS
#: line of two or more words, or ALL-CAPS or Title-Case name before a colon, is a heading too.
SECTION_NAMES = frozenset(
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
