"""Documents piped into ``crfner tag`` and ``crfner explain`` (``cat note.txt | crfner tag MODEL
--input-format text``): tagged as the same file would be, errors naming standard input, and no
temporary file left; and output piped into a reader that stops early (``| head``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

NOTE = "HPI: 67 yo M with chest pain after cisplatin.\nMeds: aspirin 81 mg daily\n"


def _crfner(args, data: bytes, tmp) -> subprocess.CompletedProcess:
    """``crfner ARGS`` with ``data`` on standard input and its temporary files in ``tmp``."""
    return subprocess.run([sys.executable, "-m", "crfner", *map(str, args), "-q"], input=data, capture_output=True, check=False,
                          env={**os.environ, "TMPDIR": str(tmp)})


def _records(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


@pytest.fixture()
def tmp(tmp_path):
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder


def test_a_piped_note_is_tagged_as_the_same_file_is(model, tmp_path, tmp):
    note = tmp_path / "note.txt"
    note.write_text(NOTE, encoding="utf-8")
    from_file = _crfner(["tag", model, note, "--input-format", "text", "--splitter", "notes"], b"", tmp)
    piped = _crfner(["tag", model, "--input-format", "text", "--splitter", "notes"], NOTE.encode(), tmp)
    assert from_file.returncode == piped.returncode == 0, piped.stderr
    (expected,), (record,) = _records(from_file.stdout), _records(piped.stdout)
    assert expected["entities"] and record["id"] == "stdin" and expected["id"] == "note"
    assert {**record, "id": "note"} == expected
    assert list(tmp.iterdir()) == []


def test_piped_documents_go_atomically_into_a_file_with_nothing_beside_it(model, tmp_path, tmp):
    lines = "".join(json.dumps({"id": str(i), "text": f"Cisplatin {i} caused nephrotoxicity."}) + "\n" for i in range(5))
    out = tmp_path / "out" / "tagged.jsonl"
    done = _crfner(["tag", model, "--input-format", "jsonl", "--chunk-size", 2, "-o", out], lines.encode(), tmp)
    assert done.returncode == 0, done.stderr
    assert done.stderr.decode().strip() == f"tagged 5 documents into {out}"
    assert [r["id"] for r in _records(out.read_bytes())] == ["0", "1", "2", "3", "4"]
    assert sorted(p.name for p in out.parent.iterdir()) == ["tagged.jsonl"]  # no .partial, state or lock file
    assert list(tmp.iterdir()) == []


@pytest.mark.parametrize("fmt, data, where, problem", [
    ("text", b"%PDF-1.7\n1 0 obj\n", "standard input:", "a PDF document, not plain text"),
    ("text", b"Meds: caf\xe9\n", "standard input:", "not UTF-8 text"),
    ("csv", b'note_id,text\n1,"chest pain\n', "standard input, line 2:", "not valid CSV"),
    ("jsonl", b'{"id": "1", "text": "pain"}\n{"id": "1"}\n', "standard input, line 2:", '"text"'),
])
def test_bad_piped_input_is_named_and_writes_nothing(model, tmp_path, tmp, fmt, data, where, problem):
    out = tmp_path / "out.jsonl"
    done = _crfner(["tag", model, "--input-format", fmt, "-o", out], data, tmp)
    assert done.returncode == 2
    error = done.stderr.decode().strip()
    assert error.startswith(f"crfner tag: error: {where}") and problem in error and "\n" not in error, error
    assert "crfner-stdin" not in error and not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tmp"] and list(tmp.iterdir()) == []


@pytest.mark.parametrize("args", [["tag", "--input-format", "jsonl"], ["tag", "--input-format", "text"], ["explain", "--input", "-"]])
def test_a_closed_standard_input_is_a_one_line_error(model, args):
    verb, *rest = args
    done = subprocess.run(f'"{sys.executable}" -m crfner {verb} "{model}" {" ".join(rest)} -q <&-', shell=True,
                          capture_output=True, check=False)
    error = done.stderr.decode().strip()
    assert done.returncode == 2 and error.startswith(f"crfner {verb}: error: standard input is closed"), error
    assert "\n" not in error


def test_restart_with_piped_input_is_refused(model, tmp):
    done = _crfner(["tag", model, "--input-format", "text", "--restart", "-o", "x.jsonl"], b"pain\n", tmp)
    assert done.returncode == 2 and "standard input has nothing to resume" in done.stderr.decode()


def test_explain_reads_a_piped_note_as_the_same_file(model, tmp_path, tmp):
    note = tmp_path / "note.txt"
    note.write_text(NOTE, encoding="utf-8")
    args = ["explain", model, "--splitter", "notes", "--json", "--top", 3, "--input"]
    from_file, piped = _crfner([*args, note], b"", tmp), _crfner([*args, "-"], NOTE.encode(), tmp)
    assert from_file.returncode == piped.returncode == 0, piped.stderr
    assert json.loads(piped.stdout)["entities"] and json.loads(piped.stdout) == json.loads(from_file.stdout)
    bad = _crfner(["explain", model, "--input", "-"], b"{\\rtf1\\ansi HPI}", tmp)
    assert bad.returncode == 2 and bad.stderr.decode().startswith("crfner explain: error: standard input: an RTF document")
    assert list(tmp.iterdir()) == []


@pytest.mark.parametrize("fmt, opening, first, second", [
    ("jsonl", "", '{"id": "a", "text": "Cisplatin caused nephrotoxicity."}\n', '{"id": "b", "text": "No fever."}\n'),
    ("csv", "note_id,text\n", 'a,"Cisplatin caused\nnephrotoxicity."\n', "b,No fever.\n"),
    ("pubtator", "", "a|t|Cisplatin caused nephrotoxicity.\na|a|\n\n", "b|t|No fever.\nb|a|\n\n"),
])
def test_piped_documents_are_tagged_as_they_come(model, fmt, opening, first, second):
    """A producer that keeps standard input open gets each chunk's records while it runs, not
    when it closes its end."""
    import select

    run = subprocess.Popen([sys.executable, "-m", "crfner", "tag", str(model), "--input-format", fmt, "--chunk-size", "1", "-q"],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        run.stdin.write((opening + first).encode())
        run.stdin.flush()
        assert select.select([run.stdout], [], [], 120)[0], "no record came while standard input stayed open"
        assert json.loads(run.stdout.readline())["id"] == "a"
        run.stdin.write(second.encode())
        run.stdin.close()
        assert [json.loads(line)["id"] for line in run.stdout.read().splitlines()] == ["b"]
        assert run.wait(timeout=120) == 0, run.stderr.read()
    finally:
        if run.poll() is None:
            run.kill()
        run.wait()
        for stream in (run.stdout, run.stderr):
            stream.close()


def test_a_reader_that_stops_early_ends_the_run_quietly(model, tmp_path):
    """``crfner tag ... | head``: the run stops at the closed pipe, with no error message and the
    status of a death by SIGPIPE, as Unix tools do."""
    lines = "".join(json.dumps({"id": str(i), "text": "Cisplatin caused nephrotoxicity. " * 40}) + "\n" for i in range(400))
    (tmp_path / "in.jsonl").write_text(lines, encoding="utf-8")
    run = subprocess.Popen([sys.executable, "-m", "crfner", "tag", str(model), str(tmp_path / "in.jsonl"), "--input-format",
                            "jsonl", "--chunk-size", "5", "-q"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert json.loads(run.stdout.readline())["id"] == "0"
    run.stdout.close()  # the output runs to megabytes: the run must meet the closed pipe
    assert run.wait(timeout=300) == 141
    assert run.stderr.read() == b""
    run.stderr.close()
