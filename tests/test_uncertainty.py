"""Uncertain entities (``crfner.uncertainties``, ``crfner tag --uncertainty``): findings named as
possible, suspected or still to be ruled out."""

from __future__ import annotations

import json

import crfner
from crfner.assertion import UNCERTAINTY_RULES, negations, uncertainties
from crfner.cli import main
from crfner.corpora.documents import Mention
from conftest import mention_spans as spans


def hedged(text, *words, **options):
    """The words the rules call uncertain, with their cues, each cue's offsets checked."""
    out = []
    for mention, found in zip(spans(text, *words), uncertainties(text, spans(text, *words), **options)):
        if found.uncertain:
            assert text[found.cue_start:found.cue_end] == found.cue
            out.append((mention.text, found.cue))
        else:
            assert found.cue is None
    return out


def test_possible_suspected_and_rule_out_findings_are_uncertain():
    note = ("A/P: possible CAP vs aspiration pneumonitis. Admit to r/o MI. DVT was suspected. Suspicion of DIC.\n"
            "Findings concerning for cholangiocarcinoma. Differential diagnosis includes sarcoidosis.")
    assert hedged(note, "CAP", "aspiration pneumonitis", "MI", "DVT", "DIC", "cholangiocarcinoma", "sarcoidosis",
                  splitter="notes") == [
        ("CAP", "possible"), ("aspiration pneumonitis", "vs"), ("MI", "r/o"), ("DVT", "was suspected"), ("DIC", "Suspicion of"),
        ("cholangiocarcinoma", "concerning for"), ("sarcoidosis", "Differential diagnosis includes")]
    # "r/o" was a negation cue before the negation rules' version 9: the MI is in question, not absent
    assert [n.negated for n in negations(note, spans(note, "MI"), splitter="notes")] == [False]


def test_a_hedge_after_its_finding_with_an_adverb():
    # before (rules version 2), a radiology impression's "cannot be entirely excluded" hedged nothing
    impression = ("Infection is considered less likely but cannot be entirely excluded. Metastasis cannot be completely "
                  "ruled out. Abscess less likely. Surgery is the treatment of choice.")
    assert hedged(impression, "Infection", "Metastasis", "Abscess", "Surgery") == [
        ("Infection", "is considered"), ("Metastasis", "cannot be completely ruled out"), ("Abscess", "less likely")]
    assert hedged("Neoplasm cannot be entirely excluded.", "Neoplasm") == [("Neoplasm", "cannot be entirely excluded")]


def test_a_finding_a_test_is_ordered_to_look_for():
    # before (rules version 3), "TTE to eval for endocarditis" put nothing in question
    plan = "TTE to eval for endocarditis. Telemetry to evaluate for AFib. Screening for colon cancer was negative."
    assert hedged(plan, "endocarditis", "AFib", "colon cancer") == [("endocarditis", "to eval for"), ("AFib", "to evaluate for")]


def test_a_hedge_toward_absence():
    # before (rules version 4), "Doubt pericarditis" was an established finding
    note = "Doubt pericarditis. Low probability of PE. Pericarditis confirmed."
    assert hedged(note, "pericarditis", "PE", "Pericarditis") == [("pericarditis", "Doubt"), ("PE", "Low probability of")]


def test_established_findings_and_phrases_that_hedge_nothing():
    assert hedged("Pneumonia confirmed on CXR. Fever likely due to pneumonia.", "Pneumonia", "Fever", "pneumonia") == []
    assert hedged("Drain the abscess as soon as possible.", "abscess") == []
    # the reach is two words: a hedge does not run on to the next entity across "and"
    assert hedged("We suspected drug-induced cardiomyopathy and methylphenidate was stopped.", "cardiomyopathy",
                  "methylphenidate") == [("cardiomyopathy", "suspected")]
    assert hedged("Possible PE.", "PE", window=0) == [("PE", "Possible")]  # right after its cue, at any reach
    fewer = {**UNCERTAINTY_RULES, "before": UNCERTAINTY_RULES["before"] - {("possible",)}}
    assert hedged("Possible PE.", "PE", rules=fewer) == []
    assert crfner.uncertainties is uncertainties


