"""Raw-text tagging with the notes splitter (``splitter="notes"``): tag_text, tag_documents,
tag_files, ``crfner tag --splitter`` and the spaCy config key; entities slice back and never
span two list items."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crfner
from crfner.corpora.documents import Document
from crfner.tagging.annotate import SPLITTERS, split_text, tag_documents, tag_sentences, tag_text, tagged_sentences
from crfner.text import known_heading_spans, note_sentences, placeholder_spans, sentences, tagging_sentences
from crfner.text.statements import full_stopped

NOTE = (
    "ASSESSMENT AND PLAN:\n"
    "Pt is a 58 y/o M w/ HTN and DM2 admitted after cisplatin\n"
    "# Cisplatin nephrotoxicity: hold cisplatin\n"
    "# Hypertension - resume lisinopril 10 mg p.o. daily\n"
    "1. aspirin 81 mg daily 2. heparin 5000 units SC t.i.d.\n"
    "ALLERGIES: Penicillin (rash)."
)


def test_splitter_names_and_the_default(fitted):
    assert tuple(SPLITTERS) == ("abstract", "notes")
    assert split_text(NOTE) == sentences(NOTE)
    assert split_text(NOTE, splitter="notes") == note_sentences(NOTE)
    assert tag_text(fitted, NOTE) == tag_sentences(fitted, NOTE, sentences(NOTE))
    assert fitted.tag_text(NOTE) == tag_text(fitted, NOTE)


def test_notes_splitter_tags_per_note_sentence(fitted):
    entities = tag_text(fitted, NOTE, splitter="notes")
    assert entities == tag_sentences(fitted, NOTE, note_sentences(NOTE, markers=False), full_stops=True)
    assert fitted.tag_text(NOTE, splitter="notes") == entities
    markers = [NOTE.index(m) for m in ("# Cisplatin", "# Hypertension", "1. aspirin", "2. heparin")]
    assert not any(e.start <= m < e.end for e in entities for m in markers)  # list markers are never tagged
    assert {e.text for e in entities} & {"cisplatin", "Cisplatin", "aspirin", "heparin"}
    for e in entities:
        assert NOTE[e.start : e.end] == e.text and "\n" not in e.text


def test_tagged_sentences_are_what_tag_text_tags(fitted):
    assert tagged_sentences(NOTE) == sentences(NOTE)
    assert tagged_sentences(NOTE, splitter="notes") == note_sentences(NOTE, markers=False)
    assert tag_text(fitted, NOTE, splitter="notes") == tag_sentences(fitted, NOTE, tagged_sentences(NOTE, splitter="notes"),
                                                                     full_stops=True)


@pytest.mark.parametrize("splitter", ["abstract", "notes"])
def test_explain_splits_as_tag_text_does(fitted, splitter):
    explanation = crfner.explain(fitted, NOTE, top=3, splitter=splitter)
    tagged = tag_text(fitted, NOTE, splitter=splitter)
    assert [(e.start, e.end, e.type, e.text, e.score) for e in explanation.entities] == [
        (e.start, e.end, e.type, e.text, e.score) for e in tagged
    ]
    assert fitted.explain(NOTE, top=3, splitter=splitter).to_dict() == explanation.to_dict()
    if splitter == "notes":
        assert all("\n" not in e.text for e in explanation.entities)


def test_explain_refuses_a_splitter_it_cannot_use(fitted):
    with pytest.raises(ValueError, match="splitter must be one of"):
        crfner.explain(fitted, NOTE, splitter="note")
    with pytest.raises(ValueError, match="splitter= goes with raw text"):
        crfner.explain(fitted, [["aspirin", "daily"]], splitter="notes")


@pytest.mark.parametrize("splitter", ["note", "", 3, "NOTES"])  # None is the model's own splitter
def test_an_unknown_splitter_is_refused(fitted, splitter):
    with pytest.raises(ValueError, match="splitter must be one of abstract, notes"):
        tag_text(fitted, NOTE, splitter=splitter)
    with pytest.raises(ValueError, match="splitter must be one of"):
        tag_documents(fitted, [Document("a", NOTE)], splitter=splitter)


def test_tag_documents_with_notes_agrees_with_tag_text(fitted):
    documents = [Document(str(i), text) for i, text in enumerate([NOTE, "", NOTE.upper(), NOTE.replace("\n", "\r\n")])]
    tagged = tag_documents(fitted, documents, splitter="notes")
    for document, out in zip(documents, tagged):
        expected = [(e.start, e.end, e.type, e.text) for e in tag_text(fitted, document.text, splitter="notes")]
        assert [(m.start, m.end, m.type, m.text) for m in out.mentions] == expected


def test_tag_files_and_the_cli_take_the_splitter(fitted, tmp_path, capsys):
    from crfner.cli import main
    from crfner.errors import CrfnerError
    from crfner.tagging.batch import tag_files

    model = fitted.save(tmp_path / "model")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text(NOTE, encoding="utf-8")
    tag_files(model, notes, tmp_path / "notes.jsonl", splitter="notes", progress=False)
    (record,) = [json.loads(line) for line in (tmp_path / "notes.jsonl").read_text(encoding="utf-8").splitlines()]
    expected = [[e.start, e.end, e.type] for e in tag_text(fitted, NOTE, splitter="notes")]
    assert [[m["start"], m["end"], m["type"]] for m in record["entities"]] == expected
    with pytest.raises(CrfnerError, match="unknown splitter"):
        tag_files(model, notes, tmp_path / "x.jsonl", splitter="lines", progress=False)

    assert main(["tag", str(model), notes.as_posix(), "--input-format", "text", "--splitter", "notes",
                 "-o", str(tmp_path / "cli.jsonl"), "-q"]) == 0
    assert (tmp_path / "cli.jsonl").read_bytes() == (tmp_path / "notes.jsonl").read_bytes()
    capsys.readouterr()
    assert main(["tag", str(model), "--text", NOTE, "--splitter", "notes"]) == 0
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [[e["start"], e["end"], e["type"]] for e in printed] == expected
    assert main(["tag", str(model), str(notes / "a.txt"), "--input-format", "sentences", "--splitter", "notes"]) == 2
    assert "--splitter applies to raw text" in capsys.readouterr().err


def test_the_notes_splitters_version_enters_the_resume_fingerprint(fitted, tmp_path, monkeypatch):
    """A partial output of notes cut by an earlier splitter (rule lines changed on 2026-12-05) was
    continued by the next, so one output held notes cut two ways; the notes splitter's version now
    enters the fingerprint, and the abstract splitter's fingerprint stays as it was."""
    from crfner.tagging.resume import fingerprint
    from crfner.text.notes import NOTES_VERSION

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text(NOTE, encoding="utf-8")
    model = fitted.save(tmp_path / "model").resolve()
    abstract, cut = fingerprint(notes, model, "text", "jsonl"), fingerprint(notes, model, "text", "jsonl", splitter="notes")
    monkeypatch.setattr("crfner.text.notes.NOTES_VERSION", NOTES_VERSION + 1)
    assert fingerprint(notes, model, "text", "jsonl", splitter="notes") not in (cut, abstract)
    assert fingerprint(notes, model, "text", "jsonl") == abstract


