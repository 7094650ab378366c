"""crfner.text.notes: clinical notes split at headings, list items and line breaks, with the
same tokens as crfner.text.tokenize and the abstract splitter left as it was."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from crfner.text import (
    is_section_name,
    known_heading_spans,
    note_sections,
    note_sentences,
    note_token_sections,
    placeholder_spans,
    sentences,
    split_sentences,
    tagging_sentences,
    tokenize,
)

NOTE = """DISCHARGE SUMMARY

HPI: Pt is a 67 y/o M w/ HTN, DM2, CKD stage 3 and COPD who presented w/ SOB and
productive cough x3 days. Seen by Dr. Patel in clinic. Started on prednisone 40mg p.o. daily.

PAST MEDICAL HISTORY:
1. HTN
2. DM2 on metformin 500 mg b.i.d.
3) CKD, baseline Cr 1.8 mg/dL

ALLERGIES: Penicillin (rash).

HOSPITAL COURSE
Pt stable.
lisinopril held.
Treated w/ albuterol q6h and ipratropium, O2 2L NC, weaned
to room air. Glucose 5.5 mmol/L on admission. Heparin 5000 units SC t.i.d. Pt. Agrees w/ plan.

ASSESSMENT AND PLAN:
COPD exacerbation, improving. # HTN: resume lisinopril 20mg daily # DM2: metformin 500 mg b.i.d. w/ meals # CKD: avoid NSAIDs
- Prednisone 0.5 mg/kg daily x7 days, then stop.
- Follow up w/ PCP in 1-2 wks. Tramadol 1-2 tabs q.h.s. prn pain.
"""

EXPECTED = [
    "DISCHARGE SUMMARY",
    "HPI:",
    "Pt is a 67 y/o M w/ HTN, DM2, CKD stage 3 and COPD who presented w/ SOB and\nproductive cough x3 days.",
    "Seen by Dr. Patel in clinic.",
    "Started on prednisone 40mg p.o. daily.",
    "PAST MEDICAL HISTORY:",
    "1. HTN",
    "2. DM2 on metformin 500 mg b.i.d.",
    "3) CKD, baseline Cr 1.8 mg/dL",
    "ALLERGIES:",
    "Penicillin (rash).",
    "HOSPITAL COURSE",
    "Pt stable.",
    "lisinopril held.",
    "Treated w/ albuterol q6h and ipratropium, O2 2L NC, weaned\nto room air.",
    "Glucose 5.5 mmol/L on admission.",
    "Heparin 5000 units SC t.i.d. Pt. Agrees w/ plan.",
    "ASSESSMENT AND PLAN:",
    "COPD exacerbation, improving.",
    "# HTN: resume lisinopril 20mg daily",
    "# DM2: metformin 500 mg b.i.d. w/ meals",
    "# CKD: avoid NSAIDs",
    "- Prednisone 0.5 mg/kg daily x7 days, then stop.",
    "- Follow up w/ PCP in 1-2 wks.",
    "Tramadol 1-2 tabs q.h.s. prn pain.",
]
HEADINGS = ["DISCHARGE SUMMARY", "HPI", "PAST MEDICAL HISTORY", "ALLERGIES", "HOSPITAL COURSE", "ASSESSMENT AND PLAN"]


def note_texts(text: str, passages=None) -> list[str]:
    return [text[s[0].start : s[-1].end] for s in note_sentences(text, passages)]



def kept(text):
    """What tagging reads of ``text``: each sentence's text, list markers and layout left out."""
    return [text[s[0].start : s[-1].end] for s in note_sentences(text, markers=False)]

def test_the_note_is_discharge_sized():
    assert 700 <= len(NOTE) <= 900


def test_sentence_cuts_of_a_discharge_note():
    assert note_texts(NOTE) == EXPECTED


def test_no_sentence_spans_two_list_items():
    markers = ("#", "-", "1.", "2.", "3)")
    for sentence in note_texts(NOTE):
        inner = sentence.split()[1:]
        assert not any(word in ("#", "-") for word in inner), sentence
        if sentence.startswith(markers):
            assert not any(word in ("1.", "2.", "3)") for word in inner), sentence


def test_tokens_are_tokenizes_with_exact_offsets():
    found = [token for sentence in note_sentences(NOTE) for token in sentence]
    assert found == tokenize(NOTE)
    assert all(NOTE[t.start : t.end] == t.text for t in found)


def test_headings_and_each_tokens_section():
    spans = note_sections(NOTE)
    assert [name for _, _, name in spans] == HEADINGS
    assert all(NOTE[a:b] == name for a, b, name in spans)
    tokens = tokenize(NOTE)
    by_token = note_token_sections(NOTE)
    assert len(by_token) == len(tokens)
    section = dict(zip((t.start for t in tokens), by_token))
    assert section[NOTE.index("DISCHARGE")] == "DISCHARGE SUMMARY"
    assert section[NOTE.index("Penicillin")] == "ALLERGIES"
    assert section[NOTE.index("lisinopril held")] == "HOSPITAL COURSE"
    assert section[NOTE.index("NSAIDs")] == "ASSESSMENT AND PLAN"
    assert note_token_sections("no headings here") == [None, None, None]


def test_line_breaks_abbreviations_and_doses():
    assert note_texts("Pt stable.\nlisinopril held.") == ["Pt stable.", "lisinopril held."]
    assert note_texts("BP 150/90 on arrival\nGiven labetalol") == ["BP 150/90 on arrival", "Given labetalol"]
    assert note_texts("Admitted w/ chest pain and\nSOB overnight") == ["Admitted w/ chest pain and\nSOB overnight"]
    assert note_texts("Meds reviewed with\nDr. Smith. Pt. Jones to f/u.") == ["Meds reviewed with\nDr. Smith.", "Pt. Jones to f/u."]
    assert note_texts("Metoprolol 25 mg p.o. b.i.d. Lasix 20mg q.d. Pt y.o. M") == [
        "Metoprolol 25 mg p.o. b.i.d. Lasix 20mg q.d. Pt y.o. M"
    ]
    assert note_texts("Plan: 1. Aspirin 2. Statin 3. Follow up") == ["Plan:", "1. Aspirin", "2. Statin", "3. Follow up"]
    # an initial after a title is no sentence's end; a lone initial still may be, and one in a
    # note written in capitals ("MS", multiple sclerosis) is no title
    assert note_texts("SURGEON: Dr. A. Patel\nEBL: 25 mL.") == ["SURGEON:", "Dr. A. Patel", "EBL:", "25 mL."]
    assert note_texts("Seen by Dr A. Patel, Mrs. J. Smith and Prof. K. Lee. Given vitamin E. Then home.") == [
        "Seen by Dr A. Patel, Mrs. J. Smith and Prof. K. Lee.", "Given vitamin E.", "Then home."]
    assert note_texts("Hx of MS. A. fib noted.") == ["Hx of MS.", "A. fib noted."]
    assert note_texts("Problems:\n#HTN\n#DM2") == ["Problems:", "#HTN", "#DM2"]
    assert note_texts("BP: 120/80. HR: 80.") == ["BP: 120/80.", "HR: 80."]


def test_an_all_caps_name_and_value_is_a_heading_and_its_text():
    # not one heading named "PMH: HTN": the known heading, then what it says
    assert note_texts("PMH: HTN\nALLERGIES: NKDA\nCC: SOB") == ["PMH:", "HTN", "ALLERGIES:", "NKDA", "CC:", "SOB"]
    note = "PMH: HTN\nALLERGIES: NKDA"
    assert [note[a:b] for a, b in known_heading_spans(note)] == ["PMH:", "ALLERGIES:"]
    assert note_texts("DX: CHF EXACERBATION") == ["DX: CHF EXACERBATION"]  # "DX" alone names no section


