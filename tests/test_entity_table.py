"""Tagged documents as a CSV table of entities (``crfner tag --output-format csv``): one row an
entity, offsets into the document's text, the same entities as JSON Lines, one header however
a run was interrupted, and concept columns with a linker."""

from __future__ import annotations

import csv
import io
import json
from itertools import islice

import pytest
from conftest import interrupt_batch_tagging
from hypothesis import given, settings
from hypothesis import strategies as st

from crfner.corpora.documents import Document, Mention
from crfner.corpora.entity_table import ENTITY_COLUMNS, LINKED_COLUMNS, entity_rows, entity_table_header
from crfner.corpora.jsonl import read_jsonl, write_jsonl
from crfner.corpora.pubtator import read_pubtator
from crfner.tagging.batch import tag_files


def _table(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_rows_quote_what_csv_must_and_leave_unset_cells_empty():
    text = 'Pt on "ASA", 81 mg\nChewable PO\r\nDAILY \ud800'
    assert text[19:37] == "Chewable PO\r\nDAILY" and text[38] == "\ud800"
    mentions = [Mention(19, 37, "Dosage", text[19:37], score=0.5),
                Mention(7, 10, "Medication", "ASA", identifier="MESH:D001241", score=0.9, link_score=0.75),
                Mention(38, 39, "Other", "\ud800")]
    document = Document('note, "1"', text, mentions)
    assert _table(entity_table_header()) == [list(ENTITY_COLUMNS)]
    assert _table(entity_table_header(linked=True)) == [list(LINKED_COLUMNS)]
    assert _table(entity_rows(document)) == [
        ['note, "1"', "7", "10", "Medication", "ASA", "0.9"],
        ['note, "1"', "19", "37", "Dosage", "Chewable PO\r\nDAILY", "0.5"],
        ['note, "1"', "38", "39", "Other", "\ufffd", ""],  # a lone surrogate: UTF-8 cannot write it
    ]
    linked = _table(entity_rows(document, linked=True))
    assert [row[6:] for row in linked] == [["MESH:D001241", "0.75"], ["", ""], ["", ""]]
    assert entity_rows(Document("empty", "no entities here")) == ""


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=12), st.text(min_size=1, max_size=40), st.data())
def test_any_ids_and_entity_texts_read_back_as_written(document_id, text, data):
    # quotes, commas, line breaks of every kind and lone surrogates included
    spans = data.draw(st.lists(st.tuples(st.integers(0, len(text) - 1), st.integers(1, len(text))), max_size=4))
    mentions = [Mention(a, b, "T", text[a:b], score=0.5) for a, b in spans if a < b]
    rows = _table(entity_rows(Document(document_id, text, mentions)))
    def clean(value):
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in value)
    expected = sorted((m.start, m.end) for m in mentions)
    assert [(int(r[1]), int(r[2])) for r in rows] == expected
    assert [r[4] for r in rows] == [clean(text[a:b]) for a, b in expected]
    assert all(r[0] == clean(document_id) and len(r) == len(ENTITY_COLUMNS) for r in rows)


@pytest.fixture()
def inputs(tmp_path, data_dir):
    path = tmp_path / "in.jsonl"
    documents = list(islice(read_pubtator(data_dir / "pubtator" / "CDR_TestSet.PubTator.txt"), 12))
    documents.append(Document("nothing", "ok"))
    write_jsonl(documents, path)
    return path


def _flattened(path) -> list[list[str]]:
    """A JSON Lines output's entities as the table's rows would hold them."""
    return [[d.id, str(m.start), str(m.end), m.type, m.text, repr(m.score)] for d in read_jsonl(path) for m in d.mentions]


def test_the_table_holds_the_json_lines_entities_and_their_offsets(model, inputs, tmp_path, capsys):
    from crfner.cli import main

    tag_files(model, inputs, tmp_path / "out.jsonl", progress=False)
    assert main(["tag", str(model), str(inputs), "--input-format", "jsonl", "--output-format", "csv",
                 "-o", str(tmp_path / "out.csv"), "-q"]) == 0
    header, *rows = _table((tmp_path / "out.csv").read_bytes().decode("utf-8"))
    assert header == list(ENTITY_COLUMNS) and len(rows) > 12
    assert rows == _flattened(tmp_path / "out.jsonl")
    texts = {d.id: d.text for d in read_jsonl(inputs)}
    assert all(texts[i][int(start) : int(end)] == text for i, start, end, _, text, _ in rows)
    untagged = {d.id for d in read_jsonl(tmp_path / "out.jsonl") if not d.mentions}
    assert "nothing" in untagged and not untagged & {row[0] for row in rows}  # a document without entities has no row
    assert main(["tag", str(model), str(inputs), "--input-format", "jsonl", "--output-format", "csv"]) == 0
    assert capsys.readouterr().out == (tmp_path / "out.csv").read_bytes().decode("utf-8")  # to standard output too