def test_notes_in_another_encoding_are_read_with_it(fitted, tmp_path, capsys):
    from crfner.cli import main
    from crfner.errors import CrfnerError
    from crfner.tagging.batch import tag_files, tag_stream

    model = fitted.save(tmp_path / "model")
    notes = tmp_path / "notes"
    notes.mkdir()
    note = NOTE.replace("58 y/o", "58\u00a0y/o").replace("(rash)", "(rash \u2013 hives, 38.5\u00b0C)")
    (notes / "w.txt").write_bytes(note.encode("cp1252"))  # as a Windows system exports it
    out = tmp_path / "w.jsonl"
    # without the encoding: one line naming the file and what to do
    assert main(["tag", str(model), notes.as_posix(), "--input-format", "text", "-o", str(out), "-q"]) == 2
    error = capsys.readouterr().err
    assert "w.txt: not UTF-8 text" in error and "--encoding" in error and not out.exists()
    assert main(["tag", str(model), notes.as_posix(), "--input-format", "text", "--encoding", "cp1252", "--splitter",
                 "notes", "-o", str(out), "-q"]) == 0
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["text"] == note
    expected = [[e.start, e.end, e.type] for e in tag_text(fitted, note, splitter="notes")]
    assert [[m["start"], m["end"], m["type"]] for m in record["entities"]] == expected
    assert all(note[m["start"] : m["end"]] == m["text"] for m in record["entities"])
    assert tag_files(model, notes, tmp_path / "api.jsonl", encoding="cp1252", splitter="notes", progress=False)["tagged"] == 1
    assert (tmp_path / "api.jsonl").read_bytes() == out.read_bytes()
    from crfner.tagging.resume import fingerprint as _fingerprint

    resolved = model.resolve()  # a partial output read in one encoding is not resumed in another; UTF-8 adds nothing
    assert _fingerprint(notes, resolved, "text", "jsonl", encoding="cp1252") != _fingerprint(notes, resolved, "text", "jsonl")
    assert _fingerprint(notes, resolved, "text", "jsonl", encoding="utf-8") == _fingerprint(notes, resolved, "text", "jsonl")
    with open(tmp_path / "sink", "wb") as sink, pytest.raises(CrfnerError, match=r"w\.txt: not ascii text \(ordinal"):
        tag_stream(model, notes, sink, encoding="ascii")
    for args, message in ((["--encoding", "klingon", "--input-format", "text"], "unknown text encoding 'klingon'"),
                          (["--encoding", "hex", "--input-format", "text"], "unknown text encoding 'hex'"),  # bytes to bytes
                          (["--encoding", "", "--input-format", "text"], "unknown text encoding ''"),
                          (["--encoding", "utf-16", "--input-format", "text"], "w.txt: not utf-16 text ("),
                          (["--encoding", "cp1252", "--input-format", "jsonl"], "--encoding applies to raw-text files")):
        assert main(["tag", str(model), notes.as_posix(), *args, "-q"]) == 2
        assert message in capsys.readouterr().err
    assert main(["tag", str(model), str(notes / "w.txt"), "--encoding", "cp1252", "-q"]) == 2  # a file is CoNLL by default
    assert "--encoding applies to raw-text files" in capsys.readouterr().err
    assert main(["tag", str(model), notes.as_posix(), "--encoding", "cp1252", "-o", str(tmp_path / "folder.jsonl"),
                 "--splitter", "notes", "-q"]) == 0  # a folder is raw text
    assert (tmp_path / "folder.jsonl").read_bytes() == out.read_bytes()
    with pytest.raises(CrfnerError, match="jsonl input is UTF-8"):
        tag_files(model, out, tmp_path / "x.jsonl", input_format="jsonl", encoding="cp1252", progress=False)
    # explain reads --input as tag does
    assert main(["explain", str(model), "--input", str(notes / "w.txt"), "--encoding", "cp1252", "--json",
                 "--splitter", "notes"]) == 0
    explained = json.loads(capsys.readouterr().out)
    assert [[e["start"], e["end"], e["type"]] for e in explained["entities"]] == expected
    # and CR LF line ends count as one character in both, as Python reads text
    (notes / "w.txt").write_bytes(note.replace("\n", "\r\n").encode("cp1252"))
    assert main(["explain", str(model), "--input", str(notes / "w.txt"), "--encoding", "cp1252", "--json",
                 "--splitter", "notes"]) == 0
    assert [[e["start"], e["end"], e["type"]] for e in json.loads(capsys.readouterr().out)["entities"]] == expected


