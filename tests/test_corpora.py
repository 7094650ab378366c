"""The corpus registry, data-dir resolution, local loading and the hub fallback."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write

import crfner
from crfner import CorpusNotFoundError, DataFormatError, load_corpus
from crfner.corpora.hf_datasets import read_hf_split
from crfner.corpora.registry import DATA_DIR_ENV, DEFAULT_DATA_DIR, REGISTRY, describe, resolve_data_dir


def test_registry_names_local_folders_and_hub_ids():
    assert REGISTRY["bc5cdr"].folder == "BC5CDR-IOB" and REGISTRY["bc5cdr"].hub_id == "tner/bc5cdr"
    assert REGISTRY["ncbi_disease"].folder == "NCBI-disease-IOB" and REGISTRY["ncbi_disease"].hub_id == "ncbi_disease"


def test_data_dir_precedence(monkeypatch, tmp_path):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    assert resolve_data_dir() == DEFAULT_DATA_DIR == Path("../shared/data")
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "env"))
    assert resolve_data_dir() == tmp_path / "env"
    assert resolve_data_dir(tmp_path / "arg") == tmp_path / "arg"


@pytest.mark.parametrize(
    "name,split,sentences,tokens",
    # Counts from ../shared/data/README.md.
    [("bc5cdr", "test", 4797, 124_750), ("ncbi_disease", "train", 5424, 135_701), ("ncbi_disease", "devel", 923, 23_969)],
)
def test_loads_registered_corpora(data_dir, name, split, sentences, tokens):
    X, y = load_corpus(name, split, data_dir=data_dir)
    assert len(X) == sentences and sum(map(len, X)) == tokens
    assert {t for tags in y for t in tags} <= {"O"} | {f"{p}-{t}" for p in "BI" for t in REGISTRY[name].entity_types}


def test_env_var_finds_the_data(monkeypatch, data_dir):
    monkeypatch.setenv(DATA_DIR_ENV, str(data_dir))
    assert len(load_corpus("ncbi_disease", "test")[0]) == 940


def test_joined_splits_and_paths(data_dir):
    both = load_corpus("ncbi_disease", "devel+test", data_dir=data_dir)
    devel = load_corpus("ncbi_disease", "devel", data_dir=data_dir)
    test = load_corpus("ncbi_disease", "test", data_dir=data_dir)
    assert both[0] == devel[0] + test[0] and both[1] == devel[1] + test[1]
    folder = data_dir / "NCBI-disease-IOB"
    assert load_corpus(folder, "test") == test
    assert load_corpus(folder / "test.tsv") == test


def test_missing_and_unknown_splits(tmp_path, data_dir):
    (tmp_path / "BC5CDR-IOB").mkdir()
    write(tmp_path / "BC5CDR-IOB" / "train.tsv", "Aspirin\tB-Chemical\n")
    with pytest.raises(CorpusNotFoundError, match=r"BC5CDR-IOB/test.tsv: missing split 'test'"):
        load_corpus("bc5cdr", "test", data_dir=tmp_path)
    with pytest.raises(CorpusNotFoundError, match="has no split 'dev'; choose one of train, devel, test"):
        load_corpus("bc5cdr", "dev", data_dir=data_dir)
    with pytest.raises(CorpusNotFoundError, match=r"missing split 'devel' \(splits found: train\)"):
        load_corpus(tmp_path / "BC5CDR-IOB", "devel")
    with pytest.raises(CorpusNotFoundError, match="neither a known corpus"):
        load_corpus("bc6cdr", "train", data_dir=data_dir)


class FakeHub:
    """Stands in for datasets.load_dataset: returns a local Dataset, records what was asked."""

    def __init__(self, dataset):
        self.dataset, self.calls = dataset, []

    def __call__(self, hub_id, split):
        self.calls.append((hub_id, split))
        return self.dataset


def _dataset(tags, class_label: bool):
    import datasets

    tag_feature = datasets.ClassLabel(names=["O", "B-Disease", "I-Disease"]) if class_label else datasets.Value("int32")
    features = datasets.Features({"tokens": datasets.Sequence(datasets.Value("string")), "tags": datasets.Sequence(tag_feature)})
    return datasets.Dataset.from_dict({"tokens": [["Breast", "cancer", "risk"]], "tags": [tags]}, features=features)


def test_hub_fallback_maps_integer_tags_through_class_labels(monkeypatch, tmp_path):
    import datasets

    hub = FakeHub(_dataset([1, 2, 0], class_label=True))
    monkeypatch.setattr(datasets, "load_dataset", hub)
    X, y = load_corpus("ncbi_disease", "devel", data_dir=tmp_path)
    assert hub.calls == [("ncbi_disease", "validation")]
    assert (X, y) == ([["Breast", "cancer", "risk"]], [["B-Disease", "I-Disease", "O"]])


def test_hub_fallback_for_tner_uses_its_label_ids(monkeypatch, tmp_path):
    import datasets

    # tner/bc5cdr stores plain integers: O=0, B-Chemical=1, B-Disease=2, I-Disease=3, I-Chemical=4.
    hub = FakeHub(_dataset([2, 3, 0], class_label=False))
    monkeypatch.setattr(datasets, "load_dataset", hub)
    assert load_corpus("bc5cdr", "test", data_dir=tmp_path)[1] == [["B-Disease", "I-Disease", "O"]]
    assert hub.calls == [("tner/bc5cdr", "test")]


def test_unreachable_hub_is_a_clear_error(monkeypatch, tmp_path):
    import datasets

    def offline(*args, **kwargs):
        raise ConnectionError("Couldn't reach the hub\nlong traceback text")

    monkeypatch.setattr(datasets, "load_dataset", offline)
    with pytest.raises(CorpusNotFoundError) as error:
        load_corpus("bc5cdr", "train", data_dir=tmp_path)
    message = str(error.value)
    assert "no local copy at" in message and "'tner/bc5cdr'" in message and "Couldn't reach the hub" in message
    assert "\n" not in message


def test_hf_split_errors():
    dataset = _dataset([1, 2, 0], class_label=False)
    with pytest.raises(DataFormatError, match="integer tags but no label names"):
        read_hf_split(dataset, source="mine")
    with pytest.raises(DataFormatError, match="tag id 2 is outside the 2 label names"):
        read_hf_split(dataset, label_names=["O", "B-Disease"])
    with pytest.raises(DataFormatError, match="no column 'words'"):
        read_hf_split(dataset, tokens_column="words")
    with pytest.raises(DataFormatError, match="tag 'Q' fits no"):
        read_hf_split(dataset, label_names=["O", "Q", "O"])


def test_describe_says_where_each_corpus_was_found(data_dir, tmp_path):
    rows = {r["name"]: r for r in describe(data_dir)}
    assert str(data_dir / "BC5CDR-IOB") in rows["bc5cdr"]["found"] and "train, devel, test" in rows["bc5cdr"]["found"]
    assert describe(tmp_path)[0]["found"].startswith("hub: tner/bc5cdr")
    assert crfner.load_corpus is load_corpus


@pytest.mark.parametrize(("columns", "label_names", "message"), [
    ({"tokens": [["a"]], "tags": [[[0, 1]]]}, ["O", "B-X"], r"row 0: tag \[0, 1\] is neither a tag name nor a whole-number"),
    ({"tokens": [["a", "b"]], "tags": [[1.7, 0.0]]}, ["O", "B-X"], "row 0: tag 1.7 is neither"),  # read as B-X, O before
    ({"tokens": [["a"]], "tags": [[None]]}, ["O", "B-X"], "row 0: tag None is neither"),
    ({"tokens": ["abc"], "tags": [[0, 0, 0]]}, ["O", "B-X"], "row 0: 'tokens' must hold a list"),  # split into a, b, c
    ({"tokens": [["a"]], "tags": [[0]]}, "OBI", "label_names must be a list of tag names, not one string"),
])
def test_a_hf_split_that_is_no_list_of_tagged_tokens_is_named(columns, label_names, message):
    import datasets

    with pytest.raises(DataFormatError, match=message):
        read_hf_split(datasets.Dataset.from_dict(columns), label_names=label_names)


def test_label_names_that_contradict_the_splits_own_are_refused():
    with pytest.raises(DataFormatError, match="label_names .* differ from the split's own"):
        read_hf_split(_dataset([1, 2, 0], class_label=True), label_names=["O", "B-Chemical", "I-Chemical"])
    assert read_hf_split(_dataset([1, 2, 0], class_label=True), label_names=["O", "B-Disease", "I-Disease"])[1] == [
        ["B-Disease", "I-Disease", "O"]]
