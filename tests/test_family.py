"""Relatives' entities (``crfner.family_attributions``, ``crfner tag --family``, the spaCy component's
and ``explain``'s ``family``): a disease of the patient's family, not the patient's own."""

from __future__ import annotations

import csv
import io
import json

import pytest
import spacy

import crfner
from crfner.assertion import FAMILY_RULES, family_attributions
from crfner.cli import main
from crfner.corpora.documents import Mention
from conftest import mention_spans as spans



def relatives(text, *words, **options):
    """The words the rules give a relative, with their cues, each cue's offsets checked."""
    out = []
    for mention, found in zip(spans(text, *words), family_attributions(text, spans(text, *words), **options)):
        if found.family:
            assert text[found.cue_start:found.cue_end] == found.cue
            out.append((mention.text, found.cue))
        else:
            assert found.cue is None
    return out


def test_a_relatives_diseases_and_a_family_history():
    note = ("Her father died of sudden cardiac death at age 50 and her brother has hypertrophic cardiomyopathy.\n"
            "Mother w/ bipolar d/o. No FHx of colon cancer. Maternal aunt with breast cancer.")
    assert relatives(note, "sudden cardiac death", "hypertrophic cardiomyopathy", "bipolar d/o", "colon cancer",
                     "breast cancer", splitter="notes") == [
        ("sudden cardiac death", "father"), ("hypertrophic cardiomyopathy", "brother"), ("bipolar d/o", "Mother"),
        ("colon cancer", "FHx of"), ("breast cancer", "aunt")]


def test_the_patients_own_findings_an_informant_and_the_patient_after_a_relative():
    # a relative who brings, reports or decides is the patient's informant
    assert relatives("4 y.o. male brought by mom for fever x3 days. Mom reports cough.", "fever", "cough") == []
    assert relatives("Brought in by her daughter for confusion.", "confusion") == []
    assert relatives("The parents noticed a change in her facial symmetry.", "change") == []
    # before (rules version 3), a relative who noted or witnessed it gave the patient's finding to the relative
    assert relatives("A lesion noted by his wife to have enlarged. Seizure witnessed by her mother.", "enlarged",
                     "Seizure") == []
    # a mention of the patient ends the relative's reach; the patient's own findings are no relative's
    assert relatives("Mother with DM2, patient has HTN. Fever and cough.", "DM2", "HTN", "Fever", "cough") == [("DM2", "Mother")]
    # born to parents, or a twin pregnancy, says whose child the patient is
    assert relatives("A newborn of healthy nonconsanguineous parents was delivered.", "delivered") == []
    assert relatives("A primipara with twin pregnancy was admitted.", "admitted") == []


def test_rules_and_types_are_those_of_negations():
    text = "Father with MI and stroke."
    mentions = [Mention(12, 14, "Disease", "MI"), Mention(19, 25, "Sign", "stroke")]
    assert [f.family for f in family_attributions(text, mentions, types=["Disease"])] == [True, False]
    fewer = {**FAMILY_RULES, "before": FAMILY_RULES["before"] - {("father",)}}
    assert [f.family for f in family_attributions(text, mentions, rules=fewer)] == [False, False]
    assert crfner.family_attributions is family_attributions


def test_command_line_spacy_and_explain(model, data_dir, tmp_path, capsys):
    from crfner.tagging.resume import fingerprint

    text = "Her brother has ovarian cancer and colon cancer .\nShe had breast cancer after cisplatin ."
    assert main(["tag", str(model), "--text", text, "--family", "--splitter", "notes"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    expected = family_attributions(text, [Mention(r["start"], r["end"], r["type"], r["text"]) for r in records],
                                   splitter="notes")
    assert [(r["family"], r.get("family_cue")) for r in records] == [(e.family, e.cue) for e in expected]
    assert {r["family"] for r in records} == {True, False}, "the note should hold both kinds"
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text(text, encoding="utf-8")
    assert main(["tag", str(model), str(notes), "--family", "--hypothetical", "--splitter", "notes", "--output-format", "csv",
                 "-o", str(tmp_path / "out.csv"), "-q"]) == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8"))))
    assert list(rows[0])[-5:] == ["hypothetical_cue_end", "family", "family_cue", "family_cue_start", "family_cue_end"]
    assert [r["family"] == "true" for r in rows] == [r["family"] for r in records]
    capsys.readouterr()
    assert main(["tag", str(model), str(notes), "--family", "--output-format", "pubtator"]) == 2
    assert "--family is written in jsonl, csv, spreadsheet or BRAT output" in capsys.readouterr().err
    assert main(["tag", str(model), str(notes), "--family", "--uncertainty", "--splitter", "notes", "--output-format", "brat",
                 "-o", str(tmp_path / "b"), "-q"]) == 0
    conf = (tmp_path / "b" / "annotation.conf").read_text(encoding="utf-8")
    assert "Family\tArg:<ENTITY>" in conf and "Uncertain\tArg:<ENTITY>" in conf
    ann = (tmp_path / "b" / "a.ann").read_text(encoding="utf-8")
    assert ann.count("\tFamily T") == sum(r["family"] for r in records)
    assert fingerprint(notes, model, "text", "jsonl", readings=("family",)) != fingerprint(notes, model, "text", "jsonl")
    # the spaCy component and explain give the same attributions
    nlp = spacy.blank("en")
    nlp.add_pipe("crfner", config={"model": str(model), "splitter": "notes", "family": True})
    by_span = {(r["start"], r["end"]): (r["family"], r.get("family_cue")) for r in records}
    doc = nlp(text)
    assert doc.ents and all((s._.crfner_family, s._.crfner_family_cue) == by_span[(s.start_char, s.end_char)] for s in doc.ents)
    tagger = crfner.CRFTagger.load(model, data_dir=data_dir)
    explanation = tagger.explain(text, splitter="notes", family=True)
    assert [(e.family.family, e.family.cue) for e in explanation.entities] == [(e.family, e.cue) for e in expected]
    assert "a relative's by 'brother'" in str(explanation)
    assert explanation.to_dict()["entities"][0]["family"] is True
    with pytest.raises(ValueError, match="family must be True or False"):
        tagger.explain(text, family="yes")


def test_every_entity_under_a_family_history_heading_and_a_relative_after_the_finding():
    # before (rules version 2), the HTN five words from the mother was the patient's
    note = ("PMH: HTN\nFH: mother with type 2 DM and HTN; no family history of bleeding disorders.\nSH: denies tobacco.\n"
            "Family History:\n- CAD in father\n- breast cancer\nExam: no rash\nSocial and family history: smokes; DM\n")
    assert relatives(note, "HTN", "DM", "HTN", "bleeding disorders", "tobacco", "CAD", "breast cancer", "rash", "smokes",
                     "DM", splitter="notes") == [
        ("DM", "mother"), ("HTN", "FH"), ("bleeding disorders", "family history of"), ("CAD", "in father"),
        ("breast cancer", "Family History")]
