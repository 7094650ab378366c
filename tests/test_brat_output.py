"""BRAT output of batch tagging (``crfner tag ... --output-format brat -o FOLDER``): a new
folder of ``ID.txt``/``ID.ann`` pairs that reads back as the JSON Lines output of the same run."""

from __future__ import annotations

import dataclasses
import json
import pathlib

import pytest
from conftest import cdr_test_documents, interrupt_batch_tagging

from crfner.cli import main
from crfner.corpora.brat import format_ann, format_annotation_conf, read_brat, read_brat_attributes, write_brat
from crfner.corpora.documents import Document, Mention
from crfner.corpora.jsonl import read_jsonl
from crfner.errors import CrfnerError, DataFormatError
from crfner.schemes import entity_types
from crfner.tagging.batch import tag_files


@pytest.fixture(scope="module")
def documents(data_dir):
    return cdr_test_documents(data_dir, 24)


def _records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _files(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_the_folder_reads_back_as_the_jsonl_output_with_its_negations(model, inputs, documents, linker_dir, tmp_path):
    tag_files(model, inputs, tmp_path / "out.jsonl", chunk_size=5, progress=False, negation=True, linker=linker_dir)
    done = tag_files(model, inputs, tmp_path / "brat", output_format="brat", chunk_size=5, progress=False, negation=True,
                     linker=linker_dir)
    assert done == {"documents": 24, "tagged": 24, "resumed": 0, "output": str(tmp_path / "brat"), "written": True}
    folder = tmp_path / "brat"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["annotation.conf", *(f"{d.id}.txt" for d in documents), *(f"{d.id}.ann" for d in documents)])
    expected = {d.id: d for d in read_jsonl(tmp_path / "out.jsonl")}
    read = list(read_brat(folder))
    assert [d.id for d in read] == sorted(expected)
    mentions = linked = 0
    for document in read:
        assert document.text == expected[document.id].text
        assert [(m.start, m.end, m.type, m.text) for m in document.mentions] == [
            (m.start, m.end, m.type, m.text) for m in expected[document.id].mentions]
        assert [m.score for m in document.mentions] == [m.score for m in expected[document.id].mentions]  # to the last digit
        assert [m.identifier for m in document.mentions] == [m.identifier for m in expected[document.id].mentions]
        assert [m.link_score for m in document.mentions] == [m.link_score for m in expected[document.id].mentions]
        assert [m.link_score is None for m in document.mentions] == [m.link_score is None for m in expected[document.id].mentions]
        mentions += len(document.mentions)
        linked += sum(m.link_score is not None for m in document.mentions)
    assert mentions > 24 and linked > 0
    # each negated entity of the JSON Lines output, and only those, carries the Negated attribute
    negated_jsonl = {(r["id"], e["start"], e["end"]) for r in _records(tmp_path / "out.jsonl") for e in r["entities"]
                     if e["negated"]}
    negated_brat = set()
    for document in read:
        lines = (folder / f"{document.id}.ann").read_text(encoding="utf-8").splitlines()
        spans = {line.split("\t")[0]: line.split("\t")[1].split()[1:] for line in lines if line.startswith("T")}
        for tid, attributes in read_brat_attributes(folder / f"{document.id}.ann").items():
            assert attributes == {"Negated": "true"}
            start, end = spans[tid][0], spans[tid][-1]
            negated_brat.add((document.id, int(start), int(end)))
    assert negated_brat == negated_jsonl and negated_jsonl  # the abstracts deny some things
    conf = (folder / "annotation.conf").read_text(encoding="utf-8")
    assert conf == format_annotation_conf(["Chemical", "Disease"], negation=True)
    assert not list(tmp_path.glob("brat.*")) and not list(tmp_path.glob(".brat*"))  # no partial, state, lock or temporary folder


def test_an_existing_output_is_never_replaced(model, inputs, tmp_path):
    folder = tmp_path / "reviewed"
    folder.mkdir()
    (folder / "1.ann").write_text("T1\tDisease 0 4\tcorrected by hand\n", encoding="utf-8")
    before = _files(folder)
    with pytest.raises(CrfnerError, match="reviewed: already exists; BRAT output is written to a new folder"):
        tag_files(model, inputs, folder, output_format="brat", progress=False)
    assert _files(folder) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "reviewed"]
    (tmp_path / "empty").mkdir()
    with pytest.raises(CrfnerError, match="already exists"):
        tag_files(model, inputs, tmp_path / "empty", output_format="brat", progress=False)