def test_a_checkbox_holds_any_one_blank_but_a_line_break():
    for blank in (" ", "\t", "\u00a0", "\u2002", ""):
        assert note_texts(f"ROS: [X] chills [{blank}] fever") == ["ROS:", "[X] chills", f"[{blank}] fever"]
    assert note_texts("a [\u2028] b") == ["a [", "] b"]


def test_a_findings_label_ending_in_a_small_word_is_no_heading():
    # a review of systems' "Negative for:" labels the findings it lists, and stays with them, so that negation
    # reads it as a cue; a section's name does not end in "for", "of" or "with"
    note = "REVIEW OF SYSTEMS:\nNegative for: fever, chills.\nPositive for: headache.\nNEGATIVE FOR: rash\n"
    assert note_texts(note) == ["REVIEW OF SYSTEMS:", "Negative for: fever, chills.", "Positive for: headache.",
                                "NEGATIVE FOR: rash"]
    assert [name for _, _, name in note_sections(note)] == ["REVIEW OF SYSTEMS"]
    assert note_texts("Significant for: HTN, DM2") == ["Significant for: HTN, DM2"]
    # a known name may end so, and a name ending otherwise is read as before
    assert note_texts("Reason for Admission: chest pain\nChief Complaint: cough") == [
        "Reason for Admission:", "chest pain", "Chief Complaint:", "cough"]


def test_a_negation_cue_as_a_label_over_a_list_heads_no_section():
    # "Denies:" alone on its line over a list was listed as a section, and the items below it fell under
    # "Denies" rather than the review of systems; like "Negative for:", it labels findings
    assert note_sections("Denies:\n- fever\n- chills") == []
    note = "ROS:\nDenies:\n- fever\n- chills\nNO:\n- rash\nPlan:\nrest"
    assert [name for _, _, name in note_sections(note)] == ["ROS", "Plan"]
    tokens = tokenize(note)
    section = dict(zip((t.text for t in tokens), note_token_sections(note, tokens)))
    assert section["fever"] == section["rash"] == "ROS" and section["rest"] == "Plan"
    # still a line of its own, which negation reads as a cue over the list
    assert note_texts(note)[:4] == ["ROS:", "Denies:", "- fever", "- chills"]


def test_a_tables_header_row_of_column_names_is_layout():
    from crfner.text.section_names import is_column_header

    table = ("MEDICATION RECONCILIATION\n\nMedication\tDose\tRoute\tFrequency\tStatus\n"
             "Metoprolol succinate\t50 mg\tPO\tdaily\tContinue\nTest     Result     Reference range\nSodium     131     135-145\n")
    assert [table[a:b] for a, b in known_heading_spans(table)] == [
        "MEDICATION RECONCILIATION", "Medication\tDose\tRoute\tFrequency\tStatus", "Test     Result     Reference range"]
    sentences, known = tagging_sentences(table)
    assert [" ".join(t.text for t in sentences[k]) for k in sorted(known)] == [
        "MEDICATION RECONCILIATION", "Medication Dose Route Frequency Status", "Test Result Reference range"]
    # a row of values, two cells, or a cell that names a drug is no header; nor are words one space apart
    for line in ("Metoprolol\t50 mg\tPO", "Dose\tRoute", "Drug   Dose   Aspirin", "Sodium   131   mmol/L",
                 "Medication Dose Route Frequency"):
        assert not is_column_header(line), line


def test_soap_headings_open_their_sections_and_are_known():
    note = "S: 34 yo F c/o cough x2 days.\nO: T 37.9, P 88.\nA: CAP.\nP: amoxicillin 1 g p.o. t.i.d."
    assert note_texts(note) == ["S:", "34 yo F c/o cough x2 days.", "O:", "T 37.9, P 88.", "A:", "CAP.", "P:",
                                "amoxicillin 1 g p.o. t.i.d."]
    assert [name for _, _, name in note_sections(note)] == ["S", "O", "A", "P"]
    assert [note[a:b] for a, b in known_heading_spans(note)] == ["S:", "O:", "A:", "P:"]
    assert sorted(tagging_sentences(note)[1]) == [0, 2, 4, 6]
    # "P:" before a number is a pulse; a lower-case letter, or one inside a line, is no heading
    assert note_texts("P: 88, R: 16\ns: doing well") == ["P: 88, R: 16", "s: doing well"]
    assert note_texts("Vitals: T 37 P: 88") == ["Vitals:", "T 37", "P: 88"]  # cut as a run of measurements
    assert [name for _, _, name in note_sections("Vitals: T 37 P: 88")] == ["Vitals"]


def test_a_line_opening_with_a_label_starts_a_statement():
    # a note written in lower case: each "label:" line is a new statement, though it starts in lower case
    note = "exam: rr 24, bibasilar crackles\nekg: afib w/ rvr, rate 120s\ncxr: pulm edema\no2 sat: 88% on ra"
    assert note_texts(note) == ["exam:", "rr 24, bibasilar crackles", "ekg: afib w/ rvr, rate 120s",
                                "cxr: pulm edema", "o2 sat: 88% on ra"]
    # a wrapped line whose colon comes later, or a time, still continues the line before
    assert note_texts("Started on\nprednisone, dose: 40 mg") == ["Started on\nprednisone, dose: 40 mg"]
    assert note_texts("Seen at\n10:30 am by cardiology") == ["Seen at\n10:30 am by cardiology"]


def test_a_spaced_dash_between_words_parts_a_problem_from_its_plan():
    assert note_texts("1) CD flare - start prednisone 40 mg daily.") == ["1) CD flare", "- start prednisone 40 mg daily."]
    kept = note_sentences("anemia - iron sulfate 325mg po tid.", markers=False)
    assert [[t.text for t in s] for s in kept] == [["anemia"], ["iron", "sulfate", "325mg", "po", "tid", "."]]
    # between numbers it is a range, and a hyphen inside a word is no dash
    for text in ("albuterol q4 - 6h prn", "HR 80 - 90", "pain 7 - 8/10", "drug-eluting stent"):
        assert note_texts(text) == [text]


def test_a_spaced_dash_after_an_abbreviation_with_digits_parts_the_plan_too():
    """A problem written with digits (DM2, T2DM, COVID-19) parts from its plan as a word does; a value
    of one letter (q4, x2) opens a range."""
    assert kept("# DM2 - hold metformin, SSI") == ["DM2", "hold metformin, SSI"]
    assert kept("1. T2DM - on metformin 500 mg PO BID") == ["T2DM", "on metformin 500 mg PO BID"]
    assert kept("COVID-19 \u2013 isolate, droplet precautions") == ["COVID-19", "isolate, droplet precautions"]
    assert kept("Pneumonia (CAP) - ceftriaxone") == ["Pneumonia (CAP)", "ceftriaxone"]
    # a letter with digits parts only before a plain word: a vitamin's plan, not a range of values
    assert kept("# Low B12 - replete, recheck in 3 mo") == ["Low B12", "replete, recheck in 3 mo"]
    assert kept("vit D3 \u2014 start 1000 IU daily") == ["vit D3", "start 1000 IU daily"]
    for text in ("albuterol q4 - q6h prn", "oxycodone 5 - 10 mg", "Na 131 - 135", "morphine q4 - 6h",
                 "repeat x2 - 3 days", "lactulose x2 - x3 BMs", "HR 80 - irregular"):
        assert kept(text) == [text], text


