"""The document of each sentence: aligned with PubTator files, from -DOCSTART- lines, and
from MedMentions' own documents."""

from __future__ import annotations

import time

import pytest
from conftest import write

from crfner import DataFormatError, load_corpus
from crfner.corpora.conll import read_conll_document_ids
from crfner.corpora.document_ids import align_sentences
from crfner.corpora.registry import load_document_ids


def _consecutive(ids: list[str]) -> bool:
    """Whether each id names a single run of sentences."""
    runs = [i for k, i in enumerate(ids) if k == 0 or ids[k - 1] != i]
    return len(runs) == len(set(runs))


@pytest.mark.parametrize(
    "name,split,documents,sentences",
    [("bc5cdr", "test", 500, 4797), ("ncbi_disease", "test", 100, 940), ("ncbi_disease", "devel", 100, 923)],
)
def test_real_corpora_align_with_their_pubtator_files(data_dir, name, split, documents, sentences):
    ids = load_document_ids(name, split, data_dir)
    X, _ = load_corpus(name, split, data_dir)
    assert len(ids) == len(X) == sentences
    assert len(set(ids)) == documents and all(i.isdigit() for i in ids)
    assert _consecutive(ids)


def test_ncbi_train_misses_one_document_and_aligning_is_fast(data_dir):
    ids = load_document_ids("ncbi_disease", "train", data_dir)
    assert len(ids) == 5424 and len(set(ids)) == 592 and _consecutive(ids)
    started = time.perf_counter()
    load_document_ids("bc5cdr", "test", data_dir)
    assert time.perf_counter() - started < 2


def test_the_first_bc5cdr_test_sentence_is_in_the_first_pmid_as_a_string(data_dir):
    ids = load_document_ids("bc5cdr", "test", data_dir)
    assert ids[0] == min(ids)


def test_align_finds_documents_in_any_order():
    documents = [("1", ["A", "b", ".", "C", "d", "."]), ("2", ["E", "f", "."])]
    sentences = [["E", "f", "."], ["A", "b", "."], ["C", "d", "."]]
    assert align_sentences(sentences, documents) == ["2", "1", "1"]


def test_align_skips_a_missing_document():
    documents = [("1", ["A", "."]), ("2", ["B", "."]), ("3", ["C", "c", "."])]
    assert align_sentences([["C", "c"], ["."], ["A", "."]], documents) == ["3", "3", "1"]


def test_align_prefers_the_document_agreeing_longest():
    documents = [("short", ["A", "b"]), ("long", ["A", "b", "c", "."])]
    assert align_sentences([["A", "b"], ["c", "."]], documents) == ["long", "long"]


def test_align_names_the_sentence_tokens_and_document_where_it_fails():
    documents = [("7", ["A", "b", ".", "C", "d", "."])]
    with pytest.raises(DataFormatError, match=r"sentence 1 does not continue document 7: at its token 1 it has 'x \.'"
                                              r" where document 7 \(token 4\) has 'd \.'"):
        align_sentences([["A", "b", "."], ["C", "x", "."]], documents)
    with pytest.raises(DataFormatError, match=r"sentence 1 \('Z \.'\) after document 7 ended begins none"):
        align_sentences([["A", "b", ".", "C", "d", "."], ["Z", "."]], documents)
    with pytest.raises(DataFormatError, match=r"sentence 0 \('Q'\) at the start begins none"):
        align_sentences([["Q"]], documents)
    with pytest.raises(DataFormatError, match=r"the sentences end inside document 7 \(after 3 of its 6 tokens"):
        align_sentences([["A", "b", "."]], documents)


def test_each_document_is_used_once():
    documents = [("1", ["A", "."]), ("2", ["A", "."])]
    assert align_sentences([["A", "."], ["A", "."]], documents) == ["1", "2"]
    with pytest.raises(DataFormatError, match="sentence 2"):
        align_sentences([["A", "."], ["A", "."], ["A", "."]], documents)


def test_conll_docstart_lines_number_the_documents(tmp_path):
    path = write(tmp_path / "a.conll", "Lead\tO\n\n-DOCSTART- -X- O O\n\nA\tO\n\nB\tO\n-DOCSTART-\nC\tO\n\n\n")
    assert read_conll_document_ids(path) == ["0", "1", "1", "2"]
    assert load_document_ids(path) == ["0", "1", "1", "2"]
    assert len(load_corpus(path)[0]) == 4


def test_conll_without_docstart_has_no_documents(tmp_path):
    path = write(tmp_path / "a.conll", "A\tO\n\nB\tO\n")
    assert load_document_ids(path) is None
    assert read_conll_document_ids(write(tmp_path / "b.conll", "A\tO\n\n-DOCSTART-\n")) is None


