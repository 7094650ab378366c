"""Raw-text input read from disk (``crfner.tagging.inputs``): files that are no text (HTML and
XML documents too) are refused with what to do, UTF-16 and UTF-32 notes with a byte-order mark
are read, a NUL names its line, and a folder's notes are its ``*.txt`` files in any case."""

from __future__ import annotations

import gzip
import io
import json
import re
import zipfile

import pytest

from crfner.errors import CrfnerError, DataFormatError
from crfner.tagging.inputs import read_documents, text_files

NOTE = "HPI: 67 yo M with chest pain.\r\nMeds: aspirin 81 mg daily\r\n"
READ = NOTE.replace("\r\n", "\n")  # as Python reads text, and the offsets count


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document>HPI: chest pain</w:document>")
    return buffer.getvalue()


NOT_TEXT = {
    "pdf": (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n", "a PDF document"),
    "docx": (_zip(), "a ZIP archive (a Word .docx"),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "an OLE2 file (a Word .doc?)"),
    "rtf": (b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}} HPI: chest pain\\par}", "an RTF document"),
    "rtf after a byte-order mark": (b"\xef\xbb\xbf{\\rtf1\\ansi HPI: chest pain\\par}", "an RTF document"),
    "gzip": (gzip.compress(NOTE.encode()), "gzip-compressed"),
}


@pytest.mark.parametrize("name", NOT_TEXT)
@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])  # latin-1 decodes any bytes: the check comes first
def test_files_that_are_no_text_are_refused_with_what_to_do(tmp_path, name, encoding):
    data, kind = NOT_TEXT[name]
    (tmp_path / "note.txt").write_bytes(data)  # named .txt, as a renamed export would be
    with pytest.raises(DataFormatError) as caught:
        list(read_documents(tmp_path / "note.txt", "text", encoding))
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'note.txt'}: {kind}") and "save or convert it as plain text" in message
    assert "\n" not in message


MARKUP = {
    "html": ("\n  <!DOCTYPE html>\n<html><body><p>HPI: chest pain&nbsp;and dyspnea.</p></body></html>\n", "an HTML document"),
    "html in capitals": ("<HTML>\n<BODY>HPI: chest pain</BODY></HTML>", "an HTML document"),
    "a body": ("<body>HPI: chest pain<br>Meds: aspirin</body>", "an HTML document"),
    "hl7 cda": ('<?xml version="1.0"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3"><text>HPI</text></ClinicalDocument>',
                "an XML document (an HL7 CDA?)"),
}


@pytest.mark.parametrize("name", MARKUP)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])  # checked on the text read, in any encoding
def test_markup_documents_are_refused_with_what_to_do(tmp_path, name, encoding):
    text, kind = MARKUP[name]
    (tmp_path / "note.txt").write_text(text, encoding=encoding)
    expected = re.escape(f"{tmp_path / 'note.txt'}: {kind}, not plain text; save or convert it")
    with pytest.raises(DataFormatError, match=f"^{expected}"):
        list(read_documents(tmp_path / "note.txt", "text"))


@pytest.mark.parametrize("text", ["<5 mm nodule, stable.\n", "< 2 cm mass\n", "<p>HPI: chest pain</p>\n",
                                  "HPI: see <html> attachment\n"])
def test_notes_that_only_hold_angle_brackets_are_read(tmp_path, text):
    (tmp_path / "note.txt").write_text(text, encoding="utf-8")
    assert [d.text for d in read_documents(tmp_path / "note.txt", "text")] == [text]


def test_the_command_line_stops_on_them_and_writes_nothing(fitted, tmp_path, capsys):
    from crfner.cli import main

    model = fitted.save(tmp_path / "model")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text(NOTE, encoding="utf-8")
    (notes / "b.txt").write_bytes(NOT_TEXT["rtf"][0])
    out = tmp_path / "out.jsonl"
    assert main(["tag", str(model), str(notes), "--input-format", "text", "-o", str(out), "-q"]) == 2
    error = capsys.readouterr().err
    assert f"{notes / 'b.txt'}: an RTF document, not plain text" in error and len(error.strip().splitlines()) == 1
    assert not out.exists()
    assert main(["explain", str(model), "--input", str(notes / "b.txt")]) == 2
    assert "an RTF document" in capsys.readouterr().err


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-32-be"])
def test_utf16_and_utf32_with_a_byte_order_mark_are_read_as_such(tmp_path, encoding):
    bom = {"utf-16-be": b"\xfe\xff", "utf-32-be": b"\x00\x00\xfe\xff"}.get(encoding, b"")
    (tmp_path / "n.txt").write_bytes(bom + NOTE.encode(encoding))  # "utf-16" and "utf-32" write their own mark
    assert [d.text for d in read_documents(tmp_path / "n.txt", "text")] == [READ]
    # a named encoding is obeyed: latin-1 keeps the mark's bytes as characters, and the NULs are refused
    with pytest.raises(DataFormatError, match=r"n\.txt, line 1: a NUL character"):
        list(read_documents(tmp_path / "n.txt", "text", "latin-1"))


