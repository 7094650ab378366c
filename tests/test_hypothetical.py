"""Hypothetical mentions (``crfner.hypotheticals``, ``crfner tag --hypothetical``): findings a note
names only as a condition or a warning, as return precautions and PRN indications write them."""

from __future__ import annotations

import csv
import io
import json

import pytest

import crfner
from crfner.assertion import HYPOTHETICAL_RULES, HYPOTHETICAL_RULES_VERSION, hypotheticals
from crfner.cli import main
from crfner.corpora.documents import Mention
from conftest import mention_spans as spans



def marked(text, *words, **options):
    """The words the rules mark hypothetical, with their cues, each cue's offsets checked."""
    out = {}
    for mention, found in zip(spans(text, *words), hypotheticals(text, spans(text, *words), **options)):
        if found.hypothetical:
            assert text[found.cue_start:found.cue_end] == found.cue
            out[mention.text] = found.cue
        else:
            assert found.cue is None and found.cue_start is None
    return out


def test_return_precautions_and_prn_indications_are_hypothetical():
    text = ("Return if fever persists > 48 h.\nGo to the ED for worsening SOB, chest pain or syncope.\n"
            "Acetaminophen 15 mg/kg PO q6h PRN fever/pain.\nShould she develop a rash, stop the drug.")
    assert marked(text, "fever", "SOB", "chest pain", "syncope", "Acetaminophen", "fever", "pain", "rash",
                  splitter="notes") == {"fever": "PRN", "SOB": "Go to the ED for", "chest pain": "Go to the ED for",
                                        "syncope": "Go to the ED for", "pain": "PRN", "rash": "Should she"}
    # the first fever is marked too (a dict keeps the last of two keys): check it alone
    assert marked("Return if fever persists.", "fever") == {"fever": "Return if"}


def test_the_patients_own_findings_and_advice_are_not():
    assert marked("Fever and cough since Monday; chest pain resolved.", "Fever", "cough", "chest pain") == {}
    # advice with "should" is no condition (PHEE's "clinicians should be aware that ... rash")
    assert marked("Clinicians should be aware that a rash may follow temozolomide.", "rash", "temozolomide") == {}
    # a drug given as needed was given: "as needed" after an entity is no cue
    assert marked("Ibuprofen (as needed) and acetaminophen were begun.", "Ibuprofen", "acetaminophen") == {}
    # a pseudo-cue, and a terminator that ends a cue's reach
    assert marked("Minimal, if any, effusion.", "effusion") == {}
    assert marked("Return if fever; cough persists.", "fever", "cough") == {"fever": "Return if"}
    # a cue after its entity: "resection if necessary"
    assert marked("Planned vascular resection if necessary.", "resection") == {"resection": "if necessary"}


def test_a_label_over_a_list_reaches_each_item():
    note = "Call for:\n- fever over 38.5\n- chest pain\nPlan:\n- cough medicine"
    assert marked(note, "fever", "chest pain", "cough", splitter="notes") == {"fever": "Call for", "chest pain": "Call for"}


def test_types_and_rules_are_those_of_negations():
    text = "Return if fever or rash."
    mentions = [Mention(10, 15, "Sign", "fever"), Mention(19, 23, "Disease", "rash")]
    assert [h.hypothetical for h in hypotheticals(text, mentions, types=["Disease"])] == [False, True]
    fewer = {**HYPOTHETICAL_RULES, "before": frozenset(p for p in HYPOTHETICAL_RULES["before"] if "if" not in p)}
    assert [h.hypothetical for h in hypotheticals(text, mentions, rules=fewer)] == [False, False]
    with pytest.raises(ValueError, match="rules needs the keys"):
        hypotheticals(text, mentions, rules={"before": set()})
    assert crfner.hypotheticals is hypotheticals and HYPOTHETICAL_RULES_VERSION >= 1


