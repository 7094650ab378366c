"""Notes in a CSV file, one a row (``crfner.corpora.csv_notes``), as MIMIC's note tables and
data-warehouse exports hold them: columns found by name, quoted notes over several lines, and
one-line errors naming the file and the line a bad row starts on."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crfner.corpora.csv_notes import read_csv_documents
from crfner.errors import CrfnerError, DataFormatError
from crfner.tagging.inputs import detect_format, read_documents

NOTES = [
    "HPI: 67 yo M with chest pain.\nMEDICATIONS:\n1. aspirin 81 mg daily\n2. metoprolol 25 mg bid\n",
    'ALLERGIES: "sulfa" (rash), penicillin\r\nPlan: stop lisinopril, start amlodipine 5 mg',
    "Pt stable, no complaints",
]


def _csv(header, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def test_mimic_iv_discharge_notes_gzipped_with_notes_over_several_lines(tmp_path):
    header = ["note_id", "subject_id", "hadm_id", "note_type", "note_seq", "charttime", "storetime", "text"]
    rows = [[f"1000{i}-DS-{i}", 1000 + i, 2000 + i, "DS", i, "2150-01-01 00:00:00", "", note] for i, note in enumerate(NOTES)]
    path = tmp_path / "discharge.csv.gz"
    path.write_bytes(gzip.compress(_csv(header, rows).encode("utf-8")))
    documents = list(read_csv_documents(path))
    assert [(d.id, d.text) for d in documents] == [(f"1000{i}-DS-{i}", note) for i, note in enumerate(NOTES)]
    assert detect_format(path) == "csv" and list(read_documents(path)) == documents  # CR LF inside a note kept as stored


def test_mimic_iii_columns_in_capitals_and_columns_named(tmp_path):
    path = tmp_path / "NOTEEVENTS.csv"
    path.write_bytes(b"\xef\xbb\xbf" + _csv(["ROW_ID", "SUBJECT_ID", "CATEGORY", "TEXT"],
                                           [[i + 1, 7, "Nursing", note] for i, note in enumerate(NOTES)]).encode("utf-8"))
    assert [(d.id, d.text) for d in read_csv_documents(path)] == [(str(i + 1), note) for i, note in enumerate(NOTES)]
    assert next(iter(read_csv_documents(path, id_column="category", text_column="TEXT"))).id == "Nursing"
    # the first note runs over lines 2 to 6, so the second starts on line 7
    with pytest.raises(DataFormatError, match=r"line 7: note id 'Nursing' appears twice \(first on line 2\)"):
        list(read_csv_documents(path, id_column="CATEGORY"))


def test_a_note_longer_than_the_csv_modules_default_field_limit_is_read(tmp_path):
    note = "Pt stable. " * 20000  # 220,000 characters; csv's default limit is 131,072
    (tmp_path / "n.csv").write_text(_csv(["id", "text"], [["a", note]]), encoding="utf-8")
    assert [len(d.text) for d in read_csv_documents(tmp_path / "n.csv")] == [len(note)]


@pytest.mark.parametrize(("content", "line", "problem"), [
    ("", 1, "empty: a CSV file of notes needs a header row"),
    ("subject_id,body\n1,x\n", 1, r"no id column \(note_id or row_id or id\); name it with --id-column \(the header has 'subject_id', 'body'\)"),
    ("note_id,body\n1,x\n", 1, r"no text column \(text or note_text\); name it with --text-column"),
    ('id,text\n1,"two\nlines"\n2,x,extra\n', 4, "3 fields, where the header has 2"),
    ("id,text\n1,x\n ,y\n", 3, "no id in column 'id'"),
    ('id,text\n1,"a"b\n', 2, r"not valid CSV \("),
    (b"id,text\n1,ok\n2,caf\xe9\n", 3, r"not UTF-8 text \(invalid continuation byte at byte 6 of the line\)"),
    # an old Mac export: its lone CRs end lines inside the chunk read to the first LF, header's or a note's
    (b"id,text\r1,ok\r2,caf\xe9\r", 3, r"not UTF-8 text \(invalid continuation byte at byte 6 of the line\)"),
    (b'id,text\r1,"a\nb\r c"\r2,caf\xe9\r', 5, r"not UTF-8 text \(invalid continuation byte at byte 6 of the line\)"),
    (b"id,text\r1,caf\xe9\n", 2, r"not UTF-8 text \(invalid continuation byte at byte 6 of the line\)"),
    (b"id,text\r\n1,a\rb\xe9\r\n", 2, r"not UTF-8 text \(invalid continuation byte at byte 6 of the line\)"),
])
def test_malformed_files_are_one_line_errors_naming_file_and_line(tmp_path, content, line, problem):
    path = tmp_path / "notes.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(DataFormatError, match=rf"notes\.csv, line {line}: {problem}") as caught:
        list(read_csv_documents(path))
    assert "\n" not in str(caught.value)


def test_the_header_is_checked_before_any_row_is_read(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("subject_id,text\n1,x\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="no id column"):
        read_documents(path, "csv")  # not iterated: tagging stops before it writes anything
    with pytest.raises(DataFormatError, match="cannot be read as gzip"):
        (tmp_path / "fake.csv.gz").write_bytes(b"id,text\n1,x\n")
        list(read_csv_documents(tmp_path / "fake.csv.gz"))
    with pytest.raises(CrfnerError, match="id and text columns apply to CSV input"):
        read_documents(path, "text", id_column="subject_id")


def test_the_command_line_tags_a_csv_file_of_notes(fitted, tmp_path, capsys):
    from crfner.cli import main
    from crfner.tagging.annotate import tag_text
    from crfner.tagging.resume import fingerprint as _fingerprint

    model = fitted.save(tmp_path / "model")
    path = tmp_path / "notes.csv"
    path.write_text(_csv(["MRN", "Body"], [[f"p{i}", note] for i, note in enumerate(NOTES)]), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["tag", str(model), str(path), "--splitter", "notes", "-o", str(out), "-q"]) == 2  # no default column
    assert "no id column" in capsys.readouterr().err and not out.exists()
    assert main(["tag", str(model), str(path), "--splitter", "notes", "--id-column", "MRN", "--text-column", "body",
                 "-o", str(out), "-q"]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["text"]) for r in records] == [(f"p{i}", note) for i, note in enumerate(NOTES)]
    for record in records:
        expected = [[e.start, e.end, e.type] for e in tag_text(fitted, record["text"], splitter="notes")]
        assert [[e["start"], e["end"], e["type"]] for e in record["entities"]] == expected
    assert main(["tag", str(model), str(path), "--input-format", "text", "--id-column", "MRN"]) == 2
    assert "--id-column and --text-column apply to CSV input" in capsys.readouterr().err
    resolved = model.resolve()  # a partial output read from other columns is not resumed
    assert (_fingerprint(path, resolved, "csv", "jsonl", columns=("MRN", "body"))
            != _fingerprint(path, resolved, "csv", "jsonl", columns=("MRN", "other")))


def _escaped(note: str) -> str:
    return note.replace("\\", "\\\\").replace("\r\n", "\\r\\n").replace("\n", "\\n")


def test_notes_exported_with_escaped_line_breaks_are_refused_unless_unescaped(fitted, tmp_path, capsys):
    from crfner.cli import main

    path = tmp_path / "export.csv"
    rows = [["a", NOTES[2]], ["b", NOTES[0]], ["d", "x\\ny"], ["c", _escaped(NOTES[0] + "Files: C:\\notes\\n7\tend")]]
    path.write_text(_csv(["id", "text"], rows), encoding="utf-8")
    read = read_csv_documents(path)
    # a note with line breaks of its own, or with one escaped line break, is read as stored
    assert [d.text for d in (next(read), next(read), next(read))] == [NOTES[2], NOTES[0], "x\\ny"]
    with pytest.raises(DataFormatError) as caught:
        next(read)
    # the error names the row's first line: note b runs over five lines (3 to 7), d is on 8, c starts on 9
    assert str(caught.value).startswith(f"{path}, line 9: note 'c': 4 escaped line breaks") and "--unescape" in str(caught.value)
    documents = list(read_documents(path, unescape=True))
    assert [d.text for d in documents] == [NOTES[2], NOTES[0], "x\ny", NOTES[0] + "Files: C:\\notes\\n7\tend"]
    model, out = fitted.save(tmp_path / "model"), tmp_path / "out.jsonl"
    assert main(["tag", str(model), str(path), "--splitter", "notes", "-o", str(out), "-q"]) == 2
    assert "line 9: note 'c'" in capsys.readouterr().err and not out.exists()
    assert main(["tag", str(model), str(path), "--splitter", "notes", "--unescape", "-o", str(out), "-q"]) == 0
    assert [json.loads(line)["text"] for line in out.read_text(encoding="utf-8").splitlines()] == [d.text for d in documents]
    assert main(["tag", str(model), str(path), "--input-format", "jsonl", "--unescape"]) == 2
    assert "--unescape applies to raw-text files and CSV notes" in capsys.readouterr().err


def _export(delimiter: str, line_end: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_end, quoting=csv.QUOTE_ALL)
    writer.writerow(["note_id", "text"])
    writer.writerows([[f"n{i}", note] for i, note in enumerate(NOTES)])
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "data", "encoding"), [
    # Excel where the comma is a decimal mark; its "Unicode Text" (UTF-16 with a mark, tabs); an old Mac's CSV
    ("semicolons", _export(";", "\r\n").encode("utf-8"), "utf-8"),
    ("unicode text", _export("\t", "\r\n").encode("utf-16"), "utf-8"),
    ("utf-32", _export("|", "\n").encode("utf-32"), "utf-8"),
    ("lone CR", _export(",", "\r").encode("utf-8"), "utf-8"),
    ("named with a mark", codecs.BOM_UTF16_LE + _export(",", "\n").encode("utf-16-le"), "utf-16-le"),
    ("Windows CSV", _export(",", "\r\n").encode("cp1252"), "cp1252"),
])
def test_spreadsheet_exports_are_read_with_their_delimiter_encoding_and_line_ends(tmp_path, name, data, encoding):
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    # the notes hold LF and CR LF inside their quotes, kept as stored
    assert [(d.id, d.text) for d in read_csv_documents(path, encoding=encoding)] == [(f"n{i}", n) for i, n in enumerate(NOTES)]
    assert [d.text for d in read_documents(path, "csv", encoding=encoding)] == NOTES


def test_a_delimiter_is_found_by_the_header_naming_both_columns(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text('"id;x",text\n1;2,a;b\n', encoding="utf-8")  # a comma-separated header whose first name holds ";"
    assert [(d.id, d.text) for d in read_csv_documents(path, id_column="id;x")] == [("1;2", "a;b")]
    path.write_text("id;text;extra\n1;a,b;c\n", encoding="utf-8")
    assert [(d.id, d.text) for d in read_csv_documents(path)] == [("1", "a,b")]
    assert [(d.id, d.text) for d in read_csv_documents(path, delimiter=";", text_column="extra")] == [("1", "c")]
    with pytest.raises(DataFormatError, match=r"line 1: no id column .* \(the header has 'id;text;extra'\)"):
        list(read_csv_documents(path, delimiter=","))


def test_a_windows_export_names_its_line_and_the_encoding_to_give(fitted, tmp_path, capsys):
    from crfner.cli import main

    path = tmp_path / "export.csv"
    path.write_bytes(_csv(["id", "text"], [["a", "Pt stable"], ["b", "aspirin 81 mg, caf\u00e9 au lait spots, 5 \u00b5g"]])
                     .encode("cp1252"))
    with pytest.raises(DataFormatError, match=r"export\.csv, line 3: not UTF-8 text \(invalid continuation byte at byte 22 of "
                                              r"the line\); give the file's encoding \(--encoding, e.g\. cp1252\)"):
        list(read_csv_documents(path))
    model, out = fitted.save(tmp_path / "model"), tmp_path / "out.jsonl"
    assert main(["tag", str(model), str(path), "-o", str(out), "-q"]) == 2
    assert "--encoding, e.g. cp1252" in capsys.readouterr().err and not out.exists()
    assert main(["tag", str(model), str(path), "--encoding", "cp1252", "-o", str(out), "-q"]) == 0
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[1])["text"].endswith("caf\u00e9 au lait spots, 5 \u00b5g")
    truncated = tmp_path / "cut.csv"
    truncated.write_bytes(_export("\t", "\n").encode("utf-16")[:-1])  # half a character at the end
    with pytest.raises(DataFormatError, match=r"cut\.csv, line \d+: not utf-16 text \(truncated data\) on this line or after"):
        list(read_csv_documents(truncated))
    truncated.write_bytes("id,text\n1,caf\u00e9".encode("utf-8")[:-1])
    with pytest.raises(DataFormatError, match=r"line 2: not UTF-8 text \(the file ends inside a character"):
        list(read_csv_documents(truncated))


_PIECES = [b"id", b"text", b"note_id", b",", b";", b"\t", b'"', b"\r", b"\n", b"\r\n", b"a", b"\xe9", b"\xc3", b"\x80",
           codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, b"\x00"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.sampled_from(_PIECES), max_size=30), encoding=st.sampled_from(["utf-8", "cp1252", "utf-16-le", "utf-16"]))
def test_any_bytes_are_notes_or_a_one_line_error_naming_the_file(tmp_path, pieces, encoding):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(b"".join(pieces))
    try:
        documents = list(read_csv_documents(path, encoding=encoding))
    except DataFormatError as error:
        assert str(error).startswith(str(path)) and "\n" not in str(error)
    else:
        assert len({d.id for d in documents}) == len(documents)