def test_joined_splits_concatenate_and_keep_documents_apart(tmp_path):
    write(tmp_path / "train.tsv", "-DOCSTART-\n\nA\tO\n\nB\tO\n")
    write(tmp_path / "devel.tsv", "-DOCSTART-\n\nC\tO\n")
    write(tmp_path / "test.tsv", "D\tO\n")
    assert load_document_ids(tmp_path, "train+devel") == ["train:1", "train:1", "devel:1"]
    assert load_document_ids(tmp_path, "train+test") is None


# Two abstracts as the BioCreative PubTator files lay them out, and the IOB sentences cut
# from them sorted by PMID as a string (so 20 before 3).
PUBTATOR = """\
3|t|Aspirin and asthma.
3|a|Asthma was induced.
3\t0\t7\tAspirin\tChemical\tD001241

20|t|Fever.
20|a|Fever fell.

"""
IOB = (
    "Fever\tO\n.\tO\n\nFever\tO\nfell\tO\n.\tO\n\n"
    "Aspirin\tB-Chemical\nand\tO\nasthma\tB-Disease\n.\tO\n\nAsthma\tB-Disease\nwas\tO\ninduced\tO\n.\tO\n"
)


@pytest.fixture()
def small_data_dir(tmp_path):
    (tmp_path / "BC5CDR-IOB").mkdir()
    (tmp_path / "pubtator").mkdir()
    write(tmp_path / "BC5CDR-IOB" / "test.tsv", IOB)
    write(tmp_path / "BC5CDR-IOB" / "devel.tsv", "Fever\tO\n.\tO\n\nFever\tO\nfell\tO\n.\tO\n")
    write(tmp_path / "pubtator" / "CDR_TestSet.PubTator.txt", PUBTATOR)
    write(tmp_path / "pubtator" / "CDR_DevelopmentSet.PubTator.txt", PUBTATOR)
    return tmp_path


def test_registered_corpus_aligns_with_a_small_pubtator_file(small_data_dir):
    assert load_document_ids("bc5cdr", "test", small_data_dir) == ["20", "20", "3", "3"]
    joined = load_document_ids("bc5cdr", "devel+test", small_data_dir)
    assert joined == ["devel:20", "devel:20", "test:20", "test:20", "test:3", "test:3"]


def test_without_the_pubtator_files_there_are_no_ids(small_data_dir, tmp_path_factory):
    (small_data_dir / "pubtator" / "CDR_TestSet.PubTator.txt").unlink()
    assert load_document_ids("bc5cdr", "test", small_data_dir) is None
    assert load_document_ids("bc5cdr", "devel+test", small_data_dir) is None
    assert load_document_ids("bc5cdr", "test", tmp_path_factory.mktemp("empty")) is None  # would come from the hub


def test_a_disagreeing_iob_file_names_both_files_and_the_line(small_data_dir):
    write(small_data_dir / "BC5CDR-IOB" / "test.tsv", IOB.replace("fell", "rose"))
    with pytest.raises(DataFormatError, match=r"BC5CDR-IOB/test\.tsv, line 4: sentence 1 does not continue document 20"
                                              r".*documents from .*CDR_TestSet\.PubTator\.txt"):
        load_document_ids("bc5cdr", "test", small_data_dir)


MEDMENTIONS = """\
1001|t|Aspirin reduces fever.
1001|a|Children with influenza were treated in hospital.
1001\t0\t7\tAspirin\tT103\tUMLS:C0004057

1002|t|Mouse liver.
1002|a|The liver cells of mice grew.

1003|t|Nothing here.
1003|a|Really nothing.

"""


def test_medmentions_gives_the_pmid_of_each_sentence(tmp_path):
    folder = tmp_path / "MedMentions"
    folder.mkdir()
    write(folder / "corpus_pubtator.txt", MEDMENTIONS)
    write(folder / "corpus_pubtator_pmids_trng.txt", "1002\n1001\n")
    write(folder / "corpus_pubtator_pmids_dev.txt", "1003\n")
    write(folder / "corpus_pubtator_pmids_test.txt", "9999\n")
    X, _ = load_corpus("medmentions", "train", tmp_path)
    ids = load_document_ids("medmentions", "train", tmp_path)
    assert ids == ["1001", "1001", "1002", "1002"] and len(X) == len(ids)
    assert load_document_ids("medmentions", "train+devel", tmp_path) == ids + ["1003", "1003"]
