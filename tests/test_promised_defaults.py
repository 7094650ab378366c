"""README promises a second audit found untested (each checked here fails under the mutation the
audit made): negation and calibration read text with the tagging's splitter, the linker's head
stage takes the longest known final part, crfner linker's defaults, a CSV file's id column by
priority, --n-jobs -1, and the transformer's choice of a GPU."""

from __future__ import annotations

import json

import pytest
from conftest import write

import crfner
from crfner.assertion import negations
from crfner.cli import main
from crfner.corpora.documents import Document, Mention
from crfner.link import Linker

# One line's "No" reaches the next line's finding only when the lines are read as one sentence.
NOTE = "No seizures\nhypotension was seen after cisplatin."


def test_negation_reads_the_text_with_the_splitter_that_tagged_it():
    from crfner.tagging.entity_fields import entity_extras

    mentions = [Mention(3, 11, "Disease", "seizures"), Mention(12, 23, "Disease", "hypotension")]
    document = Document("n", NOTE, mentions)
    by_splitter = {s: [extra["negated"] for extra in entity_extras(document, s, True, False)] for s in ("abstract", "notes")}
    assert by_splitter == {"abstract": [True, True], "notes": [True, False]}
    assert by_splitter["notes"] == [n.negated for n in negations(NOTE, mentions, splitter="notes")]


def test_crfner_tag_negates_with_its_splitter(model, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    write(notes / "n.txt", NOTE)
    crfner.tag_files(model, notes, tmp_path / "out.jsonl", splitter="notes", negation=True, progress=False)
    (record,) = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    entities = [Mention(e["start"], e["end"], e["type"], e["text"]) for e in record["entities"]]
    written = [e["negated"] for e in record["entities"]]
    assert written == [n.negated for n in negations(NOTE, entities, splitter="notes")]
    assert written != [n.negated for n in negations(NOTE, entities, splitter="abstract")]  # the note tells them apart


def test_calibration_tags_with_the_models_splitter(model, tmp_path, data_dir):
    from conftest import cdr_test_documents

    from crfner.tagging.calibrate import calibrate_scores

    notes_model = tmp_path / "model"
    crfner.CRFTagger.load(model).save(notes_model)
    meta = json.loads((notes_model / "crfner.json").read_text())
    meta["training"]["splitter"] = "notes"  # as a model trained on MACCROBAT records it
    (notes_model / "crfner.json").write_text(json.dumps(meta))
    tagger = crfner.CRFTagger.load(notes_model)
    calibration = calibrate_scores(tagger, cdr_test_documents(data_dir, 30))
    assert calibration.fitted_on["splitter"] == "notes"


def test_the_head_stage_takes_the_longest_final_part_it_knows():
    vocabulary = {"Disease": [("cancer", "D1"), ("breast cancer", "D2")]}
    heads = Linker(heads=True, threshold=None).fit(vocabulary)
    found = heads.link("invasive ductal breast cancer", "Disease")
    assert (found.identifier, found.method) == ("D2", "head")  # not "cancer", the shorter final part
    assert Linker(threshold=None).fit(vocabulary).link("invasive ductal breast cancer", "Disease").identifier is None


def test_crfner_linker_defaults_to_bc5cdr_train_medic_and_mesh(monkeypatch, tmp_path, tiny_linker):
    from crfner.link import build

    asked = {}

    def documents(corpus, split, data_dir):
        asked.setdefault("splits", []).append((corpus, split))
        return []

    def fit(vocabularies, found, data_dir, **params):
        asked["vocabularies"] = tuple(vocabularies)
        return tiny_linker

    monkeypatch.setattr(build, "load_documents", documents)
    monkeypatch.setattr(build, "fit_on_vocabularies", fit)
    assert main(["linker", str(tmp_path / "linker")]) == 0
    assert asked == {"splits": [("bc5cdr", "train")], "vocabularies": ("medic", "mesh")}


def test_a_csv_notes_id_column_is_chosen_by_priority_not_position(tmp_path):
    from crfner.corpora.csv_notes import read_csv_documents

    notes = write(tmp_path / "notes.csv", "id,row_id,note_text,note_id,text\n1,2,other,n7,Fever.\n")
    ((document),) = list(read_csv_documents(notes))
    assert (document.id, document.text) == ("n7", "Fever.")  # note_id before row_id before id; text before note_text


@pytest.fixture()
def documents(data_dir):
    from conftest import cdr_test_documents

    return cdr_test_documents(data_dir, 24)


def test_all_cores_give_the_same_bytes(model, inputs, tmp_path):
    crfner.tag_files(model, inputs, tmp_path / "one.jsonl", chunk_size=5, progress=False)
    crfner.tag_files(model, inputs, tmp_path / "all.jsonl", chunk_size=5, n_jobs=-1, progress=False)
    assert (tmp_path / "all.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()


def test_the_transformer_takes_a_gpu_when_torch_sees_one(monkeypatch):
    torch = pytest.importorskip("torch")
    from crfner.transformer.runtime import resolve_device

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device(None).type == "cuda"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device(None).type == "cpu"
