"""Distributional word clusters: normalisation, features, the TSV file, and learning."""

from __future__ import annotations

import hashlib
import itertools
import random

import pytest

from crfner.errors import CrfnerError, DataFormatError
from crfner.featurize.clusters import ClusterTable, cluster_labels, learn_clusters, normalise_word, word_vectors

DRUGS = ["aspirin", "cocaine", "haloperidol", "lithium", "heparin", "cisplatin", "morphine", "warfarin"]
DISEASES = ["hypertension", "seizures", "nephrotoxicity", "anemia", "hepatitis", "asthma", "stroke", "migraine"]
TEMPLATES = [
    "patients treated with {drug} developed {disease} .",
    "{drug} induced {disease} in rats .",
    "the {disease} was caused by {drug} .",
    "{drug} therapy reduced the risk of {disease} .",
    "a case of {disease} after {drug} overdose .",
    "we report {disease} associated with {drug} use .",
]


def synthetic_corpus(n: int = 400, seed: int = 1) -> list[list[str]]:
    """Sentences in which drug names and disease names fill different template slots."""
    rng = random.Random(seed)
    return [
        rng.choice(TEMPLATES).format(drug=rng.choice(DRUGS), disease=rng.choice(DISEASES)).split()
        for _ in range(n)
    ]


@pytest.fixture(scope="module")
def synthetic_table() -> ClusterTable:
    return learn_clusters(synthetic_corpus(), granularities=(4, 16), dims=10, seed=0)


@pytest.fixture
def table() -> ClusterTable:
    return ClusterTable((2, 8), {"aspirin": (0, 5), "il-0": (1, 7), "café": (1, 0)})


@pytest.mark.parametrize(
    "word, expected",
    [("Aspirin", "aspirin"), ("IL-6", "il-0"), ("COVID-19", "covid-00"), ("3.5", "0.0"), ("", ""), ("CAFÉ", "café")],
)
def test_normalise_word(word, expected):
    assert normalise_word(word) == expected


def test_features_of_known_and_unknown_words(table):
    assert table.features("aspirin") == [("clu2", "0"), ("clu8", "5")]
    assert table.features("IL-2") == [("clu2", "1"), ("clu8", "7")]  # looked up by normalised form
    assert table.features("ibuprofen") == []
    assert len(table) == 3


def test_table_rejects_ids_outside_the_granularities():
    with pytest.raises(CrfnerError, match="do not fit"):
        ClusterTable((2, 8), {"aspirin": (2, 5)})
    with pytest.raises(CrfnerError, match="do not fit"):
        ClusterTable((2, 8), {"aspirin": (0,)})


def test_save_load_round_trip(tmp_path, table):
    path = tmp_path / "clusters.tsv"
    table.save(path)
    loaded = ClusterTable.load(path)
    assert loaded == table
    assert loaded.sha256() == table.sha256()
    assert table.sha256() == hashlib.sha256(path.read_bytes()).hexdigest()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "word\t2\t8"
    assert lines[1:] == ["aspirin\t0\t5", "café\t1\t0", "il-0\t1\t7"]


def test_sha256_depends_on_content_not_insertion_order(table):
    reordered = ClusterTable(table.granularities, dict(reversed(list(table.table.items()))))
    changed = ClusterTable(table.granularities, {**table.table, "aspirin": (1, 5)})
    assert reordered.sha256() == table.sha256()
    assert changed.sha256() != table.sha256()


def test_save_is_atomic(tmp_path, table, monkeypatch):
    path = tmp_path / "clusters.tsv"
    table.save(path)
    assert [p.name for p in tmp_path.iterdir()] == ["clusters.tsv"]

    def failing_lines(self):
        yield "word\t2\t8\n"
        raise RuntimeError("disk full")

    monkeypatch.setattr(ClusterTable, "_lines", failing_lines)
    with pytest.raises(RuntimeError):
        ClusterTable((2, 8), {"other": (1, 1)}).save(path)
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == ["clusters.tsv"]
    assert ClusterTable.load(path) == table  # the old file is intact


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("word\t2\t8\naspirin\t0\tx\n", 2, "cluster id 'x'"),
        ("word\t2\t8\naspirin\t0\t5\ncocaine\t1\n", 3, "expected 3 tab-separated columns, got 2"),
        ("word\t2\t8\naspirin\t0\t5\t1\n", 2, "expected 3 tab-separated columns, got 4"),
        ("word\t2\t8\naspirin\t0\t8\n", 2, "from 0 to 7"),
        ("word\t2\t8\naspirin\t0\t-1\n", 2, "cluster id '-1'"),
        ("word\t2\t8\naspirin\t0\t5\naspirin\t1\t5\n", 3, "appears twice"),
        ("word\t2\t8\n\ncocaine\t1\t5\n", 2, "columns"),
        ("aspirin\t0\t5\n", 1, "header"),
        ("word\t8\t2\naspirin\t0\t1\n", 1, "increasing"),
    ],
)
def test_malformed_file_names_the_line(tmp_path, text, line, message):
    path = tmp_path / "bad.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFormatError, match=message) as caught:
        ClusterTable.load(path)
    assert caught.value.line == line
    assert caught.value.path == str(path)
    assert f"line {line}" in str(caught.value) and "\n" not in str(caught.value)


