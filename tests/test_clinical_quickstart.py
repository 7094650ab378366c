"""The README's clinical quick start, end to end: its commands run as written (the clinical
CRF trained on all of MACCROBAT train, about a minute), and tagging the project's example note
with the notes splitter gives entities at exact offsets that never cross a list item, heading
or item line, among them the ones the README shows."""

from __future__ import annotations

import ast
import csv
import json
import os
import re
import subprocess
import sys

import pytest
from conftest import REPO, cli_without_sklearn

NOTE_PATH = REPO / "examples" / "notes" / "discharge_note.txt"
README = REPO / "README.md"
LINE = re.compile(r"^(\S+) (\d+) (\d+) (\S+) ('.*') ([0-9.]+)$")


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Clinical quick start\n")
    return text[start : text.index("\n## ", start + 1)]


def _block(language: str, containing: str) -> str:
    (block,) = [b for b in re.findall(rf"```{language}\n(.*?)```", _section(), flags=re.DOTALL) if containing in b]
    return block


def _printed(lines) -> list[tuple]:
    """The ``id start end type 'text' score`` lines of the README's reading step."""
    out = []
    for line in lines:
        match = LINE.match(line)
        if match:
            name, start, end, etype, text, score = match.groups()
            out.append((name, int(start), int(end), etype, ast.literal_eval(text), float(score)))
    return out


@pytest.fixture(scope="module")
def quickstart(data_dir, tmp_path_factory):
    """The README block run as written in a checkout-like folder: ``examples/`` beside it,
    the data at ``../shared/data``."""
    root = tmp_path_factory.mktemp("clinical")
    (root / "shared").symlink_to(data_dir.parent.resolve(), target_is_directory=True)
    work = root / "work"
    work.mkdir()
    (work / "examples").symlink_to(REPO / "examples", target_is_directory=True)
    env = {k: v for k, v in os.environ.items() if k != "CRFNER_DATA_DIR"}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    block = _block("bash", "crfner train maccrobat")
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=work, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    entities = [json.loads(line) for line in lines if line.startswith("{")]
    return work, entities, _printed(lines)


@pytest.fixture(scope="module")
def note() -> str:
    return NOTE_PATH.read_text(encoding="utf-8")


def _boundaries(note: str) -> list[tuple[int, int]]:
    """The lines of the note's headings and list items: no entity may cross their edges."""
    spans, position = [], 0
    for line in note.splitlines(keepends=True):
        content = line.rstrip("\n")
        if re.match(r"(#|\d+\.) |[A-Z][A-Z ]+(:|$)", content):
            spans.append((position, position + len(content)))
        position += len(line)
    return spans


def test_the_note_is_a_clinical_note(note):
    for piece in ["DISCHARGE SUMMARY", "ALLERGIES:", "Pt ", "y/o", "HTN", "DM2", "# Hyperlipidemia",
                  "4. Lisinopril 10 mg p.o. daily"]:
        assert piece in note
    assert len(_boundaries(note)) >= 15


def test_entities_slice_back_and_stay_inside_items_and_headings(quickstart, note):
    _, entities, _ = quickstart
    assert len(entities) >= 20
    boundaries = _boundaries(note)
    previous_end = 0
    for e in entities:
        assert note[e["start"] : e["end"]] == e["text"]
        assert e["start"] >= previous_end
        previous_end = e["end"]
        for start, end in boundaries:  # inside the line, or clear of it
            assert e["end"] <= start or e["start"] >= end or (start <= e["start"] and e["end"] <= end), (e, note[start:end])


def test_the_model_records_the_notes_splitter_and_the_commands_cut_the_note_by_it(quickstart, note, data_dir):
    import crfner
    from crfner.tagging.annotate import tag_text

    work, entities, _ = quickstart
    model = work / "models" / "maccrobat-clinical"
    assert json.loads((model / "crfner.json").read_text(encoding="utf-8"))["training"]["splitter"] == "notes"
    tagger = crfner.CRFTagger.load(model, data_dir=data_dir)
    keys = ("start", "end", "type", "text")
    by_notes = [(e.start, e.end, e.type, e.text) for e in tag_text(tagger, note, splitter="notes")]
    assert [tuple(e[k] for k in keys) for e in entities] == by_notes  # the README's commands give no --splitter
    # the abstract splitter tags this note otherwise, so the default above is not the abstract one
    assert by_notes != [(e.start, e.end, e.type, e.text) for e in tag_text(tagger, note, splitter="abstract")]