def test_cli_choices_match_the_library():
    from crfner.cli.tag import SPLITTERS as CLI_SPLITTERS

    assert CLI_SPLITTERS == tuple(SPLITTERS)


WORDS = ["HTN", "DM2", "hypertension", "cisplatin", "nephrotoxicity", "aspirin", "81", "mg", "p.o.", "daily",
         "b.i.d.", "resume", "hold", "breast", "cancer", "Pt", "stable", "w/", "and", ",", ".", ":", "(", ")",
         "heparin", "induced", "thrombocytopenia", "Delirium", "5000", "units", "y/o", "Dr.", "CKD", "s/p"]
PHRASE = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)
# A block of one to four items: each on its own line ("# ", "- ", "1. " numbered in order, a
# bullet, a checkbox, an arrow, a table row, a roman numeral, Word's bullets, a log's time
# stamps, rows of a table whose columns are spaces apart), or several on one line ("# ", a bullet).
ITEMS = st.tuples(st.sampled_from(["# ", "- ", "1. ", "#", "\u2022 ", "\u25aa ", "[X] ", "-> ", "| ", "II. ", "iv. ", "o ",
                                   "\uf0b7 ", "\u00a7 ", "inline# ", "inline\u25e6 ", "inline\uf0b7 ", "stamp", "columns"]),
                  st.lists(PHRASE, min_size=1, max_size=4))
