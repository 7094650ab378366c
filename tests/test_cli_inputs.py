"""What the verbs do with what they are given: an output that is the input or already exists, a
corpus named by a registered name or by a file, a split the corpus lacks, an abbreviated option,
an annotation file given for its record; each a one-line error naming the problem, before any work."""

from __future__ import annotations

import json

import pytest
from conftest import write

from crfner import CRFTagger
from crfner.cli import main
from crfner.corpora.pubtator import write_pubtator


def _err(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err, err
    return err


def test_calibrate_out_is_not_replaced_unless_forced(model, data_dir, tmp_path, capsys):
    kept = tmp_path / "kept"
    kept.mkdir()
    write(kept / "notes.txt", "precious")
    command = ["calibrate", str(model), "ncbi_disease", "--data-dir", str(data_dir), "--out", str(kept), "-q"]
    assert main(command) == 2
    assert f"{kept} already exists (use --force to replace it" in _err(capsys)
    assert (kept / "notes.txt").read_text(encoding="utf-8") == "precious"
    # --force replaces a model folder or an empty one, never a folder of anything else
    assert main([*command, "--force"]) == 2
    assert f"{kept} is not a crfner model folder, and --force replaces only one (or an empty folder)" in _err(capsys)
    assert (kept / "notes.txt").read_text(encoding="utf-8") == "precious"
    (kept / "notes.txt").unlink()
    assert main([*command, "--force"]) == 0
    assert "score_calibration" in json.loads((kept / "crfner.json").read_text())
    assert main([*command, "--force"]) == 0  # a model folder now
    copy = tmp_path / "copy"
    CRFTagger.load(model).save(copy)
    assert main(["calibrate", str(copy), "ncbi_disease", "--data-dir", str(data_dir), "--out", str(copy), "-q"]) == 0  # itself


def test_calibrate_refuses_the_split_folders_a_tuned_model_learned_from(model, documents, tmp_path, capsys):
    folder = tmp_path / "corpus"
    for split, part in (("train", documents[:10]), ("devel", documents[10:20]), ("test", documents[20:30])):
        write_pubtator(part, folder / f"{split}.pubtator")
    tuned = tmp_path / "tuned"
    CRFTagger.load(model).save(tuned)
    meta = json.loads((tuned / "crfner.json").read_text())
    meta["training"]["corpus"] = f"{folder}:train+devel"  # as crfner tune FOLDER --input-format records it
    (tuned / "crfner.json").write_text(json.dumps(meta))
    for learned in (folder / "devel.pubtator", folder):
        assert main(["calibrate", str(tuned), str(learned), "--input-format", "pubtator", "-q"]) == 2
        assert f"learned from {folder}:train+devel: calibrate on documents it did not learn from" in _err(capsys)
    assert main(["calibrate", str(tuned), str(folder / "test.pubtator"), "--input-format", "pubtator", "-q"]) == 0


@pytest.fixture(scope="module")
def documents(data_dir):
    from conftest import cdr_test_documents

    return cdr_test_documents(data_dir, 30)


def test_a_registered_name_is_the_corpus_whatever_file_the_folder_holds(model, data_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "ncbi_disease", "Tumour\tB-Disease\n")  # a file named like the corpus: --split still applies
    assert main(["evaluate", str(model), "ncbi_disease", "--split", "devel", "--data-dir", str(data_dir), "-q"]) == 0
    assert "ncbi_disease devel: strict micro-F1" in capsys.readouterr().out


def test_documents_are_asked_for_where_tokens_will_not_do(model, data_dir, tmp_path, capsys):
    conll = write(tmp_path / "small.conll", "Tumour\tB-Disease\n")
    assert main(["calibrate", str(model), str(conll), "--data-dir", str(data_dir), "-q"]) == 2
    err = _err(capsys)
    assert f"unknown corpus '{conll}': registered corpora with documents" in err and "--input-format" in err
    assert "CoNLL" not in err
    assert main(["linker", str(tmp_path / "l"), "--corpus", str(conll), "--data-dir", str(data_dir)]) == 2
    assert f"unknown corpus '{conll}'; the registered corpora with PubTator documents are bc5cdr" in _err(capsys)
    assert main(["linker", str(tmp_path / "l"), "--corpus", "maccrobat", "--data-dir", str(data_dir)]) == 2
    assert "maccrobat has no PubTator documents (text, mentions by offset, concept ids)" in _err(capsys)
    assert not (tmp_path / "l").exists()


def test_a_split_to_evaluate_on_is_checked_before_training(small_train, tmp_path, monkeypatch, capsys, data_dir):
    def never(*args, **kwargs):
        raise AssertionError("trained before the --evaluate-on split was checked")

    monkeypatch.setattr(CRFTagger, "fit", never)
    conll = tmp_path / "train.conll"
    from crfner.corpora.conll import write_conll

    write_conll(conll, *small_train)
    assert main(["train", str(conll), "--evaluate-on", "devel", "--out", str(tmp_path / "m"), "-q"]) == 2
    assert f"{conll} is a single file; it has no split 'devel'" in _err(capsys)
    assert main(["train", "ncbi_disease", "--evaluate-on", "bogus", "--out", str(tmp_path / "m"), "--data-dir",
                 str(data_dir), "-q"]) == 2
    assert "ncbi_disease has no split 'bogus'; choose one of train, devel, test" in _err(capsys)
    assert not (tmp_path / "m").exists()


def test_tag_never_writes_over_what_it_reads(model, tmp_path, capsys):
    note = write(tmp_path / "note.txt", "Patients with breast cancer were seen.")
    assert main(["tag", str(model), str(note), "--input-format", "text", "-o", str(note), "-q"]) == 2
    assert f"{note}: is the input" in _err(capsys)
    assert note.read_text(encoding="utf-8") == "Patients with breast cancer were seen."
    folder = tmp_path / "notes"
    folder.mkdir()
    write(folder / "a.txt", "Patients with breast cancer were seen.")
    assert main(["tag", str(model), str(folder), "-o", str(folder / "out.txt"), "-q"]) == 2
    assert f"would be one of the notes of {folder}" in _err(capsys)
    assert main(["tag", str(model), str(folder), "-o", str(folder / "out.jsonl"), "-q"]) == 0  # not a note: fine
    capsys.readouterr()
    tokens = write(tmp_path / "tokens.conll", "Aspirin\nworks\n")
    assert main(["tag", str(model), str(tokens), "-o", str(tokens), "-q"]) == 2
    assert "is the input" in _err(capsys) and tokens.read_text(encoding="utf-8") == "Aspirin\nworks\n"


def test_a_folder_where_a_file_is_written_is_named_as_given(model, tmp_path, capsys):
    folder = tmp_path / "report"
    folder.mkdir()
    assert main(["explain", str(model), "--text", "Aspirin induced asthma.", "--html", str(folder), "-q"]) == 2
    assert _err(capsys) == f"crfner explain: error: Is a directory: {folder}"
    assert [p.name for p in tmp_path.iterdir()] == ["report"] and not list(folder.iterdir())  # no temporary file left


def test_an_abbreviated_option_is_refused(model, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["tag", str(model), "--text", "Aspirin induced asthma.", "--split", "notes"])
    assert stop.value.code == 2
    assert "unrecognized arguments: --split notes" in _err(capsys)  # not taken as --splitter


def test_an_annotation_file_given_for_its_record_says_so(model, tmp_path, capsys):
    write(tmp_path / "record-1.txt", "Chest pain.\n")
    con = write(tmp_path / "record-1.con", 'c="chest pain" 1:0 1:1||t="problem"\n')
    assert main(["evaluate", str(model), str(con), "--input-format", "i2b2", "-q"]) == 2
    assert "record-1.con: this is a record's annotations (.con); give the record's text, record-1.txt" in _err(capsys)


def test_a_folder_of_split_folders_is_named_as_such(tmp_path, capsys):
    for split in ("train", "test"):
        (tmp_path / "corpus" / split).mkdir(parents=True)
        write(tmp_path / "corpus" / split / "a.txt", "Fever.")
        write(tmp_path / "corpus" / split / "a.ann", "T1\tSign_symptom 0 5\tFever\n")
    assert main(["train", str(tmp_path / "corpus"), "--input-format", "brat", "--out", str(tmp_path / "m"), "-q"]) == 2
    assert f"holds no documents, only the split folders train, test: give one of them ({tmp_path / 'corpus' / 'train'})" \
           in _err(capsys)


def test_a_document_the_output_format_cannot_hold_is_named_by_its_input_file_and_line(model, tmp_path, capsys):
    """The error named the input file only (and, written to standard output, '<input>'): which of a
    million records was bad went unsaid. Now it names the line the document starts on, or, in a
    folder of notes, the note's own file; the document is refused as it is read, before tagging."""
    bad_pmid = "cannot be a PMID in PubTator (empty, or holds '|', a tab or spaces)"
    jsonl = write(tmp_path / "notes.jsonl", '{"id": "a", "text": "Fever."}\n\n{"id": "b|c/d", "text": "Cough."}\n')
    csv = write(tmp_path / "notes.csv", 'note_id,text\na,"Fever.\nCough."\nb|c,Rash.\n')  # a row over two lines
    folder = tmp_path / "notes"
    folder.mkdir()
    write(folder / "a.txt", "Fever.")
    write(folder / " b.txt", "Cough.")  # a leading space: no BRAT file name
    cases = [([str(jsonl), "--input-format", "jsonl", "--output-format", "pubtator"],
              f"{jsonl}, line 3: document id 'b|c/d' {bad_pmid}"),
             ([str(csv), "--output-format", "pubtator"], f"{csv}, line 4: document id 'b|c' {bad_pmid}"),
             ([str(jsonl), "--input-format", "jsonl", "--output-format", "brat"],
              f"{jsonl}, line 3: document id 'b|c/d' cannot be a file name"),
             ([str(folder), "--output-format", "brat"], f"{folder / ' b.txt'}: document id ' b' cannot be a file name")]
    for arguments, message in cases:
        # into a file, and (BRAT output is a folder) to standard output
        for to in [["-o", str(tmp_path / "out")]] + ([] if "brat" in arguments else [[]]):
            assert main(["tag", str(model), *arguments, *to, "-q"]) == 2
            assert _err(capsys) == f"crfner tag: error: {message}", (arguments, to)
            assert not list(tmp_path.glob("out*"))


def test_explain_never_writes_its_page_over_its_input(model, tmp_path, capsys):
    note = write(tmp_path / "note.txt", "Patients with breast cancer were seen.")
    assert main(["explain", str(model), "--input", str(note), "--html", str(note)]) == 2
    assert f"--html {note} is the input" in _err(capsys) and note.read_text(encoding="utf-8").startswith("Patients")
    assert main(["explain", str(model), "--text", "Aspirin.", "--html", ""]) == 2
    assert "--html needs the file to write the page to" in _err(capsys)


def test_an_explanation_page_holds_any_text(model, tmp_path):
    """A lone surrogate (text read with surrogateescape) is shown as U+FFFD rather than stopping the page with a
    UnicodeEncodeError; entity text is isolated (<bdi>) so a right-to-left mark in it cannot reverse the score."""
    page = tmp_path / "page.html"
    assert main(["explain", str(model), "--text", "Cisplatin\udcff nephrotoxicity \u202ewas seen.", "--html", str(page),
                 "-q"]) == 0
    html = page.read_text(encoding="utf-8")
    assert "\ufffd" in html and "<bdi>" in html


def test_a_long_entitys_score_is_a_probability_not_nan(fitted):
    import math

    import crfner

    entities = crfner.tag_text(fitted, "cancer " * 5000)  # the through-factor overflowed, the stay underflowed
    assert max(e.end - e.start for e in entities) > 10_000  # one entity of thousands of tokens
    for entity in entities:
        assert not math.isnan(entity.score) and 0.0 <= entity.score <= 1.0


def test_negating_no_type_is_refused(fitted):
    import crfner

    with pytest.raises(ValueError, match="negation names no type"):
        crfner.explain(fitted, "Aspirin.", negation=[])


def test_tune_refuses_an_existing_model_folder_before_any_work(tmp_path, data_dir, capsys, monkeypatch):
    from crfner.cli import tune

    monkeypatch.setattr(tune, "corpus", lambda *args: pytest.fail("read the corpus before refusing --out"))
    (tmp_path / "tuned").mkdir()
    assert main(["tune", "ncbi_disease", "--out", str(tmp_path / "tuned"), "--data-dir", str(data_dir), "-q"]) == 2
    assert f"{tmp_path / 'tuned'} already exists (use --force to replace it)" in _err(capsys)


def test_evaluate_json_is_not_written_over_what_it_scores(tmp_path, capsys):
    """--json naming the predictions file (or the corpus file) wrote the scores over it."""
    predictions = tmp_path / "p.conll"
    text = "Cisplatin\tB-Chemical\tB-Chemical\ninduced\tO\tO\n\n"
    write(predictions, text)
    assert main(["evaluate", "--predictions", str(predictions), "--json", str(tmp_path / "." / "p.conll")]) == 2
    assert "is the --predictions file; write the scores to another file" in _err(capsys)
    # before the model is read: no model is needed to refuse
    assert main(["evaluate", str(tmp_path / "no-model"), str(predictions), "--json", str(predictions), "-q"]) == 2
    assert "is the corpus file; write the scores to another file" in _err(capsys)
    assert predictions.read_text(encoding="utf-8") == text
    assert main(["evaluate", "--predictions", str(predictions), "--json", str(tmp_path / "s.json")]) == 0
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["f1"] == 1.0


def test_an_output_is_never_written_over_a_file_of_the_model_in_use(model, tmp_path, capsys):
    """-o, --html or --json naming MODEL/crfner.json replaced the model's own metadata, leaving a
    model that no longer loads; each is now refused before any work."""
    copy = tmp_path / "model"
    CRFTagger.load(model).save(copy)
    metadata = (copy / "crfner.json").read_bytes()
    notes = tmp_path / "note.txt"
    write(notes, "Cisplatin induced nephrotoxicity.\n")
    tokens = tmp_path / "tokens.txt"
    write(tokens, "Cisplatin\ninduced\nnephrotoxicity\n")
    predictions = tmp_path / "p.conll"
    write(predictions, "Cisplatin\tB-Chemical\tB-Chemical\n\n")
    target = str(copy / "crfner.json")
    for command, option in ((["tag", str(copy), str(notes), "--input-format", "text", "-o", target], "-o"),
                            (["tag", str(copy), str(tokens), "--input-format", "sentences", "-o", target], "-o"),
                            (["tag", str(copy), "--text", "Cisplatin.", "-o", target], "-o"),
                            (["explain", str(copy), "--text", "Cisplatin.", "--html", target], "--html"),
                            (["evaluate", str(copy), str(predictions), "--json", target], "--json")):
        assert main([*command, "-q"]) == 2, command
        assert f"{option} {target} is a file of the model {copy}; write to another file" in _err(capsys)
    assert (copy / "crfner.json").read_bytes() == metadata
    assert main(["tag", str(copy), str(notes), "--input-format", "text", "-o", str(copy / "tagged.jsonl"), "-q"]) == 0  # beside it
    CRFTagger.load(copy)