def test_tagging_the_note_imports_neither_scikit_learn_nor_scipy(quickstart, note):
    work, entities, _ = quickstart
    result = cli_without_sklearn("tag", "models/maccrobat-clinical", "--text", note, cwd=work)
    assert result.returncode == 0, result.stderr[-2000:]
    assert [json.loads(line) for line in result.stdout.splitlines()] == entities


def test_the_confident_output_keeps_the_entities_scored_at_least_its_threshold(quickstart):
    work, entities, _ = quickstart
    confident = [json.loads(line) for line in (work / "confident.jsonl").read_text(encoding="utf-8").splitlines()]
    assert confident == [e for e in entities if e["score"] >= 0.9]
    assert 0 < len(confident) < len(entities)


def test_the_folder_output_matches_the_text_output(quickstart, note):
    work, entities, printed = quickstart
    (record,) = [json.loads(line) for line in (work / "notes.jsonl").read_text(encoding="utf-8").splitlines()]
    assert record["id"] == "discharge_note" and record["text"] == note
    keys = ("start", "end", "type", "text")
    assert [[m[k] for k in keys] for m in record["entities"]] == [[e[k] for k in keys] for e in entities]
    assert [p[1:5] for p in printed] == [tuple(e[k] for k in keys) for e in entities]
    with open(work / "entities.csv", encoding="utf-8", newline="") as table:  # the note piped in, as a table
        rows = list(csv.DictReader(table))
    assert [r["id"] for r in rows] == ["stdin"] * len(entities)
    assert [[r[k] for k in keys] for r in rows] == [[str(e[k]) for k in keys] for e in entities]


def test_clearly_expected_entities_are_found(quickstart, note):
    _, entities, _ = quickstart
    found = {(e["start"], e["end"]): e["type"] for e in entities}
    expected = [
        ("shortness of breath", "Sign_symptom"),
        ("diaphoresis", "Sign_symptom"),
        ("ECG", "Diagnostic_procedure"),
        ("0.9 ng/mL", "Lab_value"),
        ("aspirin", "Medication"),
        ("clopidogrel", "Medication"),
        ("heparin", "Medication"),
        ("insulin", "Medication"),
        ("myocardial infarction", "Disease_disorder"),
        ("Aspirin", "Medication"),
    ]
    # Not "81 mg p.o. daily", which the model tags as one dosage: MACCROBAT annotates such a line
    # as a dosage, an administration (p.o.) and a dosage, so that is no entity to expect.
    for text, etype in expected:
        start = note.index(text)
        assert found.get((start, start + len(text))) == etype, (text, etype)


def test_the_readme_shows_what_the_commands_print(quickstart):
    _, _, printed = quickstart
    shown = _printed(_block("text", "discharge_note ").splitlines())
    assert len(shown) >= 8
    actual = {p[:5]: p[5] for p in printed}
    for line in shown:
        assert line[:5] in actual, line
        assert abs(actual[line[:5]] - line[5]) <= 0.02, line


def test_the_explanation_finds_the_tagged_entities(quickstart):
    work, entities, _ = quickstart
    explained = json.loads((work / "why.json").read_text(encoding="utf-8"))["entities"]
    keys = ("start", "end", "type", "text")
    assert [[e[k] for k in keys] for e in explained] == [[e[k] for k in keys] for e in entities]
    assert all(token["features"] for e in explained for token in e["tokens"])


def test_the_negated_output_marks_what_the_note_negates(quickstart, note):
    from crfner.assertion import negations
    from crfner.corpora.documents import Mention

    work, entities, _ = quickstart
    negated = [json.loads(line) for line in (work / "negated.jsonl").read_text(encoding="utf-8").splitlines()]
    keys = ("start", "end", "type", "text")
    assert [[e[k] for k in keys] for e in negated] == [[e[k] for k in keys] for e in entities]  # the same entities
    types = {"Sign_symptom", "Disease_disorder", "Medication", "Therapeutic_procedure"}
    expected = negations(note, [Mention(*(e[k] for k in keys)) for e in entities], splitter="notes", types=types)
    assert [e["negated"] for e in negated] == [n.negated for n in expected]
    resolved = note.index("Chest pain resolved")
    (pain,) = [e for e in negated if resolved <= e["start"] and e["end"] <= resolved + len("Chest pain") and "pain" in e["text"]]
    assert pain["negated"] and pain["negation_cue"] == "resolved"  # what the README says
    assert not any(e["negated"] for e in negated if e["type"] not in types)


