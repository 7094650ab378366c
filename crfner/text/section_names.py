"""The section names the notes splitter knows (:mod:`crfner.text.notes`): a heading that names
one, in any case, is a heading even where its shape alone would not say so, and is layout, never
an entity.

The section features (:mod:`crfner.featurize.sections`) fold headings to a frozen copy,
:data:`FEATURE_SECTION_NAMES`, so a saved model featurizes a note the same way when the splitter
learns more names: add new names to :data:`ADDED_SECTION_NAMES`, never to the frozen set."""

from __future__ import annotations

import re

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
#: progress note headings that section words do not build, the organ systems that an ICU note's
#: assessment and plan goes through ("Neuro:", "CV:", "ID:"), labels rather than entities, and the
#: form fields of discharge summaries and operative notes ("Attending:", "EBL:"), and since notes
#: splitter version 9 specialty notes' sections that section words do not build ("MSE:", "Substance
#: use:"); not "Mental status" nor "Level of consciousness", which MACCROBAT tags as diagnostic
#: procedures (its "mental status examination" is a heading's words in a psychiatric note).
ADDED_SECTION_NAMES = frozenset(
    line.strip()
    for line in """
    a&p
    cv
    endo
    f/e/n
    fen
    gi
    gu
    heme
    heme/onc
    id
    neuro
    ppx
    psych
    pulm
    renal
    resp
    assessment & plan
    clinical history
    clinical indication
    code status
    comparison
    conclusion
    conclusions
    examination
    f/u
    goals of care
    imp
    med rec
    objective
    reason for exam
    reason for examination
    recommendation
    recommendations
    subjective
    technique
    to do
    v/s
    vs
    24 hour events
    activity status
    assistant
    attending
    ebl
    estimated blood loss
    major surgical or invasive procedure
    surgeon
    transitional issues
    mental status exam
    mental status examination
    mse
    preventive care
    reason for call
    substance use
    """.strip().splitlines()
)

#: Section names recognised in any case (``Allergies:``, ``MEDICATIONS``, ``Technique:``); any
#: other ALL-CAPS line of two or more words, or ALL-CAPS or Title-Case name before a colon, is a
#: heading too. Names built of :data:`SECTION_HEADS` and :data:`SECTION_QUALIFIERS` are known
#: as well (:func:`is_section_name`).
SECTION_NAMES = FEATURE_SECTION_NAMES | ADDED_SECTION_NAMES

#: Words that say what a section holds: a heading made of them and of qualifiers names a
#: section (``MEDICATIONS ON TRANSFER``, ``Final Diagnoses``, ``Laboratory Tests``); since notes
#: splitter version 9 also what specialty notes head sections with (``Immunizations``, ``Staging``,
#: ``Treatment``, ``Return precautions``).
SECTION_HEADS = frozenset(
    """
    access activity addendum allergies allergy anesthesia assessment attestation comments comparison complaint
    complaints complications condition consent consult consultation consults course data date description
    diagnoses diagnosis diet dispo disposition drains education events exam examination facility
    fhx finding findings followup follow-up history hpi hx impression indication indications
    instructions interpretation labs laboratory lines list medication medications meds mhx micro
    microbiology note operation operations plan preamble problems procedure procedures pshx radiology reactions recommendation
    recommendations recs reconciliation report results review service shx signature social specimen specimens
    studies summary technique tests triage values
    encounter immunizations maintenance precautions referral screening staging treatment vaccinations visit
    """.split()
)
#: The services and wards that title a note, as qualifiers (``CARDIOLOGY CONSULT``) and, alone after a
#: known title on its line, layout (``NEW PATIENT VISIT - Cardiology``).
SERVICES = frozenset(
    """
    anesthesiology cardiology care ccu critical dermatology endocrinology gastroenterology geriatrics gynecology
    hematology hepatology hospitalist icu internal medicine micu nephrology neurology neurosurgery nicu
    nursing obstetrics oncology ophthalmology orthopedic orthopedics palliative pediatric pediatrics
    pharmacy physician psychiatry pulmonary pulmonology rehabilitation rheumatology sicu surgery
    transplant urology vascular
    """.split()
)
#: Words that only qualify a head (``Discharge``, ``Past Medical``, ``prior to admission``), and
#: since notes splitter version 7 the services and wards that title a note (``CARDIOLOGY CONSULT``,
#: ``ICU PROGRESS NOTE``), and since version 9 specialty notes' qualifiers (``Psych Hx``, ``OB Hx``,
#: ``Birth history``, ``Suicide risk assessment``); a heading of these alone (``Primary:``,
#: ``Chronic illness:``, ``Cardiology``, ``Suicide attempt``) names no known section.
SECTION_QUALIFIERS = frozenset(
    """
    active admission admitting allergic and at attending brief by chief chronic clinical concise
    consulting current department discharge ed electronic emergency er fam family final for from
    gross home hospital identifying illness in interval issue last med medical
    microscopic of on operative other outside overnight past pending performed pathologic pathology patient
    pertinent physical post post-operative postoperative pre-operative preoperative present
    primary principal prior problem progress reason secondary sexual soc surgical system systems
    the this to transfer treatment underlying
    abuse birth cancer developmental gyn gynecologic health new ob obstetric oncologic prenatal psych psychiatric
    return risk safety substance suicide telephone use
    """.split()
) | SERVICES
_NAME_WORDS = re.compile(r"[^\s/&]+")

