"""The disk cache of learned clusters: a hit is exactly what learning gives, anything that
changes the input or settings misses, a damaged file is relearned, and ``off`` turns it off."""

from __future__ import annotations

import pytest

from crfner.featurize import cluster_cache
from crfner.featurize.cluster_cache import cache_folder, cache_key, cached_clusters
from crfner.featurize.clusters import learn_clusters

SETTINGS = {"granularities": (2, 4), "dims": 4, "window": 2, "min_count": 1}


@pytest.fixture()
def sentences(small_train):
    return small_train[0][:200]


@pytest.fixture()
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("CRFNER_CACHE_DIR", str(tmp_path))
    return tmp_path / "clusters"


def _count_learning(monkeypatch) -> list:
    calls = []

    def counting(sentences, **options):
        calls.append(len(sentences))
        return learn_clusters(sentences, **options)

    monkeypatch.setattr(cluster_cache, "learn_clusters", counting)
    return calls


def test_a_hit_is_the_table_learning_gives_without_learning_again(sentences, folder, monkeypatch):
    calls = _count_learning(monkeypatch)
    first = cached_clusters(sentences, **SETTINGS)
    assert calls == [200] and len(list(folder.glob("*.tsv"))) == 1
    again = cached_clusters([list(s) for s in sentences], **SETTINGS)
    assert calls == [200]  # read back, not learned
    assert again == first == learn_clusters(sentences, **SETTINGS)


def test_other_sentences_or_settings_miss(sentences, folder, monkeypatch):
    calls = _count_learning(monkeypatch)
    cached_clusters(sentences, **SETTINGS)
    changed = [list(s) for s in sentences]
    changed[7][0] = changed[7][0] + "x"
    cached_clusters(changed, **SETTINGS)
    cached_clusters(sentences, **{**SETTINGS, "window": 1})
    cached_clusters(sentences[:-1], **SETTINGS)
    assert len(calls) == 4 and len(list(folder.glob("*.tsv"))) == 4
    # token boundaries count: ["a b"] and ["a", "b"] are different input
    assert cache_key([["a b"]], SETTINGS) != cache_key([["a", "b"]], SETTINGS)
    assert cache_key([["a"], ["b"]], SETTINGS) != cache_key([["a", "b"]], SETTINGS)
    assert cache_key([["a\x1fb"]], SETTINGS) != cache_key([["a", "b"]], SETTINGS)
    assert cache_key([["a\nb"]], SETTINGS) != cache_key([["a"], ["b"]], SETTINGS)


def test_a_damaged_file_is_learned_again_and_replaced(sentences, folder, monkeypatch):
    calls = _count_learning(monkeypatch)
    table = cached_clusters(sentences, **SETTINGS)
    (path,) = folder.glob("*.tsv")
    path.write_text("word\t2\t4\nthe\t9\t9\n", encoding="utf-8")  # ids out of range
    assert cached_clusters(sentences, **SETTINGS) == table
    assert len(calls) == 2
    assert cached_clusters(sentences, **SETTINGS) == table and len(calls) == 2


def test_off_learns_every_time_and_writes_nothing(sentences, tmp_path, monkeypatch):
    monkeypatch.setenv("CRFNER_CACHE_DIR", "off")
    assert cache_folder() is None
    calls = _count_learning(monkeypatch)
    cached_clusters(sentences, **SETTINGS)
    cached_clusters(sentences, **SETTINGS)
    assert len(calls) == 2 and not any(tmp_path.iterdir())


def test_an_unwritable_folder_still_gives_the_clusters(sentences, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CRFNER_CACHE_DIR", str(blocker))
    assert cached_clusters(sentences, **SETTINGS) == learn_clusters(sentences, **SETTINGS)


def test_only_the_newest_tables_are_kept(sentences, folder, monkeypatch):
    monkeypatch.setattr(cluster_cache, "KEEP", 2)
    for window in (1, 2, 3):
        cached_clusters(sentences, **{**SETTINGS, "window": window})
    kept = list(folder.glob("*.tsv"))
    assert len(kept) == 2
    assert folder / f"{cache_key(sentences, {**SETTINGS, 'window': 3})}.tsv" in kept


def test_a_fitted_model_has_the_same_clusters_from_the_cache(small_train, folder, data_dir):
    import crfner

    X, y = small_train[0][:150], small_train[1][:150]
    spec = {"name": "words-and-clusters", "version": 1, "token": {"lower": True},
            "clusters": {"granularities": [4, 16], "dims": 8, "min_count": 1}}
    first = crfner.CRFTagger(features=spec, max_iterations=5, data_dir=data_dir).fit(X, y)
    files = list(folder.glob("*.tsv"))
    assert len(files) == 1
    second = crfner.CRFTagger(features=spec, max_iterations=5, data_dir=data_dir).fit(X, y)
    assert list(folder.glob("*.tsv")) == files
    assert second.resources_.clusters == first.resources_.clusters
    assert second.predict(X[:20]) == first.predict(X[:20])


def test_a_folder_that_refuses_the_used_mark_still_gives_a_hit(sentences, folder, monkeypatch):
    """Marking a table as recently used can fail (a read-only cache); the table read is still used."""
    import os

    table = cached_clusters(sentences, **SETTINGS)
    calls = _count_learning(monkeypatch)

    def refuse(*args, **kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr(os, "utime", refuse)
    assert cached_clusters(sentences, **SETTINGS) == table
    assert calls == []