def test_missing_empty_or_binary_file(tmp_path):
    with pytest.raises(DataFormatError, match="no such file"):
        ClusterTable.load(tmp_path / "absent.tsv")
    (tmp_path / "empty.tsv").write_text("", encoding="utf-8")
    with pytest.raises(DataFormatError, match="empty"):
        ClusterTable.load(tmp_path / "empty.tsv")
    (tmp_path / "latin1.tsv").write_bytes("word\t2\ncaf\xe9\t1\n".encode("latin-1"))
    with pytest.raises(DataFormatError, match="UTF-8"):
        ClusterTable.load(tmp_path / "latin1.tsv")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"granularities": (0, 8)}, "positive integers"),
        ({"granularities": (4.5,)}, "positive integers"),
        ({"granularities": (True,)}, "positive integers"),
        ({"granularities": ()}, "at least one"),
        ({"dims": 0}, "dims"),
        ({"window": 0}, "window: expected a whole number of words from 1 to 20, not 0"),  # as [clusters] window says
        ({"window": 21}, "window: expected a whole number of words from 1 to 20, not 21"),
        ({"window": 2.0}, "window: expected a whole number"),
        ({"min_count": 0}, "min_count"),
    ],
)
def test_learning_rejects_bad_settings(kwargs, message):
    with pytest.raises(CrfnerError, match=message):
        learn_clusters(synthetic_corpus(20), **kwargs)


@pytest.mark.parametrize("sentences", [[], [[]], [["once"], ["only"]]])
def test_learning_rejects_empty_input(sentences):
    with pytest.raises(DataFormatError):
        learn_clusters(sentences)


def _agreement(table: ClusterTable, pairs) -> float:
    """Fraction of word pairs that share a cluster at the coarsest granularity."""
    pairs = list(pairs)
    return sum(table.table[a][0] == table.table[b][0] for a, b in pairs) / len(pairs)


def test_words_of_the_same_slot_share_clusters(synthetic_table):
    same = itertools.chain(itertools.combinations(DRUGS, 2), itertools.combinations(DISEASES, 2))
    different = itertools.product(DRUGS, DISEASES)
    within, across = _agreement(synthetic_table, same), _agreement(synthetic_table, different)
    assert within > across + 0.5  # (0.875 vs 0 here; >= 0.66 vs <= 0.03 over 40 seed pairs)


def test_learned_table_is_consistent(synthetic_table, tmp_path):
    assert synthetic_table.granularities == (4, 16)
    vocabulary = {normalise_word(w) for s in synthetic_corpus() for w in s}
    assert set(synthetic_table.table) == vocabulary  # every word is frequent in this corpus
    assert synthetic_table.features("Aspirin")[0][0] == "clu4"
    synthetic_table.save(tmp_path / "c.tsv")
    assert ClusterTable.load(tmp_path / "c.tsv").sha256() == synthetic_table.sha256()


def test_learning_is_deterministic(synthetic_table):
    again = learn_clusters(synthetic_corpus(), granularities=(16, 4, 4), dims=10, seed=0)
    assert again.sha256() == synthetic_table.sha256()


def test_the_table_is_the_clustering_of_the_word_vectors(synthetic_table):
    import numpy as np

    words, vectors = word_vectors(synthetic_corpus(), dims=10, seed=0)
    assert vectors.shape == (len(words), 10) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    counts = [sum(normalise_word(t) == w for s in synthetic_corpus() for t in s) for w in words]
    assert counts == sorted(counts, reverse=True)  # most frequent first
    labels = [cluster_labels(vectors, 4, seed=0), cluster_labels(vectors, 16, seed=0)]
    assert {w: (int(a), int(b)) for w, a, b in zip(words, *labels)} == synthetic_table.table


def test_min_count_and_granularity_cap():
    sentences = synthetic_corpus(50) + [["rare", "aspirin"]]
    table = learn_clusters(sentences, granularities=(2, 1000), dims=5, min_count=2)
    assert "rare" not in table.table and table.features("rare") == []
    ids = [ids[1] for ids in table.table.values()]
    assert len(set(ids)) <= len(table) and max(ids) < len(table)  # 1000 capped at the vocabulary size