def test_a_full_stop_before_a_lower_case_word_ends_a_statement_in_a_line_written_in_lower_case():
    assert kept("s: pt feels better. no cp, no sob overnight. tolerating po.") == [
        "s: pt feels better.", "no cp, no sob overnight.", "tolerating po."]
    # an entity cannot run across the stop: "murmurs. lungs" was one sentence, and one entity
    assert kept("gen: nad. cv: rrr, no murmurs. lungs: clear") == ["gen: nad.", "cv: rrr, no murmurs.", "lungs: clear"]
    # not after an abbreviation, a single letter or a dotted form
    assert kept("seen by dr. smith vs. dr. jones. plan as above.") == ["seen by dr. smith vs. dr. jones.", "plan as above."]
    assert kept("asa 81 mg p.o. daily. no cp. vitamin e. pt ok") == ["asa 81 mg p.o. daily.", "no cp.", "vitamin e. pt ok"]
    assert kept("metoprolol 25 mg 1 tab. po bid. no cp.") == ["metoprolol 25 mg 1 tab. po bid.", "no cp."]
    # a line with a capital keeps prose's rule, as case reports are written ("Pt stable. no cp." on one line)
    assert kept("Pt stable. no cp.\nbp ok. hr 80.") == ["Pt stable. no cp.", "bp ok.", "hr 80."]


def test_checklists_dashes_and_numbers_with_a_colon_are_list_markers():
    assert kept("ROS:\n[X] fever [ ] chills\n[x] cough") == ["ROS:", "fever", "chills", "cough"]
    assert kept("Meds:\n-- aspirin 81 mg\n--- metformin") == ["Meds:", "aspirin 81 mg", "metformin"]
    assert kept("Problems:\n1: HTN\n2: DM2 on metformin") == ["Problems:", "HTN", "DM2 on metformin"]
    assert kept("CHF -- restart lasix") == ["CHF", "restart lasix"]
    for text in ("Diluted 1: 1000 in saline.", "Cr 1.8 [2.0] today", "ratio 1:1"):
        assert kept(text) == [text]


def test_bullets_and_arrows_start_items():
    # the bullets of pasted templates mark an item wherever they stand, and tagging leaves them out
    assert kept("Plan:\n\u25aa sepsis protocol\n\u25e6 Foley placed \u25cf UOP 15 mL/hr") == [
        "Plan:", "sepsis protocol", "Foley placed", "UOP 15 mL/hr"]
    assert kept("\u2713 aspirin \u2714 statin \u27a2 beta blocker") == ["aspirin", "statin", "beta blocker"]
    # a spaced arrow before words parts two statements; between numbers it is a trend
    assert kept("CHA2DS2-VASc 3 -> start apixaban") == ["CHA2DS2-VASc 3", "start apixaban"]
    assert kept("fever --> sepsis => ICU \u2192 intubated") == ["fever", "sepsis", "ICU", "intubated"]
    assert kept("-> start abx") == ["start abx"]
    for text in ("Cr 1.2 -> 1.9 -> 2.3", "Na 128 \u2192 134", "wbc 12 => -3", "a->b", "5 mg \u00b7 daily"):
        assert kept(text) == [text], text


def test_a_number_after_a_label_is_a_value_not_a_list_item():
    # "88." after "HR:" was taken for an item's marker, and tagging never read the value
    assert kept("Vitals: HR: 88. BP: 120/80.") == ["Vitals:", "HR: 88.", "BP: 120/80."]
    assert kept("Temp: 38. Pulse: 112. Stable.") == ["Temp: 38.", "Pulse: 112.", "Stable."]
    # a list's first number after a statement still opens it, and the next ones follow
    assert kept("Problems: 1. HTN 2. DM2 3. CKD") == ["Problems:", "HTN", "DM2", "CKD"]
    assert kept("Seen. (1) HTN (2) DM2") == ["Seen.", "HTN", "DM2"]


def test_a_run_of_measurements_without_commas_is_cut_between_them():
    # run together, the version 7 model read "38.9 HR 118 BP 92/54 RR 24 SpO2 89%" as one lab value
    assert kept("VS: T 38.9 HR 118 BP 92/54 RR 24 SpO2 89% on RA") == [
        "VS:", "T 38.9", "HR 118", "BP 92/54", "RR 24", "SpO2 89% on RA"]
    assert kept("Na 131 K 5.8 Cr 2.4 BUN 48") == ["Na 131", "K 5.8", "Cr 2.4", "BUN 48"]
    assert kept("BP 142/90 mmHg | HR 96 | Temp 37.8") == ["BP 142/90 mmHg", "HR 96", "Temp 37.8"]
    assert kept("WBC-8.2 RBC-3.45* Hgb-10.6*") == ["WBC-8.2", "RBC-3.45*", "Hgb-10.6*"]  # MIMIC's lab lines
    # a list with commas is prose's own; a name needs a value before it and one after it; "hr" and
    # "mg" in lower case are units, a one-letter name glued to its number is something else
    for text in ("BP 120/80, HR 72, RR 18", "hemoglobin 9.1 g/dL and platelets 120", "Pt HR 118", "Infused over 2 hr 30 min",
                 "metformin 500 mg 2 tabs", "screws in T10 T11 L1", "HR 118 BP low"):
        assert kept(text) == [text], text


def test_a_time_stamp_opening_a_line_is_an_entry_of_its_own():
    # run together, the version 7 model read "1435 - BP 168/94, HR 104" as one lab value
    log = "1435 - BP 168/94, HR 104\n14:35: ASA 324 mg PO given\n12/03 0800 -- pt resting\n2:15 PM BP 90/60\n0800: c/o pain,\nrelieved"
    assert kept(log) == ["1435 -", "BP 168/94, HR 104", "14:35:", "ASA 324 mg PO given", "12/03 0800 --", "pt resting",
                         "2:15 PM", "BP 90/60", "0800:", "c/o pain,\nrelieved"]
    assert kept("1440 \u2013 ECG: ST elevation") == ["1440 \u2013", "ECG:", "ST elevation"]  # what follows reads as a line
    # four digits need a separator; a range, a count, a dose or a number inside a line is no stamp
    for text in ("2000 calorie diet", "2000 - 3000 units", "1200 - 1300: in MRI", "Arrival: 1432 by EMS", "2400 mL out",
                 "1435 -", "14:35", "24:10 - x", "1260 - x", "1:1000 epinephrine"):
        assert kept(text) == [text], text


def test_a_finding_with_its_sign_after_a_statement_opens_a_new_one():
    # the abstract splitter reads ". +2" as a sentence going on: the model read "110-130s/60-70s.
    # +2 pedal pulses" as one lab value
    assert kept("BP 110-130s/60-70s. +2 pedal pulses. Abd soft. +BS; +flatus") == [
        "BP 110-130s/60-70s.", "+2 pedal pulses.", "Abd soft.", "+BS;", "+flatus"]
    for text in ("Pulses: +2 bilat", "Edema 1+ to +2", "Na 131, +2 from yesterday", "Soft. + BS", "ANA +. +", "done. +"):
        assert kept(text) == [text], text