def test_an_interrupted_table_resumes_with_one_header(model, inputs, tmp_path, monkeypatch):
    reference = tmp_path / "reference.csv"
    tag_files(model, inputs, reference, output_format="csv", chunk_size=3, progress=False)
    interrupt_batch_tagging(monkeypatch, 3)
    out = tmp_path / "out.csv"
    with pytest.raises(KeyboardInterrupt):
        tag_files(model, inputs, out, output_format="csv", chunk_size=3, progress=False)
    monkeypatch.undo()
    assert json.loads((tmp_path / "out.csv.state.json").read_text())["documents"] == 6
    done = tag_files(model, inputs, out, output_format="csv", chunk_size=3, progress=False)
    assert (done["resumed"], done["tagged"]) == (6, 7)
    assert out.read_bytes() == reference.read_bytes()
    assert out.read_text(encoding="utf-8").count("id,start,end") == 1


def test_a_linker_adds_the_concept_columns(model, inputs, tmp_path, linker_dir):
    tag_files(model, inputs, tmp_path / "linked.jsonl", progress=False, linker=linker_dir)
    tag_files(model, inputs, tmp_path / "linked.csv", output_format="csv", progress=False, linker=linker_dir)
    header, *rows = _table((tmp_path / "linked.csv").read_bytes().decode("utf-8"))
    assert header == list(LINKED_COLUMNS)
    expected = [[m.identifier or "", "" if m.link_score is None else repr(m.link_score)]
                for d in read_jsonl(tmp_path / "linked.jsonl") for m in d.mentions]
    assert [row[6:] for row in rows] == expected and any(row[6].startswith("MESH:") for row in rows)


def test_token_input_and_text_refuse_the_table(model, inputs, capsys):
    from crfner.cli import main

    assert main(["tag", str(model), "--text", "Cisplatin .", "--output-format", "csv"]) == 2
    assert "--text writes one JSON entity a line" in capsys.readouterr().err
    assert main(["tag", str(model), str(inputs), "--input-format", "sentences", "--output-format", "csv"]) == 2
    assert "token input is written as --output-format conll or json" in capsys.readouterr().err


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12), st.sampled_from(["", "=", "+", "-", "@", "\t", "\r"]), st.text(min_size=1, max_size=30),
       st.data())
def test_a_guarded_cell_never_opens_as_a_formula_and_is_the_cell_after_its_quote(document_id, opening, rest, data):
    from crfner.corpora.entity_table import FORMULA_STARTS

    text = opening + rest
    spans = data.draw(st.lists(st.tuples(st.integers(0, len(text) - 1), st.integers(1, len(text))), max_size=4))
    mentions = [Mention(a, b, data.draw(st.sampled_from(["T", "=T"])), text[a:b], score=0.5) for a, b in spans if a < b]
    document = Document(document_id or "d", text, mentions)
    plain, guarded = (_table(entity_rows(document, formula_guard=g)) for g in (False, True))
    assert len(plain) == len(guarded) == len(mentions)
    for before, after in zip(plain, guarded):
        assert not any(c.startswith(FORMULA_STARTS) for c in after)
        assert after == ["'" + c if c.startswith(FORMULA_STARTS) else c for c in before]


def test_the_spreadsheet_table_guards_formulas(model, tmp_path, capsys):
    from crfner.cli import main

    note = tmp_path / "notes" / "=HYPERLINK(1).txt"
    note.parent.mkdir()
    note.write_text("Cisplatin -induced nephrotoxicity and +2 edema . @home .\n", encoding="utf-8")
    for output_format in ("csv", "spreadsheet"):
        assert main(["tag", str(model), str(note.parent), "--output-format", output_format, "--negation",
                     "-o", str(tmp_path / f"{output_format}.csv"), "-q"]) == 0
    plain = _table((tmp_path / "csv.csv").read_bytes().decode("utf-8"))
    guarded = _table((tmp_path / "spreadsheet.csv").read_bytes().decode("utf-8"))
    assert guarded[0] == plain[0] and len(guarded) == len(plain) > 1  # the same header and rows
    assert all(row[0] == "'=HYPERLINK(1)" for row in guarded[1:]) and all(row[0] == "=HYPERLINK(1)" for row in plain[1:])
    assert [row[1:] for row in guarded] == [[("'" + c if c[:1] in "=+-@" and c else c) for c in row[1:]] for row in plain]