def test_a_nul_character_names_its_line_and_the_likely_encoding(tmp_path):
    (tmp_path / "wide.txt").write_bytes(NOTE.encode("utf-16-le"))  # no byte-order mark: valid UTF-8 full of NULs
    with pytest.raises(DataFormatError, match=r"wide\.txt, line 1: a NUL character: .*--encoding, e\.g\. utf-16-le"):
        list(read_documents(tmp_path / "wide.txt", "text"))
    assert [d.text for d in read_documents(tmp_path / "wide.txt", "text", "utf-16-le")] == [READ]
    (tmp_path / "binary.txt").write_bytes(b"HPI: fever\nPlan: rest\nLabs: \x00\x01\x02\n")
    with pytest.raises(DataFormatError, match=r"binary\.txt, line 3: a NUL character"):
        list(read_documents(tmp_path / "binary.txt", "text"))


def test_a_folder_reads_txt_files_in_any_case_and_nothing_else(tmp_path):
    (tmp_path / "B.TXT").write_text("HPI: cough", encoding="utf-8")
    (tmp_path / "a.txt").write_text("HPI: fever", encoding="utf-8")
    (tmp_path / "c.Txt").write_text("HPI: rash", encoding="utf-8")
    (tmp_path / "d.rtf").write_bytes(NOT_TEXT["rtf"][0])
    (tmp_path / "old").mkdir()
    assert [p.name for p in text_files(tmp_path)] == ["B.TXT", "a.txt", "c.Txt"]
    assert [(d.id, d.text) for d in read_documents(tmp_path, "text")] == [
        ("B", "HPI: cough"), ("a", "HPI: fever"), ("c", "HPI: rash")]


def test_entries_named_as_notes_that_are_no_files_are_an_error_naming_each(tmp_path):
    (tmp_path / "a.txt").write_text("HPI: fever", encoding="utf-8")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "moved" / "gone.txt")  # a broken link: its note would be lost
    (tmp_path / "old.TXT").mkdir()  # a folder named like a note
    (tmp_path / "fine.txt").symlink_to(tmp_path / "a.txt")  # a link to a note is read
    with pytest.raises(CrfnerError) as caught:
        read_documents(tmp_path, "text")  # before any document is read
    assert str(caught.value) == (f"{tmp_path}: named as notes but not files that can be read: gone.txt (a broken link "
                                 f"to {tmp_path / 'moved' / 'gone.txt'}), old.TXT (a folder); repair or move them out "
                                 "of the folder, so that no note is left untagged unseen")
    (tmp_path / "gone.txt").unlink()
    (tmp_path / "old.TXT").rmdir()
    assert [d.id for d in read_documents(tmp_path, "text")] == ["a", "fine"]


def test_two_files_of_one_name_in_a_folder_are_refused_before_any_is_read(tmp_path):
    (tmp_path / "note.txt").write_text("HPI: chest pain\n", encoding="utf-8")
    (tmp_path / "note.TXT").write_text("HPI: fever\n", encoding="utf-8")
    (tmp_path / "other.txt").write_text("HPI: cough\n", encoding="utf-8")
    with pytest.raises(CrfnerError, match=r"note\.TXT and note\.txt would both be document 'note'; rename one"):
        read_documents(tmp_path, "text")
    (tmp_path / "note.TXT").rename(tmp_path / "note2.TXT")
    assert [d.id for d in read_documents(tmp_path, "text")] == ["note", "note2", "other"]


def test_a_folder_without_txt_files_is_an_error_that_says_what_it_holds(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CrfnerError, match=r"empty: no \.txt file in this folder \(it holds no file\)"):
        read_documents(empty, "text")
    exported = tmp_path / "exported"
    exported.mkdir()
    for name in ("1.rtf", "2.rtf", "3.rtf", "4.pdf", "README"):
        (exported / name).write_bytes(b"x")
    with pytest.raises(CrfnerError, match=r"exported: no \.txt file in this folder \(it holds 3 \.rtf, 1 \.pdf, 1 without extension\)"):
        read_documents(exported, "text")