BLOCK = st.one_of(st.tuples(st.just("heading"), st.sampled_from(["PLAN:", "PROBLEM LIST:", "MEDICATIONS"])),
                  st.tuples(st.just("prose"), PHRASE), st.tuples(st.just("items"), ITEMS))


def _note(blocks) -> tuple[str, list[int], list[int]]:
    """The note's text, the offsets where its list items (markers included) begin, and where an
    entry read whole begins: a time-stamped entry and the text it stamps (a stamp is read, not
    left out as a marker), a table's row after a row."""
    text, starts, stamps = "", [], []
    for kind, content in blocks:
        if text:
            text += "\n"
        if kind != "items":
            text += content
            continue
        marker, phrases = content
        for k, phrase in enumerate(phrases):
            if marker.startswith("inline"):
                text += " " if k else ""
                starts.append(len(text))
                text += marker.removeprefix("inline") + phrase
                continue
            if k:
                text += "\n"
            if marker == "columns":  # a row after a row is a statement of its own, however wide
                if k:
                    stamps.append(len(text))
                text += f"{phrase}   {k + 1} mg\tPO"
                continue
            if marker == "stamp":
                if not phrase[0].isalpha():
                    phrase = "Pt " + phrase  # a stamp is followed by words: "0800 - 81" may be a range
                stamp = f"{8 + k:02d}{15 * k:02d} - "
                stamps += [len(text), len(text) + len(stamp)]
                text += stamp + phrase
                continue
            starts.append(len(text))
            if marker == "#" and not phrase[0].isalnum():
                marker = "# "  # "#" glued to a word only: "#HTN"
            text += (f"{k + 1}. " if marker == "1. " else marker) + phrase
    return text, starts, stamps


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(BLOCK, min_size=1, max_size=6))
def test_note_entities_slice_back_and_never_span_two_list_items(fitted, blocks):
    text, item_starts, stamps = _note(blocks)
    # what the model reads never runs across an item's start, marker included, whatever it tags,
    # nor across a stamped entry's start or the start of what the stamp stamps
    for sentence in tagging_sentences(text)[0]:
        assert not any(sentence[0].start <= start < sentence[-1].end for start in item_starts), (text, sentence)
        assert not any(sentence[0].start < start < sentence[-1].end for start in stamps), (text, sentence)
    entities = tag_text(fitted, text, splitter="notes")
    (document,) = tag_documents(fitted, [Document("n", text)], splitter="notes")
    assert [(m.start, m.end, m.type) for m in document.mentions] == [(e.start, e.end, e.type) for e in entities]
    for e in entities:
        assert text[e.start : e.end] == e.text
        assert not any(e.start <= start < e.end for start in item_starts), (text, e)  # nor its marker
        assert not any(e.start < start < e.end for start in stamps), (text, e)