def test_the_readings_output_marks_the_return_precautions_pain_hypothetical(quickstart, note):
    from crfner.assertion import READINGS
    from crfner.corpora.documents import Mention

    work, entities, _ = quickstart
    read = [json.loads(line) for line in (work / "readings.jsonl").read_text(encoding="utf-8").splitlines()]
    keys = ("start", "end", "type", "text")
    assert [[e[k] for k in keys] for e in read] == [[e[k] for k in keys] for e in entities]  # the same entities
    mentions = [Mention(*(e[k] for k in keys)) for e in entities]
    for reading in READINGS.values():
        expected = reading.read(note, mentions, splitter="notes")
        assert [e[reading.answer] for e in read] == [getattr(found, reading.answer) for found in expected]
    follow_up = note.index("Return to the ED for recurrent chest pain")
    pain = [e for e in read if follow_up <= e["start"] and "pain" in e["text"]]
    assert pain and all(e["hypothetical"] and e["hypothetical_cue"] == "Return to the ED for" for e in pain)  # as the README says


def test_the_linked_output_gives_clinical_entities_mesh_ids(quickstart, note):
    from crfner.link import Linker

    work, entities, _ = quickstart
    linked = [json.loads(line) for line in (work / "linked.jsonl").read_text(encoding="utf-8").splitlines()]
    keys = ("start", "end", "type", "text")
    assert [[e[k] for k in keys] for e in linked] == [[e[k] for k in keys] for e in entities]  # the same entities
    concepts = {(e["text"], e["type"]): e.get("concept") for e in linked}
    assert concepts[("aspirin", "Medication")] == "MESH:D001241"  # through the alias Medication -> Chemical
    # a therapy named for its drugs, which MACCROBAT annotates as a medication, gets the therapy's id (-> Procedure)
    saved = Linker.load(work / "models" / "clinical-linker")
    for mention, identifier in [("chemotherapy", "MESH:D004358"), ("general anesthesia", "MESH:D000768")]:
        link = saved.link(mention, "Medication")
        assert (link.identifier, link.method) == (identifier, "exact:Procedure"), mention
    assert saved.link("aspirin", "Medication").identifier == "MESH:D001241"  # a chemical's name comes first
    # a drug MeSH's descriptors lack gets the chemical list's id, by name, last (--vocabulary ChemicalName=chemicals)
    link = saved.link("empagliflozin", "Medication")
    assert (link.identifier, link.method) == ("DRUGBANK:DB09038", "exact:ChemicalName")
    assert saved.link("TCA", "Medication").method != "exact:ChemicalName"  # the list's short names are left out
    # a note's "Cr" as a test: creatinine, its commonest sense, under Chemical (as the README says)
    link = saved.link("Cr", "Diagnostic_procedure")
    assert (link.identifier, link.method) == ("MESH:D003404", "sense:Chemical")
    # a coronary artery, which MeSH names only as Coronary Vessels (--vocabulary clinical-anatomy)
    assert saved.link("left anterior descending artery", "Biological_structure").identifier == "MESH:D003331"
    assert concepts.get(("left anterior descending artery", "Biological_structure"), "MESH:D003331") == "MESH:D003331"
    assert concepts[("shortness of breath", "Sign_symptom")] == "MESH:D004417"  # Sign_symptom -> Disease
    # a disease named by its pathogen gets the infection's id (--vocabulary mesh-infections, Disease_disorder -> Disease,Infection)
    for mention, identifier in [("MRSA", "MESH:D013203"), ("HIV", "MESH:D015658"), ("Helicobacter pylori", "MESH:D016481")]:
        assert saved.link(mention, "Disease_disorder").identifier == identifier, mention
    assert concepts[("ECG", "Diagnostic_procedure")] == "MESH:D004562"  # -> Procedure, through its sense electrocardiography
    # a test no procedure's name matches gets what it measures (-> Procedure, Measure, Chemical)
    measured = {e["text"]: e.get("concept") for e in linked if e["type"] == "Diagnostic_procedure"}
    assert measured.get("Troponin", "MESH:D014336") == "MESH:D014336" and measured.get("Blood glucose", "MESH:D001786") == "MESH:D001786"
    assert {"Troponin", "Blood glucose"} & set(measured), measured  # the model tags at least one of them as a test
    # a measure MeSH has no name for, named by --vocabulary clinical-measures
    assert measured.get("HbA1c", "MESH:D006442") == "MESH:D006442"
    # ward shorthand tagged as a disease is linked through its sense (this note's "HTN" and "DM2",
    # with version 6, as the README says); tagged as another type without an alias, it would get no id
    shorthand = {"HTN": "MESH:D006973", "DM2": "MESH:D003924"}
    for e in linked:
        if e["text"] in shorthand:
            assert e.get("concept") == (shorthand[e["text"]] if e["type"] == "Disease_disorder" else None), e
    link = Linker.load(work / "models" / "clinical-linker").link("HTN", "Disease_disorder")
    assert (link.identifier, link.score, link.method) == ("MESH:D006973", 0.9, "sense")
    # "Pt" (the patient), were it tagged as a drug, would get a rare sense's id with a score that says so:
    # physical therapy under Procedure, a commoner sense of "PT" than the chemicals' prothrombin
    link = Linker.load(work / "models" / "clinical-linker").link("Pt", "Medication")
    assert (link.identifier, link.method) == ("MESH:D026741", "sense:Procedure") and link.score < 0.05
    assert all(e.get("concept") is None for e in linked if e["type"] in ("Dosage", "Lab_value"))  # no alias, no id