def test_outline_numerals_and_words_pasted_bullets_start_items():
    outline = "I. Cardiovascular\n\uf0b7 Hypertension \uf0a7 on amlodipine\nII. Renal\no CKD stage 3\nIV) Endocrine\n\u00a7 DM2\n\u00d8 TSH"
    assert kept(outline) == ["Cardiovascular", "Hypertension", "on amlodipine", "Renal", "CKD stage 3", "Endocrine", "DM2",
                             "TSH"]
    # a sub-list's lower-case numerals: "ii." had been read as a sentence of its own, and tagged
    sublist = "b. Cardiology consult.\n   i. Echo in AM.\n   ii. Stress test if neg.\n   iii) Lipids\n   iv. Repeat ECG"
    assert kept(sublist) == ["Cardiology consult.", "Echo in AM.", "Stress test if neg.", "Lipids", "Repeat ECG"]
    # a roman numeral, "o" or "\u00a7" marks an item only where a line opens: inside one, nothing is left out
    for text in ("Type II. Resolved", "CKD stage IV. On dialysis", "rash o the arm", "per \u00a7 164.512", "DIC. IV fluids",
                 "IV fluids given", "Vitamin D. XII) noted", "genotype iii. Treated", "given iv. Then"):
        assert "".join(kept(text)).replace(" ", "") == text.replace(" ", ""), text
    # an outline's numbered sub-items: "1.1" had been read as a value ("1 . 1 Blood")
    problems = "1. Sepsis\n1.1 Blood cultures pending\n1.2. Vancomycin started\n2. AKI\n2.1 Creatinine 2.1\n2.1.3 Renal US"
    assert kept(problems) == ["Sepsis", "Blood cultures pending", "Vancomycin started", "AKI", "Creatinine 2.1", "Renal US"]
    # only before a capitalised word, not a unit, where a line opens: wrapped prose keeps its values
    for text in ("Tumour measured\n1.5 cm and treated", "treated with\n50.4 Gy in 28 fractions", "fell to\n2.1 Mg replaced",
                 "HR 88. 1.1 Blood", "Cr\n1.2 mg/dL"):
        assert "".join(kept(text)).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", ""), text


def test_a_known_name_and_a_dash_alone_on_a_line_is_a_heading():
    note = "Plan -\ncontinue lisinopril\nPLAN \u2014\nHypertension -\nstart lisinopril"
    assert [name for _, _, name in note_sections(note)] == ["Plan", "PLAN"]
    assert [note[a:b] for a, b in known_heading_spans(note)] == ["Plan -", "PLAN \u2014"]
    assert note_texts(note)[-2:] == ["Hypertension -", "start lisinopril"]  # no known name: text
    # an ALL-CAPS line ending in a dash is a heading by its shape, as before the rule
    assert note_sections("ACUTE KIDNEY INJURY -\nstart fluids") == [(0, 19, "ACUTE KIDNEY INJURY")]


def test_soap_headings_inside_a_note_written_on_one_line():
    note = "S: 45 yo F c/o headache x3 days. O: BP 150/95, P: 88. A: tension headache. P: ibuprofen 400 mg PRN."
    assert note_texts(note) == ["S:", "45 yo F c/o headache x3 days.", "O:", "BP 150/95, P: 88.", "A:",
                                "tension headache.", "P:", "ibuprofen 400 mg PRN."]
    assert [note[a:b] for a, b in known_heading_spans(note)] == ["S:", "O:", "A:", "P:"]
    # only after a statement ends, on a line that opened with one, and "P:" before a number is a pulse
    for text in ("Vitals: T 37. P: 88. A: stable", "Seen today. O: stable", "S: well, O: febrile"):
        assert [a for a, _, name in note_sections(text) if name in {"S", "O", "A", "P"}] == ([0] if text.startswith("S:") else []), text
    assert [name for _, _, name in note_sections("S: well. A/P: CAP. P: 92 bpm")] == ["S", "A/P"]


def test_a_known_section_name_and_a_spaced_dash_open_a_section():
    note = "HPI -- 58M w/ worsening pain.\nChief complaint - chest pain\nPLAN \u2014 ICU\nHypertension - start lisinopril"
    assert note_texts(note) == ["HPI --", "58M w/ worsening pain.", "Chief complaint -", "chest pain", "PLAN \u2014", "ICU",
                                "Hypertension", "- start lisinopril"]
    assert [name for _, _, name in note_sections(note)] == ["HPI", "Chief complaint", "PLAN"]
    assert [note[a:b] for a, b in known_heading_spans(note)] == ["HPI --", "Chief complaint -", "PLAN \u2014"]


def test_numbers_in_brackets_are_items_counted_in_their_own_style():
    assert kept("Problems: (1) HTN (2) DM2 (3) CKD") == ["Problems:", "HTN", "DM2", "CKD"]
    assert kept("(1) HTN\n(2) DM2") == ["HTN", "DM2"]
    # a Sig line's "(2)" follows a "1." item, not a "(1)": no item
    for text in ("1. Furosemide 20 mg Tablet Sig: Two (2) Tablet PO BID", "x (2) y (3) z"):
        assert kept(text) == [text.removeprefix("1. ")]


def test_rule_lines_are_layout_and_tagging_leaves_them_out():
    note = "HPI\n=====\n58M w/ foot ulcer.\n----------\n|---|:--:|\n+----+----+\n____\nSigned"
    assert note_texts(note) == ["HPI", "=====", "58M w/ foot ulcer.", "----------", "|---|:--:|", "+----+----+", "____",
                                "Signed"]
    assert kept(note) == ["HPI", "58M w/ foot ulcer.", "Signed"]
    # a rule line is never continued, and a line with words in it is no rule
    assert note_texts("-----\nlisinopril held") == ["-----", "lisinopril held"]
    assert note_texts("BP 120/80 --- HR 80") == ["BP 120/80 --- HR 80"]


def test_a_rule_of_two_marks_or_of_dashes_is_a_rule_too():
    """A "--" (or "==", "**", "——") alone on its line was a sentence that tagging read as
    tokens, and ran on from a line ending in "and" or ","; it is now a rule, left out as "-----" is."""
    for rule in ("--", "==", "**", "~~", "__", "- -", "——", "–––", "───", "|--|"):
        note = f"Pt denies fever and\n{rule}\nNo chest pain,\n  {rule}  \nHPI: cough."
        assert note_texts(note) == ["Pt denies fever and", rule, "No chest pain,", rule, "HPI:", "cough."], rule
        read = note_sentences(note, markers=False)
        assert [note[s[0].start : s[-1].end] for s in read] == ["Pt denies fever and", "No chest pain,", "HPI:", "cough."]
        assert all(note[t.start : t.end] == t.text for s in read for t in s)  # offsets into the note as it is
    # marks before words or numbers are a list marker or a heading's, a "+/-" is a finding: no rule
    for text, read in (("-- see above", ["see above"]), ("-- 5", ["5"]), ("**BP:** 120/80", ["**BP:** 120/80"]),
                       ("K+ 4.1\n+/-\nNa 140", ["K+ 4.1", "+/-", "Na 140"]), ("HPI --\n58M", ["HPI --", "58M"])):
        assert [text[s[0].start : s[-1].end] for s in note_sentences(text, markers=False)] == read, text