def test_the_spacy_component_takes_the_splitter(fitted, tmp_path):
    spacy = pytest.importorskip("spacy")
    from crfner.spacy import CrfnerComponent

    model = fitted.save(tmp_path / "model")
    nlp = spacy.blank("en")
    nlp.add_pipe("crfner", config={"model": str(model), "splitter": "notes"})
    assert nlp.get_pipe("crfner").splitter == "notes"
    expected = CrfnerComponent(fitted).set_entities(nlp.make_doc(NOTE), tag_text(fitted, NOTE, splitter="notes"))
    ents = [(e.start_char, e.end_char, e.label_) for e in expected.ents]
    assert ents
    assert [(e.start_char, e.end_char, e.label_) for e in nlp(NOTE).ents] == ents
    assert [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in nlp.pipe([NOTE, NOTE])] == [ents, ents]
    default = spacy.blank("en")
    default.add_pipe("crfner", config={"model": str(model)})
    assert default.get_pipe("crfner").splitter == "abstract"
    with pytest.raises(ValueError, match="splitter must be one of abstract, notes"):
        CrfnerComponent(fitted, splitter="lines")


def test_the_python_api_reads_a_note_by_the_splitter_the_model_records(fitted, tmp_path):
    # a model trained on notes (crfner train --input-format ... --splitter notes) records its splitter;
    # tag_text, tag_documents, explain and the spaCy component take it when given none
    fitted.save(tmp_path / "plain")
    learned = crfner.CRFTagger.load(tmp_path / "plain")
    assert "splitter" not in learned.training_data_
    plain = [(e.start, e.end, e.type, e.score) for e in learned.tag_text(NOTE)]
    assert plain == [(e.start, e.end, e.type, e.score) for e in learned.tag_text(NOTE, splitter="abstract")]
    learned.training_data_["splitter"] = "notes"
    learned.save(tmp_path / "notes")
    model = crfner.CRFTagger.load(tmp_path / "notes")
    by_notes = [(e.start, e.end, e.type, e.score) for e in tag_text(model, NOTE, splitter="notes")]
    assert by_notes != plain  # cut and closed otherwise, the note scores otherwise: the default below is not the abstract one
    assert [(e.start, e.end, e.type, e.score) for e in model.tag_text(NOTE)] == by_notes
    assert [(e.start, e.end, e.type, e.score) for e in tag_text(model, NOTE)] == by_notes
    assert [(e.start, e.end, e.type, e.score) for e in model.tag_text(NOTE, splitter="abstract")] == plain
    (document,) = tag_documents(model, [Document("n", NOTE)])
    assert [(m.start, m.end, m.type, m.score) for m in document.mentions] == by_notes
    assert [(e.start, e.end, e.type, e.score) for e in model.explain(NOTE).entities] == by_notes
    assert model.explain([["No", "fever"]], splitter="abstract").entities == model.explain([["No", "fever"]]).entities
    with pytest.raises(ValueError, match="splitter= goes with raw text"):
        model.explain([["No", "fever"]], splitter="notes")
    with pytest.raises(ValueError, match="splitter must be one of abstract, notes"):
        model.tag_text(NOTE, splitter="lines")
    spacy = pytest.importorskip("spacy")
    for config, expected in (({}, "notes"), ({"splitter": "abstract"}, "abstract")):
        nlp = spacy.blank("en")
        nlp.add_pipe("crfner", config={"model": str(tmp_path / "notes"), **config})
        assert nlp.get_pipe("crfner").splitter == expected


def test_a_text_file_with_cr_lf_line_ends_is_tagged_as_python_reads_it(fitted, tmp_path):
    from crfner.tagging.batch import tag_files

    model = fitted.save(tmp_path / "model")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_bytes(NOTE.replace("\n", "\r\n").encode("utf-8"))
    tag_files(model, notes, tmp_path / "out.jsonl", splitter="notes", progress=False)
    (record,) = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert record["text"] == NOTE  # CR LF read as one line end, as open() reads text
    expected = [(e.start, e.end, e.text) for e in tag_text(fitted, NOTE, splitter="notes")]
    assert expected and [(m["start"], m["end"], m["text"]) for m in record["entities"]] == expected


class _EverythingTagger:
    """Tags every sentence as one entity: what the notes splitter keeps out of headings shows."""

    def predict(self, X, documents=None):
        return [["B-X"] + ["I-X"] * (len(s) - 1) for s in X]

    def predict_marginals(self, X, documents=None):
        return [[{"B-X": 1.0, "I-X": 1.0}] * len(s) for s in X]


