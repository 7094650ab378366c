"""PubTator, BRAT and JSON Lines documents: round trips, real files, and malformed input."""

from __future__ import annotations

from dataclasses import replace

import json

import pytest
from conftest import write

from crfner.corpora.brat import read_brat, read_brat_document, write_brat
from crfner.corpora.documents import Document, Mention, concept_ids
from crfner.corpora.jsonl import read_jsonl, write_jsonl
from crfner.corpora.pubtator import read_pubtator, write_pubtator
from crfner.errors import DataFormatError

TITLE = "Famotidine-associated delirium."
ABSTRACT = "Famotidine is a histamine H2-receptor antagonist. Delirium was seen in six cases."
TEXT = f"{TITLE} {ABSTRACT}"
PUBTATOR = f"""8701013|t|{TITLE}
8701013|a|{ABSTRACT}
8701013\t0\t10\tFamotidine\tChemical\tD015738
8701013\t22\t30\tdelirium\tDisease\tD003693
8701013\t32\t42\tFamotidine\tChemical\tD015738
8701013\t82\t90\tDelirium\tDisease\tD003693|D000001\tDelirium|x
8701013\tCID\tD015738\tD003693

439781|t|Indomethacin induced hypotension.
439781|a|
439781\t0\t12\tIndomethacin\tChemical
"""


def sample_documents() -> list[Document]:
    return [
        Document(
            "8701013",
            TEXT,
            [
                Mention(0, 10, "Chemical", "Famotidine", "D015738"),
                Mention(22, 30, "Disease", "delirium", "D003693"),
                Mention(32, 42, "Chemical", "Famotidine", "D015738"),
                Mention(82, 90, "Disease", "Delirium", "D003693|D000001"),
            ],
            [(0, len(TITLE)), (len(TITLE) + 1, len(TEXT))],
        ),
        Document("439781", "Indomethacin induced hypotension.", [Mention(0, 12, "Chemical", "Indomethacin")], [(0, 33)]),
    ]


# -- PubTator ---------------------------------------------------------------------------------
def test_pubtator_reads_title_abstract_mentions(tmp_path):
    documents = list(read_pubtator(write(tmp_path / "a.txt", PUBTATOR)))
    assert documents == sample_documents()


def test_pubtator_round_trip(tmp_path):
    path = tmp_path / "out" / "docs.txt"
    write_pubtator(sample_documents(), path)
    assert list(read_pubtator(path)) == sample_documents()
    assert "CID" not in path.read_text()  # relations are not kept


def test_pubtator_writes_any_document(tmp_path):
    text = "Aspirin helps.\nIt\tcan cause ulcers.\r\n"
    ulcers = text.index("ulcers")
    document = Document("n1", text, [Mention(0, 7, "Chemical", "Aspirin", None, 0.9), Mention(ulcers, ulcers + 6, "Disease", "ulcers")])
    path = tmp_path / "any.txt"
    write_pubtator([document], path)
    (back,) = read_pubtator(path)
    assert back.text == "Aspirin helps. It can cause ulcers.  "  # line breaks and tabs become spaces
    assert back.passages == [(0, 14), (15, len(text))]
    assert [(m.start, m.end, m.type, m.text, m.identifier, m.score) for m in back.mentions] == [
        (0, 7, "Chemical", "Aspirin", None, None), (ulcers, ulcers + 6, "Disease", "ulcers", None, None)
    ]


@pytest.mark.parametrize("text, passages", [
    ("Aspirin helps.", None), ("Aspirin", [(0, 7)]), ("", None), ("Aspirin helps. ", None), ("Aspirin helps. ", [(0, 14), (15, 15)]),
])
def test_pubtator_one_passage_text_comes_back_as_it_was(tmp_path, text, passages):
    """A one-passage text is written whole as the title with an empty '|a|' line, and an empty
    abstract adds no space after the title: the text comes back without a trailing space."""
    path = tmp_path / "one.txt"
    write_pubtator([Document("1", text, [Mention(0, 7, "Chemical", "Aspirin")] if text else [], passages)], path)
    assert path.read_text(encoding="utf-8").startswith(f"1|t|{text}\n1|a|\n")
    (back,) = read_pubtator(path)
    assert back.text == text and back.passages == [(0, len(text))]
    assert [(m.start, m.end, m.text) for m in back.mentions] == ([(0, 7, "Aspirin")] if text else [])


