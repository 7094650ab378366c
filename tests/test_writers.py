"""What the corpus writers write comes back as written, and what they cannot write is refused
before any file appears; the readers say when a file they are pointed to is the wrong one.
Each case was found by an exploratory run over crafted files."""

from __future__ import annotations

import gzip
import json

import pytest

from crfner import read_brat, read_conll, read_jsonl, read_pubtator, write_brat, write_conll, write_pubtator
from crfner.corpora.brat import read_brat_document
from crfner.corpora.csv_notes import read_csv_documents
from crfner.corpora.documents import Document, Mention
from crfner.corpora.n2c2 import read_n2c2
from crfner.errors import CrfnerError, DataFormatError
from crfner.tagging.inputs import read_documents


def _round_trip(tmp_path, document: Document) -> Document:
    write_brat([document], tmp_path / "brat")
    (back,) = read_brat(tmp_path / "brat")
    return back


def test_an_entity_holding_a_tab_comes_back_from_brat(tmp_path):
    text = "breast\tcancer was found."
    document = Document("n1", text, [Mention(0, 13, "Disease", "breast\tcancer", "MESH:D001943")])
    back = _round_trip(tmp_path, document)
    assert back.text == text and [(m.start, m.end, m.text, m.identifier) for m in back.mentions] == [
        (0, 13, "breast\tcancer", "MESH:D001943")]
    assert (tmp_path / "brat" / "n1.ann").read_text(encoding="utf-8").startswith("T1\tDisease 0 6;7 13\tbreast cancer\n")


def test_a_concept_id_with_a_line_break_or_tab_stays_one_id(tmp_path):
    for identifier in ("a\nb", "a\rb", "UMLS:a\tb", "a\u2028b"):
        document = Document("n1", "Fever.", [Mention(0, 5, "Sign", "Fever", identifier)])
        (mention,) = _round_trip(tmp_path, document).mentions
        assert mention.identifier == "".join("_" if c.isspace() else c for c in identifier)


def test_a_note_read_with_a_wide_encoding_drops_its_byte_order_mark(tmp_path):
    note = tmp_path / "note.txt"
    note.write_bytes("\ufeffchest pain".encode("utf-16-le"))
    (document,) = read_documents(note, "text", encoding="utf-16-le")
    assert document.text == "chest pain"
    tagged = Document(document.id, document.text, [Mention(0, 5, "Sign", "chest")])
    assert _round_trip(tmp_path, tagged).mentions == tagged.mentions


def test_a_named_annotation_file_must_exist_and_be_given_as_such(tmp_path):
    (tmp_path / "a.txt").write_text("Fever.", encoding="utf-8")
    (tmp_path / "a.ann").write_text("T1\tSign 0 5\tFever\n", encoding="utf-8")
    for read in (read_brat_document, lambda txt, ann: list(read_n2c2(txt, ann))):
        with pytest.raises(DataFormatError, match="a_typo.ann: no such annotation file"):
            read(tmp_path / "a.txt", tmp_path / "a_typo.ann")
    with pytest.raises(DataFormatError, match=r"a.ann: this is a document's annotations; give its text, a.txt"):
        list(read_n2c2(tmp_path / "a.ann"))
    assert [m.text for m in read_brat_document(tmp_path / "a.txt").mentions] == ["Fever"]


@pytest.mark.parametrize("where", ["text", "type", "identifier"])
def test_a_lone_surrogate_is_refused_before_anything_is_written(tmp_path, where):
    text, etype, identifier = "Fever \ud800." if where == "text" else "Fever.", "Sign", "MESH:D1"
    if where == "type":
        etype = "Sign\udc80"
    if where == "identifier":
        identifier = "MESH:\udc80"
    document = Document("n1", text, [Mention(0, 5, etype, "Fever", identifier)])
    with pytest.raises(DataFormatError, match="lone surrogate"):
        write_brat([document], tmp_path / "brat")
    assert not (tmp_path / "brat").exists() or not list((tmp_path / "brat").iterdir())
    with pytest.raises(DataFormatError, match="lone surrogate"):
        write_pubtator([document], tmp_path / "out.pubtator")
    assert list(tmp_path.glob("*.pubtator*")) == []


@pytest.mark.parametrize("token", ["a\tb", "a b", "", "a\nb", "a\rb", "\ud800", "-DOCSTART-"])
def test_a_conll_file_holds_only_what_it_gives_back(tmp_path, token):
    with pytest.raises(DataFormatError, match=r"sentence 0, token 1: .* cannot be written to a CoNLL file and read back"):
        write_conll(tmp_path / "out.tsv", [["x", token]], [["O", "O"]])
    assert not (tmp_path / "out.tsv").exists()