def test_markdown_headings_and_table_rows():
    note = "**Assessment:** diabetic foot ulcer\n__Plan__:\n## Allergies\n## HTN\n**BP:** 120/80"
    assert note_texts(note) == ["**Assessment:**", "diabetic foot ulcer", "__Plan__:", "## Allergies", "## HTN",
                                "**BP:** 120/80"]
    assert [name for _, _, name in note_sections(note)] == ["Assessment", "Plan", "Allergies"]
    assert [note[a:b] for a, b in known_heading_spans(note)] == ["**Assessment:**", "__Plan__:", "## Allergies"]
    # "## HTN" is an item of a problem list; a bold name before a number is a value
    assert [note[s[0].start : s[-1].end] for s in note_sentences(note, markers=False)][-2:] == ["HTN", "**BP:** 120/80"]
    # a table row is one item, read as a line of prose: its cell borders are left out, so a lab
    # value keeps its test and its unit ("Sodium | 131 | mmol/L"), as in a table of tabs
    table = "| Drug | Dose |\n|---|---|\n| Metformin | 1000 mg |\nSodium | 131 | mmol/L"
    read = note_sentences(table, markers=False)
    assert [table[s[0].start : s[-1].end] for s in read] == ["Drug | Dose", "Metformin | 1000 mg", "Sodium | 131 | mmol/L"]
    assert [[t.text for t in s] for s in read] == [["Drug", "Dose"], ["Metformin", "1000", "mg"], ["Sodium", "131", "mmol", "/", "L"]]
    assert note_texts(table) == ["| Drug | Dose |", "|---|---|", "| Metformin | 1000 mg |", "Sodium | 131 | mmol/L"]


def test_spaced_en_and_em_dashes_part_statements_like_a_hyphen():
    assert note_texts("Wound \u2014 erythema 4 cm; no crepitus") == ["Wound", "\u2014 erythema 4 cm; no crepitus"]
    assert note_texts("CHF \u2013 diurese") == ["CHF", "\u2013 diurese"]
    for text in ("HR 80 \u2013 90", "pain 7 \u2014 8/10", "Wolff\u2013Parkinson\u2013White"):
        assert note_texts(text) == [text]


def test_a_short_line_is_not_continued_by_a_lower_case_line():
    # an unmarked list, one item a line, in lower case: each line is its own statement
    meds = "Home meds:\naspirin 81 mg daily\nmetoprolol 25 mg bid\nAspirin\nmetformin 1000 mg"
    assert note_texts(meds) == ["Home meds:", "aspirin 81 mg daily", "metoprolol 25 mg bid", "Aspirin", "metformin 1000 mg"]
    # a line long enough to have been wrapped, or ending in a comma or a word such as "with", still is
    wrapped = "Treated with albuterol q6h and ipratropium, O2 2L NC, weaned\nto room air."
    assert note_texts(wrapped) == [wrapped]
    assert note_texts("Pt seen with\nwife, daughter") == ["Pt seen with\nwife, daughter"]
    assert note_texts("fever,\nchills") == ["fever,\nchills"]


def test_a_statement_ending_in_sx_or_hx_ends_before_a_capital():
    # before (NOTES_VERSION 13), "sx." never ended a sentence: "No manic sx. Appetite ok." was one, and the
    # quick start's model tagged "manic sx. Appetite ok" as one sign
    assert note_texts("No manic sx. Appetite ok. Family hx. Reviewed.") == ["No manic sx.", "Appetite ok.", "Family hx.",
                                                                            "Reviewed."]
    # titles and "Pt." still carry on, and so does "hx." in a line written in lower case
    assert note_texts("Seen with Dr. Patel and Pt. Jones.") == ["Seen with Dr. Patel and Pt. Jones."]
    assert note_texts("hx. of htn. no sx. today") == ["hx. of htn.", "no sx. today"]


def test_a_title_in_capitals_before_a_word_in_capitals_ends_no_sentence():
    # before (NOTES_VERSION 14), a note written in capitals was cut after its titles: "SEEN BY DR." and "PATEL ..."
    assert note_texts("SEEN BY DR. PATEL IN CLINIC. REFERRED BY MRS. JONES.") == [
        "SEEN BY DR. PATEL IN CLINIC.", "REFERRED BY MRS. JONES."]
    # not before a capitalised word, nor MR. and MS., which end statements as mitral regurgitation and stenosis
    assert note_texts("No DR. Follow up in 1 year.") == ["No DR.", "Follow up in 1 year."]
    assert note_texts("SEVERE MR. TRACE TR. HX OF MS. NO FEVER.") == ["SEVERE MR.", "TRACE TR.", "HX OF MS.", "NO FEVER."]


def test_a_medication_lists_rows_are_apart_however_long_the_next_drugs_name():
    # before, a lower-case line whose first word did not fit within 40 characters continued the row above
    meds = ("carvedilol 12.5 mg BID\nsacubitril-valsartan 49-51 mg BID\nspironolactone 25 mg daily - not taking\n"
            "apixaban 5 mg BID\nmetoprolol succinate 50 mg daily\nhydrochlorothiazide 25 mg qAM")
    assert note_texts(meds) == ["carvedilol 12.5 mg BID", "sacubitril-valsartan 49-51 mg BID", "spironolactone 25 mg daily",
                                "- not taking", "apixaban 5 mg BID", "metoprolol succinate 50 mg daily",
                                "hydrochlorothiazide 25 mg qAM"]
    # prose wrapped after a frequency still reads on, and so does a row wrapped before its frequency
    for text in ("The patient was then started on aspirin 81 mg daily\nfor 3 years.",
                 "and 4, and target dose (100 mg three times daily)\nafter 1 month.",
                 "The female patient received clozapine in a daily\ndose of 400 mg.",
                 "Warfarin was restarted at a reduced dose of 2 mg\ndaily 3 weeks later."):
        assert note_texts(text) == [text]


def test_hard_wrapped_prose_is_joined_again():
    # a bracket after a wrap continues, as a lower-case word does
    bracket = "On day 1 we prescribed an angiotensin-converting enzyme\n(ACE) inhibitor and a diuretic."
    assert note_texts(bracket) == [bracket]
    assert note_texts("HTN\n(resolved)") == ["HTN", "(resolved)"]
    # a capital after a line it would not have fitted on, at 70 characters or the passage's widest
    # line, continues: the writer's editor wrapped there
    wrapped = ("A guidewire was advanced and a drug-eluting stent was placed in the distal\n"
               "LAD without complications; the patient was discharged on aspirin.")
    assert note_texts(wrapped) == [wrapped]
    # a shorter line ended where its writer ended it, a list item of some 60 characters among them
    assert note_texts("Pt stable\nLisinopril held") == ["Pt stable", "Lisinopril held"]
    meds = "Metoprolol succinate 25 mg tablet, extended release 24 hr\nLisinopril 10 mg tablet daily"
    assert note_texts(meds) == meds.split("\n")
    # where the passage has a longer line, the wrap width is unknown and the capital starts anew
    wide = "Seen. " * 20 + "\n" + wrapped
    assert note_texts(wide)[20:] == wrapped.split("\n")