@pytest.mark.parametrize("bad, problem", [
    ({"id": "a/b", "text": "x"}, "document id 'a/b' cannot be a file name"),
    ({"id": "1", "text": "twice"}, "document id '1' appears twice"),
    ({"id": "2", "text": "lone \ud800 surrogate"}, "lone surrogate"),
    # written as UTF-8's byte-order mark, which read_brat (and most readers) drop: every offset one off
    ({"id": "3", "text": "\ufeffAspirin ."}, "opens with U\\+FEFF, a byte-order mark"),
    ({"id": "n" * 238, "text": "x"}, "is too long for a file name \\(238 bytes\\)"),
])
def test_a_document_that_cannot_be_a_file_pair_stops_the_run_with_nothing_written(model, tmp_path, bad, problem):
    path = tmp_path / "in.jsonl"
    records = [{"id": "1", "text": "Aspirin ."}, {"id": "0", "text": "Renal failure ."}, bad]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with pytest.raises(DataFormatError, match=problem) as caught:
        tag_files(model, path, tmp_path / "out", output_format="brat", chunk_size=2, progress=False)
    assert "\n" not in str(caught.value) and (caught.value.path, caught.value.line) == (str(path), 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.partial", "out.state.json"]  # resumable
    good = tmp_path / "good.jsonl"
    good.write_text("".join(json.dumps(r) + "\n" for r in records[:2]), encoding="utf-8")
    tag_files(model, good, tmp_path / "fine", output_format="brat", progress=False)
    assert sorted(p.name for p in (tmp_path / "fine").iterdir()) == ["0.ann", "0.txt", "1.ann", "1.txt", "annotation.conf"]


def test_an_interrupted_run_resumes_into_the_same_folder(model, inputs, tmp_path, monkeypatch):
    tag_files(model, inputs, tmp_path / "reference", output_format="brat", chunk_size=4, progress=False)
    out = tmp_path / "out"
    interrupt_batch_tagging(monkeypatch, 3)
    with pytest.raises(KeyboardInterrupt):
        tag_files(model, inputs, out, output_format="brat", chunk_size=4, progress=False)
    monkeypatch.undo()
    assert not out.exists() and json.loads((tmp_path / "out.state.json").read_text())["documents"] == 8
    done = tag_files(model, inputs, out, output_format="brat", chunk_size=4, progress=False)
    assert (done["resumed"], done["tagged"]) == (8, 16)
    assert _files(out) == _files(tmp_path / "reference")


def test_a_run_stopped_after_its_folder_was_moved_into_place_is_known_complete(model, inputs, tmp_path, monkeypatch):
    out = tmp_path / "out"
    real_unlink = pathlib.Path.unlink

    def stopped(self, *args, **kwargs):
        if self.name == "out.partial":
            raise KeyboardInterrupt  # killed just after the rename
        return real_unlink(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "unlink", stopped)
    with pytest.raises(KeyboardInterrupt):
        tag_files(model, inputs, out, output_format="brat", progress=False)
    monkeypatch.undo()
    written = _files(out)
    assert (tmp_path / "out.partial").exists()
    done = tag_files(model, inputs, out, output_format="brat", progress=False)
    assert (done["resumed"], done["tagged"], done["written"]) == (24, 0, False)
    assert _files(out) == written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out"]


def test_a_run_killed_while_it_built_the_folder_builds_it_and_clears_the_leftover(model, inputs, tmp_path, monkeypatch):
    """SIGKILL while the folder was built beside its place leaves the temporary folder (no handler runs then);
    the next run, holding the output's lock, removes it, builds the folder and says it wrote it."""
    from crfner.tagging import brat_output

    tag_files(model, inputs, tmp_path / "reference", output_format="brat", progress=False)
    out = tmp_path / "out"
    real = brat_output.write_folder

    def killed(records, output, *args):
        leftover = output.parent / f".{output.name}.k1ll3d.tmp"  # what a kill inside atomic_directory leaves
        leftover.mkdir()
        (leftover / "0001.txt").write_text("half", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(brat_output, "write_folder", killed)
    with pytest.raises(KeyboardInterrupt):
        tag_files(model, inputs, out, output_format="brat", progress=False)
    monkeypatch.setattr(brat_output, "write_folder", real)
    done = tag_files(model, inputs, out, output_format="brat", progress=False)
    assert (done["resumed"], done["tagged"], done["written"]) == (24, 0, True)
    assert _files(out) == _files(tmp_path / "reference")
    assert not list(tmp_path.glob(".out.*"))


def test_command_line(model, tmp_path, capsys):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text("Cisplatin induced nephrotoxicity .\nNo hypotension was seen .\n", encoding="utf-8")
    (notes / "b.txt").write_text("Aspirin and renal failure .", encoding="utf-8")
    assert main(["tag", str(model), str(notes), "-o", str(tmp_path / "brat"), "--output-format", "brat", "--negation",
                 "-q"]) == 0
    assert main(["tag", str(model), str(notes), "-o", str(tmp_path / "out.jsonl"), "--negation", "-q"]) == 0
    brat = {d.id: [(m.start, m.end, m.type) for m in d.mentions] for d in read_brat(tmp_path / "brat")}
    assert brat == {d.id: [(m.start, m.end, m.type) for m in d.mentions] for d in read_jsonl(tmp_path / "out.jsonl")}
    assert brat["a"]
    capsys.readouterr()
    assert main(["tag", str(model), str(notes), "--output-format", "brat"]) == 2
    assert "name a new folder with -o" in capsys.readouterr().err
    assert main(["tag", str(model), str(notes), "-o", str(tmp_path / "brat"), "--output-format", "brat", "-q"]) == 2
    assert "already exists" in capsys.readouterr().err


def test_a_note_piped_in_becomes_stdin_txt(model, tmp_path, monkeypatch):
    import io
    import sys

    text = "Cisplatin induced nephrotoxicity .\r\nNo hypotension .\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
    assert main(["tag", str(model), "--input-format", "text", "--output-format", "brat", "-o", str(tmp_path / "b"), "-q"]) == 0
    (document,) = read_brat(tmp_path / "b")
    assert document.id == "stdin" and document.text == text.replace("\r\n", "\n")  # raw text's lines as Python reads them
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b"]


def test_negation_flags_become_attributes_that_read_back(tmp_path):
    text = "No fever. Cough and no rash."
    mentions = [Mention(3, 8, "Sign", "fever"), Mention(10, 15, "Sign", "Cough"), Mention(23, 27, "Sign", "rash")]
    document = Document("d", text, mentions)
    write_brat([document], tmp_path, [[True, False, True]])
    assert read_brat_attributes(tmp_path / "d.ann") == {"T1": {"Negated": "true"}, "T3": {"Negated": "true"}}
    assert list(read_brat(tmp_path)) == [document]
    assert "\tNegated" not in "".join(format_ann(document))
    with pytest.raises(ValueError, match="2 negation flags for 3 mentions"):
        list(format_ann(document, [True, False]))
    reordered = dataclasses.replace(document, mentions=mentions[::-1])  # flags follow the mentions in order of offset
    assert "".join(format_ann(reordered, [True, False, True])) == "".join(format_ann(document, [True, False, True]))


def test_entity_types_of_labels():
    assert entity_types(["O", "B-Disease", "I-Disease", "S-Chemical", "E-Chemical", "I-Gene"]) == ["Chemical", "Disease", "Gene"]
    assert entity_types(["O", "not a tag", "B-", 7]) == []


def test_the_longest_id_that_names_a_file_pair_is_written_and_a_longer_one_refused(tmp_path):
    write_brat([Document("n" * 237, "x", [Mention(0, 1, "X", "x")])], tmp_path)  # its temporary files fit in 255 bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n" * 237 + ".ann", "n" * 237 + ".txt"]
    with pytest.raises(DataFormatError, match=r"too long for a file name \(238 bytes\)"):
        write_brat([Document("n" * 238, "x", [])], tmp_path / "other")