def test_learning_on_real_text(bc5cdr_train):
    from collections import Counter

    sentences = bc5cdr_train[0][:1500]
    table = learn_clusters(sentences, granularities=(8, 32), dims=30, seed=0)
    counts = Counter(normalise_word(w) for s in sentences for w in s)
    frequent = {w for w, c in counts.items() if c >= 2}
    assert set(table.table) == frequent
    assert len(table) > 1000
    for ids in table.table.values():
        assert 0 <= ids[0] < 8 and 0 <= ids[1] < 32
    assert len({ids[1] for ids in table.table.values()}) == 32
    assert table.features("The") == table.features("the") != []


def test_a_feature_set_learns_its_clusters_also_from_the_unlabeled_text_it_declares(tmp_path):
    import json

    from crfner.errors import FeatureSetError
    from crfner.featurize.featureset import load_feature_set
    from crfner.featurize.resources import build_resources

    notes = tmp_path / "notes.jsonl"
    rng = random.Random(3)
    with notes.open("w", encoding="utf-8") as handle:
        for k in range(150):
            text = " ".join(rng.choice(TEMPLATES).format(drug=rng.choice(DRUGS), disease=rng.choice(DISEASES)).split())
            handle.write(json.dumps({"id": f"n{k}", "text": f"Admission note.\n{text}"}) + "\n")
    spec = {"name": "clusters-test", "version": 1, "token": {"bias": True},
            "clusters": {"granularities": [4], "dims": 8, "unlabeled_text": [str(notes)]}}
    X = [["aspirin", "caused", "anemia", "."]] * 3
    resources = build_resources(load_feature_set(spec), X)
    # Words seen only in the declared text are clustered; the drugs share a cluster, apart from the diseases.
    assert resources.clusters.features("Admission") and resources.clusters.features("warfarin")
    clusters = {word: resources.clusters.features(word) for word in DRUGS + DISEASES}
    assert len({str(clusters[w]) for w in DRUGS}) < len(DRUGS) and clusters["heparin"] != clusters["asthma"]
    without = build_resources(load_feature_set({**spec, "clusters": {"granularities": [4], "dims": 8}}), X)
    assert not without.clusters.features("warfarin")

    missing = {**spec, "clusters": {**spec["clusters"], "unlabeled_text": [str(tmp_path / "absent.jsonl")]}}
    with pytest.raises(FeatureSetError, match="absent.jsonl"):
        build_resources(load_feature_set(missing), X)
    with pytest.raises(FeatureSetError, match="unlabeled_text"):
        load_feature_set({**spec, "clusters": {**spec["clusters"], "unlabeled_text": "ohsumed"}})


def test_unlabeled_text_given_as_strings_is_refused_not_read_as_letters():
    """``unlabeled_text=["a sentence", ...]`` was read as sentences of one-letter words, silently; 5 failed
    with a bare TypeError. Both are a ParameterError now; token lists are read as given."""
    from crfner.errors import ParameterError
    from crfner.featurize.featureset import load_feature_set
    from crfner.featurize.resources import build_resources

    spec = load_feature_set({"name": "clusters-test", "version": 1, "token": {"bias": True},
                             "clusters": {"granularities": [4], "dims": 8}})
    X = [["aspirin", "caused", "anemia", "."], ["heparin", "caused", "bleeding", "."]] * 3
    for given, message in ((["aspirin caused anemia"], r"unlabeled_text\[0\] = 'aspirin caused anemia': expected a list"),
                           (5, r"unlabeled_text=5: expected a file"), ([["a", 5]], r"unlabeled_text\[0\]")):
        with pytest.raises(ParameterError, match=message):
            build_resources(spec, X, unlabeled_text=given)
    sentences = [["warfarin", "caused", "bleeding", "."]] * 4
    assert build_resources(spec, X, unlabeled_text=iter(sentences)).clusters.features("warfarin")


def test_unlabeled_text_a_feature_set_cannot_use_is_named_in_a_warning():
    """A set without clusters, truecasing or abbreviation senses learns nothing from unlabeled text, which was
    ignored without a word; it is a warning (a grid over feature sets may pass it to every set)."""
    from crfner.featurize.featureset import load_feature_set
    from crfner.featurize.resources import build_resources

    X = [["aspirin", "caused", "anemia", "."]]
    with pytest.warns(UserWarning, match="unlabeled_text is not used: tutorial.toml: feature set 'tutorial' learns nothing"):
        build_resources(load_feature_set("tutorial"), X, unlabeled_text=[["warfarin", "."]])
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        build_resources(load_feature_set("tutorial"), X)  # none given: nothing to say
