"""MedMentions ST21pv: PubTator documents and PMID lists -> IOB2 sentences, on samples written here."""

from __future__ import annotations

import gzip
import urllib.request
from collections import Counter

import pytest

import crfner
from crfner.corpora import medmentions
from crfner.corpora.medmentions import documents_to_iob, read_pmids, st21pv_type
from crfner.corpora.pubtator import read_pubtator
from crfner.errors import CorpusNotFoundError, DataFormatError

# Two abstracts in the release's layout: offsets over title + " " + abstract, the type column
# holding UMLS semantic type ids, the last column the concept.
SAMPLE = """\
1001|t|Aspirin reduces fever.
1001|a|Children with influenza were treated in hospital.
1001\t0\t7\tAspirin\tT103\tUMLS:C0004057
1001\t16\t21\tfever\tT033\tUMLS:C0015967
1001\t37\t46\tinfluenza\tT047,T033\tUMLS:C0021400
1001\t23\t31\tChildren\tT098\tUMLS:C0008059
1001\t63\t71\thospital\tT092,T073\tUMLS:C0019994

1002|t|Mouse liver.
1002|a|The liver cells of mice grew.
1002\t0\t5\tMouse\tT204\tUMLS:C0025914
1002\t6\t11\tliver\tT017\tUMLS:C0023884
1002\t17\t28\tliver cells\tT017\tUMLS:C0227525
1002\t17\t22\tliver\tT017\tUMLS:C0023884

"""


@pytest.fixture()
def data_dir(tmp_path):
    folder = tmp_path / "MedMentions"
    folder.mkdir()
    (folder / "corpus_pubtator.txt").write_text(SAMPLE, encoding="utf-8")
    (folder / "corpus_pubtator_pmids_trng.txt").write_text("1001\n", encoding="utf-8")
    (folder / "corpus_pubtator_pmids_dev.txt").write_text("1002\n", encoding="utf-8")
    (folder / "corpus_pubtator_pmids_test.txt").write_text("9999\n", encoding="utf-8")
    return tmp_path


def test_types_map_to_st21pv():
    assert st21pv_type("T103") == "T103"
    assert st21pv_type("T047,T033") == "T033"  # T047 is not one of the 21
    assert st21pv_type("T047") is None


def test_train_split_as_iob(data_dir):
    X, y = crfner.load_corpus("medmentions", "train", data_dir=data_dir)
    assert X[0] == ["Aspirin", "reduces", "fever", "."]
    assert y[0] == ["B-T103", "O", "B-T033", "O"]
    assert X[1] == ["Children", "with", "influenza", "were", "treated", "in", "hospital", "."]
    assert y[1] == ["B-T098", "O", "B-T033", "O", "O", "O", "B-T092", "O"]


def test_nested_mentions_keep_the_first(data_dir):
    stats = Counter()
    docs = [d for d in read_pubtator(data_dir / "MedMentions" / "corpus_pubtator.txt") if d.id == "1002"]
    X, y = documents_to_iob(docs, stats)
    assert X[1] == ["The", "liver", "cells", "of", "mice", "grew", "."]
    assert y[1] == ["O", "B-T017", "I-T017", "O", "O", "O", "O"]
    assert stats["overlapping"] == 1 and stats["mentions"] == 3


def test_gzip_release_file_and_missing_split(data_dir):
    folder = data_dir / "MedMentions"
    text = (folder / "corpus_pubtator.txt").read_bytes()
    (folder / "corpus_pubtator.txt").unlink()
    with gzip.open(folder / "corpus_pubtator.txt.gz", "wb") as handle:
        handle.write(text)
    assert crfner.load_corpus("medmentions", "devel", data_dir=data_dir)[1][0] == ["B-T204", "B-T017", "O"]
    with pytest.raises(CorpusNotFoundError, match="none of the 1 test PMIDs"):
        crfner.load_corpus("medmentions", "test", data_dir=data_dir)


def test_bad_pmid_list_names_file_and_line(data_dir):
    path = data_dir / "MedMentions" / "corpus_pubtator_pmids_trng.txt"
    path.write_text("1001\nPMID-7\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"corpus_pubtator_pmids_trng\.txt, line 2: expected a PMID"):
        read_pmids(path)


def test_a_listed_pmid_the_corpus_lacks_is_an_error_naming_the_list(data_dir):
    """A PMID of a split list missing from the corpus file was skipped, so the split was silently
    smaller than the release's; the list file, its line and the PMID are now named."""
    folder = data_dir / "MedMentions"
    path = folder / "corpus_pubtator_pmids_trng.txt"
    path.write_text("1001\n\n5555\n6666\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"PMID 5555 is not in .*corpus_pubtator\.txt \(2 of the 3 listed PMIDs are not\)") as error:
        crfner.load_corpus("medmentions", "train", data_dir=data_dir)
    assert error.value.path == str(path) and error.value.line == 3
    assert str(error.value).startswith(f"{path}, line 3: ")
    with pytest.raises(DataFormatError, match=r"trng\.txt, line 3: PMID 5555 is not in .*corpus_pubtator\.txt \(2 of"):
        crfner.load_document_ids("medmentions", "train", data_dir=data_dir)
    path.write_text("1001\n", encoding="utf-8")
    assert crfner.load_document_ids("medmentions", "train", data_dir=data_dir) == ["1001", "1001"]


def test_without_a_local_copy_it_downloads_or_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("CRFNER_CACHE", str(tmp_path / "cache"))
    asked = []

    def offline(url, timeout=None):
        asked.append(url)
        raise OSError("network unreachable")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(CorpusNotFoundError, match="could not be downloaded"):
        crfner.load_corpus("medmentions", "train", data_dir=tmp_path / "empty")
    assert asked == ["https://github.com/chanzuckerberg/MedMentions/raw/master/st21pv/data/corpus_pubtator.txt.gz"]
    assert not any((tmp_path / "cache").rglob("*.part"))


def test_a_partial_local_copy_says_what_it_lacks(data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("CRFNER_CACHE", str(tmp_path / "cache"))
    asked = []

    def offline(url, timeout=None):
        asked.append(url)
        raise OSError("network unreachable")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    (data_dir / "MedMentions" / "corpus_pubtator_pmids_test.txt").unlink()
    with pytest.raises(CorpusNotFoundError, match=r"MedMentions lacks corpus_pubtator_pmids_test\.txt\), and https://"):
        crfner.load_corpus("medmentions", "test", data_dir=data_dir)
    # a split needs only its own list: one who holds the corpus and the training list can train
    asked.clear()
    X, _ = crfner.load_corpus("medmentions", "train", data_dir=data_dir)
    assert X and asked == []  # nothing was fetched
    with pytest.raises(CorpusNotFoundError, match=r"no local copy in .*MedMentions \(.*lacks corpus_pubtator_pmids_test"):
        medmentions.split_documents("test", data_dir, download=False)