def test_rows_of_a_table_with_columns_of_spaces_or_tabs_are_each_their_own():
    # the widest row is not hard-wrapped prose, though the next row's first word would not have
    # fitted on it: two rows in a row with a column gap each end where their writer ended them
    table = ("Medication              Dose      Route   Frequency   Status\n"
             "Lisinopril              10 mg     PO      daily       HOLD\n"
             "Insulin glargine        20 units  SC      qHS         Changed to 15 units\n"
             "Aspirin                 81 mg     PO      daily       Continue\n"
             "Heparin\t5000 units\tSC\tq8h\tNew")
    assert note_texts(table) == table.split("\n")
    # nor does a form's row, wider than the note's wrapped prose, set the width it was wrapped at
    form = ("Admission Date:  [**2150-3-1**]              Discharge Date:   [**2150-3-8**]\n\n"
            "Discharge Medications:\n1. Aspirin 81 mg Tablet, Chewable Sig: One (1) Tablet, Chewable PO\nDAILY (Daily).")
    assert note_texts(form)[-1] == "1. Aspirin 81 mg Tablet, Chewable Sig: One (1) Tablet, Chewable PO\nDAILY (Daily)."
    # wrapped prose that opens with a column gap, or one line of a table, still joins as before
    wrapped = ("Impression:     A guidewire was advanced and a drug-eluting stent was placed in the distal\n"
               "LAD without complications; the patient was discharged on aspirin.")
    assert note_texts(wrapped) == ["Impression:", wrapped[16:]]


def test_a_line_indented_deeper_than_the_text_above_continues_only_a_full_line():
    # an after-visit summary's heading over its indented drug: no wrap indents deeper
    avs = "CHANGE how you take these medications\n  metoprolol succinate 50 mg 24 hr tablet\n  Take 1 tablet daily"
    assert note_texts(avs) == ["CHANGE how you take these medications", "metoprolol succinate 50 mg 24 hr tablet",
                               "Take 1 tablet daily"]
    # a hanging indent, aligned with the text after a list marker or a label, still continues
    item = "1. Acute appendicitis with appendicolith and periappendiceal fat stranding, no\n   abscess or perforation."
    assert note_texts(item) == [item]
    label = "Plan:  continue furosemide and metoprolol at the current doses, and recheck\n       potassium in the morning"
    assert note_texts(label) == ["Plan:", label[7:]]
    tabbed = "\tTreated with albuterol q6h and ipratropium, O2 2L NC, weaned\n        to room air."  # a tab is 8 columns
    assert note_texts(tabbed) == [tabbed[1:]]
    # a deeper indent continues as a capital does: from a line the word would not have fitted on
    deeper = "1. Acute appendicitis with appendicolith and periappendiceal fat stranding, no\n      abscess."
    assert note_texts(deeper) == [deeper]
    # a zero-width space opening a line is no indent (a case report's "(Figure\n\u200b(Figure2A)")
    hidden = "Treated with albuterol and ipratropium, weaned\n\u200bto room air."
    assert note_texts(hidden) == [hidden]


def test_de_identification_placeholders_are_left_out_and_cut_the_sentence():
    note = ("Mr. [**Known lastname 5678**] is a 70 yo M from [**Hospital3 **] w/ fever.\n"
            "Mr. ___ seen on ___ at ___.\nSig: ______ x___y __init__")
    assert [note[a:b] for a, b in placeholder_spans(note)] == [
        "[**Known lastname 5678**]", "[**Hospital3 **]", "___", "___", "___", "______"]
    assert kept(note) == ["Mr.", "is a 70 yo M from", "w/ fever.", "Mr.", "seen on", "at", ".", "Sig:", "x___y __init__"]
    # every token is still there for the sentence splitter's own view
    assert [t for s in note_sentences(note) for t in s] == tokenize(note)
    assert placeholder_spans("[** unclosed\n**] and ** bold **") == []
    for line_break in ("\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"):  # every break that ends a line
        assert placeholder_spans(f"[**Doctor{line_break}Last Name**]") == []


def test_a_line_of_unclosed_placeholders_is_read_in_linear_time():
    import time

    # an unbounded search from each "[**" took 13 s on this line (60,000 characters) and grew
    # with its square; a placeholder holds at most 100 characters
    started = time.perf_counter()
    assert placeholder_spans("[**" * 20000) == []
    assert time.perf_counter() - started < 5
    assert placeholder_spans("[**" + "x" * 100 + "**]") == [(0, 106)]
    assert placeholder_spans("[**" + "x" * 101 + "**]") == []


def test_long_runs_of_spaces_after_a_name_or_a_soap_heading_are_read_in_linear_time():
    import time

    # a measurement name's pattern with two runs of spaces around an optional colon backtracked
    # over the run: 100,000 spaces after "5 HR" took 122 s
    for text in ("5 HR" + " " * 100000 + "x", "5 T" + " " * 100000 + "x", "5 HR:" + "\t" * 100000 + "x",
                 "S: x." + " " * 100000 + "O", "1435" + " " * 100000 + "x", "12/03" + " " * 100000 + "x",
                 "14:35" + " " * 100000 + "- x", ("x." + " " * 1000 + "+a ") * 100 + "z"):
        started = time.perf_counter()
        assert [t.text for s in note_sentences(text) for t in s][-1] == text[-1]
        assert time.perf_counter() - started < 5, text[:6]


def test_a_long_run_of_note_abbreviations_is_read_in_linear_time():
    import time

    # each full stop after "Pt" cuts the abstract splitter's sentence and the notes splitter
    # joined the pieces back by copying the sentence so far: 100,000 "Hx. " took 58 s
    text = "Pt. " * 100000
    started = time.perf_counter()
    split = note_sentences(text)
    assert time.perf_counter() - started < 5
    assert len(split) == 1 and split[0] == tokenize(text)


def test_a_long_line_of_statements_with_one_capital_at_its_end_is_read_in_linear_time():
    import time

    # whether a line is written in lower case is read once for the line, not once for each of its sentences
    text = "ab. 1 " * 40000 + "Z"
    started = time.perf_counter()
    split = note_sentences(text)
    assert time.perf_counter() - started < 5
    assert len(split) == 40001 and [t for s in split for t in s] == tokenize(text)
    lower = "no cp. " * 40000
    started = time.perf_counter()
    assert len(note_sentences(lower)) == 40000
    assert time.perf_counter() - started < 5


def test_a_byte_order_mark_or_a_zero_width_space_is_no_part_of_a_line():
    # a note saved by Notepad opens with U+FEFF: its first heading was named "\ufeffHPI", no known section
    note = "\ufeffHPI:\n58M w/ chest pain.\nPlan:\u200b 1. aspirin\n\u200b# HTN"
    plan = note.index("Plan")
    assert note_sections(note) == [(1, 4, "HPI"), (plan, plan + 4, "Plan")]
    assert [note[a:b] for a, b in known_heading_spans(note)] == ["HPI:", "Plan:"]
    assert kept(note) == ["HPI:", "58M w/ chest pain.", "Plan:", "aspirin", "HTN"]  # the markers seen and left out


def test_radiology_headings_are_known():
    report = "EXAMINATION: CT abdomen.\nTECHNIQUE: Axial images.\nCOMPARISON: None.\nIMPRESSION:\n1. Appendicitis."
    assert [report[a:b] for a, b in known_heading_spans(report)] == ["EXAMINATION:", "TECHNIQUE:", "COMPARISON:", "IMPRESSION:"]