def test_command_line(model, tmp_path, capsys):
    text = "Possible ovarian cancer .\nShe had breast cancer after cisplatin ."
    assert main(["tag", str(model), "--text", text, "--uncertainty", "--splitter", "notes"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    expected = uncertainties(text, [Mention(r["start"], r["end"], r["type"], r["text"]) for r in records], splitter="notes")
    assert [(r["uncertain"], r.get("uncertainty_cue")) for r in records] == [(e.uncertain, e.cue) for e in expected]
    assert {r["uncertain"] for r in records} == {True, False}, "the note should hold both kinds"
    # the spaCy component, explain and the resume fingerprint read it alike
    import spacy

    from crfner.tagging.resume import fingerprint

    nlp = spacy.blank("en")
    nlp.add_pipe("crfner", config={"model": str(model), "splitter": "notes", "uncertainty": True})
    by_span = {(r["start"], r["end"]): (r["uncertain"], r.get("uncertainty_cue")) for r in records}
    doc = nlp(text)
    assert doc.ents and all((s._.crfner_uncertain, s._.crfner_uncertainty_cue) == by_span[(s.start_char, s.end_char)]
                            for s in doc.ents)
    explanation = crfner.CRFTagger.load(model).explain(text, splitter="notes", uncertainty=True)
    assert [(e.uncertainty.uncertain, e.uncertainty.cue) for e in explanation.entities] == [(e.uncertain, e.cue) for e in expected]
    assert "uncertain by 'Possible'" in str(explanation)
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text(text, encoding="utf-8")
    assert fingerprint(notes, model, "text", "jsonl", readings=("uncertainty",)) != fingerprint(notes, model, "text", "jsonl")


def test_the_batch_readings_are_the_registrys():
    from crfner.assertion import READINGS
    from crfner.tagging.entity_fields import READING_NAMES

    # entity_fields names them without importing the rules (crfner tag's start-up): the two lists must agree
    assert READING_NAMES == tuple(READINGS)


def test_not_excluded_after_its_finding():
    # before (rules version 5), only "cannot be excluded" and its like hedged a finding before them
    assert hedged("Endocarditis not excluded by TTE; TEE recommended.", "Endocarditis") == [("Endocarditis", "not excluded")]


def test_a_differential_opening_a_sentence_reaches_its_end():
    # before (rules version 7), a hedge reached two words and no list: only the first item of a differential
    note = ("MDM: Differential diagnosis includes subarachnoid hemorrhage, cervical artery dissection, reversible cerebral "
            "vasoconstriction syndrome and exertional headache. Meningitis unlikely without fever.\nDDx: PE, pneumonia, ACS.\n"
            "Headache since Monday.")
    words = ("subarachnoid hemorrhage", "cervical artery dissection", "reversible cerebral vasoconstriction syndrome",
             "exertional headache", "PE", "pneumonia", "ACS", "Headache")
    found = uncertainties(note, spans(note, *words), splitter="notes")
    assert [f.cue for f in found] == ["Differential diagnosis includes"] * 4 + ["DDx"] * 3 + [None]
    assert all(note[f.cue_start:f.cue_end] == f.cue for f in found[:7])


def test_ward_shorthand_and_possible_or_considered_after_a_finding():
    # before (rules version 8), "?PNA", "c/f aspiration", "NSTEMI, possible" and "dissection considered" were established
    note = "?PNA vs aspiration. c/f aspiration given choking. Impression: NSTEMI, possible. Aortic dissection considered."
    assert hedged(note, "PNA", "aspiration", "aspiration", "NSTEMI", "Aortic dissection", splitter="notes") == [
        ("PNA", "?"), ("aspiration", "vs"), ("aspiration", "c/f"), ("NSTEMI", "possible"), ("Aortic dissection", "considered")]


def test_unlikely_and_should_be_considered_after_their_finding():
    # before (rules version 6), "unlikely" was a pseudo-cue: "HIT unlikely" was an established finding
    note = ("HIT unlikely given the timing. Rheumatoid arthritis is unlikely with negative RF. Obstructive sleep apnea "
            "should be considered. Pneumonia likely due to aspiration.")
    assert hedged(note, "HIT", "Rheumatoid arthritis", "RF", "Obstructive sleep apnea", "Pneumonia", "aspiration") == [
        ("HIT", "unlikely"), ("Rheumatoid arthritis", "is unlikely"), ("Obstructive sleep apnea", "should be considered")]
