"""The numpy decoder: weights read exactly from the model file, label scores summed per word
type equal to those of the feature strings, and the same tags as CRFsuite's own Viterbi."""

from __future__ import annotations

import numpy as np
import pytest

from crfner import CRFTagger, ModelFileError
from crfner.crf.decoding import CRFWeights, viterbi


@pytest.fixture(scope="module")
def bio(small_train, data_dir):
    X, y = small_train
    return CRFTagger(features="biomedical", max_iterations=40, data_dir=data_dir).fit(X[:600], y[:600])


def test_weights_match_the_model_dump(bio):
    info = bio._tagger.info()
    weights = bio._weights
    for (name, label), value in list(info.state_features.items())[:2000]:
        row = weights.attributes[name.encode()]
        assert weights.state[row, weights.labels.index(label)] == pytest.approx(value, abs=1e-6)
    for (source, target), value in info.transitions.items():
        assert weights.transition[weights.labels.index(source), weights.labels.index(target)] == pytest.approx(value, abs=1e-6)
    # The binary holds more precision than the six decimals of the dump.
    assert any(round(v, 6) != v for v in weights.state[weights.state != 0][:200])


def test_summed_scores_equal_those_of_the_feature_strings(bio, small_devel):
    X, _ = small_devel
    for tokens in X[:120]:
        expected = bio._weights.emissions(bio._featurizer.attributes(tokens))
        np.testing.assert_allclose(bio._scorer.document([tokens])[0], expected, rtol=0, atol=1e-9)


def test_same_tags_as_crfsuite(bio, small_devel):
    X, _ = small_devel
    X = list(X) + [[], ["."], ["a"] * 300]
    crfsuite = [bio._tagger.tag(bio._featurizer.attributes(t)) if t else [] for t in X]
    assert bio.predict(X) == crfsuite


def test_viterbi_against_brute_force():
    rng = np.random.default_rng(0)
    transition = rng.normal(size=(3, 3))
    sentences = [rng.normal(size=(n, 3)) for n in (1, 2, 4, 5, 0, 3)]
    for emissions, path in zip(sentences, viterbi(sentences, transition)):
        if not len(emissions):
            assert len(path) == 0
            continue
        best, best_score = None, -np.inf
        for candidate in np.ndindex(*([3] * len(emissions))):
            score = sum(emissions[t, k] for t, k in enumerate(candidate))
            score += sum(transition[a, b] for a, b in zip(candidate, candidate[1:]))
            if score > best_score:
                best, best_score = candidate, score
        assert tuple(path.tolist()) == best


def test_a_damaged_model_file_is_refused(bio):
    with pytest.raises(ModelFileError, match="cannot read the CRF weights"):
        CRFWeights.from_model(b"lCRF" + b"\0" * 10, bio._tagger)


def test_tags_stay_the_same_when_the_word_cache_fills(bio, small_devel, tmp_path):
    X, _ = small_devel
    expected = bio.predict(X)
    loaded = CRFTagger.load(bio.save(tmp_path / "m"))
    loaded._featurizer.CACHE_LIMIT = 200  # far fewer than the word types of the slice
    assert loaded.predict(X) == expected
    first = dict(loaded._scorer._index)
    assert loaded.predict(X[:50]) == expected[:50]  # the full table is dropped before this batch
    assert loaded._scorer._index != first and len(loaded._scorer._index) < len(first)