#: Words that name a table's columns in a medication list or a table of results (``Medication``,
#: ``Dose``, ``Route``, ``Frequency``, ``Status``; ``Test``, ``Result``, ``Reference range``): a row
#: of these alone is the table's header, layout, not entities (:func:`is_column_header`).
COLUMN_WORDS = frozenset(
    """
    action amount comment comments component date dose dosage doses drug drugs end flag form frequency freq
    given indication instructions last medication medications name normal prescriber qty quantity range
    reference refills result results route sig start status stop strength taken test tests time unit units
    value values
    """.split()
)
#: What sets a table's cells apart: a tab, or three spaces or more, and any blanks after it
#: ("Lisinopril   10 mg   PO"); the notes splitter reads a table's rows by it too.
COLUMN_GAP = r"(?: {3,}|\t)[ \t]*"
_CELLS = re.compile(COLUMN_GAP)
_CELL_WORDS = re.compile(r"[A-Za-z]+")

#: Negation cues a note writes as a label alone on its line over a list (``Denies:`` over ``- fever``):
#: a label of findings, as ``Negative for:`` is, and no section (:func:`crfner.text.note_sections`
#: passes them over); the splitter still cuts such a line as a heading, a sentence of its own.
CUE_LABELS = frozenset("absent denied denies deny denying negative neither never no not without".split())


def normal_name(name: str) -> str:
    """A heading's name as the name sets hold it: lower case, single spaces."""
    return " ".join(name.lower().split())


def is_section_name(name: str) -> bool:
    """Whether a heading's name (without its colon) names a known section: one of
    :data:`SECTION_NAMES`, or up to eight words (cut at spaces, ``/`` and ``&``), each a head or a
    qualifier and at least one a head; ``Hypertension`` or ``Chest pain`` in a problem list is
    not one, so the tagger still reads it."""
    normal = normal_name(name)
    if normal in SECTION_NAMES:
        return True
    words = _NAME_WORDS.findall(normal)
    return (0 < len(words) <= 8 and any(w in SECTION_HEADS for w in words)
            and all(w in SECTION_HEADS or w in SECTION_QUALIFIERS for w in words))

#: A progress note's SOAP headings (subjective, objective, assessment, plan), known only as one
#: capital letter and a colon opening a line (``S: 34 yo F ...``), and ``P:`` only when no number
#: follows (``P: 88`` is a pulse).
SOAP_HEADINGS = frozenset("SOAP")


def is_column_header(line: str) -> bool:
    """Whether a line is a table's header row: three or more cells (set apart by a tab or three
    spaces), each of one to three words of :data:`COLUMN_WORDS` (``Medication<TAB>Dose<TAB>Route``)."""
    cells = [cell for cell in _CELLS.split(line.strip()) if cell.strip()]
    if len(cells) < 3:
        return False
    for cell in cells:
        words = _CELL_WORDS.findall(cell)
        if not 1 <= len(words) <= 3 or any(w.lower() not in COLUMN_WORDS for w in words):
            return False
    return True