def test_known_section_headings_are_never_entities():
    note = "ALLERGIES: Penicillin (rash).\nHypertension:\n- lisinopril 10 mg\nDischarge Medications\naspirin 81 mg"
    assert known_heading_spans(note) == [(0, 10), (note.index("Discharge"), note.index("Discharge") + 21)]
    everything = _EverythingTagger()
    found = [e.text for e in tag_text(everything, note, splitter="notes")]
    assert found == ["Penicillin (rash).", "Hypertension:", "lisinopril 10 mg", "aspirin 81 mg"]  # "Hypertension:" is no known section
    (document,) = tag_documents(everything, [Document("n", note)], splitter="notes")
    assert [m.text for m in document.mentions] == found
    assert "ALLERGIES: Penicillin (rash)." in [e.text for e in tag_text(everything, note)]  # the abstract splitter keeps all
    # the headings still reach the model, so that section context reads them
    assert "ALLERGIES:" in [NOTE[s[0].start : s[-1].end] for s in tagged_sentences(NOTE, splitter="notes")]


def test_an_empty_items_marker_is_never_an_entity():
    # a lone "-" or "1." was a sentence of its own, and a model could tag it (a model trained
    # briefly on MACCROBAT tagged "-" and "*" signs or symptoms); it is layout, left out as markers are
    note = "Plan:\n-\nlisinopril held\n#\nHTN\n*   \n* start ceftriaxone 1 g IV q24h\n1.\n2) DM2\n-"
    found = [e.text for e in tag_text(_EverythingTagger(), note, splitter="notes")]
    assert found == ["lisinopril held", "HTN", "start ceftriaxone 1 g IV q24h", "DM2"]
    (document,) = tag_documents(_EverythingTagger(), [Document("n", note)], splitter="notes")
    assert [m.text for m in document.mentions] == found


def test_an_icu_notes_organ_systems_are_headings_not_entities():
    note = "Neuro: A&Ox3, no focal deficits.\nCV: NSR 80s.\nID: Vanc day 3 for HAP.\nheme: Hgb 8.1\nRenal failure: resolved"
    found = [e.text for e in tag_text(_EverythingTagger(), note, splitter="notes")]
    # "Renal failure:" names a problem, not a system: the tagger still reads it
    assert found == ["A&Ox3, no focal deficits.", "NSR 80s.", "Vanc day 3 for HAP.", "Hgb 8.1", "Renal failure: resolved"]


def test_a_discharge_summarys_form_fields_are_headings_not_entities():
    note = ("Attending: Dr. Jones\nMajor Surgical or Invasive Procedure:\nLaparoscopic cholecystectomy\nEBL: 50 mL\n"
            "Transitional Issues:\n- f/u LFTs\nMental Status: Clear and coherent.")
    found = [e.text for e in tag_text(_EverythingTagger(), note, splitter="notes")]
    # "Mental Status:" is a heading by its shape but no known section (MACCROBAT tags it a diagnostic
    # procedure): the tagger reads it
    assert found == ["Dr. Jones", "Laparoscopic cholecystectomy", "50 mL", "f/u LFTs", "Mental Status:",
                     "Clear and coherent."]


def test_soap_and_lower_case_notes_are_tagged_statement_by_statement():
    note = ("S: 34 yo F w/ CD, 6-8 loose BMs/day.\nO: T 37.9, HR 104.\nA/P:\n1) CD flare - start prednisone 40 mg daily\n"
            "exam: rr 24, crackles\nekg: afib w/ rvr\nTECHNIQUE: Axial images.")
    found = [e.text for e in tag_text(_EverythingTagger(), note, splitter="notes")]
    assert found == ["34 yo F w/ CD, 6-8 loose BMs/day.", "T 37.9, HR 104.", "CD flare", "start prednisone 40 mg daily",
                     "rr 24, crackles", "ekg: afib w/ rvr", "Axial images."]