def test_a_folder_is_raw_text_input_without_input_format(fitted, tmp_path, capsys):
    from crfner.cli import main

    model = fitted.save(tmp_path / "model")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "N1.TXT").write_bytes(NOTE.encode("utf-16"))
    assert main(["tag", str(model), str(notes), "--splitter", "notes"]) == 0
    (record,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert record["id"] == "N1" and record["text"] == READ
    assert all(READ[e["start"] : e["end"]] == e["text"] for e in record["entities"])
    assert main(["tag", str(model), str(notes), "--input-format", "conll"]) == 2  # a format given is obeyed
    assert "is a directory" in capsys.readouterr().err


def test_a_new_note_in_upper_case_changes_the_resume_fingerprint(fitted, tmp_path):
    from crfner.tagging.resume import fingerprint as _fingerprint

    model = fitted.save(tmp_path / "model").resolve()
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text(NOTE, encoding="utf-8")
    before = _fingerprint(notes, model, "text", "jsonl")
    (notes / "b.rtf").write_bytes(b"x")
    assert _fingerprint(notes, model, "text", "jsonl") == before  # not read, so no part of the run
    (notes / "B.TXT").write_text(NOTE, encoding="utf-8")
    assert _fingerprint(notes, model, "text", "jsonl") != before


ESCAPED = r"HPI:\n67 yo M with chest pain.\r\nMeds:\taspirin 81 mg daily\rPlan: see C:\\notes\x"


def test_unescape_reads_a_database_exports_line_breaks_and_tabs():
    from crfner.tagging.inputs import unescape_text

    assert unescape_text(ESCAPED) == "HPI:\n67 yo M with chest pain.\nMeds:\taspirin 81 mg daily\nPlan: see C:\\notes\\x"
    assert unescape_text(r"a\\nb") == "a\\nb"  # an escaped backslash before "n" is no line break
    assert unescape_text("no escapes") == "no escapes"


def test_escaped_line_breaks_without_a_line_break_are_refused_unless_unescaped(tmp_path):
    (tmp_path / "n.txt").write_text(ESCAPED, encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"n\.txt: 3 escaped line breaks .* give --unescape"):
        list(read_documents(tmp_path / "n.txt", "text"))
    (read,) = read_documents(tmp_path / "n.txt", "text", unescape=True)
    assert read.text.splitlines()[1] == "67 yo M with chest pain."
    # read as written: one escape, or escapes in a text that has line breaks of its own
    for text in (r"Path C:\notes kept", "HPI:\n" + ESCAPED):
        (tmp_path / "n.txt").write_text(text, encoding="utf-8")
        assert [d.text for d in read_documents(tmp_path / "n.txt", "text")] == [text]
    with pytest.raises(CrfnerError, match="jsonl input is read as written"):
        read_documents(tmp_path / "n.txt", "jsonl", unescape=True)


def test_the_command_line_unescapes_when_asked(fitted, tmp_path, capsys):
    from crfner.cli import main
    from crfner.tagging.resume import fingerprint as _fingerprint
    from crfner.tagging.inputs import unescape_text

    model = fitted.save(tmp_path / "model")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "n.txt").write_text(ESCAPED, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["tag", str(model), str(notes), "--splitter", "notes", "-o", str(out), "-q"]) == 2
    assert "give --unescape" in capsys.readouterr().err and not out.exists()
    assert main(["tag", str(model), str(notes), "--splitter", "notes", "--unescape", "-o", str(out), "-q"]) == 0
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["text"] == unescape_text(ESCAPED)
    assert all(record["text"][e["start"] : e["end"]] == e["text"] for e in record["entities"])
    assert main(["explain", str(model), "--input", str(notes / "n.txt"), "--unescape", "--json", "--splitter", "notes"]) == 0
    explained = json.loads(capsys.readouterr().out)["entities"]
    assert [[e["start"], e["end"]] for e in explained] == [[e["start"], e["end"]] for e in record["entities"]]
    for args in (["--text", "x", "--unescape"], [str(notes), "--input-format", "jsonl", "--unescape"]):
        assert main(["tag", str(model), *args]) == 2
        assert "--unescape applies to raw-text files" in capsys.readouterr().err
    assert main(["explain", str(model), "--text", "x", "--unescape"]) == 2
    assert "--unescape applies to --input FILE" in capsys.readouterr().err
    resolved = model.resolve()  # a partial output read as written is not resumed unescaped
    assert _fingerprint(notes, resolved, "text", "jsonl", unescape=True) != _fingerprint(notes, resolved, "text", "jsonl")
