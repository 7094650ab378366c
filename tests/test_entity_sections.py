"""The section of a note each entity falls under (``crfner.entity_sections``, ``crfner tag --sections``)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crfner import entity_sections
from crfner.cli import main
from crfner.corpora.brat import read_brat
from crfner.corpora.documents import Mention
from crfner.text import note_sections
from crfner.text.tokenizer import tokenize

NOTE = """Chest pain since this morning.
HPI: 58M w/ chest pain. Hx of diabetes.
HTN: on lisinopril.
ALLERGIES: Penicillin - rash.
**Family history:** mother with breast cancer.
A: angina.
"""


def spans(text, *words):
    return [Mention(text.index(w), text.index(w) + len(w), "X", w) for w in words]


def test_each_entity_gets_the_last_known_heading_above_it():
    found = entity_sections(NOTE, spans(NOTE, "Chest pain", "diabetes", "lisinopril", "Penicillin", "rash", "breast cancer",
                                        "angina"))
    # above the first heading: none; a problem list's "HTN:" names no section, so
    # lisinopril stays under HPI; a bold heading and a SOAP letter are sections
    assert found == [None, "HPI", "HPI", "ALLERGIES", "ALLERGIES", "Family history", "A"]
    assert [name for _, _, name in note_sections(NOTE)] == ["HPI", "HTN", "ALLERGIES", "Family history", "A"]
    assert [name for _, _, name in note_sections(NOTE, known=True)] == ["HPI", "ALLERGIES", "Family history", "A"]
    assert entity_sections(NOTE, []) == []
    assert entity_sections("No headings at all: just prose.", spans("No headings at all: just prose.", "prose")) == [None]


def test_a_specialty_notes_sections_end_the_family_history_above_them():
    # before, "MSE:" and "Psych Hx:" named no known section, so the exam's findings fell under
    # "FHx" (a relative's) and the psychiatric history under "HPI"
    note = ("HPI: 34F with low mood.\nPsych Hx: trial of sertraline.\nFHx: mother with bipolar disorder.\n"
            "MSE: tearful, no delusions.\nTreatment: escitalopram.\nReturn precautions: call for suicidal ideation.\n")
    found = entity_sections(note, spans(note, "low mood", "sertraline", "bipolar disorder", "delusions", "escitalopram",
                                        "suicidal ideation"))
    assert found == ["HPI", "Psych Hx", "FHx", "MSE", "Treatment", "Return precautions"]


_KNOWN = ["ALLERGIES:", "Allergies:", "FAMILY HISTORY:", "Family History:", "HPI:", "Plan:", "ASSESSMENT AND PLAN:",
          "Discharge Medications:", "**Assessment:**", "Social history:"]
_WORDS = ["fever", "cough", "aspirin", "rash", "mother", "pain", "daily", "stable", "denies", "with"]


@st.composite
def notes(draw):
    """A note of known headings (with or without text after them), problem-list lines whose
    heading names no section, and prose lines; and for each word of prose, the heading written above it."""
    lines, expected, section = [], [], None
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["heading", "heading+text", "problem", "prose"]))
        words = draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=5))
        if kind.startswith("heading"):
            heading = draw(st.sampled_from(_KNOWN))
            section = heading.strip("*:").rstrip(":").strip("*")
            lines.append((heading + (" " + " ".join(words) + "." if kind == "heading+text" else ""),
                          words if kind == "heading+text" else []))
        elif kind == "problem":
            lines.append((draw(st.sampled_from(["HTN:", "Hypertension:", "DIABETES:"])) + " " + " ".join(words) + ".", words))
        else:
            lines.append((" ".join(words) + ".", words))
        expected.append(section)
    return lines, expected


@settings(max_examples=150, deadline=None)
@given(notes())
def test_every_word_of_a_generated_note_is_in_the_section_written_above_it(note):
    lines, sections = note
    text = "\n".join(line for line, _ in lines) + "\n"
    entities, expected, offset = [], [], 0
    for (line, words), section in zip(lines, sections):
        if words:  # the line's last words are the ones it was built with
            tokens = [t for t in tokenize(line) if t.text in _WORDS][-len(words):]
            assert [t.text for t in tokens] == words
            for token in tokens:
                entities.append(Mention(offset + token.start, offset + token.end, "X", token.text))
                expected.append(section)
        offset += len(line) + 1
    assert entity_sections(text, entities) == expected


def test_command_line_text_and_documents(fitted, tmp_path, capsys):
    model = fitted.save(tmp_path / "model")
    text = "HPI: cisplatin induced nephrotoxicity .\nALLERGIES: aspirin .\n"
    assert main(["tag", str(model), "--text", text, "--sections", "--splitter", "notes"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert records and all(r["section"] == ("HPI" if r["start"] < text.index("ALLERGIES") else "ALLERGIES") for r in records)
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text(text, encoding="utf-8")
    (notes / "b.txt").write_text("Renal failure after cisplatin .", encoding="utf-8")
    assert main(["tag", str(model), str(notes), "--sections", "--negation", "--splitter", "notes", "--output-format", "csv",
                 "-o", str(tmp_path / "out.csv"), "-q"]) == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8"))))
    assert list(rows[0])[-5:] == ["negated", "negation_cue", "negation_cue_start", "negation_cue_end", "section"]
    by_document = {(r["id"], int(r["start"])): r["section"] for r in rows}
    assert {k: v for k, v in by_document.items() if k[0] == "a"} == {
        ("a", r["start"]): r["section"] for r in records}
    assert {v for k, v in by_document.items() if k[0] == "b"} == {""}  # no heading: an empty cell
    # BRAT output: the section closes each entity's note, and the folder still reads back with its scores
    assert main(["tag", str(model), str(notes), "--sections", "--splitter", "notes", "--output-format", "brat",
                 "-o", str(tmp_path / "brat"), "-q"]) == 0
    ann = (tmp_path / "brat" / "a.ann").read_text(encoding="utf-8")
    notes_written = [line.split("\t")[2] for line in ann.splitlines() if line.startswith("#")]
    assert len(notes_written) == len(records) and all(re.fullmatch(r"score=\S+ section=(HPI|ALLERGIES)", n) for n in notes_written)
    assert [n.split("section=")[1] for n in notes_written] == [r["section"] for r in records]
    assert "section=" not in (tmp_path / "brat" / "b.ann").read_text(encoding="utf-8")  # no heading, no section
    back = {d.id: d for d in read_brat(tmp_path / "brat")}
    assert [(m.start, m.end) for m in back["a"].mentions] == [(r["start"], r["end"]) for r in records]
    assert [m.score for m in back["a"].mentions] == pytest.approx([r["score"] for r in records], abs=1e-5)  # 6 digits
    capsys.readouterr()
    assert main(["tag", str(model), str(notes), "--sections", "--output-format", "pubtator"]) == 2
    assert "--sections is written in jsonl, csv, spreadsheet or BRAT output" in capsys.readouterr().err
    tokens = tmp_path / "tokens.conll"
    tokens.write_text("Aspirin\n.\n", encoding="utf-8")
    assert main(["tag", str(model), str(tokens), "--sections"]) == 2
    assert "--sections applies to raw text" in capsys.readouterr().err


def test_sections_enter_the_resume_fingerprint_and_the_api_checks_them(fitted, tmp_path):
    from crfner.errors import CrfnerError
    from crfner.tagging.batch import tag_files
    from crfner.tagging.resume import fingerprint

    model = fitted.save(tmp_path / "model")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text("HPI: aspirin .", encoding="utf-8")
    plain = fingerprint(notes, model, "text", "jsonl")
    assert fingerprint(notes, model, "text", "jsonl", sections=True) != plain
    assert fingerprint(notes, model, "text", "jsonl", sections=False) == plain  # earlier partial outputs still resume
    with pytest.raises(CrfnerError, match="sections is True or False"):
        tag_files(model, notes, tmp_path / "o.jsonl", sections="yes", progress=False)
    tag_files(model, notes, tmp_path / "o.jsonl", sections=True, progress=False, splitter="notes")
    (record,) = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(e["section"] == "HPI" for e in record["entities"])
