"""Annotated documents a user holds as a corpus to train on and score against
(``crfner.corpora.annotated``; ``crfner train|evaluate CORPUS --input-format ...``)."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from crfner.cli import main
from crfner.cli.annotated import FORMATS
from crfner.corpora.annotated import ANNOTATED_FORMATS, annotated_sentences, read_annotated
from crfner.corpora.documents import Document, Mention
from crfner.corpora.flatten import LOSSES
from crfner.errors import CrfnerError, DataFormatError

# Two i2b2 2010 records as the challenge wrote them: a sentence a line, tokens apart, concepts by line:token.
RECORDS = {
    "record-1": (("Admission Diagnosis :\nChest pain\nHistory :\n1. hypertension on lisinopril\n2. diabetes\n"
                  "He was given aspirin and heparin for chest pain\n"),
                 ('c="chest pain" 2:0 2:1||t="problem"\nc="hypertension" 4:1 4:1||t="problem"\n'
                  'c="lisinopril" 4:3 4:3||t="treatment"\nc="diabetes" 5:1 5:1||t="problem"\n'
                  'c="aspirin" 6:3 6:3||t="treatment"\nc="heparin" 6:5 6:5||t="treatment"\nc="chest pain" 6:7 6:8||t="problem"\n')),
    "record-2": ("Pt denies fever\nCT scan of the chest showed a mass\nStarted metoprolol\n",
                 ('c="fever" 1:2 1:2||t="problem"\nc="ct scan of the chest" 2:0 2:4||t="test"\nc="a mass" 2:6 2:7||t="problem"\n'
                  'c="metoprolol" 3:1 3:1||t="treatment"\n')),
}


@pytest.fixture
def records(tmp_path):
    folder = tmp_path / "i2b2"
    folder.mkdir()
    for name, (text, con) in RECORDS.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        (folder / f"{name}.con").write_text(con, encoding="utf-8")
    return folder


def test_the_command_line_knows_every_format():
    assert FORMATS == ANNOTATED_FORMATS


def test_a_brat_folder_reads_as_the_registered_corpus_does(data_dir):
    from crfner.corpora.clinical import load_split
    from crfner.corpora.clinical_types import PHEE_DEFAULT

    stats = Counter()
    documents = read_annotated(data_dir / "clinical" / "PHEE" / "train", "brat", types=PHEE_DEFAULT, stats=stats)
    X, y, ids = annotated_sentences(documents, stats=stats)
    assert (X, y) == load_split("phee", "train", data_dir=data_dir)
    assert len(set(ids)) == len(documents) and stats["kept"] + sum(stats[k] for k in LOSSES) == stats["annotations"]


def test_notes_sentences_are_cut_and_closed_as_tagging_reads_them(records):
    documents = read_annotated(records, "i2b2")
    assert [d.id for d in documents] == ["record-1", "record-2"]
    X, y, ids = annotated_sentences(documents, "notes")
    sentences = [" ".join(x) for x in X]
    # list markers left out, each statement closed by a full stop tagged O, headings as they are
    assert sentences[:5] == ["Admission Diagnosis :", "Chest pain .", "History :", "hypertension on lisinopril .", "diabetes ."]
    assert y[3] == ["B-problem", "O", "B-treatment", "O"] and y[1] == ["B-problem", "I-problem", "O"]
    assert ids == ["record-1"] * 6 + ["record-2"] * 3
    X_abstract, _, _ = annotated_sentences(documents)
    assert any("1" in x for x in X_abstract) and not any("1" in x for x in X)  # the abstract splitter keeps the markers
    with pytest.raises(CrfnerError, match="unknown splitter 'note'"):
        annotated_sentences(documents, "note")


def test_types_policy_and_empty_corpora(records, tmp_path):
    assert {m.type for d in read_annotated(records, "i2b2", types="problem") for m in d.mentions} == {"problem"}
    with pytest.raises(CrfnerError, match=r"unknown entity type\(s\) 'Problem'; known types: problem, test, treatment"):
        read_annotated(records, "i2b2", types=["Problem"])
    with pytest.raises(CrfnerError, match="unknown flattening policy"):
        read_annotated(records, "i2b2", policy="widest")
    with pytest.raises(CrfnerError, match="unknown annotated format 'conll'"):
        read_annotated(records, "conll")
    plain = tmp_path / "plain.jsonl"
    plain.write_text(json.dumps({"id": "a", "text": "no entities here"}) + "\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="plain.jsonl: holds no annotated entity"):
        read_annotated(plain, "jsonl")
    with pytest.raises(DataFormatError, match="no such file or folder"):
        read_annotated(tmp_path / "missing", "brat")
    with pytest.raises(DataFormatError, match="a brat corpus is a folder of .txt and .ann files"):
        read_annotated(plain, "brat")


def test_overlapping_mentions_of_json_lines_are_flattened_by_the_policy(tmp_path):
    from crfner.corpora.jsonl import write_jsonl

    text = "acute kidney injury"
    document = Document("a", text, [Mention(0, 19, "Disease", text), Mention(6, 12, "Organ", "kidney")])
    write_jsonl([document], tmp_path / "gold.jsonl")
    stats = Counter()
    (inner,) = read_annotated(tmp_path / "gold.jsonl", "jsonl", stats=stats)
    assert [(m.start, m.end, m.type) for m in inner.mentions] == [(6, 12, "Organ")] and stats["nested"] == 1
    (outer,) = read_annotated(tmp_path / "gold.jsonl", "jsonl", policy="outermost")
    assert [(m.start, m.end, m.type) for m in outer.mentions] == [(0, 19, "Disease")]


def test_train_and_evaluate_on_records_you_hold(records, tmp_path, capsys):
    model = tmp_path / "model"
    assert main(["train", str(records), "--input-format", "i2b2", "--splitter", "notes", "--max-iterations", "30",
                 "--out", str(model), "-q"]) == 0
    err = capsys.readouterr().err
    assert "2 documents, 9 sentences; 11 of 11 annotations tagged" in err
    training = json.loads((model / "crfner.json").read_text(encoding="utf-8"))["training"]
    assert training["corpus"] == f"{records} (i2b2, notes splitter)" and training["splitter"] == "notes"
    # the model keeps its splitter: crfner tag cuts a note by it unless told otherwise, and says when told otherwise
    note = "History :\n1. hypertension on lisinopril\n2. chest pain\nStarted aspirin"
    runs = {}
    for given in ([], ["--splitter", "notes"], ["--splitter", "abstract"]):
        assert main(["tag", str(model), "--text", note, "-o", str(tmp_path / "tagged.jsonl"), *given]) == 0
        runs[tuple(given)] = ((tmp_path / "tagged.jsonl").read_text(encoding="utf-8"), capsys.readouterr().err)
    assert runs[()][0] == runs[("--splitter", "notes")][0] and "note:" not in runs[()][1]
    assert runs[()][0] != runs[("--splitter", "abstract")][0]  # "1." and "2." are tokens there, and no full stop closes a line
    # explain and evaluate take the model's splitter too
    for given in ([], ["--splitter", "notes"]):
        assert main(["explain", str(model), "--text", note, "--json", *given]) == 0
        runs[("explain", *given)] = capsys.readouterr().out
    assert runs[("explain",)] == runs[("explain", "--splitter", "notes")]
    assert main(["evaluate", str(model), str(records), "--input-format", "i2b2", "-q"]) == 0
    captured = capsys.readouterr()
    assert f"{records} (i2b2, notes splitter): strict micro-F1" in captured.out
    assert "2 documents, 11 of 11 annotations kept" in captured.err
    assert "records the notes splitter for raw text (training.splitter); tagging with abstract" in runs[("--splitter", "abstract")][1]
    scores = tmp_path / "scores.json"
    assert main(["evaluate", str(model), str(records), "--input-format", "i2b2", "--splitter", "notes", "--json",
                 str(scores), "-q"]) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert "note: the model tags" not in captured.err  # the same types
    written = json.loads(scores.read_text(encoding="utf-8"))
    assert written["data"] == f"{records} (i2b2, notes splitter)" and written["documents"] == 2
    strict = written["strict"]
    assert strict["support"] == 11 and 0 < strict["correct"] <= strict["predicted"]
    assert f"strict micro-F1 {strict['f1']:.4f}" in out and "treatment" in out
    assert main(["evaluate", str(model), str(records), "--input-format", "i2b2", "--types", "problem,test", "-q"]) == 0
    assert "the model tags problem, test, treatment; the documents hold problem, test" in capsys.readouterr().err
    # the model's types scored as the documents' types: here its treatments alone, as problems
    mapped = tmp_path / "mapped.json"
    assert main(["evaluate", str(model), str(records), "--input-format", "i2b2", "--splitter", "notes", "--type-map",
                 "treatment=problem", "--json", str(mapped), "-q"]) == 0
    per_type = json.loads(mapped.read_text(encoding="utf-8"))["strict"]["per_type"]
    assert per_type["problem"]["predicted"] == strict["per_type"]["treatment"]["predicted"] > 0
    assert per_type["treatment"]["predicted"] == per_type["test"]["predicted"] == 0
    assert "note: the model tags problem; the documents hold problem, test, treatment" in capsys.readouterr().err
    for bad, message in (("treatment", "--type-map takes MODEL_TYPE=TYPE"), ("drug=problem", "the model tags no 'drug'")):
        assert main(["evaluate", str(model), str(records), "--input-format", "i2b2", "--type-map", bad]) == 2
        assert message in capsys.readouterr().err
    assert main(["evaluate", str(model), "ncbi_disease", "--type-map", "a=b"]) == 2
    assert "--type-map goes with --input-format" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "message"), [
    (["--splitter", "notes"], "--splitter goes with --input-format"),
    (["--types", "problem"], "--types goes with --input-format"),
    (["--input-format", "i2b2", "--split", "devel"], "--input-format reads CORPUS whole: it has no splits"),
    (["--input-format", "i2b2", "--evaluate-on", "test"], "--input-format reads CORPUS whole"),
])
def test_options_that_go_with_annotated_documents_only(records, tmp_path, capsys, args, message):
    assert main(["train", str(records), "--out", str(tmp_path / "m"), "-q", *args]) == 2
    assert message in capsys.readouterr().err and not (tmp_path / "m").exists()


def test_evaluate_with_annotated_documents_needs_a_model_and_no_predictions(records, capsys):
    assert main(["evaluate", "--input-format", "i2b2", "--predictions", "x.conll"]) == 2
    assert "--input-format scores MODEL on CORPUS" in capsys.readouterr().err
    assert main(["evaluate", "m", str(records), "--input-format", "i2b2", "--split", "devel"]) == 2
    assert "it has no splits" in capsys.readouterr().err


def test_tune_on_split_folders_you_hold(records, tmp_path, capsys):
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(records, corpus / "train")
    shutil.copytree(records, corpus / "devel")
    model, report = tmp_path / "tuned", tmp_path / "tune.json"
    assert main(["tune", str(corpus), "--input-format", "i2b2", "--splitter", "notes", "--c1", "0.05", "0.5",
                 "--max-iterations", "10", "--out", str(model), "--json", str(report), "-q"]) == 0
    assert len(json.loads(report.read_text(encoding="utf-8"))["candidates"]) == 2
    assert json.loads((model / "crfner.json").read_text(encoding="utf-8"))["training"]["splitter"] == "notes"
    assert "2 documents, 9 sentences" in capsys.readouterr().err
    for args, message in ((["--dev-split", "dev"], "no dev split (a subfolder or file named dev"),
                          (["--evaluate-on", "test"], "--evaluate-on reads a registered corpus's split")):
        assert main(["tune", str(corpus), "--input-format", "i2b2", "--out", str(tmp_path / "m"), "-q", *args]) == 2
        assert message in capsys.readouterr().err