def test_section_names_are_built_from_heads_and_qualifiers():
    for name in ("MEDICATIONS ON TRANSFER", "Final Diagnoses", "Laboratory Tests", "Past med history",
                 "DISCHARGE INSTRUCTIONS/FOLLOWUP", "Assessment & Plan", "History of Chronic Illness", "ED Note",
                 # operative, pathology and consult notes
                 "PREOPERATIVE DIAGNOSIS", "Post-operative Diagnosis", "ANESTHESIA", "Complications", "Drains",
                 "Surgical Pathology Report", "Specimens", "Reason for Consult", "Recs", "Procedure",
                 "Admission Date", "Discharge Date",
                 # a progress note's shorthand
                 "Dispo", "F/u", "Soc hx", "Fam hx", "PSHx", "Code status", "Access", "Lines", "Overnight events",
                 "Social", "Triage",
                 # a hospitalist's and a medication list's
                 "Medication Reconciliation", "Med rec", "Pending results", "Consults", "Attestation", "Goals of care",
                 "To do",
                 # a discharge summary's and an operative note's form fields
                 "Attending", "Major Surgical or Invasive Procedure", "Transitional Issues", "24 Hour Events",
                 "Activity Status", "Surgeon", "Assistant", "EBL", "Estimated blood loss",
                 "PROCEDURES PERFORMED", "Operation performed", "Operations",
                 # a note's title naming its service or ward (notes splitter version 7)
                 "CARDIOLOGY CONSULT", "ICU PROGRESS NOTE", "Critical Care Progress Note", "Primary Care Follow-up",
                 "Internal Medicine Admission Note", "Neurosurgery Operative Report",
                 # specialty notes' sections: psychiatry, obstetrics, paediatrics, oncology, primary care, phone calls
                 "MSE", "Mental Status Exam", "Psych Hx", "Past Psychiatric History", "Substance Use History",
                 "Substance use", "Suicide risk assessment", "Safety plan", "OB Hx", "Past Obstetric History",
                 "GYN history", "Prenatal labs", "Birth history", "Developmental history", "Immunizations",
                 "Vaccinations", "Oncologic history", "Cancer history", "Staging", "Treatment", "Prior treatment",
                 "Health maintenance", "Preventive care", "Cancer screening", "Return precautions",
                 "Reason for visit", "Reason for referral", "Reason for call", "Telephone encounter"):
        assert is_section_name(name), name
    # a problem-list heading names a problem, a vital sign or a test is for the tagger, a lone qualifier names nothing
    for name in ("Hypertension", "Chest pain", "Acute kidney injury", "Allergic reaction", "Blood Pressure", "MRI",
                 "Primary", "Chronic illness", "Discharge", "Medications 2", "Pathology", "Postoperative",
                 "Mental status", "Family", "Code", "Pending", "Performed",
                 # a specialty's qualifier alone, or with a finding
                 "Cancer", "Risk", "Suicide", "Birth", "Return", "Substance", "Use", "Suicide attempt",
                 "Birth weight", "Cancer pain", "Substance abuse",
                 # a service alone, or with a finding, is no section
                 "Cardiology", "Surgery", "Pulmonary embolism", "Pulmonary function tests", "Critical illness"):
        assert not is_section_name(name), name
    title = "CARDIOLOGY CONSULT\nHPI: 68M with AF."
    assert [title[a:b] for a, b in known_heading_spans(title)] == ["CARDIOLOGY CONSULT", "HPI:"]  # nothing tagged in it
    note = "Medications on transfer: aspirin\nChest Pain: resolved\nBlood Pressure: 120/80"
    assert [note[a:b] for a, b in known_heading_spans(note)] == ["Medications on transfer:"]
    # "Chest Pain:" is a heading by its shape, to be tagged; a number after a name makes it a value
    assert note_texts(note) == ["Medications on transfer:", "aspirin", "Chest Pain:", "resolved", "Blood Pressure: 120/80"]


# medspaCy's literal headers the splitter leaves unknown on purpose
NOT_KNOWN = {
    "Primary:": "a lone qualifier",
    "Secondary:": "a lone qualifier",
    "MRI:": "a test the tagger should read",
    "ECHO:": "a test the tagger should read",
    "Reassesment:": "misspelt",
    "PMHSx:": "shorthand for no one section",
    "Signed electronically by:": "a signature line",
    "CONCISE SUMMARY OF HOSPITAL COURSE BY ISSUE/SYSTEM:": "more than the six words a heading may have",
}


def test_medspacys_section_headers_are_known_sections(data_dir):
    import json

    path = data_dir / "clinical" / "lexicons" / "sections" / "medspacy_section_patterns_en.json"
    headers = {rule["literal"] for rule in json.loads(path.read_text(encoding="utf-8"))["section_rules"]}
    assert len(headers) > 100 and NOT_KNOWN.keys() <= headers
    unknown = set()
    for header in headers:
        text = f"{header}\nHe was seen today."
        spans = known_heading_spans(text)
        if not (spans and text[spans[0][0]:spans[0][1]] == header):
            unknown.add(header)
    assert unknown == NOT_KNOWN.keys()


def test_passages_are_split_one_by_one():
    text = "HPI: Pt stable\nlisinopril held"
    assert note_texts(text, [(0, 14), (15, len(text))]) == ["HPI:", "Pt stable", "lisinopril held"]
    assert note_texts(text, [(5, 14)]) == ["Pt stable"]


def test_the_abstract_splitter_is_unchanged():
    abstract = "Mutations in BRCA1 were seen.\nNo ataxia was found in 2 patients (i.v.\ndose)."
    assert [abstract[a:b] for a, b in split_sentences(abstract)] == [
        "Mutations in BRCA1 were seen.",
        "No ataxia was found in 2 patients (i.v.\ndose).",
    ]
    # the abstract splitter joins a wrapped line the notes mode cuts
    assert len(sentences("Pt stable\nGiven labetalol")) == 1
    assert len(note_sentences("Pt stable\nGiven labetalol")) == 2


NOTE_ALPHABET = st.sampled_from(
    list("aZ0.:;#-*)( \n\t\r,/") + ["HPI:", "PLAN", "b.i.d.", "Pt.", "1. ", "# ", "\n\n", "mg", "\u2022 ", "\u0301", "\x0c",
                                         "S: ", "P: ", "ekg: ", "\nO:", "[X] ", "[ ]", "-- ", "1: ", "\u25aa ", " -> ", "\u2192",
                                         " | ", "|", " \u2014 ", "**", "__", "## ", "\n---\n", "===", "+--+",
                                         "[**", "**]", "(1) ", "HPI -- ", " HR 118", "T ", "Na-1", "II. ", "o ", "\uf0b7",
                                         "Plan -", ". O: ", "1435", "14:35", " - ", "12/03 ", " PM ", ". +2 ",
                                         "+BS", "\n0800: "]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(NOTE_ALPHABET, max_size=60).map("".join), st.data())
def test_sentences_cover_every_token_in_order(text, data):
    found = note_sentences(text)
    assert all(found)
    flat = [t for s in found for t in s]
    assert flat == tokenize(text)
    assert all(a[-1].end <= b[0].start for a, b in itertools.pairwise(found))
    assert all(text[t.start : t.end] == t.text for t in flat)
    assert len(note_token_sections(text)) == len(flat)
    cut = data.draw(st.integers(0, len(text)))
    parts = note_sentences(text, [(0, cut), (cut, len(text))])
    assert [t for s in parts for t in s] == tokenize(text, 0, cut) + tokenize(text, cut)


def test_tagging_leaves_each_list_items_marker_out():
    read = kept(NOTE)
    assert "HTN" in read and "DM2 on metformin 500 mg b.i.d." in read and "CKD, baseline Cr 1.8 mg/dL" in read
    assert "HTN: resume lisinopril 20mg daily" in read and "Prednisone 0.5 mg/kg daily x7 days, then stop." in read
    assert "Follow up w/ PCP in 1-2 wks." in read and "Tramadol 1-2 tabs q.h.s. prn pain." in read
    assert len(read) == len(EXPECTED) and sum(a != b for a, b in zip(read, EXPECTED)) == 8  # the 8 list items
    # a line that only looks like an item in prose keeps its words: "3." after a number is no marker
    assert [t.text for t in note_sentences("Cr rose to 3. Then fell.", markers=False)[0]][:3] == ["Cr", "rose", "to"]