def test_a_conll_file_refuses_an_empty_sentence(tmp_path):
    """An empty sentence would be a second blank line, read back as no sentence at all: the file
    would hold one sentence fewer and every later one would pair with the wrong input."""
    path = tmp_path / "out.tsv"
    with pytest.raises(DataFormatError, match=r"sentence 1 has no tokens: a CoNLL file cannot hold an empty sentence"):
        write_conll(path, [["a"], [], ["b"]], [["O"], [], ["B-X"]])
    assert not path.exists()
    with pytest.raises(DataFormatError, match=r"sentence 0 has no tokens"):
        write_conll(path, [[]])
    write_conll(path, [["a"], ["b"]], [["O"], ["B-X"]])
    assert read_conll(path) == ([["a"], ["b"]], [["O"], ["B-X"]])


def test_conll_tag_columns_must_fit_the_tokens(tmp_path):
    with pytest.raises(DataFormatError, match="sentence 0: tag column 1 has 1 tags for 2 tokens"):
        write_conll(tmp_path / "out.tsv", [["a", "b"]], [["O"]])
    with pytest.raises(DataFormatError, match="tag column 2 has 0 sentences for 1 token lists"):
        write_conll(tmp_path / "out.tsv", [["a"]], [["O"]], [])
    write_conll(tmp_path / "out.tsv", [["a\u00a0b", "c"]], [["B-X", "O"]])  # a no-break space is no column break
    assert read_conll(tmp_path / "out.tsv") == ([["a\u00a0b", "c"]], [["B-X", "O"]])


def test_an_upper_case_gz_name_is_read_through_gzip(tmp_path):
    record = {"id": "n1", "text": "Fever."}
    for name in ("A.JSONL.GZ", "B.PubTator.GZ"):
        with gzip.open(tmp_path / name, "wt", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n" if "JSONL" in name else "1|t|Fever.\n1|a|\n\n")
    assert [d.text for d in read_jsonl(tmp_path / "A.JSONL.GZ")] == ["Fever."]
    assert [d.id for d in read_documents(tmp_path / "A.JSONL.GZ")] == ["n1"]
    assert [d.id for d in read_pubtator(tmp_path / "B.PubTator.GZ")] == ["1"]


def test_csv_notes_read_directly_say_what_is_wrong(tmp_path):
    with pytest.raises(DataFormatError, match="absent.csv: no such file"):
        list(read_csv_documents(tmp_path / "absent.csv"))
    notes = tmp_path / "notes.csv"
    notes.write_text("id,text\n1,Fever.\n", encoding="utf-8")
    for encoding in ("bogus", "rot13"):
        with pytest.raises(CrfnerError, match=f"unknown text encoding '{encoding}'"):
            list(read_csv_documents(notes, encoding=encoding))
    with pytest.raises(DataFormatError, match="the delimiter must be one character, not 'ab'"):
        list(read_csv_documents(notes, delimiter="ab"))
    assert [d.text for d in read_csv_documents(notes)] == ["Fever."]


def test_what_json_or_a_file_name_cannot_hold_is_refused(tmp_path):
    from crfner import write_jsonl

    nan = Document("1", "Fever.", [Mention(0, 5, "Sign", "Fever", None, float("nan"))])
    with pytest.raises(DataFormatError, match="a score is not a finite number, which JSON cannot hold"):
        write_jsonl([nan], tmp_path / "out.jsonl")
    assert not (tmp_path / "out.jsonl").exists()
    with pytest.raises(DataFormatError, match="document id 1 is not a string"):
        write_brat([Document(1, "Fever.")], tmp_path / "brat")
    with pytest.raises(DataFormatError, match="document id 1 is not a string"):
        write_pubtator([Document(1, "Fever.")], tmp_path / "out.pubtator")


@pytest.mark.parametrize("offset", ["1_0", " 1", "\u0661"])  # int() takes each; an annotation file's offsets are ASCII digits
def test_offsets_are_ascii_digits(tmp_path, offset):
    pubtator = tmp_path / "a.pubtator"
    pubtator.write_text(f"1|t|Fever here and there.\n1|a|\n1\t{offset}\t15\tx\tSign\n\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="line 3: mention offsets .* are not whole numbers"):
        list(read_pubtator(pubtator))
    (tmp_path / "b.txt").write_text("Fever here and there.", encoding="utf-8")
    (tmp_path / "b.ann").write_text(f"T1\tSign {offset} 5\tFever\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="line 1: an entity line must read"):
        read_brat_document(tmp_path / "b.txt")