def test_command_line_text_documents_and_resume_fingerprint(model, tmp_path, capsys):
    from crfner.tagging.resume import fingerprint

    text = "Return if nephrotoxicity or seizures develop .\nThe patient had hypotension after cisplatin ."
    assert main(["tag", str(model), "--text", text, "--hypothetical", "--splitter", "notes"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert records, "the model tags nothing here: the test reads nothing"
    expected = hypotheticals(text, [Mention(r["start"], r["end"], r["type"], r["text"]) for r in records], splitter="notes")
    assert [r["hypothetical"] for r in records] == [e.hypothetical for e in expected]
    assert [r.get("hypothetical_cue") for r in records] == [e.cue for e in expected]
    assert any(r["hypothetical"] for r in records) and not all(r["hypothetical"] for r in records)
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text(text, encoding="utf-8")
    assert main(["tag", str(model), str(notes), "--hypothetical", "--negation", "--splitter", "notes",
                 "--output-format", "csv", "-o", str(tmp_path / "out.csv"), "-q"]) == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8"))))
    assert list(rows[0])[-8:] == ["negated", "negation_cue", "negation_cue_start", "negation_cue_end", "hypothetical",
                                  "hypothetical_cue", "hypothetical_cue_start", "hypothetical_cue_end"]
    assert [r["hypothetical"] == "true" for r in rows] == [r["hypothetical"] for r in records]
    capsys.readouterr()
    assert main(["tag", str(model), str(notes), "--hypothetical", "--output-format", "pubtator"]) == 2
    assert "--hypothetical is written in jsonl, csv, spreadsheet or BRAT output" in capsys.readouterr().err
    # BRAT output: a Hypothetical attribute on each hypothetical entity, declared in annotation.conf
    from crfner.corpora.brat import read_brat, read_brat_attributes

    assert main(["tag", str(model), str(notes), "--hypothetical", "--splitter", "notes", "--output-format", "brat",
                 "-o", str(tmp_path / "brat"), "-q"]) == 0
    (back,) = read_brat(tmp_path / "brat")
    attributes = read_brat_attributes(tmp_path / "brat" / "a.ann")
    spans = {f"T{k}": (m.start, m.end) for k, m in enumerate(back.mentions, start=1)}
    marked = {spans[t] for t, a in attributes.items() if a.get("Hypothetical") == "true"}
    assert marked == {(r["start"], r["end"]) for r in records if r["hypothetical"]} and marked
    assert "Hypothetical\tArg:<ENTITY>" in (tmp_path / "brat" / "annotation.conf").read_text(encoding="utf-8")
    tokens = tmp_path / "tokens.conll"
    tokens.write_text("Aspirin\n.\n", encoding="utf-8")
    assert main(["tag", str(model), str(tokens), "--hypothetical"]) == 2
    assert "--hypothetical applies to raw text" in capsys.readouterr().err
    plain = fingerprint(notes, model, "text", "jsonl")
    assert fingerprint(notes, model, "text", "jsonl", readings=("hypothetical",)) != plain
    assert fingerprint(notes, model, "text", "jsonl", readings=()) == plain  # earlier partial outputs still resume


def test_an_indication_cue_reaches_no_next_drug_of_a_list():
    # before (rules version 1), "PRN pain," reached across the comma to the next drug and its dose
    text = "Morphine 0.5 mg IV q3h PRN pain, ondansetron 4 mg IV q6h PRN nausea/vomiting."
    assert marked(text, "Morphine", "pain", "ondansetron", "4 mg IV q6h", "nausea", "vomiting") == {
        "pain": "PRN", "nausea": "PRN", "vomiting": "PRN"}
    # the other cues still reach a list's items
    assert marked("Call for fever, chest pain or syncope.", "fever", "chest pain", "syncope") == {
        "fever": "Call for", "chest pain": "Call for", "syncope": "Call for"}
    without = {k: v for k, v in HYPOTHETICAL_RULES.items() if k != "indications"}
    assert [h.hypothetical for h in hypotheticals(text, spans(text, "pain"), rules=without)] == [False]


def test_a_long_label_over_a_list_and_a_sentence_opening_with_should():
    # before (rules version 2), neither a label that ends in a cue and a few words nor "Should ..." marked anything
    instructions = ("Call your doctor or return to the ED if you have:\n- fever over 38.5 C\n- chest pain\n"
                    "Follow up with your PCP in 1 week.")
    assert marked(instructions, "fever", "chest pain", "PCP", splitter="notes") == {
        "fever": "return to the ED if", "chest pain": "return to the ED if"}  # "if" alone before rules version 5
    note = "Should palpitations recur with syncope, she will go to the ED. She should take aspirin daily, with food."
    assert marked(note, "palpitations", "syncope", "ED", "aspirin", "food") == {"palpitations": "Should", "syncope": "Should"}
    assert marked("Should fever recur go to the ED.", "fever") == {}  # no comma: where the condition ends is unknown
    assert marked("Return to the ED for chest pain.", "chest pain") == {"chest pain": "Return to the ED for"}


def test_the_risks_and_alternatives_a_consent_names_are_hypothetical():
    # before (rules version 3), an operative note's consent listed the complications as findings
    text = ("Risks, benefits and alternatives, including bleeding, infection and bile leak, were discussed.\n"
            "The risks of the procedure, including perforation, were explained.\n"
            "She has risk factors for CAD including HTN. The gallbladder was inflamed, c/w acute cholecystitis.")
    assert marked(text, "bleeding", "infection", "bile leak", "perforation", "CAD", "HTN", "acute cholecystitis",
                  splitter="notes") == {"bleeding": "alternatives", "infection": "alternatives", "bile leak": "alternatives",
                                        "perforation": "risks"}
    # not "risk of": the drug of "risk of hemorrhage when given with heparin" is given
    assert marked("There is an increased risk of hemorrhage with heparin.", "hemorrhage", "heparin") == {}


def test_a_return_precaution_opening_its_sentence_reaches_its_end():
    # before (rules version 5), a long item ended the cue's reach: the stiff neck and lethargy were the child's
    plan = ("- Return if fever persists > 48-72 h on antibiotics, or for stiff neck, lethargy or poor fluid intake.\n"
            "2) Call your doctor for glucose > 300 mg/dL twice in a row, vomiting that keeps you from eating, or fever over 101 F.\n"
            "Return to clinic in 2 weeks; lethargy has resolved.\nFever, cough and lethargy since Monday.")
    words = ("fever", "antibiotics", "stiff neck", "lethargy", "glucose", "vomiting", "fever", "lethargy", "Fever", "lethargy")
    found = hypotheticals(plan, spans(plan, *words), splitter="notes")
    assert [f.cue for f in found] == ["Return if"] * 4 + ["Call your doctor for"] * 3 + [None] * 3
    assert all(plan[f.cue_start:f.cue_end] == f.cue for f in found if f.hypothetical)
    # a terminator ends the clause: "Return if fever; lethargy is better" is no precaution of the lethargy
    assert marked("Return if fever; lethargy is better.", "fever", "lethargy", splitter="notes") == {"fever": "Return if"}


def test_call_911_if_opens_a_return_precaution():
    # before (rules version 6), "if" alone marked the chest pain, and the items after it were the patient's
    note = "Call 911 if you have chest pain that lasts more than 5 minutes, trouble breathing, or fainting."
    assert [f.cue for f in hypotheticals(note, spans(note, "chest pain", "trouble breathing", "fainting"), splitter="notes")] == [
        "Call 911 if"] * 3


def test_unless_and_only_if_open_a_condition():
    # before (rules version 7), "only if" was no cue, on purpose, and "unless" none
    note = ("- MRI brain only if new focal deficits or worsening.\n- CT abdomen only if fever.\n"
            "No reversal agent needed unless active bleeding.\nFever since Monday; deficits are new.")
    assert marked(note, "deficits", "worsening", "fever", "bleeding", "Fever", "deficits", splitter="notes") == {
        "deficits": "only if", "worsening": "only if", "fever": "only if", "bleeding": "unless"}
    assert HYPOTHETICAL_RULES_VERSION >= 7


def test_a_label_of_return_precautions_reaches_its_sentence_and_the_list_below():
    # before (rules version 8), the items after "Return precautions:" longer than two words ended its reach, and the
    # label was no cue at all
    note = ("- Follow up in 2 weeks. Return precautions: fever > 101.5, worsening abdominal pain, jaundice, or redness.\n"
            "- Preterm labor precautions reviewed: call L&D for regular contractions, leakage of fluid or bleeding.\n"
            "Return precautions reviewed:\n- shortness of breath\n- chest pain\nFall precautions: bed alarm. Fever today.")
    words = ("fever", "abdominal pain", "jaundice", "redness", "regular contractions", "leakage of fluid", "bleeding",
             "shortness of breath", "chest pain", "Fever")
    assert [f.cue for f in hypotheticals(note, spans(note, *words), splitter="notes")] == [
        "Return precautions"] * 4 + ["Preterm labor precautions reviewed"] * 3 + ["Return precautions"] * 2 + [None]
    # a heading opening its line, which the notes splitter cuts from its text, reaches up to a blank line
    note = "RETURN PRECAUTIONS: fever > 101.5 or worsening abdominal pain\n- jaundice\n\nAbdominal pain and fever today.\n"
    words = ("fever", "abdominal pain", "jaundice", "Abdominal pain", "fever")
    found = hypotheticals(note, spans(note, *words), splitter="notes")
    assert [f.cue for f in found] == ["RETURN PRECAUTIONS"] * 3 + [None] * 2
    assert all(note[f.cue_start:f.cue_end] == f.cue for f in found[:3])
