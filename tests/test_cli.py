"""The crfner command line: each verb end to end on slices of the real corpora, and its errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from crfner.cli import main
from crfner.corpora.conll import write_conll


def run(*args, input_text=None):
    return subprocess.run([sys.executable, "-m", "crfner", *map(str, args)], capture_output=True, text=True, input=input_text, check=False)


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory, small_train, small_devel):
    folder = tmp_path_factory.mktemp("corpus")
    X, y = small_train
    Xd, yd = small_devel
    write_conll(folder / "train.tsv", X[:400], y[:400])
    write_conll(folder / "devel.tsv", Xd[:150], yd[:150])
    write_conll(folder / "test.tsv", Xd[150:], yd[150:])
    return folder


@pytest.fixture(scope="module")
def model_dir(corpus_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("models") / "m"
    assert main(["train", str(corpus_dir), "--out", str(out), "--max-iterations", "20", "--evaluate-on", "devel", "-q"]) == 0
    return out


def _f1(stdout: str) -> float:
    return float(re.search(r"strict micro-F1 ([0-9.]+)", stdout).group(1))


def test_train_stores_requested_metrics(model_dir):
    meta = json.loads((model_dir / "crfner.json").read_text())
    assert meta["parameters"]["max_iterations"] == 20
    assert 0 < meta["metrics"]["devel"]["f1"] <= 1


def test_tag_output_scores_the_same_as_evaluate(model_dir, corpus_dir, tmp_path, capsys):
    assert main(["evaluate", str(model_dir), str(corpus_dir), "--split", "test", "--json", str(tmp_path / "s.json")]) == 0
    printed = capsys.readouterr().out
    scores = json.loads((tmp_path / "s.json").read_text())
    assert _f1(printed) == pytest.approx(scores["f1"], abs=5e-5) and "micro avg" in printed

    assert main(["tag", str(model_dir), str(corpus_dir / "test.tsv"), "-o", str(tmp_path / "pred.conll"), "-q"]) == 0
    first = (tmp_path / "pred.conll").read_text().splitlines()[0].split("\t")
    assert len(first) == 3  # token, gold, predicted
    assert main(["evaluate", "--predictions", str(tmp_path / "pred.conll")]) == 0
    assert _f1(capsys.readouterr().out) == pytest.approx(scores["f1"], abs=5e-5)
    # a file is scored whole and named as it is, with no split after it (the folder's are named)
    assert scores["data"] == f"{corpus_dir} test"
    assert main(["evaluate", str(model_dir), str(corpus_dir / "test.tsv"), "--json", str(tmp_path / "f.json")]) == 0
    assert capsys.readouterr().out.startswith(f"{corpus_dir / 'test.tsv'}: strict micro-F1")
    assert json.loads((tmp_path / "f.json").read_text())["data"] == str(corpus_dir / "test.tsv")


def test_positional_arguments_may_follow_options(model_dir, corpus_dir, tmp_path, capsys):
    """``crfner tag MODEL -q FILE`` and ``crfner evaluate MODEL --split test CORPUS`` read as
    the same commands with the positionals first (plain argparse refused the second positional)."""
    test_file = str(corpus_dir / "test.tsv")
    assert main(["tag", str(model_dir), test_file, "-q", "-o", str(tmp_path / "first.conll")]) == 0
    assert main(["tag", str(model_dir), "-q", "-o", str(tmp_path / "after.conll"), test_file]) == 0
    assert (tmp_path / "after.conll").read_text() == (tmp_path / "first.conll").read_text() != ""
    capsys.readouterr()
    assert main(["evaluate", str(model_dir), str(corpus_dir), "--split", "test"]) == 0
    first = capsys.readouterr().out
    assert main(["evaluate", str(model_dir), "--split", "test", str(corpus_dir)]) == 0
    assert capsys.readouterr().out == first and "micro avg" in first
    # a word too many is still refused, in one line
    with pytest.raises(SystemExit) as exit_:
        main(["tag", str(model_dir), "-q", test_file, "extra"])
    assert exit_.value.code == 2 and "unrecognized arguments: extra" in capsys.readouterr().err


def test_registered_corpus_end_to_end(data_dir, tmp_path, capsys):
    model = tmp_path / "ncbi"
    assert main(["train", "ncbi_disease", "--data-dir", str(data_dir), "--out", str(model), "--max-iterations", "10", "-q"]) == 0
    assert json.loads((model / "crfner.json").read_text(encoding="utf-8"))["training"]["splitter"] == "abstract"
    assert main(["evaluate", str(model), "ncbi_disease", "--data-dir", str(data_dir)]) == 0
    evaluated = _f1(capsys.readouterr().out)
    test_file = data_dir / "NCBI-disease-IOB" / "test.tsv"
    assert main(["tag", str(model), str(test_file), "-o", str(tmp_path / "p.conll"), "-q"]) == 0
    assert main(["evaluate", "--predictions", str(tmp_path / "p.conll")]) == 0
    assert _f1(capsys.readouterr().out) == evaluated > 0


@pytest.mark.parametrize(("corpus", "input_format", "splitter", "recorded"), [
    ("maccrobat", None, None, "notes"), ("phee", None, None, "notes"), ("bc5cdr", None, None, "abstract"),
    ("my_corpus.conll", None, None, None), ("notes/", "brat", None, "abstract"), ("notes/", "i2b2", "notes", "notes"),
])
def test_training_records_the_splitter_raw_text_is_cut_by(corpus, input_format, splitter, recorded):
    import argparse

    from crfner.cli.common import record_splitter

    tagger = argparse.Namespace(training_data_={})
    record_splitter(tagger, argparse.Namespace(corpus=corpus, input_format=input_format, splitter=splitter))
    assert tagger.training_data_.get("splitter") == recorded


def test_tag_sentences_from_stdin_as_json(model_dir):
    result = run("tag", model_dir, "--input-format", "sentences", "--output-format", "json",
                 input_text="Cisplatin induced nephrotoxicity .\n\nHe had no fever\n")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["tokens"] for r in records] == [["Cisplatin", "induced", "nephrotoxicity", "."], ["He", "had", "no", "fever"]]
    for record in records:
        assert len(record["tags"]) == len(record["tokens"])
        for entity in record["entities"]:
            assert entity["text"] == " ".join(record["tokens"][entity["start"]:entity["end"]])


def test_corpora_lists_the_registry(data_dir, capsys):
    assert main(["corpora", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "bc5cdr" in out and "ncbi_disease" in out and str(data_dir / "BC5CDR-IOB") in out


@pytest.mark.parametrize("verb", ["train", "evaluate", "tag", "corpora", "linker"])
def test_help_on_each_verb(verb):
    result = run(verb, "--help")
    assert result.returncode == 0 and f"usage: crfner {verb}" in result.stdout


def _fails_with(args, pattern, input_text=None):
    result = run(*args, input_text=input_text)
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert re.search(pattern, lines[0]), lines[0]


@pytest.mark.parametrize(
    "option,value,message",
    [("--c1", "-5", "c1=-5.0: expected a finite non-negative"), ("--c2", "inf", "c2=inf"), ("--c1", "nan", "c1=nan"),
     ("--max-iterations", "0", "max_iterations=0: expected a whole number from 1 to 2147483647"), ("--max-iterations", "-5", "max_iterations=-5")],
)
def test_train_refuses_parameters_out_of_range_in_one_line(tmp_path, option, value, message):
    data = tmp_path / "train.tsv"
    data.write_text("Aspirin\tB-Chemical\nkills\tO\n")
    _fails_with(["train", data, "--out", tmp_path / "m", option, value], f"training parameter {message}")
    assert not (tmp_path / "m").exists()


def test_bad_arguments_and_input_exit_2_with_one_line(model_dir, corpus_dir, tmp_path):
    _fails_with(["train"], "the following arguments are required")
    _fails_with(["train", "no_such_corpus", "--out", tmp_path / "x"], "neither a known corpus")
    _fails_with(["train", corpus_dir, "--out", model_dir], "already exists")
    _fails_with(["train", corpus_dir, "--out", corpus_dir, "--force"], "is not a crfner model folder")  # the data
    assert (corpus_dir / "train.tsv").is_file()
    _fails_with(["train", corpus_dir, "--out", tmp_path / "y", "--features", "fancy"], "unknown feature set 'fancy'")
    _fails_with(["evaluate"], "give MODEL and CORPUS")
    _fails_with(["evaluate", tmp_path / "absent", corpus_dir], "no such model directory")
    bad = tmp_path / "bad.tsv"
    bad.write_text("Aspirin\tB-Chemical\nkills\tZ\n")
    _fails_with(["tag", model_dir, bad], rf"{re.escape(str(bad))}, line 2: tag 'Z' fits no tagging scheme")
    _fails_with(["tag", model_dir, tmp_path / "absent.tsv"], "absent.tsv: no such file")
    _fails_with(["tag", model_dir, "--input-format", "xml"], "invalid choice")


def test_linker_builds_from_a_corpus_and_a_term_list(data_dir, tmp_path, capsys):
    from crfner.cli.linker import VOCABULARIES
    from crfner.link import Linker
    from crfner.link.build import VOCABULARIES as LIBRARY_VOCABULARIES

    assert VOCABULARIES == tuple(LIBRARY_VOCABULARIES)
    terms = tmp_path / "terms.tsv"
    terms.write_text("heart attack\tMESH:D009203\nmyocardial infarction\tMESH:D009203\n", encoding="utf-8")
    out = tmp_path / "linker"
    assert main(["linker", str(out), "--data-dir", str(data_dir), "--corpus", "bc5cdr", "--split", "train",
                 "--vocabulary", f"Disease={terms}", "--threshold", "0.75"]) == 0
    assert f"saved a linker for Chemical, Disease to {out}" in capsys.readouterr().err
    linker = Linker.load(out)
    assert linker.threshold == 0.75 and linker.broader
    assert linker.link("heart attack", "Disease").identifiers == ("MESH:D009203",)  # from the term list
    assert linker.link("hypotension", "Disease").identifier == "MESH:D007022"  # from BC5CDR train's gold mentions
    _fails_with(["linker", out, "--data-dir", data_dir, "--vocabulary", f"Disease={terms}"], "already exists .use --force")
    assert main(["linker", str(out), "--data-dir", str(data_dir), "--vocabulary", f"Disease={terms}", "--force", "--no-broader"]) == 0
    assert Linker.load(out).broader is False
    # --force replaces a linker folder, not a model or a file someone mistyped the name of
    model = tmp_path / "model"
    model.mkdir()
    (model / "crfner.json").write_text("{}", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("precious", encoding="utf-8")
    for target in (model, tmp_path / "notes.txt"):
        _fails_with(["linker", target, "--data-dir", data_dir, "--vocabulary", f"Disease={terms}", "--force"],
                    "is not a crfner linker folder, and --force replaces only one")
    assert (model / "crfner.json").read_text(encoding="utf-8") == "{}"
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "precious"
    # nor does a model's --force replace a linker folder, though it holds crfner.json too
    _fails_with(["train", "ncbi_disease", "--data-dir", data_dir, "--out", out, "--force"],
                "is not a crfner model folder, and --force replaces only one")
    assert Linker.load(out).broader is False
    _fails_with(["linker", tmp_path / "x", "--data-dir", data_dir, "--vocabulary", "umls"], "unknown vocabulary 'umls'")
    _fails_with(["linker", tmp_path / "x", "--threshold", "1.5"], "must lie between 0 and 1")
    _fails_with(["linker", tmp_path / "x", "--data-dir", data_dir, "--corpus", "nope", "--vocabulary", f"Disease={terms}"], "unknown corpus 'nope'")
    _fails_with(["linker", tmp_path / "x", "--data-dir", data_dir, "--vocabulary", f"Disease={tmp_path / 'absent.tsv'}"], "absent.tsv")
    _fails_with(["linker", tmp_path / "x", "--alias", "Medication"], "give TAGGER_TYPE=TYPE")
    _fails_with(["linker", tmp_path / "x", "--data-dir", data_dir, "--vocabulary", f"Disease={terms}", "--senses", "nope"],
                "unknown sense inventory 'nope'")
    _fails_with(["linker", tmp_path / "x", "--data-dir", data_dir, "--vocabulary", f"Disease={terms}", "--alias", "Medication=Drug"],
                "type_aliases name Drug, which the linker has no names for")
    assert not (tmp_path / "x").exists()
    assert main(["linker", str(out), "--data-dir", str(data_dir), "--vocabulary", f"Disease={terms}", "--force",
                 "--alias", "Sign_symptom=Disease", "--alias", "Disease_disorder = Disease"]) == 0
    assert "Disease, Disease_disorder as Disease, Sign_symptom as Disease" in capsys.readouterr().err
    linked = Linker.load(out).link("heart attack", "Sign_symptom")
    assert linked.identifiers == ("MESH:D009203",)