LONE_MARKERS = ["-", "*", "#", "1.", "2)", "(3)", "4:", "a)", "\u2022", "\u25aa", "[ ]", "[X]", "->", "II.", "o", "|"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.tuples(st.sampled_from(LONE_MARKERS), st.sampled_from(["", " ", "  ", "\t"])),
                          st.sampled_from(["HTN", "- aspirin 81 mg", "Pt stable.", "PLAN:", "1. DM2"])), min_size=1, max_size=8),
       st.booleans())
def test_a_marker_alone_on_its_line_is_an_empty_item_tagging_leaves_out(lines, closed):
    """A lone "-", "#" or "1." (an empty item) was read as a text line: tagging kept it as a
    sentence of its own, which a model could tag as an entity; it is an item, its marker left out."""
    text = "\n".join(line if isinstance(line, str) else "".join(line) for line in lines) + ("\n" if closed else "")
    lone, position = [], 0
    for line in lines:
        if not isinstance(line, str):
            lone.append((position, position + len(line[0])))
        position += len("".join(line) if not isinstance(line, str) else line) + 1
    kept = [t for s in note_sentences(text, markers=False) for t in s]
    assert not any(a <= t.start < b for t in kept for a, b in lone), text
    # the items with words keep their words
    assert [t.text for t in kept if t.text.isalpha()] == [w for line in lines if isinstance(line, str)
                                                           for w in line.replace(".", " ").replace(":", " ").split()
                                                           if w.isalpha()]


def test_an_empty_items_marker_alone_is_left_out_and_nothing_else_changes():
    text = "Plan:\n-\nlisinopril held\n#\nHTN\n1.\n2. DM2\n*"
    assert note_texts(text) == ["Plan:", "-", "lisinopril held", "#", "HTN", "1.", "2. DM2", "*"]
    assert kept(text) == ["Plan:", "lisinopril held", "HTN", "DM2"]
    # a word alone on its line, or a number and a unit, is no marker
    words = "Meds:\nA\n5 mg\n10"
    assert note_sentences(words, markers=False) == note_sentences(words)


def test_a_genus_at_a_line_start_is_not_a_lettered_item():
    text = "Cultures:\nA. baumannii grew in 2 sets.\nE. coli too.\nA. Hypertension\nb. stop warfarin"
    assert kept(text) == ["Cultures:", "A. baumannii grew in 2 sets.", "E. coli too.", "Hypertension", "stop warfarin"]


@settings(max_examples=300, deadline=None)
@given(st.lists(NOTE_ALPHABET, max_size=60).map("".join))
def test_without_markers_only_the_opening_marker_tokens_and_cell_borders_go(text):
    full = note_sentences(text)
    stripped = note_sentences(text, markers=False)
    assert all(stripped)
    kept = {t for s in stripped for t in s}
    holes = placeholder_spans(text)  # "___" from "__" and "_": left out wherever it stands
    for sentence in full:
        # placeholders and a table's cell borders are left out wherever they stand
        sentence = [t for t in sentence if t.text != "|" and not any(a < t.end and t.start < b for a, b in holes)]
        gone = [t for t in sentence if t not in kept]
        assert sentence[: len(gone)] == gone  # only a sentence's opening tokens go
        assert all(len(t.text) <= 3 for t in gone)  # "#", "-", "12", ".", ")"
    assert [t for s in stripped for t in s] == [t for s in full for t in s if t in kept]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(NOTE_ALPHABET, st.sampled_from(["ALLERGIES:", "Hypertension:", "Allergies", "\n", "\nA: ", "TECHNIQUE:"])), max_size=60).map("".join))
def test_tagging_sentences_are_note_sentences_with_their_known_headings(text):
    out, known = tagging_sentences(text)
    assert out == note_sentences(text, markers=False)
    spans = known_heading_spans(text)
    assert known == {i for i, s in enumerate(out) if any(a <= s[0].start and s[-1].end <= b for a, b in spans)}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "bb", "chest", "hydrochlorothiazide", " ", " ", "\n", "  "]), max_size=80).map("".join),
       st.integers(5, 30))
def test_the_wrapped_notes_benchmark_wraps_without_moving_an_offset(text, width):
    from conftest import load_benchmark

    wrapped_notes = load_benchmark("wrapped_notes")
    wrapped = wrapped_notes.wrap(text, width)
    assert len(wrapped) == len(text)
    assert all(a == b or (a == " " and b == "\n") for a, b in zip(text, wrapped))
    # a line runs past the width only where it holds one word alone
    assert all(len(line.rstrip(" ")) <= width or len(line.split()) <= 1 for line in wrapped.split("\n"))


def test_a_date_alone_after_a_known_heading_on_its_line_is_layout():
    from crfner.text.note_values import is_date_time

    note = ("Progress Note \u2013 12/01/2026 14:32\nTelephone encounter: Dec 1, 2026\nVitals: 120/80\n"
            "HPI: 12/01/2026 fell at home.\nHypertension: 2026-12-01\nPlan:\n12/01/2026 CT head")
    # before, the title's date was tagged a lab value (the clinical model, 0.79)
    assert [note[a:b] for a, b in known_heading_spans(note)] == [
        "Progress Note \u2013", "12/01/2026 14:32", "Telephone encounter:", "Dec 1, 2026", "Vitals:", "HPI:", "Plan:"]
    for written in ("12/01/2026", "2026-12-01", "Dec 1, 2026", "Monday, December 1, 2026 at 2:15 PM", "14:32", "Sept. 3rd"):
        assert is_date_time(written), written
    for written in ("120/80", "12/1", "38.6", "May", "2026", "3 am", "12/01/2026 fell.", "", "PM"):
        assert not is_date_time(written), written
    # tagging reads the date (the model still sees it) and reports no entity in it
    from crfner.text import tagging_sentences

    sentences, known = tagging_sentences(note)
    texts = [note[s[0].start:s[-1].end] for s in sentences]
    assert {texts[i] for i in known} == {"Progress Note \u2013", "12/01/2026 14:32", "Telephone encounter:", "Dec 1, 2026",
                                         "Vitals:", "HPI:", "Plan:"}


def test_a_forms_row_of_dates_after_a_known_heading_is_layout():
    # before, both dates of the discharge summary's header row were tagged lab values (the clinical model, 0.67 and 0.65)
    note = ("Admission Date: 11/28/2026    Discharge Date: 12/02/2026\nDate of Birth: 01/02/1950\n"
            "Admission Date: 11/28/2026    Discharge Date: pending\nCT 12/01/2026: no PE")
    assert [note[a:b] for a, b in known_heading_spans(note)] == [
        "Admission Date:", "11/28/2026    Discharge Date: 12/02/2026", "Date of Birth:", "01/02/1950", "Admission Date:"]
    # the rest of a title's line: a service, or a service and a date (notes splitter version 11)
    titles = "NEW PATIENT VISIT - Cardiology\nProgress Note - Internal Medicine - 12/01/2026\nConsult Note - Chest pain"
    assert [titles[a:b] for a, b in known_heading_spans(titles)] == [
        "NEW PATIENT VISIT -", "Cardiology", "Progress Note -", "Internal Medicine - 12/01/2026", "Consult Note -"]
