"""``crfner tag`` and batch tagging at their edges: options out of range, two runs into one
output, empty passage lists, damaged inputs and resume records, standard input and output,
and the help text; each gives the right result or crfner's own one-line error."""

from __future__ import annotations

import dataclasses
import gzip
import json
import os
import subprocess
import sys
import time

import pytest
from conftest import cdr_test_documents

from crfner.cli import main
from crfner.corpora.jsonl import read_jsonl, write_jsonl
from crfner.errors import CrfnerError
from crfner.tagging.batch import tag_files


@pytest.fixture(scope="module")
def documents(data_dir):
    return cdr_test_documents(data_dir, 12)


def _one_line_error(err: str, *parts: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    for part in parts:
        assert part in lines[0], err


@pytest.mark.parametrize("option, value, message", [
    ("--chunk-size", "0", "must be 1 or more"),
    ("--chunk-size", "-1", "must be 1 or more"),
    ("--n-jobs", "0", "0 processes"),
])
def test_chunk_size_and_jobs_out_of_range_are_refused(model, inputs, tmp_path, capsys, option, value, message):
    out = tmp_path / "out.jsonl"
    with pytest.raises(SystemExit) as exit:
        main(["tag", str(model), str(inputs), "--input-format", "jsonl", "-o", str(out), option, value, "-q"])
    assert exit.value.code == 2
    _one_line_error(capsys.readouterr().err, option, message)
    assert not out.exists()


def test_tag_files_refuses_chunk_size_and_jobs_out_of_range(model, inputs, tmp_path):
    for options in ({"chunk_size": 0}, {"chunk_size": -1}, {"n_jobs": 0}):
        with pytest.raises(CrfnerError, match="chunk size|n_jobs"):
            tag_files(model, inputs, tmp_path / "o.jsonl", progress=False, **options)
    assert not (tmp_path / "o.jsonl").exists()


def test_a_second_run_into_the_same_output_is_refused(model, documents, tmp_path, capsys):
    many = tmp_path / "many.jsonl"
    write_jsonl([dataclasses.replace(d, id=f"{d.id}-{k}") for k in range(40) for d in documents], many)  # 480
    few = tmp_path / "few.jsonl"
    write_jsonl(documents[:3], few)
    out = tmp_path / "out.jsonl"
    first = subprocess.Popen([sys.executable, "-m", "crfner", "tag", str(model), str(many), "--input-format", "jsonl",
                              "-o", str(out), "--chunk-size", "12", "-q"], stderr=subprocess.PIPE, text=True)
    state = tmp_path / "out.jsonl.state.json"
    deadline = time.time() + 60
    while time.time() < deadline and first.poll() is None and not state.exists():
        time.sleep(0.02)
    assert first.poll() is None, "the first run ended before the second could start"
    assert main(["tag", str(model), str(few), "--input-format", "jsonl", "-o", str(out), "-q"]) == 2
    _one_line_error(capsys.readouterr().err, "another run is writing", str(out))
    assert first.wait(timeout=120) == 0, first.stderr.read()
    ids = [d.id for d in read_jsonl(out)]  # every line whole JSON, one per input document
    assert ids == [f"{d.id}-{k}" for k in range(40) for d in documents]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["few.jsonl", "many.jsonl", "out.jsonl"]


def test_an_empty_passage_list_means_the_whole_text(model, documents, tmp_path):
    whole = tmp_path / "whole.jsonl"
    write_jsonl([dataclasses.replace(d, passages=None, mentions=[]) for d in documents], whole)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("".join(json.dumps({"id": d.id, "text": d.text, "passages": []}) + "\n" for d in documents),
                     encoding="utf-8")
    tag_files(model, whole, tmp_path / "a.jsonl", progress=False)
    tag_files(model, empty, tmp_path / "b.jsonl", progress=False)
    a, b = list(read_jsonl(tmp_path / "a.jsonl")), list(read_jsonl(tmp_path / "b.jsonl"))
    assert sum(len(d.mentions) for d in b) > 0
    assert [d.mentions for d in b] == [d.mentions for d in a]
    assert all(d.passages == [] for d in b)  # the record as given


def test_one_document_is_singular(model, documents, tmp_path, capsys):
    one = tmp_path / "one.jsonl"
    write_jsonl(documents[:1], one)
    assert main(["tag", str(model), str(one), "--input-format", "jsonl", "-o", str(tmp_path / "o.jsonl"), "-q"]) == 0
    assert "tagged 1 document into" in capsys.readouterr().err


def test_damaged_gzip_input_names_the_file(model, inputs, data_dir, tmp_path, capsys):
    truncated = tmp_path / "truncated.jsonl.gz"
    truncated.write_bytes(gzip.compress(inputs.read_bytes())[:200])
    fake = tmp_path / "fake.jsonl.gz"
    fake.write_bytes(b"not gzip at all\n")
    for path in (truncated, fake):
        with pytest.raises(CrfnerError, match=path.name):
            tag_files(model, path, tmp_path / "o.jsonl", input_format="jsonl", progress=False)
    conll = tmp_path / "tokens.tsv.gz"
    conll.write_bytes(gzip.compress((data_dir / "BC5CDR-IOB" / "test.tsv").read_bytes()[:20000])[:500])
    for path in (conll, fake):
        assert main(["tag", str(model), str(path), "-q"]) == 2
        _one_line_error(capsys.readouterr().err, str(path), "gzip")


def test_bad_standard_input_is_named_and_leaves_no_temporary_file(model, tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    done = subprocess.run([sys.executable, "-m", "crfner", "tag", str(model), "-q"], input=b"Aspirin O\n\xff\xfe O\n",
                          capture_output=True, env=env, check=False)
    assert done.returncode == 2
    _one_line_error(done.stderr.decode(), "standard input, line 2", "UTF-8")
    assert list(tmp.iterdir()) == []


def test_a_damaged_resume_record_says_to_restart(model, inputs, tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    (tmp_path / "out.jsonl.partial").write_bytes(b"")
    (tmp_path / "out.jsonl.state.json").write_text("{", encoding="utf-8")
    assert main(["tag", str(model), str(inputs), "--input-format", "jsonl", "-o", str(out), "-q"]) == 2
    _one_line_error(capsys.readouterr().err, "out.jsonl.state.json", "--restart")
    assert main(["tag", str(model), str(inputs), "--input-format", "jsonl", "-o", str(out), "-q", "--restart"]) == 0
    assert len(list(read_jsonl(out))) == 12 and not (tmp_path / "out.jsonl.state.json").exists()


def test_a_kill_after_the_final_rename_leaves_the_output_complete(model, inputs, tmp_path, monkeypatch, capsys):
    from crfner.tagging import batch

    out = tmp_path / "out.jsonl"
    real = os.replace

    def killed_after(src, dst):
        real(src, dst)
        if os.fspath(dst) == str(out):
            raise KeyboardInterrupt  # as if killed between the rename and removing the state file

    monkeypatch.setattr(batch.os, "replace", killed_after)
    with pytest.raises(KeyboardInterrupt):
        tag_files(model, inputs, out, chunk_size=5, progress=False)
    monkeypatch.undo()
    assert (tmp_path / "out.jsonl.state.json").exists() and not (tmp_path / "out.jsonl.partial").exists()
    before, inode = out.read_bytes(), out.stat().st_ino
    assert main(["tag", str(model), str(inputs), "--input-format", "jsonl", "-o", str(out), "-q"]) == 0
    assert "is complete: 12 documents tagged by an earlier run" in capsys.readouterr().err
    assert out.read_bytes() == before and out.stat().st_ino == inode  # neither redone nor rewritten
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]


def test_text_refuses_an_input_file_or_format(model, inputs, capsys):
    assert main(["tag", str(model), "--text", "Aspirin.", "--input-format", "jsonl"]) == 2
    _one_line_error(capsys.readouterr().err, "--input-format")
    assert main(["tag", str(model), str(inputs), "--text", "Aspirin."]) == 2
    _one_line_error(capsys.readouterr().err, "--text")


def test_a_text_note_read_as_conll_suggests_input_format_text(model, tmp_path, capsys):
    note = tmp_path / "note.txt"
    note.write_text("HISTORY OF PRESENT ILLNESS:\nThe patient is a 65 year old man with chest pain.\n", encoding="utf-8")
    assert main(["tag", str(model), str(note), "-q"]) == 2
    _one_line_error(capsys.readouterr().err, "note.txt", "--input-format text")
    assert main(["tag", str(model), str(note), "--input-format", "text", "-o", str(tmp_path / "o.jsonl"), "-q"]) == 0


def test_documents_to_standard_output(model, inputs, tmp_path):
    assert main(["tag", str(model), str(inputs), "--input-format", "jsonl", "-o", str(tmp_path / "o.jsonl"), "-q"]) == 0
    done = subprocess.run([sys.executable, "-m", "crfner", "tag", str(model), str(inputs), "--input-format", "jsonl",
                           "--chunk-size", "5", "-o", "-"], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (tmp_path / "o.jsonl").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "o.jsonl"]


def test_help_says_what_tag_and_benchmark_do(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    top = capsys.readouterr().out
    assert "tag raw text, notes and documents" in " ".join(top.split())
    with pytest.raises(SystemExit):
        main(["tag", "--help"])
    assert "(default: 256)" in " ".join(capsys.readouterr().out.split())
    with pytest.raises(SystemExit):
        main(["benchmark", "--help"])
    assert "transformer" in capsys.readouterr().out


def test_a_bare_benchmark_says_how_long_before_starting(monkeypatch, tmp_path, capsys):
    import crfner.benchmark

    seen = []

    def fake_run(*args, **kwargs):
        seen.append(capsys.readouterr().err)
        raise KeyboardInterrupt

    monkeypatch.setattr(crfner.benchmark, "run_benchmark", fake_run)
    assert main(["benchmark", "--out", str(tmp_path / "b"), "-q"]) == 130
    assert len(seen) == 1 and "about 20 minutes" in seen[0] and "--config" in seen[0]


def test_a_run_stopped_by_bad_input_before_any_chunk_leaves_nothing_behind(model, tmp_path, capsys):
    bad = tmp_path / "in.jsonl"
    bad.write_text('{"id": "1", "text": "Aspirin."}\n{"id": "1", "text": "Heparin."}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["tag", str(model), str(bad), "--input-format", "jsonl", "-o", str(out), "-q"]) == 2
    _one_line_error(capsys.readouterr().err, "in.jsonl, line 2", "appears twice")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]  # no .partial, state or lock file
    # once a chunk is recorded, what was tagged stays for a resumed run
    bad.write_text("".join(f'{{"id": "{i}", "text": "Aspirin."}}\n' for i in range(3)) + "{\n", encoding="utf-8")
    with pytest.raises(CrfnerError, match="line 4"):
        tag_files(model, bad, out, input_format="jsonl", chunk_size=1, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl.partial", "out.jsonl.state.json"]