def test_pubtator_write_is_atomic(tmp_path):
    path = write(tmp_path / "keep.txt", "old content\n")
    bad = Document("1", "aspirin", [Mention(0, 3, "Chemical", "xyz")])
    with pytest.raises(DataFormatError, match="differs"):
        write_pubtator(sample_documents() + [bad], path)
    assert path.read_text() == "old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
    with pytest.raises(DataFormatError, match="PMID"):
        write_pubtator([Document("a|b", "x", [])], tmp_path / "x.txt")


MALFORMED = {
    "mention text differs": ("1|t|Aspirin.\n1|a|Ulcers.\n1\t0\t7\tAspirin\tChemical\n1\t9\t15\tulcers\tDisease\n", 4, "differs"),
    "offset not a number": ("1|t|Aspirin.\n1|a|Ulcers.\n1\t0\tseven\tAspirin\tChemical\n", 3, "not whole numbers$"),
    # a whole number int() will not read (more than 4,300 digits) was called "not whole numbers (or far too large)"
    "offset of 5,000 digits": (f"1|t|Aspirin.\n1|a|Ulcers.\n1\t0\t{'9' * 5000}\tAspirin\tChemical\n", 3,
                               r"'9999.* \(5000 characters\) are far too large for any text$"),
    "offset past the text": ("1|t|Aspirin.\n1|a|Ulcers.\n1\t9\t99\tUlcers\tDisease\n", 3, "outside"),
    "empty span": ("1|t|Aspirin.\n1|a|Ulcers.\n1\t5\t5\t\tDisease\n", 3, "outside"),
    "unknown PMID": ("1|t|Aspirin.\n1|a|Ulcers.\n2\t0\t7\tAspirin\tChemical\n", 3, "PMID '2'"),
    "missing abstract": ("1|t|Aspirin.\n\n2|t|B\n2|a|C\n", 1, "no '|a|'"),
    "missing abstract at the end": ("2|t|B\n2|a|C\n\n1|t|Aspirin.\n", 4, "no '|a|'"),
    "mention before abstract": ("1|t|Aspirin.\n1\t0\t7\tAspirin\tChemical\n1|a|x\n", 2, "before its '|a|'"),
    "abstract of another document": ("1|t|Aspirin.\n2|a|Ulcers.\n", 2, "no title line"),
    "second title": ("1|t|Aspirin.\n1|t|Again.\n", 2, "second title"),
    "too few columns": ("1|t|Aspirin.\n1|a|x\n1\t0\t7\tAspirin\n", 3, "columns"),
    "not a PubTator line": ("1|t|Aspirin.\n1|a|x\nsome stray text\n", 3, "neither"),
    "no PMID": ("|t|Aspirin.\n", 1, "no PMID"),
    "PMID twice": ("1|t|A.\n1|a|x\n\n2|t|B.\n2|a|y\n\n1|t|A.\n1|a|x\n", 7, "document 1 appears twice .first on line 1."),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_pubtator_malformed_input_names_file_and_line(tmp_path, case):
    content, line, message = MALFORMED[case]
    path = write(tmp_path / "bad.txt", content)
    with pytest.raises(DataFormatError, match=message) as caught:
        list(read_pubtator(path))
    assert caught.value.path == str(path) and caught.value.line == line
    assert f"bad.txt, line {line}:" in str(caught.value)


def test_pubtator_not_utf8_and_missing_file(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("1|t|Aspirin.\n1|a|caf\u00e9\n".encode("latin-1"))
    with pytest.raises(DataFormatError, match="UTF-8") as caught:
        list(read_pubtator(path))
    assert caught.value.line == 2
    with pytest.raises(DataFormatError, match="no such file"):
        list(read_pubtator(tmp_path / "absent.txt"))


def test_pubtator_check_text_off_keeps_the_document_text(tmp_path):
    path = write(tmp_path / "q.txt", '1|t|Seizures " plus ".\n1|a|x\n1\t0\t17\tSeizures   plus  \tDisease\n')
    (document,) = read_pubtator(path, check_text=False)
    assert document.mentions[0].text == 'Seizures " plus "'


def test_pubtator_streams(tmp_path):
    path = write(tmp_path / "s.txt", "1|t|A.\n1|a|B\n\n2|t|C.\n2|a|D\n2\t0\t99\tbad\tX\n")
    documents = read_pubtator(path)
    assert next(documents).id == "1"  # the first document comes before the bad line is read
    with pytest.raises(DataFormatError):
        next(documents)


def test_real_cdr_test_set(data_dir):
    documents = list(read_pubtator(data_dir / "pubtator" / "CDR_TestSet.PubTator.txt"))
    assert len(documents) == 500
    assert sum(len(d.mentions) for d in documents) == 9809
    for d in documents:
        assert all(d.text[m.start : m.end] == m.text for m in d.mentions)
        (a, b), (c, e) = d.passages
        assert a == 0 and c == b + 1 and e == len(d.text)
    assert {m.type for d in documents for m in d.mentions} == {"Chemical", "Disease"}


# -- BRAT -------------------------------------------------------------------------------------
def test_brat_round_trip(tmp_path):
    text = "Aspirin and\r\nibuprofen cause\nulcers. \U0001f600 Caf\u00e9 lung cancer."
    lung = text.index("lung")
    documents = [
        Document("doc-1", text, [
            Mention(0, 7, "Chemical", "Aspirin", "D001241", 0.91),
            Mention(8, 22, "Chemical", text[8:22]),  # crosses a "\r\n"
            Mention(29, 35, "Disease", "ulcers"),
            Mention(lung, lung + 11, "Disease", "lung cancer", "D008175"),
        ]),
        Document("doc.2", "", []),
    ]
    write_brat(documents, tmp_path / "brat")
    assert (tmp_path / "brat" / "doc-1.txt").read_bytes() == text.encode("utf-8")
    ann = (tmp_path / "brat" / "doc-1.ann").read_text()
    assert "T2\tChemical 8 11;13 22\tand ibuprofen\n" in ann
    assert list(read_brat(tmp_path / "brat")) == documents


@pytest.mark.parametrize("start, end, back", [(0, 8, "0-7"), (0, 9, "0-7"), (7, 12, "9-12"), (13, 17, "13-16"), (9, 17, "9-16")])
def test_brat_refuses_a_mention_on_a_line_break_at_its_edge(tmp_path, start, end, back):
    """BRAT's fragments stop short of line breaks and tabs: a mention that starts or ends on one
    would read back shorter, so it is refused with the offsets it would come back as."""
    text = "Aspirin\r\nand ibu\tprofen"
    document = Document("d", text, [Mention(start, end, "Chemical", text[start:end])])
    with pytest.raises(DataFormatError, match=f"document d: mention {start}-{end} .* starts or ends on a line break "
                                              f"or tab, which BRAT cannot record .it would read back as {back}.") as caught:
        write_brat([document], tmp_path / "out")
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    inside = Document("d", text, [Mention(0, 12, "Chemical", text[0:12])])  # crossing is fine: it reads back whole
    write_brat([inside], tmp_path / "ok")
    assert list(read_brat(tmp_path / "ok")) == [inside]


def test_brat_discontinuous_entities_read_as_outer_extent(tmp_path):
    write(tmp_path / "d.txt", "breast and ovarian cancer")
    write(tmp_path / "d.ann", "T1\tDisease 0 6;19 25\tbreast cancer\nT2\tDisease 11 25\tovarian cancer\nR1\tRel Arg1:T1 Arg2:T2\n"
          "A1\tNegated T1\n#1\tAnnotatorNotes T2\tsome note\n")
    (document,) = read_brat(tmp_path)
    assert document.mentions == [Mention(0, 25, "Disease", "breast and ovarian cancer"), Mention(11, 25, "Disease", "ovarian cancer")]


def test_several_normalisations_of_one_entity_are_its_concepts(tmp_path):
    write(tmp_path / "d.txt", "breast cancer")
    write(tmp_path / "d.ann", "T1\tDisease 0 13\tbreast cancer\nN1\tReference T1 MESH:D001943\tBreast Neoplasms\n"
          "N2\tReference T1 OMIM:114480\tbreast cancer\nN3\tReference T1 MESH:D001943\tagain\n"
          "N4\tReference T1 D001943\tthe same id spelled bare\n")
    (document,) = read_brat(tmp_path)
    assert document.mentions[0].identifier == "MESH:D001943|OMIM:114480"
    assert concept_ids(document.mentions[0].identifier) == ["MESH:D001943", "OMIM:114480"]
    write_brat([document], tmp_path / "out")  # and reads back the same from the one line written
    assert list(read_brat(tmp_path / "out")) == [document]


def test_brat_text_without_annotations(tmp_path):
    write(tmp_path / "only.txt", "Aspirin.")
    assert read_brat_document(tmp_path / "only.txt") == Document("only", "Aspirin.", [], None)


BRAT_MALFORMED = {
    "bad entity line": ("T1\tDisease zero 6\tbreast\n", 1, "entity line"),
    "offsets past the text": ("T1\tDisease 0 6\tbreast\nT2\tDisease 10 99\tx\n", 2, "outside"),
    "text differs": ("T1\tDisease 0 6\tBreast\n", 1, "differs"),
    "fragment text differs": ("T1\tDisease 0 6;19 25\tbreast\n", 1, "differs"),
    "unknown line": ("X1\tsomething\n", 1, "not a BRAT"),
    "id used twice": ("T1\tDisease 0 6\tbreast\nT1\tDisease 0 6\tbreast\n", 2, "twice"),
    "bad normalisation": ("T1\tDisease 0 6\tbreast\nN1\tRef T1\n", 2, "normalisation"),
    "undefined entity": ("T1\tDisease 0 6\tbreast\nN1\tReference T9 MESH:D1\tx\n", 2, "T9"),
}


@pytest.mark.parametrize("case", sorted(BRAT_MALFORMED))
def test_brat_malformed_input_names_file_and_line(tmp_path, case):
    content, line, message = BRAT_MALFORMED[case]
    write(tmp_path / "d.txt", "breast and ovarian cancer")
    ann = write(tmp_path / "d.ann", content)
    with pytest.raises(DataFormatError, match=message) as caught:
        list(read_brat(tmp_path))
    assert caught.value.path == str(ann) and caught.value.line == line


def test_pubtator_duplicates_allowed_only_on_request(tmp_path):
    path = write(tmp_path / "dup.txt", "1|t|A.\n1|a|x\n\n1|t|A.\n1|a|x\n")
    assert [d.id for d in read_pubtator(path, allow_duplicate_ids=True)] == ["1", "1"]


@pytest.mark.parametrize("name", ["a\tb", "a\nb", "a\rb", "a\x00b", "a\u2028b", "a/b"])
def test_brat_refuses_ids_that_cannot_be_file_names(tmp_path, name):
    with pytest.raises(DataFormatError, match="cannot be a file name") as caught:
        write_brat([Document(name, "x", [])], tmp_path / "out")
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_brat_refuses_two_documents_with_one_id(tmp_path):
    documents = [Document("d1", "first", []), Document("d2", "x", []), Document("d1", "second", [])]
    with pytest.raises(DataFormatError, match="document id 'd1' appears twice"):
        write_brat(documents, tmp_path / "out")
    assert (tmp_path / "out" / "d1.txt").read_text() == "first"  # not overwritten


def test_brat_folder_problems(tmp_path):
    with pytest.raises(DataFormatError, match="no such folder"):
        list(read_brat(tmp_path / "absent"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataFormatError, match="no .txt documents in this folder"):
        list(read_brat(tmp_path / "empty"))
    (tmp_path / "empty" / "train").mkdir()  # a release's parent folder: not an empty corpus
    with pytest.raises(DataFormatError, match=r"holds no documents, only the split folders train: give one of them"):
        list(read_brat(tmp_path / "empty"))
    write(tmp_path / "lonely.ann", "T1\tX 0 1\ta\n")
    with pytest.raises(DataFormatError, match="lonely.txt"):
        list(read_brat(tmp_path))
    with pytest.raises(DataFormatError, match="file name"):
        write_brat([Document("../up", "x", [])], tmp_path / "out")
    with pytest.raises(DataFormatError, match="whitespace"):
        write_brat([Document("a", "xy", [Mention(0, 1, "Two words", "x")])], tmp_path / "out")


# -- JSON Lines -------------------------------------------------------------------------------
def test_jsonl_round_trip(tmp_path):
    documents = sample_documents() + [
        Document("e", "\U0001f600 aspirin \u2028 x", [Mention(2, 9, "Chemical", "aspirin", None, 0.75)]),
        Document("s", "lone \ud800 surrogate", []),
    ]
    path = tmp_path / "docs.jsonl"
    write_jsonl(documents, path)
    assert len(path.read_bytes().split(b"\n")) == len(documents) + 1
    assert list(read_jsonl(path)) == documents


def test_jsonl_reads_minimal_records(tmp_path):
    path = write(tmp_path / "m.jsonl", '{"id": 7, "text": "aspirin"}\n\n{"id": "b", "text": "x y", "entities": '
                 '[{"start": 2, "end": 3, "type": "T"}]}\n')
    assert list(read_jsonl(path)) == [Document("7", "aspirin", []), Document("b", "x y", [Mention(2, 3, "T", "y")])]


def test_jsonl_writes_concepts_and_reads_the_earlier_identifier_key(tmp_path):
    linked = Document("c", "aspirin and heart attack", [
        Mention(0, 7, "Chemical", "aspirin", "MESH:D001241", 0.9, 1.0),
        Mention(8, 11, "Chemical", "and", None, 0.4),  # not linked: neither key
        Mention(12, 24, "Disease", "heart attack", "MESH:D009203|MESH:D006331", None, 0.5),
    ])
    path = tmp_path / "linked.jsonl"
    write_jsonl([linked], path)
    entities = json.loads(path.read_text(encoding="utf-8"))["entities"]
    assert entities[0] == {"start": 0, "end": 7, "type": "Chemical", "text": "aspirin", "score": 0.9, "concept": "MESH:D001241",
                           "concept_score": 1.0}
    assert [e.get("concept") for e in entities] == ["MESH:D001241", None, "MESH:D009203|MESH:D006331"]
    assert not any("identifier" in e for e in entities) and "concept_score" not in entities[1]
    assert list(read_jsonl(path)) == [linked]
    earlier = write(tmp_path / "earlier.jsonl", '{"id": "a", "text": "aspirin", "entities": '
                    '[{"start": 0, "end": 7, "type": "Chemical", "identifier": "D001241"}]}\n')
    assert [m.identifier for m in next(read_jsonl(earlier)).mentions] == ["D001241"]
    both = write(tmp_path / "both.jsonl", '{"id": "a", "text": "aspirin", "entities": '
                 '[{"start": 0, "end": 7, "type": "T", "identifier": "D1", "concept": "D1"}]}\n')
    assert next(read_jsonl(both)).mentions[0].identifier == "D1"


def test_pubtator_carries_linked_ids_and_brat_their_scores_too(tmp_path):
    text = "Aspirin and heart attack. Nothing else."
    linked = Document("9", text, [Mention(0, 7, "Chemical", "Aspirin", "MESH:D001241", 0.9, 1.0),
                                  Mention(12, 24, "Disease", "heart attack", "MESH:D009203|MESH:D006331", 0.8, 0.5),
                                  Mention(26, 33, "Disease", "Nothing", None, None, 0.25)], [(0, 25), (26, 39)])
    write_pubtator([linked], tmp_path / "linked.txt")
    assert "9\t12\t24\theart attack\tDisease\tMESH:D009203|MESH:D006331\n" in (tmp_path / "linked.txt").read_text()
    write_brat([linked], tmp_path / "brat")
    ann = (tmp_path / "brat" / "9.ann").read_text()
    assert "N2\tReference T2 MESH:D009203|MESH:D006331\t" in ann
    assert "#2\tAnnotatorNotes T2\tscore=0.8 concept_score=0.5\n" in ann and "#3\tAnnotatorNotes T3\tconcept_score=0.25\n" in ann
    (from_pubtator,), (from_brat,) = read_pubtator(tmp_path / "linked.txt"), read_brat(tmp_path / "brat")
    assert [(m.identifier, m.link_score) for m in from_pubtator.mentions] == [("MESH:D001241", None), ("MESH:D009203|MESH:D006331", None),
                                                                             (None, None)]
    assert from_brat == replace(linked, passages=None)  # BRAT keeps no passages
    # a note that only looks like crfner's (or is any other note) is a note: no score read from it
    write(tmp_path / "n.txt", "Aspirin")
    for note in ("score=high", "score=0.5 extra", "concept_score=", "a score=0.5"):
        write(tmp_path / "n.ann", f"T1\tChemical 0 7\tAspirin\n#1\tAnnotatorNotes T1\t{note}\n")
        assert read_brat_document(tmp_path / "n.txt").mentions == [Mention(0, 7, "Chemical", "Aspirin")], note


JSONL_MALFORMED = {
    "bad concept": ('{"id": "a", "text": "xy", "entities": [{"start": 0, "end": 1, "type": "T", "concept": 5}]}\n', 1, "concept must"),
    "bad concept score": ('{"id": "a", "text": "xy", "entities": [{"start": 0, "end": 1, "type": "T", "concept_score": true}]}\n', 1,
                          "concept_score must be a number"),
    "concept and identifier differ": (('{"id": "a", "text": "xy", "entities": [{"start": 0, "end": 1, "type": "T", "concept": "D1", '
                                       '"identifier": "D2"}]}\n'), 1, "differ"),
    "not JSON": ('{"id": "a", "text": "x"}\n{"id": "b", "text": \n', 2, "not valid JSON"),
    "not an object": ("[1, 2]\n", 1, "object"),
    "no id": ('{"text": "x"}\n', 1, "id"),
    "no text": ('{"id": "a"}\n', 1, "text"),
    "entities not a list": ('{"id": "a", "text": "x", "entities": {}}\n', 1, "list"),
    "entity without type": ('{"id": "a", "text": "xy", "entities": [{"start": 0, "end": 1}]}\n', 1, "no type"),
    "offsets past the text": ('{"id": "a", "text": "xy", "entities": [{"start": 0, "end": 5, "type": "T"}]}\n', 1, "outside"),
    "offsets not numbers": ('{"id": "a", "text": "xy", "entities": [{"start": "0", "end": 1, "type": "T"}]}\n', 1, "whole"),
    "text differs": ('{"id": "a", "text": "xy", "entities": [{"start": 0, "end": 1, "type": "T", "text": "y"}]}\n', 1, "differs"),
    "bad score": ('{"id": "a", "text": "xy", "entities": [{"start": 0, "end": 1, "type": "T", "score": "high"}]}\n', 1, "score"),
    "bad passages": ('{"id": "a", "text": "xy", "passages": [[0, 9]]}\n', 1, "passages"),
    "id twice": ('{"id": "a", "text": "x"}\n\n{"id": "b", "text": "y"}\n{"id": "a", "text": "z"}\n', 4,
                 "document id 'a' appears twice .first on line 1."),
    "id twice as number and string": ('{"id": 7, "text": "x"}\n{"id": "7", "text": "y"}\n', 2, "'7' appears twice"),
}


@pytest.mark.parametrize("case", sorted(JSONL_MALFORMED))
def test_jsonl_malformed_input_names_file_and_line(tmp_path, case):
    content, line, message = JSONL_MALFORMED[case]
    path = write(tmp_path / "bad.jsonl", content)
    with pytest.raises(DataFormatError, match=message) as caught:
        list(read_jsonl(path))
    assert caught.value.path == str(path) and caught.value.line == line


def test_jsonl_write_is_atomic(tmp_path):
    path = write(tmp_path / "keep.jsonl", "old\n")
    with pytest.raises(DataFormatError):
        write_jsonl([Document("a", "xy", [Mention(0, 1, "T", "y")])], path)
    assert path.read_text() == "old\n"