def test_no_entity_holds_or_crosses_a_de_identification_placeholder():
    # MIMIC-III brackets each placeholder, MIMIC-IV writes "___"; a model that tags every token
    # shows what tagging hands it: the text around them, never a placeholder
    note = ("Admission Date:  [**2150-3-4**]     Discharge Date:   [**2150-3-12**]\n"
            "HPI: Mr. [**Known lastname 5678**] is a 70 yo M from [**Hospital3 **] w/ fever.\n"
            "Dr. ___ gave vancomycin 1 g at ___ ED.")
    found = tag_text(_EverythingTagger(), note, splitter="notes")
    # "Admission Date:" opens its line, a known heading; "Discharge Date:" inside the line is text
    assert [e.text for e in found] == ["Discharge Date:", "Mr.", "is a 70 yo M from", "w/ fever.", "Dr.",
                                       "gave vancomycin 1 g at", "ED."]
    holes = placeholder_spans(note)
    assert len(holes) == 6
    assert not any(a < e.end and e.start < b for e in found for a, b in holes)
    (document,) = tag_documents(_EverythingTagger(), [Document("n", note)], splitter="notes")
    assert [m.text for m in document.mentions] == [e.text for e in found]


def test_a_stream_its_codec_refuses_is_a_one_line_error(tmp_path):
    from crfner.errors import DataFormatError
    from crfner.tagging.inputs import read_documents

    # UTF-16 with no byte-order mark raises UnicodeError, not UnicodeDecodeError: it was a traceback
    (tmp_path / "n.txt").write_bytes("HPI: fever".encode("utf-16-le"))
    with pytest.raises(DataFormatError, match=r"n\.txt: not utf-16 text \(UTF-16 stream does not start with BOM\)"):
        list(read_documents(tmp_path / "n.txt", "text", "utf-16"))
    assert [d.text for d in read_documents(tmp_path / "n.txt", "text", "utf-16-le")] == ["HPI: fever"]


def test_a_utf8_byte_order_mark_is_dropped_and_only_from_utf8(tmp_path):
    from crfner.tagging.inputs import read_documents

    (tmp_path / "n.txt").write_bytes(b"\xef\xbb\xbfHPI: fever\r\nPlan: rest")
    assert [d.text for d in read_documents(tmp_path / "n.txt", "text")] == ["HPI: fever\nPlan: rest"]
    assert [d.text for d in read_documents(tmp_path / "n.txt", "text", "latin-1")] == ["\u00ef\u00bb\u00bfHPI: fever\nPlan: rest"]


class _ReadingTagger(_EverythingTagger):
    """Tags every sentence as one entity, and keeps the token lists it was given."""

    def __init__(self):
        self.read = []

    def predict(self, X, documents=None):
        self.read += [list(s) for s in X]
        return super().predict(X, documents)


def test_a_notes_statements_are_closed_by_a_full_stop_the_entities_never_hold():
    note = "HPI:\nK 4.1\nPt stable.\nDenies CP?\nMEDICATIONS\n- aspirin 81 mg (home)\nNeuro: A&Ox3"
    reading = _ReadingTagger()
    found = tag_text(reading, note, splitter="notes")
    # the corpora's sentences end in a full stop, a note's lines mostly do not; headings stay as
    # the section features read them
    assert reading.read == [["HPI", ":"], ["K", "4", ".", "1", "."], ["Pt", "stable", "."], ["Denies", "CP", "?"], ["MEDICATIONS"],
                            ["aspirin", "81", "mg", "(", "home", ")", "."], ["Neuro", ":"], ["A", "&", "Ox3", "."]]
    # the added stop is read, never reported: entities end on the note's own characters
    assert [e.text for e in found] == ["K 4.1", "Pt stable.", "Denies CP?", "aspirin 81 mg (home)", "A&Ox3"]
    assert all(note[e.start:e.end] == e.text for e in found)
    assert full_stopped([["K", "4"], [], ["PLAN", ":"], ["ok", "!"]]) == [["K", "4", "."], [], ["PLAN", ":"], ["ok", "!"]]
    reading.read.clear()
    tag_text(reading, note)  # the abstract splitter reads the text as the corpora were written: no stop added
    assert sum(s.count(".") for s in reading.read) == note.count(".") == 2
