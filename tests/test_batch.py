"""Batch tagging of raw-text documents: streaming, parallel (joblib, Dask), resumable."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import cdr_test_documents, interrupt_batch_tagging

from crfner.corpora.jsonl import read_jsonl, write_jsonl
from crfner.corpora.pubtator import read_pubtator
from crfner.errors import CrfnerError
from crfner.tagging.batch import tag_files


@pytest.fixture(scope="module")
def documents(data_dir):
    return cdr_test_documents(data_dir, 40)


def _ids(path):
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]


def test_one_record_per_document_in_input_order(model, inputs, documents, tmp_path):
    out = tmp_path / "out.jsonl"
    done = tag_files(model, inputs, out, chunk_size=7, progress=False)
    assert done == {"documents": 40, "tagged": 40, "resumed": 0, "output": str(out), "written": True}
    assert _ids(out) == [d.id for d in documents]
    tagged = list(read_jsonl(out))
    assert sum(len(d.mentions) for d in tagged) > 40
    for doc in tagged:
        for m in doc.mentions:
            assert doc.text[m.start : m.end] == m.text and 0 < m.score <= 1
    assert not (tmp_path / "out.jsonl.partial").exists() and not (tmp_path / "out.jsonl.state.json").exists()


NOTE = ("ASSESSMENT AND PLAN:\n# Cisplatin nephrotoxicity: hold cisplatin\n# Hypertension - resume lisinopril 10 mg daily\n"
        "1. aspirin 81 mg daily 2. heparin 5000 units SC t.i.d.\nALLERGIES: Penicillin (rash).")


def test_the_splitter_left_unset_is_the_one_the_model_records(fitted, tmp_path):
    from crfner.tagging.annotate import recorded_splitter
    from crfner.tagging.batch import tag_stream

    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "note.txt").write_text(NOTE, encoding="utf-8")
    from crfner import CRFTagger

    plain_model = fitted.save(tmp_path / "plain-model")  # records no splitter: abstract
    learned = CRFTagger.load(plain_model)
    learned.training_data_["splitter"] = "notes"  # as crfner train maccrobat records it
    notes_model = learned.save(tmp_path / "notes-model")
    assert recorded_splitter(notes_model) == "notes" and recorded_splitter(tmp_path / "nowhere") is None

    def tagged(model, splitter, name):
        tag_files(model, tmp_path / "notes", tmp_path / name, splitter=splitter, progress=False)
        return (tmp_path / name).read_bytes()

    by_notes = tagged(notes_model, "notes", "notes.jsonl")
    assert tagged(notes_model, None, "default.jsonl") == by_notes
    assert tagged(notes_model, "abstract", "abstract.jsonl") != by_notes  # the note cuts otherwise
    assert tagged(plain_model, None, "plain.jsonl") == (tmp_path / "abstract.jsonl").read_bytes()

    sink = io.BytesIO()
    tag_stream(notes_model, tmp_path / "notes", sink)
    assert sink.getvalue() == by_notes


def test_an_output_that_is_a_folder_is_refused_by_name(model, inputs, tmp_path, capsys):
    from crfner.cli import main

    (tmp_path / "out").mkdir()
    with pytest.raises(CrfnerError, match=r"out: is a folder; the output of jsonl records is a file"):
        tag_files(model, inputs, tmp_path / "out", progress=False)
    for args in ([str(inputs), "--input-format", "jsonl"], ["--text", "Cisplatin caused nephrotoxicity."]):
        assert main(["tag", str(model), *args, "-o", str(tmp_path / "out"), "-q"]) == 2
        assert capsys.readouterr().err.strip() == (f"crfner tag: error: {tmp_path / 'out'}: is a folder; -o names the output "
                                                   "file (only --output-format brat writes a folder, and a new one)")
    assert list((tmp_path / "out").iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out"]


def test_processes_give_the_same_bytes(model, inputs, tmp_path):
    tag_files(model, inputs, tmp_path / "one.jsonl", chunk_size=10, progress=False)
    tag_files(model, inputs, tmp_path / "two.jsonl", n_jobs=2, chunk_size=10, progress=False)
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()


def test_threads_sharing_a_fresh_model_give_the_same_bytes(model, inputs, tmp_path):
    """Threads share one loaded model; its score tables grow while they tag (a copy of the model, so
    that no earlier test has filled them). They gave other scores, or an IndexError, before the
    scorer held a lock while its tables grow."""
    import shutil

    fresh = shutil.copytree(model, tmp_path / "fresh")
    tag_files(model, inputs, tmp_path / "one.jsonl", chunk_size=4, progress=False)
    tag_files(fresh, inputs, tmp_path / "threads.jsonl", n_jobs=2, backend="threading", chunk_size=4, progress=False)
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "threads.jsonl").read_bytes()


def test_dask_backend_gives_the_same_bytes(model, inputs, tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    tag_files(model, inputs, tmp_path / "local.jsonl", chunk_size=10, progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        tag_files(model, inputs, tmp_path / "dask.jsonl", backend="dask", scheduler=cluster.scheduler_address,
                  chunk_size=10, progress=False)
    assert (tmp_path / "local.jsonl").read_bytes() == (tmp_path / "dask.jsonl").read_bytes()


def test_an_interrupted_run_resumes_without_loss_or_duplicates(model, inputs, documents, tmp_path, monkeypatch):
    reference = tmp_path / "reference.jsonl"
    tag_files(model, inputs, reference, chunk_size=6, progress=False)
    out = tmp_path / "out.jsonl"
    interrupt_batch_tagging(monkeypatch, 4)
    with pytest.raises(KeyboardInterrupt):
        tag_files(model, inputs, out, chunk_size=6, progress=False)
    monkeypatch.undo()
    assert not out.exists()
    state = json.loads((tmp_path / "out.jsonl.state.json").read_text())
    assert state["documents"] == 18
    with open(tmp_path / "out.jsonl.partial", "ab") as partial:  # a chunk half-written when the power went
        partial.write(b'{"id": "half')
    done = tag_files(model, inputs, out, chunk_size=6, progress=False)
    assert (done["resumed"], done["tagged"]) == (18, 22)
    assert out.read_bytes() == reference.read_bytes()


def test_a_restart_forgets_the_old_record_before_it_writes(model, inputs, tmp_path, monkeypatch):
    """--restart (resume=False) rewrites the partial output from its start, so the record of the run
    before no longer tells it: kept until the restart's first chunk was recorded, a kill between
    made the next run cut the new output back to the old byte count and skip the old documents."""
    reference, out = tmp_path / "reference.jsonl", tmp_path / "out.jsonl"
    tag_files(model, inputs, reference, chunk_size=6, progress=False)
    interrupt_batch_tagging(monkeypatch, 3)
    with pytest.raises(KeyboardInterrupt):
        tag_files(model, inputs, out, chunk_size=6, progress=False)
    monkeypatch.undo()
    assert json.loads((tmp_path / "out.jsonl.state.json").read_text())["documents"] == 12
    interrupt_batch_tagging(monkeypatch, 1)  # the restart stops before its first chunk is recorded
    with pytest.raises(KeyboardInterrupt):
        tag_files(model, inputs, out, chunk_size=6, progress=False, resume=False)
    monkeypatch.undo()
    assert not (tmp_path / "out.jsonl.state.json").exists() and not (tmp_path / "out.jsonl.partial").exists()
    assert tag_files(model, inputs, out, chunk_size=6, progress=False)["resumed"] == 0
    assert out.read_bytes() == reference.read_bytes()


def test_killed_process_resumes(model, documents, tmp_path):
    path = tmp_path / "many.jsonl"
    copies = [dataclasses.replace(d, id=f"{d.id}-{copy}") for copy in range(10) for d in documents]
    write_jsonl(copies, path)  # 400 documents, each id once (a reader refuses an id seen before)
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "crfner", "tag", str(model), str(path), "--input-format", "jsonl",
               "-o", str(out), "--chunk-size", "20", "-q"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    state = tmp_path / "out.jsonl.state.json"
    deadline = time.time() + 60
    while time.time() < deadline and process.poll() is None:
        if state.exists() and json.loads(state.read_text())["documents"] >= 60:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run ended before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert not out.exists()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "from an earlier, interrupted run" in done.stderr
    ids = _ids(out)
    assert len(ids) == 400 and ids == [d.id for d in copies]


def test_errors(model, inputs, tmp_path):
    with pytest.raises(CrfnerError, match="needs --scheduler"):
        tag_files(model, inputs, tmp_path / "o.jsonl", backend="dask")
    with pytest.raises(CrfnerError, match="not a crfner model directory"):
        tag_files(tmp_path, inputs, tmp_path / "o.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "text": "fine"}\n{"id": "2", "text": \n', encoding="utf-8")
    with pytest.raises(CrfnerError, match=r"bad\.jsonl, line 2"):
        tag_files(model, bad, tmp_path / "o.jsonl", progress=False)
    assert not (tmp_path / "o.jsonl").exists()


def test_cli_text_and_folder(model, tmp_path):
    text = "Cisplatin induced nephrotoxicity and hypotension in rats ."
    done = subprocess.run([sys.executable, "-m", "crfner", "tag", str(model), "--text", text], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    for line in done.stdout.splitlines():
        entity = json.loads(line)
        assert text[entity["start"] : entity["end"]] == entity["text"]
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "b.txt").write_text("Aspirin and renal failure .", encoding="utf-8")
    (folder / "a.txt").write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "crfner", "tag", str(model), str(folder), "--input-format", "text",
                           "-o", str(tmp_path / "notes.jsonl"), "-q"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert _ids(tmp_path / "notes.jsonl") == ["a", "b"]


def test_a_linker_links_every_document_and_enters_the_fingerprint(model, inputs, documents, tmp_path, fitted, tiny_linker, linker_dir):
    from crfner.errors import ModelFileError
    from crfner.tagging.annotate import tag_documents
    from crfner.tagging.resume import fingerprint as _fingerprint

    out = tmp_path / "linked.jsonl"
    tag_files(model, inputs, out, chunk_size=15, progress=False, linker=linker_dir)
    linked = list(read_jsonl(out))
    assert linked == tag_documents(fitted, documents, linker=tiny_linker)
    ids = [m.identifier for d in linked for m in d.mentions]
    assert "MESH:D002945" in ids or "MESH:D007022" in ids, "not one cisplatin or hypotension linked"
    assert all((m.identifier is None) == (m.link_score is None) for d in linked for m in d.mentions)
    assert '"concept": "MESH:' in out.read_text(encoding="utf-8")
    tag_files(model, inputs, tmp_path / "two.jsonl", n_jobs=2, chunk_size=15, progress=False, linker=linker_dir)
    assert (tmp_path / "two.jsonl").read_bytes() == out.read_bytes()
    tag_files(model, inputs, tmp_path / "linked.pubtator", output_format="pubtator", progress=False, linker=linker_dir)
    assert [[m.identifier for m in d.mentions] for d in read_pubtator(tmp_path / "linked.pubtator")] == [
        [m.identifier for m in d.mentions] for d in linked]

    model_path = model.resolve()
    plain = _fingerprint(inputs, model_path, "jsonl", "jsonl")
    with_linker = _fingerprint(inputs, model_path, "jsonl", "jsonl", linker=linker_dir.resolve())
    assert plain != with_linker  # a partial output without concepts is not resumed with them, nor the other way
    table = max((f for f in linker_dir.rglob("*") if f.is_file()), key=lambda f: f.stat().st_size)
    times = table.stat()
    os.utime(table, ns=(times.st_atime_ns, times.st_mtime_ns + 10**9))  # a linker rebuilt at the same path
    assert _fingerprint(inputs, model_path, "jsonl", "jsonl", linker=linker_dir.resolve()) not in (plain, with_linker)
    os.utime(table, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert _fingerprint(inputs, model_path, "jsonl", "jsonl", linker=linker_dir.resolve()) == with_linker
    assert _fingerprint(inputs, model_path, "jsonl", "jsonl", "abstract", None) == plain
    with pytest.raises(ModelFileError, match="no-linker"):
        tag_files(model, inputs, tmp_path / "never.jsonl", progress=False, linker=tmp_path / "no-linker")
    assert not (tmp_path / "never.jsonl.partial").exists()


def test_cli_linker_option(model, inputs, tmp_path, linker_dir, tiny_linker, fitted, capsys):
    from crfner.cli import main

    text = "Cisplatin induced nephrotoxicity and hypotension in rats ."
    assert main(["tag", str(model), "--text", text, "--linker", str(linker_dir)]) == 0
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    expected = fitted.tag_text(text, linker=tiny_linker)
    assert [e.get("concept") for e in printed] == [e.identifier for e in expected]
    assert [e.get("concept_score") for e in printed] == [e.link_score for e in expected]
    assert all(set(e) <= {"start", "end", "type", "text", "score", "concept", "concept_score"} for e in printed)
    assert main(["tag", str(model), "--text", text]) == 0
    assert all("concept" not in json.loads(line) for line in capsys.readouterr().out.splitlines())
    out = tmp_path / "cli.jsonl"
    assert main(["tag", str(model), str(inputs), "--input-format", "jsonl", "--linker", str(linker_dir), "-o", str(out), "-q"]) == 0
    tag_files(model, inputs, tmp_path / "api.jsonl", progress=False, linker=linker_dir)
    assert out.read_bytes() == (tmp_path / "api.jsonl").read_bytes()
    capsys.readouterr()
    assert main(["tag", str(model), str(inputs), "--input-format", "sentences", "--linker", str(linker_dir)]) == 2
    assert "--linker applies to raw text" in capsys.readouterr().err
    assert main(["tag", str(model), "--text", text, "--linker", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("crfner tag: error:") and err.count("\n") == 1


def test_document_input_finds_a_moved_gazetteer_in_the_data_dir(bc5cdr_train, tmp_path, monkeypatch, capsys):
    """--data-dir was ignored for document input (each worker loaded the model without it): a model
    whose gazetteer had moved into another data folder tagged --text with --data-dir, but documents
    failed with 'gazetteer not found', advising --gazetteer, which document input refuses."""
    from crfner import CRFTagger
    from crfner.cli import main

    (tmp_path / "old" / "gazetteers").mkdir(parents=True)
    terms = tmp_path / "old" / "gazetteers" / "drugs.tsv"
    terms.write_text("cisplatin\tX:1\naspirin\tX:2\n", encoding="utf-8")
    X, y = bc5cdr_train
    model = CRFTagger(max_iterations=5, gazetteers={"drugs": terms}).fit(X[:100], y[:100]).save(tmp_path / "model")
    (tmp_path / "new" / "gazetteers").mkdir(parents=True)
    terms.rename(tmp_path / "new" / "gazetteers" / "drugs.tsv")
    monkeypatch.delenv("CRFNER_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)  # no ../shared/data from here
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text("Cisplatin induced nephrotoxicity.", encoding="utf-8")
    expected = CRFTagger.load(model, data_dir=tmp_path / "new").tag_text("Cisplatin induced nephrotoxicity.")
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.jsonl"
        assert main(["tag", str(model), str(notes), "--data-dir", "new", "--n-jobs", jobs, "-o", str(out), "-q"]) == 0, \
            capsys.readouterr().err
        found = next(read_jsonl(out)).mentions
        assert [(m.start, m.end, m.type) for m in found] == [(e.start, e.end, e.type) for e in expected]
    done = tag_files(model, notes, tmp_path / "api.jsonl", data_dir="new", progress=False)
    assert done["documents"] == 1


def test_an_output_named_gz_is_gzip_and_resumes(model, inputs, documents, tmp_path, monkeypatch, capsys):
    """-o out.jsonl.gz was written as plain text under a gzip name, which crfner's own readers (and
    zcat) then refused: 'cannot be read as gzip'. Now each chunk is a gzip member, so an interrupted
    run cut back to its last chunk still resumes, and the other writers of crfner tag compress too."""
    import gzip

    from crfner.cli import main

    reference = tmp_path / "reference.jsonl"
    tag_files(model, inputs, reference, chunk_size=6, progress=False)
    for fmt, name in (("jsonl", "out.jsonl.gz"), ("csv", "out.CSV.GZ")):
        plain, out = tmp_path / f"plain.{fmt}", tmp_path / name
        tag_files(model, inputs, plain, output_format=fmt, chunk_size=6, progress=False)
        interrupt_batch_tagging(monkeypatch, 3)
        with pytest.raises(KeyboardInterrupt):
            tag_files(model, inputs, out, output_format=fmt, chunk_size=6, progress=False)
        monkeypatch.undo()
        with open(f"{out}.partial", "ab") as partial:  # a chunk half-written
            partial.write(gzip.compress(b'{"id": "half')[:15])
        assert tag_files(model, inputs, out, output_format=fmt, chunk_size=6, progress=False)["resumed"] == 12
        assert gzip.decompress(out.read_bytes()) == plain.read_bytes()
    assert [d.id for d in read_jsonl(tmp_path / "out.jsonl.gz")] == [d.id for d in documents]
    text = "Cisplatin induced nephrotoxicity."
    assert main(["tag", str(model), "--text", text, "-o", str(tmp_path / "text.jsonl.gz")]) == 0
    assert json.loads(gzip.decompress((tmp_path / "text.jsonl.gz").read_bytes()).splitlines()[0])["text"] == "Cisplatin"
    tokens = tmp_path / "tokens.txt"
    tokens.write_text("Cisplatin induced nephrotoxicity .\n", encoding="utf-8")
    command = ["tag", str(model), str(tokens), "--input-format", "sentences", "-o", str(tmp_path / "t.conll.gz"), "-q"]
    assert main(command) == 0
    assert gzip.decompress((tmp_path / "t.conll.gz").read_bytes()).startswith(b"Cisplatin\t")
    piped = subprocess.run([sys.executable, "-m", "crfner", "tag", str(model), "--input-format", "jsonl", "-o",
                            str(tmp_path / "piped.jsonl.gz"), "-q"], input=inputs.read_bytes(), capture_output=True,
                           check=False)
    assert piped.returncode == 0, piped.stderr
    assert gzip.decompress((tmp_path / "piped.jsonl.gz").read_bytes()) == reference.read_bytes()
    capsys.readouterr()
    # a plain partial output under a .gz name (what earlier versions wrote) is not resumed with gzip members after it
    from crfner.tagging import batch

    old = tmp_path / "old.jsonl.gz"
    monkeypatch.setattr(batch, "gzipped", lambda output: False)
    interrupt_batch_tagging(monkeypatch, 1)
    with pytest.raises(KeyboardInterrupt):
        tag_files(model, inputs, old, chunk_size=6, progress=False)
    monkeypatch.undo()
    assert tag_files(model, inputs, old, chunk_size=6, progress=False)["resumed"] == 0
    assert gzip.decompress(old.read_bytes()) == reference.read_bytes()