def test_known_section_headings_are_not_reported(quickstart, note, data_dir):
    import crfner
    from crfner.tagging.annotate import tag_sentences, tagged_sentences

    work, entities, _ = quickstart
    start = note.index("ALLERGIES")
    assert not any(e["start"] <= start < e["end"] for e in entities)
    # the model itself, which never saw a heading, does tag it: the notes splitter keeps it out
    tagger = crfner.CRFTagger.load(work / "models" / "maccrobat-clinical", data_dir=data_dir)
    raw = tag_sentences(tagger, note, tagged_sentences(note, splitter="notes"), full_stops=True)
    assert any(e.start == start and e.text == "ALLERGIES" for e in raw)


def test_a_lower_cased_copy_of_the_note_keeps_its_shorthand_diseases(quickstart, note, data_dir):
    """The issue's report: a lower-cased copy of the note lost HTN and DM2. Version 10 of the set
    recases ward shorthand as notes spell it (``[casing] spellings``), so the copy finds them where
    the note as written does; version 11 leaves the short forms read as words lower case
    (``[casing] keep_words``)."""
    import crfner

    work, entities, _ = quickstart
    tagger = crfner.CRFTagger.load(work / "models" / "maccrobat-clinical", data_dir=data_dir)
    written = {(e["start"], e["end"]): e["type"] for e in entities if e["text"] in ("HTN", "DM2")}
    assert len(written) == 4 and set(written.values()) == {"Disease_disorder"}  # what the README shows
    lowered = tagger.tag_text(note.lower())
    assert {(e.start, e.end): e.type for e in lowered if e.text in ("htn", "dm2")} == written
    # version 11: "pt" stays the patient's word, not case reports' PT (prothrombin time, a
    # diagnostic procedure)
    assert "Pt" in note and not any(e.type == "Diagnostic_procedure" and e.text == "pt" for e in lowered)
    assert not any(e["text"] == "Pt" for e in entities)
    assert tagger.tag_text("PT RESTING IN BED.") == tagger.tag_text("pt resting in bed.") == []


def test_slash_shorthand_is_read_as_its_words(quickstart, note, data_dir):
    """Version 14 reads a note's c/o, y/o, w/, h/o as the words case reports write
    (``[abbreviations] shorthand``); version 11 tagged "c/o SOB" as one diagnostic procedure and
    "67 y/o F w/ HTN" as one lab value, as the README says."""
    import crfner

    work, note_entities, _ = quickstart
    model = crfner.CRFModel.load(work / "models" / "maccrobat-clinical", data_dir=data_dir)
    for text, expected, only in [("Pt c/o SOB.", {"SOB"}, True), ("67 y/o F w/ HTN.", {"HTN"}, True),
                                 ("Pt has h/o DM2 w/o complications.", {"DM2"}, False)]:
        entities = model.tag_text(text)
        assert not any("/" in e.text for e in entities), (text, entities)
        found = {e.text for e in entities}
        assert found == expected if only else expected <= found, (text, entities)  # the README: "and nothing else"
        assert all(text[e.start:e.end] == e.text for e in entities)
    # the note's "64 y/o woman w/ HTN": no entity runs over the shorthand, and its HTN is a disease
    assert not any(form in e["text"] for e in note_entities for form in ("y/o", "w/", "s/p"))
    first_htn = note.index("w/ HTN") + len("w/ ")
    assert any(e["start"] == first_htn and e["text"] == "HTN" and e["type"] == "Disease_disorder" for e in note_entities)
